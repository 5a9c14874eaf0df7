"""UK vehicle registration marks: normalising, classifying, masking and pseudonymising them.

Formats (DVLA): current since 2001 (AB12 CDE), prefix 1983-2001 (A123 BCD), suffix
1963-1983 (ABC 123D), dateless (up to four digits and up to three letters, either way round)
and Northern Ireland. Anything else of letters and digits is accepted but flagged as
unrecognised (foreign, diplomatic, misread); anything that cannot be a registration at all is
refused.

Northern Ireland keeps the 1903 county codes, which all contain I or Z: the Z codes AZ to YZ
(not IZ or QZ: IZ was Mayo's, now in the Republic, and Q is not used) and the I codes IA, IB,
IG, IJ, IL, IW, JI, OI, UI and XI. A mark is a code with up to four digits (``IA 1234``),
reversed (``1234 IA``), or since 1966 a serial letter, the code and up to four digits
(``LUI 234``, ``BFZ 123``). Great Britain's dateless marks never used I, Q or Z, so a
dateless-looking mark with one of them is not classed as dateless.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from watch.models import RegistrationFormat

_NI_CODE = r"(?:[A-HJ-PR-Y]Z|I[ABGJLW]|[JOUX]I)"
_GB_LETTERS = r"[A-HJ-PR-Y]"  # no I, Q or Z
_FORMATS = [
    (RegistrationFormat.CURRENT, re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z]{3}$")),
    (RegistrationFormat.PREFIX, re.compile(r"^[A-Z][0-9]{1,3}[A-Z]{3}$")),
    (RegistrationFormat.SUFFIX, re.compile(r"^[A-Z]{3}[0-9]{1,3}[A-Z]$")),
    (
        RegistrationFormat.NORTHERN_IRELAND,
        re.compile(rf"^(?:[A-PR-Y]?{_NI_CODE}[0-9]{{1,4}}|[0-9]{{1,4}}{_NI_CODE})$"),
    ),
    (
        RegistrationFormat.DATELESS,
        re.compile(rf"^(?:[0-9]{{1,4}}{_GB_LETTERS}{{1,3}}|{_GB_LETTERS}{{1,3}}[0-9]{{1,4}})$"),
    ),
]
_PLAUSIBLE = re.compile(r"^[A-Z0-9]{2,8}$")


def compact_registration(value: str) -> str:
    """Upper case without spaces or hyphens: how registrations are stored and searched."""
    return re.sub(r"[\s-]+", "", value or "").upper()


def normalise_registration(value: str) -> str:
    """Upper case with no spaces; refuses what cannot be a registration mark."""
    compact = compact_registration(value)
    if not _PLAUSIBLE.match(compact):
        raise ValidationError(
            _("Enter the registration as letters and digits, 2 to 8 of them (e.g. AB12 CDE)."),
            code="invalid_registration",
        )
    return compact


def registration_format(registration: str) -> RegistrationFormat:
    for name, pattern in _FORMATS:
        if pattern.match(registration):
            return name
    return RegistrationFormat.UNRECOGNISED


def display_registration(registration: str) -> str:
    """A stored registration as it is printed on the plate: ``AB12 CDE``, ``A123 BCD``,
    ``ABC 123D``; other marks as stored."""
    match registration_format(registration):
        case RegistrationFormat.CURRENT:
            return f"{registration[:4]} {registration[4:]}"
        case RegistrationFormat.PREFIX:
            return f"{registration[:-3]} {registration[-3:]}"
        case RegistrationFormat.SUFFIX:
            return f"{registration[:3]} {registration[3:]}"
    return registration


def looks_like_registration(value: str) -> bool:
    """Whether text (a search, a filter) holds a registration of a recognised UK format.

    Every format is anchored and made of 2 to 8 letters and digits, so a match is also
    plausible (``normalise_registration``) without checking that separately."""
    return registration_format(compact_registration(value)) != RegistrationFormat.UNRECOGNISED


def mask_registration(registration: str) -> str:
    """What a volunteer sees: the first four characters, the rest hidden (``AB12 ***``)."""
    if not registration:
        return ""
    return f"{registration[:4]} ***"


VEHICLE_KEY_SALT = "watch.vehicle_key"


def vehicle_key(registration: str) -> str:
    """A pseudonym of a registration that statistics count repeat vehicles on.

    The first 60 bits of an HMAC-SHA256 keyed with SECRET_KEY, in hex, after a ``~`` that no
    registration has: the same vehicle always gets the same key, but the key does not give
    the registration back without SECRET_KEY. Changing SECRET_KEY starts new keys, so a
    vehicle caught before and after the change counts as two vehicles.
    """
    if not registration:
        return ""
    digest = salted_hmac(VEHICLE_KEY_SALT, registration, algorithm="sha256").hexdigest()
    return "~" + digest[:15]
