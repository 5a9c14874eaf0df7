"""Benchmark: the five list endpoints under gunicorn and wrk, each against a bare Django view.

Issue 14's P3 target: a page of 50 rows of ``GET /api/v1/schemes/``, ``speedwatch/sessions/``,
``speedwatch/offences/``, ``alerts/`` and ``inbox/``, signed in with an API token, serves at
least half the requests per second of a bare Django view returning the same page with one
``.values()`` query as a ``JsonResponse`` (``bench/lists_urls.py``), measured in the same run
under the same gunicorn; and each endpoint makes as many queries for a page of 1 as of 50.

It fills its own database with a force-sized dataset (2,000 schemes with members; a
coordinator of five speedwatch schemes with their sessions and 20,000 offences; a liaison of
the force; 3,000 alerts of the force; a volunteer whose inbox holds all of them, among other
members' notices), starts gunicorn (2 sync workers, production settings: DEBUG off, Redis
cache, throttles on with a rate nobody reaches) on a free port, then runs wrk against each
endpoint and its bare twin in alternation for ``--rounds`` rounds and reports the median
requests per second of each, their ratio and PASS/FAIL, and the queries of each request
(counted in process with the same settings).

Usage:  .venv/bin/python bench/lists.py [--rounds 5] [--duration 3] [--connections 4]
        .venv/bin/python bench/lists.py --cpu 200     # in process: CPU ms and Python calls
        .venv/bin/python bench/lists.py --profile schemes   # cProfile of one endpoint

``--cpu N`` runs no server: it times N requests of each endpoint and of its bare twin through
Django's test client with ``time.process_time`` (this process's CPU, which other processes on
a busy machine hardly move) and counts the Python calls of one request (the same however busy
the machine is), against a target of twice the bare view's CPU.
Needs PostgreSQL (DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/patchwatch_bench_lists; created if missing and reused when
it already holds the data), Redis (REDIS_URL, default redis://127.0.0.1:6379/0) and wrk.
The machine is shared and small: read the ratio, not the absolute figures.
"""

import argparse
import hashlib
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
import warnings
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.measure import django_on_own_database  # noqa: E402

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/patchwatch_bench_lists")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.lists_settings"

# The speedwatch seeding of bench/speedwatch.py, smaller: sessions at each site, offences.
# (Imported before the settings below, which its own would otherwise replace.)
from bench.speedwatch import OFFENCES_SQL, SESSIONS_SQL  # noqa: E402

