"""The statistics CSV: the totals row, then one row a month."""

from collections.abc import Iterator
from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone

from core.csvfiles import csv_download
from watch.serializers import StatisticsSerializer

# The figures' names and order come from the serializer that documents the JSON answer (and
# that selectors.statistics.statistics fills), so the CSV cannot drift from it: the period, its
# measures, then repeat vehicles; the monthly series is the CSV's further rows.
STATISTICS_COLUMNS: list[str] = [
    "period",
    # keys(): the stubs have a serializer's fields iterate as Field objects, not names.
    *(name for name in StatisticsSerializer().fields.keys() if name != "monthly"),  # noqa: SIM118
]


def statistics_rows(figures: dict[str, Any]) -> Iterator[list[object]]:
    """The totals row (period ``total``), then one row a month (``YYYY-MM``). Repeat vehicles
    are a whole period's figure, so the months leave that cell empty; so does a measure with
    no value (no offences, no speeds)."""
    yield ["total", *(figures[column] for column in STATISTICS_COLUMNS[1:])]
    for month in figures["monthly"]:
        yield [month["month"], *(month.get(column) for column in STATISTICS_COLUMNS[1:])]


def statistics_download(figures: dict[str, Any]) -> StreamingHttpResponse:
    return csv_download(
        f"speedwatch-statistics-{timezone.localdate().isoformat()}.csv",
        STATISTICS_COLUMNS,
        statistics_rows(figures),
    )
