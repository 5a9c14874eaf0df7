"""Every screen at 360 px: axe finds nothing serious, one h1, a main landmark, no sideways
scrolling, and a keyboard alone is enough to sign in."""

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from schemes.models import Scheme
from tests.browser.pages import menu, sign_in, status_message
from watch.models import Site

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

AXE = Path(settings.BASE_DIR) / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
PHONE_WIDTH = 360
MILL_ROAD = "Mill Road Neighbourhood Watch"
NEAR_MILL_ROAD = "/?lat=52.1985&lon=0.1410&radius=2000"


@dataclass(frozen=True)
class Screen:
    path: str
    h1: str
    # Text that shows once the screen has loaded what it fetches.
    loaded: str
    user: str | None = None


SCREENS = {
    "directory list": Screen(NEAR_MILL_ROAD, "Find a watch scheme", MILL_ROAD),
    "directory map": Screen(
        f"{NEAR_MILL_ROAD}&view=map", "Find a watch scheme", "The map shows the schemes"
    ),
    "scheme page": Screen(
        "/schemes/{mill_road}", MILL_ROAD, "Members and join requests", "margaret@example.org"
    ),
    "scheme page, signed out": Screen("/schemes/{mill_road}", MILL_ROAD, "Join this scheme"),
    # Joan volunteers for Haslingfield Speedwatch, not Mill Road: she may ask to join.
    "scheme page, not a member": Screen(
        "/schemes/{mill_road}", MILL_ROAD, "Request to join", "joan@example.org"
    ),
    "edit scheme": Screen(
        "/schemes/{mill_road}/edit", "Edit scheme details", "Scheme name", "margaret@example.org"
    ),
    "sign in": Screen("/signin", "Sign in", "Forgot your password?"),
    "sign up": Screen("/signup", "Sign up", "Home postcode (optional)"),
    "forgot password": Screen("/forgot-password", "Forgot your password", "Send reset link"),
    # The link from the reset email; the screen checks it only when the form is sent.
    "reset password": Screen(
        "/reset-password/MQ/c3j1kq-0123456789abcdef", "Choose a new password", "Set new password"
    ),
    "my schemes": Screen("/my-schemes", "My schemes", MILL_ROAD, "volunteer@example.org"),
    "propose a scheme": Screen(
        "/schemes/new", "Propose a scheme", "Contact name", "volunteer@example.org"
    ),
    "members": Screen(
        "/schemes/{mill_road}/members",
        f"Members of {MILL_ROAD}",
        "Alex Morgan",
        "margaret@example.org",
    ),
    "join requests": Screen(
        "/join-requests", "Join requests", "Lucy Fenwick", "margaret@example.org"
    ),
    "review queue": Screen(
        "/review", "Review queue", "Soham Neighbourhood Watch", "liaison.cambs@example.org"
    ),
    "activity": Screen("/activity", "Activity", "PCSO Priya Shah", "liaison.cambs@example.org"),
    "profile": Screen("/profile", "Profile", "Home postcode (optional)", "volunteer@example.org"),
    # Liaison review
    "registration audit": Screen(
        "/speedwatch/audit", "Registration audit", "0 records.", "liaison.cambs@example.org"
    ),
    "site page, liaison": Screen(
        "/speedwatch/sites/{fountain_lane}",
        "Fountain Lane",
        "Your decision",
        "liaison.cambs@example.org",
    ),
    "site page, coordinator": Screen(
        "/speedwatch/sites/{high_street}",
        "High Street by the school",
        "Start a session here",
        "david@example.org",
    ),
    "change password": Screen(
        "/profile/password", "Change password", "Current password", "volunteer@example.org"
    ),
    "change email": Screen(
        "/profile/email", "Change email address", "New email address", "volunteer@example.org"
    ),
    # The link from the confirmation email; the screen checks it only when it is confirmed.
    "confirm email": Screen(
        "/confirm-email/1.0123456789abcdef", "Confirm your new email address", "Confirm new address"
    ),
    "delete account": Screen(
        "/profile/delete", "Delete your account", "Delete my account", "volunteer@example.org"
    ),
    "delete account, last coordinator": Screen(
        "/profile/delete", "Delete your account", "Hand over first", "margaret@example.org"
    ),
}


