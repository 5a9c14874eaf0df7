"""What the API says each person may do (``actions`` on ``/me/`` and on the objects), and
that it is what the endpoints then allow: each action said true is a request that succeeds,
each said false one that is refused."""

import pytest

from notifications.models import Alert
from tests.alerts import draft_alert
from tests.factories import SiteFactory
from tests.speedwatch import logged_session, session_payload
from tests.test_accounts import NEWCOMER_ACTIONS
from tests.test_speedwatch_access import SITE_PROPOSAL

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"
SCHEMES = "/api/v1/schemes/"
SITES = "/api/v1/speedwatch/sites/"
SESSIONS = "/api/v1/speedwatch/sessions/"
ALERTS = "/api/v1/alerts/"


def _me_actions(client_for, user) -> dict:
    return client_for(user).get(ME).json()["actions"]


# --- /me/ ---------------------------------------------------------------------------------


def test_me_actions_of_a_coordinator(client_for, scheme, coordinator) -> None:
    assert _me_actions(client_for, coordinator) == {
        **NEWCOMER_ACTIONS,
        "review_activity": True,
        "decide_join_requests": True,
        "issue_alerts_for": [scheme.pk],
        "issue_alerts": True,
        "send_surveys_to": [scheme.pk],
        "write_surveys": True,
    }


def test_me_actions_of_a_speedwatch_coordinator(client_for, speedwatch, sw_coordinator) -> None:
    assert _me_actions(client_for, sw_coordinator) == {
        **NEWCOMER_ACTIONS,
        "review_activity": True,
        "decide_join_requests": True,
        "use_speedwatch": True,
        "run_sessions": [speedwatch.pk],
        "read_statistics": True,
        "issue_alerts_for": [speedwatch.pk],
        "issue_alerts": True,
        "send_surveys_to": [speedwatch.pk],
        "write_surveys": True,
    }


def test_me_actions_of_a_volunteer(client_for, speedwatch, sw_volunteer, volunteer) -> None:
    assert _me_actions(client_for, volunteer) == NEWCOMER_ACTIONS
    assert _me_actions(client_for, sw_volunteer) == {
        **NEWCOMER_ACTIONS,
        "use_speedwatch": True,
        "read_statistics": True,
    }


def test_me_actions_of_a_liaison(client_for, speedwatch, liaison) -> None:
    assert _me_actions(client_for, liaison) == {
        **NEWCOMER_ACTIONS,
        "review_schemes": True,
        "review_activity": True,
        "decide_join_requests": True,
        "import_neighbourhoods": True,
        "use_speedwatch": True,
        "review_sites": True,
        "work_letters": True,
        "read_statistics": True,
        "read_audit": True,
        "issue_force_alerts": True,
        "approve_alerts": True,
        "keep_alert_templates": True,
        "issue_alerts": True,
        "write_surveys": True,
    }


def test_me_actions_leave_out_schemes_no_longer_active(client_for, scheme, coordinator) -> None:
    """A coordinator of a suspended scheme still runs it, but issues no alerts for it."""
    scheme.status = "suspended"
    scheme.save(update_fields=["status"])
    actions = _me_actions(client_for, coordinator)
    assert (actions["issue_alerts_for"], actions["issue_alerts"]) == ([], False)
    assert actions["review_activity"] is True


def test_me_actions_need_signing_in(anon) -> None:
    assert anon.get(ME).status_code == 401


@pytest.mark.parametrize(
    ("action", "url"),
    [
        ("review_activity", "/api/v1/activity/"),
        ("work_letters", "/api/v1/speedwatch/letters/"),
        ("read_audit", "/api/v1/speedwatch/audit/"),
        ("read_statistics", "/api/v1/speedwatch/statistics/"),
    ],
)
@pytest.mark.parametrize(
    "who", ["coordinator", "volunteer", "sw_coordinator", "sw_volunteer", "liaison", "stranger"]
)
def test_me_actions_are_what_the_endpoints_allow(
    client_for, request, speedwatch, action, url, who
) -> None:
    user = request.getfixturevalue(who)
    allowed = _me_actions(client_for, user)[action]
    status = client_for(user).get(url).status_code
    assert status == (200 if allowed else 403), (who, action, status)


