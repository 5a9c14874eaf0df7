"""One incident reads as one thread: an alert, its updates and its cancellation show together,
newest first, with the incident's status (a cancelled incident never shows "published"); the
inbox shows one card per incident; opening the thread reads all of it. Issuers and liaisons
answer the replies, and the reply's author is told in the app."""

import importlib
import uuid

import pytest
from django.apps import apps
from django.core import mail

from notifications.models import Alert, Notice, Reply
from tests.alerts import draft_alert
from tests.factories import LiaisonFactory, MembershipFactory

pytestmark = pytest.mark.django_db

ALERTS = "/api/v1/alerts/"
INBOX = "/api/v1/inbox/"
MILL_ROAD = {"lat": 52.1985, "lon": 0.1410, "radius_m": 500}


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Post through ``client``, running the dispatch the commit enqueues."""

    def post(client, url: str, body: dict | None = None, **headers):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, body or {}, format="json", headers=headers)

    return post


@pytest.fixture
def incident(client_for, liaison, scheme, coordinator, volunteer, run_on_commit) -> dict:
    """A liaison's alert over Mill Road, then an update of it: the volunteer (no settings
    saved) and the coordinator had both."""
    client = client_for(liaison)
    draft = client.post(
        ALERTS,
        {
            "title": "Bogus callers on Mill Road",
            "body": "Two men claiming to be from the water board.",
            "category": "bogus_caller",
            "severity": "Moderate",
            "urgency": "Expected",
            "audience": "members",
            **MILL_ROAD,
        },
        format="json",
    ).json()
    assert run_on_commit(client, f"{ALERTS}{draft['id']}/publish/").status_code == 200
    update = run_on_commit(
        client, f"{ALERTS}{draft['id']}/update_alert/", {"body": "They now drive a white van."}
    )
    assert update.status_code == 201, update.content
    return {"alert": draft["id"], "update": update.json()["id"]}


def _thread(client, alert_id: int) -> dict:
    response = client.get(f"{ALERTS}{alert_id}/thread/")
    assert response.status_code == 200, response.content
    return response.json()


def _messages(thread: dict) -> list[tuple]:
    return [(m["message_type"], m["body"], m["status"]) for m in thread["messages"]]


def test_a_thread_is_the_same_whichever_of_its_alerts_is_opened(
    client_for, liaison, volunteer, incident, run_on_commit
) -> None:
    cancel = run_on_commit(
        client_for(liaison), f"{ALERTS}{incident['update']}/cancel/", {"body": "Both arrested."}
    )
    assert cancel.status_code == 201, cancel.content
    ids = [incident["alert"], incident["update"], cancel.json()["id"]]
    client = client_for(volunteer)
    threads = [_thread(client, alert_id) for alert_id in ids]
    assert threads[0] == threads[1] == threads[2]
    thread = threads[0]
    assert (thread["incident"], thread["status"], thread["unread"]) == (ids[0], "cancelled", True)
    # Newest first; a cancelled incident is cancelled through and through.
    assert _messages(thread) == [
        ("Cancel", "Both arrested.", "cancelled"),
        ("Update", "They now drive a white van.", "cancelled"),
        ("Alert", "Two men claiming to be from the water board.", "cancelled"),
    ]
    assert {m["incident_status"] for m in thread["messages"]} == {"cancelled"}
    assert {m["incident"] for m in thread["messages"]} == {ids[0]}
    # Nor does anything else show "published".
    listed = client_for(liaison).get(ALERTS).json()["results"]
    assert {(a["status"], a["incident_status"]) for a in listed} == {("cancelled", "cancelled")}
    assert client_for(liaison).get(ALERTS, {"status": "published"}).json()["count"] == 0
    card = client.get(INBOX).json()["results"]
    assert [(n["alert"]["id"], n["alert"]["incident_status"]) for n in card] == [
        (ids[2], "cancelled")
    ]


def test_an_updated_incident_stands_published_with_its_latest_message(
    client_for, volunteer, incident
) -> None:
    thread = _thread(client_for(volunteer), incident["alert"])
    assert thread["status"] == "published"
    assert _messages(thread) == [
        ("Update", "They now drive a white van.", "published"),
        ("Alert", "Two men claiming to be from the water board.", "updated"),
    ]
    assert {m["incident_status"] for m in thread["messages"]} == {"published"}
    detail = client_for(volunteer).get(f"{ALERTS}{incident['alert']}/").json()
    assert (detail["status"], detail["incident_status"]) == ("updated", "published")


def test_a_cancelled_incident_cannot_be_updated_or_cancelled_again(
    client_for, liaison, incident, run_on_commit
) -> None:
    client = client_for(liaison)
    cancel = run_on_commit(client, f"{ALERTS}{incident['update']}/cancel/", {"body": "Over."})
    for target in (incident["update"], cancel.json()["id"]):
        again = client.post(f"{ALERTS}{target}/cancel/", {"body": "Again."}, format="json")
        assert (again.status_code, again.json()) == (
            400,
            {"status": ["Only a published alert can be changed; this one is cancelled."]},
        )
    assert Alert.objects.count() == 3
    # The cancellation itself still went to everyone, by every channel they had.
    assert [m.subject for m in mail.outbox][-2:] == [
        "[Patchwatch] Cancelled: Bogus callers on Mill Road"
    ] * 2


def test_the_inbox_shows_one_card_per_incident(
    client_for, liaison, volunteer, incident, run_on_commit
) -> None:
    client = client_for(liaison)
    other = client.post(
        ALERTS,
        {
            "title": "Shed break-ins",
            "body": "Two sheds forced on Sedgwick Street.",
            "category": "burglary",
            "severity": "Minor",
            "urgency": "Expected",
            "audience": "members",
            **MILL_ROAD,
        },
        format="json",
    ).json()
    run_on_commit(client, f"{ALERTS}{other['id']}/publish/")
    reader = client_for(volunteer)
    cards = reader.get(INBOX).json()
    assert cards["count"] == 2
    assert [
        (n["alert"]["title"], n["alert"]["message_type"], n["unread"]) for n in cards["results"]
    ] == [
        ("Shed break-ins", "Alert", True),
        ("Bogus callers on Mill Road", "Update", True),
    ]
    assert reader.get(INBOX, {"unread": True}).json()["count"] == 2
    # Reading the original's notice only still leaves the update's unread: the card stays unread.
    Notice.objects.filter(recipient=volunteer, alert_id=incident["alert"]).update(
        read_at="2026-01-01T00:00:00Z"
    )
    assert [n["unread"] for n in reader.get(INBOX).json()["results"]] == [True, True]


def test_opening_a_thread_reads_the_whole_incident(client_for, volunteer, incident) -> None:
    client = client_for(volunteer)
    assert client.get(INBOX, {"unread": True}).json()["count"] == 1
    # Opened from the original: its notices and the update's, in the app and by email.
    response = client.post(f"{ALERTS}{incident['alert']}/read/")
    assert (response.status_code, response.json()) == (200, {"marked": 4})
    assert client.get(INBOX, {"unread": True}).json()["count"] == 0
    assert [n["unread"] for n in client.get(INBOX).json()["results"]] == [False]
    assert _thread(client, incident["update"])["unread"] is False
    assert not Notice.objects.filter(recipient=volunteer, read_at__isnull=True).exists()
    assert client.post(f"{ALERTS}{incident['update']}/read/").json() == {"marked": 0}


def test_marking_a_card_read_in_the_inbox_reads_its_incident(
    client_for, volunteer, incident
) -> None:
    client = client_for(volunteer)
    card = client.get(INBOX).json()["results"][0]
    marked = client.post(f"{INBOX}read/", {"ids": [card["id"]]}, format="json")
    assert marked.json() == {"marked": 4}
    assert client.get(INBOX, {"unread": True}).json()["count"] == 0


def test_an_update_takes_the_place_of_its_incidents_earlier_card(volunteer, incident) -> None:
    # In the inbox only the update's notice stands for the incident now; email is as it was.
    assert sorted(
        Notice.objects.filter(recipient=volunteer).values_list("alert_id", "channel", "superseded")
    ) == [
        (incident["alert"], "email", False),
        (incident["alert"], "in_app", True),
        (incident["update"], "email", False),
        (incident["update"], "in_app", False),
    ]


def test_the_migration_marks_all_but_each_inboxs_latest_notice_of_an_incident(
    client_for, liaison, volunteer, coordinator, incident, run_on_commit
) -> None:
    cancel = run_on_commit(
        client_for(liaison), f"{ALERTS}{incident['update']}/cancel/", {"body": "Over."}
    )
    Notice.objects.update(superseded=False)  # as they stood before the migration
    migration = importlib.import_module("notifications.migrations.0006_notice_superseded")
    migration.mark_superseded(apps, None)
    standing = Notice.objects.filter(channel="in_app", superseded=False)
    assert sorted(standing.values_list("recipient_id", "alert_id")) == sorted(
        [(volunteer.pk, cancel.json()["id"]), (coordinator.pk, cancel.json()["id"])]
    )
    assert Notice.objects.filter(channel="in_app", superseded=True).count() == 4
    assert not Notice.objects.filter(channel="email", superseded=True).exists()
    assert [
        card["alert"]["message_type"] for card in client_for(volunteer).get(INBOX).json()["results"]
    ] == ["Cancel"]


def test_the_migration_gathers_existing_alerts_into_incidents(
    client_for, liaison, incident, run_on_commit
) -> None:
    cancel = run_on_commit(
        client_for(liaison), f"{ALERTS}{incident['update']}/cancel/", {"body": "Over."}
    )
    # As the alerts stood before the migration: no incidents, the cancellation "published".
    Alert.objects.update(incident=None)
    Alert.objects.filter(pk=cancel.json()["id"]).update(status="published")
    Alert.objects.filter(pk=incident["update"]).update(status="updated")
    migration = importlib.import_module("notifications.migrations.0004_alert_incident_thread")
    migration.fill_incidents(apps, None)
    assert (
        list(Alert.objects.order_by("pk").values_list("incident_id", "status"))
        == [(incident["alert"], "cancelled")] * 3
    )


# --- Answering replies ------------------------------------------------------------------


@pytest.fixture
def reply(client_for, volunteer, incident) -> Reply:
    response = client_for(volunteer).post(
        f"{ALERTS}{incident['alert']}/replies/", {"body": "Saw the van at ten."}, format="json"
    )
    assert response.status_code == 201, response.content
    return Reply.objects.get(pk=response.json()["id"])


def _answer_url(alert_id: int, reply: Reply) -> str:
    return f"{ALERTS}{alert_id}/replies/{reply.pk}/answer/"


def test_the_issuer_answers_a_reply_and_its_author_is_told_in_the_app(
    client_for, liaison, volunteer, incident, reply
) -> None:
    reader = client_for(volunteer)
    reader.post(f"{ALERTS}{incident['alert']}/read/")
    issuer = client_for(liaison)
    assert _thread(issuer, incident["update"])["unread_replies"] == 1
    # From the thread (the update's page), the reply to the original is answered.
    response = issuer.post(
        _answer_url(incident["update"], reply), {"answer": "Thank you: passed to the team."}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["answer"], body["answered_by_name"], body["read_at"] is not None) == (
        "Thank you: passed to the team.",
        "PCSO Priya Shah",
        True,
    )
    # Answering read it: the count the issuer sees is down at once.
    assert _thread(issuer, incident["alert"])["unread_replies"] == 0
    assert issuer.get(f"{ALERTS}{incident['alert']}/").json()["unread_replies"] == 0

    # The author finds the incident unread again, with a new answer, and reads it there.
    card = reader.get(INBOX).json()["results"][0]
    assert (card["unread"], card["new_answer"]) == (True, True)
    assert reader.get(INBOX, {"unread": True}).json()["count"] == 1
    mine = reader.get(f"{ALERTS}{incident['update']}/replies/").json()["results"]
    assert [(r["body"], r["answer"], r["answered_by_name"]) for r in mine] == [
        ("Saw the van at ten.", "Thank you: passed to the team.", "PCSO Priya Shah")
    ]
    assert reader.post(f"{ALERTS}{incident['update']}/read/").json() == {"marked": 0}
    card = reader.get(INBOX).json()["results"][0]
    assert (card["unread"], card["new_answer"]) == (False, False)


def test_a_liaison_of_the_force_answers_a_coordinators_alert(
    client_for, scheme, coordinator, volunteer, liaison, run_on_commit
) -> None:
    client = client_for(coordinator)
    draft = client.post(
        ALERTS,
        {
            "title": "Bogus callers",
            "body": "Ask for ID.",
            "category": "bogus_caller",
            "severity": "Moderate",
            "urgency": "Expected",
            "audience": "members",
            "scheme": scheme.pk,
            **{**MILL_ROAD, "radius_m": 300},
        },
        format="json",
    ).json()
    run_on_commit(client, f"{ALERTS}{draft['id']}/publish/")
    reply = client_for(volunteer).post(
        f"{ALERTS}{draft['id']}/replies/", {"body": "At number 40."}, format="json"
    )
    answer = client_for(liaison).post(
        f"{ALERTS}{draft['id']}/replies/{reply.json()['id']}/answer/",
        {"answer": "We are on our way."},
        format="json",
    )
    assert (answer.status_code, answer.json()["answered_by_name"]) == (200, "PCSO Priya Shah")


def test_an_answer_retried_with_the_same_key_is_given_once(
    client_for, liaison, incident, reply
) -> None:
    client = client_for(liaison)
    key = str(uuid.uuid4())
    first = client.post(
        _answer_url(incident["alert"], reply),
        {"answer": "Thank you."},
        format="json",
        headers={"Idempotency-Key": key},
    )
    reply.refresh_from_db()
    answered_at = reply.answered_at
    again = client.post(
        _answer_url(incident["alert"], reply),
        {"answer": "Thank you."},
        format="json",
        headers={"Idempotency-Key": key},
    )
    assert (again.status_code, again.json(), again["Idempotent-Replayed"]) == (
        200,
        first.json(),
        "true",
    )
    # The same answer again without the key changes nothing either.
    client.post(_answer_url(incident["alert"], reply), {"answer": "Thank you."}, format="json")
    reply.refresh_from_db()
    assert (reply.answer, reply.answered_at) == ("Thank you.", answered_at)
    # Another answer corrects it, and is news to the author again.
    reply.answer_read_at = answered_at
    reply.save()
    client.post(
        _answer_url(incident["alert"], reply), {"answer": "Thank you, Alex."}, format="json"
    )
    reply.refresh_from_db()
    assert (reply.answer, reply.answer_read_at) == ("Thank you, Alex.", None)


@pytest.mark.parametrize(
    ("who", "status"),
    [("outsider", 404), ("foreign_liaison", 404), ("stranger", 404), ("volunteer", 403)],
)
def test_answering_is_refused_to_others(client_for, request, incident, reply, who, status) -> None:
    response = client_for(request.getfixturevalue(who)).post(
        _answer_url(incident["alert"], reply), {"answer": "I am not the issuer."}, format="json"
    )
    assert response.status_code == status
    reply.refresh_from_db()
    assert (reply.answer, reply.answered_at) == ("", None)


def test_answering_is_refused_to_anonymous_users(anon, incident, reply) -> None:
    response = anon.post(_answer_url(incident["alert"], reply), {"answer": "Hi."}, format="json")
    assert response.status_code == 401
    reply.refresh_from_db()
    assert reply.answered_at is None


def test_answer_input_errors(client_for, liaison, incident, reply) -> None:
    client = client_for(liaison)
    empty = client.post(_answer_url(incident["alert"], reply), {"answer": "  "}, format="json")
    assert (empty.status_code, empty.json()) == (400, {"answer": ["This field may not be blank."]})
    long = client.post(_answer_url(incident["alert"], reply), {"answer": "x" * 2001})
    assert long.json() == {"answer": ["Ensure this field has no more than 2000 characters."]}
    # A reply of another incident is not found through this one.
    other = draft_alert(liaison, title="Another incident")
    wrong = client.post(f"{ALERTS}{other.pk}/replies/{reply.pk}/answer/", {"answer": "Hi."})
    assert wrong.status_code == 404


def test_recipients_see_only_their_own_replies(
    client_for, liaison, scheme, coordinator, volunteer, incident, reply
) -> None:
    client_for(coordinator).post(
        f"{ALERTS}{incident['update']}/replies/", {"body": "Also on Tenison Road."}, format="json"
    )
    own = client_for(coordinator).get(f"{ALERTS}{incident['alert']}/replies/").json()
    assert [r["body"] for r in own["results"]] == ["Also on Tenison Road."]
    # The issuer reads the replies to every message of the incident, newest first.
    everything = client_for(liaison).get(f"{ALERTS}{incident['alert']}/replies/").json()
    assert [r["body"] for r in everything["results"]] == [
        "Also on Tenison Road.",
        "Saw the van at ten.",
    ]


def test_issuers_find_the_alerts_with_replies_waiting(client_for, liaison, incident, reply) -> None:
    client = client_for(liaison)
    waiting = client.get(ALERTS, {"unread_replies": True}).json()
    assert [(a["id"], a["unread_replies"]) for a in waiting["results"]] == [(incident["alert"], 1)]
    client.post(f"{ALERTS}{incident['update']}/replies/read/")
    assert client.get(ALERTS, {"unread_replies": True}).json()["count"] == 0
    # A fellow liaison of the force sees the same; a recipient has none to read.
    colleague = client_for(LiaisonFactory(force="cambridgeshire").user)
    assert colleague.get(ALERTS, {"unread_replies": False}).json()["count"] == 2


def test_a_recipient_has_no_replies_waiting(client_for, volunteer, incident, reply) -> None:
    MembershipFactory()  # someone else entirely
    response = client_for(volunteer).get(ALERTS, {"unread_replies": True})
    assert (response.status_code, response.json()["count"]) == (200, 0)
