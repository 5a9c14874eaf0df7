"""What the frontend may know about alerts on this server (``GET config/``)."""

from typing import Any

from django.conf import settings
from django.utils.translation import gettext

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
    """The words for this app's choices, from the models' own choices (in their order), in
    the request's language. The models keep their English labels (``gettext_noop``): CAP
    documents and feeds name an alert's category in the language they declare."""
    return {
        key: {value: gettext(label) for value, label in choices}
        for key, choices in (
            ("alert_category", Category.choices),
            ("alert_status", AlertStatus.choices),
            ("alert_channel", Channel.choices),
            ("audience", Audience.choices),
            ("severity", Severity.choices),
            ("urgency", Urgency.choices),
            ("response_type", ResponseType.choices),
        )
    }
