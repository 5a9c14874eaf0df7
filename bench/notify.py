"""Benchmark: an alert to 100,000 people by text message through GOV.UK Notify, against the
local Notify of the tests (tests/fake_notify.py), with real Celery workers sharing the rate
limit (``NOTIFY_RATE_PER_MINUTE``, 3,000 by default) in Redis.

The people and the alert's notices are stored directly (matching and storing an alert's
notices is bench/alerts.py's business); each batch of ``NOTIFICATIONS_BATCH_SIZE`` notices is
handed to the workers as ``notifications.deliver_notices``, as dispatch does. The local Notify
marks each message delivered as it accepts it and posts the receipt to Patchwatch's callback
route, served here by the app itself on a local port, as Notify would.

It reports:

- messages a minute actually sent (counted where they arrive, at the local Notify), over the
  whole run or over the ``--minutes`` measured; the most in any 60 seconds (never more than
  the limit), and whether the rate reached 95% of the limit;
- that every notice was sent exactly once (one message per notice, by its reference);
- the time until every notice has its receipt (a full run only).

A full run at 3,000 a minute takes over 33 minutes; ``--minutes`` stops after that many
minutes and reports what it measured. For a smoke test, raise the rate and lower the
audience: ``--rate 60000 --recipients 2000``.

Usage:  .venv/bin/python bench/notify.py [--recipients 100000] [--rate 3000]
            [--minutes M] [--workers 2] [--batch-size 500]
Needs PostgreSQL (DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/patchwatch_bench_notify; created if missing, its people
reused) and Redis (REDIS_URL for the rate limit, default redis://127.0.0.1:6379/2;
CELERY_BROKER_URL, default redis://127.0.0.1:6379/3, purged before the run).
"""

import argparse
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.measure import ensure_database  # noqa: E402
from tests.fake_notify import FakeNotify  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/patchwatch_bench_notify"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/2"
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/3"
CALLBACK_TOKEN = "bench-callback-token"
EMAIL_DOMAIN = "bench-notify.example.org"
# How close to the limit the rate must come.
RATE_TARGET = 0.95


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def configure(args: argparse.Namespace, notify: FakeNotify, app_port: int) -> dict[str, str]:
    """The environment of this process and of the workers: Notify carries text messages."""
    env = {
        "DJANGO_SETTINGS_MODULE": "backend.settings",
        "DATABASE_URL": os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
        "REDIS_URL": os.environ.get("REDIS_URL", DEFAULT_REDIS_URL),
        "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL", DEFAULT_BROKER_URL),
        "SMS_PROVIDER": "notify",
        "NOTIFY_API_KEY": notify.api_key,
        "NOTIFY_BASE_URL": f"http://127.0.0.1:{notify.port}",
        "NOTIFY_SMS_TEMPLATE_ID": notify.sms_template_id,
        "NOTIFY_CALLBACK_BEARER_TOKEN": CALLBACK_TOKEN,
        "NOTIFY_RATE_PER_MINUTE": str(args.rate),
        "NOTIFICATIONS_BATCH_SIZE": str(args.batch_size),
        "PATCHWATCH_SITE_URL": f"http://127.0.0.1:{app_port}",
    }
    workers = {**os.environ, **env}
    # This process serves each callback on a thread of its own: each closes its database
    # connection when it ends, or they would pile up to PostgreSQL's limit.
    os.environ.update(env, DATABASE_CONN_MAX_AGE="0")
    return workers


def populate(recipients: int) -> None:
    """People with a phone number, made once and reused."""
    from accounts.models import User

    have = User.objects.filter(email__endswith="@" + EMAIL_DOMAIN, phone__gt="").count()
    if have >= recipients:
        return
    print(f"Making {recipients - have} people...", flush=True)
    batch = []
    for n in range(have, recipients):
        batch.append(
            User(
                email=f"person{n}@{EMAIL_DOMAIN}",
                name=f"Person {n}",
                phone=f"07700 {n:06d}",
                password="!",
            )
        )
        if len(batch) == 5000:
            User.objects.bulk_create(batch)
            batch = []
    User.objects.bulk_create(batch)


