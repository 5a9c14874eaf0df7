"""Areas as GeoJSON by RFC 7946: every endpoint that returns a boundary returns it valid
against the official GeoJSON schema, flat, and with its outer ring counter-clockwise (section
3.1.6), however it was drawn; positions with a height are taken and the height dropped.

The schema is the geojson.org Polygon schema, kept in ``tests/standards/geojson/Polygon.json``
as published in the npm package ``geojson-schema`` 1.0.5 (from the geojson/schema project,
MIT). A JSON schema cannot state a ring's winding, so that is checked here on its own, with
the shoelace formula, apart from the code under test.
"""

import json
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator
from shapely.geometry import Polygon as ShapelyPolygon

from notifications.models import Alert, AlertApprovalPolicy
from schemes.models import Scheme
from tests.factories import LiaisonFactory, UserFactory

pytestmark = pytest.mark.django_db

POLYGON_SCHEMA = json.loads(
    (Path(__file__).resolve().parent / "standards" / "geojson" / "Polygon.json").read_text()
)
SCHEMES = "/api/v1/schemes/"
ALERTS = "/api/v1/alerts/"

# Around Mill Road, Cambridge (where the cast's scheme is), drawn clockwise: along the top
# eastwards, then down the east side.
CLOCKWISE = [[0.13, 52.205], [0.155, 52.205], [0.155, 52.19], [0.13, 52.19], [0.13, 52.205]]
COUNTER_CLOCKWISE = CLOCKWISE[::-1]


