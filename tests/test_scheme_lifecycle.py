"""Proposing schemes, viewing and editing them, and the status lifecycle."""

import pytest
from rest_framework.fields import DateTimeField
from rest_framework.test import APIClient

from schemes.models import ActivityEvent, Membership, Scheme, SchemeStatusChange
from tests.factories import LiaisonFactory, MembershipFactory, SchemeFactory, UserFactory

pytestmark = pytest.mark.django_db

SCHEMES = "/api/v1/schemes/"

PROPOSAL = {
    "name": "Soham Neighbourhood Watch",
    "kind": "neighbourhood",
    "force": "cambridgeshire",
    "description": "Soham town centre and Brook Street.",
    "lat": 52.334,
    "lon": 0.336,
    "radius_m": 1200,
    "contact_name": "Nina Kowalski",
    "contact_email": "nina@example.org",
    "contact_phone": "01353 555999",
    "show_contact_email": True,
}


def _url(scheme: Scheme, suffix: str = "") -> str:
    return f"{SCHEMES}{scheme.pk}/{suffix}"


@pytest.fixture
def proposal(stranger) -> Scheme:
    return SchemeFactory(name="Soham Neighbourhood Watch", status="proposed", proposed_by=stranger)


def test_propose_a_scheme(client_for, stranger) -> None:
    response = client_for(stranger).post(SCHEMES, PROPOSAL)
    assert response.status_code == 201, response.content
    scheme = Scheme.objects.get()
    body = response.json()
    assert body == {
        "id": scheme.pk,
        "name": "Soham Neighbourhood Watch",
        "kind": "neighbourhood",
        "kind_display": "Neighbourhood Watch",
        "status": "proposed",
        "force": "cambridgeshire",
        "force_name": "Cambridgeshire Constabulary",
        "lat": 52.334,
        "lon": 0.336,
        "radius_m": 1200,
        "boundary": None,
        "distance_m": None,
        "member_count": 0,
        "description": "Soham town centre and Brook Street.",
        "contact": {"name": "Nina Kowalski", "email": "nina@example.org", "phone": "01353 555999"},
        "show_contact_email": True,
        "show_contact_phone": False,
        "created_at": body["created_at"],
        "approved_at": None,
        "my_membership": None,
        "can_manage": False,
        "can_edit": True,
        "can_review": False,
        "can_see_history": True,
        "actions": {
            "manage": False,
            "edit": True,
            "review": False,
            "see_history": True,
            "view_members": False,
            "change_status": ["closed"],
        },
        "proposer": {"id": stranger.pk, "name": "Sam Stranger", "email": stranger.email},
        # Cambridgeshire has imported no policing neighbourhoods here.
        "neighbourhoods": [],
    }
    assert scheme.proposed_by == stranger
    assert (scheme.bbox_south < 52.334 < scheme.bbox_north) and (
        scheme.bbox_west < 0.336 < scheme.bbox_east
    )
    assert list(SchemeStatusChange.objects.values_list("from_status", "to_status")) == [
        ("", "proposed")
    ]
    assert list(ActivityEvent.objects.values_list("type", "summary")) == [
        (
            "scheme_proposed",
            "Sam Stranger proposed Soham Neighbourhood Watch (Neighbourhood Watch).",
        )
    ]


