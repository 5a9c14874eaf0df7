"""Reads for alerts: which schemes an alert's area touches, who should hear of it, inboxes
and delivery figures."""

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from notifications.models import (
    SEVERITY_RANK,
    Alert,
    AlertStatus,
    Audience,
    Channel,
    Notice,
    NoticeState,
    Preference,
    Reply,
)
from schemes import geo
from schemes.models import Membership, MembershipRole, MembershipStatus, Scheme, SchemeStatus
from schemes.permissions import AnyUser, liaison_force
from schemes.selectors import schemes_in_bbox


def alert_reach(*, alert: Alert) -> tuple[list[Scheme], int]:
    """The schemes an (unsaved) alert would reach and how many people: the composer's
    preview before publishing."""
    schemes = schemes_touched_by(
        area=alert.area, box=alert.bbox, force=alert.force, kinds=alert.scheme_kinds
    )
    recipients = recipients_for(alert=alert, scheme_ids=[scheme.pk for scheme in schemes])
    return schemes, len(recipients)


def schemes_touched_by(
    *, area: geo.Area, box: geo.BBox, force: str, kinds: list[str]
) -> list[Scheme]:
    """Active schemes of the force whose area overlaps ``area``: a bounding-box prefilter in
    SQL, then an exact test of each candidate."""
    candidates = schemes_in_bbox(
        Scheme.objects.filter(status=SchemeStatus.ACTIVE, force=force), box
    ).only("id", "name", "kind", "centre_lat", "centre_lon", "radius_m", "boundary")
    if kinds:
        candidates = candidates.filter(kind__in=kinds)
    return [scheme for scheme in candidates if _areas_intersect(area, scheme.area)]


# On a sphere of the Earth's mean radius, great-circle distances are within 0.6% of the
# WGS-84 geodesic ones anywhere (the sphere is too round at the equator and too flat at the
# poles by about that much). Two circles whose great-circle distance is clearly inside or
# outside their combined radii overlap, or not, whatever the ellipsoid says; only the pairs
# near that edge need the geodesic, which costs fifty times more. An alert over a town has
# hundreds of candidate schemes, most of them well inside it.
_SPHERE_ERROR = 0.01


def _great_circle_m(a: geo.Point, b: geo.Point) -> float:
    lat_a, lat_b = math.radians(a.lat), math.radians(b.lat)
    haversine = (
        math.sin((lat_b - lat_a) / 2) ** 2
        + math.cos(lat_a) * math.cos(lat_b) * math.sin(math.radians(b.lon - a.lon) / 2) ** 2
    )
    return 2 * geo.EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(haversine)))


def _areas_intersect(a: geo.Area, b: geo.Area) -> bool:
    """``geo.areas_intersect``, settling two circles far from the edge without a geodesic."""
    if a.boundary is None and b.boundary is None:
        reach = float(a.radius_m or 0) + float(b.radius_m or 0)
        distance = _great_circle_m(a.centre, b.centre)
        if distance < reach * (1 - _SPHERE_ERROR):
            return True
        if distance > reach * (1 + _SPHERE_ERROR):
            return False
    return geo.areas_intersect(a, b)


@dataclass
class Recipients:
    """Channels per recipient user id, and the preferences of those who get a channel
    besides the in-app inbox (what the timing of those notices depends on)."""

    channels: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    preferences: dict[int, Preference] = field(default_factory=dict)

    def add(self, user_id: int, channels: set[str]) -> None:
        self.channels[user_id] |= channels

    def __len__(self) -> int:
        return len(self.channels)


DEFAULT_COORDINATOR_CHANNELS = {Channel.IN_APP, Channel.EMAIL}

# The preference columns that choose a member's channels and time their notices
# (``timing.delivery_plan``); the others are left deferred.
_PREFERENCE_FIELDS = ["id", "channels", "categories", "quiet_from", "quiet_until", "daily_digest"]


