"""Regions: areas of one or more polygons, each of which may have holes, as police forces
publish their policing neighbourhoods (a GeoJSON Polygon or MultiPolygon).

A region is stored as a GeoJSON MultiPolygon (RFC 7946 winding) and tested against the
schemes' areas in ``areas.geo``'s terms: polygons by shapely in a flat equirectangular
projection (an affine map of longitude and latitude, so whether two polygons with straight
edges in longitude and latitude meet is the same in it as on the map), circles by the
distance from their centre to the region in the projection centred on that centre, as
``geo.distance_to_polygon_m`` measures it.
"""

import math
from collections.abc import Iterable
from typing import Any, cast

import numpy as np
import shapely
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from shapely import affinity
from shapely.geometry import MultiPolygon as FlatMultiPolygon
from shapely.geometry import Polygon as FlatPolygon
from shapely.prepared import prep

from areas import geo


def clean_region(geometry: Any) -> tuple[dict[str, Any], geo.Point, geo.BBox]:
    """Validate a GeoJSON Polygon or MultiPolygon (holes allowed) inside England and Wales;
    return it as a MultiPolygon wound as RFC 7946 wants, with its centroid and bounding box."""
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind not in ("Polygon", "MultiPolygon"):
        raise ValidationError(
            _('Give a GeoJSON geometry with "type": "Polygon" or "MultiPolygon".')
        )
    coordinates = geometry.get("coordinates")
    if not isinstance(coordinates, list) or not coordinates:
        raise ValidationError(_('A polygon needs "coordinates": a list holding one ring.'))
    polygons = [coordinates] if kind == "Polygon" else coordinates
    clean: list[list[list[list[float]]]] = []
    for rings in polygons:
        if not isinstance(rings, list) or not rings:
            raise ValidationError(_('A polygon needs "coordinates": a list holding one ring.'))
        clean.append([geo.clean_ring(ring) for ring in rings])
    polygons = _positions({"coordinates": clean})
    box = _box(polygons)
    origin = geo.Point((box.south + box.north) / 2, (box.west + box.east) / 2)
    flat = _flat(origin, polygons)
    if not flat.is_valid:
        raise ValidationError(_("The boundary crosses itself; draw it without overlapping edges."))
    if flat.area < 1000:
        raise ValidationError(_("The area is too small: at least 1,000 square metres."))
    wound = {
        "type": "MultiPolygon",
        "coordinates": [
            geo.rfc7946_polygon({"coordinates": rings})["coordinates"] for rings in clean
        ],
    }
    centroid = flat.centroid
    centre = geo.Point(
        origin.lat + math.degrees(centroid.y / geo.EARTH_RADIUS_M),
        origin.lon
        + math.degrees(centroid.x / (geo.EARTH_RADIUS_M * math.cos(math.radians(origin.lat)))),
    )
    return wound, centre, box


def _positions(region: dict[str, Any]) -> list[list["np.ndarray"]]:
    """A MultiPolygon's rings, polygon by polygon, each an array of longitudes and latitudes
    (one row a position): read from the GeoJSON's lists once, the one pass over every
    vertex in Python's objects."""
    return [[np.asarray(ring, dtype=float) for ring in rings] for rings in region["coordinates"]]


def _box(polygons: list[list["np.ndarray"]]) -> geo.BBox:
    """The bounding box of the outer rings (``_positions``)."""
    outer = np.concatenate([rings[0] for rings in polygons])
    return geo.BBox(
        south=float(outer[:, 1].min()),
        west=float(outer[:, 0].min()),
        north=float(outer[:, 1].max()),
        east=float(outer[:, 0].max()),
    )


def _scale(origin: geo.Point) -> tuple[float, float]:
    """Metres per degree of longitude and of latitude in the projection around ``origin``
    (``geo._project``'s)."""
    per_degree = math.radians(1) * geo.EARTH_RADIUS_M
    return per_degree * math.cos(math.radians(origin.lat)), per_degree


def _flat(origin: geo.Point, polygons: list[list["np.ndarray"]]) -> Any:
    """The region (``_positions``) in metres around ``origin``, as ``geo._project`` places
    points."""
    x_scale, y_scale = _scale(origin)

    def flat_ring(positions: "np.ndarray") -> "np.ndarray":
        return np.column_stack(
            ((positions[:, 0] - origin.lon) * x_scale, (positions[:, 1] - origin.lat) * y_scale)
        )

    return FlatMultiPolygon(
        [
            FlatPolygon(flat_ring(rings[0]), [flat_ring(ring) for ring in rings[1:]])
            for rings in polygons
        ]
    )


