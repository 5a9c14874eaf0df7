"""Alert dispatch for real: a Celery worker process on Redis queues and delivers notices,
and the emails arrive at a local SMTP server."""

import math
import re
import time

import pytest
from django.db import transaction

from backend.celery import app as celery_app
from notifications.models import Notice
from notifications.services import alert_publish
from tests.alerts import draft_alert
from tests.factories import LiaisonFactory, MembershipFactory, SchemeFactory
from tests.processes import (
    celery_worker,
    free_port,
    smtp_server,
    smtp_worker_environment,
    wait_until,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _thefts_alert(liaison, *, urgency: str):
    return draft_alert(
        liaison,
        area={"lat": 52.2053, "lon": 0.1218, "radius_m": 2000},
        title="Catalytic converter thefts",
        body="Three in one night near the station.",
        category="vehicle_crime",
        urgency=urgency,
    )


def _succeeded(log: list[str], task: str) -> list[str]:
    """What each run of ``task`` returned, from the worker's log."""
    pattern = re.compile(rf"Task notifications\.{task}\[[\w-]+\] succeeded in [\d.e-]+s: (\S+)")
    return [match.group(1) for line in list(log) if (match := pattern.search(line))]


def test_a_published_alert_is_delivered_by_a_real_worker() -> None:
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    schemes = [
        SchemeFactory(name=f"Cambridge Watch {n}", lat=52.2053, lon=0.1218) for n in range(5)
    ]
    for scheme in schemes:
        MembershipFactory.create_batch(4, scheme=scheme, role="coordinator")
    far = SchemeFactory(name="Peterborough Watch", lat=52.5695, lon=-0.2405)
    MembershipFactory(scheme=far, role="coordinator")
    liaison = LiaisonFactory(force="cambridgeshire").user
    with smtp_server() as (mail, port):
        env = smtp_worker_environment(port, NOTIFICATIONS_BATCH_SIZE="7")
        with celery_worker(env) as worker:
            with transaction.atomic():
                alert = _thefts_alert(liaison, urgency="Expected")
                alert_publish(alert=alert, actor=liaison)
            messages = mail.wait_for(20)
            wait_until(lambda: Notice.objects.filter(state="sent").count() == 40)
            # 20 people, in the app and by email: their in-app notices delivered by being
            # stored, their emails in batches of 7 (7, 7 and 6).
            batches = math.ceil(20 / 7)
            wait_until(lambda: len(_succeeded(worker.log, "deliver_notices")) == batches)
            time.sleep(1)
            assert mail.messages.empty()  # nothing sent twice
            assert _succeeded(worker.log, "queue_notices") == [str(batches)]
            # One task per batch, each delivering its batch: none retried, none repeated.
            delivered = _succeeded(worker.log, "deliver_notices")
            assert sorted(delivered) == sorted(["7", "7", "6"])
    assert sorted(m["To"] for m in messages) == sorted(
        Notice.objects.filter(channel="email").values_list("recipient__email", flat=True)
    )
    assert {m["Subject"] for m in messages} == {"[Patchwatch] Catalytic converter thefts"}
    assert len({m["Message-ID"] for m in messages}) == 20
    assert Notice.objects.filter(alert=alert).count() == 40  # 20 people, in-app and email
    assert not Notice.objects.filter(recipient__memberships__scheme=far).exists()


def test_a_mail_server_down_for_a_moment_is_retried_by_the_worker() -> None:
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    scheme = SchemeFactory(name="Cambridge Watch", lat=52.2053, lon=0.1218)
    MembershipFactory(scheme=scheme, role="coordinator")
    liaison = LiaisonFactory(force="cambridgeshire").user
    port = free_port()  # nobody listens there yet
    # Retries wait at most half the visibility timeout: 2 s here.
    env = smtp_worker_environment(port, CELERY_VISIBILITY_TIMEOUT_SECONDS="4")
    with celery_worker(env) as worker:
        with transaction.atomic():
            alert = _thefts_alert(liaison, urgency="Immediate")
            alert_publish(alert=alert, actor=liaison)
        email = Notice.objects.filter(alert=alert, channel="email")
        wait_until(lambda: email.filter(attempts=1, state="queued").exists())
        assert email.get().last_error == "[Errno 111] Connection refused"
        with smtp_server(port) as (mail, _):
            (message,) = mail.wait_for(1, timeout=20)  # the task's own retry, not the sweep
            wait_until(lambda: email.filter(state="sent").exists())
    assert message["Message-ID"] == f"<notice-{email.get().pk}@patchwatch>"
    assert email.values_list("attempts", "last_error").get() == (2, "")
    assert any(re.search(r"retry: Retry in [12]s", line) for line in worker.log)