def store_alert(recipients: int) -> tuple[int, list[int]]:
    """A published alert and one queued text message notice per person; its notice ids."""
    from django.utils import timezone

    from accounts.models import LiaisonProfile, User
    from notifications.models import Alert, Notice
    from notifications.services import alert_draft

    Alert.objects.filter(title__startswith="Bench: ").delete()
    liaison, _ = User.objects.get_or_create(
        email=f"liaison@{EMAIL_DOMAIN}", defaults={"name": "PCSO Bench", "password": "!"}
    )
    LiaisonProfile.objects.get_or_create(user=liaison, defaults={"force": "cambridgeshire"})
    alert = alert_draft(
        issuer=liaison,
        details={
            "title": "Bench: hare coursing near Haslingfield",
            "body": "Vehicles with dogs seen in the fields off Cantelupe Road.",
            "category": "hare_coursing",
            "severity": "Moderate",
            "urgency": "Immediate",
            "audience": "members",
        },
        area={"lat": 52.1634, "lon": 0.0937, "radius_m": 2000},
        scheme=None,
    )
    now = timezone.now()
    Alert.objects.filter(pk=alert.pk).update(
        status="published", published_at=now, notices_queued_at=now
    )
    people = list(
        User.objects.filter(email__endswith="@" + EMAIL_DOMAIN, phone__gt="")
        .order_by("pk")
        .values_list("pk", flat=True)[:recipients]
    )
    for start in range(0, len(people), 5000):
        Notice.objects.bulk_create(
            [
                Notice(alert=alert, recipient_id=pk, channel="sms")
                for pk in people[start : start + 5000]
            ]
        )
    ids = list(Notice.objects.filter(alert=alert).order_by("pk").values_list("pk", flat=True))
    return alert.pk, ids


def start_workers(count: int, env: dict[str, str], logs: Path) -> list[subprocess.Popen[bytes]]:
    workers = []
    for n in range(count):
        log = (logs / f"worker-{n}.log").open("wb")
        workers.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "backend",
                    "worker",
                    "--pool=solo",
                    "--without-mingle",
                    "--without-gossip",
                    "--without-heartbeat",
                    "--loglevel=WARNING",
                    f"--hostname=bench-notify-{n}@%h",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
    return workers


