"""Thin HTTP views over the Community Speedwatch services and selectors."""

import csv
import io
import itertools
from datetime import datetime
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from core.csvfiles import csv_download, csv_time
from core.exceptions import ContentTooLarge
from core.filters import (
    PERIOD_BACKWARDS,
    FilterSet,
    IdFilter,
    PeriodForm,
    SchemaOnlyFilterBackend,
    UTCDateTimeFilter,
    period_is_backwards,
    utc_in_range,
)
from core.idempotency import IdempotentAPIView
from core.renderers import CSVRenderer, PDFRenderer, wants_file
from schemes.models import Scheme
from schemes.permissions import liaison_force
from watch import audit, exports, letters, permissions, selectors, services
from watch.filters import AuditFilter
from watch.models import (
    Action,
    ActionStatus,
    AuditAction,
    AuditRecord,
    Offence,
    Session,
    SessionStatus,
    Site,
    SiteStatus,
)
from watch.registrations import compact_registration
from watch.serializers import (
    AmendmentInputSerializer,
    AmendmentSerializer,
    AuditRecordSerializer,
    DisputeInputSerializer,
    LettersMarkedSerializer,
    MarkInputSerializer,
    MaskedOffenceSerializer,
    OffenceInputSerializer,
    OffenceSerializer,
    QueueOffenceSerializer,
    SessionDetailSerializer,
    SessionDetailsSerializer,
    SessionInputSerializer,
    SessionSerializer,
    SiteDecisionSerializer,
    SiteInputSerializer,
    SiteSerializer,
    SiteStatusChangeSerializer,
    StatisticsSerializer,
)


def _people(ids: list[int]) -> list[User]:
    people = list(User.objects.filter(pk__in=set(ids)))
    if len(people) != len(set(ids)):
        raise ValidationError({"present": ["Some of these people do not exist."]})
    return people


def _offence_rows(data: list[Any], *, text: bool = False) -> list[services.OffenceRow]:
    """Check the shape of each offence row of a batch. A bad row stays in the batch as a
    ``RefusedRow``: the service reports its errors by row number together with those of the
    rows that break the session's rules, so one upload shows every bad row. ``text``: the
    rows come from a CSV file, where every value is text (``"42"`` is a speed)."""
    services.check_batch_size(len(data))
    rows: list[services.OffenceRow] = []
    for item in data:
        payload = OffenceInputSerializer(data=item, context={"text_input": text})
        rows.append(
            payload.validated_data if payload.is_valid() else services.RefusedRow(payload.errors)
        )
    return rows


def _csv_rows(upload: UploadedFile, limit: int) -> list[dict[str, str | None]]:
    """The first ``limit`` rows of an uploaded UTF-8 CSV file (a byte order mark is allowed).

    The file is decoded as it is read, so a character split across two chunks of it is read
    whole. Reading stops ``limit`` rows in: a caller asking for one row past its own limit
    refuses an over-long file without the rest of it being parsed."""
    upload.seek(0)
    text = io.TextIOWrapper(upload, encoding="utf-8-sig", newline="")
    try:
        return list(itertools.islice(csv.DictReader(text), limit))
    except UnicodeDecodeError as exc:
        raise ValidationError({"file": ["The file is not UTF-8 text."]}) from exc
    except csv.Error as exc:
        raise ValidationError({"file": [f"The file is not a readable CSV: {exc}."]}) from exc
    finally:
        # Leave the upload open: Django closes its files when the request ends.
        text.detach()


def _audited_schemes(schemes: QuerySet[Scheme], params: Any) -> QuerySet[Scheme]:
    """The schemes a search or export reached: the user's, narrowed by its scheme or site
    filter (already validated by the filter set)."""
    scheme, site = params.get("scheme"), params.get("site")
    if scheme and str(scheme).isdigit():
        schemes = schemes.filter(pk=scheme)
    if site and str(site).isdigit():
        schemes = schemes.filter(sites=site)
    return schemes


def _audit_registration_search(
    request: Request, response: Response, schemes: QuerySet[Scheme]
) -> None:
    """Record a list's search by registration, if it was one, over the user's ``schemes``."""
    if request.query_params.get("registration"):
        audit.record(
            actor=request.user,
            action=AuditAction.REGISTRATION_SEARCH,
            detail={"registration": request.query_params["registration"][:16]},
            rows=response.data["count"],
            schemes=_audited_schemes(schemes, request.query_params),
        )


# --- Sites ----------------------------------------------------------------------------


