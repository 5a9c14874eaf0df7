"""A second liaison's approval: which alerts a force's policy holds, that nothing of a held
alert is sent until another liaison approves it (and then once, however often approve is
asked), sending back with a comment, who is refused, and the steps on the activity log."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from notifications.models import Alert, AlertApprovalPolicy, Notice
from schemes.models import ActivityEvent
from tests.factories import LiaisonFactory, MembershipFactory, SchemeFactory

pytestmark = pytest.mark.django_db

ALERTS = "/api/v1/alerts/"
POLICY = "/api/v1/alert-approval-policy/"
MILL_ROAD = (52.1985, 0.1410)
TITLE = "Bogus callers on Mill Road"
SELF_REFUSED = {"detail": "You cannot approve your own alert: another liaison of your force must."}
NOT_FOUND = {"detail": "No Alert matches the given query."}


def _alert(**extra) -> dict:
    return {
        "title": TITLE,
        "body": "Two men claiming to be from the water board. Do not let them in.",
        "category": "bogus_caller",
        "severity": "Moderate",
        "urgency": "Expected",
        "audience": "members",
        "lat": MILL_ROAD[0],
        "lon": MILL_ROAD[1],
        "radius_m": 500,
        **extra,
    }


@pytest.fixture
def colleague(db):
    """Another liaison of Cambridgeshire: the second person who approves."""
    return LiaisonFactory(force="cambridgeshire", user__name="PC Dan Okafor").user


@pytest.fixture
def policy(db) -> AlertApprovalPolicy:
    """Cambridgeshire: alerts reaching more than one person need a second liaison."""
    return AlertApprovalPolicy.objects.create(force="cambridgeshire", recipients_threshold=1)


@pytest.fixture
def submit(client_for, django_capture_on_commit_callbacks):
    """Draft an alert as ``user`` and publish it (running what publishing queues on commit);
    returns the publish answer's JSON."""

    def send(user, **extra) -> dict:
        client = client_for(user)
        draft = client.post(ALERTS, _alert(**extra), format="json")
        assert draft.status_code == 201, draft.content
        with django_capture_on_commit_callbacks(execute=True):
            published = client.post(f"{ALERTS}{draft.json()['id']}/publish/")
        assert published.status_code == 200, published.content
        return published.json()

    return send


def _events() -> list[tuple]:
    return list(
        ActivityEvent.objects.order_by("at", "pk").values_list(
            "type", "scheme", "force", "actor_name", "object_id", "summary"
        )
    )


def test_an_alert_reaching_more_than_the_threshold_is_held_and_nothing_is_sent(
    submit, policy, liaison, scheme, coordinator, volunteer
) -> None:
    held = submit(liaison)
    assert (held["status"], held["approval"], held["approval_comment"]) == (
        "draft",
        "awaiting",
        "",
    )
    assert held["published_at"] is None
    assert held["actions"] == {"manage": True, "edit": False, "approve": False}
    assert Notice.objects.count() == 0
    assert mail.outbox == []
    assert _events() == [
        (
            "alert_submitted",
            None,
            "cambridgeshire",
            "PCSO Priya Shah",
            str(held["id"]),
            f"PCSO Priya Shah submitted an alert for approval: {TITLE}",
        )
    ]


def test_an_alert_under_every_limit_goes_at_once(
    submit, policy, liaison, scheme, coordinator
) -> None:
    # Only the coordinator: one person, not more than the threshold.
    sent = submit(liaison, audience="coordinators")
    assert (sent["status"], sent["approval"]) == ("published", None)
    assert sorted(Notice.objects.values_list("recipient__name", "channel")) == [
        ("Margaret Ellis", "email"),
        ("Margaret Ellis", "in_app"),
    ]
    assert _events() == []


def test_without_a_policy_every_alert_goes_at_once(
    submit, liaison, scheme, coordinator, volunteer
) -> None:
    sent = submit(liaison, severity="Extreme")
    assert (sent["status"], sent["approval"]) == ("published", None)
    assert Notice.objects.filter(channel="in_app").count() == 2


@pytest.mark.parametrize(
    ("severity", "held"),
    [("Minor", False), ("Moderate", False), ("Severe", True), ("Extreme", True)],
)
def test_alerts_of_the_minimum_severity_and_above_are_held(
    submit, liaison, scheme, coordinator, severity, held
) -> None:
    AlertApprovalPolicy.objects.create(force="cambridgeshire", min_severity="Severe")
    answer = submit(liaison, severity=severity)
    assert (answer["status"], answer["approval"]) == (
        ("draft", "awaiting") if held else ("published", None)
    )
    assert Notice.objects.exists() is not held


