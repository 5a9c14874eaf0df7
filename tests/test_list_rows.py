"""The sessions, offences, letters and alerts lists build their rows by hand from ``.values()``
columns, and an alert thread's messages from models (``AlertListSerializer``), rather than
field by field through DRF. Each row must be what the serializer itself gives the same
object for the same viewer: these tests ask the list through the API and compare it, key
for key and in order, with the serializer's own answer."""

import json
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from accounts.models import User
from areas.models import area_fields
from notifications import selectors as alert_selectors
from notifications.models import Alert, Notice, Reply
from notifications.serializers import AlertDetailSerializer
from schemes.serializers import SchemeRefSerializer, scheme_ref
from tests.factories import MembershipFactory, SiteFactory
from tests.speedwatch import logged_session, neighbouring_teams
from watch.models import DisputeOutcome, Offence
from watch.selectors.letters import letters_queue
from watch.selectors.sessions import offences_visible_to, sessions_visible_to
from watch.serializers import QueueOffenceSerializer, SessionSerializer
from watch.services.escalation import offence_dispute

pytestmark = pytest.mark.django_db

SESSIONS = "/api/v1/speedwatch/sessions/"
OFFENCES = "/api/v1/speedwatch/offences/"
LETTERS = "/api/v1/speedwatch/letters/"
ALERTS = "/api/v1/alerts/"
# A polygon wound clockwise: the API answers it counter-clockwise (RFC 7946).
CLOCKWISE = {
    "type": "Polygon",
    "coordinates": [[[0.13, 52.19], [0.13, 52.2], [0.15, 52.2], [0.15, 52.19], [0.13, 52.19]]],
}


def _as_json(data: Any) -> Any:
    """The serializer's data as a client reads it (UUIDs and the like become text)."""
    return json.loads(JSONRenderer().render(data))


def _one_by_one(serializer: type, objects: Any, viewer: User) -> list[dict[str, Any]]:
    context = {"request": SimpleNamespace(user=viewer)}
    return [_as_json(serializer(item, context=context).data) for item in objects]


def _same_rows(answered: list[dict[str, Any]], expected: list[dict[str, Any]]) -> None:
    assert answered == expected
    assert [list(row) for row in answered] == [list(row) for row in expected]


@pytest.fixture
def speedwatch_record(speedwatch, sw_team, liaison):
    """Two sites' sessions: submitted ones with offences (one disputed and voided, one
    anonymised), and a draft whose offences have no action yet."""
    high_street = SiteFactory(scheme=speedwatch, name="High Street", speed_limit_mph=30)
    school_lane = SiteFactory(scheme=speedwatch, name="School Lane", speed_limit_mph=20)
    first = logged_session(
        high_street, sw_team, days_ago=3, offences=[("AB12CDE", 37), ("KX19LMN", 45)]
    )
    logged_session(school_lane, sw_team, days_ago=2, offences=[("AB12CDE", 29)])
    logged_session(high_street, sw_team, days_ago=1, offences=[("LM55XYZ", 39)], submit=False)
    disputed = Offence.objects.get(session=first, registration="KX19LMN")
    offence_dispute(offence=disputed, actor=liaison, outcome=DisputeOutcome.UPHELD, note="Misread.")
    Offence.objects.filter(session=first, registration="AB12CDE").update(
        registration="", anonymised_at=timezone.now()
    )


@pytest.mark.parametrize("who", ["sw_coordinator", "sw_volunteer", "liaison", "foreign_liaison"])
def test_sessions_list_rows_are_the_serializers(
    client_for, request, speedwatch_record, who
) -> None:
    viewer = request.getfixturevalue(who)
    answered = client_for(viewer).get(SESSIONS).json()["results"]
    sessions = (
        sessions_visible_to(user=viewer).prefetch_related("present").order_by("-started_at", "id")
    )
    _same_rows(answered, _one_by_one(SessionSerializer, sessions, viewer))
    assert len(answered) == (0 if who == "foreign_liaison" else 3)


