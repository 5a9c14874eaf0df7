"""The alerts list and the notices inbox keep a constant number of queries as they grow."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from areas.models import area_fields
from notifications.dispatch import notices_supersede
from notifications.models import Alert, Notice, Reply
from tests.factories import LiaisonFactory, MembershipFactory, SchemeFactory

pytestmark = pytest.mark.django_db

ALERTS = "/api/v1/alerts/"
INBOX = "/api/v1/inbox/"


def _alerts(count: int, *, to, start: int = 0) -> list[Alert]:
    """Published Cambridgeshire alerts, each by a different issuer, every other one issued for
    a scheme and updating the one before (joining its incident), each with a reply, and each
    in ``to``'s inbox."""
    made = []
    for n in range(start, start + count):
        scheme = SchemeFactory() if n % 2 else None
        issuer = (
            MembershipFactory(scheme=scheme, role="coordinator").user
            if scheme
            else LiaisonFactory(force="cambridgeshire").user
        )
        alert = Alert.objects.create(
            issuer=issuer,
            force="cambridgeshire",
            scheme=scheme,
            message_type="Update" if made and n % 2 else "Alert",
            references=made[-1] if made and n % 2 else None,
            title=f"Alert {n}",
            body="Watch out.",
            category="bogus_caller",
            severity="Moderate",
            urgency="Expected",
            audience="members",
            status="published",
            published_at=timezone.now(),
            expires_at=timezone.now() + timedelta(days=1),
            **area_fields(lat=52.1985, lon=0.1410, radius_m=500),
        )
        alert.incident_id = alert.references.incident_id if alert.references else alert.pk
        alert.save(update_fields=["incident"])
        Reply.objects.create(alert=alert, author=to, body="Seen.")
        Notice.objects.create(alert=alert, recipient=to, channel="in_app", state="sent")
        notices_supersede(alert=alert)  # as dispatch does
        made.append(alert)
    return made


@pytest.mark.parametrize("who", ["liaison", "coordinator"])
def test_alert_list_queries_stay_constant(
    client_for, request, who, django_assert_max_num_queries
) -> None:
    user = request.getfixturevalue(who)
    client = client_for(user)
    _alerts(3, to=user)
    with django_assert_max_num_queries(5):
        assert client.get(ALERTS).json()["count"] == 3
    _alerts(30, to=user, start=3)
    with django_assert_max_num_queries(5):
        response = client.get(ALERTS, {"page_size": 100})
        assert len(response.json()["results"]) == 33
    first = response.json()["results"][-1]
    assert (first["title"], first["unread_replies"]) == (
        "Alert 0",
        1 if who == "liaison" else None,
    )


def test_inbox_queries_stay_constant(
    client_for, coordinator, django_assert_max_num_queries
) -> None:
    # One card per incident: an alert and the update of it are one.
    client = client_for(coordinator)
    _alerts(3, to=coordinator)
    with django_assert_max_num_queries(4):
        response = client.get(INBOX)
    assert [notice["alert"]["title"] for notice in response.json()["results"]] == [
        "Alert 2",
        "Alert 1",
    ]
    _alerts(30, to=coordinator, start=3)
    with django_assert_max_num_queries(4):
        response = client.get(INBOX, {"page_size": 100})
    results = response.json()["results"]
    # Alerts 3 and 4 start incidents, and so does every other one after them; 1 updates 0.
    assert response.json()["count"] == len(results) == 2 + 16
    assert [notice["alert"]["title"] for notice in results[-3:]] == [
        "Alert 3",
        "Alert 2",
        "Alert 1",
    ]
    assert {(n["unread"], n["alert"]["incident_status"]) for n in results} == {(True, "published")}
    Notice.objects.update(read_at=timezone.now())
    with django_assert_max_num_queries(4):
        assert client.get(INBOX, {"unread": True, "page_size": 100}).json()["count"] == 0


@pytest.mark.parametrize("who", ["liaison", "coordinator"])
def test_thread_queries_stay_constant(
    client_for, request, who, django_assert_max_num_queries
) -> None:
    # An alert and its updates, each in the reader's inbox: as many queries for a long
    # thread as for a short one.
    user = request.getfixturevalue(who)
    client = client_for(user)
    first = _alerts(2, to=user)[0]
    with django_assert_max_num_queries(8):
        assert len(client.get(f"{ALERTS}{first.pk}/thread/").json()["messages"]) == 2
    latest = first
    for n in range(10):
        update = Alert.objects.get(pk=latest.pk)
        update.pk, update.identifier = None, uuid.uuid4()
        update.message_type, update.references, update.title = "Update", latest, f"Update {n}"
        update.incident = first
        update.save()
        Notice.objects.create(alert=update, recipient=user, channel="in_app", state="sent")
        latest = update
    with django_assert_max_num_queries(8):
        thread = client.get(f"{ALERTS}{first.pk}/thread/").json()
    assert [message["title"] for message in thread["messages"][:2]] == ["Update 9", "Update 8"]
    assert len(thread["messages"]) == 12
