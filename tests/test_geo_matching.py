"""Geo matching at the edges: which schemes an alert's area touches, and "near me", decided
by the cheap tests (great-circle bounds, bounding boxes, nearest corners) exactly as the
geodesic and shapely decide them."""

import json
import math
import random
import re

import numpy as np
import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from geopy.distance import distance as geodesic_distance

from areas import geo
from areas.models import area_fields
from core import numbers
from notifications.selectors import scheme_ids_touched_by
from schemes import selectors
from schemes.models import Scheme
from tests.factories import SchemeFactory

pytestmark = pytest.mark.django_db

CAMBRIDGE = geo.Point(52.2053, 0.1218)
FORCE = "cambridgeshire"


def _towards(point: geo.Point, metres: float, bearing: float) -> geo.Point:
    there = geodesic_distance(meters=metres).destination((point.lat, point.lon), bearing=bearing)
    return geo.Point(there.latitude, there.longitude)


def _matched(alert: geo.Area, kinds: list[str] | None = None) -> set[int]:
    box = (
        geo.circle_bbox(alert.centre, float(alert.radius_m or 0))
        if alert.boundary is None
        else geo.polygon_bbox(geo.polygon_ring(alert.boundary))
    )
    return set(scheme_ids_touched_by(area=alert, box=box, force=FORCE, kinds=kinds or []))


def _square(west: float, south: float, east: float, north: float) -> dict:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def _flat_lon(origin: geo.Point, metres: float) -> float:
    """The longitude ``metres`` east of ``origin`` in areas.geo's flat projection around it."""
    return origin.lon + math.degrees(
        metres / (geo.EARTH_RADIUS_M * math.cos(math.radians(origin.lat)))
    )


@pytest.mark.parametrize("bearing", [0, 45, 90, 180, 270])
@pytest.mark.parametrize(("gap_m", "reached"), [(-0.5, True), (0.5, False)])
def test_a_circle_half_a_metre_inside_or_outside_an_alert(bearing, gap_m, reached) -> None:
    # A 10 km alert and a 2 km scheme whose edges are half a metre apart, or overlap by as
    # much: well inside the band where only the geodesic can tell.
    centre = _towards(CAMBRIDGE, 12_000 + gap_m, bearing)
    scheme = SchemeFactory(lat=centre.lat, lon=centre.lon, radius=2000)
    assert _matched(geo.Area(CAMBRIDGE, radius_m=10_000)) == ({scheme.pk} if reached else set())


@pytest.mark.parametrize(("gap_m", "reached"), [(-0.5, True), (0.5, False)])
def test_a_polygon_half_a_metre_inside_or_outside_an_alert(gap_m, reached) -> None:
    # A square whose western edge is 10 km east of the alert's centre, give or take half a
    # metre, as areas.geo measures polygons; its box reaches 3 km either side.
    west = _flat_lon(CAMBRIDGE, 10_000 + gap_m)
    boundary = _square(west, CAMBRIDGE.lat - 0.03, west + 0.05, CAMBRIDGE.lat + 0.03)
    scheme = SchemeFactory(polygon=boundary)
    assert _matched(geo.Area(CAMBRIDGE, radius_m=10_000)) == ({scheme.pk} if reached else set())


def test_a_polygon_whose_box_is_within_reach_but_not_the_polygon() -> None:
    # A triangle whose bounding box comes within 300 m of the alert's centre, but whose
    # nearest edge passes 4 km away: the box alone must not settle it.
    lat, lon = CAMBRIDGE.lat, CAMBRIDGE.lon
    ring = [[lon + 0.002, lat + 0.05], [lon + 0.08, lat + 0.002], [lon + 0.08, lat + 0.05]]
    triangle = SchemeFactory(polygon={"type": "Polygon", "coordinates": [[*ring, ring[0]]]})
    box = geo.polygon_bbox(ring)
    assert geo.Reach(CAMBRIDGE, 1000).box_distance_m(box.south, box.west, box.north, box.east) < 500
    assert _matched(geo.Area(CAMBRIDGE, radius_m=3900)) == set()
    assert _matched(geo.Area(CAMBRIDGE, radius_m=4100)) == {triangle.pk}
    assert geo.distance_to_polygon_m(CAMBRIDGE, ring) == pytest.approx(4020, abs=10)


