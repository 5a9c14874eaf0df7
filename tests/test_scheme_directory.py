import math
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from geopy.distance import distance as geodesic
from geopy.exc import GeocoderServiceError
from rest_framework.test import APIClient

from areas import geo
from schemes import geocoding
from tests.factories import MembershipFactory, SchemeFactory

pytestmark = pytest.mark.django_db

SCHEMES = "/api/v1/schemes/"
CAMBRIDGE = (52.2053, 0.1218)


def _names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


def _north_of(point: tuple[float, float], metres: float) -> tuple[float, float]:
    there = geodesic(meters=metres).destination(point, bearing=0)
    return there.latitude, there.longitude


def test_directory_lists_active_schemes_to_anyone(anon: APIClient) -> None:
    active = SchemeFactory(
        name="Chesterton Neighbourhood Watch", lat=52.2195, lon=0.1360, radius=900
    )
    MembershipFactory(scheme=active)
    SchemeFactory(name="Proposed Watch", status="proposed")
    SchemeFactory(name="Suspended Watch", status="suspended")
    response = anon.get(SCHEMES)
    assert response.status_code == 200
    assert response.json() == {
        "count": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "id": active.pk,
                "name": "Chesterton Neighbourhood Watch",
                "kind": "neighbourhood",
                "kind_display": "Neighbourhood Watch",
                "status": "active",
                "force": "cambridgeshire",
                "force_name": "Cambridgeshire Constabulary",
                "lat": 52.2195,
                "lon": 0.136,
                "radius_m": 900,
                "boundary": None,
                "distance_m": None,
                "member_count": 1,
            }
        ],
    }


def test_directory_filters_by_kind_and_text(anon: APIClient) -> None:
    SchemeFactory(name="Haslingfield Community Speedwatch", kind="speedwatch")
    SchemeFactory(name="Fenland Farm Watch", kind="countryside", description="hare coursing")
    SchemeFactory(name="Mill Road Neighbourhood Watch", kind="neighbourhood")
    assert _names(anon.get(SCHEMES, {"kind": "speedwatch"})) == [
        "Haslingfield Community Speedwatch"
    ]
    assert _names(anon.get(SCHEMES, {"q": "HARE"})) == ["Fenland Farm Watch"]
    assert _names(anon.get(SCHEMES, {"q": "watch mill"})) == ["Mill Road Neighbourhood Watch"]


def test_directory_orders_by_name_or_newest(anon: APIClient) -> None:
    SchemeFactory(name="B Watch")
    SchemeFactory(name="A Watch")
    SchemeFactory(name="C Watch")
    assert _names(anon.get(SCHEMES)) == ["A Watch", "B Watch", "C Watch"]
    assert _names(anon.get(SCHEMES, {"ordering": "-created_at"})) == [
        "C Watch",
        "A Watch",
        "B Watch",
    ]


def test_near_me_orders_by_distance_and_reports_it(anon: APIClient) -> None:
    SchemeFactory(name="Far", lat=_north_of(CAMBRIDGE, 4000)[0], lon=CAMBRIDGE[1], radius=500)
    SchemeFactory(name="Here", lat=CAMBRIDGE[0], lon=CAMBRIDGE[1], radius=500)
    SchemeFactory(name="Near", lat=_north_of(CAMBRIDGE, 2000)[0], lon=CAMBRIDGE[1], radius=500)
    SchemeFactory(
        name="Out of range", lat=_north_of(CAMBRIDGE, 9000)[0], lon=CAMBRIDGE[1], radius=500
    )
    response = anon.get(SCHEMES, {"lat": CAMBRIDGE[0], "lon": CAMBRIDGE[1], "radius_m": 5000})
    rows = response.json()["results"]
    assert [(row["name"], row["distance_m"]) for row in rows] == [
        ("Here", 0),
        ("Near", 1500),
        ("Far", 3500),
    ]


@pytest.mark.parametrize(("search_radius", "found"), [(995, False), (1005, True)])
def test_near_me_radius_edge_for_a_circle(anon: APIClient, search_radius: int, found: bool) -> None:
    # The scheme's edge is 1,000 m from the searched point: 1,500 m to its centre, radius 500.
    lat, lon = _north_of(CAMBRIDGE, 1500)
    SchemeFactory(name="Edge", lat=lat, lon=lon, radius=500)
    response = anon.get(
        SCHEMES, {"lat": CAMBRIDGE[0], "lon": CAMBRIDGE[1], "radius_m": search_radius}
    )
    assert _names(response) == (["Edge"] if found else [])


