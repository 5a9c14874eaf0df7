"""Community Speedwatch's sites, offences, statistics and audit in Welsh at 360 px: a
coordinator proposes a site, the liaison turns a reason-less rejection down (the server says
why in Welsh), approves it, looks a car up and records a keeper's dispute, reads the
statistics and finds the search in the audit. Every screen says it in Welsh, leaves none of
its English behind, and is no wider than the phone."""

# The Welsh the app shows, with its typographic apostrophe, as a Welsh reader sees it.
# ruff: noqa: RUF001

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from tests.browser.pages import card
from watch.models import AuditRecord, Offence, Site

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

LIAISON = "liaison.cambs@example.org"
COORDINATOR = "david@example.org"
PASSWORD = "patchwatch-demo"
HASLINGFIELD = "Haslingfield Community Speedwatch"

SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "test-results" / "welsh-speedwatch"

# Words of these screens' own English. Other words of English on them are people's and
# places' names ("High Street by the school", "Haslingfield Community Speedwatch").
ENGLISH = [
    "Approve",
    "Reject",
    "Suspend",
    "Propose",
    "Proposed",
    "Decided",
    "Police liaison",
    "Risk assessment",
    "Speed limit",
    "Traffic",
    "Scheme",
    "Start a session",
    "Tap a dot",
    "Waiting for approval",
    "Both directions",
    "Northbound",
    "mph",
    "Loading",
    "Search",
    "Registration",
    "Offences",
    "offences",
    "Dispute",
    "Record",
    "Download",
    "Statistics",
    "Sessions",
    "Vehicles",
    "Month",
    "Totals",
    "From",
    "When",
    "Filters",
    "Searched by registration",
    "records",
    "Show",
    "sites",
    "letter",
    "waiting",
]


# What sticks out past the screen's right edge, to say which in a failure.
WIDER_THAN_THE_PHONE = """() => [...document.querySelectorAll('main *')]
    .filter((element) => element.getBoundingClientRect().right > 360)
    .map((e) => `${e.tagName}.${e.className}: ${e.textContent.slice(0, 30)}`)
    .slice(0, 5)"""


def _status(page: Page, text: str):
    return page.get_by_role("status").filter(has_text=text)


def _all_welsh(page: Page, name: str) -> None:
    """No English of the screen's own left on it, nothing wider than the 360 px screen
    (Welsh words are longer), and a picture of it."""
    page.wait_for_load_state("networkidle")
    expect(
        page.get_by_role("status").filter(has_text=re.compile(r"Loading|llwytho"))
    ).to_have_count(0)
    text = page.get_by_role("main").inner_text()
    left = [word for word in ENGLISH if re.search(rf"\b{re.escape(word)}\b", text)]
    assert left == [], f"{name}: English left: {left}"
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(WIDER_THAN_THE_PHONE)
    assert width <= 360, f"{name}: the page is {width} px wide: {wide}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _sign_in_in_welsh(page: Page, email: str) -> None:
    """A Welsh speaker signs in on a phone already in Welsh (their choice is on them too)."""
    User.objects.filter(email=email).update(language="cy")
    page.context.clear_cookies()
    page.goto("/signin")
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    page.get_by_label("E-bost", exact=True).fill(email)
    page.get_by_label("Cyfrinair", exact=True).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Mewngofnodi").click()
    expect(_status(page, "Rydych wedi mewngofnodi fel")).to_be_visible()


