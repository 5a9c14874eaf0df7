"""Benchmark: the scheme directory's hot paths on PostgreSQL.

Fills a separate database with schemes spread over England and Wales (circles and
polygons, with members), then times:

- geo matching alone (``schemes_near``: the SQL bounding-box prefilter plus the exact
  geodesic/polygon check) for "near me" searches at random points;
- the whole ``GET /api/v1/schemes/`` endpoint, in-process, for "near me", a plain page of
  the directory, a deep page and a text search;
- the query plan of the prefilter, to show it uses the index on the box columns.

Usage:  .venv/bin/python bench/directory.py [--schemes 20000] [--runs 200]
Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/patchwatch_bench);
the database is created if missing and reused when it already holds the requested data.
"""

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.measure import django_on_own_database, report, timed  # noqa: E402

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from schemes.models import Scheme

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/patchwatch_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
os.environ["API_THROTTLE_ANON"] = "100000000/hour"
os.environ.setdefault("LOG_LEVEL", "WARNING")

# England and Wales, roughly: where generated schemes are placed.
SOUTH, NORTH, WEST, EAST = 50.6, 53.9, -4.3, 1.6


def random_schemes(
    count: int, rng: random.Random, *, active_only: bool = False
) -> Iterator["Scheme"]:
    """Unsaved schemes spread over England and Wales: circles of 300 m to 3 km, and every
    fifth a polygon a few kilometres across; one in ten proposed unless ``active_only``."""
    from areas.models import area_fields
    from schemes.models import Scheme

    kinds = ["neighbourhood", "speedwatch", "countryside"]
    for n in range(count):
        lat, lon = rng.uniform(SOUTH, NORTH), rng.uniform(WEST, EAST)
        if n % 5 == 4:
            half_lat, half_lon = rng.uniform(0.005, 0.04), rng.uniform(0.008, 0.06)
            ring = [
                [lon - half_lon, lat - half_lat],
                [lon + half_lon, lat - half_lat],
                [lon + half_lon * 0.6, lat + half_lat],
                [lon - half_lon, lat + half_lat * 0.8],
                [lon - half_lon, lat - half_lat],
            ]
            area = area_fields(boundary={"type": "Polygon", "coordinates": [ring]})
        else:
            area = area_fields(lat=lat, lon=lon, radius_m=rng.randint(300, 3000))
        yield Scheme(
            name=f"Scheme {n}",
            kind=kinds[n % 3],
            force="cambridgeshire",
            status="active" if n % 10 or active_only else "proposed",
            description="Bench scheme",
            **area,
        )


def populate(count: int, rng: random.Random) -> None:
    from django.db import transaction

    from accounts.models import User
    from schemes.models import Membership, Scheme

    if Scheme.objects.count() == count:
        print(f"Reusing {count:,} schemes already in the database.")
        return
    print(f"Generating {count:,} schemes with members ...", flush=True)
    started = time.perf_counter()
    with transaction.atomic():
        Membership.objects.all().delete()
        Scheme.objects.all().delete()
        User.objects.filter(email__endswith="@bench.invalid").delete()
        users = User.objects.bulk_create(
            User(email=f"member{n}@bench.invalid", name=f"Member {n}", password="!")
            for n in range(2000)
        )
        schemes = Scheme.objects.bulk_create(random_schemes(count, rng), batch_size=2000)
        Membership.objects.bulk_create(
            (
                Membership(scheme=scheme, user=user, status="active", role="volunteer")
                for scheme in schemes
                for user in rng.sample(users, 8)
            ),
            batch_size=5000,
        )
    print(f"  done in {time.perf_counter() - started:.1f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--schemes", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    django_on_own_database()
    from django.db import connection
    from django.test import Client

    from areas import geo
    from schemes import selectors
    from schemes.models import Scheme

    rng = random.Random(args.seed)
    populate(args.schemes, rng)
    with connection.cursor() as cursor:
        # Vacuumed as autovacuum would have long since on a table this size: "near me" reads
        # its candidates from an index alone only where the table's visibility map says
        # every row is visible to every transaction.
        cursor.execute("VACUUM ANALYZE schemes_scheme")
        cursor.execute("ANALYZE")

    points = [
        geo.Point(rng.uniform(SOUTH + 0.3, NORTH - 0.3), rng.uniform(WEST + 0.3, EAST - 0.3))
        for _ in range(args.runs)
    ]
    client = Client()
    print(f"\n{args.schemes:,} schemes, {args.runs} runs each, PostgreSQL, in-process\n")

    for radius in (5_000, 25_000):
        found: list[int] = []
        cycle = iter(points * 2)

        def match(
            radius: int = radius, found: list[int] = found, cycle: Iterator[geo.Point] = cycle
        ) -> None:
            schemes = selectors.schemes_visible_to(user=_anonymous())
            found.append(
                len(selectors.schemes_near(schemes=schemes, point=next(cycle), radius_m=radius))
            )

        samples = timed(args.runs, match)
        report(
            f"geo matching, {radius // 1000} km radius",
            samples,
            f"({statistics.mean(found):.1f} schemes found on average)",
        )

    for radius in (5_000, 25_000):
        cycle = iter(points * 2)

        def near(radius: int = radius, cycle: Iterator[geo.Point] = cycle) -> None:
            point = next(cycle)
            response = client.get(
                "/api/v1/schemes/",
                {"lat": str(point.lat), "lon": str(point.lon), "radius_m": str(radius)},
            )
            assert response.status_code == 200, response.content

        report(f"GET /schemes/ near me, {radius // 1000} km", timed(args.runs, near))

    def page(number: int) -> Callable[[], None]:
        def call() -> None:
            response = client.get("/api/v1/schemes/", {"page": number, "page_size": 20})
            assert response.status_code == 200, response.content

        return call

    report("GET /schemes/ first page (20 rows)", timed(args.runs, page(1)))
    report("GET /schemes/ page 500 (20 rows)", timed(args.runs, page(500)))

    def search() -> None:
        response = client.get("/api/v1/schemes/", {"q": "Scheme 1234", "kind": "speedwatch"})
        assert response.status_code == 200, response.content

    report("GET /schemes/?q=...&kind=speedwatch", timed(args.runs, search))

    box = geo.circle_bbox(points[0], 5_000)
    plan_sql = selectors.schemes_in_bbox(Scheme.objects.all(), box).query
    sql, params = plan_sql.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ANALYZE {sql}", params)
        plan = [row[0] for row in cursor.fetchall()]
    print("\nQuery plan of the bounding-box prefilter (5 km):")
    for line in plan:
        print("  " + line)


def _anonymous() -> "AnonymousUser":
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


if __name__ == "__main__":
    main()
