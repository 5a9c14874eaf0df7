"""The alerts list and the notices inbox keep a constant number of queries as they grow."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import Alert, Notice, Reply
from schemes.services import area_fields
from tests.factories import LiaisonFactory, MembershipFactory, SchemeFactory

pytestmark = pytest.mark.django_db

ALERTS = "/api/v1/alerts/"
INBOX = "/api/v1/inbox/"


def _alerts(count: int, *, to, start: int = 0) -> list[Alert]:
    """Published Cambridgeshire alerts, each by a different issuer, every other one issued for
    a scheme and updating the one before, each with a reply, and each in ``to``'s inbox."""
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
        Reply.objects.create(alert=alert, author=to, body="Seen.")
        Notice.objects.create(alert=alert, recipient=to, channel="in_app", state="sent")
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
    client = client_for(coordinator)
    _alerts(3, to=coordinator)
    with django_assert_max_num_queries(4):
        assert client.get(INBOX).json()["count"] == 3
    _alerts(30, to=coordinator, start=3)
    with django_assert_max_num_queries(4):
        response = client.get(INBOX, {"page_size": 100})
        assert len(response.json()["results"]) == 33
    assert [notice["alert"]["title"] for notice in response.json()["results"][-2:]] == [
        "Alert 1",
        "Alert 0",
    ]
