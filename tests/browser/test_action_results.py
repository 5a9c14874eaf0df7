"""What an action did is said beside it, at 360 px, not only in the banner at the top of the
screen: scrolled down to the action (the banner out of sight), the person sees the result next
to the button or form they used, in a status region that screen readers announce, and, where
the button they pressed has gone, focus is on the result rather than lost."""

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from accounts.models import User
from notifications.models import Notice
from notifications.services import alert_draft, alert_publish
from tests.browser.pages import card, sign_in
from tests.speedwatch import logged_session
from watch.models import Offence, Session, Site

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

LIAISON = "liaison.cambs@example.org"
MARGARET = "margaret@example.org"
VOLUNTEER = "volunteer@example.org"
DAVID = "david@example.org"  # coordinator of Haslingfield Community Speedwatch
SCAM = "Bogus water board callers on Mill Road"
HIGH_STREET = "High Street by the school"
# Near enough to be "beside": a result right under its button is a few pixels away.
BESIDE_PX = 160


def scroll_past_the_banner(page: Page, action: Locator) -> dict[str, float]:
    """Scroll the action up to near the top of the screen, so that the banner at the top of
    the page is out of sight; where the action is on the page (its box, in page pixels).
    Measured once the page has settled: a part still loading above the action (an alert's
    delivery figures, its replies) would move it down when it comes."""
    expect(page.locator(".loading")).to_have_count(0)
    action.evaluate("element => window.scrollBy(0, element.getBoundingClientRect().top - 120)")
    banner_bottom = page.locator(".status-banner").evaluate(
        "element => element.getBoundingClientRect().bottom"
    )
    assert banner_bottom <= 0, "the page is too short to scroll the banner out of sight"
    return page_box(page, action)


def page_box(page: Page, locator: Locator) -> dict[str, float]:
    box = locator.bounding_box()
    assert box is not None
    scroll_y = page.evaluate("window.scrollY")
    return {"top": box["y"] + scroll_y, "bottom": box["y"] + box["height"] + scroll_y}


def said_beside(page: Page, action: dict[str, float] | Locator, text: str) -> Locator:
    """The words, in a status region, whole on the screen (not under the menu bar at its
    foot), within a few lines of the action (a button still there, or where one was); and
    not only in the top banner."""
    result = page.get_by_role("status").filter(has_text=text)
    expect(result).to_have_count(1)
    expect(result).to_be_in_viewport(ratio=1)
    uncovered = result.evaluate(
        """element => {
            const box = element.getBoundingClientRect();
            return [box.top + 2, box.bottom - 2].every(y => {
                const found = document.elementFromPoint(box.left + 8, y);
                return found !== null && element.contains(found);
            });
        }"""
    )
    assert uncovered, f"{text!r} is under something else"
    box = page_box(page, result)
    if isinstance(action, Locator):
        action = page_box(page, action)
    gap = max(0, box["top"] - action["bottom"], action["top"] - box["bottom"])
    assert gap <= BESIDE_PX, f"{text!r} is {gap} px from its action"
    expect(page.locator(".status-banner")).not_to_contain_text(text)
    return result