class SiteFilter(FilterSet):
    scheme = IdFilter(field_name="scheme")
    status = filters.ChoiceFilter(choices=SiteStatus.choices)

    class Meta:
        model = Site
        fields = ["scheme", "status"]


class SiteViewSet(IdempotentAPIView, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Roadside sites: proposed by coordinators, decided by the covering liaisons."""

    serializer_class = SiteSerializer
    filterset_class = SiteFilter
    ordering_fields = ["name", "created_at"]
    ordering = ["name", "id"]
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[Site]:
        return selectors.sites_visible_to(user=self.request.user)

    def _site(self, pk: int) -> Site:
        return get_object_or_404(self.get_queryset(), pk=pk)

    def _detail(self, site: Site, status_code: int = status.HTTP_200_OK) -> Response:
        # Read again through the selector: what the viewer may do with it comes with it.
        data = SiteSerializer(self._site(site.pk), context=self.get_serializer_context()).data
        return Response(data, status=status_code)

    @extend_schema(request=SiteInputSerializer, responses={201: SiteSerializer})
    def create(self, request: Request) -> Response:
        payload = SiteInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        scheme = get_object_or_404(
            selectors.speedwatch_schemes_visible_to(user=request.user), pk=data.pop("scheme")
        )
        if not permissions.can_run_sessions(request.user, scheme):
            raise PermissionDenied("Only the scheme's coordinators propose sites.")
        site = services.site_propose(scheme=scheme, actor=request.user, data=data)
        return self._detail(site, status.HTTP_201_CREATED)

    def retrieve(self, request: Request, pk: int) -> Response:
        return self._detail(self._site(pk))

    @extend_schema(request=SiteDecisionSerializer, responses=SiteSerializer)
    @action(detail=True, methods=["post"])
    def decision(self, request: Request, pk: int) -> Response:
        site = self._site(pk)
        if not permissions.can_review_speedwatch(request.user, site.scheme):
            raise PermissionDenied("Only the liaisons covering the scheme decide on sites.")
        payload = SiteDecisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        site = services.site_decide(site=site, actor=request.user, **payload.validated_data)
        return self._detail(site)

    @extend_schema(responses=SiteStatusChangeSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"])
    def history(self, request: Request, pk: int) -> Response:
        """The site's proposal and decisions, newest first, with who made them and why: for
        its scheme's coordinators and the covering liaisons."""
        site = self._site(pk)
        if not site.managed:
            raise PermissionDenied(
                "Only the scheme's coordinators and the covering liaisons see a site's history."
            )
        page = self.paginate_queryset(selectors.site_history(site=site))
        return self.get_paginated_response(SiteStatusChangeSerializer(page, many=True).data)


# --- Sessions -------------------------------------------------------------------------


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


# The component the session input's offences list registers.
OFFENCE_INPUT = "#/components/schemas/OffenceInputRequest"
# Offences added to a session: 201 when any is new, 200 when all were stored before (a retry
# with the same ids), with the same body either way.
STORED_OFFENCES = {
    201: OffenceSerializer(many=True),
    200: OpenApiResponse(
        OffenceSerializer(many=True),
        description="A retry: every offence sent was already stored (the same ids).",
    ),
}


class SessionViewSet(IdempotentAPIView, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Speedwatch sessions and their offences. Volunteers see registrations masked."""

    serializer_class = SessionSerializer
    filterset_class = SessionFilter
    ordering_fields = ["started_at"]
    ordering = ["-started_at", "id"]
    lookup_value_converter = "uuid"

    def get_queryset(self) -> QuerySet[Session]:
        return selectors.sessions_visible_to(user=self.request.user).prefetch_related("present")

    def _session(self, pk: UUID) -> Session:
        return get_object_or_404(self.get_queryset(), pk=pk)

    def _require_coordinator(self, session: Session) -> None:
        if not permissions.can_run_sessions(self.request.user, session.scheme):
            raise PermissionDenied("Only the scheme's coordinators log and change sessions.")

    def _offences_data(self, session: Session) -> list[dict[str, Any]]:
        offences = session.offences.order_by("observed_at", "id")
        if permissions.can_see_registrations(self.request.user, session.scheme):
            return OffenceSerializer(offences, many=True).data
        return MaskedOffenceSerializer(offences, many=True).data

    def _detail(self, session: Session, status_code: int = status.HTTP_200_OK) -> Response:
        session = self._session(session.pk)
        data = {**SessionSerializer(session).data, "offences": self._offences_data(session)}
        return Response(data, status=status_code)

    @extend_schema(
        request=SessionInputSerializer,
        responses={
            201: SessionDetailSerializer,
            200: OpenApiResponse(
                SessionDetailSerializer,
                description="A session with this `id` is already stored (an earlier upload of "
                "it): it is answered as stored, and this request's details are not applied.",
            ),
        },
    )
    def create(self, request: Request) -> Response:
        payload = SessionInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        site = get_object_or_404(self.get_queryset_sites(), pk=data.pop("site"))
        if not permissions.can_run_sessions(request.user, site.scheme):
            raise PermissionDenied("Only the scheme's coordinators log sessions.")
        present = _people(data.pop("present"))
        offences = _offence_rows(data.pop("offences"))
        session, created = services.session_create(
            scheme=site.scheme,
            actor=request.user,
            data={**data, "site": site},
            present=present,
            offences=offences,
        )
        return self._detail(session, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def get_queryset_sites(self) -> QuerySet[Site]:
        return selectors.sites_visible_to(user=self.request.user)

    @extend_schema(responses=SessionDetailSerializer)
    def retrieve(self, request: Request, pk: UUID) -> Response:
        return self._detail(self._session(pk))

    @extend_schema(request=SessionDetailsSerializer, responses=SessionDetailSerializer)
    def partial_update(self, request: Request, pk: UUID) -> Response:
        session = self._session(pk)
        self._require_coordinator(session)
        payload = SessionDetailsSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        present = _people(data.pop("present")) if "present" in data else None
        services.session_update(session=session, data=data, present=present)
        return self._detail(session)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, pk: UUID) -> Response:
        """Discard a draft session; a submitted one stays on the record."""
        session = self._session(pk)
        self._require_coordinator(session)
        services.session_discard(session=session)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=SessionDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: UUID) -> Response:
        session = self._session(pk)
        self._require_coordinator(session)
        services.session_submit(session=session, actor=request.user)
        return self._detail(session)

    @extend_schema(
        request={
            "application/json": {
                "oneOf": [
                    {"$ref": OFFENCE_INPUT},
                    {"type": "array", "items": {"$ref": OFFENCE_INPUT}, "minItems": 1},
                ]
            }
        },
        responses=STORED_OFFENCES,
    )
    @action(detail=True, methods=["post"], url_path="offences", pagination_class=None)
    def add_offences(self, request: Request, pk: UUID) -> Response:
        """Add one offence (an object) or many (a list): all are stored or none. A retry of
        offences already stored (the same ids) answers 200 with them, even after submission."""
        session = self._session(pk)
        self._require_coordinator(session)
        if isinstance(request.data, list):
            rows = _offence_rows(request.data)
        else:
            payload = OffenceInputSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            rows = [payload.validated_data]
        return self._stored(*services.offences_add(session=session, rows=rows))

    def _stored(self, offences: list[Offence], created: bool) -> Response:
        return Response(
            OffenceSerializer(offences, many=True).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        },
        responses=STORED_OFFENCES,
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="offences/upload",
        parser_classes=[MultiPartParser],
        pagination_class=None,
    )
    def upload_offences(self, request: Request, pk: UUID) -> Response:
        """Add offences from a CSV file with a header row: registration, speed_mph,
        observed_at, and optionally make, model, colour, vehicle_type, direction."""
        session = self._session(pk)
        self._require_coordinator(session)
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": ["Attach a CSV file as 'file'."]})
        # Refused whole before any of it is read: part of a file is never stored.
        max_bytes = settings.SPEEDWATCH_BULK_MAX_BYTES
        if upload.size > max_bytes:
            raise ContentTooLarge(
                {
                    "file": [
                        f"The file is {upload.size:,} bytes; "
                        f"files of up to {max_bytes:,} bytes can be uploaded."
                    ]
                }
            )
        rows = _offence_rows(
            [
                {k: v for k, v in row.items() if k and v not in ("", None)}
                for row in _csv_rows(upload, settings.SPEEDWATCH_BULK_MAX_ROWS + 1)
            ],
            text=True,
        )
        return self._stored(*services.offences_add(session=session, rows=rows))

    @extend_schema(responses={204: None})
    @action(detail=True, methods=["delete"], url_path="offences/<uuid:offence_id>")
    def delete_offence(self, request: Request, pk: UUID, offence_id: UUID) -> Response:
        session = self._session(pk)
        self._require_coordinator(session)
        offence = get_object_or_404(session.offences.all(), pk=offence_id)
        offence.session = session
        services.offence_delete(offence=offence)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses=AmendmentSerializer(many=True))
    @action(detail=True, methods=["get"])
    def amendments(self, request: Request, pk: UUID) -> Response:
        session = self._session(pk)
        page = self.paginate_queryset(session.amendments.select_related("actor"))
        return self.get_paginated_response(AmendmentSerializer(page, many=True).data)

    @extend_schema(request=AmendmentInputSerializer, responses={201: AmendmentSerializer})
    @amendments.mapping.post
    def amend(self, request: Request, pk: UUID) -> Response:
        session = self._session(pk)
        self._require_coordinator(session)
        payload = AmendmentInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        amendment = services.session_amend(
            session=session, actor=request.user, **payload.validated_data
        )
        return Response(AmendmentSerializer(amendment).data, status=status.HTTP_201_CREATED)


# --- Offences: search, the letters queue, disputes, exports ----------------------------


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


class OffenceListView(generics.ListAPIView):
    """Offences with registrations, for coordinators (their schemes) and liaisons (their
    force). A search by registration is recorded in the audit log."""

    serializer_class = QueueOffenceSerializer
    filterset_class = OffenceFilter
    ordering_fields = ["observed_at", "speed_mph"]
    ordering = ["-observed_at", "id"]

    def get_queryset(self) -> QuerySet[Offence]:
        if getattr(self, "swagger_fake_view", False):
            return Offence.objects.none()
        return selectors.offences_visible_to(user=self.request.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        _audit_registration_search(
            request, response, selectors.speedwatch_schemes_with_registrations(user=request.user)
        )
        return response


class OffenceExportView(generics.GenericAPIView):
    """The offences a coordinator or liaison may see, with the list's filters, as a CSV
    (streamed: a force's year can be a hundred thousand rows). Every export is audited."""

    filterset_class = OffenceFilter
    pagination_class = None
    ordering_fields = ["observed_at", "speed_mph"]
    ordering = ["observed_at", "id"]

    def get_queryset(self) -> QuerySet[Offence]:
        if getattr(self, "swagger_fake_view", False):
            return Offence.objects.none()
        return selectors.offences_visible_to(user=self.request.user)

    renderer_classes = [CSVRenderer]

    @extend_schema(responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)})
    def get(self, request: Request) -> StreamingHttpResponse:
        schemes = selectors.speedwatch_schemes_with_registrations(user=request.user)
        if not schemes.exists():
            raise PermissionDenied(
                "Offences are exported by speedwatch coordinators and covering liaisons."
            )
        offences = self.filter_queryset(self.get_queryset())
        audit.record(
            actor=request.user,
            action=AuditAction.OFFENCES_CSV,
            detail=dict(request.query_params.items()),
            rows=offences.count(),
            schemes=_audited_schemes(schemes, request.query_params),
        )
        return csv_download(
            f"speedwatch-offences-{timezone.localdate().isoformat()}.csv",
            exports.OFFENCE_COLUMNS,
            exports.offence_rows(offences.iterator(chunk_size=2000)),
        )


def _liaison_schemes(user: User) -> QuerySet[Scheme]:
    """The speedwatch schemes of a liaison's force area: what the letters queue covers."""
    return selectors.speedwatch_schemes_with_registrations(user=user).filter(
        force=liaison_force(user)
    )


class LetterQueueView(generics.ListAPIView):
    """A liaison's queue of pending letters and referrals in their force area. A search by
    registration is recorded in the audit log."""

    serializer_class = QueueOffenceSerializer
    filterset_class = OffenceFilter
    ordering_fields = ["observed_at"]
    ordering = ["observed_at", "id"]

    def get_queryset(self) -> QuerySet[Offence]:
        if getattr(self, "swagger_fake_view", False):
            return Offence.objects.none()
        if not liaison_force(self.request.user):
            raise PermissionDenied("The letters queue is for police liaisons.")
        queue = selectors.letters_queue(user=self.request.user)
        if "action_status" not in self.request.query_params:
            queue = queue.filter(action_status=ActionStatus.PENDING)
        return queue

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        _audit_registration_search(request, response, _liaison_schemes(request.user))
        return response


class LetterMarkView(IdempotentAPIView):
    @extend_schema(request=MarkInputSerializer, responses={200: LettersMarkedSerializer})
    def post(self, request: Request) -> Response:
        if not liaison_force(request.user):
            raise PermissionDenied("The letters queue is for police liaisons.")
        payload = MarkInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        ids = set(payload.validated_data["ids"])
        offences = list(selectors.letters_queue(user=request.user).filter(pk__in=ids))
        if len(offences) != len(ids):
            raise ValidationError({"ids": ["Some of these are not in your letters queue."]})
        updated = services.offences_mark(
            offences=offences, actor=request.user, status=payload.validated_data["status"]
        )
        return Response({"updated": updated})


class LetterExportView(APIView):
    """The pending letters, one per vehicle and stage: a CSV for a mail merge (one row a
    letter, the keeper's name and address left for the force's lookup) or the letters ready
    to print and post in a window envelope (``?format=pdf`` or ``Accept: application/pdf``).
    Both carry each letter's reference."""

    renderer_classes = [CSVRenderer, PDFRenderer]

    @extend_schema(
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR),
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
        }
    )
    def get(self, request: Request) -> HttpResponse | StreamingHttpResponse:
        force = liaison_force(request.user)
        if not force:
            raise PermissionDenied("The letters queue is for police liaisons.")
        queue = OffenceFilter(
            request.query_params,
            queryset=selectors.letters_queue(user=request.user).filter(
                action_status=ActionStatus.PENDING
            ),
        )
        if not queue.is_valid():
            raise ValidationError(queue.errors)
        offences = list(queue.qs)
        as_pdf = isinstance(request.accepted_renderer, PDFRenderer)
        audit.record(
            actor=request.user,
            action=AuditAction.LETTERS_PDF if as_pdf else AuditAction.LETTERS_CSV,
            detail=dict(request.query_params.items()),
            rows=len(offences),
            schemes=_audited_schemes(_liaison_schemes(request.user), request.query_params),
        )
        batch = letters.letters_from(offences)
        letterhead = selectors.letterhead_for(force=force)
        today = timezone.localdate()
        if as_pdf:
            response = HttpResponse(
                letters.letters_pdf(batch, letterhead=letterhead, on=today),
                content_type="application/pdf",
            )
            response["Content-Disposition"] = (
                f'attachment; filename="speedwatch-letters-{today.isoformat()}.pdf"'
            )
            return response
        return csv_download(
            f"speedwatch-letters-{today.isoformat()}.csv",
            letters.CSV_COLUMNS,
            letters.letter_rows(batch, letterhead=letterhead, on=today),
        )


