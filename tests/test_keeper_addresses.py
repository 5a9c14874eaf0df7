"""Keepers' names and addresses for letters: a liaison stores them against their waiting
letters (as JSON, or the letters batch's own CSV filled in from their lookup); the letters
then print them in the window and the mail-merge file carries them; a wrong reference or
vehicle is refused row by row with nothing stored; they are deleted once they have served;
and nobody but the force's liaisons may store or see them."""

import csv
import io
import subprocess
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.factories import LiaisonFactory
from tests.speedwatch import logged_session
from watch.models import AuditRecord, KeeperAddress
from watch.services.retention import keeper_addresses_purge

pytestmark = pytest.mark.django_db

ADDRESSES = "/api/v1/speedwatch/letters/addresses/"
UPLOAD = "/api/v1/speedwatch/letters/addresses/upload/"
EXPORT = "/api/v1/speedwatch/letters/export/"


@pytest.fixture
def waiting(site, sw_team) -> None:
    """Two vehicles recorded once each: two first letters waiting in Cambridgeshire's queue."""
    logged_session(site, sw_team, offences=[("AB12CDE", 41), ("KX65LMN", 44)])


def _letters_csv(client) -> list[dict[str, str]]:
    response = client.get(EXPORT)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _reference(client, registration: str) -> str:
    return next(
        row["reference"] for row in _letters_csv(client) if row["registration"] == registration
    )


def _address(reference: str, registration: str = "AB12 CDE", **changes) -> dict:
    return {
        "reference": reference,
        "registration": registration,
        "name": "Gwen Ap Rhys",
        "address_lines": ["Tŷ Gwyn", "12 Heol yr Eglwys", "Llanfair"],
        "postcode": "ll61 5ut",
        **changes,
    }


def test_a_liaison_stores_a_keepers_address_and_the_letter_is_addressed_to_them(
    client_for, liaison, waiting, tmp_path
) -> None:
    client = client_for(liaison)
    reference = _reference(client, "AB12 CDE")
    response = client.post(ADDRESSES, {"addresses": [_address(reference)]}, format="json")
    assert (response.status_code, response.json()) == (200, {"stored": 1, "kept_days": 30})
    stored = KeeperAddress.objects.get()
    assert (stored.reference, stored.registration, stored.force) == (
        reference,
        "AB12CDE",
        "cambridgeshire",
    )
    assert stored.lines == ["Gwen Ap Rhys", "Tŷ Gwyn", "12 Heol yr Eglwys", "Llanfair", "LL61 5UT"]
    # The mail-merge file carries it; the other letter is still blank for the lookup.
    rows = {row["registration"]: row for row in _letters_csv(client)}
    keeper_columns = ["keeper_name", "address_line_1", "address_line_2", "address_line_3"]
    assert [rows["AB12 CDE"][column] for column in keeper_columns] == [
        "Gwen Ap Rhys",
        "Tŷ Gwyn",
        "12 Heol yr Eglwys",
        "Llanfair",
    ]
    assert (rows["AB12 CDE"]["address_line_4"], rows["AB12 CDE"]["postcode"]) == ("", "LL61 5UT")
    assert rows["KX65 LMN"]["keeper_name"] == rows["KX65 LMN"]["postcode"] == ""
    # The PDF prints the address in the window and greets the keeper by name; the other
    # letter goes to the vehicle's registered keeper.
    pdf = client.get(EXPORT, {"format": "pdf"})
    path = tmp_path / "letters.pdf"
    path.write_bytes(pdf.content)
    pages = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    addressed = next(page for page in pages if reference in page)
    for line in ["Gwen Ap Rhys", "Tŷ Gwyn", "12 Heol yr Eglwys", "Llanfair", "LL61 5UT"]:
        assert line in addressed
    assert "Dear Gwen Ap Rhys," in addressed
    assert "The Registered Keeper" not in addressed
    other = next(page for page in pages if "KX65 LMN" in page and reference not in page)
    assert "The Registered Keeper" in other
    assert "Dear Registered Keeper," in other
    # Who stored keepers' details is on the audit log.
    audit = AuditRecord.objects.get(action="keeper_addresses")
    assert (audit.actor, audit.rows, audit.force) == (liaison, 1, "cambridgeshire")


def test_storing_again_replaces_and_never_duplicates(client_for, liaison, waiting) -> None:
    client = client_for(liaison)
    reference = _reference(client, "AB12 CDE")
    for name in ["Gwen Ap Rhys", "Gwen Ap Rhys", "Rhys Ap Gwen"]:
        response = client.post(
            ADDRESSES, {"addresses": [_address(reference, name=name)]}, format="json"
        )
        assert response.status_code == 200
    assert list(KeeperAddress.objects.values_list("reference", "name")) == [
        (reference, "Rhys Ap Gwen")
    ]


