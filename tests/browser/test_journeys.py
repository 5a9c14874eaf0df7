"""The main journeys, clicked through at 360 px: finding schemes near the phone or a place,
joining a scheme and approving a proposal."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from schemes.models import Membership, Scheme
from tests.browser.pages import card, menu, sign_in, sign_out, status_message

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

MILL_ROAD = "Mill Road Neighbourhood Watch"


def test_volunteer_joins_and_coordinator_approves(page: Page) -> None:
    page.goto("/signup")
    page.get_by_label("Full name", exact=True).fill("Jordan Reeve")
    page.get_by_label("Email", exact=True).fill("jordan.reeve@example.org")
    page.get_by_label("Password", exact=True).fill("bicycle-lock-harbour")
    page.get_by_role("button", name="Sign up").click()
    expect(
        status_message(page, "Welcome to Patchwatch, Jordan Reeve. Your account is ready.")
    ).to_be_visible()

    page.goto("/?lat=52.1985&lon=0.1410&radius=2000")
    expect(page.get_by_role("status").filter(has_text="nearest first")).to_contain_text(
        "within 2 km of here, nearest first."
    )
    mill_road = card(page, MILL_ROAD)
    # The point is inside the scheme's area, so it is no distance away.
    expect(mill_road.get_by_text("0 m away", exact=True)).to_be_visible()
    mill_road.get_by_role("link", name=MILL_ROAD).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(MILL_ROAD)
    page.get_by_role("button", name="Request to join").click()
    expect(status_message(page, f"Your request to join {MILL_ROAD} has been sent.")).to_be_visible()
    expect(page.get_by_text("Your request is waiting for the coordinator.")).to_be_visible()
    sign_out(page)

    sign_in(page, "margaret@example.org")
    menu(page).get_by_role("link", name="Join requests").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Join requests")
    request = card(page, "Jordan Reeve")
    expect(request).to_contain_text(f"Wants to join {MILL_ROAD}")
    request.get_by_role("button", name="Approve").click()
    expect(status_message(page, f"Jordan Reeve is now a member of {MILL_ROAD}.")).to_be_visible()
    expect(request).to_have_count(0)
    # Only that request was decided: Lucy's is still waiting.
    expect(card(page, "Lucy Fenwick")).to_be_visible()
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
    ) == (MILL_ROAD, "volunteer", "active", "margaret@example.org")
    assert membership.joined_at is not None
    assert User.objects.get(email="jordan.reeve@example.org").name == "Jordan Reeve"


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
    expect(
        status_message(
            page, "Soham Neighbourhood Watch is approved and now appears in the directory."
        )
    ).to_be_visible()
    expect(proposal).to_have_count(0)
    expect(page.get_by_text("No schemes are waiting for review.")).to_be_visible()

    # Still gone after a reload: the queue comes from the server, not the page's memory.
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
