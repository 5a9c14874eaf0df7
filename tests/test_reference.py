"""Public reference endpoints, the OpenAPI schema and its docs, the frontend shell."""

import json
import re

import pytest
from django.core.management import call_command
from django.urls import URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db


# The site form asks these, in this order, in these words.
RISK_QUESTIONS = [
    {
        "key": "safe_standing_place",
        "question": "There is a safe place to stand, off the carriageway.",
    },
    {"key": "clear_view", "question": "Drivers can see the volunteers from a safe distance."},
    {
        "key": "no_obstruction",
        "question": "The team will not obstruct the footway or sight lines.",
    },
    {"key": "parking_nearby", "question": "There is safe parking nearby."},
]

# The words the frontend shows for each choice: the models' own.
LABELS = {
    "scheme_kind": {
        "neighbourhood": "Neighbourhood Watch",
        "speedwatch": "Community Speedwatch",
        "countryside": "Countryside Watch",
    },
    "scheme_status": {
        "proposed": "Proposed",
        "active": "Active",
        "suspended": "Suspended",
        "closed": "Closed",
    },
    "member_role": {"volunteer": "Volunteer", "coordinator": "Coordinator"},
    "member_status": {
        "pending": "Waiting for approval",
        "active": "Member",
        "declined": "Declined",
    },
    "site_status": {
        "proposed": "Waiting for approval",
        "approved": "Approved",
        "rejected": "Rejected",
        "suspended": "Suspended",
    },
    "session_status": {"draft": "Draft", "submitted": "Submitted"},
    "direction": {
        "northbound": "Northbound",
        "southbound": "Southbound",
        "eastbound": "Eastbound",
        "westbound": "Westbound",
        "both": "Both directions",
    },
    "vehicle_type": {
        "car": "Car",
        "van": "Van",
        "lorry": "Lorry / HGV",
        "bus": "Bus or coach",
        "motorcycle": "Motorcycle",
        "other": "Other",
    },
    "letter_action": {
        "first_letter": "First letter",
        "second_letter": "Second and final letter",
        "police_action": "Referral for police action",
        "none": "No action (voided)",
    },
    "action_status": {"pending": "Waiting", "sent": "Letter sent", "done": "Done"},
    "dispute_outcome": {
        "none": "Not disputed",
        "pending": "Being looked at",
        "upheld": "Upheld: offence voided",
        "rejected": "Rejected: offence stands",
    },
    "alert_category": {
        "burglary": "Burglary",
        "vehicle_crime": "Vehicle crime",
        "bogus_caller": "Bogus caller or scam",
        "rural_crime": "Rural crime",
        "hare_coursing": "Hare coursing",
        "fly_tipping": "Fly-tipping",
        "speeding": "Speeding",
        "missing_person": "Missing person",
        "suspicious_activity": "Suspicious activity",
        "general": "General",
    },
    "alert_status": {
        "draft": "Draft",
        "published": "Published",
        "updated": "Replaced by an update",
        "cancelled": "Cancelled",
        "expired": "Expired",
    },
    "alert_channel": {
        "in_app": "In the app",
        "email": "Email",
        "push": "Web push",
        "sms": "Text message",
    },
    "audience": {"coordinators": "Coordinators only", "members": "All members"},
    "severity": {
        "Extreme": "Extreme",
        "Severe": "Severe",
        "Moderate": "Moderate",
        "Minor": "Minor",
        "Unknown": "Unknown",
    },
    "urgency": {
        "Immediate": "Immediate",
        "Expected": "Expected",
        "Future": "Future",
        "Past": "Past",
        "Unknown": "Unknown",
    },
    "response_type": {
        "Shelter": "Shelter: stay indoors",
        "Evacuate": "Evacuate: leave the area",
        "Prepare": "Prepare: get ready to act",
        "Execute": "Execute: do what the instructions say",
        "Avoid": "Avoid: keep away from it",
        "Monitor": "Monitor: keep watch and report",
        "Assess": "Assess: weigh up the information",
        "AllClear": "All clear: nothing more to do",
        "None": "None: no action needed",
    },
}