@pytest.mark.parametrize("who", ["sw_coordinator", "sw_volunteer", "outsider", "liaison"])
def test_run_sessions_names_the_schemes_where_sites_are_proposed(
    client_for, request, speedwatch, who
) -> None:
    user = request.getfixturevalue(who)
    client = client_for(user)
    allowed = _me_actions(client_for, user)["run_sessions"]
    response = client.post(SITES, {**SITE_PROPOSAL, "scheme": speedwatch.pk}, format="json")
    if speedwatch.pk in allowed:
        assert response.status_code == 201
    else:
        # Refused: 404 for whoever may not know of the scheme's speedwatch at all.
        assert response.status_code == (404 if who == "outsider" else 403)


@pytest.mark.parametrize("who", ["coordinator", "volunteer", "outsider", "liaison"])
def test_issue_alerts_for_names_the_schemes_alerts_go_out_for(
    client_for, request, scheme, who
) -> None:
    user = request.getfixturevalue(who)
    actions = _me_actions(client_for, user)
    draft = {
        "title": "Bogus callers on Mill Road",
        "body": "Do not let them in.",
        "category": "bogus_caller",
        "severity": "Moderate",
        "urgency": "Expected",
        "audience": "members",
        "lat": 52.1985,
        "lon": 0.141,
        "radius_m": 300,
    }
    for_scheme = client_for(user).post(ALERTS, {**draft, "scheme": scheme.pk}, format="json")
    assert for_scheme.status_code == (201 if scheme.pk in actions["issue_alerts_for"] else 403)
    for_force = client_for(user).post(ALERTS, draft, format="json")
    assert for_force.status_code == (201 if actions["issue_force_alerts"] else 403)


# --- Schemes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected", "steps"),
    [
        (
            "coordinator",
            {"manage": True, "edit": True, "review": False, "see_history": True},
            ["closed"],
        ),
        (
            "volunteer",
            {"manage": False, "edit": False, "review": False, "see_history": False},
            [],
        ),
        (
            "outsider",
            {"manage": False, "edit": False, "review": False, "see_history": False},
            [],
        ),
        (
            "liaison",
            {"manage": True, "edit": True, "review": True, "see_history": True},
            ["suspended", "closed"],
        ),
        (
            "foreign_liaison",
            {"manage": False, "edit": False, "review": False, "see_history": False},
            [],
        ),
    ],
)
def test_scheme_actions_per_role(client_for, request, scheme, who, expected, steps) -> None:
    user = request.getfixturevalue(who)
    client = client_for(user)
    body = client.get(f"{SCHEMES}{scheme.pk}/").json()
    assert body["actions"] == {
        **expected,
        "view_members": expected["manage"],
        "change_status": steps,
    }
    # The old fields say the same.
    assert (body["can_manage"], body["can_edit"], body["can_review"], body["can_see_history"]) == (
        expected["manage"],
        expected["edit"],
        expected["review"],
        expected["see_history"],
    )
    members = client.get(f"{SCHEMES}{scheme.pk}/members/")
    assert members.status_code == (200 if body["actions"]["view_members"] else 403)
    history = client.get(f"{SCHEMES}{scheme.pk}/status-history/")
    assert history.status_code == (200 if body["actions"]["see_history"] else 403)
    edited = client.patch(f"{SCHEMES}{scheme.pk}/", {"description": "Mill Road."}, format="json")
    assert edited.status_code == (200 if body["actions"]["edit"] else 403)
    suspended = client.post(
        f"{SCHEMES}{scheme.pk}/status/", {"status": "suspended", "reason": "Review."}
    )
    assert suspended.status_code == (200 if "suspended" in steps else 403)


def test_a_coordinator_closes_the_scheme_the_api_says_they_may(
    client_for, scheme, coordinator
) -> None:
    client = client_for(coordinator)
    assert client.get(f"{SCHEMES}{scheme.pk}/").json()["actions"]["change_status"] == ["closed"]
    closed = client.post(f"{SCHEMES}{scheme.pk}/status/", {"status": "closed", "reason": "Done."})
    assert closed.status_code == 200
    assert closed.json()["actions"]["change_status"] == []


