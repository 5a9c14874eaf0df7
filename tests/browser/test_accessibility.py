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
