"""Speedwatch letters keep to GOV.UK Notify's layout for precompiled letters, which Notify
checks before it prints and posts one (and refuses a letter that breaks it), in English, in
Welsh and in both, on the first page and on the pages a long letter runs on to; and Welsh
place names print as they are written."""

from pathlib import Path

import pytest
from reportlab.pdfbase import pdfmetrics

from tests.letter_pdfs import Word, a_keeper, a_letter, pdf_lines, pdf_text, render, run
from watch.exports.letters import FONT, _register_fonts
from watch.models import Letterhead

# Notify's layout (A4, millimetres from the sheet's top-left corner), as its letter
# specification states it: (left, top, right, bottom).
PAGE = (0.0, 0.0, 210.0, 297.0)
PRINTABLE = (15.0, 5.0, 195.0, 292.0)  # inside the white border
ADDRESS_BLOCK = (24.6, 39.5, 120.0, 66.3)
LOGO_AREA = (15.0, 5.0, 125.0, 30.0)
SENDER_AREA = (125.0, 5.0, 195.0, 95.0)
BODY_TOP = 95.0
# Poppler's boxes are rounded a little.
SLACK = 0.01


def _inside(word: Word, zone: tuple[float, float, float, float]) -> bool:
    left, top, right, bottom = zone
    return (
        word.left >= left - SLACK
        and word.top >= top - SLACK
        and word.right <= right + SLACK
        and word.bottom <= bottom + SLACK
    )


def _overlaps(word: Word, zone: tuple[float, float, float, float]) -> bool:
    left, top, right, bottom = zone
    return word.left < right and word.right > left and word.top < bottom and word.bottom > top


def _text(line: list[Word]) -> str:
    return " ".join(word.text for word in line)


def check_notify_layout(path: Path, address: list[str]) -> list[list[list[Word]]]:
    """Every word of every page clear of the border; on the first page, the address alone
    in the address block, everything else above the body in the logo or the sender's area,
    and the letter itself from 95 mm down."""
    pages = pdf_lines(path)
    for number, page in enumerate(pages, start=1):
        for word in (word for line in page for word in line):
            assert _inside(word, PRINTABLE), (number, word)
    first = pages[0]
    in_block = [line for line in first if any(_overlaps(word, ADDRESS_BLOCK) for word in line)]
    assert [_text(line) for line in in_block] == address
    assert all(_inside(word, ADDRESS_BLOCK) for line in in_block for word in line)
    for line in first:
        if line in in_block:
            continue
        for word in line:
            assert _inside(word, LOGO_AREA) or _inside(word, SENDER_AREA) or word.top >= BODY_TOP, (
                word
            )
    # The letter itself starts below 95 mm: its heading is the first line there.
    body = [line for line in first if min(word.top for word in line) >= BODY_TOP]
    assert body
    return pages


ADDRESS = ["Gwen ap Rhys", "Tŷ Gwyn", "Ffordd yr Wŷdd", "Llanfair Pwllgwyngyll", "LL61 5UT"]


@pytest.mark.parametrize(
    ("force", "setting", "keeper_language", "heading"),
    [
        ("cambridgeshire", "", "en", "Community Speedwatch: advisory letter"),
        ("cambridgeshire", "", "cy", "Gwylio Cyflymder Cymunedol: llythyr cynghori"),
        ("gwent", "", "", "Gwylio Cyflymder Cymunedol: llythyr cynghori"),
    ],
    ids=["english", "welsh", "bilingual"],
)
def test_a_letter_keeps_to_notifys_layout(
    tmp_path, force, setting, keeper_language, heading
) -> None:
    letter = a_letter()
    path = render(
        tmp_path / "letter.pdf",
        [letter],
        letterhead=Letterhead(
            force=force,
            letter_language=setting,
            return_address="Police Headquarters\nCroesyceiliog\nCwmbrân\nNP44 2XJ",
            email="speedwatch@police.example.org",
            disputes_url="https://police.example.org/speedwatch/disputes",
        ),
        keepers=[a_keeper(letter, language=keeper_language)],
    )
    pages = check_notify_layout(path, ADDRESS)
    body = [_text(line) for line in pages[0] if min(w.top for w in line) >= BODY_TOP]
    assert heading in body[:4]


