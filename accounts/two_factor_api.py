"""Two-factor sign-in: the code step of both sign-ins, setting it up, recovery codes, turning
it off, and staff resetting it for someone who lost their phone. The rules are in
``accounts.two_factor``."""

from collections.abc import Callable
from typing import TypeVar

import django_otp
import segno
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_protect
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny, IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services, two_factor
from accounts.api import signin_throttled
from accounts.models import User
from accounts.requests import SignedInRequest
from accounts.selectors import people_visible_to
from accounts.serializers import (
    MeSerializer,
    RecoveryCodesSerializer,
    SignInCodeSerializer,
    TokenSerializer,
    TokenSignInCodeSerializer,
    TwoFactorCodeSerializer,
    TwoFactorDisableSerializer,
    TwoFactorEnrolmentSerializer,
    TwoFactorEnrolSerializer,
    TwoFactorStatusSerializer,
)
from core.clients import client_key
from core.idempotency import IdempotentAPIView

T = TypeVar("T")


def _client(request: Request) -> str:
    return client_key(request)


def _guarded(call: Callable[[], T]) -> T:
    """Run a two-factor service, answering the sign-in throttle with 429."""
    try:
        return call()
    except services.SignInThrottled as exc:
        raise signin_throttled(exc) from exc


@method_decorator(csrf_protect, name="dispatch")
class SignInCodeView(IdempotentAPIView):
    """The second step of the browser sign-in: the code, after the password step answered
    ``otp_required``."""

    # Like signing in: a replayed answer would carry no session cookie, and a code works once.
    idempotency_key_accepted = False

    permission_classes = [AllowAny]
    second_factor_exempt = True

    @extend_schema(request=SignInCodeSerializer, responses={200: MeSerializer})
    def post(self, request: Request) -> Response:
        payload = SignInCodeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        ticket = request.session.get(two_factor.PENDING_SESSION_KEY)
        if not ticket:
            raise ValidationError(
                {"non_field_errors": [_("Sign in with your email and password first.")]}
            )
        user = two_factor.signin_ticket_user(ticket=ticket, field="non_field_errors")
        device = _guarded(
            lambda: two_factor.code_check(
                user=user, code=payload.validated_data["code"], client=_client(request)
            )
        )
        two_factor.signin_complete(request=request._request, user=user, device=device)
        return Response(MeSerializer(user).data)


class TokenCodeView(IdempotentAPIView):
    """The second step of the token sign-in: the ``otp_token`` the first step answered with,
    and the code. API tokens of accounts with two-factor sign-in come only from here."""

    # Like auth/token/: a stored answer would be a second copy of a credential kept for days.
    idempotency_key_accepted = False

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(request=TokenSignInCodeSerializer, responses={200: TokenSerializer})
    def post(self, request: Request) -> Response:
        payload = TokenSignInCodeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        user = two_factor.signin_ticket_user(ticket=payload.validated_data["otp_token"])
        _guarded(
            lambda: two_factor.code_check(
                user=user, code=payload.validated_data["code"], client=_client(request)
            )
        )
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


def _status(user: User) -> dict[str, object]:
    required = two_factor.second_factor_required(user=user)
    return {
        "enabled": two_factor.second_factor_enabled(user=user),
        "required": required,
        "recovery_codes_left": two_factor.recovery_codes_left(user=user),
        "can_disable": not required,
    }


class TwoFactorView(APIView):
    """Whether two-factor sign-in is on, and how many recovery codes are left."""

    second_factor_exempt = frozenset({"GET"})

    @extend_schema(responses=TwoFactorStatusSerializer)
    def get(self, request: SignedInRequest) -> Response:
        return Response(TwoFactorStatusSerializer(_status(request.user)).data)


def _enrolment_data(enrolment: two_factor.Enrolment) -> dict[str, str]:
    """The new key as text, as an otpauth:// link, and as a QR code of that link for the
    authenticator app's camera (an SVG data URI)."""
    qr = segno.make(enrolment.otpauth_uri, error="m")
    return {
        "secret": enrolment.secret,
        "otpauth_uri": enrolment.otpauth_uri,
        "qr_svg": qr.svg_data_uri(scale=5, border=2, dark="#000", light="#fff"),
    }


