"""The broker restarted and a worker killed with SIGKILL in the middle of dispatching an alert
to 10,000 people: every notice is delivered, and none twice but the one email the killed
worker was sending.

The test runs a ``redis-server`` of its own as the broker, twice over: with nothing on disk,
so that the restart loses every task message it held (as a lost volume or a replaced server
would), and with an append-only file written before each answer, so that it loses nothing
(production's Redis writes its file every second: a crash there loses the last second, a
case between the two). Two workers, each running its tasks in a pool process as production's
do, and beat run as separate processes against it; beat sweeps every two seconds instead of
every minute, the claim lease is six seconds instead of five minutes and the broker's
visibility timeout five seconds instead of an hour.

The faults: while both workers are sending emails, with later batches queued behind them
(the rest of the emails, and the in-app batch of the second few thousand recipients), the
mail server holds back its answer to the message each worker is sending; Redis is killed;
the first worker is killed (SIGKILL, its pool process too) with its message received by the
server but not known to be, the worst moment; the server answers the second worker, and
Redis starts again two seconds later.

What brings everything back:
- the live worker and beat reconnect by themselves (Celery retries the broker connection);
  the batch the live worker was running when Redis went away runs to its end rather than
  being cancelled (``CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS``, which
  Celery 6 turns on by default: with it on, the second worker's email goes twice too);
- without persistence, the sweep hands out again every notice still queued a lease after it
  was queued: the batches lost with the queue, and the dead worker's. With the append-only
  file the queue comes back, and the tasks taken but not acknowledged come back after the
  visibility timeout; running one again finds its notices done;
- the email the dead worker was sending stays claimed until its lease runs out, then the
  sweep hands it out again, and it arrives a second time with the same Message-ID (see
  ``test_alert_worker_killed`` for why no design can close that gap). Every other email,
  and every in-app notice (delivered by the very update that claims it), arrives once.

One member in twenty (the scheme's coordinators) also hears by email, through a real SMTP
server: sending all 10,000 emails takes over a minute on its own on a two-core machine, and
500 cross the same faults.

The last test is of a broker that hangs instead of going away: publishing must still answer.
"""

import json
import re
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from django import db
from django.db import connection, transaction

