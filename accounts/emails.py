"""Emails about accounts."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.utils import translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import DJANGO_LANGUAGE, EmailChange, Language, User


def _in_language(language: str) -> translation.override:
    """Each email is written in the language its person chose (tasks run with none)."""
    return translation.override(DJANGO_LANGUAGE.get(language, DJANGO_LANGUAGE[Language.ENGLISH]))


def password_reset_link(*, user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return f"{settings.SITE_URL}/reset-password/{uid}/{token}"


def password_reset_email_send(*, user: User) -> None:
    with _in_language(user.language):
        send_mail(
            subject=_("Reset your Patchwatch password"),
            message=_(
                "Hello %(name)s,\n\n"
                "Someone asked to reset the password of your Patchwatch account. If it was you, "
                "choose a new password here:\n\n%(link)s\n\n"
                "The link works once and expires in a few days. If you did not ask, ignore this "
                "email: your password stays as it is.\n"
            )
            % {"name": user.get_short_name(), "link": password_reset_link(user=user)},
            from_email=None,
            recipient_list=[user.email],
        )


def password_changed_email_send(*, user: User) -> None:
    with _in_language(user.language):
        send_mail(
            subject=_("Your Patchwatch password was changed"),
            message=_(
                "Hello %(name)s,\n\n"
                "The password of your Patchwatch account was just changed, and every other "
                "device and app signed in to it was signed out.\n\n"
                "If you did not change it, reset your password now:\n\n"
                "%(link)s\n"
            )
            % {"name": user.get_short_name(), "link": f"{settings.SITE_URL}/forgot-password"},
            from_email=None,
            recipient_list=[user.email],
        )


# --- Changing the email address ---------------------------------------------------------
# The link's token is a keyed hash of the request's row: nothing secret is stored, and a
# request that was replaced or deleted has no row left for its link to match (ids are never
# reused). When it was made, and so whether it expired, is the row's.

_EMAIL_CHANGE_SALT = "accounts.email-change"


def email_change_token(*, change: EmailChange) -> str:
    digest = salted_hmac(
        _EMAIL_CHANGE_SALT,
        f"{change.pk}:{change.user_id}:{change.new_email}",
        algorithm="sha256",
    ).hexdigest()
    return f"{change.pk}.{digest}"


def email_change_from_token(token: str) -> EmailChange | None:
    """The request a link's token was made for, or None when it matches none."""
    pk, _, digest = token.partition(".")
    if not pk.isdigit() or not digest or len(pk) > 18:
        return None
    change = EmailChange.objects.select_related("user").filter(pk=int(pk)).first()
    if change is None or not constant_time_compare(token, email_change_token(change=change)):
        return None
    return change


def email_change_link_send(*, change: EmailChange) -> None:
    hours = settings.EMAIL_CHANGE_TIMEOUT // 3600
    with _in_language(change.user.language):
        lasts = (
            ngettext("%(hours)d hour", "%(hours)d hours", hours) % {"hours": hours}
            if hours > 1
            else _("a short while")
        )
        send_mail(
            subject=_("Confirm your new Patchwatch email address"),
            message=_(
                "Hello %(name)s,\n\n"
                "Someone asked to use %(email)s for their Patchwatch account. If it was you, "
                "confirm the change here:\n\n%(link)s\n\n"
                "The link works once and expires in %(lasts)s. Until it is followed, the "
                "account keeps its old address. If you did not ask, ignore this email.\n"
            )
            % {
                "name": change.user.get_short_name(),
                "email": change.new_email,
                "link": f"{settings.SITE_URL}/confirm-email/{email_change_token(change=change)}",
                "lasts": lasts,
            },
            from_email=None,
            recipient_list=[change.new_email],
        )


def email_changed_notice_send(*, user: User, old_email: str) -> None:
    with _in_language(user.language):
        send_mail(
            subject=_("Your Patchwatch email address was changed"),
            message=_(
                "Hello %(name)s,\n\n"
                "Your Patchwatch account now uses %(email)s instead of this address "
                "(%(old_email)s). Emails about your schemes and alerts go there from now on.\n\n"
                "If you did not make this change, someone else may have your password: tell the "
                "coordinator of your scheme or the police liaison who covers it, so that the "
                "site's administrators can give the account back to you.\n"
            )
            % {"name": user.get_short_name(), "email": user.email, "old_email": old_email},
            from_email=None,
            recipient_list=[old_email],
        )


def account_deleted_email_send(*, name: str, email: str, language: str = Language.ENGLISH) -> None:
    with _in_language(language):
        first_name = name.split(" ")[0] if name else _("there")
        send_mail(
            subject=_("Your Patchwatch account was deleted"),
            message=_(
                "Hello %(name)s,\n\n"
                "Your Patchwatch account has been deleted, as you asked. Your memberships have "
                "ended and your name, email address, phone number and postcode are gone from "
                "Patchwatch.\n\n"
                "What is kept, and why, is explained on the page where you deleted the account "
                "and in the project's documentation: alerts you sent and speedwatch sessions you "
                "logged stay on record without your name, and records of searches of vehicle "
                "registrations keep it for accountability.\n\n"
                "Thank you for looking out for your neighbours.\n"
            )
            % {"name": first_name},
            from_email=None,
            recipient_list=[email],
        )
