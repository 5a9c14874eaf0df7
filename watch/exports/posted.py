"""A posted letter's PDF, as GOV.UK Notify's precompiled-letter API takes it: the letter alone,
addressed to its keeper, printed as the letters batch prints it (``watch.exports.letters``)."""

from django.utils import timezone

from watch.exports.letters import letters_pdf
from watch.letters import letters_from
from watch.models import KeeperAddress, Offence, PostedLetter
from watch.selectors.letters import letterhead_for


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
    return letters_pdf(
        letters,
        letterhead=letterhead_for(force=letter_row.force),
        on=timezone.localdate(),
        addresses={address.reference: address},
    )
