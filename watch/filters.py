"""django-filter FilterSets of Community Speedwatch lists that are filtered in selectors."""

from django_filters import rest_framework as filters

from core.filters import FilterSet, IdFilter, PeriodForm, UTCDateTimeFilter
from watch.models import AuditAction, AuditRecord


class AuditFilter(FilterSet):
    since = UTCDateTimeFilter(
        field_name="at", lookup_expr="gte", help_text="Records from this moment on."
    )
    until = UTCDateTimeFilter(
        field_name="at", lookup_expr="lt", help_text="Records before this moment."
    )
    scheme = IdFilter(
        field_name="schemes", help_text="Searches and exports that reached this scheme."
    )
    actor = IdFilter(field_name="actor", help_text="The person's user id.")
    person = filters.CharFilter(
        field_name="actor_name",
        lookup_expr="icontains",
        max_length=150,
        help_text="Part of the person's name.",
    )
    action = filters.ChoiceFilter(choices=AuditAction.choices)

    class Meta:
        model = AuditRecord
        fields = ["since", "until", "scheme", "actor", "person", "action"]
        form = PeriodForm
