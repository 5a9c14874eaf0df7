"""Benchmark: Community Speedwatch's hot paths on PostgreSQL.

Fills a separate database with two force areas of speedwatch (Cambridgeshire: 30 schemes and
150 sites; Bedfordshire: 10 schemes and 50 sites), about 40,000 submitted sessions over two
years and 1,000,000 offences logged in them, then times:

- the whole ``GET /api/v1/speedwatch/statistics/`` endpoint, in-process, for a liaison of
  Cambridgeshire over the 12 months up to the latest offence, for the force area and for one
  scheme, against the 300 ms target (issue 14's P4);
- the escalation lookup for random registrations in the force area: what storing an offence
  runs to decide its action and its vehicle's other actions (``escalation_recompute`` from
  the new offence's time, reading one window of the vehicle's history), inside a
  transaction that is rolled back, against the 5 ms target; and, for comparison, the same
  over the vehicle's whole history (as the maintenance path without ``since`` does);
- what storing an offence also runs to mark repeat vehicles (``repeat_vehicles_mark``: the
  vehicle's lock and the count of its offences in the force area), for the same vehicles;
- the query plans (``EXPLAIN (ANALYZE, BUFFERS)``, with the statistics' own planner
  settings) of each of the statistics' passes over the offences and of the escalation lookup;
- a last PASS or FAIL line for each target.

The rows are generated in SQL (``INSERT ... SELECT`` over ``generate_series``) so a million
offences load in about a minute. A fifth of the offences are by 20,000 local drivers,
a few of them caught dozens of times; the rest are by passing traffic from a pool of two
million vehicles, mostly caught once. About 750,000 vehicles end up with an offence in a force
area, 120,000 of them with more than one, so about three offences in four earn a first
letter. Each offence's action is what escalation would give it (a 365-day window) and its
repeat-vehicle mark what storing it would give it; letters older than three weeks are sent,
and a few offences are disputed or voided. Nothing is anonymised: the retention purge is
assumed not to have run, the worst case for escalation. Vehicle keys are the app's (an HMAC
of the registration keyed from SECRET_KEY), computed in SQL with pgcrypto.

Usage:  .venv/bin/python bench/speedwatch.py [--offences 1000000] [--runs 30] [--lookups 500]
Needs PostgreSQL (DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/patchwatch_bench_speedwatch); the database is created if
missing and reused when it already holds the requested data.
"""

import argparse
import hashlib
import itertools
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.measure import ensure_database, report, timed  # noqa: E402