def test_polygons_touching_along_an_edge_or_at_a_corner() -> None:
    lat, lon = CAMBRIDGE.lat, CAMBRIDGE.lon
    alert = geo.Area(CAMBRIDGE, boundary=_square(lon - 0.02, lat - 0.01, lon, lat + 0.01))
    along_edge = SchemeFactory(polygon=_square(lon, lat - 0.005, lon + 0.02, lat + 0.005))
    at_corner = SchemeFactory(polygon=_square(lon, lat + 0.01, lon + 0.02, lat + 0.02))
    SchemeFactory(polygon=_square(lon + 0.0001, lat - 0.01, lon + 0.02, lat + 0.01))  # a gap
    SchemeFactory(lat=lat, lon=lon + 0.005, radius=300)  # a circle 40 m short of the edge
    touching = SchemeFactory(lat=lat, lon=lon + 0.005, radius=350)
    assert _matched(alert) == {along_edge.pk, at_corner.pk, touching.pk}


def test_matching_agrees_with_areas_intersect_on_many_schemes() -> None:
    # Circles and polygons scattered around, many of them near the edges of the alerts.
    rng = random.Random(14)
    schemes = []
    for n in range(400):
        centre = _towards(CAMBRIDGE, rng.uniform(0, 16_000), rng.uniform(0, 360))
        if n % 3 == 0:
            half_lat, half_lon = rng.uniform(0.002, 0.03), rng.uniform(0.003, 0.05)
            area = area_fields(
                boundary=_square(
                    centre.lon - half_lon,
                    centre.lat - half_lat,
                    centre.lon + half_lon * rng.uniform(0.3, 1),
                    centre.lat + half_lat,
                )
            )
        else:
            area = area_fields(lat=centre.lat, lon=centre.lon, radius_m=rng.randint(50, 3000))
        schemes.append(
            Scheme(name=f"Watch {n}", kind="neighbourhood", force=FORCE, status="active", **area)
        )
    Scheme.objects.bulk_create(schemes)
    stored = list(Scheme.objects.all())
    for radius in (500, 4_000, 10_000, 12_345):
        alert = geo.Area(CAMBRIDGE, radius_m=radius)
        expected = {scheme.pk for scheme in stored if geo.areas_intersect(alert, scheme.area)}
        assert _matched(alert) == expected
        assert 0 < len(expected) < len(stored)


def test_matching_reads_the_candidates_in_one_query_and_skips_other_kinds() -> None:
    SchemeFactory(kind="speedwatch")
    watch = SchemeFactory(kind="neighbourhood")
    alert = geo.Area(CAMBRIDGE, radius_m=2000)
    with CaptureQueriesContext(connection) as queries:
        assert _matched(alert, kinds=["neighbourhood"]) == {watch.pk}
    (sql,) = [query["sql"] for query in queries.captured_queries]
    assert "ORDER BY" not in sql


def test_a_tall_scheme_starting_far_south_is_still_found() -> None:
    # The prefilter reads bbox_south from the search box less the tallest stored box: a
    # scheme 0.3 degrees tall whose box starts well south of the search is within it.
    lat, lon = CAMBRIDGE.lat, CAMBRIDGE.lon
    tall = SchemeFactory(polygon=_square(lon - 0.01, lat - 0.3, lon + 0.01, lat + 0.001))
    small = SchemeFactory(lat=lat + 0.01, lon=lon, radius=500)
    assert _matched(geo.Area(CAMBRIDGE, radius_m=1000)) == {tall.pk, small.pk}
    nearby = selectors.schemes_near(schemes=Scheme.objects.all(), point=CAMBRIDGE, radius_m=1000)
    assert [scheme.pk for scheme in nearby[:]] == [tall.pk, small.pk]