def test_an_alert_reaching_every_scheme_of_the_force_is_held(
    submit, liaison, scheme, coordinator
) -> None:
    AlertApprovalPolicy.objects.create(force="cambridgeshire", force_wide=True)
    # Mill Road is the force's only active scheme (another force's does not count).
    SchemeFactory(name="Kempston Neighbourhood Watch", force="bedfordshire")
    assert submit(liaison)["approval"] == "awaiting"


def test_an_alert_reaching_some_of_the_forces_schemes_is_not_force_wide(
    submit, liaison, scheme, coordinator, other_scheme
) -> None:
    AlertApprovalPolicy.objects.create(force="cambridgeshire", force_wide=True)
    assert submit(liaison)["status"] == "published"


def test_another_liaison_sees_the_queue_with_the_text_and_the_reach(
    submit, policy, client_for, liaison, colleague, scheme, coordinator, volunteer
) -> None:
    held = submit(liaison)
    queue = client_for(colleague).get(ALERTS, {"approval": "awaiting"}).json()
    assert [(alert["id"], alert["title"], alert["body"]) for alert in queue["results"]] == [
        (held["id"], TITLE, "Two men claiming to be from the water board. Do not let them in.")
    ]
    assert queue["results"][0]["actions"] == {"manage": True, "edit": False, "approve": True}
    assert (queue["results"][0]["lat"], queue["results"][0]["radius_m"]) == (MILL_ROAD[0], 500)
    # The issuer's own list says the same of it, without the approval for them.
    own = client_for(liaison).get(ALERTS, {"approval": "awaiting"}).json()["results"]
    assert own[0]["actions"] == {"manage": True, "edit": False, "approve": False}
    reach = client_for(colleague).get(f"{ALERTS}{held['id']}/reach/")
    assert reach.json() == {
        "schemes": [
            {
                "id": scheme.pk,
                "name": "Mill Road Neighbourhood Watch",
                "kind": "neighbourhood",
                "status": "active",
            }
        ],
        "recipients": 2,
    }
    # Nobody else reads it, or how far it goes.
    assert client_for(volunteer).get(f"{ALERTS}{held['id']}/reach/").status_code == 404
    assert client_for(coordinator).get(ALERTS, {"approval": "awaiting"}).json()["count"] == 0


def test_approving_publishes_and_sends_it_once_however_often_it_is_approved(
    submit,
    policy,
    client_for,
    liaison,
    colleague,
    scheme,
    coordinator,
    volunteer,
    django_capture_on_commit_callbacks,
) -> None:
    held = submit(liaison)
    approver = client_for(colleague)
    url = f"{ALERTS}{held['id']}/approve/"
    with django_capture_on_commit_callbacks(execute=True):
        approved = approver.post(url, HTTP_IDEMPOTENCY_KEY="approve-1")
    assert approved.status_code == 200, approved.content
    assert (approved.json()["status"], approved.json()["approval"]) == ("published", "approved")
    sent = sorted(Notice.objects.values_list("recipient__name", "channel"))
    assert sent == [
        ("Alex Morgan", "email"),
        ("Alex Morgan", "in_app"),
        ("Margaret Ellis", "email"),
        ("Margaret Ellis", "in_app"),
    ]
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [coordinator.email, volunteer.email]
    )
    # Again with the same key: the first answer, replayed; again without one: nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        replayed = approver.post(url, HTTP_IDEMPOTENCY_KEY="approve-1")
        again = approver.post(url)
    assert replayed.headers["Idempotent-Replayed"] == "true"
    assert replayed.json() == approved.json()
    assert (again.status_code, again.json()["status"]) == (200, "published")
    assert sorted(Notice.objects.values_list("recipient__name", "channel")) == sent
    assert len(mail.outbox) == 2
    alert = Alert.objects.get()
    assert (alert.status, alert.issuer, alert.recipients_count) == ("published", liaison, 2)
    assert [event[0] for event in _events()] == ["alert_submitted", "alert_approved"]
    assert _events()[1][2:] == (
        "cambridgeshire",
        "PC Dan Okafor",
        str(held["id"]),
        f"PC Dan Okafor approved an alert, which was then sent: {TITLE}",
    )


