"""Benchmark: geo matching against PostGIS, and "near me", on PostgreSQL.

Fills a database of its own with active schemes spread over England and Wales (circles of
300 m to 3 km and, every fifth, a polygon a few kilometres across: ``bench/directory.py``'s
generator), then times:

1. matching a 10 km alert (``notifications.selectors.schemes_touched_by``) at random points,
   against PostGIS on the same rows: a ``geography`` column with a GiST index and
   ``ST_DWithin`` (the geodesic on the WGS-84 spheroid). Every run checks that both find
   the same schemes; see ``postgis_same_model`` for the one way they may differ.
2. matching an alert sent to 1, 5 and 20 policing neighbourhoods side by side
   (``notifications.selectors.alert_scheme_ids``, as dispatch and the preview call it) over
   the same schemes: 800 generated neighbourhoods a few kilometres across, of 200 to 2,000
   vertices, some in two parts, some with a hole. Against PostGIS twice: ``ST_Intersects``
   and ``ST_DWithin`` on geography (the spheroid) and on geometry in the British National
   Grid (planar, GEOS's prepared geometry), each with a GiST index; every alert is checked
   against PostGIS measuring as ``areas.regions`` does (exactly the same schemes), and the
   schemes the spheroid or the grid put the other way must lie within a whisker of touching.
3. "near me" at 25 km (``schemes.selectors.schemes_near`` and its first page, as the
   directory serves it) over 20,000 and over 100,000 schemes.

Each part also runs the code this replaced (``before_*``, kept here) for comparison, and
checks that it finds the same schemes (for "near me", in the same order, at the same
distances).

Usage:  .venv/bin/python bench/matching.py [--runs 300] [--schemes 100000]
            [--neighbourhood-alerts 100] [--near-schemes 20000 100000] [--database-url URL]
            [--only matching|neighbourhoods|near]
The database (default postgres://postgres@127.0.0.1:5432/patchwatch_bench_geo_matching, with
``_<n>`` appended for each other size) is created if missing and reused when it already
holds the requested schemes. PostGIS needs the extension's files on the database server
(``postgresql-<version>-postgis-3`` from Debian, ``make bench-tools``); without them the
comparison is skipped, and the benchmark says so.
"""

import argparse
import math
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.directory import EAST, NORTH, SOUTH, WEST, random_schemes  # noqa: E402
from bench.measure import ensure_database, report  # noqa: E402

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from areas import geo
    from notifications.models import Alert
    from schemes.models import Neighbourhood, Scheme

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
        cursor.execute("DROP TABLE IF EXISTS bench_postgis_scheme, bench_postgis_scheme_grid")
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


def before_alert_scheme_ids(*, alert: "Alert") -> list[int]:
    """``alert_scheme_ids`` for an alert to neighbourhoods as it was: a bounding-box query
    for each neighbourhood."""
    from areas.regions import Region
    from schemes.selectors import active_scheme_areas_in_bbox

    reached: set[int] = set()
    for neighbourhood in alert.neighbourhoods:
        region = Region(neighbourhood["boundary"])
        candidates = active_scheme_areas_in_bbox(
            box=region.box, force=alert.force, kinds=alert.scheme_kinds
        )
        reached.update(region.overlapping_ids(candidates))
    return list(reached)


# --- Measuring ---------------------------------------------------------------------------

Case = TypeVar("Case")


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
    points: Sequence[Case], calls: dict[str, Callable[[Case], object]]
) -> tuple[dict[str, list[float]], dict[str, float | None]]:
    """Milliseconds of each call at each point (or whatever else the calls take: an alert),
    the calls taking turns at every point (so that a busy moment of the shared machine falls
    on all of them alike), after a warm-up; and the CPU milliseconds per call, of this
    process and of its PostgreSQL backend, which waiting for a busy machine's cores does not
    inflate (None when the backend's cannot be read)."""
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


# --- Alerts to policing neighbourhoods ---------------------------------------------------
# Neighbourhoods as forces publish them: a few kilometres across, finely drawn (200 to 2,000
# vertices), some in two parts, some with a hole. They come in groups of twenty side by side
# (a district of a force), placed over England and Wales among the schemes; an alert goes to
# one of a group, to five neighbouring ones, or to the whole group. Each shape is a ring
# around a centre whose radius wanders with the bearing (a few slow swings, as a boundary
# following roads and rivers, and a little noise at every vertex): neighbours overlap or
# leave gaps as they fall, which matching does not mind.

