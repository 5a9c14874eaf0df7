"""The letters batch: one letter per vehicle and stage (first letter, second letter, police
referral), with that vehicle's pending offences at that stage on it; as rows for a mail merge,
and as A4 letters (PDF) that go straight into a window envelope.

The keeper's name and address come from the force's own lookup of the registration (DVLA),
stored against the letter's reference (``watch.models.KeeperAddress``): a letter with them
is addressed to the keeper by name; one without is addressed to "The Registered Keeper" of
the vehicle, and its row of the CSV leaves the name and address columns blank for the lookup
(filled in, the same file can be uploaded back).

How offences make letters, and their references: ``watch.letters``.
"""

import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any, cast
from xml.sax.saxutils import escape

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from core.csvfiles import csv_download, csv_time
from watch.letters import Letter, letters_from
from watch.models import Action, KeeperAddress, Letterhead, Offence

STAGE_HEADINGS = {
    Action.FIRST_LETTER: "Community Speedwatch: advisory letter",
    Action.SECOND_LETTER: "Community Speedwatch: second and final advisory letter",
    Action.POLICE_ACTION: "Community Speedwatch: vehicle referred to the police",
}


def reply_by(letterhead: Letterhead, on: date) -> date:
    return on + timedelta(days=letterhead.dispute_days)


def _seen(offence: Offence) -> str:
    """When, for people: ``22 Nov 2026 10:15 GMT`` (BST in summer)."""
    return timezone.localtime(offence.observed_at).strftime("%-d %b %Y %H:%M %Z")


# --- CSV for a mail merge --------------------------------------------------------------

# One row per letter, as a mail merge prints one letter per row. The keeper's name and
# address are left blank for the force's keeper lookup to fill in; the offences are
# summarised in one cell (and counted, with the first and last times zoned) so that a
# template prints them as a list. ``offence_ids`` are what the queue's mark endpoint takes.
# The columns that say who a letter goes to: blank for the force's keeper lookup to fill in,
# and read back from the filled-in file (``watch.uploads``).
KEEPER_COLUMNS = (
    "keeper_name",
    "address_line_1",
    "address_line_2",
    "address_line_3",
    "address_line_4",
    "postcode",
)
CSV_COLUMNS = [
    "reference",
    "stage",
    "stage_title",
    "letter_date",
    "reply_by",
    "force",
    "registration",
    "make",
    "model",
    "colour",
    *KEEPER_COLUMNS,
    "offence_count",
    "first_observed_at",
    "last_observed_at",
    "fastest_mph",
    "offences",
    "schemes",
    "offence_ids",
]


def offence_summary(offence: Offence) -> str:
    """``22 Nov 2026 10:15 GMT, 42 mph in a 30 mph limit, High Street (by the school)``"""
    return (
        f"{_seen(offence)}, {offence.speed_mph} mph in a {offence.speed_limit_mph} mph limit, "
        f"{offence.site.road_name} ({offence.site.name})"
    )


def _keeper_cells(keeper: KeeperAddress | None) -> list[str]:
    """``keeper_name``, ``address_line_1`` to ``4`` and ``postcode``: blank when not looked
    up yet."""
    if keeper is None:
        return [""] * 6
    lines = [*keeper.address_lines, "", "", "", ""][:4]
    return [keeper.name, *lines, keeper.postcode]


def letter_rows(
    letters: Sequence[Letter],
    *,
    letterhead: Letterhead,
    on: date,
    addresses: Mapping[str, KeeperAddress],
) -> Iterator[list[object]]:
    for letter in letters:
        offences = letter.offences
        keeper = _keeper_cells(addresses.get(letter.reference))
        yield [
            letter.reference,
            letter.stage,
            Action(letter.stage).label,
            on.isoformat(),
            reply_by(letterhead, on).isoformat(),
            letterhead.force_name,
            letter.registration_shown,
            letter.make,
            letter.model,
            letter.colour,
            *keeper,
            len(offences),
            csv_time(offences[0].observed_at),
            csv_time(offences[-1].observed_at),
            max(offence.speed_mph for offence in offences),
            "; ".join(offence_summary(offence) for offence in offences),
            "; ".join(dict.fromkeys(offence.scheme.name for offence in offences)),
            " ".join(str(offence.pk) for offence in offences),
        ]


# --- PDF letters -----------------------------------------------------------------------

