"""Geometry of areas (a scheme's, an alert's): circles (centre and radius) and GeoJSON polygons.

Distances on the ground come from one function, ``distance_m``: the geodesic on the WGS-84
ellipsoid (Karney's algorithm, from geographiclib, which geopy's own geodesic uses).
Polygon tests use shapely in a local flat projection centred on the point of interest: for
areas of a few tens of kilometres the error of that projection is far below a metre per
kilometre, which is well inside the precision anyone draws a watch scheme's boundary with.
"""

import json
import math
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from geographiclib.geodesic import Geodesic
from pyproj import Geod
from shapely.geometry import Point as FlatPoint
from shapely.geometry import Polygon as FlatPolygon

from areas import limits

EARTH_RADIUS_M = 6_371_008.8

# England and Wales with a margin: the Isles of Scilly to Berwick-upon-Tweed, and the
# Welsh coast to Lowestoft. Every police force Patchwatch serves lies inside.
SOUTH, NORTH, WEST, EAST = 49.8, 55.9, -6.5, 1.9

# The largest bounding box an area may have, in degrees (about 55 km either way in England
# and Wales). Knowing it lets an overlap query bound bbox_south and bbox_west from both
# sides, so a B-tree index narrows the scan to a band instead of half the table; the
# database refuses a larger box (``areas.models.AreaFields``). The configured maxima must
# fit inside it: ``largest_radius_m`` and ``largest_polygon_span_m`` say how far they may
# go, and a system check (``areas.checks``) refuses larger settings at start-up.
MAX_SPAN_LAT_DEG = 0.5
MAX_SPAN_LON_DEG = 0.9


@dataclass(frozen=True)
class Point:
    lat: float
    lon: float


@dataclass(frozen=True)
class BBox:
    south: float
    west: float
    north: float
    east: float


def validate_point(lat: float, lon: float) -> None:
    """Refuse coordinates that are not real, or not in England and Wales."""
    if not (-90 <= lat <= 90) or not (-180 <= lon <= 180) or math.isnan(lat + lon):
        raise ValidationError(
            _("Latitude must be between -90 and 90, longitude between -180 and 180.")
        )
    if not (SOUTH <= lat <= NORTH and WEST <= lon <= EAST):
        raise ValidationError(
            _(
                "(%(lat)s, %(lon)s) is outside England and Wales: check latitude and longitude "
                "are not swapped."
            )
            % {"lat": f"{lat:.5f}", "lon": f"{lon:.5f}"}
        )


def distance_m(a: Point, b: Point) -> float:
    """Metres between two points on the ground: the one distance Patchwatch measures."""
    # Asking for the distance alone (not the azimuths geopy's wrapper asks for too) halves
    # the cost; the number is the same.
    return Geodesic.WGS84.Inverse(a.lat, a.lon, b.lat, b.lon, Geodesic.DISTANCE)["s12"]


# PROJ's geodesic is a C port of the same algorithm (Karney's) as geographiclib's Python:
# on the same ellipsoid its distances agree with ``distance_m``'s to within rounding (a few
# nanometres over hundreds of kilometres; tests/test_geo_matching.py checks), at a
# fiftieth of the cost, and on arrays of points at once. It is used where many are needed,
# and only to settle what that rounding cannot tip: ``distance_m`` stays the one definition.
_PROJ_WGS84 = Geod(ellps="WGS84")
GEODESIC_ERROR_M = 1e-6


def distances_m(a: Point, lats: "np.ndarray", lons: "np.ndarray") -> "np.ndarray":
    """``distance_m`` from ``a`` to each point, by PROJ, within ``GEODESIC_ERROR_M``."""
    count = len(lats)
    _, _, distances = _PROJ_WGS84.inv(
        np.full(count, a.lon), np.full(count, a.lat), np.asarray(lons), np.asarray(lats)
    )
    return np.asarray(distances, dtype=float)


# On a sphere of the Earth's mean radius, great-circle distances are within 0.6% of the
# WGS-84 geodesic ones anywhere (the sphere is too round at the equator and too flat at the
# poles by about that much). Two circles whose great-circle distance is clearly inside or
# outside their combined radii overlap, or not, whatever the ellipsoid says; only the pairs
# near that edge need the geodesic, which costs a hundred times more. An alert over a town has
# hundreds of candidate schemes, most of them well inside it. This is a bound used to skip
# ``distance_m``, never a distance anything is told.
_SPHERE_ERROR = 0.01


