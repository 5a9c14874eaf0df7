"""Writes about people: sign-up, profile changes, sign-in throttling, password reset and
change, email change, and deleting an account."""

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.authtoken.models import Token
from rest_framework.request import Request

from accounts import deletion
from accounts.emails import email_change_from_token
from accounts.export_archive import export_archive
from accounts.models import AccountEvent, AccountEventType, EmailChange, Language, User
from accounts.tasks import (
    send_account_deleted_email,
    send_email_change_link,
    send_email_changed_notice,
    send_password_changed_email,
    send_password_reset_email,
)
from accounts.validators import normalise_postcode
from core.clients import client_key
from core.services import stored_responses_forget


@transaction.atomic
def user_sign_up(
    *,
    email: str,
    password: str,
    name: str,
    phone: str = "",
    postcode: str = "",
    language: str = Language.ENGLISH,
) -> User:
    return User.objects.create_user(
        email=email,
        password=password,
        name=name,
        phone=phone,
        postcode=normalise_postcode(postcode) if postcode else "",
        language=language,
    )


def user_update(*, user: User, data: dict[str, Any]) -> User:
    fields = [field for field in ("name", "phone", "postcode", "language") if field in data]
    for field in fields:
        setattr(user, field, data[field])
    if user.postcode:
        user.postcode = normalise_postcode(user.postcode)
    if fields:
        user.save(update_fields=fields)
    return user


# --- Sign-in throttling ---------------------------------------------------------------
# Wrong passwords are counted per account (from any address) and, with a much higher limit,
# per client address (for any account): guessing one account's password from many places
# stops at the account limit, guessing many accounts' passwords from one place stops at the
# client limit, and people sharing an address with someone who mistypes (or with an
# attacker) are not shut out with them.
#
# Each attempt takes a place in both counts *before* the password is checked, with an atomic
# cache increment, and gives the places back unless the password turns out to be wrong. So
# however many attempts arrive at once, no more passwords are checked than the limit allows.
#
# Not django-axes: it has one failure limit for all its lockout parameters (so no higher
# limit per address than per account), and it checks for a lockout before authenticating but
# counts only after the password has failed, so concurrent attempts all pass the check.


class SignInThrottled(Exception):
    pass


def _normalised_email(email: str) -> str:
    return email.strip().lower()


def _account_key(email: str) -> str:
    # Hashed: the cache should not hold a list of addresses people tried to sign in as.
    digest = hashlib.sha256(_normalised_email(email).encode()).hexdigest()
    return f"signin-fail:account:{digest}"


def _client_key(client: str) -> str:
    return f"signin-fail:client:{client}"


