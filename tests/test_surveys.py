"""Surveys of members through the HTTP API: writing and sending, delivery as a notice,
answering once (a second answer replaces the first), results and their CSV, anonymity,
validation, closing, and who is refused."""

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications.dispatch import alert_queue_notices
from notifications.models import Alert, Notice
from surveys.models import Survey, SurveyAnswer
from tests.factories import LiaisonFactory, MembershipFactory, SchemeFactory

pytestmark = pytest.mark.django_db

SURVEYS = "/api/v1/surveys/"


def payload(scheme_ids: list[int], **changes: Any) -> dict[str, Any]:
    return {
        "title": "How safe do you feel?",
        "intro": "Five minutes of your time helps us plan the year.",
        "schemes": scheme_ids,
        "questions": [
            {
                "kind": "single",
                "text": "Have you been burgled in the last year?",
                "choices": ["Yes", "No"],
                "required": True,
            },
            {
                "kind": "multiple",
                "text": "What worries you?",
                "choices": ["Speeding", "Burglary", "Fly-tipping"],
            },
            {"kind": "rating", "text": "How safe do you feel at night?", "required": True},
            {"kind": "text", "text": "Anything else?"},
        ],
        **changes,
    }


def created(client, scheme_ids: list[int], **changes: Any) -> dict[str, Any]:
    response = client.post(SURVEYS, payload(scheme_ids, **changes), format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def sent(client, scheme_ids: list[int], **changes: Any) -> dict[str, Any]:
    survey = created(client, scheme_ids, **changes)
    response = client.post(f"{SURVEYS}{survey['id']}/send/")
    assert response.status_code == 200, response.json()
    return response.json()


def ids(survey: dict[str, Any]) -> list[str]:
    return [str(question["id"]) for question in survey["questions"]]


def answers(survey: dict[str, Any], single: Any, multiple: Any, rating: Any, text: Any) -> dict:
    return {"answers": dict(zip(ids(survey), [single, multiple, rating, text], strict=True))}


def answer(client, survey: dict[str, Any], *values: Any):
    return client.post(f"{SURVEYS}{survey['id']}/answer/", answers(survey, *values), format="json")


# --- Writing and sending -------------------------------------------------------------------


def test_survey_create_by_a_coordinator_is_a_draft_of_their_scheme(
    client_for, scheme, coordinator
) -> None:
    survey = created(client_for(coordinator), [scheme.pk])
    assert survey["status"] == "draft"
    assert survey["open"] is False
    assert survey["anonymous"] is True
    assert survey["scheme"] == {
        "id": scheme.pk,
        "name": "Mill Road Neighbourhood Watch",
        "kind": "neighbourhood",
        "status": "active",
    }
    assert [s["id"] for s in survey["schemes"]] == [scheme.pk]
    assert survey["author_name"] == "Margaret Ellis"
    assert [
        (q["position"], q["kind"], q["choices"], q["required"]) for q in survey["questions"]
    ] == [
        (1, "single", ["Yes", "No"], True),
        (2, "multiple", ["Speeding", "Burglary", "Fly-tipping"], False),
        (3, "rating", [], True),
        (4, "text", [], False),
    ]
    assert survey["actions"] == {"send": True, "close": False, "answer": False, "results": False}
    assert survey["my_answers"] is None


def test_survey_create_by_a_liaison_asks_several_schemes_of_their_force(
    client_for, liaison, scheme, other_scheme
) -> None:
    survey = created(client_for(liaison), [scheme.pk, other_scheme.pk])
    assert survey["scheme"] is None
    assert sorted(s["id"] for s in survey["schemes"]) == sorted([scheme.pk, other_scheme.pk])


@pytest.mark.parametrize("who", ["volunteer", "outsider", "foreign_liaison", "stranger"])
def test_survey_create_is_refused_to_those_who_may_not_ask_the_scheme(
    client_for, request, scheme, who
) -> None:
    response = client_for(request.getfixturevalue(who)).post(
        SURVEYS, payload([scheme.pk]), format="json"
    )
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Coordinators send surveys to their own scheme, police liaisons to schemes "
        "of their force."
    }
    assert Survey.objects.count() == 0