def recipients_for(*, alert: Alert, scheme_ids: list[int]) -> Recipients:
    """Coordinators of the matched schemes always; for an all-members alert, volunteers too
    when their preferences accept its category, severity and scheme (volunteers opt in by
    setting preferences). Never the alert's own issuer."""
    memberships = Membership.objects.filter(
        scheme_id__in=scheme_ids, status=MembershipStatus.ACTIVE
    )
    if alert.issuer_id is not None:
        # The issuer wrote it: their own alert is not news to them.
        memberships = memberships.exclude(user_id=alert.issuer_id)
    if alert.audience == Audience.COORDINATORS:
        memberships = memberships.filter(role=MembershipRole.COORDINATOR)
    # One query for members and their preferences, with most of the choosing in SQL: an
    # alert over a city reaches a hundred thousand people, and loading their preferences by
    # id took seconds. The category is checked below, as SQLite cannot look into a JSON list.
    rank = SEVERITY_RANK[alert.severity]
    accepted = [severity for severity, needed in SEVERITY_RANK.items() if needed <= rank]
    muted = Preference.muted_schemes.through.objects.filter(
        preference__user_id=OuterRef("user_id"), scheme_id=OuterRef("scheme_id")
    )
    rows = (
        memberships.filter(
            Q(role=MembershipRole.COORDINATOR)
            | (Q(user__alert_preference__min_severity__in=accepted) & ~Exists(muted))
        )
        .order_by()
        .values_list(
            "user_id", "role", *(f"user__alert_preference__{name}" for name in _PREFERENCE_FIELDS)
        )
    )
    recipients = Recipients()
    # The columns come in the order of _PREFERENCE_FIELDS, all None without preferences.
    for user_id, role, *preference in rows:
        preference_id, chosen, categories, *_ = preference
        if role == MembershipRole.COORDINATOR:
            channels = {Channel.IN_APP} | (set(chosen or ()) or DEFAULT_COORDINATOR_CHANNELS)
        elif categories and alert.category not in categories:
            continue
        else:
            channels = {Channel.IN_APP, *chosen}
        recipients.add(user_id, channels)
        if (
            preference_id is not None
            and channels != {Channel.IN_APP}
            and user_id not in recipients.preferences
        ):
            recipients.preferences[user_id] = Preference.from_db(
                memberships.db, ["user_id", *_PREFERENCE_FIELDS], [user_id, *preference]
            )
    return recipients


def inbox_of(*, user: AnyUser) -> QuerySet[Notice]:
    return (
        Notice.objects.filter(recipient=user, channel=Channel.IN_APP)
        .select_related("alert", "alert__references")
        .order_by("-queued_at", "-id")
    )


def alerts_visible_to(*, user: AnyUser) -> QuerySet[Alert]:
    """Alerts a user issued, received, or (as liaison) were issued in their force."""
    if not user.is_authenticated:
        return Alert.objects.none()
    visible = Q(issuer=user) | Q(notices__recipient=user)
    force = liaison_force(user)
    if force:
        visible |= Q(force=force)
    return Alert.objects.filter(visible).distinct()


def with_unread_replies(alerts: QuerySet[Alert]) -> QuerySet[Alert]:
    """Annotate each alert with how many of its replies nobody has read yet."""
    unread = (
        Reply.objects.filter(alert=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("alert")
        .annotate(count=Count("id"))
        .values("count")
    )
    return alerts.annotate(unread_replies=Coalesce(Subquery(unread), 0))


def current_public_alerts() -> QuerySet[Alert]:
    """What the public feeds show: published alerts marked public, not yet expired."""
    return Alert.objects.filter(
        public=True, status=AlertStatus.PUBLISHED, expires_at__gt=timezone.now()
    ).order_by("-published_at", "-id")


def delivery_summary(*, alert: Alert) -> dict[str, object]:
    """Recipients, and per channel how many notices are queued, sent, failed, withdrawn (the
    alert was cancelled or expired before they were due) and read."""
    rows = (
        Notice.objects.filter(alert=alert)
        .values("channel")
        .annotate(
            total=Count("id"),
            queued=Count("id", filter=Q(state__in=[NoticeState.QUEUED, NoticeState.SENDING])),
            sent=Count("id", filter=Q(state=NoticeState.SENT)),
            failed=Count("id", filter=Q(state=NoticeState.FAILED)),
            withdrawn=Count("id", filter=Q(state=NoticeState.WITHDRAWN)),
            read=Count("id", filter=Q(read_at__isnull=False)),
        )
        .order_by("channel")
    )
    return {
        "recipients": Notice.objects.filter(alert=alert).values("recipient").distinct().count(),
        "schemes": alert.matched_schemes.count(),
        "channels": list(rows),
    }
