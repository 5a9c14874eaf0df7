"""Sign-up, sign-in (session and token), the current user, password reset and change, email
change, downloading one's own data, deleting one's own account."""

from typing import Any

from django.conf import settings
from django.contrib.auth import login, logout, password_validation, update_session_auth_hash
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_protect, ensure_csrf_cookie
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import deletion, services, two_factor
from accounts.authentication import SecondFactorMissing
from accounts.models import DJANGO_LANGUAGE, Language, User
from accounts.requests import SignedInRequest
from accounts.serializers import (
    AccountDeletionPreviewSerializer,
    AccountDeletionRefusedSerializer,
    AccountDeletionSerializer,
    DetailSerializer,
    EmailChangeConfirmSerializer,
    EmailChangedSerializer,
    EmailChangeRequestedSerializer,
    EmailChangeSerializer,
    MeSerializer,
    MeUpdateSerializer,
    OtpRequiredSerializer,
    PasswordChangeSerializer,
    PasswordResetConfirmSerializer,
    PasswordResetSerializer,
    SignInSerializer,
    SignUpSerializer,
    TokenOtpRequiredSerializer,
    TokenSerializer,
)
from core.clients import client_key
from core.idempotency import IdempotentAPIView
from core.renderers import ZIPRenderer
from core.throttling import ScopedRateThrottle, UserRateThrottle


def signin_throttled(exc: Exception) -> Throttled:
    return Throttled(
        wait=settings.SIGNIN_FAILURE_WINDOW_SECONDS,
        detail=_("Too many failed sign-ins. Wait a while, or reset your password."),
    )


OTP_REQUIRED = gettext_lazy("Enter the code from your authenticator app, or a recovery code.")


def _password_confirmed(request: SignedInRequest, password: str, field: str = "password") -> None:
    """Refuse the request unless ``password`` is the signed-in user's password."""
    try:
        services.password_confirm(
            user=request.user,
            password=password,
            client=client_key(request),
            field=field,
        )
    except services.SignInThrottled as exc:
        raise signin_throttled(exc) from exc
    except DjangoValidationError as exc:
        raise ValidationError(exc.message_dict) from exc


def _signed_in_user(request: Request) -> User:
    """Check credentials in the request body, with the failed-attempt throttle."""
    payload = SignInSerializer(data=request.data)
    payload.is_valid(raise_exception=True)
    try:
        user = services.user_authenticate(
            request=request,
            email=payload.validated_data["email"],
            password=payload.validated_data["password"],
        )
    except services.SignInThrottled as exc:
        raise signin_throttled(exc) from exc
    if user is None:
        raise ValidationError({"non_field_errors": [_("The email or password is not right.")]})
    return user


class CsrfView(APIView):
    """Sets the CSRF cookie the browser frontend echoes back in ``X-CSRFToken``."""

    permission_classes = [AllowAny]
    second_factor_exempt = True

    @extend_schema(responses={204: None})
    @method_decorator(ensure_csrf_cookie)
    def get(self, request: Request) -> Response:
        return Response(status=status.HTTP_204_NO_CONTENT)


@method_decorator(csrf_protect, name="dispatch")
class SignUpView(IdempotentAPIView):
    """Create a volunteer account and sign in with it."""

    permission_classes = [AllowAny]

    @extend_schema(request=SignUpSerializer, responses={201: MeSerializer})
    def post(self, request: Request) -> Response:
        payload = SignUpSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        # Someone who signed up in Welsh goes on in Welsh, unless they chose otherwise.
        language = Language.WELSH if translation.get_language() == "cy" else Language.ENGLISH
        user = services.user_sign_up(**{"language": language, **payload.validated_data})
        login(request._request, user, backend="django.contrib.auth.backends.ModelBackend")
        return Response(MeSerializer(user).data, status=status.HTTP_201_CREATED)