class OffenceDisputeView(IdempotentAPIView):
    @extend_schema(request=DisputeInputSerializer, responses=OffenceSerializer)
    def post(self, request: Request, pk: UUID) -> Response:
        offence = get_object_or_404(selectors.offences_visible_to(user=request.user), pk=pk)
        if not permissions.can_review_speedwatch(request.user, offence.scheme):
            raise PermissionDenied("Only the liaisons covering the scheme settle disputes.")
        payload = DisputeInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        offence = services.offence_dispute(
            offence=offence, actor=request.user, **payload.validated_data
        )
        return Response(OffenceSerializer(offence).data)


# --- Statistics -----------------------------------------------------------------------


class StatisticsQuery(serializers.Serializer):
    scheme = serializers.IntegerField(required=False)
    site = serializers.IntegerField(required=False)
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(required=False)

    def validate_since(self, value: datetime) -> datetime:
        return utc_in_range(value)

    def validate_until(self, value: datetime) -> datetime:
        return utc_in_range(value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if period_is_backwards(attrs.get("since"), attrs.get("until")):
            raise ValidationError({"until": [PERIOD_BACKWARDS]})
        return attrs


class StatisticsView(APIView):
    """Sessions, volunteer hours, vehicles, offences, speeds, letters and repeat vehicles
    for the user's speedwatch schemes (a liaison: the force area), with a monthly series.
    ``?format=csv`` (or ``Accept: text/csv``) gives the same figures as CSV: the totals row,
    then one row a month."""

    renderer_classes = [JSONRenderer, CSVRenderer]

    @extend_schema(
        parameters=[StatisticsQuery],
        responses={
            200: StatisticsSerializer,
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR),
        },
    )
    def get(self, request: Request) -> Response | StreamingHttpResponse:
        schemes = selectors.speedwatch_schemes_visible_to(user=request.user)
        if not schemes.exists():
            raise PermissionDenied("Statistics are for speedwatch scheme members and liaisons.")
        # A plain dict, so that an empty parameter (``?until=``) is refused as the value it is
        # rather than read the way an HTML form's blank field is, as left out.
        params = StatisticsQuery(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        query = params.validated_data
        sessions = Session.objects.filter(scheme__in=schemes, status=SessionStatus.SUBMITTED)
        offences = Offence.objects.filter(scheme__in=schemes, submitted=True)
        if "scheme" in query:
            sessions, offences = (
                sessions.filter(scheme_id=query["scheme"]),
                offences.filter(scheme_id=query["scheme"]),
            )
        if "site" in query:
            sessions, offences = (
                sessions.filter(site_id=query["site"]),
                offences.filter(site_id=query["site"]),
            )
        if "since" in query:
            sessions = sessions.filter(started_at__gte=query["since"])
            offences = offences.filter(observed_at__gte=query["since"])
        if "until" in query:
            sessions = sessions.filter(started_at__lt=query["until"])
            offences = offences.filter(observed_at__lt=query["until"])
        figures = selectors.statistics(sessions=sessions, offences=offences)
        if wants_file(request):
            audit.record(
                actor=request.user,
                action=AuditAction.STATISTICS_CSV,
                detail=dict(request.query_params.items()),
                rows=figures["offences"],
                schemes=_audited_schemes(schemes, query),
            )
            return csv_download(
                f"speedwatch-statistics-{timezone.localdate().isoformat()}.csv",
                exports.STATISTICS_COLUMNS,
                exports.statistics_rows(figures),
            )
        return Response(figures)


class StatisticsExportView(StatisticsView):
    """The statistics as a CSV file only (the totals row, then one row a month), as the other
    exports are: for clients that read one media type per operation."""

    renderer_classes = [CSVRenderer]

    @extend_schema(
        parameters=[StatisticsQuery],
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV file.")},
    )
    def get(self, request: Request) -> Response | StreamingHttpResponse:
        return super().get(request)


class AuditMixin:
    """The audit records a liaison (their force area) or staff may read, filtered in the
    selector by ``AuditFilter``."""

    filterset_class = AuditFilter
    filter_backends = [SchemaOnlyFilterBackend]

    def get_queryset(self) -> QuerySet[AuditRecord]:
        if getattr(self, "swagger_fake_view", False):
            return AuditRecord.objects.none()
        user = self.request.user  # type: ignore[attr-defined]
        if not permissions.can_read_audit(user):
            raise PermissionDenied("The audit log is for police liaisons.")
        return selectors.audit_records_list(
            user=user,
            filters=self.request.query_params,  # type: ignore[attr-defined]
        )


class AuditListView(AuditMixin, generics.ListAPIView):
    """Who searched or exported vehicle registrations in the liaison's force area, and when,
    newest first."""

    serializer_class = AuditRecordSerializer


AUDIT_COLUMNS = [
    "time",
    "person",
    "action",
    "registration",
    "scheme_ids",
    "schemes",
    "force",
    "rows",
    "filters",
]


def _audit_rows(records: QuerySet[AuditRecord]) -> Any:
    for record in records.iterator(chunk_size=1000):
        detail = dict(record.detail)
        registration = detail.pop("registration", "")
        # iterator() with a chunk size keeps the selector's prefetch of the schemes.
        schemes = list(record.schemes.all())
        yield [
            csv_time(record.at),
            record.actor_name,
            record.action,
            registration,
            " ".join(str(scheme.pk) for scheme in schemes),
            "; ".join(scheme.name for scheme in schemes),
            record.force,
            record.rows,
            "; ".join(f"{key}={value}" for key, value in sorted(detail.items())),
        ]


class AuditExportView(AuditMixin, generics.GenericAPIView):
    """The same records as the audit list, as a CSV (times in UK time). The registrations
    searched for leave with it, so the export is itself recorded."""

    pagination_class = None
    serializer_class = AuditRecordSerializer
    renderer_classes = [CSVRenderer]

    @extend_schema(
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV file.")},
        filters=True,
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        records = self.get_queryset()
        written = audit.record(
            actor=request.user,
            action=AuditAction.AUDIT_CSV,
            detail=dict(request.query_params.items()),
            rows=records.count(),
            schemes=_audited_schemes(_liaison_schemes(request.user), request.query_params),
        )
        return csv_download(
            f"speedwatch-audit-{timezone.localdate().isoformat()}.csv",
            AUDIT_COLUMNS,
            _audit_rows(records.exclude(pk__in=[record.pk for record in written])),
        )