NEIGHBOURHOOD_GROUPS = 40
GROUP_COLUMNS, GROUP_ROWS = 5, 4  # twenty neighbourhoods a group
GROUP_SPACING_M = 6_000
NEIGHBOURHOODS_PER_ALERT = (1, 5, 20)


def wandering_ring(
    rng: random.Random, centre: "geo.Point", radius_m: float, vertices: int
) -> list[list[float]]:
    """A closed ring of ``vertices`` positions around ``centre``, ``radius_m`` from it give or
    take two fifths (1.46 times it at most, 0.55 at least). Its bearings only ever increase
    and its radius stays positive, so it never crosses itself."""
    from areas.geo import EARTH_RADIUS_M

    swings = [
        (order, rng.uniform(0, 0.3 / order), rng.uniform(0, 2 * math.pi)) for order in range(2, 7)
    ]
    per_degree = math.radians(1) * EARTH_RADIUS_M
    step = 2 * math.pi / vertices
    ring = []
    for n in range(vertices):
        bearing = (n + rng.uniform(-0.4, 0.4)) * step
        stretch = 1 + sum(size * math.cos(order * bearing + phase) for order, size, phase in swings)
        distance = radius_m * stretch * rng.uniform(0.98, 1.02)
        ring.append(
            [
                centre.lon
                + distance * math.sin(bearing) / (per_degree * math.cos(math.radians(centre.lat))),
                centre.lat + distance * math.cos(bearing) / per_degree,
            ]
        )
    return [*ring, ring[0]]


