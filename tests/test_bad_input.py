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
            "Position 1 must be [longitude, latitude] or [longitude, latitude, height].",
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
    ("body", "detail"),
    [
        (
            b"{not json",
            "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
        ),
        (b'{"name": NaN}', "Out of range float values are not JSON compliant: 'NaN'"),
        (b"[" * 100_000 + b"]" * 100_000, "the document is nested too deeply."),
        (b"\xff\xfe", "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"),
    ],
    ids=["malformed", "nan", "deeply-nested", "not-utf8"],
)
def test_malformed_json_is_a_400(client_for, stranger, body: bytes, detail: str) -> None:
    response = client_for(stranger).generic("POST", SCHEMES, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": f"JSON parse error - {detail}"}
    assert not Scheme.objects.exists()


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


NO_SCHEME = {"detail": "No Scheme matches the given query."}
NO_ENDPOINT = {"detail": "There is no API endpoint at this address."}


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/v1/schemes/99999999999999999999999/", NO_SCHEME),
        ("/api/v1/schemes/99999999999999999999999/members/", NO_SCHEME),
        ("/api/v1/schemes/99999999999999999999999/status-history/", NO_SCHEME),
        ("/api/v1/schemes/0/", NO_SCHEME),
        ("/api/v1/schemes/abc/", NO_ENDPOINT),
        ("/api/v1/no-such-thing/", NO_ENDPOINT),
    ],
)
def test_unknown_objects_and_addresses_are_json_404s(client_for, liaison, url: str, body) -> None:
    response = client_for(liaison).get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == body


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"scheme": "abc"}, "scheme"),
        ({"scheme": "99999999999999999999999"}, None),
        ({"since": "yesterday"}, "since"),
        ({"type": "coffee"}, "type"),
        ({"kind": "speedy"}, "kind"),
        ({"page_size": "many"}, "page_size"),
        ({"ordering": "password"}, "ordering"),
    ],
)
def test_activity_query_errors(client_for, liaison, query: dict, field: str | None) -> None:
    response = client_for(liaison).get("/api/v1/activity/", query)
    if field is None:
        # Harmless nonsense (an id no row has) is ignored.
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


