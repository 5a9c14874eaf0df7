"""Uploads and request bodies: a file over its size limit is refused whole, one at the limit is
stored whole, and a body larger than any endpoint takes is refused before it is read."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.speedwatch import logged_session, morning
from watch.models import Offence

pytestmark = pytest.mark.django_db

LIMIT = 5_000_000  # SPEEDWATCH_BULK_MAX_BYTES by default
ROWS = 50
# Two bytes in UTF-8: a character with a byte on either side of a boundary.
W = "ŵ".encode()


def _registration(n: int) -> str:
    return f"AB{10 + n}CDE"


def _tally(size: int, *, last: str = "") -> bytearray:
    """A CSV of exactly ``size`` bytes: a byte order mark and header, ``ROWS`` offences of
    Škodas each padded with a notes column of "x", then ``last``."""
    start, _ = morning()
    head = "\ufeffregistration,speed_mph,observed_at,make,notes\n".encode()
    rows = [
        f"{_registration(n)},{40 + n % 5},{(start + timedelta(minutes=5 + n)).isoformat()},"
        "Škoda,".encode()
        for n in range(ROWS)
    ]
    tail = last.encode()
    room = size - len(head) - len(tail) - sum(len(row) + 1 for row in rows)
    each, extra = divmod(room, ROWS)
    data = bytearray(
        head
        + b"".join(row + b"x" * (each + (n < extra)) + b"\n" for n, row in enumerate(rows))
        + tail
    )
    assert len(data) == size
    return data


def _straddle(data: bytearray, boundary: int) -> None:
    """Put a two-byte character across ``boundary``: its first byte before, its second at it."""
    assert data[boundary - 1 : boundary + 1] == b"xx"
    data[boundary - 1 : boundary + 1] = W


def _upload(client, session, data: bytes):
    return client.post(
        f"/api/v1/speedwatch/sessions/{session.pk}/offences/upload/",
        {"file": SimpleUploadedFile("tally.csv", bytes(data), content_type="text/csv")},
        format="multipart",
    )


def _stored() -> list[tuple[str, int, str]]:
    return sorted(Offence.objects.values_list("registration", "speed_mph", "make"))


def _expected() -> list[tuple[str, int, str]]:
    return sorted((_registration(n), 40 + n % 5, "Škoda") for n in range(ROWS))


def test_an_upload_at_the_byte_limit_is_stored_whole(
    client_for, site, sw_team, sw_coordinator
) -> None:
    session = logged_session(site, sw_team, submit=False)
    data = _tally(LIMIT)
    # Characters across every boundary where a reader might cut the file into chunks (8 KiB
    # and 64 KiB) that falls in the padding, and across the last bytes of the file.
    straddled = 0
    for boundary in range(8192, LIMIT, 8192):
        if data[boundary - 1 : boundary + 1] == b"xx":
            _straddle(data, boundary)
            straddled += 1
    _straddle(data, LIMIT - 2)
    assert straddled > 500
    assert data.endswith(W + b"\n")

    response = _upload(client_for(sw_coordinator), session, data)

    assert response.status_code == 201, response.content[:500]
    assert len(response.json()) == ROWS
    assert _stored() == _expected()


@pytest.mark.parametrize("cut", ["character", "registration"])
def test_an_upload_over_the_byte_limit_is_refused_whole(
    client_for, site, sw_team, sw_coordinator, cut: str
) -> None:
    """A file just over the limit was read up to the limit: a character cut in two made it
    "not UTF-8 text", and a registration cut short (TZ99AB for TZ99ABC) was stored with the
    rows before it and those after it dropped."""
    session = logged_session(site, sw_team, submit=False)
    start, _ = morning()
    if cut == "character":
        data = _tally(LIMIT + 2)
        _straddle(data, LIMIT)
        assert data.endswith(W + b"\n")
    else:
        last = f"TZ99ABC,41,{(start + timedelta(minutes=58)).isoformat()},Škoda,\n"
        # The registration's last letter is the first byte over the limit.
        data = _tally(LIMIT - len("TZ99AB") + len(last.encode()), last=last)
        assert data[LIMIT - 6 : LIMIT + 1] == b"TZ99ABC"

    response = _upload(client_for(sw_coordinator), session, data)

    assert response.status_code == 413
    assert response.json() == {
        "file": [
            f"The file is {len(data):,} bytes; files of up to 5,000,000 bytes can be uploaded."
        ]
    }
    assert not Offence.objects.exists()


def test_the_byte_limit_is_a_setting(client_for, site, sw_team, sw_coordinator, settings) -> None:
    session = logged_session(site, sw_team, submit=False)
    start, _ = morning()
    at = (start + timedelta(minutes=15)).isoformat()
    data = f"registration,speed_mph,observed_at,make\nAB12CDE,40,{at},Škoda\n".encode()
    data += b"KX19LMN,41," + at.encode() + b"\n"
    client = client_for(sw_coordinator)
    assert len(data) == 121
    settings.SPEEDWATCH_BULK_MAX_BYTES = 120

    response = _upload(client, session, data)
    assert (response.status_code, response.json()) == (
        413,
        {"file": ["The file is 121 bytes; files of up to 120 bytes can be uploaded."]},
    )
    assert not Offence.objects.exists()

    settings.SPEEDWATCH_BULK_MAX_BYTES = 121
    response = _upload(client, session, data)
    assert response.status_code == 201, response.content
    assert sorted(Offence.objects.values_list("registration", "make")) == [
        ("AB12CDE", "Škoda"),
        ("KX19LMN", ""),
    ]


def test_a_file_that_is_not_utf8_is_refused(client_for, site, sw_team, sw_coordinator) -> None:
    session = logged_session(site, sw_team, submit=False)
    start, _ = morning()
    at = (start + timedelta(minutes=15)).isoformat()
    data = f"registration,speed_mph,observed_at,make\nAB12CDE,40,{at},Škoda\n".encode("cp1250")
    response = _upload(client_for(sw_coordinator), session, data)
    assert (response.status_code, response.json()) == (
        400,
        {"file": ["The file is not UTF-8 text."]},
    )
    assert not Offence.objects.exists()


def test_an_upload_larger_than_any_file_taken_is_refused_unread(
    client_for, site, sw_team, sw_coordinator, settings
) -> None:
    """The body is refused from its Content-Length, before Django spools the file to disk."""
    settings.SPEEDWATCH_BULK_MAX_BYTES = settings.UPLOAD_MAX_FILE_BYTES = 2_000
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_024
    session = logged_session(site, sw_team, submit=False)
    response = _upload(client_for(sw_coordinator), session, b"x" * 3_500)
    assert response.status_code == 413
    length = int(response.wsgi_request.META["CONTENT_LENGTH"])
    assert length > 3_500
    assert response.json() == {
        "detail": f"The upload is too large ({length:,} bytes): files of up to 2,000 bytes "
        "can be uploaded."
    }
    assert not Offence.objects.exists()


def test_a_json_body_over_the_limit_is_refused_unread(client_for, stranger, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_024
    body = '{"name": "' + "x" * 1_100 + '"}'
    response = client_for(stranger).generic(
        "POST", "/api/v1/schemes/", body, content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json() == {
        "detail": f"The request is too large ({len(body):,} bytes): send at most 1,024 bytes."
    }


def test_a_content_length_that_is_not_a_number_is_a_400(client_for, stranger) -> None:
    response = client_for(stranger).generic(
        "POST",
        "/api/v1/schemes/",
        "{}",
        content_type="application/json",
        CONTENT_LENGTH="lots",
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "The Content-Length header is not a number."}
