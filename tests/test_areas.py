"""Areas: one distance, limits read from settings, and a start-up check that refuses limits
an area's stored bounding box could not hold (instead of a 500 on save)."""

import pytest
from django.core.checks import Error
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from geopy.distance import geodesic

from accounts.forces import PoliceForce
from areas import geo
from areas.checks import check_area_limits
from schemes.models import Scheme
from tests.factories import LiaisonFactory

SCHEMES = "/api/v1/schemes/"
ALERTS = "/api/v1/alerts/"
# The northern edge of the area Patchwatch serves, where a degree of longitude is shortest
# and a circle's bounding box widest.
NORTH_EDGE = (geo.NORTH, -2.0)


# --- One distance -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ((52.2053, 0.1218), (51.5072, -0.1276)),  # Cambridge to London
        ((55.7704, -2.0054), (50.0657, -5.7132)),  # Berwick-upon-Tweed to Land's End
        ((52.1985, 0.1410), (52.1985, 0.1411)),  # a few metres along Mill Road
        ((49.8, -6.5), (55.9, 1.9)),  # corner to corner of England and Wales
    ],
)
def test_distance_is_the_wgs84_geodesic(a, b) -> None:
    expected = geodesic(a, b, ellipsoid="WGS-84").meters
    assert geo.distance_m(geo.Point(*a), geo.Point(*b)) == pytest.approx(expected, rel=1e-9)


def test_distance_of_a_degree_of_latitude_at_the_equator() -> None:
    # The WGS-84 meridian arc from 0° to 1° is 110,574.4 m (a sphere would say 111,195 m).
    assert geo.distance_m(geo.Point(0, 0), geo.Point(1, 0)) == pytest.approx(110_574.4, abs=0.5)


def test_circles_near_the_edge_of_touching_are_settled_by_the_geodesic() -> None:
    centre = geo.Point(52.2, 0.12)
    other = geo.Point(52.3, 0.12)
    apart = geo.distance_m(centre, other)
    # Within the sphere's error of touching: the geodesic decides, to the metre.
    touching = geo.Area(centre=centre, radius_m=apart / 2)
    assert geo.areas_intersect(touching, geo.Area(centre=other, radius_m=apart / 2 + 0.5))
    assert not geo.areas_intersect(touching, geo.Area(centre=other, radius_m=apart / 2 - 0.5))


# --- Limits come from settings ------------------------------------------------------------


@pytest.fixture
def alert_liaison(db):
    return LiaisonFactory(force=PoliceForce.CAMBRIDGESHIRE).user


def _alert(**area) -> dict:
    return {
        "title": "Bogus callers on Mill Road",
        "body": "Two men claiming to be from the water board.",
        "category": "bogus_caller",
        "severity": "Moderate",
        "urgency": "Expected",
        "lat": 52.1985,
        "lon": 0.1410,
        **area,
    }


def test_the_alert_radius_limits_come_from_settings(client_for, alert_liaison, settings) -> None:
    client = client_for(alert_liaison)
    too_wide = client.post(ALERTS, _alert(radius_m=20_001), format="json")
    assert too_wide.status_code == 400
    assert too_wide.json() == {"radius_m": ["Give a radius from 50 to 20000 metres."]}

    settings.ALERT_RADIUS_MIN_M, settings.ALERT_RADIUS_MAX_M = 200, 1000
    for radius in (199, 1001):
        refused = client.post(ALERTS, _alert(radius_m=radius), format="json")
        assert refused.status_code == 400
        assert refused.json() == {"radius_m": ["Give a radius from 200 to 1000 metres."]}
    accepted = client.post(ALERTS, _alert(radius_m=1000), format="json")
    assert accepted.status_code == 201, accepted.content
    assert accepted.json()["radius_m"] == 1000


# --- Limits the stored bounding box cannot hold are refused at start-up ---------------------


def test_the_default_limits_pass_the_start_up_check() -> None:
    assert check_area_limits() == []


