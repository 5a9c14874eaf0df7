"""Standard feeds: CAP 1.2 documents valid against the OASIS schema, and Atom feeds of
current public alerts valid against RFC 4287 (tests/atom.py), whose links a person or a
system can follow without signing in."""

import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.utils import timezone
from lxml import etree
from rest_framework.test import APIClient

from notifications.models import Alert
from notifications.services import alert_draft, alert_publish, alert_replace
from schemes.models import SchemeStatus
from tests.atom import A, assert_valid_atom, rfc_4287_problems
from tests.cap import CAP, assert_valid_cap

pytestmark = pytest.mark.django_db

# The project's shared reference material, beside the repository, holds the copy of the
# OASIS CAP 1.2 schema that the tests' own (tests/cap.py) must equal.
SHARED_CAP_SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "standards" / "cap12.xsd"
ATOM = A
AREA_FEED = "/api/v1/feeds/alerts.atom"
NEAR_HASLINGFIELD = "lat=52.15&lon=0.06&radius_m=2000"


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


def _fetch(client, path_and_query: str):
    """The feed at a path (with its query) and the address it says it was fetched from."""
    response = client.get(path_and_query)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    return response.content, f"{settings.SITE_URL}{path_and_query}"


def _titles(feed: etree._Element) -> list[str]:
    return [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")]


def _link(element: etree._Element, media_type: str) -> str:
    [href] = [
        link.get("href")
        for link in element.findall(f"{ATOM}link")
        if link.get("rel") == "alternate" and link.get("type") == media_type
    ]
    return href


def _path(url: str) -> str:
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == settings.SITE_URL
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def test_atom_feed_for_an_area(anon, liaison) -> None:
    alert = _published(liaison, title="Hare coursing near Haslingfield")
    _published(liaison, title="Restricted one", public=False)
    _published(
        liaison, title="In Peterborough", area={"lat": 52.5695, "lon": -0.2405, "radius_m": 1000}
    )
    document, url = _fetch(anon, f"{AREA_FEED}?{NEAR_HASLINGFIELD}")
    feed = assert_valid_atom(document, url)
    assert feed.findtext(f"{ATOM}title") == "Patchwatch alerts within 2 km of 52.1500, 0.0600"
    assert feed.find(f"{ATOM}author").findtext(f"{ATOM}name") == "Patchwatch"
    assert _titles(feed) == ["Hare coursing near Haslingfield"]
    [entry] = feed.findall(f"{ATOM}entry")
    published = timezone.localtime(alert.published_at).replace(microsecond=0).isoformat()
    assert {
        "id": entry.findtext(f"{ATOM}id"),
        "published": entry.findtext(f"{ATOM}published"),
        "updated": entry.findtext(f"{ATOM}updated"),
        "author": entry.find(f"{ATOM}author").findtext(f"{ATOM}name"),
        "content": entry.findtext(f"{ATOM}content"),
        "summary": entry.findtext(f"{ATOM}summary"),
        "categories": [
            (c.get("term"), c.get("label"), c.get("scheme"))
            for c in entry.findall(f"{ATOM}category")
        ],
        "page": _link(entry, "text/html"),
        "cap": _link(entry, "application/cap+xml"),
    } == {
        "id": f"urn:uuid:{alert.identifier}",
        "published": published,
        "updated": published,
        "author": "Cambridgeshire Constabulary",
        "content": "Vehicles with dogs seen on the fields off Cantelupe Road.\n\n"
        f"What to do: {alert.instruction}\n\nContact: Call 101, or 999 in an emergency.",
        "summary": "Hare coursing. Severity Severe, urgency Immediate. Within 3 km of "
        f"52.1490, 0.0570. Until {_london(alert.expires_at)}.",
        "categories": [
            ("hare_coursing", "Hare coursing", None),
            ("Severe", "Severity: Severe", "urn:oasis:names:tc:emergency:cap:1.2#severity"),
            ("Immediate", "Urgency: Immediate", "urn:oasis:names:tc:emergency:cap:1.2#urgency"),
            ("Alert", "Alert", "urn:oasis:names:tc:emergency:cap:1.2#msgType"),
        ],
        "page": f"{settings.SITE_URL}/public/alerts/{alert.identifier}/",
        "cap": f"{settings.SITE_URL}/api/v1/alerts/{alert.pk}/cap/",
    }
    # The feed changed when its newest entry was published.
    assert feed.findtext(f"{ATOM}updated") == published


def _london(moment) -> str:
    local = timezone.localtime(moment)
    offset = "+01:00" if local.utcoffset() else "+00:00"
    return f"{local.day} {local:%b %Y, %H:%M} {'BST' if local.utcoffset() else 'GMT'} ({offset})"


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
    document, url = _fetch(anon, f"/api/v1/feeds/schemes/{speedwatch.pk}/alerts.atom")
    feed = assert_valid_atom(document, url)
    assert feed.findtext(f"{ATOM}title") == "Alerts for Haslingfield Community Speedwatch"
    assert feed.find(f"{ATOM}author").findtext(f"{ATOM}name") == speedwatch.name
    assert _link(feed, "text/html") == f"{settings.SITE_URL}/schemes/{speedwatch.pk}"
    assert _titles(feed) == ["Speeding on the High Street"]


def test_following_a_feeds_links_needs_no_sign_in(
    anon, liaison, speedwatch, django_capture_on_commit_callbacks
) -> None:
    """The self link gives the same feed back; each entry's page and CAP document open for
    anyone, the page naming the alert and the CAP document being the entry's message."""
    with django_capture_on_commit_callbacks(execute=True):
        _published(liaison, title="Hare coursing near Haslingfield")
        _published(liaison, title="Quad bikes on the bridleway", category="rural_crime")
    for path in (
        # Parameters in any order, one left to its default, and the format asked for: the
        # self link is the address as asked for.
        f"{AREA_FEED}?radius_m=2000&lon=0.06&lat=52.15&format=atom",
        f"{AREA_FEED}?lat=52.15&lon=0.06",
        f"/api/v1/feeds/schemes/{speedwatch.pk}/alerts.atom",
    ):
        document, url = _fetch(anon, path)
        feed = assert_valid_atom(document, url)
        [self_link] = [
            link.get("href") for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self"
        ]
        assert anon.get(_path(self_link)).content == document
        entries = feed.findall(f"{ATOM}entry")
        assert len(entries) == 2
        for entry in entries:
            page = anon.get(_path(_link(entry, "text/html")))
            assert page.status_code == 200
            assert page["Content-Type"] == "text/html; charset=utf-8"
            assert entry.findtext(f"{ATOM}title") in page.content.decode()
            cap = anon.get(_path(_link(entry, "application/cap+xml")))
            assert (cap.status_code, cap["Content-Type"]) == (200, "application/cap+xml")
            identifier = ElementTree.fromstring(cap.content).findtext(f"{CAP}identifier")
            assert f"urn:uuid:{identifier}" == entry.findtext(f"{ATOM}id")


def _feed_id(client, path: str) -> str:
    document, url = _fetch(client, path)
    return assert_valid_atom(document, url).findtext(f"{ATOM}id")


def test_each_feed_has_its_own_stable_id(anon, liaison, speedwatch, scheme) -> None:
    area = _feed_id(anon, f"{AREA_FEED}?{NEAR_HASLINGFIELD}")
    assert area.startswith("urn:uuid:")
    # The same circle, however it is written, is the same feed; before and after an alert.
    assert _feed_id(anon, f"{AREA_FEED}?radius_m=2000&lon=0.060&lat=52.1500") == area
    _published(liaison)
    assert _feed_id(anon, f"{AREA_FEED}?{NEAR_HASLINGFIELD}&format=atom") == area
    # Whatever the Host the request came with.
    assert _feed_id(APIClient(HTTP_HOST="localhost"), f"{AREA_FEED}?{NEAR_HASLINGFIELD}") == area
    # The default radius is 5 km; a radius over the maximum is the maximum's feed.
    assert _feed_id(anon, f"{AREA_FEED}?lat=52.15&lon=0.06") == _feed_id(
        anon, f"{AREA_FEED}?lat=52.15&lon=0.06&radius_m=5000"
    )
    widest = settings.NEAR_RADIUS_MAX_M
    assert _feed_id(anon, f"{AREA_FEED}?lat=52.15&lon=0.06&radius_m={widest + 1}") == _feed_id(
        anon, f"{AREA_FEED}?lat=52.15&lon=0.06&radius_m={widest}"
    )
    others = {
        _feed_id(anon, f"{AREA_FEED}?lat=52.15&lon=0.06&radius_m=2001"),
        _feed_id(anon, f"{AREA_FEED}?lat=52.16&lon=0.06&radius_m=2000"),
        _feed_id(anon, f"{AREA_FEED}?lat=52.15&lon=0.07&radius_m=2000"),
        _feed_id(anon, f"/api/v1/feeds/schemes/{speedwatch.pk}/alerts.atom"),
        _feed_id(anon, f"/api/v1/feeds/schemes/{scheme.pk}/alerts.atom"),
    }
    assert len(others | {area}) == 6
    assert _feed_id(anon, f"/api/v1/feeds/schemes/{scheme.pk}/alerts.atom") == _feed_id(
        anon, f"/api/v1/feeds/schemes/{scheme.pk}/alerts.atom?format=atom"
    )


def test_an_empty_feed_is_dated_the_same_on_every_poll(anon, liaison) -> None:
    path = f"{AREA_FEED}?lat=51.5&lon=-0.12&radius_m=1000"
    document, url = _fetch(anon, path)
    feed = assert_valid_atom(document, url)
    assert _titles(feed) == []
    # The Unix epoch, on London's clock (British Standard Time, then).
    assert feed.findtext(f"{ATOM}updated") == "1970-01-01T01:00:00+01:00"
    assert anon.get(path).content == document


def test_an_update_is_a_new_entry_that_replaces_the_message_it_updates(anon, liaison) -> None:
    original = _published(liaison)
    update = alert_replace(
        alert=original,
        actor=liaison,
        message_type="Update",
        details={"body": "Now heading north towards Barton."},
    )
    document, url = _fetch(anon, f"{AREA_FEED}?{NEAR_HASLINGFIELD}")
    feed = assert_valid_atom(document, url)
    [entry] = feed.findall(f"{ATOM}entry")
    assert (entry.findtext(f"{ATOM}id"), entry.findtext(f"{ATOM}title")) == (
        f"urn:uuid:{update.identifier}",
        "Update: Hare coursing near Haslingfield",
    )
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")][-1] == "Update"
    update.refresh_from_db()
    assert (
        feed.findtext(f"{ATOM}updated")
        == entry.findtext(f"{ATOM}updated")
        == (timezone.localtime(update.published_at).replace(microsecond=0).isoformat())
    )


def test_expired_and_cancelled_alerts_leave_the_feeds(anon, liaison) -> None:
    alert = _published(liaison)
    alert_replace(alert=alert, actor=liaison, message_type="Cancel", details={"body": "All clear."})
    document, url = _fetch(anon, f"{AREA_FEED}?lat=52.15&lon=0.06")
    feed = assert_valid_atom(document, url)
    # The cancellation stays until the alert would have expired, so those following the
    # feed learn it is over.
    assert _titles(feed) == ["Cancelled: Hare coursing near Haslingfield"]
    Alert.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    document, url = _fetch(anon, f"{AREA_FEED}?lat=52.15&lon=0.06")
    assert _titles(assert_valid_atom(document, url)) == []


def test_feeds_are_the_same_for_everyone(anon, client_for, liaison, speedwatch) -> None:
    _published(liaison)
    _published(liaison, title="Restricted one", public=False)
    for path in (
        f"{AREA_FEED}?{NEAR_HASLINGFIELD}",
        f"/api/v1/feeds/schemes/{speedwatch.pk}/alerts.atom",
    ):
        assert client_for(liaison).get(path).content == anon.get(path).content


def test_feeds_refuse_bad_queries_field_by_field_in_json(anon, scheme) -> None:
    cases = {
        "": {"lat": ["This field is required."], "lon": ["This field is required."]},
        "lat=north&lon=0.06": {"lat": ["A valid number is required."]},
        "lat=nan&lon=0.06": {"lat": ["A valid number is required."]},
        "lat=91&lon=0.06": {"lat": ["Ensure this value is less than or equal to 90."]},
        "lat=52.15&lon=0.06&radius_m=0": {
            "radius_m": ["Ensure this value is greater than or equal to 1."]
        },
        "lat=52.15&lon=0.06&radius_m=": {
            "radius_m": ["Enter a value, or leave the parameter out."]
        },
        "lat=52.15&lon=0.06&format=json": {"format": ["This endpoint's formats are: atom."]},
    }
    for query, errors in cases.items():
        response = anon.get(f"{AREA_FEED}?{query}")
        assert (response.status_code, response["Content-Type"]) == (400, "application/json")
        assert response.json() == errors, query
    scheme.status = SchemeStatus.SUSPENDED
    scheme.save(update_fields=["status"])
    for path in (
        f"/api/v1/feeds/schemes/{scheme.pk}/alerts.atom",
        "/api/v1/feeds/schemes/999999/alerts.atom",
    ):
        response = anon.get(path)
        assert (response.status_code, response["Content-Type"]) == (404, "application/json")


def test_feeds_read_their_alerts_in_a_few_queries(
    anon, liaison, speedwatch, django_assert_max_num_queries
) -> None:
    for number in range(6):
        _published(liaison, title=f"Alert {number}")
    Alert.objects.filter(title__in=["Alert 1", "Alert 2"]).update(scheme=speedwatch)
    # The alerts, then the schemes they reached (for areas their authors did not name).
    with django_assert_max_num_queries(2):
        response = anon.get(f"{AREA_FEED}?{NEAR_HASLINGFIELD}")
    assert len(etree.fromstring(response.content).findall(f"{ATOM}entry")) == 6
    Alert.objects.get(title="Alert 3").matched_schemes.add(speedwatch)
    Alert.objects.get(title="Alert 1").matched_schemes.add(speedwatch)
    # The scheme, its alerts, the schemes they reached.
    with django_assert_max_num_queries(3):
        response = anon.get(f"/api/v1/feeds/schemes/{speedwatch.pk}/alerts.atom")
    assert _titles(etree.fromstring(response.content)) == ["Alert 3", "Alert 1"]


def test_the_schema_describes_the_feeds(anon) -> None:
    openapi = anon.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    area = openapi["paths"]["/api/v1/feeds/alerts.atom"]["get"]
    scheme = openapi["paths"]["/api/v1/feeds/schemes/{scheme_id}/alerts.atom"]["get"]
    for operation in (area, scheme):
        assert list(operation["responses"]["200"]["content"]) == ["application/atom+xml"]
        assert list(operation["responses"]["400"]["content"]) == ["application/json"]
    parameters = {p["name"]: (p.get("required", False), p["schema"]) for p in area["parameters"]}
    assert parameters["lat"] == (
        True,
        {"type": "number", "format": "double", "maximum": 90, "minimum": -90},
    )
    assert parameters["radius_m"][0] is False
    assert parameters["radius_m"][1]["default"] == 5000
    assert parameters["format"][1]["enum"] == ["atom"]


# --- The check itself: a feed that breaks RFC 4287 is caught ----------------------------

VALID = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>urn:uuid:60a76c80-d399-11d9-b93c-0003939e0af6</id>
  <title>Example</title>
  <updated>2026-11-22T10:15:00+00:00</updated>
  <author><name>Patchwatch</name></author>
  <link rel="self" type="application/atom+xml" href="https://example.org/feed.atom?a=1"/>
  <entry>
    <id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id>
    <title>An alert</title>
    <updated>2026-11-22T10:15:00+00:00</updated>
    <link rel="alternate" type="text/html" href="https://example.org/public/alerts/1/"/>
  </entry>
</feed>"""
URL = "https://example.org/feed.atom?a=1"
ENTRY_UPDATED = b"<updated>2026-11-22T10:15:00+00:00</updated>\n    <link"


@pytest.mark.parametrize(
    "broken",
    [
        pytest.param(VALID.replace(ENTRY_UPDATED, b"<link"), id="entry without updated"),
        pytest.param(
            VALID.replace(
                b"2026-11-22T10:15:00+00:00</updated>\n  <author>",
                b"2026-11-22T10:15:00</updated>\n  <author>",
            ),
            id="updated without a time zone",
        ),
        pytest.param(
            VALID.replace(
                b"1225c695-cfb8-4ebb-aaaa-80da344efa6a", b"60a76c80-d399-11d9-b93c-0003939e0af6"
            ),
            id="an entry with the feed's id",
        ),
        pytest.param(VALID.replace(b'?a=1"/>', b'"/>'), id="self link without the query"),
        pytest.param(
            VALID.replace(b'rel="alternate" type="text/html"', b'rel="related"'),
            id="entry without alternate link",
        ),
        pytest.param(
            VALID.replace(b"<author><name>Patchwatch</name></author>", b""), id="no author"
        ),
        pytest.param(VALID.replace(b"<title>Example</title>", b""), id="feed without title"),
        pytest.param(
            VALID.replace(b"urn:uuid:60a76c80-d399-11d9-b93c-0003939e0af6", b"/"),
            id="relative feed id",
        ),
    ],
)
def test_the_atom_check_refuses_a_feed_that_breaks_rfc_4287(broken: bytes) -> None:
    assert_valid_atom(VALID, URL)
    assert broken != VALID
    with pytest.raises(AssertionError):
        assert_valid_atom(broken, URL)


def test_the_atom_check_states_what_the_grammar_leaves_out() -> None:
    duplicate = VALID.replace(
        b"1225c695-cfb8-4ebb-aaaa-80da344efa6a", str(uuid.UUID(int=1)).encode()
    )
    twice = duplicate.replace(b"</feed>", duplicate[duplicate.index(b"<entry>") :])
    assert rfc_4287_problems(twice, URL) == [
        "atom:id values are not unique: ['urn:uuid:60a76c80-d399-11d9-b93c-0003939e0af6', "
        "'urn:uuid:00000000-0000-0000-0000-000000000001', "
        "'urn:uuid:00000000-0000-0000-0000-000000000001']"
    ]
