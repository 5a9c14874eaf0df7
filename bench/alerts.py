"""Benchmark: alert dispatch on PostgreSQL, Redis and a real Celery worker.

Fills a separate database with 100,000 active schemes spread over England and Wales (circles
and polygons, as bench/directory.py does; all of one force area, the worst case for the
force filter) and two dense clusters of schemes whose members hear alerts: one alert over
the first reaches 10,000 people, one over the second 100,000. Each cluster scheme has a
coordinator (no settings saved: the defaults, in-app and email) and 199 volunteers who chose
the in-app inbox only, plus members an alert must skip: other categories, a higher minimum
severity, the scheme muted, a pending join request. Then it times:

1. matching: ``scheme_ids_touched_by`` for a 10 km alert at random points (the SQL
   bounding-box prefilter plus the exact geometry of each candidate), with the query plan
   of the prefilter;
2. (last) the queue step for the 100,000-recipient alert in-process (committed, so with the
   foreign-key checks each store's commit runs; then deleted), on one database connection
   and on ``NOTIFICATIONS_STORE_CONNECTIONS``, with how long matching and cutting the
   audience into stores take;
3. dispatch through the worker, from calling ``alert_publish`` (its commit enqueues
   ``notifications.queue_notices``): until every notice is stored and every delivery batch
   is enqueued (the queue task has returned), and until every in-app notice is sent; and
   the peak resident memory (``VmHWM``) of the worker's processes, a fresh worker for each
   alert, so that the 10,000 and 100,000 figures can be compared;
4. the same for a naive dispatch defined here, one task per notice, for comparison. At
   100,000 recipients it is stopped after ``--naive-timeout`` seconds and the fraction of
   in-app notices sent by then is reported.

It prints PASS or FAIL against issue 14's targets for 100,000 recipients (P2): stored and
queued within 3 s, every in-app notice sent within 10 s, and the worker's peak memory within
25 MB of its peak for 10,000 recipients (bounded by the batch, not the audience).

The coordinators' notices by email (one recipient in 200) go to Django's in-memory email
backend in the worker: no mail server is needed, and the figures are about dispatch, not SMTP.

The worker is started as ``python -m celery -A backend worker`` with this module included
(``--include=bench.alerts``): that registers the naive tasks and lets the worker record, in
Redis, when it is ready and when a queue task has returned.

Usage:  .venv/bin/python bench/alerts.py [--schemes 100000] [--runs 500]
            [--pool prefork] [--concurrency 2] [--batch-size N] [--naive-timeout 120]
Needs PostgreSQL (DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/patchwatch_bench_alerts; the database is created if
missing and reused when it already holds the requested data) and Redis (CELERY_BROKER_URL,
default redis://127.0.0.1:6379/3; its queue is purged before each run).
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from celery import shared_task
from celery.signals import task_postrun, worker_ready

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.measure import ensure_database  # noqa: E402

if TYPE_CHECKING:
    import redis

    from notifications.models import Alert

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/patchwatch_bench_alerts"
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/3"

# England and Wales, roughly: where generated schemes are placed.
SOUTH, NORTH, WEST, EAST = 50.6, 53.9, -4.3, 1.6
FORCE = "cambridgeshire"


@dataclass(frozen=True)
class Cluster:
    label: str
    lat: float
    lon: float
    schemes: int


# One alert over each cluster; 200 recipients per scheme (a coordinator, 199 volunteers).
CLUSTERS = (
    Cluster("10k", 52.2053, 0.1218, 50),  # Cambridge
    Cluster("100k", 52.4862, -1.8904, 500),  # Birmingham
)
RECIPIENTS_PER_SCHEME = 200
# Per cluster scheme, members the alert must skip (see populate()).
SKIPPED_PER_SCHEME = 25
CLUSTER_RADIUS_M = 3_000
ALERT_RADIUS_M = 10_000
# Background schemes keep this far from a cluster, so each alert reaches its cluster only.
CLUSTER_CLEARANCE_M = 20_000
BACKGROUND_USERS = 10_000
BACKGROUND_MEMBERS_PER_SCHEME = 2

# Issue 14's targets for dispatching to 100,000 people (P2).
QUEUED_TARGET_S = 3.0
DELIVERED_TARGET_S = 10.0
MEMORY_GROWTH_MB = 25

MARK = "bench-alerts:"
# Redis keys of the Celery Redis transport's unacknowledged messages; a worker stopped
# mid-task leaves its task there, to be restored into the queue an hour later.
UNACKED_KEYS = ("unacked", "unacked_index", "unacked_mutex")


# --- In the worker -----------------------------------------------------------------------


def _redis() -> "redis.Redis":
    import redis

    return redis.Redis.from_url(os.environ.get("CELERY_BROKER_URL", DEFAULT_BROKER_URL))


@worker_ready.connect
def _worker_ready(**_: object) -> None:
    with _redis() as client:
        client.set(MARK + "ready", str(os.getpid()))


@task_postrun.connect
def _queue_step_done(
    sender: Any = None, kwargs: Any = None, state: Any = None, **_: object
) -> None:
    if sender is not None and sender.name in {
        "notifications.queue_notices",
        "bench.naive_queue_notices",
    }:
        with _redis() as client:
            client.set(f"{MARK}queued:{kwargs['alert_id']}", f"{time.time()} {state}")


@shared_task(name="bench.naive_queue_notices", acks_late=True)
def naive_queue_notices(*, alert_id: int) -> int:
    """The naive dispatch: the same notices stored, then one delivery task per notice."""
    from notifications import dispatch

    def deliver_each(notice_ids: list[int]) -> None:
        for notice_id in notice_ids:
            naive_deliver_notice.delay(notice_id=notice_id)

    return dispatch.alert_queue_notices(alert_id=alert_id, deliver=deliver_each)


@shared_task(name="bench.naive_deliver_notice", acks_late=True)
def naive_deliver_notice(*, notice_id: int) -> int:
    from notifications import dispatch

    return dispatch.notices_deliver(notice_ids=[notice_id]).delivered


# --- Data ------------------------------------------------------------------------------


def migrate() -> None:
    """Migrate; start again from an empty database when a table is missing all the same
    (a migration that was edited after this database was built)."""
    from django.apps import apps
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    tables = {model._meta.db_table for model in apps.get_models()}
    if tables - set(connection.introspection.table_names()):
        print("The database does not match the migrations; building it again.")
        connection.close()
        ensure_database(os.environ["DATABASE_URL"], fresh=True)
        call_command("migrate", verbosity=0)


def expected_counts(schemes: int) -> dict[str, int]:
    cluster_schemes = sum(cluster.schemes for cluster in CLUSTERS)
    per_scheme = RECIPIENTS_PER_SCHEME + SKIPPED_PER_SCHEME
    return {
        "schemes": schemes,
        "users": cluster_schemes * per_scheme + BACKGROUND_USERS + 1,
        "memberships": cluster_schemes * per_scheme
        + (schemes - cluster_schemes) * BACKGROUND_MEMBERS_PER_SCHEME,
        # Every cluster member but the coordinator chose settings.
        "preferences": cluster_schemes * (per_scheme - 1),
    }


def current_counts() -> dict[str, int]:
    from accounts.models import User
    from notifications.models import Preference
    from schemes.models import Membership, Scheme

    return {
        "schemes": Scheme.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "preferences": Preference.objects.count(),
    }


def _area(rng: random.Random, lat: float, lon: float, polygon: bool) -> dict[str, object]:
    from areas.models import area_fields

    if polygon:
        half_lat, half_lon = rng.uniform(0.005, 0.04), rng.uniform(0.008, 0.06)
        ring = [
            [lon - half_lon, lat - half_lat],
            [lon + half_lon, lat - half_lat],
            [lon + half_lon * 0.6, lat + half_lat],
            [lon - half_lon, lat + half_lat * 0.8],
            [lon - half_lon, lat - half_lat],
        ]
        return area_fields(boundary={"type": "Polygon", "coordinates": [ring]})
    return area_fields(lat=lat, lon=lon, radius_m=rng.randint(300, 3000))


def _offset(rng: random.Random, lat: float, lon: float, within_m: float) -> tuple[float, float]:
    from areas import geo

    box = geo.circle_bbox(geo.Point(lat, lon), within_m)
    while True:
        point = geo.Point(rng.uniform(box.south, box.north), rng.uniform(box.west, box.east))
        if geo.distance_m(point, geo.Point(lat, lon)) <= within_m:
            return point.lat, point.lon


def populate(schemes_wanted: int, rng: random.Random) -> None:
    from django.core.management import call_command
    from django.db import transaction

    from accounts.models import LiaisonProfile, User
    from areas import geo
    from areas.models import area_fields
    from notifications.models import Preference
    from schemes.models import Membership, Scheme

    expected = expected_counts(schemes_wanted)
    if current_counts() == expected:
        print(f"Reusing {schemes_wanted:,} schemes and their members already in the database.")
        return
    print(f"Generating {schemes_wanted:,} schemes with members ...", flush=True)
    started = time.perf_counter()
    call_command("flush", interactive=False, verbosity=0)
    kinds = ["neighbourhood", "speedwatch", "countryside"]
    centres = [geo.Point(cluster.lat, cluster.lon) for cluster in CLUSTERS]
    with transaction.atomic():
        liaison = User.objects.create(email="liaison@bench.invalid", name="Liaison", password="!")
        LiaisonProfile.objects.create(user=liaison, force=FORCE)

        schemes = []
        for cluster in CLUSTERS:
            for n in range(cluster.schemes):
                lat, lon = _offset(rng, cluster.lat, cluster.lon, CLUSTER_RADIUS_M)
                area = area_fields(lat=lat, lon=lon, radius_m=rng.randint(300, 1500))
                schemes.append(
                    Scheme(
                        name=f"{cluster.label} cluster scheme {n}",
                        kind=kinds[n % 3],
                        force=FORCE,
                        status="active",
                        **area,
                    )
                )
        n = 0
        while len(schemes) < schemes_wanted:
            lat, lon = rng.uniform(SOUTH, NORTH), rng.uniform(WEST, EAST)
            point = geo.Point(lat, lon)
            if any(geo.distance_m(point, centre) < CLUSTER_CLEARANCE_M for centre in centres):
                continue
            schemes.append(
                Scheme(
                    name=f"Scheme {n}",
                    kind=kinds[n % 3],
                    force=FORCE,
                    status="active",
                    **_area(rng, lat, lon, polygon=n % 5 == 4),
                )
            )
            n += 1
        schemes = Scheme.objects.bulk_create(schemes, batch_size=5000)
        cluster_schemes = schemes[: sum(cluster.schemes for cluster in CLUSTERS)]
        background = schemes[len(cluster_schemes) :]

        per_scheme = RECIPIENTS_PER_SCHEME + SKIPPED_PER_SCHEME
        users = User.objects.bulk_create(
            (
                User(email=f"member{n}@bench.invalid", name=f"Member {n}", password="!")
                for n in range(len(cluster_schemes) * per_scheme + BACKGROUND_USERS)
            ),
            batch_size=5000,
        )
        pool = users[len(cluster_schemes) * per_scheme :]

        memberships, preferences, muted = [], [], []
        for index, scheme in enumerate(cluster_schemes):
            members = users[index * per_scheme : (index + 1) * per_scheme]
            coordinator, volunteers = members[0], members[1:RECIPIENTS_PER_SCHEME]
            skipped = members[RECIPIENTS_PER_SCHEME:]
            memberships.append(
                Membership(scheme=scheme, user=coordinator, status="active", role="coordinator")
            )
            for user in volunteers:
                memberships.append(Membership(scheme=scheme, user=user, status="active"))
                preferences.append(Preference(user=user, channels=[]))
            # Members the alert (burglary, Severe) skips: 8 only want rural crime, 4 only
            # speeding, 4 only Extreme, 4 muted the scheme, 5 are still waiting to join.
            # (Members who saved no settings hear every alert, as coordinators do.)
            for position, user in enumerate(skipped):
                status = "pending" if position >= 20 else "active"
                memberships.append(Membership(scheme=scheme, user=user, status=status))
                if position < 8:
                    preferences.append(Preference(user=user, categories=["rural_crime"]))
                elif position < 12:
                    preferences.append(Preference(user=user, categories=["speeding"]))
                elif 12 <= position < 16:
                    preferences.append(Preference(user=user, min_severity="Extreme"))
                elif position >= 16:
                    preferences.append(Preference(user=user))
                    if position < 20:
                        muted.append((user, scheme))
        for scheme in background:
            first, second = rng.sample(pool, 2)
            memberships.append(
                Membership(scheme=scheme, user=first, status="active", role="coordinator")
            )
            memberships.append(Membership(scheme=scheme, user=second, status="active"))
        Membership.objects.bulk_create(memberships, batch_size=5000)
        saved = {
            preference.user_id: preference
            for preference in Preference.objects.bulk_create(preferences, batch_size=5000)
        }
        Preference.muted_schemes.through.objects.bulk_create(
            Preference.muted_schemes.through(preference_id=saved[user.pk].pk, scheme_id=scheme.pk)
            for user, scheme in muted
        )
    print(f"  done in {time.perf_counter() - started:.1f} s", flush=True)


# --- Measuring -------------------------------------------------------------------------


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, int(len(ordered) * fraction) - 1)]


def bench_matching(runs: int, rng: random.Random) -> tuple[float, float]:
    from django.db import connection

    from areas import geo
    from notifications.selectors import scheme_ids_touched_by
    from schemes.models import Scheme
    from schemes.selectors import schemes_in_bbox

    points = [
        geo.Point(rng.uniform(SOUTH + 0.3, NORTH - 0.3), rng.uniform(WEST + 0.3, EAST - 0.3))
        for _ in range(runs)
    ]

    def match(point: geo.Point) -> int:
        area = geo.Area(centre=point, radius_m=ALERT_RADIUS_M)
        box = geo.circle_bbox(point, ALERT_RADIUS_M)
        return len(scheme_ids_touched_by(area=area, box=box, force=FORCE, kinds=[]))

    match(points[0])  # warm up caches and the connection
    samples, found = [], []
    for point in points:
        started = time.perf_counter()
        found.append(match(point))
        samples.append((time.perf_counter() - started) * 1000)
    candidates = [
        schemes_in_bbox(
            Scheme.objects.filter(status="active", force=FORCE),
            geo.circle_bbox(point, ALERT_RADIUS_M),
        ).count()
        for point in points[:50]
    ]
    median, p95 = statistics.median(samples), percentile(samples, 0.95)
    print(
        f"\nMatching a {ALERT_RADIUS_M // 1000} km alert, {runs} random points: "
        f"median {median:.2f} ms, p95 {p95:.2f} ms, max {max(samples):.2f} ms "
        f"({statistics.mean(found):.0f} schemes matched, "
        f"{statistics.mean(candidates):.0f} candidates from the prefilter, on average)"
    )
    box = geo.circle_bbox(points[0], ALERT_RADIUS_M)
    query = schemes_in_bbox(Scheme.objects.filter(status="active", force=FORCE), box).query
    sql, params = query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        plan = [row[0] for row in cursor.fetchall()]
    print("Query plan of the prefilter:")
    for line in plan:
        print("  " + line)
    return median, p95


def draft_alert(cluster: Cluster, title: str) -> "Alert":
    from accounts.models import User
    from notifications.services import alert_draft

    return alert_draft(
        issuer=User.objects.get(email="liaison@bench.invalid"),
        details={
            "title": title,
            "body": "Two break-ins overnight; check sheds and side gates.",
            "category": "burglary",
            "severity": "Severe",
            "urgency": "Expected",
            "audience": "members",
        },
        area={"lat": cluster.lat, "lon": cluster.lon, "radius_m": ALERT_RADIUS_M},
        scheme=None,
    )


def bench_queue_step(cluster: Cluster) -> None:
    """Where the queue task's time goes, in-process: matching, cutting the audience into
    stores, then storing (committed, so that the foreign-key checks each store's commit
    runs are counted), on one database connection and on as many as the setting says. The
    alerts are deleted afterwards."""
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from areas import geo
    from notifications import dispatch
    from notifications.models import Alert, Notice
    from notifications.selectors import recipient_bounds, scheme_ids_touched_by

    lanes = settings.NOTIFICATIONS_STORE_CONNECTIONS
    for connections in sorted({1, lanes}):
        settings.NOTIFICATIONS_STORE_CONNECTIONS = connections
        alert = draft_alert(cluster, "Queue step")
        Alert.objects.filter(pk=alert.pk).update(status="published", published_at=timezone.now())
        box = geo.BBox(alert.bbox_south, alert.bbox_west, alert.bbox_north, alert.bbox_east)
        started = time.perf_counter()
        scheme_ids = scheme_ids_touched_by(
            area=alert.area, box=box, force=alert.force, kinds=alert.scheme_kinds
        )
        matched = time.perf_counter()
        bounds = recipient_bounds(alert=alert, scheme_ids=scheme_ids, every=dispatch._store_size())
        stores = len(bounds) + 1
        cut = time.perf_counter()
        batches = dispatch.alert_queue_notices(alert_id=alert.pk)
        whole = time.perf_counter() - cut
        notices = Notice.objects.filter(alert=alert).count()
        recipients = Alert.objects.get(pk=alert.pk).recipients_count
        Alert.objects.filter(pk=alert.pk).delete()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE notifications_notice")
        print(
            f"\nThe queue step in-process, {recipients:,} recipients, {notices:,} notices in "
            f"{batches} batches, {stores} stores on {connections} connection(s): {whole:.2f} s, "
            f"of which matching {(matched - started) * 1000:.0f} ms and cutting the audience "
            f"into stores {(cut - matched) * 1000:.0f} ms (measured apart)"
        )
    settings.NOTIFICATIONS_STORE_CONNECTIONS = lanes


@dataclass
class Dispatch:
    naive: bool
    recipients: int
    notices: int = 0
    queued_s: float | None = None
    delivered_s: float | None = None
    sent_fraction: float = 0.0
    # The highest peak resident memory of the worker's processes, and their resident memory
    # when idle, just started (MB).
    peak_mb: float | None = None
    idle_mb: float | None = None

    @property
    def label(self) -> str:
        return "naive, one task per notice" if self.naive else "batched (notifications tasks)"


def run_dispatch(cluster: Cluster, *, naive: bool, timeout: float) -> Dispatch:
    from django.db import transaction
    from django.utils import timezone

    from notifications.models import Alert, Notice
    from notifications.services import alert_publish

    result = Dispatch(naive, cluster.schemes * RECIPIENTS_PER_SCHEME)
    alert = draft_alert(cluster, f"Bench {cluster.label}{' naive' if naive else ''}")
    in_app = Notice.objects.filter(alert_id=alert.pk, channel="in_app")
    started = time.time()
    with transaction.atomic():
        if naive:
            Alert.objects.filter(pk=alert.pk).update(
                status="published", published_at=timezone.now()
            )
            transaction.on_commit(lambda: naive_queue_notices.delay(alert_id=alert.pk))
        else:
            assert alert.issuer is not None
            alert_publish(alert=alert, actor=alert.issuer)
    with _redis() as client:
        while time.time() < started + timeout:
            if result.queued_s is None and (mark := client.get(f"{MARK}queued:{alert.pk}")):
                at, state = mark.decode().split()
                if state != "SUCCESS":
                    raise SystemExit(f"The queue task ended in {state}; see the worker's log.")
                result.queued_s = float(at) - started
            # Once the queue task has returned every notice is stored; until then a missing
            # notice is not a pending one.
            if (
                result.queued_s is not None
                and not in_app.filter(state__in=["queued", "sending"]).exists()
            ):
                result.delivered_s = time.time() - started
                break
            time.sleep(0.02)
    result.notices = Notice.objects.filter(alert_id=alert.pk).count()
    sent = in_app.filter(state="sent").count()
    result.sent_fraction = sent / result.recipients
    if result.delivered_s is not None:
        assert sent == result.recipients, f"{sent:,} in-app notices sent of {result.recipients:,}"
        assert Alert.objects.get(pk=alert.pk).recipients_count == result.recipients
    print(
        f"  {result.label}, {result.recipients:,} recipients: stored and queued "
        f"{seconds(result.queued_s).strip()}, in-app sent {delivered(result, timeout)}",
        flush=True,
    )
    return result


# --- The worker ------------------------------------------------------------------------


def purge_broker() -> None:
    from backend.celery import app

    app.control.purge()
    with _redis() as client:
        client.delete(*UNACKED_KEYS)
        for key in client.scan_iter(MARK + "*"):
            client.delete(key)


def start_worker(
    pool: str, concurrency: int, env: dict[str, str], log: IO[bytes]
) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "backend",
        "worker",
        f"--pool={pool}",
        f"--concurrency={concurrency}",
        "--without-mingle",
        "--without-gossip",
        "--without-heartbeat",
        "--loglevel=WARNING",
        "--include=bench.alerts",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    with _redis() as client:
        while not client.get(MARK + "ready"):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                log.seek(0)
                raise SystemExit("The Celery worker did not start:\n" + log.read().decode())
            time.sleep(0.1)
    return process


def worker_children(process: subprocess.Popen[bytes]) -> list[int]:
    """The pool processes of a prefork worker (the worker itself with another pool)."""
    try:
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
    except OSError:
        children = []
    return [int(pid) for pid in children] or [process.pid]


def memory_mb(pid: int, field: str) -> float:
    """A process's ``VmHWM`` (its peak resident memory) or ``VmRSS``, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise SystemExit(f"No {field} in /proc/{pid}/status")


