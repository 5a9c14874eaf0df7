"""Schemes, members, areas and accounts answer in Welsh: refusals of every kind (bad input,
not allowed, not found, too many tries, too large), the activity log's prose, what deleting
an account would do, the police force suggested for a place, and the email telling someone
their request to join was declined."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from schemes import services
from schemes.account_deletion import handler
from schemes.models import Membership, Scheme
from schemes.tasks import tell_declined_requester
from tests.factories import PASSWORD, SchemeFactory, UserFactory

pytestmark = pytest.mark.django_db

SCHEMES = "/api/v1/schemes/"
ACTIVITY = "/api/v1/activity/"
DELETION = "/api/v1/me/deletion/"
LOCATE = "/api/v1/forces/locate/"
LOGIN = "/api/v1/auth/login/"

WELSH = {"HTTP_ACCEPT_LANGUAGE": "cy"}


def _in_welsh(client_for, user: User) -> APIClient:
    """A signed-in person's own choice of language is what the API speaks to them."""
    user.language = "cy"
    user.save(update_fields=["language"])
    return client_for(user)


def test_a_proposal_with_bad_details_is_refused_in_welsh(client_for, stranger) -> None:
    response = _in_welsh(client_for, stranger).post(
        SCHEMES,
        {"name": "Soham", "kind": "neighbourhood", "force": "cambridgeshire", "lat": 52.33},
    )
    assert response.status_code == 400
    assert response.json() == {
        "lon": ["Yn ofynnol gyda meysydd eraill y cylch."],
        "radius_m": ["Yn ofynnol gyda meysydd eraill y cylch."],
    }
    response = _in_welsh(client_for, stranger).post(
        SCHEMES,
        {
            "name": "Soham",
            "kind": "neighbourhood",
            "force": "cambridgeshire",
            "lat": 52.33,
            "lon": 0.33,
            "radius_m": 20001,
        },
    )
    assert response.json() == {"radius_m": ["Rhowch radiws rhwng 50 a 20000 metr."]}


def test_a_boundary_that_crosses_itself_is_refused_in_welsh(client_for, stranger) -> None:
    bow_tie = [[0.33, 52.33], [0.34, 52.34], [0.34, 52.33], [0.33, 52.34], [0.33, 52.33]]
    response = _in_welsh(client_for, stranger).post(
        SCHEMES,
        {
            "name": "Soham",
            "kind": "neighbourhood",
            "force": "cambridgeshire",
            "boundary": {"type": "Polygon", "coordinates": [bow_tie]},
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "boundary": ["Mae'r ffin yn croesi ei hun; tynnwch hi heb ymylon sy'n gorgyffwrdd."]
    }


def test_a_step_the_person_may_not_take_is_refused_in_welsh(client_for, stranger) -> None:
    proposal = SchemeFactory(name="Soham", status="proposed", proposed_by=stranger)
    response = _in_welsh(client_for, stranger).post(
        f"{SCHEMES}{proposal.pk}/status/", {"status": "active"}
    )
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Dim ond swyddog cyswllt yr heddlu all symud cynllun o'r statws 'arfaethedig' "
        "i'r statws 'gweithredol'."
    }
    # And in English, word for word as before.
    stranger.language = "en"
    stranger.save(update_fields=["language"])
    response = client_for(stranger).post(f"{SCHEMES}{proposal.pk}/status/", {"status": "active"})
    assert response.json() == {"detail": "Only a liaison may make a proposed scheme active."}


def test_a_step_that_cannot_be_taken_is_refused_in_welsh(client_for, liaison, scheme) -> None:
    scheme.status = "closed"
    scheme.save(update_fields=["status"])
    response = _in_welsh(client_for, liaison).post(
        f"{SCHEMES}{scheme.pk}/status/", {"status": "active"}
    )
    assert response.status_code == 400
    assert response.json() == {
        "status": ["Ni all cynllun â'r statws 'wedi cau' gael y statws 'gweithredol'."]
    }


def test_the_last_coordinator_cannot_step_down_in_welsh(client_for, coordinator, scheme) -> None:
    membership = scheme.memberships.get(user=coordinator)
    response = _in_welsh(client_for, coordinator).patch(
        f"{SCHEMES}{scheme.pk}/members/{membership.pk}/", {"role": "volunteer"}
    )
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": [
            "Byddai eu gwneud yn wirfoddolwr yn gadael y cynllun heb gydlynydd: gwnewch aelod "
            "arall yn gydlynydd yn gyntaf."
        ]
    }


