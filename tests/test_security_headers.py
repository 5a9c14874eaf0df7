"""Security headers: the Content-Security-Policy, Permissions-Policy and Referrer-Policy on
the web app, the API and the admin, and the docs page's wider policy.
tests/browser/conftest.py fails every browser test on a policy violation."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from backend.security import csp_source

pytestmark = pytest.mark.django_db

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "style-src-attr 'unsafe-inline'; img-src 'self' data: https://tile.openstreetmap.org; "
    "font-src 'self'; connect-src 'self'; worker-src 'self'; manifest-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
PERMISSIONS = (
    "accelerometer=(), browsing-topics=(), camera=(), display-capture=(), "
    "geolocation=(self), gyroscope=(), hid=(), magnetometer=(), "
    "microphone=(), midi=(), payment=(), serial=(), usb=()"
)


def _directives(header: str) -> dict[str, str]:
    """A policy's directives by name (their order does not matter)."""
    parts = (part.strip().partition(" ") for part in header.split(";"))
    return {name: value for name, _, value in parts}


@pytest.mark.parametrize(
    "path", ["/", "/schemes/12", "/api/v1/config/", "/api/v1/schemes/", "/admin/login/", "/sw.js"]
)
def test_every_page_and_answer_has_the_security_headers(anon, path: str) -> None:
    response = anon.get(path)
    assert response.status_code in (200, 401, 404), path
    assert _directives(response["Content-Security-Policy"]) == _directives(POLICY)
    assert sorted(response["Permissions-Policy"].split(", ")) == PERMISSIONS.split(", ")
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_api_docs_may_load_swagger_ui_from_its_cdn(anon) -> None:
    page = anon.get("/api/docs/")
    assert page.status_code == 200
    cdn = "https://cdn.jsdelivr.net"
    directives = _directives(page["Content-Security-Policy"])
    assert directives == {
        **_directives(POLICY),
        "script-src": f"'self' {cdn}",
        "style-src": f"'self' {cdn} 'unsafe-inline'",
        "img-src": f"'self' data: https://tile.openstreetmap.org {cdn}",
    }
    # Its start-up script is a file of its own, which the policy allows, not an inline one.
    html = page.content.decode()
    assert '<script src="/api/docs/?script="></script>' in html
    assert "<script>" not in html
    script = anon.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b'"validatorUrl": null' in script.content


@pytest.mark.parametrize(
    ("url", "source"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
        ("https://tiles-{s}.example.org/{z}/{x}/{y}.png", "https://*.example.org"),
        ("http://127.0.0.1:8080/tiles/{z}/{x}/{y}.png", "http://127.0.0.1:8080"),
    ],
)
def test_a_tile_server_address_gives_its_image_source(url: str, source: str) -> None:
    assert csp_source(url, setting="MAP_TILE_URL") == source


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("tile.example.org/{z}/{x}/{y}.png", "MAP_TILE_URL must be an http(s) address"),
        ("ftp://tile.example.org/{z}.png", "MAP_TILE_URL must be an http(s) address"),
        (
            "https://tile.{s}.example.org/{z}/{x}/{y}.png",
            "MAP_TILE_URL may have a placeholder only in the first part of its host name",
        ),
    ],
)
def test_a_tile_server_address_that_cannot_be_a_source_is_refused(url: str, message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message.replace("(", r"\(").replace(")", r"\)")):
        csp_source(url, setting="MAP_TILE_URL")
