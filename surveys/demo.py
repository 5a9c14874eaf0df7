"""Surveys for the demo: the force's rural crime survey, sent by its liaison to Fenland Farm
Watch and South Cambs Rural Watch, where two members have answered; and Margaret's
survey of Mill Road about street lighting, sent and not yet answered, so that the volunteer
finds one waiting. Called by ``load_demo``; adds nothing when the demo already has surveys."""

from accounts.models import User
from schemes.models import Scheme
from surveys.models import Survey
from surveys.services import survey_answer, survey_create, survey_send

RURAL_QUESTIONS = [
    {
        "kind": "single",
        "text": "Has crime affected you, your land or your home in the last year?",
        "choices": ["Yes", "No", "I'd rather not say"],
        "required": True,
    },
    {
        "kind": "multiple",
        "text": "Which of these worry you most?",
        "choices": [
            "Speeding through the village",
            "Hare coursing",
            "Machinery or fuel theft",
            "Fly-tipping",
        ],
    },
    {"kind": "rating", "text": "How safe do you feel where you live?", "required": True},
    {"kind": "text", "text": "What one thing should the police do more of?"},
]

# Each member's answers, in the order of the questions.
RURAL_ANSWERS = {
    "rachel@example.org": [
        "No",
        ["Speeding through the village", "Hare coursing"],
        4,
        "Stop the vans that drive the droves at night.",
    ],
    "lucy@example.org": [
        "Yes",
        ["Machinery or fuel theft", "Fly-tipping", "Hare coursing"],
        2,
        "Patrol the droves after dark in the winter.",
    ],
}

MILL_ROAD_QUESTIONS = [
    {
        "kind": "single",
        "text": "Are the streets around you well lit after dark?",
        "choices": ["Yes", "Mostly", "No"],
        "required": True,
    },
    {"kind": "rating", "text": "How safe do you feel walking home at night?", "required": True},
    {"kind": "text", "text": "Which streets or alleys need better lighting?"},
]


def load(people: dict[str, User]) -> None:
    if Survey.objects.exists():
        return
    liaison = people["liaison.cambs@example.org"]
    rural = survey_create(
        author=liaison,
        data={
            "title": "Rural crime survey 2026",
            "intro": "Four questions, two minutes. Your answers shape "
            "next year's rural crime plan for South Cambridgeshire and the Fens.",
            "schemes": list(
                Scheme.objects.filter(
                    name__in=["Fenland Farm Watch", "South Cambs Rural Watch"]
                ).values_list("pk", flat=True)
            ),
            "questions": RURAL_QUESTIONS,
        },
    )
    survey_send(survey=rural, actor=liaison)
    question_ids = [str(pk) for pk in rural.questions.values_list("pk", flat=True)]
    for email, values in RURAL_ANSWERS.items():
        survey_answer(
            survey=rural,
            member=people[email],
            answers=dict(zip(question_ids, values, strict=True)),
        )

    margaret = people["margaret@example.org"]
    lighting = survey_create(
        author=margaret,
        data={
            "title": "Street lighting around Mill Road",
            "intro": "The council is asking where lighting should be improved. Tell us and we "
            "will send them the results.",
            "schemes": [Scheme.objects.get(name="Mill Road Neighbourhood Watch").pk],
            "questions": MILL_ROAD_QUESTIONS,
        },
    )
    survey_send(survey=lighting, actor=margaret)