class Region:
    """A stored region (``clean_region``'s MultiPolygon), set up once to be tested against
    many areas given as ``geo.AreaRow``s."""

    # Metres of slack before the region's own projection settles a circle: beyond it, the
    # difference from the circle's own projection cannot tip the answer.
    SLACK_M = 1e-3

    def __init__(self, region: dict[str, Any]) -> None:
        self.region = region
        polygons = _positions(region)
        self.box = _box(polygons)
        self.origin = geo.Point(
            (self.box.south + self.box.north) / 2, (self.box.west + self.box.east) / 2
        )
        self.flat = _flat(self.origin, polygons)
        self._prepared = prep(self.flat)
        self._x_scale, self._y_scale = _scale(self.origin)

    def overlapping_ids(self, rows: Iterable[geo.AreaRow]) -> list[int]:
        """The ids of the rows whose area overlaps the region (touching counts), in no
        order."""
        matched: list[int] = []
        circles: list[tuple[int, float, float, float]] = []
        for pk, lat, lon, radius_m, boundary, *_box in rows:
            if boundary is None:
                circles.append((pk, lat, lon, float(radius_m or 0)))
                continue
            ring = geo.ring_coordinates(boundary)
            polygon = FlatPolygon(self._project(ring[:, 0], ring[:, 1]))
            if self._prepared.intersects(polygon):
                matched.append(pk)
        if circles:
            matched += self._circles_reaching(circles)
        return matched

    def _project(self, lons: "np.ndarray", lats: "np.ndarray") -> "np.ndarray":
        return np.column_stack(
            ((lons - self.origin.lon) * self._x_scale, (lats - self.origin.lat) * self._y_scale)
        )

    def _circles_reaching(self, circles: list[tuple[int, float, float, float]]) -> list[int]:
        """The circles that reach the region. Each is measured, as ``geo.distance_to_area_m``
        would, in the projection centred on its own centre: that projection differs from the
        region's by a stretch of longitudes alone (the ratio of the cosines of the two
        latitudes), which bounds the difference; only the circles within that bound of the
        edge are measured again in their own."""
        ids = [pk for pk, *_ in circles]
        lats = np.array([lat for _, lat, _, _ in circles])
        lons = np.array([lon for _, _, lon, _ in circles])
        radii = np.array([radius for *_, radius in circles])
        flat = self._project(lons, lats)
        distances = shapely.distance(self.flat, shapely.points(flat))
        stretch = np.cos(np.radians(lats)) / math.cos(math.radians(self.origin.lat))
        least = distances * np.minimum(stretch, 1.0) - self.SLACK_M
        greatest = distances * np.maximum(stretch, 1.0) + self.SLACK_M
        matched = [ids[index] for index in np.flatnonzero(greatest <= radii).tolist()]
        for index in np.flatnonzero((least <= radii) & (greatest > radii)).tolist():
            own = geo.Point(float(lats[index]), float(lons[index]))
            if self._distance_from(own) <= radii[index]:
                matched.append(ids[index])
        return matched

    def _distance_from(self, point: geo.Point) -> float:
        """Distance from ``point`` to the region (0 inside), in the projection around it."""
        x_scale, y_scale = _scale(point)
        x_origin = (self.origin.lon - point.lon) * x_scale
        y_origin = (self.origin.lat - point.lat) * y_scale
        # The same affine map of longitude and latitude, expressed from the region's own
        # projection: stretch x, then move the origin.
        moved = affinity.affine_transform(
            self.flat, [x_scale / self._x_scale, 0, 0, 1, x_origin, y_origin]
        )
        return float(moved.distance(shapely.Point(0.0, 0.0)))

    def outline(self) -> dict[str, Any]:
        """A GeoJSON Polygon holding the whole region (its convex hull, in longitude and
        latitude): what a map or a CAP reader shows of an alert sent to it. Matching never
        uses it."""
        hull = shapely.convex_hull(
            shapely.MultiPoint(
                [position for rings in self.region["coordinates"] for position in rings[0]]
            )
        )
        # A region holds at least 1,000 square metres, so its hull is a polygon.
        ring = [[float(lon), float(lat)] for lon, lat in cast(FlatPolygon, hull).exterior.coords]
        return geo.rfc7946_polygon({"coordinates": [ring]})