def test_the_members_of_a_scheme_out_of_reach_are_not_found_in_welsh(client_for) -> None:
    response = _in_welsh(client_for, UserFactory()).get(f"{SCHEMES}999999/members/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Heb ei ganfod."}


def test_too_many_failed_sign_ins_are_refused_in_welsh(anon: APIClient, settings) -> None:
    settings.SIGNIN_FAILURE_LIMIT = 2
    settings.SIGNIN_FAILURE_WINDOW_SECONDS = 900
    UserFactory(email="sian@example.org")
    for _ in range(2):
        anon.post(LOGIN, {"email": "sian@example.org", "password": "guess"}, **WELSH)
    # Refused before anyone is signed in: in the language the browser asks for.
    response = anon.post(LOGIN, {"email": "sian@example.org", "password": PASSWORD}, **WELSH)
    assert response.status_code == 429
    assert response.json() == {
        "detail": "Gormod o ymdrechion aflwyddiannus i fewngofnodi. Arhoswch am ychydig, neu "
        "ailosodwch eich cyfrinair. Disgwylir y bydd ar gael ymhen 900 eiliad."
    }
    assert response["Retry-After"] == "900"
    english = anon.post(LOGIN, {"email": "sian@example.org", "password": PASSWORD})
    assert english.json() == {
        "detail": "Too many failed sign-ins. Wait a while, or reset your password."
        " Expected available in 900 seconds."
    }