def test_the_geodesic_bounds_from_the_great_circle_hold() -> None:
    rng = random.Random(7)
    for _ in range(3000):
        a = geo.Point(rng.uniform(geo.SOUTH, geo.NORTH), rng.uniform(geo.WEST, geo.EAST))
        b = _towards(a, rng.choice([1, 50, 1000, 20_000, 60_000, 190_000]), rng.uniform(0, 360))
        sphere = geo.Reach(a, 0).great_circle_m(b.lat, b.lon)
        least, greatest = geo._geodesic_bounds(sphere, a.lat, b.lat)
        assert least <= geo.distance_m(a, b) <= greatest
        assert greatest - least < sphere * 0.004  # the band is narrow in England and Wales


def test_near_me_pages_are_the_slices_of_everything_sorted() -> None:
    rng = random.Random(3)
    schemes = []
    for n in range(150):
        centre = _towards(CAMBRIDGE, rng.uniform(0, 9_000), rng.uniform(0, 360))
        if n % 4 == 0:
            area = area_fields(
                boundary=_square(centre.lon, centre.lat, centre.lon + 0.01, centre.lat + 0.008)
            )
        else:
            # Some share a radius and a distance, so the order by name decides among them.
            area = area_fields(lat=centre.lat, lon=centre.lon, radius_m=rng.choice([300, 800]))
        schemes.append(
            Scheme(
                name=f"Watch {n % 40:02}",
                kind="neighbourhood",
                force=FORCE,
                status="active",
                **area,
            )
        )
    Scheme.objects.bulk_create(schemes)
    everything = []
    for scheme in Scheme.objects.all():
        distance = geo.distance_to_area_m(
            CAMBRIDGE,
            centre=geo.Point(scheme.centre_lat, scheme.centre_lon),
            radius_m=scheme.radius_m,
            boundary=scheme.boundary,
        )
        if distance <= 6000:
            everything.append((round(distance), scheme.name, scheme.pk))
    everything.sort()
    visible = selectors.schemes_visible_to(user=AnonymousUser())
    nearby = selectors.schemes_near(schemes=visible, point=CAMBRIDGE, radius_m=6000)
    with CaptureQueriesContext(connection) as queries:
        assert len(nearby) == len(everything)
    # The count reads the boundaries of the polygons across the edge of reach, in one query.
    assert [_reading(query) for query in queries.captured_queries] == ["boundaries"]
    pages = []
    for start in range(0, len(nearby), 20):
        with CaptureQueriesContext(connection) as queries:
            page = nearby[start : start + 20]
        # The boundaries the page's order depends on, when some were not read before, and
        # the page's rows: never a query for each scheme.
        read = [_reading(query) for query in queries.captured_queries]
        assert read in (["rows"], ["boundaries", "rows"])
        pages += [(scheme.distance_m, scheme.name, scheme.pk) for scheme in page]
    assert pages == everything
    assert nearby[-1].pk == everything[-1][2]


def _reading(query: dict) -> str:
    """What a query of ``schemes_near``'s answer reads: polygons' boundaries by id, or the
    page's rows."""
    sql = query["sql"]
    if sql.startswith("SELECT id, CAST(boundary AS TEXT) FROM schemes_scheme WHERE id IN"):
        return "boundaries"
    assert '"schemes_scheme"."id" IN' in sql, sql
    return "rows"


