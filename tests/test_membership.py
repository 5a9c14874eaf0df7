"""Joining, approving, roles, removal, leaving, and who may see members."""

import pytest

from schemes.models import ActivityEvent, Membership, Scheme
from tests.factories import MembershipFactory, SchemeFactory, UserFactory

pytestmark = pytest.mark.django_db


def _scheme_url(scheme: Scheme, suffix: str = "") -> str:
    return f"/api/v1/schemes/{scheme.pk}/{suffix}"


def _member_url(membership: Membership, suffix: str = "") -> str:
    return f"/api/v1/schemes/{membership.scheme_id}/members/{membership.pk}/{suffix}"


@pytest.fixture
def request_to_join(scheme: Scheme) -> Membership:
    return MembershipFactory(
        scheme=scheme,
        status="pending",
        joined_at=None,
        message="I live on Mill Road.",
        user__name="Oliver Grant",
        user__email="oliver@example.org",
    )


def test_request_to_join(client_for, scheme, stranger) -> None:
    response = client_for(stranger).post(_scheme_url(scheme, "join/"), {"message": "Hello!"})
    assert response.status_code == 201, response.content
    membership = Membership.objects.get(user=stranger)
    body = response.json()
    assert body["id"] == membership.pk
    assert body["scheme"]["name"] == "Mill Road Neighbourhood Watch"
    assert (body["role"], body["status"], body["message"], body["joined_at"]) == (
        "volunteer",
        "pending",
        "Hello!",
        None,
    )
    assert ActivityEvent.objects.get(scheme=scheme).summary == "Sam Stranger asked to join."


def test_asking_twice_changes_nothing(client_for, scheme, stranger) -> None:
    client = client_for(stranger)
    first = client.post(_scheme_url(scheme, "join/"))
    second = client.post(_scheme_url(scheme, "join/"))
    assert first.json()["id"] == second.json()["id"]
    assert Membership.objects.filter(user=stranger).count() == 1
    assert ActivityEvent.objects.filter(type="member_requested").count() == 1


def test_members_cannot_ask_again(client_for, scheme, volunteer) -> None:
    response = client_for(volunteer).post(_scheme_url(scheme, "join/"))
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["You are already a member of this scheme."]}


def test_a_suspended_scheme_takes_no_requests(client_for, scheme, stranger, volunteer) -> None:
    scheme.status = "suspended"
    scheme.save()
    # Not visible to a stranger at all; a member sees it but cannot re-join.
    assert client_for(stranger).post(_scheme_url(scheme, "join/")).status_code == 404
    assert client_for(volunteer).post(_scheme_url(scheme, "join/")).status_code == 400


def test_anonymous_cannot_ask_to_join(anon, scheme) -> None:
    assert anon.post(_scheme_url(scheme, "join/")).status_code == 401


def test_coordinator_approves_a_request(client_for, coordinator, request_to_join) -> None:
    response = client_for(coordinator).post(_member_url(request_to_join, "approve/"))
    assert response.status_code == 200
    body = response.json()
    assert body["user"] == {
        "id": request_to_join.user_id,
        "name": "Oliver Grant",
        "email": "oliver@example.org",
        "phone": "",
        "postcode": "",
    }
    assert (body["role"], body["status"]) == ("volunteer", "active")
    assert body["joined_at"] is not None
    request_to_join.refresh_from_db()
    assert request_to_join.decided_by == coordinator
    assert ActivityEvent.objects.get(type="member_joined").summary == (
        "Margaret Ellis approved Oliver Grant's request to join."
    )


def test_approving_twice_is_refused(client_for, coordinator, request_to_join) -> None:
    client = client_for(coordinator)
    client.post(_member_url(request_to_join, "approve/"))
    again = client.post(_member_url(request_to_join, "approve/"))
    assert again.status_code == 400
    assert again.json() == {
        "non_field_errors": ["This request is no longer waiting: it is member."]
    }


def test_liaison_may_approve_and_decline(client_for, liaison, request_to_join) -> None:
    response = client_for(liaison).post(_member_url(request_to_join, "decline/"))
    assert response.status_code == 200
    assert response.json()["status"] == "declined"


def test_declined_volunteer_may_ask_again(client_for, coordinator, request_to_join) -> None:
    client_for(coordinator).post(_member_url(request_to_join, "decline/"))
    again = client_for(request_to_join.user).post(_scheme_url(request_to_join.scheme, "join/"))
    assert again.status_code == 201
    assert again.json()["status"] == "pending"


@pytest.mark.parametrize("who", ["volunteer", "outsider", "foreign_liaison", "stranger"])
def test_others_cannot_approve(client_for, request, request_to_join, who) -> None:
    response = client_for(request.getfixturevalue(who)).post(
        _member_url(request_to_join, "approve/")
    )
    assert response.status_code == 403
    request_to_join.refresh_from_db()
    assert request_to_join.status == "pending"


