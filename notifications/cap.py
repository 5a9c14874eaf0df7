"""Alerts as CAP 1.2 documents (OASIS Common Alerting Protocol), for other systems to take.

Times carry an explicit offset (CAP forbids "Z"); circles are "lat,lon radius-in-km";
polygons are "lat,lon" pairs, closed. An update or cancellation references every earlier
message of its incident that had not expired when it was sent (CAP 1.2 §3.2.1), as
space-separated "sender,identifier,sent" triples.
"""

from datetime import datetime, timedelta
from typing import cast
from xml.etree import ElementTree

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications import selectors
from notifications.links import alert_web_url
from notifications.models import Alert, AlertText, Category
from notifications.wording import sender_name, speaking

NAMESPACE = "urn:oasis:names:tc:emergency:cap:1.2"
SENDER = "patchwatch@" + settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":")[0]

CAP_CATEGORY: dict[str, str] = {
    Category.BURGLARY: "Security",
    Category.VEHICLE_CRIME: "Security",
    Category.BOGUS_CALLER: "Security",
    Category.RURAL_CRIME: "Security",
    Category.HARE_COURSING: "Security",
    Category.FLY_TIPPING: "Env",
    Category.SPEEDING: "Transport",
    Category.MISSING_PERSON: "Rescue",
    Category.SUSPICIOUS_ACTIVITY: "Security",
    Category.GENERAL: "Other",
}


def cap_time(moment: datetime, *, round_up: bool = False) -> str:
    """2026-11-22T10:15:00+00:00: whole seconds in London time, with the explicit offset CAP
    requires. An expiry is rounded up, so that it stays after a sending in the same second."""
    if round_up and moment.microsecond:
        moment = moment.replace(microsecond=0) + timedelta(seconds=1)
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


def _sent(alert: Alert) -> datetime:
    return alert.published_at or alert.created_at


def _reference(alert: Alert) -> str:
    return f"{SENDER},{alert.identifier},{cap_time(_sent(alert))}"


def _area(alert: Alert) -> tuple[str, str]:
    if alert.boundary is not None:
        ring = alert.boundary["coordinates"][0]
        return "polygon", " ".join(f"{lat:.6f},{lon:.6f}" for lon, lat in ring)
    # No boundary: a circle, whose radius is set (a constraint of AreaFields).
    radius_m = cast(int, alert.radius_m)
    return "circle", f"{alert.centre_lat:.6f},{alert.centre_lon:.6f} {radius_m / 1000:.3f}"


def element(parent: ElementTree.Element, name: str, text: str) -> None:
    ElementTree.SubElement(parent, f"{{{NAMESPACE}}}{name}").text = text


def alert_cap_xml(alert: Alert) -> bytes:
    ElementTree.register_namespace("", NAMESPACE)
    root = ElementTree.Element(f"{{{NAMESPACE}}}alert")
    element(root, "identifier", str(alert.identifier))
    element(root, "sender", SENDER)
    element(root, "sent", cap_time(_sent(alert)))
    element(root, "status", "Actual")
    element(root, "msgType", alert.message_type)
    element(root, "scope", "Public" if alert.public else "Restricted")
    if not alert.public:
        element(root, "restriction", "Members of the watch schemes in the area.")
    earlier = selectors.messages_referenced_by(alert=alert)
    if earlier:
        element(root, "references", " ".join(_reference(message) for message in earlier))
    if alert.incident_id is not None:
        # The incident is named by its first alert, however long its thread has grown.
        # incident_id is set, so the incident is there.
        incident = alert if alert.incident_id == alert.pk else cast(Alert, alert.incident)
        element(root, "incidents", str(incident.identifier))
    # One info per language (CAP 1.2 §3.2.2): the alert's own words first, then their
    # translation; all else alike, but what we put in words ourselves is in each's language.
    for text in alert.texts():
        with speaking(text.language):
            _info(root, alert, text)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def _info(root: ElementTree.Element, alert: Alert, text: AlertText) -> None:
    info = ElementTree.SubElement(root, f"{{{NAMESPACE}}}info")
    element(info, "language", text.language_tag)
    element(info, "category", CAP_CATEGORY[alert.category])
    element(info, "event", _(alert.get_category_display()))
    element(info, "responseType", alert.response_type)
    element(info, "urgency", alert.urgency)
    element(info, "severity", alert.severity)
    element(info, "certainty", "Likely")
    element(info, "expires", cap_time(alert.expires_at, round_up=True))
    element(info, "senderName", sender_name(alert))
    element(info, "headline", text.title)
    element(info, "description", text.body)
    if text.instruction:
        element(info, "instruction", text.instruction)
    element(info, "web", alert_web_url(alert))
    if alert.contact:
        element(info, "contact", alert.contact)
    area = ElementTree.SubElement(info, f"{{{NAMESPACE}}}area")
    element(area, "areaDesc", selectors.area_description(alert))
    shape, value = _area(alert)
    element(area, shape, value)
