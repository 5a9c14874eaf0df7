"""A speedwatch coordinator runs a session at the roadside in Welsh at 360 px: the hub, the
form that starts it, logging offences and the vehicle count, submitting, the session's record
with a correction, and the list of sessions. Every screen says it in Welsh (the server's
messages and labels too), no English is left on them, and nothing is wider than the phone."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from tests.browser.pages import sign_in, status_message
from tests.browser.test_speedwatch import HIGH_STREET, TEAM, local_input, past_daylight_hour
from watch.models import Session

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

COORDINATOR = "david@example.org"
SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "test-results" / "welsh-speedwatch"

# Words of these screens in English. The scheme, site and people keep their own names
# ("Haslingfield Community Speedwatch", "High Street by the school"), so none of these is
# in them.
ENGLISH = (
    "Session",
    "session",
    "Sessions",
    "Offence",
    "offence",
    "offences",
    "Submit",
    "Submitted",
    "Upload",
    "uploaded",
    "Registration",
    "Vehicle",
    "vehicles",
    "Device",
    "Serial",
    "mph",
    "Correct",
    "Corrections",
    "Present",
    "Start",
    "When",
    "Notes",
    "Remove",
    "counted",
    "Draft",
    "Loading",
    "phone",
    "Sites",
)


def _no_english(page: Page, name: str, *, besides: str = "") -> None:
    """No English word left in the screen's main part, leaving out what matches the CSS
    selector ``besides`` (parts of the screen that are not the roadside's own)."""
    text = page.locator("main").evaluate(
        """(main, besides) => {
            const copy = main.cloneNode(true);
            if (besides) copy.querySelectorAll(besides).forEach((part) => part.remove());
            document.body.appendChild(copy);
            const text = copy.innerText;
            copy.remove();
            return text;
        }""",
        besides,
    )
    left = [word for word in ENGLISH if re.search(rf"\b{word}\b", text)]
    assert left == [], f"{name}: English left on the screen: {left}\n{text}"


def _fits_the_phone(page: Page, name: str) -> None:
    """Nothing wider than the 360 px screen (Welsh words are longer), and a picture of it."""
    page.wait_for_load_state("networkidle")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{name}: the page is {width} px wide"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _choose(page: Page, language: str) -> None:
    """The switch at the foot of the screen, once the person's choice has reached the server."""
    with page.expect_response(
        lambda r: r.url.endswith("/api/v1/me/") and r.request.method == "PATCH"
    ):
        page.get_by_role("button", name=language, exact=True).click()


def _heading(page: Page):
    return page.get_by_role("heading", level=1)


def test_a_coordinator_runs_a_session_in_welsh(page: Page) -> None:
    start, end = past_daylight_hour()
    sign_in(page, COORDINATOR)
    _choose(page, "Cymraeg")
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    # Kept on the person, so that the server answers them in Welsh too.
    assert User.objects.get(email=COORDINATOR).language == "cy"

    nav = page.get_by_role("navigation", name="Prif ddewislen")
    toggle = nav.get_by_role("button", name="Dewislen", exact=True)
    if toggle.get_attribute("aria-expanded") == "false":
        toggle.click()
    nav.get_by_role("link", name="Gwylio Cyflymder").click()
    expect(_heading(page)).to_have_text("Gwylio Cyflymder")
    expect(page.get_by_role("heading", name=re.compile(r"^Eich cynllun"))).to_be_visible()
    expect(page.get_by_role("link", name="Cynnig safle")).to_contain_text(
        "I swyddog cyswllt yr heddlu ei gymeradwyo"
    )
    _no_english(page, "hub")
    _fits_the_phone(page, "hub")

    page.get_by_role("link", name="Dechrau sesiwn").click()
    expect(_heading(page)).to_have_text("Dechrau sesiwn")
    page.get_by_label("Safle", exact=True).select_option(label=f"{HIGH_STREET} (30 mya)")
    expect(page.get_by_role("group", name="Pwy sy’n bresennol")).to_contain_text(
        "Rhaid i o leiaf 3 aelod o’r cynllun fod yno. 1 wedi’u ticio."
    )
    for name in TEAM[1:]:
        page.get_by_label(name, exact=True).check()
    page.get_by_label("Dechrau", exact=True).fill(local_input(start))
    page.get_by_label("Diwedd", exact=True).fill(local_input(end))
    page.get_by_label("Enw’r ddyfais", exact=True).fill("")
    page.get_by_role("button", name="Dechrau’r sesiwn").click()
    # Checked on the phone first, in Welsh.
    expect(page.get_by_text("Rhowch enw’r ddyfais fesur cyflymder.")).to_be_visible()
    expect(page.get_by_text("Rhowch ddyddiad gwiriad cywirdeb diwethaf y ddyfais.")).to_be_visible()
    _no_english(page, "start-session-errors")
    _fits_the_phone(page, "start-session-errors")
    page.get_by_label("Enw’r ddyfais", exact=True).fill("Kustom Falcon HR")
    page.get_by_label("Rhif cyfresol", exact=True).fill("FHR-20417")
    page.get_by_label("Gwiriad cywirdeb diwethaf", exact=True).fill(
        (start.date() - timedelta(days=30)).isoformat()
    )
    page.get_by_role("button", name="Dechrau’r sesiwn").click()

    expect(
        status_message(page, f"Dechreuwyd sesiwn yn {HIGH_STREET}. Rhowch bob trosedd")
    ).to_be_visible()
    expect(_heading(page)).to_have_text(f"Sesiwn yn {HIGH_STREET}")
    expect(page.locator(".session-summary")).to_contain_text("Terfyn 30 mya: troseddau o 35 mya.")
    page.get_by_label("Rhif cofrestru", exact=True).fill("ab12 cde")
    page.get_by_label("Cyflymder (mya)", exact=True).fill("41")
    page.get_by_role("button", name="Ychwanegu trosedd").click()
    expect(page.get_by_text("Ychwanegwyd AB12 CDE ar 41 mya.")).to_be_visible()
    page.get_by_label("Rhif cofrestru", exact=True).fill("KX19LMN")
    page.get_by_label("Cyflymder (mya)", exact=True).fill("33")
    page.get_by_role("button", name="Ychwanegu trosedd").click()
    expect(
        page.get_by_text("Mae 33 mya o dan y trothwy o 35 mya ar gyfer terfyn 30 mya")
    ).to_be_visible()
    page.get_by_label("Cyflymder (mya)", exact=True).fill("38")
    page.get_by_role("button", name="Ychwanegu trosedd").click()
    expect(page.get_by_text("Ychwanegwyd KX19 LMN ar 38 mya.")).to_be_visible()
    expect(
        status_message(page, "Mae popeth a gofnodwyd hyd yma wedi’i uwchlwytho.")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Troseddau a gofnodwyd (2)")).to_be_visible()
    tally = page.get_by_role("group", name="Cyfrif hyd yma")
    expect(tally).to_have_text(re.compile(r"2\s*trosedd\s*0\s*cerbyd wedi’u cyfrif"))
    page.get_by_role("button", name="+1 cerbyd").click()
    expect(tally).to_contain_text("cerbyd wedi’i gyfrif")
    page.get_by_label("Cyfanswm y cerbydau", exact=True).fill("212")
    page.get_by_text("Manylion y sesiwn").click()
    _no_english(page, "session-draft")
    _fits_the_phone(page, "session-draft")

    page.get_by_role("button", name="Cyflwyno’r sesiwn").click()
    expect(page.get_by_text("Cyflwyno’r sesiwn hon gyda 2 trosedd a 212 cerbyd")).to_be_visible()
    page.get_by_role("button", name="Cyflwyno", exact=True).click()
    expect(status_message(page, "Mae’r sesiwn wedi’i chyflwyno.")).to_be_visible()
    expect(page.get_by_role("heading", name="Troseddau (2)")).to_be_visible()
    # The server's own label for the status, in the person's language.
    expect(page.get_by_text("Wedi'i chyflwyno", exact=True)).to_be_visible()
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Cerbydau a gyfrifwyd")
    expect(facts).to_contain_text("(0.9% o’r cerbydau)")
    expect(facts).to_contain_text("3 awr")
    expect(facts).to_contain_text("rhif cyfresol FHR-20417")
    session = Session.objects.get(started_at=start)
    assert (session.status, session.vehicles_counted, session.offences.count()) == (
        "submitted",
        212,
        2,
    )

    page.get_by_text("Cywiro’r sesiwn hon").click()
    page.get_by_label("Gwerth newydd", exact=True).fill("250")
    page.get_by_label("Rheswm", exact=True).fill("Cyfrif ar bapur wedi’i adio eto.")
    page.get_by_role("button", name="Cofnodi’r cywiriad").click()
    expect(
        status_message(page, "Cofnodwyd y cywiriad: cerbydau a gyfrifwyd yw 250 bellach.")
    ).to_be_visible()
    expect(page.get_by_role("region", name="Cywiriadau")).to_contain_text(
        "Cerbydau a gyfrifwyd: 212 → 250"
    )
    # The offences' cards are the offences review's, not the roadside's.
    _no_english(page, "session-submitted", besides="#offences-heading ~ ul.card-list")
    _fits_the_phone(page, "session-submitted")

    page.goto("/speedwatch/sessions")
    expect(_heading(page)).to_have_text("Sesiynau")
    expect(page.get_by_role("heading", name="Sesiynau wedi’u huwchlwytho")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="sesiwn.")).to_have_text(
        re.compile(r"^\d+ sesiwn\.$")
    )
    _no_english(page, "sessions")
    _fits_the_phone(page, "sessions")


def test_a_volunteer_reads_a_session_in_welsh_and_back_in_english(page: Page) -> None:
    sign_in(page, "joan@example.org")
    _choose(page, "Cymraeg")
    page.goto("/speedwatch")
    expect(_heading(page)).to_have_text("Gwylio Cyflymder")
    sessions = page.get_by_role("link", name=re.compile(r"^Sesiynau"))
    expect(sessions).to_contain_text("Yr hyn y mae eich cynllun wedi’i gofnodi")
    _no_english(page, "hub-volunteer")
    _fits_the_phone(page, "hub-volunteer")

    sessions.click()
    expect(_heading(page)).to_have_text("Sesiynau")
    expect(page.get_by_role("heading", name="Pob sesiwn", exact=True)).to_be_visible()
    expect(page.get_by_label("Dangos", exact=True)).to_contain_text("Wedi’u cyflwyno")
    _no_english(page, "sessions-volunteer")
    _fits_the_phone(page, "sessions-volunteer")

    page.get_by_role("link", name=HIGH_STREET).first.click()
    expect(_heading(page)).to_have_text(f"Sesiwn yn {HIGH_STREET}")
    expect(page.get_by_text("Wedi'i chyflwyno", exact=True)).to_be_visible()
    expect(
        page.get_by_text(
            "Mae rhifau cofrestru wedi’u cuddio’n rhannol: dim ond cydlynwyr a’r heddlu sy’n "
            "eu gweld yn llawn."
        )
    ).to_be_visible()
    expect(page.get_by_text("AB12 ***")).to_be_visible()
    _no_english(page, "session-volunteer", besides="#offences-heading ~ ul.card-list")
    _fits_the_phone(page, "session-volunteer")

    # The words of the screen change with the switch, without leaving it.
    _choose(page, "English")
    expect(_heading(page)).to_have_text(f"Session at {HIGH_STREET}")
    expect(page.get_by_text("Registrations are partly hidden")).to_be_visible()
    # The session's status (the server's word) as well as the screen's own.
    expect(page.locator(".status-tag")).to_have_text("Submitted")
    expect(page.get_by_role("term").filter(has_text="Submitted")).to_be_visible()
    page.get_by_role("link", name="Sessions", exact=True).click()
    expect(page.get_by_label("Show", exact=True)).to_contain_text("Submitted")
