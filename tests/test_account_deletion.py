"""Deleting one's own account: what it explains, what it refuses, and that it really removes or
anonymises what it says (README, "Deleting an account")."""

import pytest
from django.core import mail
from rest_framework.test import APIClient

from accounts.models import User
from core.models import IdempotencyRecord
from notifications.models import Alert, Notice, Preference, PushSubscription, Reply
from notifications.services import alert_publish
from schemes.models import ActivityEvent, Membership, MembershipRole, Scheme, SchemeStatusChange
from tests.alerts import draft_alert
from tests.factories import PASSWORD, MembershipFactory, SchemeFactory, UserFactory
from tests.speedwatch import logged_session
from watch.models import AuditRecord, Offence

pytestmark = pytest.mark.django_db

DELETION = "/api/v1/me/deletion/"


def signed_in(user: User) -> APIClient:
    client = APIClient()
    response = client.post("/api/v1/auth/login/", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 200, response.json()
    return client


def delete(client: APIClient, callbacks, password: str = PASSWORD):
    with callbacks(execute=True):
        return client.post(DELETION, {"password": password})


def held(client: APIClient) -> dict[str, int]:
    return {item["what"]: item["count"] for item in client.get(DELETION).json()["held"]}


def test_deletion_explains_what_happens_to_each_kind_of_data(stranger: User) -> None:
    response = signed_in(stranger).get(DELETION)
    assert response.status_code == 200
    body = response.json()
    assert (body["can_delete"], body["blockers"]) == (True, [])
    assert [(item["what"], item["count"]) for item in body["held"]] == [
        ("Scheme memberships", 0),
        ("Requests to join a scheme", 0),
        ("Schemes you proposed that are waiting for review", 0),
        ("Schemes showing you as their contact", 0),
        ("Entries about you in schemes' activity logs", 0),
        ("Speedwatch sessions you logged or submitted", 0),
        ("Speedwatch sessions you were present at", 0),
        ("Corrections you made to submitted sessions", 0),
        ("Letters you posted through GOV.UK Notify", 0),
        ("Searches and exports of vehicle registrations you made", 0),
        ("Alerts you sent", 0),
        ("Alert drafts you never sent", 0),
        ("Replies you wrote to alerts", 0),
        ("Alerts in your inbox", 0),
        ("Devices allowed to show you notifications", 0),
        ("Surveys you sent", 0),
        ("Survey drafts you never sent", 0),
        ("Your answers to surveys", 0),
    ]
    outcomes = {item["what"]: item["outcome"] for item in body["held"]}
    assert outcomes["Alerts you sent"] == (
        "Kept, because other people received them and they are part of the record of what "
        "happened; they no longer show your name."
    )
    assert outcomes["Searches and exports of vehicle registrations you made"] == (
        "Kept with your name: the law requires that whoever looked at vehicle keepers' "
        "details can be held to account for it, also after they leave."
    )


def test_last_coordinator_is_asked_to_hand_over_first(
    scheme: Scheme, coordinator: User, volunteer: User, django_capture_on_commit_callbacks
) -> None:
    client = signed_in(coordinator)
    blocker = {
        "message": "You are the only coordinator of Mill Road Neighbourhood Watch. Make another "
        "member a coordinator, or close the scheme, before you delete your account.",
        "link": f"/schemes/{scheme.pk}/members",
        "link_text": "Members of Mill Road Neighbourhood Watch",
    }
    preview = client.get(DELETION).json()
    assert (preview["can_delete"], preview["blockers"]) == (False, [blocker])

    refused = delete(client, django_capture_on_commit_callbacks)

    assert refused.status_code == 409
    assert refused.json() == {
        "detail": f"Your account cannot be deleted yet. {blocker['message']}",
        "blockers": [blocker],
    }
    assert User.objects.filter(pk=coordinator.pk).exists()
    assert Membership.objects.filter(scheme=scheme).count() == 2
    assert client.get("/api/v1/me/").status_code == 200
    assert mail.outbox == []

    # Once another member coordinates too, the same request goes through.
    Membership.objects.filter(user=volunteer).update(role=MembershipRole.COORDINATOR)
    assert delete(client, django_capture_on_commit_callbacks).status_code == 204
    assert list(Membership.objects.filter(scheme=scheme).values_list("user", flat=True)) == [
        volunteer.pk
    ]


def test_a_closed_schemes_only_coordinator_may_delete(
    coordinator: User, django_capture_on_commit_callbacks
) -> None:
    Scheme.objects.update(status="closed")
    assert delete(signed_in(coordinator), django_capture_on_commit_callbacks).status_code == 204
    assert not User.objects.filter(pk=coordinator.pk).exists()


def test_deletion_needs_the_password(volunteer: User) -> None:
    client = signed_in(volunteer)
    for body, errors in [
        ({"password": "not it"}, {"password": ["This is not your current password."]}),
        ({}, {"password": ["This field is required."]}),
    ]:
        response = client.post(DELETION, body)
        assert response.status_code == 400
        assert response.json() == errors
    assert User.objects.filter(pk=volunteer.pk).exists()
    assert client.get("/api/v1/me/").status_code == 200


def test_a_volunteers_deletion_ends_memberships_and_removes_their_words(
    scheme: Scheme,
    coordinator: User,
    volunteer: User,
    other_scheme: Scheme,
    liaison: User,
    django_capture_on_commit_callbacks,
) -> None:
    client = signed_in(volunteer)
    assert client.post(f"/api/v1/schemes/{other_scheme.pk}/join/", {}).status_code in (200, 201)
    alert = draft_alert(liaison, audience="members")
    with django_capture_on_commit_callbacks(execute=True):
        alert_publish(alert=alert, actor=liaison)
    # Whatever the default alert rules are, both have this alert in their inbox.
    for person in (volunteer, coordinator):
        Notice.objects.get_or_create(alert=alert, recipient=person, channel="in_app")
    assert client.post(f"/api/v1/alerts/{alert.pk}/replies/", {"body": "Seen a van"}).status_code
    signed_in(coordinator).post(f"/api/v1/alerts/{alert.pk}/replies/", {"body": "On my way"})
    Preference.objects.create(user=volunteer)
    PushSubscription.objects.create(
        user=volunteer, endpoint="https://push.example.org/1", p256dh="k", auth="a"
    )
    assert held(client) == {
        "Scheme memberships": 1,
        "Requests to join a scheme": 1,
        "Schemes you proposed that are waiting for review": 0,
        "Schemes showing you as their contact": 0,
        "Entries about you in schemes' activity logs": 1,
        "Speedwatch sessions you logged or submitted": 0,
        "Speedwatch sessions you were present at": 0,
        "Corrections you made to submitted sessions": 0,
        "Letters you posted through GOV.UK Notify": 0,
        "Searches and exports of vehicle registrations you made": 0,
        "Alerts you sent": 0,
        "Alert drafts you never sent": 0,
        "Replies you wrote to alerts": 1,
        "Alerts in your inbox": 1,
        "Devices allowed to show you notifications": 1,
        "Surveys you sent": 0,
        "Survey drafts you never sent": 0,
        "Your answers to surveys": 0,
    }

    response = delete(client, django_capture_on_commit_callbacks)

    assert response.status_code == 204
    assert not User.objects.filter(email=volunteer.email).exists()
    assert Membership.objects.filter(user_id=volunteer.pk).count() == 0
    assert list(Reply.objects.values_list("body", flat=True)) == ["On my way"]
    assert Notice.objects.filter(recipient_id=volunteer.pk).count() == 0
    assert Preference.objects.filter(user_id=volunteer.pk).count() == 0
    assert PushSubscription.objects.count() == 0
    assert Alert.objects.filter(pk=alert.pk).exists()
    # Each scheme's log says what happened without naming them, and the old entries lose
    # the name too.
    assert list(
        ActivityEvent.objects.filter(scheme=other_scheme)
        .order_by("pk")
        .values_list("actor_name", "summary")
    ) == [
        ("a former member", "A former member asked to join."),
        ("", "A request to join was withdrawn: its sender deleted their account."),
    ]
    assert list(
        ActivityEvent.objects.filter(scheme=scheme, type="member_left").values_list(
            "actor", "summary"
        )
    ) == [(None, "A member deleted their account and left the scheme.")]
    assert not ActivityEvent.objects.filter(summary__contains="Alex Morgan").exists()
    # Nor do the facts the entries were written from.
    assert [
        event.payload
        for event in ActivityEvent.objects.order_by("pk")
        if event.scheme_id == other_scheme.pk or "Alex Morgan" in str(event.payload)
    ] == [
        {"member": "a former member"},
        {"account_deleted": True, "was_pending": True},
    ]
    # The person is told, at the address the account had.
    # (The alert reached them by email too: members hear their schemes' alerts by default.)
    [goodbye] = [
        message
        for message in mail.outbox
        if message.to == [volunteer.email] and "account" in message.subject
    ]
    assert goodbye.subject == "Your Patchwatch account was deleted"
    assert "Hello Alex," in goodbye.body
    assert "Your memberships have ended" in goodbye.body
    # The coordinator's screens still work.
    members = signed_in(coordinator).get(f"/api/v1/schemes/{scheme.pk}/members/")
    assert [member["user"]["name"] for member in members.json()["results"]] == ["Margaret Ellis"]


def test_a_coordinators_deletion_keeps_sessions_and_audit_without_their_links(
    speedwatch: Scheme,
    sw_coordinator: User,
    sw_team: list[User],
    site,
    django_capture_on_commit_callbacks,
) -> None:
    co_coordinator = MembershipFactory(
        scheme=speedwatch, role=MembershipRole.COORDINATOR, user__name="Rachel Green"
    ).user
    Scheme.objects.filter(pk=speedwatch.pk).update(
        contact_name="David Chen", contact_email=sw_coordinator.email, show_contact_email=True
    )
    session = logged_session(site, sw_team, offences=[("AB12CDE", 41), ("XY70ZZZ", 38)])
    client = signed_in(sw_coordinator)
    search = client.get("/api/v1/speedwatch/offences/", {"registration": "AB12CDE"})
    assert search.status_code == 200
    proposal = SchemeFactory(
        name="Soham Neighbourhood Watch", status="proposed", proposed_by=sw_coordinator
    )
    assert held(client) == {
        "Scheme memberships": 1,
        "Requests to join a scheme": 0,
        "Schemes you proposed that are waiting for review": 1,
        "Schemes showing you as their contact": 1,
        "Entries about you in schemes' activity logs": 1,
        "Speedwatch sessions you logged or submitted": 1,
        "Speedwatch sessions you were present at": 1,
        "Corrections you made to submitted sessions": 0,
        "Letters you posted through GOV.UK Notify": 0,
        "Searches and exports of vehicle registrations you made": 1,
        "Alerts you sent": 0,
        "Alert drafts you never sent": 0,
        "Replies you wrote to alerts": 0,
        "Alerts in your inbox": 0,
        "Devices allowed to show you notifications": 0,
        "Surveys you sent": 0,
        "Survey drafts you never sent": 0,
        "Your answers to surveys": 0,
    }

    assert delete(client, django_capture_on_commit_callbacks).status_code == 204

    session.refresh_from_db()
    assert (session.created_by, session.submitted_by) == (None, None)
    assert sorted(session.present.values_list("name", flat=True)) == sorted(
        user.name for user in sw_team[1:]
    )
    assert session.volunteer_minutes == 60 * 3
    assert Offence.objects.filter(session=session).count() == 2
    [audit] = AuditRecord.objects.all()
    assert (audit.actor, audit.actor_name, audit.action) == (
        None,
        "David Chen",
        "registration_search",
    )
    proposal.refresh_from_db()
    assert proposal.status == "closed"
    assert list(
        SchemeStatusChange.objects.filter(scheme=proposal)
        .order_by("pk")
        .values_list("to_status", "actor", "reason")
    ) == [("closed", None, "The proposer deleted their account.")]
    speedwatch.refresh_from_db()
    assert (speedwatch.contact_name, speedwatch.contact_email, speedwatch.show_contact_email) == (
        "",
        "",
        False,
    )
    assert not ActivityEvent.objects.filter(summary__contains="David Chen").exists()
    assert not ActivityEvent.objects.filter(actor_name="David Chen").exists()
    # The remaining coordinator still reads the session and the scheme.
    other = signed_in(co_coordinator)
    shown = other.get(f"/api/v1/speedwatch/sessions/{session.pk}/")
    assert shown.status_code == 200
    assert len(shown.json()["present"]) == 2
    assert other.get(f"/api/v1/schemes/{speedwatch.pk}/").status_code == 200
    assert other.get("/api/v1/activity/").status_code == 200


def test_a_liaisons_deletion_keeps_sent_alerts_and_drops_drafts(
    liaison: User, coordinator: User, django_capture_on_commit_callbacks
) -> None:
    sent = draft_alert(liaison)
    with django_capture_on_commit_callbacks(execute=True):
        alert_publish(alert=sent, actor=liaison)
    draft_alert(liaison, title="Not finished")
    client = signed_in(liaison)
    counts = held(client)
    assert (counts["Alerts you sent"], counts["Alert drafts you never sent"]) == (1, 1)

    assert delete(client, django_capture_on_commit_callbacks).status_code == 204

    assert list(Alert.objects.values_list("title", "issuer")) == [("Burglary on Mill Road", None)]
    shown = signed_in(coordinator).get(f"/api/v1/alerts/{sent.pk}/")
    assert shown.status_code == 200
    assert (shown.json()["title"], shown.json()["issuer_name"]) == ("Burglary on Mill Road", "")


def test_deletion_retried_finds_nobody_signed_in(
    volunteer: User, django_capture_on_commit_callbacks
) -> None:
    client = signed_in(volunteer)
    first = client.post(DELETION, {"password": PASSWORD}, HTTP_IDEMPOTENCY_KEY="bye")
    retry = client.post(DELETION, {"password": PASSWORD}, HTTP_IDEMPOTENCY_KEY="bye")
    assert (first.status_code, retry.status_code) == (204, 401)
    assert User.objects.filter(pk=volunteer.pk).count() == 0


def test_deletion_with_an_api_token_revokes_it(volunteer: User) -> None:
    token = APIClient().post(
        "/api/v1/auth/token/", {"email": volunteer.email, "password": PASSWORD}
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    assert client.post(DELETION, {"password": PASSWORD}).status_code == 204
    again = client.post(DELETION, {"password": PASSWORD})
    assert again.status_code == 401
    assert again.json() == {"detail": "Invalid token."}


def test_the_deleted_address_can_sign_up_again(
    volunteer: User, django_capture_on_commit_callbacks
) -> None:
    assert delete(signed_in(volunteer), django_capture_on_commit_callbacks).status_code == 204
    again = APIClient().post(
        "/api/v1/auth/signup/",
        {"name": "Alex Morgan", "email": volunteer.email, "password": "a sturdy passphrase"},
    )
    assert again.status_code == 201
    assert again.json()["memberships"] == []


def test_staff_deleting_an_account_in_the_admin_anonymises_the_same_way(
    client, scheme: Scheme, volunteer: User, django_capture_on_commit_callbacks
) -> None:
    staff = UserFactory(name="Sally Staff", is_staff=True, is_superuser=True)
    client.force_login(staff)
    signed_in(volunteer).post(f"/api/v1/schemes/{scheme.pk}/leave/", {})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/accounts/user/{volunteer.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=volunteer.pk).exists()
    assert list(ActivityEvent.objects.values_list("actor_name", "summary")) == [
        ("a former member", "A former member left the scheme.")
    ]
    # Staff erasing an account is not the person's own request: no goodbye email.
    assert mail.outbox == []


def test_deletion_forgets_others_stored_responses_that_name_the_person(
    scheme: Scheme, coordinator: User, volunteer: User, django_capture_on_commit_callbacks
) -> None:
    requester = MembershipFactory(
        scheme=scheme, status="pending", joined_at=None, user__name="Oliver Grant"
    )
    coordinating = signed_in(coordinator)
    approved = coordinating.post(
        f"/api/v1/schemes/{scheme.pk}/members/{requester.pk}/approve/",
        {},
        HTTP_IDEMPOTENCY_KEY="approve-oliver",
    )
    assert approved.status_code == 200
    assert approved.json()["user"]["name"] == "Oliver Grant"
    # Another stored response, about someone else, stays.
    someone = MembershipFactory(
        scheme=scheme, status="pending", joined_at=None, user__name="Pat Oliver"
    )
    other = coordinating.post(
        f"/api/v1/schemes/{scheme.pk}/members/{someone.pk}/approve/",
        {},
        HTTP_IDEMPOTENCY_KEY="approve-pat",
    )
    assert other.status_code == 200

    assert delete(signed_in(requester.user), django_capture_on_commit_callbacks).status_code == 204

    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["approve-pat"]