def test_sites_offences_statistics_and_audit_in_welsh(page: Page) -> None:
    # The phone is in Welsh from its first screen (signing out leaves the choice alone).
    page.add_init_script("localStorage.setItem('patchwatch.language', 'cy')")
    # David proposes a site, in Welsh: the risk questions are the server's, in Welsh too.
    _sign_in_in_welsh(page, COORDINATOR)
    page.goto("/speedwatch/sites/new")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cynnig safle")
    expect(page.get_by_role("group", name="Terfyn cyflymder")).to_contain_text(
        "Mae Gwylio Cyflymder yn gweithredu ar ffyrdd 20, 30 a 40 mya."
    )
    page.get_by_role("button", name="Cynnig y safle").click()
    expect(page.get_by_text("Dewiswch y terfyn cyflymder.").first).to_be_visible()
    expect(
        page.get_by_role("group", name="Mae lle diogel i sefyll, oddi ar y gerbytffordd.")
    ).to_be_visible()
    _all_welsh(page, "propose-site")

    # Fountain Lane, the demo's proposal, waits for the liaison.
    _sign_in_in_welsh(page, LIAISON)
    page.goto("/speedwatch/sites?status=proposed")
    expect(page.get_by_role("heading", level=1)).to_have_text("Safleoedd")
    expect(_status(page, "safle")).to_have_text("1 safle: yn aros am gymeradwyaeth.")
    expect(page.locator(".map-caption")).to_contain_text("Tapiwch ddot i gymeradwyo")
    fountain_lane = card(page, "Fountain Lane")
    expect(fountain_lane).to_contain_text("Cynigiwyd")
    expect(fountain_lane).to_contain_text("Asesiad risg: popeth yn ddiogel")
    expect(fountain_lane).to_contain_text("20 mya (troseddau o 24 mya)")
    _all_welsh(page, "sites")

    # Rejecting it without a reason: the server's answer is in Welsh.
    fountain_lane.get_by_role("button", name="Gwrthod").click()
    fountain_lane.get_by_role("button", name="Gwrthod").click()
    expect(
        fountain_lane.get_by_text("Dywedwch pam, er mwyn i'r cydlynydd allu ei unioni.")
    ).to_be_visible()
    fountain_lane.get_by_role("button", name="Canslo").click()

    fountain_lane.get_by_role("link", name="Fountain Lane").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fountain Lane")
    expect(page.get_by_role("region", name="Map o Fountain Lane, Fountain Lane")).to_be_visible()
    expect(page.get_by_role("heading", name="Ble mae’r safle")).to_be_visible()
    decision = page.get_by_role("region", name="Eich penderfyniad")
    decision.get_by_role("button", name="Cymeradwyo").click()
    expect(
        _status(page, "Mae Fountain Lane wedi’i gymeradwyo: caiff ei gynllun gynnal sesiynau yno.")
    ).to_be_visible()
    expect(page.locator(".status-tag").first).to_have_text("Wedi'i gymeradwyo")
    expect(decision.get_by_role("button", name="Atal")).to_be_visible()
    assert Site.objects.get(name="Fountain Lane").status == "approved"
    _all_welsh(page, "site")

    # A keeper disputes a letter: the liaison looks the car up and records the outcome.
    page.goto("/speedwatch/offences")
    expect(page.get_by_role("heading", level=1)).to_have_text("Troseddau")
    page.get_by_label("Rhif cofrestru", exact=True).fill("ab12 cde")
    page.get_by_role("button", name="Chwilio").click()
    expect(_status(page, "trosedd")).to_have_text("3 trosedd ar gyfer AB12 CDE.")
    expect(page.get_by_role("link", name="Lawrlwytho’r 3 fel CSV")).to_be_visible()
    first = page.get_by_role("article").filter(has_text="37 mya")
    expect(first).to_contain_text("Llythyr cyntaf: yn aros")
    expect(first.locator("dt")).to_have_text(["Pryd", "Ble", "Terfyn", "Cerbyd", "Cam gweithredu"])
    first.get_by_text("Cofnodi anghydfod").click()
    first.get_by_label("Canlyniad", exact=True).select_option(
        label="Gwrthodwyd yr anghydfod: mae’r drosedd yn sefyll"
    )
    first.get_by_label("Nodyn", exact=True).fill("Roedd y car yno: mae’r llun yn dangos y plât.")
    first.get_by_role("button", name="Cofnodi’r canlyniad").click()
    expect(
        first.get_by_text(
            "Cofnodwyd yr anghydfod am AB12 CDE: gwrthodwyd yr anghydfod: mae’r drosedd yn sefyll."
        )
    ).to_be_visible()
    assert Offence.objects.get(registration="AB12CDE", speed_mph=37).dispute_outcome == "rejected"
    expect(first.locator("dt")).to_have_text(
        ["Pryd", "Ble", "Terfyn", "Cerbyd", "Cam gweithredu", "Anghydfod"]
    )
    _all_welsh(page, "offences")

    # The statistics: totals, the months in Welsh, numbers the Welsh way.
    page.goto("/speedwatch/statistics")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ystadegau")
    totals = page.locator(".figures__item")
    expect(totals.locator("dt").first).to_have_text("Sesiynau")
    expect(totals.filter(has_text="Cyflymder cymedrig y troseddau").locator("dd")).to_have_text(
        re.compile(r"^\d+\.\d mya$")
    )
    expect(page.get_by_role("heading", name="Fesul mis")).to_be_visible()
    table = page.get_by_role("table")
    expect(table.locator("thead th")).to_have_text(
        ["Mis", "Cerbydau", "Troseddau", "Dros y trothwy"]
    )
    expect(table.locator("tbody th").first).to_have_text(
        re.compile(r"^(Ion|Chwef|Maw|Ebr|Mai|Meh|Gorff|Awst|Medi|Hyd|Tach|Rhag) \d{4}$")
    )
    expect(page.locator(".chart__title")).to_have_text(
        ["Troseddau bob mis", "Cyfran y cerbydau dros y trothwy bob mis"]
    )
    _all_welsh(page, "statistics")

    # The search by registration is in the audit, in Welsh, the server's words too.
    page.goto("/speedwatch/audit")
    expect(page.get_by_role("heading", level=1)).to_have_text("Archwilio rhifau cofrestru")
    search = AuditRecord.objects.get(action="registration_search")
    expect(_status(page, "cofnod")).to_have_text("1 cofnod.")
    entry = page.get_by_role("article").filter(has_text="PCSO Priya Shah")
    expect(entry).to_contain_text("Chwiliodd yn ôl rhif cofrestru: AB12 CDE")
    expect(entry.locator("dt").first).to_have_text("Pryd")
    expect(entry.locator("dt").last).to_have_text("Troseddau")
    expect(entry.locator("dd").last).to_have_text(str(search.rows))
    expect(page.get_by_label("Beth", exact=True).locator("option").first).to_have_text(
        "Chwiliadau ac allforion"
    )
    _all_welsh(page, "audit")

    # A switch back to English changes the screen at once, the server's words included.
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registration audit")
    expect(entry).to_contain_text("Searched by registration: AB12 CDE")
