"""The offences CSV: every column a liaison or coordinator needs to work through a period's
offences in a spreadsheet, one row per offence."""

from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone

from core.csvfiles import csv_download, csv_time
from watch.models import Offence

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


def offences_download(offences: QuerySet[Offence]) -> StreamingHttpResponse:
    """The offences as a CSV download, streamed: a force's year can be a hundred thousand."""
    return csv_download(
        f"speedwatch-offences-{timezone.localdate().isoformat()}.csv",
        OFFENCE_COLUMNS,
        offence_rows(offences.iterator(chunk_size=2000)),
    )
