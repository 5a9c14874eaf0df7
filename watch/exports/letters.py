"""The letters batch: one letter per vehicle and stage (first letter, second letter, police
referral), with that vehicle's pending offences at that stage on it; as rows for a mail merge,
and as A4 letters (PDF) for a window envelope or for GOV.UK Notify to print and post.

The keeper's name and address come from the force's own lookup of the registration (DVLA),
stored against the letter's reference (``watch.models.KeeperAddress``): a letter with them
is addressed to the keeper by name; one without is addressed to "The Registered Keeper" of
the vehicle, and its row of the CSV leaves the name and address columns blank for the lookup
(filled in, the same file can be uploaded back).

A letter is printed in the keeper's language, or in Welsh and English where the force writes
bilingually (``watch.letters.letter_languages``). A bilingual letter is the whole letter in one
language and then the whole letter in the other, under one letterhead, address and reference,
each version introduced by a heading in its own language: a reader of either reads one
continuous letter without skipping lines of the other, nothing is said in one language that is
not said in the other, and the language printed first is the one the Welsh Language Standards
ask a force in Wales to put first. What is printed once for both (the letterhead, labels in
the margins, the footer) carries both languages, the first first.

How offences make letters, and their references: ``watch.letters``.
"""

import io
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any, cast
from xml.sax.saxutils import escape

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
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
from reportlab.platypus.flowables import HRFlowable

from accounts.forces import force_name
from accounts.models import DJANGO_LANGUAGE, Language
from core.csvfiles import csv_download, csv_time
from watch.letters import Letter, letter_languages, letters_from
from watch.models import Action, KeeperAddress, Letterhead, Offence

STAGE_HEADINGS = {
    Action.FIRST_LETTER: gettext_lazy("Community Speedwatch: advisory letter"),
    Action.SECOND_LETTER: gettext_lazy("Community Speedwatch: second and final advisory letter"),
    Action.POLICE_ACTION: gettext_lazy("Community Speedwatch: vehicle referred to the police"),
}
# The department a letterhead has unless the force names another: said in Welsh in Welsh.
DEFAULT_DEPARTMENT = "Community Speedwatch"


def in_language(language: str) -> translation.override:
    """Django's translation for a letter's language ("en" or "cy")."""
    return translation.override(DJANGO_LANGUAGE.get(language, DJANGO_LANGUAGE[Language.ENGLISH]))


def reply_by(letterhead: Letterhead, on: date) -> date:
    return on + timedelta(days=letterhead.dispute_days)


def _long_date(on: date) -> str:
    """``7 December 2026``, ``7 Rhagfyr 2026``: in the language in force."""
    return dateformat.format(on, "j F Y")


def _seen(offence: Offence) -> str:
    """When, for people: ``22 Nov 2026 10:15 GMT`` (BST in summer), the month's name in the
    language in force (``22 Tach 2026 10:15 GMT``)."""
    local = timezone.localtime(offence.observed_at)
    return f"{dateformat.format(local, 'j M Y H:i')} {local.strftime('%Z')}"


# --- CSV for a mail merge --------------------------------------------------------------

