"""What the frontend may know about alerts on this server (``GET config/``)."""

from typing import Any

from django.conf import settings

from areas import limits
from notifications.models import (
    AlertStatus,
    Audience,
    Category,
    Channel,
    ResponseType,
    Severity,
    Urgency,
)


def public_settings() -> dict[str, Any]:
    radius = limits.alert_radius()
    return {
        "webpush_public_key": settings.WEBPUSH_VAPID_PUBLIC_KEY,
        # The compose screen keeps an alert's circle within what the server takes.
        "alert_radius_min_m": radius.low,
        "alert_radius_max_m": radius.high,
    }


def labels() -> dict[str, dict[str, str]]:
    """The words for this app's choices, from the models' own choices (in their order)."""
    return {
        "alert_category": dict(Category.choices),
        "alert_status": dict(AlertStatus.choices),
        "alert_channel": dict(Channel.choices),
        "audience": dict(Audience.choices),
        "severity": dict(Severity.choices),
        "urgency": dict(Urgency.choices),
        "response_type": dict(ResponseType.choices),
    }
