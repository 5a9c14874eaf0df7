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


def test_swagger_ui_comes_from_the_app_under_its_policy(anon) -> None:
    page = anon.get("/api/docs/")
    assert page.status_code == 200
    assert _directives(page["Content-Security-Policy"]) == _directives(POLICY)
    html = page.content.decode()
    for name in ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"):
        assert f'"/static/drf_spectacular_sidecar/swagger-ui-dist/{name}"' in html
    assert '<link rel="stylesheet" href="/static/core/api-docs.css">' in html
    # Its start-up script is a file of its own, which the policy allows, and nothing on the
    # page is inline or from elsewhere.
    assert '<script src="/api/docs/?script="></script>' in html
    assert "<script>" not in html
    assert "<style>" not in html
    assert "https://" not in html
    script = anon.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b'"validatorUrl": null' in script.content


def test_redoc_comes_from_the_app_with_its_styles_and_search_worker(anon) -> None:
    page = anon.get("/api/redoc/")
    assert page.status_code == 200
    assert _directives(page["Content-Security-Policy"]) == {
        **_directives(POLICY),
        "style-src": "'self' 'unsafe-inline'",
        "worker-src": "'self' blob:",
    }
    html = page.content.decode()
    assert '<redoc spec-url="/api/schema/"></redoc>' in html
    assert '<script src="/api/redoc/redoc.js"></script>' in html
    assert "<script>" not in html
    assert "https://" not in html
    script = anon.get("/api/redoc/redoc.js")
    assert script.status_code == 200
    assert script["Content-Type"] == "application/javascript"
    assert script["Cache-Control"] == "public, max-age=86400"
    assert b"Redoc" in script.content
    assert b"cdn.redoc.ly" not in script.content
    again = anon.get("/api/redoc/redoc.js", HTTP_IF_NONE_MATCH=script["ETag"])
    assert again.status_code == 304


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