def test_propose_a_scheme_with_a_polygon(client_for, stranger) -> None:
    ring = [[0.02, 52.68], [0.22, 52.68], [0.14, 52.44], [-0.02, 52.44], [0.02, 52.68]]
    payload = {**PROPOSAL, "kind": "countryside", "name": "Fenland Farm Watch"}
    for field in ("lat", "lon", "radius_m"):
        payload.pop(field)
    payload["boundary"] = {"type": "Polygon", "coordinates": [ring]}
    response = client_for(stranger).post(SCHEMES, payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["radius_m"] is None
    # Drawn clockwise, it comes back counter-clockwise as RFC 7946 wants, from the same start.
    assert body["boundary"] == {"type": "Polygon", "coordinates": [ring[::-1]]}
    assert 52.44 < body["lat"] < 52.68 and -0.02 < body["lon"] < 0.22
    scheme = Scheme.objects.get()
    assert (scheme.bbox_south, scheme.bbox_west, scheme.bbox_north, scheme.bbox_east) == (
        52.44,
        -0.02,
        52.68,
        0.22,
    )


def test_anonymous_cannot_propose(anon: APIClient) -> None:
    assert anon.post(SCHEMES, PROPOSAL).status_code == 401
    assert not Scheme.objects.exists()


def test_public_sees_only_the_contact_details_the_scheme_chose(
    anon, client_for, scheme, coordinator
) -> None:
    scheme.show_contact_email = True
    scheme.save()
    assert anon.get(_url(scheme)).json()["contact"] == {
        "name": "Casey Contact",
        "email": "contact@example.org",
    }
    assert client_for(coordinator).get(_url(scheme)).json()["contact"] == {
        "name": "Casey Contact",
        "email": "contact@example.org",
        "phone": "01223 555000",
    }


def test_scheme_page_tells_a_member_their_membership(client_for, scheme, volunteer) -> None:
    body = client_for(volunteer).get(_url(scheme)).json()
    membership = Membership.objects.get(user=volunteer)
    assert body["my_membership"] == {
        "id": membership.pk,
        "role": "volunteer",
        "status": "active",
        "decline_reason": "",
    }
    assert (
        body["can_manage"],
        body["can_edit"],
        body["can_review"],
        body["can_see_history"],
    ) == (False, False, False, False)
    assert body["member_count"] == 1


@pytest.mark.parametrize("who", ["anon", "volunteer", "outsider", "foreign_liaison"])
def test_a_proposal_is_hidden_from_those_it_does_not_concern(request, proposal, who) -> None:
    client = (
        request.getfixturevalue("anon")
        if who == "anon"
        else request.getfixturevalue("client_for")(request.getfixturevalue(who))
    )
    assert client.get(_url(proposal)).status_code == 404
    assert proposal.name not in [
        r["name"] for r in client.get(SCHEMES, {"status": "proposed"}).json()["results"]
    ]


@pytest.mark.parametrize("who", ["stranger", "liaison"])
def test_a_proposal_is_visible_to_its_proposer_and_covering_liaison(
    client_for, request, proposal, who
) -> None:
    client = client_for(request.getfixturevalue(who))
    assert client.get(_url(proposal)).status_code == 200
    listed = client.get(SCHEMES, {"status": "proposed"}).json()["results"]
    assert [row["name"] for row in listed] == ["Soham Neighbourhood Watch"]


def test_liaison_approves_and_the_proposer_becomes_coordinator(
    client_for, liaison, proposal, stranger
) -> None:
    response = client_for(liaison).post(_url(proposal, "status/"), {"status": "active"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "active"
    assert body["approved_at"] is not None
    assert body["can_review"] is True
    membership = Membership.objects.get(scheme=proposal)
    assert (membership.user, membership.role, membership.status) == (
        stranger,
        "coordinator",
        "active",
    )
    me = client_for(stranger).get("/api/v1/me/").json()
    assert me["coordinator_of"] == [proposal.pk]
    assert list(
        ActivityEvent.objects.filter(scheme=proposal).order_by("id").values_list("type", flat=True)
    ) == ["scheme_approved", "member_joined"]


def test_approval_by_the_proposer_is_refused(client_for, proposal, stranger) -> None:
    response = client_for(stranger).post(_url(proposal, "status/"), {"status": "active"})
    assert response.status_code == 403
    assert response.json() == {"detail": "Only a liaison may make a proposed scheme active."}
    proposal.refresh_from_db()
    assert proposal.status == "proposed"


@pytest.mark.parametrize("who", ["volunteer", "outsider", "foreign_liaison"])
def test_approval_by_others_is_refused_as_not_found(client_for, request, proposal, who) -> None:
    response = client_for(request.getfixturevalue(who)).post(
        _url(proposal, "status/"), {"status": "active"}
    )
    assert response.status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == "proposed"


def test_proposer_may_withdraw_their_proposal(client_for, proposal, stranger) -> None:
    response = client_for(stranger).post(
        _url(proposal, "status/"), {"status": "closed", "reason": "Joined the town scheme instead."}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "closed"


def test_suspending_needs_a_reason_and_a_liaison(client_for, scheme, coordinator, liaison) -> None:
    assert (
        client_for(coordinator)
        .post(_url(scheme, "status/"), {"status": "suspended", "reason": "x"})
        .status_code
        == 403
    )
    no_reason = client_for(liaison).post(_url(scheme, "status/"), {"status": "suspended"})
    assert no_reason.status_code == 400
    assert no_reason.json() == {"reason": ["Say why, for the scheme's members and the record."]}
    done = client_for(liaison).post(
        _url(scheme, "status/"), {"status": "suspended", "reason": "Device calibration lapsed."}
    )
    assert done.status_code == 200
    change = SchemeStatusChange.objects.get(scheme=scheme)
    assert (change.from_status, change.to_status, change.actor, change.reason) == (
        "active",
        "suspended",
        liaison,
        "Device calibration lapsed.",
    )


@pytest.mark.parametrize("who", ["volunteer", "outsider", "foreign_liaison", "stranger"])
def test_status_changes_by_those_who_only_see_the_scheme_are_forbidden(
    client_for, request, scheme, who
) -> None:
    response = client_for(request.getfixturevalue(who)).post(
        _url(scheme, "status/"), {"status": "suspended", "reason": "no"}
    )
    assert response.status_code == 403
    scheme.refresh_from_db()
    assert scheme.status == "active"


def test_suspended_scheme_is_reinstated_then_closed_for_good(client_for, scheme, liaison) -> None:
    client = client_for(liaison)
    client.post(_url(scheme, "status/"), {"status": "suspended", "reason": "Paused."})
    assert client.post(_url(scheme, "status/"), {"status": "active"}).json()["status"] == "active"
    assert (
        client.post(
            _url(scheme, "status/"), {"status": "closed", "reason": "Wound up."}
        ).status_code
        == 200
    )
    reopened = client.post(_url(scheme, "status/"), {"status": "active"})
    assert reopened.status_code == 400
    assert reopened.json() == {"status": ["A closed scheme cannot become active."]}
    history = client.get(_url(scheme, "status-history/")).json()["results"]
    assert [(h["from_status"], h["to_status"], h["actor_name"]) for h in history] == [
        ("active", "closed", "PCSO Priya Shah"),
        ("suspended", "active", "PCSO Priya Shah"),
        ("active", "suspended", "PCSO Priya Shah"),
    ]


def test_a_proposed_scheme_cannot_be_suspended(client_for, proposal, liaison) -> None:
    response = client_for(liaison).post(
        _url(proposal, "status/"), {"status": "suspended", "reason": "Not yet."}
    )
    assert response.status_code == 400
    assert response.json() == {"status": ["A proposed scheme cannot become suspended."]}
    proposal.refresh_from_db()
    assert proposal.status == "proposed"
    assert SchemeStatusChange.objects.filter(scheme=proposal).count() == 0


def test_a_suspended_scheme_may_be_closed(client_for, scheme, liaison) -> None:
    client = client_for(liaison)
    client.post(_url(scheme, "status/"), {"status": "suspended", "reason": "Paused."})
    response = client.post(_url(scheme, "status/"), {"status": "closed", "reason": "Wound up."})
    assert response.status_code == 200
    assert response.json()["status"] == "closed"
    assert list(
        SchemeStatusChange.objects.filter(scheme=scheme)
        .order_by("id")
        .values_list("from_status", "to_status", "reason")
    ) == [("active", "suspended", "Paused."), ("suspended", "closed", "Wound up.")]
    assert ActivityEvent.objects.filter(scheme=scheme).order_by("-id").first().summary == (
        "PCSO Priya Shah: suspended → closed. Wound up."
    )


def test_a_coordinator_cannot_reinstate_their_suspended_scheme(
    client_for, scheme, coordinator, liaison
) -> None:
    client_for(liaison).post(_url(scheme, "status/"), {"status": "suspended", "reason": "Paused."})
    response = client_for(coordinator).post(_url(scheme, "status/"), {"status": "active"})
    assert response.status_code == 403
    assert response.json() == {"detail": "Only a liaison may make a suspended scheme active."}
    scheme.refresh_from_db()
    assert scheme.status == "suspended"


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_closing_needs_a_reason(client_for, scheme, coordinator, reason) -> None:
    payload = {"status": "closed"} if reason is None else {"status": "closed", "reason": reason}
    response = client_for(coordinator).post(_url(scheme, "status/"), payload, format="json")
    assert response.status_code == 400
    assert response.json() == {"reason": ["Say why, for the scheme's members and the record."]}
    scheme.refresh_from_db()
    assert scheme.status == "active"
    assert SchemeStatusChange.objects.filter(scheme=scheme).count() == 0


def test_a_coordinator_may_close_their_scheme(client_for, scheme, coordinator) -> None:
    response = client_for(coordinator).post(
        _url(scheme, "status/"), {"status": "closed", "reason": "Moving away."}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "closed"


def test_unknown_status_is_a_field_error(client_for, scheme, liaison) -> None:
    response = client_for(liaison).post(_url(scheme, "status/"), {"status": "deleted"})
    assert response.status_code == 400
    assert response.json() == {"status": ['"deleted" is not a valid choice.']}


@pytest.mark.parametrize("who", ["volunteer", "outsider", "foreign_liaison", "stranger"])
def test_status_history_is_for_managers(client_for, request, scheme, who) -> None:
    response = client_for(request.getfixturevalue(who)).get(_url(scheme, "status-history/"))
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only the scheme's coordinators and liaisons see its history."
    }


def test_status_history_of_a_hidden_scheme_is_not_found(client_for, proposal, outsider) -> None:
    response = client_for(outsider).get(_url(proposal, "status-history/"))
    assert response.status_code == 404
    assert response.json() == {"detail": "No Scheme matches the given query."}


def _suspend_and_reinstate(client, scheme: Scheme, times: int) -> None:
    for n in range(times):
        client.post(_url(scheme, "status/"), {"status": "suspended", "reason": f"Pause {n}."})
        client.post(_url(scheme, "status/"), {"status": "active"})


def test_status_history_shows_each_change_with_who_and_why(
    client_for, scheme, coordinator, liaison
) -> None:
    _suspend_and_reinstate(client_for(liaison), scheme, 1)
    response = client_for(coordinator).get(_url(scheme, "status-history/"))
    assert response.status_code == 200
    suspended, reinstated = SchemeStatusChange.objects.filter(scheme=scheme).order_by("id")
    at = DateTimeField().to_representation
    assert response.json() == {
        "count": 2,
        "next": None,
        "previous": None,
        "results": [
            {
                "id": reinstated.pk,
                "from_status": "suspended",
                "to_status": "active",
                "actor_name": "PCSO Priya Shah",
                "reason": "",
                "at": at(reinstated.at),
            },
            {
                "id": suspended.pk,
                "from_status": "active",
                "to_status": "suspended",
                "actor_name": "PCSO Priya Shah",
                "reason": "Pause 0.",
                "at": at(suspended.at),
            },
        ],
    }


def test_status_history_pages_orders_and_filters(client_for, scheme, liaison) -> None:
    client = client_for(liaison)
    _suspend_and_reinstate(client, scheme, 3)
    url = _url(scheme, "status-history/")
    first = client.get(url, {"page_size": 2}).json()
    assert first["count"] == 6
    assert [(h["to_status"], h["reason"]) for h in first["results"]] == [
        ("active", ""),
        ("suspended", "Pause 2."),
    ]
    assert first["next"].endswith("page=2&page_size=2")
    oldest = client.get(url, {"ordering": "at", "page_size": 2}).json()["results"]
    assert [(h["to_status"], h["reason"]) for h in oldest] == [
        ("suspended", "Pause 0."),
        ("active", ""),
    ]
    suspensions = client.get(url, {"to_status": "suspended"}).json()["results"]
    assert [h["reason"] for h in suspensions] == ["Pause 2.", "Pause 1.", "Pause 0."]
    wrong = client.get(url, {"to_status": "paused"})
    assert wrong.status_code == 400
    assert wrong.json() == {
        "to_status": ["Select a valid choice. paused is not one of the available choices."]
    }


def test_status_history_queries_stay_constant(
    client_for, scheme, liaison, django_assert_max_num_queries
) -> None:
    client = client_for(liaison)
    _suspend_and_reinstate(client, scheme, 1)
    with django_assert_max_num_queries(7):
        assert client.get(_url(scheme, "status-history/")).json()["count"] == 2
    # Each change by a different person, so a missing select_related would show.
    for n in range(15):
        other = LiaisonFactory(force="cambridgeshire", user__name=f"PC {n}").user
        _suspend_and_reinstate(client_for(other), scheme, 1)
    with django_assert_max_num_queries(7):
        response = client.get(_url(scheme, "status-history/"), {"page_size": 100})
        assert len(response.json()["results"]) == 32


def test_coordinator_edits_details(client_for, scheme, coordinator) -> None:
    response = client_for(coordinator).patch(
        _url(scheme),
        {"description": "Now with more streets.", "radius_m": 900, "lat": 52.1985, "lon": 0.141},
    )
    assert response.status_code == 200, response.content
    assert (response.json()["description"], response.json()["radius_m"]) == (
        "Now with more streets.",
        900,
    )
    assert ActivityEvent.objects.filter(scheme=scheme, type="scheme_updated").count() == 1


def test_coordinator_cannot_move_an_approved_scheme_to_another_force(
    client_for, scheme, coordinator
) -> None:
    response = client_for(coordinator).patch(_url(scheme), {"force": "bedfordshire"})
    assert response.status_code == 403
    scheme.refresh_from_db()
    assert scheme.force == "cambridgeshire"


@pytest.mark.parametrize("who", ["volunteer", "outsider", "foreign_liaison", "stranger"])
def test_editing_by_others_is_forbidden(client_for, request, scheme, who) -> None:
    response = client_for(request.getfixturevalue(who)).patch(_url(scheme), {"name": "Hijacked"})
    assert response.status_code == 403
    scheme.refresh_from_db()
    assert scheme.name == "Mill Road Neighbourhood Watch"


def test_editing_anonymously_is_refused(anon, scheme) -> None:
    assert anon.patch(_url(scheme), {"name": "Hijacked"}).status_code == 401


def test_closed_scheme_is_hidden_from_the_public_but_not_its_members(
    anon, client_for, scheme, volunteer
) -> None:
    scheme.status = "closed"
    scheme.save()
    assert anon.get(_url(scheme)).status_code == 404
    assert client_for(volunteer).get(_url(scheme)).status_code == 200


def test_staff_see_every_scheme(client_for, proposal) -> None:
    staff = MembershipFactory().user
    staff.is_staff = True
    staff.save()
    assert client_for(staff).get(_url(proposal)).status_code == 200


# --- Who sees a scheme that is not active, and its private details --------------------

NOT_FOUND = {"detail": "No Scheme matches the given query."}
HISTORY_REFUSED = {"detail": "Only the scheme's coordinators and liaisons see its history."}


@pytest.fixture
def approved(client_for, liaison, proposal, stranger) -> Scheme:
    """The proposal, approved: its proposer (the stranger) is now its coordinator, with a
    second coordinator beside them. Its contact email and phone are not shown publicly."""
    client_for(liaison).post(_url(proposal, "status/"), {"status": "active"})
    MembershipFactory(scheme=proposal, role="coordinator", user__name="Ruth Second")
    proposal.refresh_from_db()
    return proposal


@pytest.mark.parametrize("how", ["leaves", "is removed"])
def test_a_proposer_no_longer_in_the_scheme_sees_only_what_the_public_sees(
    client_for, approved, stranger, how
) -> None:
    own = client_for(stranger)
    assert own.get(_url(approved)).json()["contact"] == {
        "name": "Casey Contact",
        "email": "contact@example.org",
        "phone": "01223 555000",
    }
    assert own.get(_url(approved, "status-history/")).status_code == 200
    if how == "leaves":
        assert own.post(_url(approved, "leave/")).status_code == 204
    else:
        second = Membership.objects.get(user__name="Ruth Second").user
        membership = Membership.objects.get(user=stranger)
        url = f"{_url(approved, 'members/')}{membership.pk}/"
        assert client_for(second).delete(url).status_code == 204

    body = own.get(_url(approved)).json()
    assert body["contact"] == {"name": "Casey Contact"}
    assert (body["my_membership"], body["can_manage"], body["can_edit"]) == (None, False, False)
    history = own.get(_url(approved, "status-history/"))
    assert history.status_code == 403
    assert history.json() == HISTORY_REFUSED


def test_a_former_proposer_does_not_see_the_scheme_once_suspended(
    client_for, liaison, approved, stranger
) -> None:
    client_for(stranger).post(_url(approved, "leave/"))
    client_for(liaison).post(_url(approved, "status/"), {"status": "suspended", "reason": "Pause."})
    response = client_for(stranger).get(_url(approved))
    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_the_proposer_reads_why_their_proposal_was_declined(
    client_for, liaison, proposal, stranger
) -> None:
    client_for(liaison).post(
        _url(proposal, "status/"), {"status": "closed", "reason": "Covered by Soham Town Watch."}
    )
    client = client_for(stranger)
    body = client.get(_url(proposal)).json()
    assert (body["status"], body["can_edit"], body["contact"]["phone"]) == (
        "closed",
        False,
        "01223 555000",
    )
    history = client.get(_url(proposal, "status-history/")).json()["results"]
    assert [(h["from_status"], h["to_status"], h["reason"]) for h in history] == [
        ("proposed", "closed", "Covered by Soham Town Watch.")
    ]


@pytest.mark.parametrize("scheme_status", ["suspended", "closed"])
@pytest.mark.parametrize("request_status", ["pending", "declined"])
def test_a_requester_does_not_see_a_suspended_or_closed_scheme(
    client_for, scheme, volunteer, scheme_status, request_status
) -> None:
    requester = MembershipFactory(scheme=scheme, status=request_status, joined_at=None).user
    scheme.status = scheme_status
    scheme.save()
    response = client_for(requester).get(_url(scheme))
    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    listed = client_for(requester).get(SCHEMES, {"status": scheme_status}).json()
    assert listed["count"] == 0
    # An active member still sees it.
    assert client_for(volunteer).get(_url(scheme)).json()["status"] == scheme_status


def test_a_requester_may_withdraw_from_a_scheme_suspended_since(client_for, scheme) -> None:
    requester = MembershipFactory(scheme=scheme, status="pending", joined_at=None).user
    scheme.status = "suspended"
    scheme.save()
    assert client_for(requester).post(_url(scheme, "leave/")).status_code == 204
    assert not Membership.objects.filter(user=requester).exists()


def _everyone_around(scheme, proposer, liaison, foreign_liaison, outsider) -> dict:
    """Everyone who might ask about ``scheme``, by who they are to it."""
    from django.contrib.auth.models import AnonymousUser

    cast = {
        "anonymous": AnonymousUser(),
        "proposer": proposer,
        "liaison": liaison,
        "foreign liaison": foreign_liaison,
        "outsider": outsider,
        "staff": UserFactory(is_staff=True),
    }
    for status in ("active", "pending", "declined"):
        cast[f"{status} volunteer"] = MembershipFactory(scheme=scheme, status=status).user
    cast["coordinator"] = MembershipFactory(scheme=scheme, role="coordinator").user
    return cast


@pytest.mark.parametrize("scheme_status", ["proposed", "active", "suspended", "closed"])
def test_the_visibility_rule_and_its_query_agree(
    request, scheme_status, stranger, liaison, foreign_liaison, outsider
) -> None:

    from schemes.selectors import scheme_visible, schemes_visible_to

    scheme = SchemeFactory(status=scheme_status, proposed_by=stranger)
    cast = _everyone_around(scheme, stranger, liaison, foreign_liaison, outsider)
    by_rule = {name: scheme_visible(user=user, scheme=scheme) for name, user in cast.items()}
    by_query = {
        name: schemes_visible_to(user=user).filter(pk=scheme.pk).exists()
        for name, user in cast.items()
    }
    assert by_rule == by_query
    everyone = scheme_status == "active"
    assert by_rule == {
        "anonymous": everyone,
        "proposer": everyone or scheme_status in ("proposed", "closed"),
        "liaison": True,
        "foreign liaison": everyone,
        "outsider": everyone,
        "staff": True,
        "active volunteer": True,
        "pending volunteer": everyone,
        "declined volunteer": everyone,
        "coordinator": True,
    }


@pytest.mark.parametrize("scheme_status", ["proposed", "active", "suspended", "closed"])
def test_the_private_details_rule_and_the_status_history_rule_agree(
    scheme_status, stranger, liaison, foreign_liaison, outsider
) -> None:

    from schemes.models import SchemeStatusChange
    from schemes.permissions import can_see_private_details, can_view_members
    from schemes.selectors import members_of, status_changes_visible_to

    scheme = SchemeFactory(status=scheme_status, proposed_by=stranger)
    SchemeStatusChange.objects.create(scheme=scheme, to_status=scheme_status)
    cast = _everyone_around(scheme, stranger, liaison, foreign_liaison, outsider)
    by_rule = {name: can_see_private_details(user, scheme) for name, user in cast.items()}
    by_query = {
        name: status_changes_visible_to(user=user).filter(scheme=scheme).exists()
        for name, user in cast.items()
    }
    assert by_rule == by_query
    # Those who see the members see every one of them through the memberships rule.
    everyone = scheme.memberships.count()
    for name, user in cast.items():
        if can_view_members(user, scheme):
            assert members_of(user=user, scheme=scheme).count() == everyone, name
