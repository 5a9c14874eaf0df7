"""Thin HTTP views over the schemes services and selectors."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.requests import SignedInRequest, signed_in_user
from accounts.viewers import stand_in_for
from areas import geo
from core.compiled import compiled_list
from core.csvfiles import csv_download
from core.exceptions import ServiceUnavailable
from core.idempotency import IdempotentAPIView
from core.renderers import CSVRenderer
from schemes import force_locator, geocoding, permissions, selectors, services
from schemes.boundaries import neighbourhood_rows
from schemes.exports import ACTIVITY_COLUMNS, activity_rows
from schemes.filters import (
    ActivityFilter,
    JoinRequestFilter,
    MemberFilter,
    MembershipFilter,
    NeighbourhoodFilter,
    SchemeFilter,
    StatusChangeFilter,
)
from schemes.models import ActivityEvent, Membership, Neighbourhood, Scheme, SchemeStatusChange
from schemes.permissions import AnyUser
from schemes.serializers import (
    SCHEME_SUMMARY_COLUMNS,
    ActivityEventSerializer,
    DeclineInputSerializer,
    ForceLocateQuerySerializer,
    ForceSuggestionSerializer,
    GeocodeQuerySerializer,
    GeocodeResultSerializer,
    JoinInputSerializer,
    MemberRoleInputSerializer,
    MemberSerializer,
    MembershipSerializer,
    NearQuerySerializer,
    NeighbourhoodForceSerializer,
    NeighbourhoodImportInputSerializer,
    NeighbourhoodSerializer,
    NeighbourhoodsImportedSerializer,
    SchemeDetailSerializer,
    SchemeInputSerializer,
    SchemeSummarySerializer,
    StatusChangeInputSerializer,
    StatusChangeSerializer,
    scheme_summary,
    scheme_summary_of,
)

NEAR_PARAMETERS = [
    OpenApiParameter(
        "lat",
        {"type": "number", "format": "double", "minimum": -90, "maximum": 90},
        description="Search near this latitude (with lon).",
    ),
    OpenApiParameter(
        "lon",
        {"type": "number", "format": "double", "minimum": -180, "maximum": 180},
        description="Search near this longitude (with lat).",
    ),
    OpenApiParameter(
        "place",
        {"type": "string", "maxLength": 100},
        description="Search near a UK postcode or place name (needs a configured geocoder).",
    ),
    OpenApiParameter(
        "radius_m",
        {"type": "integer", "minimum": 1, "maximum": settings.NEAR_RADIUS_MAX_M},
        description="Search radius in metres around the point (default 5000). Results near a "
        "point are ordered by distance.",
    ),
]


# Most requests of the directory search near nothing: those skip building the serializer.
_NEAR_PARAMETERS = frozenset(NearQuerySerializer._declared_fields)


def _near_query(request: Request) -> dict[str, Any]:
    """The validated "near me" parameters of a directory request ({} if it gives none)."""
    if _NEAR_PARAMETERS.isdisjoint(request.query_params):
        return {}
    near = NearQuerySerializer(data=request.query_params)
    near.is_valid(raise_exception=True)
    return dict(near.validated_data)


def _searches_near(near: dict[str, Any]) -> bool:
    return "lat" in near or "place" in near


def _search_point(near: dict[str, Any]) -> geo.Point:
    """The point a directory request searches near (``_searches_near``)."""
    if "lat" in near:
        try:
            geo.validate_point(near["lat"], near["lon"])
        except Exception as exc:
            raise ValidationError({"lat": list(getattr(exc, "messages", [str(exc)]))}) from exc
        return geo.Point(near["lat"], near["lon"])
    return _geocoded(
        near["place"],
        field="place",
        disabled_message=_("Search by place is not available on this server; use lat and lon."),
    )


def _geocoded(place: str, *, field: str, disabled_message: str = "") -> geo.Point:
    """The point of a place or postcode, or a field error under ``field`` saying why not."""
    try:
        point = geocoding.place_geocode(place)
    except geocoding.GeocodingDisabled as exc:
        raise ValidationError(
            {field: [disabled_message or _("Search by place is not available on this server.")]}
        ) from exc
    except geocoding.GeocoderUnavailable as exc:
        raise ServiceUnavailable(
            _("The place search service is not answering; try again.")
        ) from exc
    if point is None:
        raise ValidationError(
            {field: [_("No place or postcode called %(place)s found.") % {"place": repr(place)}]}
        )
    return point


class SchemeViewSet(IdempotentAPIView, viewsets.GenericViewSet):
    """The scheme directory, proposals, the status lifecycle and joining."""

    filterset_class = SchemeFilter
    ordering_fields = ["name", "created_at"]
    ordering = ["name", "id"]
    lookup_value_converter = "int"
    serializer_class = SchemeDetailSerializer

    def get_permissions(self) -> list[Any]:
        if self.action in ("list", "retrieve"):
            return [AllowAny()]
        return [IsAuthenticated()]

    def get_queryset(self) -> QuerySet[Scheme]:
        return self._visible_to(self.request.user)

    def _visible_to(self, user: AnyUser) -> QuerySet[Scheme]:
        return selectors.with_member_count(selectors.schemes_visible_to(user=user))

    def _directory_rows(self, user: AnyUser) -> QuerySet[Scheme, dict[str, Any]]:
        return self.filter_queryset(self._visible_to(user)).values(*SCHEME_SUMMARY_COLUMNS)

    def _scheme(self) -> Scheme:
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def _detail(self, scheme: Scheme, status_code: int = status.HTTP_200_OK) -> Response:
        data = SchemeDetailSerializer(scheme, context=self.get_serializer_context()).data
        return Response(data, status=status_code)

    @extend_schema(parameters=NEAR_PARAMETERS, responses=SchemeSummarySerializer(many=True))
    def list(self, request: Request) -> Response:
        near = _near_query(request)
        if _searches_near(near):
            schemes = self.filter_queryset(self.get_queryset())
            point = _search_point(near)
            radius = near.get("radius_m", settings.NEAR_RADIUS_DEFAULT_M)
            nearby: Any = selectors.schemes_near(schemes=schemes, point=point, radius_m=radius)
            rows = [scheme_summary_of(scheme) for scheme in self.paginate_queryset(nearby) or []]
        else:
            directory = compiled_list(
                self, "rows", self._directory_rows, request=request, stand_in=stand_in_for
            )
            rows = [scheme_summary(row) for row in self.paginate_queryset(directory) or []]
        return self.get_paginated_response(rows)

    @extend_schema(request=SchemeInputSerializer, responses={201: SchemeDetailSerializer})
    def create(self, request: SignedInRequest) -> Response:
        payload = SchemeInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        details, area = payload.split()
        scheme = services.scheme_propose(proposer=request.user, details=details, area=area)
        self.kwargs["pk"] = scheme.pk
        return self._detail(self._scheme(), status.HTTP_201_CREATED)

    def retrieve(self, request: Request, pk: int) -> Response:
        return self._detail(self._scheme())

    @extend_schema(request=SchemeInputSerializer, responses=SchemeDetailSerializer)
    def partial_update(self, request: SignedInRequest, pk: int) -> Response:
        scheme = self._scheme()
        if not permissions.can_edit_scheme(request.user, scheme):
            raise PermissionDenied(_("Only the scheme's coordinators and liaisons can change it."))
        payload = SchemeInputSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        details, area = payload.split()
        services.scheme_update(scheme=scheme, actor=request.user, details=details, area=area)
        return self._detail(self._scheme())

    @extend_schema(request=StatusChangeInputSerializer, responses=SchemeDetailSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request: SignedInRequest, pk: int) -> Response:
        scheme = self._scheme()
        if not permissions.can_see_private_details(request.user, scheme):
            raise PermissionDenied(_("Only the scheme's liaisons and coordinators can do this."))
        payload = StatusChangeInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.scheme_status_change(
            scheme=scheme,
            actor=request.user,
            to_status=payload.validated_data["status"],
            reason=payload.validated_data["reason"],
        )
        return self._detail(self._scheme())

    @extend_schema(request=JoinInputSerializer, responses={201: MembershipSerializer})
    @action(detail=True, methods=["post"])
    def join(self, request: SignedInRequest, pk: int) -> Response:
        scheme = self._scheme()
        payload = JoinInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        membership = services.membership_request(
            scheme=scheme, user=request.user, message=payload.validated_data["message"]
        )
        membership.scheme = scheme
        return Response(MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"])
    def leave(self, request: SignedInRequest, pk: int) -> Response:
        # A request to join can be withdrawn even when the scheme is no longer shown to
        # the person who made it (suspended since, say).
        scheme = get_object_or_404(selectors.schemes_leavable_by(user=request.user), pk=pk)
        services.membership_leave(scheme=scheme, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _scheme_of_view(view: Any, allowed: Callable[[Any, Scheme], bool], refusal: str) -> Scheme:
    """The scheme named by the view's ``scheme_pk``: 404 unless the user may know of it,
    403 with ``refusal`` unless ``allowed``."""
    user = view.request.user
    scheme = get_object_or_404(selectors.schemes_visible_to(user=user), pk=view.kwargs["scheme_pk"])
    if not allowed(user, scheme):
        raise PermissionDenied(refusal)
    return scheme


class StatusHistoryView(generics.ListAPIView):
    """A scheme's status changes, newest first: for its coordinators and covering liaisons,
    and for its proposer until it is approved."""

    serializer_class = StatusChangeSerializer
    filterset_class = StatusChangeFilter
    ordering_fields = ["at"]
    ordering = ["-at", "-id"]

    def get_queryset(self) -> QuerySet[SchemeStatusChange]:
        if getattr(self, "swagger_fake_view", False):
            return SchemeStatusChange.objects.none()
        scheme = _scheme_of_view(
            self,
            permissions.can_see_private_details,
            _("Only the scheme's coordinators and liaisons see its history."),
        )
        return selectors.status_history_of(user=self.request.user, scheme=scheme)


class SchemeMemberViewSet(
    IdempotentAPIView,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """A scheme's members and join requests, for its coordinators and covering liaisons."""

    serializer_class = MemberSerializer
    filterset_class = MemberFilter
    ordering_fields = ["requested_at", "joined_at", "user__name"]
    ordering = ["status", "user__name", "id"]
    lookup_value_converter = "int"

    def _scheme_for_members(self) -> Scheme:
        if "scheme" not in self.__dict__:
            self.__dict__["scheme"] = _scheme_of_view(
                self,
                permissions.can_view_members,
                _("Only the scheme's coordinators and liaisons see members."),
            )
        return self.__dict__["scheme"]

    def get_queryset(self) -> QuerySet[Membership]:
        if getattr(self, "swagger_fake_view", False):
            return Membership.objects.none()
        return selectors.members_of(user=self.request.user, scheme=self._scheme_for_members())

    def _membership(self) -> Membership:
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    @extend_schema(request=MemberRoleInputSerializer, responses=MemberSerializer)
    def partial_update(self, request: SignedInRequest, scheme_pk: int, pk: int) -> Response:
        membership = self._membership()
        payload = MemberRoleInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        membership = services.membership_set_role(
            membership=membership, actor=request.user, role=payload.validated_data["role"]
        )
        return Response(MemberSerializer(membership).data)

    @extend_schema(responses={204: None})
    def destroy(self, request: SignedInRequest, scheme_pk: int, pk: int) -> Response:
        services.membership_remove(membership=self._membership(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=MemberSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: SignedInRequest, scheme_pk: int, pk: int) -> Response:
        membership = services.membership_approve(membership=self._membership(), actor=request.user)
        return Response(MemberSerializer(membership).data)

    @extend_schema(request=DeclineInputSerializer, responses=MemberSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: SignedInRequest, scheme_pk: int, pk: int) -> Response:
        membership = self._membership()
        payload = DeclineInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        membership = services.membership_decline(
            membership=membership, actor=request.user, reason=payload.validated_data["reason"]
        )
        return Response(MemberSerializer(membership).data)

    @extend_schema(request=None, responses=MemberSerializer)
    @action(detail=True, methods=["post"], url_path="undo-decline")
    def undo_decline(self, request: SignedInRequest, scheme_pk: int, pk: int) -> Response:
        membership = services.membership_decline_undo(
            membership=self._membership(), actor=request.user
        )
        return Response(MemberSerializer(membership).data)


class JoinRequestListView(generics.ListAPIView):
    """Pending requests to join the schemes the user coordinates or covers as liaison."""

    serializer_class = MemberSerializer
    filterset_class = JoinRequestFilter
    ordering_fields = ["requested_at"]
    ordering = ["requested_at", "id"]

    def get_queryset(self) -> QuerySet[Membership]:
        if getattr(self, "swagger_fake_view", False):
            return Membership.objects.none()
        return selectors.join_requests_for(user=self.request.user)


class MyMembershipListView(generics.ListAPIView):
    """The signed-in user's schemes: memberships and pending requests."""

    serializer_class = MembershipSerializer
    filterset_class = MembershipFilter
    ordering_fields = ["requested_at", "scheme__name"]
    ordering = ["scheme__name", "id"]

    def get_queryset(self) -> QuerySet[Membership]:
        if getattr(self, "swagger_fake_view", False):
            return Membership.objects.none()
        return selectors.memberships_of_user(user=signed_in_user(self.request))


class ActivityMixin:
    filterset_class = ActivityFilter
    ordering_fields = ["at"]
    ordering = ["-at", "-id"]

    def get_queryset(self) -> QuerySet[ActivityEvent]:
        if getattr(self, "swagger_fake_view", False):
            return ActivityEvent.objects.none()
        user = self.request.user  # type: ignore[attr-defined]  # the request of the view it is mixed into
        if not selectors.may_review_activity(user=user):
            raise PermissionDenied(_("Activity is for scheme coordinators and police liaisons."))
        return selectors.activity_visible_to(user=user)


class ActivityListView(ActivityMixin, generics.ListAPIView):
    """What happened in the schemes the user coordinates, or covers as liaison."""

    serializer_class = ActivityEventSerializer


class ActivityExportView(ActivityMixin, generics.GenericAPIView):
    """The same events as the activity list, as a CSV download."""

    pagination_class = None
    serializer_class = ActivityEventSerializer
    renderer_classes = [CSVRenderer]

    @extend_schema(
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV file.")}
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        return csv_download(
            f"patchwatch-activity-{timezone.localdate():%Y-%m-%d}.csv",
            ACTIVITY_COLUMNS,
            activity_rows(self.filter_queryset(self.get_queryset())),
        )


class ForceLocateView(APIView):
    """Suggest the police force covering a point, for proposing a scheme there. The answer
    says how sure it is (``confirmed`` by police.uk, ``likely``, ``uncertain`` near a border,
    ``unknown``) and which other forces it could be."""

    @extend_schema(parameters=[ForceLocateQuerySerializer], responses=ForceSuggestionSerializer)
    def get(self, request: Request) -> Response:
        query = ForceLocateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        try:
            geo.validate_point(query.validated_data["lat"], query.validated_data["lon"])
        except DjangoValidationError as exc:
            raise ValidationError({"lat": exc.messages}) from exc
        suggestion = force_locator.force_suggest(
            point=geo.Point(query.validated_data["lat"], query.validated_data["lon"])
        )
        return Response(ForceSuggestionSerializer(suggestion).data)


class GeocodeView(generics.GenericAPIView):
    """Where a UK postcode or place is, through the configured geocoder: for moving a map
    there (drawing an alert's area, say). Signed-in users only, as each look-up may cost a
    call to a third party's service."""

    serializer_class = GeocodeQuerySerializer

    @extend_schema(
        parameters=[GeocodeQuerySerializer],
        responses={200: GeocodeResultSerializer},
    )
    def get(self, request: Request) -> Response:
        query = GeocodeQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        place = query.validated_data["q"]
        point = _geocoded(place, field="q")
        return Response({"query": place, "lat": point.lat, "lon": point.lon})


class NeighbourhoodListView(generics.ListAPIView):
    """Policing neighbourhoods, each force's current set, by name, with how many active
    schemes lie in each: for anyone (forces publish them), filtered by ``force`` and ``q``."""

    permission_classes = [AllowAny]
    serializer_class = NeighbourhoodSerializer
    filterset_class = NeighbourhoodFilter
    ordering_fields = ["name"]
    ordering = ["name", "id"]

    def get_queryset(self) -> QuerySet[Neighbourhood]:
        return selectors.neighbourhoods_visible_to(user=self.request.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset())) or []
        counts = selectors.active_schemes_in_neighbourhoods(page)
        data = NeighbourhoodSerializer(page, many=True, context={"active_schemes": counts}).data
        return self.get_paginated_response(data)


class NeighbourhoodImportView(IdempotentAPIView):
    """Replace a force's policing neighbourhoods with those of a GeoJSON FeatureCollection
    or KML file, as the force publishes them: all of them or, when any feature is bad, none
    (400 with every bad feature by the line it starts on). Staff name the force; a liaison
    imports their own force's."""

    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": NeighbourhoodImportInputSerializer},
        responses={200: NeighbourhoodsImportedSerializer},
    )
    def post(self, request: SignedInRequest) -> Response:
        given = request.data.get("force") or None
        force = services.neighbourhoods_import_force(actor=request.user, force=given)
        # The force is checked apart from the file: the form's fields are read as text.
        payload = NeighbourhoodForceSerializer(data={"force": force})
        payload.is_valid(raise_exception=True)
        rows = neighbourhood_rows(request.FILES.get("file"))
        imported = services.neighbourhoods_import(force=force, rows=rows)
        return Response(NeighbourhoodsImportedSerializer(imported).data)
