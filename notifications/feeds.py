"""Atom feeds of current public alerts: for a scheme, and for an area around a point."""

from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed
from rest_framework import serializers

from notifications import selectors
from notifications.models import Alert
from schemes import geo
from schemes.models import Scheme, SchemeStatus


class _AlertFeed(Feed):
    feed_type = Atom1Feed

    def item_title(self, alert: Alert) -> str:
        prefix = {"Update": "Update: ", "Cancel": "Cancelled: "}.get(alert.message_type, "")
        return f"{prefix}{alert.title}"

    def item_description(self, alert: Alert) -> str:
        return alert.body

    def item_link(self, alert: Alert) -> str:
        return f"/alerts/{alert.pk}"

    def item_guid(self, alert: Alert) -> str:
        return f"urn:uuid:{alert.identifier}"

    item_guid_is_permalink = False

    def item_pubdate(self, alert: Alert) -> Any:
        return alert.published_at

    def item_categories(self, alert: Alert) -> list[str]:
        return [alert.get_category_display(), alert.severity]


class SchemeAlertFeed(_AlertFeed):
    def get_object(self, request: HttpRequest, scheme_id: int) -> Scheme:
        return get_object_or_404(Scheme, pk=scheme_id, status=SchemeStatus.ACTIVE)

    def title(self, scheme: Scheme) -> str:
        return f"Alerts for {scheme.name}"

    def link(self, scheme: Scheme) -> str:
        return f"/schemes/{scheme.pk}"

    def items(self, scheme: Scheme) -> list[Alert]:
        return list(selectors.current_public_alerts().filter(matched_schemes=scheme)[:50])


class _AreaQuery(serializers.Serializer):
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lon = serializers.FloatField(min_value=-180, max_value=180)
    radius_m = serializers.IntegerField(min_value=1, default=5000)

    def validate_radius_m(self, value: int) -> int:
        return min(value, settings.NEAR_RADIUS_MAX_M)


class AreaAlertFeed(_AlertFeed):
    title = "Patchwatch alerts near you"
    link = "/"

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        query = _AreaQuery(data=request.GET)
        if not query.is_valid():
            return HttpResponse(
                "Give lat and lon (and optionally radius_m) of the area.",
                status=400,
                content_type="text/plain",
            )
        self.area = geo.Area(
            centre=geo.Point(query.validated_data["lat"], query.validated_data["lon"]),
            radius_m=query.validated_data["radius_m"],
        )
        return super().__call__(request, *args, **kwargs)

    def items(self) -> list[Alert]:
        box = geo.circle_bbox(self.area.centre, float(self.area.radius_m or 0))
        candidates = selectors.current_public_alerts().filter(
            bbox_north__gte=box.south,
            bbox_south__lte=box.north,
            bbox_east__gte=box.west,
            bbox_west__lte=box.east,
        )
        return [alert for alert in candidates[:200] if geo.areas_intersect(self.area, alert.area)][
            :50
        ]
