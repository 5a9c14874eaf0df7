"""A list's ``count`` is read from its rows when the page is short (it is the last page), and
asked of the database only when the page is full; either way it is the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications.models import Notice
from notifications.selectors import inbox_of
from schemes.models import Scheme
from tests.factories import SchemeFactory
from tests.test_list_page_queries import _alerts, token_client

pytestmark = pytest.mark.django_db

SCHEMES = "/api/v1/schemes/"


def _page(client, **query) -> tuple[int, dict]:
    """The response body of the directory page, and whether a COUNT was asked."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(SCHEMES, query)
    counted = sum("COUNT(*)" in q["sql"] for q in queries.captured_queries)
    return counted, response


@pytest.fixture
def seven_schemes(db) -> None:
    for n in range(7):
        SchemeFactory(name=f"Scheme {n}")


def test_page_count_of_a_short_first_page_is_its_rows(anon, seven_schemes) -> None:
    counted, response = _page(anon, page_size=10)
    body = response.json()
    assert response.status_code == 200
    assert counted == 0
    assert body["count"] == Scheme.objects.filter(status="active").count() == 7
    assert len(body["results"]) == 7
    assert (body["next"], body["previous"]) == (None, None)


def test_page_count_of_a_short_last_page_adds_the_pages_before(anon, seven_schemes) -> None:
    counted, response = _page(anon, page_size=3, page=3)
    body = response.json()
    assert counted == 0
    assert body["count"] == 7
    assert [row["name"] for row in body["results"]] == ["Scheme 6"]
    assert body["next"] is None
    assert body["previous"].endswith("page=2&page_size=3")


def test_page_count_of_a_full_page_is_asked_of_the_database(anon, seven_schemes) -> None:
    counted, response = _page(anon, page_size=3, page=2)
    body = response.json()
    assert counted == 1
    assert body["count"] == 7
    assert [row["name"] for row in body["results"]] == ["Scheme 3", "Scheme 4", "Scheme 5"]
    assert body["next"].endswith("page=3&page_size=3")


def test_page_count_of_a_full_last_page_has_no_next(anon, seven_schemes) -> None:
    counted, response = _page(anon, page_size=7)
    body = response.json()
    assert counted == 1
    assert (body["count"], len(body["results"]), body["next"]) == (7, 7, None)


def test_page_count_of_an_empty_list_is_zero(anon) -> None:
    counted, response = _page(anon, page_size=5)
    assert counted == 0
    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_page_past_the_last_is_still_a_404(anon, seven_schemes) -> None:
    response = anon.get(SCHEMES, {"page_size": 5, "page": 3})
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid page."}
    assert anon.get(SCHEMES, {"page_size": 5, "page": 2}).json()["count"] == 7


INBOX = "/api/v1/inbox/"


def test_page_count_of_the_unread_badge_counts_unread_incidents(volunteer, liaison) -> None:
    _alerts(12, issuer=liaison, recipient=volunteer)
    client = token_client(volunteer)
    unread = inbox_of(user=volunteer).filter(incident_unread=True)
    with CaptureQueriesContext(connection) as queries:
        body = client.get(INBOX, {"unread": "true", "page_size": 1}).json()
    assert body["count"] == unread.count() == 5
    assert [card["id"] for card in body["results"]] == [unread.first().pk]
    assert body["results"][0]["unread"] is True
    # Token and user with the liaison profile, the card and the count.
    assert len(queries) == 3
    Notice.objects.filter(recipient=volunteer).update(read_at=timezone.now())
    assert client.get(INBOX, {"unread": "true", "page_size": 1}).json()["count"] == 0


def test_page_count_of_the_inbox_refuses_a_bad_filter(volunteer) -> None:
    response = token_client(volunteer).get(INBOX, {"unread": "maybe", "page_size": 1})
    assert response.status_code == 400
    assert response.json() == {"unread": ["Enter true or false."]}
