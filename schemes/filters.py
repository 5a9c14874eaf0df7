from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters

from accounts.forces import PoliceForce
from core.filters import FilterSet, IdFilter, PeriodForm, UTCDateTimeFilter
from schemes.activity import ACTIVITY_KINDS, ACTIVITY_OBJECT_TYPES
from schemes.models import (
    ActivityEvent,
    Membership,
    MembershipRole,
    MembershipStatus,
    Neighbourhood,
    Scheme,
    SchemeKind,
    SchemeStatus,
    SchemeStatusChange,
)
from schemes.selectors import scheme_ids_in_neighbourhood


class SchemeFilter(FilterSet):
    kind = filters.ChoiceFilter(choices=SchemeKind.choices)
    status = filters.ChoiceFilter(
        choices=SchemeStatus.choices,
        method="filter_status",
        help_text="Defaults to active: the public directory.",
    )
    force = filters.ChoiceFilter(choices=PoliceForce.choices)
    q = filters.CharFilter(method="filter_text", max_length=100, help_text="Name or description.")
    neighbourhood = IdFilter(
        method="filter_neighbourhood",
        help_text="Schemes lying in this policing neighbourhood (an id from neighbourhoods/); "
        "none for an id no force has.",
    )

    class Meta:
        model = Scheme
        fields = ["kind", "status", "force", "q", "neighbourhood"]

    def filter_queryset(self, queryset: QuerySet[Scheme]) -> QuerySet[Scheme]:
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.filter(status=SchemeStatus.ACTIVE)
        return super().filter_queryset(queryset)

    def filter_status(self, queryset: QuerySet[Scheme], name: str, value: str) -> QuerySet[Scheme]:
        return queryset.filter(status=value)

    def filter_neighbourhood(
        self, queryset: QuerySet[Scheme], name: str, value: int
    ) -> QuerySet[Scheme]:
        neighbourhood = Neighbourhood.objects.filter(pk=value).first()
        if neighbourhood is None:
            return queryset.none()
        return queryset.filter(pk__in=scheme_ids_in_neighbourhood(neighbourhood=neighbourhood))

    def filter_text(self, queryset: QuerySet[Scheme], name: str, value: str) -> QuerySet[Scheme]:
        for word in value.split():
            queryset = queryset.filter(Q(name__icontains=word) | Q(description__icontains=word))
        return queryset


class NeighbourhoodFilter(FilterSet):
    force = filters.ChoiceFilter(choices=PoliceForce.choices)
    q = filters.CharFilter(field_name="name", lookup_expr="icontains", max_length=100)

    class Meta:
        model = Neighbourhood
        fields = ["force", "q"]


class MemberFilter(FilterSet):
    status = filters.ChoiceFilter(choices=MembershipStatus.choices)
    role = filters.ChoiceFilter(choices=MembershipRole.choices)
    q = filters.CharFilter(method="filter_text", max_length=100, help_text="Name or email.")

    class Meta:
        model = Membership
        fields = ["status", "role", "q"]

    def filter_text(
        self, queryset: QuerySet[Membership], name: str, value: str
    ) -> QuerySet[Membership]:
        return queryset.filter(Q(user__name__icontains=value) | Q(user__email__icontains=value))


class MembershipFilter(FilterSet):
    """The user's own memberships, by the status they see (``Membership.status_for_requester``:
    a decline that can still be undone is pending to them)."""

    status = filters.ChoiceFilter(choices=MembershipStatus.choices, method="filter_status")
    role = filters.ChoiceFilter(choices=MembershipRole.choices)

    class Meta:
        model = Membership
        fields = ["status", "role"]

    def filter_status(
        self, queryset: QuerySet[Membership], name: str, value: str
    ) -> QuerySet[Membership]:
        cutoff = timezone.now() - timedelta(seconds=settings.JOIN_DECLINE_UNDO_SECONDS)
        undoable = Q(
            status=MembershipStatus.DECLINED,
            requester_told_at__isnull=True,
            decided_at__gt=cutoff,
        )
        if value == MembershipStatus.PENDING:
            return queryset.filter(Q(status=value) | undoable)
        if value == MembershipStatus.DECLINED:
            return queryset.filter(status=value).exclude(undoable)
        return queryset.filter(status=value)


class JoinRequestFilter(FilterSet):
    scheme = IdFilter(field_name="scheme")

    class Meta:
        model = Membership
        fields = ["scheme"]


class StatusChangeFilter(FilterSet):
    to_status = filters.ChoiceFilter(
        choices=SchemeStatus.choices, help_text="Only the changes into this status."
    )
    since = UTCDateTimeFilter(field_name="at", lookup_expr="gte")
    until = UTCDateTimeFilter(field_name="at", lookup_expr="lt")

    class Meta:
        model = SchemeStatusChange
        fields = ["to_status", "since", "until"]
        form = PeriodForm


class ObjectIdFilter(filters.CharFilter):
    """An object's id as the log keeps it (a number or a UUID, as text): given empty, it is
    an error like any typed parameter (``core.filters.FilterSet``), not free text."""


class ActivityFilterForm(PeriodForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("object_id") and not data.get("object_type"):
            self.add_error(
                "object_id", _("Give the object_type too: objects of different types share ids.")
            )
        return data


class ActivityFilter(FilterSet):
    scheme = IdFilter(field_name="scheme")
    kind = filters.ChoiceFilter(field_name="scheme__kind", choices=SchemeKind.choices)
    type = filters.MultipleChoiceFilter(choices=ACTIVITY_KINDS)
    object_type = filters.ChoiceFilter(
        choices=ACTIVITY_OBJECT_TYPES, help_text="Only events about this type of object."
    )
    object_id = ObjectIdFilter(
        max_length=40, help_text="Only events about the object with this id (with object_type)."
    )
    force = filters.ChoiceFilter(
        choices=PoliceForce.choices,
        help_text="Only events in schemes of this police force at the time.",
    )
    since = UTCDateTimeFilter(field_name="at", lookup_expr="gte")
    until = UTCDateTimeFilter(field_name="at", lookup_expr="lt")

    class Meta:
        model = ActivityEvent
        fields = ["scheme", "kind", "type", "object_type", "object_id", "force", "since", "until"]
        form = ActivityFilterForm
