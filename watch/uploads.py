"""Offences sent in a batch, read into the rows the session services take: a JSON object or
list, or an uploaded CSV file. A row of the wrong shape stays in the batch, refused, so that
one upload reports every bad row by its number."""

import csv
import io
import itertools
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from rest_framework.exceptions import ValidationError

from core.exceptions import ContentTooLarge, InvalidRows
from watch.exports.letters import KEEPER_COLUMNS
from watch.serializers import KeeperAddressInputSerializer, OffenceInputSerializer
from watch.services.sessions import OffenceRow, RefusedRow, check_batch_size


def offence_rows(data: list[Any], *, text: bool = False) -> list[OffenceRow]:
    """Check the shape of each offence row of a batch. A bad row stays in the batch as a
    ``RefusedRow``: the service reports its errors by row number together with those of the
    rows that break the session's rules, so one upload shows every bad row. ``text``: the
    rows come from a CSV file, where every value is text (``"42"`` is a speed)."""
    check_batch_size(len(data))
    rows: list[OffenceRow] = []
    for item in data:
        payload = OffenceInputSerializer(data=item, context={"text_input": text})
        rows.append(payload.validated_data if payload.is_valid() else RefusedRow(payload.errors))
    return rows


def json_offence_rows(data: Any) -> list[OffenceRow]:
    """One offence (an object, refused whole when its shape is wrong) or many (a list)."""
    if isinstance(data, list):
        return offence_rows(data)
    payload = OffenceInputSerializer(data=data)
    payload.is_valid(raise_exception=True)
    return [payload.validated_data]


def csv_offence_rows(upload: UploadedFile | None) -> list[OffenceRow]:
    """The offences of an uploaded CSV file with a header row; empty cells are left out."""
    return offence_rows(
        [
            {k: v for k, v in row.items() if k and v not in ("", None)}
            for row in _uploaded_rows(upload, missing="Attach a CSV file as 'file'.")
        ],
        text=True,
    )


def _uploaded_rows(upload: UploadedFile | None, *, missing: str) -> list[dict[str, str | None]]:
    """The rows of an uploaded CSV file, one past the most a batch may have (so that an
    over-long file is refused without the rest of it being read); ``missing`` says what to
    attach when there is no file."""
    if upload is None:
        raise ValidationError({"file": [missing]})
    # Refused whole before any of it is read: part of a file is never stored.
    max_bytes = settings.SPEEDWATCH_BULK_MAX_BYTES
    if (upload.size or 0) > max_bytes:
        raise ContentTooLarge(
            {
                "file": [
                    f"The file is {upload.size:,} bytes; "
                    f"files of up to {max_bytes:,} bytes can be uploaded."
                ]
            }
        )
    return csv_rows(upload, settings.SPEEDWATCH_BULK_MAX_ROWS + 1)


def csv_rows(upload: UploadedFile, limit: int) -> list[dict[str, str | None]]:
    """The first ``limit`` rows of an uploaded UTF-8 CSV file (a byte order mark is allowed).

    The file is decoded as it is read, so a character split across two chunks of it is read
    whole. Reading stops ``limit`` rows in: a caller asking for one row past its own limit
    refuses an over-long file without the rest of it being parsed."""
    upload.seek(0)
    text = io.TextIOWrapper(upload, encoding="utf-8-sig", newline="")
    try:
        return list(itertools.islice(csv.DictReader(text), limit))
    except UnicodeDecodeError as exc:
        raise ValidationError({"file": ["The file is not UTF-8 text."]}) from exc
    except csv.Error as exc:
        raise ValidationError({"file": [f"The file is not a readable CSV: {exc}."]}) from exc
    finally:
        # Leave the upload open: Django closes its files when the request ends.
        text.detach()


def csv_keeper_addresses(upload: UploadedFile | None) -> list[tuple[str, dict[str, Any]]]:
    """The keepers' names and addresses of the letters batch's CSV file, filled in by the
    force's lookup (with the keeper's language, where known): ``("row N", address)`` for
    each row with any of them, checked as
    ``KeeperAddressInputSerializer`` (rows still blank are letters not looked up yet, and
    left alone). Every bad row is reported at once, by its number."""
    rows = _uploaded_rows(upload, missing="Attach the letters CSV file as 'file'.")
    check_batch_size(len(rows))
    addresses: list[tuple[str, dict[str, Any]]] = []
    errors: dict[str, Any] = {}
    for number, row in enumerate(rows, start=1):
        cells = {column: (row.get(column) or "").strip() for column in KEEPER_COLUMNS}
        if not any(cells.values()):
            continue
        payload = KeeperAddressInputSerializer(
            data={
                "reference": row.get("reference") or "",
                "registration": row.get("registration") or "",
                "name": cells["keeper_name"],
                "address_lines": [
                    cells[f"address_line_{n}"] for n in range(1, 5) if cells[f"address_line_{n}"]
                ],
                "postcode": cells["postcode"],
                "language": cells["keeper_language"],
            }
        )
        if payload.is_valid():
            addresses.append((f"row {number}", payload.validated_data))
        else:
            errors[f"row {number}"] = payload.errors
    if errors:
        raise InvalidRows("addresses", errors)
    if not addresses:
        raise ValidationError(
            {"file": ["No row has a keeper's name and address: fill them in from your lookup."]}
        )
    return addresses
