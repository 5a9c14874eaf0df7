"""Standard feeds: CAP 1.2 documents valid against the OASIS schema, and Atom feeds of
current public alerts."""

from pathlib import Path
from xml.etree import ElementTree

import pytest

from notifications.models import Alert
from notifications.services import alert_draft, alert_publish, alert_replace
from tests.cap import CAP, assert_valid_cap

pytestmark = pytest.mark.django_db

# The project's shared reference material, beside the repository, holds the copy of the
# OASIS CAP 1.2 schema that the tests' own (tests/cap.py) must equal.
SHARED_CAP_SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "standards" / "cap12.xsd"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.mark.skipif(not SHARED_CAP_SCHEMA.exists(), reason="no shared reference material here")
def test_the_cap_schema_is_the_shared_reference_copy() -> None:
    vendored = Path(__file__).resolve().parent / "standards" / "cap12.xsd"
    assert vendored.read_bytes() == SHARED_CAP_SCHEMA.read_bytes()


def _published(liaison, *, public: bool = True, area: dict | None = None, **details):
    alert = alert_draft(
        issuer=liaison,
        details={
            "title": "Hare coursing near Haslingfield",
            "body": "Vehicles with dogs seen on the fields off Cantelupe Road.",
            "category": "hare_coursing",
            "severity": "Severe",
            "urgency": "Immediate",
            "audience": "members",
            "public": public,
            **details,
        },
        area=area or {"lat": 52.149, "lon": 0.057, "radius_m": 3000},
        scheme=None,
    )
    return alert_publish(alert=alert, actor=liaison)


def test_cap_document_of_a_circle_alert_is_valid(anon, liaison) -> None:
    alert = _published(liaison)
    response = anon.get(f"/api/v1/alerts/{alert.pk}/cap/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/cap+xml"
    root = assert_valid_cap(response.content)
    assert root.findtext(f"{CAP}identifier") == str(alert.identifier)
    assert root.findtext(f"{CAP}msgType") == "Alert"
    assert root.findtext(f"{CAP}scope") == "Public"
    assert root.findtext(f"{CAP}sent").endswith(("+00:00", "+01:00"))
    info = root.find(f"{CAP}info")
    assert (info.findtext(f"{CAP}category"), info.findtext(f"{CAP}event")) == (
        "Security",
        "Hare coursing",
    )
    assert (info.findtext(f"{CAP}urgency"), info.findtext(f"{CAP}severity")) == (
        "Immediate",
        "Severe",
    )
    assert info.find(f"{CAP}area").findtext(f"{CAP}circle") == "52.149000,0.057000 3.000"


def test_cap_document_of_a_polygon_update_is_valid(client_for, liaison) -> None:
    ring = [[0.02, 52.13], [0.09, 52.13], [0.09, 52.17], [0.02, 52.17], [0.02, 52.13]]
    original = _published(
        liaison, public=False, area={"boundary": {"type": "Polygon", "coordinates": [ring]}}
    )
    update = alert_replace(
        alert=original, actor=liaison, message_type="Update", details={"body": "Now heading north."}
    )
    response = client_for(liaison).get(f"/api/v1/alerts/{update.pk}/cap/")
    root = assert_valid_cap(response.content)
    assert (root.findtext(f"{CAP}msgType"), root.findtext(f"{CAP}scope")) == (
        "Update",
        "Restricted",
    )
    assert root.findtext(f"{CAP}references").split(",")[1] == str(original.identifier)
    polygon = root.find(f"{CAP}info").find(f"{CAP}area").findtext(f"{CAP}polygon")
    assert polygon.split()[0] == polygon.split()[-1] == "52.130000,0.020000"


def test_restricted_alerts_are_not_public(anon, liaison, foreign_liaison, client_for) -> None:
    alert = _published(liaison, public=False)
    assert anon.get(f"/api/v1/alerts/{alert.pk}/cap/").status_code == 404
    assert client_for(foreign_liaison).get(f"/api/v1/alerts/{alert.pk}/cap/").status_code == 404
    assert client_for(liaison).get(f"/api/v1/alerts/{alert.pk}/cap/").status_code == 200


def test_atom_feed_for_an_area(anon, liaison) -> None:
    _published(liaison, title="Hare coursing near Haslingfield")
    _published(liaison, title="Restricted one", public=False)
    _published(
        liaison, title="In Peterborough", area={"lat": 52.5695, "lon": -0.2405, "radius_m": 1000}
    )
    response = anon.get("/api/v1/feeds/alerts.atom", {"lat": 52.15, "lon": 0.06, "radius_m": 2000})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    assert [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")] == [
        "Hare coursing near Haslingfield"
    ]
    assert anon.get("/api/v1/feeds/alerts.atom", {"lat": "north"}).status_code == 400


def test_atom_feed_for_a_scheme(
    anon, liaison, speedwatch, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _published(liaison, title="Speeding on the High Street", category="speeding")
        _published(liaison, title="Plates of a suspect car", category="speeding", public=False)
    # The restricted alert reached the scheme too; it is just not for the public feed.
    assert speedwatch.pk in Alert.objects.get(
        title="Plates of a suspect car"
    ).matched_schemes.values_list("pk", flat=True)
    response = anon.get(f"/api/v1/feeds/schemes/{speedwatch.pk}/alerts.atom")
    feed = ElementTree.fromstring(response.content)
    assert feed.findtext(f"{ATOM}title") == "Alerts for Haslingfield Community Speedwatch"
    assert [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")] == [
        "Speeding on the High Street"
    ]


def test_expired_and_cancelled_alerts_leave_the_feeds(anon, liaison) -> None:
    alert = _published(liaison)
    alert_replace(alert=alert, actor=liaison, message_type="Cancel", details={"body": "All clear."})
    response = anon.get("/api/v1/feeds/alerts.atom", {"lat": 52.15, "lon": 0.06})
    titles = [
        e.findtext(f"{ATOM}title")
        for e in ElementTree.fromstring(response.content).iter(f"{ATOM}entry")
    ]
    assert titles == ["Cancelled: Hare coursing near Haslingfield"]
