"""Two-factor sign-in: a TOTP authenticator app (django-otp's ``TOTPDevice``) backed by
single-use recovery codes (a ``StaticDevice`` with its ``StaticToken``s).

Who must use it: police liaisons and staff, while ``OTP_REQUIRED_FOR_POLICE`` is on (the
production default). Anyone else may turn it on. The rules about what a signed-in person may
do before their second factor is checked live here, once; ``accounts.authentication`` applies
them to every API request and ``accounts.admin_site`` to the Django admin.

Wrong codes count towards the same sign-in throttle as wrong passwords
(``accounts.services``), per account and per client address.
"""

import hashlib
import secrets
from base64 import b32encode
from dataclasses import dataclass
from typing import Any

import django_otp
from django.conf import settings
from django.contrib.auth import login, logout
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.dispatch import Signal
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from accounts import services
from accounts.models import LiaisonProfile, User

# Sent (inside the reset's transaction) when staff reset someone's two-factor sign-in, with
# ``user`` (whose) and ``staff`` (who did it). The audit trail lives in an app above this
# one, which connects to it; the signal carries no rule of its own.
two_factor_reset = Signal()

RECOVERY_CODE_COUNT = 10
# Lower-case letters and digits a person will not misread for one another (no 0/o, 1/l/i).
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_LENGTH = 10  # about 49 bits each, shown as two groups of five

# Request codes the API answers with (403) while the second factor is missing.
ENROLMENT_REQUIRED = "otp_enrolment_required"
VERIFICATION_REQUIRED = "otp_required"

_TICKET_SALT = "accounts.two_factor.signin"
# The session key of a browser that has passed the password step and owes a code.
PENDING_SESSION_KEY = "two_factor_pending"

WRONG_CODE = gettext_lazy(
    "This code is not right. Check the time on your phone, or use a recovery code."
)


class SecondFactorRequired(Exception):
    """The account must set up two-factor sign-in before it can do this."""


# --- Reads ------------------------------------------------------------------------------


def second_factor_required(*, user: User) -> bool:
    """Police liaisons and staff must use a second factor (unless the deployment has turned
    the requirement off)."""
    if not settings.OTP_REQUIRED_FOR_POLICE or not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    # Through the relation, so that the answer (even "none") is cached on the user for the
    # permission checks of the same request.
    try:
        return user.liaison is not None
    except LiaisonProfile.DoesNotExist:
        return False


def second_factor_enabled(*, user: User) -> bool:
    """The account has a confirmed authenticator app, so every sign-in asks for a code."""
    return user.is_authenticated and TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_factor_enabled_of(user: OuterRef) -> Exists:
    """``second_factor_enabled`` of the user another query refers to, read with it."""
    return Exists(TOTPDevice.objects.filter(user=user, confirmed=True))


