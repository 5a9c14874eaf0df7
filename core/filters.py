"""Filter fields shared by the apps' FilterSets."""

from datetime import UTC, datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django_filters import rest_framework as filters

EARLIEST_YEAR, LATEST_YEAR = 1900, 2200


def utc_in_range(value: datetime) -> datetime:
    """``value`` in UTC; a ValidationError for a time outside the years the database stores
    well (PostgreSQL refuses some offsets Python accepts, beyond ±15:59, and far-off years
    overflow on conversion)."""
    try:
        result = value.astimezone(UTC)
    except (OverflowError, ValueError) as exc:
        raise ValidationError("Enter a time between 1900 and 2200.") from exc
    if not EARLIEST_YEAR <= result.year <= LATEST_YEAR:
        raise ValidationError("Enter a time between 1900 and 2200.")
    return result


class UTCDateTimeField(forms.DateTimeField):
    """An ISO 8601 time, converted to UTC and kept within years the database stores well."""

    def to_python(self, value: Any) -> datetime | None:
        result = super().to_python(value)
        return None if result is None else utc_in_range(result)


class UTCDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UTCDateTimeField


class StrictBooleanField(forms.Field):
    """true/false (also 1/0, yes/no, on/off); anything else is an error, not ignored."""

    TRUE = frozenset({"true", "1", "yes", "on"})
    FALSE = frozenset({"false", "0", "no", "off"})

    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValidationError("Enter true or false.")


class StrictBooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # django-filter's boolean widget reads anything it does not know as "no filter".
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(*args, **kwargs)
