"""Emails about accounts."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User


def password_reset_link(*, user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return f"{settings.SITE_URL}/reset-password/{uid}/{token}"


def password_reset_email_send(*, user: User) -> None:
    send_mail(
        subject="Reset your Patchwatch password",
        message=(
            f"Hello {user.get_short_name()},\n\n"
            "Someone asked to reset the password of your Patchwatch account. If it was you, "
            f"choose a new password here:\n\n{password_reset_link(user=user)}\n\n"
            "The link works once and expires in a few days. If you did not ask, ignore this "
            "email: your password stays as it is.\n"
        ),
        from_email=None,
        recipient_list=[user.email],
    )
