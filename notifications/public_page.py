"""What the public page of a public alert shows (``views.public_alert``): its words for
where the alert stands, CAP's severity and urgency in plain words, its times in London's time,
and the links to the same message elsewhere (CAP, the Atom feeds).

The page speaks the viewer's language (Accept-Language, or their own choice); an alert with
a translation shows both texts, each marked with its language, the viewer's first."""

from datetime import datetime
from typing import Any, cast

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from notifications import feeds, selectors
from notifications.links import public_alert_path
from notifications.models import Alert, AlertText
from notifications.selectors import PublicAlert, PublicStanding
from notifications.wording import sender_name, speaking
from schemes.models import SchemeStatus

SEVERITY_HINTS = {
    "Extreme": gettext_noop("an extraordinary threat to life or property"),
    "Severe": gettext_noop("a significant threat to life or property"),
    "Moderate": gettext_noop("a possible threat to life or property"),
    "Minor": gettext_noop("little or no known threat"),
    "Unknown": gettext_noop("not known"),
}
URGENCY_HINTS = {
    "Immediate": gettext_noop("act now"),
    "Expected": gettext_noop("act within the next hour"),
    "Future": gettext_noop("act in the near future"),
    "Past": gettext_noop("no action needed any more"),
    "Unknown": gettext_noop("not known"),
}
STANDING = {
    # (tag, what the page says, the link to the latest message)
    PublicStanding.CURRENT: (gettext_noop("Current"), gettext_noop("This alert is current."), ""),
    PublicStanding.UPDATED: (
        gettext_noop("Replaced"),
        gettext_noop("This message has been replaced by an update."),
        gettext_noop("Read the latest message"),
    ),
    PublicStanding.CANCELLED: (
        gettext_noop("Cancelled"),
        gettext_noop("This alert has been cancelled."),
        gettext_noop("Read why"),
    ),
    PublicStanding.EXPIRED: (
        gettext_noop("Expired"),
        gettext_noop("This alert has expired: it is no longer current."),
        "",
    ),
}


def _shown(alert: Alert, text: AlertText) -> dict[str, str]:
    """One of the alert's texts, with the page's words around it in the text's language."""
    with speaking(text.language):
        return {
            "lang": text.language_tag,
            "heading": f"{feeds.title_prefix(alert.message_type)}{text.title}",
            "body": text.body,
            "instruction": text.instruction,
            "says": _("What it says"),
            "to_do": _("What to do"),
        }


def texts_for_viewer(alert: Alert) -> list[dict[str, str]]:
    """The alert's texts, the one in the viewer's language first."""
    first = alert.text_in(get_language())
    ordered = [first, *(text for text in alert.texts() if text != first)]
    return [_shown(alert, text) for text in ordered]


def _moment(moment: datetime) -> dict[str, str]:
    local = timezone.localtime(moment)
    return {"iso": local.isoformat(timespec="seconds"), "text": feeds.london_time(local)}


def page_of(found: PublicAlert) -> dict[str, Any]:
    """The template's context for the page of ``found``."""
    alert, latest = found.alert, found.latest
    label, text, latest_link_text = STANDING[found.standing]
    texts = texts_for_viewer(alert)
    return {
        "alert": alert,
        "latest": latest,
        "texts": texts,
        "heading": texts[0]["heading"],
        "heading_lang": texts[0]["lang"],
        "category": _(alert.get_category_display()),
        "response": _(alert.get_response_type_display()),
        "standing": found.standing,
        "standing_label": _(label),
        "standing_text": _(text),
        "latest_link_text": _(latest_link_text or "Read the latest message"),
        "latest_path": public_alert_path(latest),
        "severity_hint": _(SEVERITY_HINTS.get(alert.severity, "not known")),
        "urgency_hint": _(URGENCY_HINTS.get(alert.urgency, "not known")),
        "sender": sender_name(alert),
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
