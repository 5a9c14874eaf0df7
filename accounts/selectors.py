"""Reads about people."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import EmailChange, User
from core import visibility


@visibility.rule("person")
def people_visible_to(*, user: User | AnonymousUser) -> QuerySet[User]:
    """The accounts a user may look up: staff, everyone's; anyone else, their own."""
    if not user.is_authenticated:
        return User.objects.none()
    if user.is_staff:
        return User.objects.all()
    return User.objects.filter(pk=user.pk)


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
