"""Speedwatch's sites, disputes, statistics and audit answer in Welsh: a person who chose Welsh
gets the refusals and the validation messages in it, and config/ gives the words for site
statuses, directions, dispute outcomes and the site risk questions in the request's language."""

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from tests.factories import SiteFactory
from tests.speedwatch import logged_session
from watch.models import Offence

pytestmark = pytest.mark.django_db

SITES = "/api/v1/speedwatch/sites/"
WELSH = {"HTTP_ACCEPT_LANGUAGE": "cy"}


def _in_welsh(user: User) -> User:
    user.language = "cy"
    user.save(update_fields=["language"])
    return user


def test_config_gives_the_site_and_dispute_words_in_welsh(anon: APIClient) -> None:
    body = anon.get("/api/v1/config/", **WELSH).json()
    assert body["labels"]["site_status"] == {
        "proposed": "Yn aros am gymeradwyaeth",
        "approved": "Wedi'i gymeradwyo",
        "rejected": "Wedi'i wrthod",
        "suspended": "Wedi'i atal",
    }
    assert body["labels"]["direction"] == {
        "northbound": "Tua'r gogledd",
        "southbound": "Tua'r de",
        "eastbound": "Tua'r dwyrain",
        "westbound": "Tua'r gorllewin",
        "both": "Y ddau gyfeiriad",
    }
    assert body["labels"]["dispute_outcome"] == {
        "none": "Dim anghydfod",
        "pending": "Yn cael ei ystyried",
        "upheld": "Wedi'i gadarnhau: y drosedd wedi'i thirymu",
        "rejected": "Wedi'i wrthod: mae'r drosedd yn sefyll",
    }
    assert [item["question"] for item in body["speedwatch_risk_questions"]] == [
        "Mae lle diogel i sefyll, oddi ar y gerbytffordd.",
        "Gall gyrwyr weld y gwirfoddolwyr o bellter diogel.",
        "Ni fydd y tîm yn rhwystro'r llwybr troed na'r llinellau gweld.",
        "Mae lle diogel i barcio gerllaw.",
    ]
    # And in English for everyone else.
    english = anon.get("/api/v1/config/").json()
    assert english["labels"]["site_status"]["proposed"] == "Waiting for approval"


def test_a_welsh_liaisons_site_decisions_are_refused_in_welsh(
    client_for, speedwatch, liaison
) -> None:
    site = SiteFactory(scheme=speedwatch, status="proposed")
    client = client_for(_in_welsh(liaison))
    rejected = client.post(f"{SITES}{site.pk}/decision/", {"status": "rejected"}, format="json")
    assert rejected.status_code == 400
    assert rejected.json() == {"reason": ["Dywedwch pam, er mwyn i'r cydlynydd allu ei unioni."]}
    suspended = client.post(
        f"{SITES}{site.pk}/decision/",
        {"status": "suspended", "reason": "Gwaith ffordd."},
        format="json",
    )
    assert suspended.json() == {"status": ["Ni ellir newid safle o “arfaethedig” i “wedi'i atal”."]}
    # The site as the API gives it: its risk questions and its status in Welsh.
    detail = client.get(f"{SITES}{site.pk}/").json()
    assert detail["status_display"] == "Yn aros am gymeradwyaeth"
    assert detail["risk_answers"][3]["question"] == "Mae lle diogel i barcio gerllaw."


def test_refusals_to_propose_and_to_read_are_in_welsh(
    client_for, speedwatch, sw_volunteer, stranger
) -> None:
    refused = client_for(_in_welsh(sw_volunteer)).post(
        SITES,
        {
            "scheme": speedwatch.pk,
            "name": "Fountain Lane",
            "road_name": "Fountain Lane",
            "lat": 52.1478,
            "lon": 0.059,
            "speed_limit_mph": 20,
            "direction": "both",
            "risk_assessment": {
                "safe_standing_place": True,
                "clear_view": True,
                "no_obstruction": True,
                "parking_nearby": True,
            },
        },
        format="json",
    )
    assert refused.status_code == 403
    assert refused.json() == {"detail": "Dim ond cydlynwyr y cynllun sy'n cynnig safleoedd."}
    statistics = client_for(_in_welsh(stranger)).get("/api/v1/speedwatch/statistics/")
    assert statistics.status_code == 403
    assert statistics.json() == {
        "detail": (
            "Mae'r ystadegau ar gyfer aelodau cynlluniau gwylio cyflymder a swyddogion cyswllt."
        )
    }
    audit = client_for(stranger).get("/api/v1/speedwatch/audit/")
    assert audit.status_code == 403
    assert audit.json() == {"detail": "Mae'r log archwilio ar gyfer swyddogion cyswllt yr heddlu."}


def test_the_audit_says_what_was_done_in_welsh(client_for, site, sw_team, liaison) -> None:
    logged_session(site, sw_team, offences=[("AB12CDE", 37)])
    client = client_for(_in_welsh(liaison))
    found = client.get("/api/v1/speedwatch/offences/", {"registration": "AB12CDE"})
    assert found.json()["count"] == 1
    assert found.json()["results"][0]["action_display"] == "Llythyr cyntaf"
    records = client.get("/api/v1/speedwatch/audit/").json()["results"]
    assert [(r["action"], r["action_display"]) for r in records] == [
        ("registration_search", "Chwiliodd yn ôl rhif cofrestru")
    ]


def test_a_dispute_of_a_draft_sessions_offence_is_refused_in_welsh(
    client_for, site, sw_team, liaison
) -> None:
    logged_session(site, sw_team, offences=[("AB12CDE", 37)], submit=False)
    offence = Offence.objects.get()
    response = client_for(_in_welsh(liaison)).post(
        f"/api/v1/speedwatch/offences/{offence.pk}/dispute/",
        {"outcome": "upheld", "note": "Nid fy nghar i."},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": [
            "Nid yw sesiwn y drosedd hon wedi'i chyflwyno: "
            "nid oes llythyr wedi'i anfon i anghytuno ag ef."
        ]
    }
    offence.refresh_from_db()
    assert (offence.voided, offence.dispute_outcome) == (False, "none")


def test_an_unsafe_or_unallowed_site_is_refused_in_welsh(
    client_for, speedwatch, sw_coordinator
) -> None:
    client = client_for(_in_welsh(sw_coordinator))
    proposal = {
        "scheme": speedwatch.pk,
        "name": "Fountain Lane",
        "road_name": "Fountain Lane",
        "lat": 52.1478,
        "lon": 0.059,
        "speed_limit_mph": 20,
        "direction": "both",
        "risk_assessment": {
            "safe_standing_place": True,
            "clear_view": False,
            "no_obstruction": True,
            "parking_nearby": True,
        },
    }
    unsafe = client.post(SITES, proposal, format="json")
    assert unsafe.status_code == 400
    assert unsafe.json() == {
        "risk_assessment": {
            "non_field_errors": [
                "Nid yw'n ddiogel ar gyfer sesiwn: "
                "Gall gyrwyr weld y gwirfoddolwyr o bellter diogel."
            ]
        }
    }
    fifty = client.post(
        SITES,
        {
            **proposal,
            "speed_limit_mph": 50,
            "risk_assessment": {**proposal["risk_assessment"], "clear_view": True},
        },
        format="json",
    )
    assert fifty.json() == {
        "speed_limit_mph": [
            "Mae Gwylio Cyflymder yn gweithredu ar ffyrdd â therfyn o 20, 30, 40 mya."
        ]
    }
