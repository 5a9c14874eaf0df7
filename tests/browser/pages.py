"""What the tests do on every screen: find the menu, read the announced message, sign in and out,
tap a map at a place."""

import math

from playwright.sync_api import Locator, Page, expect

DEMO_PASSWORD = "patchwatch-demo"


def menu(page: Page) -> Locator:
    """The main menu, opened. On a phone it is a bar at the foot of the screen with the places
    a role uses most, and a "Menu" button that opens the rest and Sign out above the bar; this
    opens it (once the app knows who is signed in), so that every place in the menu can be
    found in it. Following a link closes it again, as do Escape and a tap elsewhere; after only
    reading from it, press Escape, as the open menu covers the foot of the screen."""
    nav = page.get_by_role("navigation", name="Main menu")
    expect(nav).not_to_have_attribute("aria-busy", "true")
    toggle = menu_button(page)
    if toggle.count() and toggle.get_attribute("aria-expanded") == "false":
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
    return nav


def menu_button(page: Page) -> Locator:
    """The button that opens the rest of the menu (only a signed-in person has one)."""
    return page.get_by_role("navigation", name="Main menu").get_by_role(
        "button", name="Menu", exact=True
    )


def status_message(page: Page, text: str) -> Locator:
    """The message the app announces after an action, in a `role="status"` region: beside the
    action that caused it, or the banner at the top after moving to another screen."""
    return page.get_by_role("status").filter(has_text=text)


def card(page: Page, heading: str) -> Locator:
    """The card (an article) whose heading is exactly `heading`."""
    return page.get_by_role("article").filter(
        has=page.get_by_role("heading", name=heading, exact=True)
    )


def sign_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/signin")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(status_message(page, "You are signed in as")).to_be_visible()
    expect(menu_button(page)).to_be_visible()


def sign_out(page: Page) -> None:
    menu(page).get_by_role("button", name="Sign out").click()
    expect(status_message(page, "You have signed out.")).to_be_visible()
    expect(menu(page).get_by_role("link", name="Sign in")).to_be_visible()


def map_pixel(lat: float, lon: float, zoom: int) -> tuple[float, float]:
    """Where a point is in the Web Mercator world at ``zoom``, in pixels (Leaflet's default
    projection, 256-pixel tiles)."""
    scale = 256 * 2**zoom
    sine = math.sin(math.radians(lat))
    x = (lon + 180) / 360 * scale
    y = (0.5 - math.log((1 + sine) / (1 - sine)) / (4 * math.pi)) * scale
    return x, y


def tap_map(
    page: Page, map_region: Locator, view: tuple[float, float, int], lat: float, lon: float
) -> None:
    """Click a map showing ``view`` (centre latitude, longitude, zoom) at a point. The map's
    centre is the middle of its box, so the point is the centre plus the projected offset."""
    map_region.scroll_into_view_if_needed()
    box = map_region.bounding_box()
    assert box is not None
    centre_x, centre_y = map_pixel(*view)
    x, y = map_pixel(lat, lon, view[2])
    page.mouse.click(
        box["x"] + box["width"] / 2 + (x - centre_x), box["y"] + box["height"] / 2 + (y - centre_y)
    )


# Each label of the menu's bottom bar, read a character at a time: where a new line starts,
# the character before it must be a space or a (soft) hyphen, so no word is cut without a
# hyphen ("Cyfeiriadu|r"); a label takes two lines at most and stays inside its tab.
_TAB_LABEL_PROBLEMS = """() => [...document.querySelectorAll('.menu__bar .menu__label')]
    .flatMap(label => {
        const text = label.textContent, tab = label.closest('.menu__tab');
        const problems = [];
        const node = label.firstChild;
        if (!node || node.nodeType !== Node.TEXT_NODE) return [`${text}: not plain text`];
        const range = document.createRange();
        let lines = 0, lastTop = null;
        for (let i = 0; i < text.length; i++) {
            if (text[i] === '\\u00ad' || text[i] === ' ') continue;  // drawn only at a break
            range.setStart(node, i);
            range.setEnd(node, i + 1);
            // A character just after a break may also give an empty box at the end of the
            // line before; its own box is the last.
            const boxes = range.getClientRects();
            const top = boxes[boxes.length - 1].top;
            if (lastTop === null || top > lastTop + 2) {
                lines += 1;
                const before = text.slice(0, i).replace(/\\u00ad$/, '-');
                if (lastTop !== null && !/[ -]$/.test(before)) {
                    problems.push(`${text.replace(/\\u00ad/g, '')}: cut at "${before}|"`);
                }
                lastTop = top;
            }
        }
        if (lines > 2) problems.push(`${text.replace(/\\u00ad/g, '')}: ${lines} lines`);
        const box = label.getBoundingClientRect(), edge = tab.getBoundingClientRect();
        if (box.left < edge.left - 0.5 || box.right > edge.right + 0.5
            || box.bottom > edge.bottom + 0.5) {
            problems.push(`${text.replace(/\\u00ad/g, '')}: outside its tab`);
        }
        return problems;
    })"""


def tab_label_problems(page: Page) -> list[str]:
    """What is wrong with how the bottom bar's labels are set on this screen (none: [])."""
    return page.evaluate(_TAB_LABEL_PROBLEMS)