def recovery_codes_left(*, user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def request_refusal(
    *, user: User, session_verified: bool | None, enabled: bool | None = None
) -> str | None:
    """Why a signed-in request may not go ahead, as an error code, or None when it may.

    ``session_verified`` is whether a browser session passed the code step (django-otp's
    ``is_verified``), or None for an API token: tokens of accounts with a second factor are
    made only by the two-step token sign-in, and confirming a device deletes older ones.

    Only the accounts that must use a second factor are held back. Someone who turns it on
    by choice keeps the browser sessions they already had (their sign-ins from then on ask
    for a code), which also keeps this check free of queries for most requests. ``enabled``
    is ``second_factor_enabled`` when it was read already (with the API token).
    """
    if session_verified or not second_factor_required(user=user):
        return None
    if not (second_factor_enabled(user=user) if enabled is None else enabled):
        return ENROLMENT_REQUIRED
    return VERIFICATION_REQUIRED if session_verified is False else None


def session_is_verified(request: HttpRequest) -> bool:
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


# --- Checking a code --------------------------------------------------------------------


def _normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _code_device(*, user: User, code: str) -> Device | None:
    """The device that accepts ``code`` (using it up), or None. Six digits are an
    authenticator code; anything else is tried as a recovery code."""
    code = _normalise(code)
    if code.isdigit() and len(code) == 6:
        devices: Any = TOTPDevice.objects.filter(user=user, confirmed=True)
    else:
        devices = StaticDevice.objects.filter(user=user, confirmed=True)
    with transaction.atomic():
        for device in devices.select_for_update():
            if device.verify_token(code):
                return device
    return None


def code_check(
    *, user: User, code: str, client: str, field: str = "code", authenticator_only: bool = False
) -> Device:
    """The device that accepts ``code``; refuses (ValidationError on ``field``) otherwise.
    Raises ``services.SignInThrottled`` after too many failures (wrong passwords and wrong
    codes count together). ``authenticator_only`` refuses recovery codes, for the actions
    that need the phone itself."""
    with services.signin_attempt(email=user.email, client=client) as attempt:
        device = None
        if not authenticator_only or _normalise(code).isdigit():
            device = _code_device(user=user, code=code)
        attempt.wrong = device is None
    if device is None:
        if authenticator_only:
            raise ValidationError(
                {field: _("Enter the 6-digit code your authenticator app shows.")}
            )
        raise ValidationError({field: WRONG_CODE})
    return device


# --- The sign-in ticket -----------------------------------------------------------------
# Between the password step and the code step nobody is signed in: the client holds a
# signed, short-lived ticket naming the account (in the session for the browser, in the
# response for token clients). It is bound to the password hash, so changing the password
# voids it.


def _password_digest(user: User) -> str:
    # A digest of the session hash, itself a keyed hash of the password hash: the ticket is
    # signed, not encrypted, and the client needs nothing it could learn from.
    return hashlib.sha256(user.get_session_auth_hash().encode()).hexdigest()[:32]


def signin_ticket(*, user: User) -> str:
    return signing.dumps({"user": user.pk, "hash": _password_digest(user)}, salt=_TICKET_SALT)


def signin_ticket_user(*, ticket: str, field: str = "otp_token") -> User:
    expired = ValidationError({field: _("Sign in again: this sign-in has expired.")})
    try:
        data = signing.loads(ticket, salt=_TICKET_SALT, max_age=settings.OTP_SIGNIN_TIMEOUT_SECONDS)
    except signing.BadSignature as exc:
        raise expired from exc
    user = User.objects.filter(pk=data.get("user"), is_active=True).first()
    if user is None or not secrets.compare_digest(_password_digest(user), str(data.get("hash"))):
        raise expired
    return user


# --- Enrolment --------------------------------------------------------------------------


@dataclass(frozen=True)
class Enrolment:
    secret: str  # base32, as authenticator apps take it
    otpauth_uri: str


def enrolment_start(*, user: User, password: str, client: str) -> Enrolment:
    """A new, unconfirmed authenticator device (replacing any earlier unconfirmed one).
    Needs the password: a browser left signed in must not be enough to take over the
    account's second factor (after staff reset it for a lost phone, say)."""
    if second_factor_enabled(user=user):
        raise ValidationError(
            {"non_field_errors": _("Two-factor sign-in is already on for this account.")}
        )
    services.password_confirm(user=user, password=password, client=client)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return Enrolment(secret=b32encode(device.bin_key).decode(), otpauth_uri=device.config_url)


def authenticator_install(*, user: User, key: bytes) -> TOTPDevice:
    """A confirmed authenticator with a known key, for the demo's logins (whose key is
    printed for anyone to use); never for a real account."""
    with transaction.atomic():
        _devices_delete(user)
        return TOTPDevice.objects.create(
            user=user, name="Demo authenticator", key=key.hex(), confirmed=True
        )


def _recovery_code() -> str:
    return "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))


def recovery_code_display(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def _recovery_codes_replace(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return [recovery_code_display(code) for code in codes]


def enrolment_confirm(*, user: User, code: str, client: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the authenticator device with a code from it; return the device and ten new
    recovery codes (shown once). Every API token of the account is deleted: from now on
    tokens come only from the two-step token sign-in."""
    with services.signin_attempt(email=user.email, client=client) as attempt, transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("-pk")
            .first()
        )
        if device is None:
            raise ValidationError(
                {
                    "code": _(
                        "Start setting up two-factor sign-in first: there is nothing to confirm."
                    )
                }
            )
        if not device.verify_token(_normalise(code)):
            device = None
        else:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            codes = _recovery_codes_replace(user)
            Token.objects.filter(user=user).delete()
        attempt.wrong = device is None
    if device is None:
        raise ValidationError({"code": WRONG_CODE})
    return device, codes


def recovery_codes_regenerate(*, user: User, code: str, client: str) -> list[str]:
    """Ten new recovery codes in place of the old ones, after a fresh authenticator code."""
    if not second_factor_enabled(user=user):
        raise ValidationError({"non_field_errors": _("Two-factor sign-in is not on.")})
    code_check(user=user, code=code, client=client, authenticator_only=True)
    with transaction.atomic():
        return _recovery_codes_replace(user)


def second_factor_disable(*, user: User, password: str, code: str, client: str) -> None:
    """Turn two-factor sign-in off; refused for the accounts that must use it."""
    if second_factor_required(user=user):
        raise SecondFactorRequired
    if not second_factor_enabled(user=user):
        raise ValidationError({"non_field_errors": _("Two-factor sign-in is not on.")})
    services.password_confirm(user=user, password=password, client=client)
    code_check(user=user, code=code, client=client)
    with transaction.atomic():
        _devices_delete(user)


def _devices_delete(user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


@transaction.atomic
def second_factor_reset(*, user: User, staff: User) -> None:
    """Staff answer to a lost phone: remove the person's authenticator and recovery codes
    and delete their API tokens. A liaison or staff member can then do nothing but set up
    two-factor sign-in again, which needs their password, so a browser left signed in on the
    lost phone cannot enrol a new authenticator. Recorded on the audit log."""
    _devices_delete(user)
    Token.objects.filter(user=user).delete()
    two_factor_reset.send(sender=User, user=user, staff=staff)


def signin_complete(*, request: HttpRequest, user: User, device: Device | None) -> None:
    """Sign the browser session in, marked as having passed the code step when ``device``
    (the one that accepted the code) is given."""
    request.session.pop(PENDING_SESSION_KEY, None)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if device is not None:
        django_otp.login(request, device)


def signin_pending(*, request: HttpRequest, user: User) -> None:
    """Remember, in a fresh session, that this browser passed the password step."""
    logout(request)
    request.session[PENDING_SESSION_KEY] = signin_ticket(user=user)
