"""A member's own account, clicked through at 360 px: changing the password and the email
address, deleting the account (and being asked to hand a scheme over first), the directory
starting at their home postcode, proposing a scheme with the police force worked out from
the map, and times shown on London's clock wherever the phone is."""

import csv
import io
import re
import zipfile
from datetime import UTC, datetime

import pytest
from playwright.sync_api import APIResponse, Page, Route, expect

from accounts.models import User
from notifications.models import Alert
from schemes.models import Scheme
from tests.browser.pages import card, menu_button, sign_in, sign_out, status_message, tap_map

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

PASSWORD = "bicycle-lock-harbour"


def sign_up(page: Page, name: str, email: str, postcode: str = "") -> None:
    """A newcomer signs up with nothing else set (or just their home postcode)."""
    page.goto("/signup")
    page.get_by_label("Full name", exact=True).fill(name)
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    if postcode:
        page.get_by_label("Home postcode (optional)").fill(postcode)
    page.get_by_role("button", name="Sign up").click()
    expect(status_message(page, f"Welcome to Patchwatch, {name}.")).to_be_visible()


def open_profile_link(page: Page, link: str, heading: str) -> None:
    page.goto("/profile")
    page.get_by_role("link", name=link).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)


def test_member_changes_password_then_signs_in_with_the_new_one(page: Page) -> None:
    sign_up(page, "Jordan Reeve", "jordan.reeve@example.org")
    open_profile_link(page, "Change password", "Change password")

    page.get_by_label("Current password").fill("not my password")
    page.get_by_label("New password").fill("lantern-by-the-river")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("This is not your current password.")).to_be_visible()
    expect(page.get_by_label("Current password")).to_be_focused()

    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(
        status_message(
            page,
            "Your password has been changed. Every other device and app signed in to your "
            "account has been signed out.",
        )
    ).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Profile")
    sign_out(page)

    page.goto("/signin")
    page.get_by_label("Email", exact=True).fill("jordan.reeve@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("The email or password is not right.")).to_be_visible()
    sign_in(page, "jordan.reeve@example.org", "lantern-by-the-river")


def test_member_changes_email_by_following_the_link(page: Page, mailoutbox) -> None:
    sign_up(page, "Jordan Reeve", "jordan.reeve@example.org")
    open_profile_link(page, "Change email address", "Change email address")
    page.get_by_label("New email address").fill("jordan@newmail.example.org")
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Send confirmation link").click()
    expect(
        status_message(page, "We have sent a link to jordan@newmail.example.org.")
    ).to_be_visible()
    # Nothing changes until the link is followed.
    expect(page.get_by_text("jordan.reeve@example.org", exact=True)).to_be_visible()
    expect(
        page.get_by_text("A link was sent to jordan@newmail.example.org.", exact=False)
    ).to_be_visible()

    # (The demo's alerts went out by email as it loaded.)
    [link_email] = [m for m in mailoutbox if m.to == ["jordan@newmail.example.org"]]
    assert link_email.subject == "Confirm your new Patchwatch email address"
    path = re.search(r"https?://[^/\s]+(/confirm-email/\S+)", link_email.body).group(1)
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your new email address")
    page.get_by_role("button", name="Confirm new address").click()
    expect(page.get_by_text("Your account now uses jordan@newmail.example.org.")).to_be_visible()
    page.get_by_role("link", name="Back to your profile").click()
    expect(page.get_by_text("jordan@newmail.example.org", exact=True)).to_be_visible()

    [told] = [m for m in mailoutbox if m.to == ["jordan.reeve@example.org"]]
    assert told.subject == "Your Patchwatch email address was changed"
    assert User.objects.get(name="Jordan Reeve").email == "jordan@newmail.example.org"

    # The link works once.
    page.goto(path)
    page.get_by_role("button", name="Confirm new address").click()
    expect(page.get_by_text("This link has already been used.")).to_be_visible()


def test_member_deletes_their_account(page: Page) -> None:
    sign_up(page, "Jordan Reeve", "jordan.reeve@example.org")
    open_profile_link(page, "Delete account", "Delete your account")
    expect(
        page.get_by_text("You have no memberships, alerts or speedwatch records yet.")
    ).to_be_visible()
    page.get_by_text("What Patchwatch would do with them").click()
    expect(page.get_by_text("Alerts you sent", exact=True)).to_be_visible()

    delete = page.get_by_role("button", name="Delete my account")
    delete.click()
    expect(page.get_by_text("Enter your password to delete your account.")).to_be_visible()
    page.get_by_label("Your password").fill(PASSWORD)
    delete.click()
    # Asked first; Cancel leaves everything as it was.
    page.get_by_role("button", name="Cancel").click()
    expect(page.get_by_role("button", name="Delete my account")).to_be_visible()
    page.get_by_role("button", name="Delete my account").click()
    page.get_by_role("button", name="Yes, delete my account").click()

    expect(status_message(page, "Your account has been deleted")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a watch scheme")
    assert not User.objects.filter(email="jordan.reeve@example.org").exists()
    page.goto("/signin")
    page.get_by_label("Email", exact=True).fill("jordan.reeve@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("The email or password is not right.")).to_be_visible()


def test_the_last_coordinator_is_asked_to_hand_over_first(page: Page) -> None:
    sign_in(page, "margaret@example.org")
    open_profile_link(page, "Delete account", "Delete your account")
    hand_over = page.get_by_role("region", name="Hand over first")
    expect(hand_over).to_contain_text(
        "You are the only coordinator of Mill Road Neighbourhood Watch. Make another member a "
        "coordinator, or close the scheme, before you delete your account."
    )
    expect(page.get_by_role("button", name="Delete my account")).to_have_count(0)
    hand_over.get_by_role("link", name="Members of Mill Road Neighbourhood Watch").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Members of Mill Road Neighbourhood Watch"
    )
    assert User.objects.filter(email="margaret@example.org").exists()


def test_the_directory_starts_at_a_volunteers_home_postcode(page: Page, settings) -> None:
    settings.GEOCODER = "gazetteer"
    sign_up(page, "Jordan Reeve", "jordan.reeve@example.org", postcode="cb1 2ab")
    page.goto("/")
    expect(page.get_by_text("Near CB1 2AB, your home postcode, within 5 km.")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="nearest first")).to_have_text(
        re.compile(r"^\d+ schemes? within 5 km of CB1 2AB, nearest first\.$")
    )
    expect(page.get_by_label("Postcode or place")).to_have_value("CB1 2AB")
    results = page.get_by_role("region", name="Schemes").get_by_role("article")
    expect(results.first).to_contain_text("Mill Road Neighbourhood Watch")
    expect(card(page, "Mill Road Neighbourhood Watch")).to_contain_text("m away")

    # Clearing it shows every scheme, and stays so on reload.
    page.get_by_role("button", name="Clear location").click()
    expect(page.get_by_role("status").filter(has_text="A to Z")).to_be_visible()
    page.reload()
    expect(page.get_by_role("status").filter(has_text="A to Z")).to_be_visible()


def test_a_home_postcode_that_cannot_be_found_starts_as_usual(page: Page, settings) -> None:
    settings.GEOCODER = "gazetteer"  # it knows Cambridgeshire and Bedfordshire only
    sign_up(page, "Jordan Reeve", "jordan.reeve@example.org", postcode="TR1 1AA")
    page.goto("/")
    expect(
        page.get_by_text("We could not find your home postcode, TR1 1AA, on the map")
    ).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="A to Z")).to_be_visible()
    expect(page.get_by_role("button", name="Clear location")).to_have_count(0)