def test_near_me_reads_the_boundaries_of_the_polygons_it_must_measure_only() -> None:
    lat, lon = CAMBRIDGE.lat, CAMBRIDGE.lon
    # The search is inside a square, and circles crowd around it; a square across the edge
    # of the 6 km reach, one beyond it, and squares well inside reach but farther than every
    # circle.
    inside = SchemeFactory(
        name="Inside", polygon=_square(lon - 0.01, lat - 0.01, lon + 0.01, lat + 0.01)
    )
    circles = [
        SchemeFactory(name=f"Circle {n}", lat=there.lat, lon=there.lon, radius=200)
        for n, there in enumerate(_towards(CAMBRIDGE, 1500, 36 * n) for n in range(10))
    ]
    across = _flat_lon(CAMBRIDGE, 5950)
    edge = SchemeFactory(name="Edge", polygon=_square(across, lat - 0.01, across + 0.01, lat))
    beyond = _flat_lon(CAMBRIDGE, 6200)
    SchemeFactory(name="Beyond", polygon=_square(beyond, lat - 0.01, beyond + 0.01, lat))
    far = [
        SchemeFactory(
            name=f"Far {n}", polygon=_square(lon - 0.005, south, lon + 0.005, south + 0.004)
        )
        for n, south in enumerate([lat + 0.035, lat + 0.04, lat - 0.049])
    ]
    visible = selectors.schemes_visible_to(user=AnonymousUser())
    nearby = selectors.schemes_near(schemes=visible, point=CAMBRIDGE, radius_m=6000)
    with CaptureQueriesContext(connection) as queries:
        page = nearby[0:5]
    boundaries, _ = queries.captured_queries
    # The square the search is in comes first, then circles, measured without reading
    # anything; the square across the edge is read for the count.
    read = {int(pk) for pk in re.findall(r"\d+", boundaries["sql"].split(" IN ")[1])}
    assert read == {inside.pk, edge.pk}
    assert [scheme.name for scheme in page] == ["Inside", *(f"Circle {n}" for n in range(4))]
    assert [scheme.distance_m for scheme in page] == [0, 1300, 1300, 1300, 1300]
    # The farther squares are read when a page reaches them, and come in the same order.
    with CaptureQueriesContext(connection) as queries:
        rest = nearby[5:20]
    assert [_reading(query) for query in queries.captured_queries] == ["boundaries", "rows"]
    assert [scheme.pk for scheme in rest] == [
        *(circle.pk for circle in circles[4:]),
        *(square.pk for square in far),
        edge.pk,
    ]
    assert [(scheme.distance_m, scheme.name, scheme.pk) for scheme in [*page, *rest]] == (
        _everything_sorted(CAMBRIDGE, 6000)
    )


def _everything_sorted(point: geo.Point, radius_m: float) -> list[tuple[int, str, int]]:
    """(metres, name, id) of every scheme within reach, in order, measured one by one."""
    everything = []
    for scheme in Scheme.objects.all():
        distance = geo.distance_to_area_m(
            point,
            centre=geo.Point(scheme.centre_lat, scheme.centre_lon),
            radius_m=scheme.radius_m,
            boundary=scheme.boundary,
        )
        if distance <= radius_m:
            everything.append((round(distance), scheme.name, scheme.pk))
    return sorted(everything)


def test_a_polygon_is_no_farther_than_the_farther_end_of_a_side_of_its_box() -> None:
    # The bounds near me and matching settle polygons on: the nearest point of the box, and
    # the least distance to the farther end of a side, each of which holds a vertex.
    rng = random.Random(5)
    for _ in range(2000):
        centre = geo.Point(rng.uniform(50, 55), rng.uniform(-5, 1.5))
        corner = _towards(centre, rng.uniform(0, 30_000), rng.uniform(0, 360))
        ring = [
            [corner.lon + rng.uniform(0, 0.06), corner.lat + rng.uniform(0, 0.04)]
            for _ in range(rng.randint(3, 7))
        ]
        ring.append(ring[0])
        box = geo.polygon_bbox(ring)
        reach = geo.Reach(centre, 1000)
        nearest, reached = reach.box_distances_many(
            *(np.array([side]) for side in (box.south, box.west, box.north, box.east))
        )
        distance = geo.distance_to_polygon_m(centre, ring)
        assert nearest[0] - 1e-6 <= distance <= reached[0] + 1e-6