def test_config_tells_the_frontend_about_the_server(anon, settings) -> None:
    settings.GEOCODER = "gazetteer"
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    # A force that allows three days to submit: the setting, not police guidance's 48 hours.
    settings.SPEEDWATCH_SUBMIT_WITHIN_HOURS = 72
    settings.SCHEME_RADIUS_MAX_M = 15_000
    settings.ALERT_RADIUS_MAX_M = 10_000
    response = anon.get("/api/v1/config/")
    assert response.status_code == 200
    assert response.json() == {
        "tile_url": "https://tiles.example.org/{z}/{x}/{y}.png",
        "tile_attribution": "&copy; OpenStreetMap contributors",
        "geocoder_enabled": True,
        "default_centre": {"lat": 52.3, "lon": -0.1},
        "default_zoom": 9,
        "webpush_public_key": "",
        "speedwatch_allowed_limits_mph": [20, 30, 40],
        "speedwatch_threshold_mph": {"20": 24, "30": 35, "40": 46},
        "speedwatch_min_members_present": 3,
        "speedwatch_session_max_hours": 4,
        "speedwatch_device_check_max_age_days": 365,
        "speedwatch_submit_within_hours": 72,
        "scheme_radius_min_m": 50,
        "scheme_radius_max_m": 15_000,
        "scheme_polygon_max_vertices": 500,
        "scheme_polygon_max_span_m": 40_000,
        "scheme_text_max_lengths": {
            "name": 120,
            "description": 5000,
            "contact_name": 150,
            "contact_phone": 20,
        },
        "alert_radius_min_m": 50,
        "alert_radius_max_m": 10_000,
        "speedwatch_risk_questions": RISK_QUESTIONS,
        "speedwatch_letters_posted": False,
        "speedwatch_letter_postage": "second",
        "labels": LABELS,
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


def _force_codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [force["code"] for force in response.json()["results"]]


def test_forces_search_and_ordering(anon) -> None:
    forces = "/api/v1/forces/"
    assert anon.get(forces, {"search": "york"}).json() == {
        "count": 3,
        "next": None,
        "previous": None,
        "results": [
            {"code": "north-yorkshire", "name": "North Yorkshire Police"},
            {"code": "south-yorkshire", "name": "South Yorkshire Police"},
            {"code": "west-yorkshire", "name": "West Yorkshire Police"},
        ],
    }
    assert _force_codes(anon.get(forces, {"search": "YORK", "ordering": "-code"})) == [
        "west-yorkshire",
        "south-yorkshire",
        "north-yorkshire",
    ]
    by_name = _force_codes(anon.get(forces, {"ordering": "name", "page_size": 100}))
    assert by_name[:3] == ["avon-and-somerset", "bedfordshire", "cambridgeshire"]
    assert by_name[-2:] == ["west-yorkshire", "wiltshire"]
    assert _force_codes(anon.get(forces, {"ordering": "-name", "page_size": 2})) == [
        "wiltshire",
        "west-yorkshire",
    ]
    assert _force_codes(anon.get(forces, {"search": "atlantis"})) == []


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ({"ordering": "password"}, {"ordering": ['"password" is not a valid choice.']}),
        ({"search": "x" * 101}, {"search": ["Ensure this field has no more than 100 characters."]}),
    ],
)
def test_forces_query_errors(anon, query, errors) -> None:
    response = anon.get("/api/v1/forces/", query)
    assert response.status_code == 400
    assert response.json() == errors


def test_forces_list_needs_no_queries(anon, django_assert_num_queries) -> None:
    # A fixed list in code: no database at all, whatever the page size.
    with django_assert_num_queries(0):
        assert len(anon.get("/api/v1/forces/", {"page_size": 5}).json()["results"]) == 5
    with django_assert_num_queries(0):
        assert len(anon.get("/api/v1/forces/", {"page_size": 100}).json()["results"]) == 43


def test_openapi_schema_is_valid(tmp_path) -> None:
    # drf-spectacular validates against the OpenAPI 3 JSON schema; warnings fail too.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yaml"))
    text = (tmp_path / "s.yaml").read_text()
    assert "/api/v1/schemes/{id}/members/" not in text  # nested under scheme_pk
    assert "/api/v1/schemes/{scheme_pk}/members/" in text


def _api_addresses(patterns, prefix: str = "") -> set[str]:
    """Every DRF view's address under the URLconf, written as OpenAPI paths are."""
    found = set()
    for pattern in patterns:
        text = re.sub(r"^\^|\$$", "", str(pattern.pattern))
        if isinstance(pattern, URLResolver):
            found |= _api_addresses(pattern.url_patterns, prefix + text)
        elif hasattr(pattern.callback, "cls"):
            path = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", prefix + text)
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path)
            # drf-spectacular names a router's "pk" after the model's primary key.
            found.add("/" + path.replace("{pk}", "{id}"))
    return found


def test_the_schema_documents_every_api_address() -> None:
    schema_paths = set(SchemaGenerator().get_schema(request=None, public=True)["paths"])
    addresses = {
        path for path in _api_addresses(get_resolver().url_patterns) if path.startswith("/api/v1/")
    }
    assert schema_paths == addresses
    assert {
        "/api/v1/schemes/",
        "/api/v1/schemes/{id}/",
        "/api/v1/schemes/{id}/status/",
        "/api/v1/schemes/{scheme_pk}/status-history/",
        "/api/v1/schemes/{id}/join/",
        "/api/v1/schemes/{id}/leave/",
        "/api/v1/schemes/{scheme_pk}/members/",
        "/api/v1/schemes/{scheme_pk}/members/{id}/",
        "/api/v1/schemes/{scheme_pk}/members/{id}/approve/",
        "/api/v1/schemes/{scheme_pk}/members/{id}/decline/",
        "/api/v1/join-requests/",
        "/api/v1/me/memberships/",
        "/api/v1/activity/",
        "/api/v1/activity/export/",
        "/api/v1/auth/csrf/",
        "/api/v1/auth/signup/",
        "/api/v1/auth/login/",
        "/api/v1/auth/logout/",
        "/api/v1/auth/token/",
        "/api/v1/auth/token/revoke/",
        "/api/v1/auth/password-reset/",
        "/api/v1/auth/password-reset/confirm/",
        "/api/v1/me/",
        "/api/v1/config/",
        "/api/v1/forces/",
    } <= schema_paths


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


def test_web_app_manifest_is_served_under_static_with_its_media_type(anon) -> None:
    # The built frontend's (make test builds it first), through whitenoise as in production.
    response = anon.get("/static/manifest.webmanifest")
    assert (response.status_code, response["Content-Type"]) == (200, "application/manifest+json")
    manifest = json.loads(b"".join(response.streaming_content))
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == (
        "/",
        "/",
        "standalone",
    )


def test_config_keeps_the_order_of_the_choices(anon) -> None:
    """The frontend lists the choices in the server's order (JSON objects keep theirs)."""
    body = anon.get("/api/v1/config/").json()
    assert list(body["labels"]["severity"]) == ["Extreme", "Severe", "Moderate", "Minor", "Unknown"]
    assert [question["key"] for question in body["speedwatch_risk_questions"]] == [
        "safe_standing_place",
        "clear_view",
        "no_obstruction",
        "parking_nearby",
    ]