# The propose form's map opens at the demo's default centre (config: 52.3, -0.1, zoom 9).
DEFAULT_VIEW = (52.3, -0.1, 9)


def picker_map(page: Page):
    return page.get_by_role("region", name="Map: tap to choose the centre of the area")


def test_proposing_a_scheme_picks_the_force_from_the_map(page: Page) -> None:
    sign_up(page, "Jordan Reeve", "jordan.reeve@example.org")
    page.goto("/schemes/new")
    expect(page.get_by_role("heading", level=1)).to_have_text("Propose a scheme")
    force = page.get_by_role("group", name="Police force")
    expect(force).to_contain_text("Choose the area on the map")
    expect(force.get_by_role("combobox")).to_have_count(0)

    # The form checks what the server checks before sending anything.
    page.get_by_role("button", name="Propose scheme").click()
    expect(page.get_by_text("Give the scheme a name.")).to_be_visible()
    expect(page.get_by_text("Choose the kind of scheme.")).to_be_visible()
    expect(page.get_by_text("Choose the police force that covers the area.")).to_be_visible()
    page.get_by_label("Radius (metres)").fill("25000")
    page.get_by_role("button", name="Propose scheme").click()
    expect(page.get_by_text("Give a radius from 50 to 20000 metres.")).to_be_visible()
    page.get_by_label("Radius (metres)").fill("800")
    expect(page.get_by_text("Give a radius from 50 to 20000 metres.")).to_have_count(0)
    assert not Scheme.objects.filter(proposed_by__email="jordan.reeve@example.org").exists()

    page.get_by_label("Scheme name").fill("Kempston Road Watch")
    page.get_by_label("Kind").select_option(label="Neighbourhood Watch")
    # Bedford: the nearby places put it in Bedfordshire, and say how sure that is.
    tap_map(
        page, page.get_by_role("region", name=re.compile("^Map: tap")), DEFAULT_VIEW, 52.13, -0.47
    )
    expect(force).to_contain_text("Bedfordshire Police")
    expect(force).to_contain_text("Likely. Most likely Bedfordshire Police")
    expect(page.get_by_text("Choose the police force that covers the area.")).to_have_count(0)

    page.get_by_role("button", name="Propose scheme").click()
    expect(status_message(page, "Thank you. Your scheme has been proposed")).to_be_visible()
    scheme = Scheme.objects.get(name="Kempston Road Watch")
    assert (scheme.force, scheme.status, scheme.radius_m) == ("bedfordshire", "proposed", 800)

    # Between Eaton Socon and Wyboston, on the border, the answer is unsure: the list opens
    # to check it, and the choice made there is kept.
    page.goto("/schemes/new")
    page.get_by_label("Scheme name").fill("Great North Road Watch")
    tap_map(page, picker_map(page), DEFAULT_VIEW, 52.2, -0.29)
    expect(page.get_by_text("Centre chosen: 52.2")).to_be_visible()
    expect(force).to_contain_text("Not sure: please check.")
    expect(force).to_contain_text("could be covered by Bedfordshire Police or Cambridgeshire")
    chooser = force.get_by_label("Choose the police force")
    expect(chooser).to_be_visible()
    chooser.select_option(label="Cambridgeshire Constabulary")
    expect(force).to_contain_text("Cambridgeshire Constabulary (your choice)")


