"""Which police force covers a point: the suggestion the scheme form starts from.

Patchwatch has no force boundaries. With ``POLICE_FORCE_LOCATOR=police.uk`` the answer comes
from police.uk's neighbourhood finder (``locate-neighbourhood``), which knows them; without
it, or when police.uk cannot answer, the nearest known places decide: the active schemes
around the point (each approved by its force's liaison) and a list of towns with their
forces (``schemes.force_places``). Every answer says how sure it is, so a guess near a county
border is never presented as a fact; the person proposing can always choose another force.
"""

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from accounts.forces import PoliceForce, force_name_shown
from areas import geo
from schemes.force_places import PLACES
from schemes.models import Scheme, SchemeStatus
from schemes.selectors import schemes_in_bbox

logger = logging.getLogger(__name__)

CONFIRMED, LIKELY, UNCERTAIN, UNKNOWN = "confirmed", "likely", "uncertain", "unknown"

# Nearest-place rules: a force is "likely" when its nearest place is within LIKELY_WITHIN_M
# and every other force's nearest place is clearly farther (by the first distance again, and
# at least CLEAR_MARGIN_M); beyond GUESS_WITHIN_M nothing is suggested at all.
LIKELY_WITHIN_M = 12_000
CLEAR_MARGIN_M = 4_000
GUESS_WITHIN_M = 30_000
SCHEMES_WITHIN_M = 15_000
_KNOWN = set(PoliceForce.values)


@dataclass(frozen=True)
class ForceSuggestion:
    force: str | None
    confidence: str
    source: str
    message: str
    alternatives: list[str] = field(default_factory=list)

    @property
    def force_name(self) -> str:
        return force_name_shown(self.force) if self.force in _KNOWN else ""


class PoliceUkUnavailable(Exception):
    pass


def force_suggest(*, point: geo.Point) -> ForceSuggestion:
    note = ""
    if settings.POLICE_FORCE_LOCATOR == "police.uk":
        try:
            force = _police_uk_force(point)
        except PoliceUkUnavailable:
            note = _("police.uk did not answer, so this is worked out from nearby places.") + " "
        else:
            if force in _KNOWN:
                return ForceSuggestion(
                    force=force,
                    confidence=CONFIRMED,
                    source="police.uk",
                    message=_("police.uk places this point in the area of %(force)s.")
                    % {"force": force_name_shown(force)},
                )
            note = (
                _("police.uk does not know this point, so this is worked out from nearby places.")
                + " "
            )
    suggestion = _from_nearby_places(point)
    return ForceSuggestion(
        force=suggestion.force,
        confidence=suggestion.confidence,
        source=suggestion.source,
        message=note + suggestion.message,
        alternatives=suggestion.alternatives,
    )


# --- police.uk ------------------------------------------------------------------------------


def _police_uk_force(point: geo.Point) -> str | None:
    """police.uk's force code for the point (None when it knows no force there); cached,
    since force areas rarely move."""
    key = f"police-uk-force:{point.lat:.4f},{point.lon:.4f}"
    cached = cache.get(key)
    if cached is not None:
        return cached or None
    base = settings.POLICE_UK_API_URL.rstrip("/")
    if urlsplit(base).scheme not in ("http", "https"):
        raise PoliceUkUnavailable
    url = f"{base}/locate-neighbourhood?{urlencode({'q': f'{point.lat},{point.lon}'})}"
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(  # noqa: S310 (the scheme is checked above)
            request, timeout=settings.POLICE_UK_TIMEOUT_SECONDS
        ) as response:
            force = str(json.load(response).get("force", ""))
    except urllib.error.HTTPError as exc:
        if exc.code != 404:
            logger.warning("police.uk answered %s for %s", exc.code, point)
            raise PoliceUkUnavailable from exc
        force = ""  # outside every force area it knows
    except (OSError, ValueError, AttributeError) as exc:
        logger.warning("police.uk could not be asked about %s: %s", point, exc)
        raise PoliceUkUnavailable from exc
    cache.set(key, force, settings.GEOCODER_CACHE_SECONDS)
    return force or None


# --- Nearby places ------------------------------------------------------------------------


def _nearest_by_force(point: geo.Point) -> list[tuple[float, str, str]]:
    """(distance, force, place) for the nearest known place of each force, nearest first."""
    nearest: dict[str, tuple[float, str, str]] = {}

    def consider(name: str, lat: float, lon: float, force: str) -> None:
        distance = geo.distance_m(point, geo.Point(lat, lon))
        if force in _KNOWN and (force not in nearest or distance < nearest[force][0]):
            nearest[force] = (distance, force, name)

    for name, lat, lon, force in PLACES:
        consider(name, lat, lon, force)
    approved = Scheme.objects.filter(status__in=[SchemeStatus.ACTIVE, SchemeStatus.SUSPENDED])
    nearby = schemes_in_bbox(approved, geo.circle_bbox(point, SCHEMES_WITHIN_M))
    for name, lat, lon, force in nearby.values_list("name", "centre_lat", "centre_lon", "force"):
        consider(name, lat, lon, force)
    return sorted(nearest.values())


def _km(metres: float) -> str:
    return f"{metres / 1000:.1f} km" if metres < 10_000 else f"{round(metres / 1000)} km"


def _from_nearby_places(point: geo.Point) -> ForceSuggestion:
    ranked = _nearest_by_force(point)
    source = "nearby places"
    first_distance, first, place = ranked[0]
    if first_distance > GUESS_WITHIN_M:
        return ForceSuggestion(
            force=None,
            confidence=UNKNOWN,
            source=source,
            message=_("We cannot tell which force covers this place: choose it from the list."),
            alternatives=[force for _distance, force, _place in ranked[:3]],
        )
    others = ranked[1:]
    clear = not others or others[0][0] - first_distance >= max(CLEAR_MARGIN_M, first_distance)
    if first_distance <= LIKELY_WITHIN_M and clear:
        return ForceSuggestion(
            force=first,
            confidence=LIKELY,
            source=source,
            message=_(
                "Most likely %(force)s: the nearest place we know, %(place)s (%(distance)s "
                "away), is in its area. Check it if you are near a county border."
            )
            % {"force": force_name_shown(first), "place": place, "distance": _km(first_distance)},
        )
    close = [force for distance, force, _ in others if distance <= first_distance + 15_000][:3]
    names = (" " + _("or") + " ").join(force_name_shown(force) for force in [first, *close][:3])
    return ForceSuggestion(
        force=first,
        confidence=UNCERTAIN,
        source=source,
        message=_(
            "This place could be covered by %(forces)s. Check which force covers it before you "
            "send the proposal."
        )
        % {"forces": names},
        alternatives=close,
    )
