"""An alert in Welsh and English at 360 px: a liaison writes one in English with its Welsh
beside it, a Welsh-speaking member reads it in Welsh (the inbox card and the alert's page) and
switches to the English; and the compose screen speaks nothing but Welsh when the app does,
its own checks included, with nothing wider than the phone.

The alert's `language` and `translation` are the API's (GET alerts/<id>/), so the first test
needs a server that stores them."""

# The Welsh the app shows keeps its typographic apostrophe, as a Welsh reader sees it.
# ruff: noqa: RUF001

import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from accounts.models import User
from notifications.models import Alert, Notice
from tests.browser.pages import DEMO_PASSWORD, card, sign_in, sign_out, status_message, tap_map

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

LIAISON = "liaison.cambs@example.org"
VOLUNTEER = "volunteer@example.org"  # a Mill Road volunteer who has alerts of every kind

TITLE = "Catalytic converter thefts overnight"
BODY = "Three cars on Mill Road lost their catalytic converters last night."
INSTRUCTION = "Park in a garage or a lit place, and report anyone jacking up a car to 999."
WELSH_TITLE = "Dwyn trawsnewidyddion catalytig dros nos"
WELSH_BODY = "Collodd tri char ar Mill Road eu trawsnewidyddion catalytig neithiwr."
WELSH_INSTRUCTION = (
    "Parciwch mewn garej neu le wedi’i oleuo, a rhowch wybod i 999 am unrhyw un sy’n "
    "codi car ar jac."
)

# The map opened on Cambridge, and a polygon round Mill Road and Chesterton (as in
# test_alerts.py), which reaches the volunteer.
CAMBRIDGE = (52.2095, 0.1385, 12)
AROUND_BOTH = [(52.231, 0.115), (52.231, 0.162), (52.188, 0.162), (52.188, 0.115)]

# Words of the English compose screen that its Welsh must not keep (its proper nouns, the
# force's name and "Polygon", are the same in both).
ENGLISH_WORDS = [
    "Title",
    "Message",
    "Category",
    "Severity",
    "Urgency",
    "Instructions",
    "Publish",
    "Save draft",
    "Who it reaches",
    "Circle",
    "Radius",
    "Use my location",
    "Find a place",
    "Expires",
    "optional",
    "Add the text",
    "Written in",
    "Draw the area",
]

SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "test-results" / "bilingual-alerts"


@pytest.fixture(autouse=True)
def _requests_settled(page: Page):
    yield
    page.wait_for_load_state("networkidle")


def _fits_the_phone(page: Page, name: str) -> None:
    """Nothing wider than the 360 px screen (Welsh words are longer), and a picture of it."""
    page.wait_for_load_state("networkidle")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{name}: the page is {width} px wide"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _sign_in_in_welsh(page: Page, email: str) -> None:
    """Signs in someone whose own language is Welsh: the app turns to it as they do."""
    page.goto("/signin")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(status_message(page, "Rydych wedi mewngofnodi fel")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "cy")


def _english_left(main: Locator) -> list[str]:
    text = main.inner_text()
    return [word for word in ENGLISH_WORDS if re.search(rf"\b{re.escape(word)}\b", text)]


