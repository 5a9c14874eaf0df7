"""The speedwatch statistics of a set of schemes over a period, grouped in the database."""

import bisect
import itertools
import math
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, QuerySet, Sum

from schemes.models import Scheme
from watch.models import Action, Offence, Session, SessionStatus, uk_month


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


# The planner settings of the statistics' transaction. Counting a force area's repeat vehicles
# over a year groups some 300,000 vehicles in one hash table, about 50 MB: at the default
# work_mem (4 MB, so 8 MB for a hash at the default hash_mem_multiplier of 2) it spilled to
# disk in nine batches. 64 MB lets a hash grow to 128 MB, room for about 800,000 vehicles, and
# bounds what one statistics request may hold; a larger area still gets its answer, spilling
# as before. JIT is off: a force area's year is planned at a cost of 40,000 to 80,000, close
# to jit_above_cost (100,000), which a larger area or a longer period crosses; compiling
# these passes saved nothing beyond the noise on the benchmark's million offences, so the
# compile time would be pure cost (issue 14 saw 10 to 25 ms of it on a list's count).
ANALYTICAL_SETTINGS = {"work_mem": "64MB", "jit": "off"}


@contextmanager
def analytical_queries() -> Iterator[None]:
    """Run the statistics' queries in one transaction with ``ANALYTICAL_SETTINGS``, set for
    that transaction only (``SET LOCAL``), so that the connection's other queries keep the
    server's defaults."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT " + ", ".join("set_config(%s, %s, true)" for _ in ANALYTICAL_SETTINGS),
                    [value for item in ANALYTICAL_SETTINGS.items() for value in item],
                )
        yield


def statistics_for(
    *,
    schemes: QuerySet[Scheme],
    scheme: int | None = None,
    site: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> dict[str, Any]:
    """The statistics of the submitted sessions of ``schemes`` and their offences, narrowed to
    one scheme or one site, and to sessions started (offences observed) from ``since`` and
    before ``until``."""
    # The schemes as a list of ids rather than a subquery: PostgreSQL then reads each pass's
    # offences in one index-only scan of offence_statistics (scheme_id = ANY(...)), which it
    # can split between parallel workers, rather than in a loop over the schemes, and it
    # estimates the rows from the list.
    scheme_ids = list(schemes.order_by().values_list("pk", flat=True))
    sessions = Session.objects.filter(scheme__in=scheme_ids, status=SessionStatus.SUBMITTED)
    offences = Offence.objects.filter(scheme__in=scheme_ids, submitted=True)
    if scheme is not None:
        sessions, offences = sessions.filter(scheme_id=scheme), offences.filter(scheme_id=scheme)
    if site is not None:
        sessions, offences = sessions.filter(site_id=site), offences.filter(site_id=site)
    if since is not None:
        sessions = sessions.filter(started_at__gte=since)
        offences = offences.filter(observed_at__gte=since)
    if until is not None:
        sessions = sessions.filter(started_at__lt=until)
        offences = offences.filter(observed_at__lt=until)
    return statistics(sessions=sessions, offences=offences)


def statistics(*, sessions: QuerySet[Session], offences: QuerySet[Offence]) -> dict[str, Any]:
    """Totals for a set of sessions and the offences recorded in them, plus a monthly series
    with the same measures (all but repeat vehicles, which are a whole period's figure).

    A fixed few queries, whatever the period. A force area's year can be hundreds of
    thousands of offences, so each pass over them counts. The offences are grouped by month,
    speed and action: a few thousand rows from which the totals, the monthly series, the
    means, the letters and the 85th percentiles all follow exactly, speeds being whole
    numbers. (PostgreSQL's ``PERCENTILE_CONT`` would need a sorted pass for the months and
    another for the totals: on the benchmark's million offences that was some 240 ms slower,
    for the same figures; counting the letters with ``FILTER`` clauses rather than grouping
    by action cost another quarter of the pass.) The repeat vehicles are counted by grouping
    the offences of vehicles caught more than once by force and vehicle (see
    ``_offences_grouped``). Offences are counted with ``COUNT(*)`` or over columns of the
    ``offence_statistics`` and ``offence_repeat_vehicles`` indexes, never over the primary
    key, so that PostgreSQL can answer from those indexes alone.

    Months are calendar months in UK time (an offence at 00:30 on 1 April, British Summer
    Time, is April's). Each offence's month is read from the ``offence_statistics`` index
    (``uk_month``), not worked out for every offence of the period; so is each session's,
    from ``session_statistics``.
    """
    with analytical_queries():
        return _statistics(sessions=sessions, offences=offences)


# One row of the offences grouped by month, speed and action: (month, speed, action, count).
GroupedOffences = tuple[list[tuple[datetime, int, str, int]], int]


def _offences_grouped(counted: QuerySet[Offence]) -> GroupedOffences:
    """The counted offences by month, speed and action, and their repeat vehicles: vehicles
    with two or more of them in the same force area.

    Counting repeat vehicles groups offences by force and vehicle, a hash table of every
    vehicle grouped: a force area's year is some 300,000 vehicles, of which fewer than one in
    seven was caught again. Only offences marked ``repeat_vehicle`` are grouped (their vehicle
    has another offence in the force area, in this period or not); an unmarked offence is
    its vehicle's only one, so leaving it out changes no count. On the benchmark's force
    area that is two fifths of the period's offences and a quarter of the vehicles, read from
    a partial index of their own.
    """
    by_month_speed_and_action = (
        counted.annotate(month=uk_month("observed_at"))
        .values_list("month", "speed_mph", "action")
        .annotate(offences=Count("*"))
        .order_by()
    )
    # Repeat vehicles are counted on the vehicle key, which the retention purge keeps.
    repeat_vehicles = (
        counted.filter(repeat_vehicle=True)
        .exclude(vehicle_key="")
        .values("force", "vehicle_key")
        .annotate(times=Count("*"))
        .filter(times__gte=2)
        .count()
    )
    return list(by_month_speed_and_action), repeat_vehicles


LETTERS = {Action.FIRST_LETTER, Action.SECOND_LETTER}


def _statistics(*, sessions: QuerySet[Session], offences: QuerySet[Offence]) -> dict[str, Any]:
    session_sums = {
        # COUNT(*) rather than over the primary key, which session_statistics does not carry.
        "sessions": Count("*"),
        "volunteer_minutes": Sum("volunteer_minutes"),
        "vehicles": Sum("vehicles_counted"),
    }
    by_month_speed_and_action, repeat_vehicles = _offences_grouped(offences.filter(voided=False))
    monthly: dict[str, dict[str, Any]] = {}
    speeds: dict[str, Counter[int]] = {}
    # The sessions' totals are the sums of their months (whole numbers, so exactly), which
    # saves a second pass over them.
    totals: dict[str, Any] = dict.fromkeys((*session_sums, "letters", "referrals"), 0)
    for row in (
        sessions.annotate(month=uk_month("started_at"))
        .values("month")
        .annotate(**session_sums)
        .order_by()
    ):
        monthly.setdefault(row.pop("month").strftime("%Y-%m"), {}).update(row)
        for name in session_sums:
            totals[name] += row[name] or 0
    all_speeds: Counter[int] = Counter()
    for month_start, speed, action, count in by_month_speed_and_action:
        month = month_start.strftime("%Y-%m")
        entry = monthly.setdefault(month, {})
        letters = count if action in LETTERS else 0
        referrals = count if action == Action.POLICE_ACTION else 0
        for values in (entry, totals):
            values["letters"] = values.get("letters", 0) + letters
            values["referrals"] = values.get("referrals", 0) + referrals
        speeds.setdefault(month, Counter())[speed] += count
        all_speeds[speed] += count
    return {
        **_period_figures(totals, all_speeds),
        "repeat_vehicles": repeat_vehicles,
        "monthly": [
            {"month": month, **_period_figures(values, speeds.get(month, Counter()))}
            for month, values in sorted(monthly.items())
        ],
    }
