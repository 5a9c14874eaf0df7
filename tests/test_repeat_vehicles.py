"""Offences of repeat vehicles are marked as they are stored (``Offence.repeat_vehicle``), and
migration 0013 marks the ones stored before: statistics count repeat vehicles over the marked
offences only, so every vehicle with more than one offence in a force area must be marked."""

import importlib
import threading
import time
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import MembershipFactory, SchemeFactory, SiteFactory
from tests.speedwatch import (
    logged_session,
    morning,
    neighbouring_teams,
    offence_row,
    session_fields,
    session_payload,
)
from watch.models import Offence
from watch.services.retention import registrations_purge
from watch.services.sessions import session_create

SESSIONS = "/api/v1/speedwatch/sessions/"


def _marks() -> list[tuple[str, str, bool]]:
    return sorted(Offence.objects.values_list("registration", "force", "repeat_vehicle"))


def test_a_vehicle_s_offences_are_marked_from_its_second_offence_in_the_force_area(
    client_for, site, sw_team, sw_coordinator
) -> None:
    client = client_for(sw_coordinator)
    first = client.post(
        SESSIONS,
        session_payload(
            site,
            sw_team,
            days_ago=3,
            offences=[
                offence_row("AB12CDE", 40, days_ago=3),
                offence_row("KX19LMN", 40, days_ago=3, minute=12),
                offence_row("KX19 LMN", 41, days_ago=3, minute=14),
            ],
        ),
        format="json",
    )
    assert first.status_code == 201, first.content
    # Caught twice in one batch: both marked; caught once: not yet.
    assert _marks() == [
        ("AB12CDE", "cambridgeshire", False),
        ("KX19LMN", "cambridgeshire", True),
        ("KX19LMN", "cambridgeshire", True),
    ]
    second = client.post(
        SESSIONS,
        session_payload(
            site, sw_team, days_ago=2, offences=[offence_row("AB12CDE", 38, days_ago=2)]
        ),
        format="json",
    )
    assert second.status_code == 201, second.content
    added = client.post(
        f"{SESSIONS}{second.json()['id']}/offences/",
        [offence_row("AB12CDE", 39, days_ago=2, minute=30)],
        format="json",
    )
    assert added.status_code == 201, added.content
    # In another force area the same vehicle is caught for the first time.
    bedford = SchemeFactory(name="Biggleswade Speedwatch", kind="speedwatch", force="bedfordshire")
    bedford_site = SiteFactory(scheme=bedford, name="London Road", lat=52.086, lon=-0.264)
    team = [
        MembershipFactory(scheme=bedford, role=role).user
        for role in ("coordinator", "volunteer", "volunteer")
    ]
    logged_session(bedford_site, team, days_ago=1, offences=[("AB12CDE", 40)])
    assert _marks() == [
        ("AB12CDE", "bedfordshire", False),
        *[("AB12CDE", "cambridgeshire", True)] * 3,
        *[("KX19LMN", "cambridgeshire", True)] * 2,
    ]


def test_a_purged_offence_is_marked_by_its_vehicle_s_next_offence(site, sw_team) -> None:
    logged_session(site, sw_team, days_ago=400, offences=[("Y123ABC", 40)])
    assert registrations_purge(now=timezone.now()) == 1
    logged_session(site, sw_team, days_ago=1, offences=[("Y123ABC", 40)])
    assert _marks() == [("", "cambridgeshire", True), ("Y123ABC", "cambridgeshire", True)]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs locks between clients")
def test_two_first_offences_of_a_vehicle_stored_at_once_are_both_marked(
    site, sw_team, sw_coordinator
) -> None:
    """Each upload sees only its own offence until the other commits: the second waits for
    the first's lock on the vehicle, then counts both."""
    responses = []

    def upload() -> None:
        client = APIClient(raise_request_exception=False)  # a 500 is an answer too
        client.force_login(sw_coordinator)
        try:
            payload = session_payload(
                site, sw_team, days_ago=1, offences=[offence_row("AB12CDE", 40, days_ago=1)]
            )
            responses.append(client.post(SESSIONS, payload, format="json"))
        finally:
            connection.close()

    second = threading.Thread(target=upload)
    start, end = morning(days_ago=2)
    with transaction.atomic():
        session_create(
            scheme=site.scheme,
            actor=sw_coordinator,
            data=session_fields(site, start, end),
            present=sw_team,
            offences=[
                {"registration": "AB12CDE", "speed_mph": 40, "observed_at": start.replace(minute=5)}
            ],
        )
        assert _marks() == [("AB12CDE", "cambridgeshire", False)]
        second.start()
        _wait_for_a_blocked_vehicle_lock()
    second.join(timeout=30)
    assert [r.status_code for r in responses] == [201]
    assert _marks() == [("AB12CDE", "cambridgeshire", True)] * 2


def _wait_for_a_blocked_vehicle_lock() -> None:
    """Until another connection waits for an advisory lock (at most ten seconds)."""
    deadline = time.monotonic() + 10
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE NOT granted AND locktype = 'advisory'"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError("The second upload never waited for the first.")


def test_the_migration_marks_the_offences_stored_before_it(site, sw_team) -> None:
    histon_site, bedford_site, teams = neighbouring_teams()
    histon, bedford = histon_site.scheme, bedford_site.scheme
    logged_session(site, sw_team, days_ago=400, offences=[("Y123ABC", 36), ("NO51KEY", 40)])
    logged_session(site, sw_team, days_ago=390, offences=[("Y123ABC", 38), ("NO51KEY", 40)])
    logged_session(site, sw_team, days_ago=9, offences=[("AB12CDE", 40), ("KX19LMN", 41)])
    logged_session(histon_site, teams[histon.pk], days_ago=8, offences=[("AB12CDE", 44)])
    logged_session(bedford_site, teams[bedford.pk], days_ago=7, offences=[("KX19LMN", 40)])
    logged_session(site, sw_team, days_ago=6, offences=[("VO21DED", 40)])
    logged_session(site, sw_team, days_ago=5, offences=[("VO21DED", 40)], submit=False)
    Offence.objects.filter(registration="VO21DED", submitted=True).update(voided=True)
    assert registrations_purge(now=timezone.now() - timedelta(days=15)) == 4
    # Purged before vehicle keys (and marks) were kept: nothing left to tell the vehicle by.
    Offence.objects.filter(registration="", speed_mph=40).update(
        vehicle_key="", repeat_vehicle=False
    )
    marked = _marks()
    assert marked == [
        ("", "cambridgeshire", False),
        ("", "cambridgeshire", False),
        ("", "cambridgeshire", True),
        ("", "cambridgeshire", True),
        ("AB12CDE", "cambridgeshire", True),
        ("AB12CDE", "cambridgeshire", True),
        ("KX19LMN", "bedfordshire", False),
        ("KX19LMN", "cambridgeshire", False),
        ("VO21DED", "cambridgeshire", True),
        ("VO21DED", "cambridgeshire", True),
    ]
    Offence.objects.update(repeat_vehicle=False)
    migration = importlib.import_module("watch.migrations.0013_offence_repeat_vehicle")
    with connection.schema_editor() as schema_editor:
        migration.mark_repeat_vehicles(apps, schema_editor)
    assert _marks() == marked
