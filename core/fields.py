"""Serializer fields shared by the apps."""

import re
from typing import Any

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class StepBeforeField(serializers.ChoiceField):
    """The status a change started from, read-only: null where there was none (the first
    step of a history, stored as an empty string), so the value is always one of the
    documented statuses or null."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> Any:
        return super().to_representation(value) if value else None


class UniqueListField(serializers.ListField):
    """A list in which each value may appear once (``uniqueItems`` in the schema): a repeat
    is refused rather than stored twice or silently dropped."""

    default_error_messages = {
        "duplicate": gettext_lazy("Give each value once: {value} is repeated.")
    }

    def to_internal_value(self, data: Any) -> list[Any]:
        values = super().to_internal_value(data)
        seen: list[Any] = []
        for value in values:
            if value in seen:
                self.fail("duplicate", value=value)
            seen.append(value)
        return values


CLOCK_TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


@extend_schema_field(
    {
        "type": "string",
        "pattern": CLOCK_TIME_PATTERN,
        "example": "22:00",
        "description": "A time of day on the clock in the UK, HH:MM (24-hour).",
    }
)
class ClockTimeField(serializers.TimeField):
    """A wall-clock time to the minute, written and read as ``HH:MM``. It carries no offset
    (it means the same hour on every day, in summer time and out), so it is documented as
    the plain pattern it is rather than as RFC 3339 ``full-time``, which needs one."""

    default_error_messages = {"invalid": gettext_lazy("Enter a time as HH:MM, for example 22:00.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("format", "%H:%M")
        kwargs.setdefault("input_formats", ["%H:%M"])
        super().__init__(**kwargs)

    def to_internal_value(self, value: Any) -> Any:
        if not isinstance(value, str) or not re.fullmatch(CLOCK_TIME_PATTERN, value):
            self.fail("invalid")
        return super().to_internal_value(value)
