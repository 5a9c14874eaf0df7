"""Declining a join request: an optional reason for the requester, a few minutes to undo it,
and the requester told once (by email and in "My schemes") only after those minutes."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from rest_framework.fields import DateTimeField
from rest_framework.test import APIClient

from backend.celery import app as celery_app
from schemes.models import ActivityEvent, Membership
from schemes.tasks import tell_declined_requester, tell_declined_requesters
from tests.factories import MembershipFactory, SchemeFactory
from tests.processes import celery_worker, smtp_server, smtp_worker_environment, unreachable_smtp

pytestmark = pytest.mark.django_db

REASON = "We only cover Mill Road itself; Romsey Town has its own scheme."
MEMBERS_REFUSED = {"detail": "Only the scheme's coordinators and liaisons see members."}


@pytest.fixture
def request_to_join(scheme) -> Membership:
    return MembershipFactory(
        scheme=scheme,
        status="pending",
        joined_at=None,
        user__name="Oliver Grant",
        user__email="oliver@example.org",
    )


def _url(membership: Membership, action: str) -> str:
    return f"/api/v1/schemes/{membership.scheme_id}/members/{membership.pk}/{action}/"


def _window_passes(membership: Membership) -> None:
    """What the clock does in ten minutes: the decline is now older than the undo window."""
    Membership.objects.filter(pk=membership.pk).update(
        decided_at=timezone.now() - timedelta(minutes=10, seconds=1)
    )


def _my_row(client: APIClient, membership: Membership) -> dict:
    rows = client.get("/api/v1/me/memberships/").json()["results"]
    (row,) = [row for row in rows if row["id"] == membership.pk]
    return row


def test_decline_with_a_reason_tells_the_requester_after_the_undo_window(
    client_for, coordinator, request_to_join
) -> None:
    response = client_for(coordinator).post(_url(request_to_join, "decline"), {"reason": REASON})

    assert response.status_code == 200, response.content
    request_to_join.refresh_from_db()
    body = response.json()
    assert (body["status"], body["decline_reason"]) == ("declined", REASON)
    assert body["decided_at"] == DateTimeField().to_representation(request_to_join.decided_at)
    assert body["decline_undo_until"] == DateTimeField().to_representation(
        request_to_join.decided_at + timedelta(seconds=600)
    )
    assert ActivityEvent.objects.get(type="member_declined").summary == (
        f"Margaret Ellis declined Oliver Grant's request to join. Reason: {REASON}"
    )
    # The task queued with the decline ran in-process at once: too early to tell anyone.
    assert mail.outbox == []
    requester = client_for(request_to_join.user)
    row = _my_row(requester, request_to_join)
    assert (row["status"], row["decline_reason"]) == ("pending", "")
    waiting = requester.get("/api/v1/me/memberships/", {"status": "pending"}).json()
    assert [row["id"] for row in waiting["results"]] == [request_to_join.pk]
    assert requester.get("/api/v1/me/memberships/", {"status": "declined"}).json()["count"] == 0
    scheme_page = requester.get(f"/api/v1/schemes/{request_to_join.scheme_id}/").json()
    assert scheme_page["my_membership"]["status"] == "pending"

    _window_passes(request_to_join)
    row = _my_row(requester, request_to_join)
    assert (row["status"], row["decline_reason"]) == ("declined", REASON)
    declined = requester.get("/api/v1/me/memberships/", {"status": "declined"}).json()
    assert [row["id"] for row in declined["results"]] == [request_to_join.pk]
    scheme_page = requester.get(f"/api/v1/schemes/{request_to_join.scheme_id}/").json()
    assert scheme_page["my_membership"] == {
        "id": request_to_join.pk,
        "role": "volunteer",
        "status": "declined",
        "decline_reason": REASON,
    }
    assert tell_declined_requester.delay(membership_id=request_to_join.pk).get() is True

    (message,) = mail.outbox
    assert (message.to, message.subject) == (
        ["oliver@example.org"],
        "Your request to join Mill Road Neighbourhood Watch",
    )
    assert message.body == (
        "Hello Oliver,\n\n"
        "Your request to join Mill Road Neighbourhood Watch was declined.\n\n"
        f"The coordinator gave this reason:\n\n    {REASON}\n\n"
        "You can see it under My schemes, and look for other schemes near you in the "
        "directory:\n\nhttp://127.0.0.1:8000/my-schemes\n"
    )
    # Told once: the task delivered twice, and the sweep, send nothing more.
    assert tell_declined_requester.delay(membership_id=request_to_join.pk).get() is False
    assert tell_declined_requesters.delay().get() == 0
    assert len(mail.outbox) == 1


def test_decline_without_a_reason(client_for, coordinator, request_to_join) -> None:
    response = client_for(coordinator).post(_url(request_to_join, "decline"))
    assert (response.status_code, response.json()["decline_reason"]) == (200, "")
    _window_passes(request_to_join)
    assert tell_declined_requesters.delay().get() == 1
    (message,) = mail.outbox
    assert "reason" not in message.body
    assert "was declined.\n\nYou can see it under My schemes" in message.body


def test_undo_returns_the_request_to_pending_and_tells_nobody(
    client_for, coordinator, request_to_join
) -> None:
    client = client_for(coordinator)
    client.post(_url(request_to_join, "decline"), {"reason": REASON})

    response = client.post(_url(request_to_join, "undo-decline"))

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["decline_reason"], body["decided_at"]) == ("pending", "", None)
    assert body["decline_undo_until"] is None
    assert list(
        ActivityEvent.objects.filter(type__startswith="member_decline")
        .order_by("id")
        .values_list("type", "summary")
    ) == [
        (
            "member_declined",
            f"Margaret Ellis declined Oliver Grant's request to join. Reason: {REASON}",
        ),
        (
            "member_decline_undone",
            "Margaret Ellis undid declining Oliver Grant's request to join: it is waiting again.",
        ),
    ]
    # Back in the coordinator's queue, and the late task and the sweep send nothing.
    queue = client.get("/api/v1/join-requests/").json()
    assert [row["id"] for row in queue["results"]] == [request_to_join.pk]
    assert tell_declined_requester.delay(membership_id=request_to_join.pk).get() is False
    assert tell_declined_requesters.delay().get() == 0
    assert mail.outbox == []
    assert _my_row(client_for(request_to_join.user), request_to_join)["status"] == "pending"


def test_declined_again_after_an_undo_the_requester_is_told_once(
    client_for, coordinator, request_to_join
) -> None:
    client = client_for(coordinator)
    client.post(_url(request_to_join, "decline"), {"reason": "First thoughts."})
    client.post(_url(request_to_join, "undo-decline"))
    client.post(_url(request_to_join, "decline"), {"reason": REASON})
    _window_passes(request_to_join)

    assert tell_declined_requesters.delay().get() == 1
    assert tell_declined_requesters.delay().get() == 0
    (message,) = mail.outbox
    assert REASON in message.body
    assert "First thoughts." not in message.body


def test_undo_is_idempotent_with_the_same_key(client_for, coordinator, request_to_join) -> None:
    client = client_for(coordinator)
    client.post(_url(request_to_join, "decline"))
    first = client.post(_url(request_to_join, "undo-decline"), HTTP_IDEMPOTENCY_KEY="undo-1")
    again = client.post(_url(request_to_join, "undo-decline"), HTTP_IDEMPOTENCY_KEY="undo-1")
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert ActivityEvent.objects.filter(type="member_decline_undone").count() == 1


def test_undo_twice_without_a_key_is_refused(client_for, coordinator, request_to_join) -> None:
    client = client_for(coordinator)
    client.post(_url(request_to_join, "decline"))
    client.post(_url(request_to_join, "undo-decline"))
    again = client.post(_url(request_to_join, "undo-decline"))
    assert again.status_code == 400
    assert again.json() == {
        "non_field_errors": [
            "Only a declined request can be undone: this one is waiting for approval."
        ]
    }


def test_undo_after_the_window_is_refused(client_for, coordinator, request_to_join) -> None:
    client = client_for(coordinator)
    client.post(_url(request_to_join, "decline"), {"reason": REASON})
    _window_passes(request_to_join)

    response = client.post(_url(request_to_join, "undo-decline"))

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": [
            "Too late to undo: Oliver Grant has been told that the request was declined. "
            "They can ask to join again."
        ]
    }
    request_to_join.refresh_from_db()
    assert (request_to_join.status, request_to_join.decline_reason) == ("declined", REASON)
    assert not ActivityEvent.objects.filter(type="member_decline_undone").exists()


def test_undo_after_the_requester_was_told_is_refused(
    client_for, coordinator, request_to_join, settings
) -> None:
    client = client_for(coordinator)
    client.post(_url(request_to_join, "decline"))
    _window_passes(request_to_join)
    tell_declined_requesters.delay().get()
    # Even were the window made longer afterwards: they know, so it stays declined.
    settings.JOIN_DECLINE_UNDO_SECONDS = 3600
    response = client.post(_url(request_to_join, "undo-decline"))
    assert response.status_code == 400
    assert response.json()["non_field_errors"][0].startswith("Too late to undo")


def test_a_decline_reason_too_long_is_refused(client_for, coordinator, request_to_join) -> None:
    response = client_for(coordinator).post(_url(request_to_join, "decline"), {"reason": "x" * 501})
    assert response.status_code == 400
    assert response.json() == {"reason": ["Ensure this field has no more than 500 characters."]}
    request_to_join.refresh_from_db()
    assert (request_to_join.status, request_to_join.decided_at) == ("pending", None)


def test_undoing_a_request_that_was_never_declined_is_refused(
    client_for, coordinator, request_to_join
) -> None:
    response = client_for(coordinator).post(_url(request_to_join, "undo-decline"))
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": [
            "Only a declined request can be undone: this one is waiting for approval."
        ]
    }


@pytest.mark.parametrize("who", ["volunteer", "outsider", "foreign_liaison", "stranger"])
def test_undoing_a_decline_is_refused_to_others(
    client_for, request, coordinator, request_to_join, who
) -> None:
    client_for(coordinator).post(_url(request_to_join, "decline"))
    response = client_for(request.getfixturevalue(who)).post(_url(request_to_join, "undo-decline"))
    assert response.status_code == 403
    assert response.json() == MEMBERS_REFUSED
    request_to_join.refresh_from_db()
    assert request_to_join.status == "declined"


def test_undoing_a_decline_is_refused_anonymously(
    anon, client_for, coordinator, request_to_join
) -> None:
    client_for(coordinator).post(_url(request_to_join, "decline"))
    response = anon.post(_url(request_to_join, "undo-decline"))
    assert response.status_code == 401
    request_to_join.refresh_from_db()
    assert request_to_join.status == "declined"


def test_the_requester_cannot_undo_their_own_decline(
    client_for, coordinator, request_to_join
) -> None:
    client_for(coordinator).post(_url(request_to_join, "decline"))
    response = client_for(request_to_join.user).post(_url(request_to_join, "undo-decline"))
    assert response.status_code == 403
    assert response.json() == MEMBERS_REFUSED


def test_a_mail_server_that_cannot_be_reached_leaves_the_requester_to_be_told(
    client_for, coordinator, request_to_join, settings
) -> None:
    client_for(coordinator).post(_url(request_to_join, "decline"))
    _window_passes(request_to_join)
    unreachable_smtp(settings)

    assert tell_declined_requesters.delay().get() == 0

    request_to_join.refresh_from_db()
    assert request_to_join.requester_told_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert tell_declined_requesters.delay().get() == 1
    assert len(mail.outbox) == 1


def test_my_schemes_counts_the_requests_waiting_for_a_coordinator(
    client_for, scheme, coordinator, volunteer, request_to_join
) -> None:
    MembershipFactory(scheme=scheme, status="pending", joined_at=None)
    MembershipFactory(scheme=scheme, status="declined", joined_at=None)
    quiet = SchemeFactory(name="Romsey Town Watch")
    MembershipFactory(scheme=quiet, user=coordinator, role="coordinator")

    rows = client_for(coordinator).get("/api/v1/me/memberships/").json()["results"]
    assert [(row["scheme"]["name"], row["join_requests_waiting"]) for row in rows] == [
        ("Mill Road Neighbourhood Watch", 2),
        ("Romsey Town Watch", 0),
    ]
    # A volunteer is not told about other people's requests.
    (row,) = client_for(volunteer).get("/api/v1/me/memberships/").json()["results"]
    assert row["join_requests_waiting"] is None

    # Deciding a request changes the count at once.
    client_for(coordinator).post(_url(request_to_join, "approve"))
    rows = client_for(coordinator).get("/api/v1/me/memberships/").json()["results"]
    assert rows[0]["join_requests_waiting"] == 1


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_tells_the_requester_when_the_window_has_passed(settings) -> None:
    """The task queued with the decline waits out the window in a real worker; an undone
    decline sends nothing."""
    settings.JOIN_DECLINE_UNDO_SECONDS = 3
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    scheme = SchemeFactory(name="Mill Road Neighbourhood Watch")
    coordinator = MembershipFactory(scheme=scheme, role="coordinator").user
    told, undone = (
        MembershipFactory(scheme=scheme, status="pending", joined_at=None, user__email=email)
        for email in ("told@example.org", "undone@example.org")
    )
    client = APIClient()
    client.force_login(coordinator)
    with (
        smtp_server() as (mail_sink, port),
        celery_worker(smtp_worker_environment(port, JOIN_DECLINE_UNDO_SECONDS="3")),
    ):
        client.post(_url(undone, "decline"))
        client.post(_url(told, "decline"), {"reason": REASON})
        assert client.post(_url(undone, "undo-decline")).status_code == 200
        (message,) = mail_sink.wait_for(1, timeout=20)
        told.refresh_from_db()
        # Not before the window had passed.
        assert told.requester_told_at >= told.decided_at + timedelta(seconds=3)
        assert mail_sink.messages.empty()
    assert message["To"] == "told@example.org"
    assert REASON in message.get_payload(decode=True).decode()