def random_region(rng: random.Random, centre: "geo.Point") -> dict[str, Any]:
    """A neighbourhood's shape around ``centre`` as a force's file gives it (a GeoJSON Polygon
    or MultiPolygon): 2 to 8 km across, 200 to 2,000 vertices in all; one in eight with a
    hole (a park, an estate of the next neighbourhood), one in six with a detached part (a
    village of its own a kilometre or two off)."""
    from areas.geo import EARTH_RADIUS_M, Point

    radius = rng.uniform(1_000, 4_000)
    vertices = round(math.exp(rng.uniform(math.log(200), math.log(2_000))))
    holed, detached = rng.random() < 1 / 8, rng.random() < 1 / 6
    hole_vertices = min(rng.randint(40, 120), vertices // 4) if holed else 0
    part_vertices = min(rng.randint(60, 180), vertices // 4) if detached else 0
    outer = wandering_ring(rng, centre, radius, vertices - hole_vertices - part_vertices)
    rings = [outer]
    if holed:
        # At most 0.44 of the radius from the centre, inside the outer ring's least reach.
        rings.append(wandering_ring(rng, centre, radius * rng.uniform(0.15, 0.3), hole_vertices))
    if not detached:
        return {"type": "Polygon", "coordinates": rings}
    part_radius = rng.uniform(300, 900)
    away = (radius + part_radius) * 1.5 + rng.uniform(200, 2_000)
    bearing = rng.uniform(0, 2 * math.pi)
    per_degree = math.radians(1) * EARTH_RADIUS_M
    part_centre = Point(
        centre.lat + away * math.cos(bearing) / per_degree,
        centre.lon + away * math.sin(bearing) / (per_degree * math.cos(math.radians(centre.lat))),
    )
    part = wandering_ring(rng, part_centre, part_radius, part_vertices)
    return {"type": "MultiPolygon", "coordinates": [rings, [part]]}


def populate_neighbourhoods(seed: int) -> list[list["Neighbourhood"]]:
    """The groups of neighbourhoods (``NEIGHBOURHOOD_GROUPS`` of twenty), stored as an
    import stores them (the shape cleaned by ``clean_region``); reused when the database
    holds them for this seed."""
    from django.db import connection, transaction
    from django.utils import timezone

    from areas import geo
    from areas.regions import clean_region
    from schemes.models import Neighbourhood

    size = GROUP_COLUMNS * GROUP_ROWS
    stored = Neighbourhood.objects.filter(force=FORCE, ref__startswith=f"bench-{seed}-")
    if (
        stored.count() != NEIGHBOURHOOD_GROUPS * size
        or Neighbourhood.objects.count() != stored.count()
    ):
        print(f"Generating {NEIGHBOURHOOD_GROUPS * size} neighbourhoods ...", flush=True)
        started = time.perf_counter()
        rng = random.Random(seed)
        per_degree = math.radians(1) * geo.EARTH_RADIUS_M
        rows = []
        for group in range(NEIGHBOURHOOD_GROUPS):
            middle = geo.Point(
                rng.uniform(SOUTH + 0.3, NORTH - 0.3), rng.uniform(WEST + 0.5, EAST - 0.5)
            )
            for index in range(size):
                column, row = index % GROUP_COLUMNS, index // GROUP_COLUMNS
                east = (column - (GROUP_COLUMNS - 1) / 2) * GROUP_SPACING_M + rng.uniform(
                    -1_000, 1_000
                )
                north = (row - (GROUP_ROWS - 1) / 2) * GROUP_SPACING_M + rng.uniform(-1_000, 1_000)
                centre = geo.Point(
                    middle.lat + north / per_degree,
                    middle.lon + east / (per_degree * math.cos(math.radians(middle.lat))),
                )
                boundary, centre, box = clean_region(random_region(rng, centre))
                rows.append(
                    Neighbourhood(
                        force=FORCE,
                        ref=f"bench-{seed}-{group}-{index}",
                        name=f"Neighbourhood {group}-{index}",
                        boundary=boundary,
                        centre_lat=centre.lat,
                        centre_lon=centre.lon,
                        bbox_south=box.south,
                        bbox_west=box.west,
                        bbox_north=box.north,
                        bbox_east=box.east,
                        imported_at=timezone.now(),
                    )
                )
        with transaction.atomic():
            Neighbourhood.objects.all().delete()
            Neighbourhood.objects.bulk_create(rows, batch_size=100)
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_postgis_neighbourhood")
        print(f"  done in {time.perf_counter() - started:.1f} s", flush=True)
    else:
        print(f"Reusing {stored.count()} neighbourhoods already in the database.")
    by_ref = {n.ref: n for n in stored}
    return [
        [by_ref[f"bench-{seed}-{group}-{index}"] for index in range(size)]
        for group in range(NEIGHBOURHOOD_GROUPS)
    ]


def postgis_neighbourhoods_ready() -> None:
    """The neighbourhoods beside the schemes' copy (``postgis_ready``), looked up by id as the
    stored neighbourhoods are: as geography, and as geometry in the British National Grid
    (metres on a plane, as a British user of PostGIS would store them), with the schemes
    likewise (a GiST index on each)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('bench_postgis_neighbourhood')")
        if cursor.fetchone()[0] is None:
            cursor.execute(
                """
                CREATE TABLE bench_postgis_neighbourhood AS
                SELECT id, area, ST_Transform(area::geometry, 27700) AS grid
                FROM (
                    SELECT id,
                           ST_SetSRID(ST_GeomFromGeoJSON(boundary::text), 4326)::geography
                           AS area
                    FROM schemes_neighbourhood
                ) AS shapes
                """
            )
            cursor.execute("ALTER TABLE bench_postgis_neighbourhood ADD PRIMARY KEY (id)")
            cursor.execute("VACUUM ANALYZE bench_postgis_neighbourhood")
        cursor.execute("SELECT to_regclass('bench_postgis_scheme_grid')")
        if cursor.fetchone()[0] is None:
            print("Copying the schemes into a PostGIS geometry column (grid) ...", flush=True)
            cursor.execute(
                """
                CREATE TABLE bench_postgis_scheme_grid AS
                SELECT id, force, status, radius_m, ST_Transform(area::geometry, 27700) AS area
                FROM bench_postgis_scheme
                """
            )
            cursor.execute("ALTER TABLE bench_postgis_scheme_grid ADD PRIMARY KEY (id)")
            cursor.execute("CREATE INDEX ON bench_postgis_scheme_grid USING gist (area)")
            cursor.execute("VACUUM ANALYZE bench_postgis_scheme_grid")


def neighbourhood_alerts(
    groups: list[list["Neighbourhood"]], count: int, runs: int, rng: random.Random
) -> list["Alert"]:
    """``runs`` unsaved alerts, each to ``count`` neighbourhoods of a group side by side (the
    nearest to one of them), carrying their copies as a drafted alert does
    (``notifications.services``)."""
    from areas import geo
    from notifications.models import Alert

    alerts = []
    for run in range(runs):
        group = groups[run % len(groups)]
        pivot = rng.choice(group)
        chosen = sorted(
            group,
            key=lambda n: (
                (n.centre_lat - pivot.centre_lat) ** 2
                + ((n.centre_lon - pivot.centre_lon) * math.cos(math.radians(n.centre_lat))) ** 2
            ),
        )[:count]
        box = geo.BBox(
            min(n.bbox_south for n in chosen),
            min(n.bbox_west for n in chosen),
            max(n.bbox_north for n in chosen),
            max(n.bbox_east for n in chosen),
        )
        # What an issuer could send: larger unions are refused as "choose fewer".
        assert geo.bbox_fits(box), box
        copies = [
            {"id": n.pk, "ref": n.ref, "name": n.name, "boundary": n.boundary} for n in chosen
        ]
        alerts.append(Alert(force=FORCE, scheme_kinds=[], neighbourhoods=copies))
    return alerts


# A scheme is reached when its area touches any of the neighbourhoods: a polygon when they
# intersect, a circle when the neighbourhood comes within its radius (ST_DWithin on the
# spheroid). The constant-distance ST_DWithin (the largest scheme radius) is the one the
# GiST index serves, once per neighbourhood.
POSTGIS_NEIGHBOURHOODS = """
    SELECT DISTINCT s.id
    FROM bench_postgis_neighbourhood n
    JOIN bench_postgis_scheme s ON ST_DWithin(s.area, n.area, %(reach)s)
    WHERE n.id = ANY(%(ids)s) AND s.force = %(force)s AND s.status = 'active'
      AND CASE WHEN s.radius_m IS NULL THEN ST_Intersects(s.area, n.area)
          ELSE ST_DWithin(s.area, n.area, s.radius_m)
      END
"""

# The same on the plane of the British National Grid: GEOS's prepared geometry for the
# polygons, planar distance for the circles (within 0.1% of the ground's in England and
# Wales).
POSTGIS_NEIGHBOURHOODS_GRID = """
    SELECT DISTINCT s.id
    FROM bench_postgis_neighbourhood n
    JOIN bench_postgis_scheme_grid s ON ST_DWithin(s.area, n.grid, %(reach)s)
    WHERE n.id = ANY(%(ids)s) AND s.force = %(force)s AND s.status = 'active'
      AND CASE WHEN s.radius_m IS NULL THEN ST_Intersects(s.area, n.grid)
          ELSE ST_DWithin(s.area, n.grid, s.radius_m)
      END
"""

# The same, measured as Patchwatch measures (``areas.regions``): polygons meet in longitude
# and latitude as plain coordinates (geometry: the flat projection is an affine map of them),
# a circle reaches a neighbourhood by the distance in the flat projection centred on the
# circle's centre. The spheroid settles the circles far from the edge; the projection the
# few within 1% of it. The rows PostGIS must agree with exactly.
POSTGIS_NEIGHBOURHOODS_SAME_MODEL = """
    SELECT DISTINCT s.id
    FROM bench_postgis_neighbourhood n
    JOIN bench_postgis_scheme s ON ST_DWithin(s.area, n.area, %(reach)s * 1.01)
    WHERE n.id = ANY(%(ids)s) AND s.force = %(force)s AND s.status = 'active'
      AND CASE
          WHEN s.radius_m IS NULL THEN ST_Intersects(s.area::geometry, n.area::geometry)
          WHEN ST_DWithin(s.area, n.area, s.radius_m * 0.99) THEN true
          WHEN NOT ST_DWithin(s.area, n.area, s.radius_m * 1.01) THEN false
          ELSE ST_DWithin(
              ST_Transform(
                  n.area::geometry,
                  %(sphere)s,
                  concat(
                      '+proj=eqc +lat_ts=', ST_Y(s.area::geometry),
                      ' +lat_0=', ST_Y(s.area::geometry),
                      ' +lon_0=', ST_X(s.area::geometry),
                      ' +R=', %(earth)s::float8, ' +units=m +no_defs'
                  )
              ),
              ST_MakePoint(0, 0),
              s.radius_m
          )
      END
"""

# How far a scheme both ways of measuring disagree about lies from touching the nearest of
# the neighbourhoods, on the spheroid: a circle's distance less its radius, and for a
# polygon the distance between the two outlines (zero when they cross).
POSTGIS_NEIGHBOURHOOD_EDGES = """
    SELECT s.id, s.radius_m, min(
        CASE WHEN s.radius_m IS NULL
            THEN ST_Distance(ST_Boundary(s.area::geometry)::geography,
                             ST_Boundary(n.area::geometry)::geography)
            ELSE ST_Distance(s.area, n.area) - s.radius_m
        END
    )
    FROM bench_postgis_scheme s, bench_postgis_neighbourhood n
    WHERE s.id = ANY(%(schemes)s) AND n.id = ANY(%(ids)s)
    GROUP BY s.id, s.radius_m
"""

# Straight edges in longitude and latitude against the great circles of geography: a
# scheme's polygon (sides of up to 8 km) bows by up to a couple of metres between them.
POLYGON_EDGE_M = 5.0


def neighbourhood_parameters(alert: "Alert", largest_radius: float) -> dict[str, Any]:
    from areas.geo import EARTH_RADIUS_M

    return {
        "force": FORCE,
        "ids": [n["id"] for n in alert.neighbourhoods],
        "reach": largest_radius,
        "sphere": f"+proj=longlat +R={EARTH_RADIUS_M} +no_defs",
        "earth": EARTH_RADIUS_M,
    }


def bench_neighbourhoods(runs: int, seed: int, *, postgis: bool) -> list[str]:
    from django.db import connection

    from notifications.selectors import alert_scheme_ids
    from schemes.models import Scheme

    groups = populate_neighbourhoods(seed)
    largest = 0.0
    if postgis:
        postgis_neighbourhoods_ready()
        largest = largest_scheme_radius()
    vertices = [
        sum(len(ring) for polygon in n.boundary["coordinates"] for ring in polygon)
        for group in groups
        for n in group
    ]
    parts = [len(n.boundary["coordinates"]) for group in groups for n in group]
    holes = [
        sum(len(polygon) - 1 for polygon in n.boundary["coordinates"])
        for group in groups
        for n in group
    ]
    print(
        f"\nAlerts to policing neighbourhoods over {Scheme.objects.count():,} schemes: "
        f"{len(vertices)} neighbourhoods in {len(groups)} groups of {len(groups[0])}, "
        f"{min(vertices)} to {max(vertices)} vertices (median {statistics.median(vertices):.0f}), "
        f"{sum(p > 1 for p in parts)} in two parts, {sum(h > 0 for h in holes)} with a hole"
    )

    def ours(alert: "Alert") -> list[int]:
        return alert_scheme_ids(alert=alert)

    def spheroid(alert: "Alert") -> set[int]:
        return postgis_ids(POSTGIS_NEIGHBOURHOODS, neighbourhood_parameters(alert, largest))

    def before(alert: "Alert") -> list[int]:
        return before_alert_scheme_ids(alert=alert)

    def grid(alert: "Alert") -> set[int]:
        return postgis_ids(POSTGIS_NEIGHBOURHOODS_GRID, neighbourhood_parameters(alert, largest))

    def near_the_edge(alert: "Alert", differing: set[int]) -> None:
        """Each scheme in ``differing`` lies within 0.5% (a circle) or ``POLYGON_EDGE_M`` (a
        polygon) of touching the nearest of the alert's neighbourhoods."""
        if not differing:
            return
        parameters = {**neighbourhood_parameters(alert, largest), "schemes": list(differing)}
        with connection.cursor() as cursor:
            cursor.execute(POSTGIS_NEIGHBOURHOOD_EDGES, parameters)
            for pk, radius, apart in cursor.fetchall():
                bound = POLYGON_EDGE_M if radius is None else radius * 0.005
                assert abs(apart) <= bound, (pk, radius, apart)

    rng = random.Random(seed)
    width = 58
    lines = []
    for count in NEIGHBOURHOODS_PER_ALERT:
        alerts = neighbourhood_alerts(groups, count, runs, rng)
        # Agreement first, for every alert: the same schemes found by each.
        found, edge_cases = [], {"postgis": 0, "grid": 0}
        for alert in alerts:
            matched = set(ours(alert))
            found.append(len(matched))
            assert matched == set(before(alert)), "before differs"
            if not postgis:
                continue
            same_model = postgis_ids(
                POSTGIS_NEIGHBOURHOODS_SAME_MODEL, neighbourhood_parameters(alert, largest)
            )
            assert matched == same_model, f"PostGIS differs: {matched ^ same_model}"
            # On the spheroid, or on the grid's plane, a scheme within a whisker of touching
            # may fall the other way.
            for label, call in (("postgis", spheroid), ("grid", grid)):
                differing = matched ^ call(alert)
                near_the_edge(alert, differing)
                edge_cases[label] += len(differing)

        calls: dict[str, Callable[[Alert], object]] = {"ours": ours, "before": before}
        if postgis:
            calls |= {"postgis": spheroid, "grid": grid}
        samples, cpu = time_each(alerts, calls)
        print(
            f"\n  An alert to {count} neighbourhood{'s' if count > 1 else ''}, {runs} alerts "
            f"({statistics.mean(found):.0f} schemes reached on average"
            + ("; the same schemes every time from each)" if postgis else ")")
        )
        report("    alert_scheme_ids (now)", samples["ours"], cpu_note(cpu["ours"]), width=width)
        report(
            "    alert_scheme_ids (before: a query each)",
            samples["before"],
            cpu_note(cpu["before"]),
            width=width,
        )
        median = statistics.median(samples["ours"])
        line = (
            f"Alert to {count:>2} neighbourhood(s): {median:6.2f} ms "
            f"(before {statistics.median(samples['before']):.2f} ms)"
        )
        if not postgis:
            lines.append(line + " (no target set; PostGIS SKIPPED)")
            continue
        ratios = []
        for label, key in (
            ("    PostGIS ST_Intersects/ST_DWithin, geography + GiST", "postgis"),
            ("    PostGIS the same, geometry (national grid) + GiST", "grid"),
        ):
            report(label, samples[key], cpu_note(cpu[key]), width=width)
            ratio = median / statistics.median(samples[key])
            ratio_p95 = p95(samples["ours"]) / p95(samples[key])
            print(f"      ratio to it: median {ratio:.2f}x, p95 {ratio_p95:.2f}x")
            ratios.append(ratio)
        print(
            f"    PostGIS agreed on every alert when measuring as areas.regions does; "
            f"{edge_cases['postgis']} scheme(s) on the spheroid and {edge_cases['grid']} on "
            f"the grid, each within 0.5% (a circle) or {POLYGON_EDGE_M:g} m (a polygon) of "
            "touching, fell the other way"
        )
        lines.append(
            f"{line}, {ratios[0]:.2f}x PostGIS on geography, {ratios[1]:.2f}x on geometry "
            "(no target set)"
        )
    return lines


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
    parser.add_argument(
        "--neighbourhood-alerts",
        type=int,
        default=100,
        help="alerts of each size to neighbourhoods (PostGIS on geography takes seconds each)",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--plans", action="store_true", help="print the query plans")
    parser.add_argument(
        "--only", choices=["matching", "neighbourhoods", "near"], help="run one part alone"
    )
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
    figures: list[str] = []
    if args.only in (None, "matching", "neighbourhoods"):
        use_database(url_for(args.schemes))
        populate(args.schemes, args.seed)
        problem = postgis_ready()
        if problem:
            print(f"\nPostGIS is not available ({problem}): the comparison is SKIPPED.")
        if args.only != "neighbourhoods":
            targets += bench_matching(args.runs, random.Random(args.seed), postgis=problem is None)
            if args.plans:
                point = random_points(random.Random(args.seed), 1)[0]
                show_plan(point, None if problem else largest_scheme_radius())
        if args.only != "matching":
            figures += bench_neighbourhoods(
                args.neighbourhood_alerts, args.seed, postgis=problem is None
            )
    for count in args.near_schemes if args.only in (None, "near") else []:
        use_database(url_for(count))
        populate(count, args.seed)
        targets += bench_near(count, args.runs, random.Random(args.seed))

    if targets:
        print("\nTargets (medians; a shared 2-core machine: re-run before trusting a close call):")
        for line in targets:
            print("  " + line)
    if figures:
        print("\nFigures without a target (medians):")
        for line in figures:
            print("  " + line)


if __name__ == "__main__":
    main()
