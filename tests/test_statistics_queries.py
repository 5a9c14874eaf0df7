"""How the speedwatch statistics ask PostgreSQL for their figures: a fixed few queries, planner
settings that last for the statistics' own transaction only, and extended statistics that let
PostgreSQL see how few months and speeds a period's offences fall into."""

from datetime import UTC, timedelta

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from schemes.models import Scheme
from tests.factories import MembershipFactory, SchemeFactory, SiteFactory
from tests.speedwatch import logged_session
from watch.models import Offence, Site
from watch.registrations import vehicle_key
from watch.selectors import statistics
from watch.selectors.statistics import (
    ANALYTICAL_SETTINGS,
    VEHICLE_KEY_SPLIT,
    _offences_grouped,
    _offences_grouped_in_one_pass,
    analytical_queries,
)
from watch.services.retention import registrations_purge

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
    # the transaction (begun and ended) with its planner settings, and the two statistics
    # queries: the sessions by month, and the offences by month, speed and action together
    # with their repeat vehicles.
    with django_assert_num_queries(10):
        assert client.get("/api/v1/speedwatch/statistics/").json()["offences"] == 1
    for days_ago in (70, 2, 1):
        logged_session(
            site, sw_team, days_ago=days_ago, offences=[(f"K{n}X", 40) for n in range(20)]
        )
    with django_assert_num_queries(10):
        body = client.get("/api/v1/speedwatch/statistics/").json()
    assert (body["offences"], body["sessions"], len(body["monthly"])) == (61, 4, 3)


@postgresql_only
def test_postgresql_knows_how_few_months_and_speeds_there_are(
    client_for, site, sw_team, liaison
) -> None:
    """The extended statistics of migration 0011 are on the very expression the offences are
    grouped by: without them PostgreSQL takes every offence for a month of its own."""
    for days_ago, speed in ((1, 36), (2, 40), (3, 44), (4, 36), (5, 40), (6, 44)):
        logged_session(
            site, sw_team, days_ago=days_ago, offences=[(f"K{n}X", speed) for n in range(50)]
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE watch_offence")
    months = Offence.objects.annotate(month=TruncMonth("observed_at", tzinfo=UTC))
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
    (offences_pass,) = [q["sql"] for q in queries.captured_queries if "watch_offence" in q["sql"]]
    assert month in offences_pass


def _registrations_either_side_of_the_split(count: int) -> tuple[list[str], list[str]]:
    """Registrations whose vehicle keys fall below the one-pass query's split and at or above
    it, ``count`` of each (the keys depend on SECRET_KEY, so they are picked here)."""
    below: list[str] = []
    above: list[str] = []
    for n in range(100, 1000):
        registration = f"AB{n % 100:02d}{chr(65 + n // 100)}XY"
        side = below if vehicle_key(registration) < VEHICLE_KEY_SPLIT else above
        if len(side) < count:
            side.append(registration)
        if len(below) == len(above) == count:
            return below, above
    raise AssertionError("no registrations on both sides of the split")


@pytest.fixture
def repeats_of_every_kind(site, sw_team, liaison):
    """Offences of vehicles caught again at the same scheme, at another scheme of the force,
    in another force area, once voided, once in an unsubmitted session, before and after a
    scheme moved force, and anonymised by the retention purge, with vehicles on both sides
    of the one-pass query's split. Returns the schemes."""
    histon = SchemeFactory(name="Histon & Impington Speedwatch", kind="speedwatch")
    histon_site = SiteFactory(scheme=histon, name="Station Road", lat=52.2519, lon=0.106)
    bedford = SchemeFactory(name="Biggleswade Speedwatch", kind="speedwatch", force="bedfordshire")
    bedford_site = SiteFactory(scheme=bedford, name="London Road", lat=52.086, lon=-0.264)
    teams = {
        scheme.pk: [
            MembershipFactory(scheme=scheme, role=role).user
            for role in ("coordinator", "volunteer", "volunteer")
        ]
        for scheme in (histon, bedford)
    }
    below, above = _registrations_either_side_of_the_split(7)
    for same_scheme, other_scheme, other_force, voided, draft, purged, moved in (below, above):
        # Caught twice at one scheme, then twice more across the force (a first, a second
        # letter and a referral), and once in another force area.
        for days_ago in (400, 390):
            logged_session(site, sw_team, days_ago=days_ago, offences=[(purged, 36)])
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
    # Histon moves to Bedfordshire: its offences from now on are Bedfordshire's.
    Scheme.objects.filter(pk=histon.pk).update(force="bedfordshire")
    histon_site = Site.objects.get(pk=histon_site.pk)
    for moved in (below[6], above[6]):
        logged_session(histon_site, teams[histon.pk], days_ago=5, offences=[(moved, 40)])
    # The offences older than a year lose their registrations but keep their vehicle keys.
    assert registrations_purge(now=timezone.now() - timedelta(days=380 - 365)) == 4
    return Scheme.objects.filter(pk__in=[site.scheme_id, histon.pk, bedford.pk])


def _grouped(figures: tuple[list, int]) -> tuple[list, int]:
    rows, repeat_vehicles = figures
    return sorted((month.strftime("%Y-%m"), *rest) for month, *rest in rows), repeat_vehicles


@postgresql_only
def test_the_one_pass_gives_the_figures_of_the_plain_queries(repeats_of_every_kind, site) -> None:
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
        one_pass = _grouped(_offences_grouped_in_one_pass(counted))
        assert one_pass == _grouped(_offences_grouped(counted)), scope
        repeats[scope] = one_pass[1]
    # On each side of the split: the vehicle caught twice at one scheme, the purged one,
    # and over the schemes the one caught at two schemes of the force; never the one voided,
    # the draft, the one caught in two force areas, nor the one caught at Histon before and
    # after it moved.
    assert repeats == {
        "every scheme": 2 * 3,
        "one scheme": 2 * 2,
        "the moved scheme": 0,
        "one site": 2 * 2,
        "a period": 2 * 1,
        "the purged year": 2 * 1,
        "nothing": 0,
    }


@postgresql_only
def test_the_statistics_are_the_same_through_the_one_pass(
    repeats_of_every_kind, client_for, liaison, monkeypatch
) -> None:
    client = client_for(liaison)
    body = client.get("/api/v1/speedwatch/statistics/").json()
    monkeypatch.setattr(statistics, "_offences_grouped_in_one_pass", statistics._offences_grouped)
    assert client.get("/api/v1/speedwatch/statistics/").json() == body
    # Histon has moved to Bedfordshire: on each side of the split, the Cambridgeshire
    # scheme's 8 counted offences (the purged vehicle's 2, the one caught twice there, one
    # of the voided vehicle's, the draft vehicle's submitted one, and one each of the
    # vehicles caught elsewhere too), with 2 repeat vehicles and one referral (52 mph).
    assert (body["offences"], body["repeat_vehicles"]) == (2 * 8, 2 * 2)
    assert (body["letters"], body["referrals"]) == (2 * 7, 2 * 1)