os.environ.setdefault(
    "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/patchwatch_bench_speedwatch"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
os.environ["API_THROTTLE_USER"] = "100000000/hour"
os.environ.setdefault("LOG_LEVEL", "WARNING")

# Force area, schemes, sites per scheme, centre (lat, lon) of the area.
FORCES = [
    ("cambridgeshire", 30, 5, (52.25, 0.05)),
    ("bedfordshire", 10, 5, (52.05, -0.45)),
]
SESSIONS_PER_SITE = 200  # on average, over two years: about two a week
BENCH_EMAIL = "@bench.invalid"
STATISTICS_TARGET_MS = 300
ESCALATION_TARGET_MS = 5

# Sites get their share of sessions, each session 100-400 vehicles, daytime and about an hour
# long, with 3-6 volunteers; a session's share of the offences follows its traffic and how many
# drivers speed at its site (4% to 20%), and the shares add up to exactly the number asked for.
SESSIONS_SQL = """
CREATE TEMP TABLE bench_session ON COMMIT DROP AS
SELECT id, scheme_id, site_id, started_at, ended_at, vehicles_counted,
       floor(%(offences)s * cumulative / total)
       - floor(%(offences)s * (cumulative - weight) / total) AS offences
FROM (
    SELECT *, sum(weight) OVER (ORDER BY id) AS cumulative, sum(weight) OVER () AS total
    FROM (
        SELECT *, started_at + length AS ended_at,
               round((vehicles_counted * rate)::numeric, 3) AS weight
        FROM (
            SELECT gen_random_uuid() AS id, s.scheme_id, s.id AS site_id, s.rate,
                   date_trunc('day', %(now)s - interval '1 day' - random() * interval '729 days')
                   + interval '9 hours' + random() * interval '5 hours' AS started_at,
                   interval '45 minutes' + random() * interval '45 minutes' AS length,
                   100 + floor(random() * 301)::int AS vehicles_counted
            FROM (
                SELECT id, scheme_id, 0.04 + random() * 0.16 AS rate,
                       round(%(per_site)s * (0.5 + random()))::int AS sessions
                FROM watch_site
            ) s
            CROSS JOIN LATERAL generate_series(1, s.sessions) n
        ) drawn
    ) weighted
) shares;

INSERT INTO watch_session (
    id, scheme_id, site_id, started_at, ended_at, vehicles_counted, device_name,
    device_serial, device_checked_on, notes, volunteer_minutes, status, created_by_id,
    created_at, submitted_at, submitted_by_id
)
SELECT id, scheme_id, site_id, started_at, ended_at, vehicles_counted, 'Speedwatch radar gun',
       'SW-' || (1000 + scheme_id), (started_at - interval '60 days')::date, '',
       round(extract(epoch FROM ended_at - started_at) / 60)::int * (3 + floor(random() * 4)::int),
       'submitted', %(coordinator)s, ended_at, ended_at + interval '2 hours', %(coordinator)s
FROM bench_session
ORDER BY started_at;
"""

# Vehicles: number v < 20,000 is a local driver (skewed: low numbers are caught often),
# v >= 20,000 passing traffic. Each number maps to one registration, make, model and colour.
OFFENCES_SQL = """
CREATE TEMP TABLE bench_offence ON COMMIT DROP AS
SELECT o.*,
       -- The threshold (35 in a 30) plus a few mph, rarely many more: a mean of 4 over it.
       speed_limit_mph + ceil(speed_limit_mph / 10.0)::int + 2
       + least(floor(-4 * ln(1 - random())), speed_limit_mph)::int AS speed_mph,
       ceil(speed_limit_mph * 50 / 30.0)::int AS excessive_mph,
       random() AS dispute,
       CASE WHEN mod(vehicle, 20) = 0
            -- Prefix format (A123 BCD): the older cars.
            THEN chr(65 + vehicle / 20 / 17576) || (1 + mod(vehicle * 7, 999))::text
                 || chr(65 + mod(vehicle / 20 / 676, 26)) || chr(65 + mod(vehicle / 20 / 26, 26))
                 || chr(65 + mod(vehicle / 20, 26))
            -- Current format (AB12 CDE), registered 2019 to 2023.
            ELSE chr(65 + mod(vehicle / 17576, 26)) || chr(65 + mod(vehicle * 7, 23))
                 || (19 + vehicle / 17576 / 26)::text
                 || chr(65 + mod(vehicle / 676, 26)) || chr(65 + mod(vehicle / 26, 26))
                 || chr(65 + mod(vehicle, 26))
       END AS registration
FROM (
    SELECT s.id AS session_id, s.scheme_id, s.site_id, scheme.force, site.speed_limit_mph,
           site.direction, s.ended_at,
           s.started_at + random() * (s.ended_at - s.started_at) AS observed_at,
           CASE WHEN random() < 0.2 THEN floor(20000 * random() ^ 1.3)
                ELSE 20000 + floor(2000000 * random()) END::int AS vehicle
    FROM bench_session s
    JOIN watch_site site ON site.id = s.site_id
    JOIN schemes_scheme scheme ON scheme.id = s.scheme_id
    CROSS JOIN LATERAL generate_series(1, s.offences::int) n
) o;

INSERT INTO watch_offence (
    id, session_id, scheme_id, site_id, force, speed_limit_mph, registration, vehicle_key,
    registration_format, make, model, colour, vehicle_type, speed_mph, observed_at, direction,
    action, action_status, action_updated_at, action_updated_by_id, voided, dispute_outcome,
    dispute_note, anonymised_at, created_at, submitted, repeat_vehicle
)
SELECT gen_random_uuid(), session_id, scheme_id, site_id, force, speed_limit_mph, registration,
       -- watch.registrations.vehicle_key: "~" and 15 hex digits of an HMAC-SHA256.
       '~' || left(encode(
           hmac(convert_to(registration, 'UTF8'), %(vehicle_key_secret)s, 'sha256'), 'hex'
       ), 15),
       CASE WHEN mod(vehicle, 20) = 0 THEN 'prefix' ELSE 'current' END,
       (ARRAY['Ford', 'Vauxhall', 'Volkswagen', 'BMW', 'Toyota', 'Audi', 'Nissan', 'Ford',
              'Mercedes-Benz', 'Kia', 'Honda', 'Tesla'])[1 + mod(vehicle * 31, 12)],
       (ARRAY['Focus', 'Corsa', 'Golf', '3 Series', 'Yaris', 'A3', 'Qashqai', 'Transit',
              'Sprinter', 'Sportage', 'CB500', 'Model 3'])[1 + mod(vehicle * 31, 12)],
       (ARRAY['Black', 'White', 'Silver', 'Grey', 'Blue', 'Red', 'Green', 'Orange'])
           [1 + mod(vehicle * 17, 8)],
       (ARRAY['car', 'car', 'car', 'car', 'car', 'car', 'car', 'van', 'van', 'car',
              'motorcycle', 'car'])[1 + mod(vehicle * 31, 12)],
       speed_mph, observed_at, direction, action,
       CASE WHEN voided THEN 'done'
            WHEN observed_at > %(now)s - interval '21 days' THEN 'pending'
            WHEN action = 'police_action' THEN 'done'
            ELSE 'sent' END,
       CASE WHEN voided OR observed_at <= %(now)s - interval '21 days'
            THEN observed_at + interval '10 days' END,
       CASE WHEN voided OR observed_at <= %(now)s - interval '21 days'
            THEN %(liaison)s::bigint END,
       voided,
       CASE WHEN voided THEN 'upheld' WHEN dispute < 0.005 THEN 'rejected' ELSE 'none' END,
       CASE WHEN dispute < 0.005 THEN 'Keeper says the vehicle was elsewhere.' ELSE '' END,
       NULL, ended_at + interval '5 minutes', true, repeat_vehicle
FROM (
    SELECT *,
           CASE WHEN voided THEN 'none'
                WHEN speed_mph >= excessive_mph OR earlier >= 2 THEN 'police_action'
                WHEN earlier = 1 THEN 'second_letter'
                ELSE 'first_letter' END AS action
    FROM (
        -- Escalation as watch.services.escalation.escalation_recompute works it out: the vehicle's
        -- offences that count (not voided) in the 365 days before this one.
        SELECT *,
               count(*) FILTER (WHERE NOT voided) OVER (
                   PARTITION BY force, vehicle ORDER BY observed_at
                   RANGE BETWEEN interval '364 days 23:59:59.999999' PRECEDING AND CURRENT ROW
               ) - CASE WHEN voided THEN 0 ELSE 1 END AS earlier,
               -- As watch.services.repeat_vehicles marks them: the vehicle (one registration,
               -- one key) has another offence in the force area.
               count(*) OVER (PARTITION BY force, registration) >= 2 AS repeat_vehicle
        FROM (SELECT *, dispute < 0.003 AS voided FROM bench_offence) disputed
    ) counted
) escalated
ORDER BY observed_at;
"""


def populate(offences: int, rng: random.Random, seed: int) -> None:
    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import LiaisonProfile, User
    from areas.models import area_fields
    from schemes.models import Membership, Scheme
    from watch.models import Offence, Site
    from watch.registrations import VEHICLE_KEY_SALT, vehicle_key

    sites = sum(schemes * per_scheme for _, schemes, per_scheme, _ in FORCES)
    if Offence.objects.count() == offences and Site.objects.count() == sites:
        print(f"Reusing {offences:,} offences at {sites} sites already in the database.")
        return
    print(f"Generating {sites} sites, their sessions and {offences:,} offences ...", flush=True)
    started = time.perf_counter()
    with transaction.atomic():
        with connection.cursor() as cursor:
            # CASCADE: the tables that refer to these (a site's status changes, an audit
            # record's schemes, ...) hold only the benchmark's own rows, and listing them by
            # hand broke each time a new one was added.
            cursor.execute(
                "TRUNCATE watch_offence, watch_sessionamendment, watch_session_present, "
                "watch_session, watch_site, watch_auditrecord CASCADE"
            )
        Scheme.objects.all().delete()
        User.objects.filter(email__endswith=BENCH_EMAIL).delete()
        coordinator = User.objects.create(
            email=f"coordinator{BENCH_EMAIL}", name="Bench Coordinator", password="!"
        )
        for force, *_ in FORCES:
            liaison = User.objects.create(
                email=f"liaison.{force}{BENCH_EMAIL}", name=f"Liaison {force}", password="!"
            )
            LiaisonProfile.objects.create(user=liaison, force=force, role_title="PCSO")
        liaison = User.objects.get(email=f"liaison.cambridgeshire{BENCH_EMAIL}")

        limits = [30] * 8 + [20, 40]
        directions = ["northbound", "southbound", "eastbound", "westbound", "both"]
        site_rows = []
        for force, scheme_count, per_scheme, (lat, lon) in FORCES:
            for n in range(scheme_count):
                scheme_lat, scheme_lon = lat + rng.uniform(-0.2, 0.2), lon + rng.uniform(-0.3, 0.3)
                scheme = Scheme.objects.create(
                    name=f"{force.title()} Speedwatch {n + 1}",
                    kind="speedwatch",
                    force=force,
                    status="active",
                    description="Bench scheme",
                    **area_fields(lat=scheme_lat, lon=scheme_lon, radius_m=2000),
                )
                Membership.objects.create(
                    scheme=scheme, user=coordinator, role="coordinator", status="active"
                )
                site_rows += [
                    Site(
                        scheme=scheme,
                        name=f"Site {m + 1}",
                        road_name=f"Road {m + 1}",
                        lat=scheme_lat + rng.uniform(-0.01, 0.01),
                        lon=scheme_lon + rng.uniform(-0.01, 0.01),
                        speed_limit_mph=rng.choice(limits),
                        direction=rng.choice(directions),
                        status="approved",
                        decided_by=liaison,
                        proposed_by=coordinator,
                    )
                    for m in range(per_scheme)
                ]
            # Other kinds of scheme in the same force, which statistics must leave out.
            for n in range(5):
                Scheme.objects.create(
                    name=f"{force.title()} Neighbourhood Watch {n + 1}",
                    kind="neighbourhood",
                    force=force,
                    status="active",
                    **area_fields(lat=lat, lon=lon, radius_m=1000),
                )
        Site.objects.bulk_create(site_rows)

        params: dict[str, Any] = {
            "now": timezone.now(),
            "offences": offences,
            "per_site": SESSIONS_PER_SITE,
            "coordinator": coordinator.pk,
            "liaison": liaison.pk,
            # The key django.utils.crypto.salted_hmac derives for watch.registrations.
            "vehicle_key_secret": hashlib.sha256(
                (VEHICLE_KEY_SALT + settings.SECRET_KEY).encode()
            ).digest(),
        }
        with connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pgcrypto")
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute("SELECT setseed(%s)", [seed / 2**31])
            cursor.execute(SESSIONS_SQL, params)
            cursor.execute(OFFENCES_SQL, params)
    print(f"  loaded in {time.perf_counter() - started:.1f} s", flush=True)
    sample = Offence.objects.order_by("pk").values("registration", "vehicle_key").first()
    assert sample is not None
    assert sample["vehicle_key"] == vehicle_key(sample["registration"]), sample
    # The marks generated with the offences are the ones migration 0013 gives.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM watch_offence o WHERE repeat_vehicle <> EXISTS ("
            "SELECT FROM watch_offence other WHERE other.force = o.force "
            "AND other.vehicle_key = o.vehicle_key AND other.id <> o.id)"
        )
        assert cursor.fetchone()[0] == 0
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"  VACUUM ANALYZE in {time.perf_counter() - started:.1f} s", flush=True)