def test_the_longest_address_keeps_to_the_address_block(tmp_path) -> None:
    """A keeper's name, four lines of address and the postcode: six lines, set smaller."""
    letter = a_letter()
    lines = ["Flat 12, Tŷ'r Ysgol", "Heol y Frenhines", "Treganna", "Caerdydd"]
    keeper = a_keeper(
        letter,
        name="Mr Hywel Llywelyn-Williams ap Gruffydd",
        address_lines=lines,
        postcode="CF10 1AA",
    )
    path = render(
        tmp_path / "letter.pdf",
        [letter],
        letterhead=Letterhead(force="south-wales"),
        keepers=[keeper],
    )
    check_notify_layout(path, [keeper.name, *lines, "CF10 1AA"])


def test_a_long_bilingual_letter_keeps_to_the_layout_on_every_page(tmp_path) -> None:
    letter = a_letter(stage="police_action", offences=45)
    path = render(
        tmp_path / "long.pdf",
        [letter],
        letterhead=Letterhead(force="north-wales"),
        keepers=[a_keeper(letter, language="en")],
    )
    pages = check_notify_layout(path, ADDRESS)
    assert len(pages) >= 4
    # Each page after the first has the running head and the footer, within the border.
    for number, page in enumerate(pages[1:], start=2):
        texts = [_text(line) for line in page]
        assert f"Tudalen {number} / Page {number}" in texts
        assert min(w.top for line in page for w in line) >= PRINTABLE[1]


def test_a_batch_starts_each_letter_on_a_page_of_its_own_in_the_same_layout(tmp_path) -> None:
    """The letters batch printed at once: each letter's first page is laid out the same."""
    first, second = a_letter(), a_letter(registration="KX65LMN")
    keepers = [a_keeper(first), a_keeper(second, name="Lease Co Ltd", language="cy")]
    path = render(
        tmp_path / "batch.pdf",
        [first, second],
        letterhead=Letterhead(force="kent"),
        keepers=keepers,
    )
    pages = pdf_lines(path)
    assert len(pages) == 2
    for page, keeper in zip(pages, keepers, strict=True):
        in_block = [_text(line) for line in page if any(_overlaps(w, ADDRESS_BLOCK) for w in line)]
        assert in_block == keeper.lines


# --- Welsh place names -------------------------------------------------------------------

WELSH_PLACES = ["Tŷ Gwyn", "Ffordd yr Wŷdd", "Llanfair Pwllgwyngyll", "Caerdydd"]


@pytest.mark.parametrize("force", ["cambridgeshire", "dyfed-powys"])
def test_welsh_place_names_print_exactly_with_their_glyphs_embedded(tmp_path, force) -> None:
    letter = a_letter(site_name="Maes â ê î ô û ï Ŵ Ŷ", road_name="Ffordd yr Wŷdd")
    keeper = a_keeper(letter, address_lines=WELSH_PLACES, postcode="CF10 1AA", language="cy")
    path = render(
        tmp_path / "letter.pdf", [letter], letterhead=Letterhead(force=force), keepers=[keeper]
    )
    lines = [_text(line) for page in pdf_lines(path) for line in page]
    # The address, line by line, exactly as stored.
    for place in WELSH_PLACES:
        assert place in lines, place
    # The site and road in the table of offences, in each version of the letter.
    text = pdf_text(path)
    versions = 2 if force == "dyfed-powys" else 1
    assert text.count("Maes â ê î ô û ï Ŵ Ŷ") == versions
    assert text.count("Ffordd yr Wŷdd") == 1 + versions
    # The fonts are embedded, with a Unicode map (a reader copies the text as printed), and
    # have a glyph for every letter of Welsh's alphabet that takes an accent.
    fonts = run("pdffonts", str(path)).splitlines()[2:]
    assert fonts
    for font in fonts:
        name, *_, emb, _sub, uni, _obj, _gen = font.split()
        assert "DejaVuSans" in name
        assert (emb, uni) == ("yes", "yes"), font
    _register_fonts()
    glyphs = pdfmetrics.getFont(FONT).face.charToGlyph
    for character in "âêîôûŵŷäëïöüÿáéíóúẃýàèìòùẁỳÂÊÎÔÛŴŶ":
        assert glyphs.get(ord(character)), character