def _publish_in_both_languages(page: Page) -> Alert:
    """The liaison writes the alert in English with its Welsh, and publishes it."""
    sign_in(page, LIAISON)
    page.goto("/alerts/new?lat={}&lon={}&zoom={}".format(*CAMBRIDGE))
    expect(page.get_by_role("heading", level=1)).to_have_text("New alert")
    page.get_by_label("Polygon", exact=True).check()
    drawing = page.get_by_role("region", name="Map: tap to add a corner of the alert area")
    for lat, lon in AROUND_BOTH:
        tap_map(page, drawing, CAMBRIDGE, lat, lon)
    page.get_by_role("button", name="Close the shape").click()
    expect(page.locator("#area-drawer-status")).to_have_text("Polygon with 4 corners, closed.")

    # Written in the sender's language; the Welsh is offered, closed (Cambridgeshire is in
    # England).
    written_in = page.get_by_role("group", name="Written in")
    expect(written_in.get_by_role("radio", name="English")).to_be_checked()
    page.get_by_label("Title", exact=True).fill(TITLE)
    expect(page.get_by_label("Title", exact=True)).to_have_attribute("lang", "en-GB")
    page.get_by_label("Message", exact=True).fill(BODY)
    page.get_by_label("Category", exact=True).select_option(label="Vehicle crime")
    page.get_by_label("Instructions", exact=True).fill(INSTRUCTION)
    page.get_by_role("radio", name=re.compile("^Moderate")).check()
    page.get_by_role("radio", name=re.compile("^Expected")).check()
    add_welsh = page.get_by_label("Add the text in Welsh as well")
    expect(add_welsh).not_to_be_checked()
    expect(page.get_by_label("Title in Welsh")).to_have_count(0)

    # Ticked, the Welsh needs its title and message, as the English does.
    add_welsh.check()
    welsh_title = page.get_by_label("Title in Welsh", exact=True)
    expect(welsh_title).to_have_attribute("lang", "cy")
    expect(welsh_title).to_have_attribute("maxlength", "120")
    # Its instructions start as the category's usual advice, in Welsh.
    guidance = page.request.get("/api/v1/alerts/guidance/", headers={"Accept-Language": "cy"})
    usual_in_welsh = guidance.json()["categories"]["vehicle_crime"]["instruction"]
    expect(page.get_by_label("Instructions in Welsh", exact=True)).to_have_value(usual_in_welsh)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Give the title in Welsh too, or untick the Welsh.")).to_be_visible()
    expect(page.get_by_text("Give the message in Welsh too, or untick the Welsh.")).to_be_visible()
    expect(welsh_title).to_be_focused()
    assert not Alert.objects.filter(title=TITLE).exists()
    welsh_title.fill(WELSH_TITLE)
    expect(page.get_by_text("Give the title in Welsh too")).to_have_count(0)
    page.get_by_label("Message in Welsh", exact=True).fill(WELSH_BODY)
    page.get_by_label("Instructions in Welsh", exact=True).fill(WELSH_INSTRUCTION)
    _fits_the_phone(page, "compose-both-languages")

    page.get_by_role("button", name="Publish", exact=True).click()
    page.get_by_role("button", name="Publish now").click()
    expect(status_message(page, "Alert published.")).to_be_visible()
    # The sender reads it in their own language, with the Welsh a tap away.
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("button", name="Read in Welsh")).to_be_visible()

    return Alert.objects.get(title=TITLE)


