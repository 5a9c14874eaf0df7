"""The audit CSV: one row a record, times in UK time."""

from collections.abc import Iterator

from django.db.models import QuerySet

from core.csvfiles import csv_time
from watch.models import AuditRecord

AUDIT_COLUMNS = [
    "time",
    "person",
    "action",
    "registration",
    "scheme_ids",
    "schemes",
    "force",
    "rows",
    "filters",
]


def audit_rows(records: QuerySet[AuditRecord]) -> Iterator[list[object]]:
    for record in records.iterator(chunk_size=1000):
        detail = dict(record.detail)
        registration = detail.pop("registration", "")
        # iterator() with a chunk size keeps the selector's prefetch of the schemes.
        schemes = list(record.schemes.all())
        yield [
            csv_time(record.at),
            record.actor_name,
            record.action,
            registration,
            " ".join(str(scheme.pk) for scheme in schemes),
            "; ".join(scheme.name for scheme in schemes),
            record.force,
            record.rows,
            "; ".join(f"{key}={value}" for key, value in sorted(detail.items())),
        ]
