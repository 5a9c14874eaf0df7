"""A coordinator and a police liaison who chose Welsh, at 360 px: proposing a scheme (and
its refusals), editing one, the join requests (declined, undone, approved), the members,
the activity log, deleting an account (hand over first) and the review queue. Every screen
says it in Welsh, the server's words too, no English is left on it, nothing is wider than
the phone, and a picture of each is kept."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from schemes.models import Membership, Scheme
from tests.browser.pages import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

MILL_ROAD = "Mill Road Neighbourhood Watch"
MARGARET = "margaret@example.org"
LIAISON = "liaison.cambs@example.org"

SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "test-results" / "welsh-schemes"

# Words of the app's English that must not be left on a Welsh screen (names of schemes,
# people and places stay as they are, so only the app's own words are looked for).
ENGLISH = re.compile(
    r"\b(Approve|Decline|Undo|Loading|Back to|Join requests|Members|Propose|Delete|Email|"
    r"Phone|Postcode|Reason|Contact|Kind|Description|Radius|Police force|Show more|Showing|"
    r"Filter|Since|Download|History|Proposed by|Area|Asked on|Joined|Remove|Promote|"
    r"Save changes|Find|entries|entry|Hand over|password|coordinator|volunteer|requests?)\b"
)


def _in_welsh(*emails: str) -> None:
    User.objects.filter(email__in=emails).update(language="cy")


def _sign_in_in_welsh(page: Page, email: str) -> None:
    page.goto("/signin")
    page.get_by_label("E-bost", exact=True).fill(email)
    page.get_by_label("Cyfrinair", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Mewngofnodi", exact=True).click()
    expect(
        page.get_by_role("status").filter(has_text="Rydych wedi mewngofnodi fel")
    ).to_be_visible()


def _all_welsh(page: Page, name: str) -> None:
    """No English left in the screen's main part, nothing wider than the phone, a picture."""
    page.wait_for_load_state("networkidle")
    expect(page.locator("main .loading")).to_have_count(0)
    # The map's area picker is shared with the alert screens and checked with them.
    text = page.locator("main").evaluate(
        """main => {
            const copy = main.cloneNode(true);
            copy.querySelectorAll('.area-picker').forEach((part) => part.remove());
            document.body.append(copy);
            const text = copy.innerText;
            copy.remove();
            return text;
        }"""
    )
    for line in text.splitlines():
        # Scheme names and email addresses are names; the rest is the app's own words.
        leftover = ENGLISH.search(re.sub(r"\S+@\S+", "", line.replace(MILL_ROAD, "")))
        assert leftover is None, f"{name}: English left in {line!r}"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{name}: the page is {width} px wide"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_a_coordinator_runs_their_scheme_in_welsh(page: Page) -> None:
    _in_welsh(MARGARET)
    mill_road = Scheme.objects.get(name=MILL_ROAD)
    page.goto("/")
    page.get_by_role("button", name="Cymraeg").click()
    _sign_in_in_welsh(page, MARGARET)

    # Proposing a scheme: its words, and the checks made before anything is sent.
    page.goto("/schemes/new")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cynnig cynllun")
    expect(page.get_by_label("Enw’r cynllun")).to_be_visible()
    expect(page.get_by_role("group", name="Manylion cyswllt")).to_be_visible()
    expect(page.get_by_text("Dewiswch yr ardal ar y map")).to_be_visible()
    page.get_by_role("button", name="Cynnig y cynllun").click()
    expect(page.get_by_text("Rhowch enw i’r cynllun.")).to_be_visible()
    expect(page.get_by_text("Dewiswch y math o gynllun.")).to_be_visible()
    _all_welsh(page, "propose")

    page.goto(f"/schemes/{mill_road.pk}/edit")
    expect(page.get_by_role("heading", level=1)).to_have_text("Golygu manylion y cynllun")
    page.get_by_label("Radiws (metrau)").fill("10")
    page.get_by_role("button", name="Cadw’r newidiadau").click()
    expect(page.get_by_text("Rhowch radiws rhwng 50 a 20000 metr.")).to_be_visible()
    _all_welsh(page, "edit")

    # A request to join, declined with a reason, undone, then approved.
    page.goto("/join-requests")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ceisiadau ymuno")
    lucy = page.get_by_role("article").filter(has_text="Eisiau ymuno â")
    expect(lucy).to_contain_text(re.compile(r"Gofynnodd ar \d{1,2} \w+ \d{4}"))
    _all_welsh(page, "join-requests")
    lucy.get_by_role("button", name="Gwrthod", exact=True).click()
    lucy.get_by_label("Rheswm (dewisol)").fill("Mae’r cynllun yn llawn.")
    _all_welsh(page, "join-requests-declining")
    lucy.get_by_role("button", name="Gwrthod y cais").click()
    expect(lucy.get_by_role("status")).to_contain_text("gyda’ch rheswm, oni bai eich bod")
    lucy.get_by_role("button", name="Dadwneud y gwrthod").click()
    expect(lucy.get_by_role("status")).to_contain_text("Wedi’i ddadwneud: mae’r cais gan")
    lucy.get_by_role("button", name="Cymeradwyo").click()
    expect(lucy.get_by_role("status")).to_contain_text(f"bellach yn aelod o {MILL_ROAD}.")
    _all_welsh(page, "join-requests-approved")
    assert Membership.objects.get(scheme=mill_road, user__email="lucy@example.org").status == (
        "active"
    )

    page.goto(f"/schemes/{mill_road.pk}/members")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Aelodau {MILL_ROAD}")
    expect(page.get_by_role("heading", name=re.compile(r"^Ceisiadau ymuno \(0\)$"))).to_be_visible()
    expect(page.get_by_label("Dod o hyd i aelod")).to_be_visible()
    expect(page.get_by_role("button", name="Gwneud yn gydlynydd").first).to_be_visible()
    _all_welsh(page, "members")

    # The log says it in Welsh, the server's prose too.
    page.goto("/activity")
    expect(page.get_by_role("heading", level=1)).to_have_text("Gweithgarwch")
    expect(page.get_by_role("status").filter(has_text="cofnod.")).to_be_visible()
    expect(
        page.get_by_text("Cymeradwyodd Margaret Ellis gais Lucy Fenwick i ymuno.", exact=True)
    ).to_be_visible()
    expect(page.locator(".activity-entry__type", has_text="Aelod wedi ymuno").first).to_be_visible()
    _all_welsh(page, "activity")

    # The last coordinator of a scheme hands it over before deleting the account.
    page.goto("/profile/delete")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dileu eich cyfrif")
    hand_over = page.get_by_role("region", name="Trosglwyddo yn gyntaf")
    expect(hand_over).to_contain_text(f"Chi yw unig gydlynydd {MILL_ROAD}.")
    expect(page.get_by_text("Aelodaeth o gynlluniau: 2")).to_be_visible()
    _all_welsh(page, "delete-account")


def test_a_liaison_reviews_proposals_in_welsh(page: Page) -> None:
    _in_welsh(LIAISON)
    page.goto("/")
    page.get_by_role("button", name="Cymraeg").click()
    _sign_in_in_welsh(page, LIAISON)
    page.goto("/review")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ciw adolygu")
    soham = page.get_by_role("article").filter(
        has=page.get_by_role("heading", name="Soham Neighbourhood Watch", exact=True)
    )
    expect(soham.get_by_text("Cynigiwyd gan")).to_be_visible()
    expect(soham.get_by_role("heading", name="Hanes")).to_be_visible()
    _all_welsh(page, "review")
    soham.get_by_role("button", name="Gwrthod").click()
    expect(soham.get_by_text("Bydd y sawl a’i cynigiodd yn gweld y rheswm hwn.")).to_be_visible()
    soham.get_by_role("button", name="Canslo").click()
    soham.get_by_role("button", name="Cymeradwyo").click()
    expect(soham.get_by_role("status")).to_have_text(
        "Mae Soham Neighbourhood Watch wedi’i gymeradwyo ac mae bellach yn y cyfeiriadur."
    )
    _all_welsh(page, "review-approved")