def explain(title: str, sql: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        plan = [row[0] for row in cursor.fetchall()]
    print(f"\n{title}:")
    for line in plan:
        print("  " + line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--offences", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30, help="runs of each statistics call")
    parser.add_argument("--lookups", type=int, default=500, help="escalation lookups")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Max
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User
    from schemes.models import Scheme
    from watch.models import Offence
    from watch.selectors.statistics import analytical_queries
    from watch.services.escalation import escalation_recompute
    from watch.services.repeat_vehicles import repeat_vehicles_mark

    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)
    populate(args.offences, rng, args.seed)

    force = "cambridgeshire"
    liaison = User.objects.get(email=f"liaison.{force}{BENCH_EMAIL}")
    scheme = Scheme.objects.filter(force=force, kind="speedwatch").order_by("pk").first()
    assert scheme is not None
    # Liaisons must sign in with a second factor: the session is one that passed the code
    # step, as a liaison's is in production (django-otp then loads the device each request).
    device, _ = TOTPDevice.objects.get_or_create(
        user=liaison, name="Bench authenticator", defaults={"confirmed": True}
    )
    client = Client()
    client.force_login(liaison)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    now = timezone.now()
    # The 12 months up to the latest offence rather than up to now, so that the same data
    # gives the same figures (and digest) from one run to the next.
    latest = Offence.objects.filter(force=force).aggregate(latest=Max("observed_at"))["latest"]
    since = (
        latest.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=365)
    ).isoformat()

    load = ", ".join(f"{figure:.2f}" for figure in os.getloadavg())
    print(
        f"\n{Offence.objects.count():,} offences, {args.runs} runs of each statistics call, "
        f"{args.lookups} escalation lookups, PostgreSQL, in-process (load average {load})\n"
    )

    def statistics_call(extra: dict[str, Any]) -> Callable[[], dict[str, Any]]:
        def call() -> dict[str, Any]:
            response = client.get("/api/v1/speedwatch/statistics/", {"since": since, **extra})
            assert response.status_code == 200, response.content
            return response.json()

        return call

    medians: dict[str, float] = {}
    for label, extra in (
        (f"GET /speedwatch/statistics/ {force}, 12 months", {}),
        ("GET /speedwatch/statistics/ one scheme, 12 months", {"scheme": scheme.pk}),
    ):
        call = statistics_call(extra)
        figures = call()
        # The digest shows whether a change to the queries changed what the endpoint returns.
        digest = hashlib.sha256(json.dumps(figures, sort_keys=True).encode()).hexdigest()[:12]
        samples = timed(args.runs, call)
        medians[label] = statistics.median(samples)
        report(
            label,
            samples,
            f"({figures['offences']:,} offences, {figures['repeat_vehicles']:,} repeat "
            f"vehicles, digest {digest})",
            target_ms=STATISTICS_TARGET_MS,
        )

    # Vehicles caught in the last 90 days: the ones escalation looks up as offences come in.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT registration FROM watch_offence TABLESAMPLE BERNOULLI (2) REPEATABLE (%s) "
            "WHERE force = %s AND observed_at >= %s ORDER BY id",
            [args.seed, force, now - timedelta(days=90)],
        )
        sample = [row[0] for row in cursor.fetchall()]
    registrations = rng.sample(sample, min(args.lookups, len(sample)))

    cycle = itertools.cycle(registrations)

    def escalation(since: datetime | None) -> tuple[list[float], int]:
        """Recompute one vehicle's escalation per run, as storing an offence observed now
        does (``since=now``) or over its whole history (``since=None``), inside a
        transaction rolled back afterwards. Returns the timings and how many actions changed
        (none should: the generated actions are escalation's own)."""
        elapsed: list[float] = []
        changed = 0
        for n in range(len(registrations) + 1):
            registration = next(cycle)
            with transaction.atomic():
                before = dict(
                    Offence.objects.filter(force=force, registration=registration).values_list(
                        "pk", "action"
                    )
                )
                started = time.perf_counter()
                escalation_recompute(force=force, registrations=[registration], since=since)
                took = (time.perf_counter() - started) * 1000
                after = dict(
                    Offence.objects.filter(force=force, registration=registration).values_list(
                        "pk", "action"
                    )
                )
                transaction.set_rollback(True)
            if n == 0:
                continue  # warm-up
            elapsed.append(took)
            changed += sum(1 for pk, action in after.items() if before[pk] != action)
        return elapsed, changed

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT avg(n) FROM (SELECT count(*) AS n FROM watch_offence "
            "WHERE force = %s AND registration = ANY(%s) AND observed_at > %s "
            "GROUP BY registration) per_vehicle",
            [force, registrations, now - timedelta(days=365)],
        )
        in_window = cursor.fetchone()[0] or 0
    elapsed, changed = escalation(since=now)
    escalation_median = statistics.median(elapsed)
    report(
        "escalation lookup (escalation_recompute, since now)",
        elapsed,
        f"({float(in_window):.1f} offences in the window on average, {changed} actions changed)",
        target_ms=ESCALATION_TARGET_MS,
    )
    elapsed, changed = escalation(since=None)
    report(
        "escalation_recompute, whole history (no target)",
        elapsed,
        f"({changed} actions changed)",
    )

    # What storing an offence also runs: the vehicle's lock and the count of its offences in
    # the force area, marking them if it has more than one (here they already are).
    vehicle_keys = dict(
        Offence.objects.filter(force=force, registration__in=registrations).values_list(
            "registration", "vehicle_key"
        )
    )
    elapsed = []
    marked = 0
    for n, registration in enumerate([registrations[0], *registrations]):
        with transaction.atomic():
            started = time.perf_counter()
            count = repeat_vehicles_mark(force=force, vehicle_keys=[vehicle_keys[registration]])
            took = (time.perf_counter() - started) * 1000
            transaction.set_rollback(True)
        if n:  # the first is a warm-up
            elapsed.append(took)
            marked += count
    report(
        "repeat vehicle marking (repeat_vehicles_mark)",
        elapsed,
        f"(no target; {marked} offences marked)",
    )

    with CaptureQueriesContext(connection) as queries:
        statistics_call({})()
    data_queries = [query for query in queries.captured_queries if "watch_" in query["sql"]]
    print(
        "\nThe force area's statistics, query by query in the order statistics() runs them (ms): "
        + ", ".join(f"{float(query['time']) * 1000:.0f}" for query in data_queries)
    )
    # Each pass over the offences, planned as statistics() has it planned: inside its
    # transaction, with its planner settings.
    passes = [query["sql"] for query in data_queries if "watch_offence" in query["sql"]]
    for n, sql in enumerate(passes, start=1):
        with analytical_queries():
            explain(
                f"Query plan of the statistics' pass {n} of {len(passes)} over the offences", sql
            )
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            escalation_recompute(force=force, registrations=registrations[:1], since=now)
        lookup = next(q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"])
        explain("Query plan of the escalation lookup", lookup)
        transaction.set_rollback(True)

    print("\nTargets (issue 14, P4), by the median of each:")
    for label, median in medians.items():
        verdict = "PASS" if median <= STATISTICS_TARGET_MS else "FAIL"
        print(f"  {label}: {median:.0f} ms <= {STATISTICS_TARGET_MS} ms: {verdict}")
    verdict = "PASS" if escalation_median <= ESCALATION_TARGET_MS else "FAIL"
    print(
        f"  escalation lookup: {escalation_median:.2f} ms <= {ESCALATION_TARGET_MS} ms: {verdict}"
    )


if __name__ == "__main__":
    main()
