"""What the public page of a public alert shows (``views.public_alert``): its words for
where the alert stands, CAP's severity and urgency in plain English, its times in London's time,
and the links to the same message elsewhere (CAP, the Atom feeds)."""

from datetime import datetime
from typing import Any, cast

from django.urls import reverse
from django.utils import timezone

from notifications import feeds, selectors
from notifications.links import public_alert_path
from notifications.selectors import PublicAlert, PublicStanding
from schemes.models import SchemeStatus

SEVERITY_HINTS = {
    "Extreme": "an extraordinary threat to life or property",
    "Severe": "a significant threat to life or property",
    "Moderate": "a possible threat to life or property",
    "Minor": "little or no known threat",
    "Unknown": "not known",
}
URGENCY_HINTS = {
    "Immediate": "act now",
    "Expected": "act within the next hour",
    "Future": "act in the near future",
    "Past": "no action needed any more",
    "Unknown": "not known",
}
STANDING = {
    # (tag, what the page says, the link to the latest message)
    PublicStanding.CURRENT: ("Current", "This alert is current.", ""),
    PublicStanding.UPDATED: (
        "Replaced",
        "This message has been replaced by an update.",
        "Read the latest message",
    ),
    PublicStanding.CANCELLED: ("Cancelled", "This alert has been cancelled.", "Read why"),
    PublicStanding.EXPIRED: ("Expired", "This alert has expired: it is no longer current.", ""),
}


def _moment(moment: datetime) -> dict[str, str]:
    local = timezone.localtime(moment)
    return {"iso": local.isoformat(timespec="seconds"), "text": feeds.london_time(local)}


def page_of(found: PublicAlert) -> dict[str, Any]:
    """The template's context for the page of ``found``."""
    alert, latest = found.alert, found.latest
    label, text, latest_link_text = STANDING[found.standing]
    return {
        "alert": alert,
        "latest": latest,
        "heading": f"{feeds.TITLE_PREFIX.get(alert.message_type, '')}{alert.title}",
        "standing": found.standing,
        "standing_label": label,
        "standing_text": text,
        "latest_link_text": latest_link_text or "Read the latest message",
        "latest_path": public_alert_path(latest),
        "severity_hint": SEVERITY_HINTS.get(alert.severity, ""),
        "urgency_hint": URGENCY_HINTS.get(alert.urgency, ""),
        "sender": alert.scheme.name if alert.scheme else alert.get_force_display(),
        "where": selectors.area_description(alert),
        "sent": _moment(cast(datetime, alert.published_at)),  # public, so published
        "expires": _moment(alert.expires_at),
        "cap_url": reverse("alert-cap", args=[alert.pk]),
        "area_feed_url": feeds.area_feed_path(alert),
        # The feed of the scheme it was issued for, while that scheme has one.
        "scheme_feed_url": (
            reverse("alerts-feed-scheme", args=[alert.scheme_id])
            if alert.scheme and alert.scheme.status == SchemeStatus.ACTIVE
            else ""
        ),
    }
