"""Speedwatch letters print in the keeper's language, or in Welsh and English where the force
writes bilingually (by default the four forces in Wales, with Welsh first; any force may
choose it, and a force in England puts English first); the keeper's language is stored with
their address, from JSON or the letters CSV; and the mail-merge file says each letter's
language."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import dateformat, timezone, translation

from accounts.forces import PoliceForce
from tests.factories import UserFactory
from tests.letter_pdfs import a_keeper, a_letter, first_page_parts, pdf_text, render
from tests.speedwatch import logged_session
from watch.letters import letter_languages
from watch.models import KeeperAddress, Letterhead
from watch.selectors.letters import letterhead_for

ADDRESSES = "/api/v1/speedwatch/letters/addresses/"
UPLOAD = "/api/v1/speedwatch/letters/addresses/upload/"
EXPORT = "/api/v1/speedwatch/letters/export/"
WELSH_MONTHS = [
    "Ionawr",
    "Chwefror",
    "Mawrth",
    "Ebrill",
    "Mai",
    "Mehefin",
    "Gorffennaf",
    "Awst",
    "Medi",
    "Hydref",
    "Tachwedd",
    "Rhagfyr",
]
WALES = {"dyfed-powys", "gwent", "north-wales", "south-wales"}
ADVISORY_CY = "Gwylio Cyflymder Cymunedol: llythyr cynghori"
ADVISORY_EN = "Community Speedwatch: advisory letter"


# --- Which languages a letter is in -------------------------------------------------------


def test_forces_in_wales_write_bilingually_by_default_and_the_others_in_the_keepers(db) -> None:
    assert {force for force in PoliceForce.values if Letterhead(force=force).bilingual} == WALES
    # A force without a letterhead of its own has the same defaults.
    assert letterhead_for(force="gwent").bilingual is True
    assert letterhead_for(force="kent").bilingual is False
    # A force may choose either way.
    assert Letterhead(force="gwent", letter_language="keeper").bilingual is False
    assert Letterhead(force="kent", letter_language="bilingual").bilingual is True


@pytest.mark.parametrize(
    ("force", "setting", "keeper", "languages"),
    [
        ("cambridgeshire", "", None, ("en",)),
        ("cambridgeshire", "", "", ("en",)),
        ("cambridgeshire", "", "en", ("en",)),
        ("cambridgeshire", "", "cy", ("cy",)),
        ("cambridgeshire", "bilingual", "cy", ("en", "cy")),
        ("cambridgeshire", "bilingual", None, ("en", "cy")),
        ("gwent", "", "en", ("cy", "en")),
        ("north-wales", "bilingual", None, ("cy", "en")),
        ("gwent", "keeper", "en", ("en",)),
        ("gwent", "keeper", None, ("en",)),
        ("south-wales", "keeper", "cy", ("cy",)),
    ],
)
def test_a_letters_languages_and_their_order(force, setting, keeper, languages) -> None:
    letter = a_letter()
    address = None if keeper is None else a_keeper(letter, language=keeper)
    letterhead = Letterhead(force=force, letter_language=setting)
    assert letter_languages(letterhead, address) == languages


# --- What a letter says in each ----------------------------------------------------------


def test_a_keeper_who_reads_welsh_gets_the_whole_letter_in_welsh(tmp_path) -> None:
    letter = a_letter()
    path = render(
        tmp_path / "letter.pdf",
        [letter],
        letterhead=Letterhead(
            force="cambridgeshire",
            signatory_name="Sarjant Siân Llŷr",
            signatory_title="Speedwatch Coordinator",
            signatory_title_cy="Cydlynydd Gwylio Cyflymder",
        ),
        keepers=[a_keeper(letter, language="cy")],
    )
    reference = letter.reference
    parts = first_page_parts(path)
    # The letterhead: a force in England keeps its name in Welsh.
    assert parts["crest"] == ["Arfbais yr heddlu"]
    assert parts["letterhead"] == ["Cambridgeshire Constabulary", "Gwylio Cyflymder Cymunedol"]
    assert parts["sender"] == [
        "Ffôn 101",
        "Ein cyfeirnod",
        reference,
        "Dyddiad",
        "7 Rhagfyr 2026",
        "Cerbyd",
        "AB12 CDE",
        "Nodwch ein cyfeirnod wrth ateb, os gwelwch yn dda.",
    ]
    assert parts["address"] == [
        "Gwen ap Rhys",
        "Tŷ Gwyn",
        "Ffordd yr Wŷdd",
        "Llanfair Pwllgwyngyll",
        "LL61 5UT",
    ]
    text = pdf_text(path)
    for words in [
        ADVISORY_CY,
        "Annwyl Gwen ap Rhys,",
        "Mae gwirfoddolwyr Gwylio Cyflymder Cymunedol, sydd wedi'u hyfforddi gan "
        "Cambridgeshire Constabulary ac sy'n gweithio gyda nhw, wedi cofnodi'r cerbyd "
        "AB12 CDE, y mae'r cofnodion yn dangos mai chi yw ei geidwad cofrestredig, yn "
        "teithio'n gyflymach na'r terfyn cyflymder ar yr achlysur hwn:",
        "Dyddiad ac amser Ffordd Safle Cyflymder Terfyn",
        "20 Tach 2026 08:00 GMT High Street By the school 41 mya 30 mya",
        "Beth mae'r llythyr hwn yn ei olygu",
        "Llythyr cynghori yw hwn. Nid dirwy na hysbysiad o fwriad i erlyn yw hwn:",
        "Os ydych chi'n credu bod y llythyr hwn yn anghywir",
        f"rhowch wybod i ni erbyn 4 Ionawr 2027, gan nodi'r cyfeirnod {reference}: ffoniwch 101.",
        "Yn gywir, Sarjant Siân Llŷr Cydlynydd Gwylio Cyflymder Cambridgeshire Constabulary",
        "Tudalen 1",
        "Gwirfoddolwyr sy'n cynnal Gwylio Cyflymder Cymunedol gyda Cambridgeshire Constabulary.",
        "Amser y DU yw'r amseroedd (GMT neu BST, fel y nodir).",
    ]:
        assert words in text, words
    for english in ["Our reference", "Dear", "Yours faithfully", "Page 1", "December", "mph"]:
        assert english not in text, english


def test_a_keeper_in_english_or_not_known_gets_the_letter_in_english(tmp_path) -> None:
    letter = a_letter()
    for language in ["en", ""]:
        path = render(
            tmp_path / f"letter-{language}.pdf",
            [letter],
            letterhead=Letterhead(force="cambridgeshire", signatory_title_cy="Cydlynydd"),
            keepers=[a_keeper(letter, language=language)],
        )
        assert first_page_parts(path)["sender"] == [
            "Telephone 101",
            "Our reference",
            letter.reference,
            "Date",
            "7 December 2026",
            "Vehicle",
            "AB12 CDE",
            "Please quote our reference in any reply.",
        ]
        text = pdf_text(path)
        assert "Dear Gwen ap Rhys," in text
        assert "20 Nov 2026 08:00 GMT High Street By the school 41 mph 30 mph" in text
        assert f"tell us by 4 January 2027, quoting the reference {letter.reference}" in text
        assert "Page 1" in text
        for welsh in ["Ein cyfeirnod", "Annwyl", "Gwylio", "Cydlynydd", "Tudalen"]:
            assert welsh not in text, welsh


def test_a_force_in_wales_prints_welsh_first_then_english(tmp_path) -> None:
    letter = a_letter(stage="second_letter")
    path = render(
        tmp_path / "letter.pdf",
        [letter],
        letterhead=Letterhead(
            force="gwent",
            department="Roads Policing",
            department_cy="Plismona Ffyrdd",
            signatory_title="Inspector",
            signatory_title_cy="Arolygydd",
        ),
        keepers=[a_keeper(letter, language="en")],
    )
    parts = first_page_parts(path)
    assert parts["crest"] == ["Arfbais yr heddlu", "Force crest"]
    assert parts["letterhead"] == [
        "Heddlu Gwent",
        "Gwent Police",
        "Plismona Ffyrdd",
        "Roads Policing",
    ]
    assert parts["sender"] == [
        "Ffôn 101 / Telephone 101",
        "Ein cyfeirnod / Our reference",
        letter.reference,
        "Dyddiad / Date",
        "7 Rhagfyr 2026",
        "7 December 2026",
        "Cerbyd / Vehicle",
        "AB12 CDE",
        "Nodwch ein cyfeirnod wrth ateb, os gwelwch yn dda.",
        "Please quote our reference in any reply.",
    ]
    text = pdf_text(path)
    in_order = [
        "Mae fersiwn Saesneg y llythyr hwn yn dilyn y fersiwn Gymraeg. "
        "The English version of this letter follows the Welsh.",
        "Gwylio Cyflymder Cymunedol: ail lythyr cynghori, a'r olaf",
        "Annwyl Gwen ap Rhys,",
        "wedi'u hyfforddi gan Heddlu Gwent",
        "o fewn 12 mis i gofnod cynharach:",
        "Arolygydd Heddlu Gwent",
        "Community Speedwatch: second and final advisory letter",
        "Dear Gwen ap Rhys,",
        "trained by and working with Gwent Police",
        "within 12 months of an earlier record:",
        "Inspector Gwent Police",
    ]
    positions = [text.find(words) for words in in_order]
    assert -1 not in positions, dict(zip(in_order, positions, strict=True))
    assert positions == sorted(positions)
    assert "Tudalen 1 / Page 1" in text
    assert (
        "Gwirfoddolwyr sy'n cynnal Gwylio Cyflymder Cymunedol gyda Heddlu Gwent. "
        "Amser y DU yw'r amseroedd (GMT neu BST, fel y nodir). "
        "Community Speedwatch is run by volunteers with Gwent Police. "
        "Times are UK time (GMT or BST, as shown)."
    ) in text


def test_a_force_in_england_writing_bilingually_prints_english_first(tmp_path) -> None:
    letter = a_letter(stage="police_action", offences=2)
    path = render(
        tmp_path / "letter.pdf",
        [letter],
        letterhead=Letterhead(force="cambridgeshire", letter_language="bilingual"),
    )
    parts = first_page_parts(path)
    assert parts["letterhead"] == [
        "Cambridgeshire Constabulary",
        "Community Speedwatch",
        "Gwylio Cyflymder Cymunedol",
    ]
    assert parts["sender"][:2] == ["Telephone 101 / Ffôn 101", "Our reference / Ein cyfeirnod"]
    assert parts["address"] == [
        "The Registered Keeper / Y Ceidwad Cofrestredig",
        "Vehicle AB12 CDE / Cerbyd AB12 CDE",
    ]
    text = pdf_text(path)
    in_order = [
        "The Welsh version of this letter follows the English. "
        "Mae fersiwn Gymraeg y llythyr hwn yn dilyn y fersiwn Saesneg.",
        "Community Speedwatch: vehicle referred to the police",
        "Dear Registered Keeper,",
        "above the speed limit on these occasions:",
        "Gwylio Cyflymder Cymunedol: cerbyd wedi'i gyfeirio at yr heddlu",
        "Annwyl Geidwad Cofrestredig,",
        "ar yr achlysuron hyn:",
        "mae'r cofnod wedi'i drosglwyddo i Cambridgeshire Constabulary i weithredu arno.",
        "Tîm Gwylio Cyflymder Cymunedol",
    ]
    positions = [text.find(words) for words in in_order]
    assert -1 not in positions, dict(zip(in_order, positions, strict=True))
    assert positions == sorted(positions)
    assert "Page 1 / Tudalen 1" in text


# --- Through the API: the keeper's language stored, and the letters it makes ------------------


@pytest.fixture
def waiting(site, sw_team) -> None:
    """Two first letters waiting in Cambridgeshire's queue."""
    logged_session(site, sw_team, offences=[("AB12CDE", 41), ("KX65LMN", 44)])


