"""The activity log as a CSV file: its columns and one row an event."""

from collections.abc import Iterator

from django.db.models import QuerySet

from core.csvfiles import csv_time
from schemes.models import ActivityEvent

ACTIVITY_COLUMNS = ["time", "scheme_id", "scheme", "kind", "type", "actor", "summary"]


def activity_rows(events: QuerySet[ActivityEvent]) -> Iterator[list[object]]:
    """The events' rows, read in chunks (a force area's year is a long file)."""
    for event in events.select_related("scheme").iterator(chunk_size=1000):
        yield [
            csv_time(event.at),
            # Blank for an event of the force itself (no scheme's).
            event.scheme_id or "",
            event.scheme.name if event.scheme else "",
            event.scheme.kind if event.scheme else "",
            event.type,
            event.actor_name,
            event.summary,
        ]
