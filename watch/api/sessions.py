"""Speedwatch sessions and their offences: logged, changed and submitted by the scheme's
coordinators, amended once submitted."""

from typing import Any, cast
from uuid import UUID

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from accounts.requests import SignedInRequest
from accounts.viewers import compiled_page
from core.idempotency import IdempotentAPIView
from schemes.permissions import AnyUser
from watch import permissions
from watch.filters import SessionFilter
from watch.models import Offence, Session, Site
from watch.selectors.sessions import (
    amendments_visible_to,
    offences_visible_to,
    sessions_visible_to,
    with_people_present,
)
from watch.selectors.sites import sites_visible_to
from watch.serializers import (
    SESSION_COLUMNS,
    AmendmentInputSerializer,
    AmendmentSerializer,
    MaskedOffenceSerializer,
    OffenceSerializer,
    SessionDetailSerializer,
    SessionDetailsSerializer,
    SessionInputSerializer,
    SessionSerializer,
    session_rows,
)
from watch.services.sessions import (
    offence_delete,
    offences_add,
    session_amend,
    session_create,
    session_discard,
    session_submit,
    session_update,
)
from watch.uploads import csv_offence_rows, json_offence_rows, offence_rows


def _people(ids: list[int]) -> list[User]:
    people = list(User.objects.filter(pk__in=set(ids)))
    if len(people) != len(set(ids)):
        raise ValidationError({"present": [_("Some of these people do not exist.")]})
    return people


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
        sessions = sessions_visible_to(user=self.request.user)
        if self.action == "list":
            return sessions
        return sessions.prefetch_related("present")

    def _session(self, pk: UUID) -> Session:
        return get_object_or_404(self.get_queryset(), pk=pk)

    def _require_coordinator(self, session: Session) -> None:
        if not permissions.can_run_sessions(self.request.user, session.scheme):
            raise PermissionDenied(_("Only the scheme's coordinators log and change sessions."))

    def _offences_data(self, session: Session) -> list[dict[str, Any]]:
        offences = session.offences.order_by("observed_at", "id")
        if permissions.can_see_registrations(self.request.user, session.scheme):
            data = OffenceSerializer(offences, many=True).data
        else:
            data = MaskedOffenceSerializer(offences, many=True).data
        return cast(list[dict[str, Any]], data)  # many=True: a list (the stubs say a dict)

    def _detail(self, session: Session, status_code: int = status.HTTP_200_OK) -> Response:
        session = self._session(session.pk)
        serialized = SessionSerializer(session, context=self.get_serializer_context()).data
        data = {**serialized, "offences": self._offences_data(session)}
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
    def create(self, request: SignedInRequest) -> Response:
        payload = SessionInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        site = get_object_or_404(self.get_queryset_sites(), pk=data.pop("site"))
        if not permissions.can_run_sessions(request.user, site.scheme):
            raise PermissionDenied(_("Only the scheme's coordinators log sessions."))
        present = _people(data.pop("present"))
        offences = offence_rows(data.pop("offences"))
        session, created = session_create(
            scheme=site.scheme,
            actor=request.user,
            data={**data, "site": site},
            present=present,
            offences=offences,
        )
        return self._detail(session, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def get_queryset_sites(self) -> QuerySet[Site]:
        return sites_visible_to(user=self.request.user)

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
        session_update(session=session, data=data, present=present)
        return self._detail(session)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, pk: UUID) -> Response:
        """Discard a draft session; a submitted one stays on the record."""
        session = self._session(pk)
        self._require_coordinator(session)
        session_discard(session=session)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=SessionDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: SignedInRequest, pk: UUID) -> Response:
        session = self._session(pk)
        self._require_coordinator(session)
        session_submit(session=session, actor=request.user)
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
        rows = json_offence_rows(request.data)
        return self._stored(*offences_add(session=session, rows=rows))

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
        rows = csv_offence_rows(request.FILES.get("file"))
        return self._stored(*offences_add(session=session, rows=rows))

    @extend_schema(responses={204: None})
    @action(detail=True, methods=["delete"], url_path="offences/<uuid:offence_id>")
    def delete_offence(self, request: Request, pk: UUID, offence_id: UUID) -> Response:
        session = self._session(pk)
        self._require_coordinator(session)
        offence = get_object_or_404(
            offences_visible_to(user=request.user).filter(session=session), pk=offence_id
        )
        offence.session = session
        offence_delete(offence=offence)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses=AmendmentSerializer(many=True))
    @action(detail=True, methods=["get"])
    def amendments(self, request: Request, pk: UUID) -> Response:
        session = self._session(pk)
        page = self.paginate_queryset(
            amendments_visible_to(user=request.user).filter(session=session)
        )
        return self.get_paginated_response(AmendmentSerializer(page, many=True).data)

    @extend_schema(request=AmendmentInputSerializer, responses={201: AmendmentSerializer})
    @amendments.mapping.post
    def amend(self, request: SignedInRequest, pk: UUID) -> Response:
        session = self._session(pk)
        self._require_coordinator(session)
        payload = AmendmentInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        amendment = session_amend(session=session, actor=request.user, **payload.validated_data)
        return Response(AmendmentSerializer(amendment).data, status=status.HTTP_201_CREATED)

    # Last in the class: defined earlier, its name would hide the builtin ``list`` from the
    # annotations below it.
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # Rows are made from plain columns (``session_rows``), the shape SessionSerializer
        # states: a model per session, its site and its scheme cost more than the page's
        # queries. Counted without the row's columns and joins.
        def sessions(user: AnyUser) -> QuerySet[Session]:
            return self.filter_queryset(sessions_visible_to(user=user))

        def rows(user: AnyUser) -> QuerySet[Session, dict[str, Any]]:
            return with_people_present(sessions(user)).values(*SESSION_COLUMNS)

        page = compiled_page(self, request, rows=rows, counted=sessions)
        return self.get_paginated_response(session_rows(page, request.user))
