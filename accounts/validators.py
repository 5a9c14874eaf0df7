"""Validation and normalisation of UK contact details."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Outward code (area, district) and inward code (sector, unit), e.g. "CB2 1TN", "PE15 8AB".
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{6,18}[0-9]$")


def normalise_postcode(value: str) -> str:
    """Upper-case a full UK postcode with one space before the inward code."""
    compact = re.sub(r"\s+", "", value or "").upper()
    match = _POSTCODE.match(compact)
    if not match:
        raise ValidationError(
            _("Enter a full UK postcode, such as CB2 1TN."), code="invalid_postcode"
        )
    return f"{match.group(1)} {match.group(2)}"


def validate_postcode(value: str) -> None:
    if value:
        normalise_postcode(value)


def validate_phone(value: str) -> None:
    if value and not _PHONE.match(value.strip()):
        raise ValidationError(
            _("Enter a phone number of 8 to 20 digits, such as 01223 555123 or +44 7700 900123."),
            code="invalid_phone",
        )
