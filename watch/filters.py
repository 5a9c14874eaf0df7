"""django-filter FilterSets of the Community Speedwatch lists and exports: applied by the list
views (sites, sessions, offences, the letters queue) and in the audit selector."""

from django.db.models import QuerySet
from django_filters import rest_framework as filters

from core.filters import FilterSet, IdFilter, PeriodForm, UTCDateTimeFilter
from watch.models import (
    Action,
    ActionStatus,
    AuditAction,
    AuditRecord,
    Offence,
    PostedLetter,
    PostedLetterStatus,
    Session,
    SessionStatus,
    Site,
    SiteStatus,
    VehicleCheckStatus,
)
from watch.registrations import compact_registration


class SiteFilter(FilterSet):
    scheme = IdFilter(field_name="scheme")
    status = filters.ChoiceFilter(choices=SiteStatus.choices)

    class Meta:
        model = Site
        fields = ["scheme", "status"]


class SessionFilter(FilterSet):
    scheme = IdFilter(field_name="scheme")
    site = IdFilter(field_name="site")
    status = filters.ChoiceFilter(choices=SessionStatus.choices)
    since = UTCDateTimeFilter(field_name="started_at", lookup_expr="gte")
    until = UTCDateTimeFilter(field_name="started_at", lookup_expr="lt")

    class Meta:
        model = Session
        fields = ["scheme", "site", "status", "since", "until"]
        form = PeriodForm


class OffenceFilter(FilterSet):
    scheme = IdFilter(field_name="scheme")
    site = IdFilter(field_name="site")
    registration = filters.CharFilter(method="filter_registration", max_length=16)
    action = filters.ChoiceFilter(choices=Action.choices)
    action_status = filters.ChoiceFilter(choices=ActionStatus.choices)
    since = UTCDateTimeFilter(field_name="observed_at", lookup_expr="gte")
    until = UTCDateTimeFilter(field_name="observed_at", lookup_expr="lt")

    class Meta:
        model = Offence
        fields = ["scheme", "site", "registration", "action", "action_status", "since", "until"]
        form = PeriodForm

    def filter_registration(
        self, queryset: QuerySet[Offence], name: str, value: str
    ) -> QuerySet[Offence]:
        return queryset.filter(registration=compact_registration(value))


class HeldOffenceFilter(FilterSet):
    scheme = IdFilter(field_name="scheme")
    vehicle_check = filters.ChoiceFilter(
        choices=[
            (VehicleCheckStatus.MISMATCHED.value, VehicleCheckStatus.MISMATCHED.label),
            (VehicleCheckStatus.NOT_FOUND.value, VehicleCheckStatus.NOT_FOUND.label),
        ],
        help_text="Why it is held back.",
    )

    class Meta:
        model = Offence
        fields = ["scheme", "vehicle_check"]


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


class PostedLetterFilter(FilterSet):
    status = filters.ChoiceFilter(choices=PostedLetterStatus.choices)
    registration = filters.CharFilter(
        method="filter_registration", max_length=16, help_text="The vehicle's registration."
    )
    reference = filters.CharFilter(
        method="filter_reference", max_length=32, help_text="The letter's reference, or its start."
    )

    class Meta:
        model = PostedLetter
        fields = ["status", "registration", "reference"]

    def filter_registration(
        self, queryset: QuerySet[PostedLetter], name: str, value: str
    ) -> QuerySet[PostedLetter]:
        return queryset.filter(registration=compact_registration(value))

    def filter_reference(
        self, queryset: QuerySet[PostedLetter], name: str, value: str
    ) -> QuerySet[PostedLetter]:
        return queryset.filter(reference__startswith=value.strip().upper())
