"""Alerts as CAP 1.2 documents that police systems can take as they are: valid against the
OASIS schema and its rules beyond it (tests/cap.py), each update and cancellation naming
every earlier message of its incident still current, the area named in words, and what the
alert asks of people (instruction, responseType, contact) filled in even in a hurry."""

from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from notifications.guidance import CANCEL_GUIDANCE, CATEGORY_GUIDANCE, DEFAULT_CONTACT
from notifications.models import Alert, Category
from tests.cap import CAP, assert_valid_cap, cap_references
from tests.factories import SchemeFactory

pytestmark = pytest.mark.django_db

ALERTS = "/api/v1/alerts/"
MILL_ROAD = {"lat": 52.1985, "lon": 0.141, "radius_m": 500}
# Fields east of Haslingfield, where no scheme of the tests lies.
HASLINGFIELD = {"lat": 52.149, "lon": 0.057, "radius_m": 2500}
RING = [[0.02, 52.13], [0.09, 52.13], [0.09, 52.17], [0.02, 52.17], [0.02, 52.13]]


def _details(**fields) -> dict:
    area = {"boundary": fields.pop("boundary")} if "boundary" in fields else MILL_ROAD
    return {
        "title": "Bogus callers on Mill Road",
        "body": "Two men claiming to be from the water board.",
        "category": "bogus_caller",
        "severity": "Moderate",
        "urgency": "Immediate",
        "audience": "members",
        "public": True,
        **area,
        **fields,
    }


@pytest.fixture
def publish(client_for, liaison, django_capture_on_commit_callbacks):
    """The liaison drafts and publishes an alert through the API (its dispatch runs, so it
    knows the schemes it reached); returns its JSON."""

    def send(**fields) -> dict:
        client = client_for(liaison)
        draft = client.post(ALERTS, _details(**fields), format="json")
        assert draft.status_code == 201, draft.content
        with django_capture_on_commit_callbacks(execute=True):
            published = client.post(f"{ALERTS}{draft.json()['id']}/publish/")
        assert published.status_code == 200, published.content
        return published.json()

    return send


@pytest.fixture
def change(client_for, liaison, django_capture_on_commit_callbacks):
    """The liaison updates (``update_alert``) or cancels (``cancel``) an alert."""

    def send(alert: dict, how: str, **fields) -> dict:
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(liaison).post(
                f"{ALERTS}{alert['id']}/{how}/", fields, format="json"
            )
        assert response.status_code == 201, response.content
        return response.json()

    return send


def _cap(client, alert: dict, **query) -> ElementTree.Element:
    response = client.get(f"{ALERTS}{alert['id']}/cap/", query)
    assert response.status_code == 200, response.content
    return assert_valid_cap(response.content)


def _own(root: ElementTree.Element) -> tuple[str, str, str]:
    """How other messages reference this one."""
    return tuple(root.findtext(f"{CAP}{name}") for name in ("sender", "identifier", "sent"))


def _info(root: ElementTree.Element, name: str) -> str | None:
    return root.find(f"{CAP}info").findtext(f"{CAP}{name}")


def _area(root: ElementTree.Element, name: str) -> str | None:
    return root.find(f"{CAP}info").find(f"{CAP}area").findtext(f"{CAP}{name}")


# --- References: the chain of an incident -----------------------------------------------


def test_each_message_references_every_earlier_message_of_its_incident(
    publish, change, client_for, liaison
) -> None:
    first = publish()
    second = change(first, "update_alert", body="Now seen on Ross Street.")
    third = change(second, "update_alert", body="A grey van, part of the plate AB12.")
    last = change(third, "cancel", body="Both men have been arrested.")
    documents = [_cap(client_for(liaison), m) for m in (first, second, third, last)]
    own = [_own(root) for root in documents]
    assert [cap_references(root) for root in documents] == [[], own[:1], own[:2], own[:3]]
    assert [root.findtext(f"{CAP}msgType") for root in documents] == [
        "Alert",
        "Update",
        "Update",
        "Cancel",
    ]
    assert own[0][1] == first["identifier"]
    assert {root.findtext(f"{CAP}incidents") for root in documents} == {first["identifier"]}


