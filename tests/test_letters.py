"""Files that leave the app for the outside world: every CSV opens in a spreadsheet as UTF-8
with zoned times, and the speedwatch letters (a mail-merge CSV and a PDF) are one letter per
vehicle and stage, with the force's letterhead, for a window envelope."""

import codecs
import csv
import io
import re
import subprocess
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from schemes.models import Scheme
from tests.factories import ActivityEventFactory
from tests.speedwatch import logged_session
from watch.exports import letters
from watch.models import Letterhead, Offence, Site
from watch.registrations import display_registration

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
SCHEME_NAME = "Llanfairpwll Gwylio Cyflymder ŵŷ 🚗"
SITE_NAME = "Ffordd Ŵyn by Tŷ Llŷn"
ROAD_NAME = "Heol yr Orsaf âêîôûï Łŵŷ"
WELSH = "ŵŷŴâêîôûïŁ"
LETTERS_EXPORT = "/api/v1/speedwatch/letters/export/"


def _days_since(month: int, day: int) -> int:
    """Days back to the latest ``month``/``day`` at least three weeks ago: a date in winter
    (GMT) or in summer (BST) within the last thirteen months, whatever today is."""
    today = timezone.localdate()
    for year in (today.year, today.year - 1):
        then = date(year, month, day)
        if (today - then).days >= 21:
            return (today - then).days
    raise AssertionError("unreachable")


@pytest.fixture
def welsh_site(site, sw_team) -> Site:
    scheme = site.scheme
    scheme.name = SCHEME_NAME
    scheme.save(update_fields=["name"])
    site.name, site.road_name = SITE_NAME, ROAD_NAME
    site.save(update_fields=["name", "road_name"])
    return site


@pytest.fixture
def batch(welsh_site, sw_team) -> dict[str, Offence]:
    """Six pending offences making five letters: AB12CDE earns a first letter, a second one
    and a police referral with two offences on it; a winter and a summer vehicle earn a first
    letter each."""
    logged_session(welsh_site, sw_team, days_ago=_days_since(1, 15), offences=[("WN05AAA", 38)])
    logged_session(welsh_site, sw_team, days_ago=_days_since(7, 15), offences=[("SM15BBB", 41)])
    for days_ago in (14, 10, 7, 3):
        logged_session(welsh_site, sw_team, days_ago=days_ago, offences=[("AB12CDE", 40)])
    return {str(o.pk): o for o in Offence.objects.all()}


def _body(response) -> bytes:
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content) if response.streaming else response.content


def _csv(response) -> list[dict[str, str]]:
    body = _body(response)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert body.startswith(codecs.BOM_UTF8)
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def _zoned(value: str) -> datetime:
    """A CSV time: ISO 8601 with its offset, which is UK time's offset at that instant."""
    parsed = datetime.fromisoformat(value)
    assert parsed.utcoffset() is not None, value
    assert parsed.utcoffset() == parsed.astimezone(LONDON).utcoffset(), value
    return parsed


# --- Every CSV download -----------------------------------------------------------------

# Each CSV endpoint, who downloads it, its time columns, and the columns with the names.
CSV_ENDPOINTS = {
    "offences": (
        "/api/v1/speedwatch/offences/export/",
        "sw_coordinator",
        ["observed_at"],
        ["scheme", "site", "road"],
    ),
    "letters": (
        LETTERS_EXPORT,
        "liaison",
        ["first_observed_at", "last_observed_at"],
        ["offences", "schemes"],
    ),
    "statistics": ("/api/v1/speedwatch/statistics/", "sw_coordinator", [], []),
    "audit": ("/api/v1/speedwatch/audit/export/", "liaison", ["time"], ["schemes"]),
    "activity": ("/api/v1/activity/export/", "liaison", ["time"], ["scheme"]),
}


@pytest.mark.parametrize("ask", ["accept", "format"])
@pytest.mark.parametrize("endpoint", list(CSV_ENDPOINTS))
def test_csv_downloads_open_as_utf8_with_zoned_times(
    client_for, request, batch, welsh_site, sw_coordinator, endpoint, ask
) -> None:
    url, who, times, names = CSV_ENDPOINTS[endpoint]
    # Something in the audit log and the activity log of the Welsh scheme.
    client_for(sw_coordinator).get("/api/v1/speedwatch/offences/export/")
    ActivityEventFactory(
        scheme=welsh_site.scheme,
        type="member_joined",
        actor=sw_coordinator,
        summary="Siân ymunodd.",
    )
    client = client_for(request.getfixturevalue(who))
    if ask == "accept":
        response = client.get(url, HTTP_ACCEPT="text/csv")
    else:
        response = client.get(url, {"format": "csv"}, HTTP_ACCEPT="application/json")
    rows = _csv(response)
    assert rows
    for column in times:
        assert all(_zoned(row[column]) for row in rows)
    for column in names:
        assert any(
            name in row[column] for row in rows for name in (SCHEME_NAME, SITE_NAME, ROAD_NAME)
        ), column


