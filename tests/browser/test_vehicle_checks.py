"""Vehicle checks with the DVLA at 360 px, against a local server speaking its API
(tests/fake_dvla.py).

At the roadside: a coordinator logging an offence is told at once, above the registration
where focus returns for the next car, when the DVLA has another vehicle with that
registration or none at all; when the DVLA fails or cannot be reached, the offence is kept
and uploaded all the same and the phone says only that the vehicle is checked later; logged
without a signal, it is checked once it reaches Patchwatch.

On the letters screen: the demo's offence held back from the letters batch for its vehicle,
where the liaison sees why, with what was recorded beside the DVLA's record, and confirms it
as recorded, after which it is in the batch."""

import re
from collections.abc import Iterator
from datetime import datetime

import pytest
from django.db.models import QuerySet
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.browser.pages import sign_in, status_message
from tests.browser.test_accessibility import serious_violations
from tests.browser.test_offline import fill_session_form
from tests.browser.test_speedwatch import HIGH_STREET, logged_entry, past_daylight_hour
from tests.fake_dvla import FakeDvla
from watch.models import Offence
from watch.registrations import display_registration

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

LIAISON = "liaison.cambs@example.org"
COORDINATOR = "david@example.org"  # Haslingfield Community Speedwatch
LOOKUPS = re.compile(r"/api/v1/speedwatch/vehicle-checks/$")
WHAT_TO_DO = (
    "Look at the plate again. If it was misread, remove this offence below and log it again. "
    "No letter is sent for it until it is confirmed or corrected."
)


@pytest.fixture
def dvla(settings) -> Iterator[FakeDvla]:
    """The local DVLA, and the settings that point the live server at it."""
    server = FakeDvla().start()
    settings.DVLA_VES_API_KEY = server.api_key
    settings.DVLA_VES_URL = server.url
    server.add("AB12CDE", "FORD", "BLUE")
    server.add("AB12CDF", "VAUXHALL", "RED")
    yield server
    server.stop()


def start_session(page: Page) -> datetime:
    """Start a session at the High Street as its coordinator; returns when it starts."""
    start, _ = past_daylight_hour()
    sign_in(page, COORDINATOR)
    page.goto("/speedwatch/sessions/new")
    fill_session_form(page, start)
    page.get_by_role("button", name="Start session").click()
    expect(status_message(page, f"Session started at {HIGH_STREET}.")).to_be_visible()
    return start


def logged(start: datetime) -> QuerySet[Offence]:
    """The offences stored of the session started at ``start`` (the demo has others with
    these registrations)."""
    return Offence.objects.filter(session__started_at=start)


def vehicle_notice(page: Page) -> Locator:
    """What the DVLA said of the plate just logged: a live region at the top of the form,
    empty when there is nothing to say."""
    return page.locator("form.offence-form .vehicle-check")


def add_offence(
    page: Page, registration: str, speed: str, make: str = "", colour: str = ""
) -> None:
    """Log an offence as at the roadside, the make and colour under the form's details (left
    open once opened, as a coordinator recording them for every car would)."""
    details = page.locator("details.offence-form__more")
    if (make or colour) and details.get_attribute("open") is None:
        details.locator("summary").click()
    if make:
        page.get_by_label("Make", exact=True).fill(make)
    if colour:
        page.get_by_label("Colour", exact=True).fill(colour)
    page.get_by_label("Registration", exact=True).fill(registration)
    page.get_by_label("Speed (mph)", exact=True).fill(speed)
    page.get_by_role("button", name="Add offence").click()
    plate = display_registration(registration)
    expect(page.get_by_text(f"Added {plate} at {speed} mph.", exact=True)).to_be_visible()
    expect(page.get_by_label("Registration", exact=True)).to_be_focused()


def uploaded(page: Page, registration: str) -> None:
    """Wait until the phone has the offence's upload answered (its check has run by then:
    tasks run in the server's process here, once the offence is stored)."""
    expect(logged_entry(page, display_registration(registration))).to_contain_text("Uploaded")


def expect_in_view(page: Page, locator: Locator) -> None:
    """Wait until all of it is on the screen, clear of the menu bar at its foot (the form
    keeps it there once it has rendered)."""
    page.wait_for_function(
        """([element, bar]) => {
            const box = element.getBoundingClientRect();
            return box.top >= 0 && box.bottom <= bar.getBoundingClientRect().top;
        }""",
        arg=[locator.element_handle(), page.locator(".menu__bar").element_handle()],
        timeout=5_000,
    )


