"""A liaison's review at 360 px: finding a coordinator's registration search in the audit and
exporting it, reviewing a site on its own page, a statistics period that ends before it
starts, and offences of a draft session that show no letter."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.pages import card, sign_in, status_message
from tests.browser.test_accessibility import PHONE_WIDTH
from tests.speedwatch import logged_session
from watch.models import AuditRecord, Site

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

LIAISON = "liaison.cambs@example.org"
COORDINATOR = "david@example.org"
HASLINGFIELD = "Haslingfield Community Speedwatch"
HISTON = "Histon & Impington Speedwatch"
HIGH_STREET = "High Street by the school"


def switch_user(page: Page, email: str) -> None:
    """Someone else picks up the phone: a fresh sign-in, nothing kept from the last one."""
    page.context.clear_cookies()
    sign_in(page, email)


def uk_time(moment) -> str:
    """How the app writes a moment: "6 Dec 2026, 10:32" in UK time (en-GB's "Sept")."""
    local = timezone.localtime(moment)
    month = "Sept" if local.month == 9 else local.strftime("%b")
    return f"{local.day} {month} {local.year}, {local:%H:%M}"


def test_a_liaison_finds_a_coordinators_registration_search_and_exports_it(page: Page) -> None:
    # David, a coordinator, looks a car up by its registration: that search is recorded.
    sign_in(page, COORDINATOR)
    page.goto("/speedwatch/offences")
    page.get_by_label("Registration", exact=True).fill("ab12 cde")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("status").filter(has_text="offences")).to_have_text(
        "3 offences for AB12 CDE."
    )
    search = AuditRecord.objects.get(action="registration_search")
    assert (search.actor.email, search.detail, search.rows) == (
        COORDINATOR,
        {"registration": "AB12CDE"},
        3,
    )

    # The liaison opens the audit from the Speedwatch screen.
    switch_user(page, LIAISON)
    page.goto("/speedwatch")
    page.get_by_role("link", name=re.compile(r"^Registration audit")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registration audit")
    expect(page.get_by_role("status").filter(has_text="record")).to_have_text("1 record.")

    # Narrowed to David and to Haslingfield, his search is there with the plate and the time.
    page.get_by_label("Person", exact=True).fill("David")
    page.get_by_label("Scheme", exact=True).select_option(label=HASLINGFIELD)
    page.get_by_role("button", name="Show records").click()
    haslingfield = Site.objects.get(name=HIGH_STREET).scheme
    expect(page).to_have_url(
        re.compile(rf"/speedwatch/audit\?scheme={haslingfield.pk}&person=David$")
    )
    expect(page.get_by_role("status").filter(has_text="record")).to_have_text("1 record.")
    entry = page.get_by_role("article").filter(has_text="David Chen")
    expect(entry).to_contain_text("Searched by registration: AB12 CDE")
    expect(entry.locator("dt")).to_have_text(["When", "Schemes", "Offences"])
    expect(entry.locator("dd")).to_have_text([uk_time(search.at), f"{HASLINGFIELD}, {HISTON}", "3"])

    # Someone else's name finds nothing.
    page.get_by_label("Person", exact=True).fill("Rachel")
    page.get_by_role("button", name="Show records").click()
    expect(page.get_by_text("No searches or exports match these filters.")).to_be_visible()
    page.go_back()
    expect(page.get_by_role("status").filter(has_text="record")).to_have_text("1 record.")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download this record (CSV)").click()
    assert download.value.suggested_filename == (
        f"speedwatch-audit-{timezone.localdate().isoformat()}.csv"
    )
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text("utf-8-sig"))))
    histon = Site.objects.get(name="Station Road by the green").scheme
    assert rows == [
        [
            "time",
            "person",
            "action",
            "registration",
            "scheme_ids",
            "schemes",
            "force",
            "rows",
            "filters",
        ],
        [
            timezone.localtime(search.at).isoformat(timespec="seconds"),
            "David Chen",
            "registration_search",
            "AB12CDE",
            f"{haslingfield.pk} {histon.pk}",
            f"{HASLINGFIELD}; {HISTON}",
            "cambridgeshire",
            "3",
            "",
        ],
    ]
    # Taking the audit away is itself recorded, with the filters used.
    exported = AuditRecord.objects.get(action="audit_csv")
    assert (exported.actor.email, exported.detail, exported.rows) == (
        LIAISON,
        {"scheme": str(haslingfield.pk), "person": "David"},
        1,
    )


