"""A volunteer answers a survey on a phone (360 px): from the inbox to the survey, its four
kinds of question, and their answers stored once."""

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from schemes.models import Scheme
from surveys.models import SurveyAnswer
from surveys.services import survey_create, survey_send
from tests.browser.pages import menu, sign_in, sign_out, status_message
from tests.browser.test_accessibility import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

MARGARET = "margaret@example.org"  # coordinator of Mill Road
VOLUNTEER = "volunteer@example.org"  # a Mill Road volunteer
MILL_ROAD = "Mill Road Neighbourhood Watch"
TITLE = "Street lighting on Mill Road"


@pytest.fixture(autouse=True)
def _requests_settled(page: Page):
    yield
    page.wait_for_load_state("networkidle")


def _sent_survey() -> int:
    margaret = User.objects.get(email=MARGARET)
    survey = survey_create(
        author=margaret,
        data={
            "title": TITLE,
            "intro": "The council asks where the lights are out.",
            "schemes": [Scheme.objects.get(name=MILL_ROAD).pk],
            "questions": [
                {
                    "kind": "single",
                    "text": "Is your street well lit?",
                    "choices": ["Yes", "No"],
                    "required": True,
                },
                {
                    "kind": "multiple",
                    "text": "Which roads are dark?",
                    "choices": ["Mill Road", "Ross Street", "Sedgwick Street"],
                },
                {"kind": "rating", "text": "How safe do you feel at night?", "required": True},
                {"kind": "text", "text": "Anything else?"},
            ],
        },
    )
    survey_send(survey=survey, actor=margaret)
    return survey.pk


def test_a_volunteer_answers_a_survey_on_a_phone(page: Page) -> None:
    survey_id = _sent_survey()
    sign_in(page, VOLUNTEER)
    menu(page).get_by_role("link", name="Alerts").click()
    waiting = page.get_by_role("region", name="Surveys waiting for your answer")
    waiting.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text("Answers are anonymous")).to_be_visible()

    # Sent without the required rating: the question says so, and nothing is stored.
    page.get_by_role("group", name="Is your street well lit? (required)").get_by_label("No").check()
    page.get_by_role("button", name="Send my answers").click()
    rating = page.get_by_role("group", name="How safe do you feel at night? (required)")
    expect(rating).to_contain_text("Answer this question.")
    assert not SurveyAnswer.objects.filter(survey_id=survey_id).exists()

    rating.get_by_label("2", exact=True).check()
    dark = page.get_by_role("group", name="Which roads are dark?")
    dark.get_by_label("Ross Street").check()
    dark.get_by_label("Mill Road").check()
    page.get_by_label("Anything else?").fill("The light by the bus stop flickers.")
    page.get_by_role("button", name="Send my answers").click()
    expect(status_message(page, "Thank you: your answers were saved")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert serious_violations(page) == []

    answer = SurveyAnswer.objects.get(survey_id=survey_id)
    questions = {q.text: str(q.pk) for q in answer.survey.questions.all()}
    assert answer.survey_id == survey_id
    assert answer.member.email == VOLUNTEER
    assert answer.values == {
        questions["Is your street well lit?"]: "No",
        questions["Which roads are dark?"]: ["Mill Road", "Ross Street"],
        questions["How safe do you feel at night?"]: 2,
        questions["Anything else?"]: "The light by the bus stop flickers.",
    }

    # The coordinator who sent it reads the results: bars with their numbers, no names.
    sign_out(page)
    sign_in(page, MARGARET)
    page.goto(f"/surveys/{survey_id}/results")
    expect(page.get_by_role("heading", level=1)).to_have_text("Results")
    expect(page.get_by_text("1 answer so far.")).to_be_visible()
    lit = page.get_by_role("list", name="1. Is your street well lit?")
    expect(lit.get_by_role("listitem")).to_have_text(["Yes0 (0%)", "No1 (100%)"])
    expect(page.get_by_text("Mean rating: 2 out of 5")).to_be_visible()
    expect(page.get_by_text("The light by the bus stop flickers.")).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text("Alex Morgan")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert serious_violations(page) == []

    # Her survey's own page lists what she asked; she is not asked to answer it.
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("heading", name="Questions")).to_be_visible()
    expect(page.get_by_role("main").get_by_role("listitem").first).to_contain_text(
        "Is your street well lit? (One choice, required)"
    )
    expect(page.get_by_role("button", name="Send my answers")).to_have_count(0)
