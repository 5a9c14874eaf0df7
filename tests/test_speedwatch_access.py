"""Who sees what of Community Speedwatch. Vehicle registrations are personal data: only the
scheme's coordinators and covering liaisons see them; volunteers see them masked."""

import pytest

from tests.factories import SiteFactory
from tests.speedwatch import logged_session, offence_row, session_payload
from watch.models import Session, Site

pytestmark = pytest.mark.django_db

SITES = "/api/v1/speedwatch/sites/"
SESSIONS = "/api/v1/speedwatch/sessions/"
SITE_PROPOSAL = {
    "name": "Fountain Lane",
    "road_name": "Fountain Lane",
    "lat": 52.1478,
    "lon": 0.059,
    "speed_limit_mph": 20,
    "direction": "both",
    "notes": "Verge opposite the bus stop.",
    "risk_assessment": {
        "safe_standing_place": True,
        "clear_view": True,
        "no_obstruction": True,
        "parking_nearby": True,
    },
}


@pytest.fixture
def session(site, sw_team) -> Session:
    return logged_session(site, sw_team, offences=[("AB12CDE", 37), ("KX19LMN", 41)])


def test_coordinator_sees_registrations(client_for, session, sw_coordinator) -> None:
    body = client_for(sw_coordinator).get(f"{SESSIONS}{session.pk}/").json()
    assert [o["registration"] for o in body["offences"]] == ["AB12CDE", "KX19LMN"]
    assert body["offences"][0]["action"] == "first_letter"


def test_covering_liaison_sees_registrations(client_for, session, liaison) -> None:
    body = client_for(liaison).get(f"{SESSIONS}{session.pk}/").json()
    assert [o["registration"] for o in body["offences"]] == ["AB12CDE", "KX19LMN"]


def test_volunteer_sees_registrations_masked(client_for, session, sw_volunteer) -> None:
    response = client_for(sw_volunteer).get(f"{SESSIONS}{session.pk}/")
    assert response.status_code == 200
    offences = response.json()["offences"]
    assert [o["registration"] for o in offences] == ["AB12 ***", "KX19 ***"]
    assert "action" not in offences[0]
    assert b"AB12CDE" not in response.content
    assert client_for(sw_volunteer).get("/api/v1/speedwatch/offences/").json()["count"] == 0


@pytest.mark.parametrize("who", ["outsider", "foreign_liaison", "stranger", "volunteer"])
def test_others_cannot_know_the_session_exists(client_for, request, session, who) -> None:
    client = client_for(request.getfixturevalue(who))
    assert client.get(f"{SESSIONS}{session.pk}/").status_code == 404
    assert client.get(SESSIONS).json()["count"] == 0
    assert client.get("/api/v1/speedwatch/offences/").json()["count"] == 0
    assert client.post(f"{SESSIONS}{session.pk}/submit/").status_code == 404
    assert client.get(f"{SITES}{session.site_id}/").status_code == 404


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", SITES),
        ("post", SITES),
        ("get", SESSIONS),
        ("post", SESSIONS),
        ("get", "/api/v1/speedwatch/offences/"),
        ("get", "/api/v1/speedwatch/letters/"),
        ("post", "/api/v1/speedwatch/letters/mark/"),
        ("get", "/api/v1/speedwatch/letters/export/"),
        ("get", "/api/v1/speedwatch/offences/export/"),
        ("get", "/api/v1/speedwatch/statistics/"),
        ("get", "/api/v1/speedwatch/audit/"),
    ],
)
def test_anonymous_is_refused(anon, method, url) -> None:
    assert getattr(anon, method)(url, {}).status_code == 401