def _letters_csv(client) -> list[dict[str, str]]:
    response = client.get(EXPORT)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _address(reference: str, **changes) -> dict:
    return {
        "reference": reference,
        "registration": "AB12 CDE",
        "name": "Gwen Ap Rhys",
        "address_lines": ["Tŷ Gwyn", "Heol yr Eglwys"],
        "postcode": "LL61 5UT",
        **changes,
    }


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("cy", "cy"),
        ("Cymraeg", "cy"),
        ("WELSH", "cy"),
        (" en ", "en"),
        ("English", "en"),
        ("saesneg", "en"),
        ("", ""),
        (None, ""),
    ],
)
def test_the_keepers_language_is_stored_from_json(
    client_for, liaison, waiting, given, stored
) -> None:
    client = client_for(liaison)
    rows = {row["registration"]: row for row in _letters_csv(client)}
    reference = rows["AB12 CDE"]["reference"]
    extra = {} if given is None else {"language": given}
    response = client.post(ADDRESSES, {"addresses": [_address(reference, **extra)]}, format="json")
    assert (response.status_code, response.json()) == (200, {"stored": 1, "kept_days": 30})
    assert KeeperAddress.objects.get().language == stored


def test_a_language_not_known_is_refused_by_row(client_for, liaison, waiting) -> None:
    client = client_for(liaison)
    reference = _letters_csv(client)[0]["reference"]
    response = client.post(
        ADDRESSES,
        {"addresses": [_address(reference, language="Français")]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "addresses": {
            "0": {
                "language": [
                    "Give the keeper's language as cy (Welsh, Cymraeg) or en (English, "
                    "Saesneg), or leave it blank."
                ]
            }
        }
    }
    assert not KeeperAddress.objects.exists()


def _upload(client, rows: list[dict[str, str]]):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    upload = SimpleUploadedFile("letters.csv", out.getvalue().encode("utf-8-sig"), "text/csv")
    return client.post(UPLOAD, {"file": upload}, format="multipart")


def test_the_letters_csv_carries_the_keepers_language_and_each_letters(
    client_for, liaison, waiting
) -> None:
    client = client_for(liaison)
    rows = _letters_csv(client)
    assert [(row["letter_language"], row["keeper_language"]) for row in rows] == [
        ("en", ""),
        ("en", ""),
    ]
    # The lookup fills in both keepers, one reading Welsh.
    for row, (name, language) in zip(
        rows, [("Gwen Ap Rhys", "Welsh"), ("Lease Co Ltd", "")], strict=True
    ):
        row.update(
            keeper_name=name,
            address_line_1="Tŷ Gwyn",
            address_line_2="Ffordd yr Wŷdd",
            address_line_3="Caerdydd",
            postcode="CF10 1AA",
            keeper_language=language,
        )
    response = _upload(client, rows)
    assert (response.status_code, response.json()) == (200, {"stored": 2, "kept_days": 30})
    assert dict(KeeperAddress.objects.values_list("name", "language")) == {
        "Gwen Ap Rhys": "cy",
        "Lease Co Ltd": "",
    }
    after = {row["keeper_name"]: row for row in _letters_csv(client)}
    assert (after["Gwen Ap Rhys"]["letter_language"], after["Gwen Ap Rhys"]["keeper_language"]) == (
        "cy",
        "cy",
    )
    assert after["Lease Co Ltd"]["letter_language"] == "en"
    assert after["Gwen Ap Rhys"]["address_line_2"] == "Ffordd yr Wŷdd"
    # A force writing bilingually: every letter in both, English first in England.
    Letterhead.objects.create(force="cambridgeshire", letter_language="bilingual")
    assert {row["letter_language"] for row in _letters_csv(client)} == {"en+cy"}


def test_a_bad_language_in_the_csv_is_refused_by_row_number(client_for, liaison, waiting) -> None:
    client = client_for(liaison)
    rows = _letters_csv(client)
    for row, language in zip(rows, ["Cymraeg", "Klingon"], strict=True):
        row.update(
            keeper_name="Gwen Ap Rhys",
            address_line_1="Tŷ Gwyn",
            postcode="LL61 5UT",
            keeper_language=language,
        )
    response = _upload(client, rows)
    assert response.status_code == 400
    assert response.json() == {
        "addresses": {
            "row 2": {
                "language": [
                    "Give the keeper's language as cy (Welsh, Cymraeg) or en (English, "
                    "Saesneg), or leave it blank."
                ]
            }
        }
    }
    assert not KeeperAddress.objects.exists()


def test_the_pdf_through_the_api_is_in_each_keepers_language(
    client_for, liaison, waiting, tmp_path
) -> None:
    client = client_for(liaison)
    rows = {row["registration"]: row for row in _letters_csv(client)}
    welsh = rows["AB12 CDE"]["reference"]
    response = client.post(
        ADDRESSES, {"addresses": [_address(welsh, language="cy")]}, format="json"
    )
    assert response.status_code == 200
    # Asked for by a liaison who uses the app in Welsh: each letter is in its keeper's.
    liaison.language = "cy"
    liaison.save(update_fields=["language"])
    pdf = client.get(EXPORT, {"format": "pdf"})
    path = tmp_path / "letters.pdf"
    path.write_bytes(pdf.content)
    pages = pdf_text(path).split("\f")
    in_welsh = next(page for page in pages if welsh in page)
    in_english = next(page for page in pages if "KX65 LMN" in page and welsh not in page)
    today = timezone.localdate()
    assert f"Dyddiad {today.day} {WELSH_MONTHS[today.month - 1]} {today.year}" in in_welsh
    assert "Annwyl Gwen Ap Rhys," in in_welsh
    assert ADVISORY_CY in in_welsh and ADVISORY_EN not in in_welsh
    with translation.override("en-gb"):
        assert f"Date {dateformat.format(today, 'j F Y')}" in in_english
    assert "Dear Registered Keeper," in in_english
    assert ADVISORY_EN in in_english and ADVISORY_CY not in in_english
    # The mail-merge file's summary of the offences is in English, as its words are.
    response = client.get(EXPORT)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    summaries = [row["offences"] for row in csv.DictReader(io.StringIO(text))]
    assert all(" mph in a 30 mph limit, " in summary for summary in summaries)
    english_months = [
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "May",
        "Jun",
        "Jul",
        "Aug",
        "Sep",
        "Oct",
        "Nov",
        "Dec",
    ]
    assert len(summaries) == 2
    assert all(summary.split()[1] in english_months for summary in summaries), summaries


# --- The admin ---------------------------------------------------------------------------


def test_staff_set_a_forces_letter_language_and_welsh_wording_in_the_admin(db, client) -> None:
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    add = reverse("admin:watch_letterhead_add")
    page = client.get(add)
    assert page.status_code == 200
    fieldsets = [name for name, _options in page.context["adminform"].model_admin.fieldsets]
    assert fieldsets == [None, "Language", "Replies and disputes", "Signature"]
    choices = page.context["adminform"].form.fields["letter_language"].choices
    assert [value for value, _label in choices] == ["", "keeper", "bilingual"]
    response = client.post(
        add,
        {
            "force": "gwent",
            "department": "Roads Policing",
            "department_cy": "Plismona Ffyrdd",
            "letter_language": "keeper",
            "signatory_title_cy": "Arolygydd",
            "telephone": "101",
            "dispute_days": "28",
        },
    )
    assert response.status_code == 302, response.content
    letterhead = Letterhead.objects.get()
    assert (letterhead.letter_language, letterhead.department_cy, letterhead.bilingual) == (
        "keeper",
        "Plismona Ffyrdd",
        False,
    )
    listing = client.get(reverse("admin:watch_letterhead_changelist"))
    assert "The keeper&#x27;s language" in listing.content.decode()
