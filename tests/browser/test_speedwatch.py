"""Community Speedwatch at 360 px: a coordinator logs a session through a dropped
connection, a liaison approves a site and works the letters queue, a volunteer sees
registrations masked, and every speedwatch screen passes axe without sideways scrolling."""

import csv
import io
import re
import subprocess
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Locator, Page, Route, expect

from accounts.models import User
from tests.browser.pages import card, menu, sign_in, status_message
from tests.speedwatch import logged_session
from watch.demo import RISK_OK
from watch.exports import letters
from watch.models import AuditRecord, Offence, Session, Site
from watch.services.sites import site_propose

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

HIGH_STREET = "High Street by the school"
LIAISON = "liaison.cambs@example.org"
COORDINATOR = "david@example.org"
HASLINGFIELD = "Haslingfield Community Speedwatch"
TEAM = ("David Chen", "Joan Patel", "Kevin Doyle")
OFFENCE_UPLOADS = re.compile(r"/api/v1/speedwatch/sessions/[0-9a-f-]+/offences/$")


def past_daylight_hour() -> tuple[datetime, datetime]:
    """10:00 to 11:00 today once that is safely over, else yesterday: in daylight all year,
    in the past, and well within the 48 hours a session may wait to be submitted."""
    now = timezone.localtime()
    day = now.date() if now.time() >= time(11, 15) else now.date() - timedelta(days=1)
    start = timezone.make_aware(datetime.combine(day, time(10, 0)))
    return start, start + timedelta(hours=1)


