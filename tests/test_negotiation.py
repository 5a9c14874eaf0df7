"""Files are negotiated: the Accept header or ?format= picks CSV, PDF or CAP XML where an
endpoint offers them, anything else gets 406, and errors are JSON whatever was asked for."""

import json

import pytest
import yaml

from tests.speedwatch import logged_session

pytestmark = pytest.mark.django_db

STATISTICS = "/api/v1/speedwatch/statistics/"
LETTERS = "/api/v1/speedwatch/letters/export/"


@pytest.mark.parametrize(
    ("accept", "query", "media_type"),
    [
        (None, {}, "application/json"),
        ("text/csv", {}, "text/csv"),
        ("text/csv;q=0.9, application/json;q=0.5", {}, "text/csv"),
        (None, {"format": "csv"}, "text/csv"),
        ("application/json", {"format": "csv"}, "text/csv"),
        ("text/csv", {"format": "json"}, "application/json"),
    ],
)
def test_statistics_are_json_or_csv_as_asked(
    client_for, sw_coordinator, site, sw_team, accept, query, media_type
) -> None:
    logged_session(site, sw_team, days_ago=3, offences=[("AB12CDE", 41)])
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    response = client_for(sw_coordinator).get(STATISTICS, query, **headers)
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == media_type
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if media_type == "text/csv":
        assert body.decode("utf-8-sig").splitlines()[0].startswith("period,")
    else:
        assert json.loads(body)["offences"] == 1


def test_a_media_type_the_endpoint_does_not_make_is_406_in_json(client_for, sw_coordinator):
    response = client_for(sw_coordinator).get(STATISTICS, HTTP_ACCEPT="application/pdf")
    assert response.status_code == 406
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


@pytest.mark.parametrize("format", ["pdf", "", "CSV"])
def test_an_unknown_format_is_refused_by_name(client_for, sw_coordinator, format) -> None:
    response = client_for(sw_coordinator).get(STATISTICS, {"format": format})
    assert response.status_code == 400
    assert response.json() == {"format": ["This endpoint's formats are: json, csv."]}


@pytest.mark.parametrize(
    ("headers", "query"),
    [({"HTTP_ACCEPT": "application/pdf"}, {}), ({}, {"format": "pdf"}), ({}, {})],
)
def test_refusals_of_a_file_are_json(client_for, sw_coordinator, headers, query) -> None:
    """A coordinator may not have the letters queue: the refusal is readable JSON, whether
    the PDF or the CSV (the default) was asked for."""
    response = client_for(sw_coordinator).get(LETTERS, query, **headers)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert "liaisons" in response.json()["detail"]


def test_letters_pdf_by_accept_header(client_for, liaison, site, sw_team) -> None:
    logged_session(site, sw_team, days_ago=3, offences=[("AB12CDE", 41)])
    response = client_for(liaison).get(LETTERS, HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("query", "load"), [({"format": "json"}, json.loads), ({}, yaml.safe_load)]
)
def test_the_schema_comes_as_json_when_asked(anon, query, load) -> None:
    response = anon.get("/api/schema/", query)
    assert response.status_code == 200
    assert load(response.content)["openapi"].startswith("3.")


def test_the_schema_declares_the_format_parameter_with_the_endpoints_formats(anon) -> None:
    schema = json.loads(anon.get("/api/schema/", {"format": "json"}).content)
    operation = schema["paths"]["/api/v1/speedwatch/letters/export/"]["get"]
    (format_parameter,) = [p for p in operation["parameters"] if p["name"] == "format"]
    assert format_parameter["schema"]["enum"] == ["csv", "pdf"]
    assert set(operation["responses"]["200"]["content"]) == {"text/csv", "application/pdf"}
    assert set(operation["responses"]["403"]["content"]) == {"application/json"}


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("application/json;q=0.5, text/csv", "text/csv"),
        ("text/csv;q=0.4, application/json;q=0.8", "application/json"),
        ("text/csv;q=0, */*", "application/json"),
        ("text/*", "text/csv"),
    ],
)
def test_quality_values_are_honoured(client_for, sw_coordinator, accept, media_type) -> None:
    response = client_for(sw_coordinator).get(STATISTICS, HTTP_ACCEPT=accept)
    assert response["Content-Type"].split(";")[0] == media_type


def test_only_refused_types_is_406(client_for, sw_coordinator) -> None:
    response = client_for(sw_coordinator).get(STATISTICS, HTTP_ACCEPT="text/csv;q=0")
    assert response.status_code == 406


def test_options_describes_a_file_endpoint_in_json(client_for, liaison) -> None:
    response = client_for(liaison).options(LETTERS, {"format": "pdf"})
    assert response.status_code == 200
    assert response.json()["name"]


@pytest.mark.parametrize(
    ("headers", "query"),
    [({}, {}), ({"HTTP_ACCEPT": "application/zip"}, {}), ({}, {"format": "zip"})],
)
def test_the_data_export_is_a_zip_by_accept_or_format(client_for, volunteer, headers, query):
    response = client_for(volunteer).get("/api/v1/me/export/", query, **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert b"".join(response.streaming_content).startswith(b"PK")


def test_the_data_export_refuses_json_in_json(client_for, volunteer) -> None:
    response = client_for(volunteer).get("/api/v1/me/export/", HTTP_ACCEPT="application/json")
    assert response.status_code == 406
    assert response["Content-Type"] == "application/json"