def test_a_welsh_member_reads_in_welsh_the_alert_a_liaison_wrote_in_both(page: Page) -> None:
    User.objects.filter(email=VOLUNTEER).update(language="cy")
    alert = _publish_in_both_languages(page)
    stored = page.request.get(f"/api/v1/alerts/{alert.pk}/").json()
    assert (stored["language"], stored["translation"]) == (
        "en",
        {"title": WELSH_TITLE, "body": WELSH_BODY, "instruction": WELSH_INSTRUCTION},
    )
    assert Notice.objects.filter(alert=alert, recipient__email=VOLUNTEER, channel="in_app").exists()
    sign_out(page)

    # The volunteer reads Patchwatch in Welsh: the alert comes in Welsh.
    _sign_in_in_welsh(page, VOLUNTEER)
    page.goto("/alerts")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rhybuddion")
    notice = card(page, WELSH_TITLE)
    expect(notice.get_by_role("link", name=WELSH_TITLE)).to_have_attribute("lang", "cy")
    expect(notice.locator(".notice-card__body")).to_have_text(WELSH_BODY)
    expect(notice).not_to_contain_text(TITLE)
    # Each card has its own switch, said in the words it sits under.
    to_english = notice.get_by_role("button", name="Darllen yn Saesneg")
    expect(to_english).to_have_attribute("lang", "cy")
    to_english.click()
    english_card = card(page, TITLE)
    expect(english_card.get_by_role("link", name=TITLE)).to_have_attribute("lang", "en-GB")
    expect(english_card.locator(".notice-card__body")).to_have_text(BODY)
    expect(english_card.get_by_role("button", name="Read in Welsh")).to_have_attribute(
        "lang", "en-GB"
    )
    _fits_the_phone(page, "inbox-switched-to-english")
    english_card.get_by_role("button", name="Read in Welsh").click()
    card(page, WELSH_TITLE).get_by_role("link", name=WELSH_TITLE).click()

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(WELSH_TITLE)
    expect(heading).to_have_attribute("lang", "cy")
    body = page.locator(".thread__body")
    expect(body).to_have_text(WELSH_BODY)
    expect(body).to_have_attribute("lang", "cy")
    advice = page.get_by_role("region", name="Beth i’w wneud")
    expect(advice.locator("[lang]")).to_have_text(WELSH_INSTRUCTION)
    _fits_the_phone(page, "alert-in-welsh")

    page.get_by_role("button", name="Darllen yn Saesneg").click()
    expect(heading).to_have_text(TITLE)
    expect(heading).to_have_attribute("lang", "en-GB")
    expect(body).to_have_text(BODY)
    expect(body).to_have_attribute("lang", "en-GB")
    expect(advice.locator("[lang]")).to_have_text(INSTRUCTION)
    # The page around the alert's words stays in Welsh.
    expect(page.get_by_role("heading", name="Ateb yr anfonwr")).to_be_visible()
    switch_back = page.get_by_role("button", name="Read in Welsh")
    expect(switch_back).to_have_attribute("lang", "en-GB")
    _fits_the_phone(page, "alert-switched-to-english")
    switch_back.click()
    expect(heading).to_have_text(WELSH_TITLE)


def test_the_compose_screen_is_all_welsh_when_the_app_is(page: Page) -> None:
    sign_in(page, LIAISON)
    with page.expect_response(lambda answer: answer.request.method == "PATCH"):
        page.get_by_role("button", name="Cymraeg").click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    page.goto("/alerts/new?lat={}&lon={}&zoom={}".format(*CAMBRIDGE))
    expect(page.get_by_role("heading", level=1)).to_have_text("Rhybudd newydd")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Tynnwch yr ardal i weld pwy fydd y rhybudd hwn yn eu cyrraedd.")
    # A Welsh speaker writes in Welsh first, and is offered the English.
    expect(
        page.get_by_role("group", name="Wedi’i ysgrifennu yn").get_by_role("radio", name="Cymraeg")
    ).to_be_checked()
    expect(page.get_by_label("Teitl", exact=True)).to_have_attribute("lang", "cy")
    page.get_by_label("Ychwanegu’r testun yn Saesneg hefyd").check()
    expect(page.get_by_label("Teitl yn Saesneg", exact=True)).to_have_attribute("lang", "en-GB")
    assert _english_left(main) == []
    _fits_the_phone(page, "compose-in-welsh")

    # Its own checks speak Welsh too.
    page.get_by_role("button", name="Cadw’r drafft").click()
    expect(main).to_contain_text("Dewiswch ganol yr ardal: tapiwch y map.")
    expect(main).to_contain_text("Rhowch deitl i’r rhybudd.")
    expect(main).to_contain_text("Rhowch y teitl yn Saesneg hefyd, neu dad-diciwch y Saesneg.")
    expect(main).to_contain_text("Dewiswch pa mor ddifrifol ydyw.")
    assert _english_left(main) == []
    _fits_the_phone(page, "compose-in-welsh-with-errors")

    # Drawing a polygon and finding the reach: still Welsh.
    page.get_by_label("Polygon", exact=True).check()
    drawing = page.get_by_role("region", name="Map: tapiwch i ychwanegu cornel at ardal y rhybudd")
    for lat, lon in AROUND_BOTH[:2]:
        tap_map(page, drawing, CAMBRIDGE, lat, lon)
    expect(page.locator("#area-drawer-status")).to_contain_text("Ychwanegwch o leiaf 1 arall.")
    tap_map(page, drawing, CAMBRIDGE, *AROUND_BOTH[2])
    page.get_by_role("button", name="Cau’r siâp").click()
    expect(page.locator("#area-drawer-status")).to_have_text("Polygon â 3 cornel, wedi’i gau.")
    reach = page.get_by_role("region", name="Pwy mae’n eu cyrraedd")
    expect(reach).to_contain_text("Bydd y rhybudd hwn yn cyrraedd")
    assert _english_left(main) == []
    _fits_the_phone(page, "compose-in-welsh-drawn")


