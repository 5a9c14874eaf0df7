"""Filter fields shared by the apps' FilterSets."""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import EMPTY_VALUES
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.filters import OrderingFilter

EARLIEST_YEAR, LATEST_YEAR = 1900, 2200


def utc_in_range(value: datetime) -> datetime:
    """``value`` in UTC; a ValidationError for a time outside the years the database stores
    well (PostgreSQL refuses some offsets Python accepts, beyond ±15:59, and far-off years
    overflow on conversion)."""
    try:
        result = value.astimezone(UTC)
    except (OverflowError, ValueError) as exc:
        raise ValidationError(_("Enter a time between 1900 and 2200.")) from exc
    if not EARLIEST_YEAR <= result.year <= LATEST_YEAR:
        raise ValidationError(_("Enter a time between 1900 and 2200."))
    return result


EMPTY_TIME = gettext_lazy("Enter a date and time, or leave the parameter out.")
EMPTY_VALUE = gettext_lazy("Enter a value, or leave the parameter out.")


class UTCDateTimeField(forms.DateTimeField):
    """An ISO 8601 time, converted to UTC and kept within years the database stores well.
    A parameter given empty (``?until=``) is an error, not taken as no filter: the schema
    says it is a date-time, and a client that sends it empty has lost a value."""

    def to_python(self, value: Any) -> datetime | None:
        if isinstance(value, str) and not value.strip():
            raise ValidationError(EMPTY_TIME, code="invalid")
        result = super().to_python(value)
        return None if result is None else utc_in_range(result)


class UTCDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UTCDateTimeField  # type: ignore[assignment]  # django-filter takes any form field; its stubs name the default


PERIOD_BACKWARDS = gettext_lazy("The end must come after the start.")


def period_is_backwards(since: datetime | None, until: datetime | None) -> bool:
    """Whether a period given by its start (inclusive) and end (exclusive) holds no time."""
    return since is not None and until is not None and until <= since


class PeriodForm(forms.Form):
    """The form of a FilterSet with ``since`` and ``until`` filters: an end at or before the
    start is an error of ``until``, not a silently empty list."""

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if period_is_backwards(data.get("since"), data.get("until")):
            self.add_error("until", PERIOD_BACKWARDS)
        return data


class SchemaOnlyFilterBackend(filters.DjangoFilterBackend):
    """Documents a view's ``filterset_class`` in the OpenAPI schema and leaves the filtering
    to the selector the view calls, which applies the same FilterSet."""

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        return queryset


class StrictBooleanField(forms.Field):
    """true/false (also 1/0, yes/no, on/off); anything else, empty included, is an error,
    not ignored."""

    TRUE = frozenset({"true", "1", "yes", "on"})
    FALSE = frozenset({"false", "0", "no", "off"})

    def to_python(self, value: Any) -> bool | None:
        if value is None:
            return None
        text = str(value).strip().lower()
        if not text:
            raise ValidationError(EMPTY_VALUE, code="invalid")
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValidationError(_("Enter true or false."))


class StrictBooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField  # type: ignore[assignment]  # django-filter takes any form field; its stubs name the default

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # django-filter's boolean widget reads anything it does not know as "no filter".
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(*args, **kwargs)


class IdField(forms.IntegerField):
    """A row's id: a whole number; ``0.5`` or ``abc`` is an error, not a filter that matches
    nothing (django-filter's NumberFilter reads decimals)."""

    default_error_messages = {"invalid": gettext_lazy("Enter a whole number: the id.")}

    def to_python(self, value: Any) -> int | None:
        # Given empty (``?site=``): an error like any other value that is not an id.
        if isinstance(value, str) and not value.strip():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class IdFilter(filters.NumberFilter):
    """Filters by a foreign key's id (drf-spectacular documents it as the key's integer)."""

    field_class = IdField  # type: ignore[assignment]  # django-filter takes any form field; its stubs name the default