@pytest.mark.parametrize("name", ["SCHEME_RADIUS_MAX_M", "ALERT_RADIUS_MAX_M"])
def test_a_radius_maximum_past_the_stored_box_is_refused_at_start_up(settings, name) -> None:
    largest = geo.largest_radius_m()
    setattr(settings, name, 30_000)
    assert check_area_limits() == [
        Error(
            f"{name} is 30000 m, but a circle may have a radius of at most {largest} m: a "
            "larger one's bounding box is more than 0.5° of latitude or 0.9° of longitude at "
            "the northern edge of England and Wales, which the area columns do not hold.",
            hint=f"Set {name} to at most {largest}.",
            id="areas.E002",
        )
    ]
    with pytest.raises(SystemCheckError, match=f"{name} is 30000 m"):
        call_command("check")


def test_a_minimum_above_the_maximum_is_refused_at_start_up(settings) -> None:
    settings.ALERT_RADIUS_MIN_M = 5_000
    settings.ALERT_RADIUS_MAX_M = 1_000
    assert [error.id for error in check_area_limits()] == ["areas.E001"]


def test_a_polygon_span_past_the_stored_box_is_refused_at_start_up(settings) -> None:
    settings.SCHEME_POLYGON_MAX_SPAN_M = geo.largest_polygon_span_m() + 1
    assert [error.id for error in check_area_limits()] == ["areas.E003"]
    settings.SCHEME_POLYGON_MAX_SPAN_M = geo.largest_polygon_span_m()
    assert check_area_limits() == []


def test_the_largest_radius_the_check_allows_works_end_to_end(client_for, settings, db) -> None:
    """SCHEME_RADIUS_MAX_M set as high as the check lets it (about 27.6 km, above the
    default 20 km): a scheme of that radius at the northern edge, where its bounding box is
    widest, is proposed (201), stored, approved, and reached by an alert at its far edge."""
    largest = geo.largest_radius_m()
    assert largest > 27_000
    settings.SCHEME_RADIUS_MAX_M = largest
    assert check_area_limits() == []

    liaison = LiaisonFactory(force=PoliceForce.NORTHUMBRIA).user
    client = client_for(liaison)
    proposal = {
        "name": "Tweed Valley Countryside Watch",
        "kind": "countryside",
        "force": "northumbria",
        "lat": NORTH_EDGE[0],
        "lon": NORTH_EDGE[1],
        "radius_m": largest,
    }
    created = client.post(SCHEMES, proposal, format="json")
    assert created.status_code == 201, created.content
    scheme = Scheme.objects.get(pk=created.json()["id"])
    assert scheme.radius_m == largest
    assert geo.bbox_fits(scheme.bbox)
    approved = client.post(f"{SCHEMES}{scheme.pk}/status/", {"status": "active"})
    assert approved.status_code == 200, approved.content

    # An alert 27 km south of the centre, 1 km across: inside the scheme's far edge.
    far = geo.Point(NORTH_EDGE[0] - 27_000 / 111_300, NORTH_EDGE[1])
    assert largest - 1_000 < geo.distance_m(geo.Point(*NORTH_EDGE), far) < largest
    reach = client.post(
        f"{ALERTS}preview/",
        {**_alert(lat=far.lat, lon=far.lon, radius_m=500)},
        format="json",
    )
    assert reach.status_code == 200, reach.content
    assert [row["id"] for row in reach.json()["schemes"]] == [scheme.pk]


def test_a_circle_past_the_stored_box_is_refused_not_a_server_error(
    client_for, stranger, settings
) -> None:
    """Should the start-up check be skipped, a configured maximum past the bound still
    gives a refusal, never an IntegrityError."""
    settings.SCHEME_RADIUS_MAX_M = 30_000
    proposal = {
        "name": "Tweed Valley Countryside Watch",
        "kind": "countryside",
        "force": "northumbria",
        "lat": NORTH_EDGE[0],
        "lon": NORTH_EDGE[1],
        "radius_m": geo.largest_radius_m() + 1,
    }
    response = client_for(stranger).post(SCHEMES, proposal, format="json")
    assert response.status_code == 400
    assert response.json() == {"radius_m": ["The area is too large to store."]}
    assert not Scheme.objects.exists()