@method_decorator(csrf_protect, name="dispatch")
class SignInView(IdempotentAPIView):
    """Sign in the browser session."""

    permission_classes = [AllowAny]
    # A replayed answer would carry no session cookie: the client would be told it is signed
    # in while it is not. Signing in again is harmless (it only starts another session).
    idempotency_key_accepted = False

    second_factor_exempt = True

    @extend_schema(
        request=SignInSerializer, responses={200: MeSerializer, 202: OtpRequiredSerializer}
    )
    def post(self, request: Request) -> Response:
        user = _signed_in_user(request)
        if two_factor.second_factor_enabled(user=user):
            # Nobody is signed in until the code step (POST auth/login/otp/).
            two_factor.signin_pending(request=request._request, user=user)
            return Response(
                {"otp_required": True, "detail": OTP_REQUIRED}, status=status.HTTP_202_ACCEPTED
            )
        login(request._request, user)
        return Response(MeSerializer(user).data)


class SignOutView(IdempotentAPIView):
    permission_classes = [AllowAny]
    second_factor_exempt = True
    # Signing out twice is signing out; a replayed answer would not clear the cookie.
    idempotency_key_accepted = False

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenView(IdempotentAPIView):
    """An API token for clients other than the browser: ``Authorization: Token <token>``."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    # The same credentials always get the same token, and a stored answer would be a second
    # copy of a credential kept for days.
    idempotency_key_accepted = False

    @extend_schema(
        request=SignInSerializer,
        responses={200: TokenSerializer, 202: TokenOtpRequiredSerializer},
    )
    def post(self, request: Request) -> Response:
        user = _signed_in_user(request)
        if two_factor.second_factor_enabled(user=user):
            return Response(
                {
                    "otp_required": True,
                    "otp_token": two_factor.signin_ticket(user=user),
                    "detail": OTP_REQUIRED,
                },
                status=status.HTTP_202_ACCEPTED,
            )
        if two_factor.second_factor_required(user=user):
            # Tokens of such accounts are made only by the two-step sign-in.
            raise SecondFactorMissing(two_factor.ENROLMENT_REQUIRED)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class TokenRevokeView(IdempotentAPIView):
    @extend_schema(request=None, responses={204: None})
    def post(self, request: SignedInRequest) -> Response:
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(IdempotentAPIView):
    # The web app reads who is signed in to know it must show the two-factor set-up.
    second_factor_exempt = frozenset({"GET"})

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)

    @extend_schema(request=MeUpdateSerializer, responses=MeSerializer)
    def patch(self, request: SignedInRequest) -> Response:
        payload = MeUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        user = services.user_update(user=request.user, data=payload.validated_data)
        # The answer already speaks the language just chosen.
        translation.activate(DJANGO_LANGUAGE[user.language])
        return Response(MeSerializer(user).data)


class PasswordResetView(IdempotentAPIView):
    """Email a password reset link; answers the same whether or not the account exists."""

    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "password_reset"

    @extend_schema(request=PasswordResetSerializer, responses={202: DetailSerializer})
    def post(self, request: Request) -> Response:
        payload = PasswordResetSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.password_reset_request(email=payload.validated_data["email"])
        return Response(
            {"detail": _("If that address has an account, a reset link is on its way.")},
            status=status.HTTP_202_ACCEPTED,
        )


class PasswordResetConfirmView(IdempotentAPIView):
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "password_reset"

    @extend_schema(
        request=PasswordResetConfirmSerializer,
        responses={204: OpenApiResponse(description="Password changed.")},
    )
    def post(self, request: Request) -> Response:
        payload = PasswordResetConfirmSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        user = _user_for_reset(data["uid"], data["token"])
        try:
            password_validation.validate_password(data["new_password"], user)
        except DjangoValidationError as exc:
            raise ValidationError({"new_password": exc.messages}) from exc
        services.password_reset_confirm(user=user, new_password=data["new_password"])
        return Response(status=status.HTTP_204_NO_CONTENT)


def _user_for_reset(uid: str, token: str) -> User:
    invalid = ValidationError({"token": [_("This reset link is invalid or has expired.")]})
    try:
        pk = int(force_str(urlsafe_base64_decode(uid)))
    except (ValueError, TypeError, OverflowError, UnicodeDecodeError) as exc:
        raise invalid from exc
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, token):
        raise invalid
    return user


class PasswordChangeView(IdempotentAPIView):
    """Change the password. This browser session (or the API token used) stays signed in;
    every other session and API token is signed out."""

    @extend_schema(
        request=PasswordChangeSerializer,
        responses={204: OpenApiResponse(description="Password changed.")},
    )
    def post(self, request: SignedInRequest) -> Response:
        payload = PasswordChangeSerializer(data=request.data, context={"user": request.user})
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        _password_confirmed(request, data["current_password"], field="current_password")
        token = request.auth.key if isinstance(request.auth, Token) else None
        services.password_change(
            user=request.user, new_password=data["new_password"], keep_token=token
        )
        if token is None:
            # Keeps this session valid under the new password (and gives it a new key).
            update_session_auth_hash(request._request, request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EmailChangeView(IdempotentAPIView):
    """Ask to move the account to another address: a link goes to that address, and the
    change happens only when it is followed."""

    @extend_schema(request=EmailChangeSerializer, responses={202: EmailChangeRequestedSerializer})
    def post(self, request: SignedInRequest) -> Response:
        payload = EmailChangeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        _password_confirmed(request, data["password"])
        # A refusal is a Django ValidationError, which the API answers as a field-level 400.
        change = services.email_change_request(user=request.user, new_email=data["new_email"])
        return Response(
            {
                "detail": _(
                    "We have sent a link to %(email)s. Your address changes when you follow it."
                )
                % {"email": change.new_email},
                "pending_email": change.new_email,
            },
            status=status.HTTP_202_ACCEPTED,
        )


class EmailChangeConfirmView(IdempotentAPIView):
    """Follow the link sent to the new address. It needs no sign-in (the link may be opened
    on another device): holding it proves the address is yours."""

    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "password_reset"

    @extend_schema(request=EmailChangeConfirmSerializer, responses={200: EmailChangedSerializer})
    def post(self, request: Request) -> Response:
        payload = EmailChangeConfirmSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        user = services.email_change_confirm(token=payload.validated_data["token"])
        return Response(
            {
                "detail": _("Your account now uses %(email)s.") % {"email": user.email},
                "email": user.email,
            }
        )


class DataExportView(APIView):
    """Download everything Patchwatch holds about you: a ZIP of CSV files (one per kind of
    record), the same records in ``data.json``, and a ``README.txt`` explaining each file.
    Only ever the signed-in person's own data; each download is recorded on the account."""

    throttle_classes = [UserRateThrottle, ScopedRateThrottle]
    throttle_scope = "data_export"
    renderer_classes = [ZIPRenderer]

    @extend_schema(
        responses={
            (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY, description="ZIP file.")
        }
    )
    def get(self, request: SignedInRequest) -> StreamingHttpResponse:
        chunks = services.personal_data_export(user=request.user)
        response = StreamingHttpResponse(chunks, content_type="application/zip")
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="patchwatch-my-data-{stamp}.zip"'
        # Personal data: no shared cache or browser cache keeps a copy.
        response["Cache-Control"] = "private, no-store"
        return response


