"""Reads with rules in them: which schemes, members and activity a user may see."""

import functools
import math
import operator
from bisect import insort
from collections.abc import Callable, Iterator, Sequence
from typing import Any, overload

import numpy as np
from django.db.models import (
    BooleanField,
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
from areas.models import AREA_COLUMNS
from areas.regions import Region
from core import numbers, visibility
from core.memo import remembered
from schemes import permissions
from schemes.models import (
    BBOX_BANDS_PER_DEGREE,
    ActivityEvent,
    Membership,
    MembershipRole,
    MembershipStatus,
    Neighbourhood,
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
    """Schemes whose bounding box overlaps ``box``: the SQL prefilter for every geo look-up
    (``_overlaps_box``)."""
    sql, parameters = _overlaps_box(box)
    overlaps = RawSQL(sql, parameters, output_field=BooleanField())  # noqa: S611 (constant SQL but for the count of bands; the numbers are parameters)
    return schemes.filter(overlaps)


# ``_overlaps_box``'s SQL. The band's expression is the index's, word for word.
_OVERLAPS_BOX = (
    "FLOOR(bbox_south * {per_degree}) IN ({bands})"
    " AND bbox_south >= %s - COALESCE("
    "(SELECT MAX(bbox_north - bbox_south) FROM schemes_scheme), %s)"
    " AND bbox_south <= %s AND bbox_west >= %s AND bbox_west <= %s"
    " AND bbox_north >= %s AND bbox_east >= %s"
)


def _overlaps_box(box: geo.BBox) -> tuple[str, list[float]]:
    """SQL saying whether a scheme's bounding box overlaps ``box``, and its parameters: the
    SQL of ``schemes_in_bbox``, written out because building it from the ORM's lookups took
    longer than the query takes to run.

    The lower bounds on bbox_south and bbox_west follow from the bounded size of an area: an
    overlapping box starts no further south than ``box.south`` less the tallest box stored
    (a scalar subquery the ``scheme_bbox_height`` index answers by reading one entry), no
    more than ``geo.MAX_SPAN_LAT_DEG``, and no further west than ``geo.MAX_SPAN_LON_DEG``.

    The index on the boxes (``scheme_bbox_overlap``) leads with the band of latitude each
    box starts in, a tenth of a degree high, then the west side: given the bands the search
    may find boxes starting in, the B-tree reads, in each band, only the boxes starting
    within the search's span of longitude. Read by bbox_south alone, it read every box in
    the span of latitude, across all England and Wales: several times as many entries.

    The columns are not qualified with the table's name, so that they are the scheme's own
    wherever Django places the query."""
    first = math.floor((box.south - geo.MAX_SPAN_LAT_DEG) * BBOX_BANDS_PER_DEGREE)
    bands = list(range(first, math.floor(box.north * BBOX_BANDS_PER_DEGREE) + 1))
    sql = _OVERLAPS_BOX.format(
        per_degree=BBOX_BANDS_PER_DEGREE, bands=", ".join(["%s"] * len(bands))
    )
    return sql, [
        *bands,
        box.south,
        geo.MAX_SPAN_LAT_DEG,
        box.north,
        box.west - geo.MAX_SPAN_LON_DEG,
        box.east,
        box.south,
        box.west,
    ]


# ``schemes_in_bbox`` for the active schemes of a force, as ``geo.overlapping_ids`` reads
# them: constant SQL, because building and compiling the same query with the ORM took a
# third as long again as running it. Spelt so that SQLite (``make run``) runs it too.
_ACTIVE_AREAS_IN_BBOX = """
    SELECT id, centre_lat, centre_lon, radius_m, CAST(boundary AS TEXT),
           bbox_south, bbox_west, bbox_north, bbox_east
    FROM schemes_scheme
    WHERE status = %s AND force = %s AND """


def active_scheme_areas_in_bbox(
    *, box: geo.BBox, force: str, kinds: Sequence[str]
) -> list[geo.AreaRow]:
    """The id and area columns (``geo.AreaRow``, the boundary as its text) of the active
    schemes of ``force`` (of ``kinds``, if any given) whose bounding box overlaps ``box``,
    in no order: what ``schemes_in_bbox`` selects, read without the ORM."""
    overlaps, numbers_of_box = _overlaps_box(box)
    sql = _ACTIVE_AREAS_IN_BBOX + overlaps
    parameters: list[Any] = [SchemeStatus.ACTIVE.value, force, *numbers_of_box]
    if kinds:
        sql += f"  AND kind IN ({', '.join(['%s'] * len(kinds))})"
        parameters += kinds
    return numbers.rows_of(sql, parameters)


def schemes_near(
    *, schemes: QuerySet[Scheme], point: geo.Point, radius_m: float
) -> "NearbySchemes":
    """Schemes whose area comes within ``radius_m`` of ``point``, nearest first (then by
    name): a sequence that knows how many there are, and whose items (each with a
    ``distance_m`` attribute: metres from the point to the nearest edge of its area, 0 when
    the point is inside it) are read from the database a slice at a time.

    The bounding-box prefilter reads plain columns, all of them in the index on the boxes;
    which schemes come within reach is settled by ``geo.Reach`` (the great-circle shortcut,
    the geodesic only near the edge; a polygon's box before the polygon). Exact distances
    are measured for as many schemes as the order of the slice asked for depends on, and a
    polygon's boundary is read only when it is one of them or lies across the edge of
    reach."""
    candidates = (
        schemes_in_bbox(schemes, geo.circle_bbox(point, radius_m))
        .order_by()
        .values_list("pk", "name", *_CANDIDATE_COLUMNS)
    )
    # The candidates' columns are plain numbers and text, nothing a converter of the ORM's
    # would change: read in binary (``core.numbers``), they cost a fraction.
    rows = numbers.rows_of(*candidates.query.sql_with_params())
    return NearbySchemes(schemes, geo.Reach(point, radius_m), rows)


# What a candidate of ``schemes_near`` is settled and ranked on besides its id and name: a
# circle's centre and radius, a polygon's bounding box (south, west, north, east), in four
# columns, the fourth NaN for a circle. They are read from the index ``scheme_bbox_overlap``
# alone, which also holds the columns the visibility rule and the directory's filters read:
# the candidates (a thousand or more at 25 km) need no visit to each one's row in the table,
# which with printing each polygon's GeoJSON was most of the query's time. Four columns, not
# the seven they come from: each number sent, and turned into a float and then into an
# array's element, costs about as much as all the arithmetic done with it.
_CANDIDATE_COLUMNS = tuple(
    RawSQL(sql, parameters, output_field=FloatField())  # noqa: S611 (constant SQL)
    for sql, parameters in [
        ("CASE WHEN radius_m IS NULL THEN bbox_south ELSE centre_lat END", ()),
        ("CASE WHEN radius_m IS NULL THEN bbox_west ELSE centre_lon END", ()),
        ("CASE WHEN radius_m IS NULL THEN bbox_north ELSE radius_m END", ()),
        ("CASE WHEN radius_m IS NULL THEN bbox_east ELSE %s END", (math.nan,)),
    ]
)

# The boundaries of the polygons ``NearbySchemes`` must measure, by id: schemes the caller's
# queryset has already chosen, so no rule of who may see them is needed again.
_BOUNDARIES = "SELECT id, CAST(boundary AS TEXT) FROM schemes_scheme WHERE id IN ({})"


class NearbySchemes(Sequence[Scheme]):
    """``schemes_near``'s answer: the schemes within reach, nearest first, for a paginator
    to count and slice.

    A slice is at most two queries, however many schemes there are: the boundaries of the
    polygons its order depends on, with those of the polygons across the edge of reach
    (which the count depends on), when some were not read before; then its own rows."""

    def __init__(self, schemes: QuerySet[Scheme], reach: geo.Reach, rows: list[Any]):
        self._schemes = schemes
        self._reach = reach
        # (pk, name, *_CANDIDATE_COLUMNS) of each candidate: (pk, name, lat, lon, radius,
        # NaN) for a circle.
        self._rows = rows
        limit = reach.radius_m
        if rows:
            _, _, *columns = zip(*rows, strict=True)
            first, second, third, fourth = (np.array(column, dtype=float) for column in columns)
            self._polygon = ~np.isnan(fourth)
            # Each kind's bounds are worked out from its own columns only.
            radii = np.where(self._polygon, math.nan, third)
            low, high = reach.distance_bounds_many(
                first, second, radii, (first, second, third, fourth)
            )
        else:
            low = high = np.zeros(0)
            self._polygon = np.zeros(0, dtype=bool)
        self._high = high
        self._low: list[float] = low.tolist()
        possible = low <= limit
        self._surely_within = high <= limit
        # Near the edge of reach only the geodesic, or the polygon's edges, can tell.
        self._edge = np.flatnonzero(possible & ~self._surely_within).tolist()
        # The polygons that may have to be measured, and whether their boundary was read.
        self._unread = self._polygon & possible
        self._boundaries: dict[int, str] = {}
        # By the lower bounds: those not yet measured come in this order (those across the
        # edge are dropped as they turn out to be out of reach).
        order = np.flatnonzero(possible)
        self._waiting: list[int] = order[np.argsort(low[order], kind="stable")].tolist()
        self._low_bounds = low
        self._measured: dict[int, float] = {}
        self._count: int | None = None
        self._next = 0
        # Measured, in their final order: ((metres, name, pk), index of the row).
        self._ranked: list[tuple[tuple[int, str, int], int]] = []

    def __len__(self) -> int:
        if self._count is None:
            self._read_boundaries(0)
            self._measure_many(self._edge)
            limit = self._reach.radius_m
            edge = sum(1 for index in self._edge if self._measured[index] <= limit)
            self._count = int(np.count_nonzero(self._surely_within)) + edge
        return self._count

    @overload
    def __getitem__(self, index: int) -> Scheme: ...

    @overload
    def __getitem__(self, index: slice) -> list[Scheme]: ...

    def __getitem__(self, index: int | slice) -> Scheme | list[Scheme]:
        self._read_boundaries(_positions_up_to(index))
        if isinstance(index, slice):
            return self._page(range(len(self))[index])
        (scheme,) = self._page([range(len(self))[index]])
        return scheme

    def _read_boundaries(self, first: int | None) -> None:
        """Read, in one query, the boundaries not yet read of the polygons across the edge
        of reach and of those that may be measured to put the ``first`` schemes in order
        (all of them when None)."""
        limit = self._reach.radius_m
        within = self._high[self._surely_within]
        if first is None or first > len(within):
            bound = limit
        elif first == 0:
            bound = -1.0
        else:
            # Some ``first`` schemes are within this distance, so the ``first`` nearest are
            # too; ``_rank`` measures no scheme whose lower bound, rounded to the metre as
            # its distance is, lies beyond it.
            bound = float(np.partition(within, first - 1)[first - 1]) + 1.0
        wanted = self._unread & ((self._high > limit) | (self._low_bounds <= bound))
        self._read(np.flatnonzero(wanted).tolist())

    def _read(self, indices: list[int]) -> None:
        if not indices:
            return
        by_pk = {self._rows[index][0]: index for index in indices}
        sql = _BOUNDARIES.format(", ".join(["%s"] * len(by_pk)))
        for pk, boundary in numbers.rows_of(sql, list(by_pk)):
            self._boundaries[by_pk[pk]] = boundary
        self._unread[indices] = False

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
        limit = self._reach.radius_m
        while self._next < len(self._waiting):
            index = self._waiting[self._next]
            if (
                len(self._ranked) >= count
                and round(self._low[index]) > self._ranked[count - 1][0][0]
            ):
                return
            if index not in self._measured:
                self._measure_many(self._waiting[self._next : self._next + self.BATCH])
            self._next += 1
            metres = self._measure(index)
            if metres <= limit:
                pk, name, *_ = self._rows[index]
                insort(self._ranked, ((round(metres), name, pk), index))

    # Areas are measured this many at a time, in the order they are waiting: numpy and
    # PROJ measure a few dozen as fast as one, and a page usually needs about as many.
    BATCH = 32

    def _measure_many(self, indices: Sequence[int]) -> None:
        """Measure the areas of the rows at ``indices`` not measured yet (polygons only if
        their boundary has been read), all at once: exactly enough to compare with the
        radius and to round to whole metres, which is all that is done with them
        (``geo.Reach.polygon_distances_m`` and ``circle_distances_m``)."""
        polygons, circles = [], []
        for index in indices:
            if index in self._measured:
                continue
            if self._polygon[index]:
                if index in self._boundaries:
                    polygons.append(index)
            elif self._high[index] == 0.0:  # the point is inside the circle
                self._measured[index] = 0.0
            else:
                circles.append(index)
        limit = self._reach.radius_m
        if polygons:
            boundaries = [self._boundaries[index] for index in polygons]
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
            if self._unread[index]:  # not foreseen by ``_read_boundaries``: still right
                self._read([index])
            self._measure_many([index])
        return self._measured[index]


def _positions_up_to(index: int | slice) -> int | None:
    """How many of the first positions ``index`` may reach, when that does not depend on
    the length: None when it does (a negative index, a slice to the end)."""
    if not isinstance(index, slice):
        position = operator.index(index)
        return position + 1 if position >= 0 else None
    start, stop, step = index.start or 0, index.stop, index.step or 1
    if stop is None or stop < 0 or start < 0 or step < 0:
        return None
    return stop


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
    """The logs of the schemes the user manages; and, for a liaison, their force's own
    events (of no scheme)."""
    visible = Q(scheme__in=schemes_managed_by(user=user))
    force = liaison_force(user)
    if force:
        visible |= Q(scheme__isnull=True, force=force)
    return ActivityEvent.objects.filter(visible).select_related("scheme")


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
    related |= set(
        ActivityEvent.objects.filter(actor=user, scheme__isnull=False).values_list(
            "scheme_id", flat=True
        )
    )
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


# --- Policing neighbourhoods ---------------------------------------------------------------
# A scheme lies in a neighbourhood of its own force when their areas overlap (touching
# counts), as an alert's area reaches a scheme: worked out when asked, so that an import or
# an edited scheme area never leaves a stale answer behind.

# A scheme's row as ``geo.AreaRow`` has it.
SCHEME_AREA_COLUMNS = ("id", *AREA_COLUMNS)


@visibility.rule("neighbourhood")
def neighbourhoods_visible_to(*, user: AnyUser) -> QuerySet[Neighbourhood]:
    """Every force's neighbourhoods, to anyone: forces publish them."""
    return Neighbourhood.objects.all()


def neighbourhood_box(neighbourhood: Neighbourhood) -> geo.BBox:
    return geo.BBox(
        neighbourhood.bbox_south,
        neighbourhood.bbox_west,
        neighbourhood.bbox_north,
        neighbourhood.bbox_east,
    )


def areas_by_box(
    rows: Sequence[geo.AreaRow], boxes: Sequence[geo.BBox]
) -> Iterator[list[geo.AreaRow]]:
    """For each box in turn, the rows (read once, for all of them) whose bounding box
    overlaps it, touching counting: what ``schemes_in_bbox`` would select for it among them.
    The boxes are compared all at once, without an object for each row."""
    columns = np.array([row[5:9] for row in rows], dtype=float).reshape(-1, 4)
    south, west, north, east = columns.T
    for box in boxes:
        near = (south <= box.north) & (north >= box.south) & (west <= box.east) & (east >= box.west)
        yield [rows[index] for index in np.flatnonzero(near).tolist()]


def scheme_ids_in_neighbourhood(*, neighbourhood: Neighbourhood) -> list[int]:
    """The ids of the schemes (of any status) of the neighbourhood's force that lie in it."""
    candidates = schemes_in_bbox(
        Scheme.objects.filter(force=neighbourhood.force), neighbourhood_box(neighbourhood)
    ).values_list(*SCHEME_AREA_COLUMNS)
    return Region(neighbourhood.boundary).overlapping_ids(candidates)


def neighbourhoods_of_scheme(*, scheme: Scheme) -> list[Neighbourhood]:
    """The neighbourhoods of the scheme's force that it lies in, by name."""
    box = scheme.bbox
    candidates = Neighbourhood.objects.filter(
        force=scheme.force,
        bbox_south__lte=box.north,
        bbox_north__gte=box.south,
        bbox_west__lte=box.east,
        bbox_east__gte=box.west,
    )
    row = tuple(getattr(scheme, column) for column in SCHEME_AREA_COLUMNS)
    return [
        neighbourhood
        for neighbourhood in candidates
        if Region(neighbourhood.boundary).overlapping_ids([row])
    ]


def active_schemes_in_neighbourhoods(
    neighbourhoods: Sequence[Neighbourhood],
) -> dict[int, int]:
    """How many active schemes lie in each neighbourhood, by its id: one query per force
    among them (a page of one force's set: one query)."""
    counts: dict[int, int] = {}
    forces = sorted({neighbourhood.force for neighbourhood in neighbourhoods})
    for force in forces:
        own = [n for n in neighbourhoods if n.force == force]
        boxes = [neighbourhood_box(n) for n in own]
        around = geo.bbox_around(boxes)
        rows = active_scheme_areas_in_bbox(box=around, force=force, kinds=[])
        for neighbourhood, near in zip(own, areas_by_box(rows, boxes), strict=True):
            counts[neighbourhood.pk] = len(Region(neighbourhood.boundary).overlapping_ids(near))
    return counts
