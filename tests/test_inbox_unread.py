"""``GET inbox/unread/``: the menu's badge, how many cards of one's own inbox have something
unread, the same number as the count of ``inbox/?unread=true`` in fewer queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from notifications.models import Notice, Reply
from tests.test_list_page_queries import _alerts, token_client

pytestmark = pytest.mark.django_db

UNREAD = "/api/v1/inbox/unread/"
INBOX = "/api/v1/inbox/"


def _unread_cards(client: APIClient) -> int:
    return client.get(INBOX, {"unread": "true", "page_size": 1}).json()["count"]


def test_inbox_unread_counts_what_the_unread_inbox_counts(volunteer, liaison) -> None:
    _alerts(12, issuer=liaison, recipient=volunteer)
    client = token_client(volunteer)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(UNREAD)
    assert (response.status_code, response.json()) == (200, {"unread": 5})
    # Token and user with the liaison profile, and the count.
    assert len(queries) == 2
    assert _unread_cards(client) == 5


def test_inbox_unread_falls_when_notices_are_read(volunteer, liaison) -> None:
    _alerts(12, issuer=liaison, recipient=volunteer)
    client = token_client(volunteer)
    first = Notice.objects.filter(recipient=volunteer, read_at=None).order_by("id").first()
    assert client.post(f"{INBOX}read/", {"ids": [first.pk]}, format="json").status_code == 200
    assert client.get(UNREAD).json() == {"unread": 4} == {"unread": _unread_cards(client)}
    Notice.objects.filter(recipient=volunteer).update(read_at=timezone.now())
    assert client.get(UNREAD).json() == {"unread": 0} == {"unread": _unread_cards(client)}


def test_inbox_unread_counts_an_unread_answer_to_ones_reply(volunteer, liaison) -> None:
    alerts = _alerts(3, issuer=liaison, recipient=volunteer)
    Notice.objects.filter(recipient=volunteer).update(read_at=timezone.now())
    Reply.objects.create(
        alert=alerts[1],
        author=volunteer,
        body="Seen it.",
        answered_by=liaison,
        answer="Thank you.",
        answered_at=timezone.now(),
    )
    client = token_client(volunteer)
    assert client.get(UNREAD).json() == {"unread": 1} == {"unread": _unread_cards(client)}


def test_inbox_unread_counts_only_ones_own_notices(volunteer, coordinator, liaison) -> None:
    _alerts(12, issuer=liaison, recipient=volunteer)
    assert token_client(coordinator).get(UNREAD).json() == {"unread": 0}
    assert token_client(volunteer).get(UNREAD).json() == {"unread": 5}


def test_inbox_unread_is_refused_to_anonymous_clients(volunteer, liaison) -> None:
    _alerts(3, issuer=liaison, recipient=volunteer)
    response = APIClient().get(UNREAD)
    assert response.status_code == 401
    assert "unread" not in response.json()
