"""Joining, approving, roles, removal, leaving, and who may see members."""

import threading
import time

import pytest
from django.db import connection
from rest_framework.fields import DateTimeField
from rest_framework.test import APIClient

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
    hidden = client_for(stranger).post(_scheme_url(scheme, "join/"))
    assert hidden.status_code == 404
    assert hidden.json() == {"detail": "No Scheme matches the given query."}
    refused = client_for(volunteer).post(_scheme_url(scheme, "join/"))
    assert refused.status_code == 400
    assert refused.json() == {"non_field_errors": ["Only an active scheme takes new members."]}
    assert list(Membership.objects.filter(scheme=scheme).values_list("user", "status")) == [
        (volunteer.pk, "active")
    ]


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


def _member_json(membership: Membership) -> dict:
    """A member as the API shows them, read back from the database."""
    membership.refresh_from_db()
    user, scheme = membership.user, membership.scheme
    return {
        "id": membership.pk,
        "user": {
            "id": user.pk,
            "name": user.name,
            "email": user.email,
            "phone": user.phone,
            "postcode": user.postcode,
        },
        "scheme": {"id": scheme.pk, "name": scheme.name, "kind": scheme.kind, "status": "active"},
        "role": membership.role,
        "status": membership.status,
        "message": membership.message,
        "requested_at": DateTimeField().to_representation(membership.requested_at),
        "joined_at": membership.joined_at
        and DateTimeField().to_representation(membership.joined_at),
        "decided_at": membership.decided_at
        and DateTimeField().to_representation(membership.decided_at),
        "decline_reason": membership.decline_reason,
        "decline_undo_until": membership.decline_undo_until
        and DateTimeField().to_representation(membership.decline_undo_until),
    }


def test_liaison_may_approve_and_decline(client_for, liaison, scheme, request_to_join) -> None:
    other = MembershipFactory(
        scheme=scheme,
        status="pending",
        joined_at=None,
        message="",
        user__name="Wendy Ng",
        user__email="wendy@example.org",
    )
    client = client_for(liaison)
    approved = client.post(_member_url(request_to_join, "approve/"))
    assert approved.status_code == 200
    assert approved.json() == _member_json(request_to_join)
    assert (approved.json()["user"]["name"], approved.json()["status"]) == (
        "Oliver Grant",
        "active",
    )
    assert approved.json()["message"] == "I live on Mill Road."
    assert approved.json()["joined_at"] is not None

    declined = client.post(_member_url(other, "decline/"))
    assert declined.status_code == 200
    assert declined.json() == _member_json(other)
    assert (declined.json()["user"]["email"], declined.json()["status"]) == (
        "wendy@example.org",
        "declined",
    )
    assert declined.json()["joined_at"] is None

    assert list(
        Membership.objects.filter(pk__in=[request_to_join.pk, other.pk])
        .order_by("pk")
        .values_list("status", "decided_by")
    ) == [("active", liaison.pk), ("declined", liaison.pk)]
    assert list(
        ActivityEvent.objects.filter(type__in=["member_joined", "member_declined"])
        .order_by("id")
        .values_list("summary", flat=True)
    ) == [
        "PCSO Priya Shah approved Oliver Grant's request to join.",
        "PCSO Priya Shah declined Wendy Ng's request to join.",
    ]


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
    response = client_for(liaison).get(_scheme_url(scheme, "members/"))
    assert response.status_code == 200
    membership = Membership.objects.get(user=volunteer)
    assert response.json() == {
        "count": 1,
        "next": None,
        "previous": None,
        "results": [_member_json(membership)],
    }
    assert response.json()["results"][0]["user"]["phone"] == "07700 900201"


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
    assert response.json() == _member_json(membership)
    assert (response.json()["role"], response.json()["status"]) == ("coordinator", "active")
    assert client_for(volunteer).get("/api/v1/me/").json()["coordinator_of"] == [
        membership.scheme_id
    ]
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
    assert response.json() == {
        "count": 2,
        "next": None,
        "previous": None,
        "results": [_member_json(request_to_join), _member_json(other_request)],
    }
    assert [(r["user"]["name"], r["scheme"]["name"]) for r in response.json()["results"]] == [
        ("Oliver Grant", "Mill Road Neighbourhood Watch"),
        (other_request.user.name, "Chesterton Neighbourhood Watch"),
    ]
    only_second = client_for(coordinator).get("/api/v1/join-requests/", {"scheme": second.pk})
    assert [r["id"] for r in only_second.json()["results"]] == [other_request.pk]


