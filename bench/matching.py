"""Benchmark: geo matching against PostGIS, and "near me", on PostgreSQL.

Fills a database of its own with active schemes spread over England and Wales (circles of
300 m to 3 km and, every fifth, a polygon a few kilometres across: ``bench/directory.py``'s
generator), then times:

1. matching a 10 km alert (``notifications.selectors.schemes_touched_by``) at random points,
   against PostGIS on the same rows: a ``geography`` column with a GiST index and
   ``ST_DWithin`` (the geodesic on the WGS-84 spheroid). Every run checks that both find
   the same schemes; see ``postgis_same_model`` for the one way they may differ.
2. "near me" at 25 km (``schemes.selectors.schemes_near`` and its first page, as the
   directory serves it) over 20,000 and over 100,000 schemes.

Each part also runs the code this replaced (``before_*``, kept here) for comparison, and
checks that it finds the same schemes, in the same order, at the same distances.

Usage:  .venv/bin/python bench/matching.py [--runs 300] [--schemes 100000]
            [--near-schemes 20000 100000] [--database-url URL]
The database (default postgres://postgres@127.0.0.1:5432/patchwatch_bench_geo_matching, with
``_<n>`` appended for each other size) is created if missing and reused when it already
holds the requested schemes. PostGIS needs the extension's files on the database server
(``postgresql-<version>-postgis-3`` from Debian, ``make bench-tools``); without them the
comparison is skipped, and the benchmark says so.
"""

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.directory import EAST, NORTH, SOUTH, WEST, random_schemes  # noqa: E402
from bench.measure import ensure_database, report  # noqa: E402

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from areas import geo
    from schemes.models import Scheme

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/patchwatch_bench_geo_matching"
FORCE = "cambridgeshire"
ALERT_RADIUS_M = 10_000
NEAR_RADIUS_M = 25_000
PAGE_SIZE = 20
TARGET_MATCHING_MS = 5.0
TARGET_RATIO = 1.0
TARGET_NEAR_MS = 10.0

# The PostGIS side: the same schemes as geography, the area itself (a polygon, or a circle's
# centre with its radius beside it), with a GiST index.
POSTGIS_TABLE = "bench_postgis_scheme"  # spelt out in the SQL below


# --- Data --------------------------------------------------------------------------------


def use_database(url: str) -> None:
    """Point Django's connection at the benchmark database ``url``, created and migrated if
    need be."""
    from django.core.management import call_command
    from django.db import connection

    ensure_database(url)
    connection.close()
    connection.settings_dict["NAME"] = url.rsplit("/", 1)[1]
    call_command("migrate", verbosity=0)


def populate(count: int, seed: int) -> None:
    from django.db import connection, transaction

    from schemes.models import Scheme, SchemeStatus

    active = Scheme.objects.filter(status=SchemeStatus.ACTIVE, force=FORCE).count()
    if active == count == Scheme.objects.count():
        print(f"Reusing {count:,} schemes already in {connection.settings_dict['NAME']}.")
        return
    print(f"Generating {count:,} schemes in {connection.settings_dict['NAME']} ...", flush=True)
    started = time.perf_counter()
    with transaction.atomic():
        Scheme.objects.all().delete()
        Scheme.objects.bulk_create(
            random_schemes(count, random.Random(seed), active_only=True), batch_size=5000
        )
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_postgis_scheme")
        cursor.execute("VACUUM ANALYZE schemes_scheme")
    print(f"  done in {time.perf_counter() - started:.1f} s", flush=True)