def test_a_coordinators_alert_is_approved_by_a_liaison_on_the_schemes_log(
    submit,
    policy,
    client_for,
    liaison,
    scheme,
    coordinator,
    volunteer,
    django_capture_on_commit_callbacks,
) -> None:
    MembershipFactory(scheme=scheme)  # a second volunteer: two people besides its author
    held = submit(coordinator, scheme=scheme.pk, radius_m=300)
    assert held["approval"] == "awaiting"
    # The coordinator cannot approve their own; the force's liaison can.
    refused = client_for(coordinator).post(f"{ALERTS}{held['id']}/approve/")
    assert (refused.status_code, refused.json()) == (403, SELF_REFUSED)
    with django_capture_on_commit_callbacks(execute=True):
        approved = client_for(liaison).post(f"{ALERTS}{held['id']}/approve/")
    assert approved.json()["status"] == "published"
    assert [(event[0], event[1], event[3]) for event in _events()] == [
        ("alert_submitted", scheme.pk, "Margaret Ellis"),
        ("alert_approved", scheme.pk, "PCSO Priya Shah"),
        ("alert_published", scheme.pk, "Margaret Ellis"),
    ]


def test_sending_back_needs_a_comment_and_the_author_edits_and_resubmits(
    submit, policy, client_for, liaison, colleague, scheme, coordinator, volunteer
) -> None:
    held = submit(liaison)
    approver = client_for(colleague)
    url = f"{ALERTS}{held['id']}/send_back/"
    assert approver.post(url, {}, format="json").json() == {"comment": ["This field is required."]}
    blank = approver.post(url, {"comment": "  "}, format="json")
    assert (blank.status_code, blank.json()) == (400, {"comment": ["This field may not be blank."]})
    assert Alert.objects.get().approval == "awaiting"

    comment = "Say which streets, and give the water board's own number."
    returned = approver.post(url, {"comment": comment}, format="json")
    assert returned.status_code == 200, returned.content
    assert (returned.json()["status"], returned.json()["approval"]) == ("draft", "sent_back")
    assert returned.json()["approval_comment"] == comment
    # The author reads it with their draft, and may edit it again.
    mine = client_for(liaison).get(f"{ALERTS}{held['id']}/").json()
    assert (mine["approval"], mine["approval_comment"], mine["actions"]["edit"]) == (
        "sent_back",
        comment,
        True,
    )
    assert approver.post(f"{ALERTS}{held['id']}/approve/").json() == {
        "status": ["This alert is not awaiting approval."]
    }
    edited = client_for(liaison).put(
        f"{ALERTS}{held['id']}/",
        _alert(body="Two men on Mill Road and Sedgwick Street. The water board: 0800 000 000."),
        format="json",
    )
    assert edited.status_code == 200, edited.content
    again = client_for(liaison).post(f"{ALERTS}{held['id']}/publish/")
    assert (again.json()["approval"], again.json()["approval_comment"]) == ("awaiting", "")
    assert Notice.objects.count() == 0
    assert [event[0] for event in _events()] == [
        "alert_submitted",
        "alert_sent_back",
        "alert_resubmitted",
    ]
    assert _events()[1][5] == f"PC Dan Okafor sent an alert back to its author: {TITLE}. " + (
        f"Comment: {comment}"
    )
    assert _events()[2][5] == f"PCSO Priya Shah resubmitted an alert for approval: {TITLE}"


def test_an_alert_awaiting_approval_cannot_be_changed_or_published_again(
    submit, policy, client_for, liaison, scheme, coordinator, volunteer
) -> None:
    held = submit(liaison)
    client = client_for(liaison)
    waiting = {
        "status": [
            "This alert is awaiting approval: it can be changed once another liaison sends it back."
        ]
    }
    edited = client.put(f"{ALERTS}{held['id']}/", _alert(title="Changed"), format="json")
    assert (edited.status_code, edited.json()) == (400, waiting)
    assert client.delete(f"{ALERTS}{held['id']}/").json() == waiting
    again = client.post(f"{ALERTS}{held['id']}/publish/")
    assert (again.status_code, again.json()) == (
        400,
        {"status": ["This alert is already awaiting approval by another liaison."]},
    )
    assert Alert.objects.get().title == TITLE


def test_the_issuer_cannot_approve_or_send_back_their_own(
    submit, policy, client_for, liaison, scheme, coordinator, volunteer
) -> None:
    held = submit(liaison)
    client = client_for(liaison)
    approve = client.post(f"{ALERTS}{held['id']}/approve/")
    send_back = client.post(f"{ALERTS}{held['id']}/send_back/", {"comment": "Fine."}, format="json")
    assert (approve.status_code, approve.json()) == (403, SELF_REFUSED)
    assert (send_back.status_code, send_back.json()) == (403, SELF_REFUSED)
    assert (Alert.objects.get().approval, Notice.objects.count()) == ("awaiting", 0)


