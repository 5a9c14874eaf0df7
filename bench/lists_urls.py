"""The API, plus one bare Django view per list endpoint for ``bench/lists.py`` to compare it
with: the same rows of a page, read with one ``.values()`` query and returned by
``JsonResponse``, with no authentication, rules, serializer or pagination count. That is the
floor a list endpoint is measured against (issue 14: at least half its throughput)."""

from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, include, path

from bench.measure import session_extras
from notifications.models import Alert, Notice
from schemes.models import Membership, Scheme
from watch.models import Offence, Session

PAGE = 50


def _rows(rows: QuerySet[Any, Any]) -> JsonResponse:
    return JsonResponse({"results": list(rows[:PAGE])})


def schemes(request: HttpRequest) -> JsonResponse:
    # Each row has its count of active members, as the API's does: a correlated subquery,
    # the cheapest way Django has (a JOIN and GROUP BY would count every scheme's first).
    members = (
        Membership.objects.filter(scheme=OuterRef("pk"), status="active")
        .order_by()
        .values("scheme")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return _rows(
        Scheme.objects.filter(status="active")
        .order_by("name", "id")
        .annotate(member_count=Coalesce(Subquery(members), 0))
        .values(
            "id",
            "name",
            "kind",
            "status",
            "force",
            "centre_lat",
            "centre_lon",
            "radius_m",
            "boundary",
            "member_count",
        )
    )


def sessions(request: HttpRequest) -> JsonResponse:
    return _rows(
        Session.objects.filter(scheme__memberships__user_id=request.GET["user"])
        .order_by("-started_at", "id")
        .annotate(
            offence_count=session_extras()["offence_count"],
            people_present=session_extras()["people_present"],
        )
        .values(
            "id",
            "scheme_id",
            "scheme__name",
            "site_id",
            "site__name",
            "site__road_name",
            "site__speed_limit_mph",
            "started_at",
            "ended_at",
            "vehicles_counted",
            "device_name",
            "device_serial",
            "device_checked_on",
            "notes",
            "volunteer_minutes",
            "status",
            "created_at",
            "submitted_at",
            "offence_count",
            "people_present",
        )
    )


def offences(request: HttpRequest) -> JsonResponse:
    return _rows(
        Offence.objects.filter(force=request.GET["force"])
        .order_by("-observed_at", "id")
        .values(
            "id",
            "session_id",
            "scheme_id",
            "scheme__name",
            "site_id",
            "site__name",
            "registration",
            "make",
            "model",
            "colour",
            "vehicle_type",
            "speed_mph",
            "speed_limit_mph",
            "observed_at",
            "direction",
            "action",
            "action_status",
            "voided",
            "dispute_outcome",
        )
    )


ALERT_FIELDS = [
    "id",
    "identifier",
    "message_type",
    "references_id",
    "incident_id",
    "status",
    "title",
    "body",
    "category",
    "severity",
    "urgency",
    "audience",
    "scheme_kinds",
    "public",
    "area_name",
    "instruction",
    "response_type",
    "contact",
    "centre_lat",
    "centre_lon",
    "radius_m",
    "boundary",
    "expires_at",
    "created_at",
    "published_at",
    "force",
    "scheme_id",
    "scheme__name",
    "issuer__name",
]


def alerts(request: HttpRequest) -> JsonResponse:
    return _rows(
        Alert.objects.filter(force=request.GET["force"])
        .order_by("-created_at", "-id")
        .values(*ALERT_FIELDS)
    )


def inbox(request: HttpRequest) -> JsonResponse:
    return _rows(
        Notice.objects.filter(
            recipient_id=int(request.GET["user"]), channel="in_app", superseded=False
        )
        .order_by("-queued_at", "-id")
        .values(
            "id",
            "channel",
            "state",
            "queued_at",
            "sent_at",
            "read_at",
            *(f"alert__{field}" for field in ALERT_FIELDS),
        )
    )


urlpatterns: list[URLPattern | URLResolver] = [
    path("bare/schemes/", schemes),
    path("bare/sessions/", sessions),
    path("bare/offences/", offences),
    path("bare/alerts/", alerts),
    path("bare/inbox/", inbox),
    path("", include("backend.urls")),
]