# Tighter bounds for points less than _LOCAL_M apart. Locally the ellipsoid stretches a
# great-circle distance (on the sphere of radius EARTH_RADIUS_M, in the same latitudes and
# longitudes) by between M/R north-south and N/R east-west: M and N are its radii of
# curvature in the meridian and across it, M <= N, both growing towards the poles. So a
# geodesic is between M/R and N/R times the great-circle distance, M taken at the lower
# latitude of the two points and N at the higher, each widened by _BULGE_DEG (a path up to
# 200 km long strays less than 0.02 degrees poleward of its ends) and by _LOCAL_SLACK. In
# England that band is 0.3% wide instead of 2%, and far fewer pairs need the geodesic.
# tests/test_areas.py checks the bounds against geographiclib.
_WGS84_A = 6_378_137.0
_WGS84_E2 = 0.00669437999014
_LOCAL_M = 200_000.0
_BULGE_DEG = 0.05
_LOCAL_SLACK = 1e-4


def _stretch_bounds(lat_a: float, lat_b: float) -> tuple[float, float]:
    """The least and greatest ratio of the geodesic to the great-circle distance between
    two points less than ``_LOCAL_M`` apart at these latitudes (``_stretch_bounds_many``
    for one pair)."""
    least, greatest = _stretch_bounds_many(lat_a, np.array([lat_b]))
    return float(least[0]), float(greatest[0])


def _stretch_bounds_many(lat_a: float, lats: "np.ndarray") -> tuple["np.ndarray", "np.ndarray"]:
    """The least and greatest ratio of the geodesic to the great-circle distance between
    points less than ``_LOCAL_M`` apart, from one latitude to each of many."""
    low = np.where(
        lat_a * lats < 0, 0.0, np.maximum(np.minimum(abs(lat_a), np.abs(lats)) - _BULGE_DEG, 0.0)
    )
    high = np.minimum(np.maximum(abs(lat_a), np.abs(lats)) + _BULGE_DEG, 90.0)
    sin_low, sin_high = np.sin(np.radians(low)), np.sin(np.radians(high))
    meridian = _WGS84_A * (1 - _WGS84_E2) / (1 - _WGS84_E2 * sin_low**2) ** 1.5
    across = _WGS84_A / np.sqrt(1 - _WGS84_E2 * sin_high**2)
    return (
        meridian / EARTH_RADIUS_M * (1 - _LOCAL_SLACK),
        across / EARTH_RADIUS_M * (1 + _LOCAL_SLACK),
    )


def _geodesic_bounds(sphere: float, lat_a: float, lat_b: float) -> tuple[float, float]:
    """Bounds of the geodesic distance between two points, from their great-circle one."""
    if sphere < _LOCAL_M:
        least, greatest = _stretch_bounds(lat_a, lat_b)
        return sphere * least, sphere * greatest
    return sphere * (1 - _SPHERE_ERROR), sphere * (1 + _SPHERE_ERROR)


def _great_circle_m(a: Point, b: Point) -> float:
    lat_a, lat_b = math.radians(a.lat), math.radians(b.lat)
    haversine = (
        math.sin((lat_b - lat_a) / 2) ** 2
        + math.cos(lat_a) * math.cos(lat_b) * math.sin(math.radians(b.lon - a.lon) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(haversine)))


def _circles_intersect(a: "Area", b: "Area") -> bool:
    reach = float(a.radius_m or 0) + float(b.radius_m or 0)
    sphere = _great_circle_m(a.centre, b.centre)
    if sphere < reach * (1 - _SPHERE_ERROR):
        return True
    if sphere > reach * (1 + _SPHERE_ERROR):
        return False
    return distance_m(a.centre, b.centre) <= reach


