"""When a notice should go: at once, after the recipient's quiet hours, or in their digest.

The in-app inbox is silent, so it is never held. Urgent alerts (CAP urgency "Immediate") go
at once on every channel whatever the preferences say.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
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
    if channel == Channel.IN_APP or urgency == Urgency.IMMEDIATE or preference is None:
        return None, False
    if preference.daily_digest and channel == Channel.EMAIL:
        return _next(now, time(settings.NOTIFICATIONS_DIGEST_HOUR)), True
    if in_quiet_hours(preference, now):
        return _next(now, preference.quiet_until), False  # type: ignore[arg-type]
    return None, False