def test_a_form_body_with_too_many_fields_is_a_4xx(client_for, stranger) -> None:
    # The API reads JSON only, so a form body is refused before its fields are counted.
    body = "&".join(f"f{n}=1" for n in range(1500))
    response = client_for(stranger).generic(
        "POST", SCHEMES, body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415
    assert response.json() == {
        "detail": 'Unsupported media type "application/x-www-form-urlencoded" in request.'
    }


# --- Every write endpoint of accounts, schemes and memberships ---------------------------

NUL = "Null characters are not allowed."


def _too_long(limit: int) -> str:
    return f"Ensure this field has no more than {limit} characters."


NOT_A_STRING = "Not a valid string."


@pytest.fixture
def write_endpoints(anon, client_for, scheme, coordinator, volunteer, liaison, stranger):
    """Name → (client, method, url, a valid body): each endpoint as its rightful user."""
    from tests.factories import PASSWORD, UserFactory

    UserFactory(email="jo@example.org")
    member = volunteer.memberships.get()
    signup = {"name": "Jo", "email": "new@example.org", "password": "a sturdy passphrase"}
    return {
        "signup": (anon, "post", "/api/v1/auth/signup/", signup),
        "login": (
            anon,
            "post",
            "/api/v1/auth/login/",
            {"email": "jo@example.org", "password": PASSWORD},
        ),
        "token": (
            anon,
            "post",
            "/api/v1/auth/token/",
            {"email": "jo@example.org", "password": PASSWORD},
        ),
        "password reset": (
            anon,
            "post",
            "/api/v1/auth/password-reset/",
            {"email": "jo@example.org"},
        ),
        "password reset confirm": (
            anon,
            "post",
            "/api/v1/auth/password-reset/confirm/",
            {"uid": "MQ", "token": "abc-123", "new_password": "a brand new passphrase"},
        ),
        "me": (client_for(stranger), "patch", "/api/v1/me/", {"name": "Sam"}),
        "join": (
            client_for(stranger),
            "post",
            f"/api/v1/schemes/{scheme.pk}/join/",
            {"message": "Hi"},
        ),
        "status": (
            client_for(liaison),
            "post",
            f"/api/v1/schemes/{scheme.pk}/status/",
            {"status": "suspended", "reason": "Paused."},
        ),
        "member role": (
            client_for(coordinator),
            "patch",
            f"/api/v1/schemes/{scheme.pk}/members/{member.pk}/",
            {"role": "coordinator"},
        ),
    }


BAD_EMAIL = "Enter a valid email address."
BAD_PHONE = "Enter a phone number of 8 to 20 digits, such as 01223 555123 or +44 7700 900123."
BAD_POSTCODE = "Enter a full UK postcode, such as CB2 1TN."


def _not_a_choice(value: str) -> str:
    return f'"{value}" is not a valid choice.'


BAD_FIELDS = [
    ("signup", "name", "Jo\x00", [NUL]),
    ("signup", "name", "x" * 151, [_too_long(150)]),
    ("signup", "name", ["Jo"], [NOT_A_STRING]),
    ("signup", "email", "jo\x00@example.org", [NUL, BAD_EMAIL]),
    ("signup", "email", "j" * 250 + "@example.org", [_too_long(254)]),
    ("signup", "email", {"address": "jo@example.org"}, [BAD_EMAIL]),
    ("signup", "password", "sturdy\x00passphrase", [NUL]),
    ("signup", "password", "p" * 129, [_too_long(128)]),
    ("signup", "phone", "01223\x00555777", [BAD_PHONE, NUL]),
    ("signup", "phone", "0" * 21, [BAD_PHONE, _too_long(20)]),
    ("signup", "postcode", "CB2\x001TN", [BAD_POSTCODE]),
    ("signup", "postcode", "C" * 11, [BAD_POSTCODE]),
    ("signup", "postcode", 12345, [NOT_A_STRING]),
    ("login", "email", "jo\x00@example.org", [NUL, BAD_EMAIL]),
    ("login", "password", "p" * 129, [_too_long(128)]),
    ("login", "password", ["x"], [NOT_A_STRING]),
    ("token", "email", ["jo@example.org"], [BAD_EMAIL]),
    ("token", "password", "pass\x00word", [NUL]),
    ("password reset", "email", "jo\x00@example.org", [NUL, BAD_EMAIL]),
    ("password reset", "email", "j" * 250 + "@example.org", [_too_long(254)]),
    ("password reset confirm", "uid", "M\x00Q", [NUL]),
    ("password reset confirm", "uid", "M" * 65, [_too_long(64)]),
    ("password reset confirm", "token", "t" * 129, [_too_long(128)]),
    ("password reset confirm", "new_password", {"a": 1}, [NOT_A_STRING]),
    ("me", "name", "Sam\x00", [NUL]),
    ("me", "name", "x" * 151, [_too_long(150)]),
    ("me", "name", ["Sam"], [NOT_A_STRING]),
    ("me", "phone", "0" * 21, [BAD_PHONE, _too_long(20)]),
    ("me", "postcode", "CB2\x001TN", [BAD_POSTCODE]),
    ("join", "message", "Hi\x00", [NUL]),
    ("join", "message", "x" * 501, [_too_long(500)]),
    ("join", "message", {"text": "Hi"}, [NOT_A_STRING]),
    ("status", "status", "deleted", [_not_a_choice("deleted")]),
    ("status", "status", ["suspended"], [_not_a_choice("['suspended']")]),
    ("status", "reason", "Paused\x00", [NUL]),
    ("status", "reason", "x" * 1001, [_too_long(1000)]),
    ("member role", "role", "boss", [_not_a_choice("boss")]),
    ("member role", "role", "\x00", [_not_a_choice("\x00")]),
    ("member role", "role", ["coordinator"], [_not_a_choice("['coordinator']")]),
    ("member role", "role", 7, [_not_a_choice("7")]),
]


def _state() -> tuple:
    """What a refused write must leave as it was."""
    from accounts.models import User
    from schemes.models import ActivityEvent, Membership

    return (
        list(User.objects.order_by("pk").values_list("email", "name", "phone", "postcode")),
        list(Membership.objects.order_by("pk").values_list("user", "role", "status", "message")),
        list(Scheme.objects.order_by("pk").values_list("status", flat=True)),
        ActivityEvent.objects.count(),
    )


@pytest.mark.parametrize(
    ("endpoint", "field", "value", "messages"),
    BAD_FIELDS,
    ids=[f"{e}-{f}-{str(v)[:12]!r}" for e, f, v, _ in BAD_FIELDS],
)
def test_write_endpoints_refuse_bad_fields(
    write_endpoints, endpoint, field, value, messages
) -> None:
    client, method, url, body = write_endpoints[endpoint]
    before = _state()
    response = getattr(client, method)(url, {**body, field: value}, format="json")
    assert response.status_code == 400
    assert response.json() == {field: messages}
    assert _state() == before


# Lists filtered by a period: an end at or before the start is an error of `until`, not a
# silently empty list (a liaison who typed the dates the wrong way round would read "nothing
# happened").
BACKWARDS = {"since": "2026-06-02T00:00:00Z", "until": "2026-06-01T00:00:00Z"}


@pytest.mark.parametrize(
    ("url", "who"),
    [
        ("/api/v1/activity/", "liaison"),
        ("/api/v1/activity/export/", "liaison"),
        ("/api/v1/schemes/{scheme}/status-history/", "liaison"),
        ("/api/v1/speedwatch/sessions/", "sw_coordinator"),
        ("/api/v1/speedwatch/offences/", "liaison"),
        ("/api/v1/speedwatch/offences/export/", "liaison"),
        ("/api/v1/speedwatch/audit/", "liaison"),
    ],
)
def test_period_filters_refuse_an_end_before_the_start(
    request, client_for, scheme, speedwatch, url: str, who: str
) -> None:
    client = client_for(request.getfixturevalue(who))
    response = client.get(url.format(scheme=scheme.pk), BACKWARDS)
    assert (response.status_code, response.json()) == (
        400,
        {"until": ["The end must come after the start."]},
    )
    # The same moment at both ends holds no time either; the right way round is fine.
    same = {"since": BACKWARDS["until"], "until": BACKWARDS["until"]}
    assert client.get(url.format(scheme=scheme.pk), same).status_code == 400
    forwards = {"since": BACKWARDS["until"], "until": BACKWARDS["since"]}
    assert client.get(url.format(scheme=scheme.pk), forwards).status_code == 200
