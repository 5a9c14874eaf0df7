"""Place search for maps: a postcode or town, through the configured geocoder, to a point
(the alert composer moves its map there)."""

import pytest
from geopy.exc import GeocoderServiceError

from schemes import gazetteer, geocoding

pytestmark = pytest.mark.django_db

GEOCODE = "/api/v1/geocode/"


@pytest.mark.parametrize(
    ("query", "point"),
    [
        ("Ely", (52.3986, 0.2622)),
        ("  haslingfield ", (52.149, 0.057)),
        # A full postcode resolves to its district's centre (CB1: Cambridge, Mill Road).
        ("CB1 2AB", tuple(gazetteer.POSTCODE_DISTRICTS["CB1"])),
    ],
)
def test_geocode_finds_a_place_or_postcode(client_for, volunteer, settings, query, point) -> None:
    settings.GEOCODER = "gazetteer"
    response = client_for(volunteer).get(GEOCODE, {"q": query})
    assert response.status_code == 200, response.content
    assert response.json() == {"query": query.strip(), "lat": point[0], "lon": point[1]}


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ({}, {"q": ["This field is required."]}),
        ({"q": "   "}, {"q": ["This field may not be blank."]}),
        ({"q": "x" * 101}, {"q": ["Ensure this field has no more than 100 characters."]}),
        ({"q": "Atlantis"}, {"q": ["No place or postcode called 'Atlantis' found."]}),
    ],
)
def test_geocode_bad_input(client_for, volunteer, settings, query, errors) -> None:
    settings.GEOCODER = "gazetteer"
    response = client_for(volunteer).get(GEOCODE, query)
    assert (response.status_code, response.json()) == (400, errors)


def test_geocode_when_no_geocoder_is_configured(client_for, volunteer, settings) -> None:
    settings.GEOCODER = ""
    response = client_for(volunteer).get(GEOCODE, {"q": "Ely"})
    assert (response.status_code, response.json()) == (
        400,
        {"q": ["Search by place is not available on this server."]},
    )


def test_geocode_when_the_service_fails(client_for, volunteer, settings, monkeypatch) -> None:
    # The geocoding service is a third party across the network: the one thing mocked here.
    settings.GEOCODER = "nominatim"

    def unreachable(query: str) -> None:
        raise GeocoderServiceError("connection refused")

    monkeypatch.setattr(geocoding, "_ask_service", unreachable)
    response = client_for(volunteer).get(GEOCODE, {"q": "Ely"})
    assert (response.status_code, response.json()) == (
        503,
        {"detail": "The place search service is not answering; try again."},
    )


def test_geocode_refuses_anonymous_users(anon, settings, monkeypatch) -> None:
    settings.GEOCODER = "gazetteer"
    asked = []
    monkeypatch.setattr(geocoding, "_ask_service", asked.append)
    response = anon.get(GEOCODE, {"q": "Ely"})
    assert (response.status_code, response.json()) == (
        401,
        {"detail": "Authentication credentials were not provided."},
    )
    assert asked == []