# DejaVu Sans, shipped with the app (see fonts/LICENSE) and embedded in every PDF: the PDF
# base-14 fonts have no ŵ or ŷ, and a machine without the font would print boxes.
FONT_DIR = Path(__file__).resolve().parents[1] / "fonts"
FONT, FONT_BOLD = "PatchwatchSans", "PatchwatchSans-Bold"


@cache
def _register_fonts() -> None:
    pdfmetrics.registerFont(TTFont(FONT, FONT_DIR / "DejaVuSans.ttf"))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD
    )


WIDTH, HEIGHT = A4
LEFT, RIGHT = 20 * mm, WIDTH - 20 * mm
INK = colors.HexColor("#1a1a1a")
RULE = colors.HexColor("#8a8a8a")
SHADE = colors.HexColor("#e8ecf2")

# The address. On an A4 sheet folded in three for a DL envelope (110 x 220 mm), the UK stock
# window of 90 x 35 mm set 20 mm from the left and 15 mm from the bottom shows the part of
# the top panel from 49 to 84 mm below the sheet's top edge; the C5/6 and DL windows of
# DIN 5008:2020 form B (the letter layout European envelope makers follow) show an address
# field 85 x 45 mm placed 20 mm from the left and 45 mm from the top. The addressee is
# printed inside both: 25 to 110 mm across, 52 to 82 mm down, so it shows whichever window
# the force's envelopes have. Nothing else is printed in that field.
ADDRESS_LEFT, ADDRESS_TOP, ADDRESS_BOTTOM = 25 * mm, 52 * mm, 82 * mm
# Fold marks for the DL fold (thirds of 297 mm) and the punch mark at half height.
FOLD_MARKS = (99 * mm, 198 * mm)
PUNCH_MARK = 148.5 * mm
BODY_TOP = 92 * mm  # below the address field
FOOTER = 16 * mm


def _style(name: str, **kwargs: Any) -> ParagraphStyle:
    defaults: dict[str, Any] = {"fontName": FONT, "fontSize": 10, "leading": 13}
    return ParagraphStyle(name, textColor=INK, **{**defaults, **kwargs})


BODY = _style("body", spaceAfter=6)
HEADING = _style("heading", fontName=FONT_BOLD, fontSize=12.5, leading=16, spaceAfter=8)
SUBHEADING = _style("subheading", fontName=FONT_BOLD, fontSize=10.5, spaceBefore=4)
CELL = _style("cell", fontSize=9, leading=11.5)
CELL_HEAD = _style("cell_head", fontName=FONT_BOLD, fontSize=9, leading=11.5)


def _printable(value: str) -> str:
    """Text without the characters the font cannot draw (an emoji in a scheme's name), which
    would print as empty boxes."""
    glyphs = cast(
        TTFont, pdfmetrics.getFont(FONT)
    ).face.charToGlyph  # FONT is registered as a TTFont
    return "".join(char for char in value if ord(char) in glyphs or char in "\n\t").strip()


def _text(value: str) -> str:
    """Text for a paragraph: printable, with its markup characters escaped."""
    return escape(" ".join(_printable(value).split()))


def _period(days: int) -> str:
    if days % 365 == 0:
        return f"{days // 365 * 12} months"
    return f"{days} days"


