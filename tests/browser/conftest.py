"""Headless Chromium against a live server, at the width of a small phone.

The live server runs in a thread of the test process, so the tests use a transactional
database and read the rows the browser wrote with the ORM.
"""

import io
import os
import re
from collections.abc import Callable, Iterator

import pytest
from django.core.management import call_command
from playwright.sync_api import BrowserContext, Page

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


@pytest.fixture
def context(new_context: Callable[..., BrowserContext]) -> BrowserContext:
    context = new_context()
    context.route(OFF_SITE, lambda route: route.abort())
    return context


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
def demo(transactional_db: None) -> None:
    """The Cambridgeshire demo, loaded again for each test (the database is emptied after each)."""
    call_command("load_demo", stdout=io.StringIO())
