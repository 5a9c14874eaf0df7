"""CSV downloads: cells a spreadsheet would run as formulas are defused, long exports are
streamed rather than built in memory, and the files open as UTF-8 with their times zoned.

Every download starts with the UTF-8 byte order mark: without it Excel (and LibreOffice's
import, when it guesses) reads the file in the machine's legacy code page, and Welsh or emoji
names (ŵ, ŷ, 🚗) turn into mojibake. Times are ISO 8601 in UK local time with the offset
(``2026-11-22T10:15:00+00:00``, ``2026-06-01T10:15:00+01:00``), so a row says when it was in
the time people lived it and still names one instant.
"""

import csv
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import IO

from django.http import StreamingHttpResponse
from django.utils import timezone

BOM = "\ufeff"


def csv_time(value: datetime | None) -> str:
    """A time for a CSV cell: local time with its offset, to the second; empty for none."""
    if value is None:
        return ""
    return timezone.localtime(value).isoformat(timespec="seconds")


def csv_safe(value: object) -> object:
    """Defuse text a spreadsheet would run as a formula (names and notes are user input)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


class _Echo:
    """A file-like object whose writes hand back what was written."""

    def write(self, value: str) -> str:
        return value


def csv_download(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> StreamingHttpResponse:
    """A streamed CSV attachment: the byte order mark and the header, then each row with every
    cell made safe."""
    writer = csv.writer(_Echo())

    def lines() -> Iterable[str]:
        yield BOM + writer.writerow(header)
        for row in rows:
            yield writer.writerow([csv_safe(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_write(
    file: IO[str], header: Sequence[str], rows: Iterable[Sequence[object]], *, bom: bool = False
) -> None:
    """Write a CSV file with every cell made safe; with ``bom``, open it with the UTF-8 byte
    order mark that tells Excel the file is UTF-8 (LibreOffice reads it either way)."""
    if bom:
        file.write(BOM)
    writer = csv.writer(file)
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_safe(cell) for cell in row])
