"""UK vehicle registration marks: normalising, classifying and masking them.

Formats (DVLA): current since 2001 (AB12 CDE), prefix 1983-2001 (A123 BCD), suffix
1963-1983 (ABC 123D), dateless (up to four digits and three letters, either way round) and
Northern Ireland (letters including I or Z, then up to four digits). Anything else of
letters and digits is accepted but flagged as unrecognised (foreign, diplomatic, misread);
anything that cannot be a registration at all is refused.
"""

import re

from django.core.exceptions import ValidationError

from watch.models import RegistrationFormat

_FORMATS = [
    (RegistrationFormat.CURRENT, re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z]{3}$")),
    (RegistrationFormat.PREFIX, re.compile(r"^[A-Z][0-9]{1,3}[A-Z]{3}$")),
    (RegistrationFormat.SUFFIX, re.compile(r"^[A-Z]{3}[0-9]{1,3}[A-Z]$")),
    # Northern Ireland before dateless: its marks would match the dateless pattern too.
    (RegistrationFormat.NORTHERN_IRELAND, re.compile(r"^[A-Z]?(?:I[A-Z]|[A-Z]Z)[0-9]{1,4}$")),
    (RegistrationFormat.DATELESS, re.compile(r"^(?:[0-9]{1,4}[A-Z]{1,3}|[A-Z]{1,3}[0-9]{1,4})$")),
]
_PLAUSIBLE = re.compile(r"^[A-Z0-9]{2,8}$")


def normalise_registration(value: str) -> str:
    """Upper case with no spaces; refuses what cannot be a registration mark."""
    compact = re.sub(r"[\s-]+", "", value or "").upper()
    if not _PLAUSIBLE.match(compact):
        raise ValidationError(
            "Enter the registration as letters and digits, 2 to 8 of them (e.g. AB12 CDE).",
            code="invalid_registration",
        )
    return compact


def registration_format(registration: str) -> RegistrationFormat:
    for name, pattern in _FORMATS:
        if pattern.match(registration):
            return name
    return RegistrationFormat.UNRECOGNISED


def mask_registration(registration: str) -> str:
    """What a volunteer sees: the first four characters, the rest hidden (``AB12 ***``)."""
    if not registration:
        return ""
    return f"{registration[:4]} ***"