def postgis_ready() -> str | None:
    """Set up the PostGIS copy of the schemes; None when ready, else why it is not."""
    from django.db import connection, transaction

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    except Exception as exc:  # any refusal means: compare without PostGIS
        return f"{type(exc).__name__}: {str(exc).strip().splitlines()[0]}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [POSTGIS_TABLE])
        if cursor.fetchone()[0] is not None:
            cursor.execute("SELECT count(*) FROM bench_postgis_scheme")
            (copied,) = cursor.fetchone()
            cursor.execute("SELECT count(*) FROM schemes_scheme")
            if copied == cursor.fetchone()[0]:
                return None
        print("Copying the schemes into a PostGIS geography column ...", flush=True)
        cursor.execute("DROP TABLE IF EXISTS bench_postgis_scheme")
        cursor.execute(
            """
            CREATE TABLE bench_postgis_scheme AS
            SELECT id, force, status, kind, radius_m::float8 AS radius_m,
                   CASE WHEN boundary IS NULL
                        THEN ST_SetSRID(ST_MakePoint(centre_lon, centre_lat), 4326)
                        ELSE ST_SetSRID(ST_GeomFromGeoJSON(boundary::text), 4326)
                   END::geography AS area
            FROM schemes_scheme
            """
        )
        cursor.execute("ALTER TABLE bench_postgis_scheme ADD PRIMARY KEY (id)")
        cursor.execute("CREATE INDEX ON bench_postgis_scheme USING gist (area)")
        cursor.execute("VACUUM ANALYZE bench_postgis_scheme")
    return None


# --- PostGIS -----------------------------------------------------------------------------


def largest_scheme_radius() -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(radius_m), 0) FROM bench_postgis_scheme")
        return float(cursor.fetchone()[0])


# The alert's circle touches a scheme's area when the scheme's circle centre is within both
# radii, or its polygon within the alert's radius: ST_DWithin on the spheroid. The first
# ST_DWithin, at a constant distance (the largest scheme radius added), is the one the GiST
# index serves; the second is exact for each row.
POSTGIS_MATCH = """
    SELECT id FROM bench_postgis_scheme
    WHERE force = %(force)s AND status = 'active'
      AND ST_DWithin(area, %(centre)s::geography, %(reach)s)
      AND ST_DWithin(area, %(centre)s::geography, %(radius)s + coalesce(radius_m, 0))
"""

# The same, but with a polygon measured as Patchwatch measures it (areas.geo: a flat
# equirectangular projection on the mean sphere, centred on the alert): the rows PostGIS
# must agree with exactly. A circle is the same geodesic either way.
POSTGIS_SAME_MODEL = """
    SELECT id FROM bench_postgis_scheme
    WHERE force = %(force)s AND status = 'active'
      AND ST_DWithin(area, %(centre)s::geography, %(reach)s * 1.01)
      AND CASE WHEN radius_m IS NULL
          THEN ST_DWithin(
              ST_Transform(area::geometry, %(sphere)s, %(flat)s),
              ST_MakePoint(0, 0),
              %(radius)s
          )
          ELSE ST_DWithin(area, %(centre)s::geography, %(radius)s + radius_m)
      END
"""


def postgis_parameters(point: "geo.Point", largest_radius: float) -> dict[str, Any]:
    from areas.geo import EARTH_RADIUS_M

    return {
        "force": FORCE,
        "centre": f"SRID=4326;POINT({point.lon!r} {point.lat!r})",
        "radius": float(ALERT_RADIUS_M),
        "reach": ALERT_RADIUS_M + largest_radius,
        "sphere": f"+proj=longlat +R={EARTH_RADIUS_M} +no_defs",
        "flat": (
            f"+proj=eqc +lat_ts={point.lat!r} +lat_0={point.lat!r} +lon_0={point.lon!r} "
            f"+R={EARTH_RADIUS_M} +units=m +no_defs"
        ),
    }


def postgis_ids(sql: str, parameters: dict[str, Any]) -> set[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        return {row[0] for row in cursor.fetchall()}


def spheroid_distances(ids: set[int], point: "geo.Point") -> dict[int, float]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, ST_Distance(area, %s::geography) - coalesce(radius_m, 0) "
            "FROM bench_postgis_scheme WHERE id = ANY(%s)",
            [f"SRID=4326;POINT({point.lon!r} {point.lat!r})", list(ids)],
        )
        return dict(cursor.fetchall())


# --- What this replaced, for comparison --------------------------------------------------


def before_schemes_touched_by(
    *, area: "geo.Area", box: "geo.BBox", force: str, kinds: list[str]
) -> list["Scheme"]:
    """``schemes_touched_by`` as it was: model objects for every candidate, sorted by name
    (the model's ordering), each tested with ``areas_intersect``."""
    from areas import geo
    from schemes.models import Scheme, SchemeStatus
    from schemes.selectors import schemes_in_bbox

    candidates = schemes_in_bbox(
        Scheme.objects.filter(status=SchemeStatus.ACTIVE, force=force), box
    ).only("id", "name", "kind", "centre_lat", "centre_lon", "radius_m", "boundary")
    if kinds:
        candidates = candidates.filter(kind__in=kinds)
    return [scheme for scheme in candidates if geo.areas_intersect(area, scheme.area)]