def test_scheme_actions_for_anonymous(anon, scheme) -> None:
    assert anon.get(f"{SCHEMES}{scheme.pk}/").json()["actions"] == {
        "manage": False,
        "edit": False,
        "review": False,
        "see_history": False,
        "view_members": False,
        "change_status": [],
    }


@pytest.mark.parametrize(
    ("who", "steps"), [("liaison", ["active", "closed"]), ("stranger", ["closed"])]
)
def test_a_proposal_is_approved_by_the_liaison_and_withdrawn_by_its_proposer(
    client_for, request, stranger, who, steps
) -> None:
    from tests.factories import SchemeFactory

    proposal = SchemeFactory(status="proposed", proposed_by=stranger, approved_at=None)
    client = client_for(request.getfixturevalue(who))
    actions = client.get(f"{SCHEMES}{proposal.pk}/").json()["actions"]
    assert actions["change_status"] == steps
    if who == "stranger":
        # The proposer edits their proposal, but runs nothing yet.
        assert actions == {
            "manage": False,
            "edit": True,
            "review": False,
            "see_history": True,
            "view_members": False,
            "change_status": ["closed"],
        }
    for step in steps:
        assert step in actions["change_status"]
    done = client.post(f"{SCHEMES}{proposal.pk}/status/", {"status": steps[0], "reason": "Yes."})
    assert done.status_code == 200


# --- Speedwatch ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("sw_coordinator", {"see_history": True, "decide": False, "run_sessions": True}),
        ("sw_volunteer", {"see_history": False, "decide": False, "run_sessions": False}),
        ("liaison", {"see_history": True, "decide": True, "run_sessions": False}),
    ],
)
def test_site_actions_per_role(client_for, request, site, sw_team, who, expected) -> None:
    user = request.getfixturevalue(who)
    client = client_for(user)
    body = client.get(f"{SITES}{site.pk}/").json()
    assert body["actions"] == expected
    assert (body["can_see_history"], body["can_decide"]) == (
        expected["see_history"],
        expected["decide"],
    )
    listed = client.get(SITES).json()["results"]
    assert [item["actions"] for item in listed] == [expected]
    history = client.get(f"{SITES}{site.pk}/history/")
    assert history.status_code == (200 if expected["see_history"] else 403)
    logged = client.post(SESSIONS, session_payload(site, sw_team), format="json")
    assert logged.status_code == (201 if expected["run_sessions"] else 403)
    decided = client.post(
        f"{SITES}{site.pk}/decision/", {"status": "suspended", "reason": "Roadworks."}
    )
    assert decided.status_code == (200 if expected["decide"] else 403)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (
            "sw_coordinator",
            {"change": True, "see_registrations": True, "settle_disputes": False},
        ),
        (
            "sw_volunteer",
            {"change": False, "see_registrations": False, "settle_disputes": False},
        ),
        ("liaison", {"change": False, "see_registrations": True, "settle_disputes": True}),
    ],
)
def test_session_actions_per_role(client_for, request, site, sw_team, who, expected) -> None:
    user = request.getfixturevalue(who)
    client = client_for(user)
    draft = logged_session(site, sw_team, offences=[("AB12CDE", 37)], submit=False)
    body = client.get(f"{SESSIONS}{draft.pk}/").json()
    assert body["actions"] == expected
    assert [item["actions"] for item in client.get(SESSIONS).json()["results"]] == [expected]
    registration = body["offences"][0]["registration"]
    assert (registration == "AB12CDE") is expected["see_registrations"]
    changed = client.patch(f"{SESSIONS}{draft.pk}/", {"notes": "Dry."}, format="json")
    assert changed.status_code == (200 if expected["change"] else 403)


