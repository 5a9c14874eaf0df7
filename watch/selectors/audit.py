"""Reads of the audit log of registration searches and exports."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet

from core import visibility
from schemes.models import Scheme
from schemes.permissions import AnyUser, liaison_force
from watch.filters import AuditFilter
from watch.models import AuditRecord


@visibility.rule("audit record")
def audit_records_visible_to(*, user: AnyUser) -> QuerySet[AuditRecord]:
    """A liaison's force area's audit records; every record for staff who are not liaisons."""
    force = liaison_force(user)
    records = AuditRecord.objects.select_related("scheme").prefetch_related(
        Prefetch("schemes", queryset=Scheme.objects.only("id", "name").order_by("name", "id"))
    )
    if force:
        return records.filter(force=force)
    if user.is_authenticated and user.is_staff:
        return records
    return records.none()


def audit_records_list(*, user: AnyUser, filters: Any) -> QuerySet[AuditRecord]:
    """The audit records the user may read, narrowed by ``filters`` (query parameters, see
    ``watch.filters.AuditFilter``); a ValidationError names each bad one."""
    filterset = AuditFilter(filters, queryset=audit_records_visible_to(user=user))
    if not filterset.is_valid():
        raise ValidationError(
            {field: list(messages) for field, messages in filterset.errors.items()}
        )
    return filterset.qs