def test_offences_csv_times_carry_the_offset_of_their_season(client_for, batch, sw_coordinator):
    rows = _csv(client_for(sw_coordinator).get("/api/v1/speedwatch/offences/export/"))
    seen = {row["registration"]: row for row in rows}
    winter, summer = seen["WN05AAA"], seen["SM15BBB"]
    assert winter["observed_at"].endswith("+00:00")
    assert summer["observed_at"].endswith("+01:00")
    for row in (winter, summer):
        # The people's columns are the same local time the zoned column states.
        at = _zoned(row["observed_at"])
        assert (row["date"], row["time"]) == (at.date().isoformat(), f"{at:%H:%M}")
        assert at == batch_time(batch, row["offence_id"])
    assert {row["scheme"] for row in rows} == {SCHEME_NAME}
    assert {row["site"] for row in rows} == {SITE_NAME}


def batch_time(batch: dict[str, Offence], offence_id: str) -> datetime:
    return batch[offence_id].observed_at


# --- The letters CSV, for a mail merge ----------------------------------------------------


def test_letters_csv_is_one_row_per_letter_with_blank_keeper_columns(
    client_for, batch, liaison
) -> None:
    rows = _csv(client_for(liaison).get(LETTERS_EXPORT))
    assert list(rows[0]) == letters.CSV_COLUMNS
    assert [(row["stage"], row["registration"], row["offence_count"]) for row in rows] == [
        ("first_letter", "WN05 AAA", "1"),
        ("first_letter", "SM15 BBB", "1"),
        ("first_letter", "AB12 CDE", "1"),
        ("second_letter", "AB12 CDE", "1"),
        ("police_action", "AB12 CDE", "2"),
    ]
    keeper = ["keeper_name", "address_line_1", "address_line_2", "address_line_3"]
    keeper += ["address_line_4", "postcode"]
    assert {row[column] for row in rows for column in keeper} == {""}
    referral = rows[-1]
    offences = [batch[pk] for pk in referral["offence_ids"].split()]
    assert sorted(o.observed_at for o in offences) == [
        _zoned(referral["first_observed_at"]),
        _zoned(referral["last_observed_at"]),
    ]
    assert referral["stage_title"] == "Referral for police action"
    assert referral["force"] == "Cambridgeshire Constabulary"
    today = timezone.localdate()
    assert referral["letter_date"] == today.isoformat()
    assert referral["reply_by"] == (today + timedelta(days=28)).isoformat()
    assert referral["offences"].count(f"40 mph in a 30 mph limit, {ROAD_NAME} ({SITE_NAME})") == 2
    # Every letter has its own reference, of its stage and its earliest offence.
    references = [row["reference"] for row in rows]
    assert len(set(references)) == 5
    first = min(offences, key=lambda o: o.observed_at)
    assert referral["reference"] == (
        f"CSW-PR-{first.pk.hex[:4].upper()}-{first.pk.hex[4:8].upper()}-"
        f"{first.pk.hex[8:12].upper()}"
    )


def test_letter_references_stay_the_same_when_other_letters_are_sent(
    client_for, batch, liaison
) -> None:
    client = client_for(liaison)
    before = {row["registration"] + row["stage"]: row for row in _csv(client.get(LETTERS_EXPORT))}
    sent = before["AB12 CDEfirst_letter"]["offence_ids"].split()
    marked = client.post(
        "/api/v1/speedwatch/letters/mark/", {"ids": sent, "status": "sent"}, format="json"
    )
    assert marked.json() == {"updated": 1}
    after = {row["registration"] + row["stage"]: row for row in _csv(client.get(LETTERS_EXPORT))}
    assert set(before) - set(after) == {"AB12 CDEfirst_letter"}
    assert {key: row["reference"] for key, row in after.items()} == {
        key: before[key]["reference"] for key in after
    }


# --- The PDF letters ---------------------------------------------------------------------


def _run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def pdf_file(tmp_path: Path):
    def write(response) -> Path:
        assert response["Content-Type"] == "application/pdf"
        path = tmp_path / "letters.pdf"
        path.write_bytes(_body(response))
        return path

    return write