class TwoFactorEnrolView(IdempotentAPIView):
    """Start setting up two-factor sign-in (with the password): a new authenticator key, as
    text, as an otpauth:// link and as a QR code. Confirm it with a code from the app."""

    # The answer holds a secret (the authenticator key), which must not be kept in a stored
    # response; sending it again is safe: a new set-up replaces one not yet confirmed.
    idempotency_key_accepted = False

    second_factor_exempt = frozenset({"POST"})

    @extend_schema(request=TwoFactorEnrolSerializer, responses={201: TwoFactorEnrolmentSerializer})
    def post(self, request: SignedInRequest) -> Response:
        payload = TwoFactorEnrolSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        enrolment = _guarded(
            lambda: two_factor.enrolment_start(
                user=request.user,
                password=payload.validated_data["password"],
                client=_client(request),
            )
        )
        return Response(_enrolment_data(enrolment), status=status.HTTP_201_CREATED)


class TwoFactorConfirmView(IdempotentAPIView):
    """Confirm the new authenticator with a code from it: two-factor sign-in is on, and
    ten recovery codes are shown (once). This session counts as having passed the code step;
    every API token of the account is deleted."""

    # The answer holds a secret (the recovery codes), which must not be kept in a stored
    # response; sending it again is safe: a second confirmation is refused, and new codes
    # can be made.
    idempotency_key_accepted = False

    second_factor_exempt = frozenset({"POST"})

    @extend_schema(request=TwoFactorCodeSerializer, responses={201: RecoveryCodesSerializer})
    def post(self, request: SignedInRequest) -> Response:
        payload = TwoFactorCodeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        device, codes = _guarded(
            lambda: two_factor.enrolment_confirm(
                user=request.user, code=payload.validated_data["code"], client=_client(request)
            )
        )
        if not isinstance(request.auth, Token):
            django_otp.login(request._request, device)
        return Response({"recovery_codes": codes}, status=status.HTTP_201_CREATED)


class RecoveryCodesView(IdempotentAPIView):
    """Ten new recovery codes in place of the old ones; needs a code from the authenticator."""

    # The answer holds a secret (the recovery codes), which must not be kept in a stored
    # response; sending it again is safe: each call makes a new set, replacing the last.
    idempotency_key_accepted = False

    @extend_schema(request=TwoFactorCodeSerializer, responses={201: RecoveryCodesSerializer})
    def post(self, request: SignedInRequest) -> Response:
        payload = TwoFactorCodeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        codes = _guarded(
            lambda: two_factor.recovery_codes_regenerate(
                user=request.user, code=payload.validated_data["code"], client=_client(request)
            )
        )
        return Response({"recovery_codes": codes}, status=status.HTTP_201_CREATED)


SECOND_FACTOR_KEPT = gettext_lazy(
    "Police liaisons and staff must keep two-factor sign-in on. If you have lost your phone, "
    "ask Patchwatch staff to reset it."
)


class TwoFactorDisableView(IdempotentAPIView):
    """Turn two-factor sign-in off, with the password and a code. Police liaisons and staff
    cannot (403)."""

    @extend_schema(
        request=TwoFactorDisableSerializer,
        responses={204: OpenApiResponse(description="Two-factor sign-in is off.")},
    )
    def post(self, request: SignedInRequest) -> Response:
        payload = TwoFactorDisableSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            _guarded(
                lambda: two_factor.second_factor_disable(
                    user=request.user, client=_client(request), **payload.validated_data
                )
            )
        except two_factor.SecondFactorRequired as exc:
            raise PermissionDenied(SECOND_FACTOR_KEPT) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


class TwoFactorResetView(IdempotentAPIView):
    """Staff: remove someone's authenticator and recovery codes (a lost phone). They must set
    it up again; recorded on the audit log."""

    permission_classes = [IsAdminUser]

    @extend_schema(request=None, responses={200: TwoFactorStatusSerializer})
    def post(self, request: SignedInRequest, user_id: int) -> Response:
        user = get_object_or_404(people_visible_to(user=request.user), pk=user_id)
        two_factor.second_factor_reset(user=user, staff=request.user)
        return Response(TwoFactorStatusSerializer(_status(user)).data)
