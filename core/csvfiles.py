"""CSV downloads: cells a spreadsheet would run as formulas are defused, and long exports are
streamed rather than built in memory."""

import csv
from collections.abc import Iterable, Sequence

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
