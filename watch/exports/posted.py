"""A posted letter's PDF, as GOV.UK Notify's precompiled-letter API takes it: the letter alone,
addressed to its keeper, printed as the letters batch prints it (``watch.exports.letters``)."""

import re

from django.utils import timezone

from watch.exports.letters import letters_pdf
from watch.letters import letters_from
from watch.models import KeeperAddress, Offence, PostedLetter
from watch.selectors.letters import letterhead_for

# GOV.UK Notify prints precompiled letters of up to 10 pages and refuses longer ones after
# they are sent (validation-failed); a longer letter is said to be one to print here instead.
NOTIFY_MAX_PAGES = 10
# Each page of a PDF is an object of /Type /Page (the tree that holds them is /Pages).
_PAGE = re.compile(rb"/Type\s*/Page\b(?!s)")


def posted_letter_pdf(letter_row: PostedLetter) -> bytes | str:
    """The letter's PDF, dated today, or why it cannot be made (the offences on it no longer
    make that letter, or its keeper's name and address have been deleted since)."""
    offences = Offence.objects.filter(pk__in=letter_row.offences.values("pk")).select_related(
        "site", "scheme"
    )
    letters = letters_from(offences)
    if [letter.reference for letter in letters] != [letter_row.reference]:
        return "The letter's offences have changed since it was posted."
    address = KeeperAddress.objects.filter(reference=letter_row.reference).first()
    if address is None:
        return (
            "The keeper's name and address were deleted before the letter was sent: "
            "print it and post it yourself."
        )
    pdf = letters_pdf(
        letters,
        letterhead=letterhead_for(force=letter_row.force),
        on=timezone.localdate(),
        addresses={address.reference: address},
    )
    pages = len(_PAGE.findall(pdf))
    if pages > NOTIFY_MAX_PAGES:
        return (
            f"The letter runs to {pages} pages, more than the {NOTIFY_MAX_PAGES} GOV.UK Notify "
            "prints: print it and post it yourself."
        )
    return pdf