def test_anonymous_cannot_approve(anon, request_to_join) -> None:
    assert anon.post(_member_url(request_to_join, "approve/")).status_code == 401


def test_member_list_with_contact_details_for_coordinators(
    client_for, scheme, coordinator, volunteer, request_to_join
) -> None:
    response = client_for(coordinator).get(_scheme_url(scheme, "members/"))
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(r["user"]["name"], r["role"], r["status"]) for r in rows] == [
        ("Alex Morgan", "volunteer", "active"),
        ("Margaret Ellis", "coordinator", "active"),
        ("Oliver Grant", "volunteer", "pending"),
    ]
    assert rows[0]["user"]["phone"] == "07700 900201"
    pending = client_for(coordinator).get(_scheme_url(scheme, "members/"), {"status": "pending"})
    assert [r["user"]["name"] for r in pending.json()["results"]] == ["Oliver Grant"]
    found = client_for(coordinator).get(_scheme_url(scheme, "members/"), {"q": "morgan"})
    assert [r["user"]["name"] for r in found.json()["results"]] == ["Alex Morgan"]


def test_member_list_for_the_covering_liaison(client_for, scheme, liaison, volunteer) -> None:
    assert client_for(liaison).get(_scheme_url(scheme, "members/")).json()["count"] == 1


@pytest.mark.parametrize("who", ["volunteer", "outsider", "foreign_liaison", "stranger"])
def test_member_list_is_refused_to_others(client_for, request, scheme, volunteer, who) -> None:
    response = client_for(request.getfixturevalue(who)).get(_scheme_url(scheme, "members/"))
    assert response.status_code == 403
    assert response.json() == {"detail": "Only the scheme's coordinators and liaisons see members."}


def test_member_list_is_refused_anonymously(anon, scheme) -> None:
    assert anon.get(_scheme_url(scheme, "members/")).status_code == 401


def test_member_list_of_an_unseen_scheme_is_not_found(client_for, outsider) -> None:
    proposal = SchemeFactory(status="proposed")
    assert client_for(outsider).get(_scheme_url(proposal, "members/")).status_code == 404


def test_member_of_another_scheme_is_not_found_under_this_one(
    client_for, coordinator, outsider, other_scheme
) -> None:
    theirs = Membership.objects.get(scheme=other_scheme)
    url = f"/api/v1/schemes/{coordinator.memberships.get().scheme_id}/members/{theirs.pk}/"
    assert client_for(coordinator).delete(url).status_code == 404
    assert Membership.objects.filter(pk=theirs.pk).exists()


def test_member_list_queries_stay_constant(
    client_for, scheme, coordinator, django_assert_max_num_queries
) -> None:
    client = client_for(coordinator)
    MembershipFactory.create_batch(3, scheme=scheme)
    with django_assert_max_num_queries(8):
        assert client.get(_scheme_url(scheme, "members/")).json()["count"] == 4
    MembershipFactory.create_batch(40, scheme=scheme)
    with django_assert_max_num_queries(8):
        assert (
            len(client.get(_scheme_url(scheme, "members/"), {"page_size": 100}).json()["results"])
            == 44
        )


def test_promote_a_member_to_coordinator(client_for, coordinator, volunteer) -> None:
    membership = Membership.objects.get(user=volunteer)
    response = client_for(coordinator).patch(_member_url(membership), {"role": "coordinator"})
    assert response.status_code == 200
    assert response.json()["role"] == "coordinator"
    assert ActivityEvent.objects.get(type="role_changed").summary == (
        "Margaret Ellis made Alex Morgan a coordinator."
    )


def test_a_pending_request_cannot_be_promoted(client_for, coordinator, request_to_join) -> None:
    response = client_for(coordinator).patch(_member_url(request_to_join), {"role": "coordinator"})
    assert response.status_code == 400
    assert response.json() == {"role": ["Approve the request before changing the member's role."]}


def test_the_last_coordinator_cannot_step_down(client_for, coordinator) -> None:
    membership = Membership.objects.get(user=coordinator)
    response = client_for(coordinator).patch(_member_url(membership), {"role": "volunteer"})
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": [
            "Making them a volunteer would leave the scheme without a coordinator: "
            "make another member a coordinator first."
        ]
    }


def test_the_last_coordinator_cannot_leave_or_be_removed(
    client_for, scheme, coordinator, liaison
) -> None:
    leave = client_for(coordinator).post(_scheme_url(scheme, "leave/"))
    assert leave.status_code == 400
    membership = Membership.objects.get(user=coordinator)
    remove = client_for(liaison).delete(_member_url(membership))
    assert remove.status_code == 400
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_with_a_second_coordinator_the_first_may_leave(
    client_for, scheme, coordinator, volunteer
) -> None:
    second = Membership.objects.get(user=volunteer)
    client_for(coordinator).patch(_member_url(second), {"role": "coordinator"})
    assert client_for(coordinator).post(_scheme_url(scheme, "leave/")).status_code == 204
    assert list(Membership.objects.filter(scheme=scheme).values_list("user__name", "role")) == [
        ("Alex Morgan", "coordinator")
    ]


