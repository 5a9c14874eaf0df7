"""A person downloading everything Patchwatch holds about them (README, "Your data"): only
their own, as CSV and JSON in a ZIP, recorded on the account, refused to anonymous callers."""

import csv
import io
import json
import zipfile
from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import AccountEvent, User
from accounts.personal_data import export_sections
from notifications.models import Notice, Preference, PushSubscription, Reply
from notifications.services import alert_publish
from schemes.models import Membership, Scheme
from tests.alerts import draft_alert
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

EXPORT = "/api/v1/me/export/"
BOM = b"\xef\xbb\xbf"


def unzip(response) -> dict[str, bytes]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.testzip() is None
    return {name: archive.read(name) for name in archive.namelist()}


def table(files: dict[str, bytes], name: str) -> list[dict[str, str]]:
    raw = files[f"{name}.csv"]
    assert raw.startswith(BOM)
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def local(value: datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")


@pytest.fixture
def alert_with_replies(scheme: Scheme, coordinator: User, volunteer: User, liaison: User):
    """A liaison's alert to Mill Road's members, in both members' inboxes, with a reply from
    each; the volunteer's answered by the liaison."""
    alert = draft_alert(liaison, audience="members", title="Van seen on Mill Road")
    alert_publish(alert=alert, actor=liaison)
    for person in (volunteer, coordinator):
        Notice.objects.get_or_create(alert=alert, recipient=person, channel="in_app")
    mine = Reply.objects.create(alert=alert, author=volunteer, body="Seen it by the park")
    Reply.objects.create(alert=alert, author=coordinator, body="Coordinator's private words")
    Reply.objects.filter(pk=mine.pk).update(
        answer="Thank you, passed on", answered_by=liaison, answered_at=timezone.now()
    )
    return alert


def test_export_holds_the_persons_rows_and_not_another_members(
    client_for, scheme: Scheme, coordinator: User, volunteer: User, alert_with_replies
) -> None:
    User.objects.filter(pk=coordinator.pk).update(phone="07700 900999", postcode="CB1 3AA")
    PushSubscription.objects.create(
        user=volunteer, endpoint="https://fcm.googleapis.com/fcm/send/abc", p256dh="k", auth="a"
    )
    PushSubscription.objects.create(
        user=coordinator,
        endpoint="https://updates.push.services.mozilla.com/x",
        p256dh="k",
        auth="a",
    )
    Preference.objects.create(user=volunteer, channels=["email"], daily_digest=True)
    volunteer.refresh_from_db()

    files = unzip(client_for(volunteer).get(EXPORT))

    assert sorted(files) == sorted(
        ["README.txt", "data.json", *(f"{section.name}.csv" for section in export_sections())]
    )
    assert table(files, "account") == [
        {
            "name": "Alex Morgan",
            "email": volunteer.email,
            "phone": "07700 900201",
            "postcode": "",
            "joined_at": local(volunteer.date_joined),
            "last_signed_in_at": local(volunteer.last_login),
            "staff": "no",
            "police_liaison_for": "",
            "police_role_title": "",
        }
    ]
    membership = volunteer.memberships.get()
    assert table(files, "memberships") == [
        {
            "scheme": "Mill Road Neighbourhood Watch",
            "scheme_kind": "Neighbourhood Watch",
            "role": "Volunteer",
            "status": "Member",
            "asked_at": local(membership.requested_at),
            "your_message": "",
            "joined_at": local(membership.joined_at),
            "decided_at": "",
            "decline_reason": "",
        }
    ]
    reply = Reply.objects.get(author=volunteer)
    assert table(files, "alert_replies") == [
        {
            "alert_id": str(alert_with_replies.pk),
            "alert_title": "Van seen on Mill Road",
            "your_reply": "Seen it by the park",
            "at": local(reply.created_at),
            "answer": "Thank you, passed on",
            "answered_by": "PCSO Priya Shah",
            "answered_at": local(reply.answered_at),
            "answer_read_at": "",
        }
    ]
    notices = table(files, "alert_notices")
    assert {(row["alert_title"], row["channel"]) for row in notices} >= {
        ("Van seen on Mill Road", "In the app")
    }
    assert table(files, "push_subscriptions") == [
        {
            "push_service": "fcm.googleapis.com",
            "created_at": local(volunteer.push_subscriptions.get().created_at),
        }
    ]
    settings_rows = table(files, "alert_settings")
    assert [(row["channels"], row["daily_digest"]) for row in settings_rows] == [("email", "yes")]
    assert table(files, "alerts_sent") == []

    # The same records for programs, with times in ISO 8601.
    data = json.loads(files["data.json"])
    assert data["format_version"] == 1
    assert data["alert_replies"] == [
        {
            "alert_id": alert_with_replies.pk,
            "alert_title": "Van seen on Mill Road",
            "your_reply": "Seen it by the park",
            "at": timezone.localtime(reply.created_at).isoformat(),
            "answer": "Thank you, passed on",
            "answered_by": "PCSO Priya Shah",
            "answered_at": timezone.localtime(reply.answered_at).isoformat(),
            "answer_read_at": None,
        }
    ]
    assert data["account"][0]["phone"] == "07700 900201"
    assert data["alert_settings"][0]["channels"] == ["email"]
    assert set(data) == {"format_version", "generated_at"} | {s.name for s in export_sections()}

    # Nothing of the other member's: their contact details, reply or device.
    everything = b"".join(files.values()).decode("utf-8")
    for theirs in (
        coordinator.email,
        "07700 900999",
        "CB1 3AA",
        "Coordinator's private words",
        "mozilla",
        # Nor the keys of the volunteer's own device.
        "/fcm/send/abc",
    ):
        assert theirs not in everything


def test_export_readme_explains_every_file(client_for, volunteer: User) -> None:
    files = unzip(client_for(volunteer).get(EXPORT))
    readme = files["README.txt"].decode("utf-8")
    assert readme.startswith("Your data from Patchwatch\r\n")
    assert f"Everything Patchwatch holds about Alex Morgan <{volunteer.email}>" in readme
    for section in export_sections():
        assert f"{section.name}.csv\r\n    {section.description}\r\n" in readme
    assert "data.json" in readme


def test_export_is_recorded_on_the_account_and_in_the_export(client_for, volunteer: User) -> None:
    client = client_for(volunteer)
    first = unzip(client.get(EXPORT))
    [event] = AccountEvent.objects.filter(user=volunteer)
    assert (event.type, event.get_type_display()) == ("data_exported", "Downloaded their data")
    assert table(first, "account_activity") == [
        {"what": "Downloaded their data", "at": local(event.at)}
    ]
    second = unzip(client.get(EXPORT))
    assert [row["what"] for row in table(second, "account_activity")] == [
        "Downloaded their data",
        "Downloaded their data",
    ]
    assert AccountEvent.objects.count() == 2


def test_export_is_refused_to_anonymous_callers(anon: APIClient) -> None:
    response = anon.get(EXPORT)
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert AccountEvent.objects.count() == 0


def test_export_has_no_way_to_ask_for_someone_else(
    client_for, volunteer: User, coordinator: User
) -> None:
    files = unzip(client_for(volunteer).get(EXPORT, {"user": coordinator.pk, "id": coordinator.pk}))
    assert [row["email"] for row in table(files, "account")] == [volunteer.email]
    assert AccountEvent.objects.filter(user=coordinator).count() == 0


def test_export_is_throttled(client_for, volunteer: User) -> None:
    client = client_for(volunteer)
    for _ in range(10):
        assert client.get(EXPORT).status_code == 200
    refused = client.get(EXPORT)
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith("Request was throttled.")
    assert AccountEvent.objects.filter(user=volunteer).count() == 10


def test_export_reads_a_fixed_number_of_queries(
    client_for, scheme: Scheme, volunteer: User, liaison: User, django_assert_max_num_queries
) -> None:
    for n in range(5):
        alert = draft_alert(liaison, audience="members", title=f"Alert {n}")
        alert_publish(alert=alert, actor=liaison)
        Notice.objects.get_or_create(alert=alert, recipient=volunteer, channel="in_app")
        Reply.objects.create(alert=alert, author=volunteer, body=f"Reply {n}", answered_by=liaison)
    client = client_for(volunteer)
    with django_assert_max_num_queries(40):
        files = unzip(client.get(EXPORT))
    assert len(table(files, "alert_replies")) == 5


def test_a_decline_that_can_still_be_undone_is_not_in_the_export_yet(
    client_for, scheme: Scheme, coordinator: User
) -> None:
    requester = MembershipFactory(
        scheme=scheme, status="pending", joined_at=None, user__name="Oliver Grant"
    )
    reason = "We only cover Mill Road itself."
    declined = client_for(coordinator).post(
        f"/api/v1/schemes/{scheme.pk}/members/{requester.pk}/decline/", {"reason": reason}
    )
    assert declined.status_code == 200
    client = client_for(requester.user)

    files = unzip(client.get(EXPORT))
    [row] = table(files, "memberships")
    assert (row["status"], row["decided_at"], row["decline_reason"]) == (
        "Waiting for approval",
        "",
        "",
    )
    assert table(files, "scheme_activity") == []

    # Once the undo window has passed, the requester is told, and the export says it too.
    Membership.objects.filter(pk=requester.pk).update(
        decided_at=timezone.now() - timedelta(minutes=10, seconds=1)
    )
    requester.refresh_from_db()
    files = unzip(client.get(EXPORT))
    [row] = table(files, "memberships")
    assert (row["status"], row["decided_at"], row["decline_reason"]) == (
        "Declined",
        local(requester.decided_at),
        reason,
    )
    assert [
        (row["what"], row["summary"], row["by_you"]) for row in table(files, "scheme_activity")
    ] == [
        (
            "Join request declined",
            f"Margaret Ellis declined Oliver Grant's request to join. Reason: {reason}",
            "no",
        )
    ]