def before_schemes_near(
    *, schemes: "QuerySet[Scheme]", point: "geo.Point", radius_m: float
) -> list["Scheme"]:
    """``schemes_near`` as it was: the geodesic (or shapely) for every candidate."""
    from areas import geo
    from schemes.selectors import schemes_in_bbox

    candidates = schemes_in_bbox(schemes, geo.circle_bbox(point, radius_m))
    nearby = []
    for scheme in candidates:
        distance = geo.distance_to_area_m(
            point,
            centre=geo.Point(scheme.centre_lat, scheme.centre_lon),
            radius_m=scheme.radius_m,
            boundary=scheme.boundary,
        )
        if distance <= radius_m:
            scheme.distance_m = round(distance)
            nearby.append(scheme)
    nearby.sort(key=lambda s: (s.distance_m, s.name, s.pk))
    return nearby


# --- Measuring ---------------------------------------------------------------------------


def random_points(rng: random.Random, count: int) -> list["geo.Point"]:
    from areas import geo

    return [
        geo.Point(rng.uniform(SOUTH + 0.3, NORTH - 0.3), rng.uniform(WEST + 0.3, EAST - 0.3))
        for _ in range(count)
    ]


def backend_cpu_s() -> float | None:
    """CPU seconds the PostgreSQL backend serving this connection has used, read from
    /proc when the server runs on this machine; None otherwise."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # utime and stime, the 14th and 15th fields (the 12th and 13th after the name).
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def time_each(
    points: list["geo.Point"], calls: dict[str, Callable[["geo.Point"], object]]
) -> tuple[dict[str, list[float]], dict[str, float | None]]:
    """Milliseconds of each call at each point, the calls taking turns at every point (so
    that a busy moment of the shared machine falls on all of them alike), after a warm-up;
    and the CPU milliseconds per call, of this process and of its PostgreSQL backend,
    which waiting for a busy machine's cores does not inflate (None when the backend's
    cannot be read)."""
    for call in calls.values():
        call(points[0])
    samples: dict[str, list[float]] = {label: [] for label in calls}
    cpu: dict[str, float | None] = dict.fromkeys(calls, 0.0)
    for index, point in enumerate(points):
        order = list(calls.items())
        if index % 2:
            order.reverse()
        for label, call in order:
            backend = backend_cpu_s()
            process = time.process_time()
            started = time.perf_counter()
            call(point)
            samples[label].append((time.perf_counter() - started) * 1000)
            process = time.process_time() - process
            backend_after = backend_cpu_s()
            used = cpu[label]
            if used is None or backend is None or backend_after is None:
                cpu[label] = None
            else:
                cpu[label] = used + (process + backend_after - backend) * 1000 / len(points)
    return samples, cpu


def cpu_note(cpu: float | None) -> str:
    return f"CPU {cpu:6.2f} ms" if cpu is not None else ""


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(int(len(ordered) * 0.95) - 1, 0)]


def verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def bench_matching(runs: int, rng: random.Random, *, postgis: bool) -> list[str]:
    from areas import geo
    from notifications.selectors import scheme_ids_touched_by

    points = random_points(rng, runs)

    def ours(point: geo.Point) -> list[int]:
        area = geo.Area(centre=point, radius_m=ALERT_RADIUS_M)
        return scheme_ids_touched_by(
            area=area, box=geo.circle_bbox(point, ALERT_RADIUS_M), force=FORCE, kinds=[]
        )

    def before(point: geo.Point) -> list["Scheme"]:
        area = geo.Area(centre=point, radius_m=ALERT_RADIUS_M)
        return before_schemes_touched_by(
            area=area, box=geo.circle_bbox(point, ALERT_RADIUS_M), force=FORCE, kinds=[]
        )

    largest = largest_scheme_radius() if postgis else 0.0

    def spheroid(point: geo.Point) -> set[int]:
        return postgis_ids(POSTGIS_MATCH, postgis_parameters(point, largest))

    # Agreement first, at every point: the same schemes found by each.
    found, polygon_edge_cases = [], 0
    for point in points:
        matched = set(ours(point))
        found.append(len(matched))
        assert matched == {scheme.pk for scheme in before(point)}, f"before differs at {point}"
        if postgis:
            same_model = postgis_ids(POSTGIS_SAME_MODEL, postgis_parameters(point, largest))
            assert matched == same_model, f"PostGIS differs at {point}: {matched ^ same_model}"
            # On the spheroid a polygon within metres of the alert's edge may fall the other
            # way: the flat projection is within 0.5% of the geodesic at these distances.
            differing = matched ^ spheroid(point)
            for pk, distance in spheroid_distances(differing, point).items():
                assert abs(distance - ALERT_RADIUS_M) <= ALERT_RADIUS_M * 0.005, (pk, distance)
            polygon_edge_cases += len(differing)

    calls: dict[str, Callable[[geo.Point], object]] = {"ours": ours, "before": before}
    if postgis:
        calls["postgis"] = spheroid
    samples, cpu = time_each(points, calls)
    print(
        f"\nMatching a {ALERT_RADIUS_M // 1000} km alert, {runs} random points "
        f"({statistics.mean(found):.0f} schemes matched on average; the same schemes every "
        "time from each)"
    )
    width = 58
    report("  scheme_ids_touched_by (now)", samples["ours"], cpu_note(cpu["ours"]), width=width)
    report("  schemes_touched_by (before)", samples["before"], cpu_note(cpu["before"]), width=width)
    ours_median = statistics.median(samples["ours"])
    lines = [
        f"P1 matching median <= {TARGET_MATCHING_MS:g} ms: {ours_median:.2f} ms, "
        f"{verdict(ours_median <= TARGET_MATCHING_MS)}"
    ]
    if postgis:
        report(
            "  PostGIS ST_DWithin, geography + GiST (ids only)",
            samples["postgis"],
            cpu_note(cpu["postgis"]),
            width=width,
        )
        postgis_median = statistics.median(samples["postgis"])
        ratio = ours_median / postgis_median
        ratio_p95 = p95(samples["ours"]) / p95(samples["postgis"])
        print(
            f"  ratio to PostGIS: median {ratio:.2f}x, p95 {ratio_p95:.2f}x; before: median "
            f"{statistics.median(samples['before']) / postgis_median:.2f}x"
        )
        ours_cpu, postgis_cpu = cpu["ours"], cpu["postgis"]
        if ours_cpu is not None and postgis_cpu is not None:
            print(
                f"  ratio of CPU per call (this process and its PostgreSQL backend): "
                f"{ours_cpu / postgis_cpu:.2f}x"
            )
        print(
            f"  PostGIS agreed at every point when measuring polygons as areas.geo does; on "
            f"the spheroid, {polygon_edge_cases} polygon(s) within 0.5% of the edge in all "
            f"{runs} runs fell the other way"
        )
        lines.append(
            f"P1 matching <= {TARGET_RATIO:g}x PostGIS (medians): {ratio:.2f}x, "
            f"{verdict(ratio <= TARGET_RATIO)}"
        )
    else:
        lines.append("P1 matching against PostGIS: SKIPPED, PostGIS is not available")
    return lines


def bench_near(count: int, runs: int, rng: random.Random) -> list[str]:
    from django.contrib.auth.models import AnonymousUser
    from django.test import Client

    from areas import geo
    from schemes import selectors

    points = random_points(rng, runs)
    client = Client()

    def visible() -> "QuerySet[Scheme]":
        return selectors.with_member_count(selectors.schemes_visible_to(user=AnonymousUser()))

    def first_page(point: geo.Point) -> list[tuple[int, int]]:
        nearby = selectors.schemes_near(schemes=visible(), point=point, radius_m=NEAR_RADIUS_M)
        return [(scheme.pk, scheme.distance_m) for scheme in nearby[:PAGE_SIZE]]

    def before(point: geo.Point) -> list[tuple[int, int]]:
        nearby = before_schemes_near(schemes=visible(), point=point, radius_m=NEAR_RADIUS_M)
        return [(scheme.pk, scheme.distance_m) for scheme in nearby[:PAGE_SIZE]]

    def endpoint(point: geo.Point) -> None:
        query = {"lat": str(point.lat), "lon": str(point.lon), "radius_m": str(NEAR_RADIUS_M)}
        response = client.get("/api/v1/schemes/", query)
        assert response.status_code == 200, response.content

    found = []
    for point in points[:50]:
        nearby = selectors.schemes_near(schemes=visible(), point=point, radius_m=NEAR_RADIUS_M)
        everything = [(scheme.pk, scheme.distance_m) for scheme in nearby[:]]
        old = before_schemes_near(schemes=visible(), point=point, radius_m=NEAR_RADIUS_M)
        assert everything == [(scheme.pk, scheme.distance_m) for scheme in old], point
        found.append(len(nearby))
    samples, cpu = time_each(points, {"now": first_page, "before": before, "endpoint": endpoint})
    print(
        f'\n"Near me" at {NEAR_RADIUS_M // 1000} km over {count:,} schemes, {runs} random '
        f"points ({statistics.mean(found):.0f} schemes within reach on average; the same "
        "schemes, order and distances as before)"
    )
    width = 58
    for label, key in (
        (f"  schemes_near + first page of {PAGE_SIZE} (now)", "now"),
        (f"  schemes_near + first page of {PAGE_SIZE} (before)", "before"),
        ("  GET /api/v1/schemes/?lat=&lon=&radius_m= (in-process)", "endpoint"),
    ):
        report(label, samples[key], cpu_note(cpu[key]), width=width)
    median = statistics.median(samples["now"])
    return [
        f'P1 "near me" at {NEAR_RADIUS_M // 1000} km over {count:,} schemes <= '
        f"{TARGET_NEAR_MS:g} ms: {median:.2f} ms, {verdict(median <= TARGET_NEAR_MS)}"
    ]


def show_plan(point: "geo.Point", largest: float | None) -> None:
    from django.db import connection

    from areas import geo
    from schemes.models import Scheme, SchemeStatus
    from schemes.selectors import schemes_in_bbox

    box = geo.circle_bbox(point, ALERT_RADIUS_M)
    query = schemes_in_bbox(Scheme.objects.filter(status=SchemeStatus.ACTIVE, force=FORCE), box)
    sql, params = query.order_by().values_list("id").query.sql_with_params()
    plans: list[tuple[str, str, Any]] = [("The prefilter", sql, params)]
    if largest is not None:
        plans.append(("PostGIS", POSTGIS_MATCH, postgis_parameters(point, largest)))
    with connection.cursor() as cursor:
        for label, text, parameters in plans:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {text}", parameters)
            print(f"\nQuery plan: {label}")
            for (line,) in cursor.fetchall():
                print("  " + line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--schemes", type=int, default=100_000, help="for matching alerts")
    parser.add_argument(
        "--near-schemes", type=int, nargs="+", default=[20_000, 100_000], help='for "near me"'
    )
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--plans", action="store_true", help="print the query plans")
    parser.add_argument("--only", choices=["matching", "near"], help="run one part alone")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = args.database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "backend.settings"
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ["API_THROTTLE_ANON"] = "100000000/hour"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    ensure_database(args.database_url)
    import django

    django.setup()

    def url_for(count: int) -> str:
        return args.database_url if count == args.schemes else f"{args.database_url}_{count}"

    targets: list[str] = []
    if args.only != "near":
        use_database(url_for(args.schemes))
        populate(args.schemes, args.seed)
        problem = postgis_ready()
        if problem:
            print(f"\nPostGIS is not available ({problem}): the comparison is SKIPPED.")
        targets += bench_matching(args.runs, random.Random(args.seed), postgis=problem is None)
        if args.plans:
            point = random_points(random.Random(args.seed), 1)[0]
            show_plan(point, None if problem else largest_scheme_radius())
    for count in args.near_schemes if args.only != "matching" else []:
        use_database(url_for(count))
        populate(count, args.seed)
        targets += bench_near(count, args.runs, random.Random(args.seed))

    print("\nTargets (medians; a shared 2-core machine: re-run before trusting a close call):")
    for line in targets:
        print("  " + line)


if __name__ == "__main__":
    main()
