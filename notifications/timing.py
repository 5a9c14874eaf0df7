"""When a notice should go: at once, after the recipient's quiet hours, in their digest, or
(after a failed attempt) once its backoff has passed.

The in-app inbox is silent, so it is never held. Urgent alerts (CAP urgency "Immediate") go
at once on every channel whatever the preferences say.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from notifications.models import Channel, Preference, Urgency


def in_quiet_hours(preference: Preference, moment: datetime) -> bool:
    start, end = preference.quiet_from, preference.quiet_until
    if start is None or end is None or start == end:
        return False
    now = timezone.localtime(moment).time()
    if start < end:
        return start <= now < end
    return now >= start or now < end  # the quiet hours run past midnight


def _next(moment: datetime, at: time) -> datetime:
    local = timezone.localtime(moment)
    candidate = local.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    return candidate if candidate > local else candidate + timedelta(days=1)


def delivery_plan(
    *, preference: Preference | None, urgency: str, channel: str, now: datetime
) -> tuple[datetime | None, bool]:
    """(deliver_after, in_digest) for one notice."""
    if channel == Channel.IN_APP:
        return None, False
    return plan_outside_inbox(preference=preference, urgency=urgency, now=now)


def plan_outside_inbox(
    *, preference: Preference | None, urgency: str, now: datetime
) -> tuple[datetime | None, bool]:
    """(deliver_after, in_digest) for each of a person's notices of an alert on a channel
    besides the inbox: the same for all of them."""
    if urgency == Urgency.IMMEDIATE or preference is None:
        return None, False
    if preference.daily_digest:
        # A member who asked for a digest asked for fewer interruptions, and a text or a push
        # interrupts more than an email does. So every channel they chose besides the inbox
        # holds its non-urgent notices for the digest, and each channel then sends one
        # digest message of its own: the member still hears only where they asked to, and
        # each notice's state says truly whether its own channel delivered it.
        return _next(now, time(settings.NOTIFICATIONS_DIGEST_HOUR)), True
    if in_quiet_hours(preference, now):
        return _next(now, preference.quiet_until), False  # type: ignore[arg-type]  # set: in_quiet_hours said so
    return None, False


# Saved settings under which ``plan_outside_inbox`` may hold a notice (a digest, or quiet
# hours): under any others it never does.
HOLDING = Q(daily_digest=True) | Q(quiet_from__isnull=False, quiet_until__isnull=False)


def retry_backoff(attempts: int) -> timedelta:
    """How long a notice waits after its ``attempts``-th failed attempt: exponential, and
    capped at half the broker's visibility timeout, so that a delivery task waiting for its
    countdown is never handed to a second worker as if it had been lost."""
    cap = min(600, settings.CELERY_VISIBILITY_TIMEOUT_SECONDS // 2)
    return timedelta(seconds=min(cap, 10 * 2 ** max(attempts - 1, 0)))