os.environ["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1,testserver"
# Throttles run (their cost is part of every request) at a rate the benchmark never reaches.
os.environ["API_THROTTLE_USER"] = "1000000000/hour"
os.environ["API_THROTTLE_ANON"] = "1000000000/hour"
os.environ["LOG_LEVEL"] = "WARNING"
os.environ.pop("DJANGO_DEBUG", None)
# WhiteNoise warns, in each process, that the static files are not collected: not needed here.
STATIC_WARNING = "No directory at"
os.environ["PYTHONWARNINGS"] = f"ignore:{STATIC_WARNING}:UserWarning"
warnings.filterwarnings("ignore", message=STATIC_WARNING, category=UserWarning)

BENCH = "@lists.bench.invalid"
FORCE = "cambridgeshire"
SCHEMES = 2_000
SPEEDWATCH_SCHEMES = 5
SITES_PER_SCHEME = 4
SESSIONS_PER_SITE = 25
OFFENCES = 20_000
ALERTS = 3_000
OTHER_NOTICES = 60_000
TARGET_RATIO = 0.5
PAGE = 50


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str
    who: str  # whose token
    bare: str  # the bare twin, with its query string


def populate(rng: random.Random) -> None:
    from django.conf import settings
    from django.db import connection, transaction
    from django.db.models import F
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import LiaisonProfile, User
    from areas.models import area_fields
    from notifications.models import Alert, Notice
    from schemes.models import Membership, Scheme
    from watch.models import Offence, Site
    from watch.registrations import VEHICLE_KEY_SALT

    wanted = f"{SCHEMES}/{OFFENCES}/{ALERTS}/{OTHER_NOTICES}"
    marker = User.objects.filter(email=f"volunteer{BENCH}").first()
    if marker is not None and marker.name == wanted:
        print("Reusing the dataset already in the database.")
        # A migration since the last run may have rewritten rows (adding a column with a
        # backfill does), which clears their pages from the visibility map: until autovacuum
        # comes round, every count then reads the table as well as its index. Vacuumed here,
        # each run starts from the state a settled production database is in (a few seconds).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        return
    print("Generating the dataset ...", flush=True)
    started = time.perf_counter()
    now = timezone.now()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE watch_offence, watch_sessionamendment, watch_session_present, "
                "watch_session, watch_site, watch_auditrecord, notifications_notice, "
                "notifications_reply, notifications_alert CASCADE"
            )
        Scheme.objects.all().delete()
        User.objects.filter(email__endswith=BENCH).delete()
        people = User.objects.bulk_create(
            User(email=f"member{n}{BENCH}", name=f"Member {n}", password="!") for n in range(500)
        )
        coordinator = User.objects.create(
            email=f"coordinator{BENCH}", name="Bench Coordinator", password="!"
        )
        liaison = User.objects.create(email=f"liaison{BENCH}", name="Bench Liaison", password="!")
        LiaisonProfile.objects.create(user=liaison, force=FORCE, role_title="PCSO")
        # Liaisons must use a second factor; a token is made only once it is set up.
        TOTPDevice.objects.create(user=liaison, name="Bench authenticator", confirmed=True)
        volunteer = User.objects.create(email=f"volunteer{BENCH}", name=wanted, password="!")

        kinds = ["neighbourhood", "speedwatch", "countryside"]
        schemes = []
        for n in range(SCHEMES):
            lat, lon = 52.2 + rng.uniform(-0.4, 0.4), 0.1 + rng.uniform(-0.5, 0.5)
            if n % 5 == 4:
                dlat, dlon = rng.uniform(0.005, 0.02), rng.uniform(0.008, 0.03)
                ring = [
                    [lon - dlon, lat - dlat],
                    [lon + dlon, lat - dlat],
                    [lon + dlon * 0.6, lat + dlat],
                    [lon - dlon, lat + dlat * 0.8],
                    [lon - dlon, lat - dlat],
                ]
                area = area_fields(boundary={"type": "Polygon", "coordinates": [ring]})
            else:
                area = area_fields(lat=lat, lon=lon, radius_m=rng.randint(300, 3000))
            schemes.append(
                Scheme(
                    name=f"Scheme {n:04d}",
                    kind=kinds[n % 3],
                    force=FORCE,
                    status="active" if n % 10 else "proposed",
                    description="Bench scheme",
                    **area,
                )
            )
        schemes = Scheme.objects.bulk_create(schemes, batch_size=2000)
        Membership.objects.bulk_create(
            (
                Membership(scheme=scheme, user=user, status="active", role="volunteer")
                for scheme in schemes
                for user in rng.sample(people, 3)
            ),
            batch_size=5000,
        )
        Membership.objects.bulk_create(
            Membership(scheme=scheme, user=volunteer, status="active", role="volunteer")
            for scheme in schemes[1:30:3]
        )
        speedwatch = [s for s in schemes if s.kind == "speedwatch" and s.status == "active"]
        speedwatch = speedwatch[:SPEEDWATCH_SCHEMES]
        Membership.objects.bulk_create(
            Membership(scheme=scheme, user=coordinator, status="active", role="coordinator")
            for scheme in speedwatch
        )
        Site.objects.bulk_create(
            Site(
                scheme=scheme,
                name=f"Site {m + 1}",
                road_name=f"Road {m + 1}",
                lat=scheme.centre_lat + rng.uniform(-0.005, 0.005),
                lon=scheme.centre_lon + rng.uniform(-0.005, 0.005),
                speed_limit_mph=30,
                direction="both",
                status="approved",
                decided_by=liaison,
                proposed_by=coordinator,
            )
            for scheme in speedwatch
            for m in range(SITES_PER_SCHEME)
        )

        params: dict[str, Any] = {
            "now": now,
            "offences": OFFENCES,
            "per_site": SESSIONS_PER_SITE,
            "coordinator": coordinator.pk,
            "liaison": liaison.pk,
            "vehicle_key_secret": hashlib.sha256(
                (VEHICLE_KEY_SALT + settings.SECRET_KEY).encode()
            ).digest(),
        }
        with connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pgcrypto")
            cursor.execute("SELECT setseed(0.25)")
            cursor.execute(SESSIONS_SQL, params)
            cursor.execute(OFFENCES_SQL, params)

        details = {
            "force": FORCE,
            "body": "Bench alert body: watch out for the van seen on the estate.",
            "category": "burglary",
            "severity": "Moderate",
            "urgency": "Expected",
            "audience": "members",
            "status": "published",
            "expires_at": now + timedelta(days=3),
            **area_fields(lat=52.2, lon=0.12, radius_m=5_000),
        }
        alerts = Alert.objects.bulk_create(
            (
                Alert(
                    issuer=liaison if n % 4 else coordinator,
                    scheme=speedwatch[n % len(speedwatch)] if n % 4 == 0 else None,
                    title=f"Bench alert {n}",
                    published_at=now - timedelta(minutes=10 * n),
                    **details,
                )
                for n in range(ALERTS)
            ),
            batch_size=2000,
        )
        Alert.objects.update(incident_id=F("pk"))
        Notice.objects.bulk_create(
            (
                Notice(
                    alert=alert,
                    recipient=volunteer,
                    channel="in_app",
                    state="sent",
                    sent_at=alert.published_at,
                    read_at=None if n % 10 == 0 else alert.published_at,
                )
                for n, alert in enumerate(alerts)
            ),
            batch_size=5000,
        )
        Notice.objects.bulk_create(
            (
                Notice(
                    alert=alerts[n % len(alerts)],
                    recipient=people[n % len(people)],
                    channel="in_app",
                    state="sent",
                )
                for n in range(OTHER_NOTICES)
            ),
            batch_size=5000,
            ignore_conflicts=True,
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE notifications_notice n SET queued_at = a.published_at "
                "FROM notifications_alert a WHERE a.id = n.alert_id"
            )
        assert Offence.objects.count() == OFFENCES
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"  done in {time.perf_counter() - started:.1f} s", flush=True)