def test_coordinator_removes_a_member(client_for, coordinator, volunteer) -> None:
    membership = Membership.objects.get(user=volunteer)
    assert client_for(coordinator).delete(_member_url(membership)).status_code == 204
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert (
        ActivityEvent.objects.get(type="member_removed").summary
        == "Margaret Ellis removed Alex Morgan."
    )


@pytest.mark.parametrize("who", ["volunteer", "outsider", "foreign_liaison", "stranger"])
def test_others_cannot_remove_or_promote(client_for, request, coordinator, who) -> None:
    membership = Membership.objects.get(user=coordinator)
    client = client_for(request.getfixturevalue(who))
    assert client.delete(_member_url(membership)).status_code == 403
    assert client.patch(_member_url(membership), {"role": "volunteer"}).status_code == 403
    membership.refresh_from_db()
    assert membership.role == "coordinator"


def test_a_volunteer_leaves(client_for, scheme, volunteer) -> None:
    assert client_for(volunteer).post(_scheme_url(scheme, "leave/")).status_code == 204
    assert not Membership.objects.filter(user=volunteer).exists()
    assert ActivityEvent.objects.get(type="member_left").summary == "Alex Morgan left the scheme."


def test_leaving_a_scheme_you_are_not_in(client_for, scheme, stranger) -> None:
    response = client_for(stranger).post(_scheme_url(scheme, "leave/"))
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["You are not a member of this scheme."]}


def test_join_request_queue_spans_the_coordinators_schemes(
    client_for, coordinator, scheme, request_to_join
) -> None:
    second = SchemeFactory(name="Chesterton Neighbourhood Watch")
    MembershipFactory(scheme=second, user=coordinator, role="coordinator")
    other_request = MembershipFactory(scheme=second, status="pending", joined_at=None)
    MembershipFactory(scheme=SchemeFactory(), status="pending", joined_at=None)  # not theirs
    response = client_for(coordinator).get("/api/v1/join-requests/")
    assert response.status_code == 200
    assert [(r["id"], r["scheme"]["name"]) for r in response.json()["results"]] == [
        (request_to_join.pk, "Mill Road Neighbourhood Watch"),
        (other_request.pk, "Chesterton Neighbourhood Watch"),
    ]


def test_join_request_queue_for_a_liaison_covers_their_force_only(
    client_for, liaison, foreign_liaison, request_to_join
) -> None:
    assert client_for(liaison).get("/api/v1/join-requests/").json()["count"] == 1
    assert client_for(foreign_liaison).get("/api/v1/join-requests/").json()["count"] == 0


def test_join_request_queue_is_empty_for_volunteers(client_for, volunteer, request_to_join) -> None:
    assert client_for(volunteer).get("/api/v1/join-requests/").json()["count"] == 0


def test_join_request_queue_needs_sign_in(anon) -> None:
    assert anon.get("/api/v1/join-requests/").status_code == 401


def test_my_schemes(client_for, scheme, volunteer) -> None:
    pending = MembershipFactory(
        user=volunteer, status="pending", joined_at=None, scheme__name="Ely Watch"
    )
    response = client_for(volunteer).get("/api/v1/me/memberships/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(r["scheme"]["name"], r["status"], r["scheme"]["member_count"]) for r in rows] == [
        ("Ely Watch", "pending", 0),
        ("Mill Road Neighbourhood Watch", "active", 1),
    ]
    assert rows[0]["id"] == pending.pk
    only_active = client_for(volunteer).get("/api/v1/me/memberships/", {"status": "active"})
    assert only_active.json()["count"] == 1


def test_my_schemes_queries_stay_constant(client_for, django_assert_max_num_queries) -> None:
    user = UserFactory()
    client = client_for(user)
    MembershipFactory.create_batch(2, user=user)
    with django_assert_max_num_queries(6):
        assert client.get("/api/v1/me/memberships/").json()["count"] == 2
    MembershipFactory.create_batch(20, user=user)
    with django_assert_max_num_queries(6):
        assert client.get("/api/v1/me/memberships/").json()["count"] == 22


def test_me_lists_active_memberships_with_their_kind(client_for, scheme, coordinator) -> None:
    speedwatch = SchemeFactory(kind="speedwatch")
    MembershipFactory(scheme=speedwatch, user=coordinator)
    MembershipFactory(scheme=SchemeFactory(), user=coordinator, status="pending", joined_at=None)
    me = client_for(coordinator).get("/api/v1/me/").json()
    assert me["memberships"] == [
        {"scheme": scheme.pk, "kind": "neighbourhood", "role": "coordinator"},
        {"scheme": speedwatch.pk, "kind": "speedwatch", "role": "volunteer"},
    ]
    assert me["coordinator_of"] == [scheme.pk]
