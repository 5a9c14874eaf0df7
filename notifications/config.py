"""What the frontend may know about alerts on this server (``GET config/``)."""

from typing import Any

from django.conf import settings

from areas import limits


def public_settings() -> dict[str, Any]:
    radius = limits.alert_radius()
    return {
        "webpush_public_key": settings.WEBPUSH_VAPID_PUBLIC_KEY,
        # The compose screen keeps an alert's circle within what the server takes.
        "alert_radius_min_m": radius.low,
        "alert_radius_max_m": radius.high,
    }
