"""The audit log of registration searches and exports (for liaisons, their force area, and
staff), and the recording of a list's search by registration."""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.requests import SignedInRequest, signed_in_user
from accounts.viewers import compiled_page
from core.csvfiles import csv_download
from core.filters import SchemaOnlyFilterBackend
from core.pagination import CappedCountPagination, counted_to_cap
from core.renderers import CSVRenderer
from schemes.models import Scheme
from watch import permissions
from watch.exports.audit import AUDIT_COLUMNS, audit_rows
from watch.filters import AuditFilter
from watch.models import AuditAction, AuditRecord, Offence
from watch.selectors.audit import audit_records_list
from watch.selectors.letters import liaison_schemes
from watch.serializers import QUEUE_OFFENCE_COLUMNS, AuditRecordSerializer, queue_offence_rows
from watch.services.audit import export_record, registration_search_record


class RegistrationSearchAudited(generics.ListAPIView):
    """A list of offences, each row the shape ``QueueOffenceSerializer`` states: a search by
    registration is recorded in the audit log, over the schemes ``audited_schemes`` gives.
    A force's offences run to hundreds of thousands: counted only up to a cap."""

    pagination_class = CappedCountPagination

    def audited_schemes(self) -> QuerySet[Scheme]:
        raise NotImplementedError

    # The list's queryset (``get_queryset``) for the viewer or a stand-in
    # (``accounts.viewers``): each view's own.
    rows_visible_to: Callable[[Any], QuerySet[Offence]]

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # Rows are made from plain columns (``queue_offence_rows``): a model per offence, its
        # site and its scheme cost more than the page's queries. Counted without the row's
        # columns and joins, and only as far as the cap.
        def offences(user: Any) -> QuerySet[Offence]:
            return self.filter_queryset(self.rows_visible_to(user))

        def rows(user: Any) -> QuerySet[Offence, dict[str, Any]]:
            return offences(user).values(*QUEUE_OFFENCE_COLUMNS)

        def counted(user: Any) -> QuerySet[Offence]:
            return counted_to_cap(offences(user))

        page = compiled_page(self, request, rows=rows, counted=counted)
        response = self.get_paginated_response(queue_offence_rows(page, request.user))
        registration_search_record(
            actor=signed_in_user(request),
            params=request.query_params,
            rows=response.data["count"],
            schemes=self.audited_schemes,
        )
        return response


class AuditMixin(generics.GenericAPIView):
    """The audit records a liaison (their force area) or staff may read, filtered in the
    selector by ``AuditFilter``."""

    filterset_class = AuditFilter
    filter_backends = [SchemaOnlyFilterBackend]

    def get_queryset(self) -> QuerySet[AuditRecord]:
        if getattr(self, "swagger_fake_view", False):
            return AuditRecord.objects.none()
        user = self.request.user
        if not permissions.can_read_audit(user):
            raise PermissionDenied(_("The audit log is for police liaisons."))
        return audit_records_list(user=user, filters=self.request.query_params)


class AuditListView(AuditMixin, generics.ListAPIView):
    """Who searched or exported vehicle registrations in the liaison's force area, and when,
    newest first."""

    serializer_class = AuditRecordSerializer


class AuditExportView(AuditMixin):
    """The same records as the audit list, as a CSV (times in UK time). The registrations
    searched for leave with it, so the export is itself recorded."""

    pagination_class = None
    serializer_class = AuditRecordSerializer
    renderer_classes = [CSVRenderer]

    @extend_schema(
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV file.")},
        filters=True,
    )
    def get(self, request: SignedInRequest) -> StreamingHttpResponse:
        records = self.get_queryset()
        written = export_record(
            actor=request.user,
            action=AuditAction.AUDIT_CSV,
            params=request.query_params,
            rows=records.count(),
            schemes=liaison_schemes(user=request.user),
        )
        return csv_download(
            f"speedwatch-audit-{timezone.localdate().isoformat()}.csv",
            AUDIT_COLUMNS,
            audit_rows(records.exclude(pk__in=[record.pk for record in written])),
        )
