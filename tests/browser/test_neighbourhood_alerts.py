"""A liaison sends an alert to a policing neighbourhood of the demo's sample set, at 360 px:
the schemes in it are those it reaches."""

import re

import pytest
from playwright.sync_api import Page, expect

from notifications.models import Alert
from tests.browser.pages import sign_in, status_message

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

LIAISON = "liaison.cambs@example.org"
TITLE = "Catalytic converter thefts in Cambridge East"


@pytest.fixture(autouse=True)
def _requests_settled(page: Page):
    """Let the screen's last requests finish before the database is emptied."""
    yield
    page.wait_for_load_state("networkidle")


def test_a_liaison_sends_an_alert_to_a_neighbourhood(page: Page) -> None:
    sign_in(page, LIAISON)
    page.goto("/alerts/new")
    expect(page.get_by_role("heading", level=1)).to_have_text("New alert")
    choice = page.get_by_role("group", name="Send to neighbourhoods")
    drawn = page.locator("#area-drawer-status")
    expect(drawn).to_be_visible()
    choice.get_by_label("Cambridge East", exact=True).check()
    expect(choice.get_by_role("status")).to_have_text(
        "1 neighbourhood chosen. The alert goes to the schemes in it; untick it to draw an "
        "area on the map instead."
    )
    # The drawn area is not used, so the map is not offered; unticking brings it back.
    expect(drawn).to_have_count(0)
    choice.get_by_label("Cambridge East", exact=True).uncheck()
    expect(drawn).to_be_visible()
    choice.get_by_label("Cambridge East", exact=True).check()
    expect(drawn).to_have_count(0)
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Message", exact=True).fill(
        "Three cars hit overnight on Mill Road and in Romsey. Park in a garage or a lit street."
    )
    page.get_by_label("Category", exact=True).select_option(label="Vehicle crime")
    page.get_by_role("radio", name=re.compile("^Moderate")).check()
    page.get_by_role("radio", name=re.compile("^Expected")).check()
    reach = page.get_by_role("region", name="Who it reaches")
    for name in ("Mill Road Neighbourhood Watch", "Chesterton Neighbourhood Watch"):
        expect(reach.get_by_role("listitem").filter(has_text=name)).to_have_count(1)
    page.get_by_role("button", name="Publish", exact=True).click()
    page.get_by_role("button", name="Publish now").click()
    expect(status_message(page, "Alert published.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    alert = Alert.objects.get(title=TITLE)
    assert alert.area_name == "Cambridge East"
    assert sorted(alert.matched_schemes.values_list("name", flat=True)) == [
        "Chesterton Neighbourhood Watch",
        "Mill Road Neighbourhood Watch",
    ]
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
