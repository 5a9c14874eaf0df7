"""Load test: one police force's members, coordinators and liaison on Patchwatch at once.

Runs the production stack on this machine and drives it with locust from its own process:

1. creates the database (``--fresh`` drops it first), migrates it and seeds one force with
   bench/load/seed.py (40 schemes, 2,000 members, 50 speedwatch coordinators, a liaison;
   about four minutes the first time, reused afterwards);
2. starts gunicorn (``--workers`` 3, sync workers, as the Dockerfile runs it) on PostgreSQL with
   the Redis cache (``REDIS_URL``), and a real Celery worker (``--concurrency`` 2, as in
   docker-compose.yml) on the Redis broker (``CELERY_BROKER_URL``), so that the liaison's
   alerts are dispatched in the background while the members browse, as in production;
3. runs ``.venv-locust/bin/locust --headless`` with bench/load/locustfile.py for
   ``--duration`` (2 minutes), then reads its CSV statistics and prints p50/p95/p99 per
   endpoint and overall, the errors, and PASS/FAIL against the targets: no errors, and
   p95 under 200 ms over all requests;
4. stops everything it started.

The model. 2,000 locust users on a 2-core machine would measure locust, not Patchwatch;
what matters to the server is the rate and the mix of requests, not how many sockets
make them. So ``--users`` simulated users (100 by default) play the force's people:
one liaison, ``--coordinator-users`` (5) coordinators standing for the 50, and the rest
standing for the 2,000 members, each waiting between requests that many times less than
one person would (a member: one request every 30-60 s, about 44 a second for the force;
the 50 coordinators all at the roadside at once, one request every 15-45 s each, about
1.7 a second; the liaison every 10-20 s, and an alert to everyone every minute). Each
simulated member plays one member's visit, then another member's, so all 2,000 tokens,
inboxes and caches are used. The requests are paced start to start, so a slow answer
does not slow the arrivals (the locustfile says more).

Usage:  .venv/bin/python bench/load/run.py [--duration 2m] [--users 100] [--fresh]
Needs PostgreSQL (DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/patchwatch_bench_load), Redis (REDIS_URL, default
redis://127.0.0.1:6379/12; CELERY_BROKER_URL, default redis://127.0.0.1:6379/13; both
databases are emptied before the run) and locust in .venv-locust (``make bench-tools``).
Its files (the population with its tokens, locust's CSVs, the servers' logs) go to
bench/load/out/, which git ignores.
"""

import argparse
import csv
import math
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import IO, cast

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from bench.measure import ensure_database  # noqa: E402

HERE = Path(__file__).resolve().parent
PYTHON = ROOT / ".venv" / "bin" / "python"
LOCUST = ROOT / ".venv-locust" / "bin" / "locust"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/patchwatch_bench_load"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/12"
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/13"
P95_TARGET_MS = 200.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_environment(database_url: str, redis_url: str, broker_url: str) -> dict[str, str]:
    """The production settings, on this machine: no debug, a secret key of the run's own,
    the cache and broker in Redis, mail kept in memory by the worker (not sent)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "backend.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": broker_url,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DJANGO_DEBUG", None)
    return env


def empty_redis(url: str) -> None:
    import redis

    with redis.Redis.from_url(url) as client:
        client.flushdb()


def answers(url: str) -> bool:
    try:
        # Only ever the http:// address of the gunicorn started here.
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
            return int(response.status) == 200
    except (urllib.error.URLError, OSError):
        return False


def wait_until(what: str, ready: Callable[[], bool], timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            raise SystemExit(f"{what} did not start within {timeout:.0f} s")
        time.sleep(0.5)


def stop(process: subprocess.Popen[bytes], log: IO[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    log.close()


def cpu_seconds(root: int) -> float:
    """CPU time (user and system) used so far by ``root`` and its child processes, from
    /proc: unlike the latencies, it does not grow when other programs share the cores."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # The command name (in parentheses) may hold spaces; the fields follow it.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process has ended
        pid, ppid = int(stat.parent.name), int(fields[1])
        if root in (pid, ppid):
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


