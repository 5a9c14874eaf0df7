"""Reads with rules in them: what a user may see of Community Speedwatch, the letters queue,
and the statistics, grouped in the database."""

import bisect
import itertools
import math
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from schemes.models import Membership, MembershipRole, MembershipStatus, Scheme, SchemeKind
from schemes.permissions import AnyUser, liaison_force
from watch.filters import AuditFilter
from watch.models import (
    Action,
    AuditRecord,
    Letterhead,
    Offence,
    Session,
    Site,
    SiteStatusChange,
)


def _schemes_where(user: AnyUser, *, coordinators_only: bool) -> QuerySet[Scheme]:
    """Speedwatch schemes the user belongs to (or coordinates), and all of a liaison's force."""
    if not user.is_authenticated:
        return Scheme.objects.none()
    memberships = Membership.objects.filter(
        scheme=OuterRef("pk"), user=user, status=MembershipStatus.ACTIVE
    )
    if coordinators_only:
        memberships = memberships.filter(role=MembershipRole.COORDINATOR)
    visible = Q(Exists(memberships))
    force = liaison_force(user)
    if force:
        visible |= Q(force=force)
    return Scheme.objects.filter(visible, kind=SchemeKind.SPEEDWATCH)


def speedwatch_schemes_visible_to(*, user: AnyUser) -> QuerySet[Scheme]:
    return _schemes_where(user, coordinators_only=False)


def speedwatch_schemes_with_registrations(*, user: AnyUser) -> QuerySet[Scheme]:
    """Schemes whose vehicle registrations the user may see: as coordinator or liaison."""
    return _schemes_where(user, coordinators_only=True)


def sites_visible_to(*, user: AnyUser) -> QuerySet[Site]:
    """The sites of the user's speedwatch schemes (a liaison's: the force area's), each with
    ``managed``: whether the user coordinates its scheme or covers it as liaison, and so may
    read who proposed and decided it (the query form of that rule, so a list asks once)."""
    managed = speedwatch_schemes_with_registrations(user=user).filter(pk=OuterRef("scheme_id"))
    return (
        Site.objects.filter(scheme__in=speedwatch_schemes_visible_to(user=user))
        .select_related("scheme", "proposed_by")
        .annotate(managed=Exists(managed))
    )


def site_history(*, site: Site) -> QuerySet[SiteStatusChange]:
    return SiteStatusChange.objects.filter(site=site).select_related("actor")


def sessions_visible_to(*, user: AnyUser) -> QuerySet[Session]:
    return (
        Session.objects.filter(scheme__in=speedwatch_schemes_visible_to(user=user))
        .select_related("site", "scheme")
        .annotate(
            offence_count=Count("offences", filter=Q(offences__voided=False), distinct=True),
            present_count=Count("present", distinct=True),
        )
    )


def offences_visible_to(*, user: AnyUser) -> QuerySet[Offence]:
    """Offences with their registrations: for the scheme's coordinators and liaisons only."""
    return Offence.objects.filter(
        scheme__in=speedwatch_schemes_with_registrations(user=user)
    ).select_related("site", "scheme")


def audit_records_visible_to(*, user: AnyUser) -> QuerySet[AuditRecord]:
    """A liaison's force area's audit records; every record for staff who are not liaisons."""
    force = liaison_force(user)
    records = AuditRecord.objects.select_related("scheme").prefetch_related(
        Prefetch("schemes", queryset=Scheme.objects.only("id", "name").order_by("name", "id"))
    )
    if force:
        return records.filter(force=force)
    if user.is_authenticated and user.is_staff:
        return records
    return records.none()


def audit_records_list(*, user: AnyUser, filters: Any) -> QuerySet[AuditRecord]:
    """The audit records the user may read, narrowed by ``filters`` (query parameters, see
    ``watch.filters.AuditFilter``); a ValidationError names each bad one."""
    filterset = AuditFilter(filters, queryset=audit_records_visible_to(user=user))
    if not filterset.is_valid():
        raise ValidationError(
            {field: list(messages) for field, messages in filterset.errors.items()}
        )
    return filterset.qs


def letters_queue(*, user: AnyUser) -> QuerySet[Offence]:
    """A liaison's queue: offences of submitted sessions in their force still to act on."""
    force = liaison_force(user)
    if not force:
        return Offence.objects.none()
    return (
        Offence.objects.filter(
            force=force,
            submitted=True,
            voided=False,
            anonymised_at__isnull=True,
        )
        .exclude(action=Action.NONE)
        .select_related("site", "scheme")
        .order_by("observed_at", "id")
    )


def letterhead_for(*, force: str) -> Letterhead:
    """The force's letterhead, or an unsaved one with the defaults when none is set up."""
    return Letterhead.objects.filter(force=force).first() or Letterhead(force=force)


def _ratio(part: float | None, whole: float | None) -> float | None:
    return round(100 * part / whole, 2) if part is not None and whole else None