def test_bad_rows_are_refused_by_number_and_nothing_is_stored(client_for, liaison, waiting) -> None:
    client = client_for(liaison)
    first = _reference(client, "AB12 CDE")
    second = _reference(client, "KX65 LMN")
    response = client.post(
        ADDRESSES,
        {
            "addresses": [
                _address(first),
                _address(second, registration="AB12CDE"),
                _address("CSW-L1-0000-0000-0000"),
                _address(first, name="Someone Else"),
            ]
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "addresses": {
            "row 2": {"registration": ["This is not the vehicle of that letter."]},
            "row 3": {"reference": ["No letter waiting in your queue has this reference."]},
            "row 4": {"reference": ["Row 1 is for the same letter."]},
        }
    }
    # A field of the wrong shape is the serializer's field error, by index.
    response = client.post(
        ADDRESSES,
        {"addresses": [_address(first, postcode="XX1 234", address_lines=[])]},
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()["addresses"]["0"]
    assert errors["postcode"] == ["Enter a full UK postcode, such as CB2 1TN."]
    assert "address_lines" in errors
    assert not KeeperAddress.objects.exists()


def test_the_letters_csv_filled_in_is_uploaded_back(client_for, liaison, waiting) -> None:
    client = client_for(liaison)
    rows = _letters_csv(client)
    # The lookup filled in one letter; the other is left blank for later.
    looked_up = next(row for row in rows if row["registration"] == "KX65 LMN")
    looked_up.update(
        keeper_name="Lease Co Ltd",
        address_line_1="Unit 4",
        address_line_2="Trading Estate",
        address_line_3="Ely",
        postcode="CB7 4EZ",
    )
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    upload = SimpleUploadedFile("letters.csv", out.getvalue().encode("utf-8-sig"), "text/csv")
    response = client.post(UPLOAD, {"file": upload}, format="multipart")
    assert (response.status_code, response.json()) == (200, {"stored": 1, "kept_days": 30})
    stored = KeeperAddress.objects.get()
    assert (stored.reference, stored.name, stored.address_lines, stored.postcode) == (
        looked_up["reference"],
        "Lease Co Ltd",
        ["Unit 4", "Trading Estate", "Ely"],
        "CB7 4EZ",
    )
    # A row half filled in is reported by its number.
    looked_up["postcode"] = ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    upload = SimpleUploadedFile("letters.csv", out.getvalue().encode(), "text/csv")
    response = client.post(UPLOAD, {"file": upload}, format="multipart")
    assert response.status_code == 400
    row = rows.index(looked_up) + 1
    assert list(response.json()["addresses"]) == [f"row {row}"]
    assert "postcode" in response.json()["addresses"][f"row {row}"]


def test_a_file_with_no_address_says_so(client_for, liaison, waiting) -> None:
    client = client_for(liaison)
    export = client.get(EXPORT)
    upload = SimpleUploadedFile("letters.csv", b"".join(export.streaming_content), "text/csv")
    response = client.post(UPLOAD, {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert response.json() == {
        "file": ["No row has a keeper's name and address: fill them in from your lookup."]
    }
    response = client.post(UPLOAD, {}, format="multipart")
    assert response.json() == {"file": ["Attach the letters CSV file as 'file'."]}


@pytest.mark.parametrize("who", ["sw_coordinator", "sw_volunteer", "outsider"])
def test_only_liaisons_store_keepers_addresses(
    client_for, request, liaison, waiting, who, outsider
) -> None:
    reference = _reference(client_for(liaison), "AB12 CDE")
    client = client_for(request.getfixturevalue(who))
    response = client.post(ADDRESSES, {"addresses": [_address(reference)]}, format="json")
    assert response.status_code == 403
    response = client.post(UPLOAD, {}, format="multipart")
    assert response.status_code == 403
    assert not KeeperAddress.objects.exists()


def test_anonymous_people_are_refused(anon, client_for, liaison, waiting) -> None:
    reference = _reference(client_for(liaison), "AB12 CDE")
    response = anon.post(ADDRESSES, {"addresses": [_address(reference)]}, format="json")
    assert response.status_code in (401, 403)
    assert not KeeperAddress.objects.exists()


def test_another_forces_liaison_cannot_address_or_see_this_forces_letters(
    client_for, liaison, waiting
) -> None:
    client = client_for(liaison)
    reference = _reference(client, "AB12 CDE")
    client.post(ADDRESSES, {"addresses": [_address(reference)]}, format="json")
    other = client_for(LiaisonFactory(force="north-wales").user)
    response = other.post(
        ADDRESSES, {"addresses": [_address(reference, name="Someone Else")]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["addresses"]["row 1"] == {
        "reference": ["No letter waiting in your queue has this reference."]
    }
    assert all(row["keeper_name"] == "" for row in _letters_csv(other))
    assert KeeperAddress.objects.get().name == "Gwen Ap Rhys"


def test_keepers_addresses_are_deleted_once_they_have_served(
    client_for, liaison, waiting, settings
) -> None:
    client = client_for(liaison)
    reference = _reference(client, "AB12 CDE")
    client.post(ADDRESSES, {"addresses": [_address(reference)]}, format="json")
    settings.KEEPER_ADDRESS_RETENTION_DAYS = 30
    now = timezone.now()
    assert keeper_addresses_purge(now=now + timedelta(days=29)) == 0
    assert keeper_addresses_purge(now=now + timedelta(days=31)) == 1
    assert not KeeperAddress.objects.exists()
    assert _letters_csv(client)[0]["keeper_name"] == ""
