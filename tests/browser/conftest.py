"""Headless Chromium against a live server, at the width of a small phone.

The live server runs in a thread of the test process, so the tests use a transactional
database and read the rows the browser wrote with the ORM.
"""

import os
import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Page

# Playwright's sync API keeps an event loop running in the test thread from the first browser
# test to the end of the session; without this, Django refuses every ORM call made while it
# runs (including the database flushes of later tests), so it is set for the whole process.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

PHONE = {"width": 360, "height": 740}

# Map tiles come from the internet, which the tests have no access to; refusing them at once
# keeps the maps from holding requests open.
OFF_SITE = re.compile(r"^(?!https?://(localhost|127\.0\.0\.1)[:/])")


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict:
    # Debian's Chromium: Playwright cannot download its own build here.
    return {
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict, live_server) -> dict:
    return {
        **browser_context_args,
        "base_url": live_server.url,
        "viewport": PHONE,
        "locale": "en-GB",
        "timezone_id": "Europe/London",
        # The app turns Leaflet's animations off for people who ask for less motion.
        "reduced_motion": "reduce",
    }


# Reports each Content-Security-Policy violation of a page (and of the frames in it) to the
# test through a binding, with what was refused, by which directive and from where.
_REPORT_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', (event) => {
  window.__reportPolicyViolation(
    `${event.effectiveDirective} refused ${event.blockedURI || 'an inline one'} `
    + `(${event.sourceFile || document.location.href}:${event.lineNumber})`
  );
});
"""


def watch_policy_violations(context: BrowserContext) -> list[str]:
    """The Content-Security-Policy violations, and Permissions-Policy header errors, of every
    page of ``context`` from now on, as Chromium reports them (the event, or the console for
    what no page script sees, such as a service worker's)."""
    violations: list[str] = []
    context.expose_binding(
        "__reportPolicyViolation", lambda source, text: violations.append(f"CSP: {text}")
    )
    context.add_init_script(_REPORT_VIOLATIONS)

    def console(message: ConsoleMessage) -> None:
        text = message.text
        if "Content Security Policy" in text or "Permissions-Policy" in text:
            violations.append(f"console: {text}")

    context.on("console", console)
    return violations


@pytest.fixture
def context(new_context: Callable[..., BrowserContext]) -> Iterator[BrowserContext]:
    """A browser context that fails the test if any of its pages breaks the site's
    Content-Security-Policy or meets an error in its Permissions-Policy."""
    context = new_context()
    context.route(OFF_SITE, lambda route: route.abort())
    violations = watch_policy_violations(context)
    yield context
    assert violations == [], "\n".join(violations)


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    """A tab that fails the test on an uncaught JavaScript error or a server error."""
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"JavaScript: {error}"))
    page.on(
        "response",
        lambda response: (
            errors.append(f"{response.status} from {response.url}")
            if response.status >= 500
            else None
        ),
    )
    yield page
    # Let requests in flight finish before the database is flushed under the live server.
    page.wait_for_load_state("networkidle")
    assert errors == []


@pytest.fixture
def demo(transactional_db: None, demo: None) -> None:
    """The Cambridgeshire demo, copied in again for each test (the live server needs it
    committed, and the database is emptied after each test)."""
