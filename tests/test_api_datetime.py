from datetime import UTC, datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.utils import timezone
from rest_framework.fields import DateTimeField

from core.serializers import api_datetime, one_time_zone

DRF = DateTimeField().to_representation

MOMENTS = [
    datetime(2026, 1, 15, 9, 30, tzinfo=UTC),  # London on GMT: written with Z
    datetime(2026, 7, 15, 9, 30, 12, 345678, tzinfo=UTC),  # on BST: +01:00
    datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC),  # the second before the clocks go forward
    datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # in the hour that repeats
    datetime(2026, 7, 15, 9, 30, tzinfo=dt_timezone(timedelta(hours=-5))),
    datetime(2026, 7, 15, 9, 30),  # noqa: DTZ001  # naive: DRF makes it aware in the site's zone
]


@pytest.mark.parametrize("moment", MOMENTS)
def test_api_datetime_writes_what_drf_writes(moment):
    assert api_datetime(moment) == DRF(moment)


@pytest.mark.parametrize("moment", MOMENTS)
def test_api_datetime_follows_the_active_time_zone(moment):
    with timezone.override("America/New_York"):
        assert api_datetime(moment) == DRF(moment)


def test_api_datetime_of_none_is_none():
    assert api_datetime(None) is None


@pytest.mark.parametrize("moment", MOMENTS)
def test_api_datetime_in_one_time_zone_writes_in_the_zone_it_opened_with(moment):
    with timezone.override("America/New_York"), one_time_zone():
        written = api_datetime(moment)
    with timezone.override("America/New_York"):
        assert written == DRF(moment)
    assert api_datetime(moment) == DRF(moment)