def stop_worker(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def clear_alerts() -> None:
    from django.db import connection

    from notifications.models import Alert

    Alert.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE notifications_notice")
        cursor.execute("VACUUM ANALYZE notifications_alert_matched_schemes")


# --- Report ----------------------------------------------------------------------------


def seconds(value: float | None) -> str:
    return f"{value:7.2f} s" if value is not None else "      - "


def delivered(result: Dispatch, timeout: float) -> str:
    if result.delivered_s is not None:
        return seconds(result.delivered_s).strip()
    return f"{result.sent_fraction:.0%} after {timeout:.0f} s"


def print_report(
    results: list[Dispatch], matching: tuple[float, float], timeouts: dict[int, float]
) -> None:
    print("\nDispatch, timed from calling alert_publish:\n")
    print(
        f"{'':<31} {'recipients':>10} {'notices':>9} {'stored+queued':>14} "
        f"{'in-app sent':>16} {'notices/s':>10}"
    )
    for result in results:
        rate = (
            f"{result.notices / result.delivered_s:10,.0f}" if result.delivered_s else f"{'':>10}"
        )
        print(
            f"{result.label:<31} {result.recipients:>10,} {result.notices:>9,} "
            f"{seconds(result.queued_s):>14} "
            f"{delivered(result, timeouts[result.recipients]):>16} {rate}"
        )
    by_kind = {(result.naive, result.recipients): result for result in results}
    for recipients in timeouts:
        batched, naive = by_kind.get((False, recipients)), by_kind.get((True, recipients))
        if not (batched and batched.delivered_s and naive):
            continue
        if naive.delivered_s:
            print(
                f"{recipients:,} recipients: the naive dispatch took "
                f"{naive.delivered_s / batched.delivered_s:.0f} times as long."
            )
        else:
            print(
                f"{recipients:,} recipients: the naive dispatch had sent "
                f"{naive.sent_fraction:.0%} of the in-app notices when it was stopped after "
                f"{timeouts[recipients]:.0f} s; the batched one sent them all in "
                f"{batched.delivered_s:.1f} s."
            )

    def verdict(value: float | None, limit: float) -> str:
        return "PASS" if value is not None and value <= limit else "FAIL"

    small = by_kind.get((False, CLUSTERS[0].schemes * RECIPIENTS_PER_SCHEME))
    large = by_kind.get((False, CLUSTERS[1].schemes * RECIPIENTS_PER_SCHEME))
    print("\nTargets:")
    print(f"  matching, median <= 10 ms: {matching[0]:.2f} ms, {verdict(matching[0], 10)}")
    if large:
        print(
            f"  P2 100,000 recipients stored and queued <= {QUEUED_TARGET_S:g} s: "
            f"{seconds(large.queued_s).strip()}, {verdict(large.queued_s, QUEUED_TARGET_S)}"
        )
        print(
            f"  P2 100,000 recipients in-app sent <= {DELIVERED_TARGET_S:g} s: "
            f"{seconds(large.delivered_s).strip()}, "
            f"{verdict(large.delivered_s, DELIVERED_TARGET_S)}"
        )
    if small and large and small.peak_mb is not None and large.peak_mb is not None:
        # Ten times the audience; what a dispatch holds is one store of recipients either
        # way, so the peak may differ by the noise of a Python process, not by the audience
        # (holding 100,000 notices took about 225 MB).
        growth = large.peak_mb - small.peak_mb
        print(
            f"  P2 worker memory bounded by the batch, not the audience (peak at 100,000 "
            f"within {MEMORY_GROWTH_MB} MB of the peak at 10,000): {small.peak_mb:.0f} MB, "
            f"then {large.peak_mb:.0f} MB ({growth:+.0f} MB), {verdict(growth, MEMORY_GROWTH_MB)}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--schemes", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=500, help="matching runs")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--pool", choices=["prefork", "solo", "threads"], default="prefork")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument(
        "--batch-size", type=int, help="NOTIFICATIONS_BATCH_SIZE (default: the setting's)"
    )
    parser.add_argument(
        "--naive-timeout",
        type=float,
        default=120,
        help="seconds the naive dispatch gets for 100,000 recipients",
    )
    parser.add_argument("--skip-naive", action="store_true")
    args = parser.parse_args()

    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("CELERY_BROKER_URL", DEFAULT_BROKER_URL)
    os.environ["DJANGO_SETTINGS_MODULE"] = "backend.settings"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if args.batch_size:
        os.environ["NOTIFICATIONS_BATCH_SIZE"] = str(args.batch_size)
    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    migrate()
    populate(args.schemes, random.Random(args.seed))
    clear_alerts()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")

    pool = f"{args.pool} x{args.concurrency}" if args.pool != "solo" else "solo"
    print(
        f"\n{args.schemes:,} active schemes, PostgreSQL, Redis, a Celery worker ({pool}), "
        f"delivery batches of {settings.NOTIFICATIONS_BATCH_SIZE}"
    )
    matching = bench_matching(args.runs, random.Random(args.seed))

    # 10 minutes is plenty for anything but the naive dispatch to 100,000.
    timeouts = {
        CLUSTERS[0].schemes * RECIPIENTS_PER_SCHEME: 600.0,
        CLUSTERS[1].schemes * RECIPIENTS_PER_SCHEME: args.naive_timeout,
    }
    print("\nDispatching through the worker ...", flush=True)
    purge_broker()
    results = []
    with tempfile.TemporaryFile() as log:
        # A worker of its own for each batched dispatch, so that the peak memory of its
        # processes is that dispatch's.
        for cluster in CLUSTERS:
            worker = start_worker(args.pool, args.concurrency, dict(os.environ), log)
            try:
                pids = worker_children(worker)
                idle = max(memory_mb(pid, "VmRSS") for pid in pids)
                result = run_dispatch(cluster, naive=False, timeout=600)
                result.idle_mb = idle
                result.peak_mb = max(memory_mb(pid, "VmHWM") for pid in worker_children(worker))
                print(
                    f"    worker processes: {idle:.0f} MB idle, peak {result.peak_mb:.0f} MB",
                    flush=True,
                )
                results.append(result)
            finally:
                stop_worker(worker)
                purge_broker()
        if not args.skip_naive:
            worker = start_worker(args.pool, args.concurrency, dict(os.environ), log)
            try:
                for cluster in CLUSTERS:
                    timeout = timeouts[cluster.schemes * RECIPIENTS_PER_SCHEME]
                    results.append(run_dispatch(cluster, naive=True, timeout=timeout))
            finally:
                stop_worker(worker)
                # A naive dispatch stopped at its timeout leaves tasks behind.
                purge_broker()
    # After the dispatches through the worker: this one commits (and deletes) 200,000
    # notices, which would leave the table they are measured on larger than it starts.
    bench_queue_step(CLUSTERS[1])
    print_report(results, matching, timeouts)


if __name__ == "__main__":
    main()
