"""Invalid input gets a 4xx with a field-level message, never a 500."""

import json

import pytest

from schemes.models import Scheme

pytestmark = pytest.mark.django_db

SCHEMES = "/api/v1/schemes/"
VALID = {
    "name": "Soham Neighbourhood Watch",
    "kind": "neighbourhood",
    "force": "cambridgeshire",
    "lat": 52.334,
    "lon": 0.336,
    "radius_m": 1200,
}


def _ring(*corners: tuple[float, float]) -> dict:
    return {"type": "Polygon", "coordinates": [[list(c) for c in corners]]}


SQUARE = [(0.0, 52.0), (0.1, 52.0), (0.1, 52.1), (0.0, 52.1), (0.0, 52.0)]


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({"kind": "burglary"}, {"kind": ['"burglary" is not a valid choice.']}),
        ({"force": "gotham"}, {"force": ['"gotham" is not a valid choice.']}),
        ({"name": ""}, {"name": ["This field may not be blank."]}),
        ({"name": "x" * 121}, {"name": ["Ensure this field has no more than 120 characters."]}),
        ({"name": "Mill\x00Road"}, {"name": ["Null characters are not allowed."]}),
        (
            {"description": "y" * 5001},
            {"description": ["Ensure this field has no more than 5000 characters."]},
        ),
        ({"lat": "north"}, {"lat": ["A valid number is required."]}),
        ({"lat": 123.4}, {"lat": ["Ensure this value is less than or equal to 90."]}),
        ({"lon": -181}, {"lon": ["Ensure this value is greater than or equal to -180."]}),
        (
            {"lat": 0.336, "lon": 52.334},
            {
                "lat": [
                    "(0.33600, 52.33400) is outside England and Wales: "
                    "check latitude and longitude are not swapped."
                ]
            },
        ),
        ({"radius_m": 20001}, {"radius_m": ["Give a radius from 50 to 20000 metres."]}),
        ({"radius_m": 10}, {"radius_m": ["Give a radius from 50 to 20000 metres."]}),
        ({"radius_m": "wide"}, {"radius_m": ["A valid integer is required."]}),
        ({"radius_m": 2**70}, {"radius_m": ["Give a radius from 50 to 20000 metres."]}),
        ({"contact_email": "not-an-email"}, {"contact_email": ["Enter a valid email address."]}),
        ({"show_contact_email": "perhaps"}, {"show_contact_email": ["Must be a valid boolean."]}),
        ({"name": ["a", "list"]}, {"name": ["Not a valid string."]}),
        (
            {"boundary": _ring(*SQUARE)},
            {"boundary": ["Give either a boundary or lat, lon and radius_m, not both."]},
        ),
    ],
)
def test_proposal_field_errors(client_for, stranger, change: dict, errors: dict) -> None:
    response = client_for(stranger).post(SCHEMES, {**VALID, **change}, format="json")
    assert response.status_code == 400
    assert response.json() == errors
    assert not Scheme.objects.exists()


def test_proposal_missing_fields(client_for, stranger) -> None:
    response = client_for(stranger).post(SCHEMES, {}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "name": ["This field is required."],
        "kind": ["This field is required."],
        "force": ["This field is required."],
    }


def test_proposal_circle_needs_all_three_fields(client_for, stranger) -> None:
    payload = {key: value for key, value in VALID.items() if key != "radius_m"}
    response = client_for(stranger).post(SCHEMES, payload, format="json")
    assert response.status_code == 400
    assert response.json() == {"radius_m": ["Required with the other circle fields."]}