def test_the_prefilter_finds_every_box_that_overlaps_and_no_other() -> None:
    # Boxes starting on, just below and just above the edges of the bands of latitude the
    # index is read by, and searches whose boxes start and end on them too.
    rng = random.Random(8)
    edges = [52.0, 52.1, 52.2, 52.3]
    schemes = []
    for n in range(300):
        south = rng.choice(edges) + rng.choice([0.0, -1e-9, 1e-9, rng.uniform(-0.1, 0.1)])
        west = rng.uniform(-0.2, 0.4)
        north, east = south + rng.uniform(0.001, 0.09), west + rng.uniform(0.001, 0.15)
        schemes.append(
            Scheme(
                name=f"Box {n}",
                kind="neighbourhood",
                force=FORCE,
                status="active",
                **area_fields(boundary=_square(west, south, east, north)),
            )
        )
    Scheme.objects.bulk_create(schemes)
    stored = list(Scheme.objects.all())
    for _ in range(60):
        south = rng.choice(edges) + rng.choice([0.0, rng.uniform(-0.05, 0.05)])
        west = rng.uniform(-0.2, 0.4)
        box = geo.BBox(south, west, south + rng.uniform(0.0, 0.2), west + rng.uniform(0.0, 0.3))
        found = set(
            selectors.schemes_in_bbox(Scheme.objects.all(), box).values_list("pk", flat=True)
        )
        assert found == {
            scheme.pk
            for scheme in stored
            if scheme.bbox_south <= box.north
            and scheme.bbox_north >= box.south
            and scheme.bbox_west <= box.east
            and scheme.bbox_east >= box.west
        }
        assert found


def test_the_preview_lists_the_schemes_reached_by_name_in_a_fixed_number_of_queries(
    client_for, liaison, django_assert_num_queries
) -> None:
    body = {
        "title": "Bogus callers",
        "body": "Two men claiming to be from the water board.",
        "category": "bogus_caller",
        "severity": "Moderate",
        "urgency": "Expected",
        "lat": CAMBRIDGE.lat,
        "lon": CAMBRIDGE.lon,
        "radius_m": 2000,
    }
    client = client_for(liaison)
    SchemeFactory(name="B Watch")
    SchemeFactory(name="A Watch")
    SchemeFactory(name="Far Watch", lat=52.40, lon=0.26)
    response = client.post("/api/v1/alerts/preview/", body, format="json")
    assert response.status_code == 200, response.content
    assert [(s["name"], s["status"]) for s in response.json()["schemes"]] == [
        ("A Watch", "active"),
        ("B Watch", "active"),
    ]
    with CaptureQueriesContext(connection) as few:
        client.post("/api/v1/alerts/preview/", body, format="json")
    for n in range(10):
        SchemeFactory(name=f"Watch {n}")
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.post("/api/v1/alerts/preview/", body, format="json")
    assert len(response.json()["schemes"]) == 12


def test_polygon_distances_at_once_are_shapelys_for_comparing_and_rounding() -> None:
    # Star-shaped polygons, convex and not, wound either way, around and away from the
    # point; and the point on a corner or the middle of an edge, where the ray test is
    # fragile and the distance must come out 0 all the same.
    rng = random.Random(11)
    for _ in range(300):
        point = geo.Point(rng.uniform(50, 55), rng.uniform(-5, 1))
        middle = (point.lon + rng.uniform(-0.2, 0.2), point.lat + rng.uniform(-0.15, 0.15))
        angles = sorted(rng.uniform(0, 2 * math.pi) for _ in range(rng.randint(3, 12)))
        ring = [
            [
                middle[0] + rng.uniform(0.005, 0.1) * math.cos(angle),
                middle[1] + rng.uniform(0.005, 0.07) * math.sin(angle),
            ]
            for angle in angles
        ]
        ring = [*ring, ring[0]]
        if rng.random() < 0.5:
            ring.reverse()
        corner = geo.Point(ring[1][1], ring[1][0])
        halfway = geo.Point((ring[1][1] + ring[2][1]) / 2, (ring[1][0] + ring[2][0]) / 2)
        boundary = {"type": "Polygon", "coordinates": [ring]}
        for centre in (point, corner, halfway):
            exact = geo.distance_to_polygon_m(centre, ring)
            reach = geo.Reach(centre, 10_000)
            (flat,) = reach._flat_distances([geo.ring_coordinates(boundary)])
            assert flat == pytest.approx(exact, abs=geo.Reach.FLAT_ERROR_M)
            # The edge of reach and half a metre either side of the exact distance.
            for limit in (10_000, exact, exact + 0.5, exact - 0.5):
                (settled,) = geo.Reach(centre, limit).polygon_distances_m(
                    [json.dumps(boundary)], limit_m=limit
                )
                assert (settled <= limit) == (exact <= limit)
                assert round(settled) == round(exact)