def _place_take(key: str, limit: int) -> bool:
    """Take a place in the count at ``key``; False (and nothing taken) if it is full. The
    count lapses a window after its first place was taken."""
    window = settings.SIGNIN_FAILURE_WINDOW_SECONDS
    for _attempt in range(3):
        cache.add(key, 0, window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add() and incr(): start a new window
            continue
        if count == 1:
            # Should the key have expired between add() and incr(), Redis's INCR made a
            # new one that never expires: give it the window (a no-op otherwise).
            cache.touch(key, window)
        if count > limit:
            _place_give_back(key)
            return False
        return True
    return False


def _place_give_back(key: str) -> None:
    with suppress(ValueError):  # already expired: nothing to give back
        cache.decr(key)


@dataclass
class _PasswordAttempt:
    wrong: bool = False


@contextmanager
def signin_attempt(*, email: str, client: str) -> Iterator[_PasswordAttempt]:
    """Hold a place in the account's and the client's failure counts while a password or a
    two-factor code is checked (wrong ones count together); raise SignInThrottled if either
    count is full. Setting ``wrong`` on the yielded attempt keeps both places taken;
    otherwise they are given back."""
    account = _account_key(email)
    if not _place_take(account, settings.SIGNIN_FAILURE_LIMIT):
        raise SignInThrottled
    address = _client_key(client)
    if not _place_take(address, settings.SIGNIN_CLIENT_FAILURE_LIMIT):
        _place_give_back(account)
        raise SignInThrottled
    attempt = _PasswordAttempt()
    try:
        yield attempt
    finally:
        if not attempt.wrong:
            _place_give_back(account)
            _place_give_back(address)


def user_authenticate(*, request: Request, email: str, password: str) -> User | None:
    """The user with these credentials, or None; raises SignInThrottled when the account or
    the client has had too many wrong passwords. An address nobody signed up with is
    treated exactly like a real account: the same answer, the same count, and (Django's
    ModelBackend hashes the password anyway) the same time taken."""
    with signin_attempt(email=email, client=client_key(request)) as attempt:
        user = authenticate(request._request, username=_normalised_email(email), password=password)
        attempt.wrong = user is None
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


# --- Changing the password, the email address, deleting the account ---------------------
# Each needs the current password: a phone left signed in must not be enough to take the
# account over or erase it. Wrong passwords count towards the sign-in throttle.


def password_confirm(*, user: User, password: str, client: str, field: str = "password") -> None:
    """Refuse (ValidationError on ``field``) unless ``password`` is the user's password;
    raise SignInThrottled after too many failures."""
    with signin_attempt(email=user.email, client=client) as attempt:
        if not user.check_password(password):
            attempt.wrong = True
            raise ValidationError({field: _("This is not your current password.")})


@transaction.atomic
def password_change(*, user: User, new_password: str, keep_token: str | None) -> None:
    """Set a new password. Every other sign-in ends: browser sessions hold a hash of the
    password and no longer match it, and API tokens are deleted, except ``keep_token``
    (the one the change was made with)."""
    user.set_password(new_password)
    user.save(update_fields=["password"])
    Token.objects.filter(user=user).exclude(key=keep_token or "").delete()
    transaction.on_commit(lambda: send_password_changed_email.delay(user_id=user.pk))


def _email_taken(email: str, user: User) -> bool:
    return User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists()


# Deliberately the same whoever holds the address, so it tells nobody whose it is.
EMAIL_TAKEN = gettext_lazy("This address cannot be used: another account already has it.")


@transaction.atomic
def email_change_request(*, user: User, new_email: str) -> EmailChange:
    """Email a confirmation link to the new address; the account keeps its old address
    until the link is followed. A new request replaces any earlier one (its link stops
    working)."""
    new_email = new_email.strip().lower()
    if new_email == user.email.lower():
        raise ValidationError({"new_email": _("This is already your email address.")})
    if _email_taken(new_email, user):
        raise ValidationError({"new_email": EMAIL_TAKEN})
    EmailChange.objects.filter(user=user, confirmed_at=None).delete()
    change = EmailChange.objects.create(user=user, new_email=new_email)
    transaction.on_commit(lambda: send_email_change_link.delay(change_id=change.pk))
    return change


INVALID_EMAIL_LINK = gettext_lazy("This link is not valid: ask for a new one from your profile.")


@transaction.atomic
def email_change_confirm(*, token: str) -> User:
    """Move the account to the new address the link was sent to, and tell the old address.
    The link works once and expires after ``EMAIL_CHANGE_TIMEOUT`` seconds."""
    change = email_change_from_token(token)
    if change is None:
        raise ValidationError({"token": INVALID_EMAIL_LINK})
    change = EmailChange.objects.select_for_update().select_related("user").get(pk=change.pk)
    if change.confirmed_at is not None:
        raise ValidationError({"token": _("This link has already been used.")})
    age = timezone.now() - change.created_at
    if age > timedelta(seconds=settings.EMAIL_CHANGE_TIMEOUT):
        raise ValidationError(
            {"token": _("This link has expired: ask for a new one from your profile.")}
        )
    user = change.user
    if _email_taken(change.new_email, user):
        raise ValidationError({"token": EMAIL_TAKEN})
    old_email = user.email
    user.email = change.new_email
    try:
        with transaction.atomic():
            user.save(update_fields=["email"])
    except IntegrityError as exc:  # someone signed up with it a moment ago
        raise ValidationError({"token": EMAIL_TAKEN}) from exc
    change.confirmed_at = timezone.now()
    change.save(update_fields=["confirmed_at"])
    transaction.on_commit(
        lambda: send_email_changed_notice.delay(user_id=user.pk, old_email=old_email)
    )
    return user


def personal_data_export(*, user: User) -> Iterator[bytes]:
    """Everything held about the person, as a streamed ZIP (``accounts.export_archive``).
    The download is recorded on the account first, so the archive lists it too."""
    now = timezone.now()
    AccountEvent.objects.create(user=user, type=AccountEventType.DATA_EXPORTED, at=now)
    return export_archive(user=user, generated_at=now)


def account_data_held(*, user: User) -> list[deletion.HeldData]:
    return [item for handler in deletion.deletion_handlers() for item in handler.held(user)]


def account_deletion_blockers(*, user: User) -> list[deletion.Blocker]:
    return [item for handler in deletion.deletion_handlers() for item in handler.blockers(user)]


@transaction.atomic
def account_delete(*, user: User, tell_person: bool = True) -> None:
    """Delete the account, after each app has removed or anonymised what it holds about the
    person (see ``accounts.deletion``); refused while any app objects
    (``deletion.AccountDeletionRefused``).

    Each app's handler checks again under its own locks as it erases, so two coordinators
    deleting their accounts at the same moment cannot leave a scheme with neither.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    blockers = account_deletion_blockers(user=user)
    if blockers:
        raise deletion.AccountDeletionRefused(blockers)
    for handler in deletion.deletion_handlers():
        handler.erase(user)
    # The person's own stored responses go with the account; others' that name them too.
    stored_responses_forget(naming=[user.name.strip(), user.email, user.phone])
    name, email, language = user.name, user.email, user.language
    user.delete()
    if tell_person:
        transaction.on_commit(
            lambda: send_account_deleted_email.delay(name=name, email=email, language=language)
        )
