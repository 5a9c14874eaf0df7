"""The activity log: who sees which schemes' events, filters, and the CSV export."""

import codecs
import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from schemes.models import ActivityEvent
from schemes.services import activity_record
from tests.factories import ActivityEventFactory, MembershipFactory, SchemeFactory

pytestmark = pytest.mark.django_db

ACTIVITY = "/api/v1/activity/"
EXPORT = "/api/v1/activity/export/"


@pytest.fixture
def events(scheme, coordinator, other_scheme, outsider):
    """One event in each Cambridgeshire scheme and one in a Bedfordshire scheme."""
    beds = SchemeFactory(name="Biggleswade Speedwatch", kind="speedwatch", force="bedfordshire")
    return {
        "mill_road": ActivityEventFactory(
            scheme=scheme, type="member_joined", actor=coordinator, summary="Alex joined."
        ),
        "ely": ActivityEventFactory(
            scheme=other_scheme, type="member_left", actor=outsider, summary="Sam left."
        ),
        "beds": ActivityEventFactory(scheme=beds, type="scheme_approved", summary="Approved."),
    }


def _summaries(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["summary"] for row in response.json()["results"]]


def test_coordinator_sees_their_schemes_events(client_for, coordinator, events) -> None:
    response = client_for(coordinator).get(ACTIVITY)
    event = events["mill_road"]
    assert response.json()["results"] == [
        {
            "id": event.pk,
            "scheme": {
                "id": event.scheme_id,
                "name": "Mill Road Neighbourhood Watch",
                "kind": "neighbourhood",
                "status": "active",
            },
            "type": "member_joined",
            "type_display": "Member joined",
            "object_type": "scheme",
            "object_id": str(event.scheme_id),
            "force": "cambridgeshire",
            "payload": {},
            "actor_name": "Margaret Ellis",
            "summary": "Alex joined.",
            "at": response.json()["results"][0]["at"],
        }
    ]


def test_liaison_sees_their_force_area(client_for, liaison, foreign_liaison, events) -> None:
    assert _summaries(client_for(liaison).get(ACTIVITY)) == ["Sam left.", "Alex joined."]
    assert _summaries(client_for(foreign_liaison).get(ACTIVITY)) == ["Approved."]


@pytest.mark.parametrize("who", ["volunteer", "stranger"])
def test_volunteers_and_strangers_are_refused(client_for, request, events, who) -> None:
    response = client_for(request.getfixturevalue(who)).get(ACTIVITY)
    assert response.status_code == 403
    assert response.json() == {"detail": "Activity is for scheme coordinators and police liaisons."}
    assert client_for(request.getfixturevalue(who)).get(EXPORT).status_code == 403


def test_anonymous_is_refused(anon, events) -> None:
    assert anon.get(ACTIVITY).status_code == 401
    assert anon.get(EXPORT).status_code == 401


def test_a_coordinator_cannot_filter_their_way_into_another_scheme(
    client_for, coordinator, events
) -> None:
    response = client_for(coordinator).get(ACTIVITY, {"scheme": events["ely"].scheme_id})
    assert _summaries(response) == []


def test_filters_by_scheme_kind_type_and_time(client_for, liaison, scheme, events) -> None:
    client = client_for(liaison)
    speedwatch = SchemeFactory(name="Histon Speedwatch", kind="speedwatch")
    ActivityEventFactory(
        scheme=speedwatch, type="scheme_approved", actor=liaison, summary="Histon approved."
    )
    old = ActivityEventFactory(scheme=scheme, type="member_left", summary="Long ago.")
    ActivityEvent.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=40))

    assert _summaries(client.get(ACTIVITY, {"scheme": scheme.pk})) == ["Alex joined.", "Long ago."]
    assert _summaries(client.get(ACTIVITY, {"kind": "speedwatch"})) == ["Histon approved."]
    assert _summaries(client.get(ACTIVITY, {"type": "member_left"})) == ["Sam left.", "Long ago."]
    assert _summaries(client.get(ACTIVITY, {"type": ["member_left", "scheme_approved"]})) == [
        "Histon approved.",
        "Sam left.",
        "Long ago.",
    ]
    since = (timezone.now() - timedelta(days=7)).isoformat()
    assert "Long ago." not in _summaries(client.get(ACTIVITY, {"since": since}))
    assert _summaries(client.get(ACTIVITY, {"until": since})) == ["Long ago."]
    assert _summaries(client.get(ACTIVITY, {"ordering": "at"}))[0] == "Long ago."


