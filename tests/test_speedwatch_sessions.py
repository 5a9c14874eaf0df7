"""Speedwatch sessions: the police rules, thresholds, registrations, bulk and retried uploads."""

import threading
import time
import uuid
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import MembershipFactory, SiteFactory, UserFactory
from tests.speedwatch import (
    logged_session,
    morning,
    offence_row,
    session_fields,
    session_payload,
)
from watch import rules
from watch.models import Offence, Session, SessionAmendment
from watch.services.sessions import session_create, session_submit

pytestmark = pytest.mark.django_db

SESSIONS = "/api/v1/speedwatch/sessions/"


def _url(session, suffix: str = "") -> str:
    return f"{SESSIONS}{session.pk}/{suffix}"


def test_log_a_session_with_its_offences_in_one_request(
    client_for, site, sw_team, sw_coordinator
) -> None:
    payload = session_payload(
        site,
        sw_team,
        offences=[
            offence_row("ab12 cde", 37, make="Ford", colour="Blue"),
            offence_row("Y123ABC", 41, minute=20),
        ],
    )
    response = client_for(sw_coordinator).post(SESSIONS, payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    session = Session.objects.get()
    assert body["id"] == str(session.pk)
    assert (body["status"], body["vehicles_counted"], body["offence_count"]) == ("draft", 200, 2)
    assert body["volunteer_minutes"] == 180
    assert [p["name"] for p in body["present"]] == ["David Chen", "Joan Patel", "Kevin Doyle"]
    # A draft's escalation is provisional: no letter is shown until it is submitted.
    assert [
        (o["registration"], o["registration_format"], o["speed_mph"], o["action"], o["submitted"])
        for o in body["offences"]
    ] == [
        ("AB12CDE", "current", 37, None, False),
        ("Y123ABC", "prefix", 41, None, False),
    ]
    assert body["offences"][0]["direction"] == "eastbound"  # the site's, when not given


@pytest.mark.parametrize(
    ("limit", "below", "at"),
    [(20, 23, 24), (30, 34, 35), (40, 45, 46)],
)
def test_threshold_edges(client_for, speedwatch, sw_team, sw_coordinator, limit, below, at) -> None:
    site = SiteFactory(scheme=speedwatch, speed_limit_mph=limit)
    client = client_for(sw_coordinator)
    refused = client.post(
        SESSIONS,
        session_payload(site, sw_team, offences=[offence_row("AB12CDE", below)]),
        format="json",
    )
    assert refused.status_code == 400
    assert refused.json() == {
        "offences": {
            "row 1": {
                "speed_mph": [
                    f"{below} mph is under the {at} mph threshold for a {limit} mph limit: "
                    f"only speeds of {at} mph or more are offences."
                ]
            }
        }
    }
    assert not Session.objects.exists()
    accepted = client.post(
        SESSIONS,
        session_payload(site, sw_team, offences=[offence_row("AB12CDE", at)]),
        format="json",
    )
    assert accepted.status_code == 201
    assert accepted.json()["offences"][0]["speed_mph"] == at


@pytest.mark.parametrize(
    ("typed", "stored", "kind"),
    [
        ("ab12 cde", "AB12CDE", "current"),
        ("A123 BCD", "A123BCD", "prefix"),
        ("abc 123d", "ABC123D", "suffix"),
        ("1 ABC", "1ABC", "dateless"),
        ("ABC 1", "ABC1", "dateless"),
        ("9999 AB", "9999AB", "dateless"),
        # Northern Ireland: a county code with I or Z, alone, reversed or after a serial letter.
        ("BFZ 123", "BFZ123", "northern_ireland"),
        ("LUI 234", "LUI234", "northern_ireland"),
        ("UI 1234", "UI1234", "northern_ireland"),
        ("XI 12", "XI12", "northern_ireland"),
        ("OI 1", "OI1", "northern_ireland"),
        ("JI-9", "JI9", "northern_ireland"),
        ("KIW 5678", "KIW5678", "northern_ireland"),
        ("AIA 1", "AIA1", "northern_ireland"),
        ("1234 IA", "1234IA", "northern_ireland"),
        ("1 DZ", "1DZ", "northern_ireland"),
        # IZ was County Mayo's, in the Republic; QZ and ZZ were never Northern Ireland's;
        # and Great Britain's dateless marks have no I, Q or Z.
        ("AIZ 1234", "AIZ1234", "unrecognised"),
        ("QZ 123", "QZ123", "unrecognised"),
        ("ZZ 1234", "ZZ1234", "unrecognised"),
        ("ABI 123", "ABI123", "unrecognised"),
        ("D 1234 XY", "D1234XY", "unrecognised"),
        ("12345678", "12345678", "unrecognised"),
    ],
)
def test_registration_formats(
    client_for, site, sw_team, sw_coordinator, typed, stored, kind
) -> None:
    response = client_for(sw_coordinator).post(
        SESSIONS, session_payload(site, sw_team, offences=[offence_row(typed, 40)]), format="json"
    )
    assert response.status_code == 201, response.content
    offence = response.json()["offences"][0]
    assert (offence["registration"], offence["registration_format"]) == (stored, kind)


NOT_A_REGISTRATION = "Enter the registration as letters and digits, 2 to 8 of them (e.g. AB12 CDE)."


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "This field may not be blank."),
        ("A", NOT_A_REGISTRATION),
        ("AB12-CD!", NOT_A_REGISTRATION),
        ("ABCDEFGHJ", NOT_A_REGISTRATION),
        ("AB12 CDÉ", NOT_A_REGISTRATION),
    ],
)
def test_registrations_that_cannot_be_are_refused(
    client_for, site, sw_team, sw_coordinator, typed, message
) -> None:
    response = client_for(sw_coordinator).post(
        SESSIONS, session_payload(site, sw_team, offences=[offence_row(typed, 40)]), format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"offences": {"row 1": {"registration": [message]}}}
    assert not Offence.objects.exists()
    assert not Session.objects.exists()