def test_anonymous_is_refused_on_objects(anon, session) -> None:
    offence = session.offences.first()
    for method, url in [
        ("get", f"{SESSIONS}{session.pk}/"),
        ("patch", f"{SESSIONS}{session.pk}/"),
        ("post", f"{SESSIONS}{session.pk}/submit/"),
        ("post", f"{SESSIONS}{session.pk}/offences/"),
        ("get", f"{SESSIONS}{session.pk}/amendments/"),
        ("delete", f"{SESSIONS}{session.pk}/offences/{offence.pk}/"),
        ("post", f"/api/v1/speedwatch/offences/{offence.pk}/dispute/"),
        ("get", f"{SITES}{session.site_id}/"),
        ("post", f"{SITES}{session.site_id}/decision/"),
    ]:
        assert getattr(anon, method)(url, {}).status_code == 401, url


def test_volunteers_cannot_log_or_change_sessions(
    client_for, site, sw_team, sw_volunteer, session
) -> None:
    client = client_for(sw_volunteer)
    created = client.post(SESSIONS, session_payload(site, sw_team), format="json")
    assert created.status_code == 403
    assert created.json() == {"detail": "Only the scheme's coordinators log sessions."}
    assert client.post(f"{SESSIONS}{session.pk}/submit/").status_code == 403
    assert (
        client.post(
            f"{SESSIONS}{session.pk}/offences/", offence_row("AB12CDE", 40), format="json"
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"{SESSIONS}{session.pk}/amendments/",
            {"reason": "x", "changes": {"notes": "y"}},
            format="json",
        ).status_code
        == 403
    )
    assert Session.objects.count() == 1


def test_coordinator_of_another_scheme_cannot_log_at_this_site(
    client_for, site, sw_team, outsider
) -> None:
    response = client_for(outsider).post(SESSIONS, session_payload(site, sw_team), format="json")
    assert response.status_code == 404
    assert not Session.objects.exists()


def test_coordinator_proposes_a_site(client_for, speedwatch, sw_coordinator) -> None:
    response = client_for(sw_coordinator).post(
        SITES, {**SITE_PROPOSAL, "scheme": speedwatch.pk}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["name"], body["status"], body["speed_limit_mph"]) == (
        "Fountain Lane",
        "proposed",
        20,
    )
    assert body["scheme"]["name"] == "Haslingfield Community Speedwatch"


def test_a_site_needs_a_safe_risk_assessment_and_an_allowed_limit(
    client_for, speedwatch, sw_coordinator
) -> None:
    client = client_for(sw_coordinator)
    unsafe = {
        **SITE_PROPOSAL,
        "scheme": speedwatch.pk,
        "risk_assessment": {**SITE_PROPOSAL["risk_assessment"], "clear_view": False},
    }
    response = client.post(SITES, unsafe, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "risk_assessment": {
            "non_field_errors": [
                "Not safe for a session: Drivers can see the volunteers from a safe distance."
            ]
        }
    }
    fifty = client.post(
        SITES, {**SITE_PROPOSAL, "scheme": speedwatch.pk, "speed_limit_mph": 50}, format="json"
    )
    assert fifty.status_code == 400
    assert fifty.json() == {
        "speed_limit_mph": ["Speedwatch runs on roads limited to 20, 30, 40 mph."]
    }


def test_sites_belong_to_speedwatch_schemes(client_for, scheme, coordinator) -> None:
    response = client_for(coordinator).post(
        SITES, {**SITE_PROPOSAL, "scheme": scheme.pk}, format="json"
    )
    assert (
        response.status_code == 404
    )  # not a speedwatch scheme: not in the user's speedwatch schemes


@pytest.mark.parametrize("who", ["sw_volunteer", "liaison"])
def test_only_coordinators_propose_sites(client_for, request, speedwatch, who) -> None:
    response = client_for(request.getfixturevalue(who)).post(
        SITES, {**SITE_PROPOSAL, "scheme": speedwatch.pk}, format="json"
    )
    assert response.status_code == 403


