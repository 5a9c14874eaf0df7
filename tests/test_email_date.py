"""Emails carry their Date in UK time with its real offset (RFC 5322): +0000 in winter,
+0100 in summer time, never "-0000", which says the sender does not know its zone. They go to
a real SMTP server on loopback; the clock is moved to a winter's and a summer's day."""

from datetime import UTC, datetime, timedelta
from email.message import Message
from email.utils import parsedate_to_datetime

import pytest
import time_machine

from tests.factories import UserFactory
from tests.processes import smtp_server

pytestmark = pytest.mark.django_db

# Days gone by, so that a session signed in today is still good there.
SEASONS = [
    pytest.param(datetime(2026, 1, 14, 12, 30, 5, tzinfo=UTC), "+0000", id="winter"),
    pytest.param(datetime(2026, 7, 14, 12, 30, 5, tzinfo=UTC), "+0100", id="summer"),
]


def _at(when: datetime) -> time_machine.travel:
    """The clock stopped at ``when``. Given as a timestamp: given an aware datetime,
    time-machine would also switch the process's zone to the datetime's (UTC), hiding the
    very zone under test."""
    return time_machine.travel(when.timestamp(), tick=False)


@pytest.fixture
def smtp(settings):
    with smtp_server() as (sink, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        yield sink


def _assert_dated(message: Message, sent: datetime, offset: str) -> None:
    header = message["Date"]
    assert header.endswith(f" {offset}"), header
    date = parsedate_to_datetime(header)
    assert date.tzinfo is not None
    assert date.utcoffset() == timedelta(hours=int(offset[1:3]))
    assert date == sent  # the same instant, told in UK time


@pytest.mark.parametrize(("sent", "offset"), SEASONS)
def test_an_account_email_is_dated_in_uk_time(
    anon, smtp, django_capture_on_commit_callbacks, sent: datetime, offset: str
) -> None:
    UserFactory(email="jo@example.org")
    with _at(sent), django_capture_on_commit_callbacks(execute=True):
        response = anon.post("/api/v1/auth/password-reset/", {"email": "jo@example.org"})
    assert response.status_code == 202
    [message] = smtp.wait_for(1)
    assert message["Subject"] == "Reset your Patchwatch password"
    _assert_dated(message, sent, offset)


@pytest.mark.parametrize(("sent", "offset"), SEASONS)
def test_an_alert_email_is_dated_in_uk_time(
    client_for, liaison, coordinator, smtp, django_capture_on_commit_callbacks, sent, offset
) -> None:
    client = client_for(liaison)
    with _at(sent):
        draft = client.post(
            "/api/v1/alerts/",
            {
                "title": "Bogus callers on Mill Road",
                "body": "Two men claiming to be from the water board.",
                "category": "bogus_caller",
                "severity": "Moderate",
                "urgency": "Immediate",
                "audience": "coordinators",
                "lat": 52.1985,
                "lon": 0.1410,
                "radius_m": 500,
            },
            format="json",
        )
        assert draft.status_code == 201, draft.content
        with django_capture_on_commit_callbacks(execute=True):
            published = client.post(f"/api/v1/alerts/{draft.json()['id']}/publish/")
        assert published.status_code == 200, published.content
    [message] = smtp.wait_for(1)
    assert (message["To"], message["Subject"]) == (
        coordinator.email,
        "[Patchwatch] Bogus callers on Mill Road",
    )
    _assert_dated(message, sent, offset)
