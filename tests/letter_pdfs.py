"""Speedwatch letters rendered for tests, and read back out of the PDF as poppler reads them:
text, and every word with its box in millimetres from the sheet's top-left corner."""

import subprocess
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from schemes.models import Scheme
from watch.exports.letters import letters_pdf
from watch.letters import Letter, letters_from
from watch.models import KeeperAddress, Letterhead, Offence, Site

LETTER_DATE = date(2026, 12, 7)
POINTS_PER_MM = 72 / 25.4
XHTML = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True)
class Word:
    text: str
    left: float
    top: float
    right: float
    bottom: float


def a_letter(
    *,
    stage: str = "first_letter",
    offences: int = 1,
    site_name: str = "By the school",
    road_name: str = "High Street",
    registration: str = "AB12CDE",
) -> Letter:
    scheme = Scheme(name="Llanfair Community Speedwatch")
    site = Site(scheme=scheme, name=site_name, road_name=road_name)
    start = datetime(2026, 11, 20, 8, 0, tzinfo=ZoneInfo("Europe/London"))
    (letter,) = letters_from(
        Offence(
            id=uuid.uuid4(),
            scheme=scheme,
            site=site,
            registration=registration,
            action=stage,
            speed_mph=41,
            speed_limit_mph=30,
            observed_at=start + timedelta(minutes=n),
        )
        for n in range(offences)
    )
    return letter


def a_keeper(letter: Letter, *, language: str = "", **fields) -> KeeperAddress:
    return KeeperAddress(
        reference=letter.reference,
        registration=letter.registration,
        **{
            "name": "Gwen ap Rhys",
            "address_lines": ["Tŷ Gwyn", "Ffordd yr Wŷdd", "Llanfair Pwllgwyngyll"],
            "postcode": "LL61 5UT",
            "language": language,
            **fields,
        },
    )


def render(
    path: Path,
    letters: Sequence[Letter],
    *,
    letterhead: Letterhead,
    keepers: Sequence[KeeperAddress] = (),
) -> Path:
    path.write_bytes(
        letters_pdf(
            letters,
            letterhead=letterhead,
            on=LETTER_DATE,
            addresses={keeper.reference: keeper for keeper in keepers},
        )
    )
    return path


def run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def pdf_text(path: Path) -> str:
    """The text in reading order, each page ending in a form feed; runs of white space as
    one space, so that a sentence wrapped across lines reads whole."""
    return "\f".join(
        " ".join(page.split()) for page in run("pdftotext", str(path), "-").split("\f")
    )


def pdf_lines(path: Path) -> list[list[list[Word]]]:
    """Each page's lines of words, as ``pdftotext -bbox-layout`` finds them."""
    root = ET.fromstring(run("pdftotext", "-bbox-layout", str(path), "-"))
    pages = []
    for page in root.iter(f"{XHTML}page"):
        lines = []
        for line in page.iter(f"{XHTML}line"):
            lines.append(
                [
                    Word(
                        word.text or "",
                        *(
                            float(word.attrib[edge]) / POINTS_PER_MM
                            for edge in ("xMin", "yMin", "xMax", "yMax")
                        ),
                    )
                    for word in line.iter(f"{XHTML}word")
                ]
            )
        pages.append(lines)
    return pages


def first_page_parts(path: Path) -> dict[str, list[str]]:
    """The lines of the first page by where they are printed, each part top to bottom: the
    crest's place, the letterhead beside it, the sender's column on the right, the address,
    and the body below 95 mm."""
    parts: dict[str, list[tuple[float, str]]] = {
        "crest": [],
        "letterhead": [],
        "sender": [],
        "address": [],
        "body": [],
    }
    for line in pdf_lines(path)[0]:
        left, top = line[0].left, min(word.top for word in line)
        if top >= 95:
            part = "body"
        elif left >= 125:
            part = "sender"
        elif top < 30:
            part = "crest" if left < 45 else "letterhead"
        else:
            part = "address"
        parts[part].append((top, " ".join(word.text for word in line)))
    return {part: [text for _top, text in sorted(lines)] for part, lines in parts.items()}