def local_input(moment: datetime) -> str:
    """The value a datetime-local input takes (the browser runs in Europe/London too)."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def log_offence(page: Page, registration: str, speed: str, **details: str) -> None:
    if details:
        page.get_by_text("Vehicle details and time (optional)").click()
        for label, value in details.items():
            page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Registration", exact=True).fill(registration)
    page.get_by_label("Speed (mph)", exact=True).fill(speed)
    page.get_by_role("button", name="Add offence").click()
    expect(page.get_by_text(re.compile(rf"^Added [A-Z0-9 ]+ at {speed} mph\.$"))).to_be_visible()
    # Focus goes back to the registration, ready for the next car.
    expect(page.get_by_label("Registration", exact=True)).to_be_focused()


def logged_entry(page: Page, registration: str):
    return page.get_by_role("listitem").filter(has_text=registration)


def lose_the_answer(route: Route) -> None:
    """The upload reaches Patchwatch, but the signal drops before the answer comes back."""
    route.fetch()
    route.abort("internetdisconnected")


def test_coordinator_logs_a_session_through_a_dropped_connection(
    page: Page, context: BrowserContext
) -> None:
    start, end = past_daylight_hour()
    sign_in(page, "david@example.org")
    menu(page).get_by_role("link", name="Speedwatch").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Speedwatch")
    page.get_by_role("link", name="Start a session").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Start a session")
    page.get_by_label("Site", exact=True).select_option(label=f"{HIGH_STREET} (30 mph)")
    for name in TEAM:
        page.get_by_label(name, exact=True).check()
    page.get_by_label("Start", exact=True).fill(local_input(start))
    page.get_by_label("End", exact=True).fill(local_input(end))
    page.get_by_label("Device name", exact=True).fill("Kustom Falcon HR")
    page.get_by_label("Serial number", exact=True).fill("FHR-20417")
    page.get_by_label("Last accuracy check", exact=True).fill(
        (start.date() - timedelta(days=30)).isoformat()
    )
    page.get_by_role("button", name="Start session").click()

    expect(status_message(page, f"Session started at {HIGH_STREET}.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Session at {HIGH_STREET}")
    log_offence(page, "ab12 cde", "41", Make="Ford", Colour="Blue")
    log_offence(page, "KX19LMN", "38")
    # Under the threshold for a 30 mph limit: refused on the phone, before any upload.
    page.get_by_label("Registration", exact=True).fill("EF70GHJ")
    page.get_by_label("Speed (mph)", exact=True).fill("33")
    page.get_by_role("button", name="Add offence").click()
    expect(page.get_by_text("33 mph is under the 35 mph threshold")).to_be_visible()
    page.get_by_label("Registration", exact=True).fill("")
    page.get_by_label("Speed (mph)", exact=True).fill("")
    expect(status_message(page, "Everything logged so far is uploaded.")).to_be_visible()

    session = Session.objects.get(started_at=start)
    assert session.offences.count() == 2

    context.set_offline(True)
    log_offence(page, "Y123 ABC", "36")
    expect(status_message(page, "Offline — 1 entry waiting to upload.")).to_be_visible()
    expect(logged_entry(page, "Y123 ABC")).to_contain_text("Waiting to upload")
    expect(page.get_by_role("heading", name="Offences logged (3)")).to_be_visible()
    assert session.offences.count() == 2

    # The signal comes back, but too weakly to hear the answer: Patchwatch stores the
    # offence while the phone still counts it as waiting.
    page.route(OFFENCE_UPLOADS, lose_the_answer)
    context.set_offline(False)
    expect(status_message(page, "Patchwatch cannot be reached — 1 entry waiting")).to_be_visible()
    assert session.offences.count() == 3

    # A reload keeps the entry (it is on the phone, not just in the page) ...
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Session at {HIGH_STREET}")
    expect(page.get_by_role("heading", name="Offences logged (3)")).to_be_visible()
    expect(logged_entry(page, "Y123 ABC")).to_contain_text("Waiting to upload")
    # The screen tried again on opening, and lost that answer too.
    expect(status_message(page, "Patchwatch cannot be reached — 1 entry waiting")).to_be_visible()

    # ... and uploading it again once the signal is good adds nothing twice.
    page.unroute_all(behavior="wait")
    page.get_by_role("button", name="Upload now").click()
    expect(status_message(page, "Everything logged so far is uploaded.")).to_be_visible()
    expect(logged_entry(page, "Y123 ABC")).to_contain_text("Uploaded")
    expect(page.get_by_role("listitem").filter(has_text="Waiting to upload")).to_have_count(0)
    assert session.offences.count() == 3

    page.get_by_label("Total vehicles", exact=True).fill("212")
    page.get_by_role("button", name="Submit session").click()
    page.get_by_role("button", name="Submit", exact=True).click()
    expect(status_message(page, "Session submitted.")).to_be_visible()
    expect(page.get_by_text("Submitted", exact=True).first).to_be_visible()
    expect(page.get_by_role("heading", name="Offences (3)")).to_be_visible()

    assert Session.objects.filter(started_at=start).count() == 1
    session = Session.objects.select_related("site", "submitted_by").get(started_at=start)
    assert (
        session.site.name,
        session.status,
        session.submitted_by.email,
        session.ended_at,
        session.vehicles_counted,
        session.device_name,
        session.device_serial,
        session.device_checked_on,
        session.volunteer_minutes,
    ) == (
        HIGH_STREET,
        "submitted",
        "david@example.org",
        end,
        212,
        "Kustom Falcon HR",
        "FHR-20417",
        start.date() - timedelta(days=30),
        180,
    )
    assert sorted(session.present.values_list("name", flat=True)) == list(TEAM)
    offences = session.offences.order_by("registration")
    assert list(offences.values_list("registration", "speed_mph", "make", "colour")) == [
        ("AB12CDE", 41, "Ford", "Blue"),
        ("KX19LMN", 38, "", ""),
        ("Y123ABC", 36, "", ""),
    ]
    assert all(start <= offence.observed_at <= end for offence in offences)
    # Nothing is left on the phone once the session is submitted.
    assert page.evaluate("() => Object.keys(localStorage).filter(k => k.includes('drafts'))") == []


def test_liaison_approves_a_site_and_downloads_the_letters(page: Page) -> None:
    sign_in(page, "liaison.cambs@example.org")
    menu(page).get_by_role("link", name="Speedwatch").click()
    page.get_by_role("link", name="Sites to review").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Sites")
    fountain_lane = card(page, "Fountain Lane")
    expect(fountain_lane).to_contain_text("Waiting for approval")
    expect(fountain_lane).to_contain_text("20 mph (offences from 24 mph)")
    fountain_lane.get_by_role("button", name="Approve").click()
    # The card stays where it was, saying what was decided, until the list is shown again.
    expect(fountain_lane.get_by_role("status")).to_have_text(
        "Fountain Lane is approved: its scheme can hold sessions there."
    )
    expect(fountain_lane).to_contain_text("Approved")
    expect(fountain_lane.get_by_role("button", name="Approve")).to_have_count(0)
    expect(page.get_by_role("status").filter(has_text="sites:")).to_have_text(
        "0 sites: waiting for approval."
    )
    site = Site.objects.select_related("decided_by").get(name="Fountain Lane")
    assert (site.status, site.decided_by.email) == ("approved", "liaison.cambs@example.org")

    menu(page).get_by_role("link", name="Speedwatch").click()
    page.get_by_role("link", name="Letters").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Letters")
    expect(page.get_by_role("status").filter(has_text="10 letters.")).to_be_visible()

    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Download CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(csv_download.value.path()).read_text("utf-8-sig"))))
    assert list(rows[0]) == letters.CSV_COLUMNS
    # One row a letter: each vehicle's offences at one stage go on one letter, and the ten
    # offences waiting are all on some letter, once.
    offence_ids = [offence_id for row in rows for offence_id in row["offence_ids"].split()]
    assert len(offence_ids) == len(set(offence_ids)) == 10
    assert len({(row["registration"], row["stage"]) for row in rows}) == len(rows)
    assert sorted(row["stage"] for row in rows if row["registration"] == "AB12 CDE") == [
        "first_letter",
        "police_action",
        "second_letter",
    ]

    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Download PDF").click()
    assert Path(pdf_download.value.path()).read_bytes().startswith(b"%PDF")

    # The oldest letter comes first: the Ford Focus's first one, 40 days ago.
    page.get_by_role("checkbox", name=re.compile(r"^Select AB12 CDE, 37 mph")).check()
    expect(page.get_by_text("1 selected")).to_be_visible()
    page.get_by_role("button", name="Mark as sent").click()
    expect(status_message(page, "1 letter marked as sent.")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="letters.")).to_have_text("9 letters.")
    expect(
        page.get_by_role("checkbox", name=re.compile(r"^Select AB12 CDE, 37 mph"))
    ).to_have_count(0)
    sent = Offence.objects.filter(action_status="sent").select_related("action_updated_by")
    assert [
        (offence.registration, offence.speed_mph, offence.action, offence.action_updated_by.email)
        for offence in sent
    ] == [("AB12CDE", 37, "first_letter", "liaison.cambs@example.org")]


def open_site_popup(page: Page, status: str) -> Locator:
    """Tap the one dot of a site with this status on the sites map; its popup."""
    page.locator(f".site-marker--{status}").click()
    popup = page.locator(".leaflet-popup")
    expect(popup).to_be_visible()
    return still(page, popup)


def still(page: Page, popup: Locator) -> Locator:
    """The popup, once the map has stopped moving it. Leaflet pans the map to show the
    whole popup, when it opens and when it grows (a reason form opening in it), an
    animation: a tap aimed at a button while it moves lands on the map, which closes the
    popup (as it would for a person)."""
    previous = popup.bounding_box()
    for _ in range(50):
        page.wait_for_timeout(100)
        current = popup.bounding_box()
        if current == previous:
            return popup
        previous = current
    raise AssertionError("The map was still moving after five seconds.")


def test_liaison_decides_on_sites_from_the_map(page: Page) -> None:
    sign_in(page, LIAISON)
    menu(page).get_by_role("link", name="Speedwatch").click()
    page.get_by_role("link", name="Sites to review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sites")
    expect(page.get_by_text("Tap a dot to approve, reject or suspend its site;")).to_be_visible()

    popup = open_site_popup(page, "proposed")
    expect(popup.locator(".site-popup p")).to_have_text(
        ["Fountain Lane", "Fountain Lane, 20 mph", "Waiting for approval"]
    )
    popup.get_by_role("button", name="Approve").click()
    # The popup goes with the decision, which is said just below the map.
    expect(page.locator(".leaflet-popup")).to_have_count(0)
    expect(page.locator(".map-frame").get_by_role("status")).to_have_text(
        "Fountain Lane is approved: its scheme can hold sessions there."
    )
    expect(page.get_by_role("status").filter(has_text="sites:")).to_have_text(
        "0 sites: waiting for approval."
    )
    expect(card(page, "Fountain Lane")).to_contain_text("Approved")
    site = Site.objects.select_related("decided_by").get(name="Fountain Lane")
    assert (site.status, site.decided_by.email) == ("approved", LIAISON)

    # Another proposal, rejected from its popup: the reason is asked for there.
    haslingfield = Site.objects.get(name=HIGH_STREET).scheme
    site_propose(
        scheme=haslingfield,
        actor=User.objects.get(email=COORDINATOR),
        data={
            "name": "Cantelupe Road bend",
            "road_name": "Cantelupe Road",
            "lat": 52.1510,
            "lon": 0.0530,
            "speed_limit_mph": 30,
            "direction": "both",
            "notes": "",
            "risk_assessment": RISK_OK,
        },
    )
    page.reload()
    popup = open_site_popup(page, "proposed")
    expect(popup.locator(".site-popup__name")).to_have_text("Cantelupe Road bend")
    popup.get_by_role("button", name="Reject").click()
    expect(popup.get_by_label("Reason", exact=True)).to_be_focused()
    still(page, popup).get_by_role("button", name="Reject").click()
    expect(popup.get_by_text("Say why, so the coordinator can put it right.")).to_be_visible()
    popup.get_by_label("Reason", exact=True).fill("The bend hides the volunteers from drivers")
    still(page, popup).get_by_role("button", name="Reject").click()
    expect(
        status_message(
            page, "Cantelupe Road bend is rejected. The coordinators will see your reason."
        )
    ).to_be_visible()
    rejected = Site.objects.get(name="Cantelupe Road bend")
    assert (rejected.status, rejected.decision_reason) == (
        "rejected",
        "The bend hides the volunteers from drivers",
    )


def test_offence_entry_warns_with_the_servers_threshold(
    page: Page, draft_session: Session, settings
) -> None:
    # Not police guidance's 35 in a 30: a force that adds 5 mph, not 2, starts at 38.
    settings.SPEEDWATCH_THRESHOLD_EXTRA_MPH = 5
    sign_in(page, COORDINATOR)
    page.goto("/speedwatch/sites")
    expect(card(page, HIGH_STREET)).to_contain_text("30 mph (offences from 38 mph)")

    page.goto(f"/speedwatch/sessions/{draft_session.pk}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Session at {HIGH_STREET}")
    expect(page.locator(".session-summary")).to_contain_text("30 mph limit: offences from 38 mph.")
    expect(page.get_by_text("38 mph or more.", exact=True)).to_be_visible()
    page.get_by_label("Registration", exact=True).fill("AB12CDE")
    page.get_by_label("Speed (mph)", exact=True).fill("37")
    page.get_by_role("button", name="Add offence").click()
    # "Error: " is there for screen readers, hidden on screen.
    expect(page.locator(".offence-form .field-error")).to_have_text(
        "Error: 37 mph is under the 38 mph threshold for a 30 mph limit: "
        "only speeds of 38 mph or more are offences."
    )
    expect(page.get_by_label("Speed (mph)", exact=True)).to_be_focused()

    # Models are suggested for the make typed.
    page.get_by_text("Vehicle details and time (optional)").click()
    page.get_by_label("Make", exact=True).fill("ford")
    models = page.locator("#offence-models option")
    expect(models.first).to_have_attribute("value", "Fiesta")
    assert "Focus" in models.evaluate_all("options => options.map(o => o.value)")
    page.get_by_label("Make", exact=True).fill("Vauxhall")
    expect(models.first).to_have_attribute("value", "Corsa")

    page.get_by_label("Make", exact=True).fill("Ford")
    page.get_by_label("Model", exact=True).fill("Focus")
    page.get_by_label("Colour", exact=True).fill("Blue")
    log_offence(page, "AB12CDE", "38")
    expect(status_message(page, "Everything logged so far is uploaded.")).to_be_visible()
    expect(page.get_by_role("heading", name="Offences logged (1)")).to_be_visible()
    assert list(
        draft_session.offences.values_list("registration", "speed_mph", "make", "model", "colour")
    ) == [("AB12CDE", 38, "Ford", "Focus", "Blue")]


def test_site_form_offers_the_servers_speed_limits(page: Page, settings) -> None:
    settings.SPEEDWATCH_ALLOWED_LIMITS_MPH = [20, 30, 50]
    sign_in(page, COORDINATOR)
    page.goto("/speedwatch/sites/new")
    limits = page.get_by_role("group", name="Speed limit", exact=True)
    expect(limits.locator(".field-hint")).to_have_text(
        "Speedwatch runs on 20, 30 and 50 mph roads."
    )
    expect(limits.locator("label")).to_have_text(["20 mph", "30 mph", "50 mph"])
    limits.get_by_label("50 mph", exact=True).check()
    # 50 + 10% + 2 mph, as the server reckons it.
    expect(limits.locator(".field-hint")).to_have_text("Offences from 57 mph.")


def test_session_forms_follow_the_servers_session_rules(
    page: Page, draft_session: Session, settings
) -> None:
    # A force stricter on time and devices than police guidance, and content with two present.
    settings.SPEEDWATCH_MIN_MEMBERS_PRESENT = 2
    settings.SPEEDWATCH_SESSION_MAX_HOURS = 3
    settings.SPEEDWATCH_DEVICE_CHECK_MAX_AGE_DAYS = 180
    settings.SPEEDWATCH_SUBMIT_WITHIN_HOURS = 72
    before = Session.objects.count()
    sign_in(page, COORDINATOR)
    page.goto("/speedwatch/sessions/new")
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a session")
    page.get_by_label("Site", exact=True).select_option(label=f"{HIGH_STREET} (30 mph)")
    present = page.get_by_role("group", name="Who is present", exact=True)
    # The coordinator starting the session is ticked already.
    expect(present.locator(".field-hint")).to_have_text(
        "At least 2 members of the scheme must be there. 1 ticked."
    )
    expect(page.get_by_role("group", name="When", exact=True).locator(".field-hint")).to_have_text(
        "In daylight, for at most 3 hours. Filled in as the last hour: change it to when you were "
        "at the roadside. Still under way? Enter when you plan to finish; entries upload once it "
        "ends."
    )
    expect(page.get_by_label("Last accuracy check", exact=True)).to_have_accessible_description(
        "Within the last 180 days."
    )

    start, _ = past_daylight_hour()
    page.get_by_label("Start", exact=True).fill(local_input(start))
    page.get_by_label("End", exact=True).fill(local_input(start + timedelta(hours=3, minutes=30)))
    page.get_by_label("Last accuracy check", exact=True).fill(
        (start.date() - timedelta(days=181)).isoformat()
    )
    page.get_by_role("button", name="Start session").click()
    # Refused on the phone, before any upload.
    expect(present.locator(".field-error")).to_have_text(
        "Error: Tick at least 2 members present; 1 ticked."
    )
    expect(page.get_by_label("End", exact=True)).to_have_accessible_description(
        "Error: A session lasts at most 3 hours."
    )
    expect(page.get_by_label("Last accuracy check", exact=True)).to_have_accessible_description(
        "Within the last 180 days. "
        "Error: The last accuracy check is older than 180 days: have the device checked first."
    )
    assert Session.objects.count() == before

    page.goto(f"/speedwatch/sessions/{draft_session.pk}")
    submit = page.get_by_role("region", name="Submit", exact=True)
    expect(submit.locator("p").first).to_have_text(
        "Submit within 72 hours of the end. The police liaison then writes to the keepers. "
        "After that the session cannot be changed, only corrected with a recorded reason."
    )


def test_statistics_for_one_site(page: Page) -> None:
    sign_in(page, LIAISON)
    page.goto("/speedwatch/statistics")
    expect(page.get_by_role("heading", level=1)).to_have_text("Statistics")
    site = page.get_by_label("Site", exact=True)
    expect(site.locator("option")).to_have_text(
        [
            "All sites",
            f"Barton Road entrance ({HASLINGFIELD})",
            f"High Street by the school ({HASLINGFIELD})",
            "Station Road by the green (Histon & Impington Speedwatch)",
        ]
    )
    site.select_option(label=f"High Street by the school ({HASLINGFIELD})")
    page.get_by_role("button", name="Show statistics").click()
    high_street = Site.objects.get(name=HIGH_STREET)
    expect(page).to_have_url(re.compile(rf"/speedwatch/statistics\?site={high_street.pk}$"))
    totals = page.locator(".figures__item")
    # The two High Street sessions of the demo: 212 + 195 vehicles, 3 + 3 offences.
    expect(totals.filter(has_text="Sessions").locator("dd")).to_have_text("2")
    expect(totals.filter(has_text="Vehicles counted").locator("dd")).to_have_text("407")
    expect(totals.filter(has=page.get_by_text("Offences", exact=True)).locator("dd")).to_have_text(
        "6"
    )
    # Choosing a scheme lists only its sites (Fountain Lane has held no session).
    page.get_by_label("Scheme", exact=True).select_option(label=HASLINGFIELD)
    expect(site.locator("option")).to_have_text(
        ["All sites", "Barton Road entrance", "High Street by the school"]
    )
    expect(site).to_have_value(str(high_street.pk))


def test_liaison_downloads_a_vehicles_offences(page: Page) -> None:
    sign_in(page, "liaison.cambs@example.org")
    page.goto("/speedwatch/offences")
    expect(page.get_by_role("heading", level=1)).to_have_text("Offences")
    page.get_by_label("Registration", exact=True).fill("ab12 cde")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("status").filter(has_text="offences")).to_have_text(
        "3 offences for AB12 CDE."
    )
    with page.expect_download() as download:
        page.get_by_role("link", name="Download all 3 as CSV").click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text("utf-8-sig"))))
    column = rows[0].index
    assert [row[column("registration")] for row in rows[1:]] == ["AB12CDE"] * 3
    # Oldest first, as the escalation went: two letters, then the police.
    assert [row[column("action")] for row in rows[1:]] == [
        "first_letter",
        "second_letter",
        "police_action",
    ]
    exported = AuditRecord.objects.get(action="offences_csv")
    assert (exported.actor.email, exported.rows, exported.detail) == (
        "liaison.cambs@example.org",
        3,
        {"registration": "AB12CDE"},
    )


def test_a_long_offences_list_says_more_than_it_counts_and_shows_every_page(
    page: Page, settings
) -> None:
    # The demo's eleven offences and nineteen more, with the lists counted only as far as 25.
    settings.LIST_COUNT_CAP = 25
    people = Site.objects.get(name=HIGH_STREET).scheme.memberships.filter(status="active")
    team = [membership.user for membership in people.select_related("user").order_by("user__name")]
    plates = [(f"KX{10 + n}LMN", 41) for n in range(19)]
    logged_session(Site.objects.get(name=HIGH_STREET), team, offences=plates)
    sign_in(page, LIAISON)
    page.goto("/speedwatch/offences")
    count = page.get_by_role("status").filter(has_text="offences")
    expect(count).to_have_text("More than 25 offences.")
    expect(page.get_by_role("link", name="Download them all as CSV")).to_be_visible()
    expect(page.locator(".show-more__count")).to_have_text("Showing 20 of more than 25 offences")
    page.get_by_role("button", name="Show more").click()
    # The last page ends the list, so its count is exact.
    expect(count).to_have_text("30 offences.")
    expect(page.locator(".card-list > li")).to_have_count(30)
    expect(page.get_by_role("button", name="Show more")).to_have_count(0)
    expect(page.get_by_role("link", name="Download all 30 as CSV")).to_be_visible()


def test_liaison_adds_keepers_addresses_from_the_letters_csv(page: Page, tmp_path) -> None:
    sign_in(page, LIAISON)
    page.goto("/speedwatch/letters")
    expect(page.get_by_role("status").filter(has_text="10 letters.")).to_be_visible()
    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Download CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(csv_download.value.path()).read_text("utf-8-sig"))))
    # The lookup found one keeper; the postcode of a second is missing.
    rows[0].update(
        keeper_name="Gwen Ap Rhys", address_line_1="12 Heol yr Eglwys", postcode="cb23 7ez"
    )
    filled = tmp_path / "letters-filled.csv"

    def write() -> None:
        with filled.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)

    rows[1].update(keeper_name="Lease Co Ltd", address_line_1="Unit 4")
    write()
    upload = page.get_by_label("Letters CSV with keepers filled in")
    upload.set_input_files(str(filled))
    page.get_by_role("button", name="Upload addresses").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Row 2, postcode: This field may not be blank."
    )
    rows[1].update(keeper_name="", address_line_1="")
    write()
    upload.set_input_files(str(filled))
    page.get_by_role("button", name="Upload addresses").click()
    stored = re.compile(r"names and addresses stored for 1 letter, and kept for 30 days")
    expect(page.get_by_role("status").filter(has_text=stored)).to_be_visible()
    page.screenshot(path=str(tmp_path / "keepers.png"))
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Download PDF").click()
    text = subprocess.run(
        ["pdftotext", "-layout", pdf_download.value.path(), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    first = next(page for page in text.split("\f") if rows[0]["reference"] in page)
    assert "Dear Gwen Ap Rhys," in first
    assert "CB23 7EZ" in first


def test_volunteer_sees_registrations_masked(page: Page) -> None:
    sign_in(page, "joan@example.org")
    menu(page).get_by_role("link", name="Speedwatch").click()
    page.get_by_role("link", name="Sessions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sessions")
    page.get_by_role("link", name=HIGH_STREET).first.click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Session at {HIGH_STREET}")
    expect(page.get_by_text(HASLINGFIELD)).to_be_visible()
    expect(page.get_by_text("AB12 ***")).to_be_visible()
    text = page.locator("body").inner_text()
    assert "AB12CDE" not in text
    assert "AB12 CDE" not in text
    # Nor anything about letters, which volunteers are not told.
    assert "letter" not in text.lower()


@pytest.fixture
def draft_session(demo: None) -> Session:
    """A session at High Street still being logged: yesterday mid-morning, no offences yet."""
    people = Site.objects.get(name=HIGH_STREET).scheme.memberships.filter(status="active")
    team = [membership.user for membership in people.select_related("user").order_by("user__name")]
    return logged_session(Site.objects.get(name=HIGH_STREET), team, submit=False)