class Reach:
    """A circle (a search's, a circular alert's) set up once to be tested against many areas
    given as plain numbers, a row's columns: no ``Area`` or shapely geometry is built for an
    area the cheap tests settle.

    Circles: the great-circle shortcut above, the geodesic only near the edge. Polygons: the
    distance to the polygon's bounding box first (a lower bound of the distance to the
    polygon, in the same projection ``distance_to_polygon_m`` uses), then the edges of all
    the polygons whose box is within reach measured at once with numpy, and shapely only for
    the few that numpy's rounding could tip. Every answer is the one ``areas_intersect`` and
    ``distance_to_area_m`` give."""

    # Metres of slack before a polygon's box, or numpy's measure of its edges, alone settles
    # it: far below anything measured, far above the rounding of two ways of computing the
    # same projection.
    SLACK_M = 1e-3

    def __init__(self, centre: Point, radius_m: float) -> None:
        self.centre = centre
        self.radius_m = float(radius_m)
        self._lat = math.radians(centre.lat)
        self._lon = math.radians(centre.lon)
        self._cos_lat = math.cos(self._lat)
        self._x_per_degree = math.radians(1) * EARTH_RADIUS_M * self._cos_lat
        self._y_per_degree = math.radians(1) * EARTH_RADIUS_M

    def great_circle_m(self, lat: float, lon: float) -> float:
        """``_great_circle_m`` from the centre, with the centre's share worked out once."""
        lat_b = math.radians(lat)
        haversine = (
            math.sin((lat_b - self._lat) / 2) ** 2
            + self._cos_lat * math.cos(lat_b) * math.sin((math.radians(lon) - self._lon) / 2) ** 2
        )
        return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(haversine)))

    def great_circle_many(self, lats: "np.ndarray", lons: "np.ndarray") -> "np.ndarray":
        """``great_circle_m`` to many points at once."""
        lats = np.radians(lats)
        haversine = (
            np.sin((lats - self._lat) / 2) ** 2
            + self._cos_lat * np.cos(lats) * np.sin((np.radians(lons) - self._lon) / 2) ** 2
        )
        return 2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(haversine)))

    def reaches_circle(self, lat: float, lon: float, radius_m: float) -> bool:
        """Whether this circle and the circle at (lat, lon) overlap (touching counts)."""
        reach = self.radius_m + float(radius_m)
        least, greatest = _geodesic_bounds(self.great_circle_m(lat, lon), self.centre.lat, lat)
        if greatest < reach:
            return True
        if least > reach:
            return False
        return distance_m(self.centre, Point(lat, lon)) <= reach

    def circle_distance_bounds(
        self, lat: float, lon: float, radius_m: float
    ) -> tuple[float, float]:
        """Bounds of the distance from the centre to the edge of the circle at (lat, lon),
        0 inside it: the exact one (``distance_to_area_m``) lies between them."""
        least, greatest = _geodesic_bounds(self.great_circle_m(lat, lon), self.centre.lat, lat)
        radius = float(radius_m)
        return max(0.0, least - radius), max(0.0, greatest - radius)

    def circle_distance_m(self, lat: float, lon: float, radius_m: float) -> float:
        """Exactly ``distance_to_area_m`` from the centre for the circle at (lat, lon)."""
        return max(0.0, distance_m(self.centre, Point(lat, lon)) - float(radius_m))

    def circle_distances_m(
        self,
        lats: Sequence[float],
        lons: Sequence[float],
        radii: Sequence[float],
        *,
        limit_m: float,
    ) -> list[float]:
        """``circle_distance_m`` to each of many circles, good for comparing with
        ``limit_m`` and rounding to whole metres, as ``polygon_distances_m`` says: PROJ's
        geodesics for all at once (``distances_m``), the exact one where PROJ's rounding
        could tip either comparison."""
        if not lats:
            return []
        radius = np.array(radii, dtype=float)
        distances = np.maximum(distances_m(self.centre, np.array(lats), np.array(lons)) - radius, 0)
        measured = distances.tolist()
        for index in np.flatnonzero(self._close(distances, limit_m)).tolist():
            measured[index] = self.circle_distance_m(lats[index], lons[index], radii[index])
        return measured

    def _close(self, distances: "np.ndarray", limit_m: float) -> "np.ndarray":
        """Which distances, each measured within far less than ``SLACK_M``, lie close
        enough to ``limit_m`` or to half a metre that the error might tip a comparison with
        the limit or the rounding to whole metres."""
        slack = self.SLACK_M
        return (np.abs(distances - limit_m) <= slack) | (
            np.abs(distances - np.floor(distances) - 0.5) <= slack
        )

    def box_distance_m(self, south: float, west: float, north: float, east: float) -> float:
        """Distance from the centre to a bounding box, in ``distance_to_polygon_m``'s flat
        projection around the centre: no more than the distance to anything inside it."""
        # The projection is linear in longitude and in latitude alone: the projected box of a
        # polygon is the projection of its box of longitudes and latitudes.
        x_west, y_south = self._flat(west, south)
        x_east, y_north = self._flat(east, north)
        return math.hypot(max(x_west, -x_east, 0.0), max(y_south, -y_north, 0.0))

    def distance_bounds_many(
        self,
        lats: "Sequence[float] | np.ndarray",
        lons: "Sequence[float] | np.ndarray",
        radii: "Sequence[float | None] | np.ndarray",
        box: "tuple[Sequence[float] | np.ndarray, ...]",
    ) -> tuple["np.ndarray", "np.ndarray"]:
        """Lower and upper bounds of the distance from the centre to each of many areas
        (``distance_to_area_m``: 0 inside it), at once: a circle's from the great circle, a
        polygon's (its radius None or NaN) from its bounding box (``box``: the souths,
        wests, norths and easts). Where they agree no geodesic or polygon need be measured.
        Each kind's bounds are worked out for that kind's areas only."""
        radius = np.array(radii, dtype=float)
        polygon = np.isnan(radius)
        low, high = np.empty(len(radius)), np.empty(len(radius))
        circles = np.flatnonzero(~polygon)
        latitudes = np.array(lats, dtype=float)[circles]
        sphere = self.great_circle_many(latitudes, np.array(lons, dtype=float)[circles])
        least, greatest = _stretch_bounds_many(self.centre.lat, latitudes)
        local = sphere < _LOCAL_M
        radius = radius[circles]
        low[circles] = np.maximum(sphere * np.where(local, least, 1 - _SPHERE_ERROR) - radius, 0)
        high[circles] = np.maximum(
            sphere * np.where(local, greatest, 1 + _SPHERE_ERROR) - radius, 0
        )
        polygons = np.flatnonzero(polygon)
        nearest, reached = self.box_distances_many(
            *(np.array(side, dtype=float)[polygons] for side in box)
        )
        low[polygons] = np.maximum(nearest - self.SLACK_M, 0.0)
        high[polygons] = reached + self.SLACK_M
        return low, high

    def box_distances_many(
        self, souths: "np.ndarray", wests: "np.ndarray", norths: "np.ndarray", easts: "np.ndarray"
    ) -> tuple["np.ndarray", "np.ndarray"]:
        """To many polygons' bounding boxes at once, in the same projection: ``box_distance_m``
        (the nearest point of each box), no more than the distance to the polygon; and a
        distance the polygon's own is no more than.

        The second holds because each box is the polygon's own, the least and greatest
        longitude and latitude of its vertices (``polygon_bbox``): every side of the box
        holds a vertex, whose distance is at most that of the farther end of its side. So
        the distance to the polygon is at most the least, over the four sides, of the
        distance to the farther end. Seen from tens of kilometres away that is within a few
        hundred metres of the nearest point of the box, where the farthest corner was
        kilometres from it, and far fewer polygons near the edge of reach must be read and
        measured."""
        x_west = (wests - self.centre.lon) * self._x_per_degree
        x_east = (easts - self.centre.lon) * self._x_per_degree
        y_south = (souths - self.centre.lat) * self._y_per_degree
        y_north = (norths - self.centre.lat) * self._y_per_degree
        nearest = np.hypot(
            np.maximum(np.maximum(x_west, -x_east), 0.0),
            np.maximum(np.maximum(y_south, -y_north), 0.0),
        )
        south_west, south_east = np.hypot(x_west, y_south), np.hypot(x_east, y_south)
        north_west, north_east = np.hypot(x_west, y_north), np.hypot(x_east, y_north)
        farther_ends = (
            np.maximum(south_west, south_east),
            np.maximum(north_west, north_east),
            np.maximum(south_west, north_west),
            np.maximum(south_east, north_east),
        )
        return nearest, np.minimum.reduce(farther_ends)

    def polygon_distance_m(self, ring: list[list[float]]) -> float:
        """Exactly ``distance_to_polygon_m`` from the centre."""
        return distance_to_polygon_m(self.centre, ring)

    def polygon_distances_m(
        self, boundaries: Sequence[dict[str, Any] | str], *, limit_m: float
    ) -> list[float]:
        """``polygon_distance_m`` to each of many polygons (GeoJSON, or its text), good for
        what Patchwatch does with it: comparing it with ``limit_m`` and rounding it to whole
        metres. All are measured at once with numpy (``_flat_distances``), within
        ``FLAT_ERROR_M`` of shapely; the few that lie so close to ``limit_m`` or to half a
        metre that this could tip either comparison are measured by shapely itself."""
        if not boundaries:
            return []
        rings = [ring_coordinates(boundary) for boundary in boundaries]
        distances = self._flat_distances(rings)
        measured = distances.tolist()
        for index in np.flatnonzero(self._close(distances, limit_m)).tolist():
            boundary = boundaries[index]
            measured[index] = self.polygon_distance_m(polygon_ring(geojson(boundary)))
        return measured

    # How far ``_flat_distances`` may stray from shapely's distance to the same polygon: the
    # two differ only in the rounding of a few floating-point operations on coordinates of
    # at most a few hundred kilometres (errors of the order of 1e-10 m), so this is far
    # above the worst case and still far below ``SLACK_M``.
    FLAT_ERROR_M = 1e-6

    def _flat_distances(self, rings: Sequence["np.ndarray"]) -> "np.ndarray":
        """Distance from the centre to each polygon (0 inside it) in ``_project``'s flat
        projection around the centre, for all the rings at once: the nearest point of any
        edge, and whether a ray from the centre crosses the edges an odd number of times.
        Where the centre lies within rounding of an edge the crossing count may be wrong,
        but then the distance is within rounding of 0 either way."""
        lengths = np.fromiter((len(ring) for ring in rings), dtype=np.intp, count=len(rings))
        starts = np.cumsum(lengths) - lengths
        points = np.concatenate(rings)
        x = np.radians(points[:, 0] - self.centre.lon) * (EARTH_RADIUS_M * self._cos_lat)
        y = np.radians(points[:, 1] - self.centre.lat) * EARTH_RADIUS_M
        # Each vertex starts the edge to the next one; the last vertex of a ring, the edge
        # back to its first (of no length in a closed ring, as every stored ring is).
        following = np.arange(1, len(points) + 1)
        following[starts + lengths - 1] = starts
        x_to, y_to = x[following], y[following]
        dx, dy = x_to - x, y_to - y
        length2 = dx * dx + dy * dy
        along = np.clip(-(x * dx + y * dy) / np.where(length2 > 0, length2, 1.0), 0.0, 1.0)
        edges = np.hypot(x + along * dx, y + along * dy)
        straddles = (y > 0) != (y_to > 0)
        rise = np.where(straddles, y_to - y, 1.0)
        crossing = straddles & (x - y * dx / rise > 0)
        nearest = np.minimum.reduceat(edges, starts)
        inside = np.add.reduceat(crossing.astype(np.intp), starts) % 2 == 1
        return np.where(inside, 0.0, nearest)

    def _flat(self, lon: float, lat: float) -> tuple[float, float]:
        # ``_project``'s arithmetic, with the centre's share worked out once.
        x = (lon - self.centre.lon) * self._x_per_degree
        return x, (lat - self.centre.lat) * self._y_per_degree