def test_proj_geodesics_are_geographiclibs_for_comparing_and_rounding() -> None:
    rng = random.Random(12)
    for _ in range(100):
        centre = geo.Point(rng.uniform(geo.SOUTH, geo.NORTH), rng.uniform(geo.WEST, geo.EAST))
        points = [
            _towards(centre, rng.choice([0, 0.3, 40, 999.5, 25_000, 190_000]), rng.uniform(0, 360))
            for _ in range(10)
        ]
        lats = [point.lat for point in points]
        lons = [point.lon for point in points]
        exact = [geo.distance_m(centre, point) for point in points]
        proj = geo.distances_m(centre, np.array(lats), np.array(lons))
        assert proj.tolist() == pytest.approx(exact, abs=geo.GEODESIC_ERROR_M)
        radii = [rng.choice([0, 300, 2000]) for _ in points]
        circles = [max(0.0, d - r) for d, r in zip(exact, radii, strict=True)]
        # The edge of reach exactly on some of them, and half a metre from others.
        for limit in (10_000, circles[0], circles[1] + 0.5, circles[2] - 0.5):
            settled = geo.Reach(centre, limit).circle_distances_m(lats, lons, radii, limit_m=limit)
            assert [d <= limit for d in settled] == [d <= limit for d in circles]
            assert [round(d) for d in settled] == [round(d) for d in circles]


def test_rows_read_in_binary_are_the_rows_read_as_text_and_counted_as_a_query() -> None:
    SchemeFactory(lat=CAMBRIDGE.lat + 1e-9, lon=CAMBRIDGE.lon - 1 / 3, radius=1234)
    SchemeFactory(polygon=_square(0.1, 52.1, 0.2, 52.2))
    sql = (
        "SELECT id, name, centre_lat, centre_lon, radius_m, CAST(boundary AS TEXT) "
        "FROM schemes_scheme WHERE radius_m IS NULL OR radius_m > %s ORDER BY id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [0])
        as_text = cursor.fetchall()
    with CaptureQueriesContext(connection) as queries:
        assert numbers.rows_of(sql, [0]) == as_text
    (logged,) = queries.captured_queries
    assert "radius_m > 0" in logged["sql"]


def test_parsed_rings_are_kept_by_their_text_within_a_budget() -> None:
    square = json.dumps(_square(0.1, 52.1, 0.2, 52.2))
    moved = json.dumps(_square(0.1, 52.1, 0.25, 52.2))
    # Room for these two: a ring of five positions is 80 bytes.
    overhead = 80 + geo._RingCache.ENTRY_OVERHEAD
    cache = geo._RingCache(budget=len(square) + len(moved) + 2 * overhead)
    first = cache.get(square)
    assert cache.get(square) is first  # parsed once
    assert cache.get(moved)[1].tolist() == [0.25, 52.1]  # an edited boundary is its own entry
    assert cache.get(square) is first
    cache.get(json.dumps(_square(0.1, 52.1, 0.3, 52.2)))  # over the budget: drops the oldest
    assert cache.get(moved)[1].tolist() == [0.25, 52.1]
    assert cache.get(square) is not first
    assert cache._size <= cache._budget
