"""The ZIP a person downloads with everything held about them: one CSV per kind of record
(for people, with a spreadsheet), the same records in ``data.json`` (for programs), and a
``README.txt`` saying what each file holds. The files are those the apps declare
(``accounts.personal_data``).

The archive is streamed as it is built: each file is sent as soon as it is written.
"""

import io
import json
import uuid
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise

from accounts.models import User
from accounts.personal_data import ExportSection, Row, export_sections
from core.csvfiles import csv_write

FORMAT_VERSION = 1


class _Pipe(io.RawIOBase):
    """A write-only file that hands back what was written. Being unseekable, it has
    ``zipfile`` write each member's sizes after its data, so nothing is written twice."""

    def __init__(self) -> None:
        super().__init__()
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def _csv_cell(value: object) -> object:
    """A cell as a spreadsheet reads it best: UK time without the offset (the README says
    so), yes/no, lists joined by semicolons."""
    if value is None:
        return ""
    if isinstance(value, Promise):
        # A choice's label, in the language the download was asked for.
        return str(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, list | tuple):
        return "; ".join(str(_csv_cell(item)) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return value


def _json_value(value: Any) -> Any:
    """ISO 8601 times with their UTC offset; everything else as JSON has it."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_json_value(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _json_value(item) for key, item in value.items()}
    return value


def _checked(section: ExportSection, row: Row) -> Row:
    if set(row) != set(section.columns):
        raise ValueError(f"{section.name}: a row has {sorted(row)}, not {section.columns}.")
    return row


def readme(*, user: User, sections: list[ExportSection], generated_at: datetime) -> str:
    when = timezone.localtime(generated_at).strftime("%d %B %Y at %H:%M")
    lines = [
        "Your data from Patchwatch",
        "",
        f"Everything Patchwatch holds about {user.name} <{user.email}>, "
        f"as it was on {when} (UK time).",
        "",
        "Each kind of record is in its own CSV file, which a spreadsheet (Excel, LibreOffice, "
        "Numbers) opens. Times in the CSV files are UK time. A file with only a heading row "
        "means we hold nothing of that kind about you.",
        "data.json holds the same records for computer programs: one list of records per "
        "file name below, with times in ISO 8601 including their offset from UTC.",
        "",
        "The files:",
        "",
    ]
    for section in sections:
        lines.append(f"{section.name}.csv")
        lines.append(f"    {section.description}")
    lines += [
        "",
        "Not included: your password (we hold only a one-way hash of it), the keys of your "
        "API token and of your browsers' notification subscriptions (they would let someone "
        "act as you), and the registrations of vehicles recorded at speedwatch sessions "
        "(they are the vehicle keepers' personal data; your scheme's coordinators can export "
        "them, and each such export is recorded).",
        "",
    ]
    return "\r\n".join(lines)


def export_archive(*, user: User, generated_at: datetime) -> Iterator[bytes]:
    """The ZIP of ``user``'s data, in chunks; the database is read as the chunks are asked
    for."""
    sections = export_sections()
    pipe = _Pipe()
    everything: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "generated_at": _json_value(generated_at),
    }
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "README.txt", readme(user=user, sections=sections, generated_at=generated_at)
        )
        yield pipe.take()
        for section in sections:
            rows = [_checked(section, row) for row in section.rows(user)]
            with io.TextIOWrapper(
                archive.open(f"{section.name}.csv", "w"), encoding="utf-8", newline=""
            ) as text:
                csv_write(
                    text,
                    section.columns,
                    ([_csv_cell(row[column]) for column in section.columns] for row in rows),
                    bom=True,
                )
            everything[section.name] = [
                {column: _json_value(row[column]) for column in section.columns} for row in rows
            ]
            yield pipe.take()
        archive.writestr(
            "data.json", json.dumps(everything, ensure_ascii=False, indent=2, sort_keys=False)
        )
    yield pipe.take()
