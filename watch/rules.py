"""The numbers of Community Speedwatch: thresholds, escalation steps and daylight.

All of them come from settings (police guidance gives the defaults), so a force with other
rules changes configuration, not code.
"""

import math
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from astral import LocationInfo
from astral.sun import sun
from django.conf import settings
from django.utils.translation import gettext_lazy

from watch.models import Action

LONDON = ZoneInfo("Europe/London")

# The standard site risk assessment: every answer must be yes before volunteers stand there.
# The API takes the answers by key; the site form asks the questions in this order.
# Lazy: each request reads them in its own language.
RISK_QUESTIONS = {
    "safe_standing_place": gettext_lazy("There is a safe place to stand, off the carriageway."),
    "clear_view": gettext_lazy("Drivers can see the volunteers from a safe distance."),
    "no_obstruction": gettext_lazy("The team will not obstruct the footway or sight lines."),
    "parking_nearby": gettext_lazy("There is safe parking nearby."),
}


def threshold_mph(limit_mph: int) -> int:
    """The lowest speed that counts: the limit plus 10% plus 2 mph by default (35 in a 30)."""
    percent = settings.SPEEDWATCH_THRESHOLD_PERCENT
    return (
        limit_mph + math.ceil(limit_mph * percent / 100) + settings.SPEEDWATCH_THRESHOLD_EXTRA_MPH
    )


def excessive_mph(limit_mph: int) -> int:
    """A speed that goes straight to police action: 50 in a 30 by default, scaled."""
    return math.ceil(limit_mph * settings.SPEEDWATCH_EXCESSIVE_SPEED_IN_30_MPH / 30)


def escalation_window() -> timedelta:
    return timedelta(days=settings.SPEEDWATCH_ESCALATION_WINDOW_DAYS)


def action_for(*, earlier_offences: int, speed_mph: int, limit_mph: int) -> Action:
    """The step an offence earns, given the same vehicle's offences in the window before it."""
    if speed_mph >= excessive_mph(limit_mph) or earlier_offences >= 2:
        return Action.POLICE_ACTION
    if earlier_offences == 1:
        return Action.SECOND_LETTER
    return Action.FIRST_LETTER


def daylight(*, lat: float, lon: float, on: date) -> tuple[datetime, datetime]:
    """Sunrise and sunset at a place on a day (aware datetimes, UK time)."""
    place = LocationInfo(latitude=lat, longitude=lon, timezone="Europe/London")
    times = sun(place.observer, date=on, tzinfo=LONDON)
    return times["sunrise"], times["sunset"]
