"""The public page of a public alert at 360 px, signed out and without scripts: it reads as
the app does (its colours and type), fits the screen, passes axe, keeps the site's
Content-Security-Policy, and its links lead to the feed and the CAP document. Someone who
has the app installed (its service worker in charge) gets the same page, not the app."""

import os

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, expect

from notifications.models import Alert
from tests.browser.conftest import OFF_SITE, PHONE, watch_policy_violations
from tests.browser.test_accessibility import serious_violations
from tests.browser.test_offline import wait_for_service_worker

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

HARE_COURSING = "Hare coursing reported near Haslingfield"  # the demo's public alert
# Where the screenshot goes, to look at: PUBLIC_ALERT_SCREENSHOT=/tmp/public-alert.png
SCREENSHOT = os.environ.get("PUBLIC_ALERT_SCREENSHOT")


def _path() -> str:
    return f"/public/alerts/{Alert.objects.get(title=HARE_COURSING).identifier}/"


def test_the_public_page_reads_well_on_a_phone_without_scripts(
    browser: Browser, live_server
) -> None:
    context = browser.new_context(
        base_url=live_server.url,
        viewport=PHONE,
        locale="en-GB",
        timezone_id="Europe/London",
        java_script_enabled=False,
    )
    context.route(OFF_SITE, lambda route: route.abort())
    page = context.new_page()
    response = page.goto(_path())
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text(HARE_COURSING)
    expect(page.get_by_text("This alert is current.")).to_be_visible()
    # The app's look: its dark blue bar with the yellow edge, its type size.
    bar = page.locator(".top-bar")
    assert bar.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(11, 58, 102)"
    assert bar.evaluate("e => getComputedStyle(e).borderBottomColor") == "rgb(255, 221, 0)"
    assert page.evaluate("() => getComputedStyle(document.body).fontSize") == "18px"
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    if SCREENSHOT:
        page.screenshot(path=SCREENSHOT, full_page=True)
    feed = page.get_by_role("link", name="Feed of public alerts in this area (Atom)")
    with page.expect_response(lambda r: "/api/v1/feeds/alerts.atom" in r.url) as answer:
        feed.click()
    assert answer.value.status == 200
    assert answer.value.headers["content-type"] == "application/atom+xml; charset=utf-8"
    context.close()


def test_the_public_page_passes_axe_and_keeps_the_policy(page: Page) -> None:
    """With scripts on (axe needs them, run through DevTools); the ``page`` fixture fails
    the test on any Content-Security-Policy violation."""
    page.goto(_path())
    expect(page.get_by_role("heading", level=1)).to_have_text(HARE_COURSING)
    assert serious_violations(page) == []
    assert page.get_by_role("main").count() == 1
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    cap = page.request.get(
        page.get_by_role("link", name="This message as CAP 1.2").get_attribute("href")
    )
    assert (cap.status, cap.headers["content-type"]) == (200, "application/cap+xml")


def test_the_apps_service_worker_leaves_public_pages_to_the_server(
    browser: Browser, live_server
) -> None:
    if not (settings.FRONTEND_DIST / "sw.js").exists():
        pytest.skip("the frontend is not built")
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    context.route(OFF_SITE, lambda route: route.abort())
    violations = watch_policy_violations(context)
    page = context.new_page()
    page.goto("/")
    wait_for_service_worker(page)
    response = page.goto(_path())
    # Served by the server, not the worker's app shell from its precache.
    assert response is not None
    assert response.status == 200
    assert not response.from_service_worker
    expect(page.get_by_role("heading", level=1)).to_have_text(HARE_COURSING)
    page.goto("/public/alerts/not-an-alert/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Alert not found")
    assert violations == []
    context.close()
