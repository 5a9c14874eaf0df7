"""Real external processes for integration tests: a Celery worker and an SMTP server."""

import logging
import os
import queue
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

from aiosmtpd.controller import Controller
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class MailSink:
    """An SMTP server on loopback that keeps what it receives."""

    messages: "queue.Queue[Message]" = field(default_factory=queue.Queue)

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.put(message_from_bytes(envelope.content))
        return "250 OK"

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


@contextmanager
def celery_worker(
    env: dict[str, str], *, ready_timeout: float = 60.0
) -> Iterator[subprocess.Popen]:
    """Start ``celery worker`` as a separate process (one task at a time: the solo pool)
    and wait until it is ready. The process's ``log`` is the list of its output lines."""
    process = subprocess.Popen(
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
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    log: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            log.append(line)
            if " ready." in line:
                ready.set()

    process.log = log  # type: ignore[attr-defined]
    threading.Thread(target=read, daemon=True).start()
    try:
        if not ready.wait(ready_timeout):
            raise AssertionError("Celery worker did not start:\n" + "".join(log))
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