@pytest.mark.parametrize("who", ["sw_coordinator", "liaison"])
def test_offences_list_rows_are_the_serializers(
    client_for, request, speedwatch_record, who
) -> None:
    viewer = request.getfixturevalue(who)
    answered = client_for(viewer).get(OFFENCES).json()["results"]
    offences = offences_visible_to(user=viewer).order_by("-observed_at", "id")
    _same_rows(answered, _one_by_one(QueueOffenceSerializer, offences, viewer))
    assert len(answered) == 4
    # The draft's offence shows no action yet; only the liaison settles disputes.
    assert [(row["action"], row["actions"]["dispute"]) for row in answered[:2]] == [
        (None, False),
        ("second_letter", who == "liaison"),
    ]


def test_letters_queue_rows_are_the_serializers(client_for, speedwatch_record, liaison) -> None:
    answered = client_for(liaison).get(LETTERS).json()["results"]
    queue = letters_queue(user=liaison).filter(action_status="pending")
    _same_rows(answered, _one_by_one(QueueOffenceSerializer, queue, liaison))
    # The voided and the anonymised offences are out of the queue (the anonymised one still
    # made this a second letter).
    assert [(row["registration"], row["action"]) for row in answered] == [
        ("AB12CDE", "second_letter")
    ]


@pytest.fixture
def three_schemes_viewer(speedwatch_record, speedwatch, foreign_liaison) -> User:
    """The Bedfordshire liaison, also coordinator of Histon & Impington (Cambridgeshire) and
    a volunteer of Haslingfield: what they may do differs from one scheme of a page to the
    next. Each of the two new schemes has a submitted session with an offence."""
    histon_site, bedford_site, teams = neighbouring_teams()
    MembershipFactory(scheme=histon_site.scheme, user=foreign_liaison, role="coordinator")
    MembershipFactory(scheme=speedwatch, user=foreign_liaison)
    for days_ago, site in enumerate((histon_site, bedford_site), start=4):
        logged_session(site, teams[site.scheme_id], days_ago=days_ago, offences=[("PQ66RST", 44)])
    return foreign_liaison


def test_sessions_list_rows_follow_the_viewers_part_in_each_scheme(
    client_for, three_schemes_viewer
) -> None:
    viewer = three_schemes_viewer
    answered = client_for(viewer).get(SESSIONS).json()["results"]
    sessions = (
        sessions_visible_to(user=viewer).prefetch_related("present").order_by("-started_at", "id")
    )
    _same_rows(answered, _one_by_one(SessionSerializer, sessions, viewer))
    assert [(row["scheme"]["name"], row["actions"]) for row in answered] == [
        *[
            (
                "Haslingfield Community Speedwatch",
                {"change": False, "see_registrations": False, "settle_disputes": False},
            )
        ]
        * 3,
        (
            "Histon & Impington Speedwatch",
            {"change": True, "see_registrations": True, "settle_disputes": False},
        ),
        (
            "Biggleswade Speedwatch",
            {"change": False, "see_registrations": True, "settle_disputes": True},
        ),
    ]


def test_offences_list_rows_follow_the_viewers_part_in_each_scheme(
    client_for, three_schemes_viewer
) -> None:
    viewer = three_schemes_viewer
    answered = client_for(viewer).get(OFFENCES).json()["results"]
    offences = offences_visible_to(user=viewer).order_by("-observed_at", "id")
    _same_rows(answered, _one_by_one(QueueOffenceSerializer, offences, viewer))
    # Haslingfield's registrations are not the volunteer's to see; only the liaison of
    # Biggleswade's force settles its disputes.
    assert [(row["scheme"]["name"], row["actions"]["dispute"]) for row in answered] == [
        ("Histon & Impington Speedwatch", False),
        ("Biggleswade Speedwatch", True),
    ]


def _alert(issuer: User, title: str, **extra: Any) -> Alert:
    details: dict[str, Any] = {
        "issuer": issuer,
        "force": "cambridgeshire",
        "title": title,
        "body": "Watch out.",
        "category": "bogus_caller",
        "severity": "Moderate",
        "urgency": "Expected",
        "audience": "members",
        "status": "published",
        "published_at": timezone.now(),
        "expires_at": timezone.now() + timedelta(days=1),
        **area_fields(lat=52.1985, lon=0.1410, radius_m=500),
    }
    details.update(extra)
    alert = Alert.objects.create(**details)
    alert.incident_id = alert.references.incident_id if alert.references else alert.pk
    alert.save(update_fields=["incident"])
    return alert