@pytest.mark.parametrize("who", ["sw_coordinator", "liaison"])
def test_offence_actions_say_who_settles_disputes(client_for, request, site, sw_team, who) -> None:
    user = request.getfixturevalue(who)
    client = client_for(user)
    logged_session(site, sw_team, offences=[("AB12CDE", 37)])
    offence = client.get("/api/v1/speedwatch/offences/").json()["results"][0]
    assert offence["actions"] == {"dispute": who == "liaison"}
    settled = client.post(
        f"/api/v1/speedwatch/offences/{offence['id']}/dispute/",
        {"outcome": "rejected", "note": "Photo shows the car."},
        format="json",
    )
    assert settled.status_code == (200 if offence["actions"]["dispute"] else 403)


def test_offences_of_a_draft_cannot_be_disputed(client_for, site, sw_team, liaison) -> None:
    logged_session(site, sw_team, offences=[("AB12CDE", 37)], submit=False)
    offence = client_for(liaison).get("/api/v1/speedwatch/offences/").json()["results"][0]
    assert offence["actions"] == {"dispute": False}


def test_site_and_session_lists_read_memberships_once(
    client_for, speedwatch, sw_coordinator, sw_team, django_assert_max_num_queries
) -> None:
    """Each row's actions come from the rules, yet more rows cost no more queries."""
    client = client_for(sw_coordinator)
    sites = [SiteFactory(scheme=speedwatch, name=f"Site {n}") for n in range(2)]
    logged_session(sites[0], sw_team)
    with django_assert_max_num_queries(20) as few:
        client.get(SITES)
        client.get(SESSIONS)
    for n in range(2, 8):
        logged_session(SiteFactory(scheme=speedwatch, name=f"Site {n}"), sw_team, days_ago=n)
    with django_assert_max_num_queries(len(few.captured_queries)):
        sites = client.get(SITES).json()["results"]
        sessions = client.get(SESSIONS).json()["results"]
    assert {site["actions"]["run_sessions"] for site in sites} == {True}
    assert {session["actions"]["change"] for session in sessions} == {True}


# --- Alerts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("liaison", {"manage": True, "edit": True, "approve": False}),
        ("foreign_liaison", None),
        ("coordinator", None),
    ],
)
def test_alert_actions_per_role(client_for, request, liaison, who, expected) -> None:
    draft = draft_alert(liaison)
    user = request.getfixturevalue(who)
    response = client_for(user).get(f"{ALERTS}{draft.pk}/")
    if expected is None:
        # A draft is its author's: nobody else may know of it.
        assert response.status_code == 404
        return
    body = response.json()
    assert body["actions"] == expected
    assert (body["can_manage"], body["can_edit"]) == (expected["manage"], expected["edit"])


def test_a_liaison_manages_but_does_not_edit_a_coordinators_published_alert(
    client_for, scheme, coordinator, liaison, django_capture_on_commit_callbacks
) -> None:
    client = client_for(coordinator)
    draft = client.post(
        ALERTS,
        {
            "title": "Bogus callers",
            "body": "Do not let them in.",
            "category": "bogus_caller",
            "severity": "Moderate",
            "urgency": "Expected",
            "audience": "members",
            "lat": 52.1985,
            "lon": 0.141,
            "radius_m": 300,
            "scheme": scheme.pk,
        },
        format="json",
    ).json()
    assert draft["actions"] == {"manage": True, "edit": True, "approve": False}
    with django_capture_on_commit_callbacks(execute=True):
        published = client.post(f"{ALERTS}{draft['id']}/publish/").json()
    assert published["actions"] == {"manage": True, "edit": False, "approve": False}
    seen = client_for(liaison).get(f"{ALERTS}{draft['id']}/").json()
    assert seen["actions"] == {"manage": True, "edit": False, "approve": False}
    assert Alert.objects.get(pk=draft["id"]).status == "published"


def test_me_actions_ask_each_question_of_the_database_once(sw_coordinator, liaison) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.actions import me_actions

    for user in (sw_coordinator, liaison):
        with CaptureQueriesContext(connection) as queries:
            actions = me_actions(user)
        asked = [query["sql"] for query in queries.captured_queries]
        assert len(asked) == len(set(asked)), asked
        assert actions["use_speedwatch"] is True
