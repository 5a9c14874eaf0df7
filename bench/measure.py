"""What every benchmark here does: its own PostgreSQL database, timed calls and one line of
figures for each."""

import functools
import statistics
import time
from collections.abc import Callable
from typing import Any


def ensure_database(url: str, *, fresh: bool = False) -> None:
    """Create the benchmark's database if it is missing (dropped first when ``fresh``)."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def django_on_own_database() -> None:
    """Set Django up on the benchmark's database (``DATABASE_URL``), created and migrated
    if need be."""
    import os

    import django

    ensure_database(os.environ["DATABASE_URL"])
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def timed(runs: int, call: Callable[[], object]) -> list[float]:
    """Milliseconds of each of ``runs`` calls, after one to warm caches and connections."""
    call()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def report(
    label: str,
    samples: list[float],
    extra: str = "",
    *,
    target_ms: float | None = None,
    width: int = 54,
) -> None:
    """One line of figures; with a target, PASS or FAIL by the median against it."""
    ordered = sorted(samples)
    median = statistics.median(ordered)
    p95 = ordered[max(int(len(ordered) * 0.95) - 1, 0)]
    verdict = ""
    if target_ms is not None:
        verdict = f"  target {target_ms:g} ms: {'PASS' if median <= target_ms else 'FAIL'}"
    print(
        f"{label:<{width}} median {median:7.2f} ms   p95 {p95:7.2f} ms   "
        f"max {ordered[-1]:7.2f} ms{verdict} {extra}"
    )


@functools.cache
def session_extras() -> dict[str, Any]:
    """What each row of the sessions list carries beyond its own columns, for the bare views
    to read as the list does: its offence count and the people present (name and id, by
    name), each a correlated subquery, which PostgreSQL works out for the page's rows only."""
    from django.contrib.postgres.expressions import ArraySubquery
    from django.db.models import Count, OuterRef, Subquery
    from django.db.models.functions import Coalesce, JSONObject

    from watch.models import Offence, Session

    offences = (
        Offence.objects.filter(session=OuterRef("pk"))
        .order_by()
        .values("session")
        .annotate(count=Count("pk"))
        .values("count")
    )
    present = (
        Session.present.through.objects.filter(session=OuterRef("pk"))
        .order_by("user__name", "user_id")
        .values(person=JSONObject(id="user_id", name="user__name"))
    )
    return {
        "offence_count": Coalesce(Subquery(offences), 0),
        "people_present": ArraySubquery(present),
    }
