"""The activity log: who sees which schemes' events, filters, and the CSV export."""

import codecs
import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from schemes.models import ActivityEvent
from schemes.services import activity_record
from tests.factories import MembershipFactory, SchemeFactory

pytestmark = pytest.mark.django_db

ACTIVITY = "/api/v1/activity/"
EXPORT = "/api/v1/activity/export/"


@pytest.fixture
def events(scheme, coordinator, other_scheme, outsider):
    """One event in each Cambridgeshire scheme and one in a Bedfordshire scheme."""
    beds = SchemeFactory(name="Biggleswade Speedwatch", kind="speedwatch", force="bedfordshire")
    return {
        "mill_road": activity_record(
            scheme=scheme, type="member_joined", actor=coordinator, summary="Alex joined."
        ),
        "ely": activity_record(
            scheme=other_scheme, type="member_left", actor=outsider, summary="Sam left."
        ),
        "beds": activity_record(
            scheme=beds, type="scheme_approved", actor=None, summary="Approved."
        ),
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
    activity_record(
        scheme=speedwatch, type="scheme_approved", actor=liaison, summary="Histon approved."
    )
    old = activity_record(scheme=scheme, type="member_left", actor=None, summary="Long ago.")
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
    activity_record(scheme=scheme, type="member_joined", actor=None, summary="=HYPERLINK(evil)")
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
                scheme=membership.scheme, type="member_joined", actor=membership.user, summary="x"
            )

    grow(3)
    with django_assert_max_num_queries(7):
        assert client.get(ACTIVITY).json()["count"] == 3
    grow(30)
    with django_assert_max_num_queries(7):
        assert len(client.get(ACTIVITY, {"page_size": 100}).json()["results"]) == 33