def test_session_rules_are_reported_together(client_for, site, speedwatch, sw_coordinator) -> None:
    stranger = UserFactory(name="Zed Outsider")
    start, _ = morning()
    payload = session_payload(
        site,
        [sw_coordinator, stranger],
        device_checked_on=(start.date() - timedelta(days=400)).isoformat(),
    )
    response = client_for(sw_coordinator).post(SESSIONS, payload, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "present": [
            "At least 3 members must be present; 2 ticked.",
            "Not members of this scheme: Zed Outsider.",
        ],
        "device_checked_on": [
            "The device's last accuracy check is older than 365 days: have it checked first."
        ],
    }


def test_session_rules_are_refused_in_the_coordinators_language(
    client_for, site, sw_team, speedwatch, sw_coordinator
) -> None:
    stranger = UserFactory(name="Zed Outsider")
    start, _ = morning()
    sw_coordinator.language = "cy"
    sw_coordinator.save(update_fields=["language"])
    client = client_for(sw_coordinator)
    payload = session_payload(
        site,
        [sw_coordinator, stranger],
        device_checked_on=(start.date() - timedelta(days=400)).isoformat(),
    )
    response = client.post(SESSIONS, payload, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "present": [
            "Rhaid i o leiaf 3 aelod fod yn bresennol; 2 wedi'u ticio.",
            "Nid ydynt yn aelodau o'r cynllun hwn: Zed Outsider.",
        ],
        "device_checked_on": [
            "Mae gwiriad cywirdeb diwethaf y ddyfais yn hŷn na 365 diwrnod: "
            "gofalwch ei bod yn cael ei gwirio yn gyntaf."
        ],
    }
    offences = [offence_row("not a plate!", 40), offence_row("AB12CDE", 33)]
    refused = client.post(
        SESSIONS,
        session_payload(site, sw_team, offences=offences),
        format="json",
    )
    assert refused.status_code == 400
    assert refused.json() == {
        "offences": {
            "row 1": {
                "registration": [
                    "Rhowch y rhif cofrestru fel llythrennau a digidau, rhwng 2 ac 8 ohonynt "
                    "(e.e. AB12 CDE)."
                ]
            },
            "row 2": {
                "speed_mph": [
                    "Mae 33 mya o dan y trothwy o 35 mya ar gyfer terfyn 30 mya: dim ond "
                    "cyflymderau o 35 mya neu fwy sy'n droseddau."
                ]
            },
        }
    }
    # The same in English once that is the coordinator's choice.
    sw_coordinator.language = "en"
    sw_coordinator.save(update_fields=["language"])
    english = client.post(
        SESSIONS, session_payload(site, sw_team, offences=offences[1:]), format="json"
    )
    assert english.json() == {
        "offences": {
            "row 1": {
                "speed_mph": [
                    "33 mph is under the 35 mph threshold for a 30 mph limit: only speeds of "
                    "35 mph or more are offences."
                ]
            }
        }
    }
    assert not Session.objects.exists()


