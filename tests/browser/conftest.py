"""Headless Chromium against a live server, at the width of a small phone.

The live server runs in a thread of the test process, so the tests use a transactional
database and read the rows the browser wrote with the ORM.
"""

import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

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


class RequestsInFlight:
    """The live server's application, counting the requests it is serving: a request is
    served until its response's ``close()``, which the server calls once it has written it."""

    def __init__(self, application: Callable[..., Iterable[bytes]]) -> None:
        self.application = application
        self.serving = 0
        self.changed = threading.Condition()

    def __call__(self, environ: dict, start_response: Callable[..., Any]) -> Iterable[bytes]:
        with self.changed:
            self.serving += 1
        try:
            return _Served(self.application(environ, start_response), self._done)
        except BaseException:
            self._done()
            raise

    def _done(self) -> None:
        with self.changed:
            self.serving -= 1
            self.changed.notify_all()

    def wait_until_idle(self, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        with self.changed:
            while self.serving and (left := deadline - time.monotonic()) > 0:
                self.changed.wait(left)
        assert self.serving == 0, f"the live server is still serving {self.serving} requests"


class _Served:
    def __init__(self, response: Iterable[bytes], done: Callable[[], None]) -> None:
        self.response, self.done = response, done

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.response)

    def close(self) -> None:
        try:
            if hasattr(self.response, "close"):
                self.response.close()
        finally:
            self.done()


@pytest.fixture(scope="session")
def requests_in_flight(live_server) -> RequestsInFlight:
    """The live server's requests being served. A page closed while its request is still
    being answered leaves that request running in the server's thread; the database must
    not be flushed under it (the flush and the request's queries would lock the same tables
    in opposite orders, and PostgreSQL ends one of them as a deadlock)."""
    server = live_server.thread.httpd
    counting = RequestsInFlight(server.get_app())
    server.set_app(counting)
    return counting


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
def context(
    new_context: Callable[..., BrowserContext], requests_in_flight: RequestsInFlight
) -> Iterator[BrowserContext]:
    """A browser context that fails the test if any of its pages breaks the site's
    Content-Security-Policy or meets an error in its Permissions-Policy. Once the test is
    over, its pages are closed and the live server has answered all they asked, before the
    database is flushed."""
    context = new_context()
    context.route(OFF_SITE, lambda route: route.abort())
    violations = watch_policy_violations(context)
    yield context
    context.close()
    requests_in_flight.wait_until_idle()
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
