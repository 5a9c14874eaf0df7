"""The text message and web push channels, and what happens when a channel fails."""

import hashlib
import json
import threading
import time
from datetime import timedelta

import pytest
import requests
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone
from pywebpush import WebPushException

from notifications import channels
from notifications.dispatch import (
    alert_queue_notices,
    digests_send,
    notices_deliver,
    notices_sweep,
)
from notifications.models import Alert, Notice, Preference, PushReceipt, PushSubscription
from notifications.services import alert_publish
from notifications.timing import retry_backoff
from tests.alerts import draft_alert
from tests.factories import LiaisonFactory, MembershipFactory, SchemeFactory
from tests.processes import unreachable_smtp

pytestmark = pytest.mark.django_db


@pytest.fixture
def sms_provider(fake_notify, settings):
    """Text messages through a local GOV.UK Notify (tests/fake_notify.py)."""
    settings.SMS_PROVIDER = "notify"
    return fake_notify


@pytest.fixture
def texter(scheme, coordinator):
    coordinator.phone = "07700 900123"
    coordinator.save()
    Preference.objects.create(user=coordinator, channels=["sms"])
    return coordinator


def _publish(liaison, django_capture_on_commit_callbacks, **details):
    alert = draft_alert(liaison, **details)
    with django_capture_on_commit_callbacks(execute=True):
        return alert_publish(alert=alert, actor=liaison)


def _time_passes(notice: Notice, seconds: float) -> None:
    """Move a notice's clock back, as if ``seconds`` had passed since its last attempt."""
    Notice.objects.filter(pk=notice.pk).update(
        claimed_at=notice.claimed_at - timedelta(seconds=seconds),
        deliver_after=notice.deliver_after - timedelta(seconds=seconds),
    )


def test_a_provider_error_is_retried_then_recorded(
    sms_provider, texter, liaison, django_capture_on_commit_callbacks, settings
) -> None:
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    sms_provider.fail_next(500, 500)
    # Tasks run in-process (no broker): the failure does not raise out of the publish.
    _publish(liaison, django_capture_on_commit_callbacks)
    notice = Notice.objects.get(recipient=texter, channel="sms")
    assert (notice.state, notice.attempts, notice.last_error) == (
        "queued",
        1,
        "Notify answered 500: Internal server error",
    )
    assert notice.deliver_after == notice.claimed_at + timedelta(seconds=10)
    # Before its backoff is over, neither a redelivered task nor the sweep sends it.
    assert notices_deliver(notice_ids=[notice.pk]).retry == []
    assert notices_sweep() == []
    assert len(sms_provider.requests) == 1
    # Later, the sweep hands it out again: the second failure is the last allowed.
    _time_passes(notice, settings.NOTIFICATIONS_CLAIM_LEASE_SECONDS + 1)
    assert notices_sweep() == [[notice.pk]]
    outcome = notices_deliver(notice_ids=[notice.pk])
    assert (outcome.failed, outcome.retry) == (1, [])
    notice.refresh_from_db()
    assert (notice.state, notice.attempts, notice.last_error) == (
        "failed",
        2,
        "Notify answered 500: Internal server error",
    )
    assert len(sms_provider.requests) == 2
    assert notices_sweep() == []


def test_an_unreachable_mail_server_is_retried_then_recorded(
    scheme, coordinator, liaison, django_capture_on_commit_callbacks, settings
) -> None:
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    unreachable_smtp(settings)
    second = MembershipFactory(scheme=scheme, role="coordinator").user
    _publish(liaison, django_capture_on_commit_callbacks)
    emails = Notice.objects.filter(channel="email").order_by("pk")
    # The connection could not be opened: each notice of the batch was claimed (its attempt
    # counted) and has the reason, to be tried again after its backoff.
    assert sorted((n.recipient_id, n.state, n.attempts, n.last_error) for n in emails) == [
        (coordinator.pk, "queued", 1, "[Errno 111] Connection refused"),
        (second.pk, "queued", 1, "[Errno 111] Connection refused"),
    ]
    assert [n.deliver_after - n.claimed_at for n in emails] == [timedelta(seconds=10)] * 2
    assert set(Notice.objects.filter(channel="in_app").values_list("state", flat=True)) == {"sent"}
    for notice in emails:
        _time_passes(notice, settings.NOTIFICATIONS_CLAIM_LEASE_SECONDS + 1)
    (batch,) = notices_sweep()
    assert batch == [notice.pk for notice in emails]
    outcome = notices_deliver(notice_ids=batch)
    assert (outcome.delivered, outcome.failed, outcome.retry) == (0, 2, [])
    assert set(emails.values_list("state", "attempts", "last_error")) == {
        ("failed", 2, "[Errno 111] Connection refused")
    }
    # Out of attempts: nothing claims them again.
    assert notices_deliver(notice_ids=batch).failed == 0
    assert set(emails.values_list("attempts", flat=True)) == {2}