class StrictOrderingFilter(OrderingFilter):
    """DRF's ordering filter, but an ordering it cannot apply is a 400 on ``ordering`` rather
    than silently the default order: an empty value, an unknown field, a repeated comma. The
    schema lists the accepted values (each field, ``-`` before it to reverse); several may be
    given, comma-separated, as DRF allows."""

    def get_ordering(self, request: Any, queryset: Any, view: Any) -> Sequence[str] | None:
        raw = request.query_params.get(self.ordering_param)
        if raw is None:
            return self.get_default_ordering(view)
        choices = self._choices(view, queryset, request)
        terms = [term.strip() for term in raw.split(",")]
        if any(term not in choices for term in terms):
            raise DRFValidationError(
                {
                    self.ordering_param: [
                        _("Sort by one of: %(choices)s.") % {"choices": ", ".join(choices)}
                    ]
                }
            )
        return terms

    def _choices(self, view: Any, queryset: Any = None, request: Any = None) -> list[str]:
        fields = [name for name, _ in self.get_valid_fields(queryset, view, {"request": request})]
        return [choice for name in fields for choice in (name, f"-{name}")]

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        fields = getattr(view, "ordering_fields", None)
        if isinstance(fields, list | tuple):
            choices = [choice for name in fields for choice in (name, f"-{name}")]
            for parameter in parameters:
                parameter["schema"] = {"type": "string", "enum": choices}
                parameter["description"] = (
                    "Sort by this field; a leading - reverses. Several may be given, "
                    "separated by commas."
                )
        return parameters


class FilterSet(filters.FilterSet):
    """django-filter's FilterSet, but a parameter given empty (``?status=``) is an error
    rather than no filter, as for every typed query parameter of the API (an empty string is
    not a choice, an id or a time); free text (``CharFilter``) may be blank.

    Most requests of a list give none of its filters. django-filter would still deep-copy
    every filter (choice lists included), make a form class and a form, and validate it, for
    each request: a tenth of the directory's time. A request that names no filter here gets
    the form of an empty query string instead, validated once per FilterSet class, and the
    filters as declared (each is handed an empty value and returns the queryset as it is),
    so the FilterSet's own ``filter_queryset`` (its defaults, such as "active schemes only")
    still runs.
    """

    _form_classes: dict[type, type[forms.Form]] = {}
    _empty_forms: dict[type, forms.Form | None] = {}

    def __init__(
        self,
        data: Any = None,
        queryset: Any = None,
        *,
        request: Any = None,
        prefix: str | None = None,
    ) -> None:
        fast = data is not None and queryset is not None and prefix is None
        if fast and not self._names_a_filter(data):
            empty = self._empty_form()
            if empty is not None:
                self.is_bound = True
                self.data = data
                self.queryset = queryset
                self.request = request
                self.form_prefix = prefix
                # Shared, and never changed here: every value they are given is empty.
                self.filters = self.base_filters
                self._form = empty
                return
        super().__init__(data, queryset, request=request, prefix=prefix)

    @classmethod
    def _names_a_filter(cls, data: Any) -> bool:
        # A form field reads its own name, or its name with a suffix (``_min``, ``_after``).
        return any(key.startswith(name) for key in data for name in cls.base_filters)

    @classmethod
    def _empty_form(cls) -> forms.Form | None:
        """The validated form of an empty query string, if every value it gives is empty
        (so that no filter does anything with it); otherwise None: the usual way then."""
        if cls not in FilterSet._empty_forms:
            filterset = cls.__new__(cls)
            filters.FilterSet.__init__(filterset, QueryDict())  # its model's rows, never read
            form = filterset.form
            empty = form.is_valid() and all(
                value in EMPTY_VALUES for value in form.cleaned_data.values()
            )
            FilterSet._empty_forms[cls] = form if empty else None
        return FilterSet._empty_forms[cls]

    def get_form_class(self) -> type[forms.Form]:
        # One class per FilterSet: each form copies the fields of its class when made.
        cls = type(self)
        if cls not in FilterSet._form_classes:
            FilterSet._form_classes[cls] = self._make_form_class()
        return FilterSet._form_classes[cls]

    def _make_form_class(self) -> type[forms.Form]:
        base = super().get_form_class()
        text = {name for name, item in self.filters.items() if type(item) is filters.CharFilter}

        class Form(base):  # type: ignore[misc, valid-type]  # a class made from django-filter's at run time
            def clean(form) -> dict[str, Any]:
                data = super().clean()
                for name in form.fields:
                    raw = form.data.get(name)
                    empty = isinstance(raw, str) and not raw.strip()
                    if empty and name not in text and name not in form.errors:
                        form.add_error(name, EMPTY_VALUE)
                return data

        return Form