def circle_bbox(centre: Point, radius_m: float) -> BBox:
    """The smallest latitude/longitude box around a circle on the ground."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    # Longitude degrees shrink towards the poles; use the latitude where they are narrowest.
    widest_lat = min(abs(centre.lat) + dlat, 89.9)
    dlon = math.degrees(radius_m / (EARTH_RADIUS_M * math.cos(math.radians(widest_lat))))
    # A small margin covers the difference between the sphere here and the WGS-84 ellipsoid.
    margin = 1.005
    return BBox(
        south=centre.lat - dlat * margin,
        west=centre.lon - dlon * margin,
        north=centre.lat + dlat * margin,
        east=centre.lon + dlon * margin,
    )


def bbox_around(boxes: Iterable[BBox]) -> BBox:
    """The smallest box holding every one of ``boxes`` (at least one)."""
    south, west, north, east = zip(
        *((box.south, box.west, box.north, box.east) for box in boxes), strict=True
    )
    return BBox(south=min(south), west=min(west), north=max(north), east=max(east))


def bbox_fits(box: BBox) -> bool:
    """Whether a bounding box is within the largest an area may have (in the very terms of
    the database's constraint, so that float rounding cannot tell them apart)."""
    return box.north <= box.south + MAX_SPAN_LAT_DEG and box.east <= box.west + MAX_SPAN_LON_DEG


def largest_radius_m() -> int:
    """The largest radius, in whole metres, whose circle's bounding box fits anywhere in
    England and Wales: found with ``circle_bbox`` itself at the northern edge, where a
    degree of longitude is shortest."""
    low, high = 1, int(EARTH_RADIUS_M)
    while low < high:
        middle = (low + high + 1) // 2
        if bbox_fits(circle_bbox(Point(NORTH, 0.0), middle)):
            low = middle
        else:
            high = middle - 1
    return low


def largest_polygon_span_m() -> int:
    """The largest corner-to-corner span a polygon may be allowed whose bounding box still
    fits: the ground length of the box's shorter side where it is shortest (0.9 degrees of
    longitude at the northern edge, 0.5 degrees of latitude at the southern), less 1% for
    the difference between a corner-to-corner geodesic and the box's sides."""
    across = distance_m(Point(NORTH, 0.0), Point(NORTH, MAX_SPAN_LON_DEG))
    along = distance_m(Point(SOUTH, 0.0), Point(SOUTH + MAX_SPAN_LAT_DEG, 0.0))
    return math.floor(min(across, along) * 0.99)


def _project(origin: Point, lon: float, lat: float) -> tuple[float, float]:
    """Equirectangular projection to metres around ``origin``."""
    x = math.radians(lon - origin.lon) * EARTH_RADIUS_M * math.cos(math.radians(origin.lat))
    y = math.radians(lat - origin.lat) * EARTH_RADIUS_M
    return x, y


def _flat_polygon(origin: Point, ring: list[list[float]]) -> FlatPolygon:
    return FlatPolygon([_project(origin, lon, lat) for lon, lat in ring])


def polygon_ring(boundary: dict[str, Any]) -> list[list[float]]:
    return boundary["coordinates"][0]


def polygon_bbox(ring: list[list[float]]) -> BBox:
    lons = [lon for lon, _ in ring]
    lats = [lat for _, lat in ring]
    return BBox(south=min(lats), west=min(lons), north=max(lats), east=max(lons))


def polygon_centroid(ring: list[list[float]]) -> Point:
    box = polygon_bbox(ring)
    origin = Point((box.south + box.north) / 2, (box.west + box.east) / 2)
    centroid = _flat_polygon(origin, ring).centroid
    lat = origin.lat + math.degrees(centroid.y / EARTH_RADIUS_M)
    lon = origin.lon + math.degrees(
        centroid.x / (EARTH_RADIUS_M * math.cos(math.radians(origin.lat)))
    )
    return Point(lat, lon)


def distance_to_polygon_m(point: Point, ring: list[list[float]]) -> float:
    """0 inside the polygon, else the distance to its nearest edge."""
    polygon = _flat_polygon(point, ring)
    return polygon.distance(FlatPoint(0.0, 0.0))


def distance_to_area_m(
    point: Point, *, centre: Point, radius_m: float | None, boundary: dict[str, Any] | None
) -> float:
    """Distance from a point to the nearest edge of an area; 0 when the point is inside it."""
    if boundary is not None:
        return distance_to_polygon_m(point, polygon_ring(boundary))
    return max(0.0, distance_m(point, centre) - float(radius_m or 0))


def clean_ring(ring: Any) -> list[list[float]]:
    """A GeoJSON linear ring checked (at least four positions, each a longitude and latitude
    in England and Wales, a height dropped, closed) and made flat: its positions."""
    if not isinstance(ring, list) or len(ring) < 4:
        raise ValidationError(_("A ring needs at least four positions (a triangle, closed)."))
    positions: list[list[float]] = []
    for index, position in enumerate(ring):
        if isinstance(position, list) and len(position) > 3:
            raise ValidationError(
                _(
                    "Position %(index)s has %(count)s values: give [longitude, latitude] "
                    "or [longitude, latitude, height]."
                )
                % {"index": index, "count": len(position)}
            )
        if (
            not isinstance(position, list)
            or len(position) < 2
            or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in position)
        ):
            raise ValidationError(
                _(
                    "Position %(index)s must be [longitude, latitude] or "
                    "[longitude, latitude, height]."
                )
                % {"index": index}
            )
        # RFC 7946 lets a position carry a height (metres above the WGS-84 ellipsoid) as its
        # third number. An area on the map has none: it is dropped, and the ring kept flat.
        lon, lat = float(position[0]), float(position[1])
        try:
            validate_point(lat, lon)
        except ValidationError as exc:
            raise ValidationError(
                _("Position %(index)s: %(problem)s") % {"index": index, "problem": exc.messages[0]}
            ) from exc
        positions.append([lon, lat])
    if positions[0] != positions[-1]:
        raise ValidationError(_("The ring is not closed: its last position must equal its first."))
    return positions