# One row per letter, as a mail merge prints one letter per row. The keeper's name and
# address are left blank for the force's keeper lookup to fill in; the offences are
# summarised in one cell (and counted, with the first and last times zoned) so that a
# template prints them as a list. ``offence_ids`` are what the queue's mark endpoint takes.
# ``letter_language`` says which template to merge into: ``en``, ``cy``, or both in the order
# they are printed (``cy+en``, ``en+cy``).
# The columns that say who a letter goes to: blank for the force's keeper lookup to fill in,
# and read back from the filled-in file (``watch.uploads``), the keeper's language with them.
KEEPER_COLUMNS = (
    "keeper_name",
    "address_line_1",
    "address_line_2",
    "address_line_3",
    "address_line_4",
    "postcode",
    "keeper_language",
)
CSV_COLUMNS = [
    "reference",
    "stage",
    "stage_title",
    "letter_date",
    "reply_by",
    "force",
    "letter_language",
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
    """``22 Nov 2026 10:15 GMT, 42 mph in a 30 mph limit, High Street (by the school)``: in
    English, whatever language the file was asked for in, as the words around it are."""
    with in_language(Language.ENGLISH):
        return (
            f"{_seen(offence)}, {offence.speed_mph} mph in a {offence.speed_limit_mph} mph "
            f"limit, {offence.site.road_name} ({offence.site.name})"
        )


def _keeper_cells(keeper: KeeperAddress | None) -> list[str]:
    """``keeper_name``, ``address_line_1`` to ``4``, ``postcode`` and ``keeper_language``:
    blank when not looked up yet."""
    if keeper is None:
        return [""] * len(KEEPER_COLUMNS)
    lines = [*keeper.address_lines, "", "", "", ""][:4]
    return [keeper.name, *lines, keeper.postcode, keeper.language]


def letter_rows(
    letters: Sequence[Letter],
    *,
    letterhead: Letterhead,
    on: date,
    addresses: Mapping[str, KeeperAddress],
) -> Iterator[list[object]]:
    for letter in letters:
        offences = letter.offences
        keeper = addresses.get(letter.reference)
        yield [
            letter.reference,
            letter.stage,
            Action(letter.stage).label,
            on.isoformat(),
            reply_by(letterhead, on).isoformat(),
            letterhead.force_name,
            "+".join(letter_languages(letterhead, keeper)),
            letter.registration_shown,
            letter.make,
            letter.model,
            letter.colour,
            *_keeper_cells(keeper),
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
INK = colors.HexColor("#1a1a1a")
GREY = colors.HexColor("#444444")
RULE = colors.HexColor("#8a8a8a")
SHADE = colors.HexColor("#e8ecf2")

# The layout is GOV.UK Notify's for precompiled letters, which Notify checks before it prints
# a letter and refuses a letter that breaks (distances from the sheet's top-left corner):
# a white border of 15 mm at the sides and 5 mm at the top and bottom of every page; on the
# first page the force's name and crest within 15-125 mm across and 5-30 mm down, the
# force's own address and the letter's reference at 125 mm across or more and 5-95 mm down,
# the addressee alone in the address block 24.6-120 mm across and 39.5-66.3 mm down (which
# shows through the window of the DL and C5 window envelopes Notify posts in, and of the
# same envelopes where a force prints and posts its letters itself), and the letter from
# 95 mm down. Each zone below keeps a little inside Notify's.
LEFT, RIGHT = 20 * mm, WIDTH - 20 * mm
LOGO = {"left": 47 * mm, "top": 6.5 * mm, "bottom": 29 * mm, "width": 76 * mm}
CREST = {"left": 20 * mm, "top": 7 * mm, "width": 22 * mm, "height": 21 * mm}
ADDRESS = {"left": 26 * mm, "top": 40.5 * mm, "bottom": 65.3 * mm, "width": 92 * mm}
SENDER = {"left": 127 * mm, "top": 6.5 * mm, "bottom": 93.5 * mm, "width": RIGHT - 127 * mm}
BODY_TOP = 97 * mm
LATER_HEAD, LATER_BODY_TOP = 12 * mm, 20 * mm
# The footer, measured up from the page's bottom edge: a rule, the reference and page number,
# and a note or two in each of the letter's languages.
FOOTER_RULE, FOOTER_LINE, FOOTER_PITCH = 29 * mm, 25.5 * mm, 3.2 * mm
BODY_BOTTOM = FOOTER_RULE + 3 * mm


def _style(name: str, **kwargs: Any) -> ParagraphStyle:
    defaults: dict[str, Any] = {
        "fontName": FONT,
        "fontSize": 10,
        "leading": 13,
        "textColor": INK,
    }
    return ParagraphStyle(name, **{**defaults, **kwargs})


BODY = _style("body", spaceAfter=6)
NOTE = _style("note", fontSize=9, leading=12, textColor=GREY)
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


def _each(languages: Sequence[str], say: Callable[[str], str]) -> list[str]:
    """What ``say`` says in each of the letter's languages, in order, each once (a name that
    is the same in both is printed once)."""
    said: list[str] = []
    for language in languages:
        with in_language(language):
            said.append(str(say(language)))
    return list(dict.fromkeys(said))


def _both(languages: Sequence[str], say: Callable[[str], str]) -> str:
    """``Ein cyfeirnod / Our reference``: one line in all the letter's languages."""
    return " / ".join(_each(languages, say))


def _period(days: int) -> str:
    if days % 365 == 0:
        months = days // 365 * 12
        return ngettext("%(count)s month", "%(count)s months", months) % {"count": months}
    return ngettext("%(count)s day", "%(count)s days", days) % {"count": days}


def _department(letterhead: Letterhead, language: str) -> str:
    if language != Language.WELSH:
        return letterhead.department
    if letterhead.department_cy:
        return letterhead.department_cy
    if letterhead.department == DEFAULT_DEPARTMENT:
        return _("Community Speedwatch")
    return letterhead.department


def _signatory_title(letterhead: Letterhead, language: str) -> str:
    if language == Language.WELSH and letterhead.signatory_title_cy:
        return letterhead.signatory_title_cy
    return letterhead.signatory_title


def _stage_texts(letter: Letter, letterhead: Letterhead, language: str) -> tuple[str, str]:
    """The letter's opening (before the offences) and what the letter means (after them), in
    ``language`` (the one in force).

    Community Speedwatch in England and Wales: trained volunteers record speeding vehicles
    under the force's guidance, and the force writes to the registered keeper. Its records
    are not evidence for a prosecution: letters are advisory, carry no fine or penalty points
    and need no reply; repeated or extreme speeding is passed to the police, who may contact
    the keeper or enforce the limit themselves."""
    words = {
        "force": _text(force_name(letterhead.force, language=language)),
        "vehicle": f"<b>{escape(letter.registration_shown)}</b>",
        "window": _period(settings.SPEEDWATCH_ESCALATION_WINDOW_DAYS),
        "not_a_fine": _(
            "It is not a fine or a notice of intended prosecution: no fine or penalty points "
            "follow from it, and you do not need to reply."
        ),
    }
    recorded = ngettext(
        "Community Speedwatch volunteers, trained by and working with %(force)s, recorded the "
        "vehicle %(vehicle)s, of which you are shown as the registered keeper, travelling "
        "above the speed limit on this occasion:",
        "Community Speedwatch volunteers, trained by and working with %(force)s, recorded the "
        "vehicle %(vehicle)s, of which you are shown as the registered keeper, travelling "
        "above the speed limit on these occasions:",
        len(letter.offences),
    )
    if letter.stage == Action.FIRST_LETTER:
        meaning = _(
            "This is an advisory letter. %(not_a_fine)s We ask you, and anyone who drives "
            "this vehicle, to keep to the speed limit: these are roads where people live, walk "
            "and cycle, and local residents asked for speeds to be checked here."
        )
    elif letter.stage == Action.SECOND_LETTER:
        recorded = _(
            "Community Speedwatch volunteers, trained by and working with %(force)s, have "
            "again recorded the vehicle %(vehicle)s, of which you are shown as the registered "
            "keeper, travelling above the speed limit, within %(window)s of an earlier record:"
        )
        meaning = _(
            "This is the second and final advisory letter. %(not_a_fine)s If the vehicle is "
            "recorded above the limit again within %(window)s, the record will be passed to "
            "%(force)s for action and a police officer may contact you."
        )
    else:
        meaning = _(
            "Because the vehicle has been recorded three or more times within %(window)s, or "
            "at a speed well above the limit, the record has been passed to %(force)s for "
            "action. Community Speedwatch records are not used on their own to prosecute, so "
            "this letter is not a fine or a notice of intended prosecution. A police officer "
            "may contact you or visit you about the way the vehicle is being driven, and the "
            "police may enforce the limit on this road with their own equipment."
        )
    return recorded % words, meaning % words


def _dispute_text(letter: Letter, letterhead: Letterhead, on: date) -> str:
    ways = []
    if letterhead.email:
        ways.append(_("email %(address)s") % {"address": f"<b>{_text(letterhead.email)}</b>"})
    if letterhead.disputes_url:
        ways.append(
            _("use the form at %(address)s")
            % {"address": f"<b>{_text(letterhead.disputes_url)}</b>"}
        )
    if letterhead.return_address.strip():
        ways.append(_("write to us at the address at the top of this letter"))
    if letterhead.telephone:
        ways.append(_("call %(number)s") % {"number": f"<b>{_text(letterhead.telephone)}</b>"})
    how = ways[-1] if ways else ""
    if len(ways) > 1:
        how = _("%(ways)s or %(last)s") % {"ways": ", ".join(ways[:-1]), "last": ways[-1]}
    return _(
        "If you think this letter is wrong, for example because the registration was misread "
        "or the vehicle was somewhere else at the time (sold, stolen or on cloned plates), "
        "tell us by %(date)s, quoting the reference %(reference)s: %(how)s. We will check the "
        "record and withdraw the letter if it is wrong. You do not need to tell us who was "
        "driving."
    ) % {
        "date": f"<b>{_long_date(reply_by(letterhead, on))}</b>",
        "reference": f"<b>{letter.reference}</b>",
        "how": how,
    }


def _offence_table(letter: Letter) -> Table:
    rows: list[list[Any]] = [
        [
            Paragraph(escape(heading), CELL_HEAD)
            for heading in (_("Date and time"), _("Road"), _("Site"), _("Speed"), _("Limit"))
        ]
    ]
    for offence in letter.offences:
        rows.append(
            [
                Paragraph(_text(_seen(offence)), CELL),
                Paragraph(_text(offence.site.road_name), CELL),
                Paragraph(_text(offence.site.name), CELL),
                Paragraph(escape(_("%(speed)s mph") % {"speed": offence.speed_mph}), CELL),
                Paragraph(escape(_("%(speed)s mph") % {"speed": offence.speed_limit_mph}), CELL),
            ]
        )
    table = Table(
        rows, colWidths=[43 * mm, 40 * mm, 46 * mm, 23 * mm, 18 * mm], repeatRows=1, hAlign="LEFT"
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


def _signature(letterhead: Letterhead, language: str) -> KeepTogether:
    name = letterhead.signatory_name or _("Community Speedwatch team")
    lines = [f"<b>{_text(name)}</b>"]
    if title := _signatory_title(letterhead, language):
        lines.append(_text(title))
    lines.append(_text(force_name(letterhead.force, language=language)))
    return KeepTogether(
        [
            Paragraph(_("Yours faithfully,"), BODY),
            Spacer(0, 12 * mm),
            Paragraph("<br/>".join(lines), BODY),
        ]
    )


def _letter_in(
    letter: Letter, letterhead: Letterhead, on: date, keeper: KeeperAddress | None, language: str
) -> list[Flowable]:
    """The letter itself, below the letterhead, in ``language`` (the one in force)."""
    opening, meaning = _stage_texts(letter, letterhead, language)
    dear = (
        _("Dear %(name)s,") % {"name": _text(keeper.name)}
        if keeper
        else _("Dear Registered Keeper,")
    )
    return [
        KeepTogether(
            [
                Paragraph(escape(str(STAGE_HEADINGS[Action(letter.stage)])), HEADING),
                Paragraph(dear, BODY),
                Paragraph(opening, BODY),
            ]
        ),
        _offence_table(letter),
        Spacer(0, 4 * mm),
        Paragraph(escape(_("What this letter means")), SUBHEADING),
        Paragraph(meaning, BODY),
        Paragraph(escape(_("If you think this letter is wrong")), SUBHEADING),
        Paragraph(_dispute_text(letter, letterhead, on), BODY),
        _signature(letterhead, language),
    ]


def _versions_note(languages: Sequence[str]) -> list[Flowable]:
    """For a letter in two languages: which comes first, said in both."""
    if len(languages) < 2:
        return []

    def say(language: str) -> str:
        if languages[0] == Language.WELSH:
            return _("The English version of this letter follows the Welsh.")
        return _("The Welsh version of this letter follows the English.")

    return [Paragraph(escape(line), NOTE) for line in _each(languages, say)] + [Spacer(0, 3 * mm)]


class _LetterStart(Flowable):
    """Takes no room: marks where a letter begins, so the page decorations drawn at the end
    of each page know whose page it is, and in which languages."""

    def __init__(
        self,
        state: dict[str, Any],
        letter: Letter,
        keeper: KeeperAddress | None,
        languages: tuple[str, ...],
    ) -> None:
        super().__init__()
        self.state, self.letter, self.keeper = state, letter, keeper
        self.languages = languages

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.state["letter"] = self.letter
        self.state["keeper"] = self.keeper
        self.state["languages"] = self.languages
        self.state["first_page"] = self.canv.getPageNumber()


def _down(y: float) -> float:
    """A distance from the top of the page as reportlab's y, which counts from the bottom."""
    return HEIGHT - y


def _fitted(text: str, font: str, size: float, width: float) -> float:
    """The size at most ``size`` at which ``text`` is no wider than ``width``."""
    wide = pdfmetrics.stringWidth(text, font, size)
    return size if wide <= width else size * width / wide


# A line of a block drawn in a zone: text, font, size in points, space above it in points,
# and colour.
Line = tuple[str, str, float, float, colors.Color]


def _block(canvas: Canvas, lines: Sequence[Line], zone: Mapping[str, float]) -> None:
    """Draws the lines one under another from the zone's top, all kept inside it: set smaller
    together when they would run below its bottom, and a line smaller on its own when it would
    run past its right edge."""
    if not lines:
        return
    face = cast(TTFont, pdfmetrics.getFont(FONT)).face
    ascent, descent = face.ascent / 1000, -face.descent / 1000
    leading = 1.2
    height = ascent * lines[0][2] + descent * lines[-1][2]
    height += sum(before + leading * size for _words, _font, size, before, _ink in lines[1:])
    scale = min(1.0, (zone["bottom"] - zone["top"]) / height)
    y = zone["top"] + ascent * lines[0][2] * scale
    for number, (text, font, size, before, ink) in enumerate(lines):
        if number:
            y += (before + leading * size) * scale
        canvas.setFillColor(ink)
        canvas.setFont(font, _fitted(text, font, size * scale, zone["width"]))
        canvas.drawString(zone["left"], _down(y), text)


class _Pages:
    """What is drawn around the flowing text: the letterhead, the addressee and the reference
    on a letter's first page, a running head on the pages after it, the footer on all."""

    def __init__(self, letterhead: Letterhead, on: date, state: dict[str, Any]) -> None:
        self.letterhead, self.on, self.state = letterhead, on, state

    def first(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        letter: Letter | None = self.state.get("letter")
        if letter is None:
            return
        languages: tuple[str, ...] = self.state["languages"]
        canvas.saveState()
        self._letterhead(canvas, languages)
        self._addressee(canvas, letter, languages)
        self._sender(canvas, letter, languages)
        canvas.restoreState()
        self.footer(canvas, letter, languages)

    def _letterhead(self, canvas: Canvas, languages: Sequence[str]) -> None:
        head = self.letterhead
        # The crest's place, for the force's printed stationery or its own artwork.
        canvas.setStrokeColor(RULE)
        canvas.setDash(2, 2)
        canvas.rect(
            CREST["left"],
            _down(CREST["top"] + CREST["height"]),
            CREST["width"],
            CREST["height"],
        )
        canvas.setDash()
        canvas.setFillColor(RULE)
        labels = _each(languages, lambda _language: _("Force crest"))
        for number, label in enumerate(labels):
            canvas.setFont(FONT, _fitted(label, FONT, 6, CREST["width"] - 2 * mm))
            canvas.drawCentredString(
                CREST["left"] + CREST["width"] / 2,
                _down(
                    CREST["top"] + CREST["height"] / 2 + (number - len(labels) / 2 + 0.8) * 3 * mm
                ),
                label,
            )
        names = _each(languages, lambda language: force_name(head.force, language=language))
        departments = _each(languages, lambda language: _printable(_department(head, language)))
        _block(
            canvas,
            [(name, FONT_BOLD, 14, 0, INK) for name in names]
            + [(name, FONT, 10.5, 1.5, INK) for name in departments if name],
            LOGO,
        )

    def _addressee(self, canvas: Canvas, letter: Letter, languages: Sequence[str]) -> None:
        """The addressee, alone in the address block: the keeper as looked up, or the
        vehicle's keeper."""
        keeper: KeeperAddress | None = self.state.get("keeper")
        if keeper is not None:
            window = keeper.lines
        else:
            window = [
                _both(languages, lambda _language: _("The Registered Keeper")),
                _both(
                    languages,
                    lambda _language: (
                        _("Vehicle %(registration)s") % {"registration": letter.registration_shown}
                    ),
                ),
            ]
        _block(canvas, [(_printable(line), FONT, 11, 0, INK) for line in window], ADDRESS)

    def _sender(self, canvas: Canvas, letter: Letter, languages: Sequence[str]) -> None:
        """The force's own address and how to reach it, then the letter's reference."""
        head = self.letterhead
        contact = [*(head.address_lines if head.return_address.strip() else [])]
        if head.telephone:
            contact.append(
                _both(
                    languages,
                    lambda _language: _("Telephone %(number)s") % {"number": head.telephone},
                )
            )
        contact += [value for value in (head.email, head.disputes_url) if value]
        lines: list[Line] = [(_printable(line), FONT, 8, 0.5, INK) for line in contact]
        facts = [
            (_both(languages, lambda _language: _("Our reference")), [letter.reference]),
            (
                _both(languages, lambda _language: _("Date")),
                _each(languages, lambda _l: _long_date(self.on)),
            ),
            (_both(languages, lambda _language: _("Vehicle")), [letter.registration_shown]),
        ]
        for number, (label, values) in enumerate(facts):
            lines.append((label, FONT, 7.5, 10 if number == 0 and lines else 3, GREY))
            lines += [(value, FONT_BOLD, 9.5, 0, INK) for value in values]
        quote = _each(languages, lambda _language: _("Please quote our reference in any reply."))
        lines += [
            (line, FONT, 7, 5 if number == 0 else 0, GREY) for number, line in enumerate(quote)
        ]
        _block(canvas, lines, SENDER)

    def later(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        letter: Letter | None = self.state.get("letter")
        if letter is None:
            return
        languages: tuple[str, ...] = self.state["languages"]
        names = _both(
            languages, lambda language: force_name(self.letterhead.force, language=language)
        )
        canvas.saveState()
        canvas.setFillColor(INK)
        canvas.setFont(FONT_BOLD, _fitted(names, FONT_BOLD, 9, 110 * mm))
        canvas.drawString(LEFT, _down(LATER_HEAD), names)
        canvas.setFont(FONT, 9)
        canvas.drawRightString(
            RIGHT, _down(LATER_HEAD), f"{letter.reference} · {letter.registration_shown}"
        )
        canvas.setStrokeColor(RULE)
        canvas.line(LEFT, _down(LATER_HEAD + 3 * mm), RIGHT, _down(LATER_HEAD + 3 * mm))
        canvas.restoreState()
        self.footer(canvas, letter, languages)

    def footer(self, canvas: Canvas, letter: Letter, languages: Sequence[str]) -> None:
        page = canvas.getPageNumber() - self.state["first_page"] + 1
        force = self.letterhead.force
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.4)
        canvas.line(LEFT, FOOTER_RULE, RIGHT, FOOTER_RULE)
        canvas.setFillColor(GREY)
        canvas.setFont(FONT, 7.5)
        canvas.drawString(LEFT, FOOTER_LINE, letter.reference)
        canvas.drawRightString(
            RIGHT,
            FOOTER_LINE,
            _both(languages, lambda _language: _("Page %(number)s") % {"number": page}),
        )
        notes: list[str] = []
        for language in languages:
            with in_language(language):
                notes += [
                    _("Community Speedwatch is run by volunteers with %(force)s.")
                    % {"force": force_name(force, language=language)},
                    _("Times are UK time (GMT or BST, as shown)."),
                ]
        for number, note in enumerate(notes, start=1):
            canvas.setFont(FONT, _fitted(note, FONT, 7, RIGHT - LEFT))
            canvas.drawString(LEFT, FOOTER_LINE - number * FOOTER_PITCH, note)
        canvas.restoreState()


def letters_pdf(
    letters: Sequence[Letter],
    *,
    letterhead: Letterhead,
    on: date,
    addresses: Mapping[str, KeeperAddress],
) -> bytes:
    """The letters as one PDF: each starts on a new page, addressed for a window envelope
    (to its keeper when ``addresses`` has them, by letter reference) in the layout GOV.UK
    Notify prints, and in the languages the force and the keeper call for; a long list of
    offences runs on to further pages of the same letter."""
    _register_fonts()
    buffer = io.BytesIO()
    state: dict[str, Any] = {}
    pages = _Pages(letterhead, on, state)
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        title="Community Speedwatch letters",
        author=letterhead.force_name,
        subject=f"{len(letters)} letters, {on:%-d %B %Y}",
        pageCompression=1,
        initialFontName=FONT,
    )
    width = RIGHT - LEFT
    doc.addPageTemplates(
        [
            PageTemplate(
                id="first",
                frames=[Frame(LEFT, BODY_BOTTOM, width, _down(BODY_TOP) - BODY_BOTTOM, 0, 0, 0, 0)],
                onPageEnd=pages.first,
            ),
            PageTemplate(
                id="later",
                frames=[
                    Frame(LEFT, BODY_BOTTOM, width, _down(LATER_BODY_TOP) - BODY_BOTTOM, 0, 0, 0, 0)
                ],
                onPageEnd=pages.later,
            ),
        ]
    )
    story: list[Flowable] = []
    for number, letter in enumerate(letters):
        if number:
            story += [NextPageTemplate("first"), PageBreak()]
        keeper = addresses.get(letter.reference)
        languages = letter_languages(letterhead, keeper)
        story += [
            _LetterStart(state, letter, keeper, languages),
            NextPageTemplate("later"),
            *_versions_note(languages),
        ]
        for version, language in enumerate(languages):
            with in_language(language):
                if version:
                    story.append(
                        HRFlowable(
                            width="100%",
                            thickness=0.6,
                            color=RULE,
                            spaceBefore=4 * mm,
                            spaceAfter=5 * mm,
                        )
                    )
                story += _letter_in(letter, letterhead, on, keeper, language)
    if not letters:
        waiting = _both(
            letter_languages(letterhead, None), lambda _language: _("No letters are waiting.")
        )
        story.append(Paragraph(escape(waiting), HEADING))
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