def tokens() -> dict[str, str]:
    from rest_framework.authtoken.models import Token

    from accounts.models import User

    return {
        who: Token.objects.get_or_create(user=User.objects.get(email=f"{who}{BENCH}"))[0].key
        for who in ("coordinator", "liaison", "volunteer")
    }


def endpoints() -> list[Endpoint]:
    from accounts.models import User

    coordinator = User.objects.get(email=f"coordinator{BENCH}")
    volunteer = User.objects.get(email=f"volunteer{BENCH}")
    page = f"page_size={PAGE}"
    return [
        Endpoint("schemes", f"/api/v1/schemes/?{page}", "volunteer", "/bare/schemes/"),
        Endpoint(
            "sessions",
            f"/api/v1/speedwatch/sessions/?{page}",
            "coordinator",
            f"/bare/sessions/?user={coordinator.pk}",
        ),
        Endpoint(
            "offences",
            f"/api/v1/speedwatch/offences/?{page}",
            "liaison",
            f"/bare/offences/?force={FORCE}",
        ),
        Endpoint("alerts", f"/api/v1/alerts/?{page}", "liaison", f"/bare/alerts/?force={FORCE}"),
        Endpoint(
            "inbox", f"/api/v1/inbox/?{page}", "volunteer", f"/bare/inbox/?user={volunteer.pk}"
        ),
    ]


