"""The main journeys, clicked through at 360 px: finding schemes near the phone or a place,
asking to join a scheme (declined, undone, approved) and approving a proposal."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from accounts.models import User
from schemes.models import ActivityEvent, Membership, Scheme
from tests.browser.pages import card, menu, sign_in, sign_out, status_message

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

MILL_ROAD = "Mill Road Neighbourhood Watch"


JORDAN = "jordan.reeve@example.org"
REASON = "We cover Mill Road itself; for Romsey Town, try Romsey Watch."


def test_a_newcomer_asks_to_join_and_the_coordinator_declines_undoes_and_approves(
    page: Page, settings
) -> None:
    """A newcomer signs up, finds a scheme near a postcode, asks to join; the coordinator
    sees the count, declines with a reason, undoes it, and approves."""
    settings.GEOCODER = "gazetteer"  # the frontend learns this from /api/v1/config/
    page.goto("/signup")
    page.get_by_label("Full name", exact=True).fill("Jordan Reeve")
    page.get_by_label("Email", exact=True).fill("jordan.reeve@example.org")
    page.get_by_label("Password", exact=True).fill("bicycle-lock-harbour")
    page.get_by_role("button", name="Sign up").click()
    expect(
        status_message(page, "Welcome to Patchwatch, Jordan Reeve. Your account is ready.")
    ).to_be_visible()

    page.get_by_label("Postcode or place").fill("CB1 2AB")
    page.get_by_label("Radius").select_option(label="2 km")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="nearest first")).to_contain_text(
        "within 2 km of CB1 2AB, nearest first."
    )
    mill_road = card(page, MILL_ROAD)
    expect(mill_road.get_by_text("30 m away", exact=True)).to_be_visible()
    mill_road.get_by_role("link", name=MILL_ROAD).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(MILL_ROAD)
    page.get_by_label("Message to the coordinator (optional)").fill("I live on Romsey Terrace.")
    page.get_by_role("button", name="Request to join").click()
    # Said beside the button that was pressed, and announced.
    membership_panel = page.get_by_role("region", name="Your membership")
    expect(
        membership_panel.get_by_role("status").filter(has_text="Your request to join")
    ).to_have_text(f"Your request to join {MILL_ROAD} has been sent.")
    expect(membership_panel).to_contain_text("Your request is waiting for the coordinator.")
    sign_out(page)

    # Signing in takes the coordinator home, where the requests waiting come first.
    sign_in(page, "margaret@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("My schemes")
    waiting = page.get_by_role("region", name="Join requests")
    expect(waiting).to_contain_text("2 people are waiting to join your schemes.")
    expect(
        menu(page).get_by_role("link", name="Join requests 2 waiting", exact=True)
    ).to_have_attribute("href", "/join-requests")
    waiting.get_by_role("link", name="Review join requests").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Join requests")
    expect(
        menu(page).get_by_role("link", name="Join requests 2 waiting", exact=True)
    ).to_have_attribute("aria-current", "page")
    page.keyboard.press("Escape")  # the menu was opened to read it: closed again

    request = card(page, "Jordan Reeve")
    expect(request).to_contain_text(f"Wants to join {MILL_ROAD}")
    expect(request).to_contain_text("I live on Romsey Terrace.")
    # Decline is not the first button; its form closes with Escape, focus back on Decline.
    expect(request.get_by_role("button").first).to_have_text("Approve")
    decline = request.get_by_role("button", name="Decline", exact=True)
    decline.click()
    reason = request.get_by_label("Reason (optional)")
    expect(reason).to_be_focused()
    page.keyboard.press("Escape")
    expect(reason).to_have_count(0)
    expect(decline).to_be_focused()

    decline.click()
    reason.fill(REASON)
    request.get_by_role("button", name="Decline request").click()
    result = request.get_by_role("status").filter(has_text=re.compile("^(Declined|Undone)"))
    expect(result).to_contain_text("Declined. Jordan Reeve will be told at ")
    expect(result).to_contain_text(", with your reason, unless you undo it before then.")
    undo = request.get_by_role("button", name="Undo decline")
    expect(undo).to_be_focused()
    expect(
        menu(page).get_by_role("link", name="Join requests 1 waiting", exact=True)
    ).to_be_visible()
    page.keyboard.press("Escape")

    undo.click()
    expect(result).to_have_text(
        "Undone: the request from Jordan Reeve is waiting again. "
        "Jordan Reeve has not been told anything."
    )
    expect(request.get_by_role("button", name="Approve")).to_be_focused()
    expect(
        menu(page).get_by_role("link", name="Join requests 2 waiting", exact=True)
    ).to_be_visible()
    page.keyboard.press("Escape")

    request.get_by_role("button", name="Approve").click()
    expect(status_message(page, f"Jordan Reeve is now a member of {MILL_ROAD}.")).to_be_visible()
    expect(request.get_by_role("button")).to_have_count(0)
    # Only that request was decided: Lucy's is still waiting, and the count says so.
    expect(card(page, "Lucy Fenwick").get_by_role("button", name="Approve")).to_be_visible()
    expect(
        menu(page).get_by_role("link", name="Join requests 1 waiting", exact=True)
    ).to_be_visible()
    sign_out(page)

    sign_in(page, "jordan.reeve@example.org", password="bicycle-lock-harbour")
    menu(page).get_by_role("link", name="My schemes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My schemes")
    membership_card = card(page, MILL_ROAD)
    expect(membership_card).to_contain_text("Volunteer since")
    expect(membership_card.get_by_text("Your request is waiting")).to_have_count(0)

    membership = Membership.objects.select_related("decided_by").get(
        user__email="jordan.reeve@example.org"
    )
    assert (
        membership.scheme.name,
        membership.role,
        membership.status,
        membership.decided_by.email,
        membership.decline_reason,
    ) == (MILL_ROAD, "volunteer", "active", "margaret@example.org", "")
    assert membership.joined_at is not None
    assert User.objects.get(email="jordan.reeve@example.org").name == "Jordan Reeve"
    assert list(
        ActivityEvent.objects.filter(
            scheme=membership.scheme, actor_name__in=["Jordan Reeve", "Margaret Ellis"]
        )
        .filter(summary__contains="Jordan Reeve")
        .order_by("id")
        .values_list("type", flat=True)
    ) == ["member_requested", "member_declined", "member_decline_undone", "member_joined"]
    # The decline was undone in time: Jordan was never told of it.
    assert [message.subject for message in mail.outbox if message.to == [JORDAN]] == []


def test_liaison_approves_a_proposed_scheme(page: Page) -> None:
    # Bedfordshire's liaison sees their own force's proposal, not Cambridgeshire's.
    sign_in(page, "liaison.beds@example.org")
    menu(page).get_by_role("link", name="Review queue").click()
    expect(card(page, "Kempston Neighbourhood Watch")).to_be_visible()
    expect(card(page, "Soham Neighbourhood Watch")).to_have_count(0)
    sign_out(page)

    sign_in(page, "liaison.cambs@example.org")
    menu(page).get_by_role("link", name="Review queue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")
    proposal = card(page, "Soham Neighbourhood Watch")
    expect(proposal).to_be_visible()
    expect(card(page, "Kempston Neighbourhood Watch")).to_have_count(0)
    proposal.get_by_role("button", name="Approve").click()
    # The card stays where it was, saying what was decided, with nothing left to press.
    expect(proposal.get_by_role("status")).to_have_text(
        "Soham Neighbourhood Watch is approved and now appears in the directory."
    )
    expect(proposal.get_by_role("button", name=re.compile("^(Approve|Decline)$"))).to_have_count(0)

    # Gone after a reload: the queue comes from the server, not the page's memory.
    page.reload()
    expect(page.get_by_text("No schemes are waiting for review.")).to_be_visible()

    soham = Scheme.objects.select_related("approved_by").get(name="Soham Neighbourhood Watch")
    assert (soham.status, soham.approved_by.email) == ("active", "liaison.cambs@example.org")
    assert soham.approved_at is not None
    assert list(soham.memberships.values_list("user__email", "role", "status")) == [
        ("nina@example.org", "coordinator", "active")
    ]


def result_cards(page: Page):
    """The scheme cards in the directory's results, in the order shown."""
    return page.get_by_role("region", name="Schemes").get_by_role("article")


