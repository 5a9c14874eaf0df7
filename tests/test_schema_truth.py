"""What the OpenAPI schema promises, the API does: values within the documented enums and
formats, the status codes that are really returned, and inputs the schema marks invalid
refused with a field error. Each test here is a defect the schemathesis run found."""

from datetime import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from notifications.models import Preference, PushSubscription
from schemes.models import Scheme
from tests.speedwatch import offence_row, session_payload
from tests.test_scheme_lifecycle import PROPOSAL
from watch.models import Offence

PREFERENCES = "/api/v1/me/alert-preferences/"
SESSIONS = "/api/v1/speedwatch/sessions/"
SAVED_PREFERENCES = {
    "channels": ["email"],
    "categories": [],
    "min_severity": "Minor",
    "muted_schemes": [],
    "quiet_from": "22:00",
    "quiet_until": "07:00",
    "daily_digest": False,
}


@pytest.fixture
def openapi(anon) -> dict:
    return anon.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()


def test_status_history_starts_from_null_not_an_empty_string(client_for, stranger) -> None:
    client = client_for(stranger)
    assert client.post("/api/v1/schemes/", PROPOSAL, format="json").status_code == 201
    scheme = Scheme.objects.get()
    history = client.get(f"/api/v1/schemes/{scheme.pk}/status-history/").json()["results"]
    assert [(h["from_status"], h["to_status"], h["actor_name"]) for h in history] == [
        (None, "proposed", "Sam Stranger")
    ]


def test_quiet_hours_are_written_and_read_as_hh_mm(client_for, volunteer) -> None:
    client = client_for(volunteer)
    response = client.put(PREFERENCES, SAVED_PREFERENCES, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["quiet_from"], body["quiet_until"]) == ("22:00", "07:00")
    assert client.get(PREFERENCES).json()["quiet_from"] == "22:00"
    stored = Preference.objects.get(user=volunteer)
    assert (stored.quiet_from, stored.quiet_until) == (time(22, 0), time(7, 0))


@pytest.mark.parametrize("value", ["22:00:00", "7:00", "24:00", "22:00+01:00", ""])
def test_quiet_hours_other_than_hh_mm_are_refused(client_for, volunteer, value: str) -> None:
    response = client_for(volunteer).put(
        PREFERENCES, {**SAVED_PREFERENCES, "quiet_from": value}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"quiet_from": ["Enter a time as HH:MM, for example 22:00."]}
    assert not Preference.objects.filter(user=volunteer).exists()


def test_the_schema_documents_quiet_hours_as_hh_mm(openapi) -> None:
    field = openapi["components"]["schemas"]["Preference"]["properties"]["quiet_from"]
    assert (field["type"], field["pattern"], field.get("format")) == (
        "string",
        "^([01][0-9]|2[0-3]):[0-5][0-9]$",
        None,
    )


def test_duplicate_channels_are_refused(client_for, volunteer, openapi) -> None:
    response = client_for(volunteer).put(
        PREFERENCES, {**SAVED_PREFERENCES, "channels": ["email", "email"]}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"channels": ["Give each value once: email is repeated."]}
    assert not Preference.objects.filter(user=volunteer).exists()
    channels = openapi["components"]["schemas"]["PreferenceRequest"]["properties"]["channels"]
    assert channels["uniqueItems"] is True