def test_survey_create_refused_to_anonymous(anon, scheme) -> None:
    assert anon.post(SURVEYS, payload([scheme.pk]), format="json").status_code == 401
    assert anon.get(SURVEYS).status_code == 401


def test_survey_create_with_a_retry_key_creates_one_survey(client_for, scheme, coordinator) -> None:
    client = client_for(coordinator)
    first = client.post(SURVEYS, payload([scheme.pk]), format="json", HTTP_IDEMPOTENCY_KEY="s-1")
    again = client.post(SURVEYS, payload([scheme.pk]), format="json", HTTP_IDEMPOTENCY_KEY="s-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Survey.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"questions": [{"kind": "text", "text": f"Question {n}"} for n in range(21)]},
            {"questions": ["Ensure this field has no more than 20 elements."]},
        ),
        ({"questions": []}, {"questions": ["This list may not be empty."]}),
        (
            {"questions": [{"kind": "single", "text": "Yes?", "choices": ["Yes"]}]},
            {"questions": ["Question 1: give from 2 to 10 choices."]},
        ),
        (
            {"questions": [{"kind": "single", "text": "Yes?", "choices": ["Yes", "Yes"]}]},
            {"questions": ["Question 1: a choice is given twice."]},
        ),
        (
            {"questions": [{"kind": "rating", "text": "How?", "choices": ["A", "B"]}]},
            {"questions": ["Question 1: only choice questions have choices."]},
        ),
        (
            {"questions": [{"kind": "scale", "text": "How?"}]},
            {"questions": {"0": {"kind": ['"scale" is not a valid choice.']}}},
        ),
        (
            {"closes_at": "2020-01-01T00:00:00Z"},
            {"closes_at": ["The closing date must be in the future."]},
        ),
        ({"schemes": [2_000_000]}, {"schemes": ["One of these schemes does not exist."]}),
    ],
)
def test_survey_create_refuses_bad_input_by_field(
    client_for, scheme, coordinator, changes, errors
) -> None:
    response = client_for(coordinator).post(SURVEYS, payload([scheme.pk], **changes), format="json")
    assert response.status_code == 400
    assert response.json() == errors
    assert Survey.objects.count() == 0


def test_twenty_questions_are_allowed(client_for, scheme, coordinator) -> None:
    questions = [{"kind": "text", "text": f"Question {n}"} for n in range(20)]
    survey = created(client_for(coordinator), [scheme.pk], questions=questions)
    assert len(survey["questions"]) == 20


# --- Delivery --------------------------------------------------------------------------------


def test_survey_send_reaches_the_members_in_their_inbox(
    client_for, scheme, coordinator, volunteer, django_capture_on_commit_callbacks
) -> None:
    # A scheme over the very same streets, not asked: its members hear nothing.
    overlapping = SchemeFactory(name="Mill Road Traders", lat=52.1985, lon=0.1410, radius=700)
    neighbour = MembershipFactory(scheme=overlapping).user
    with django_capture_on_commit_callbacks(execute=True):
        survey = sent(client_for(coordinator), [scheme.pk])
    assert survey["status"] == "sent"
    assert survey["open"] is True
    alert = Alert.objects.get()
    assert Survey.objects.get().alert == alert
    assert alert.title == "Survey: How safe do you feel?"
    assert alert.body == (
        "Five minutes of your time helps us plan the year.\n\n"
        f"Answer the survey in Patchwatch: {settings.SITE_URL}/surveys/{survey['id']}"
    )
    assert list(alert.matched_schemes.all()) == [scheme]
    in_app = Notice.objects.filter(alert=alert, channel="in_app")
    assert sorted(in_app.values_list("recipient_id", "state")) == [(volunteer.pk, "sent")]
    assert not Notice.objects.filter(recipient=neighbour).exists()

    inbox = client_for(volunteer).get("/api/v1/inbox/").json()
    assert [card["alert"]["title"] for card in inbox["results"]] == [
        "Survey: How safe do you feel?"
    ]
    # Dispatched again (Celery delivered the task twice): nobody gets it twice.
    alert_queue_notices(alert_id=alert.pk)
    assert in_app.count() == 1


