"""How the speedwatch statistics ask PostgreSQL for their figures: a fixed few queries, planner
settings that last for the statistics' own transaction only, and extended statistics that let
PostgreSQL see how few months and speeds a period's offences fall into."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.speedwatch import logged_session
from watch.selectors.statistics import ANALYTICAL_SETTINGS, analytical_queries

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's planner"
)


def _settings() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join("current_setting(%s)" for _ in ANALYTICAL_SETTINGS),
            list(ANALYTICAL_SETTINGS),
        )
        return dict(zip(ANALYTICAL_SETTINGS, cursor.fetchone(), strict=True))


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_planner_settings_last_for_the_statistics_transaction_only() -> None:
    before = _settings()
    assert before["work_mem"] != "64MB"  # the server's own, or the test would prove nothing
    with analytical_queries():
        assert _settings() == {"work_mem": "64MB", "jit": "off"}
    assert _settings() == before


def test_the_statistics_take_the_same_queries_whatever_the_data(
    client_for, site, sw_team, liaison, django_assert_num_queries
) -> None:
    client = client_for(liaison)
    logged_session(site, sw_team, days_ago=40, offences=[("AB12CDE", 36)])
    # Session and user, liaison profile, whether any scheme is in scope, the schemes' ids,
    # the transaction (begun and ended) with its planner settings, and the three statistics
    # queries: the repeat vehicles, the sessions by month, the offences by month and speed.
    with django_assert_num_queries(11):
        assert client.get("/api/v1/speedwatch/statistics/").json()["offences"] == 1
    for days_ago in (70, 2, 1):
        logged_session(
            site, sw_team, days_ago=days_ago, offences=[(f"K{n}X", 40) for n in range(20)]
        )
    with django_assert_num_queries(11):
        body = client.get("/api/v1/speedwatch/statistics/").json()
    assert (body["offences"], body["sessions"], len(body["monthly"])) == (61, 4, 3)


@postgresql_only
def test_postgresql_knows_how_few_months_and_speeds_there_are(
    client_for, site, sw_team, liaison
) -> None:
    """The extended statistics of migration 0011 are on the very expression the month pass
    groups by: without them PostgreSQL takes every offence for a group of its own."""
    for days_ago, speed in ((1, 36), (2, 40), (3, 44), (4, 36), (5, 40), (6, 44)):
        logged_session(
            site, sw_team, days_ago=days_ago, offences=[(f"K{n}X", speed) for n in range(50)]
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE watch_offence")
    with CaptureQueriesContext(connection) as queries:
        client_for(liaison).get("/api/v1/speedwatch/statistics/")
    (month_pass,) = [
        query["sql"]
        for query in queries.captured_queries
        if "watch_offence" in query["sql"] and "DATE_TRUNC" in query["sql"]
    ]
    with analytical_queries(), connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {month_pass}")
        plan = cursor.fetchone()[0]
    estimated = plan[0]["Plan"]["Plan Rows"]
    # 300 offences in at most two calendar months and at three speeds: at most 6 groups.
    assert estimated <= 12, estimated
