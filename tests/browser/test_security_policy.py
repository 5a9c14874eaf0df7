"""The Content-Security-Policy as Chromium applies it: the pages that are not the app (the
admin, the API docs) keep to it too, and the check every browser test makes (the ``context``
fixture of tests/browser/conftest.py) does catch what the policy refuses."""

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect

from tests.browser.conftest import OFF_SITE, watch_policy_violations
from tests.browser.pages import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]


def test_the_admin_keeps_to_the_policy(page: Page) -> None:
    page.goto("/admin/login/")
    page.get_by_label("Email").fill("admin@example.org")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    # A list with its filters and actions, and a form with its widgets (date and time
    # pickers, related-object links), where the admin's scripts do most.
    page.goto("/admin/schemes/scheme/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Select")
    page.get_by_role("link", name="Mill Road Neighbourhood Watch").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Change")
    # A person's page has date and time pickers (alerts, which had them, are no longer
    # written in the admin).
    page.goto("/admin/accounts/user/")
    page.get_by_role("link", name="admin@example.org").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Change")
    expect(page.get_by_role("link", name="Today").first).to_be_visible()


def _offline(page: Page) -> list[str]:
    """Cuts ``page`` off from everything but the app, as with no internet; the addresses it
    asked for elsewhere are listed."""
    elsewhere: list[str] = []

    def refuse(route: Route) -> None:
        elsewhere.append(route.request.url)
        route.abort("internetdisconnected")

    page.route(OFF_SITE, refuse)
    return elsewhere


def test_swagger_ui_works_offline_within_the_policy(page: Page) -> None:
    elsewhere = _offline(page)
    page.goto("/api/docs/")
    expect(page.get_by_role("heading", name="Patchwatch API")).to_be_visible()
    # Operations, grouped by tag, each with its method and path.
    expect(page.locator(".opblock-tag", has_text="schemes").first).to_be_visible()
    operation = page.locator("#operations-schemes-schemes_list")
    expect(operation).to_contain_text("GET")
    expect(operation).to_contain_text("/api/v1/schemes/")
    operation.locator(".opblock-summary-control").click()
    expect(operation.get_by_text("place", exact=True)).to_be_visible()
    assert page.evaluate("() => ui.getConfigs().validatorUrl") is None
    assert elsewhere == []


def test_redoc_works_offline_within_the_policy(page: Page) -> None:
    elsewhere = _offline(page)
    page.goto("/api/redoc/")
    # ReDoc draws nothing until it has read the whole schema, which the server builds first.
    expect(page.get_by_role("heading", name="Patchwatch API (1.0.0)")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("heading", name="schemes_list")).to_be_attached()
    expect(page.get_by_role("heading", name="alerts_publish_create")).to_be_attached()
    # Its search, in the menu beside the docs on a wider screen, runs in a worker the policy
    # allows.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_placeholder("Search...").fill("publish")
    results = page.locator("[data-role='search:results']")
    # The worker indexes the whole schema first.
    expect(results.get_by_role("menuitem").first).to_have_accessible_name(
        "alerts_publish_create", timeout=30_000
    )
    assert elsewhere == []


def test_what_the_policy_refuses_fails_a_test(
    new_context: Callable[..., BrowserContext],
) -> None:
    """An inline script and an image from elsewhere, put in the app's page: both refused, and
    both reported to the test."""
    context = new_context()
    try:
        context.route(OFF_SITE, lambda route: route.abort())
        violations = watch_policy_violations(context)
        tab = context.new_page()
        tab.goto("/")
        expect(tab.get_by_role("heading", level=1)).to_have_text("Find a watch scheme")
        tab.evaluate(
            """() => {
              window.refused = [];
              document.addEventListener('securitypolicyviolation', (event) => {
                window.refused.push(event.effectiveDirective);
              });
              const script = document.createElement('script');
              script.textContent = 'window.injected = true;';
              document.body.append(script);
              const image = document.createElement('img');
              image.src = 'https://images.example.org/tracker.gif';
              document.body.append(image);
            }"""
        )
        tab.wait_for_function("() => window.refused.length === 2")
        assert tab.evaluate("() => window.injected") is None
    finally:
        context.close()
    reported = sorted(v.split(" ", 2)[1] for v in violations if v.startswith("CSP: "))
    assert reported == ["img-src", "script-src-elem"]
