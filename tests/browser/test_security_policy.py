"""The Content-Security-Policy as Chromium applies it: the pages that are not the app (the
admin, the API docs) keep to it too, and the check every browser test makes (the ``context``
fixture of tests/browser/conftest.py) does catch what the policy refuses."""

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

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
    page.goto("/admin/notifications/alert/add/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Add")


# Swagger UI's files come from a CDN, which the tests cannot reach: stand-ins, served at the
# CDN's addresses, that start the way Swagger UI does, reading the schema the page names.
SWAGGER_UI_STAND_IN = """
window.SwaggerUIBundle = (config) => {
  window.swaggerConfig = config;
  fetch(config.url, { headers: { Accept: 'application/vnd.oai.openapi+json' } })
    .then((response) => response.json())
    .then((schema) => {
      const title = document.createElement('h2');
      title.textContent = schema.info.title;
      title.setAttribute('style', 'margin: 1rem');
      document.querySelector(config.dom_id).append(title);
    });
  return { initOAuth() {} };
};
window.SwaggerUIBundle.presets = { apis: {} };
"""


def _stand_in(route) -> None:  # type: ignore[no-untyped-def]
    url = route.request.url
    if url.endswith("/swagger-ui-bundle.js"):
        route.fulfill(body=SWAGGER_UI_STAND_IN, content_type="application/javascript")
    elif url.endswith(".js"):
        route.fulfill(body="window.SwaggerUIStandalonePreset = {};", content_type="text/javascript")
    elif url.endswith(".css"):
        route.fulfill(body=".swagger-ui { margin: 0; }", content_type="text/css")
    else:
        route.abort()


def test_the_api_docs_keep_to_their_policy(page: Page) -> None:
    page.route("https://cdn.jsdelivr.net/**", _stand_in)
    page.goto("/api/docs/")
    expect(page.get_by_role("heading", name="Patchwatch API")).to_be_visible()
    assert page.evaluate("() => window.swaggerConfig.validatorUrl") is None


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