def test_offence_creation_answers_201_as_documented(
    client_for, site, sw_team, sw_coordinator, openapi
) -> None:
    client = client_for(sw_coordinator)
    session = client.post(SESSIONS, session_payload(site, sw_team), format="json").json()
    response = client.post(
        f"{SESSIONS}{session['id']}/offences/", offence_row("AB12CDE", 40), format="json"
    )
    assert response.status_code == 201
    assert [row["registration"] for row in response.json()] == ["AB12CDE"]
    assert Offence.objects.count() == 1
    responses = openapi["paths"]["/api/v1/speedwatch/sessions/{id}/offences/"]["post"]["responses"]
    # A bare list, as returned (not a paginated page), for a new offence and for a retry.
    for code in ("201", "200"):
        schema = responses[code]["content"]["application/json"]["schema"]
        assert schema == {"type": "array", "items": {"$ref": "#/components/schemas/Offence"}}


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ({"page_size": "null"}, {"page_size": ["Enter a whole number from 1 to 100."]}),
        ({"page_size": "0"}, {"page_size": ["Enter a whole number from 1 to 100."]}),
        ({"page_size": "101"}, {"page_size": ["Enter a whole number from 1 to 100."]}),
        ({"page_size": ""}, {"page_size": ["Enter a whole number from 1 to 100."]}),
        ({"page": "0"}, {"page": ["Enter a page number from 1 to 1000000."]}),
        ({"page": "last"}, {"page": ["Enter a page number from 1 to 1000000."]}),
        ({"page": "3989157930427011072"}, {"page": ["Enter a page number from 1 to 1000000."]}),
    ],
)
def test_page_and_page_size_out_of_range_are_field_errors(
    client_for, liaison, query: dict, errors: dict
) -> None:
    response = client_for(liaison).get("/api/v1/forces/", query)
    assert response.status_code == 400
    assert response.json() == errors


def test_a_page_size_in_range_is_used(client_for, liaison) -> None:
    response = client_for(liaison).get("/api/v1/forces/", {"page_size": "5", "page": "2"})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 5


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/activity/",
        "/api/v1/speedwatch/offences/",
        "/api/v1/speedwatch/sessions/",
        "/api/v1/speedwatch/audit/",
    ],
)
def test_an_empty_until_is_a_field_error(client_for, liaison, url: str) -> None:
    response = client_for(liaison).get(url, {"until": ""})
    assert response.status_code == 400
    assert response.json() == {"until": ["Enter a date and time, or leave the parameter out."]}


def test_an_empty_until_is_a_field_error_in_statistics(client_for, sw_coordinator) -> None:
    response = client_for(sw_coordinator).get("/api/v1/speedwatch/statistics/", {"until": ""})
    assert response.status_code == 400
    assert list(response.json()) == ["until"]


