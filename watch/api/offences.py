"""Offences with their registrations, for coordinators (their schemes) and liaisons (their
force): the search, its CSV export, and keepers' disputes."""

from uuid import UUID

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.requests import SignedInRequest
from core.idempotency import IdempotentAPIView
from core.renderers import CSVRenderer
from schemes.models import Scheme
from schemes.permissions import AnyUser
from watch import permissions
from watch.api.audit import RegistrationSearchAudited
from watch.exports.offences import offences_download
from watch.filters import OffenceFilter
from watch.models import AuditAction, Offence
from watch.selectors.schemes import speedwatch_schemes_with_registrations
from watch.selectors.sessions import offences_visible_to
from watch.serializers import (
    DisputeInputSerializer,
    OffenceSerializer,
    QueueOffenceSerializer,
)
from watch.services.audit import export_record
from watch.services.escalation import offence_dispute


class OffencesVisible(generics.GenericAPIView):
    """The offences the user may see with their registrations."""

    def get_queryset(self) -> QuerySet[Offence]:
        if getattr(self, "swagger_fake_view", False):
            return Offence.objects.none()
        return self.rows_visible_to(self.request.user)

    def rows_visible_to(self, user: AnyUser) -> QuerySet[Offence]:
        return offences_visible_to(user=user)


class OffenceListView(RegistrationSearchAudited, OffencesVisible):
    """Offences with registrations, for coordinators (their schemes) and liaisons (their
    force). A search by registration is recorded in the audit log."""

    serializer_class = QueueOffenceSerializer
    filterset_class = OffenceFilter
    ordering_fields = ["observed_at", "speed_mph"]
    ordering = ["-observed_at", "id"]

    def audited_schemes(self) -> QuerySet[Scheme]:
        return speedwatch_schemes_with_registrations(user=self.request.user)


EXPORT_REFUSED = gettext_lazy(
    "Offences are exported by speedwatch coordinators and covering liaisons."
)


class OffenceExportView(OffencesVisible):
    """The offences a coordinator or liaison may see, with the list's filters, as a CSV
    (streamed: a force's year can be a hundred thousand rows). Every export is audited."""

    filterset_class = OffenceFilter
    pagination_class = None
    ordering_fields = ["observed_at", "speed_mph"]
    ordering = ["observed_at", "id"]
    renderer_classes = [CSVRenderer]

    @extend_schema(responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)})
    def get(self, request: SignedInRequest) -> StreamingHttpResponse:
        schemes = speedwatch_schemes_with_registrations(user=request.user)
        if not schemes.exists():
            raise PermissionDenied(EXPORT_REFUSED)
        offences = self.filter_queryset(self.get_queryset())
        export_record(
            actor=request.user,
            action=AuditAction.OFFENCES_CSV,
            params=request.query_params,
            rows=offences.count(),
            schemes=schemes,
        )
        return offences_download(offences)


class OffenceDisputeView(IdempotentAPIView):
    @extend_schema(request=DisputeInputSerializer, responses=OffenceSerializer)
    def post(self, request: SignedInRequest, pk: UUID) -> Response:
        offence = get_object_or_404(offences_visible_to(user=request.user), pk=pk)
        if not permissions.can_review_speedwatch(request.user, offence.scheme):
            raise PermissionDenied(_("Only the liaisons covering the scheme settle disputes."))
        payload = DisputeInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        offence = offence_dispute(offence=offence, actor=request.user, **payload.validated_data)
        return Response(OffenceSerializer(offence).data)
