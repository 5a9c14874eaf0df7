"""The main journeys, clicked through at 360 px: joining a scheme and approving a proposal."""

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
