"""Notify's rate limit holds across workers: two Celery worker processes deliver one alert's
text messages to a local Notify, taking turns from the one token bucket in Redis."""

import re

import pytest
import redis
from django.conf import settings
from django.db import transaction

from backend.celery import app as celery_app
from core.notify import _BUCKET_KEY
from core.ratelimit import TokenBucket
from notifications.models import Notice, Preference
from notifications.services import alert_publish
from tests.alerts import draft_alert
from tests.factories import LiaisonFactory, MembershipFactory, SchemeFactory
from tests.processes import celery_worker, wait_until, worker_environment


def clear_bucket() -> None:
    with redis.Redis.from_url(settings.NOTIFY_RATE_REDIS_URL) as client:
        client.delete(_BUCKET_KEY)


def _most_in_any_window(moments: list[float], seconds: float) -> int:
    moments = sorted(moments)
    most, start = 0, 0
    for end, moment in enumerate(moments):
        while moment - moments[start] > seconds:
            start += 1
        most = max(most, end - start + 1)
    return most


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_workers_share_one_rate_and_send_every_message_once(fake_notify) -> None:
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    clear_bucket()
    people = 120
    rate = 1200  # a minute: 20 a second
    scheme = SchemeFactory(name="Mill Road Neighbourhood Watch", lat=52.1985, lon=0.1410)
    for n in range(people):
        member = MembershipFactory(scheme=scheme, role="coordinator").user
        member.phone = f"07700 9{n:05d}"
        member.save()
        Preference.objects.create(user=member, channels=["sms"])
    liaison = LiaisonFactory(force="cambridgeshire").user
    env = worker_environment(
        SMS_PROVIDER="notify",
        NOTIFY_API_KEY=fake_notify.api_key,
        NOTIFY_BASE_URL=fake_notify.url,
        NOTIFY_SMS_TEMPLATE_ID=fake_notify.sms_template_id,
        NOTIFY_RATE_PER_MINUTE=str(rate),
        NOTIFICATIONS_BATCH_SIZE="10",
    )
    with celery_worker(env, name="first") as first, celery_worker(env, name="second") as second:
        with transaction.atomic():
            alert = draft_alert(liaison)
            alert_publish(alert=alert, actor=liaison)
        wait_until(
            lambda: Notice.objects.filter(channel="sms", state="sent").count() == people,
            timeout=60,
            what="every text sent",
        )
        logs = ["".join(first.log), "".join(second.log)]
    sent = fake_notify.sent()
    # Every message once: one per notice, with the notice's own reference.
    notices = Notice.objects.filter(channel="sms")
    assert sorted(r.body["reference"] for r in sent) == sorted(f"notice-{n.pk}" for n in notices)
    assert set(notices.values_list("attempts", flat=True)) == {1}
    assert sorted(str(n.provider_id) for n in notices) == sorted(fake_notify.notifications)
    # Both workers sent some of them.
    for log in logs:
        assert re.search(r"Task notifications\.deliver_notices\[[\w-]+\] succeeded", log)
    # The shared bucket: 12 may go at once, then 19.4 a second (so at most 1,176 in any
    # minute, 2% under the limit). Two buckets of their own would have let the workers send
    # twice as fast.
    bucket = TokenBucket(redis.Redis(), "unused", limit=rate, period=60)
    assert (bucket.burst, bucket.rate) == (12, 19.4)
    moments = [r.at for r in sent]
    for window in (1.0, 2.0, 4.0):
        # Two more for the time each request took to arrive after its turn.
        assert _most_in_any_window(moments, window) <= bucket.burst + bucket.rate * window + 2
    span = max(moments) - min(moments)
    assert span >= (people - bucket.burst - 2) / bucket.rate