def test_the_audit_keeps_a_period_that_ends_before_it_starts_at_the_to_field(
    page: Page,
) -> None:
    sign_in(page, LIAISON)
    page.goto("/speedwatch/audit")
    page.get_by_label("From", exact=True).fill("2026-03-10")
    to = page.get_by_label("To", exact=True)
    to.fill("2026-03-02")
    page.get_by_role("button", name="Show records").click()
    expect(to).to_be_focused()
    expect(to).to_have_attribute("aria-invalid", "true")
    expect(to).to_have_accessible_description(
        "Up to and including this day. Error: Choose a “To” day on or after the “From” day."
    )
    expect(page).to_have_url(re.compile(r"/speedwatch/audit$"))
    # A period in the address, as a link might carry it, is refused by the server at the field.
    page.goto("/speedwatch/audit?since=2026-03-10&until=2026-03-02")
    expect(page.get_by_label("To", exact=True)).to_have_accessible_description(
        "Up to and including this day. Error: The end must come after the start."
    )


def test_statistics_say_at_the_to_field_when_the_period_ends_before_it_starts(
    page: Page,
) -> None:
    sign_in(page, LIAISON)
    page.goto("/speedwatch/statistics")
    expect(page.get_by_role("heading", name="Totals")).to_be_visible()
    page.get_by_label("From", exact=True).fill("2026-03-10")
    to = page.get_by_label("To", exact=True)
    to.fill("2026-03-09")
    page.get_by_role("button", name="Show statistics").click()
    expect(to).to_be_focused()
    expect(to).to_have_accessible_description(
        "Up to and including this day. Error: Choose a “To” day on or after the “From” day."
    )
    expect(page).to_have_url(re.compile(r"/speedwatch/statistics$"))
    # Mending the period clears the error; the same day twice is one whole day.
    to.fill("2026-03-10")
    expect(to).not_to_have_attribute("aria-invalid", "true")
    page.get_by_role("button", name="Show statistics").click()
    expect(page).to_have_url(re.compile(r"since=2026-03-10&until=2026-03-10$"))
    expect(page.get_by_role("heading", name="Totals")).to_be_visible()
    # The server's own refusal, for a period in the address, is tied to the field too.
    page.goto("/speedwatch/statistics?since=2026-03-10&until=2026-03-01")
    expect(page.get_by_label("To", exact=True)).to_have_accessible_description(
        "Up to and including this day. Error: The end must come after the start."
    )
    expect(page.get_by_role("heading", name="Totals")).to_have_count(0)