def test_a_notice_out_of_attempts_is_never_claimed(scheme, coordinator, liaison, settings) -> None:
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    alert = draft_alert(liaison)
    Alert.objects.filter(pk=alert.pk).update(status="published")
    notice = Notice.objects.create(alert=alert, recipient=coordinator, channel="email")
    Notice.objects.filter(pk=notice.pk).update(attempts=2)
    assert notices_deliver(notice_ids=[notice.pk]).delivered == 0
    assert (Notice.objects.get(pk=notice.pk).attempts, mail.outbox) == (2, [])


def test_retry_backoff_stays_within_half_the_visibility_timeout(settings) -> None:
    settings.CELERY_VISIBILITY_TIMEOUT_SECONDS = 600
    assert [retry_backoff(n).total_seconds() for n in range(1, 8)] == [
        10,
        20,
        40,
        80,
        160,
        300,
        300,
    ]


def test_no_sms_provider_means_a_recorded_failure(
    texter, liaison, django_capture_on_commit_callbacks
) -> None:
    _publish(liaison, django_capture_on_commit_callbacks)
    notice = Notice.objects.get(recipient=texter, channel="sms")
    assert (notice.state, notice.last_error) == (
        "failed",
        "The sms channel is not configured on this server.",
    )


@pytest.fixture
def pusher(scheme, coordinator, settings):
    settings.WEBPUSH_VAPID_PRIVATE_KEY = "test-private-key"
    Preference.objects.create(user=coordinator, channels=["push"])
    for n in range(2):
        PushSubscription.objects.create(
            user=coordinator, endpoint=f"https://push.example.org/{n}", p256dh="key", auth="auth"
        )
    return coordinator


class _Gone:
    status_code = 410


