"""Base serializers of the API's JSON bodies: a value must have the JSON type the schema
documents for its field.

DRF reads input leniently, the way an HTML form has to be read: a number is taken as text
(``"name": 5``), ``0``/``"yes"`` as a boolean, ``"12"`` as an integer and a number as a UUID.
In a JSON body each of those is a client bug the schema already calls invalid, so it is
refused here with the field's own "invalid" message, before the field converts it.

Query strings, forms and uploaded CSV rows are text by nature; they are read as DRF reads
them, except that a parameter given empty is refused rather than taken as left out. A query
string or form arrives as a ``QueryDict``; a caller passing rows of text in a plain dict says
so with ``context={"text_input": True}``.
"""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.relations import PrimaryKeyRelatedField

_DRF_DATETIME = serializers.DateTimeField()


def api_datetime(value: datetime | None) -> str | None:
    """What DRF's ``DateTimeField`` writes for ``value`` (ISO 8601 in the current time zone,
    ``Z`` for UTC), for the lists that build their rows from ``.values()``. DRF's field looks
    up its settings and the time zone several times over for each value, which came to a
    millisecond a page of the inbox; an aware time from the database needs one conversion.
    Anything else (a naive time, one past the calendar) goes to DRF's field itself."""
    if value is None:
        return None
    if value.tzinfo is None:
        return _DRF_DATETIME.to_representation(value)
    try:
        text = value.astimezone(_zone.get() or timezone.get_current_timezone()).isoformat()
    except OverflowError:
        return _DRF_DATETIME.to_representation(value)
    return text[:-6] + "Z" if text.endswith("+00:00") else text


# Django keeps the active time zone in an asgiref ``Local``, which takes several times as
# long to read as the conversion itself: a page of the inbox writes 300 times.
_zone: ContextVar[tzinfo | None] = ContextVar("api_datetime_zone", default=None)


@contextmanager
def one_time_zone() -> Iterator[None]:
    """Within the block, ``api_datetime`` writes in the time zone current as it opened,
    looked up once: for writing the rows of a page, during which nothing changes it."""
    token = _zone.set(timezone.get_current_timezone())
    try:
        yield
    finally:
        _zone.reset(token)


def _is_integer(value: Any) -> bool:
    # JSON Schema counts 3.0 as an integer; bool is an int subclass in Python, not in JSON.
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _json_type_errors(field: serializers.Field, value: Any) -> Any:
    """The field's errors for a JSON ``value`` of the wrong type, in DRF's shape, or None.
    A null is left to the field (``allow_null``), and so are the types DRF already checks
    strictly (lists, objects, nested serializers check their own values)."""
    if value is None:
        return None
    if isinstance(field, serializers.ListField) and isinstance(value, list):
        errors = {
            index: error
            for index, item in enumerate(value)
            if (error := _json_type_errors(field.child, item)) is not None
        }
        return errors or None
    if isinstance(field, serializers.DictField) and isinstance(value, dict):
        errors = {
            key: error
            for key, item in value.items()
            if (error := _json_type_errors(field.child, item)) is not None
        }
        return errors or None
    if isinstance(field, serializers.ManyRelatedField) and not isinstance(value, list):
        # DRF iterates any iterable here, so an object would be read as a list of its keys.
        return [field.error_messages["not_a_list"].format(input_type=type(value).__name__)]
    if isinstance(field, serializers.ManyRelatedField):
        errors = {
            index: error
            for index, item in enumerate(value)
            if (error := _json_type_errors(field.child_relation, item)) is not None
        }
        return errors or None
    if isinstance(field, serializers.BooleanField):
        wrong, code = not isinstance(value, bool), "invalid"
    elif isinstance(field, serializers.CharField | serializers.UUIDField):
        wrong, code = not isinstance(value, str), "invalid"
    elif isinstance(field, serializers.IntegerField):
        wrong, code = not _is_integer(value), "invalid"
    elif isinstance(field, serializers.FloatField):
        wrong, code = isinstance(value, bool) or not isinstance(value, int | float), "invalid"
    elif isinstance(field, PrimaryKeyRelatedField) and field.pk_field is None:
        # Every model here has an integer key.
        wrong, code = not _is_integer(value), "incorrect_type"
    else:
        return None
    if not wrong:
        return None
    message = field.error_messages[code].format(data_type=type(value).__name__)
    return [message]


EMPTY_PARAMETER = gettext_lazy("Enter a value, or leave the parameter out.")


def _refuse_empty_parameters(serializer: Any, data: QueryDict) -> None:
    """A query parameter given empty (``?lat=``) is an error, not read as left out (as DRF
    reads an empty form field): the schema gives it a type an empty string is not, and a
    client that sends it empty has lost a value. Free text that may be blank is exempt."""
    errors = {
        field.field_name: [EMPTY_PARAMETER]
        for field in serializer._writable_fields
        if field.field_name in data
        and not data.get(field.field_name, "").strip()
        # A required field refuses it itself; an optional one would take it as left out.
        and not field.required
        and not (isinstance(field, serializers.CharField) and field.allow_blank)
    }
    if errors:
        raise serializers.ValidationError(errors)


# For the type checker the mixin is the Serializer it is mixed into.
if TYPE_CHECKING:
    _SerializerBase = serializers.Serializer
else:
    _SerializerBase = object


class JSONTypesMixin(_SerializerBase):
    """Refuses, field by field, JSON values of a type other than the field's (see the module
    docstring); otherwise reads the data as the serializer always did."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, QueryDict):
            _refuse_empty_parameters(self, data)
        from_json = isinstance(data, Mapping) and not isinstance(data, QueryDict)
        if from_json and not self.context.get("text_input"):
            errors: dict[Any, Any] = {}
            for field in self._writable_fields:
                value = field.get_value(data)
                if value is empty:
                    continue
                error = _json_type_errors(field, value)
                if error is not None:
                    errors[field.field_name] = error
            if errors:
                # Report the other fields' errors too, so one answer lists everything wrong;
                # for a field of the wrong type its type is what is wrong.
                try:
                    super().to_internal_value(data)
                except serializers.ValidationError as exc:
                    if isinstance(exc.detail, dict):
                        errors = {**exc.detail, **errors}
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class Serializer(JSONTypesMixin, serializers.Serializer):
    """DRF's Serializer, strict about JSON types."""


class ModelSerializer(JSONTypesMixin, serializers.ModelSerializer):
    """DRF's ModelSerializer, strict about JSON types."""