@pytest.mark.parametrize(("search_radius", "found"), [(990, False), (1010, True)])
def test_near_me_radius_edge_for_a_polygon(
    anon: APIClient, search_radius: int, found: bool
) -> None:
    # A square whose southern edge lies 1,000 m north of the searched point.
    south, _ = _north_of(CAMBRIDGE, 1000)
    north, _ = _north_of(CAMBRIDGE, 3000)
    west, east = CAMBRIDGE[1] - 0.02, CAMBRIDGE[1] + 0.02
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    SchemeFactory(name="Square", polygon={"type": "Polygon", "coordinates": [ring]})
    response = anon.get(
        SCHEMES, {"lat": CAMBRIDGE[0], "lon": CAMBRIDGE[1], "radius_m": search_radius}
    )
    assert _names(response) == (["Square"] if found else [])


def test_near_me_inside_a_polygon_is_distance_zero(anon: APIClient) -> None:
    lat, lon = CAMBRIDGE
    ring = [
        [lon - 0.05, lat - 0.05],
        [lon + 0.05, lat - 0.05],
        [lon, lat + 0.05],
        [lon - 0.05, lat - 0.05],
    ]
    SchemeFactory(name="Triangle", polygon={"type": "Polygon", "coordinates": [ring]})
    rows = anon.get(SCHEMES, {"lat": lat, "lon": lon, "radius_m": 100}).json()["results"]
    assert [(row["name"], row["distance_m"]) for row in rows] == [("Triangle", 0)]


def test_near_me_by_place_uses_the_configured_geocoder(anon: APIClient, settings) -> None:
    settings.GEOCODER = "gazetteer"
    SchemeFactory(name="Ely City Neighbourhood Watch", lat=52.3986, lon=0.2622, radius=1500)
    SchemeFactory(name="Mill Road Neighbourhood Watch", lat=52.1985, lon=0.1410, radius=700)
    assert _names(anon.get(SCHEMES, {"place": "Ely"})) == ["Ely City Neighbourhood Watch"]
    # A full postcode resolves to its district (CB6: Ely).
    assert _names(anon.get(SCHEMES, {"place": "cb6 1aa"})) == ["Ely City Neighbourhood Watch"]


def test_near_me_by_place_when_no_geocoder_is_configured(anon: APIClient, settings) -> None:
    settings.GEOCODER = ""
    response = anon.get(SCHEMES, {"place": "Ely"})
    assert response.status_code == 400
    assert response.json() == {
        "place": ["Search by place is not available on this server; use lat and lon."]
    }


def test_near_me_by_unknown_place(anon: APIClient, settings) -> None:
    settings.GEOCODER = "gazetteer"
    response = anon.get(SCHEMES, {"place": "Atlantis"})
    assert response.status_code == 400
    assert response.json() == {"place": ["No place or postcode called 'Atlantis' found."]}


def test_near_me_when_the_geocoding_service_fails(anon: APIClient, settings, monkeypatch) -> None:
    # The geocoding service is a third party across the network: the one thing mocked here.
    settings.GEOCODER = "nominatim"

    def unreachable(query: str) -> None:
        raise GeocoderServiceError("connection refused")

    monkeypatch.setattr(geocoding, "_ask_service", unreachable)
    response = anon.get(SCHEMES, {"place": "Ely"})
    assert response.status_code == 503
    assert response.json() == {"detail": "The place search service is not answering; try again."}


def test_geocoder_answers_are_cached(anon: APIClient, settings, monkeypatch) -> None:
    settings.GEOCODER = "gazetteer"
    calls = []
    real = geocoding._ask_service

    def counting(query: str):
        calls.append(query)
        return real(query)

    monkeypatch.setattr(geocoding, "_ask_service", counting)
    anon.get(SCHEMES, {"place": "Ely"})
    anon.get(SCHEMES, {"place": "  ELY "})
    anon.get(SCHEMES, {"place": "Atlantis"})
    anon.get(SCHEMES, {"place": "atlantis"})
    assert calls == ["ely", "atlantis"]


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ({"lat": 52.2}, {"lon": ["Give both lat and lon."]}),
        ({"lat": 91, "lon": 0}, {"lat": ["Ensure this value is less than or equal to 90."]}),
        ({"lat": "north", "lon": 0}, {"lat": ["A valid number is required."]}),
        (
            {"lat": 48.85, "lon": 2.35},
            {
                "lat": [
                    "(48.85000, 2.35000) is outside England and Wales: check latitude and "
                    "longitude are not swapped."
                ]
            },
        ),
        (
            {"lat": 52.2, "lon": 0.1, "radius_m": 50001},
            {"radius_m": ["Search at most 50000 metres around a point."]},
        ),
        (
            {"radius_m": 100},
            {"radius_m": ["A radius needs lat and lon, or a place, to search around."]},
        ),
        (
            {"kind": "burglary"},
            {"kind": ["Select a valid choice. burglary is not one of the available choices."]},
        ),
        (
            {"lat": 52.2, "lon": 0.1, "place": "Ely"},
            {"place": ["Search by lat and lon, or by place, not both."]},
        ),
    ],
)
def test_directory_query_errors_are_field_level(anon: APIClient, query: dict, errors: dict) -> None:
    response = anon.get(SCHEMES, query)
    assert response.status_code == 400
    assert response.json() == errors