from accounts.models import User
from backend.celery import app as celery_app
from notifications.models import Alert, Notice, Preference
from notifications.services import alert_publish
from schemes.models import Membership, MembershipRole, MembershipStatus
from tests.alerts import draft_alert
from tests.factories import LiaisonFactory, SchemeFactory
from tests.processes import (
    ROOT,
    celery_beat,
    celery_worker,
    free_port,
    kill,
    smtp_server,
    smtp_worker_environment,
    start_redis,
    stop,
    wait_ready,
    wait_until,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PEOPLE = 10_000
# One member in twenty is a coordinator, who also hears by email; the others chose the app only.
EMAIL_EVERY = 20
EMAILS = PEOPLE // EMAIL_EVERY
NOTICES = PEOPLE + EMAILS
# Batches of 50: the first few thousand recipients' in-app batch goes first, then their five
# email batches, so that some are still waiting in the queue while emails are being sent.
BATCH_SIZE = 50
LEASE_SECONDS = 6
SWEEP_SECONDS = 2
# A task taken but not acknowledged (by the dead worker, or lost with a connection) is handed
# out again after this long, when the broker kept it.
VISIBILITY_TIMEOUT_SECONDS = 5
QUEUE = "patchwatch"
DELIVER = "notifications.deliver_notices"
# Long enough for the live worker and beat to find the broker gone and try again in vain.
BROKER_DOWN_SECONDS = 2


@dataclass
class Broker:
    port: int
    directory: Path
    append_only: bool
    server: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> int:
        """Start the server (again) on its port; returns how many delivery tasks wait in its
        queue."""
        self.server = start_redis(self.port, directory=self.directory, append_only=self.append_only)
        return self.waiting()

    def kill(self) -> int:
        """Kill the server (SIGKILL); returns how many delivery tasks were waiting in its queue."""
        waiting = self.waiting()
        assert self.server is not None
        kill(self.server)
        return waiting

    def waiting(self) -> int:
        """How many delivery tasks wait in the queue (beat's sweeps are not counted)."""
        with redis.Redis(host="127.0.0.1", port=self.port) as client:
            messages = [json.loads(message) for message in client.lrange(QUEUE, 0, -1)]
        return sum(message["headers"]["task"] == DELIVER for message in messages)


@contextmanager
def own_broker(monkeypatch, directory: Path, *, append_only: bool) -> Iterator[Broker]:
    """A ``redis-server`` of the test's own, which this process's Celery app sends to too.
    (Celery reads ``CELERY_BROKER_URL`` from the environment before its own settings.)"""

    def forget_connections() -> None:
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    # Installed if it is missing (as `make test` installs what the suite needs), when it can be.
    installed = subprocess.run(
        [ROOT / "scripts" / "ensure-system-packages.sh", "redis-server"],
        capture_output=True,
        text=True,
        check=False,
    )
    if installed.returncode:
        pytest.skip(installed.stderr.strip() or "redis-server is missing and cannot be installed.")
    broker = Broker(port=free_port(), directory=directory, append_only=append_only)
    broker.start()
    forget_connections()
    monkeypatch.setenv("CELERY_BROKER_URL", broker.url)
    monkeypatch.setattr(celery_app.conf, "task_always_eager", False)
    try:
        yield broker
    finally:
        forget_connections()
        assert broker.server is not None
        stop(broker.server)


@pytest.fixture(params=[False, True], ids=["no-persistence", "append-only"])
def broker(request, monkeypatch, tmp_path) -> Iterator[Broker]:
    """A broker that loses everything when it restarts, or one that keeps everything in its
    append-only file."""
    with own_broker(monkeypatch, tmp_path, append_only=request.param) as broker:
        yield broker


def _ely_watch(people: int) -> None:
    """One scheme of ``people`` members, made in bulk."""
    scheme = SchemeFactory(name="Ely City Neighbourhood Watch", lat=52.3986, lon=0.2622)
    users = User.objects.bulk_create(
        (
            User(email=f"member{n}@ely.example.org", name=f"Member {n}", password="!")
            for n in range(people)
        ),
        batch_size=5000,
    )
    coordinators = set(users[::EMAIL_EVERY])
    Membership.objects.bulk_create(
        (
            Membership(
                scheme=scheme,
                user=user,
                role=MembershipRole.COORDINATOR
                if user in coordinators
                else MembershipRole.VOLUNTEER,
                status=MembershipStatus.ACTIVE,
            )
            for user in users
        ),
        batch_size=5000,
    )
    Preference.objects.bulk_create(
        (Preference(user=user, channels=[]) for user in users if user not in coordinators),
        batch_size=5000,
    )


def _named(env: dict[str, str], worker: str) -> dict[str, str]:
    """``env`` with the worker's database sessions named after it."""
    return {**env, "DATABASE_URL": f"{env['DATABASE_URL']}?application_name=worker-{worker}"}


def _sessions_of(worker: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
            [f"worker-{worker}"],
        )
        return cursor.fetchone()[0]


def _sent(alert: Alert, channel: str) -> int:
    return Notice.objects.filter(alert=alert, channel=channel, state="sent").count()


def _queued(log: list[str]) -> bool:
    return any("queue_notices" in line and "succeeded" in line for line in log)


def _swept(logs: list[list[str]]) -> int:
    """How many batches the sweeps handed out, by the workers' logs of them."""
    pattern = re.compile(r"Task notifications\.sweep_notices\[[0-9a-f-]+\] succeeded in \S+: (\d+)")
    return sum(int(match[1]) for log in logs for line in log if (match := pattern.search(line)))


def _received(log: list[str]) -> list[str]:
    """The ids of the delivery tasks a worker took, in its log."""
    pattern = re.compile(r"Task notifications\.deliver_notices\[([0-9a-f-]+)\] received")
    return [match[1] for line in log if (match := pattern.search(line))]


def test_a_broker_restart_and_a_killed_worker_lose_nothing_and_repeat_nothing(
    broker: Broker, tmp_path: Path
) -> None:
    started = time.monotonic()
    _ely_watch(PEOPLE)
    liaison = LiaisonFactory(force="cambridgeshire").user
    received: list[str] = []
    with smtp_server() as (mail, port), ExitStack() as processes:
        env = smtp_worker_environment(
            port,
            CELERY_BROKER_URL=broker.url,
            NOTIFICATIONS_BATCH_SIZE=str(BATCH_SIZE),
            NOTIFICATIONS_CLAIM_LEASE_SECONDS=str(LEASE_SECONDS),
            NOTIFICATIONS_SWEEP_SECONDS=str(SWEEP_SECONDS),
            CELERY_VISIBILITY_TIMEOUT_SECONDS=str(VISIBILITY_TIMEOUT_SECONDS),
        )
        first, second, beat = (
            processes.enter_context(
                celery_worker(_named(env, "first"), name="first", pool="prefork", wait=False)
            ),
            processes.enter_context(
                celery_worker(_named(env, "second"), name="second", pool="prefork", wait=False)
            ),
            processes.enter_context(
                celery_beat(env, schedule=tmp_path / "beat-schedule", wait=False)
            ),
        )
        for process in (first, second, beat):
            wait_ready(process)

        with transaction.atomic():
            alert = draft_alert(
                liaison,
                area={"lat": 52.3986, "lon": 0.2622, "radius_m": 1000},
                title="Bogus callers in Ely",
                body="Men posing as council workers.",
                category="bogus_caller",
                audience="members",
            )
            alert_publish(alert=alert, actor=liaison)
        dispatch_started = time.monotonic()
        # Every batch is queued, each store's in-app batches before its emails.
        wait_until(
            lambda: any(_queued(worker.log) for worker in (first, second)),
            timeout=60,
            what="the notices to be queued",
        )
        wait_until(
            lambda: _sent(alert, "email") >= EMAILS // 10,
            timeout=60,
            what="the first emails to be sent",
        )
        # Catch both workers in the middle of sending an email: the mail server has it and
        # has not answered yet.
        mail.hold()
        wait_until(lambda: len(mail.held) == 2, timeout=30, what="both workers to be sending")

        waiting = broker.kill()
        # The first worker dies while the broker is down, with its email sent but not known
        # to be: the worst moment.
        kill(first)  # SIGKILL, its pool's process too: no chance to finish or acknowledge
        # A statement the worker had sent still runs to its end (a claim, say): wait for its
        # database session to close, so that what is claimed now stays as it is.
        wait_until(
            lambda: not _sessions_of("first"), timeout=30, what="the database to notice the kill"
        )
        # Claimed and not recorded as sent: exactly the two emails the server holds.
        in_flight = set(
            Notice.objects.filter(alert=alert, state="sending").values_list("id", flat=True)
        )
        assert {f"<notice-{pk}@patchwatch>" for pk in in_flight} == mail.held
        sent_in_the_outage = {channel: _sent(alert, channel) for channel in ("in_app", "email")}
        assert waiting > 0  # the batches behind the emails being sent
        mail.release()
        time.sleep(BROKER_DOWN_SECONDS)
        kept = broker.start()
        if broker.append_only:
            # Kept (the live worker, reconnecting, may have taken some by now).
            assert 0 < kept <= waiting
        else:
            assert kept == 0  # lost: only the sweep can hand out their notices again
        # The live worker finds the new server by itself, after finishing what it was sending.
        wait_until(
            lambda: "".join(second.log).count("Connected to redis") >= 2,
            timeout=30,
            what="the second worker to reconnect",
        )

        # The sweep hands out what was lost, and the dead worker's claim after its lease.
        wait_until(
            lambda: Notice.objects.filter(alert=alert, state="sent").count() == NOTICES,
            timeout=60,
            what="every notice to be sent",
        )
        dispatch_seconds = time.monotonic() - dispatch_started
        # Any email sent twice is sent by now; wait for its copy to reach the server.
        time.sleep(1)
        while not mail.messages.empty():
            received.append(mail.messages.get()["Message-ID"])
        logs = [worker.log for worker in (first, second)]
        beat_failures = sum("Couldn't apply scheduled task" in line for line in beat.log)

    notices = Notice.objects.filter(alert=alert)
    assert notices.count() == NOTICES
    assert notices.filter(channel="in_app").count() == PEOPLE
    assert set(notices.values_list("state", flat=True)) == {"sent"}
    assert not notices.filter(sent_at__isnull=True).exists()
    # Each notice was claimed once but the email the killed worker was sending: claimed again
    # after its lease. In-app notices are claimed and delivered in one update: exactly once.
    attempts = dict(notices.values_list("id", "attempts"))
    claimed_twice = {pk for pk, count in attempts.items() if count != 1}
    assert len(claimed_twice) == 1
    assert claimed_twice < in_flight
    assert {attempts[pk] for pk in claimed_twice} == {2}
    # Every email arrived once, but that one: the server had it when its sender died, and it
    # was sent again after its lease, with the same Message-ID.
    counts = Counter(received)
    assert set(counts) == {
        f"<notice-{pk}@patchwatch>"
        for pk in notices.filter(channel="email").values_list("id", flat=True)
    }
    duplicates = {message_id for message_id, count in counts.items() if count > 1}
    assert duplicates == {f"<notice-{pk}@patchwatch>" for pk in claimed_twice}
    assert max(counts.values()) == 2

    tasks = Counter(task for log in logs for task in _received(log))
    print(
        f"\n{NOTICES} notices ({PEOPLE} in-app, {EMAILS} by email). When the broker went "
        f"down: {sent_in_the_outage['in_app']} in-app notices and "
        f"{sent_in_the_outage['email']} emails sent, {len(in_flight)} being sent, "
        f"{waiting} delivery tasks waiting in its queue, {kept} of them there when it came back. "
        f"In the end: {len(set(received))} emails arrived, {len(duplicates)} of them twice, "
        f"{len(claimed_twice)} notice claimed twice; {len(tasks)} delivery tasks ran, "
        f"{sum(count > 1 for count in tasks.values())} of them twice; the sweep handed out "
        f"{_swept(logs)} batches; beat failed to send {beat_failures} sweeps. Dispatch "
        f"{dispatch_seconds:.1f} s, test {time.monotonic() - started:.1f} s."
    )


def test_publishing_while_the_broker_hangs_answers_and_leaves_the_dispatch_to_the_sweep(
    monkeypatch, tmp_path, settings, client_for, liaison, scheme, coordinator, caplog
) -> None:
    """A broker that stops answering without closing its connections (a failover, a frozen
    host; here a ``redis-server`` stopped with SIGSTOP, whose connections the kernel still
    accepts): publishing an alert still answers, once the broker's socket timeout has run out
    on each try, and leaves the dispatch to the sweep, as when the broker is down."""
    options = celery_app.conf.broker_transport_options
    assert options["socket_timeout"] == settings.CELERY_BROKER_SOCKET_TIMEOUT_SECONDS
    assert options["socket_connect_timeout"] == settings.CELERY_BROKER_SOCKET_TIMEOUT_SECONDS
    with own_broker(monkeypatch, tmp_path, append_only=False) as broker:
        # One second instead of five, and one try instead of four, to keep the test short.
        monkeypatch.setattr(
            celery_app.conf,
            "broker_transport_options",
            {**options, "socket_timeout": 1, "socket_connect_timeout": 1},
        )
        monkeypatch.setattr(
            celery_app.conf,
            "task_publish_retry_policy",
            {"max_retries": 1, "interval_start": 0, "interval_step": 0},
        )
        client = client_for(liaison)
        alert = draft_alert(liaison, title="Bogus callers on Mill Road")
        # An open connection, as a running web process has, that will go unanswered.
        with celery_app.connection_for_write() as open_connection:
            open_connection.ensure_connection(max_retries=1)
            assert broker.server is not None
            broker.server.send_signal(signal.SIGSTOP)
            answers: list = []

            def publish() -> None:
                try:
                    answers.append(client.post(f"/api/v1/alerts/{alert.pk}/publish/"))
                finally:
                    db.connections.close_all()

            request = threading.Thread(target=publish, daemon=True)
            request.start()
            try:
                request.join(timeout=60)
                assert answers, "publishing did not answer while the broker hung"
            finally:
                broker.server.send_signal(signal.SIGCONT)
                request.join(timeout=30)

    (response,) = answers
    assert (response.status_code, response.json()["status"]) == (200, "published")
    alert.refresh_from_db()
    assert (alert.status, alert.notices_queued_at, Notice.objects.count()) == (
        "published",
        None,
        0,
    )
    assert f"Could not queue the dispatch of alert {alert.pk}; the sweep will" in caplog.text
