"""Roadside sites: proposed by coordinators, decided by the covering liaisons."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.requests import SignedInRequest
from core.idempotency import IdempotentAPIView
from watch import permissions
from watch.filters import SiteFilter
from watch.models import Site
from watch.selectors.schemes import speedwatch_schemes_visible_to
from watch.selectors.sites import site_history, sites_visible_to
from watch.serializers import (
    SiteDecisionSerializer,
    SiteInputSerializer,
    SiteSerializer,
    SiteStatusChangeSerializer,
)
from watch.services.sites import site_decide, site_propose


class SiteViewSet(IdempotentAPIView, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Roadside sites: proposed by coordinators, decided by the covering liaisons."""

    serializer_class = SiteSerializer
    filterset_class = SiteFilter
    ordering_fields = ["name", "created_at"]
    ordering = ["name", "id"]
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[Site]:
        return sites_visible_to(user=self.request.user)

    def _site(self, pk: int) -> Site:
        return get_object_or_404(self.get_queryset(), pk=pk)

    def _detail(self, site: Site, status_code: int = status.HTTP_200_OK) -> Response:
        # Read again through the selector: what the viewer may do with it comes with it.
        data = SiteSerializer(self._site(site.pk), context=self.get_serializer_context()).data
        return Response(data, status=status_code)

    @extend_schema(request=SiteInputSerializer, responses={201: SiteSerializer})
    def create(self, request: SignedInRequest) -> Response:
        payload = SiteInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        scheme = get_object_or_404(
            speedwatch_schemes_visible_to(user=request.user), pk=data.pop("scheme")
        )
        if not permissions.can_run_sessions(request.user, scheme):
            raise PermissionDenied(_("Only the scheme's coordinators propose sites."))
        site = site_propose(scheme=scheme, actor=request.user, data=data)
        return self._detail(site, status.HTTP_201_CREATED)

    def retrieve(self, request: Request, pk: int) -> Response:
        return self._detail(self._site(pk))

    @extend_schema(request=SiteDecisionSerializer, responses=SiteSerializer)
    @action(detail=True, methods=["post"])
    def decision(self, request: SignedInRequest, pk: int) -> Response:
        site = self._site(pk)
        if not permissions.can_review_speedwatch(request.user, site.scheme):
            raise PermissionDenied(_("Only the liaisons covering the scheme decide on sites."))
        payload = SiteDecisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        site = site_decide(site=site, actor=request.user, **payload.validated_data)
        return self._detail(site)

    @extend_schema(responses=SiteStatusChangeSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"])
    def history(self, request: Request, pk: int) -> Response:
        """The site's proposal and decisions, newest first, with who made them and why: for
        its scheme's coordinators and the covering liaisons."""
        site = self._site(pk)
        if not site.managed:  # type: ignore[attr-defined]  # annotated by selectors.sites_visible_to
            raise PermissionDenied(
                _("Only the scheme's coordinators and the covering liaisons see a site's history.")
            )
        page = self.paginate_queryset(site_history(user=request.user, site=site))
        return self.get_paginated_response(SiteStatusChangeSerializer(page, many=True).data)