def test_liaison_sees_letters_a_rejection_and_a_dispute_recorded_beside_them(
    page: Page,
) -> None:
    sign_in(page, LIAISON)

    # Letters: the result is in the action bar at the foot of the screen, by its buttons.
    page.goto("/speedwatch/letters")
    expect(page.get_by_role("status").filter(has_text="letters.")).to_have_text("10 letters.")
    letter = page.get_by_role("checkbox", name=re.compile(r"^Select ")).nth(4)
    scroll_past_the_banner(page, letter)
    letter.check()
    mark = page.get_by_role("button", name="Mark as sent")
    mark.click()
    bar = page.get_by_role("group", name="Selected letters")
    result = said_beside(page, mark, "1 letter marked as sent.")
    expect(bar.get_by_role("status").filter(has_text="marked")).to_have_text(
        "1 letter marked as sent."
    )
    # The buttons are still there: focus stays on the one pressed.
    expect(mark).to_be_focused()
    assert Offence.objects.filter(action_status="sent").count() == 1

    # Marked again, the same words are said again: the region is emptied first, so that
    # screen readers notice the change.
    result.evaluate(
        """region => {
            window.said = [];
            new MutationObserver(() => window.said.push(region.textContent)).observe(
                region, { childList: true, characterData: true, subtree: true });
        }"""
    )
    page.get_by_role("checkbox", name=re.compile(r"^Select ")).nth(4).check()
    mark.click()
    page.wait_for_function("() => window.said.at(-1) === '1 letter marked as sent.'")
    assert page.evaluate("window.said")[-2:] == ["", "1 letter marked as sent."]
    assert Offence.objects.filter(action_status="sent").count() == 2

    # A site rejected from its page, with a reason: said where the buttons were, which are
    # gone, so focus is on what is said.
    fountain_lane = Site.objects.get(name="Fountain Lane")
    page.goto(f"/speedwatch/sites/{fountain_lane.pk}")
    decision = page.get_by_role("region", name="Your decision")
    reject = decision.get_by_role("button", name="Reject")
    at = scroll_past_the_banner(page, reject)
    reject.click()
    decision.get_by_label("Reason", exact=True).fill("The verge is too narrow to stand on.")
    decision.get_by_role("button", name="Reject").click()
    result = said_beside(
        page, at, "Fountain Lane is rejected. The coordinators will see your reason."
    )
    expect(decision.get_by_role("button")).to_have_count(0)
    expect(result).to_be_focused()
    fountain_lane.refresh_from_db()
    assert (fountain_lane.status, fountain_lane.decision_reason) == (
        "rejected",
        "The verge is too narrow to stand on.",
    )

    # A dispute recorded on a submitted session: said under the form's button.
    session = Session.objects.filter(site__name=HIGH_STREET, status="submitted").latest(
        "started_at"
    )
    page.goto(f"/speedwatch/sessions/{session.pk}")
    offence = page.get_by_role("article").filter(has_text="Record a dispute").first
    offence.get_by_text("Record a dispute").click()
    offence.get_by_label("Outcome").select_option(label="Dispute rejected: offence stands")
    offence.get_by_label("Note").fill("The keeper's photo shows another car.")
    record = offence.get_by_role("button", name="Record outcome")
    scroll_past_the_banner(page, record)
    record.click()
    said_beside(page, record, "recorded: dispute rejected: offence stands.")
    expect(record).to_be_focused()
    assert list(
        Offence.objects.filter(session=session, dispute_outcome="rejected").values_list(
            "dispute_note", flat=True
        )
    ) == ["The keeper's photo shows another car."]


def test_coordinator_sees_the_cancellation_where_the_cancel_form_was(page: Page) -> None:
    sign_in(page, MARGARET)
    page.goto("/alerts/issued")
    card(page, SCAM).get_by_role("link", name=SCAM).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SCAM)
    change = page.get_by_role("region", name="Update or cancel")
    cancel = change.get_by_role("button", name="Cancel alert")
    at = scroll_past_the_banner(page, cancel)
    cancel.click()
    # The destructive button is not the first; Enter in the reason adds a line, no more.
    buttons = change.get_by_role("button")
    expect(buttons).to_have_text(["Keep it", "Cancel the alert"])
    change.get_by_label("Reason").fill("Both callers were genuine water board staff.")
    change.get_by_label("Reason").press("Enter")
    expect(change.get_by_role("button", name="Cancel the alert")).to_be_visible()
    change.get_by_role("button", name="Cancel the alert").click()

    result = said_beside(page, at, "Alert cancelled. Everyone who had it is told why.")
    expect(result).to_be_focused()
    expect(page.locator(".incident-status")).to_contain_text("Cancelled")
    expect(change.get_by_role("button")).to_have_count(0)


