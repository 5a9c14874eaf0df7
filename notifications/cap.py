"""Alerts as CAP 1.2 documents (OASIS Common Alerting Protocol), for other systems to take.

Times carry an explicit offset (CAP forbids "Z"); circles are "lat,lon radius-in-km";
polygons are "lat,lon" pairs, closed.
"""

from xml.etree import ElementTree

from django.conf import settings
from django.utils import timezone

from notifications.models import Alert, Category

NAMESPACE = "urn:oasis:names:tc:emergency:cap:1.2"
SENDER = "patchwatch@" + settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":")[0]

CAP_CATEGORY = {
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


def cap_time(moment) -> str:  # type: ignore[no-untyped-def]
    """2026-11-22T10:15:00+00:00: seconds, and an explicit offset as CAP requires."""
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


def _reference(alert: Alert) -> str:
    return f"{SENDER},{alert.identifier},{cap_time(alert.published_at or alert.created_at)}"


def _area(alert: Alert) -> tuple[str, str]:
    if alert.boundary is not None:
        ring = alert.boundary["coordinates"][0]
        return "polygon", " ".join(f"{lat:.6f},{lon:.6f}" for lon, lat in ring)
    return "circle", f"{alert.centre_lat:.6f},{alert.centre_lon:.6f} {alert.radius_m / 1000:.3f}"


def alert_cap_xml(alert: Alert) -> bytes:
    ElementTree.register_namespace("", NAMESPACE)

    def element(parent: ElementTree.Element, name: str, text: str) -> None:
        ElementTree.SubElement(parent, f"{{{NAMESPACE}}}{name}").text = text

    root = ElementTree.Element(f"{{{NAMESPACE}}}alert")
    element(root, "identifier", str(alert.identifier))
    element(root, "sender", SENDER)
    element(root, "sent", cap_time(alert.published_at or alert.created_at))
    element(root, "status", "Actual")
    element(root, "msgType", alert.message_type)
    element(root, "scope", "Public" if alert.public else "Restricted")
    if not alert.public:
        element(root, "restriction", "Members of the watch schemes in the area.")
    if alert.references_id:
        element(root, "references", _reference(alert.references))
    info = ElementTree.SubElement(root, f"{{{NAMESPACE}}}info")
    element(info, "language", "en-GB")
    element(info, "category", CAP_CATEGORY[alert.category])
    element(info, "event", alert.get_category_display())
    element(info, "urgency", alert.urgency)
    element(info, "severity", alert.severity)
    element(info, "certainty", "Likely")
    element(info, "expires", cap_time(alert.expires_at))
    element(info, "senderName", alert.scheme.name if alert.scheme else alert.get_force_display())
    element(info, "headline", alert.title)
    element(info, "description", alert.body)
    element(info, "web", f"{settings.SITE_URL}/alerts/{alert.pk}")
    area = ElementTree.SubElement(info, f"{{{NAMESPACE}}}area")
    element(area, "areaDesc", alert.scheme.name if alert.scheme else alert.get_force_display())
    shape, value = _area(alert)
    element(area, shape, value)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