def test_directory_page_size_and_pages(anon: APIClient) -> None:
    for n in range(5):
        SchemeFactory(name=f"Watch {n}")
    first = anon.get(SCHEMES, {"page_size": 2}).json()
    assert first["count"] == 5
    assert [row["name"] for row in first["results"]] == ["Watch 0", "Watch 1"]
    assert first["next"].endswith("page=2&page_size=2")
    assert anon.get(SCHEMES, {"page": 99}).status_code == 404


def test_directory_queries_stay_constant_as_it_grows(
    anon: APIClient, django_assert_max_num_queries
) -> None:
    def grow(count: int) -> None:
        for _ in range(count):
            scheme = SchemeFactory()
            MembershipFactory.create_batch(2, scheme=scheme)

    grow(3)
    with django_assert_max_num_queries(3):
        assert len(anon.get(SCHEMES, {"page_size": 100}).json()["results"]) == 3
    grow(30)
    with django_assert_max_num_queries(3):
        assert len(anon.get(SCHEMES, {"page_size": 100}).json()["results"]) == 33
    with django_assert_max_num_queries(3):
        near = anon.get(SCHEMES, {"lat": CAMBRIDGE[0], "lon": CAMBRIDGE[1], "page_size": 100})
        assert len(near.json()["results"]) == 33


def test_near_me_prefilters_by_bounding_box_in_sql(anon: APIClient, monkeypatch) -> None:
    SchemeFactory(name="Cambridge", lat=CAMBRIDGE[0], lon=CAMBRIDGE[1], radius=500)
    SchemeFactory(name="Bedford", lat=52.136, lon=-0.467, radius=500)
    measured = []
    real_bounds = geo.Reach.distance_bounds_many

    def measuring(reach, lats, lons, radii, box):
        measured.extend((round(lat, 4), round(lon, 4)) for lat, lon in zip(lats, lons, strict=True))
        return real_bounds(reach, lats, lons, radii, box)

    monkeypatch.setattr(geo.Reach, "distance_bounds_many", measuring)
    with CaptureQueriesContext(connection) as queries:
        response = anon.get(SCHEMES, {"lat": CAMBRIDGE[0], "lon": CAMBRIDGE[1], "radius_m": 1000})
    assert _names(response) == ["Cambridge"]
    # Bedford never left the database: only Cambridge had its distance measured in Python.
    assert measured == [CAMBRIDGE]

    # The prefilter, then the rows of the page (no boundary to read: both are circles).
    (sql, page_sql) = [
        q["sql"] for q in queries.captured_queries if 'FROM "schemes_scheme"' in q["sql"]
    ]
    assert '"schemes_scheme"."id" IN' in page_sql
    # The candidates come from the index on the boxes alone: no boundary is read.
    assert "boundary" not in sql
    box = geo.circle_bbox(geo.Point(*CAMBRIDGE), 1000)
    # The bands of latitude a box overlapping the search's may start in: from its south less
    # the tallest box allowed, to its north.
    bands = re.search(r"FLOOR\(bbox_south \* 10\) IN \(([0-9, ]+)\)", sql)
    assert bands, sql
    first, last = math.floor((box.south - geo.MAX_SPAN_LAT_DEG) * 10), math.floor(box.north * 10)
    assert [int(band) for band in bands.group(1).split(", ")] == list(range(first, last + 1))
    # bbox_south from the search box's south less the tallest box stored (a subquery).
    assert re.search(r"- COALESCE\(\(SELECT MAX\(bbox_north - bbox_south\)", sql), sql
    bounds = {
        ("bbox_south", ">="): box.south,
        ("bbox_south", "<="): box.north,
        ("bbox_west", ">="): box.west - geo.MAX_SPAN_LON_DEG,
        ("bbox_west", "<="): box.east,
        ("bbox_north", ">="): box.south,
        ("bbox_east", ">="): box.west,
    }
    for (column, operator), value in bounds.items():
        match = re.search(rf" {column} {operator}\s+(-?[0-9.e-]+)", sql)
        assert match, f"no {column} {operator} predicate in {sql}"
        assert float(match.group(1)) == pytest.approx(value)
