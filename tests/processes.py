"""Real external processes for integration tests: Celery workers and beat, an SMTP server,
a Redis server."""

import asyncio
import logging
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import redis
from aiosmtpd.controller import Controller
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class MailSink:
    """An SMTP server on loopback that keeps what it receives.

    ``hold()`` makes it keep each message it receives from then on but not answer the
    sender until ``release()``: a sender killed while held dies at the worst moment, its
    message received without its knowing."""

    messages: "queue.Queue[Message]" = field(default_factory=queue.Queue)
    holding: threading.Event = field(default_factory=threading.Event)
    # The Message-IDs of the messages kept but not yet answered.
    held: set[str] = field(default_factory=set)

    async def handle_DATA(self, server, session, envelope) -> str:
        message = message_from_bytes(envelope.content)
        self.messages.put(message)
        if self.holding.is_set():
            self.held.add(message["Message-ID"])
            while self.holding.is_set():
                await asyncio.sleep(0.01)  # the other senders' sessions go on meanwhile
            self.held.discard(message["Message-ID"])
        return "250 OK"

    def hold(self) -> None:
        self.holding.set()

    def release(self) -> None:
        self.holding.clear()

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Message]:
        received = []
        deadline = time.monotonic() + timeout
        while len(received) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"{len(received)} of {count} emails arrived in {timeout}s")
            received.append(self.messages.get(timeout=remaining))
        return received


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_server(port: int | None = None) -> Iterator[tuple[MailSink, int]]:
    # aiosmtpd logs every SMTP command at INFO; a failing test's output should show the test.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    sink = MailSink()
    port = port or free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


def unreachable_smtp(settings) -> int:
    """Point Django's email at an SMTP port on loopback that nobody listens on (connections
    are refused at once); returns the port."""
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    return port


def worker_environment(**extra: str) -> dict[str, str]:
    """The test process's settings for a worker: same broker, same (test) database."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "backend.test_settings", **extra}
    db = connection.settings_dict
    env["DATABASE_URL"] = (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    return env


def smtp_worker_environment(port: int, **extra: str) -> dict[str, str]:
    """``worker_environment`` with the worker's email going to an SMTP server on ``port``."""
    return worker_environment(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(port),
        **extra,
    )


def wait_until(
    condition: Callable[[], bool], *, timeout: float = 60.0, what: str = "the worker"
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def redis_answers(port: int) -> bool:
    try:
        with redis.Redis(host="127.0.0.1", port=port, socket_timeout=1) as client:
            return bool(client.ping())
    except redis.RedisError:
        return False


def start_redis(port: int, *, directory: Path, append_only: bool = False) -> subprocess.Popen:
    """Start ``redis-server`` on loopback ``port``, keeping its files in ``directory``;
    returns once it answers. By default it keeps nothing on disk (no snapshots, no append-only
    file), so that a restart comes back empty, as a server whose disk was lost would; with
    ``append_only`` it writes every change to its append-only file before answering, and a
    restart comes back with all it had."""
    persistence = ["--appendonly", "yes", "--appendfsync", "always"] if append_only else []
    process = subprocess.Popen(
        [
            "redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--dir",
            str(directory),
            "--save",
            "",
            "--appendonly",
            "no",
            *persistence,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_until(lambda: redis_answers(port), timeout=15, what=f"redis-server on port {port}")
    return process


def stop(process: subprocess.Popen) -> None:
    """Ask ``process`` to stop (SIGTERM); kill it, and any children it left, if it will not."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            kill(process)


def kill(process: subprocess.Popen) -> None:
    """SIGKILL ``process``, and with it the processes it started if it leads a session of its
    own (a Celery worker and its pool's processes: nothing gets the chance to finish)."""
    try:
        if os.getsid(process.pid) == process.pid:
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except ProcessLookupError:
        pass
    process.wait()


def _celery(command: list[str], env: dict[str, str], *, ready_line: str) -> subprocess.Popen:
    """Start ``celery -A backend <command>``. The process's ``log`` is the list of its output
    lines; its ``ready`` event is set once a line containing ``ready_line`` is logged."""
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "backend", *command, "--loglevel=INFO"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        # A session of its own, so that ``kill`` takes its pool's processes with it.
        start_new_session=True,
    )
    log: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            log.append(line)
            if ready_line in line:
                ready.set()

    process.log = log  # type: ignore[attr-defined]  # the worker's output and readiness ride on its process
    process.ready = ready  # type: ignore[attr-defined]  # the worker's output and readiness ride on its process
    threading.Thread(target=read, daemon=True).start()
    return process


def wait_ready(process: subprocess.Popen, *, timeout: float = 60.0) -> subprocess.Popen:
    if not process.ready.wait(timeout):  # type: ignore[attr-defined]  # set by the function above
        raise AssertionError(
            "Celery did not start:\n" + "".join(process.log)  # type: ignore[attr-defined]  # set by the function above
        )
    return process


@contextmanager
def celery_worker(
    env: dict[str, str], *, name: str = "worker", pool: str = "solo", wait: bool = True
) -> Iterator[subprocess.Popen]:
    """Start ``celery worker`` as a separate process named ``name``, running one task at a
    time (the solo pool by default; "prefork" runs it in one child process, as production's
    pool does), and wait until it is ready unless told not to (then ``wait_ready`` it)."""
    process = _celery(
        [
            "worker",
            f"--pool={pool}",
            "--concurrency=1",
            "--without-mingle",
            "--without-gossip",
            f"--hostname={name}@%h",
        ],
        env,
        ready_line=" ready.",
    )
    try:
        yield wait_ready(process) if wait else process
    finally:
        stop(process)


@contextmanager
def celery_beat(
    env: dict[str, str], *, schedule: Path, wait: bool = True
) -> Iterator[subprocess.Popen]:
    """Start ``celery beat`` as a separate process, keeping its schedule in the file
    ``schedule``, and wait until it has started unless told not to."""
    process = _celery(["beat", f"--schedule={schedule}"], env, ready_line="beat: Starting...")
    try:
        yield wait_ready(process) if wait else process
    finally:
        stop(process)


def settings_error(**env: str) -> str:
    """The last line of what loading the settings prints when ``env`` stops them, with the
    message providers' own variables of this environment left out."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("NOTIFY_", "SMS_", "EMAIL_", "LETTER_"))
    }
    result = subprocess.run(
        [sys.executable, "-c", "import backend.settings"],
        cwd=ROOT,
        env={**environment, "REDIS_URL": "redis://127.0.0.1:6379/0", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    return result.stderr.strip().splitlines()[-1]