def signed_area(ring: list[list[float]]) -> float:
    """Twice the signed area of a ring on the longitude-latitude plane (the shoelace
    formula): positive when it runs counter-clockwise."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in pairwise(ring))


def test_the_independent_check_tells_the_windings_apart() -> None:
    assert signed_area(CLOCKWISE) < 0 < signed_area(COUNTER_CLOCKWISE)
    assert not ShapelyPolygon(CLOCKWISE).exterior.is_ccw
    assert ShapelyPolygon(COUNTER_CLOCKWISE).exterior.is_ccw


def assert_rfc7946(boundary: dict[str, Any]) -> None:
    """Valid by the official schema, and what the schema cannot say: closed, flat, a valid
    polygon, the outer ring counter-clockwise and any hole clockwise."""
    errors = [error.message for error in Draft7Validator(POLYGON_SCHEMA).iter_errors(boundary)]
    assert errors == []
    outer, *holes = boundary["coordinates"]
    for ring in boundary["coordinates"]:
        assert ring[0] == ring[-1]
        assert {len(position) for position in ring} == {2}
    assert signed_area(outer) > 0, outer
    assert all(signed_area(hole) < 0 for hole in holes)
    assert ShapelyPolygon(outer, holes).is_valid


def _polygon(ring: list[list[float]]) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [ring]}


# --- The endpoints that return a boundary ------------------------------------------------

PROPOSAL = {
    "name": "Romsey Town Watch",
    "kind": "neighbourhood",
    "force": "cambridgeshire",
    "contact_name": "Nina Kowalski",
}
ALERT = {
    "title": "Bogus callers on Mill Road",
    "body": "Two men claiming to be from the water board. Do not let them in.",
    "category": "bogus_caller",
    "severity": "Moderate",
    "urgency": "Expected",
    "audience": "members",
}


class World:
    """A clockwise scheme boundary proposed through the API, and a clockwise alert drafted
    through it over the cast's Mill Road scheme. ``stored_clockwise`` then writes the rings
    back clockwise, as rows stored before areas were normalised on the way in hold them."""

    def __init__(self, client_for, stranger, liaison, coordinator, capture) -> None:
        self.client_for, self.capture = client_for, capture
        self.stranger, self.liaison, self.coordinator = stranger, liaison, coordinator
        proposed = client_for(stranger).post(
            SCHEMES, {**PROPOSAL, "boundary": _polygon(CLOCKWISE)}, format="json"
        )
        assert proposed.status_code == 201, proposed.content
        self.proposed = proposed.json()
        self.scheme_id = self.proposed["id"]
        drafted = client_for(liaison).post(
            ALERTS, {**ALERT, "boundary": _polygon(CLOCKWISE)}, format="json"
        )
        assert drafted.status_code == 201, drafted.content
        self.drafted = drafted.json()
        self.alert_id = self.drafted["id"]

    def stored_clockwise(self) -> None:
        Scheme.objects.filter(boundary__isnull=False).update(boundary=_polygon(CLOCKWISE))
        Alert.objects.filter(boundary__isnull=False).update(boundary=_polygon(CLOCKWISE))

    def approve(self) -> None:
        approved = self.client_for(self.liaison).post(
            f"{SCHEMES}{self.scheme_id}/status/", {"status": "active"}, format="json"
        )
        assert approved.status_code == 200, approved.content

    def publish(self) -> dict[str, Any]:
        with self.capture(execute=True):
            published = self.client_for(self.liaison).post(f"{ALERTS}{self.alert_id}/publish/")
        assert published.status_code == 200, published.content
        return published.json()


def _ok(response, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


def _proposal(world: World) -> list[dict]:
    return [world.proposed["boundary"]]


def _scheme_edit(world: World) -> list[dict]:
    response = world.client_for(world.liaison).patch(
        f"{SCHEMES}{world.scheme_id}/", {"boundary": _polygon(CLOCKWISE)}, format="json"
    )
    return [_ok(response)["boundary"]]


def _scheme_detail(world: World) -> list[dict]:
    return [_ok(world.client_for(world.stranger).get(f"{SCHEMES}{world.scheme_id}/"))["boundary"]]


def _scheme_status(world: World) -> list[dict]:
    response = world.client_for(world.liaison).post(
        f"{SCHEMES}{world.scheme_id}/status/", {"status": "active"}, format="json"
    )
    return [_ok(response)["boundary"]]


def _scheme_list(world: World) -> list[dict]:
    world.approve()
    results = _ok(world.client_for(world.stranger).get(SCHEMES))["results"]
    return [s["boundary"] for s in results if s["id"] == world.scheme_id]


def _scheme_join(world: World) -> list[dict]:
    world.approve()
    response = world.client_for(UserFactory()).post(
        f"{SCHEMES}{world.scheme_id}/join/", {}, format="json"
    )
    return [_ok(response, 201)["scheme"]["boundary"]]


def _my_memberships(world: World) -> list[dict]:
    world.approve()
    results = _ok(world.client_for(world.stranger).get("/api/v1/me/memberships/"))["results"]
    return [m["scheme"]["boundary"] for m in results if m["scheme"]["id"] == world.scheme_id]


def _alert_draft(world: World) -> list[dict]:
    return [world.drafted["boundary"]]


def _alert_edit(world: World) -> list[dict]:
    response = world.client_for(world.liaison).put(
        f"{ALERTS}{world.alert_id}/", {**ALERT, "boundary": _polygon(CLOCKWISE)}, format="json"
    )
    return [_ok(response)["boundary"]]


def _alert_detail(world: World) -> list[dict]:
    return [_ok(world.client_for(world.liaison).get(f"{ALERTS}{world.alert_id}/"))["boundary"]]


def _alert_list(world: World) -> list[dict]:
    results = _ok(world.client_for(world.liaison).get(ALERTS))["results"]
    return [a["boundary"] for a in results if a["id"] == world.alert_id]


def _alert_publish(world: World) -> list[dict]:
    return [world.publish()["boundary"]]


def _alert_update(world: World) -> list[dict]:
    world.publish()
    with world.capture(execute=True):
        response = world.client_for(world.liaison).post(
            f"{ALERTS}{world.alert_id}/update_alert/",
            {"body": "They were last seen on Catharine Street."},
            format="json",
        )
    return [_ok(response, 201)["boundary"]]


def _alert_cancel(world: World) -> list[dict]:
    world.publish()
    with world.capture(execute=True):
        response = world.client_for(world.liaison).post(
            f"{ALERTS}{world.alert_id}/cancel/", {"body": "Both men were arrested."}, format="json"
        )
    return [_ok(response, 201)["boundary"]]


def _held_for_approval(world: World):
    """The world's alert held for a second liaison's approval (Cambridgeshire asks it of
    every alert of Moderate severity or more), and that second liaison's client."""
    AlertApprovalPolicy.objects.create(force="cambridgeshire", min_severity="Moderate")
    with world.capture(execute=True):
        held = world.client_for(world.liaison).post(f"{ALERTS}{world.alert_id}/publish/")
    assert _ok(held)["approval"] == "awaiting"
    return world.client_for(LiaisonFactory(force="cambridgeshire").user)


def _alert_approve(world: World) -> list[dict]:
    approver = _held_for_approval(world)
    with world.capture(execute=True):
        response = approver.post(f"{ALERTS}{world.alert_id}/approve/")
    return [_ok(response)["boundary"]]