def clean_polygon(boundary: Any) -> tuple[dict[str, Any], Point, BBox]:
    """Validate a GeoJSON Polygon; return it normalised with its centroid and bounding box."""
    if not isinstance(boundary, dict) or boundary.get("type") != "Polygon":
        raise ValidationError(_('Give a GeoJSON geometry with "type": "Polygon".'))
    rings = boundary.get("coordinates")
    if not isinstance(rings, list) or not rings:
        raise ValidationError(_('A polygon needs "coordinates": a list holding one ring.'))
    if len(rings) > 1:
        raise ValidationError(_("Only the outer ring is supported: a scheme area has no holes."))
    if isinstance(rings[0], list) and len(rings[0]) > limits.polygon_max_vertices():
        raise ValidationError(
            _("A ring may have at most %(count)s positions.")
            % {"count": limits.polygon_max_vertices()}
        )
    positions = clean_ring(rings[0])
    box = polygon_bbox(positions)
    origin = Point((box.south + box.north) / 2, (box.west + box.east) / 2)
    flat = _flat_polygon(origin, positions)
    if not flat.is_valid:
        raise ValidationError(_("The boundary crosses itself; draw it without overlapping edges."))
    if flat.area < 1000:
        raise ValidationError(_("The area is too small: at least 1,000 square metres."))
    corner_a, corner_b = Point(box.south, box.west), Point(box.north, box.east)
    if distance_m(corner_a, corner_b) > limits.polygon_max_span_m():
        raise ValidationError(
            _("The area is too large: at most %(km)s km corner to corner.")
            % {"km": f"{limits.polygon_max_span_m() / 1000:g}"}
        )
    # Stored wound as it is served, so that whatever reads the row (the CAP document, the
    # admin) sees the same ring as the API's clients.
    clean = rfc7946_polygon({"type": "Polygon", "coordinates": [positions]})
    return clean, polygon_centroid(positions), box