def test_a_request_too_large_is_refused_in_welsh(client_for, stranger, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    # Refused before anyone is known to be signed in: in the language the browser asks for.
    response = client_for(stranger).post(SCHEMES, {"name": "x" * 200}, format="json", **WELSH)
    assert response.status_code == 413
    assert response.json()["detail"].startswith("Mae'r cais yn rhy fawr (")
    assert response.json()["detail"].endswith("beit): anfonwch 100 beit ar y mwyaf.")


def test_the_activity_log_reads_in_the_readers_language(
    client_for, liaison, scheme, coordinator
) -> None:
    oliver = UserFactory(name="Oliver Grant")
    request = services.membership_request(scheme=scheme, user=oliver)
    services.membership_approve(membership=request, actor=coordinator)
    welsh = _in_welsh(client_for, liaison).get(ACTIVITY).json()["results"]
    assert [(row["type_display"], row["summary"]) for row in welsh[:2]] == [
        ("Aelod wedi ymuno", "Cymeradwyodd Margaret Ellis gais Oliver Grant i ymuno."),
        ("Wedi gofyn am gael ymuno", "Gofynnodd Oliver Grant am gael ymuno."),
    ]
    liaison.language = "en"
    liaison.save(update_fields=["language"])
    english = client_for(liaison).get(ACTIVITY).json()["results"]
    assert [(row["type_display"], row["summary"]) for row in english[:2]] == [
        ("Member joined", "Margaret Ellis approved Oliver Grant's request to join."),
        ("Asked to join", "Oliver Grant asked to join."),
    ]
    # The log keeps its words in English, whoever's request wrote them.
    assert list(scheme.activity.order_by("-pk").values_list("summary", flat=True)[:2]) == [
        "Margaret Ellis approved Oliver Grant's request to join.",
        "Oliver Grant asked to join.",
    ]


def test_a_former_member_is_named_so_in_welsh(client_for, liaison, scheme, coordinator) -> None:
    oliver = UserFactory(name="Oliver Grant")
    request = services.membership_request(scheme=scheme, user=oliver)
    services.membership_approve(membership=request, actor=coordinator)
    handler.erase(oliver)
    rows = _in_welsh(client_for, liaison).get(ACTIVITY).json()["results"]
    assert [row["summary"] for row in rows[:3]] == [
        "Dilëodd aelod ei gyfrif a gadael y cynllun.",
        "Cymeradwyodd Margaret Ellis gais cyn-aelod i ymuno.",
        "Gofynnodd cyn-aelod am gael ymuno.",
    ]


def test_what_deleting_an_account_would_do_is_said_in_welsh(client_for, coordinator, scheme):
    preview = _in_welsh(client_for, coordinator).get(DELETION).json()
    assert preview["blockers"] == [
        {
            "message": "Chi yw unig gydlynydd Mill Road Neighbourhood Watch. Gwnewch aelod arall "
            "yn gydlynydd, neu caewch y cynllun, cyn i chi ddileu eich cyfrif.",
            "link": f"/schemes/{scheme.pk}/members",
            "link_text": "Aelodau Mill Road Neighbourhood Watch",
        }
    ]
    memberships = next(item for item in preview["held"] if item["count"] == 1)
    assert memberships == {
        "what": "Aelodaeth o gynlluniau",
        "count": 1,
        "outcome": "Daw i ben. Mae cofnod pob cynllun yn nodi bod aelod wedi dileu ei gyfrif, "
        "heb eich enw.",
    }
    # Every part's entries, the alerts' and the speedwatch records' too, are in Welsh.
    outcomes = {item["what"]: item["outcome"] for item in preview["held"]}
    assert outcomes["Rhybuddion a anfonwyd gennych"] == (
        "Yn cael eu cadw, gan fod pobl eraill wedi'u cael a'u bod yn rhan o'r cofnod o'r hyn a "
        "ddigwyddodd; nid ydynt yn dangos eich enw mwyach."
    )
    assert outcomes["Cywiriadau a wnaethoch i sesiynau a gyflwynwyd"] == (
        "Yn cael eu cadw, heb eich enw."
    )
    assert [what for what in outcomes if what.startswith(("Alerts", "Speedwatch", "Letters"))] == []


def test_the_force_suggested_for_a_place_is_explained_in_welsh(client_for, stranger) -> None:
    answer = _in_welsh(client_for, stranger).get(LOCATE, {"lat": 52.1500, "lon": 0.0560}).json()
    assert answer["message"] == (
        "Cambridgeshire Constabulary yn fwyaf tebygol: mae'r lle agosaf rydym yn ei adnabod, "
        "Haslingfield (0.1 km i ffwrdd), yn ei ardal. Gwiriwch hyn os ydych yn agos at ffin "
        "sirol."
    )


def test_a_declined_request_is_told_in_the_requesters_language(
    client_for, coordinator, scheme: Scheme
) -> None:
    sian = UserFactory(name="Siân Lloyd", email="sian@example.org", language="cy")
    request = services.membership_request(scheme=scheme, user=sian)
    # Declined from an English browser: Siân is told in the Welsh she chose.
    response = client_for(coordinator).post(
        f"{SCHEMES}{scheme.pk}/members/{request.pk}/decline/", {"reason": "Rydym yn llawn."}
    )
    assert response.status_code == 200
    # The undo window passes.
    Membership.objects.filter(pk=request.pk).update(
        decided_at=timezone.now() - timedelta(minutes=10, seconds=1)
    )
    assert tell_declined_requester.delay(membership_id=request.pk).get() is True
    (message,) = mail.outbox
    assert message.subject == "Eich cais i ymuno â Mill Road Neighbourhood Watch"
    assert message.body == (
        "Helo Siân,\n\n"
        "Gwrthodwyd eich cais i ymuno â Mill Road Neighbourhood Watch.\n\n"
        "Rhoddodd y cydlynydd y rheswm hwn:\n\n    Rydym yn llawn.\n\n"
        "Gallwch ei weld o dan Fy nghynlluniau, a chwilio am gynlluniau eraill yn agos atoch yn "
        "y cyfeiriadur:\n\nhttp://127.0.0.1:8000/my-schemes\n"
    )


def test_the_forces_of_wales_have_their_welsh_names_in_welsh(anon: APIClient) -> None:
    found = anon.get("/api/v1/forces/", {"q": "heddlu", "ordering": "name"}, **WELSH).json()
    assert found["results"] == [
        {"code": "south-wales", "name": "Heddlu De Cymru"},
        {"code": "dyfed-powys", "name": "Heddlu Dyfed-Powys"},
        {"code": "north-wales", "name": "Heddlu Gogledd Cymru"},
        {"code": "gwent", "name": "Heddlu Gwent"},
    ]
    english = anon.get("/api/v1/forces/", {"q": "wales"}).json()["results"]
    assert [force["name"] for force in english] == ["North Wales Police", "South Wales Police"]


def test_a_scheme_in_wales_names_its_force_in_welsh(anon: APIClient) -> None:
    cardiff = SchemeFactory(name="Cathays Watch", force="south-wales", lat=51.4890, lon=-3.1790)
    page = anon.get(f"{SCHEMES}{cardiff.pk}/", **WELSH).json()
    assert page["force_name"] == "Heddlu De Cymru"
    listed = anon.get(SCHEMES, {"q": "Cathays"}, **WELSH).json()["results"]
    assert [row["force_name"] for row in listed] == ["Heddlu De Cymru"]
    assert anon.get(f"{SCHEMES}{cardiff.pk}/").json()["force_name"] == "South Wales Police"