def _alert_send_back(world: World) -> list[dict]:
    approver = _held_for_approval(world)
    response = approver.post(
        f"{ALERTS}{world.alert_id}/send_back/", {"comment": "Say which streets."}, format="json"
    )
    return [_ok(response)["boundary"]]


def _alert_thread(world: World) -> list[dict]:
    world.publish()
    thread = _ok(world.client_for(world.liaison).get(f"{ALERTS}{world.alert_id}/thread/"))
    return [message["boundary"] for message in thread["messages"]]


def _inbox(world: World) -> list[dict]:
    world.publish()
    results = _ok(world.client_for(world.coordinator).get("/api/v1/inbox/"))["results"]
    return [n["alert"]["boundary"] for n in results if n["alert"]["id"] == world.alert_id]


# Each operation whose response holds a boundary, with how to get one; the ones that write
# the boundary they return are marked so (a row stored clockwise before means nothing there).
RETURNING_A_BOUNDARY: dict[str, tuple[Callable[[World], list[dict]], bool]] = {
    "POST /api/v1/schemes/": (_proposal, True),
    "PATCH /api/v1/schemes/{id}/": (_scheme_edit, True),
    "GET /api/v1/schemes/{id}/": (_scheme_detail, False),
    "POST /api/v1/schemes/{id}/status/": (_scheme_status, False),
    "GET /api/v1/schemes/": (_scheme_list, False),
    "POST /api/v1/schemes/{id}/join/": (_scheme_join, False),
    "GET /api/v1/me/memberships/": (_my_memberships, False),
    "POST /api/v1/alerts/": (_alert_draft, True),
    "PUT /api/v1/alerts/{id}/": (_alert_edit, True),
    "GET /api/v1/alerts/{id}/": (_alert_detail, False),
    "GET /api/v1/alerts/": (_alert_list, False),
    "POST /api/v1/alerts/{id}/publish/": (_alert_publish, False),
    "POST /api/v1/alerts/{id}/update_alert/": (_alert_update, False),
    "POST /api/v1/alerts/{id}/cancel/": (_alert_cancel, False),
    "POST /api/v1/alerts/{id}/approve/": (_alert_approve, False),
    "POST /api/v1/alerts/{id}/send_back/": (_alert_send_back, False),
    "GET /api/v1/alerts/{id}/thread/": (_alert_thread, False),
    "GET /api/v1/inbox/": (_inbox, False),
}
CASES = [
    pytest.param(operation, origin, id=f"{operation} ({origin})")
    for operation, (_, writes) in RETURNING_A_BOUNDARY.items()
    for origin in (["posted"] if writes else ["posted", "stored clockwise"])
]


@pytest.fixture
def world(client_for, stranger, liaison, coordinator, django_capture_on_commit_callbacks) -> World:
    return World(client_for, stranger, liaison, coordinator, django_capture_on_commit_callbacks)


@pytest.mark.parametrize(("operation", "origin"), CASES)
def test_a_boundary_drawn_clockwise_comes_back_counter_clockwise(
    world: World, operation: str, origin: str
) -> None:
    fetch, _ = RETURNING_A_BOUNDARY[operation]
    if origin == "stored clockwise":
        world.stored_clockwise()
    boundaries = fetch(world)
    assert boundaries, f"{operation} returned no boundary"
    for boundary in boundaries:
        assert_rfc7946(boundary)
        assert boundary == _polygon(COUNTER_CLOCKWISE)


def _operations_returning_a_boundary(schema: dict) -> set[str]:
    components = schema["components"]["schemas"]

    def referenced(node: Any, seen: set[str]) -> set[str]:
        if isinstance(node, dict):
            name = node.get("$ref", "").rpartition("/")[2]
            if name and name not in seen:
                seen.add(name)
                referenced(components[name], seen)
            for value in node.values():
                referenced(value, seen)
        elif isinstance(node, list):
            for value in node:
                referenced(value, seen)
        return seen

    return {
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if any(
            "boundary" in components[name].get("properties", {})
            for name in referenced(operation.get("responses", {}), set())
        )
    }


def test_every_operation_returning_a_boundary_is_checked(anon) -> None:
    schema = anon.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert _operations_returning_a_boundary(schema) == set(RETURNING_A_BOUNDARY)