def _stage_texts(letter: Letter, letterhead: Letterhead) -> tuple[str, str]:
    """The letter's opening (before the offences) and what the letter means (after them).

    Community Speedwatch in England and Wales: trained volunteers record speeding vehicles
    under the force's guidance, and the force writes to the registered keeper. Its records
    are not evidence for a prosecution: letters are advisory, carry no fine or penalty points
    and need no reply; repeated or extreme speeding is passed to the police, who may contact
    the keeper or enforce the limit themselves."""
    force = _text(letterhead.force_name)
    vehicle = f"<b>{escape(letter.registration_shown)}</b>"
    occasions = "on this occasion" if len(letter.offences) == 1 else "on these occasions"
    window = _period(settings.SPEEDWATCH_ESCALATION_WINDOW_DAYS)
    recorded = (
        f"Community Speedwatch volunteers, trained by and working with {force}, recorded the "
        f"vehicle {vehicle}, of which you are shown as the registered keeper, travelling "
        f"above the speed limit {occasions}:"
    )
    not_a_fine = (
        "It is not a fine or a notice of intended prosecution: no fine or penalty points "
        "follow from it, and you do not need to reply."
    )
    if letter.stage == Action.FIRST_LETTER:
        return recorded, (
            f"This is an advisory letter. {not_a_fine} We ask you, and anyone who drives this "
            "vehicle, to keep to the speed limit: these are roads where people live, walk and "
            "cycle, and local residents asked for speeds to be checked here."
        )
    if letter.stage == Action.SECOND_LETTER:
        return (
            f"Community Speedwatch volunteers, trained by and working with {force}, have again "
            f"recorded the vehicle {vehicle}, of which you are shown as the registered keeper, "
            f"travelling above the speed limit, within {window} of an earlier record:"
        ), (
            f"This is the second and final advisory letter. {not_a_fine} If the vehicle is "
            f"recorded above the limit again within {window}, the record will be passed to "
            f"{force} for action and a police officer may contact you."
        )
    return recorded, (
        f"Because the vehicle has been recorded three or more times within {window}, or at a "
        f"speed well above the limit, the record has been passed to {force} for action. "
        "Community Speedwatch records are not used on their own to prosecute, so this letter "
        "is not a fine or a notice of intended prosecution. A police officer may contact you "
        "or visit you about the way the vehicle is being driven, and the police may enforce "
        "the limit on this road with their own equipment."
    )


def _dispute_text(letter: Letter, letterhead: Letterhead, on: date) -> str:
    ways = []
    if letterhead.email:
        ways.append(f"email <b>{_text(letterhead.email)}</b>")
    if letterhead.disputes_url:
        ways.append(f"use the form at <b>{_text(letterhead.disputes_url)}</b>")
    if letterhead.return_address.strip():
        ways.append("write to us at the address at the top of this letter")
    if letterhead.telephone:
        ways.append(f"call <b>{_text(letterhead.telephone)}</b>")
    how = ", ".join(ways[:-1]) + (" or " if len(ways) > 1 else "") + ways[-1] if ways else ""
    return (
        "If you think this letter is wrong, for example because the registration was misread "
        "or the vehicle was somewhere else at the time (sold, stolen or on cloned plates), "
        f"tell us by <b>{reply_by(letterhead, on):%-d %B %Y}</b>, quoting the reference "
        f"<b>{letter.reference}</b>: {how}. We will check the record and withdraw the letter "
        "if it is wrong. You do not need to tell us who was driving."
    )