def test_a_liaison_reviews_a_site_on_its_own_page(page: Page) -> None:
    sign_in(page, LIAISON)
    page.goto("/speedwatch/sites?status=proposed")
    fountain_lane = card(page, "Fountain Lane")
    expect(fountain_lane).to_contain_text("ProposedDavid Chen, ")
    expect(fountain_lane).to_contain_text("There is a safe place to stand, off the carriageway.")
    fountain_lane.get_by_role("link", name="Fountain Lane").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Fountain Lane")
    expect(page.get_by_role("region", name="Map of Fountain Lane, Fountain Lane")).to_be_visible()
    risk = page.locator(".risk-answers__item")
    expect(risk).to_have_count(4)
    expect(risk.locator("dd")).to_have_text(["Yes", "Yes", "Yes", "Yes"])
    history = page.get_by_role("region", name="History")
    expect(history.get_by_role("listitem")).to_have_count(1)
    expect(history.get_by_role("listitem")).to_contain_text("Proposed")
    expect(history.get_by_role("listitem")).to_contain_text("by David Chen")

    decision = page.get_by_role("region", name="Your decision")
    decision.get_by_role("button", name="Approve").click()
    expect(
        status_message(page, "Fountain Lane is approved: its scheme can hold sessions there.")
    ).to_be_visible()
    expect(page.locator(".status-tag").first).to_have_text("Approved")
    # What may be done next comes with the site: suspending it, with a reason.
    expect(decision.get_by_role("button", name="Suspend")).to_be_visible()
    expect(decision.get_by_role("button", name="Approve")).to_have_count(0)
    expect(history.get_by_role("listitem")).to_have_count(2)
    expect(history.get_by_role("listitem").first).to_contain_text("Approved (was proposed)")
    expect(history.get_by_role("listitem").first).to_contain_text("by PCSO Priya Shah")
    site = Site.objects.select_related("decided_by").get(name="Fountain Lane")
    assert (site.status, site.decided_by.email) == ("approved", LIAISON)

    # The coordinator sees the same page, without the liaison's buttons.
    switch_user(page, COORDINATOR)
    page.goto(f"/speedwatch/sites/{site.pk}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Fountain Lane")
    expect(page.get_by_role("link", name="Start a session here")).to_be_visible()
    expect(page.get_by_role("heading", name="Your decision")).to_have_count(0)
    expect(page.get_by_role("button", name="Suspend")).to_have_count(0)


def test_offences_of_a_draft_session_show_no_letter(page: Page) -> None:
    high_street = Site.objects.get(name=HIGH_STREET)
    team = [m.user for m in high_street.scheme.memberships.filter(status="active")]
    draft = logged_session(high_street, team, offences=[("AB12CDE", 41)], submit=False)
    sign_in(page, LIAISON)
    page.goto("/speedwatch/offences?registration=AB12CDE")
    expect(page.get_by_role("status").filter(has_text="offences")).to_have_text(
        "4 offences for AB12 CDE."
    )
    drafted = page.get_by_role("article").filter(has_text="41 mph")
    expect(drafted).to_contain_text("Session not submitted yet")
    expect(drafted.get_by_text("Action", exact=True)).to_have_count(0)
    expect(drafted.get_by_role("button", name="Record a dispute")).to_have_count(0)
    # The submitted ones keep their letters.
    expect(page.get_by_role("article").filter(has_text="37 mph")).to_contain_text(
        "First letter: waiting"
    )

    page.goto(f"/speedwatch/sessions/{draft.pk}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Session at {HIGH_STREET}")
    expect(
        page.get_by_text("This session is still being logged by its coordinator.")
    ).to_be_visible()
    offence = page.get_by_role("article").filter(has_text="41 mph")
    expect(offence).to_be_visible()
    assert "letter" not in offence.inner_text().lower()
    assert "police action" not in offence.inner_text().lower()


def test_the_review_screens_fit_a_phone(page: Page) -> None:
    sign_in(page, LIAISON)
    fountain_lane = Site.objects.get(name="Fountain Lane")
    widths = {}
    for path, loaded in [
        ("/speedwatch/audit", "0 records."),
        ("/speedwatch/audit?since=2026-03-10&until=2026-03-02", "The end must come after"),
        (f"/speedwatch/sites/{fountain_lane.pk}", "Your decision"),
        ("/speedwatch/sites?status=proposed", "History: who proposed and decided it"),
        ("/review", "Nina Kowalski"),
    ]:
        page.goto(path)
        expect(page.get_by_role("main").get_by_text(loaded).first).to_be_visible()
        expect(page.get_by_role("status").filter(has_text=re.compile(r"^Loading"))).to_have_count(0)
        widths[path] = page.evaluate("() => document.documentElement.scrollWidth")
    assert {path: width for path, width in widths.items() if width > PHONE_WIDTH} == {}
