"""The public page of a public alert: anyone may read it without signing in; a restricted
alert, a draft and an identifier never issued are the same 404; it says where the alert
stands (current, replaced, cancelled, expired) and links to the latest message, the CAP
document and the area's feed."""

import re
import uuid
from datetime import timedelta
from html import unescape

import pytest
from django.utils import timezone

from notifications.models import Alert
from notifications.services import alert_draft, alert_publish, alert_replace

pytestmark = pytest.mark.django_db


def _draft(issuer, *, public: bool = True, scheme=None, area: dict | None = None, **details):
    return alert_draft(
        issuer=issuer,
        details={
            "title": "Hare coursing near Haslingfield",
            "body": "Vehicles with dogs seen on the fields off Cantelupe Road.\nDo not approach.",
            "category": "hare_coursing",
            "severity": "Severe",
            "urgency": "Immediate",
            "audience": "members",
            "public": public,
            **details,
        },
        area=area or {"lat": 52.149, "lon": 0.057, "radius_m": 3000},
        scheme=scheme,
    )


def _published(issuer, **kwargs) -> Alert:
    return alert_publish(alert=_draft(issuer, **kwargs), actor=issuer)


def _page(client, alert: Alert):
    return client.get(f"/public/alerts/{alert.identifier}/")


def _text(response) -> str:
    """The page's text, tags dropped and spaces collapsed, as a person reads it."""
    body = re.sub(r"<head>.*</head>", "", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", body))).strip()


def _links(response) -> dict[str, str]:
    """The page's links by their text."""
    return {
        re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", text))).strip(): unescape(href)
        for href, text in re.findall(
            r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', response.content.decode(), re.S
        )
    }


def _london(moment) -> str:
    local = timezone.localtime(moment)
    zone, offset = ("BST", "+01:00") if local.utcoffset() else ("GMT", "+00:00")
    return f"{local.day} {local:%b %Y, %H:%M} {zone} ({offset})"


def test_a_public_alert_has_a_page_anyone_can_read(anon, liaison) -> None:
    alert = _published(liaison)
    response = _page(anon, alert)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    # The site's policy holds: no inline script or style on the page.
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "<script" not in response.content.decode()
    assert "style=" not in response.content.decode()
    text = _text(response)
    for shown in (
        "Hare coursing near Haslingfield Current Severity: Severe Hare coursing",
        "This alert is current.",
        "Category Hare coursing",
        "Severity Severe: a significant threat to life or property",
        "Urgency Immediate: act now",
        f"Sent {_london(alert.published_at)}",
        f"Expires {_london(alert.expires_at)}",
        "From Cambridgeshire Constabulary",
        "Where Within 3 km of 52.1490, 0.0570",
        "What it says Vehicles with dogs seen on the fields off Cantelupe Road. Do not approach.",
    ):
        assert shown in text
    assert _links(response) == {
        "Skip to content": "#main",
        "Patchwatch": "/",
        "Feed of public alerts in this area (Atom)": (
            "/api/v1/feeds/alerts.atom?lat=52.149&lon=0.057&radius_m=3000"
        ),
        "This message as CAP 1.2": f"/api/v1/alerts/{alert.pk}/cap/",
        "Find a scheme near you": "/",
    }


def test_the_pages_links_open_without_sign_in(anon, liaison) -> None:
    alert = _published(liaison)
    links = _links(_page(anon, alert))
    feed = anon.get(links["Feed of public alerts in this area (Atom)"])
    assert feed.status_code == 200
    assert f"urn:uuid:{alert.identifier}" in feed.content.decode()
    cap = anon.get(links["This message as CAP 1.2"])
    assert (cap.status_code, cap["Content-Type"]) == (200, "application/cap+xml")


def test_a_coordinators_alert_links_its_schemes_feed(anon, coordinator, scheme) -> None:
    alert = _published(
        coordinator,
        scheme=scheme,
        category="bogus_caller",
        area={"lat": 52.1985, "lon": 0.141, "radius_m": 400},
    )
    response = _page(anon, alert)
    assert "From Mill Road Neighbourhood Watch" in _text(response)
    links = _links(response)
    assert links["Feed of Mill Road Neighbourhood Watch\u2019s public alerts (Atom)"] == (
        f"/api/v1/feeds/schemes/{scheme.pk}/alerts.atom"
    )
    assert links["Feed of public alerts in this area (Atom)"] == (
        "/api/v1/feeds/alerts.atom?lat=52.1985&lon=0.141&radius_m=400"
    )


def test_a_drawn_area_is_described_and_its_feed_covers_it(anon, liaison) -> None:
    ring = [[0.02, 52.13], [0.09, 52.13], [0.09, 52.17], [0.02, 52.17], [0.02, 52.13]]
    alert = _published(liaison, area={"boundary": {"type": "Polygon", "coordinates": [ring]}})
    response = _page(anon, alert)
    where = f"Where The area drawn around {alert.centre_lat:.4f}, {alert.centre_lon:.4f}"
    assert where in _text(response)
    feed = anon.get(_links(response)["Feed of public alerts in this area (Atom)"])
    assert f"urn:uuid:{alert.identifier}" in feed.content.decode()


def test_restricted_and_draft_alerts_have_no_public_page(anon, client_for, liaison) -> None:
    never_issued = anon.get(f"/public/alerts/{uuid.uuid4()}/")
    assert never_issued.status_code == 404
    assert "Alert not found" in never_issued.content.decode()
    restricted = _published(liaison, public=False)
    draft = _draft(liaison)
    for alert in (restricted, draft):
        # Not even for those who may see it in the app: the page is the public's.
        for client in (anon, client_for(liaison)):
            response = _page(client, alert)
            assert response.status_code == 404
            assert response.content == never_issued.content
    # Any other address under /public/ is the server's 404, not the app's page.
    for path in ("/public/alerts/not-a-uuid/", f"/public/alerts/{restricted.pk}/", "/public/"):
        response = anon.get(path)
        assert (response.status_code, response.content) == (404, never_issued.content)


def test_a_replaced_message_links_to_the_latest(anon, liaison) -> None:
    original = _published(liaison)
    update = alert_replace(
        alert=original,
        actor=liaison,
        message_type="Update",
        details={"body": "Now heading north towards Barton."},
    )
    response = _page(anon, original)
    text = _text(response)
    assert "Haslingfield Replaced Severity" in text
    assert "This message has been replaced by an update. Read the latest message" in text
    assert _links(response)["Read the latest message"] == f"/public/alerts/{update.identifier}/"
    latest = _page(anon, update)
    text = _text(latest)
    assert text.startswith("Skip to content Patchwatch Update: Hare coursing near Haslingfield")
    assert "This alert is current." in text
    assert "Now heading north towards Barton." in text
    assert "Read the latest message" not in _links(latest)


def test_every_message_of_a_cancelled_incident_says_so(anon, liaison) -> None:
    original = _published(liaison)
    update = alert_replace(
        alert=original, actor=liaison, message_type="Update", details={"severity": "Moderate"}
    )
    cancellation = alert_replace(
        alert=update, actor=liaison, message_type="Cancel", details={"body": "All clear."}
    )
    for alert in (original, update):
        response = _page(anon, alert)
        assert "Haslingfield Cancelled Severity" in _text(response)
        assert "This alert has been cancelled. Read why" in _text(response)
        assert _links(response)["Read why"] == f"/public/alerts/{cancellation.identifier}/"
    response = _page(anon, cancellation)
    text = _text(response)
    assert "Cancelled: Hare coursing near Haslingfield Cancelled Severity" in text
    assert "What it says All clear." in text
    assert "Read why" not in _links(response)


def test_an_expired_alert_says_so(anon, liaison) -> None:
    alert = _published(liaison)
    # Past its expiry, whether or not the periodic sweep has marked it yet.
    Alert.objects.filter(pk=alert.pk).update(expires_at=timezone.now() - timedelta(minutes=5))
    alert.refresh_from_db()
    text = _text(_page(anon, alert))
    assert "Haslingfield Expired Severity" in text
    assert "This alert has expired: it is no longer current." in text
    assert f"Expired {_london(alert.expires_at)}" in text


def test_the_page_reads_the_alert_in_a_few_queries(
    anon, coordinator, scheme, django_assert_max_num_queries
) -> None:
    alert = _published(
        coordinator, scheme=scheme, area={"lat": 52.1985, "lon": 0.141, "radius_m": 400}
    )
    # The alert with its scheme, the latest message of its incident, the schemes it
    # reached (which name its area when its author did not).
    with django_assert_max_num_queries(3):
        assert _page(anon, alert).status_code == 200


def test_the_page_says_what_to_do_and_whom_to_contact(anon, liaison) -> None:
    alert = _published(
        liaison,
        instruction="Lock sheds and note any 4x4 with dogs; do not approach.",
        response_type="Monitor",
        contact="Rural crime team: 101, ext. 4455 (ŵyn ar goll: Llŷr)",
    )
    text = _text(_page(anon, alert))
    assert (
        "What to do Lock sheds and note any 4x4 with dogs; do not approach. "
        "Asked of you Monitor: keep watch and report "
        "Contact Rural crime team: 101, ext. 4455 (ŵyn ar goll: Llŷr)"
    ) in text


def test_an_alert_its_author_left_without_advice_still_gives_the_category_s(anon, liaison):
    """The category's usual advice and the default contact are filled in at drafting."""
    alert = _published(liaison, instruction="", contact="")
    assert alert.instruction
    text = _text(_page(anon, alert))
    assert f"What to do {alert.instruction}" in text
    assert "Contact Call 101, or 999 in an emergency" in text


def test_the_page_links_the_apps_own_stylesheet(anon, liaison, settings, tmp_path) -> None:
    """The page has the app's look from the app's built stylesheet (named by the build's
    manifest), and only its own few rules besides; unbuilt, it still reads."""
    stylesheets = lambda response: re.findall(  # noqa: E731
        r'<link rel="stylesheet" href="([^"]+)"', response.content.decode()
    )
    alert = _published(liaison)
    index = (settings.FRONTEND_DIST / "index.html").read_text()
    app_sheet = re.search(r'href="(/static/assets/index-[^"]+\.css)"', index).group(1)
    assert stylesheets(_page(anon, alert)) == [app_sheet, "/static/core/public.css"]

    settings.FRONTEND_DIST = tmp_path  # the frontend not built
    settings.DEBUG = True  # read again rather than from the process's memory
    response = _page(anon, alert)
    assert response.status_code == 200
    assert stylesheets(response) == ["/static/core/public.css"]
