"""Public reference endpoints, the OpenAPI schema and its docs, the frontend shell."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_config_tells_the_frontend_about_the_server(anon, settings) -> None:
    settings.GEOCODER = "gazetteer"
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    response = anon.get("/api/v1/config/")
    assert response.status_code == 200
    assert response.json() == {
        "tile_url": "https://tiles.example.org/{z}/{x}/{y}.png",
        "tile_attribution": "&copy; OpenStreetMap contributors",
        "geocoder_enabled": True,
        "default_centre": {"lat": 52.3, "lon": -0.1},
        "default_zoom": 9,
        "webpush_public_key": "",
    }
    settings.GEOCODER = ""
    assert anon.get("/api/v1/config/").json()["geocoder_enabled"] is False


def test_forces_are_the_43_of_england_and_wales(anon) -> None:
    response = anon.get("/api/v1/forces/", {"page_size": 100})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 43
    assert body["results"][2] == {"code": "cambridgeshire", "name": "Cambridgeshire Constabulary"}
    assert {"code": "north-wales", "name": "North Wales Police"} in body["results"]
    found = anon.get("/api/v1/forces/", {"q": "wales"}).json()["results"]
    assert [force["code"] for force in found] == ["north-wales", "south-wales"]


def test_openapi_schema_is_valid(tmp_path) -> None:
    # drf-spectacular validates against the OpenAPI 3 JSON schema; warnings fail too.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yaml"))
    text = (tmp_path / "s.yaml").read_text()
    assert "/api/v1/schemes/{id}/members/" not in text  # nested under scheme_pk
    assert "/api/v1/schemes/{scheme_pk}/members/" in text


def test_schema_and_docs_are_served(anon) -> None:
    schema = anon.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "Patchwatch API"
    docs = anon.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content


def test_frontend_shell_is_served_at_every_app_address(anon, settings, tmp_path) -> None:
    (tmp_path / "index.html").write_text("<!doctype html><title>Patchwatch</title>")
    settings.FRONTEND_DIST = tmp_path
    for path in ("/", "/schemes/12", "/my-schemes"):
        response = anon.get(path)
        assert response.status_code == 200
        assert response.content == b"<!doctype html><title>Patchwatch</title>"
        assert "csrftoken" in response.cookies


def test_missing_frontend_build_says_how_to_build_it(anon, settings, tmp_path) -> None:
    settings.FRONTEND_DIST = tmp_path / "nothing-here"
    response = anon.get("/")
    assert response.status_code == 503
    assert b"npm run build" in response.content


def test_service_worker_is_served_from_the_root(anon, settings, tmp_path) -> None:
    settings.FRONTEND_DIST = tmp_path
    assert anon.get("/sw.js").status_code == 404
    (tmp_path / "sw.js").write_text("self.addEventListener('push', () => {});")
    response = anon.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/javascript"
    assert response.content == b"self.addEventListener('push', () => {});"
