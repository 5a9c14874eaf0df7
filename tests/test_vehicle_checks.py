"""Vehicle checks with the DVLA's Vehicle Enquiry Service, against a local server speaking its
API (tests/fake_dvla.py): a plate looked up as it is logged, each stored offence checked once
its transaction commits, mismatches and vehicles not found held back from the letters batch
until confirmed or corrected, answers kept a day and purged, and logging that never waits for
the DVLA or fails with it."""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from core.dvla import Vehicle
from tests.fake_dvla import FakeDvla
from tests.speedwatch import offence_row, session_payload
from watch.models import Offence, SessionAmendment, VehicleCheck
from watch.services.retention import registrations_purge
from watch.services.vehicles import (
    TryAgain,
    offence_vehicle_check,
    offence_vehicle_compare,
    vehicle_check_keep,
)
from watch.tasks import check_offence_vehicle

pytestmark = pytest.mark.django_db

SESSIONS = "/api/v1/speedwatch/sessions/"
LOOKUP = "/api/v1/speedwatch/vehicle-checks/"
HELD = "/api/v1/speedwatch/letters/held/"
LETTERS = "/api/v1/speedwatch/letters/"


@pytest.fixture
def dvla(settings) -> Iterator[FakeDvla]:
    """The local DVLA, and the settings that point at it, knowing two vehicles."""
    server = FakeDvla().start()
    settings.DVLA_VES_API_KEY = server.api_key
    settings.DVLA_VES_URL = server.url
    server.add("AB12CDE", "FORD", "BLUE")
    server.add("AB12CDF", "VAUXHALL", "RED")
    yield server
    server.stop()


@pytest.fixture
def logged(client_for, site, sw_team, sw_coordinator, django_capture_on_commit_callbacks):
    """Log a session with offences (``(registration, make, colour)``) as the coordinator,
    running what is queued on commit (the checks), and submit it; returns its offences."""

    def log(*vehicles: tuple[str, str, str], submit: bool = True) -> list[Offence]:
        client = client_for(sw_coordinator)
        rows = [
            offence_row(registration, 40, minute=10 + n, make=make, colour=colour)
            for n, (registration, make, colour) in enumerate(vehicles)
        ]
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                SESSIONS, session_payload(site, sw_team, offences=rows), format="json"
            )
        assert response.status_code == 201, response.content
        session_id = response.json()["id"]
        if submit:
            submitted = client.post(f"{SESSIONS}{session_id}/submit/")
            assert submitted.status_code == 200, submitted.content
        return list(Offence.objects.filter(session_id=session_id).order_by("observed_at"))

    return log


def _lookup(client, scheme, registration: str, make: str = "", colour: str = "") -> Any:
    return client.post(
        LOOKUP,
        {"scheme": scheme.pk, "registration": registration, "make": make, "colour": colour},
        format="json",
    )


def _letters(client) -> list[tuple[str, str]]:
    response = client.get(LETTERS)
    assert response.status_code == 200, response.content
    return [(row["registration"], row["vehicle_check"]) for row in response.json()["results"]]


def _held(client) -> list[tuple[str, str, str, str, str, str]]:
    response = client.get(HELD)
    assert response.status_code == 200, response.content
    return [
        (
            row["registration"],
            row["make"],
            row["colour"],
            row["vehicle_check"],
            row["registered_make"],
            row["registered_colour"],
        )
        for row in response.json()["results"]
    ]


# --- At logging time ----------------------------------------------------------------------


def test_a_plate_looked_up_as_it_is_logged_shows_a_mismatch(
    client_for, speedwatch, sw_coordinator, dvla
) -> None:
    response = _lookup(client_for(sw_coordinator), speedwatch, "ab12 cde", "Vauxhall", "Red")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "checks_enabled": True,
        "status": "mismatched",
        "status_display": "Differs from the DVLA's record",
        "registration": "AB12CDE",
        "registered_make": "FORD",
        "registered_colour": "BLUE",
        "tax_status": "Taxed",
        "mot_status": "Valid",
        "make_differs": True,
        "colour_differs": True,
        "note": "",
    }
    assert [(r.registration, r.api_key, r.status) for r in dvla.requests] == [
        ("AB12CDE", dvla.api_key, 200)
    ]


