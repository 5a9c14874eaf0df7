"""Refuses, at start-up, size limits that an area could not be stored with.

An area's bounding box is bounded in the database (``geo.MAX_SPAN_*``, which the overlap
queries rely on): a configured maximum whose largest area would break that bound would
otherwise pass validation and fail on save.
"""

from typing import Any

from django.core.checks import CheckMessage, Error, register

from areas import geo, limits


def _radius_errors(radius: limits.RadiusLimits, largest: int) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    if radius.low > radius.high:
        errors.append(
            Error(
                f"{radius.low_setting} ({radius.low} m) is larger than "
                f"{radius.high_setting} ({radius.high} m): no radius would be accepted.",
                hint=f"Set {radius.low_setting} at most {radius.high_setting}.",
                id="areas.E001",
            )
        )
    if radius.high > largest:
        errors.append(
            Error(
                f"{radius.high_setting} is {radius.high} m, but a circle may have a radius of "
                f"at most {largest} m: a larger one's bounding box is more than "
                f"{geo.MAX_SPAN_LAT_DEG}° of latitude or {geo.MAX_SPAN_LON_DEG}° of longitude "
                "at the northern edge of England and Wales, which the area columns do not "
                "hold.",
                hint=f"Set {radius.high_setting} to at most {largest}.",
                id="areas.E002",
            )
        )
    return errors


@register()
def check_area_limits(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    largest_radius = geo.largest_radius_m()
    errors = [
        *_radius_errors(limits.scheme_radius(), largest_radius),
        *_radius_errors(limits.alert_radius(), largest_radius),
    ]
    largest_span = geo.largest_polygon_span_m()
    if limits.polygon_max_span_m() > largest_span:
        errors.append(
            Error(
                f"SCHEME_POLYGON_MAX_SPAN_M is {limits.polygon_max_span_m()} m, but a polygon "
                f"may span at most {largest_span} m corner to corner: a larger one's bounding "
                "box may not fit the area columns.",
                hint=f"Set SCHEME_POLYGON_MAX_SPAN_M to at most {largest_span}.",
                id="areas.E003",
            )
        )
    return errors