def test_csv_export(client_for, liaison, scheme, events) -> None:
    ActivityEventFactory(scheme=scheme, type="member_joined", summary="=HYPERLINK(evil)")
    response = client_for(liaison).get(EXPORT, {"scheme": scheme.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="patchwatch-activity-')
    body = b"".join(response.streaming_content)
    assert body.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == ["time", "scheme_id", "scheme", "kind", "type", "actor", "summary"]
    assert [row[2:] for row in rows[1:]] == [
        [
            "Mill Road Neighbourhood Watch",
            "neighbourhood",
            "member_joined",
            "",
            "'=HYPERLINK(evil)",
        ],
        [
            "Mill Road Neighbourhood Watch",
            "neighbourhood",
            "member_joined",
            "Margaret Ellis",
            "Alex joined.",
        ],
    ]


def test_activity_list_queries_stay_constant(
    client_for, liaison, django_assert_max_num_queries
) -> None:
    client = client_for(liaison)

    def grow(count: int) -> None:
        for _ in range(count):
            membership = MembershipFactory()
            activity_record(
                scheme=membership.scheme,
                type="member_joined",
                actor=membership.user,
                object_id=membership.pk,
                payload={"member": membership.user.name, "role": membership.role},
            )

    grow(3)
    with django_assert_max_num_queries(7):
        assert client.get(ACTIVITY).json()["count"] == 3
    grow(30)
    with django_assert_max_num_queries(7):
        assert len(client.get(ACTIVITY, {"page_size": 100}).json()["results"]) == 33


# --- Kinds of event, registered by the apps that record them ------------------------------

# Stored in every log written so far: neither a value nor a label may change.
KINDS = [
    ("scheme_proposed", "Scheme proposed"),
    ("scheme_updated", "Scheme details changed"),
    ("scheme_approved", "Scheme approved"),
    ("scheme_suspended", "Scheme suspended"),
    ("scheme_reinstated", "Scheme reinstated"),
    ("scheme_closed", "Scheme closed"),
    ("member_requested", "Asked to join"),
    ("member_joined", "Member joined"),
    ("member_declined", "Join request declined"),
    ("member_decline_undone", "Join request decline undone"),
    ("member_left", "Member left"),
    ("member_removed", "Member removed"),
    ("role_changed", "Role changed"),
    ("site_proposed", "Speedwatch site proposed"),
    ("site_approved", "Speedwatch site approved"),
    ("site_rejected", "Speedwatch site rejected"),
    ("site_suspended", "Speedwatch site suspended"),
    ("session_submitted", "Speedwatch session submitted"),
    ("session_amended", "Speedwatch session amended"),
    ("alert_published", "Alert published"),
]


def test_each_app_registers_its_own_kinds_with_their_stored_values() -> None:
    from notifications.models import AlertActivity
    from schemes.activity import ACTIVITY_KINDS
    from schemes.models import ActivityType
    from watch.models import SpeedwatchActivity

    assert list(ACTIVITY_KINDS) == KINDS
    assert [*ActivityType.choices, *SpeedwatchActivity.choices, *AlertActivity.choices] == KINDS
    # The lowest domain app names none of the events of the apps above it.
    assert {value for value, _ in ActivityType.choices}.isdisjoint(
        {*SpeedwatchActivity.values, *AlertActivity.values}
    )


def test_an_unregistered_kind_is_not_recorded(scheme, coordinator) -> None:
    with pytest.raises(ValueError, match="'site_moved' is no registered kind of activity"):
        activity_record(
            scheme=scheme, type="site_moved", actor=coordinator, object_id=1, payload={}
        )
    assert not ActivityEvent.objects.filter(type="site_moved").exists()


def test_a_kind_registered_again_with_another_label_is_refused() -> None:
    from django.db.models import TextChoices

    from schemes.activity import activity_kinds_register

    class Renamed(TextChoices):
        ALERT_PUBLISHED = "alert_published", "Alert sent"

    with pytest.raises(ValueError, match="'alert_published' is registered with another label"):
        activity_kinds_register(Renamed, {})


def test_the_log_shows_and_filters_the_kinds_of_every_app(client_for, liaison, scheme) -> None:
    ActivityEventFactory(scheme=scheme, type="alert_published", actor=liaison, summary="Published.")
    ActivityEventFactory(scheme=scheme, type="site_rejected", actor=liaison, summary="Rejected.")
    client = client_for(liaison)
    rows = client.get(ACTIVITY, {"scheme": scheme.pk}).json()["results"]
    assert [(row["type"], row["type_display"]) for row in rows] == [
        ("site_rejected", "Speedwatch site rejected"),
        ("alert_published", "Alert published"),
    ]
    assert _summaries(client.get(ACTIVITY, {"type": "alert_published"})) == ["Published."]
    refused = client.get(ACTIVITY, {"type": "site_moved"})
    assert refused.status_code == 400
    assert list(refused.json()) == ["type"]