@pytest.mark.parametrize(
    ("boundary", "message"),
    [
        (
            {"type": "Point", "coordinates": [0.1, 52.1]},
            'Give a GeoJSON geometry with "type": "Polygon".',
        ),
        ("a square", 'Give a GeoJSON geometry with "type": "Polygon".'),
        (
            {"type": "Polygon", "coordinates": []},
            'A polygon needs "coordinates": a list holding one ring.',
        ),
        (
            _ring((0.0, 52.0), (0.1, 52.0), (0.0, 52.0)),
            "A ring needs at least four positions (a triangle, closed).",
        ),
        (
            _ring((0.0, 52.0), (0.1, 52.0), (0.1, 52.1), (0.0, 52.1)),
            "The ring is not closed: its last position must equal its first.",
        ),
        (
            _ring((0.0, 52.0), (0.1, 52.1), (0.1, 52.0), (0.0, 52.1), (0.0, 52.0)),
            "The boundary crosses itself; draw it without overlapping edges.",
        ),
        (
            _ring((0.0, 52.0), (1.0, 52.0), (1.0, 53.0), (0.0, 53.0), (0.0, 52.0)),
            "The area is too large: at most 40 km corner to corner.",
        ),
        (
            _ring((0.0, 52.0), (0.0001, 52.0), (0.0001, 52.0001), (0.0, 52.0)),
            "The area is too small: at least 1,000 square metres.",
        ),
        (
            _ring((0.0, 52.0), ("x", 52.0), (0.1, 52.1), (0.0, 52.0)),
            "Position 1 must be [longitude, latitude].",
        ),
        (
            _ring((0.0, 52.0), (0.1, 152.0), (0.1, 52.1), (0.0, 52.0)),
            "Position 1: Latitude must be between -90 and 90, longitude between -180 and 180.",
        ),
        (
            {
                "type": "Polygon",
                "coordinates": [[list(c) for c in SQUARE], [list(c) for c in SQUARE]],
            },
            "Only the outer ring is supported: a scheme area has no holes.",
        ),
    ],
)
def test_proposal_polygon_errors(client_for, stranger, boundary, message: str) -> None:
    payload = {key: VALID[key] for key in ("name", "kind", "force")}
    payload["boundary"] = boundary
    response = client_for(stranger).post(SCHEMES, payload, format="json")
    assert response.status_code == 400
    assert response.json() == {"boundary": [message]}


@pytest.mark.parametrize(
    "body",
    [b"{not json", b'{"name": NaN}', b"[" * 100_000 + b"]" * 100_000, b"\xff\xfe"],
    ids=["malformed", "nan", "deeply-nested", "not-utf8"],
)
def test_malformed_json_is_a_400(client_for, stranger, body: bytes) -> None:
    response = client_for(stranger).generic("POST", SCHEMES, body, content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


def test_a_json_list_instead_of_an_object(client_for, stranger) -> None:
    response = client_for(stranger).post(
        SCHEMES, json.dumps([VALID]), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Invalid data. Expected a dictionary, but got list."]
    }


def test_unsupported_media_type(client_for, stranger) -> None:
    response = client_for(stranger).generic("POST", SCHEMES, "name=x", content_type="text/plain")
    assert response.status_code == 415


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/schemes/?q=mill%00road",
        "/api/v1/schemes/?kind=%00",
        "/api/v1/activity/?since=%00",
        "/api/v1/schemes/1%00/",
    ],
)
def test_nul_bytes_in_the_address_are_a_400(client_for, liaison, url: str) -> None:
    response = client_for(liaison).get(url)
    assert response.status_code == 400
    assert response.json() == {"detail": "The address must not contain NUL bytes."}


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/schemes/99999999999999999999999/",
        "/api/v1/schemes/99999999999999999999999/members/",
        "/api/v1/schemes/abc/",
        "/api/v1/no-such-thing/",
    ],
)
def test_unknown_objects_and_addresses_are_json_404s(client_for, liaison, url: str) -> None:
    response = client_for(liaison).get(url)
    assert response.status_code == 404
    assert "detail" in response.json()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"scheme": "abc"}, "scheme"),
        ({"scheme": "99999999999999999999999"}, None),
        ({"since": "yesterday"}, "since"),
        ({"type": "coffee"}, "type"),
        ({"kind": "speedy"}, "kind"),
        ({"page_size": "many"}, None),
        ({"ordering": "password"}, None),
    ],
)
def test_activity_query_errors(client_for, liaison, query: dict, field: str | None) -> None:
    response = client_for(liaison).get("/api/v1/activity/", query)
    if field is None:
        # Harmless nonsense (an id no row has, an unknown ordering) is ignored.
        assert response.status_code == 200
    else:
        assert response.status_code == 400
        assert list(response.json()) == [field]


def test_an_over_long_idempotency_key_is_a_field_error(client_for, stranger) -> None:
    response = client_for(stranger).post(
        SCHEMES, VALID, format="json", HTTP_IDEMPOTENCY_KEY="k" * 300
    )
    assert response.status_code == 400
    assert list(response.json()) == ["Idempotency-Key"]


@pytest.mark.parametrize(
    "url",
    ["/api/v1/schemes/a%0Ab/", "/api/v1/schemes/%F2%BB%AE%9B/members/1/approve/", "/api/%0A"],
)
def test_odd_api_addresses_are_json_404s(client_for, liaison, url: str) -> None:
    response = client_for(liaison).post(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_too_many_form_fields_is_a_400(client_for, stranger) -> None:
    body = "&".join(f"f{n}=1" for n in range(1500))
    response = client_for(stranger).generic(
        "POST", SCHEMES, body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("The request body was refused:")
