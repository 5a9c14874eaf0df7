"""Suggesting the police force for a scheme's location: from police.uk when configured, else
from nearby places, always saying how sure it is."""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from tests.factories import SchemeFactory

pytestmark = pytest.mark.django_db

LOCATE = "/api/v1/forces/locate/"
CAMBS = "Cambridgeshire Constabulary"


def locate(client: APIClient, lat: float, lon: float) -> dict:
    response = client.get(LOCATE, {"lat": lat, "lon": lon})
    assert response.status_code == 200, response.json()
    return response.json()


@pytest.fixture
def person(client_for, stranger: User) -> APIClient:
    return client_for(stranger)


def test_a_village_well_inside_a_force_is_likely_that_force(person: APIClient) -> None:
    # The middle of Haslingfield, Cambridgeshire.
    assert locate(person, 52.1500, 0.0560) == {
        "force": "cambridgeshire",
        "force_name": CAMBS,
        "confidence": "likely",
        "source": "nearby places",
        "message": f"Most likely {CAMBS}: the nearest place we know, Haslingfield (0.1 km away), "
        "is in its area. Check it if you are near a county border.",
        "alternatives": [],
    }
    assert locate(person, 52.1300, -0.4700)["force"] == "bedfordshire"  # Bedford


def test_a_place_near_a_border_is_uncertain_and_names_the_other_force(person: APIClient) -> None:
    # Between Melbourn (Cambridgeshire) and Royston (Hertfordshire).
    answer = locate(person, 52.0660, -0.0050)
    assert answer["confidence"] == "uncertain"
    assert {answer["force"], *(force["code"] for force in answer["alternatives"])} >= {
        "cambridgeshire",
        "hertfordshire",
    }
    assert answer["message"].startswith("This place could be covered by ")
    assert "Hertfordshire Constabulary" in answer["message"]
    assert CAMBS in answer["message"]


def test_a_place_far_from_anything_known_gets_no_suggestion(person: APIClient) -> None:
    # Inside the box around England and Wales, but out in the Irish Sea.
    answer = locate(person, 54.0000, -5.5000)
    assert (answer["force"], answer["force_name"], answer["confidence"]) == (None, "", "unknown")
    assert answer["message"] == (
        "We cannot tell which force covers this place: choose it from the list."
    )
    assert len(answer["alternatives"]) == 3


def test_approved_schemes_nearby_count_as_evidence(person: APIClient) -> None:
    # Between Kimbolton (Cambridgeshire, 4 km) and Sharnbrook (Bedfordshire, 11 km).
    point = {"lat": 52.3000, "lon": -0.4500}
    assert locate(person, **point)["force"] == "cambridgeshire"
    SchemeFactory(
        name="Proposed Lane Watch", status="proposed", force="bedfordshire", radius=500, **point
    )
    assert locate(person, **point)["force"] == "cambridgeshire"

    SchemeFactory(name="Riseley Road Watch", force="bedfordshire", radius=500, **point)
    answer = locate(person, **point)
    assert (answer["force"], answer["confidence"]) == ("bedfordshire", "likely")
    assert "the nearest place we know, Riseley Road Watch (0.0 km away)" in answer["message"]


class PoliceUk:
    """A stand-in for police.uk's API on this machine: answers ``locate-neighbourhood`` with
    ``status`` and ``body``, and counts the requests."""

    def __init__(self) -> None:
        self.status, self.body, self.requests = 200, {}, []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                stand_in.requests.append(self.path)
                payload = json.dumps(stand_in.body).encode()
                self.send_response(stand_in.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api"


@pytest.fixture
def police_uk(settings) -> Iterator[PoliceUk]:
    stand_in = PoliceUk()
    thread = threading.Thread(target=stand_in.server.serve_forever, daemon=True)
    thread.start()
    settings.POLICE_FORCE_LOCATOR = "police.uk"
    settings.POLICE_UK_API_URL = stand_in.url
    yield stand_in
    stand_in.server.shutdown()
    stand_in.server.server_close()


def test_police_uk_confirms_the_force_and_is_asked_once(
    person: APIClient, police_uk: PoliceUk
) -> None:
    police_uk.body = {"force": "bedfordshire", "neighbourhood": "BD01"}
    # Next to Kimbolton: the nearby places alone would say Cambridgeshire.
    answer = locate(person, 52.3000, -0.4500)
    assert answer == {
        "force": "bedfordshire",
        "force_name": "Bedfordshire Police",
        "confidence": "confirmed",
        "source": "police.uk",
        "message": "police.uk places this point in the area of Bedfordshire Police.",
        "alternatives": [],
    }
    assert police_uk.requests == ["/api/locate-neighbourhood?q=52.3%2C-0.45"]
    assert locate(person, 52.3000, -0.4500)["confidence"] == "confirmed"
    assert len(police_uk.requests) == 1  # the second answer came from the cache


@pytest.mark.parametrize(
    ("status", "body", "note"),
    [
        (500, {"error": "down"}, "police.uk did not answer"),
        (404, {}, "police.uk does not know this point"),
        (200, {"force": "btp"}, "police.uk does not know this point"),
    ],
)
def test_without_an_answer_from_police_uk_nearby_places_decide(
    person: APIClient, police_uk: PoliceUk, status: int, body: dict, note: str
) -> None:
    police_uk.status, police_uk.body = status, body
    answer = locate(person, 52.1500, 0.0560)
    assert (answer["force"], answer["confidence"], answer["source"]) == (
        "cambridgeshire",
        "likely",
        "nearby places",
    )
    assert answer["message"].startswith(f"{note}, so this is worked out from nearby places. ")


def test_force_locate_refuses_bad_points_and_anonymous_users(
    person: APIClient, anon: APIClient
) -> None:
    assert anon.get(LOCATE, {"lat": 52.15, "lon": 0.05}).status_code == 401
    missing = person.get(LOCATE, {"lat": 52.15})
    assert (missing.status_code, missing.json()) == (400, {"lon": ["This field is required."]})
    abroad = person.get(LOCATE, {"lat": 48.85, "lon": 2.35})
    assert abroad.status_code == 400
    assert abroad.json() == {
        "lat": [
            "(48.85000, 2.35000) is outside England and Wales: check latitude and longitude "
            "are not swapped."
        ]
    }