def open_screen(page: Page, screen: Screen) -> None:
    if screen.user:
        sign_in(page, screen.user)
    mill_road = Scheme.objects.get(name=MILL_ROAD).pk
    sites = dict(Site.objects.values_list("name", "pk"))
    page.goto(
        screen.path.format(
            mill_road=mill_road,
            fountain_lane=sites.get("Fountain Lane"),
            high_street=sites.get("High Street by the school"),
        )
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(screen.h1)
    expect(page.get_by_role("main").get_by_text(screen.loaded).first).to_be_visible()
    # Closed disclosures keep their own "Loading…" out of sight; a role query skips them.
    expect(page.get_by_role("status").filter(has_text=re.compile(r"^Loading"))).to_have_count(0)


def serious_violations(page: Page) -> list[dict]:
    page.add_script_tag(path=AXE)
    results = page.evaluate("() => axe.run(document, { resultTypes: ['violations'] })")
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]],
        }
        for violation in results["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("screen", SCREENS.values(), ids=SCREENS.keys())
def test_every_screen_has_no_serious_accessibility_violations(page: Page, screen: Screen) -> None:
    open_screen(page, screen)

    expect(page.locator("h1")).to_have_count(1)
    main = page.get_by_role("main")
    expect(main).to_have_count(1)
    expect(main.get_by_role("heading", level=1)).to_be_visible()
    # The first link on every screen jumps over the menu to the main content.
    expect(page.get_by_role("link", name="Skip to main content")).to_have_attribute("href", "#main")
    expect(main).to_have_attribute("id", "main")
    violations = serious_violations(page)
    assert violations == [], json.dumps(violations, indent=2)


def test_keyboard_only_sign_in(page: Page) -> None:
    page.goto("/signin")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    email = page.get_by_label("Email", exact=True)
    # From the top of the page: the skip link, the brand and the menu come first.
    for _ in range(10):
        page.keyboard.press("Tab")
        if email.evaluate("element => element === document.activeElement"):
            break
    expect(email).to_be_focused()
    assert focus_is_visible(page)

    page.keyboard.type("volunteer@example.org")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    page.keyboard.type("patchwatch-demo")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Sign in")).to_be_focused()
    assert focus_is_visible(page)
    page.keyboard.press("Enter")

    expect(status_message(page, "You are signed in as Alex Morgan.")).to_be_visible()
    expect(menu(page).get_by_role("button", name="Sign out")).to_be_visible()


def focus_is_visible(page: Page) -> bool:
    """Whether the focused element draws an outline or a ring (box-shadow) around itself."""
    return page.evaluate(
        """() => {
            const style = getComputedStyle(document.activeElement);
            const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
            return outline || style.boxShadow !== 'none';
        }"""
    )


def test_no_horizontal_scroll_at_360px(page: Page) -> None:
    widths = {}

    def measure(names: tuple[str, ...]) -> None:
        for name in names:
            screen = SCREENS[name]
            # Already signed in as whoever this test chose.
            open_screen(page, Screen(screen.path, screen.h1, screen.loaded))
            widths[name] = page.evaluate("() => document.documentElement.scrollWidth")

    measure(("sign in", "sign up", "forgot password"))
    # A coordinator sees the most: the longest menu, the manage panel, the member cards.
    sign_in(page, "margaret@example.org")
    measure(
        (
            "directory list",
            "directory map",
            "scheme page",
            "my schemes",
            "propose a scheme",
            "members",
            "join requests",
            "activity",
            "profile",
            "change password",
            "change email",
            "delete account, last coordinator",
        )
    )
    assert {name: width for name, width in widths.items() if width > PHONE_WIDTH} == {}


# --- Alerts: threads, answers to replies, default settings (issue 10) ---------------------
# States the demo does not hold on its own are made first: the demo's hare coursing alert
# updated then cancelled, and the volunteer's reply to the Mill Road alert answered.

SCAM = "Bogus water board callers on Mill Road"
HARE_COURSING = "Hare coursing reported near Haslingfield"


def _quiet_hours_and_kinds(page: Page) -> None:
    # Side by side, the two time controls were wider than the screen (372 px).
    page.get_by_label("Hold alerts during quiet hours").check()
    page.get_by_label("Only the kinds I choose").check()
    expect(page.get_by_label("Until")).to_be_visible()


def _place_searched(page: Page) -> None:
    page.get_by_label("Find a place on the map").fill("Atlantis")
    page.get_by_role("button", name="Find", exact=True).click()
    expect(page.get_by_text("No place or postcode called 'Atlantis' found.")).to_be_visible()


@dataclass(frozen=True)
class AlertState:
    path: str
    h1: str
    loaded: str
    user: str
    then: object = None  # what to do on the screen before checking it


ALERT_STATES = {
    "alert thread, cancelled, a recipient": AlertState(
        "/alerts/{hare}", HARE_COURSING, "Messages, newest first", "joan@example.org"
    ),
    "alert thread, cancelled, its sender": AlertState(
        "/alerts/{hare}", HARE_COURSING, "Who got it and who read it", "liaison.cambs@example.org"
    ),
    "alert thread, a reply answered": AlertState(
        "/alerts/{scam}", SCAM, "Answer from Margaret Ellis", "volunteer@example.org"
    ),
    "alert thread, replies answered by its sender": AlertState(
        "/alerts/{scam}", SCAM, "Change the answer", "margaret@example.org"
    ),
    "inbox, a cancelled incident": AlertState(
        "/alerts", "Alerts", HARE_COURSING, "joan@example.org"
    ),
    "inbox, a new answer": AlertState("/alerts", "Alerts", "New answer", "volunteer@example.org"),
    "alert settings, the defaults": AlertState(
        "/alerts/settings", "Alert settings", "What you get now", "joan@example.org"
    ),
    "alert settings, quiet hours and kinds": AlertState(
        "/alerts/settings",
        "Alert settings",
        "Your settings",
        "lucy@example.org",
        then=_quiet_hours_and_kinds,
    ),
    "sent alerts, with new replies": AlertState(
        "/alerts/issued?replies=1", "Alerts in your force", SCAM, "liaison.cambs@example.org"
    ),
    "new alert, a coordinator's scheme area": AlertState(
        "/alerts/new", "New alert", "This alert will reach", "margaret@example.org"
    ),
    "new alert, a place not found": AlertState(
        "/alerts/new",
        "New alert",
        "This alert will reach",
        "margaret@example.org",
        then=_place_searched,
    ),
}


@pytest.fixture
def alert_states(settings) -> dict[str, int]:
    from accounts.models import User
    from notifications.models import Alert, Reply
    from notifications.services import alert_replace, reply_answer, reply_create

    settings.GEOCODER = "gazetteer"
    liaison = User.objects.get(email="liaison.cambs@example.org")
    hare = Alert.objects.get(title=HARE_COURSING)
    update = alert_replace(
        alert=hare, actor=liaison, message_type="Update", details={"body": "Now at Comberton."}
    )
    alert_replace(
        alert=update, actor=liaison, message_type="Cancel", details={"body": "Both stopped."}
    )
    scam = Alert.objects.get(title=SCAM)
    reply_answer(
        reply=Reply.objects.get(alert=scam),  # the demo's
        actor=scam.issuer,
        answer="Thank you: I have passed it to the police.",
    )
    # And another reply, not yet read.
    reply_create(alert=scam, author=User.objects.get(email="volunteer@example.org"), body="Back.")
    return {"hare": hare.pk, "scam": scam.pk}


@pytest.mark.parametrize("name", ALERT_STATES.keys())
def test_alert_screen_states_are_accessible_and_fit_the_phone(
    page: Page, alert_states: dict[str, int], name: str
) -> None:
    state = ALERT_STATES[name]
    sign_in(page, state.user)
    page.goto(state.path.format(**alert_states))
    expect(page.get_by_role("heading", level=1)).to_have_text(state.h1)
    expect(page.get_by_role("main").get_by_text(state.loaded).first).to_be_visible()
    expect(page.get_by_role("status").filter(has_text=re.compile(r"^Loading"))).to_have_count(0)
    if state.then:
        state.then(page)
    expect(page.locator("h1")).to_have_count(1)
    violations = serious_violations(page)
    assert violations == [], json.dumps(violations, indent=2)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE_WIDTH
    # Nothing inside the page is wider than the screen either (a scrolling box, say).
    assert (
        page.evaluate(
            "() => [...document.querySelectorAll('main form, main fieldset, main section')]"
            ".filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.outerHTML.slice(0, 80))"
        )
        == []
    )