def rfc7946_polygon(boundary: dict[str, Any]) -> dict[str, Any]:
    """The polygon with its rings wound as RFC 7946 (section 3.1.6) wants: the outer ring
    counter-clockwise, any hole clockwise, on the plane of longitude and latitude. A ring
    wound the other way is reversed; its first position stays first."""
    rings = [
        ring if _counter_clockwise(ring) == (index == 0) else ring[::-1]
        for index, ring in enumerate(boundary["coordinates"])
    ]
    return {"type": "Polygon", "coordinates": rings}


def _counter_clockwise(ring: list[list[float]]) -> bool:
    """Whether a closed ring of at least three distinct positions winds counter-clockwise on
    the plane of longitude and latitude: the sign of its area by the shoelace formula.
    (Read for every polygon of every page of the directory: a few microseconds, where making
    a shapely ring of it took ten times that.)"""
    twice_area = 0.0
    previous = ring[0]
    for position in ring[1:]:
        twice_area += (position[0] - previous[0]) * (position[1] + previous[1])
        previous = position
    return twice_area < 0


@dataclass(frozen=True)
class Area:
    """A circle (``radius_m``) or a GeoJSON polygon (``boundary``) with its centre."""

    centre: Point
    radius_m: float | None = None
    boundary: dict[str, Any] | None = None

    def flat(self, origin: Point, *, segments: int = 64) -> Any:
        """This area as a shapely geometry in metres around ``origin``."""
        if self.boundary is not None:
            return _flat_polygon(origin, polygon_ring(self.boundary))
        x, y = _project(origin, self.centre.lon, self.centre.lat)
        return FlatPoint(x, y).buffer(float(self.radius_m or 0), quad_segs=segments // 4)


def areas_intersect(a: Area, b: Area) -> bool:
    """Whether two areas overlap (touching counts): geodesic distance for two circles,
    shapely in a local projection once a polygon is involved."""
    if a.boundary is None and b.boundary is None:
        return _circles_intersect(a, b)
    if a.boundary is not None and b.boundary is not None:
        return a.flat(a.centre).intersects(b.flat(a.centre))
    circle, polygon = (a, b) if a.boundary is None else (b, a)
    ring = polygon_ring(polygon.boundary)  # type: ignore[arg-type]  # the one of the two with a boundary
    return distance_to_polygon_m(circle.centre, ring) <= float(circle.radius_m or 0)


# A row of areas, as ``overlapping_ids`` takes them: an id, then the area's columns
# (``areas.models.AREA_COLUMNS``): centre latitude and longitude, radius, boundary (the
# GeoJSON, or its text as the database holds it, read only if need be), and bounding box
# (south, west, north, east).
AreaRow = tuple[
    int, float, float, float | None, dict[str, Any] | str | None, float, float, float, float
]


def geojson(boundary: dict[str, Any] | str) -> dict[str, Any]:
    """A boundary's GeoJSON, given as it is or as its text."""
    return json.loads(boundary) if isinstance(boundary, str) else boundary


def ring_coordinates(boundary: dict[str, Any] | str) -> "np.ndarray":
    """The positions of a polygon's ring (GeoJSON, or its text) as an array of longitudes
    and latitudes, one row a position."""
    if isinstance(boundary, str):
        return _rings.get(boundary)
    return np.array([position[:2] for position in polygon_ring(boundary)], dtype=float)


class _RingCache:
    """Parsed rings by the text of their GeoJSON, the least recently used dropped once they
    hold more than ``budget`` bytes. Each matching or "near me" reads the same polygons of
    a town again and again; the text is its own key, so an edited boundary is simply another
    entry, never a stale one."""

    # A Python object's own overhead, roughly, on top of the text's and the array's bytes.
    ENTRY_OVERHEAD = 200

    def __init__(self, budget: int) -> None:
        self._budget = budget
        self._size = 0
        self._rings: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()  # a threaded worker's requests share it

    def get(self, text: str) -> "np.ndarray":
        with self._lock:
            ring = self._rings.get(text)
            if ring is not None:
                self._rings.move_to_end(text)
                return ring
        ring = np.array([position[:2] for position in polygon_ring(json.loads(text))], dtype=float)
        ring.flags.writeable = False  # shared by every caller
        with self._lock:
            if text not in self._rings:
                self._rings[text] = ring
                self._size += self._cost(text, ring)
            while self._size > self._budget:
                dropped_text, dropped = self._rings.popitem(last=False)
                self._size -= self._cost(dropped_text, dropped)
        return ring

    def _cost(self, text: str, ring: "np.ndarray") -> int:
        return len(text) + ring.nbytes + self.ENTRY_OVERHEAD


# Some 30,000 polygons of a few vertices, or a thousand of the largest allowed.
_rings = _RingCache(budget=16 * 1024 * 1024)


def overlapping_ids(area: Area, rows: Iterable[AreaRow]) -> list[int]:
    """The ids of the rows whose area overlaps ``area``, in no order: what
    ``areas_intersect`` answers for each.

    For a circle (an alert's, usually) the cheap tests run on all the rows at once, with
    numpy: the great-circle shortcut settles most circles, and a polygon's bounding box
    out of reach, or with a side whose farther end is within it, settles the polygon
    (``Reach.box_distances_many``); the other polygons are
    measured together (``Reach.polygon_distances_m``), and only the circles left are
    measured one by one, by the geodesic."""
    rows = list(rows)
    if not rows:
        return []
    if area.boundary is not None:
        return [
            pk
            for pk, lat, lon, radius_m, boundary, *_ in rows
            if areas_intersect(
                area,
                Area(Point(lat, lon), radius_m, None if boundary is None else geojson(boundary)),
            )
        ]
    reach = Reach(area.centre, float(area.radius_m or 0))
    ids, lats, lons, radii, boundaries, souths, wests, norths, easts = zip(*rows, strict=True)
    sphere = reach.great_circle_many(np.array(lats), np.array(lons))
    # A polygon's radius is NaN, so neither shortcut settles it.
    both = reach.radius_m + np.array(radii, dtype=float)
    least, greatest = _stretch_bounds_many(reach.centre.lat, np.array(lats))
    local = sphere < _LOCAL_M
    inside = sphere * np.where(local, greatest, 1 + _SPHERE_ERROR) < both
    outside = sphere * np.where(local, least, 1 - _SPHERE_ERROR) > both
    polygon = np.isnan(both)
    nearest, reached = reach.box_distances_many(
        np.array(souths), np.array(wests), np.array(norths), np.array(easts)
    )
    inside |= polygon & (reached < reach.radius_m - reach.SLACK_M)
    outside |= polygon & (nearest > reach.radius_m + reach.SLACK_M)
    matched = [ids[index] for index in np.flatnonzero(inside).tolist()]
    undecided = np.flatnonzero(~(inside | outside)).tolist()
    polygons = [index for index in undecided if boundaries[index] is not None]
    distances = reach.polygon_distances_m(
        [boundaries[index] for index in polygons],
        limit_m=reach.radius_m,
    )
    matched += [
        ids[index]
        for index, distance in zip(polygons, distances, strict=True)
        if distance <= reach.radius_m
    ]
    circles = np.array([index for index in undecided if boundaries[index] is None], dtype=int)
    if len(circles):
        centres = np.array(lats)[circles], np.array(lons)[circles]
        geodesics = distances_m(area.centre, *centres)
        reaches = both[circles]
        # PROJ settles all but those within its rounding of the edge: the exact geodesic
        # for those.
        close = np.abs(geodesics - reaches) <= reach.SLACK_M
        for position, index in enumerate(circles.tolist()):
            if close[position]:
                distance = distance_m(area.centre, Point(lats[index], lons[index]))
            else:
                distance = geodesics[position]
            if distance <= reaches[position]:
                matched.append(ids[index])
    return matched


def area_within(inner: Area, outer: Area, *, tolerance_m: float = 1.0) -> bool:
    """Whether ``inner`` lies inside ``outer`` (to within a metre)."""
    if inner.boundary is None and outer.boundary is None:
        reach = distance_m(inner.centre, outer.centre) + float(inner.radius_m or 0)
        return reach <= float(outer.radius_m or 0) + tolerance_m
    origin = outer.centre
    return outer.flat(origin).buffer(tolerance_m).contains(inner.flat(origin))