def test_a_message_expired_before_a_later_one_is_not_referenced_by_it(
    publish, change, client_for, liaison
) -> None:
    first = publish()
    second = change(
        first,
        "update_alert",
        body="Still about, and for longer.",
        expires_at=(timezone.now() + timedelta(hours=6)).isoformat(),
    )
    # As it happened: the alert went out three hours ago and expired an hour ago; the update
    # (which runs longer) came in between, while the alert was still current.
    now = timezone.now()
    Alert.objects.filter(pk=first["id"]).update(
        published_at=now - timedelta(hours=3), expires_at=now - timedelta(hours=1)
    )
    Alert.objects.filter(pk=second["id"]).update(published_at=now - timedelta(hours=2))
    third = change(second, "update_alert", body="Seen again on Ross Street.")
    last = change(third, "cancel", body="All clear.")
    documents = [_cap(client_for(liaison), m) for m in (first, second, third, last)]
    own = [_own(root) for root in documents]
    assert [cap_references(root) for root in documents] == [[], own[:1], own[1:2], own[1:3]]
    # However the incident was gathered: the first alert still names it.
    assert {root.findtext(f"{CAP}incidents") for root in documents} == {first["identifier"]}


# --- Expiry after sending ----------------------------------------------------------------


def test_a_draft_whose_expiry_has_passed_is_not_published(client_for, liaison) -> None:
    client = client_for(liaison)
    draft = client.post(ALERTS, _details(), format="json").json()
    Alert.objects.filter(pk=draft["id"]).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.post(f"{ALERTS}{draft['id']}/publish/")
    assert (response.status_code, response.json()) == (
        400,
        {"expires_at": ["The expiry has passed: edit the draft and give it a later one."]},
    )
    assert Alert.objects.values_list("status", "published_at").get() == ("draft", None)


