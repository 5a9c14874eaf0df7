"""A worker killed with SIGKILL in the middle of a large dispatch, then started again:
every notice is delivered, and none twice.

Celery hands the killed worker's unacknowledged task to the new worker (``acks_late``, after
the broker's visibility timeout, shortened here). Notices the dead worker had already sent
are skipped because each notice is claimed before sending. The one email the worker may have
been in the middle of sending is taken up again once its claim's lease runs out: if the SMTP
server had accepted it just before the kill, it arrives a second time with the same
Message-ID (mail systems treat the two as one message); every other notice arrives once.
"""

import time
from collections import Counter

import pytest
from django.db import transaction

from backend.celery import app as celery_app
from notifications.models import Notice
from notifications.services import alert_draft, alert_publish
from notifications.tasks import sweep_notices
from tests.factories import LiaisonFactory, MembershipFactory, SchemeFactory
from tests.processes import celery_worker, smtp_server, worker_environment

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PEOPLE = 600


def _wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def test_a_killed_worker_loses_nothing_and_repeats_nothing() -> None:
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    scheme = SchemeFactory(name="Ely City Neighbourhood Watch", lat=52.3986, lon=0.2622)
    MembershipFactory.create_batch(PEOPLE, scheme=scheme, role="coordinator")
    liaison = LiaisonFactory(force="cambridgeshire").user
    received: list[str] = []
    with smtp_server() as (mail, port):
        env = worker_environment(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(port),
            NOTIFICATIONS_BATCH_SIZE="100",
            NOTIFICATIONS_CLAIM_LEASE_SECONDS="2",
            CELERY_VISIBILITY_TIMEOUT_SECONDS="5",
        )
        with celery_worker(env) as first_worker:
            with transaction.atomic():
                alert = alert_draft(
                    issuer=liaison,
                    details={
                        "title": "Bogus callers in Ely",
                        "body": "Men posing as council workers.",
                        "category": "bogus_caller",
                        "severity": "Moderate",
                        "urgency": "Immediate",
                        "audience": "coordinators",
                    },
                    area={"lat": 52.3986, "lon": 0.2622, "radius_m": 1000},
                    scheme=None,
                )
                alert_publish(alert=alert, actor=liaison)
            received += [m["Message-ID"] for m in mail.wait_for(PEOPLE // 4, timeout=60)]
            first_worker.kill()  # SIGKILL: no chance to finish or acknowledge anything
            first_worker.wait()
        in_flight = list(
            Notice.objects.filter(alert=alert, state="sending").values_list("id", flat=True)
        )
        assert len(in_flight) <= 1  # one message at a time per worker process
        assert Notice.objects.filter(alert=alert, channel="email", state="sent").count() < PEOPLE

        with celery_worker(env):
            time.sleep(2.5)  # the dead worker's claim expires
            sweep_notices.delay()
            _wait_until(
                lambda: Notice.objects.filter(alert=alert, state="sent").count() == 2 * PEOPLE,
                timeout=120,
                what="every notice to be sent",
            )
            time.sleep(1)
            while not mail.messages.empty():
                received.append(mail.messages.get()["Message-ID"])

    notices = Notice.objects.filter(alert=alert)
    assert notices.count() == 2 * PEOPLE  # in the app and by email, each person
    assert set(notices.values_list("state", flat=True)) == {"sent"}
    expected = {
        f"<notice-{pk}@patchwatch>"
        for pk in notices.filter(channel="email").values_list("id", flat=True)
    }
    counts = Counter(received)
    assert set(counts) == expected  # every email arrived
    repeated = {message_id for message_id, count in counts.items() if count > 1}
    assert repeated <= {f"<notice-{pk}@patchwatch>" for pk in in_flight}
    assert all(count <= 2 for count in counts.values())