def test_letters_pdf_is_one_letter_per_vehicle_and_stage_in_welsh_and_embedded_fonts(
    client_for, batch, liaison, pdf_file, tmp_path
) -> None:
    Letterhead.objects.create(
        force="cambridgeshire",
        department="Gwylio Cyflymder Cymunedol",
        return_address="Hinchingbrooke Park\nHuntingdon\nPE29 6NP",
        email="speedwatch@cambs.example.org",
        signatory_name="Sarjant Siân Llŷr",
        signatory_title="Cydlynydd Gwylio Cyflymder",
        dispute_days=21,
    )
    path = pdf_file(client_for(liaison).get(LETTERS_EXPORT, {"format": "pdf"}))
    rows = _csv(client_for(liaison).get(LETTERS_EXPORT))

    # It renders: pdftoppm draws every page.
    _run("pdftoppm", "-png", "-r", "30", str(path), str(tmp_path / "page"))
    pages = sorted(tmp_path.glob("page-*.png"))
    assert all(page.read_bytes().startswith(b"\x89PNG") for page in pages)
    # Five short letters: five pages, each the first page of its letter.
    assert len(pages) == len(rows) == 5
    text = _run("pdftotext", "-layout", str(path), "-")
    assert text.count("Our reference") == 5
    assert text.count("\f") == 5
    for row in rows:
        assert row["reference"] in text
        assert f"Vehicle {row['registration']}" in text
    for character in WELSH:
        assert character in text, character
    assert "Sarjant Siân Llŷr" in text
    assert "Cambridgeshire Constabulary" in text
    assert "Gwylio Cyflymder Cymunedol" in text
    assert "The Registered Keeper" in text
    assert "🚗" not in text  # the font has no emoji: left out rather than printed as a box
    reply_by = timezone.localdate() + timedelta(days=21)
    assert f"tell us by {reply_by:%-d %B %Y}" in " ".join(text.split())
    # Each stage says what it means.
    assert text.count("Community Speedwatch: advisory letter") == 3
    assert text.count("Community Speedwatch: second and final advisory letter") == 1
    assert text.count("Community Speedwatch: vehicle referred to the police") == 1
    assert re.search(r"\d{1,2} \w{3} \d{4} 10:0\d (GMT|BST)", text)

    fonts = _run("pdffonts", str(path)).splitlines()[2:]
    assert len(fonts) == 2
    for font in fonts:
        name, *_, emb, _sub, uni, _obj, _gen = font.split()
        assert "DejaVuSans" in name
        assert (emb, uni) == ("yes", "yes"), font


def test_letters_pdf_has_default_letterhead_for_a_force_without_one(
    client_for, site, sw_team, liaison, pdf_file
) -> None:
    logged_session(site, sw_team, offences=[("AB12CDE", 37)])
    path = pdf_file(client_for(liaison).get(LETTERS_EXPORT, HTTP_ACCEPT="application/pdf"))
    text = " ".join(_run("pdftotext", str(path), "-").split())
    assert "Cambridgeshire Constabulary" in text
    assert "Telephone 101" in text
    assert re.search(r"quoting the reference CSW-L1-[0-9A-F-]{14}: call 101\.", text)
    assert "Community Speedwatch team" in text
    reply_by = timezone.localdate() + timedelta(days=28)
    assert f"tell us by {reply_by:%-d %B %Y}" in text


def test_a_long_letter_runs_on_to_further_pages_under_one_reference(tmp_path) -> None:
    scheme = Scheme(name=SCHEME_NAME)
    site = Site(scheme=scheme, name=SITE_NAME, road_name=ROAD_NAME)
    start = datetime(2026, 6, 2, 8, 0, tzinfo=LONDON)
    offences = [
        Offence(
            id=uuid.uuid4(),
            scheme=scheme,
            site=site,
            registration="Y123ABC",
            action="police_action",
            speed_mph=45,
            speed_limit_mph=30,
            observed_at=start + timedelta(minutes=n),
        )
        for n in range(60)
    ]
    batch_letters = letters.letters_from(offences)
    assert len(batch_letters) == 1
    path = tmp_path / "long.pdf"
    path.write_bytes(
        letters.letters_pdf(
            batch_letters,
            # In the keeper's language (English, not known): one version of the letter.
            letterhead=Letterhead(force="north-wales", letter_language="keeper"),
            on=date(2026, 6, 20),
            addresses={},
        )
    )
    text = _run("pdftotext", "-layout", str(path), "-")
    pages = text.split("\f")[:-1]
    assert len(pages) >= 3
    reference = batch_letters[0].reference
    assert text.count("Our reference") == 1
    assert all(reference in page for page in pages)
    assert [f"Page {n}" in page for n, page in enumerate(pages, start=1)] == [True] * len(pages)
    assert text.count("BST") == 60 + len(pages)  # each offence, and each page's footer note
    assert "North Wales Police" in pages[0]


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("AB12CDE", "AB12 CDE"),
        ("A123BCD", "A123 BCD"),
        ("ABC123D", "ABC 123D"),
        ("LUI234", "LUI234"),
        ("XYZ", "XYZ"),
    ],
)
def test_registrations_are_printed_as_on_the_plate(stored, shown) -> None:
    assert display_registration(stored) == shown