def test_liaison_decides_on_sites(client_for, speedwatch, liaison) -> None:
    site = SiteFactory(scheme=speedwatch, status="proposed")
    client = client_for(liaison)
    rejected = client.post(f"{SITES}{site.pk}/decision/", {"status": "rejected"}, format="json")
    assert rejected.json() == {"reason": ["Say why, so the coordinator can put it right."]}
    approved = client.post(f"{SITES}{site.pk}/decision/", {"status": "approved"}, format="json")
    assert approved.status_code == 200
    site.refresh_from_db()
    assert (site.status, site.decided_by) == ("approved", liaison)
    suspended = client.post(
        f"{SITES}{site.pk}/decision/",
        {"status": "suspended", "reason": "Roadworks."},
        format="json",
    )
    assert suspended.json()["status"] == "suspended"
    again = client.post(
        f"{SITES}{site.pk}/decision/", {"status": "rejected", "reason": "x"}, format="json"
    )
    assert again.json() == {"status": ["A suspended site cannot become rejected."]}


@pytest.mark.parametrize(
    ("who", "code"),
    [("sw_coordinator", 403), ("sw_volunteer", 403), ("foreign_liaison", 404), ("outsider", 404)],
)
def test_others_cannot_decide_on_sites(client_for, request, speedwatch, who, code) -> None:
    site = SiteFactory(scheme=speedwatch, status="proposed")
    response = client_for(request.getfixturevalue(who)).post(
        f"{SITES}{site.pk}/decision/", {"status": "approved"}, format="json"
    )
    assert response.status_code == code
    assert Site.objects.get(pk=site.pk).status == "proposed"


def test_volunteers_see_their_schemes_sites(client_for, site, sw_volunteer) -> None:
    assert [s["name"] for s in client_for(sw_volunteer).get(SITES).json()["results"]] == [
        "High Street by the school"
    ]


def test_session_list_queries_stay_constant(
    client_for, site, sw_team, sw_coordinator, django_assert_max_num_queries
) -> None:
    client = client_for(sw_coordinator)
    logged_session(site, sw_team, days_ago=1, offences=[("AB12CDE", 37)])
    with django_assert_max_num_queries(8):
        assert client.get(SESSIONS).json()["count"] == 1
    for days_ago in range(2, 12):
        logged_session(
            site,
            sw_team,
            days_ago=days_ago,
            offences=[("AB12CDE", 37), ("KX19LMN", 41)],
            submit=False,
        )
    with django_assert_max_num_queries(8):
        assert client.get(SESSIONS).json()["count"] == 11


def test_offence_and_letter_lists_queries_stay_constant(
    client_for, site, sw_team, liaison, django_assert_max_num_queries
) -> None:
    client = client_for(liaison)
    logged_session(site, sw_team, days_ago=1, offences=[("AB12CDE", 37)])
    for url in ("/api/v1/speedwatch/offences/", "/api/v1/speedwatch/letters/"):
        with django_assert_max_num_queries(6):
            assert client.get(url).json()["count"] == 1
    logged_session(site, sw_team, days_ago=2, offences=[(f"AB{n}CDE", 40) for n in range(30)])
    for url in ("/api/v1/speedwatch/offences/", "/api/v1/speedwatch/letters/"):
        with django_assert_max_num_queries(6):
            assert len(client.get(url, {"page_size": 100}).json()["results"]) == 31


# --- Every speedwatch object endpoint, against everyone who may not use it -----------------

# (method, path, body): {session}, {site} and {offence} are filled in; each body is valid, so
# that only the refusal can stop the request.
OBJECT_ENDPOINTS = [
    ("get", "sessions/{session}/", None),
    ("patch", "sessions/{session}/", {"notes": "Changed."}),
    ("delete", "sessions/{session}/", None),
    ("post", "sessions/{session}/submit/", None),
    ("post", "sessions/{session}/offences/", "offence"),
    ("post", "sessions/{session}/offences/upload/", None),
    ("delete", "sessions/{session}/offences/{offence}/", None),
    ("get", "sessions/{session}/amendments/", None),
    ("post", "sessions/{session}/amendments/", {"reason": "Typo.", "changes": {"notes": "x"}}),
    ("get", "sites/{site}/", None),
    ("post", "sites/{site}/decision/", {"status": "suspended", "reason": "Roadworks."}),
    ("post", "offences/{offence}/dispute/", {"outcome": "upheld", "note": "Wrong car."}),
]
# What a volunteer of the scheme may do: see its sessions (registrations masked), their
# amendments and its sites.
VOLUNTEER_MAY = {"sessions/{session}/", "sessions/{session}/amendments/", "sites/{site}/"}
# The offences list is not a volunteer's (it carries registrations), so no offence of it is.
HIDDEN_FROM_VOLUNTEERS = {"offences/{offence}/dispute/"}


