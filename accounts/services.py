"""Writes about people: sign-up, profile changes, sign-in throttling, password reset."""

import hashlib
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.db import transaction
from rest_framework.authtoken.models import Token
from rest_framework.request import Request

from accounts.models import User
from accounts.tasks import send_password_reset_email
from accounts.validators import normalise_postcode


@transaction.atomic
def user_sign_up(
    *, email: str, password: str, name: str, phone: str = "", postcode: str = ""
) -> User:
    return User.objects.create_user(
        email=email,
        password=password,
        name=name,
        phone=phone,
        postcode=normalise_postcode(postcode) if postcode else "",
    )


def user_update(*, user: User, data: dict[str, Any]) -> User:
    fields = [field for field in ("name", "phone", "postcode") if field in data]
    for field in fields:
        setattr(user, field, data[field])
    if user.postcode:
        user.postcode = normalise_postcode(user.postcode)
    if fields:
        user.save(update_fields=fields)
    return user


# --- Sign-in throttling ---------------------------------------------------------------
# Failures are counted per email address and per client address, so neither guessing one
# account's password from many places nor many accounts' passwords from one place gets far.


def _failure_keys(email: str, client: str) -> list[str]:
    email_digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return [f"signin-fail:email:{email_digest}", f"signin-fail:client:{client}"]


def client_address(request: Request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def signin_blocked(*, email: str, client: str) -> bool:
    limit = settings.SIGNIN_FAILURE_LIMIT
    return any((cache.get(key) or 0) >= limit for key in _failure_keys(email, client))


def _record_failure(email: str, client: str) -> None:
    window = settings.SIGNIN_FAILURE_WINDOW_SECONDS
    for key in _failure_keys(email, client):
        if cache.add(key, 1, window):
            continue
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, window)


class SignInThrottled(Exception):
    pass


def user_authenticate(*, request: Request, email: str, password: str) -> User | None:
    """The user with these credentials, or None; raises SignInThrottled after too many
    failures. A success does not reset the per-address count, so one valid account cannot
    be used to keep guessing others."""
    client = client_address(request)
    if signin_blocked(email=email, client=client):
        raise SignInThrottled
    user = authenticate(request._request, username=email.strip().lower(), password=password)
    if user is None:
        _record_failure(email, client)
    return user


# --- Password reset -------------------------------------------------------------------


def password_reset_request(*, email: str) -> None:
    """Email a reset link if the address belongs to an active user; say nothing otherwise,
    so the endpoint does not reveal who has an account."""
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        return
    transaction.on_commit(lambda: send_password_reset_email.delay(user_id=user.pk))


@transaction.atomic
def password_reset_confirm(*, user: User, new_password: str) -> None:
    user.set_password(new_password)
    user.save(update_fields=["password"])
    # Whoever knew the old password may hold an API token made with it.
    Token.objects.filter(user=user).delete()
