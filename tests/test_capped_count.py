"""The offences and letters lists, which run to a force area's hundreds of thousands of rows,
count them only up to ``LIST_COUNT_CAP``: past it they say ``count_capped`` and give the cap;
their pages still run to the end of the list, each knowing from its own rows whether another
follows; and a page that ends the list gives the exact count with no ``COUNT`` at all."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.speedwatch import logged_session

pytestmark = pytest.mark.django_db

OFFENCES = "/api/v1/speedwatch/offences/"
LETTERS = "/api/v1/speedwatch/letters/"


@pytest.fixture
def twelve_offences(site, sw_team) -> None:
    """Twelve offences by twelve vehicles at one session, a minute apart."""
    logged_session(site, sw_team, offences=[(f"AB{10 + n}CDE", 60) for n in range(12)])


def _page(client, path: str, **query) -> tuple[dict, list[str]]:
    """The response body, and the SQL of each COUNT asked for it."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, query)
    assert response.status_code == 200, response.content
    return response.json(), [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]


def _registrations(body: dict) -> list[str]:
    return [row["registration"] for row in body["results"]]


@pytest.mark.parametrize("who", ["sw_coordinator", "liaison"])
def test_a_list_longer_than_the_cap_says_so_and_counts_no_further(
    settings, client_for, request, twelve_offences, who
) -> None:
    settings.LIST_COUNT_CAP = 5
    client = client_for(request.getfixturevalue(who))
    body, counts = _page(client, OFFENCES, page_size=2)
    assert (body["count"], body["count_capped"]) == (5, True)
    assert _registrations(body) == ["AB21CDE", "AB20CDE"]  # newest first
    assert body["next"].endswith("page=2&page_size=2")
    assert body["previous"] is None
    # The count reads at most one row past the cap, not the whole list.
    [count] = counts
    assert "LIMIT 6" in count


def test_pages_past_the_cap_run_to_the_end_of_the_list(
    settings, client_for, liaison, twelve_offences
) -> None:
    settings.LIST_COUNT_CAP = 5
    client = client_for(liaison)
    seen: list[str] = []
    bodies = []
    for page in range(1, 7):
        body, counts = _page(client, OFFENCES, page_size=2, page=page)
        bodies.append((body["count"], body["count_capped"], body["next"] is not None, counts))
        seen += _registrations(body)
    assert seen == [f"AB{n}CDE" for n in range(21, 9, -1)]
    assert bodies == [
        (5, True, True, bodies[0][3]),
        (5, True, True, bodies[1][3]),
        # Past the cap on its own rows: known to be more than it without a count.
        (5, True, True, []),
        (5, True, True, []),
        (5, True, True, []),
        # The last page ends the list: the exact count, from its rows.
        (12, False, False, []),
    ]
    assert all(len(counts) == 1 for *_, counts in bodies[:2])
    response = client.get(OFFENCES, {"page_size": 2, "page": 7})
    assert response.status_code == 404
    # Back a page from past the cap, and from the second page to the first.
    body, _ = _page(client, OFFENCES, page_size=2, page=5)
    assert body["previous"].endswith("page=4&page_size=2")
    body, _ = _page(client, OFFENCES, page_size=2, page=2)
    assert body["previous"].endswith("?page_size=2")


def test_a_list_within_the_cap_has_its_exact_count(client_for, liaison, twelve_offences) -> None:
    client = client_for(liaison)
    body, counts = _page(client, OFFENCES, page_size=5)
    assert (body["count"], body["count_capped"]) == (12, False)
    assert len(counts) == 1
    body, counts = _page(client, OFFENCES, page_size=5, page=3)
    assert (body["count"], body["count_capped"], body["next"]) == (12, False, None)
    assert _registrations(body) == ["AB11CDE", "AB10CDE"]
    assert counts == []


def test_a_full_page_that_ends_the_list_is_not_counted(
    client_for, liaison, twelve_offences
) -> None:
    body, counts = _page(client_for(liaison), OFFENCES, page_size=12)
    assert (body["count"], body["count_capped"], body["next"]) == (12, False, None)
    assert len(body["results"]) == 12
    assert counts == []


def test_a_filtered_list_is_counted_to_the_cap_too(
    settings, client_for, liaison, twelve_offences
) -> None:
    settings.LIST_COUNT_CAP = 3
    body, counts = _page(client_for(liaison), OFFENCES, page_size=2, action_status="pending")
    assert (body["count"], body["count_capped"]) == (3, True)
    assert "LIMIT 4" in counts[0]
    body, _ = _page(client_for(liaison), OFFENCES, page_size=2, registration="ab15 cde")
    assert (body["count"], body["count_capped"], _registrations(body)) == (1, False, ["AB15CDE"])


def test_the_letters_queue_is_counted_to_the_cap(
    settings, client_for, liaison, twelve_offences
) -> None:
    settings.LIST_COUNT_CAP = 4
    body, _ = _page(client_for(liaison), LETTERS, page_size=3)
    assert (body["count"], body["count_capped"]) == (4, True)
    # Oldest first: the queue is worked in the order the offences happened.
    assert _registrations(body) == ["AB10CDE", "AB11CDE", "AB12CDE"]
    settings.LIST_COUNT_CAP = 1000
    body, _ = _page(client_for(liaison), LETTERS, page_size=3)
    assert (body["count"], body["count_capped"]) == (12, False)


def test_the_schema_states_the_capped_count(client_for, liaison) -> None:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    offences = schema["components"]["schemas"]["PaginatedQueueOffenceList"]
    assert "count_capped" in offences["required"]
    assert offences["properties"]["count_capped"]["type"] == "boolean"
    # The other lists count every row, and say nothing of a cap.
    assert "count_capped" not in schema["components"]["schemas"]["PaginatedForceList"]["properties"]