def test_minimum_members_is_a_setting(client_for, site, sw_team, sw_coordinator, settings) -> None:
    settings.SPEEDWATCH_MIN_MEMBERS_PRESENT = 2
    payload = session_payload(site, sw_team[:2])
    assert client_for(sw_coordinator).post(SESSIONS, payload, format="json").status_code == 201


def test_device_check_age_edge(client_for, site, sw_team, sw_coordinator) -> None:
    start, _ = morning()
    client = client_for(sw_coordinator)
    old = session_payload(
        site, sw_team, device_checked_on=(start.date() - timedelta(days=366)).isoformat()
    )
    refused = client.post(SESSIONS, old, format="json")
    assert refused.status_code == 400
    assert refused.json() == {
        "device_checked_on": [
            "The device's last accuracy check is older than 365 days: have it checked first."
        ]
    }
    ok = session_payload(
        site, sw_team, device_checked_on=(start.date() - timedelta(days=365)).isoformat()
    )
    assert client.post(SESSIONS, ok, format="json").status_code == 201
    after = session_payload(
        site, sw_team, device_checked_on=(start.date() + timedelta(days=1)).isoformat()
    )
    assert client.post(SESSIONS, after, format="json").json() == {
        "device_checked_on": ["The check date is after the session."]
    }


def _daylight_message(site, day) -> str:
    sunrise, sunset = rules.daylight(lat=site.lat, lon=site.lon, on=day)
    return f"Sessions run in daylight: between {sunrise:%H:%M} and {sunset:%H:%M} that day."


def test_sessions_run_in_daylight(client_for, site, sw_team, sw_coordinator) -> None:
    start, _ = morning()
    client = client_for(sw_coordinator)
    message = _daylight_message(site, timezone.localtime(start).date())
    night = start.replace(hour=1)
    before_sunrise = session_payload(
        site,
        sw_team,
        started_at=night.isoformat(),
        ended_at=(night + timedelta(hours=1)).isoformat(),
    )
    response = client.post(SESSIONS, before_sunrise, format="json")
    assert response.status_code == 400
    assert response.json() == {"started_at": [message]}

    _, sunset = rules.daylight(lat=site.lat, lon=site.lon, on=timezone.localtime(start).date())
    past_sunset = session_payload(
        site,
        sw_team,
        started_at=(sunset - timedelta(hours=1)).isoformat(),
        ended_at=(sunset + timedelta(minutes=10)).isoformat(),
    )
    response = client.post(SESSIONS, past_sunset, format="json")
    assert response.status_code == 400
    assert response.json() == {"ended_at": [message]}
    until_sunset = session_payload(
        site,
        sw_team,
        started_at=(sunset - timedelta(hours=1)).isoformat(),
        ended_at=sunset.isoformat(),
    )
    assert client.post(SESSIONS, until_sunset, format="json").status_code == 201


def test_sessions_cannot_end_in_the_future_or_before_they_start(
    client_for, site, sw_team, sw_coordinator
) -> None:
    start = timezone.now() + timedelta(days=1)
    future = session_payload(
        site,
        sw_team,
        started_at=start.isoformat(),
        ended_at=(start + timedelta(hours=1)).isoformat(),
    )
    response = client_for(sw_coordinator).post(SESSIONS, future, format="json")
    assert "The session cannot end in the future." in response.json()["ended_at"]
    a, b = morning()
    backwards = session_payload(site, sw_team, started_at=b.isoformat(), ended_at=a.isoformat())
    response = client_for(sw_coordinator).post(SESSIONS, backwards, format="json")
    assert "The session must end after it starts." in response.json()["ended_at"]
    long = session_payload(site, sw_team, ended_at=(a + timedelta(hours=5)).isoformat())
    response = client_for(sw_coordinator).post(SESSIONS, long, format="json")
    assert "A session lasts at most 4 hours." in response.json()["ended_at"]


@pytest.mark.parametrize(
    ("status", "message"), [("proposed", "waiting for approval"), ("suspended", "suspended")]
)
def test_sessions_need_an_approved_site(
    client_for, site, sw_team, sw_coordinator, status, message
) -> None:
    site.status = status
    site.save()
    response = client_for(sw_coordinator).post(
        SESSIONS, session_payload(site, sw_team), format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"site": [f"Sessions need an approved site; this one is {message}."]}


