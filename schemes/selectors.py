"""Reads with rules in them: which schemes, members and activity a user may see."""

import functools
from bisect import insort
from collections.abc import Callable, Sequence
from typing import Any, overload

import numpy as np
from django.db.models import (
    Count,
    Exists,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from accounts.models import User
from areas import geo
from areas.models import area_columns_as_text
from core import numbers, visibility
from core.memo import remembered
from schemes import permissions
from schemes.models import (
    ActivityEvent,
    Membership,
    MembershipRole,
    MembershipStatus,
    Scheme,
    SchemeStatus,
    SchemeStatusChange,
)
from schemes.permissions import AnyUser, liaison_force


def _undecided(prefix: str = "") -> Q:
    """Not approved: still proposed, or declined or withdrawn before approval."""
    return Q(**{f"{prefix}status": SchemeStatus.PROPOSED}) | Q(
        **{f"{prefix}status": SchemeStatus.CLOSED, f"{prefix}approved_at__isnull": True}
    )


@visibility.rule("scheme")
def schemes_visible_to(*, user: AnyUser) -> QuerySet[Scheme]:
    """Active schemes for everyone; a user also sees the schemes they are an active member
    of, their proposals until approved, and a liaison every scheme of their force area;
    staff see every scheme. A pending or declined request to join shows nothing more.

    The one rule of who may know of a scheme: a scheme outside it is a 404.
    """
    schemes = Scheme.objects.all()
    if not user.is_authenticated:
        return schemes.filter(status=SchemeStatus.ACTIVE)
    if user.is_staff:
        return schemes
    visible = Q(status=SchemeStatus.ACTIVE) | (Q(proposed_by=user) & _undecided())
    visible |= Q(
        Exists(
            Membership.objects.filter(
                scheme=OuterRef("pk"), user=user, status=MembershipStatus.ACTIVE
            )
        )
    )
    force = liaison_force(user)
    if force:
        visible |= Q(force=force)
    return schemes.filter(visible)


def scheme_visible(*, user: AnyUser, scheme: Scheme) -> bool:
    """Whether the user may know of the scheme: ``schemes_visible_to``, for one scheme."""
    return schemes_visible_to(user=user).filter(pk=scheme.pk).exists()


def schemes_leavable_by(*, user: User) -> QuerySet[Scheme]:
    """The schemes a user sees, and any they have a membership or request in."""
    own = memberships_visible_to(user=user).filter(user_id=user.pk, scheme=OuterRef("pk"))
    return schemes_visible_to(user=user) | Scheme.objects.filter(Exists(own))


def with_member_count(schemes: QuerySet[Scheme]) -> QuerySet[Scheme]:
    return schemes.annotate(member_count=_active_member_count())


@functools.cache
def _active_member_count() -> Coalesce:
    # A correlated subquery rather than JOIN + GROUP BY: PostgreSQL evaluates it only for
    # the rows of the page being returned, not for every scheme before sorting. Built once:
    # it is the same for everyone, and each query that uses it resolves a copy of its own.
    active_members = (
        Membership.objects.filter(scheme=OuterRef("pk"), status=MembershipStatus.ACTIVE)
        .order_by()
        .values("scheme")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(active_members), 0)


def schemes_in_bbox(schemes: QuerySet[Scheme], box: geo.BBox) -> QuerySet[Scheme]:
    """Schemes whose bounding box overlaps ``box``: the SQL prefilter for every geo look-up.

    The lower bounds on bbox_south and bbox_west follow from the bounded size of an area
    and let the index on the four box columns do the narrowing: a B-tree reads the band of
    bbox_south from ``box.south`` less the tallest box there is, so the bound on bbox_south
    is the tallest box actually stored (read from its own index in the same query), no
    more than ``geo.MAX_SPAN_LAT_DEG``. Schemes are a few kilometres across; the bound the
    database allows is 55 km, and a band that wide had the index read several times the
    entries it needed.
    """
    return schemes.filter(
        bbox_south__gte=_south_of_tallest_box(box.south),
        bbox_south__lte=box.north,
        bbox_west__gte=box.west - geo.MAX_SPAN_LON_DEG,
        bbox_west__lte=box.east,
        bbox_north__gte=box.south,
        bbox_east__gte=box.west,
    )


def _south_of_tallest_box(south: float) -> RawSQL:
    """``south`` less the height (north less south, in degrees) of the tallest bounding box
    of any scheme: a scalar subquery the ``scheme_bbox_height`` index answers by reading one
    entry. Written in SQL because compiling the ORM's ``Subquery`` of it took longer than
    the whole look-up takes to run."""
    return RawSQL(  # constant SQL; the numbers are parameters
        '%s - COALESCE((SELECT MAX("bbox_north" - "bbox_south") FROM "schemes_scheme"), %s)',
        (south, geo.MAX_SPAN_LAT_DEG),
        output_field=FloatField(),
    )


# ``schemes_in_bbox`` for the active schemes of a force, as ``geo.overlapping_ids`` reads
# them: constant SQL, because building and compiling the same query with the ORM took a
# third as long again as running it. Spelt so that SQLite (``make run``) runs it too.
_ACTIVE_AREAS_IN_BBOX = """
    SELECT id, centre_lat, centre_lon, radius_m, CAST(boundary AS TEXT),
           bbox_south, bbox_west, bbox_north, bbox_east
    FROM schemes_scheme
    WHERE status = %s AND force = %s
      AND bbox_south >= %s - COALESCE((SELECT MAX(bbox_north - bbox_south) FROM schemes_scheme), %s)
      AND bbox_south <= %s AND bbox_west >= %s AND bbox_west <= %s
      AND bbox_north >= %s AND bbox_east >= %s
"""


def active_scheme_areas_in_bbox(
    *, box: geo.BBox, force: str, kinds: Sequence[str]
) -> list[geo.AreaRow]:
    """The id and area columns (``geo.AreaRow``, the boundary as its text) of the active
    schemes of ``force`` (of ``kinds``, if any given) whose bounding box overlaps ``box``,
    in no order: what ``schemes_in_bbox`` selects, read without the ORM."""
    sql = _ACTIVE_AREAS_IN_BBOX
    parameters: list[Any] = [
        SchemeStatus.ACTIVE.value,
        force,
        box.south,
        geo.MAX_SPAN_LAT_DEG,
        box.north,
        box.west - geo.MAX_SPAN_LON_DEG,
        box.east,
        box.south,
        box.west,
    ]
    if kinds:
        sql += f"  AND kind IN ({', '.join(['%s'] * len(kinds))})"
        parameters += kinds
    return numbers.rows_of(sql, parameters)


def schemes_near(
    *, schemes: QuerySet[Scheme], point: geo.Point, radius_m: float
) -> "NearbySchemes":
    """Schemes whose area comes within ``radius_m`` of ``point``, nearest first (then by
    name): a sequence that knows at once how many there are, and whose items (each with a
    ``distance_m`` attribute: metres from the point to the nearest edge of its area, 0 when
    the point is inside it) are read from the database a slice at a time.

    The bounding-box prefilter reads plain columns; which schemes come within reach is
    settled by ``geo.Reach`` (the great-circle shortcut, the geodesic only near the edge;
    a polygon's box before the polygon). Exact distances are measured for as many schemes
    as the order of the slice asked for depends on."""
    candidates = (
        schemes_in_bbox(schemes, geo.circle_bbox(point, radius_m))
        .order_by()
        .values_list("pk", "name", *area_columns_as_text())
    )
    # The candidates' columns are plain numbers and text, nothing a converter of the ORM's
    # would change: read in binary (``core.numbers``), they cost a fraction.
    rows = numbers.rows_of(*candidates.query.sql_with_params())
    return NearbySchemes(schemes, geo.Reach(point, radius_m), rows)


class NearbySchemes(Sequence[Scheme]):
    """``schemes_near``'s answer: the schemes within reach, nearest first, for a paginator
    to count and slice. A slice is one query, for its own rows."""

    def __init__(self, schemes: QuerySet[Scheme], reach: geo.Reach, rows: list[Any]):
        self._schemes = schemes
        self._reach = reach
        # (pk, name, *AREA_COLUMNS) of each candidate; the boundary as text.
        self._rows = rows
        self._measured: dict[int, float] = {}
        if rows:
            columns = list(zip(*rows, strict=True))
            low, high = reach.distance_bounds_many(
                columns[2], columns[3], columns[4], (columns[6], columns[7], columns[8], columns[9])
            )
        else:
            low = high = np.zeros(0)
        self._high = high
        self._low: list[float] = low.tolist()
        limit = reach.radius_m
        # Near the edge of reach only the geodesic, or the polygon's edges, can tell.
        near_edge = np.flatnonzero((low <= limit) & (high > limit)).tolist()
        self._measure_many(near_edge)
        edge = [index for index in near_edge if self._measure(index) <= limit]
        within = np.concatenate([np.flatnonzero(high <= limit), np.array(edge, dtype=int)])
        # By the lower bounds: those not yet measured come in this order.
        self._waiting: list[int] = within[np.argsort(low[within], kind="stable")].tolist()
        self._next = 0
        # Measured, in their final order: ((metres, name, pk), index of the row).
        self._ranked: list[tuple[tuple[int, str, int], int]] = []

    def __len__(self) -> int:
        return len(self._waiting)

    @overload
    def __getitem__(self, index: int) -> Scheme: ...

    @overload
    def __getitem__(self, index: slice) -> list[Scheme]: ...

    def __getitem__(self, index: int | slice) -> Scheme | list[Scheme]:
        if isinstance(index, slice):
            return self._page(range(len(self))[index])
        (scheme,) = self._page([range(len(self))[index]])
        return scheme

    def _page(self, positions: Sequence[int]) -> list[Scheme]:
        if not positions:
            return []
        self._rank(max(positions) + 1)
        chosen = [self._ranked[position][0] for position in positions]
        rows = self._schemes.filter(pk__in=[pk for _, _, pk in chosen]).order_by()
        by_pk = {scheme.pk: scheme for scheme in rows}
        schemes = []
        for metres, _, pk in chosen:
            scheme = by_pk[pk]
            scheme.distance_m = metres
            schemes.append(scheme)
        return schemes

    def _rank(self, count: int) -> None:
        """Measure until the first ``count`` schemes are known in order: until every scheme
        not yet measured would come after them whatever its exact distance."""
        while self._next < len(self._waiting):
            index = self._waiting[self._next]
            if (
                len(self._ranked) >= count
                and round(self._low[index]) > self._ranked[count - 1][0][0]
            ):
                return
            if index not in self._measured:
                self._measure_many(self._waiting[self._next : self._next + self.BATCH])
            pk, name, *_ = self._rows[index]
            insort(self._ranked, ((round(self._measure(index)), name, pk), index))
            self._next += 1

    # Areas are measured this many at a time, in the order they are waiting: numpy and
    # PROJ measure a few dozen as fast as one, and a page usually needs about as many.
    BATCH = 32

    def _measure_many(self, indices: Sequence[int]) -> None:
        """Measure the areas of the rows at ``indices`` not measured yet, all at once:
        exactly enough to compare with the radius and to round to whole metres, which is
        all that is done with them (``geo.Reach.polygon_distances_m`` and
        ``circle_distances_m``)."""
        polygons, circles = [], []
        for index in indices:
            if index in self._measured:
                continue
            if self._rows[index][5] is not None:
                polygons.append(index)
            elif self._high[index] == 0.0:  # the point is inside the circle
                self._measured[index] = 0.0
            else:
                circles.append(index)
        limit = self._reach.radius_m
        if polygons:
            boundaries = [self._rows[index][5] for index in polygons]
            distances = self._reach.polygon_distances_m(boundaries, limit_m=limit)
            self._measured.update(zip(polygons, distances, strict=True))
        if circles:
            lats, lons, radii = zip(*(self._rows[index][2:5] for index in circles), strict=True)
            distances = self._reach.circle_distances_m(lats, lons, radii, limit_m=limit)
            self._measured.update(zip(circles, distances, strict=True))

    def _measure(self, index: int) -> float:
        """``geo.distance_to_area_m`` from the point to the row's area, good for comparing
        with the radius and rounding (``_measure_many``)."""
        if index not in self._measured:
            self._measure_many([index])
        return self._measured[index]


@visibility.rule("scheme status change")
def status_changes_visible_to(*, user: AnyUser) -> QuerySet[SchemeStatusChange]:
    """The status histories of the schemes whose private details the user sees: those they
    coordinate or cover as liaison, and their own proposals until approved (the query form
    of ``permissions.can_see_private_details``)."""
    if not user.is_authenticated:
        return SchemeStatusChange.objects.none()
    return SchemeStatusChange.objects.filter(
        Q(scheme__in=schemes_managed_by(user=user))
        | (Q(scheme__proposed_by=user) & _undecided("scheme__"))
    ).select_related("actor")


def status_history_of(*, user: AnyUser, scheme: Scheme) -> QuerySet[SchemeStatusChange]:
    return status_changes_visible_to(user=user).filter(scheme=scheme)


@visibility.rule("membership")
def memberships_visible_to(*, user: AnyUser) -> QuerySet[Membership]:
    """Members and requests to join: a user's own (any status), and every one of the schemes
    they coordinate or cover as liaison."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(Q(user=user) | Q(scheme__in=schemes_managed_by(user=user)))


def memberships_of_user(*, user: User) -> QuerySet[Membership]:
    """The user's memberships and requests, with each scheme's member count and the
    requests waiting to join it (shown to its coordinators only)."""
    waiting = (
        Membership.objects.filter(scheme=OuterRef("scheme"), status=MembershipStatus.PENDING)
        .order_by()
        .values("scheme")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        memberships_visible_to(user=user)
        .filter(user_id=user.pk)
        .exclude(scheme__status=SchemeStatus.CLOSED)
        .annotate(join_requests_waiting=Coalesce(Subquery(waiting), 0))
        .prefetch_related(Prefetch("scheme", queryset=with_member_count(Scheme.objects.all())))
        .order_by("scheme__name")
    )


def active_memberships_of(*, user: AnyUser) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE)
        .select_related("scheme")
        .order_by("scheme_id")
    )


@remembered
def coordinated_scheme_ids(*, user: AnyUser) -> list[int]:
    if not user.is_authenticated:
        return []
    return list(
        Membership.objects.filter(
            user=user, status=MembershipStatus.ACTIVE, role=MembershipRole.COORDINATOR
        ).values_list("scheme_id", flat=True)
    )


def schemes_managed_by(*, user: AnyUser) -> QuerySet[Scheme]:
    """Schemes whose members and activity the user may review: as coordinator or liaison."""
    if not user.is_authenticated:
        return Scheme.objects.none()
    managed = Q(
        Exists(
            Membership.objects.filter(
                scheme=OuterRef("pk"),
                user=user,
                status=MembershipStatus.ACTIVE,
                role=MembershipRole.COORDINATOR,
            )
        )
    )
    force = liaison_force(user)
    if force:
        managed |= Q(force=force)
    return Scheme.objects.filter(managed)


def members_of(*, user: AnyUser, scheme: Scheme) -> QuerySet[Membership]:
    return memberships_visible_to(user=user).filter(scheme=scheme).select_related("user", "scheme")


def join_requests_for(*, user: AnyUser) -> QuerySet[Membership]:
    """Pending requests to join any scheme the user coordinates or covers as liaison."""
    return (
        memberships_visible_to(user=user)
        .filter(
            status=MembershipStatus.PENDING,
            scheme__in=schemes_managed_by(user=user).filter(status=SchemeStatus.ACTIVE),
        )
        .select_related("user", "scheme")
        .order_by("requested_at", "pk")
    )


@visibility.rule("activity event")
def activity_visible_to(*, user: AnyUser) -> QuerySet[ActivityEvent]:
    return ActivityEvent.objects.filter(scheme__in=schemes_managed_by(user=user)).select_related(
        "scheme"
    )


def may_review_activity(*, user: AnyUser) -> bool:
    return bool(liaison_force(user)) or bool(coordinated_scheme_ids(user=user))


def schemes_left_without_coordinator(*, user_ids: list[int]) -> QuerySet[Scheme]:
    """Running schemes (active or suspended) whose every active coordinator is among these
    users: deleting them all would leave each such scheme without a coordinator."""
    coordinators = Membership.objects.filter(
        role=MembershipRole.COORDINATOR, status=MembershipStatus.ACTIVE
    )
    return (
        Scheme.objects.filter(
            status__in=[SchemeStatus.ACTIVE, SchemeStatus.SUSPENDED],
            memberships__in=coordinators.filter(user_id__in=user_ids),
        )
        .exclude(Exists(coordinators.filter(scheme=OuterRef("pk")).exclude(user_id__in=user_ids)))
        .distinct()
        .order_by("name")
    )


def scheme_ids_related_to(*, user: User) -> set[int]:
    """The schemes whose records may name a person: those they belong to or asked to join,
    proposed, or acted in."""
    related = set(Membership.objects.filter(user=user).values_list("scheme_id", flat=True))
    related |= set(Scheme.objects.filter(proposed_by=user).values_list("pk", flat=True))
    related |= set(ActivityEvent.objects.filter(actor=user).values_list("scheme_id", flat=True))
    return related


def activity_about(*, user: User) -> QuerySet[ActivityEvent]:
    """Entries of schemes' activity logs about a person: what they did, and what others did
    that names them (a coordinator approving their request, say), in the schemes related to
    them. A one-letter name would match inside other words, so it matches only as the actor.
    This is what deleting the account anonymises (``schemes.account_deletion``)."""
    about = Q(actor=user)
    name = user.name.strip()
    if len(name) >= 2:
        about |= Q(scheme_id__in=scheme_ids_related_to(user=user), summary__contains=name)
    return ActivityEvent.objects.filter(about).select_related("scheme")


@remembered
def _active_memberships_listed(user: AnyUser) -> list[Membership]:
    return list(active_memberships_of(user=user))


@remembered
def member_scheme_ids_where(
    *, user: AnyUser, allowed: Callable[[AnyUser, Scheme], bool], kind: str | None = None
) -> list[int]:
    """Ids of the schemes (of ``kind``, if given) the user is an active member of for which
    the rule ``allowed`` holds: each scheme is put to the rule itself, its membership already
    known, so the whole answer costs one query."""
    ids = []
    for membership in _active_memberships_listed(user):
        scheme = membership.scheme
        if kind is not None and scheme.kind != kind:
            continue
        permissions.memberships_known(user, scheme, {scheme.pk: membership})
        if allowed(user, scheme):
            ids.append(scheme.pk)
    return ids