def test_form_encoded_bodies_are_refused(client_for, volunteer) -> None:
    response = client_for(volunteer).generic(
        "PUT",
        PREFERENCES,
        "channels=email&quiet_from=22:00&quiet_until=07:00",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 415
    assert response.json() == {
        "detail": 'Unsupported media type "application/x-www-form-urlencoded" in request.'
    }
    assert not Preference.objects.filter(user=volunteer).exists()


# --- JSON bodies: a value of another type than the schema's is refused, not converted ----


def test_a_number_is_not_taken_as_a_name(client_for, volunteer) -> None:
    response = client_for(volunteer).patch("/api/v1/me/", {"name": 5}, format="json")
    assert response.status_code == 400
    assert response.json() == {"name": ["Not a valid string."]}
    volunteer.refresh_from_db()
    assert volunteer.name != "5"


@pytest.mark.parametrize("value", [0, 1, "false", "no", None])
def test_only_true_or_false_is_a_boolean(client_for, volunteer, value) -> None:
    response = client_for(volunteer).put(
        PREFERENCES, {**SAVED_PREFERENCES, "daily_digest": value}, format="json"
    )
    assert response.status_code == 400
    message = "This field may not be null." if value is None else "Must be a valid boolean."
    assert response.json() == {"daily_digest": [message]}
    assert not Preference.objects.filter(user=volunteer).exists()


def test_numbers_are_not_taken_as_push_keys(client_for, volunteer) -> None:
    body = {"endpoint": "https://push.example.org/abc", "keys": {"p256dh": 12, "auth": 3.5}}
    response = client_for(volunteer).post("/api/v1/me/push-subscriptions/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "keys": {"p256dh": ["Not a valid string."], "auth": ["Not a valid string."]}
    }
    assert not PushSubscription.objects.exists()


def test_list_items_and_ids_of_another_type_are_refused(client_for, volunteer, scheme) -> None:
    body = {**SAVED_PREFERENCES, "categories": [7], "muted_schemes": [str(scheme.pk)]}
    response = client_for(volunteer).put(PREFERENCES, body, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "categories": {"0": ['"7" is not a valid choice.']},
        "muted_schemes": {"0": ["Incorrect type. Expected pk value, received str."]},
    }


def test_text_for_a_whole_number_is_refused(client_for, sw_coordinator, site, sw_team) -> None:
    client = client_for(sw_coordinator)
    session = client.post(SESSIONS, session_payload(site, sw_team), format="json").json()
    response = client.post(
        f"{SESSIONS}{session['id']}/offences/",
        {**offence_row("AB12CDE", 40), "speed_mph": "40"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"speed_mph": ["A valid integer is required."]}
    assert Offence.objects.count() == 0


def test_a_csv_upload_is_still_read_as_text(client_for, sw_coordinator, site, sw_team) -> None:
    client = client_for(sw_coordinator)
    session = client.post(SESSIONS, session_payload(site, sw_team), format="json").json()
    row = offence_row("AB12CDE", 40)
    upload = SimpleUploadedFile(
        "offences.csv",
        f"registration,speed_mph,observed_at\nAB12CDE,40,{row['observed_at']}\n".encode(),
        content_type="text/csv",
    )
    response = client.post(
        f"{SESSIONS}{session['id']}/offences/upload/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 201, response.content
    assert [(o["registration"], o["speed_mph"]) for o in response.json()] == [("AB12CDE", 40)]


# --- Query parameters -------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/v1/speedwatch/audit/", "/api/v1/speedwatch/audit/export/"])
def test_a_fraction_is_not_a_scheme_id(client_for, liaison, url: str) -> None:
    response = client_for(liaison).get(url, {"scheme": "0.5"})
    assert response.status_code == 400
    assert response.json() == {"scheme": ["Enter a whole number: the id."]}


def test_an_empty_id_or_yes_no_filter_is_refused(client_for, sw_coordinator, liaison) -> None:
    offences = client_for(sw_coordinator).get("/api/v1/speedwatch/offences/", {"site": ""})
    assert offences.status_code == 400
    assert offences.json() == {"site": ["Enter a whole number: the id."]}
    alerts = client_for(liaison).get("/api/v1/alerts/", {"mine": ""})
    assert alerts.status_code == 400
    assert alerts.json() == {"mine": ["Enter a value, or leave the parameter out."]}


def test_an_empty_choice_or_number_parameter_is_refused(client_for, sw_coordinator, anon) -> None:
    sites = client_for(sw_coordinator).get("/api/v1/speedwatch/sites/", {"status": ""})
    assert sites.status_code == 400
    assert sites.json() == {"status": ["Enter a value, or leave the parameter out."]}
    near = anon.get("/api/v1/schemes/", {"lat": "", "lon": "0.1"})
    assert near.status_code == 400
    assert near.json() == {"lat": ["Enter a value, or leave the parameter out."]}
    # Free text may be blank: an empty search is no search.
    assert anon.get("/api/v1/schemes/", {"q": ""}).status_code == 200


def test_an_empty_force_ordering_is_refused(anon) -> None:
    response = anon.get("/api/v1/forces/", {"ordering": ""})
    assert response.status_code == 400
    assert response.json() == {"ordering": ['"" is not a valid choice.']}


@pytest.mark.parametrize("value", ["", "password", "name,", "distance"])
def test_an_ordering_the_list_cannot_apply_is_refused(anon, value: str) -> None:
    response = anon.get("/api/v1/schemes/", {"ordering": value})
    assert response.status_code == 400
    assert response.json() == {
        "ordering": ["Sort by one of: name, -name, created_at, -created_at."]
    }


def test_orderings_the_schema_lists_are_applied(client_for, liaison, openapi) -> None:
    parameter = next(
        p
        for p in openapi["paths"]["/api/v1/schemes/"]["get"]["parameters"]
        if p["name"] == "ordering"
    )
    assert parameter["schema"] == {
        "type": "string",
        "enum": ["name", "-name", "created_at", "-created_at"],
    }
    response = client_for(liaison).get("/api/v1/schemes/", {"ordering": "-name,created_at"})
    assert response.status_code == 200


# --- What the schema states ---------------------------------------------------------------


def test_the_schema_states_the_scheme_radius_limits(openapi, settings) -> None:
    schemas = openapi["components"]["schemas"]
    for name in ("SchemeInputRequest", "PatchedSchemeInputRequest"):
        radius = schemas[name]["properties"]["radius_m"]
        assert (radius["minimum"], radius["maximum"]) == (
            settings.SCHEME_RADIUS_MIN_M,
            settings.SCHEME_RADIUS_MAX_M,
        )
    near = {
        p["name"]: p["schema"] for p in openapi["paths"]["/api/v1/schemes/"]["get"]["parameters"]
    }
    assert (near["radius_m"]["minimum"], near["radius_m"]["maximum"]) == (
        1,
        settings.NEAR_RADIUS_MAX_M,
    )
    assert (near["lat"]["minimum"], near["lat"]["maximum"]) == (-90, 90)


def test_a_radius_below_the_minimum_is_refused(client_for, stranger, settings) -> None:
    response = client_for(stranger).post(
        "/api/v1/schemes/",
        {**PROPOSAL, "radius_m": settings.SCHEME_RADIUS_MIN_M - 1},
        format="json",
    )
    assert response.status_code == 400
    low, high = settings.SCHEME_RADIUS_MIN_M, settings.SCHEME_RADIUS_MAX_M
    assert response.json() == {"radius_m": [f"Give a radius from {low} to {high} metres."]}


def test_the_schema_states_the_boundary_ring(openapi, settings) -> None:
    boundary = openapi["components"]["schemas"]["SchemeInputRequest"]["properties"]["boundary"]
    rings = boundary["properties"]["coordinates"]
    ring = rings["items"]
    position = ring["items"]
    assert (rings["minItems"], rings["maxItems"]) == (1, 1)
    assert (ring["minItems"], ring["maxItems"]) == (4, settings.SCHEME_POLYGON_MAX_VERTICES)
    # A third number, a height, is taken (and dropped), as RFC 7946 allows.
    assert (position["minItems"], position["maxItems"]) == (2, 3)


def test_the_schema_states_that_risk_answers_must_be_yes(openapi) -> None:
    schemas = openapi["components"]["schemas"]
    risk = schemas["RiskAssessmentRequest"]
    assert sorted(risk["required"]) == sorted(risk["properties"])
    assert {name: prop["allOf"] for name, prop in risk["properties"].items()} == {
        name: [{"$ref": "#/components/schemas/RiskAnswerEnum"}] for name in risk["properties"]
    }
    assert schemas["RiskAnswerEnum"] == {"type": "boolean", "enum": [True]}
    assert "risk_assessment" in schemas["SiteInputRequest"]["required"]


# --- Ids in paths, references and sign-in ------------------------------------------------


def _operations(openapi: dict) -> list[tuple[str, str, dict]]:
    return [
        (method, path, operation)
        for path, operations in openapi["paths"].items()
        for method, operation in operations.items()
        if method != "parameters"
    ]


def test_ids_in_paths_are_integers_or_uuids(openapi) -> None:
    types = {
        (parameter["name"], parameter["schema"].get("format", parameter["schema"]["type"]))
        for _, _, operation in _operations(openapi)
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "path"
    }
    assert types == {
        ("id", "integer"),
        ("id", "uuid"),
        ("scheme_pk", "integer"),
        ("scheme_id", "integer"),
        ("reply_id", "integer"),
        ("offence_id", "uuid"),
        ("user_id", "integer"),
    }


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/alerts/abc/",
        "/api/v1/schemes/1.5/",
        "/api/v1/schemes/abc/members/",
        "/api/v1/speedwatch/sites/-1/",
        "/api/v1/speedwatch/sessions/not-a-uuid/",
        "/api/v1/alerts/1/replies/x/answer/",
    ],
)
def test_an_id_of_another_type_in_a_path_is_not_an_address(client_for, liaison, path) -> None:
    response = client_for(liaison).get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "There is no API endpoint at this address."}