@pytest.mark.browser_context_args(timezone_id="America/New_York")
def test_times_show_on_londons_clock_on_a_phone_set_to_new_york(page: Page) -> None:
    alert = Alert.objects.get(title="Bogus water board callers on Mill Road")
    # 09:00 UTC in July: 10:00 in London (summer time), 05:00 in New York.
    Alert.objects.filter(pk=alert.pk).update(published_at=datetime(2026, 7, 1, 9, 0, tzinfo=UTC))
    sign_in(page, "margaret@example.org")
    assert page.evaluate("() => Intl.DateTimeFormat().resolvedOptions().timeZone") == (
        "America/New_York"
    )
    page.goto(f"/alerts/{alert.pk}")
    expect(page.get_by_role("heading", level=1)).to_have_text(alert.title)
    # The thread heads each message with when it was published.
    published = page.get_by_role("heading", level=3).filter(has_text="1 Jul 2026")
    expect(published).to_have_text("Alert, 1 Jul 2026, 10:00")


def test_member_downloads_their_data_in_one_tap(page: Page) -> None:
    sign_up(page, "Jordan Reeve", "jordan.reeve@example.org")
    page.goto("/profile")
    link = page.get_by_role("link", name=re.compile("^Download my data"))
    expect(link).to_contain_text("A ZIP of everything we hold about you")
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert re.fullmatch(r"patchwatch-my-data-\d{4}-\d{2}-\d{2}\.zip", download.suggested_filename)
    with zipfile.ZipFile(download.path()) as archive:
        rows = list(csv.DictReader(io.StringIO(archive.read("account.csv").decode("utf-8-sig"))))
        assert "README.txt" in archive.namelist()
    assert [(row["name"], row["email"]) for row in rows] == [
        ("Jordan Reeve", "jordan.reeve@example.org")
    ]
    # The page is still the profile: a download does not navigate away.
    expect(page.get_by_role("heading", level=1)).to_have_text("Profile")


def test_a_sign_up_whose_answer_was_lost_ends_signed_in_to_one_account(page: Page) -> None:
    """The sign-up reaches Patchwatch, but the signal drops before the answer (and the
    session cookie with it) comes back. The app sends it again at once with the same
    Idempotency-Key, is given the first answer, and signs in to the account it made."""
    keys: list[str | None] = []

    def lose_the_first_answer(route: Route) -> None:
        keys.append(route.request.headers.get("idempotency-key"))
        if len(keys) > 1:
            route.continue_()
            return
        cookies = page.context.cookies()
        route.fetch()
        # Nothing of the lost answer reaches the phone, its cookies included.
        page.context.clear_cookies()
        page.context.add_cookies(cookies)
        route.abort("internetdisconnected")

    page.route(re.compile(r"/api/v1/auth/signup/$"), lose_the_first_answer)
    sign_up(page, "Robin Hale", "robin.hale@example.org")
    assert len(keys) == 2
    assert keys[0] is not None
    assert keys[1] == keys[0]
    assert User.objects.filter(email="robin.hale@example.org").count() == 1
    page.goto("/profile")
    expect(page.get_by_role("heading", level=1)).to_have_text("Profile")
    expect(page.get_by_text("robin.hale@example.org")).to_be_visible()


def test_a_slow_answer_from_before_signing_in_does_not_sign_the_person_out(
    page: Page,
) -> None:
    """The app asks who is signed in as it opens. On a slow signal that answer ("nobody")
    can come back after the person has signed in: it is out of date, and must not undo the
    sign-in."""
    held: list[tuple[Route, APIResponse]] = []

    def hold_the_first_answer(route: Route) -> None:
        if held:
            route.continue_()
            return
        held.append((route, route.fetch()))  # asked of the server now, answered later

    page.route(re.compile(r"/api/v1/me/$"), hold_the_first_answer)
    sign_in(page, "volunteer@example.org")
    assert held, "the app did not ask who is signed in as it opened"
    route, answer = held[0]
    assert answer.status == 401
    with page.expect_response(re.compile(r"/api/v1/me/$")):
        route.fulfill(response=answer)
    # Let the app read the late answer before looking.
    page.evaluate("() => new Promise((done) => setTimeout(done, 300))")
    expect(menu_button(page)).to_be_visible()
    expect(page.get_by_role("link", name="Sign in")).to_have_count(0)
    page.get_by_role("link", name="My schemes").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My schemes")
