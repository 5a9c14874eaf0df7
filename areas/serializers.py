"""The API's side of areas: a circle (``lat``, ``lon``, ``radius_m``) or a GeoJSON
``boundary`` polygon as input, the polygon as served, and what the schema says of both."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from areas import geo, limits
from core.serializers import Serializer

AREA_FIELDS = ("lat", "lon", "radius_m", "boundary")
CIRCLE_FIELDS = frozenset({"lat", "lon", "radius_m"})


def polygon_schema(direction: str) -> dict[str, Any]:
    """The GeoJSON Polygon a boundary is: as given (``request``), or as served (``response``),
    which is always flat and wound as RFC 7946 wants."""
    if direction == "request":
        description = (
            "GeoJSON Polygon geometry (RFC 7946): one closed ring of [longitude, latitude] "
            "positions (at least four: a triangle and its first position again), inside "
            "England and Wales, not crossing itself, holding at least 1,000 square metres. "
            "A position may carry a third number, a height in metres: it is accepted and "
            "dropped (an area is flat), and no position may have more than three. The ring "
            "may be wound either way; it is stored and returned counter-clockwise."
        )
        # No bounds on each number: a height is not an angle. Longitude and latitude are
        # checked against England and Wales, which is far tighter than any bound here.
        position = {"type": "array", "minItems": 2, "maxItems": 3, "items": {"type": "number"}}
    else:
        description = (
            "GeoJSON Polygon geometry (RFC 7946): one closed ring of [longitude, latitude] "
            "positions, wound counter-clockwise (the right-hand rule of RFC 7946 section "
            "3.1.6), its first position repeated last."
        )
        position = {
            "type": "array",
            "minItems": 2,
            "maxItems": 2,
            "items": {"type": "number", "minimum": -180, "maximum": 180},
        }
    return {
        "type": "object",
        "description": description,
        "properties": {
            "type": {"type": "string", "enum": ["Polygon"]},
            "coordinates": {
                "type": "array",
                "minItems": 1,
                "maxItems": 1,
                "items": {
                    "type": "array",
                    "minItems": 4,
                    "maxItems": limits.polygon_max_vertices(),
                    "items": position,
                },
            },
        },
        "required": ["type", "coordinates"],
    }


class PolygonField(serializers.JSONField):
    """A boundary as GeoJSON. Input is checked by ``geo.clean_polygon`` (in
    ``AreaInputSerializer.validate_boundary``); output is wound as RFC 7946 wants, whatever
    the row holds (rows stored before areas were normalised on the way in may be clockwise)."""

    def to_representation(self, value: Any) -> Any:
        return geo.rfc7946_polygon(value)


class PolygonFieldExtension(OpenApiSerializerFieldExtension):
    """Documents ``PolygonField`` for each direction: what a client may send (heights
    included) differs from what it gets back."""

    target_class = PolygonField

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        return polygon_schema(direction)


class RadiusField(serializers.IntegerField):
    """A circle's radius in metres, within ``limits`` (``areas.limits.scheme_radius`` or
    ``alert_radius``): read each time a serializer is made (DRF builds its fields anew for
    each), so the schema states the limits checked and a changed setting takes effect."""

    def __init__(self, *, limits: Any, **kwargs: Any) -> None:
        bounds = limits()
        message = _("Give a radius from %(low)s to %(high)s metres.") % {
            "low": bounds.low,
            "high": bounds.high,
        }
        kwargs.setdefault("min_value", bounds.low)
        kwargs.setdefault("max_value", bounds.high)
        kwargs.setdefault("error_messages", {"min_value": message, "max_value": message})
        super().__init__(**kwargs)


class AreaInputSerializer(Serializer):
    """An area as a client gives it: a circle (``lat``, ``lon``, ``radius_m``) or a GeoJSON
    ``boundary`` polygon. A subclass declares ``radius_m`` with its limits, and may word the
    error for a circle given in part (``circle_incomplete_message``)."""

    lat = serializers.FloatField(required=False, min_value=-90, max_value=90)
    lon = serializers.FloatField(required=False, min_value=-180, max_value=180)
    boundary = PolygonField(required=False)

    circle_incomplete_message = gettext_lazy("Give the area: lat, lon and radius_m, or a boundary.")

    def validate_boundary(self, value: Any) -> dict[str, Any]:
        try:
            clean, _, _ = geo.clean_polygon(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return clean

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        given = {field for field in AREA_FIELDS if field in attrs}
        if "boundary" in given and given & CIRCLE_FIELDS:
            raise serializers.ValidationError(
                {"boundary": [_("Give either a boundary or lat, lon and radius_m, not both.")]}
            )
        if not given and not self.partial:
            raise serializers.ValidationError(
                {"lat": [_("Give the area: lat, lon and radius_m, or a boundary.")]}
            )
        if given & CIRCLE_FIELDS and not given >= CIRCLE_FIELDS:
            raise serializers.ValidationError(
                {field: [self.circle_incomplete_message] for field in sorted(CIRCLE_FIELDS - given)}
            )
        if "lat" in given:
            try:
                geo.validate_point(attrs["lat"], attrs["lon"])
            except DjangoValidationError as exc:
                raise serializers.ValidationError({"lat": exc.messages}) from exc
        return attrs

    def split_area(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """(the other validated data, the area's) for the services; the area is what
        ``areas.models.area_fields`` takes."""
        data = dict(self.validated_data)
        area = {field: data.pop(field) for field in AREA_FIELDS if field in data}
        return data, area