@pytest.mark.parametrize("who", ["foreign_liaison", "outsider", "coordinator", "volunteer"])
def test_others_are_refused_as_if_it_did_not_exist(
    submit, policy, client_for, request, liaison, scheme, coordinator, volunteer, who
) -> None:
    held = submit(liaison)
    client = client_for(request.getfixturevalue(who))
    for action, body in (("approve", None), ("send_back", {"comment": "No."})):
        refused = client.post(f"{ALERTS}{held['id']}/{action}/", body, format="json")
        assert (refused.status_code, refused.json()) == (404, NOT_FOUND)
    assert (Alert.objects.get().approval, Notice.objects.count()) == ("awaiting", 0)
    assert [event[0] for event in _events()] == ["alert_submitted"]


def test_anonymous_approval_is_refused(submit, policy, anon, liaison, scheme, volunteer) -> None:
    held = submit(liaison)
    refused = anon.post(f"{ALERTS}{held['id']}/approve/")
    assert (refused.status_code, refused.json()) == (
        401,
        {"detail": "Authentication credentials were not provided."},
    )


def test_an_alert_past_its_expiry_cannot_be_approved(
    submit, policy, client_for, liaison, colleague, scheme, coordinator, volunteer
) -> None:
    held = submit(liaison)
    Alert.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    refused = client_for(colleague).post(f"{ALERTS}{held['id']}/approve/")
    assert (refused.status_code, refused.json()) == (
        400,
        {"expires_at": ["The expiry has passed: edit the draft and give it a later one."]},
    )
    assert Alert.objects.get().status == "draft"


def test_the_steps_are_on_the_forces_activity_log_for_its_liaisons_only(
    submit, policy, client_for, liaison, colleague, foreign_liaison, scheme, coordinator, volunteer
) -> None:
    held = submit(liaison)
    client_for(colleague).post(
        f"{ALERTS}{held['id']}/send_back/", {"comment": "Name the streets."}, format="json"
    )
    log = client_for(colleague).get("/api/v1/activity/").json()["results"]
    assert [(entry["type"], entry["scheme"], entry["object_type"]) for entry in log] == [
        ("alert_sent_back", None, "alert"),
        ("alert_submitted", None, "alert"),
    ]
    assert log[0]["payload"] == {"title": TITLE, "comment": "Name the streets."}
    assert log[0]["type_display"] == "Alert sent back"
    assert client_for(foreign_liaison).get("/api/v1/activity/").json()["count"] == 0
    # The CSV has the force's events with no scheme.
    exported = client_for(colleague).get("/api/v1/activity/export/")
    rows = b"".join(exported.streaming_content).decode("utf-8-sig").splitlines()
    assert rows[1].split(",")[1:4] == ["", "", ""]


def test_the_log_reads_in_welsh_to_a_welsh_reader(
    submit, policy, client_for, liaison, colleague, scheme, coordinator, volunteer
) -> None:
    held = submit(liaison)
    colleague.language = "cy"
    colleague.save(update_fields=["language"])
    client_for(colleague).post(
        f"{ALERTS}{held['id']}/send_back/", {"comment": "Na."}, format="json"
    )
    log = client_for(colleague).get("/api/v1/activity/", HTTP_ACCEPT_LANGUAGE="cy").json()
    assert [entry["summary"] for entry in log["results"]] == [
        f"Anfonodd PC Dan Okafor rybudd yn ôl at ei awdur: {TITLE}. Sylw: Na.",
        f"Cyflwynodd PCSO Priya Shah rybudd i'w gymeradwyo: {TITLE}",
    ]


# --- Placeholders left unfilled ----------------------------------------------------------


def test_an_alert_with_a_placeholder_left_is_not_published(
    client_for, liaison, scheme, volunteer
) -> None:
    client = client_for(liaison)
    draft = client.post(
        ALERTS,
        _alert(
            body="Two men were seen near {place} on {date}.",
            translation={"title": "Galwyr ffug", "body": "Gwelwyd dau ddyn ger {place}."},
        ),
        format="json",
    ).json()
    refused = client.post(f"{ALERTS}{draft['id']}/publish/")
    assert (refused.status_code, refused.json()) == (
        400,
        {
            "body": [
                "Fill in {place}, {date} before sending: replace each with what it stands for."
            ],
            "translation": [
                "Fill in {place} before sending: replace each with what it stands for."
            ],
        },
    )
    assert (Alert.objects.get().status, Notice.objects.count()) == ("draft", 0)


