"""The letters batch: rows for a mail merge, and printable letters as a PDF."""

import io
from collections.abc import Iterator, Sequence

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from watch.models import Action, Offence

CSV_COLUMNS = [
    "offence_id",
    "action",
    "registration",
    "make",
    "model",
    "colour",
    "speed_mph",
    "speed_limit_mph",
    "date",
    "time",
    "road",
    "site",
    "scheme",
]

LETTER_TEXT = {
    Action.FIRST_LETTER: (
        "A vehicle registered to you was recorded by Community Speedwatch volunteers "
        "travelling above the speed limit. No further action will be taken on this "
        "occasion, but we ask you to keep to the limit: these roads are where people live."
    ),
    Action.SECOND_LETTER: (
        "This is the second time in twelve months that a vehicle registered to you has been "
        "recorded above the speed limit by Community Speedwatch. This is a final warning: a "
        "further offence will be referred to the police for action."
    ),
    Action.POLICE_ACTION: (
        "A vehicle registered to you has been recorded above the speed limit by Community "
        "Speedwatch and the record has been referred to the police for action. You may be "
        "contacted by an officer."
    ),
}


def letter_rows(offences: Sequence[Offence]) -> Iterator[list[object]]:
    for offence in offences:
        seen = timezone.localtime(offence.observed_at)
        yield [
            offence.pk,
            offence.action,
            offence.registration,
            offence.make,
            offence.model,
            offence.colour,
            offence.speed_mph,
            offence.speed_limit_mph,
            seen.date().isoformat(),
            seen.strftime("%H:%M"),
            offence.site.road_name,
            offence.site.name,
            offence.scheme.name,
        ]


def letters_pdf(offences: Sequence[Offence]) -> bytes:
    """One A4 page per letter, addressed to the registered keeper of the vehicle."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle("Community Speedwatch letters")
    width, height = A4
    for offence in offences:
        seen = timezone.localtime(offence.observed_at)
        y = height - 30 * mm
        pdf.setFont("Helvetica-Bold", 14)
        pdf.drawString(25 * mm, y, "Community Speedwatch")
        pdf.setFont("Helvetica", 10)
        pdf.drawRightString(width - 25 * mm, y, timezone.localdate().strftime("%d %B %Y"))
        y -= 15 * mm
        pdf.setFont("Helvetica", 11)
        pdf.drawString(25 * mm, y, f"To the registered keeper of {offence.registration}")
        y -= 12 * mm
        pdf.setFont("Helvetica-Bold", 12)
        pdf.drawString(25 * mm, y, offence.get_action_display())
        y -= 10 * mm
        pdf.setFont("Helvetica", 11)
        details = [
            f"Vehicle: {offence.registration} {offence.colour} {offence.make} {offence.model}",
            f"Where: {offence.site.road_name} ({offence.site.name}), {offence.scheme.name}",
            f"When: {seen:%d %B %Y at %H:%M}",
            f"Speed: {offence.speed_mph} mph in a {offence.speed_limit_mph} mph limit",
        ]
        for line in details:
            pdf.drawString(25 * mm, y, " ".join(line.split()))
            y -= 7 * mm
        y -= 5 * mm
        text = pdf.beginText(25 * mm, y)
        text.setFont("Helvetica", 11)
        for line in _wrap(LETTER_TEXT.get(offence.action, ""), 85):
            text.textLine(line)
        pdf.drawText(text)
        pdf.setFont("Helvetica", 8)
        pdf.drawString(25 * mm, 15 * mm, f"Reference {offence.pk}")
        pdf.showPage()
    if not offences:
        pdf.setFont("Helvetica", 12)
        pdf.drawString(25 * mm, height - 30 * mm, "No letters are waiting.")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _wrap(text: str, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    return lines
