"""What the frontend may know about alerts on this server (``GET config/``)."""

from typing import Any

from django.conf import settings


def public_settings() -> dict[str, Any]:
    return {"webpush_public_key": settings.WEBPUSH_VAPID_PUBLIC_KEY}
