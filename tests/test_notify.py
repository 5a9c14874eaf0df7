"""GOV.UK Notify for email and text messages, against a local Notify (tests/fake_notify.py):
what is sent, how each of Notify's errors is recorded, delivery receipts by callback and by
polling, and the rate limit within one process (across two: test_notify_rate_limit.py)."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import redis
from django.utils import timezone

from core.ratelimit import TokenBucket
from notifications.dispatch import notices_deliver, notices_sweep
from notifications.models import Notice, Preference
from notifications.receipts import receipts_poll
from notifications.services import alert_publish
from tests.alerts import draft_alert
from tests.factories import MembershipFactory
from tests.processes import free_port, settings_error

pytestmark = pytest.mark.django_db

CALLBACK = "/api/v1/notify/receipts/"
DETAILS = {
    "instruction": "Lock side gates and report anything seen to 101.",
    "contact": "PC Amy Clarke, 101 quoting CC-20261207-0042",
}


@pytest.fixture
def texter(fake_notify, scheme, coordinator, settings):
    settings.SMS_PROVIDER = "notify"
    coordinator.phone = "07700 900123"
    coordinator.save()
    Preference.objects.create(user=coordinator, channels=["sms"])
    return coordinator


@pytest.fixture
def emailed(fake_notify, scheme, coordinator, settings):
    settings.EMAIL_PROVIDER = "notify"
    return coordinator


def _publish(liaison, django_capture_on_commit_callbacks, **details):
    alert = draft_alert(liaison, **{**DETAILS, **details})
    with django_capture_on_commit_callbacks(execute=True):
        return alert_publish(alert=alert, actor=liaison)


def _personalisation(alert) -> dict[str, str]:
    return {
        "subject": "[Patchwatch] Burglary on Mill Road",
        "headline": "Burglary on Mill Road",
        "body": "Side doors forced overnight.",
        "instruction": "Lock side gates and report anything seen to 101.",
        "contact": "PC Amy Clarke, 101 quoting CC-20261207-0042",
        "advice": "What to do: Lock side gates and report anything seen to 101.\n\n"
        "Contact: PC Amy Clarke, 101 quoting CC-20261207-0042",
        "link": f"http://127.0.0.1:8000/alerts/{alert.pk}",
    }


def test_notify_sends_a_text_message_with_the_alert_and_the_notices_reference(
    texter, fake_notify, liaison, django_capture_on_commit_callbacks
) -> None:
    alert = _publish(liaison, django_capture_on_commit_callbacks)
    notice = Notice.objects.get(recipient=texter, channel="sms")
    (request,) = fake_notify.sent()
    assert (request.path, request.body) == (
        "/v2/notifications/sms",
        {
            "phone_number": "07700 900123",
            "template_id": fake_notify.sms_template_id,
            "personalisation": _personalisation(alert),
            "reference": f"notice-{notice.pk}",
        },
    )
    (provider_id,) = fake_notify.notifications
    assert (notice.state, notice.attempts, notice.provider_id, notice.receipt) == (
        "sent",
        1,
        uuid.UUID(provider_id),
        "",
    )


def test_notify_sends_an_email_with_the_reply_to_address_configured(
    emailed, fake_notify, liaison, django_capture_on_commit_callbacks, settings
) -> None:
    settings.NOTIFY_EMAIL_REPLY_TO_ID = reply_to = str(uuid.uuid4())
    alert = _publish(liaison, django_capture_on_commit_callbacks)
    notice = Notice.objects.get(recipient=emailed, channel="email")
    (request,) = fake_notify.sent()
    assert (request.path, request.body) == (
        "/v2/notifications/email",
        {
            "email_address": emailed.email,
            "template_id": fake_notify.email_template_id,
            "personalisation": _personalisation(alert),
            "reference": f"notice-{notice.pk}",
            "email_reply_to_id": reply_to,
        },
    )
    assert (notice.state, str(notice.provider_id)) == (
        "sent",
        next(iter(fake_notify.notifications)),
    )


def test_a_digest_goes_through_notify_as_one_message_with_the_digests_key(
    texter, fake_notify, liaison, django_capture_on_commit_callbacks
) -> None:
    from notifications.dispatch import digests_send

    Preference.objects.filter(user=texter).update(daily_digest=True)
    first = _publish(liaison, django_capture_on_commit_callbacks, title="First", urgency="Expected")
    second = _publish(liaison, django_capture_on_commit_callbacks, title="Second", urgency="Future")
    assert fake_notify.sent() == []
    held = Notice.objects.filter(recipient=texter, channel="sms").order_by("pk")
    assert digests_send(now=held[0].deliver_after + timedelta(minutes=1)) == 1
    (request,) = fake_notify.sent()
    personalisation = request.body["personalisation"]
    assert personalisation == {
        "subject": "[Patchwatch] Your daily digest: 2 alerts",
        "headline": "Your daily digest: 2 alerts",
        "body": "2 alerts since your last digest:\n\n"
        "- First\n  Side doors forced overnight.\n"
        f"  http://127.0.0.1:8000/alerts/{first.pk}\n\n"
        "- Second\n  Side doors forced overnight.\n"
        f"  http://127.0.0.1:8000/alerts/{second.pk}\n",
        "instruction": "",
        "contact": "",
        "advice": "",
        "link": "http://127.0.0.1:8000/alerts",
    }
    assert request.body["reference"].startswith("digest-")
    (provider_id,) = fake_notify.notifications
    assert set(held.values_list("state", "provider_id")) == {("sent", uuid.UUID(provider_id))}


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (
            400,
            "Notify refused the message (400): "
            "Can't send to this recipient using a team-only API key",
        ),
        (403, "Notify refused the message (403): Invalid token: API key not found"),
    ],
)
def test_a_refusal_by_notify_is_recorded_as_failed_at_once(
    texter, fake_notify, liaison, django_capture_on_commit_callbacks, status, error
) -> None:
    fake_notify.fail_next(status)
    _publish(liaison, django_capture_on_commit_callbacks)
    notice = Notice.objects.get(recipient=texter, channel="sms")
    assert (notice.state, notice.attempts, notice.last_error, notice.provider_id) == (
        "failed",
        1,
        error,
        None,
    )
    assert notices_sweep() == []


def test_a_bad_key_is_refused_by_notify_itself(
    texter, fake_notify, liaison, django_capture_on_commit_callbacks, settings
) -> None:
    # The key of another service: its token does not verify.
    settings.NOTIFY_API_KEY = f"other-{uuid.uuid4()}-{uuid.uuid4()}"
    _publish(liaison, django_capture_on_commit_callbacks)
    notice = Notice.objects.get(recipient=texter, channel="sms")
    assert (notice.state, notice.last_error) == (
        "failed",
        "Notify refused the message (403): Invalid token: API key not found",
    )
    assert [r.status for r in fake_notify.requests] == [403]


def _time_passes(notice: Notice, seconds: float) -> None:
    Notice.objects.filter(pk=notice.pk).update(
        claimed_at=notice.claimed_at - timedelta(seconds=seconds),
        deliver_after=notice.deliver_after - timedelta(seconds=seconds),
    )


def test_a_notify_server_error_is_retried_after_its_backoff(
    texter, fake_notify, liaison, django_capture_on_commit_callbacks, settings
) -> None:
    fake_notify.fail_next(500)
    _publish(liaison, django_capture_on_commit_callbacks)
    notice = Notice.objects.get(recipient=texter, channel="sms")
    assert (notice.state, notice.attempts, notice.last_error) == (
        "queued",
        1,
        "Notify answered 500: Internal server error",
    )
    assert notice.deliver_after == notice.claimed_at + timedelta(seconds=10)
    _time_passes(notice, settings.NOTIFICATIONS_CLAIM_LEASE_SECONDS + 1)
    assert notices_sweep() == [[notice.pk]]
    assert notices_deliver(notice_ids=[notice.pk]).delivered == 1
    notice.refresh_from_db()
    assert (notice.state, notice.attempts, notice.last_error) == ("sent", 2, "")
    assert [r.status for r in fake_notify.requests] == [500, 201]


def test_notify_out_of_reach_is_retried(
    texter, fake_notify, liaison, django_capture_on_commit_callbacks, settings
) -> None:
    settings.NOTIFY_BASE_URL = f"http://127.0.0.1:{free_port()}"
    _publish(liaison, django_capture_on_commit_callbacks)
    notice = Notice.objects.get(recipient=texter, channel="sms")
    assert (notice.state, notice.attempts) == ("queued", 1)
    assert notice.last_error.startswith("Notify unreachable: ")
    assert "Connection refused" in notice.last_error


def test_notifys_rate_limit_backs_off_and_holds_every_worker(
    texter, fake_notify, scheme, liaison, django_capture_on_commit_callbacks, settings
) -> None:
    second = MembershipFactory(scheme=scheme, role="coordinator").user
    second.phone = "07700 900456"
    second.save()
    Preference.objects.create(user=second, channels=["sms"])
    settings.NOTIFY_RATE_MAX_WAIT_SECONDS = 0
    fake_notify.fail_next(429)
    before = timezone.now()
    _publish(liaison, django_capture_on_commit_callbacks)
    first, later = Notice.objects.filter(channel="sms").order_by("pk")
    # The one Notify refused: an attempt counted, and the dispatch's backoff.
    assert (first.state, first.attempts, first.last_error) == (
        "queued",
        1,
        "Notify answered 429: Exceeded rate limit for key type LIVE of 3000 requests "
        "per 60 seconds",
    )
    assert first.deliver_after == first.claimed_at + timedelta(seconds=10)
    # The rest of the batch waits for the pause every worker shares, never sent, no attempt.
    assert (later.state, later.attempts, later.last_error) == ("queued", 0, "")
    assert timedelta(seconds=9) < later.deliver_after - before < timedelta(seconds=11)
    assert [r.status for r in fake_notify.requests] == [429]
    # A redelivered task before then sends nothing.
    assert notices_deliver(notice_ids=[first.pk, later.pk]).delivered == 0
    # Later, both go, once each.
    for notice in (first, later):
        Notice.objects.filter(pk=notice.pk).update(
            deliver_after=timezone.now() - timedelta(seconds=1)
        )
    from tests.test_notify_rate_limit import clear_bucket

    clear_bucket()
    assert notices_deliver(notice_ids=[first.pk, later.pk]).delivered == 2
    assert sorted(r.body["phone_number"] for r in fake_notify.sent()) == [
        "07700 900123",
        "07700 900456",
    ]
    assert set(Notice.objects.filter(channel="sms").values_list("state", "attempts")) == {
        ("sent", 2),
        ("sent", 1),
    }


def test_an_empty_bucket_puts_notices_off_without_counting_an_attempt(
    texter, fake_notify, scheme, liaison, django_capture_on_commit_callbacks, settings
) -> None:
    second = MembershipFactory(scheme=scheme, role="coordinator").user
    second.phone = "07700 900456"
    second.save()
    Preference.objects.create(user=second, channels=["sms"])
    # One message a minute, and no waiting for the next: the second is put off.
    settings.NOTIFY_RATE_PER_MINUTE = 1
    settings.NOTIFY_RATE_MAX_WAIT_SECONDS = 0
    _publish(liaison, django_capture_on_commit_callbacks)
    sent, put_off = Notice.objects.filter(channel="sms").order_by("pk")
    assert (sent.state, sent.attempts) == ("sent", 1)
    assert (put_off.state, put_off.attempts, put_off.last_error) == ("queued", 0, "")
    assert timedelta(seconds=55) < put_off.deliver_after - timezone.now() < timedelta(seconds=61)
    # The sweep leaves it to the task that will retry it, for the lease.
    assert notices_sweep() == []
    assert len(fake_notify.sent()) == 1


# --- delivery receipts ------------------------------------------------------------------


@pytest.fixture
def sent_text(texter, fake_notify, liaison, django_capture_on_commit_callbacks):
    _publish(liaison, django_capture_on_commit_callbacks)
    return Notice.objects.get(recipient=texter, channel="sms")


def _receipt(notice: Notice, status: str, **overrides) -> dict:
    return {
        "id": str(notice.provider_id),
        "reference": f"notice-{notice.pk}",
        "to": "07700 900123",
        "status": status,
        "created_at": "2026-12-07T08:00:00.000000Z",
        "completed_at": "2026-12-07T08:00:05.000000Z",
        "sent_at": "2026-12-07T08:00:01.000000Z",
        "notification_type": "sms",
        **overrides,
    }


TOKEN = "callback-token-of-the-test"  # as the fake_notify fixture configures it


def _post(anon, body: dict, token: str | None = TOKEN):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    return anon.post(CALLBACK, body, format="json", **headers)


COMPLETED = datetime(2026, 12, 7, 8, 0, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "receipt", "figures"),
    [
        ("delivered", "delivered", (1, 0)),
        ("permanent-failure", "permanent_failure", (0, 1)),
        ("temporary-failure", "temporary_failure", (0, 1)),
    ],
)
def test_a_callback_records_the_receipt_and_the_summary_counts_it(
    sent_text, anon, client_for, liaison, status, receipt, figures
) -> None:
    response = _post(anon, _receipt(sent_text, status))
    assert (response.status_code, response.json()) == (200, {"recorded": 1})
    sent_text.refresh_from_db()
    assert (sent_text.state, sent_text.receipt, sent_text.receipt_at) == (
        "sent",
        receipt,
        COMPLETED,
    )
    summary = client_for(liaison).get(f"/api/v1/alerts/{sent_text.alert_id}/summary/").json()
    (sms,) = [row for row in summary["channels"] if row["channel"] == "sms"]
    assert (sms["sent"], sms["delivered"], sms["undelivered"], sms["failed"]) == (1, *figures, 0)


def test_a_technical_failure_is_sent_again_after_its_backoff(
    sent_text, anon, client_for, liaison, fake_notify, settings
) -> None:
    first_id = sent_text.provider_id
    assert _post(anon, _receipt(sent_text, "technical-failure")).json() == {"recorded": 1}
    sent_text.refresh_from_db()
    assert (sent_text.state, sent_text.attempts, sent_text.receipt, sent_text.last_error) == (
        "queued",
        1,
        "technical_failure",
        "Notify could not send it (a technical failure): sending it again.",
    )
    assert timedelta(seconds=9) < sent_text.deliver_after - timezone.now() <= timedelta(seconds=10)
    summary = client_for(liaison).get(f"/api/v1/alerts/{sent_text.alert_id}/summary/").json()
    (sms,) = [row for row in summary["channels"] if row["channel"] == "sms"]
    assert (sms["queued"], sms["sent"], sms["undelivered"]) == (1, 0, 0)
    # The same receipt again changes nothing.
    assert _post(anon, _receipt(sent_text, "technical-failure")).json() == {"recorded": 0}
    assert Notice.objects.get(pk=sent_text.pk).deliver_after == sent_text.deliver_after
    # After its backoff and the lease, the sweep hands it out and it goes again.
    Notice.objects.filter(pk=sent_text.pk).update(
        deliver_after=timezone.now() - timedelta(seconds=1),
        claimed_at=timezone.now()
        - timedelta(seconds=settings.NOTIFICATIONS_CLAIM_LEASE_SECONDS + 1),
    )
    assert notices_sweep() == [[sent_text.pk]]
    assert notices_deliver(notice_ids=[sent_text.pk]).delivered == 1
    sent_text.refresh_from_db()
    assert (sent_text.state, sent_text.attempts, sent_text.receipt) == ("sent", 2, "")
    assert sent_text.provider_id != first_id
    assert [r.body["reference"] for r in fake_notify.sent()] == [f"notice-{sent_text.pk}"] * 2
    # A late receipt for the first message no longer finds the notice.
    late = _receipt(sent_text, "delivered", id=str(first_id))
    assert _post(anon, late).status_code == 404
    assert _post(anon, _receipt(sent_text, "delivered")).json() == {"recorded": 1}


def test_a_technical_failure_on_the_last_attempt_is_recorded_not_sent_again(
    sent_text, anon, settings
) -> None:
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 1
    assert _post(anon, _receipt(sent_text, "technical-failure")).json() == {"recorded": 1}
    sent_text.refresh_from_db()
    assert (sent_text.state, sent_text.receipt) == ("sent", "technical_failure")


def test_the_same_callback_twice_changes_nothing_more(sent_text, anon) -> None:
    assert _post(anon, _receipt(sent_text, "delivered")).json() == {"recorded": 1}
    again = _post(anon, _receipt(sent_text, "delivered", completed_at="2026-12-07T09:00:00Z"))
    assert (again.status_code, again.json()) == (200, {"recorded": 0})
    sent_text.refresh_from_db()
    assert (sent_text.receipt, sent_text.receipt_at) == ("delivered", COMPLETED)


def test_a_late_delivery_replaces_a_failure_but_not_the_other_way(sent_text, anon) -> None:
    assert _post(anon, _receipt(sent_text, "temporary-failure")).json() == {"recorded": 1}
    late = "2026-12-07T10:00:00.000000Z"
    assert _post(anon, _receipt(sent_text, "delivered", completed_at=late)).json() == {
        "recorded": 1
    }
    assert _post(anon, _receipt(sent_text, "permanent-failure")).json() == {"recorded": 0}
    sent_text.refresh_from_db()
    assert (sent_text.receipt, sent_text.receipt_at) == (
        "delivered",
        datetime(2026, 12, 7, 10, 0, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    "token", [None, "", "callback-token-of-the-tesT", "callback-token-of-the-test-and-more"]
)
def test_a_forged_callback_is_refused_and_changes_nothing(sent_text, anon, token) -> None:
    response = _post(anon, _receipt(sent_text, "delivered"), token=token)
    assert response.status_code == 401
    assert response.json() == {"detail": "Not a callback from GOV.UK Notify."}
    assert response["WWW-Authenticate"] == 'Bearer realm="notify-callbacks"'
    sent_text.refresh_from_db()
    assert (sent_text.receipt, sent_text.receipt_at) == ("", None)


def test_people_are_refused_the_callback_whoever_they_are(
    sent_text, client_for, coordinator, volunteer, outsider, liaison
) -> None:
    for person in (coordinator, volunteer, outsider, liaison):
        response = client_for(person).post(
            CALLBACK, _receipt(sent_text, "delivered"), format="json"
        )
        # Their own credentials are not read here: only Notify's token is.
        assert (response.status_code, response.json()) == (
            401,
            {"detail": "Not a callback from GOV.UK Notify."},
        )
    assert Notice.objects.get(pk=sent_text.pk).receipt == ""


def test_callbacks_are_refused_when_no_token_is_configured(sent_text, anon, settings) -> None:
    settings.NOTIFY_CALLBACK_BEARER_TOKEN = ""
    assert _post(anon, _receipt(sent_text, "delivered"), token="").status_code == 401
    assert Notice.objects.get(pk=sent_text.pk).receipt == ""


def test_a_callback_for_an_unknown_message_is_404_and_changes_nothing(sent_text, anon) -> None:
    body = _receipt(sent_text, "delivered", id=str(uuid.uuid4()), reference="someone-else")
    response = _post(anon, body)
    assert (response.status_code, response.json()) == (
        404,
        {"detail": "No notice was sent as this message."},
    )
    # A reference of ours is not enough for a notice that has another message's id.
    body["reference"] = f"notice-{sent_text.pk}"
    assert _post(anon, body).status_code == 404
    assert Notice.objects.get(pk=sent_text.pk).receipt == ""


def test_a_callback_with_bad_fields_is_a_field_error(sent_text, anon) -> None:
    response = _post(anon, {"id": "not-a-uuid", "status": "delivered", "completed_at": "soon"})
    assert response.status_code == 400
    assert response.json() == {
        "id": ["Must be a valid UUID."],
        "completed_at": [
            "Datetime has wrong format. Use one of these formats instead: "
            "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
        ],
    }


def test_a_receipt_for_a_send_never_recorded_marks_the_notice_sent(
    texter, fake_notify, liaison, anon
) -> None:
    # The worker died after Notify accepted the text and before recording it: the notice
    # waits in the queue for its lease to end, with no id of Notify's on it.
    alert = draft_alert(liaison, **DETAILS)
    from notifications.models import Alert

    Alert.objects.filter(pk=alert.pk).update(status="published", published_at=timezone.now())
    notice = Notice.objects.create(
        alert=alert, recipient=texter, channel="sms", state="sending", attempts=1
    )
    body = {
        **_receipt(notice, "delivered"),
        "id": str(uuid.uuid4()),
    }
    assert _post(anon, body).json() == {"recorded": 1}
    notice.refresh_from_db()
    assert (notice.state, notice.receipt, str(notice.provider_id)) == (
        "sent",
        "delivered",
        body["id"],
    )
    # So the sweep never sends it again.
    Notice.objects.filter(pk=notice.pk).update(claimed_at=timezone.now() - timedelta(hours=1))
    assert notices_sweep() == []


def test_a_fake_notify_callback_reaches_the_app_over_http(sent_text, fake_notify, live_server):
    fake_notify.callback_url = f"{live_server.url}{CALLBACK}"
    fake_notify.callback_token = "callback-token-of-the-test"
    fake_notify.finish(str(sent_text.provider_id), "delivered")
    sent_text.refresh_from_db()
    assert sent_text.receipt == "delivered"


# --- polling ----------------------------------------------------------------------------


def _sent_long_ago(notice: Notice, minutes: int) -> None:
    Notice.objects.filter(pk=notice.pk).update(sent_at=timezone.now() - timedelta(minutes=minutes))


def test_the_poller_collects_a_receipt_whose_callback_was_missed(
    sent_text, fake_notify, settings
) -> None:
    fake_notify.finish(str(sent_text.provider_id), "permanent-failure", callback=False)
    # Not before the poll delay.
    assert receipts_poll() == 0
    assert [r.method for r in fake_notify.requests] == ["POST"]
    _sent_long_ago(sent_text, settings.NOTIFY_RECEIPT_POLL_AFTER_MINUTES + 1)
    assert receipts_poll() == 1
    sent_text.refresh_from_db()
    assert sent_text.receipt == "permanent_failure"
    assert fake_notify.requests[-1].path == f"/v2/notifications/{sent_text.provider_id}"
    # Done: not asked about again.
    assert receipts_poll() == 0
    assert len(fake_notify.requests) == 2


def test_the_poller_asks_the_longest_unasked_first_and_a_bounded_number(
    texter, fake_notify, scheme, liaison, django_capture_on_commit_callbacks, settings
) -> None:
    for n in range(2):
        member = MembershipFactory(scheme=scheme, role="coordinator").user
        member.phone = f"07700 90010{n}"
        member.save()
        Preference.objects.create(user=member, channels=["sms"])
    _publish(liaison, django_capture_on_commit_callbacks)
    notices = list(Notice.objects.filter(channel="sms").order_by("pk"))
    for age, notice in zip((50, 40, 60), notices, strict=True):
        _sent_long_ago(notice, age)
    # Still being sent, at Notify: asked about, nothing recorded.
    assert receipts_poll(limit=2) == 0
    asked = [r.path.rsplit("/", 1)[1] for r in fake_notify.requests if r.method == "GET"]
    assert asked == [str(notices[2].provider_id), str(notices[0].provider_id)]
    # Next time round the one not yet asked comes first.
    fake_notify.finish(str(notices[1].provider_id), "delivered", callback=False)
    later = timezone.now() + timedelta(minutes=settings.NOTIFY_RECEIPT_POLL_AFTER_MINUTES + 1)
    assert receipts_poll(now=later, limit=1) == 1
    assert Notice.objects.get(pk=notices[1].pk).receipt == "delivered"


def test_the_poller_does_nothing_without_notify(db, settings) -> None:
    settings.SMS_PROVIDER = "console"
    settings.EMAIL_PROVIDER = "smtp"
    assert receipts_poll() == 0


# --- configuration ----------------------------------------------------------------------


def test_an_unknown_provider_stops_the_app_at_start_up() -> None:
    assert settings_error(SMS_PROVIDER="http") == (
        "django.core.exceptions.ImproperlyConfigured: "
        "SMS_PROVIDER must be one of ['', 'console', 'notify'], not 'http'"
    )
    assert settings_error(EMAIL_PROVIDER="ses") == (
        "django.core.exceptions.ImproperlyConfigured: "
        "EMAIL_PROVIDER must be one of ['smtp', 'notify'], not 'ses'"
    )


def test_notify_without_its_settings_stops_the_app_at_start_up() -> None:
    assert settings_error(SMS_PROVIDER="notify", EMAIL_PROVIDER="notify") == (
        "django.core.exceptions.ImproperlyConfigured: NOTIFY_API_KEY, NOTIFY_EMAIL_TEMPLATE_ID, "
        "NOTIFY_SMS_TEMPLATE_ID must be set when GOV.UK Notify carries email and text messages"
    )
    assert settings_error(
        SMS_PROVIDER="notify", NOTIFY_API_KEY="not-a-key", NOTIFY_SMS_TEMPLATE_ID=str(uuid.uuid4())
    ) == (
        "django.core.exceptions.ImproperlyConfigured: NOTIFY_API_KEY must be a key as Notify "
        "gives it: {key name}-{service id}-{secret}"
    )
    assert settings_error(
        SMS_PROVIDER="notify",
        NOTIFY_API_KEY=f"live-{uuid.uuid4()}-{uuid.uuid4()}",
        NOTIFY_SMS_TEMPLATE_ID="welcome",
    ) == (
        "django.core.exceptions.ImproperlyConfigured: "
        "NOTIFY_SMS_TEMPLATE_ID must be a UUID, not 'welcome'"
    )


# --- the rate limit's bucket ------------------------------------------------------------


def test_the_bucket_lets_a_burst_through_then_spreads_the_rest(settings) -> None:
    client = redis.Redis.from_url(settings.NOTIFY_RATE_REDIS_URL)
    client.delete("test:bucket")
    bucket = TokenBucket(client, "test:bucket", limit=600, period=60)
    # 6 at once, then 582 over the minute: never more than 588 in any minute, 2% under
    # Notify's 600 for requests that take longer than others to arrive.
    assert (bucket.burst, bucket.margin, bucket.rate) == (6, 12, 9.7)
    assert [bucket.take(max_wait=0) for _ in range(6)] == [None] * 6
    wait = bucket.take(max_wait=0)
    assert wait is not None and 0 < wait.seconds <= 1 / 9.7
    # Waiting for it is allowed: the turn comes.
    assert bucket.take(max_wait=1) is None
    # After a 429 nobody has a turn for the pause.
    bucket.pause(5)
    wait = bucket.take(max_wait=0)
    assert wait is not None and 5 < wait.seconds <= (1 + 5 * 9.7) / 9.7
    client.delete("test:bucket")


def test_the_receipt_poller_runs_as_a_named_task_on_beats_schedule(settings) -> None:
    from notifications.tasks import poll_receipts

    assert poll_receipts.name == "notifications.poll_receipts"
    assert settings.CELERY_BEAT_SCHEDULE["poll-notify-receipts"] == {
        "task": "notifications.poll_receipts",
        "schedule": timedelta(minutes=5),
    }


def test_delivered_after_a_technical_failure_is_not_sent_again(sent_text, anon) -> None:
    assert _post(anon, _receipt(sent_text, "technical-failure")).json() == {"recorded": 1}
    assert _post(anon, _receipt(sent_text, "delivered")).json() == {"recorded": 1}
    sent_text.refresh_from_db()
    assert (sent_text.state, sent_text.receipt, sent_text.last_error) == ("sent", "delivered", "")
    Notice.objects.filter(pk=sent_text.pk).update(claimed_at=timezone.now() - timedelta(hours=1))
    assert notices_sweep() == []