@pytest.fixture
def alerts_record(scheme, liaison, coordinator, volunteer) -> Alert:
    """A liaison's alert with its update (the first of the incident, returned), and a
    coordinator's polygon alert and draft; the volunteer received the three published and
    replied to the first."""
    first = _alert(liaison, "Bogus callers", scheme_kinds=["neighbourhood"])
    # The update has its Welsh too: every row carries the translation.
    update = _alert(
        liaison,
        "Bogus callers: update",
        message_type="Update",
        references=first,
        translated_title="Galwyr ffug: diweddariad",
        translated_body="Byddwch yn wyliadwrus.",
    )
    Alert.objects.filter(pk=first.pk).update(status="updated")
    polygon = _alert(
        coordinator,
        "Van seen at night",
        scheme=scheme,
        **area_fields(boundary=CLOCKWISE),
    )
    _alert(coordinator, "Draft of a coordinator", status="draft", published_at=None)
    for alert in (first, update, polygon):
        Notice.objects.create(alert=alert, recipient=volunteer, channel="in_app", state="sent")
    Reply.objects.create(alert=first, author=volunteer, body="Seen them.")
    return first


@pytest.mark.parametrize("who", ["liaison", "coordinator", "volunteer"])
def test_alerts_list_rows_are_the_serializers(client_for, request, alerts_record, who) -> None:
    viewer = request.getfixturevalue(who)
    answered = client_for(viewer).get(ALERTS).json()["results"]
    alerts = (
        alert_selectors.with_incident_status(
            alert_selectors.with_unread_replies(alert_selectors.alerts_visible_to(user=viewer))
        )
        .select_related("issuer", "scheme")
        .order_by("-created_at", "-id")
    )
    _same_rows(answered, _one_by_one(AlertDetailSerializer, alerts, viewer))
    seen = {row["title"]: row for row in answered}
    assert len(answered) == {"liaison": 4, "coordinator": 2, "volunteer": 3}[who]
    assert seen["Van seen at night"]["boundary"]["coordinates"][0][1] == [0.15, 52.19]
    if who != "coordinator":
        # Replaced by its update, the first alert shows where the incident stands.
        assert (seen["Bogus callers"]["status"], seen["Bogus callers"]["incident_status"]) == (
            "updated",
            "published",
        )
        assert seen["Bogus callers"]["unread_replies"] == (1 if who == "liaison" else None)


@pytest.mark.parametrize("who", ["liaison", "volunteer"])
def test_thread_messages_are_the_serializers(client_for, request, alerts_record, who) -> None:
    # A thread's messages are read as models (``AlertListSerializer``), the list's as rows.
    viewer = request.getfixturevalue(who)
    answered = client_for(viewer).get(f"{ALERTS}{alerts_record.pk}/thread/").json()["messages"]
    messages = alert_selectors.thread(alert=alerts_record, user=viewer)["messages"]
    _same_rows(answered, _one_by_one(AlertDetailSerializer, messages, viewer))
    assert [(row["title"], row["unread_replies"]) for row in answered] == [
        ("Bogus callers: update", 0 if who == "liaison" else None),
        ("Bogus callers", 1 if who == "liaison" else None),
    ]


def test_scheme_ref_is_the_serializers(scheme, speedwatch) -> None:
    for named in (scheme, speedwatch):
        _same_rows([scheme_ref(named)], [_as_json(SchemeRefSerializer(named).data)])


def test_a_pages_schemes_hold_their_row_columns_and_defer_the_rest(
    db, django_assert_num_queries
) -> None:
    from tests.factories import SchemeFactory
    from watch.serializers import QUEUE_OFFENCE_COLUMNS, _page_schemes

    scheme = SchemeFactory(name="Mill Road CSW", kind="speedwatch", force="cambridgeshire")
    row = dict.fromkeys(QUEUE_OFFENCE_COLUMNS)
    row.update(
        scheme=scheme.pk,
        scheme__name=scheme.name,
        scheme__kind=scheme.kind,
        scheme__status=scheme.status,
        scheme__force=scheme.force,
    )
    with django_assert_num_queries(0):
        built = _page_schemes([row])[scheme.pk]
        assert (built.pk, built.name, built.kind, built.status, built.force) == (
            scheme.pk,
            "Mill Road CSW",
            "speedwatch",
            scheme.status,
            "cambridgeshire",
        )
    assert "description" in built.get_deferred_fields()
    # A field the row did not carry is read from the database, never a default.
    with django_assert_num_queries(1):
        assert built.description == scheme.description