def _request(client, session: Session, method: str, path: str, body):
    offence = session.offences.first()
    url = "/api/v1/speedwatch/" + path.format(
        session=session.pk, site=session.site_id, offence=offence.pk
    )
    if body == "offence":
        body = offence_row("KX19LMN", 44)
    if body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, body, format="json")


def _unchanged(session: Session) -> None:
    session.refresh_from_db()
    assert (session.status, session.notes) == ("submitted", "")
    assert session.offences.count() == 2
    assert not session.amendments.exists()
    assert Site.objects.get(pk=session.site_id).status == "approved"
    assert not session.offences.exclude(dispute_outcome="none").exists()


@pytest.mark.parametrize(("method", "path", "body"), OBJECT_ENDPOINTS)
@pytest.mark.parametrize("who", ["outsider", "foreign_liaison", "stranger", "volunteer"])
def test_every_object_endpoint_is_hidden_from_outsiders(
    client_for, request, session, who, method, path, body
) -> None:
    client = client_for(request.getfixturevalue(who))
    assert _request(client, session, method, path, body).status_code == 404
    _unchanged(session)


@pytest.mark.parametrize(("method", "path", "body"), OBJECT_ENDPOINTS)
def test_every_object_endpoint_is_read_only_for_volunteers(
    client_for, session, sw_volunteer, method, path, body
) -> None:
    response = _request(client_for(sw_volunteer), session, method, path, body)
    if method == "get" and path in VOLUNTEER_MAY:
        assert response.status_code == 200
        assert b"AB12CDE" not in response.content
    elif path in HIDDEN_FROM_VOLUNTEERS:
        assert response.status_code == 404
    else:
        assert response.status_code == 403, response.content
    _unchanged(session)


@pytest.mark.parametrize(("method", "path", "body"), OBJECT_ENDPOINTS)
def test_every_object_endpoint_refuses_anonymous(anon, session, method, path, body) -> None:
    assert _request(anon, session, method, path, body).status_code == 401
    _unchanged(session)


@pytest.mark.parametrize("kind", ["speedwatch", "neighbourhood"])
def test_the_registrations_rule_and_its_query_agree(
    kind, liaison, foreign_liaison, outsider
) -> None:
    """``can_see_registrations`` (asked of a list's memberships, read once) and
    ``speedwatch_schemes_with_registrations`` (the query offences are read through) are one
    rule in two forms."""
    from django.contrib.auth.models import AnonymousUser

    from tests.factories import MembershipFactory, SchemeFactory, UserFactory
    from watch.permissions import can_see_registrations
    from watch.selectors.schemes import speedwatch_schemes_with_registrations

    scheme = SchemeFactory(kind=kind, status="active")
    cast = {
        "anonymous": AnonymousUser(),
        "liaison": liaison,
        "foreign liaison": foreign_liaison,
        "outsider": outsider,
        "staff": UserFactory(is_staff=True),
        "volunteer": MembershipFactory(scheme=scheme).user,
        "pending volunteer": MembershipFactory(scheme=scheme, status="pending").user,
        "coordinator": MembershipFactory(scheme=scheme, role="coordinator").user,
    }
    by_rule = {name: can_see_registrations(user, scheme) for name, user in cast.items()}
    by_query = {
        name: speedwatch_schemes_with_registrations(user=user).filter(pk=scheme.pk).exists()
        for name, user in cast.items()
    }
    assert by_rule == by_query
    speedwatch = kind == "speedwatch"
    assert [name for name, sees in by_rule.items() if sees] == (
        ["liaison", "coordinator"] if speedwatch else []
    )
