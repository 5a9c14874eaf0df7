"""CSV downloads: cells a spreadsheet would run as formulas are defused, and long exports are
streamed rather than built in memory."""

import csv
from collections.abc import Iterable, Sequence
from typing import IO

from django.http import StreamingHttpResponse


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
    """A streamed CSV attachment: the header, then each row with every cell made safe."""
    writer = csv.writer(_Echo())

    def lines() -> Iterable[str]:
        yield writer.writerow(header)
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
        file.write("\ufeff")
    writer = csv.writer(file)
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_safe(cell) for cell in row])