def test_volunteer_sees_the_inbox_marked_read_and_the_profile_saved_beside_the_buttons(
    page: Page,
) -> None:
    # Another unread alert for the Mill Road volunteer (who also has the scam alert and the
    # demo's survey of Mill Road), so that the inbox offers "Mark all".
    liaison = User.objects.get(email=LIAISON)
    alert = alert_draft(
        issuer=liaison,
        details={
            "title": "Bicycle thefts from front gardens",
            "body": "Three bicycles were taken from front gardens off Mill Road last night.",
            "category": "vehicle_crime",
            "severity": "Moderate",
            "urgency": "Expected",
            "audience": "members",
            "public": False,
        },
        area={"lat": 52.1985, "lon": 0.1410, "radius_m": 1500},
        scheme=None,
    )
    alert_publish(alert=alert, actor=liaison)
    sign_in(page, VOLUNTEER)

    page.goto("/alerts?unread=true")
    expect(page.get_by_role("status").filter(has_text="unread alert")).to_have_text(
        "3 unread alerts."
    )
    mark_all = page.get_by_role("button", name="Mark all 3 as read")
    at = scroll_past_the_banner(page, mark_all)
    mark_all.click()
    result = said_beside(page, at, "3 alerts marked as read.")
    # The button has gone: focus is on what is said in its place. The cards stay, read.
    expect(mark_all).to_have_count(0)
    expect(result).to_be_focused()
    # The three cards, and the survey's card above them under "Surveys waiting for your answer".
    expect(page.get_by_role("article")).to_have_count(4)
    expect(page.get_by_role("article").filter(has_text="Unread")).to_have_count(0)
    expect(page.get_by_role("status").filter(has_text="unread alert")).to_have_text(
        "0 unread alerts."
    )
    assert not Notice.objects.filter(
        recipient__email=VOLUNTEER, channel="in_app", read_at__isnull=True
    ).exists()

    page.goto("/profile")
    page.get_by_label("Home postcode (optional)").fill("CB1 3AA")
    save = page.get_by_role("button", name="Save changes")
    scroll_past_the_banner(page, save)
    save.click()
    said_beside(page, save, "Your profile has been saved.")
    expect(save).to_be_focused()
    assert User.objects.get(email=VOLUNTEER).postcode == "CB1 3AA"


def test_coordinator_voids_an_offence_only_after_saying_yes(page: Page) -> None:
    site = Site.objects.get(name=HIGH_STREET)
    team = [
        membership.user
        for membership in site.scheme.memberships.filter(status="active")
        .select_related("user")
        .order_by("user__name")
    ]
    session = logged_session(site, team, offences=[("AB12CDE", 41), ("KX19LMN", 38)])
    sign_in(page, DAVID)
    page.goto(f"/speedwatch/sessions/{session.pk}")
    corrections = page.get_by_role("region", name="Corrections")
    corrections.get_by_text("Correct this session").click()
    corrections.get_by_label("What to correct").select_option(label="An offence recorded in error")
    corrections.get_by_label("Offence", exact=True).select_option(index=2)
    reason = corrections.get_by_label("Reason", exact=True)
    reason.fill("The plate was misread: KX19 LMM.")
    # Enter in the reason does not void anything: the button asks first.
    reason.press("Enter")
    expect(corrections.get_by_role("button", name="Yes, void it")).to_have_count(0)
    void = corrections.get_by_role("button", name="Void the offence")
    scroll_past_the_banner(page, void)
    void.click()
    question = corrections.get_by_role("group", name=re.compile("^Void KX19 LMN"))
    expect(question.get_by_role("button")).to_have_text(["Cancel", "Yes, void it"])
    expect(question.get_by_role("button", name="Cancel")).to_be_focused()
    page.keyboard.press("Escape")
    expect(question).to_have_count(0)
    expect(void).to_be_focused()
    assert not Offence.objects.filter(session=session, voided=True).exists()

    void.click()
    question.get_by_role("button", name="Yes, void it").click()
    # Another offence could be voided: the button is back, and the result just below it.
    said_beside(page, void, "Correction recorded: the offence is voided")
    assert list(
        Offence.objects.filter(session=session, voided=True).values_list("registration", flat=True)
    ) == ["KX19LMN"]
