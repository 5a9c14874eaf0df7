"""The text message and web push channels, and what happens when a channel fails."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from celery.exceptions import Retry
from pywebpush import WebPushException

from notifications import channels
from notifications.dispatch import notices_deliver
from notifications.models import Notice, Preference, PushSubscription
from notifications.services import alert_draft, alert_publish
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


class ProviderStub(BaseHTTPRequestHandler):
    """A local SMS provider: answers with the next queued status and keeps the requests."""

    statuses: list[int] = []
    received: list[dict] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).received.append(
            {
                "body": body,
                "auth": self.headers["Authorization"],
                "key": self.headers["Idempotency-Key"],
            }
        )
        self.send_response(type(self).statuses.pop(0) if type(self).statuses else 200)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def sms_provider(settings):
    ProviderStub.statuses, ProviderStub.received = [], []
    server = HTTPServer(("127.0.0.1", 0), ProviderStub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.SMS_PROVIDER = "http"
    settings.SMS_HTTP_URL = f"http://127.0.0.1:{server.server_port}/messages"
    settings.SMS_HTTP_TOKEN = "secret-token"
    yield ProviderStub
    server.shutdown()
    server.server_close()


@pytest.fixture
def texter(scheme, coordinator):
    coordinator.phone = "07700 900123"
    coordinator.save()
    Preference.objects.create(user=coordinator, channels=["sms"])
    return coordinator


def _publish(liaison, django_capture_on_commit_callbacks, **details):
    alert = alert_draft(
        issuer=liaison,
        details={
            "title": "Burglary on Mill Road",
            "body": "Side doors forced overnight.",
            "category": "burglary",
            "severity": "Moderate",
            "urgency": "Immediate",
            "audience": "coordinators",
            **details,
        },
        area={"lat": 52.1985, "lon": 0.141, "radius_m": 300},
        scheme=None,
    )
    with django_capture_on_commit_callbacks(execute=True):
        return alert_publish(alert=alert, actor=liaison)


def test_text_message_through_an_http_provider(
    sms_provider, texter, liaison, django_capture_on_commit_callbacks
) -> None:
    alert = _publish(liaison, django_capture_on_commit_callbacks)
    notice = Notice.objects.get(recipient=texter, channel="sms")
    assert notice.state == "sent"
    (request,) = sms_provider.received
    assert request["body"] == {
        "to": "07700 900123",
        "body": f"[Patchwatch] Burglary on Mill Road http://127.0.0.1:8000/alerts/{alert.pk}",
        "sender": "Patchwatch",
    }
    assert (request["auth"], request["key"]) == ("Bearer secret-token", f"notice-{notice.pk}")


def test_a_provider_error_is_retried_then_recorded(
    sms_provider, texter, liaison, django_capture_on_commit_callbacks, settings
) -> None:
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    sms_provider.statuses = [503, 503]
    with pytest.raises(Retry):  # the delivery task asks Celery to try again later
        _publish(liaison, django_capture_on_commit_callbacks)
    notice = Notice.objects.get(recipient=texter, channel="sms")
    assert (notice.state, notice.attempts) == ("queued", 1)
    # The retry: the second failure is the last allowed, and is recorded.
    outcome = notices_deliver(notice_ids=[notice.pk])
    assert (outcome.failed, outcome.retry) == (1, [])
    notice.refresh_from_db()
    assert (notice.state, notice.attempts, notice.last_error) == (
        "failed",
        2,
        "SMS provider answered 503",
    )
    assert len(sms_provider.received) == 2


def test_retry_backoff_stays_within_half_the_visibility_timeout(settings) -> None:
    from notifications.tasks import _backoff

    settings.CELERY_VISIBILITY_TIMEOUT_SECONDS = 600
    assert [_backoff(n) for n in range(7)] == [10, 20, 40, 80, 160, 300, 300]


def test_a_refused_text_is_failed_at_once(
    sms_provider, texter, liaison, django_capture_on_commit_callbacks
) -> None:
    sms_provider.statuses = [400]
    _publish(liaison, django_capture_on_commit_callbacks)
    notice = Notice.objects.get(recipient=texter, channel="sms")
    assert (notice.state, notice.attempts) == ("failed", 1)
    assert notice.last_error == "SMS provider refused the message (400)"


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


def test_a_notice_is_never_delivered_twice(
    scheme, coordinator, liaison, django_capture_on_commit_callbacks
) -> None:
    from django.core import mail

    _publish(liaison, django_capture_on_commit_callbacks)
    ids = list(Notice.objects.values_list("id", flat=True))
    again = notices_deliver(notice_ids=ids)  # as if Celery delivered the task a second time
    assert (again.delivered, again.failed, again.retry) == (0, 0, [])
    assert len(mail.outbox) == 1
    MembershipFactory()  # unrelated data changes nothing
    assert notices_deliver(notice_ids=ids).delivered == 0