def test_offence_times_fall_within_the_session(client_for, site, sw_team, sw_coordinator) -> None:
    payload = session_payload(site, sw_team, offences=[offence_row("AB12CDE", 40, minute=90)])
    response = client_for(sw_coordinator).post(SESSIONS, payload, format="json")
    assert response.status_code == 400
    assert list(response.json()["offences"]["row 1"]) == ["observed_at"]


def test_submit_then_read_only(client_for, site, sw_team, sw_coordinator) -> None:
    client = client_for(sw_coordinator)
    session_id = client.post(SESSIONS, session_payload(site, sw_team), format="json").json()["id"]
    session = Session.objects.get(pk=session_id)
    submitted = client.post(_url(session, "submit/"))
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted"
    again = client.post(_url(session, "submit/"))
    assert again.status_code == 400
    read_only = {
        "non_field_errors": [
            "This session has been submitted and is read-only: record an amendment instead."
        ]
    }
    assert client.patch(_url(session), {"vehicles_counted": 5}, format="json").json() == read_only
    assert (
        client.post(_url(session, "offences/"), offence_row("AB12CDE", 40), format="json").json()
        == read_only
    )


def test_submission_deadline(site, sw_team) -> None:
    session = logged_session(site, sw_team, days_ago=3, submit=False)
    with pytest.raises(Exception) as refused:
        session_submit(
            session=session, actor=sw_team[0], now=session.ended_at + timedelta(hours=48, seconds=1)
        )
    assert "within 48 hours of their end" in str(refused.value)
    submitted = session_submit(
        session=session, actor=sw_team[0], now=session.ended_at + timedelta(hours=48)
    )
    assert submitted.status == "submitted"


def test_submission_after_the_deadline_through_the_api(
    client_for, site, sw_team, sw_coordinator
) -> None:
    session = logged_session(site, sw_team, days_ago=3, submit=False)
    response = client_for(sw_coordinator).post(_url(session, "submit/"))
    assert response.status_code == 400
    assert response.json()["non_field_errors"][0].startswith(
        "Sessions must be submitted within 48 hours"
    )