def queries_per_request(endpoint: Endpoint, token: str) -> tuple[int, int, int, int]:
    """Queries of a page of 50 and of a page of 1 of the endpoint, rows of the page of 50,
    and queries of the bare twin, counted in process."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    counts = []
    rows = 0
    for path in (endpoint.path, endpoint.path.replace(f"page_size={PAGE}", "page_size=1")):
        client.get(path)  # warm: connection, caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code, response.content[:300])
        rows = rows or len(response.json()["results"])
        counts.append(len(queries))
    with CaptureQueriesContext(connection) as queries:
        bare = client.get(endpoint.bare)
    assert bare.status_code == 200 and len(bare.json()["results"]) == PAGE, endpoint.bare
    return counts[0], counts[1], rows, len(queries)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_gunicorn(port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "backend.wsgi:application",
            "--chdir",
            str(ROOT),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/bare/schemes/", timeout=5):
                return server
        except OSError:
            if server.poll() is not None:
                raise RuntimeError("gunicorn exited") from None
            time.sleep(0.3)
    server.terminate()
    raise RuntimeError("gunicorn did not answer within 30 s")


def wrk(url: str, *, token: str | None, duration: int, connections: int) -> float:
    """Requests per second wrk measured; refuses a run with any error or non-2xx answer."""
    command = ["wrk", "-t", "1", "-c", str(connections), "-d", f"{duration}s", "--timeout", "30s"]
    if token:
        command += ["-H", f"Authorization: Token {token}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if "Non-2xx" in output or (errors and any(int(n) for n in errors.groups())):
        raise RuntimeError(f"wrk saw errors on {url}:\n{output}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    assert match, output
    return float(match.group(1))


def cpu_per_request(endpoint: Endpoint, token: str, *, requests: int) -> tuple[float, float]:
    """CPU milliseconds (``process_time``: this process's, so robust to a busy machine) per
    request of the endpoint and of its bare twin, in process through Django's test client
    (the same middleware, no HTTP server), after 20 requests of each to warm caches."""
    from django.test import Client

    api, bare = Client(HTTP_AUTHORIZATION=f"Token {token}"), Client()
    figures = []
    for client, path in ((api, endpoint.path), (bare, endpoint.bare)):
        for _ in range(20):
            response = client.get(path)
            assert response.status_code == 200, (path, response.content[:300])
        started = time.process_time()
        for _ in range(requests):
            client.get(path)
        figures.append((time.process_time() - started) * 1000 / requests)
    return figures[0], figures[1]


def calls_per_request(path: str, token: str | None) -> int:
    """Python function calls of one request (cProfile's count): unlike time, the same
    however busy the machine is."""
    import cProfile
    import pstats

    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Token {token}") if token else Client()
    client.get(path)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(10):
        client.get(path)
    profiler.disable()
    return int(pstats.Stats(profiler).total_calls) // 10  # type: ignore[attr-defined]  # set by Stats, not in its stubs


def profile(endpoint: Endpoint, token: str, *, requests: int, lines: int) -> None:
    """cProfile of ``requests`` requests of the endpoint, by cumulative and own time."""
    import cProfile
    import pstats

    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    for _ in range(20):
        client.get(endpoint.path)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(endpoint.path)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(lines)
    stats.sort_stats("tottime").print_stats(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=int, default=3, help="seconds of each wrk run")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--only", nargs="*", help="endpoints to run (default: all five)")
    parser.add_argument(
        "--cpu",
        type=int,
        metavar="N",
        help="instead of wrk: CPU ms per request of each endpoint and its bare twin, in "
        "process over N requests (the machine being busy hardly moves it)",
    )
    parser.add_argument(
        "--profile",
        metavar="ENDPOINT",
        help="instead of wrk: cProfile 100 requests of one endpoint, in process",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None and not (args.cpu or args.profile):
        sys.exit("wrk is not installed (make bench-tools).")

    django_on_own_database()
    populate(random.Random(7))
    keys = tokens()
    chosen = [e for e in endpoints() if not args.only or e.name in args.only]
    if args.profile:
        endpoint = next(e for e in endpoints() if e.name == args.profile)
        profile(endpoint, keys[endpoint.who], requests=100, lines=45)
        return
    if args.cpu:
        print(f"\nCPU ms per request, in process, {args.cpu} requests (target: API <= 2x bare)")
        for endpoint in chosen:
            api_ms, bare_ms = cpu_per_request(endpoint, keys[endpoint.who], requests=args.cpu)
            api_calls = calls_per_request(endpoint.path, keys[endpoint.who])
            bare_calls = calls_per_request(endpoint.bare, None)
            verdict = "PASS" if api_ms <= 2 * bare_ms else "FAIL"
            print(
                f"  {endpoint.name:<9} API {api_ms:6.2f} ms  bare {bare_ms:6.2f} ms  "
                f"x{api_ms / bare_ms:4.2f}  {verdict}   Python calls: API {api_calls:,}, "
                f"bare {bare_calls:,}"
            )
        return

    print(f"\nQueries per request (in process), page of {PAGE} / page of 1 / bare twin:")
    counted = {}
    for endpoint in chosen:
        many, one, rows, bare_queries = queries_per_request(endpoint, keys[endpoint.who])
        counted[endpoint.name] = (many, one)
        verdict = "PASS" if many == one else "FAIL"
        print(
            f"  {endpoint.name:<9} {many:2d} / {one:2d} / {bare_queries} queries  ({rows} rows)  "
            f"same for 1 and {PAGE}: {verdict}"
        )

    from django.db import connections

    connections.close_all()
    port = free_port()
    server = start_gunicorn(port)
    base = f"http://127.0.0.1:{port}"
    measured: dict[str, tuple[list[float], list[float]]] = {e.name: ([], []) for e in chosen}
    try:
        for endpoint in chosen:  # warm every worker's connections and caches
            wrk(base + endpoint.path, token=keys[endpoint.who], duration=1, connections=2)
            wrk(base + endpoint.bare, token=None, duration=1, connections=2)
        for round_ in range(args.rounds):
            print(f"  round {round_ + 1} of {args.rounds} ...", flush=True)
            for endpoint in chosen:
                api_rates, bare_rates = measured[endpoint.name]
                options = {"duration": args.duration, "connections": args.connections}
                api_rates.append(wrk(base + endpoint.path, token=keys[endpoint.who], **options))
                bare_rates.append(wrk(base + endpoint.bare, token=None, **options))
    finally:
        server.terminate()
        server.wait(timeout=30)

    print(
        f"\ngunicorn 2 sync workers, wrk {args.connections} connections, "
        f"{args.rounds} rounds of {args.duration} s, median req/s (shared 2-core machine: "
        f"the ratio is the figure, not the absolute rates)\n"
    )
    print(f"  {'endpoint':<9} {'API req/s':>10} {'bare req/s':>11} {'ratio':>6}  target")
    for endpoint in chosen:
        api, bare = measured[endpoint.name]
        ratio = statistics.median(api) / statistics.median(bare)
        verdict = "PASS" if ratio >= TARGET_RATIO else "FAIL"
        print(
            f"  {endpoint.name:<9} {statistics.median(api):10.1f} {statistics.median(bare):11.1f} "
            f"{ratio:6.2f}  >= {TARGET_RATIO:.2f}: {verdict}   "
            f"(queries {counted[endpoint.name][0]}, rounds "
            f"{', '.join(f'{a / b:.2f}' for a, b in zip(api, bare, strict=True))})"
        )


if __name__ == "__main__":
    main()
