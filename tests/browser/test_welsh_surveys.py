"""A police liaison and a volunteer who chose Welsh, at 360 px: the alert templates, which
alerts need a second liaison's approval, the alerts awaiting it, the policing
neighbourhoods, composing from a template with neighbourhoods ticked, and the surveys (the
liaison's results, the volunteer answering). Every screen says it in Welsh, no English of the
app's own is left on it, nothing is wider than the phone, and a picture of each is kept."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from schemes.models import Scheme
from surveys.models import Survey, SurveyAnswer
from tests.browser.pages import DEMO_PASSWORD, tab_label_problems

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

LIAISON = "liaison.cambs@example.org"
VOLUNTEER = "volunteer@example.org"
RURAL = "Rural crime survey 2026"
LIGHTING = "Street lighting around Mill Road"

SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "test-results" / "welsh-surveys"

# The app's own English words on these screens. The demo's content (survey questions and
# answers, template names, neighbourhood and scheme names) is written in English and stays so.
ENGLISH = re.compile(
    r"\b(Templates?|Approval|Approve|Send back|Awaiting|Neighbourhoods?|Surveys?|Questions?|"
    r"Answers?|Results|Download|Upload|Rating|Choose|Loading|Add|Delete|Edit|Save|Send|"
    r"Recipients|Severity|Category|Mean|people|answered|anonymous|Required|Title|Message)\b"
)
CONTENT = (
    RURAL,
    LIGHTING,
    "Bogus callers",
    "Hare coursing",
)


@pytest.fixture(autouse=True)
def _requests_settled(page: Page):
    yield
    page.wait_for_load_state("networkidle")


def _sign_in_in_welsh(page: Page, email: str) -> None:
    User.objects.filter(email=email).update(language="cy")
    page.goto("/")
    page.get_by_role("button", name="Cymraeg").click()
    page.goto("/signin")
    page.get_by_label("E-bost", exact=True).fill(email)
    page.get_by_label("Cyfrinair", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Mewngofnodi", exact=True).click()
    expect(
        page.get_by_role("status").filter(has_text="Rydych wedi mewngofnodi fel")
    ).to_be_visible()


def _all_welsh(page: Page, name: str, content: tuple[str, ...] = ()) -> None:
    """No English of the app's own in the main part, the tabs fit, nothing is wider than the
    phone, and a picture is kept."""
    page.wait_for_load_state("networkidle")
    expect(page.locator("main .loading")).to_have_count(0)
    text = page.locator("main").inner_text()
    schemes = tuple(Scheme.objects.values_list("name", flat=True))
    for line in text.splitlines():
        for words in (*CONTENT, *schemes, *content):
            line = line.replace(words, "")
        leftover = ENGLISH.search(line)
        assert leftover is None, f"{name}: English left in {line!r}"
    assert tab_label_problems(page) == [], name
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{name}: the page is {width} px wide"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_a_liaison_keeps_templates_approval_neighbourhoods_and_surveys_in_welsh(
    page: Page,
) -> None:
    _sign_in_in_welsh(page, LIAISON)

    page.goto("/alerts/templates")
    expect(page.get_by_role("heading", level=1)).to_have_text("Templedi rhybuddion")
    expect(page.get_by_role("button", name="Ychwanegu templed")).to_be_visible()
    _all_welsh(page, "templates", ("Bogus callers in {place}", "Hare coursing near {place}"))

    page.goto("/alerts/approval-settings")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Pa rybuddion sydd angen eu cymeradwyo"
    )
    _all_welsh(page, "approval-settings")

    page.goto("/alerts/approvals")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rhybuddion yn aros am gymeradwyaeth")
    _all_welsh(page, "approvals")

    page.goto("/neighbourhoods")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cymdogaethau plismona")
    expect(page.get_by_text("South and West Cambridgeshire")).to_be_visible()
    _all_welsh(page, "neighbourhoods")

    # Composing from a template, sent to a neighbourhood: the map gives way to the choice.
    page.goto("/alerts/new")
    expect(page.get_by_role("heading", name="Dechrau o dempled")).to_be_visible()
    choice = page.get_by_role("group", name="Anfon i gymdogaethau")
    choice.get_by_label("Cambridge East", exact=True).check()
    expect(choice.get_by_role("status")).to_contain_text("Dewiswyd 1 gymdogaeth.")
    expect(page.locator("#area-drawer-status")).to_have_count(0)
    _all_welsh(page, "compose-neighbourhood")

    # Surveys are behind "Dewislen" (Menu) in the bar at the foot of the phone's screen.
    nav = page.get_by_role("navigation", name="Prif ddewislen")
    nav.get_by_role("button", name="Dewislen", exact=True).click()
    nav.get_by_role("link", name="Arolygon").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Arolygon")
    expect(page.get_by_role("link", name=RURAL)).to_be_visible()
    _all_welsh(page, "surveys")

    rural = Survey.objects.get(title=RURAL)
    page.goto(f"/surveys/{rural.pk}/results")
    expect(page.get_by_role("heading", level=1)).to_have_text("Canlyniadau")
    expect(page.get_by_text("2 ateb hyd yma.")).to_be_visible()
    _all_welsh(
        page,
        "survey-results",
        (
            *(question["text"] for question in rural.questions.values("text")),
            *("Yes", "No", "I'd rather not say", "Speeding through the village"),
            *("Hare coursing", "Machinery or fuel theft", "Fly-tipping"),
            "Stop the vans that drive the droves at night.",
            "Patrol the droves after dark in the winter.",
        ),
    )


def test_a_volunteer_answers_a_survey_in_welsh(page: Page) -> None:
    lighting = Survey.objects.get(title=LIGHTING)
    _sign_in_in_welsh(page, VOLUNTEER)
    page.goto("/alerts")
    waiting = page.get_by_role("region", name="Arolygon yn aros am eich ateb")
    waiting.get_by_role("link", name=LIGHTING).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(LIGHTING)
    questions = tuple(question["text"] for question in lighting.questions.values("text"))
    _all_welsh(page, "survey-answer", questions)
    page.get_by_role("button", name="Anfon fy atebion").click()
    expect(page.get_by_text("Atebwch y cwestiwn hwn.").first).to_be_visible()
    _all_welsh(page, "survey-answer-refused", questions)
    page.get_by_role("group", name=re.compile("^Are the streets around you well lit")).get_by_label(
        "Mostly"
    ).check()
    page.get_by_role(
        "group", name=re.compile("^How safe do you feel walking home at night")
    ).get_by_label("4", exact=True).check()
    page.get_by_role("button", name="Anfon fy atebion").click()
    expect(page.get_by_role("status").filter(has_text="Diolch")).to_be_visible()
    _all_welsh(page, "survey-answered", questions)
    answer = SurveyAnswer.objects.get(survey=lighting)
    assert sorted(map(str, answer.values.values())) == ["4", "Mostly"]
