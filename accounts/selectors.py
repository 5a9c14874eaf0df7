"""Reads about people."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from accounts.models import EmailChange, User


def email_change_pending(*, user: User) -> str | None:
    """The address the user asked to move to, while its link still works."""
    if not user.is_authenticated:
        return None
    since = timezone.now() - timedelta(seconds=settings.EMAIL_CHANGE_TIMEOUT)
    change = (
        EmailChange.objects.filter(user=user, confirmed_at=None, created_at__gte=since)
        .order_by("-created_at")
        .first()
    )
    return change.new_email if change else None