class DatabaseCpu(threading.Thread):
    """Samples, once a second, the CPU time of PostgreSQL's backends serving ``database``
    (each connection is a process titled with the database's name), so that connections
    closed and opened again during the run are counted too."""

    def __init__(self, database: str) -> None:
        super().__init__(daemon=True)
        self.title = f" {database} ".encode()
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.running = threading.Event()
        self.running.set()

    def run(self) -> None:
        ticks = os.sysconf("SC_CLK_TCK")
        while self.running.is_set():
            for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
                try:
                    if self.title not in cmdline.read_bytes():
                        continue
                    fields = (cmdline.parent / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                pid, used = int(cmdline.parent.name), (int(fields[11]) + int(fields[12])) / ticks
                self.first.setdefault(pid, used)
                self.last[pid] = used
            time.sleep(1)

    def stop(self) -> float:
        self.running.clear()
        self.join()
        return sum(self.last[pid] - self.first[pid] for pid in self.last)


def percentile_table(stats_csv: Path) -> tuple[list[dict[str, str]], dict[str, str]]:
    """locust's rows per endpoint, and its row over all requests."""
    with stats_csv.open(newline="") as file:
        rows = list(csv.DictReader(file))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    endpoints = [row for row in rows if row["Name"] != "Aggregated"]
    return endpoints, total


def print_figures(prefix: Path) -> bool:
    """Print the figures of locust's CSVs under ``prefix``; True when every target passes."""
    endpoints, total = percentile_table(Path(f"{prefix}_stats.csv"))
    endpoints.sort(key=lambda row: float(row["95%"] or 0), reverse=True)
    width = max(len(row["Name"]) for row in [*endpoints, total]) + 2
    header = (
        f"{'endpoint':<{width}}{'requests':>9}{'errors':>8}{'req/s':>8}"
        f"{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'max ms':>8}"
    )
    print(header)
    print("-" * len(header))
    for row in [*endpoints, total]:
        if row is total:
            print("-" * len(header))
        print(
            f"{row['Name']:<{width}}{int(row['Request Count']):>9}{int(row['Failure Count']):>8}"
            f"{float(row['Requests/s']):>8.1f}{row['50%']:>8}{row['95%']:>8}{row['99%']:>8}"
            f"{float(row['Max Response Time']):>8.0f}"
        )
    failures_csv = Path(f"{prefix}_failures.csv")
    if failures_csv.exists():
        with failures_csv.open(newline="") as file:
            failures = list(csv.DictReader(file))
        for failure in failures:
            print(
                f"  error x{failure['Occurrences']}: {failure['Method']} {failure['Name']}: "
                f"{failure['Error'][:300]}"
            )
    errors = int(total["Failure Count"])
    p95 = float(total["95%"])
    print()
    print(f"Requests: {int(total['Request Count']):,} ({float(total['Requests/s']):.1f}/s)")
    print(f"Errors: {errors}   target 0: {'PASS' if errors == 0 else 'FAIL'}")
    print(
        f"p95 over all requests: {p95:.0f} ms   target < {P95_TARGET_MS:.0f} ms: "
        f"{'PASS' if p95 < P95_TARGET_MS else 'FAIL'}"
    )
    return errors == 0 and p95 < P95_TARGET_MS


ACCESS_FORMAT = "%(m)s %(U)s %(q)s %(s)s %(D)s"
UUID_OR_ID = re.compile(r"/([0-9a-f]{8}-[0-9a-f-]{27}|\d+)/")


def endpoint_of(method: str, path: str, query: str) -> str:
    """The locustfile's name for a request of the access log."""
    name = UUID_OR_ID.sub("/[id]/", path.removeprefix("/api/v1"))
    if "unread=true" in query:
        name += " unread count"
    elif "lat=" in query:
        name += " near me"
    elif "scheme=" in query:
        name += " of a scheme"
    elif name == "/schemes/":
        name += " directory"
    return name if method == "GET" else f"{method} {name}"


def print_service_times(access_log: Path) -> None:
    """Each endpoint's time inside a gunicorn worker, and its share of the workers' busy
    time: which endpoints use the server up, whatever the queue in front of it."""
    times: dict[str, list[float]] = {}
    for line in access_log.read_text().splitlines():
        parts = line.split(" ")
        # /config/ is asked only to see that gunicorn is up and to warm its workers.
        if len(parts) != 5 or not parts[1].startswith("/api/v1/") or parts[1] == "/api/v1/config/":
            continue
        method, path, query, _, micros = parts
        times.setdefault(endpoint_of(method, path, query), []).append(int(micros) / 1000)
    if not times:
        return
    busy = sum(sum(samples) for samples in times.values())
    width = max(len(name) for name in times) + 2
    header = f"{'time inside a worker':<{width}}{'requests':>9}{'median ms':>11}{'p95 ms':>8}"
    print(f"{header}{'share':>7}")
    for name, samples in sorted(times.items(), key=lambda item: -sum(item[1])):
        samples.sort()
        p95 = samples[math.ceil(len(samples) * 0.95) - 1]  # nearest rank
        print(
            f"{name:<{width}}{len(samples):>9}{statistics.median(samples):>11.1f}{p95:>8.1f}"
            f"{sum(samples) / busy:>7.0%}"
        )


# The alerts the liaison published during the run, with their in-app notices.
DISPATCH_SQL = """
    SELECT a.id, a.published_at, count(n.id),
           count(n.id) FILTER (WHERE n.channel = 'in_app'),
           count(n.id) FILTER (WHERE n.channel = 'in_app' AND n.sent_at IS NOT NULL),
           max(n.sent_at) FILTER (WHERE n.channel = 'in_app')
    FROM notifications_alert a LEFT JOIN notifications_notice n ON n.alert_id = a.id
    WHERE a.published_at >= %s AND a.title LIKE 'Load test alert %%'
    GROUP BY a.id ORDER BY a.id
"""


def database_now(database_url: str) -> datetime:
    import psycopg

    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT now()").fetchone()
    assert row is not None
    return cast(datetime, row[0])


def dispatch_report(database_url: str, since: datetime, timeout: float) -> None:
    """Wait (up to ``timeout`` seconds) for the worker to deliver in-app every alert
    published since ``since``, then say how long each took from its publication."""
    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        with psycopg.connect(database_url) as conn:
            rows = conn.execute(DISPATCH_SQL, [since]).fetchall()
        done = all(in_app and sent == in_app for _, _, _, in_app, sent, _ in rows)
        if done or time.monotonic() > deadline:
            break
        time.sleep(1)
    for alert_id, published_at, notices, in_app, sent, last in rows:
        took = f", all in {(last - published_at).total_seconds():.1f} s" if last else ""
        print(f"  alert {alert_id}: {notices:,} notices; {sent:,} of {in_app:,} in-app{took}")
    if not done:
        print(f"  (not all delivered {timeout:.0f} s after the load stopped)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", default="2m", help="locust's -t (e.g. 90s, 2m, 10m)")
    parser.add_argument("--users", type=int, default=100, help="simulated users in all")
    parser.add_argument("--spawn-rate", type=float, default=20)
    parser.add_argument("--coordinator-users", type=int, default=5)
    parser.add_argument("--alert-every", type=float, default=60, help="seconds")
    parser.add_argument(
        "--member-interval",
        type=float,
        nargs=2,
        default=[30.0, 60.0],
        metavar=("LOW", "HIGH"),
        help="seconds between one member's requests (uniform); 30-60 is about 44/s for 2,000",
    )
    parser.add_argument(
        "--drain", type=float, default=120, help="seconds to wait for alerts' delivery after"
    )
    parser.add_argument("--workers", type=int, default=3, help="gunicorn's (the Dockerfile runs 3)")
    parser.add_argument("--concurrency", type=int, default=2, help="the Celery worker's")
    parser.add_argument("--fresh", action="store_true", help="drop the database and re-seed")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args()
    if not LOCUST.exists():
        sys.exit(f"{LOCUST} is missing: run `make bench-tools`.")

    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    redis_url = os.environ.get("REDIS_URL", DEFAULT_REDIS_URL)
    broker_url = os.environ.get("CELERY_BROKER_URL", DEFAULT_BROKER_URL)
    args.out.mkdir(parents=True, exist_ok=True)
    population = args.out / "population.json"
    ensure_database(database_url, fresh=args.fresh)
    if args.fresh:
        population.unlink(missing_ok=True)
    subprocess.run(
        [str(PYTHON), str(HERE / "seed.py"), "--out", str(population)],
        env={**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url},
        check=True,
    )
    empty_redis(redis_url)
    empty_redis(broker_url)

    (args.out / "access.log").unlink(missing_ok=True)
    env = server_environment(database_url, redis_url, broker_url)
    port = free_port()
    host = f"http://127.0.0.1:{port}"
    started: list[tuple[subprocess.Popen[bytes], IO[bytes]]] = []

    def start(name: str, command: list[str]) -> Path:
        log_path = args.out / f"{name}.log"
        log = log_path.open("wb")
        started.append((subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log), log))
        return log_path

    try:
        start(
            "gunicorn",
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "backend.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                # How long each request took inside a worker (microseconds), not counting
                # its wait for a free worker: what each endpoint costs the server.
                "--access-logfile",
                str(args.out / "access.log"),
                "--access-logformat",
                ACCESS_FORMAT,
            ],
        )
        worker_log = start(
            "worker",
            [
                str(PYTHON),
                "-m",
                "celery",
                "-A",
                "backend",
                "worker",
                "--loglevel=INFO",
                f"--concurrency={args.concurrency}",
                "--without-gossip",
                "--without-mingle",
            ],
        )
        wait_until("gunicorn", lambda: answers(f"{host}/api/v1/config/"))
        wait_until("the Celery worker", lambda: b" ready." in worker_log.read_bytes())
        # Every worker process loads the app on its first requests; not part of the figures.
        for _ in range(4 * args.workers):
            answers(f"{host}/api/v1/config/")

        load = os.getloadavg()
        print(
            f"\nLoad test: {args.users} simulated users ({args.coordinator_users} coordinators, "
            f"1 liaison, the rest members) for {args.duration}; gunicorn {args.workers} "
            f"workers, Celery concurrency {args.concurrency}; machine load before: "
            f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores\n",
            flush=True,
        )
        prefix = args.out / "locust"
        run_started = database_now(database_url)
        web, worker = started[0][0].pid, started[1][0].pid
        cpu_before = cpu_seconds(web), cpu_seconds(worker)
        database_cpu = DatabaseCpu(database_url.rsplit("/", 1)[1])
        database_cpu.start()
        with (args.out / "locust.log").open("wb") as locust_log:
            subprocess.run(
                [
                    str(LOCUST),
                    "-f",
                    str(HERE / "locustfile.py"),
                    "--headless",
                    "--host",
                    host,
                    "-u",
                    str(args.users),
                    "-r",
                    str(args.spawn_rate),
                    "-t",
                    args.duration,
                    "--csv",
                    str(prefix),
                    "--population",
                    str(population),
                    "--coordinator-users",
                    str(args.coordinator_users),
                    "--alert-every",
                    str(args.alert_every),
                    "--member-interval",
                    *(str(seconds) for seconds in args.member_interval),
                    "--stop-timeout",
                    "10",
                ],
                cwd=ROOT,
                stdout=locust_log,
                stderr=subprocess.STDOUT,
                check=False,
            )
        db_cpu = database_cpu.stop()
        load = os.getloadavg()
        print(f"Machine load after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}\n")
        passed = print_figures(prefix)
        web_cpu = cpu_seconds(web) - cpu_before[0]
        requests = int(percentile_table(Path(f"{prefix}_stats.csv"))[1]["Request Count"]) or 1
        per_request = (web_cpu + db_cpu) / requests
        print(
            f"\nCPU time during the load (not stretched by other programs on the cores): "
            f"gunicorn's workers {web_cpu:.1f} s ({web_cpu / requests * 1000:.1f} ms a request), "
            f"PostgreSQL {db_cpu:.1f} s ({db_cpu / requests * 1000:.1f} ms a request, the "
            f"worker's queries included): {os.cpu_count()} cores to themselves would serve "
            f"about {(os.cpu_count() or 1) / per_request:.0f} requests a second at most"
        )
        print()
        print_service_times(args.out / "access.log")
        print("\nAlerts published during the run, delivered in-app by the worker:")
        dispatch_report(database_url, run_started, args.drain)
        print(
            f"CPU used by the Celery worker meanwhile: {cpu_seconds(worker) - cpu_before[1]:.1f} s"
        )
        server_errors = (args.out / "gunicorn.log").read_text().count("Traceback")
        if server_errors:
            print(f"\n{server_errors} tracebacks in {args.out / 'gunicorn.log'}")
    finally:
        for process, log in reversed(started):
            stop(process, log)
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
