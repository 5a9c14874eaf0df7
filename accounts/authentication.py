"""The API's authentication classes: DRF's token and session authentication, refusing (403)
a signed-in request whose account still owes its second factor (``accounts.two_factor``).

Checked here because authentication runs for every API request, whatever a view's own
permission classes are. A view marks itself usable before the second factor with
``second_factor_exempt``: True, or the HTTP methods it allows (the sign-in steps, the
current user, setting up two-factor sign-in, signing out).

A signed-in person's request is also answered in the language they chose (``User.language``),
whatever their browser's Accept-Language says: here too, because it is where every API
request learns who makes it, by session or by token.
"""

from typing import Any

from django.db.models import OuterRef, QuerySet
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular import authentication as drf_spectacular_authentication
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token
from rest_framework.request import Request

from accounts import two_factor
from accounts.models import DJANGO_LANGUAGE
from core.compiled import CompiledList, StandIn

MESSAGES = {
    two_factor.ENROLMENT_REQUIRED: _(
        "Set up two-factor sign-in before using Patchwatch: police liaisons and staff must."
    ),
    two_factor.VERIFICATION_REQUIRED: _("Enter the code from your authenticator app first."),
}


class SecondFactorMissing(exceptions.PermissionDenied):
    def __init__(self, code: str) -> None:
        super().__init__({"detail": MESSAGES[code], "code": code})


def _exempt(request: Request) -> bool:
    view = (request.parser_context or {}).get("view")
    allowed = getattr(view, "second_factor_exempt", ())
    return allowed is True or request.method in allowed


def _speak_their_language(request: Request, user: Any) -> None:
    """The rest of the request speaks the language the person chose, whatever their browser
    asks for (LocaleMiddleware activated that; it also names the language in the answer's
    Content-Language)."""
    language = DJANGO_LANGUAGE.get(getattr(user, "language", ""), DJANGO_LANGUAGE["en"])
    translation.activate(language)
    request._request.LANGUAGE_CODE = language


def _check(request: Request, result: tuple[Any, Any] | None, verified: bool | None) -> None:
    if result is None:
        return
    _speak_their_language(request, result[0])
    if _exempt(request):
        return
    refusal = two_factor.request_refusal(
        user=result[0],
        session_verified=verified,
        # Read with the token (``_tokens``); a session asks.
        enabled=getattr(result[1], "second_factor_enabled", None),
    )
    if refusal:
        raise SecondFactorMissing(refusal)


# A token key no client has: keys are 40 hexadecimal digits, and PostgreSQL text cannot hold
# a NUL.
_KEY = "\x00the token's key"


def _tokens(key: str) -> QuerySet[Token]:
    # With the answers the second-factor check needs, so that it asks nothing more.
    return (
        Token.objects.select_related("user__liaison")
        .filter(key=key)
        .annotate(second_factor_enabled=two_factor.second_factor_enabled_of(OuterRef("user")))
    )


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        # DRF's own look-up and messages, with the liaison profile in the same query: the
        # second-factor check below and most visibility rules ask whether the user is a
        # liaison, and the answer (even "none") stays cached on the user for the request.
        # Every API request asks this, so its SQL is compiled once (``core.compiled``).
        tokens = CompiledList(
            "token", _tokens, of=key, stand_in=StandIn(shape=(), viewer=_KEY, values={_KEY: key})
        )
        found = tokens[0:1]
        if not found:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        token = found[0]
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return token.user, token

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        _check(request, result, verified=None)
        return result


class SessionAuthentication(authentication.SessionAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is not None:
            _check(request, result, verified=two_factor.session_is_verified(request._request))
        return result


class SessionScheme(drf_spectacular_authentication.SessionScheme):
    """Describes the session sign-in in the OpenAPI schema as DRF's own (drf-spectacular
    matches its extension to DRF's class only, not to subclasses)."""

    target_class = "accounts.authentication.SessionAuthentication"