def test_the_coordinator_is_told_at_once_of_a_vehicle_the_dvla_has_otherwise_or_not_at_all(
    page: Page, dvla: FakeDvla
) -> None:
    start = start_session(page)
    notice = vehicle_notice(page)

    # Recorded as a red Vauxhall; the DVLA has AB12 CDE as a blue Ford.
    add_offence(page, "AB12CDE", "41", make="Vauxhall", colour="Red")
    expect(notice).to_have_text(
        "AB12 CDE: the DVLA has a different vehicle with this registration."
        "The DVLA has it as: FORD, BLUE. You recorded: Vauxhall, Red." + WHAT_TO_DO
    )
    # Above the registration, both on the screen of a phone, ready for the next car.
    expect_in_view(page, notice)
    expect_in_view(page, page.get_by_label("Registration", exact=True))
    assert serious_violations(page, include="form.offence-form") == []
    uploaded(page, "AB12CDE")
    held = logged(start).get(registration="AB12CDE")
    assert (held.vehicle_check, held.registered_make, held.registered_colour) == (
        "mismatched",
        "FORD",
        "BLUE",
    )

    # A plate the DVLA has no vehicle for (its 404).
    add_offence(page, "KX19LMN", "38", make="Ford", colour="Blue")
    expect(notice).to_have_text("The DVLA has no vehicle KX19 LMN." + WHAT_TO_DO)
    expect_in_view(page, notice)

    # A plate that agrees with the register: nothing is said, and the last notice is gone.
    with page.expect_response(LOOKUPS) as lookup:
        add_offence(page, "AB12CDF", "36", make="Vauxhall", colour="Red")
    assert lookup.value.json()["status"] == "matched"
    expect(notice).to_have_text("")

    uploaded(page, "KX19LMN")
    uploaded(page, "AB12CDF")
    assert sorted(logged(start).values_list("registration", "vehicle_check")) == [
        ("AB12CDE", "mismatched"),
        ("AB12CDF", "matched"),
        ("KX19LMN", "not_found"),
    ]
    assert set(dvla.asked()) == {"AB12CDE", "KX19LMN", "AB12CDF"}

    # Misread: the coordinator removes the offence the notice is about, and the notice goes.
    add_offence(page, "KX19LMP", "40")
    expect(notice).to_have_text("The DVLA has no vehicle KX19 LMP." + WHAT_TO_DO)
    entry = page.get_by_role("listitem").filter(has_text="KX19 LMP")
    entry.get_by_role("button", name="Remove", exact=True).click()
    entry.get_by_role("group", name="Remove KX19 LMP at 40 mph?").get_by_role(
        "button", name="Remove", exact=True
    ).click()
    expect(status_message(page, "Removed KX19 LMP at 40 mph.")).to_be_visible()
    expect(notice).to_have_text("")


def test_an_offence_logged_while_the_dvla_fails_is_kept_and_checked_later(
    page: Page, dvla: FakeDvla
) -> None:
    start = start_session(page)
    notice = vehicle_notice(page)

    # The DVLA answers 500 to the plate's look-up and to the check of the stored offence.
    dvla.fail_next(500, 500)
    add_offence(page, "AB12CDE", "41", make="Vauxhall", colour="Red")
    expect(notice).to_have_text(
        "The DVLA could not be asked about AB12 CDE just now. The offence is kept, and its "
        "vehicle is checked later."
    )
    expect(notice).not_to_contain_text("different vehicle")
    expect(notice).not_to_contain_text("no vehicle")
    uploaded(page, "AB12CDE")
    kept = logged(start).get(registration="AB12CDE")
    # Waiting for the task's next attempt: nothing held back, nothing wrongly decided.
    assert (kept.speed_mph, kept.vehicle_check, kept.vehicle_check_note) == (
        41,
        "pending",
        "The DVLA answered 500: System error occurred (attempt 1).",
    )
    assert [received.status for received in dvla.requests] == [500, 500]

    # The DVLA cannot be reached at all.
    dvla.stop()
    add_offence(page, "KX19LMN", "38")
    expect(notice).to_have_text(
        "The DVLA could not be asked about KX19 LMN just now. The offence is kept, and its "
        "vehicle is checked later."
    )
    uploaded(page, "KX19LMN")
    kept = logged(start).get(registration="KX19LMN")
    assert (kept.speed_mph, kept.vehicle_check) == (38, "pending")
    assert kept.vehicle_check_note.startswith("The DVLA could not be reached: ")


def test_an_offence_logged_offline_is_kept_and_checked_once_it_is_uploaded(
    page: Page, context: BrowserContext, dvla: FakeDvla
) -> None:
    lookups: list[str] = []
    page.on(
        "request",
        lambda request: lookups.append(request.url) if LOOKUPS.search(request.url) else None,
    )
    start = start_session(page)
    notice = vehicle_notice(page)

    context.set_offline(True)
    add_offence(page, "AB12CDE", "41", make="Vauxhall", colour="Red")
    expect(status_message(page, "Offline — 1 entry waiting to upload.")).to_be_visible()
    expect(logged_entry(page, "AB12 CDE")).to_contain_text("Waiting")
    # Nothing asked without a signal, so nothing said.
    expect(notice).to_have_text("")
    assert (lookups, dvla.asked()) == ([], [])
    assert not logged(start).exists()

    context.set_offline(False)
    uploaded(page, "AB12CDE")
    checked = logged(start).get(registration="AB12CDE")
    assert (checked.speed_mph, checked.vehicle_check, checked.registered_make) == (
        41,
        "mismatched",
        "FORD",
    )
    assert dvla.asked() == ["AB12CDE"]


def test_the_demos_held_back_offence_is_confirmed_into_the_letters_batch(page: Page) -> None:
    # The demo holds back the black Nissan logged at Station Road: the DVLA's register (the
    # demo's own answer, its checks being off) has HY17 WKD as a white Skoda.
    offence = Offence.objects.get(registration="HY17WKD")
    sign_in(page, LIAISON)
    page.goto("/speedwatch/letters")
    held = page.get_by_role("region", name="Held back: check the vehicle")
    card = held.get_by_role("article")
    expect(card).to_have_count(1)
    expect(card).to_contain_text(
        "Held back: the make or colour differs from the DVLA\u2019s record."
    )
    facts = card.locator("dd")
    expect(facts.nth(2)).to_have_text("Nissan, Black")
    expect(facts.nth(3)).to_have_text("SKODA, WHITE")
    expect(page.get_by_role("status").filter(has_text="10 letters.")).to_be_visible()
    assert serious_violations(page, include="[aria-labelledby='held-heading']") == []

    card.get_by_role("button", name="Confirm as recorded").click()
    expect(held.locator("p.results__count")).to_have_text(
        "HY17 WKD confirmed as recorded: it is in the letters batch."
    )
    expect(held.get_by_role("article")).to_have_count(0)
    expect(page.get_by_role("status").filter(has_text="11 letters.")).to_be_visible()
    offence.refresh_from_db()
    assert offence.vehicle_check == "confirmed"