def _deletion_refused(refused: deletion.AccountDeletionRefused) -> Response:
    """409: what must be handed over before the account can go."""
    detail = (
        _("Your account cannot be deleted yet.")
        + " "
        + " ".join(blocker.message for blocker in refused.blockers)
    )
    return Response(
        AccountDeletionRefusedSerializer({"detail": detail, "blockers": refused.blockers}).data,
        status=status.HTTP_409_CONFLICT,
    )


class AccountDeletionView(IdempotentAPIView):
    """What deleting one's own account would do (GET), and doing it (POST, with the
    password). Refused with 409 while something must be handed over first, such as a scheme
    the person is the last coordinator of.

    The POST takes an Idempotency-Key like every write, but once it succeeds the key goes with
    the account: a retry is simply not signed in any more (401).
    """

    @extend_schema(responses=AccountDeletionPreviewSerializer)
    def get(self, request: SignedInRequest) -> Response:
        blockers = services.account_deletion_blockers(user=request.user)
        return Response(
            AccountDeletionPreviewSerializer(
                {
                    "held": services.account_data_held(user=request.user),
                    "blockers": blockers,
                    "can_delete": not blockers,
                }
            ).data
        )

    @extend_schema(
        request=AccountDeletionSerializer,
        responses={
            204: OpenApiResponse(description="The account is deleted and signed out."),
            409: AccountDeletionRefusedSerializer,
        },
    )
    def post(self, request: SignedInRequest) -> Response:
        payload = AccountDeletionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        _password_confirmed(request, payload.validated_data["password"])
        try:
            services.account_delete(user=request.user)
        except deletion.AccountDeletionRefused as refused:
            return _deletion_refused(refused)
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)