def test_amendments_record_what_changed(client_for, site, sw_team, sw_coordinator) -> None:
    session = logged_session(site, sw_team)
    response = client_for(sw_coordinator).post(
        _url(session, "amendments/"),
        {"reason": "Miscounted the second tally sheet.", "changes": {"vehicles_counted": 230}},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["changes"] == {"vehicles_counted": [200, 230]}
    session.refresh_from_db()
    assert session.vehicles_counted == 230
    amendment = SessionAmendment.objects.get()
    assert (amendment.actor, amendment.reason) == (
        sw_coordinator,
        "Miscounted the second tally sheet.",
    )
    history = client_for(sw_coordinator).get(_url(session, "amendments/")).json()["results"]
    assert [(h["actor_name"], h["changes"]) for h in history] == [
        ("David Chen", {"vehicles_counted": [200, 230]})
    ]
    refused = client_for(sw_coordinator).post(
        _url(session, "amendments/"), {"reason": "x", "changes": {"site": 3}}, format="json"
    )
    assert refused.json() == {"changes": {"non_field_errors": ["These cannot be amended: site."]}}
    wrong_type = client_for(sw_coordinator).post(
        _url(session, "amendments/"),
        {"reason": "x", "changes": {"vehicles_counted": "lots"}},
        format="json",
    )
    assert wrong_type.json() == {"changes": {"vehicles_counted": ["A valid integer is required."]}}


def test_an_amendment_voids_a_misread_offence(client_for, site, sw_team, sw_coordinator) -> None:
    logged_session(site, sw_team, days_ago=3, offences=[("AB12CDE", 37)])
    session = logged_session(site, sw_team, days_ago=1, offences=[("AB12CDE", 38), ("KX19LMN", 40)])
    misread = session.offences.get(registration="AB12CDE")
    assert misread.action == "second_letter"
    response = client_for(sw_coordinator).post(
        _url(session, "amendments/"),
        {
            "reason": "Plate misread: it was AB12CDF.",
            "changes": {"void_offences": [str(misread.pk)]},
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["changes"] == {"void_offences": [str(misread.pk)]}
    misread.refresh_from_db()
    assert (misread.voided, misread.action, misread.action_status) == (True, "none", "done")
    assert session.offences.get(registration="KX19LMN").voided is False


def test_bulk_offences_are_all_or_nothing(client_for, site, sw_team, sw_coordinator) -> None:
    client = client_for(sw_coordinator)
    session = Session.objects.get(
        pk=client.post(SESSIONS, session_payload(site, sw_team), format="json").json()["id"]
    )
    rows = [
        offence_row("AB12CDE", 40),
        offence_row("KX19LMN", 31),
        offence_row("!!", 45),
        offence_row("Y123ABC", 44),
    ]
    response = client.post(_url(session, "offences/"), rows, format="json")
    assert response.status_code == 400
    errors = response.json()["offences"]
    assert sorted(errors) == ["row 2", "row 3"]
    assert list(errors["row 2"]) == ["speed_mph"]
    assert list(errors["row 3"]) == ["registration"]
    assert not Offence.objects.exists()
    good = client.post(_url(session, "offences/"), [rows[0], rows[3]], format="json")
    assert good.status_code == 201
    assert Offence.objects.count() == 2


def test_bulk_offences_from_a_csv_file(client_for, site, sw_team, sw_coordinator) -> None:
    client = client_for(sw_coordinator)
    session = Session.objects.get(
        pk=client.post(SESSIONS, session_payload(site, sw_team), format="json").json()["id"]
    )
    start, _ = morning()
    at = (start + timedelta(minutes=15)).isoformat()
    bad = f"registration,speed_mph,observed_at,make\nAB12CDE,40,{at},Ford\nKX19LMN,fast,{at},\n"
    response = client.post(
        _url(session, "offences/upload/"),
        {"file": SimpleUploadedFile("tally.csv", bad.encode(), content_type="text/csv")},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json() == {
        "offences": {"row 2": {"speed_mph": ["A valid integer is required."]}}
    }
    good = f"registration,speed_mph,observed_at,make\nAB12CDE,40,{at},Ford\nKX19LMN,38,{at},\n"
    response = client.post(
        _url(session, "offences/upload/"),
        {"file": SimpleUploadedFile("tally.csv", good.encode(), content_type="text/csv")},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert sorted(Offence.objects.values_list("registration", "make")) == [
        ("AB12CDE", "Ford"),
        ("KX19LMN", ""),
    ]


def test_a_retried_upload_with_the_same_ids_stores_nothing_twice(
    client_for, site, sw_team, sw_coordinator
) -> None:
    session_id, offence_id = uuid.uuid4(), uuid.uuid4()
    payload = session_payload(
        site, sw_team, id=str(session_id), offences=[offence_row("AB12CDE", 40, id=str(offence_id))]
    )
    client = client_for(sw_coordinator)
    first = client.post(SESSIONS, payload, format="json")
    retry = client.post(SESSIONS, payload, format="json")
    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json()["id"] == first.json()["id"] == str(session_id)
    assert Session.objects.count() == 1
    # Offences retried one by one after a dropped connection: answered with what is stored.
    again = client.post(
        f"{SESSIONS}{session_id}/offences/",
        offence_row("AB12CDE", 40, id=str(offence_id)),
        format="json",
    )
    assert again.status_code == 200
    assert again.json() == first.json()["offences"]
    assert Offence.objects.count() == 1


def test_a_retried_request_with_an_idempotency_key(
    client_for, site, sw_team, sw_coordinator
) -> None:
    client = client_for(sw_coordinator)
    payload = session_payload(site, sw_team, offences=[offence_row("AB12CDE", 40)])
    first = client.post(SESSIONS, payload, format="json", HTTP_IDEMPOTENCY_KEY="tally-1")
    retry = client.post(SESSIONS, payload, format="json", HTTP_IDEMPOTENCY_KEY="tally-1")
    assert retry.json() == first.json()
    assert (Session.objects.count(), Offence.objects.count()) == (1, 1)


def test_someone_elses_session_id_is_refused(client_for, site, sw_team, sw_coordinator) -> None:
    other_site = SiteFactory()
    other_team = [
        MembershipFactory(scheme=other_site.scheme, role=r).user
        for r in ("coordinator", "volunteer", "volunteer")
    ]
    theirs = logged_session(other_site, other_team, submit=False)
    payload = session_payload(site, sw_team, id=str(theirs.pk))
    response = client_for(sw_coordinator).post(SESSIONS, payload, format="json")
    assert response.status_code == 400
    assert response.json() == {"id": ["This id is taken; use a new UUID."]}


def test_draft_offences_can_be_deleted(client_for, site, sw_team, sw_coordinator) -> None:
    session = logged_session(site, sw_team, offences=[("AB12CDE", 40)], submit=False)
    offence = session.offences.get()
    response = client_for(sw_coordinator).delete(_url(session, f"offences/{offence.pk}/"))
    assert response.status_code == 204
    assert not Offence.objects.exists()


def test_draft_details_can_be_edited(client_for, site, sw_team, sw_coordinator) -> None:
    session = logged_session(site, sw_team, submit=False)
    response = client_for(sw_coordinator).patch(
        _url(session),
        {"vehicles_counted": 321, "present": [u.pk for u in sw_team[:3]]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["vehicles_counted"] == 321


def test_bulk_rows_of_the_wrong_shape_are_numbered(
    client_for, site, sw_team, sw_coordinator
) -> None:
    session = logged_session(site, sw_team, submit=False)
    rows = [offence_row("AB12CDE", 40), {"registration": "KX19LMN"}]
    response = client_for(sw_coordinator).post(_url(session, "offences/"), rows, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "offences": {
            "row 2": {
                "speed_mph": ["This field is required."],
                "observed_at": ["This field is required."],
            }
        }
    }


def test_a_draft_can_be_discarded_but_not_a_submitted_session(
    client_for, site, sw_team, sw_coordinator, sw_volunteer
) -> None:
    draft = logged_session(site, sw_team, offences=[("AB12CDE", 40)], submit=False)
    assert client_for(sw_volunteer).delete(_url(draft)).status_code == 403
    assert client_for(sw_coordinator).delete(_url(draft)).status_code == 204
    assert not Session.objects.filter(pk=draft.pk).exists()
    assert not Offence.objects.exists()
    submitted = logged_session(site, sw_team, offences=[("AB12CDE", 40)])
    assert client_for(sw_coordinator).delete(_url(submitted)).status_code == 400
    assert Session.objects.filter(pk=submitted.pk).exists()


def test_sites_and_sessions_tell_the_threshold(
    client_for, speedwatch, sw_team, sw_coordinator
) -> None:
    site = SiteFactory(scheme=speedwatch, speed_limit_mph=20)
    body = client_for(sw_coordinator).get(f"/api/v1/speedwatch/sites/{site.pk}/").json()
    assert (body["speed_limit_mph"], body["threshold_mph"]) == (20, 24)
    session = logged_session(site, sw_team)
    assert client_for(sw_coordinator).get(_url(session)).json()["site"]["threshold_mph"] == 24


def _threshold_error(speed: int) -> dict:
    return {
        "speed_mph": [
            f"{speed} mph is under the 35 mph threshold for a 30 mph limit: "
            "only speeds of 35 mph or more are offences."
        ]
    }


def test_bulk_offences_report_every_bad_row_in_one_pass(
    client_for, site, sw_team, sw_coordinator
) -> None:
    """A row of the wrong shape does not hide a row that breaks the rules further down."""
    rows = [
        offence_row("AB12CDE", 40),
        offence_row("KX19LMN", "fast"),
        offence_row("Y123ABC", 44),
        offence_row("LUI234", 38),
        offence_row("BD68XYZ", 31),
    ]
    expected = {
        "offences": {
            "row 2": {"speed_mph": ["A valid integer is required."]},
            "row 5": _threshold_error(31),
        }
    }
    client = client_for(sw_coordinator)
    whole = client.post(SESSIONS, session_payload(site, sw_team, offences=rows), format="json")
    assert whole.status_code == 400
    assert whole.json() == expected
    assert not Session.objects.exists()

    session = logged_session(site, sw_team, submit=False)
    response = client.post(_url(session, "offences/"), rows, format="json")
    assert response.status_code == 400
    assert response.json() == expected
    start, _ = morning()
    at = (start + timedelta(minutes=15)).isoformat()
    upload = (
        "registration,speed_mph,observed_at\n"
        f"AB12CDE,40,{at}\nKX19LMN,fast,{at}\nY123ABC,44,{at}\nLUI234,38,{at}\nBD68XYZ,31,{at}\n"
    )
    response = client.post(
        _url(session, "offences/upload/"),
        {"file": SimpleUploadedFile("tally.csv", upload.encode(), content_type="text/csv")},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json() == expected
    assert not Offence.objects.exists()


def test_the_batch_limit_is_checked_before_the_rows(
    client_for, site, sw_team, sw_coordinator, settings
) -> None:
    settings.SPEEDWATCH_BULK_MAX_ROWS = 2
    session = logged_session(site, sw_team, submit=False)
    client = client_for(sw_coordinator)
    too_many = {"offences": ["Send at most 2 offences at once."]}
    malformed = [{"registration": "AB12CDE"}] * 3
    response = client.post(_url(session, "offences/"), malformed, format="json")
    assert (response.status_code, response.json()) == (400, too_many)
    response = client.post(
        SESSIONS, session_payload(site, sw_team, offences=malformed), format="json"
    )
    assert (response.status_code, response.json()) == (400, too_many)
    # The fourth line of this file is one the CSV reader cannot read (a field over its size
    # limit): it is never reached.
    start, _ = morning()
    at = (start + timedelta(minutes=15)).isoformat()
    upload = (
        f"registration,speed_mph,observed_at\nAB12CDE,40,{at}\nKX19LMN,41,{at}\n"
        f"Y123ABC,42,{at}\nBD68XYZ,{'9' * 200_000},{at}\n"
    )
    response = client.post(
        _url(session, "offences/upload/"),
        {"file": SimpleUploadedFile("tally.csv", upload.encode(), content_type="text/csv")},
        format="multipart",
    )
    assert (response.status_code, response.json()) == (400, too_many)
    settings.SPEEDWATCH_BULK_MAX_ROWS = 10
    response = client.post(
        _url(session, "offences/upload/"),
        {"file": SimpleUploadedFile("tally.csv", upload.encode(), content_type="text/csv")},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json() == {
        "file": ["The file is not a readable CSV: field larger than field limit (131072)."]
    }
    assert not Offence.objects.exists()


def test_offence_ids_used_twice_are_row_errors(client_for, site, sw_team, sw_coordinator) -> None:
    client = client_for(sw_coordinator)
    taken = logged_session(site, sw_team, offences=[("AB12CDE", 40)], submit=False)
    taken_id = str(taken.offences.get().pk)
    session = logged_session(site, sw_team, days_ago=2, submit=False)
    twice = str(uuid.uuid4())
    rows = [
        offence_row("KX19LMN", 41, days_ago=2, id=twice),
        offence_row("Y123ABC", 42, days_ago=2, id=twice),
        offence_row("BD68XYZ", 43, days_ago=2, id=taken_id),
    ]
    response = client.post(_url(session, "offences/"), rows, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "offences": {
            "row 2": {"id": ["Row 1 has the same id: give each offence its own UUID."]},
            "row 3": {"id": ["This id is taken by an offence of another session; use a new UUID."]},
        }
    }
    # The same in a session logged in one request.
    payload = session_payload(
        site, sw_team, days_ago=3, offences=[offence_row("KX19LMN", 41, days_ago=3, id=twice)] * 2
    )
    response = client.post(SESSIONS, payload, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "offences": {"row 2": {"id": ["Row 1 has the same id: give each offence its own UUID."]}}
    }
    assert list(Offence.objects.values_list("pk", flat=True)) == [taken.offences.get().pk]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks between clients")
def test_two_uploads_of_one_session_at_once_store_it_once(site, sw_team, sw_coordinator) -> None:
    """The second upload's insert waits for the first to commit, then answers as a retry."""
    session_id = uuid.uuid4()
    payload = session_payload(
        site, sw_team, id=str(session_id), offences=[offence_row("AB12CDE", 40)]
    )
    start, end = morning()
    responses = []

    def upload() -> None:
        client = APIClient(raise_request_exception=False)  # a 500 is an answer too
        client.force_login(sw_coordinator)
        try:
            responses.append(client.post(SESSIONS, payload, format="json"))
        finally:
            connection.close()

    second = threading.Thread(target=upload)
    with transaction.atomic():
        session_create(
            scheme=site.scheme,
            actor=sw_coordinator,
            data=session_fields(site, start, end, id=session_id),
            present=sw_team,
        )
        second.start()
        _wait_for_a_blocked_insert()
    second.join(timeout=30)
    assert [r.status_code for r in responses] == [200]
    assert responses[0].json()["id"] == str(session_id)
    assert (Session.objects.count(), Offence.objects.count()) == (1, 0)


def _wait_for_a_blocked_insert() -> None:
    """Until another connection waits on a lock held by this one (at most ten seconds)."""
    deadline = time.monotonic() + 10
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            # pg_locks is read live (pg_stat_activity would be a snapshot within this
            # transaction); the other connection's insert waits on this transaction's id.
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE NOT granted AND locktype = 'transactionid' "
                "AND transactionid = pg_current_xact_id()::text::xid"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError("The second upload never waited for the first.")


def test_a_retried_amendment_is_recorded_once(client_for, site, sw_team, sw_coordinator) -> None:
    session = logged_session(site, sw_team)
    client = client_for(sw_coordinator)
    body = {"reason": "Miscounted the second tally sheet.", "changes": {"vehicles_counted": 230}}
    first = client.post(
        _url(session, "amendments/"), body, format="json", HTTP_IDEMPOTENCY_KEY="amend-1"
    )
    retry = client.post(
        _url(session, "amendments/"), body, format="json", HTTP_IDEMPOTENCY_KEY="amend-1"
    )
    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert SessionAmendment.objects.count() == 1
    listed = client.get(_url(session, "amendments/"), HTTP_IDEMPOTENCY_KEY="amend-1")
    assert [a["id"] for a in listed.json()["results"]] == [first.json()["id"]]


@pytest.mark.parametrize(("status", "shown"), [("suspended", "suspended")])
def test_a_suspended_site_takes_no_more_offences_or_submissions(
    client_for, site, sw_team, sw_coordinator, status, shown
) -> None:
    session = logged_session(site, sw_team, offences=[("AB12CDE", 40)], submit=False)
    site.status = status
    site.save()
    refused = {
        "site": [
            f"The site High Street by the school is {shown} now: "
            "only sessions at approved sites take offences and are submitted."
        ]
    }
    client = client_for(sw_coordinator)
    added = client.post(_url(session, "offences/"), offence_row("KX19LMN", 41), format="json")
    assert (added.status_code, added.json()) == (400, refused)
    submitted = client.post(_url(session, "submit/"))
    assert (submitted.status_code, submitted.json()) == (400, refused)
    session.refresh_from_db()
    assert (session.status, session.offences.count()) == ("draft", 1)


def test_an_offence_upload_retried_after_submission_is_replayed(
    client_for, site, sw_team, sw_coordinator
) -> None:
    session = logged_session(site, sw_team, submit=False)
    client = client_for(sw_coordinator)
    rows = [
        offence_row("AB12CDE", 40, id=str(uuid.uuid4())),
        offence_row("KX19LMN", 41, id=str(uuid.uuid4())),
    ]
    first = client.post(_url(session, "offences/"), rows, format="json", HTTP_IDEMPOTENCY_KEY="o-1")
    assert first.status_code == 201, first.content
    assert client.post(_url(session, "submit/")).status_code == 200
    by_key = client.post(
        _url(session, "offences/"), rows, format="json", HTTP_IDEMPOTENCY_KEY="o-1"
    )
    assert (by_key.status_code, by_key.json()) == (201, first.json())
    by_ids = client.post(_url(session, "offences/"), rows, format="json")
    assert by_ids.status_code == 200
    assert [(o["id"], o["registration"]) for o in by_ids.json()] == [
        (rows[0]["id"], "AB12CDE"),
        (rows[1]["id"], "KX19LMN"),
    ]
    # New rows are still refused: the session is read-only.
    more = client.post(
        _url(session, "offences/"), [*rows, offence_row("Y123ABC", 42)], format="json"
    )
    assert more.status_code == 400
    assert more.json() == {
        "non_field_errors": [
            "This session has been submitted and is read-only: record an amendment instead."
        ]
    }
    assert Offence.objects.count() == 2


def test_offences_added_later_get_the_escalation_of_the_vehicle(
    client_for, site, sw_team, sw_coordinator
) -> None:
    logged_session(site, sw_team, days_ago=3, offences=[("AB12CDE", 37)])
    session = logged_session(site, sw_team, submit=False)
    client = client_for(sw_coordinator)
    response = client.post(_url(session, "offences/"), offence_row("AB12CDE", 38), format="json")
    # Worked out at once, shown once the session is submitted.
    assert [(o["action"], o["action_status"]) for o in response.json()] == [(None, None)]
    assert Offence.objects.get(session=session).action == "second_letter"
    assert client.post(_url(session, "submit/")).status_code == 200
    offences = client.get(_url(session)).json()["offences"]
    assert [(o["action"], o["action_status"]) for o in offences] == [("second_letter", "pending")]