def test_an_update_with_a_placeholder_left_is_refused(
    client_for, liaison, scheme, volunteer, django_capture_on_commit_callbacks
) -> None:
    client = client_for(liaison)
    draft = client.post(ALERTS, _alert(), format="json").json()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{ALERTS}{draft['id']}/publish/")
    refused = client.post(
        f"{ALERTS}{draft['id']}/update_alert/", {"body": "Now seen at {place}."}, format="json"
    )
    assert (refused.status_code, refused.json()) == (
        400,
        {"body": ["Fill in {place} before sending: replace each with what it stands for."]},
    )
    assert Alert.objects.count() == 1


# --- The policy ---------------------------------------------------------------------------


def test_a_liaison_sets_their_forces_policy(client_for, liaison, foreign_liaison) -> None:
    client = client_for(liaison)
    assert client.get(POLICY).json() == {
        "force": "cambridgeshire",
        "recipients_threshold": None,
        "force_wide": False,
        "min_severity": None,
        "updated_at": None,
    }
    saved = client.put(
        POLICY,
        {"recipients_threshold": 500, "force_wide": True, "min_severity": "Severe"},
        format="json",
    )
    assert saved.status_code == 200, saved.content
    assert {key: value for key, value in saved.json().items() if key != "updated_at"} == {
        "force": "cambridgeshire",
        "recipients_threshold": 500,
        "force_wide": True,
        "min_severity": "Severe",
    }
    policy = AlertApprovalPolicy.objects.get()
    assert (policy.force, policy.recipients_threshold, policy.min_severity) == (
        "cambridgeshire",
        500,
        "Severe",
    )
    # Another force's liaison has their own, untouched.
    assert client_for(foreign_liaison).get(POLICY).json()["recipients_threshold"] is None
    # Switched off again.
    off = client.put(
        POLICY,
        {"recipients_threshold": None, "force_wide": False, "min_severity": None},
        format="json",
    )
    assert (off.json()["min_severity"], AlertApprovalPolicy.objects.get().min_severity) == (
        None,
        "",
    )


def test_the_policy_refuses_bad_input_by_field(client_for, liaison) -> None:
    refused = client_for(liaison).put(
        POLICY,
        {"recipients_threshold": -1, "force_wide": "yes", "min_severity": "Awful"},
        format="json",
    )
    assert refused.status_code == 400
    assert sorted(refused.json()) == ["force_wide", "min_severity", "recipients_threshold"]
    assert not AlertApprovalPolicy.objects.exists()


@pytest.mark.parametrize("who", ["coordinator", "volunteer", "stranger"])
def test_only_liaisons_set_the_policy(client_for, request, scheme, who) -> None:
    client = client_for(request.getfixturevalue(who))
    refused = {"detail": "Only police liaisons set their force's alert approval."}
    assert client.get(POLICY).json() == refused
    put = client.put(
        POLICY,
        {"recipients_threshold": 1, "force_wide": True, "min_severity": None},
        format="json",
    )
    assert (put.status_code, put.json()) == (403, refused)
    assert not AlertApprovalPolicy.objects.exists()


def test_the_policy_needs_signing_in(anon) -> None:
    assert anon.get(POLICY).status_code == 401
    assert anon.put(POLICY, {}, format="json").status_code == 401


def test_a_policy_changed_after_a_send_back_lets_the_alert_go(
    submit,
    policy,
    client_for,
    liaison,
    colleague,
    scheme,
    coordinator,
    volunteer,
    django_capture_on_commit_callbacks,
) -> None:
    held = submit(liaison)
    client_for(colleague).post(
        f"{ALERTS}{held['id']}/send_back/", {"comment": "Shorter."}, format="json"
    )
    policy.delete()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client_for(liaison).post(f"{ALERTS}{held['id']}/publish/").json()
    assert (sent["status"], sent["approval"], sent["approval_comment"]) == ("published", None, "")
    assert Notice.objects.filter(channel="in_app").count() == 2


def test_a_coordinator_of_another_force_scheme_is_not_a_recipient_counted(
    submit, client_for, liaison, scheme, coordinator
) -> None:
    """A neighbouring force's members never count towards Cambridgeshire's threshold."""
    AlertApprovalPolicy.objects.create(force="cambridgeshire", recipients_threshold=1)
    beds = SchemeFactory(name="Biggleswade NW", force="bedfordshire", lat=52.1985, lon=0.141)
    MembershipFactory(scheme=beds, role="coordinator")
    assert submit(liaison, audience="coordinators")["status"] == "published"