# Just north of Ely City Neighbourhood Watch's circle: 325 m from its edge.
NORTH_OF_ELY = {"latitude": 52.4150, "longitude": 0.2622}


@pytest.mark.browser_context_args(geolocation=NORTH_OF_ELY, permissions=["geolocation"])
def test_near_me_by_the_phones_location(page: Page, settings) -> None:
    settings.GEOCODER = ""
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a watch scheme")
    # With no geocoder configured, the form offers no place search.
    expect(page.get_by_label("Postcode or place")).to_have_count(0)
    expect(page.get_by_label("Policing neighbourhood")).to_be_visible()
    page.get_by_label("Radius").select_option(label="10 km")
    page.get_by_role("button", name="Use my location").click()

    expect(page.get_by_role("status").filter(has_text="nearest first")).to_have_text(
        "2 schemes within 10 km of your location, nearest first."
    )
    expect(page).to_have_url(re.compile(r"/\?lat=52\.415&lon=0\.2622&radius=10000$"))
    cards = result_cards(page)
    expect(cards).to_have_count(2)
    expect(cards.nth(0).get_by_role("heading")).to_have_text("Ely City Neighbourhood Watch")
    expect(cards.nth(0).get_by_text("330 m away", exact=True)).to_be_visible()
    expect(cards.nth(1).get_by_role("heading")).to_have_text("Fenland Farm Watch")
    expect(cards.nth(1).get_by_text("8.7 km away", exact=True)).to_be_visible()
    # Littleport Speedwatch is nearer still, but suspended: not in the directory.
    expect(card(page, "Littleport Speedwatch")).to_have_count(0)


@pytest.mark.parametrize(
    ("place", "nearest", "next_nearest"),
    [("St Neots", "550 m away", "6.1 km away"), ("PE19 1AA", "700 m away", "6.3 km away")],
)
def test_near_me_by_a_place_or_postcode(
    page: Page, settings, place: str, nearest: str, next_nearest: str
) -> None:
    settings.GEOCODER = "gazetteer"  # the frontend learns this from /api/v1/config/
    page.goto("/")
    # The form is whole once the neighbourhood picker has come (the demo's force has a set),
    # which moves the Search button down as it appears.
    expect(page.get_by_label("Policing neighbourhood")).to_be_visible()
    page.get_by_label("Postcode or place").fill(place)
    page.get_by_label("Radius").select_option(label="10 km")
    page.get_by_role("button", name="Search", exact=True).click()

    expect(page.get_by_role("status").filter(has_text="nearest first")).to_have_text(
        f"2 schemes within 10 km of {place}, nearest first."
    )
    cards = result_cards(page)
    expect(cards).to_have_count(2)
    expect(cards.nth(0).get_by_role("heading")).to_have_text("Eaton Socon Speedwatch")
    expect(cards.nth(0).get_by_text(nearest, exact=True)).to_be_visible()
    expect(cards.nth(1).get_by_role("heading")).to_have_text("Sandy Rural Watch")
    expect(cards.nth(1).get_by_text(next_nearest, exact=True)).to_be_visible()