@pytest.mark.parametrize("how", ["update_alert", "cancel"])
def test_an_alert_past_its_expiry_is_not_changed_before_the_sweep_marks_it(
    publish, client_for, liaison, how
) -> None:
    alert = publish()
    Alert.objects.filter(pk=alert["id"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client_for(liaison).post(
        f"{ALERTS}{alert['id']}/{how}/", {"body": "Still going on."}, format="json"
    )
    assert (response.status_code, response.json()) == (
        400,
        {"status": ["Only a published alert can be changed; this one is expired."]},
    )
    assert Alert.objects.count() == 1


@pytest.mark.parametrize(
    ("sent", "cap_sent", "cap_expires"),
    [
        # British Summer Time, then Greenwich Mean Time: London's offset either way.
        (
            datetime(2026, 7, 1, 9, 30, 0, 200_000, tzinfo=UTC),
            "2026-07-01T10:30:00+01:00",
            "2026-07-01T10:30:01+01:00",
        ),
        (
            datetime(2026, 12, 1, 9, 30, 0, 200_000, tzinfo=UTC),
            "2026-12-01T09:30:00+00:00",
            "2026-12-01T09:30:01+00:00",
        ),
    ],
)
def test_an_expiry_within_the_second_of_sending_is_still_after_it(
    publish, client_for, liaison, sent, cap_sent, cap_expires
) -> None:
    alert = publish()
    Alert.objects.filter(pk=alert["id"]).update(
        published_at=sent, expires_at=sent + timedelta(milliseconds=500)
    )
    root = _cap(client_for(liaison), alert)
    assert (root.findtext(f"{CAP}sent"), _info(root, "expires")) == (cap_sent, cap_expires)


# --- Who gets it, and how it is asked for ------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "query", "media_type"),
    [
        ({"HTTP_ACCEPT": "application/cap+xml"}, {}, "application/cap+xml"),
        ({"HTTP_ACCEPT": "application/xml"}, {}, "application/xml"),
        ({}, {"format": "cap"}, "application/cap+xml"),
        ({}, {"format": "xml"}, "application/xml"),
        ({"HTTP_ACCEPT": "application/json"}, {"format": "xml"}, "application/xml"),
        ({"HTTP_ACCEPT": "text/html,application/xml;q=0.9,*/*;q=0.8"}, {}, "application/xml"),
        ({}, {}, "application/cap+xml"),
    ],
)
def test_cap_is_negotiated(publish, anon, headers, query, media_type) -> None:
    alert = publish()
    response = anon.get(f"{ALERTS}{alert['id']}/cap/", query, **headers)
    assert (response.status_code, response["Content-Type"]) == (200, media_type)
    assert_valid_cap(response.content)


def test_cap_refusals_are_json(publish, anon) -> None:
    alert = publish()
    unknown = anon.get(f"{ALERTS}{alert['id']}/cap/", {"format": "json"})
    assert (unknown.status_code, unknown["Content-Type"], unknown.json()) == (
        400,
        "application/json",
        {"format": ["This endpoint's formats are: cap, xml."]},
    )
    json_only = anon.get(f"{ALERTS}{alert['id']}/cap/", HTTP_ACCEPT="application/json")
    assert (json_only.status_code, json_only["Content-Type"]) == (406, "application/json")
    assert set(json_only.json()) == {"detail"}


def test_a_public_alert_is_cap_for_anyone_and_links_its_public_page(publish, anon) -> None:
    alert = publish(public=True)
    root = _cap(anon, alert)
    assert (root.findtext(f"{CAP}scope"), root.find(f"{CAP}restriction")) == ("Public", None)
    assert _info(root, "web") == f"{settings.SITE_URL}/public/alerts/{alert['identifier']}/"


def test_a_restricted_alert_is_cap_only_for_those_who_may_see_it(
    publish, anon, client_for, scheme, coordinator, outsider, foreign_liaison, stranger
) -> None:
    alert = publish(public=False)
    for client in (anon, client_for(outsider), client_for(foreign_liaison), client_for(stranger)):
        for accept in ("application/cap+xml", "application/xml"):
            refused = client.get(f"{ALERTS}{alert['id']}/cap/", HTTP_ACCEPT=accept)
            assert (refused.status_code, refused["Content-Type"], refused.json()) == (
                404,
                "application/json",
                {"detail": "No Alert matches the given query."},
            )
    # The coordinator of the scheme it reached may, with the app's page to read it on.
    root = _cap(client_for(coordinator), alert)
    assert (root.findtext(f"{CAP}scope"), root.findtext(f"{CAP}restriction")) == (
        "Restricted",
        "Members of the watch schemes in the area.",
    )
    assert _info(root, "web") == f"{settings.SITE_URL}/alerts/{alert['id']}"


# --- The area --------------------------------------------------------------------------


def test_a_circle_is_in_kilometres_and_described_by_where_it_is(publish, anon) -> None:
    root = _cap(anon, publish(**HASLINGFIELD))
    assert _area(root, "circle") == "52.149000,0.057000 2.500"
    assert _area(root, "areaDesc") == "Within 2.5 km of 52.1490, 0.0570"


def test_an_area_is_described_by_the_schemes_it_reached(publish, anon, scheme) -> None:
    assert _area(_cap(anon, publish()), "areaDesc") == "The area of Mill Road Neighbourhood Watch"
    SchemeFactory(name="Romsey Town Watch", lat=52.1975, lon=0.1445, radius=300)
    assert _area(_cap(anon, publish()), "areaDesc") == (
        "The areas of Mill Road Neighbourhood Watch and Romsey Town Watch"
    )


def test_an_area_is_named_as_composed(publish, anon, scheme) -> None:
    alert = publish(area_name="Mill Road, Cambridge")
    assert alert["area_name"] == "Mill Road, Cambridge"
    assert _area(_cap(anon, alert), "areaDesc") == "Mill Road, Cambridge"


def test_a_polygon_is_closed_and_described(publish, anon) -> None:
    drawn = publish(boundary={"type": "Polygon", "coordinates": [RING]})
    root = _cap(anon, drawn)
    assert _area(root, "polygon") == (
        "52.130000,0.020000 52.130000,0.090000 52.170000,0.090000 52.170000,0.020000 "
        "52.130000,0.020000"
    )
    centre = Alert.objects.get(pk=drawn["id"])
    assert _area(root, "areaDesc") == (
        f"The area drawn around {centre.centre_lat:.4f}, {centre.centre_lon:.4f}"
    )


# --- What it asks of people --------------------------------------------------------------


@pytest.mark.parametrize("category", [Category.MISSING_PERSON, Category.BOGUS_CALLER])
@pytest.mark.parametrize("given", [{}, {"instruction": "", "contact": ""}])
def test_an_alert_says_what_to_do_even_when_its_author_did_not(
    publish, anon, category, given
) -> None:
    alert = publish(category=category, **given)
    usual = CATEGORY_GUIDANCE[category]
    assert (alert["instruction"], alert["response_type"], alert["contact"]) == (
        usual.instruction,
        usual.response_type,
        DEFAULT_CONTACT,
    )
    root = _cap(anon, alert)
    assert (
        _info(root, "instruction"),
        _info(root, "responseType"),
        _info(root, "contact"),
    ) == (usual.instruction, usual.response_type, DEFAULT_CONTACT)


def test_what_an_alert_asks_is_the_authors_own_and_updates_and_cancels_with_it(
    publish, change, anon
) -> None:
    alert = publish(
        instruction="Keep doors locked and do not answer to anyone you do not know.",
        response_type="Shelter",
        contact="Call 101 and quote incident 123 of 4 July.",
    )
    root = _cap(anon, alert)
    assert (_info(root, "responseType"), _info(root, "contact")) == (
        "Shelter",
        "Call 101 and quote incident 123 of 4 July.",
    )
    update = change(alert, "update_alert", instruction="Report sightings to 999 at once.")
    root = _cap(anon, update)
    assert (_info(root, "instruction"), _info(root, "responseType"), _info(root, "contact")) == (
        "Report sightings to 999 at once.",
        "Shelter",
        "Call 101 and quote incident 123 of 4 July.",
    )
    cancel = change(update, "cancel", body="Both men arrested.")
    root = _cap(anon, cancel)
    assert (_info(root, "instruction"), _info(root, "responseType")) == (
        CANCEL_GUIDANCE.instruction,
        "AllClear",
    )


def test_the_guidance_for_composing_is_every_default(client_for, liaison, anon) -> None:
    response = client_for(liaison).get(f"{ALERTS}guidance/")
    assert response.status_code == 200
    guidance = response.json()
    assert guidance["contact"] == DEFAULT_CONTACT
    assert guidance["cancel"] == {
        "response_type": "AllClear",
        "instruction": CANCEL_GUIDANCE.instruction,
    }
    assert guidance["categories"] == {
        category.value: {
            "response_type": CATEGORY_GUIDANCE[category].response_type,
            "instruction": CATEGORY_GUIDANCE[category].instruction,
        }
        for category in Category
    }
    assert anon.get(f"{ALERTS}guidance/").status_code in (401, 403)


def test_guidance_fields_are_checked_in_drafts_edits_and_previews(client_for, liaison) -> None:
    client = client_for(liaison)
    bad = {"response_type": "Panic", "contact": "x" * 201, "area_name": "y" * 201}
    for response in (
        client.post(ALERTS, _details(**bad), format="json"),
        client.post(f"{ALERTS}preview/", _details(**bad), format="json"),
    ):
        assert response.status_code == 400
        assert set(response.json()) == {"response_type", "contact", "area_name"}
    draft = client.post(ALERTS, _details(), format="json").json()
    edited = client.put(
        f"{ALERTS}{draft['id']}/",
        _details(instruction="Stay in.", response_type="Shelter", area_name="Romsey"),
        format="json",
    )
    assert edited.status_code == 200, edited.content
    assert [edited.json()[name] for name in ("instruction", "response_type", "area_name")] == [
        "Stay in.",
        "Shelter",
        "Romsey",
    ]
    preview = client.post(f"{ALERTS}preview/", _details(response_type="Avoid"), format="json")
    assert preview.status_code == 200, preview.content


def test_an_alert_email_says_what_to_do_and_whom_to_call(publish, scheme, coordinator) -> None:
    alert = publish(body="Two men claiming to be from the water board.")
    assert [message.body for message in mail.outbox] == [
        "Two men claiming to be from the water board.\n\n"
        f"What to do: {CATEGORY_GUIDANCE[Category.BOGUS_CALLER].instruction}\n\n"
        f"Contact: {DEFAULT_CONTACT}\n\n"
        f"{settings.SITE_URL}/alerts/{alert['id']}\n"
    ]


# --- Text in Welsh, and characters XML reserves ------------------------------------------


def test_welsh_text_and_reserved_characters_round_trip(publish, anon) -> None:
    words = {
        "title": "Cŵn hela ysgyfarnogod ger Llanŷ",
        "body": "Dau gerbyd & chŵn <milgwn> ar y caeau; Łukasz a'u gwelodd.",
        "instruction": "Peidiwch â mynd atyn nhw: ffoniwch 999 os yw'n digwydd nawr.",
        "contact": "Ffoniwch 101, neu 999 mewn argyfwng.",
        "area_name": "Caeau Tŷ-ŵr, Llanfair-ym-Muallt",
    }
    alert = publish(**words)
    response = anon.get(f"{ALERTS}{alert['id']}/cap/")
    root = assert_valid_cap(response.content)
    assert {
        "title": _info(root, "headline"),
        "body": _info(root, "description"),
        "instruction": _info(root, "instruction"),
        "contact": _info(root, "contact"),
        "area_name": _area(root, "areaDesc"),
    } == words
    # Written as UTF-8 characters, as the declaration says, not as character references.
    assert response.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    assert "Cŵn hela ysgyfarnogod ger Llanŷ".encode() in response.content