def _percentile(counts: Counter[int], fraction: float) -> float | None:
    """The continuous percentile of values given with how many times each occurs: the same
    interpolation between the closest ranks as PostgreSQL's ``PERCENTILE_CONT``, so the result
    is exactly the one the database would give."""
    total = counts.total()
    if not total:
        return None
    values = sorted(counts)
    # cumulative[i]: how many values are <= values[i]; the value at a 0-based rank is the
    # first one whose cumulative count passes the rank.
    cumulative = list(itertools.accumulate(counts[value] for value in values))
    position = (total - 1) * fraction
    low_rank = math.floor(position)
    low = values[bisect.bisect_right(cumulative, low_rank)]
    high = values[bisect.bisect_right(cumulative, math.ceil(position))]
    return low + (high - low) * (position - low_rank)


def _period_figures(values: dict[str, Any], speeds: Counter[int]) -> dict[str, Any]:
    """The measures of a period from its session sums and its offences' speeds."""
    vehicles = values.get("vehicles") or 0
    offences = speeds.total()
    mean_speed = (
        sum(speed * count for speed, count in speeds.items()) / offences if offences else None
    )
    p85_speed = _percentile(speeds, 0.85)
    return {
        "sessions": values.get("sessions") or 0,
        "volunteer_hours": round((values.get("volunteer_minutes") or 0) / 60, 1),
        "vehicles": vehicles,
        "offences": offences,
        "percent_over_threshold": _ratio(offences, vehicles),
        "mean_speed_mph": round(mean_speed, 1) if mean_speed is not None else None,
        "p85_speed_mph": round(p85_speed, 1) if p85_speed is not None else None,
        "letters": values.get("letters") or 0,
        "referrals": values.get("referrals") or 0,
    }


@contextmanager
def _analytical_queries() -> Iterator[None]:
    """Let PostgreSQL spread the statistics' scans over parallel workers for the length of
    one transaction. Its default cost of passing a row between processes is set for
    queries returning rows; these return a few hundred groups from hundreds of thousands of
    rows, and on the benchmark's force area the parallel plans take about a quarter off."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL parallel_tuple_cost = 0.001")
        yield


def statistics(*, sessions: QuerySet[Session], offences: QuerySet[Offence]) -> dict[str, Any]:
    """Totals for a set of sessions and the offences recorded in them, plus a monthly series
    with the same measures (all but repeat vehicles, which are a whole period's figure).

    Four queries, whatever the period. A force area's year can be hundreds of thousands of
    offences, so each pass over them counts, and there are two. One groups them by month
    and speed: a few hundred rows from which the totals, the monthly series, the means and
    the 85th percentiles all follow exactly, speeds being whole numbers. (PostgreSQL's
    ``PERCENTILE_CONT`` would need a sorted pass for the months and another for the totals:
    on the benchmark's million offences that was some 240 ms slower, for the same figures.)
    The other counts the repeat vehicles. Offences are counted with ``COUNT(*)`` or over
    columns of the ``offence_statistics`` index, never over the primary key, so that
    PostgreSQL can answer both passes from that index alone.

    Months are calendar months in UTC: converting each of those rows to local time cost a
    fifth of the month pass, and gives the same months here, as sessions run in daylight
    (a UTC and a UK month differ only in the hour after midnight on the 1st, in summer).
    """
    with _analytical_queries():
        return _statistics(sessions=sessions, offences=offences)


def _statistics(*, sessions: QuerySet[Session], offences: QuerySet[Offence]) -> dict[str, Any]:
    session_sums = {
        "sessions": Count("id"),
        "volunteer_minutes": Sum("volunteer_minutes"),
        "vehicles": Sum("vehicles_counted"),
    }
    counted = offences.filter(voided=False)
    by_month_and_speed = (
        counted.annotate(month=TruncMonth("observed_at", tzinfo=UTC))
        .values("month", "speed_mph")
        .annotate(
            offences=Count("*"),
            letters=Count(
                "action", filter=Q(action__in=[Action.FIRST_LETTER, Action.SECOND_LETTER])
            ),
            referrals=Count("action", filter=Q(action=Action.POLICE_ACTION)),
        )
        .order_by()
    )
    # Repeat vehicles are counted on the vehicle key, which the retention purge keeps.
    repeat_vehicles = (
        counted.exclude(vehicle_key="")
        .values("force", "vehicle_key")
        .annotate(times=Count("*"))
        .filter(times__gte=2)
        .count()
    )
    monthly: dict[str, dict[str, Any]] = {}
    speeds: dict[str, Counter[int]] = {}
    for row in (
        sessions.annotate(month=TruncMonth("started_at", tzinfo=UTC))
        .values("month")
        .annotate(**session_sums)
        .order_by()
    ):
        monthly.setdefault(row.pop("month").strftime("%Y-%m"), {}).update(row)
    totals: dict[str, Any] = {**sessions.aggregate(**session_sums), "letters": 0, "referrals": 0}
    all_speeds: Counter[int] = Counter()
    for row in by_month_and_speed:
        month = row["month"].strftime("%Y-%m")
        entry = monthly.setdefault(month, {})
        for values in (entry, totals):
            values["letters"] = values.get("letters", 0) + row["letters"]
            values["referrals"] = values.get("referrals", 0) + row["referrals"]
        speeds.setdefault(month, Counter())[row["speed_mph"]] += row["offences"]
        all_speeds[row["speed_mph"]] += row["offences"]
    return {
        **_period_figures(totals, all_speeds),
        "repeat_vehicles": repeat_vehicles,
        "monthly": [
            {"month": month, **_period_figures(values, speeds.get(month, Counter()))}
            for month, values in sorted(monthly.items())
        ],
    }