EMPTY_PAGE = {"count": 0, "next": None, "previous": None, "results": []}


def test_join_request_queue_for_a_liaison_covers_their_force_only(
    client_for, liaison, foreign_liaison, request_to_join
) -> None:
    bedford = MembershipFactory(
        scheme=SchemeFactory(name="Kempston Watch", force="bedfordshire"),
        status="pending",
        joined_at=None,
    )
    ours = client_for(liaison).get("/api/v1/join-requests/").json()
    assert ours == {
        "count": 1,
        "next": None,
        "previous": None,
        "results": [_member_json(request_to_join)],
    }
    theirs = client_for(foreign_liaison).get("/api/v1/join-requests/").json()
    assert theirs == {
        "count": 1,
        "next": None,
        "previous": None,
        "results": [_member_json(bedford)],
    }
    assert theirs["results"][0]["scheme"]["name"] == "Kempston Watch"


def test_join_request_queue_leaves_out_schemes_no_longer_active(
    client_for, coordinator, scheme, request_to_join
) -> None:
    scheme.status = "suspended"
    scheme.save()
    assert client_for(coordinator).get("/api/v1/join-requests/").json() == EMPTY_PAGE


def test_join_request_queue_is_empty_for_volunteers(client_for, volunteer, request_to_join) -> None:
    response = client_for(volunteer).get("/api/v1/join-requests/")
    assert response.status_code == 200
    assert response.json() == EMPTY_PAGE


def test_join_request_queue_needs_sign_in(anon) -> None:
    response = anon.get("/api/v1/join-requests/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_join_request_queue_queries_stay_constant(
    client_for, scheme, coordinator, django_assert_max_num_queries
) -> None:
    client = client_for(coordinator)
    MembershipFactory.create_batch(3, scheme=scheme, status="pending", joined_at=None)
    with django_assert_max_num_queries(5):
        assert client.get("/api/v1/join-requests/").json()["count"] == 3
    # Requests across several schemes the coordinator runs, each by a different person.
    for _ in range(6):
        another = SchemeFactory()
        MembershipFactory(scheme=another, user=coordinator, role="coordinator")
        MembershipFactory.create_batch(5, scheme=another, status="pending", joined_at=None)
    with django_assert_max_num_queries(5):
        response = client.get("/api/v1/join-requests/", {"page_size": 100})
        assert len(response.json()["results"]) == 33


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
        {
            "scheme": scheme.pk,
            "scheme_name": scheme.name,
            "kind": "neighbourhood",
            "role": "coordinator",
        },
        {
            "scheme": speedwatch.pk,
            "scheme_name": speedwatch.name,
            "kind": "speedwatch",
            "role": "volunteer",
        },
    ]
    assert me["coordinator_of"] == [scheme.pk]


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_stepping_down_at_once_leave_one(monkeypatch) -> None:
    """Each request runs on its own connection, as two phones would. Saving is slowed so
    that, without the scheme lock, both would count two coordinators before either saved."""
    scheme = SchemeFactory()
    first, second = MembershipFactory.create_batch(2, scheme=scheme, role="coordinator")
    real_save = Membership.save

    def slow_save(self, *args, **kwargs) -> None:
        time.sleep(0.3)
        real_save(self, *args, **kwargs)

    monkeypatch.setattr(Membership, "save", slow_save)
    barrier = threading.Barrier(2)
    responses = {}

    def step_down(membership: Membership) -> None:
        client = APIClient()
        client.force_login(membership.user)
        barrier.wait()
        try:
            responses[membership.pk] = client.patch(
                _member_url(membership), {"role": "volunteer"}, format="json"
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=step_down, args=(m,)) for m in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(r.status_code for r in responses.values()) == [200, 400]
    refused = next(r for r in responses.values() if r.status_code == 400)
    assert refused.json() == {
        "non_field_errors": [
            "Making them a volunteer would leave the scheme without a coordinator: "
            "make another member a coordinator first."
        ]
    }
    assert Membership.objects.filter(scheme=scheme, role="coordinator").count() == 1
