"""The CSV exports: offences, with every column a liaison or coordinator needs to work through
a period's offences in a spreadsheet, one row per offence; and statistics."""

from collections.abc import Iterable, Iterator
from typing import Any

from django.utils import timezone

from core.csvfiles import csv_time
from watch.models import Offence
from watch.serializers import StatisticsSerializer

OFFENCE_COLUMNS = [
    "offence_id",
    "date",
    "time",
    "observed_at",
    "scheme",
    "site",
    "road",
    "speed_limit_mph",
    "speed_mph",
    "registration",
    "registration_format",
    "make",
    "model",
    "colour",
    "vehicle_type",
    "direction",
    "action",
    "action_status",
    "dispute_outcome",
    "voided",
]


def offence_rows(offences: Iterable[Offence]) -> Iterator[list[object]]:
    """One row per offence, in ``OFFENCE_COLUMNS`` order; the date and time in UK local time
    for people, and ``observed_at`` with its offset for anything that reads the time.
    A registration removed by the retention purge is an empty cell, and so are the action
    and its status while the offence's session is a draft (they are not settled yet)."""
    for offence in offences:
        seen = timezone.localtime(offence.observed_at)
        yield [
            offence.pk,
            seen.date().isoformat(),
            seen.strftime("%H:%M"),
            csv_time(offence.observed_at),
            offence.scheme.name,
            offence.site.name,
            offence.site.road_name,
            offence.speed_limit_mph,
            offence.speed_mph,
            offence.registration,
            offence.registration_format,
            offence.make,
            offence.model,
            offence.colour,
            offence.vehicle_type,
            offence.direction,
            offence.action if offence.submitted else "",
            offence.action_status if offence.submitted else "",
            offence.dispute_outcome,
            "yes" if offence.voided else "no",
        ]


# The figures' names and order come from the serializer that documents the JSON answer (and
# that selectors.statistics fills), so the CSV cannot drift from it: the period, its
# measures, then repeat vehicles; the monthly series is the CSV's further rows.
STATISTICS_COLUMNS = [
    "period",
    *(name for name in StatisticsSerializer().fields if name != "monthly"),
]


def statistics_rows(figures: dict[str, Any]) -> Iterator[list[object]]:
    """The totals row (period ``total``), then one row a month (``YYYY-MM``). Repeat vehicles
    are a whole period's figure, so the months leave that cell empty; so does a measure with
    no value (no offences, no speeds)."""
    yield ["total", *(figures[column] for column in STATISTICS_COLUMNS[1:])]
    for month in figures["monthly"]:
        yield [month["month"], *(month.get(column) for column in STATISTICS_COLUMNS[1:])]