def _offence_table(letter: Letter) -> Table:
    rows: list[list[Any]] = [
        [
            Paragraph(heading, CELL_HEAD)
            for heading in ("Date and time", "Road", "Site", "Speed", "Limit")
        ]
    ]
    for offence in letter.offences:
        rows.append(
            [
                Paragraph(_text(_seen(offence)), CELL),
                Paragraph(_text(offence.site.road_name), CELL),
                Paragraph(_text(offence.site.name), CELL),
                Paragraph(f"{offence.speed_mph} mph", CELL),
                Paragraph(f"{offence.speed_limit_mph} mph", CELL),
            ]
        )
    table = Table(
        rows, colWidths=[43 * mm, 40 * mm, 51 * mm, 18 * mm, 18 * mm], repeatRows=1, hAlign="LEFT"
    )
    table.setStyle(
        TableStyle(
            [
                # The cells are paragraphs in the letter's font; the table's own default
                # (Helvetica, not embedded) would otherwise be written into the PDF unused.
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
                ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _signature(letterhead: Letterhead) -> KeepTogether:
    name = letterhead.signatory_name or "Community Speedwatch team"
    lines = [f"<b>{_text(name)}</b>"]
    if letterhead.signatory_title:
        lines.append(_text(letterhead.signatory_title))
    lines.append(_text(letterhead.force_name))
    return KeepTogether(
        [
            Paragraph("Yours faithfully,", BODY),
            Spacer(0, 12 * mm),
            Paragraph("<br/>".join(lines), BODY),
        ]
    )


class _LetterStart(Flowable):
    """Takes no room: marks where a letter begins, so the page decorations drawn at the end
    of each page know whose page it is."""

    def __init__(self, state: dict[str, Any], letter: Letter, keeper: KeeperAddress | None) -> None:
        super().__init__()
        self.state, self.letter, self.keeper = state, letter, keeper

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.state["letter"] = self.letter
        self.state["keeper"] = self.keeper
        self.state["first_page"] = self.canv.getPageNumber()


def _down(y: float) -> float:
    """A distance from the top of the page as reportlab's y, which counts from the bottom."""
    return HEIGHT - y


class _Pages:
    """What is drawn around the flowing text: the letterhead, the addressee and the reference
    on a letter's first page, a running head on the pages after it, the footer on all."""

    def __init__(self, letterhead: Letterhead, on: date, state: dict[str, Any]) -> None:
        self.letterhead, self.on, self.state = letterhead, on, state

    def first(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        letter: Letter | None = self.state.get("letter")
        if letter is None:
            return
        head = self.letterhead
        canvas.saveState()
        # The crest's place, for the force's printed stationery or its own artwork.
        canvas.setStrokeColor(RULE)
        canvas.setDash(2, 2)
        canvas.rect(LEFT, _down(38 * mm), 24 * mm, 26 * mm)
        canvas.setDash()
        canvas.setFont(FONT, 6.5)
        canvas.setFillColor(RULE)
        canvas.drawCentredString(LEFT + 12 * mm, _down(24 * mm), "Force crest")
        canvas.setFillColor(INK)
        # The longest names (Hampshire and Isle of Wight Constabulary) are set smaller, clear
        # of the return address.
        size = min(15, 15 * 78 * mm / pdfmetrics.stringWidth(head.force_name, FONT_BOLD, 15))
        canvas.setFont(FONT_BOLD, size)
        canvas.drawString(LEFT + 29 * mm, _down(21 * mm), head.force_name)
        canvas.setFont(FONT, 11)
        canvas.drawString(LEFT + 29 * mm, _down(27.5 * mm), _printable(head.department))
        # The return address and how to reach the force, right-aligned.
        lines = [*(head.address_lines if head.return_address.strip() else [])]
        if head.telephone:
            lines.append(f"Telephone {head.telephone}")
        if head.email:
            lines.append(head.email)
        if head.disputes_url:
            lines.append(head.disputes_url)
        canvas.setFont(FONT, 8.5)
        y = 15 * mm
        for line in lines:
            canvas.drawRightString(RIGHT, _down(y), _printable(line))
            y += 4 * mm
        # The addressee, in the window: the keeper as looked up, or the vehicle's keeper.
        keeper: KeeperAddress | None = self.state.get("keeper")
        window = (
            keeper.lines
            if keeper is not None
            else ["The Registered Keeper", f"Vehicle {letter.registration_shown}"]
        )
        window = [_printable(line) for line in window]
        # Set smaller where a long line would leave the window (85 mm across).
        widest = max(pdfmetrics.stringWidth(line, FONT, 11) for line in window)
        canvas.setFont(FONT, min(11, 11 * 85 * mm / widest))
        step = (ADDRESS_BOTTOM - ADDRESS_TOP) / max(len(window), 5)
        for number, line in enumerate(window):
            canvas.drawString(ADDRESS_LEFT, _down(ADDRESS_TOP + number * step), line)
        # The reference block, beside the window.
        facts = [
            ("Our reference", letter.reference),
            ("Date", f"{self.on:%-d %B %Y}"),
            ("Vehicle", letter.registration_shown),
        ]
        y = 52 * mm
        for label, value in facts:
            canvas.setFont(FONT, 8.5)
            canvas.drawString(118 * mm, _down(y), label)
            canvas.setFont(FONT_BOLD, 9.5)
            canvas.drawString(142 * mm, _down(y), value)
            y += 5.5 * mm
        canvas.setFont(FONT, 8)
        canvas.drawString(118 * mm, _down(y + 1 * mm), "Please quote our reference in any reply.")
        # Fold and punch marks in the margin.
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.4)
        for mark in FOLD_MARKS:
            canvas.line(5 * mm, _down(mark), 9 * mm, _down(mark))
        canvas.line(5 * mm, _down(PUNCH_MARK), 11 * mm, _down(PUNCH_MARK))
        canvas.restoreState()
        self.footer(canvas, letter)

    def later(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        letter: Letter | None = self.state.get("letter")
        if letter is None:
            return
        canvas.saveState()
        canvas.setFont(FONT_BOLD, 9)
        canvas.setFillColor(INK)
        canvas.drawString(LEFT, _down(15 * mm), self.letterhead.force_name)
        canvas.setFont(FONT, 9)
        canvas.drawRightString(
            RIGHT, _down(15 * mm), f"{letter.reference}, vehicle {letter.registration_shown}"
        )
        canvas.setStrokeColor(RULE)
        canvas.line(LEFT, _down(18 * mm), RIGHT, _down(18 * mm))
        canvas.restoreState()
        self.footer(canvas, letter)

    def footer(self, canvas: Canvas, letter: Letter) -> None:
        page = canvas.getPageNumber() - self.state["first_page"] + 1
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.4)
        canvas.line(LEFT, FOOTER + 5 * mm, RIGHT, FOOTER + 5 * mm)
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(colors.HexColor("#444444"))
        canvas.drawString(
            LEFT,
            FOOTER,
            f"Community Speedwatch is run by volunteers with {self.letterhead.force_name}.",
        )
        canvas.drawString(LEFT, FOOTER - 3.5 * mm, "Times are UK time (GMT or BST, as shown).")
        canvas.drawRightString(RIGHT, FOOTER, f"{letter.reference}  Page {page}")
        canvas.restoreState()


def letters_pdf(
    letters: Sequence[Letter],
    *,
    letterhead: Letterhead,
    on: date,
    addresses: Mapping[str, KeeperAddress],
) -> bytes:
    """The letters as one PDF: each starts on a new page, addressed for a window envelope
    (to its keeper when ``addresses`` has them, by letter reference); a long list of
    offences runs on to further pages of the same letter."""
    _register_fonts()
    buffer = io.BytesIO()
    state: dict[str, Any] = {}
    pages = _Pages(letterhead, on, state)
    bottom = FOOTER + 8 * mm
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        title="Community Speedwatch letters",
        author=letterhead.force_name,
        subject=f"{len(letters)} letters, {on:%-d %B %Y}",
        pageCompression=1,
        initialFontName=FONT,
    )
    doc.addPageTemplates(
        [
            PageTemplate(
                id="first",
                frames=[Frame(LEFT, bottom, RIGHT - LEFT, _down(BODY_TOP) - bottom, 0, 0, 0, 0)],
                onPageEnd=pages.first,
            ),
            PageTemplate(
                id="later",
                frames=[Frame(LEFT, bottom, RIGHT - LEFT, _down(24 * mm) - bottom, 0, 0, 0, 0)],
                onPageEnd=pages.later,
            ),
        ]
    )
    story: list[Flowable] = []
    for number, letter in enumerate(letters):
        if number:
            story += [NextPageTemplate("first"), PageBreak()]
        opening, meaning = _stage_texts(letter, letterhead)
        keeper = addresses.get(letter.reference)
        story += [
            _LetterStart(state, letter, keeper),
            NextPageTemplate("later"),
            Paragraph(escape(STAGE_HEADINGS[Action(letter.stage)]), HEADING),
            Paragraph(f"Dear {_text(keeper.name) if keeper else 'Registered Keeper'},", BODY),
            Paragraph(opening, BODY),
            _offence_table(letter),
            Spacer(0, 4 * mm),
            Paragraph("What this letter means", SUBHEADING),
            Paragraph(meaning, BODY),
            Paragraph("If you think this letter is wrong", SUBHEADING),
            Paragraph(_dispute_text(letter, letterhead, on), BODY),
            _signature(letterhead),
        ]
    if not letters:
        story.append(Paragraph("No letters are waiting.", HEADING))
    doc.build(story)
    return buffer.getvalue()


def letters_download(
    offences: Iterable[Offence],
    *,
    letterhead: Letterhead,
    as_pdf: bool,
    addresses: Mapping[str, KeeperAddress],
) -> HttpResponse | StreamingHttpResponse:
    """The letters of these pending offences as a file dated today: the PDF to print and post,
    or the CSV for a mail merge; addressed to their keepers where ``addresses`` (by letter
    reference) has them."""
    batch = letters_from(offences)
    today = timezone.localdate()
    if as_pdf:
        response = HttpResponse(
            letters_pdf(batch, letterhead=letterhead, on=today, addresses=addresses),
            content_type="application/pdf",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="speedwatch-letters-{today.isoformat()}.pdf"'
        )
        return response
    return csv_download(
        f"speedwatch-letters-{today.isoformat()}.csv",
        CSV_COLUMNS,
        letter_rows(batch, letterhead=letterhead, on=today, addresses=addresses),
    )
