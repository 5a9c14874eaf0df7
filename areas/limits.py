"""The size limits of areas, read from settings in this one place.

Every rule that depends on them (the serializers' bounds and messages, the schema, the
polygon check, the start-up check that they fit the database's bound) asks here, each time,
so that a changed setting (or a test's override) is what is checked and what is stated.
"""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class RadiusLimits:
    """The smallest and largest radius a circle may have, in metres, and the settings
    they come from (named in the start-up check's messages)."""

    low: int
    high: int
    low_setting: str
    high_setting: str


def scheme_radius() -> RadiusLimits:
    return RadiusLimits(
        low=settings.SCHEME_RADIUS_MIN_M,
        high=settings.SCHEME_RADIUS_MAX_M,
        low_setting="SCHEME_RADIUS_MIN_M",
        high_setting="SCHEME_RADIUS_MAX_M",
    )


def alert_radius() -> RadiusLimits:
    return RadiusLimits(
        low=settings.ALERT_RADIUS_MIN_M,
        high=settings.ALERT_RADIUS_MAX_M,
        low_setting="ALERT_RADIUS_MIN_M",
        high_setting="ALERT_RADIUS_MAX_M",
    )


def polygon_max_vertices() -> int:
    return settings.SCHEME_POLYGON_MAX_VERTICES


def polygon_max_span_m() -> int:
    """The longest a polygon may be, corner to corner of its bounding box, in metres."""
    return settings.SCHEME_POLYGON_MAX_SPAN_M