def test_usual_names_of_makes_and_colours_match(
    client_for, speedwatch, sw_coordinator, dvla
) -> None:
    dvla.add("VW19GLF", "VOLKSWAGEN", "SILVER")
    client = client_for(sw_coordinator)
    answers = [
        (make, colour, _lookup(client, speedwatch, "VW19GLF", make, colour).json()["status"])
        for make, colour in [("VW", "grey"), ("Volkswagen", "dark silver"), ("", ""), ("Ford", "")]
    ]
    assert answers == [
        ("VW", "grey", "matched"),
        ("Volkswagen", "dark silver", "matched"),
        ("", "", "matched"),
        ("Ford", "", "mismatched"),
    ]
    # One question to the DVLA: the answer is kept.
    assert dvla.asked() == ["VW19GLF"]


def test_a_plate_the_dvla_does_not_know_is_said_at_logging_time(
    client_for, speedwatch, sw_coordinator, dvla
) -> None:
    response = _lookup(client_for(sw_coordinator), speedwatch, "XY99ZZZ", "Ford", "Blue")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["registered_make"]) == ("not_found", "")
    assert [(r.registration, r.status) for r in dvla.requests] == [("XY99ZZZ", 404)]


def test_with_the_dvla_down_the_lookup_says_not_checked(
    client_for, speedwatch, sw_coordinator, dvla
) -> None:
    dvla.fail_next(503)
    response = _lookup(client_for(sw_coordinator), speedwatch, "AB12CDE", "Ford", "Blue")
    assert response.status_code == 200
    body = response.json()
    assert (body["checks_enabled"], body["status"], body["note"]) == (
        True,
        "not_checked",
        "The DVLA could not be asked just now; the vehicle is checked later.",
    )
    # Nothing kept: the next question goes to the DVLA again.
    assert VehicleCheck.objects.count() == 0


def test_without_a_key_nothing_is_checked_and_nothing_held_back(
    client_for, speedwatch, sw_coordinator, liaison, logged, settings
) -> None:
    settings.DVLA_VES_API_KEY = ""
    body = _lookup(client_for(sw_coordinator), speedwatch, "AB12CDE", "Ford", "Blue").json()
    assert (body["checks_enabled"], body["status"], body["note"]) == (
        False,
        "not_checked",
        "Vehicle checks with the DVLA are not set up on this server.",
    )
    [offence] = logged(("AB12CDE", "Vauxhall", "Red"))
    assert (offence.vehicle_check, offence.registered_make) == ("not_checked", "")
    # Not held back, and the batch says it was not checked.
    client = client_for(liaison)
    assert _letters(client) == [("AB12CDE", "not_checked")]
    assert _held(client) == []


def test_an_answer_in_hand_is_compared_with_an_offence_not_yet_checked(
    client_for, liaison, sw_coordinator, logged, settings
) -> None:
    """With no key (as in the demo), an answer kept for a registration, not asked for, is
    compared with an offence no check has reached; never with one a person has decided."""
    settings.DVLA_VES_API_KEY = ""
    [offence] = logged(("AB12CDE", "Vauxhall", "Red"))
    now = timezone.now()
    check = vehicle_check_keep(
        registration="AB12CDE",
        vehicle=Vehicle(
            registration="AB12CDE",
            make="FORD",
            colour="BLUE",
            tax_status="Taxed",
            mot_status="Valid",
        ),
        now=now,
    )
    assert offence_vehicle_compare(offence=offence, check=check, now=now) == "mismatched"
    liaison_client = client_for(liaison)
    assert _held(liaison_client) == [("AB12CDE", "Vauxhall", "Red", "mismatched", "FORD", "BLUE")]
    assert _letters(liaison_client) == []

    confirmed = client_for(sw_coordinator).post(
        f"/api/v1/speedwatch/offences/{offence.pk}/vehicle/", {"decision": "confirm"}, format="json"
    )
    assert confirmed.status_code == 200, confirmed.content
    with pytest.raises(ValueError, match="has been checked already"):
        offence_vehicle_compare(offence=offence, check=check, now=now)
    offence.refresh_from_db()
    assert offence.vehicle_check == "confirmed"
    # The register's answer for another registration is never compared with it.
    other = vehicle_check_keep(registration="AB12CDF", vehicle=None, now=now)
    with pytest.raises(ValueError, match="not the offence's registration"):
        offence_vehicle_compare(offence=offence, check=other, now=now)