def test_a_boundary_drawn_clockwise_is_stored_counter_clockwise(world: World) -> None:
    """Stored as served: whatever reads the row (the CAP document, the admin) sees the same
    ring, its first position still first."""
    assert Scheme.objects.get(pk=world.scheme_id).boundary == _polygon(COUNTER_CLOCKWISE)
    assert Alert.objects.get(pk=world.alert_id).boundary == _polygon(COUNTER_CLOCKWISE)
    assert COUNTER_CLOCKWISE[0] == CLOCKWISE[0]


def test_a_boundary_drawn_counter_clockwise_is_kept_as_drawn(client_for, stranger) -> None:
    response = client_for(stranger).post(
        SCHEMES, {**PROPOSAL, "boundary": _polygon(COUNTER_CLOCKWISE)}, format="json"
    )
    assert _ok(response, 201)["boundary"] == _polygon(COUNTER_CLOCKWISE)


def test_the_schema_says_how_boundaries_are_wound_and_what_a_height_does(anon) -> None:
    schema = anon.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    components = schema["components"]["schemas"]
    given = components["SchemeInputRequest"]["properties"]["boundary"]
    served = components["SchemeDetail"]["properties"]["boundary"]
    assert "height in metres: it is accepted and dropped" in given["description"]
    assert "counter-clockwise" in given["description"]
    assert "counter-clockwise" in served["description"]
    given_position = given["properties"]["coordinates"]["items"]["items"]
    served_position = served["properties"]["coordinates"]["items"]["items"]
    assert (given_position["minItems"], given_position["maxItems"]) == (2, 3)
    assert (served_position["minItems"], served_position["maxItems"]) == (2, 2)


# --- Positions with a height --------------------------------------------------------------

# The same ring with heights in metres above the ellipsoid, as a GPS track gives them.
WITH_HEIGHTS = [[lon, lat, 12.5 + index] for index, (lon, lat) in enumerate(COUNTER_CLOCKWISE)]
WITH_HEIGHTS[-1] = WITH_HEIGHTS[0]


@pytest.mark.parametrize(
    ("path", "body", "model"),
    [(SCHEMES, PROPOSAL, Scheme), (ALERTS, ALERT, Alert)],
    ids=["scheme proposal", "alert"],
)
def test_positions_with_a_height_are_taken_flat(
    client_for, liaison, path: str, body: dict, model
) -> None:
    response = client_for(liaison).post(
        path, {**body, "boundary": _polygon(WITH_HEIGHTS)}, format="json"
    )
    returned = _ok(response, 201)["boundary"]
    assert returned == _polygon(COUNTER_CLOCKWISE)
    assert_rfc7946(returned)
    assert model.objects.get().boundary == _polygon(COUNTER_CLOCKWISE)


def test_a_height_on_some_positions_only_is_taken_flat(client_for, stranger) -> None:
    mixed = [list(position) for position in CLOCKWISE]
    mixed[1].append(30)
    response = client_for(stranger).post(
        SCHEMES, {**PROPOSAL, "boundary": _polygon(mixed)}, format="json"
    )
    assert _ok(response, 201)["boundary"] == _polygon(COUNTER_CLOCKWISE)


@pytest.mark.parametrize(
    ("path", "body", "model"),
    [(SCHEMES, PROPOSAL, Scheme), (ALERTS, ALERT, Alert)],
    ids=["scheme proposal", "alert"],
)
def test_a_position_of_four_numbers_is_refused(
    client_for, liaison, path: str, body: dict, model
) -> None:
    ring = [list(position) for position in WITH_HEIGHTS]
    ring[2].append(1.0)
    response = client_for(liaison).post(path, {**body, "boundary": _polygon(ring)}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "boundary": [
            "Position 2 has 4 values: give [longitude, latitude] or [longitude, latitude, height]."
        ]
    }
    assert not model.objects.exists()


@pytest.mark.parametrize(
    "position",
    [[0.13, 52.19, "high"], [0.13, 52.19, True], [0.13], [0.13, 52.19, None]],
    ids=["text height", "boolean height", "one number", "null height"],
)
def test_a_position_that_is_not_two_or_three_numbers_is_refused(
    client_for, stranger, position: list
) -> None:
    ring = [list(p) for p in CLOCKWISE]
    ring[1] = position
    response = client_for(stranger).post(
        SCHEMES, {**PROPOSAL, "boundary": _polygon(ring)}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "boundary": ["Position 1 must be [longitude, latitude] or [longitude, latitude, height]."]
    }
