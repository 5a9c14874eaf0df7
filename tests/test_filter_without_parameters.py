"""A list request that names none of its filters skips building the filter form, and still
gets the FilterSet's defaults; one that names a filter is checked as before."""

import pytest
from django.http import QueryDict

from schemes.filters import SchemeFilter
from schemes.models import Scheme
from tests.factories import SchemeFactory

pytestmark = pytest.mark.django_db

SCHEMES = "/api/v1/schemes/"


@pytest.fixture
def schemes(db) -> None:
    SchemeFactory(name="Active One")
    SchemeFactory(name="Proposed One", status="proposed")
    SchemeFactory(name="Speedwatch One", kind="speedwatch")


def _names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


def test_filter_without_parameters_keeps_the_default_of_active_schemes(anon, schemes) -> None:
    assert _names(anon.get(SCHEMES, {"page_size": 10})) == ["Active One", "Speedwatch One"]
    assert _names(anon.get(SCHEMES)) == ["Active One", "Speedwatch One"]


def test_filter_with_parameters_still_filters(anon, schemes) -> None:
    assert _names(anon.get(SCHEMES, {"kind": "speedwatch"})) == ["Speedwatch One"]
    assert _names(anon.get(SCHEMES, {"q": "speed"})) == ["Speedwatch One"]


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        (
            {"kind": "castle"},
            {"kind": ["Select a valid choice. castle is not one of the available choices."]},
        ),
        ({"kind": ""}, {"kind": ["Enter a value, or leave the parameter out."]}),
        (
            {"status": "", "page_size": 5},
            {"status": ["Enter a value, or leave the parameter out."]},
        ),
    ],
)
def test_filter_with_bad_parameters_is_still_refused(anon, schemes, query, errors) -> None:
    response = anon.get(SCHEMES, query)
    assert response.status_code == 400
    assert response.json() == errors


def test_filter_without_parameters_shares_one_validated_empty_form() -> None:
    queryset = Scheme.objects.all()
    first = SchemeFilter(QueryDict("page_size=5"), queryset=queryset)
    second = SchemeFilter(QueryDict("ordering=name"), queryset=queryset)
    assert first.is_valid() and second.is_valid()
    assert first.form is second.form
    named = SchemeFilter(QueryDict("kind=speedwatch"), queryset=queryset)
    assert named.is_valid()
    assert named.form is not first.form
    assert named.form.cleaned_data["kind"] == "speedwatch"
