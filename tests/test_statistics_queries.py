"""How the speedwatch statistics ask PostgreSQL for their figures: a fixed few queries, planner
settings that last for the statistics' own transaction only, and extended statistics that let
PostgreSQL see how few months and speeds a period's offences fall into."""

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.db.models import Count, Q, QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from schemes.models import Scheme
from tests.speedwatch import logged_session, neighbouring_teams
from watch.models import Offence, Site, uk_month
from watch.selectors import statistics
from watch.selectors.statistics import (
    ANALYTICAL_SETTINGS,
    GroupedOffences,
    _offences_grouped,
    analytical_queries,
)
from watch.services.retention import registrations_purge
from watch.services.sessions import offence_delete, session_discard

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
    # queries: the sessions by month, the offences by month, speed and action, and their
    # repeat vehicles.
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
    """The extended statistics of migrations 0011 and 0014 are on the very expression the
    offences are grouped by: without them PostgreSQL takes every offence for a month of its
    own."""
    for days_ago, speed in ((1, 36), (2, 40), (3, 44), (4, 36), (5, 40), (6, 44)):
        logged_session(
            site, sw_team, days_ago=days_ago, offences=[(f"K{n}X", speed) for n in range(50)]
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE watch_offence")
    months = Offence.objects.annotate(month=uk_month("observed_at"))
    by_month_and_speed = (
        months.values("month", "speed_mph").annotate(offences=Count("*")).order_by()
    )
    sql, params = by_month_and_speed.query.sql_with_params()
    with analytical_queries(), connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    estimated = plan[0]["Plan"]["Plan Rows"]
    # 300 offences in at most two calendar months and at three speeds: at most 6 groups.
    assert estimated <= 12, estimated
    # And that expression is the one the statistics group the offences by.
    sql, params = months.values("month").query.sql_with_params()
    month = sql.split(" AS ")[0].removeprefix("SELECT ") % tuple(f"'{p}'" for p in params)
    with CaptureQueriesContext(connection) as queries:
        client_for(liaison).get("/api/v1/speedwatch/statistics/")
    passes = [q["sql"] for q in queries.captured_queries if "watch_offence" in q["sql"]]
    assert [month in offences_pass for offences_pass in passes].count(True) == 1


def _plan_nodes(plan: dict) -> Iterator[dict]:
    yield plan
    for child in plan.get("Plans", ()):
        yield from _plan_nodes(child)


def _scan(
    cursor: CursorWrapper,
    sql: str,
    params: Sequence[object] = (),
    *,
    index: str,
    table: str = "watch_offence",
) -> dict:
    """How PostgreSQL would read the table for this query through ``index``, if it could not
    read the whole table. On a table as small as a test's, with rows too new to be marked
    visible to all, which index it would pick says nothing (a narrower one costs about the
    same): its other indexes are dropped for the test's transaction, which rolls back."""
    cursor.execute(
        """SELECT indexrelid::regclass::text FROM pg_index
        WHERE indrelid = %s::regclass AND NOT indisprimary AND NOT indisunique
        AND indexrelid::regclass::text <> %s""",
        [table, index],
    )
    for (other,) in cursor.fetchall():
        cursor.execute(f'DROP INDEX "{other}"')
    cursor.execute("SET LOCAL enable_seqscan = off")
    cursor.execute("SET LOCAL enable_bitmapscan = off")
    cursor.execute(f"EXPLAIN (VERBOSE, FORMAT JSON) {sql}", params)
    (scan,) = [
        node
        for node in _plan_nodes(cursor.fetchone()[0][0]["Plan"])
        if node.get("Relation Name") == table
    ]
    return scan


def _read_from_the_index(scan: dict, index: str) -> None:
    """The scan reads the index alone, and the month in UK time from it."""
    assert (scan["Node Type"], scan["Index Name"]) == ("Index Only Scan", index)
    # An expression in brackets in a scan's output is a column of the index, read rather
    # than worked out.
    (month,) = [column for column in scan["Output"] if "date_trunc" in column]
    assert month.startswith("(date_trunc('month'::text, ("), month
    assert "AT TIME ZONE 'Europe/London'::text)))" in month, month


@postgresql_only
def test_the_month_pass_reads_each_offences_uk_month_from_the_index(
    client_for, site, sw_team, liaison
) -> None:
    """The offence_statistics index holds each offence's calendar month in UK time, and the
    month pass groups by it as it reads it from the index, rather than work it out again for
    every offence (a third of the pass)."""
    session = logged_session(site, sw_team, offences=[("AB12CDE", 36), ("KX19LMN", 40)])
    # 00:30 on 1 April in British Summer Time, and 00:30 on 1 March in GMT.
    edges = [datetime(2026, 3, 31, 23, 30, tzinfo=UTC), datetime(2026, 3, 1, 0, 30, tzinfo=UTC)]
    for offence, observed_at in zip(session.offences.order_by("registration"), edges, strict=True):
        Offence.objects.filter(pk=offence.pk).update(observed_at=observed_at)
    with CaptureQueriesContext(connection) as queries:
        client_for(liaison).get("/api/v1/speedwatch/statistics/")
    (month_pass,) = [q["sql"] for q in queries.captured_queries if "speed_mph" in q["sql"]]
    months = Offence.objects.filter(scheme=site.scheme, voided=False, submitted=True)
    stored = (
        months.annotate(month=uk_month("observed_at")).order_by().values_list("speed_mph", "month")
    )
    sql, params = stored.query.sql_with_params()
    with analytical_queries(), connection.cursor() as cursor:
        for query, query_params in ((month_pass, ()), (sql, params)):
            scan = _scan(cursor, query, query_params, index="offence_statistics")
            _read_from_the_index(scan, "offence_statistics")
        # So these are the months the index holds: UK months, not UTC ones.
        cursor.execute(sql, params)
        assert sorted((speed, f"{month:%Y-%m}") for speed, month in cursor) == [
            (36, "2026-04"),
            (40, "2026-03"),
        ]


@postgresql_only
def test_the_session_pass_reads_each_sessions_uk_month_from_the_index(
    client_for, site, sw_team, liaison
) -> None:
    logged_session(site, sw_team, offences=[("AB12CDE", 36)])
    logged_session(site, sw_team, days_ago=2, submit=False)
    with CaptureQueriesContext(connection) as queries:
        body = client_for(liaison).get("/api/v1/speedwatch/statistics/").json()
    assert (body["sessions"], body["volunteer_hours"], body["vehicles"]) == (1, 3.0, 200)
    (session_pass,) = [q["sql"] for q in queries.captured_queries if "started_at" in q["sql"]]
    with analytical_queries(), connection.cursor() as cursor:
        scan = _scan(cursor, session_pass, index="session_statistics", table="watch_session")
    _read_from_the_index(scan, "session_statistics")


@postgresql_only
def test_the_repeat_vehicles_pass_reads_its_index_alone(client_for, site, sw_team, liaison) -> None:
    """The repeat-vehicles pass reads its offences from offence_repeat_vehicles alone, whose
    condition is the statistics' own (submitted, not voided, marked, with a vehicle key), so
    that no offence is read only to be left out."""
    for days_ago in (2, 1):
        logged_session(site, sw_team, days_ago=days_ago, offences=[("AB12CDE", 36)])
    with CaptureQueriesContext(connection) as queries:
        body = client_for(liaison).get("/api/v1/speedwatch/statistics/").json()
    assert body["repeat_vehicles"] == 1
    (repeat_pass,) = [q["sql"] for q in queries.captured_queries if "vehicle_key" in q["sql"]]
    with analytical_queries(), connection.cursor() as cursor:
        scan = _scan(cursor, repeat_pass, index="offence_repeat_vehicles")
    assert (scan["Node Type"], scan["Index Name"]) == (
        "Index Only Scan",
        "offence_repeat_vehicles",
    )
    assert "Filter" not in scan, scan["Filter"]


def _every_offence_grouped(counted: QuerySet[Offence]) -> GroupedOffences:
    """The figures ``_offences_grouped`` gives, counted over every offence rather than over
    the marked ones: what repeat vehicles mean, and how they were counted before offences
    were marked."""
    by_month_speed_and_action = (
        counted.annotate(month=uk_month("observed_at"))
        .values_list("month", "speed_mph", "action")
        .annotate(offences=Count("*"))
        .order_by()
    )
    repeat_vehicles = (
        counted.exclude(vehicle_key="")
        .values("force", "vehicle_key")
        .annotate(times=Count("*"))
        .filter(times__gte=2)
        .count()
    )
    return list(by_month_speed_and_action), repeat_vehicles


@pytest.fixture
def repeats_of_every_kind(site, sw_team, liaison):
    """Offences of vehicles caught again at the same scheme, at another scheme of the force,
    in another force area, once voided, once in an unsubmitted session, once in a draft
    deleted or discarded afterwards, before and after a scheme moved force, and anonymised
    by the retention purge. Returns the schemes."""
    histon_site, bedford_site, teams = neighbouring_teams()
    histon, bedford = histon_site.scheme, bedford_site.scheme
    same_scheme, other_scheme, other_force, voided, draft, purged, moved = REGISTRATIONS
    # Caught twice at one scheme, then twice more across the force (a first, a second letter
    # and a referral), and once in another force area.
    for days_ago in (400, 390):
        logged_session(site, sw_team, days_ago=days_ago, offences=[(purged, 36)])
    logged_session(site, sw_team, days_ago=50, offences=[("DD51SCD", 36)])
    logged_session(site, sw_team, days_ago=45, offences=[("DE51LTD", 36)])
    logged_session(site, sw_team, days_ago=40, offences=[(same_scheme, 36), (voided, 38)])
    logged_session(site, sw_team, days_ago=30, offences=[(same_scheme, 52), (draft, 40)])
    logged_session(histon_site, teams[histon.pk], days_ago=20, offences=[(other_scheme, 41)])
    logged_session(site, sw_team, days_ago=10, offences=[(other_scheme, 45), (voided, 39)])
    logged_session(site, sw_team, days_ago=9, offences=[(draft, 40)], submit=False)
    logged_session(bedford_site, teams[bedford.pk], days_ago=8, offences=[(other_force, 40)])
    logged_session(site, sw_team, days_ago=7, offences=[(other_force, 44)])
    logged_session(histon_site, teams[histon.pk], days_ago=6, offences=[(moved, 40)])
    Offence.objects.filter(
        registration=voided, observed_at__gte=timezone.now() - timedelta(days=11)
    ).update(voided=True)
    # Caught again in drafts that are thrown away: each vehicle is left with one offence.
    deleted = logged_session(site, sw_team, days_ago=3, offences=[("DE51LTD", 40)], submit=False)
    offence_delete(offence=deleted.offences.get())
    session_discard(
        session=logged_session(site, sw_team, days_ago=2, offences=[("DD51SCD", 40)], submit=False)
    )
    # Histon moves to Bedfordshire: its offences from now on are Bedfordshire's.
    Scheme.objects.filter(pk=histon.pk).update(force="bedfordshire")
    histon_site = Site.objects.get(pk=histon_site.pk)
    logged_session(histon_site, teams[histon.pk], days_ago=5, offences=[(moved, 40)])
    # The offences older than a year lose their registrations but keep their vehicle keys.
    assert registrations_purge(now=timezone.now() - timedelta(days=380 - 365)) == 2
    return Scheme.objects.filter(pk__in=[site.scheme_id, histon.pk, bedford.pk])


# Caught at the same scheme, at another scheme, in another force area, once voided, once in
# a draft, before the purge, and at a scheme that moved force.
REGISTRATIONS = ("AB12CDE", "KX19LMN", "BD20FRC", "VO21DED", "DR22AFT", "Y123ABC", "MO23VED")


def _grouped(figures: GroupedOffences) -> tuple[list, int]:
    rows, repeat_vehicles = figures
    return sorted((month.strftime("%Y-%m"), *rest) for month, *rest in rows), repeat_vehicles


def test_the_marked_offences_give_the_repeat_vehicles_of_every_offence(
    repeats_of_every_kind, site
) -> None:
    schemes = repeats_of_every_kind
    (cambridgeshire,) = [s for s in schemes if s.pk == site.scheme_id]
    (histon,) = [s for s in schemes if s.name.startswith("Histon")]
    now = timezone.now()
    scopes = {
        "every scheme": Q(scheme__in=schemes),
        "one scheme": Q(scheme=cambridgeshire),
        "the moved scheme": Q(scheme=histon),
        "one site": Q(site=site),
        "a period": Q(
            scheme__in=schemes,
            observed_at__gte=now - timedelta(days=35),
            observed_at__lt=now - timedelta(days=8),
        ),
        "the purged year": Q(scheme__in=schemes, observed_at__lt=now - timedelta(days=365)),
        "nothing": Q(scheme__in=schemes, observed_at__gte=now),
    }
    repeats = {}
    for scope, condition in scopes.items():
        counted = Offence.objects.filter(condition, submitted=True, voided=False)
        marked = _grouped(_offences_grouped(counted))
        assert marked == _grouped(_every_offence_grouped(counted)), scope
        repeats[scope] = marked[1]
    # The vehicle caught twice at one scheme, the purged one, and over the schemes the one
    # caught at two schemes of the force; never the one voided, the draft, the ones caught
    # again in drafts thrown away, the one caught in two force areas, nor the one caught at
    # Histon before and after it moved.
    assert repeats == {
        "every scheme": 3,
        "one scheme": 2,
        "the moved scheme": 0,
        "one site": 2,
        "a period": 1,
        "the purged year": 1,
        "nothing": 0,
    }
    # Every vehicle caught more than once in a force area is marked, also when the other
    # offences were voided, are drafts, or were thrown away since: a mark is never taken back.
    unmarked = Offence.objects.filter(repeat_vehicle=False)
    assert sorted(unmarked.values_list("registration", "force")) == [
        ("BD20FRC", "bedfordshire"),
        ("BD20FRC", "cambridgeshire"),
        ("MO23VED", "bedfordshire"),
        ("MO23VED", "cambridgeshire"),
    ]


def test_the_statistics_are_the_same_counted_over_every_offence(
    repeats_of_every_kind, client_for, liaison, monkeypatch
) -> None:
    client = client_for(liaison)
    body = client.get("/api/v1/speedwatch/statistics/").json()
    monkeypatch.setattr(statistics, "_offences_grouped", _every_offence_grouped)
    assert client.get("/api/v1/speedwatch/statistics/").json() == body
    # Histon has moved to Bedfordshire: the Cambridgeshire scheme's 10 counted offences (the
    # purged vehicle's 2, the one caught twice there, one of the voided vehicle's, the draft
    # vehicle's submitted one, one each of the vehicles caught elsewhere too, and one each
    # of the vehicles caught again in drafts thrown away), with 2 repeat vehicles and one
    # referral (52 mph).
    assert (body["offences"], body["repeat_vehicles"]) == (10, 2)
    assert (body["letters"], body["referrals"]) == (9, 1)