def test_a_session_names_its_site_by_id(openapi) -> None:
    schemas = openapi["components"]["schemas"]
    assert schemas["Session"]["properties"]["site"] == {
        "allOf": [{"$ref": "#/components/schemas/SiteRef"}],
        "readOnly": True,
    }
    assert schemas["SiteRef"]["required"] == [
        "id",
        "name",
        "road_name",
        "speed_limit_mph",
        "threshold_mph",
    ]
    assert schemas["SiteRef"]["properties"]["id"] == {"type": "integer", "readOnly": True}


def test_no_response_body_is_left_untyped(openapi) -> None:
    """Every property says its type, or is a reference, a composition or an enum."""

    def untyped(schema: dict, where: str) -> list[str]:
        typed = set(schema) & {"type", "$ref", "allOf", "oneOf", "anyOf", "enum"}
        found = [] if typed else [where]
        for name, child in schema.get("properties", {}).items():
            found += untyped(child, f"{where}.{name}")
        if isinstance(schema.get("items"), dict):
            found += untyped(schema["items"], f"{where}[]")
        return found

    problems = [
        problem
        for name, schema in openapi["components"]["schemas"].items()
        for problem in untyped(schema, name)
    ]
    # The site risk assessment's stored answers, kept for the exports; risk_answers says them.
    assert problems == ["Site.risk_assessment"]


