"""An offence held back from the letters batch for its vehicle, at 360 px: the liaison sees
why, with what was recorded beside the DVLA's record, and confirms it as recorded, after
which it is in the batch."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import sign_in
from tests.browser.test_accessibility import serious_violations
from watch.models import Action, ActionStatus, Offence
from watch.registrations import display_registration

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

LIAISON = "liaison.cambs@example.org"


def test_a_held_back_offence_is_confirmed_into_the_letters_batch(page: Page) -> None:
    offence = (
        Offence.objects.filter(
            force="cambridgeshire", action_status=ActionStatus.PENDING, submitted=True
        )
        .exclude(action=Action.NONE)
        .order_by("observed_at")
        .first()
    )
    Offence.objects.filter(pk=offence.pk).update(
        make="Vauxhall",
        colour="Red",
        vehicle_check="mismatched",
        registered_make="FORD",
        registered_colour="BLUE",
    )
    plate = display_registration(offence.registration)
    sign_in(page, LIAISON)
    page.goto("/speedwatch/letters")
    held = page.get_by_role("region", name="Held back: check the vehicle")
    card = held.get_by_role("article")
    expect(card).to_have_count(1)
    expect(card).to_contain_text(
        "Held back: the make or colour differs from the DVLA\u2019s record."
    )
    facts = card.locator("dd")
    expect(facts.nth(2)).to_have_text("Vauxhall, Red")
    expect(facts.nth(3)).to_have_text("FORD, BLUE")
    expect(page.get_by_role("status").filter(has_text="9 letters.")).to_be_visible()
    assert serious_violations(page, include="[aria-labelledby='held-heading']") == []

    card.get_by_role("button", name="Confirm as recorded").click()
    expect(held.locator("p.results__count")).to_have_text(
        f"{plate} confirmed as recorded: it is in the letters batch."
    )
    expect(held.get_by_role("article")).to_have_count(0)
    expect(page.get_by_role("status").filter(has_text="10 letters.")).to_be_visible()
    offence.refresh_from_db()
    assert offence.vehicle_check == "confirmed"
