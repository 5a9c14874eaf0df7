"""The columns an area is stored in, for the models that have one (a scheme, an alert)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

from areas import geo

AREA_COLUMNS = (
    "centre_lat",
    "centre_lon",
    "radius_m",
    "boundary",
    "bbox_south",
    "bbox_west",
    "bbox_north",
    "bbox_east",
)


class AreaFields(models.Model):
    """An area on the map: a circle (centre and radius) or a GeoJSON polygon, whose centre is
    its centroid, with the bounding box geographic look-ups prefilter on in SQL. Schemes
    and alerts both have one; ``area_fields`` fills these columns. A model with its own
    ``Meta.constraints`` lists ``AreaFields.Meta.constraints`` among them."""

    centre_lat = models.FloatField()
    centre_lon = models.FloatField()
    radius_m = models.PositiveIntegerField(null=True, blank=True)
    boundary = models.JSONField(null=True, blank=True, help_text="GeoJSON Polygon geometry.")
    bbox_south = models.FloatField()
    bbox_west = models.FloatField()
    bbox_north = models.FloatField()
    bbox_east = models.FloatField()

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=(Q(radius_m__isnull=False) & Q(boundary__isnull=True))
                | (Q(radius_m__isnull=True) & Q(boundary__isnull=False)),
                name="%(class)s_area_is_circle_or_polygon",
            ),
            models.CheckConstraint(
                condition=Q(bbox_north__lte=models.F("bbox_south") + geo.MAX_SPAN_LAT_DEG)
                & Q(bbox_east__lte=models.F("bbox_west") + geo.MAX_SPAN_LON_DEG),
                name="%(class)s_bbox_is_bounded",
            ),
        ]

    @property
    def area(self) -> geo.Area:
        return area_of(
            {
                "centre_lat": self.centre_lat,
                "centre_lon": self.centre_lon,
                "radius_m": self.radius_m,
                "boundary": self.boundary,
            }
        )

    @property
    def bbox(self) -> geo.BBox:
        return geo.BBox(self.bbox_south, self.bbox_west, self.bbox_north, self.bbox_east)


def area_fields(
    *,
    lat: float | None = None,
    lon: float | None = None,
    radius_m: int | None = None,
    boundary: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The columns for an area given as a circle or a polygon (already validated)."""
    if boundary is not None:
        clean, centre, box = geo.clean_polygon(boundary)
        radius = None
    else:
        if lat is None or lon is None or radius_m is None:
            raise ValidationError(_("Give lat, lon and radius_m, or a boundary polygon."))
        clean, centre, radius = None, geo.Point(lat, lon), radius_m
        box = geo.circle_bbox(centre, radius_m)
    # The start-up check keeps the configured maxima inside the bound; this keeps a row that
    # would break it (a caller past the serializers) a refusal rather than an IntegrityError.
    if not geo.bbox_fits(box):
        field = "boundary" if radius is None else "radius_m"
        raise ValidationError({field: _("The area is too large to store.")})
    return {
        "centre_lat": centre.lat,
        "centre_lon": centre.lon,
        "radius_m": radius,
        "boundary": clean,
        "bbox_south": box.south,
        "bbox_west": box.west,
        "bbox_north": box.north,
        "bbox_east": box.east,
    }


def area_of(columns: dict[str, Any]) -> geo.Area:
    """The area the columns (``area_fields``' result, or a row's) describe."""
    return geo.Area(
        centre=geo.Point(columns["centre_lat"], columns["centre_lon"]),
        radius_m=columns["radius_m"],
        boundary=columns["boundary"],
    )