# --- Stored offences, and the letters batch --------------------------------------------------


def test_a_matching_vehicle_is_checked_once_stored_and_goes_in_the_batch(
    client_for, liaison, logged, dvla
) -> None:
    [offence] = logged(("AB12CDE", "Ford", "Blue"))
    assert (offence.vehicle_check, offence.registered_make, offence.registered_colour) == (
        "matched",
        "FORD",
        "BLUE",
    )
    assert offence.vehicle_checked_at is not None
    client = client_for(liaison)
    assert _letters(client) == [("AB12CDE", "matched")]
    assert _held(client) == []
    assert dvla.asked() == ["AB12CDE"]


def test_a_mismatch_is_held_back_until_the_coordinator_confirms_it(
    client_for, liaison, sw_coordinator, logged, dvla
) -> None:
    [offence] = logged(("AB12CDE", "Vauxhall", "Blue"))
    assert offence.vehicle_check == "mismatched"
    liaison_client = client_for(liaison)
    assert _letters(liaison_client) == []
    assert _held(liaison_client) == [("AB12CDE", "Vauxhall", "Blue", "mismatched", "FORD", "BLUE")]
    held = liaison_client.get(HELD).json()["results"][0]
    assert (held["vehicle_check_display"], held["actions"], held["action"]) == (
        "Differs from the DVLA's record",
        {"confirm": True, "correct": True},
        "first_letter",
    )
    # The export holds it back too.
    export = liaison_client.get("/api/v1/speedwatch/letters/export/?format=csv")
    assert export.status_code == 200
    content = b"".join(export.streaming_content) if export.streaming else export.content
    assert b"AB12" not in content

    coordinator = client_for(sw_coordinator)
    assert _held(coordinator) == _held(liaison_client)
    response = coordinator.post(
        f"/api/v1/speedwatch/offences/{offence.pk}/vehicle/",
        {"decision": "confirm", "reason": "Seen again: a Vauxhall on false plates"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert (response.json()["vehicle_check"], response.json()["registration"]) == (
        "confirmed",
        "AB12CDE",
    )
    assert _held(liaison_client) == []
    assert _letters(liaison_client) == [("AB12CDE", "confirmed")]
    amendment = SessionAmendment.objects.get(session=offence.session)
    assert (amendment.actor, amendment.reason, amendment.changes) == (
        sw_coordinator,
        "Seen again: a Vauxhall on false plates",
        {"vehicle_check": ["mismatched", "confirmed"]},
    )
    # Confirmed once: a second confirmation is refused with the reason.
    again = coordinator.post(
        f"/api/v1/speedwatch/offences/{offence.pk}/vehicle/", {"decision": "confirm"}, format="json"
    )
    assert (again.status_code, again.json()) == (
        400,
        {"non_field_errors": ["This offence's vehicle is not held back."]},
    )


def test_a_mismatch_corrected_is_checked_again(
    client_for, liaison, logged, dvla, django_capture_on_commit_callbacks
) -> None:
    [offence] = logged(("AB12CDE", "Vauxhall", "Red"))
    assert offence.vehicle_check == "mismatched"
    client = client_for(liaison)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/speedwatch/offences/{offence.pk}/vehicle/",
            {"decision": "correct", "registration": "ab12 cdf"},
            format="json",
        )
    assert response.status_code == 200, response.content
    # Answered as stored, its check queued; the check then ran on commit.
    assert response.json()["vehicle_check"] == "pending"
    offence.refresh_from_db()
    assert (
        offence.registration,
        offence.registration_format,
        offence.vehicle_check,
        offence.registered_make,
        offence.registered_colour,
    ) == ("AB12CDF", "current", "matched", "VAUXHALL", "RED")
    assert dvla.asked() == ["AB12CDE", "AB12CDF"]
    assert _letters(client) == [("AB12CDF", "matched")]
    assert SessionAmendment.objects.get(session=offence.session).changes == {
        "registration": ["AB12CDE", "AB12CDF"]
    }


def test_a_corrected_registration_moves_the_offence_to_the_other_vehicles_marks(
    client_for, liaison, logged, dvla, django_capture_on_commit_callbacks
) -> None:
    """Two offences of AB12CDE make it a repeat vehicle; one was really AB12CDF, which has an
    offence of its own: once corrected, AB12CDE has one offence (no repeat vehicle) and
    AB12CDF two (a repeat vehicle)."""
    _, second, _ = logged(
        ("AB12CDE", "Ford", "Blue"), ("AB12CDE", "Vauxhall", "Red"), ("AB12CDF", "Vauxhall", "Red")
    )
    marks = lambda: [  # noqa: E731
        (o.registration, o.repeat_vehicle) for o in Offence.objects.order_by("observed_at")
    ]
    assert marks() == [("AB12CDE", True), ("AB12CDE", True), ("AB12CDF", False)]
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(liaison).post(
            f"/api/v1/speedwatch/offences/{second.pk}/vehicle/",
            {"decision": "correct", "registration": "AB12CDF"},
            format="json",
        )
    assert response.status_code == 200, response.content
    assert marks() == [("AB12CDE", False), ("AB12CDF", True), ("AB12CDF", True)]


def test_a_correction_that_still_differs_stays_held_back(
    client_for, sw_coordinator, logged, dvla, django_capture_on_commit_callbacks
) -> None:
    [offence] = logged(("AB12CDE", "Vauxhall", "Red"))
    client = client_for(sw_coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/speedwatch/offences/{offence.pk}/vehicle/",
            {"decision": "correct", "make": "Ford"},
            format="json",
        )
    assert response.status_code == 200, response.content
    assert _held(client) == [("AB12CDE", "Ford", "Red", "mismatched", "FORD", "BLUE")]
    nothing = client.post(
        f"/api/v1/speedwatch/offences/{offence.pk}/vehicle/",
        {"decision": "correct", "make": "Ford", "colour": "Red"},
        format="json",
    )
    assert (nothing.status_code, nothing.json()) == (
        400,
        {
            "non_field_errors": [
                "Nothing would change: confirm it as recorded, or correct a detail."
            ]
        },
    )
    bad = client.post(
        f"/api/v1/speedwatch/offences/{offence.pk}/vehicle/",
        {"decision": "correct", "registration": "!!"},
        format="json",
    )
    assert (bad.status_code, list(bad.json())) == (400, ["registration"])
    empty = client.post(
        f"/api/v1/speedwatch/offences/{offence.pk}/vehicle/", {"decision": "correct"}, format="json"
    )
    assert (empty.status_code, empty.json()) == (
        400,
        {"registration": ["Give the registration, make or colour as they are."]},
    )


def test_a_vehicle_the_dvla_does_not_know_is_held_back(client_for, liaison, logged, dvla) -> None:
    [offence] = logged(("XY99ZZZ", "Ford", "Blue"))
    assert offence.vehicle_check == "not_found"
    client = client_for(liaison)
    assert _letters(client) == []
    assert _held(client) == [("XY99ZZZ", "Ford", "Blue", "not_found", "", "")]
    assert client.get(f"{HELD}?vehicle_check=mismatched").json()["results"] == []
    assert client.get(f"{HELD}?vehicle_check=nonsense").status_code == 400


# --- The DVLA down or refusing ---------------------------------------------------------------


def test_with_the_dvla_down_logging_works_and_the_check_is_tried_again(
    client_for, liaison, logged, dvla
) -> None:
    dvla.fail_next(500)
    [offence] = logged(("AB12CDE", "Vauxhall", "Blue"))
    # Stored and submitted all the same; waiting for its check, which holds nothing back.
    assert (offence.vehicle_check, offence.vehicle_check_note) == (
        "pending",
        "The DVLA answered 500: System error occurred (attempt 1).",
    )
    client = client_for(liaison)
    assert _letters(client) == [("AB12CDE", "pending")]
    # The task's retry, once the DVLA is back.
    assert check_offence_vehicle.apply(kwargs={"offence_id": str(offence.pk)}, retries=1).get() == (
        "mismatched"
    )
    assert _letters(client) == []
    assert _held(client) == [("AB12CDE", "Vauxhall", "Blue", "mismatched", "FORD", "BLUE")]


def test_logging_works_with_the_dvla_out_of_reach(logged, settings) -> None:
    settings.DVLA_VES_API_KEY = "a-key"
    settings.DVLA_VES_URL = "http://127.0.0.1:9/vehicle-enquiry/v1/vehicles"
    [offence] = logged(("AB12CDE", "Ford", "Blue"))
    assert offence.vehicle_check == "pending"
    assert offence.vehicle_check_note.startswith("The DVLA could not be reached: ")


def test_429_and_500_are_tried_again_with_backoff_then_left_unchecked(
    logged, dvla, settings
) -> None:
    settings.DVLA_VES_MAX_ATTEMPTS = 3
    settings.DVLA_VES_RETRY_SECONDS = 30
    dvla.fail_next(429, 429, 429, 500, 500)
    [offence] = logged(("AB12CDE", "Ford", "Blue"))  # the first attempt: 429
    countdowns = []
    for attempt in (1, 2):
        with pytest.raises(TryAgain) as tried:
            offence_vehicle_check(offence_id=str(offence.pk), attempt=attempt)
        countdowns.append(tried.value.countdown)
    assert countdowns == [30.0, 60.0]
    # The last attempt: recorded as not checked, with the DVLA's words, and not held back.
    assert offence_vehicle_check(offence_id=str(offence.pk), attempt=3) == "not_checked"
    offence.refresh_from_db()
    assert (offence.vehicle_check, offence.vehicle_check_note) == (
        "not_checked",
        "The DVLA answered 500: System error occurred",
    )
    assert [r.status for r in dvla.requests] == [429, 429, 429, 500]
    # A second run of the task finds nothing waiting.
    assert offence_vehicle_check(offence_id=str(offence.pk), attempt=1) == "not waiting"


def test_a_refused_key_is_not_tried_again(logged, dvla, settings) -> None:
    settings.DVLA_VES_API_KEY = "not-the-key"
    [offence] = logged(("AB12CDE", "Ford", "Blue"))
    assert (offence.vehicle_check, offence.vehicle_check_note) == (
        "not_checked",
        "The DVLA answered 403: Missing or invalid API key",
    )
    assert [r.status for r in dvla.requests] == [403]


# --- Kept a day, and purged -----------------------------------------------------------------


def test_answers_are_kept_for_a_day(client_for, speedwatch, sw_coordinator, logged, dvla) -> None:
    client = client_for(sw_coordinator)
    _lookup(client, speedwatch, "AB12CDE", "Ford", "Blue")
    logged(("AB12CDE", "Ford", "Blue"), ("AB12CDE", "Ford", "Blue"))
    assert dvla.asked() == ["AB12CDE"]
    VehicleCheck.objects.update(checked_at=timezone.now() - timedelta(hours=25))
    dvla.vehicles["AB12CDE"]["colour"] = "GREEN"  # resprayed
    body = _lookup(client, speedwatch, "AB12CDE", "Ford", "Blue").json()
    assert (body["status"], body["registered_colour"]) == ("mismatched", "GREEN")
    assert dvla.asked() == ["AB12CDE", "AB12CDE"]


def test_the_retention_purge_removes_what_the_dvla_said(logged, dvla, settings) -> None:
    [offence] = logged(("AB12CDE", "Vauxhall", "Blue"))
    now = timezone.now()
    VehicleCheck.objects.create(
        registration="AB12CDF", found=True, make="VAUXHALL", colour="RED", checked_at=now
    )
    VehicleCheck.objects.filter(registration="AB12CDE").update(checked_at=now - timedelta(days=2))
    registrations_purge(now=now)
    assert list(VehicleCheck.objects.values_list("registration", flat=True)) == ["AB12CDF"]
    # The offence keeps what the register said until its own registration goes.
    offence.refresh_from_db()
    assert (offence.registered_make, offence.registered_colour) == ("FORD", "BLUE")
    later = offence.observed_at + timedelta(days=settings.SPEEDWATCH_RETENTION_DAYS + 1)
    assert registrations_purge(now=later) == 1
    offence.refresh_from_db()
    assert (
        offence.registration,
        offence.registered_make,
        offence.registered_colour,
        offence.vehicle_check_note,
    ) == ("", "", "", "")
    assert VehicleCheck.objects.count() == 0


# --- Who may -------------------------------------------------------------------------------


def test_lookups_are_refused_to_others(
    client_for, anon, speedwatch, sw_volunteer, outsider, liaison, dvla
) -> None:
    anonymous = _lookup(anon, speedwatch, "AB12CDE")
    assert anonymous.status_code == 401
    volunteer = _lookup(client_for(sw_volunteer), speedwatch, "AB12CDE")
    assert (volunteer.status_code, volunteer.json()) == (
        403,
        {"detail": "Only the scheme's coordinators log and check vehicles."},
    )
    other = _lookup(client_for(outsider), speedwatch, "AB12CDE")
    assert (other.status_code, other.json()) == (
        404,
        {"detail": "No Scheme matches the given query."},
    )
    assert _lookup(client_for(liaison), speedwatch, "AB12CDE").status_code == 403
    assert dvla.requests == []


def test_lookups_refuse_bad_input(client_for, speedwatch, sw_coordinator, dvla) -> None:
    client = client_for(sw_coordinator)
    bad = client.post(LOOKUP, {"scheme": "x", "registration": "!!"}, format="json")
    assert bad.status_code == 400
    assert sorted(bad.json()) == ["registration", "scheme"]
    assert client.post(LOOKUP, {}, format="json").status_code == 400


def test_held_back_offences_are_refused_to_others(
    client_for, anon, sw_volunteer, outsider, foreign_liaison, logged, dvla
) -> None:
    [offence] = logged(("AB12CDE", "Vauxhall", "Blue"))
    url = f"/api/v1/speedwatch/offences/{offence.pk}/vehicle/"
    assert anon.get(HELD).status_code == 401
    assert anon.post(url, {"decision": "confirm"}, format="json").status_code == 401
    for who in (sw_volunteer, outsider, foreign_liaison):
        client = client_for(who)
        assert _held(client) == []
        refused = client.post(url, {"decision": "confirm"}, format="json")
        assert (refused.status_code, refused.json()) == (
            404,
            {"detail": "No Offence matches the given query."},
        )
    offence.refresh_from_db()
    assert offence.vehicle_check == "mismatched"


def test_the_held_back_list_asks_a_fixed_number_of_queries(
    client_for, liaison, logged, dvla, django_assert_max_num_queries
) -> None:
    logged(("XY99ZZA", "Ford", "Blue"))
    client = client_for(liaison)
    with django_assert_max_num_queries(8) as one:
        assert len(_held(client)) == 1
    queries = len(one)  # counted now: each request clears the connection's log
    logged(("XY99ZZB", "Ford", "Blue"), ("XY99ZZC", "Ford", "Blue"), ("XY99ZZD", "Ford", "Blue"))
    with django_assert_max_num_queries(queries):
        assert len(_held(client)) == 4