def test_survey_send_twice_sends_once(
    client_for, scheme, coordinator, volunteer, django_capture_on_commit_callbacks
) -> None:
    client = client_for(coordinator)
    survey = created(client, [scheme.pk])
    url = f"{SURVEYS}{survey['id']}/send/"
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, HTTP_IDEMPOTENCY_KEY="send-1")
        replayed = client.post(url, HTTP_IDEMPOTENCY_KEY="send-1")
        again = client.post(url)
    assert first.status_code == replayed.status_code == 200
    assert replayed.json() == first.json()
    assert replayed["Idempotent-Replayed"] == "true"
    assert again.status_code == 400
    assert again.json() == {"status": ["This survey has been sent already."]}
    assert Alert.objects.count() == 1
    assert Notice.objects.filter(recipient=volunteer, channel="in_app").count() == 1


def test_survey_send_is_refused_to_a_volunteer(client_for, scheme, coordinator, volunteer) -> None:
    survey = created(client_for(coordinator), [scheme.pk])
    # A draft is its author's alone.
    assert client_for(volunteer).post(f"{SURVEYS}{survey['id']}/send/").status_code == 404


# --- Answering -------------------------------------------------------------------------------


def test_a_member_answers_once_and_a_second_answer_replaces_the_first(
    client_for, scheme, coordinator, volunteer
) -> None:
    survey = sent(client_for(coordinator), [scheme.pk])
    member = client_for(volunteer)
    listed = member.get(SURVEYS).json()
    assert [(s["id"], s["answered"], s["actions"]["answer"]) for s in listed["results"]] == [
        (survey["id"], False, True)
    ]
    first = answer(member, survey, "Yes", ["Burglary"], 2, "Street lights are out")
    assert first.status_code == 200, first.json()
    second = answer(member, survey, "No", ["Speeding", "Fly-tipping"], 4, "")
    assert second.status_code == 200, second.json()
    q1, q2, q3, _q4 = ids(survey)
    assert second.json()["answers"] == {q1: "No", q2: ["Speeding", "Fly-tipping"], q3: 4}
    assert SurveyAnswer.objects.filter(survey_id=survey["id"]).count() == 1
    detail = member.get(f"{SURVEYS}{survey['id']}/").json()
    assert detail["answered"] is True
    assert detail["my_answers"] == {q1: "No", q2: ["Speeding", "Fly-tipping"], q3: 4}
    results = client_for(coordinator).get(f"{SURVEYS}{survey['id']}/results/").json()
    assert results["answers"] == 1
    assert results["questions"][0]["choices"] == [
        {"choice": "Yes", "count": 0},
        {"choice": "No", "count": 1},
    ]


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        (("Maybe", [], 3, ""), 0, "Choose one of the options."),
        ((None, [], 3, ""), 0, "Answer this question."),
        (("Yes", ["Aliens"], 3, ""), 1, "Choose among the options."),
        (("Yes", "Burglary", 3, ""), 1, "Choose among the options."),
        (("Yes", [], 6, ""), 2, "Give a rating from 1 to 5."),
        (("Yes", [], 0, ""), 2, "Give a rating from 1 to 5."),
        (("Yes", [], 2.5, ""), 2, "Give a rating from 1 to 5."),
        (("Yes", [], True, ""), 2, "Give a rating from 1 to 5."),
        (("Yes", [], None, ""), 2, "Answer this question."),
        (("Yes", [], 3, 42), 3, "Write your answer as text."),
        (("Yes", [], 3, "x" * 2001), 3, "Keep your answer to 2000 characters."),
    ],
)
def test_an_answer_is_checked_against_its_question(
    client_for, scheme, coordinator, volunteer, values, field, message
) -> None:
    survey = sent(client_for(coordinator), [scheme.pk])
    response = answer(client_for(volunteer), survey, *values)
    assert response.status_code == 400
    assert response.json() == {f"answers.{ids(survey)[field]}": [message]}
    assert SurveyAnswer.objects.count() == 0


