"""Turning a postcode or place name into a point, through a configurable geocoder.

``settings.GEOCODER`` names a geopy service (with ``GEOCODER_OPTIONS`` for its
constructor), or ``gazetteer`` for the built-in offline list; empty switches place search
off. Answers are cached, since postcodes do not move and geocoding services ration calls.
"""

import hashlib
import inspect
import logging

from django.conf import settings
from django.core.cache import cache
from geopy.exc import GeopyError
from geopy.geocoders import get_geocoder_for_service

from areas.geo import Point
from schemes import gazetteer

logger = logging.getLogger(__name__)

_NOT_FOUND = "not-found"


class GeocodingDisabled(Exception):
    """No geocoder is configured on this server."""


class GeocoderUnavailable(Exception):
    """The configured geocoding service failed to answer."""


def geocoding_enabled() -> bool:
    return bool(settings.GEOCODER)


def _ask_service(query: str) -> Point | None:
    if settings.GEOCODER == "gazetteer":
        return gazetteer.lookup(query)
    geocoder_class = get_geocoder_for_service(settings.GEOCODER)
    geocoder = geocoder_class(
        timeout=settings.GEOCODER_TIMEOUT_SECONDS, **settings.GEOCODER_OPTIONS
    )
    extra = {}
    if "country_codes" in inspect.signature(geocoder.geocode).parameters:
        extra["country_codes"] = "gb"
    location = geocoder.geocode(query, exactly_one=True, **extra)
    return Point(location.latitude, location.longitude) if location else None


def place_geocode(query: str) -> Point | None:
    """The point for a place or postcode, or None when the geocoder does not know it."""
    if not geocoding_enabled():
        raise GeocodingDisabled
    normalised = " ".join(query.lower().split())
    digest = hashlib.sha256(f"{settings.GEOCODER}:{normalised}".encode()).hexdigest()
    key = f"geocode:{digest}"
    cached = cache.get(key)
    if cached == _NOT_FOUND:
        return None
    if cached is not None:
        return Point(*cached)
    try:
        point = _ask_service(normalised)
    except GeopyError as exc:
        logger.warning("Geocoder %s failed for %r: %s", settings.GEOCODER, normalised, exc)
        raise GeocoderUnavailable from exc
    cache.set(key, (point.lat, point.lon) if point else _NOT_FOUND, settings.GEOCODER_CACHE_SECONDS)
    return point
