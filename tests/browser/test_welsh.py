"""A newcomer's whole journey in Welsh at 360 px: chooses Cymraeg, signs up, finds and joins
a scheme, opens an alert from the inbox, changes an alert setting, and finds the app in Welsh
again after signing out and in (the choice is kept on the person, not only on the phone).
Every screen says it in Welsh, the server's messages too, and nothing is wider than the
phone."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from notifications.models import Preference
from notifications.services import alert_draft, alert_publish
from schemes.models import Membership
from schemes.services import membership_approve
from tests.browser.pages import tab_label_problems

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

MILL_ROAD = "Mill Road Neighbourhood Watch"
SIAN = "sian.lloyd@example.org"
PASSWORD = "bicycle-lock-harbour"
TITLE = "Lladradau beiciau o erddi blaen"

WELSH_MONTHS = "Ion|Chwef|Maw|Ebr|Mai|Meh|Gorff|Awst|Medi|Hyd|Tach|Rhag"

SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "test-results" / "welsh"


@pytest.fixture(autouse=True)
def _requests_settled(page: Page):
    yield
    page.wait_for_load_state("networkidle")


def _menu(page: Page):
    nav = page.get_by_role("navigation", name="Prif ddewislen")
    expect(nav).not_to_have_attribute("aria-busy", "true")
    return nav


def _open_menu(page: Page):
    nav = _menu(page)
    toggle = nav.get_by_role("button", name="Dewislen", exact=True)
    if toggle.get_attribute("aria-expanded") == "false":
        toggle.click()
    return nav


def _status(page: Page, text: str):
    return page.get_by_role("status").filter(has_text=text)


def _fits_the_phone(page: Page, name: str) -> None:
    """Nothing wider than the 360 px screen (Welsh words are longer), and a picture of it."""
    page.wait_for_load_state("networkidle")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{name}: the page is {width} px wide"
    assert tab_label_problems(page) == [], name
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_a_newcomer_goes_through_patchwatch_in_welsh(page: Page, settings) -> None:
    settings.GEOCODER = "gazetteer"
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a watch scheme")
    expect(page.locator("html")).to_have_attribute("lang", "en-GB")
    page.get_by_role("button", name="Cymraeg").click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dod o hyd i gynllun gwarchod")
    # Remembered on this phone while signed out.
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dod o hyd i gynllun gwarchod")
    _fits_the_phone(page, "directory")

    _menu(page).get_by_role("link", name="Cofrestru").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cofrestru")
    page.get_by_label("Enw llawn", exact=True).fill("Siân Lloyd")
    page.get_by_label("E-bost", exact=True).fill("not an address")
    page.get_by_label("Cyfrinair", exact=True).fill("12345")
    page.get_by_role("button", name="Cofrestru", exact=True).click()
    # The server's own messages, in Welsh because the app asked for it (Accept-Language).
    expect(page.get_by_text("Rhowch gyfeiriad e-bost dilys.")).to_be_visible()
    page.get_by_label("E-bost", exact=True).fill(SIAN)
    page.get_by_role("button", name="Cofrestru", exact=True).click()
    expect(page.get_by_text("Mae'r cyfrinair hwn yn rhy gyffredin.")).to_be_visible()
    _fits_the_phone(page, "sign-up-errors")
    page.get_by_label("Cyfrinair", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Cofrestru", exact=True).click()
    expect(
        _status(page, "Croeso i Patchwatch, Siân Lloyd. Mae eich cyfrif yn barod.")
    ).to_be_visible()
    assert User.objects.get(email=SIAN).language == "cy"

    page.get_by_label("Cod post neu le").fill("CB1 2AB")
    page.get_by_label("Radiws").select_option(label="2 km")
    page.get_by_role("button", name="Chwilio", exact=True).click()
    expect(_status(page, "yr agosaf yn gyntaf")).to_contain_text(
        "o fewn 2 km i CB1 2AB, yr agosaf yn gyntaf."
    )
    mill_road = page.get_by_role("article").filter(
        has=page.get_by_role("heading", name=MILL_ROAD, exact=True)
    )
    expect(mill_road.get_by_text("30 m i ffwrdd", exact=True)).to_be_visible()
    expect(mill_road).to_contain_text("Gwarchod Cymdogaeth")  # the server's word for its kind
    _fits_the_phone(page, "directory-near")
    mill_road.get_by_role("link", name=MILL_ROAD).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(MILL_ROAD)
    expect(page.get_by_role("heading", name="Am y cynllun hwn")).to_be_visible()
    page.get_by_label("Neges i’r cydlynydd (dewisol)").fill("Rwy’n byw ar Romsey Terrace.")
    page.get_by_role("button", name="Gofyn am gael ymuno").click()
    panel = page.get_by_role("region", name="Eich aelodaeth")
    expect(panel.get_by_role("status").filter(has_text="Mae eich cais")).to_have_text(
        f"Mae eich cais i ymuno â {MILL_ROAD} wedi’i anfon."
    )
    expect(panel).to_contain_text("Mae eich cais yn aros am y cydlynydd.")
    _fits_the_phone(page, "scheme")

    # The coordinator approves her, and the police liaison sends an alert over Mill Road.
    sian = User.objects.get(email=SIAN)
    membership_approve(
        membership=Membership.objects.get(user=sian),
        actor=User.objects.get(email="margaret@example.org"),
    )
    liaison = User.objects.get(email="liaison.cambs@example.org")
    alert = alert_draft(
        issuer=liaison,
        details={
            "title": TITLE,
            "body": "Cafodd tri beic eu cymryd o erddi blaen oddi ar Mill Road neithiwr.",
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

    page.goto("/alerts")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rhybuddion")
    expect(_status(page, "rhybudd.")).to_have_text("1 rhybudd.")
    notice = page.get_by_role("article").filter(has=page.get_by_role("heading", name=TITLE))
    expect(notice).to_contain_text("Heb ei ddarllen")
    expect(notice).to_contain_text("Troseddau cerbydau")
    expect(notice).to_contain_text("Oddi wrth")
    # Dates in Welsh, whether or not the browser's Intl knows Welsh.
    expect(notice).to_contain_text(
        re.compile(rf"\d{{1,2}} ({WELSH_MONTHS}) \d{{4}}, \d{{2}}:\d{{2}}")
    )
    _fits_the_phone(page, "inbox")
    notice.get_by_role("link", name=TITLE).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text("Wedi’i nodi fel wedi’i ddarllen.")).to_be_visible()
    expect(page.get_by_role("heading", name="Beth mae’n ei ddweud")).to_be_visible()
    expect(page.locator(".facts")).to_contain_text("Cymedrol: bygythiad posibl i fywyd neu eiddo")
    expect(page.get_by_role("heading", name="Ateb yr anfonwr")).to_be_visible()
    _fits_the_phone(page, "alert")

    page.goto("/alerts/settings")
    expect(page.get_by_role("heading", level=1)).to_have_text("Gosodiadau rhybuddion")
    expect(page.get_by_role("heading", name="Beth rydych yn ei gael nawr")).to_be_visible()
    page.get_by_label("Pa mor ddifrifol").select_option(label="Difrifol ac uwch")
    page.get_by_role("button", name="Cadw’r gosodiadau").click()
    expect(_status(page, "Mae eich gosodiadau rhybuddion wedi’u cadw.")).to_be_visible()
    assert Preference.objects.get(user=sian).min_severity == "Severe"
    expect(page.get_by_role("heading", name="Eich gosodiadau")).to_be_visible()
    _fits_the_phone(page, "alert-settings")

    _open_menu(page).get_by_role("button", name="Allgofnodi").click()
    expect(_status(page, "Rydych wedi allgofnodi.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dod o hyd i gynllun gwarchod")
    # Someone else picks the phone up and reads it in English...
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en-GB")
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a watch scheme")
    expect(page.locator("html")).to_have_attribute("lang", "en-GB")
    # ...and when Siân signs in again, Patchwatch speaks Welsh to her: her choice is hers.
    page.goto("/signin")
    page.get_by_label("Email", exact=True).fill(SIAN)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(_status(page, "Rydych wedi mewngofnodi fel Siân Lloyd.")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    page.goto("/profile")
    expect(page.get_by_role("heading", level=1)).to_have_text("Proffil")
    expect(page.get_by_role("heading", name="Eich cyfrif")).to_be_visible()
    _fits_the_phone(page, "profile")

    # Choosing English while signed in is kept on her too.
    with page.expect_response(lambda answer: answer.request.method == "PATCH") as answer:
        page.get_by_role("button", name="English").click()
    assert answer.value.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Profile")
    sian.refresh_from_db()
    assert sian.language == "en"