def test_the_schema_says_which_operations_need_no_sign_in(anon, openapi, db) -> None:
    """An operation open to anyone lists the empty requirement (``{}``) among its security
    alternatives; every other operation answers an anonymous request with a 401."""
    declared, answered = {}, {}
    for method, path, operation in _operations(openapi):
        url = path.replace("{id}", "1").replace("{scheme_pk}", "1").replace("{reply_id}", "1")
        url = url.replace("{user_id}", "1").replace("{offence_id}", "1")
        if "/speedwatch/sessions/" in path or "/offences/{" in path:
            url = url.replace("/1/", "/00000000-0000-4000-8000-000000000001/")
        response = getattr(anon, method)(url, {} if method == "get" else None, format="json")
        label = f"{method.upper()} {path}"
        declared[label] = {} in operation["security"]
        answered[label] = response.status_code != 401
    assert answered == declared
    assert {label for label, public in declared.items() if public} == {
        "GET /api/v1/alerts/{id}/cap/",
        "GET /api/v1/auth/csrf/",
        "POST /api/v1/auth/email-change/confirm/",
        "POST /api/v1/auth/login/",
        "POST /api/v1/auth/login/otp/",
        "POST /api/v1/auth/logout/",
        "POST /api/v1/auth/password-reset/",
        "POST /api/v1/auth/password-reset/confirm/",
        "POST /api/v1/auth/signup/",
        "POST /api/v1/auth/token/",
        "POST /api/v1/auth/token/otp/",
        "GET /api/v1/config/",
        "GET /api/v1/feeds/alerts.atom",
        "GET /api/v1/feeds/schemes/{scheme_id}/alerts.atom",
        "GET /api/v1/forces/",
        "GET /api/v1/neighbourhoods/",
        "GET /api/v1/schemes/",
        "GET /api/v1/schemes/{id}/",
    }