def stop_workers(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        worker.terminate()
    for worker in workers:
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def most_in_any_window(moments: list[float], seconds: float) -> int:
    moments = sorted(moments)
    most, start = 0, 0
    for end, moment in enumerate(moments):
        while moment - moments[start] >= seconds:
            start += 1
        most = max(most, end - start + 1)
    return most


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--rate", type=int, default=3000, help="NOTIFY_RATE_PER_MINUTE")
    parser.add_argument("--minutes", type=float, help="stop after this long and report")
    parser.add_argument("--workers", type=int, default=2, help="Celery worker processes")
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument(
        "--no-receipts", action="store_true", help="measure sending alone: Notify posts none"
    )
    args = parser.parse_args()
    # Stopped from outside (a timeout), the workers are stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))

    notify = FakeNotify(port=free_port(), deliver_at_once=not args.no_receipts)
    app_port = free_port()
    notify.callback_url = f"http://127.0.0.1:{app_port}/api/v1/notify/receipts/"
    notify.callback_token = CALLBACK_TOKEN
    env = configure(args, notify, app_port)
    ensure_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    import redis
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    from backend.celery import app as celery_app
    from core.notify import _BUCKET_KEY
    from notifications.models import Notice
    from notifications.tasks import deliver_notices

    call_command("migrate", verbosity=0)
    populate(args.recipients)
    alert_id, notice_ids = store_alert(args.recipients)
    celery_app.control.purge()
    with redis.Redis.from_url(os.environ["REDIS_URL"]) as client:
        client.delete(_BUCKET_KEY)

    notify.start()
    app_server = make_server(
        "127.0.0.1",
        app_port,
        get_wsgi_application(),
        server_class=_ThreadingWSGIServer,
        handler_class=_QuietHandler,
    )
    threading.Thread(target=app_server.serve_forever, daemon=True).start()
    logs = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-notify-{os.getpid()}"  # noqa: S108
    logs.mkdir(parents=True, exist_ok=True)
    workers = start_workers(args.workers, env, logs)
    print(
        f"{len(notice_ids)} text messages, limit {args.rate} a minute, {args.workers} workers, "
        f"batches of {args.batch_size} (worker logs in {logs})",
        flush=True,
    )
    started = time.monotonic()
    for start in range(0, len(notice_ids), args.batch_size):
        deliver_notices.delay(notice_ids=notice_ids[start : start + args.batch_size])
    deadline = None
    notices = Notice.objects.filter(alert_id=alert_id)
    all_receipts_at = None
    last_report = started
    try:
        while True:
            now = time.monotonic()
            sent_so_far = notify.sent()
            if args.minutes and deadline is None and sent_so_far:
                # The window measured starts with the first message (the workers are up).
                deadline = sent_so_far[0].at + args.minutes * 60
            if deadline is not None and now >= deadline:
                break
            if args.no_receipts and len(notify.sent()) == len(notice_ids):
                break
            if notices.exclude(receipt="").count() == len(notice_ids):
                all_receipts_at = now
                break
            if now - last_report >= 30:
                last_report = now
                print(f"  {now - started:.0f} s: {len(notify.sent())} sent", flush=True)
            time.sleep(0.5)
    finally:
        stop_workers(workers)
        app_server.shutdown()
        notify.stop()

    sent = notify.sent()
    moments = [request.at for request in sent]
    if deadline is not None:
        # What the workers finished after the window (their batch in hand) is not counted.
        measured = [moment for moment in moments if moment <= deadline]
        span = deadline - min(moments)
        per_minute = len(measured) / span * 60
    else:
        span = max(moments) - min(moments) if len(moments) > 1 else 0.0
        per_minute = (len(moments) - 1) / span * 60 if span else 0.0
    window = min(60.0, span) if span else 60.0
    most = most_in_any_window(moments, 60.0)
    # A window shorter than a minute may hold a minute's burst and its share of the rest
    # (core.ratelimit.TokenBucket: the limit less the burst and a 2% margin, over the minute).
    burst, margin = max(1, args.rate // 100), args.rate // 50
    allowed_in_window = burst + (args.rate - burst - margin) * window / 60 + 2
    most_in_window = most_in_any_window(moments, window)
    references = [request.body["reference"] for request in sent if request.body]
    expected = {f"notice-{pk}" for pk in notice_ids}
    once = len(references) == len(set(references)) and set(references) <= expected
    print()
    print(f"sent: {len(sent)} of {len(notice_ids)}; {per_minute:.0f} a minute over {span:.1f} s")
    print(f"most in any 60 s: {most} (limit {args.rate})")
    print(
        f"{verdict(most <= args.rate)} never more than the limit in any 60 s window "
        f"(most {most}, limit {args.rate})"
    )
    if window < 60:
        print(
            f"{verdict(most_in_window <= allowed_in_window)} never more than the bucket allows "
            f"in any {window:.1f} s window (most {most_in_window}, "
            f"at most {allowed_in_window:.0f})"
        )
    print(
        f"{verdict(per_minute >= RATE_TARGET * args.rate)} rate {per_minute:.0f} a minute is "
        f"at least {RATE_TARGET:.0%} of the limit ({RATE_TARGET * args.rate:.0f})"
    )
    print(f"{verdict(once)} no message sent twice, none for a notice not of this alert")
    if deadline is None:
        print(f"{verdict(len(sent) == len(notice_ids))} every notice sent exactly once")
        if args.no_receipts:
            print("(no receipts asked for)")
        elif all_receipts_at is not None:
            print(f"PASS every notice has a receipt after {all_receipts_at - started:.1f} s")
        else:
            print("FAIL not every notice has a receipt")
    else:
        print(
            f"(stopped after {args.minutes} min: {notices.exclude(receipt='').count()} receipts "
            f"of {len(notice_ids)} so far)"
        )
    if notify.callback_failures:
        print(f"FAIL {len(notify.callback_failures)} receipts could not be posted")


if __name__ == "__main__":
    main()