def test_an_update_and_a_cancellation_carry_their_welsh(page: Page) -> None:
    alert = _publish_in_both_languages(page)
    page.get_by_role("button", name="Update", exact=True).click()
    form = page.get_by_role("form", name="Update this alert")
    # The update starts as the alert, in both its languages.
    expect(form.get_by_role("radio", name="English")).to_be_checked()
    expect(form.get_by_label("Add the text in Welsh as well")).to_be_checked()
    expect(form.get_by_label("Title in Welsh", exact=True)).to_have_value(WELSH_TITLE)
    expect(form.get_by_label("Message in Welsh", exact=True)).to_have_value(WELSH_BODY)
    form.get_by_label("Message", exact=True).fill("Two more cars lost theirs on Mill Road.")
    form.get_by_label("Message in Welsh", exact=True).fill("Collodd dau gar arall eu rhai nhw.")
    # Emptied, the Welsh message is missed, as the English would be.
    form.get_by_label("Message in Welsh", exact=True).fill("")
    form.get_by_role("button", name="Publish update").click()
    expect(form.get_by_text("Give the message in Welsh too, or untick the Welsh.")).to_be_visible()
    form.get_by_label("Message in Welsh", exact=True).fill("Collodd dau gar arall eu rhai nhw.")
    form.get_by_role("button", name="Publish update").click()
    expect(status_message(page, "Update published to everyone who had the alert.")).to_be_visible()

    thread = page.request.get(f"/api/v1/alerts/{alert.pk}/thread/").json()
    update = thread["messages"][0]
    assert (update["message_type"], update["language"], update["translation"]) == (
        "Update",
        "en",
        {
            "title": WELSH_TITLE,
            "body": "Collodd dau gar arall eu rhai nhw.",
            "instruction": WELSH_INSTRUCTION,
        },
    )

    # The cancellation's reason in Welsh, under the alert's Welsh title.
    page.get_by_role("button", name="Cancel alert").click()
    form = page.get_by_role("form", name="Cancel this alert")
    form.get_by_label("Reason", exact=True).fill("The thieves have been caught.")
    form.get_by_label("Add the text in Welsh as well").check()
    expect(form.get_by_label("Title in Welsh")).to_have_count(0)
    form.get_by_label("Reason in Welsh", exact=True).fill("Mae’r lladron wedi’u dal.")
    form.get_by_role("button", name="Cancel the alert").click()
    expect(status_message(page, "Alert cancelled.")).to_be_visible()
    thread = page.request.get(f"/api/v1/alerts/{alert.pk}/thread/").json()
    cancellation = thread["messages"][0]
    assert (cancellation["message_type"], cancellation["body"]) == (
        "Cancel",
        "The thieves have been caught.",
    )
    assert cancellation["translation"]["body"] == "Mae’r lladron wedi’u dal."
    assert cancellation["translation"]["title"] == WELSH_TITLE