def test_an_answer_to_no_such_question_is_refused(
    client_for, scheme, coordinator, volunteer
) -> None:
    survey = sent(client_for(coordinator), [scheme.pk])
    body = answers(survey, "Yes", [], 3, "")
    body["answers"]["999999"] = "Hello"
    response = client_for(volunteer).post(f"{SURVEYS}{survey['id']}/answer/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"answers.999999": ["The survey has no such question."]}


def test_a_closed_survey_takes_no_answers(client_for, scheme, coordinator, volunteer) -> None:
    survey = sent(client_for(coordinator), [scheme.pk])
    closed = client_for(coordinator).post(f"{SURVEYS}{survey['id']}/close/")
    assert closed.status_code == 200
    assert (closed.json()["status"], closed.json()["open"]) == ("closed", False)
    response = answer(client_for(volunteer), survey, "Yes", [], 3, "")
    assert response.status_code == 400
    assert response.json() == {"status": ["This survey is closed: it takes no more answers."]}
    assert SurveyAnswer.objects.count() == 0


def test_a_survey_past_its_closing_date_takes_no_answers(
    client_for, scheme, coordinator, volunteer
) -> None:
    closes = (timezone.now() + timedelta(hours=1)).isoformat()
    survey = sent(client_for(coordinator), [scheme.pk], closes_at=closes)
    Survey.objects.filter(pk=survey["id"]).update(closes_at=timezone.now() - timedelta(minutes=1))
    response = answer(client_for(volunteer), survey, "Yes", [], 3, "")
    assert response.status_code == 400
    assert response.json() == {"status": ["This survey is closed: it takes no more answers."]}


# --- Who is refused --------------------------------------------------------------------------


def test_another_schemes_member_can_neither_see_nor_answer(
    client_for, scheme, coordinator, outsider
) -> None:
    survey = sent(client_for(coordinator), [scheme.pk])
    client = client_for(outsider)
    assert client.get(SURVEYS).json()["count"] == 0
    assert client.get(f"{SURVEYS}{survey['id']}/").status_code == 404
    assert answer(client, survey, "Yes", [], 3, "").status_code == 404
    assert client.get(f"{SURVEYS}{survey['id']}/results/").status_code == 404
    assert SurveyAnswer.objects.count() == 0


def test_a_volunteer_may_not_read_results_close_or_export(
    client_for, scheme, coordinator, volunteer
) -> None:
    survey = sent(client_for(coordinator), [scheme.pk])
    client = client_for(volunteer)
    refused = {"detail": "Only those who sent the survey read its results."}
    assert client.get(f"{SURVEYS}{survey['id']}/results/").json() == refused
    export = client.get(f"{SURVEYS}{survey['id']}/results/export/")
    assert export.status_code == 403
    assert export.json() == refused
    close = client.post(f"{SURVEYS}{survey['id']}/close/")
    assert close.status_code == 403
    assert Survey.objects.get().status == "sent"


def test_anonymous_is_refused_every_survey_route(anon, client_for, scheme, coordinator) -> None:
    survey = sent(client_for(coordinator), [scheme.pk])
    base = f"{SURVEYS}{survey['id']}/"
    for method, url in [
        ("get", base),
        ("post", f"{base}answer/"),
        ("post", f"{base}send/"),
        ("post", f"{base}close/"),
        ("get", f"{base}results/"),
        ("get", f"{base}results/export/"),
    ]:
        assert getattr(anon, method)(url).status_code == 401, url


def test_a_liaison_of_the_force_reads_the_results_of_a_coordinators_survey(
    client_for, scheme, coordinator, liaison, foreign_liaison
) -> None:
    survey = sent(client_for(coordinator), [scheme.pk])
    assert client_for(liaison).get(f"{SURVEYS}{survey['id']}/results/").status_code == 200
    assert client_for(foreign_liaison).get(f"{SURVEYS}{survey['id']}/").status_code == 404


# --- Results, anonymity and the CSV ------------------------------------------------------------


def _members_answer(scheme, survey: dict[str, Any], client_for) -> None:
    given = [
        ("Ann Zephyr", ("Yes", ["Burglary"], 2, "zebra crossing needed")),
        ("Bob Young", ("No", ["Speeding", "Burglary"], 5, "Apples stolen")),
        ("Cat Xu", ("No", [], 4, "")),
    ]
    for name, values in given:
        member = MembershipFactory(scheme=scheme, user__name=name).user
        response = answer(client_for(member), survey, *values)
        assert response.status_code == 200, response.json()


def _csv(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_anonymous_results_carry_no_member(client_for, scheme, coordinator) -> None:
    survey = sent(client_for(coordinator), [scheme.pk])
    _members_answer(scheme, survey, client_for)
    client = client_for(coordinator)
    results = client.get(f"{SURVEYS}{survey['id']}/results/").json()
    q1, q2, q3, q4 = ids(survey)
    assert results == {
        "survey": survey["id"],
        "anonymous": True,
        "answers": 3,
        "questions": [
            {
                "question": int(q1),
                "position": 1,
                "kind": "single",
                "text": "Have you been burgled in the last year?",
                "answered": 3,
                "choices": [{"choice": "Yes", "count": 1}, {"choice": "No", "count": 2}],
                "ratings": [],
                "mean": None,
                "texts": [],
            },
            {
                "question": int(q2),
                "position": 2,
                "kind": "multiple",
                "text": "What worries you?",
                "answered": 2,
                "choices": [
                    {"choice": "Speeding", "count": 1},
                    {"choice": "Burglary", "count": 2},
                    {"choice": "Fly-tipping", "count": 0},
                ],
                "ratings": [],
                "mean": None,
                "texts": [],
            },
            {
                "question": int(q3),
                "position": 3,
                "kind": "rating",
                "text": "How safe do you feel at night?",
                "answered": 3,
                "choices": [],
                "ratings": [
                    {"rating": 1, "count": 0},
                    {"rating": 2, "count": 1},
                    {"rating": 3, "count": 0},
                    {"rating": 4, "count": 1},
                    {"rating": 5, "count": 1},
                ],
                "mean": 3.67,
                "texts": [],
            },
            {
                "question": int(q4),
                "position": 4,
                "kind": "text",
                "text": "Anything else?",
                "answered": 2,
                "choices": [],
                "ratings": [],
                "mean": None,
                # In alphabetical order, not the order they were given.
                "texts": [
                    {"text": "Apples stolen", "member": None},
                    {"text": "zebra crossing needed", "member": None},
                ],
            },
        ],
    }
    rows = _csv(client.get(f"{SURVEYS}{survey['id']}/results/export/"))
    assert rows == [
        [
            "Q1. Have you been burgled in the last year?",
            "Q2. What worries you?",
            "Q3. How safe do you feel at night?",
            "Q4. Anything else?",
        ],
        ["No", "", "4", ""],
        ["No", "Speeding; Burglary", "5", "Apples stolen"],
        ["Yes", "Burglary", "2", "zebra crossing needed"],
    ]
    # Nothing the coordinator reads names, or numbers, who answered.
    for body in (
        client.get(f"{SURVEYS}{survey['id']}/").content.decode(),
        client.get(SURVEYS).content.decode(),
    ):
        for name in ("Ann Zephyr", "Bob Young", "Cat Xu"):
            assert name not in body


def test_results_name_who_answered_when_the_survey_is_not_anonymous(
    client_for, scheme, coordinator
) -> None:
    survey = sent(client_for(coordinator), [scheme.pk], anonymous=False)
    _members_answer(scheme, survey, client_for)
    client = client_for(coordinator)
    results = client.get(f"{SURVEYS}{survey['id']}/results/").json()
    assert results["anonymous"] is False
    assert results["questions"][3]["texts"] == [
        {"text": "zebra crossing needed", "member": "Ann Zephyr"},
        {"text": "Apples stolen", "member": "Bob Young"},
    ]
    rows = _csv(client.get(f"{SURVEYS}{survey['id']}/results/export/"))
    assert [row[:3] for row in rows] == [
        ["member", "email", "Q1. Have you been burgled in the last year?"],
        ["Ann Zephyr", rows[1][1], "Yes"],
        ["Bob Young", rows[2][1], "No"],
        ["Cat Xu", rows[3][1], "No"],
    ]
    assert all("@" in row[1] for row in rows[1:])


def test_the_csv_defuses_formulas(client_for, scheme, coordinator, volunteer) -> None:
    survey = sent(client_for(coordinator), [scheme.pk])
    assert answer(client_for(volunteer), survey, "Yes", [], 3, "=HYPERLINK(1)").status_code == 200
    rows = _csv(client_for(coordinator).get(f"{SURVEYS}{survey['id']}/results/export/"))
    assert rows[1] == ["Yes", "", "3", "'=HYPERLINK(1)"]


def test_the_survey_list_asks_a_fixed_number_of_queries(
    client_for, scheme, coordinator, volunteer
) -> None:
    client = client_for(coordinator)
    sent(client, [scheme.pk])
    member = client_for(volunteer)
    with CaptureQueriesContext(connection) as one:
        assert member.get(SURVEYS).json()["count"] == 1
    for _ in range(4):
        sent(client, [scheme.pk])
    with CaptureQueriesContext(connection) as five:
        assert member.get(SURVEYS).json()["count"] == 5
    assert len(five) == len(one) <= 12


def test_the_list_filters_by_answered(client_for, scheme, coordinator, volunteer) -> None:
    survey = sent(client_for(coordinator), [scheme.pk])
    sent(client_for(coordinator), [scheme.pk], title="Second")
    member = client_for(volunteer)
    answer(member, survey, "Yes", [], 3, "")
    waiting = member.get(SURVEYS, {"answered": "false"}).json()
    assert [s["title"] for s in waiting["results"]] == ["Second"]
    done = member.get(SURVEYS, {"answered": "true"}).json()
    assert [s["id"] for s in done["results"]] == [survey["id"]]
    assert member.get(SURVEYS, {"answered": "maybe"}).status_code == 400


def test_a_coordinator_of_the_scheme_is_a_member_asked_by_a_liaisons_survey(
    client_for, scheme, coordinator, liaison
) -> None:
    survey = sent(client_for(liaison), [scheme.pk])
    detail = client_for(coordinator).get(f"{SURVEYS}{survey['id']}/").json()
    assert detail["actions"] == {"send": False, "close": False, "answer": True, "results": False}


def test_the_author_is_not_asked_their_own_survey(client_for, scheme, coordinator) -> None:
    """Margaret coordinates Mill Road and asks its members; she is not one of those asked."""
    survey = sent(client_for(coordinator), [scheme.pk])
    detail = client_for(coordinator).get(f"{SURVEYS}{survey['id']}/").json()
    assert detail["actions"] == {"send": False, "close": True, "answer": False, "results": True}
    refused = answer(client_for(coordinator), survey, "Yes", [], 4, "")
    assert (refused.status_code, refused.json()) == (
        403,
        {"detail": "You sent this survey: the members of its schemes answer it."},
    )
    assert not SurveyAnswer.objects.exists()


# --- The activity log and the admin ----------------------------------------------------------


def test_sending_and_closing_are_on_the_schemes_activity_log(
    client_for, scheme, coordinator, volunteer, liaison, other_scheme
) -> None:
    survey = sent(client_for(coordinator), [scheme.pk])
    assert answer(client_for(volunteer), survey, "Yes", [], 4, "").status_code == 200
    client_for(coordinator).post(f"{SURVEYS}{survey['id']}/close/")
    log = client_for(coordinator).get("/api/v1/activity/").json()["results"]
    assert [
        (entry["type"], entry["scheme"]["id"], entry["object_type"], entry["object_id"])
        for entry in log[:2]
    ] == [
        ("survey_closed", scheme.pk, "survey", str(survey["id"])),
        ("survey_sent", scheme.pk, "survey", str(survey["id"])),
    ]
    assert [entry["summary"] for entry in log[:2]] == [
        "Margaret Ellis closed a survey after 1 answer: How safe do you feel?",
        "Margaret Ellis sent a survey to the members of 1 scheme: How safe do you feel?",
    ]
    assert log[1]["type_display"] == "Survey sent"
    # Its force's liaison reads it in the scheme's log too; the volunteer has no log.
    liaisons = client_for(liaison).get("/api/v1/activity/?type=survey_sent").json()["results"]
    assert [entry["object_id"] for entry in liaisons] == [str(survey["id"])]
    assert client_for(volunteer).get("/api/v1/activity/?type=survey_sent").status_code == 403


def test_a_liaisons_survey_is_on_the_forces_log_for_its_liaisons_only(
    client_for, scheme, other_scheme, coordinator, liaison, foreign_liaison
) -> None:
    survey = sent(client_for(liaison), [scheme.pk, other_scheme.pk])
    colleague = LiaisonFactory(force="cambridgeshire").user
    log = client_for(colleague).get("/api/v1/activity/?type=survey_sent").json()["results"]
    assert [(entry["scheme"], entry["object_id"]) for entry in log] == [(None, str(survey["id"]))]
    assert log[0]["summary"].endswith(
        "sent a survey to the members of 2 schemes: How safe do you feel?"
    )
    # Not a scheme's event: its coordinators and other forces do not see it.
    for outsider in (coordinator, foreign_liaison):
        assert client_for(outsider).get("/api/v1/activity/?type=survey_sent").json()["count"] == 0


def test_the_log_reads_a_survey_in_welsh_to_a_welsh_reader(client_for, scheme, coordinator) -> None:
    coordinator.language = "cy"
    coordinator.save(update_fields=["language"])
    survey = sent(client_for(coordinator), [scheme.pk])
    client_for(coordinator).post(f"{SURVEYS}{survey['id']}/close/")
    log = client_for(coordinator).get("/api/v1/activity/", HTTP_ACCEPT_LANGUAGE="cy").json()
    assert [entry["summary"] for entry in log["results"][:2]] == [
        "Caeodd Margaret Ellis arolwg ar ôl 0 ateb: How safe do you feel?",
        "Anfonodd Margaret Ellis arolwg at aelodau 1 cynllun: How safe do you feel?",
    ]


def test_staff_read_a_survey_and_its_answer_count_but_not_the_answers(
    client, client_for, scheme, coordinator, volunteer
) -> None:
    from django.urls import reverse

    from tests.factories import UserFactory

    survey = sent(client_for(coordinator), [scheme.pk])
    answer(client_for(volunteer), survey, "Yes", ["Speeding"], 2, "The lorries at night.")
    draft = created(client_for(coordinator), [scheme.pk], title="Street lighting")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    listing = client.get(reverse("admin:surveys_survey_changelist"))
    assert listing.status_code == 200
    rows = {row.title: row.answers_total for row in listing.context["cl"].result_list}
    assert rows == {"How safe do you feel?": 1, "Street lighting": 0}
    page = client.get(reverse("admin:surveys_survey_change", args=[survey["id"]]))
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert b"Have you been burgled in the last year?" in page.content
    assert b"The lorries at night." not in page.content
    # A sent survey is the record of what members were asked; a draft may go.
    sent_delete = reverse("admin:surveys_survey_delete", args=[survey["id"]])
    assert client.post(sent_delete, {"post": "yes"}).status_code == 403
    draft_delete = reverse("admin:surveys_survey_delete", args=[draft["id"]])
    assert client.post(draft_delete, {"post": "yes"}).status_code == 302
    assert list(Survey.objects.values_list("title", flat=True)) == ["How safe do you feel?"]