def test_web_push_reaches_every_browser_and_forgets_withdrawn_ones(
    pusher, liaison, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    # The push service is a third party across the network: the one thing replaced here.
    sent = []

    def fake_webpush(subscription_info, data, **kwargs):
        if subscription_info["endpoint"].endswith("/1"):
            raise WebPushException("gone", response=_Gone())
        sent.append((subscription_info["endpoint"], json.loads(data), kwargs["vapid_private_key"]))

    monkeypatch.setattr(channels, "webpush", fake_webpush)
    alert = _publish(liaison, django_capture_on_commit_callbacks)
    assert sent == [
        (
            "https://push.example.org/0",
            {
                "title": "Burglary on Mill Road",
                "body": "Side doors forced overnight.",
                "lang": "en-GB",
                "url": f"/alerts/{alert.pk}",
                "tag": str(alert.identifier),
            },
            "test-private-key",
        )
    ]
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [
        "https://push.example.org/0"
    ]
    assert Notice.objects.get(recipient=pusher, channel="push").state == "sent"


def test_push_subscriptions_api(client_for, volunteer) -> None:
    client = client_for(volunteer)
    body = {
        "endpoint": "https://push.example.org/abc",
        "keys": {"p256dh": "BNc...", "auth": "tBH..."},
    }
    assert client.post("/api/v1/me/push-subscriptions/", body, format="json").status_code == 201
    assert client.post("/api/v1/me/push-subscriptions/", body, format="json").status_code == 201
    assert PushSubscription.objects.filter(user=volunteer).count() == 1
    insecure = client.post(
        "/api/v1/me/push-subscriptions/", {**body, "endpoint": "http://x.org/1"}, format="json"
    )
    assert insecure.json() == {"endpoint": ["Push endpoints are https addresses."]}
    assert (
        client.delete(
            "/api/v1/me/push-subscriptions/", {"endpoint": body["endpoint"]}, format="json"
        ).status_code
        == 204
    )
    assert not PushSubscription.objects.exists()


class _Status:
    def __init__(self, status_code: int) -> None:
        self.status_code = status_code
        self.text = ""


def test_web_push_retries_only_the_browser_that_failed(
    pusher, liaison, django_capture_on_commit_callbacks, monkeypatch, settings
) -> None:
    calls = []

    def fake_webpush(subscription_info, data, **kwargs):
        endpoint = subscription_info["endpoint"]
        calls.append(endpoint)
        if endpoint.endswith("/1") and calls.count(endpoint) == 1:
            raise requests.ConnectionError("Connection reset by peer")

    monkeypatch.setattr(channels, "webpush", fake_webpush)
    _publish(liaison, django_capture_on_commit_callbacks)
    notice = Notice.objects.get(recipient=pusher, channel="push")
    assert (notice.state, notice.attempts, notice.last_error) == (
        "queued",
        1,
        "Push service unreachable: Connection reset by peer (accepted by 1 of 2 browsers)",
    )
    assert list(
        PushReceipt.objects.filter(notice=notice).values_list("subscription__endpoint", flat=True)
    ) == ["https://push.example.org/0"]
    _time_passes(notice, settings.NOTIFICATIONS_CLAIM_LEASE_SECONDS + 1)
    for batch in notices_sweep():
        notices_deliver(notice_ids=batch)
    notice.refresh_from_db()
    assert (notice.state, notice.attempts, notice.last_error) == ("sent", 2, "")
    # The browser that had it already is not pushed to again.
    assert calls == [
        "https://push.example.org/0",
        "https://push.example.org/1",
        "https://push.example.org/1",
    ]


@pytest.mark.parametrize("status", [400, 403])
def test_a_push_service_refusal_is_not_a_withdrawn_browser(
    pusher, liaison, django_capture_on_commit_callbacks, monkeypatch, status
) -> None:
    def fake_webpush(subscription_info, data, **kwargs):
        raise WebPushException(f"Push failed: {status}", response=_Status(status))

    monkeypatch.setattr(channels, "webpush", fake_webpush)
    _publish(liaison, django_capture_on_commit_callbacks)
    notice = Notice.objects.get(recipient=pusher, channel="push")
    assert (notice.state, notice.attempts, notice.last_error) == (
        "failed",
        1,
        f"Push service refused the message ({status}): Push failed: {status}",
    )
    assert PushSubscription.objects.filter(user=pusher).count() == 2  # both browsers kept


def test_a_daily_digest_gathers_texts_as_well_as_emails(
    sms_provider, scheme, coordinator, liaison, django_capture_on_commit_callbacks
) -> None:
    coordinator.phone = "07700 900123"
    coordinator.save()
    Preference.objects.create(user=coordinator, channels=["sms", "email"], daily_digest=True)
    first = _publish(liaison, django_capture_on_commit_callbacks, title="First", urgency="Expected")
    _publish(liaison, django_capture_on_commit_callbacks, title="Second", urgency="Future")
    _publish(liaison, django_capture_on_commit_callbacks, title="Urgent", urgency="Immediate")
    # Only the urgent alert interrupts, on every channel.
    assert [r.body["personalisation"]["headline"] for r in sms_provider.sent()] == ["Urgent"]
    assert [m.subject for m in mail.outbox] == ["[Patchwatch] Urgent"]
    held = Notice.objects.filter(recipient=coordinator, in_digest=True)
    assert sorted(held.values_list("channel", "alert__title")) == [
        ("email", "First"),
        ("email", "Second"),
        ("sms", "First"),
        ("sms", "Second"),
    ]
    due = held.first().deliver_after
    assert digests_send(now=due + timedelta(minutes=1)) == 2  # one per channel
    (_, text) = sms_provider.sent()
    ids = sorted(held.filter(channel="sms").values_list("id", flat=True))
    assert (text.body["phone_number"], text.body["personalisation"]["subject"]) == (
        "07700 900123",
        "[Patchwatch] Your daily digest: 2 alerts",
    )
    digest_of = ",".join(str(pk) for pk in ids)
    assert text.body["reference"] == f"digest-{hashlib.sha256(digest_of.encode()).hexdigest()[:16]}"
    assert mail.outbox[-1].subject == "[Patchwatch] Your daily digest: 2 alerts"
    assert f"/alerts/{first.pk}" in mail.outbox[-1].body
    assert set(held.values_list("state", "attempts")) == {("sent", 1)}
    assert digests_send(now=due + timedelta(minutes=2)) == 0  # nothing twice


def test_a_digest_that_cannot_be_sent_is_retried_then_recorded(
    scheme, coordinator, liaison, django_capture_on_commit_callbacks, settings
) -> None:
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    unreachable_smtp(settings)
    Preference.objects.create(user=coordinator, channels=["email"], daily_digest=True)
    _publish(liaison, django_capture_on_commit_callbacks, urgency="Expected")
    held = Notice.objects.get(recipient=coordinator, channel="email")
    due = held.deliver_after + timedelta(minutes=1)
    assert digests_send(now=due) == 0
    held.refresh_from_db()
    assert (held.state, held.attempts, held.last_error) == (
        "queued",
        1,
        "[Errno 111] Connection refused",
    )
    assert held.deliver_after == held.claimed_at + timedelta(seconds=10)
    assert digests_send(now=due) == 0  # not before its backoff
    assert digests_send(now=held.deliver_after) == 0
    held.refresh_from_db()
    assert (held.state, held.attempts) == ("failed", 2)
    assert digests_send(now=held.deliver_after + timedelta(days=1)) == 0
    assert Notice.objects.get(pk=held.pk).attempts == 2  # recorded, not tried for ever


def _queued_alert(liaison) -> Alert:
    """An alert published with its notices queued but not yet delivered."""
    alert = draft_alert(liaison)
    Alert.objects.filter(pk=alert.pk).update(status="published", published_at=timezone.now())
    alert_queue_notices(alert_id=alert.pk)
    return alert


def test_a_notice_is_never_delivered_twice(scheme, coordinator, liaison) -> None:
    _queued_alert(liaison)
    ids = list(Notice.objects.order_by("pk").values_list("id", flat=True))
    # Celery delivers the same task twice (acks_late: the first worker was lost).
    first = notices_deliver(notice_ids=ids)
    again = notices_deliver(notice_ids=ids)
    # The email; the in-app notice was delivered by being stored.
    assert (first.delivered, first.failed, first.retry) == (1, 0, [])
    assert (again.delivered, again.failed, again.retry) == (0, 0, [])
    email = Notice.objects.get(channel="email")
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [
        f"<notice-{email.pk}@patchwatch>"
    ]
    assert set(Notice.objects.values_list("state", "attempts")) == {("sent", 1)}


@pytest.mark.django_db(transaction=True)
def test_two_deliveries_racing_for_the_same_notices_send_each_once() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs row locks")
    scheme = SchemeFactory(name="Mill Road Neighbourhood Watch", lat=52.1985, lon=0.1410)
    MembershipFactory.create_batch(3, scheme=scheme, role="coordinator")
    _queued_alert(LiaisonFactory(force="cambridgeshire").user)
    ids = list(Notice.objects.order_by("pk").values_list("id", flat=True))
    emails = list(
        Notice.objects.filter(channel="email").order_by("pk").values_list("id", flat=True)
    )
    outcomes = []

    def deliver() -> None:
        try:
            outcomes.append(notices_deliver(notice_ids=ids))
        finally:
            connection.close()

    workers = [threading.Thread(target=deliver) for _ in range(2)]
    with transaction.atomic():
        # Hold the first email's row: both deliveries read the same queued notices, then
        # both wait to claim it. When it is let go, only one claim can take it.
        Notice.objects.select_for_update().get(pk=emails[0])
        for worker in workers:
            worker.start()
        deadline = time.monotonic() + 10
        while _sessions_waiting_for_a_lock() < 2:
            assert time.monotonic() < deadline, "the deliveries never met at the claim"
            time.sleep(0.02)
    for worker in workers:
        worker.join(timeout=30)
    # The emails: the in-app notices were delivered by being stored.
    assert len(ids) == 6
    assert sum(outcome.delivered for outcome in outcomes) == len(emails) == 3
    assert sum(outcome.failed + len(outcome.retry) for outcome in outcomes) == 0
    # Both sides sorted as text: "<notice-100@" sorts before "<notice-98@".
    assert sorted(m.extra_headers["Message-ID"] for m in mail.outbox) == sorted(
        f"<notice-{pk}@patchwatch>" for pk in emails
    )
    assert set(Notice.objects.values_list("state", "attempts")) == {("sent", 1)}


def _sessions_waiting_for_a_lock() -> int:
    with connection.cursor() as cursor:
        # Inside a transaction, the statistics views keep their first snapshot unless told.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]
