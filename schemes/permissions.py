"""Who may change a scheme and see its members and private details: every such check lives
here. Who may know that a scheme exists at all is one rule, ``selectors.schemes_visible_to``
(``selectors.scheme_visible`` for one scheme).

Views call these helpers and nothing else, so a rule is written (and tested) once.
A user who may not know that an object exists gets 404 from the view; a user who can see
it but may not change it gets 403.
"""

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from schemes.models import Membership, MembershipRole, MembershipStatus, Scheme, SchemeStatus

AnyUser = User | AnonymousUser


def liaison_force(user: AnyUser) -> str | None:
    """The force a user is a police liaison for, or None."""
    if not user.is_authenticated:
        return None
    try:
        return user.liaison.force
    except User.liaison.RelatedObjectDoesNotExist:
        return None


def membership_of(user: AnyUser, scheme: Scheme) -> Membership | None:
    """The user's membership of the scheme (any status), cached on the scheme for the request."""
    if not user.is_authenticated:
        return None
    cache = scheme.__dict__.setdefault("_membership_cache", {})
    if user.pk not in cache:
        cache[user.pk] = Membership.objects.filter(scheme=scheme, user=user).first()
    return cache[user.pk]


def memberships_known(user: AnyUser, scheme: Scheme, known: dict[int, Membership]) -> None:
    """Remember the user's membership of the scheme (or that there is none) from ``known``,
    the user's memberships by scheme id read once, so a list's rules ask no more queries."""
    if user.is_authenticated:
        scheme.__dict__.setdefault("_membership_cache", {})[user.pk] = known.get(scheme.pk)


def memberships_by_scheme(user: AnyUser) -> dict[int, Membership]:
    """Every membership of the user, by scheme id: one query, for ``memberships_known``."""
    if not user.is_authenticated:
        return {}
    return {m.scheme_id: m for m in Membership.objects.filter(user=user)}


def memberships_known_for_list(context: dict, user: AnyUser, scheme: Scheme) -> None:
    """``memberships_known`` for a serializer: the user's memberships are read once per
    ``context`` (one response, a whole list), however many schemes its rows name."""
    known = context.get("_memberships_by_scheme")
    if known is None:
        known = context["_memberships_by_scheme"] = memberships_by_scheme(user)
    memberships_known(user, scheme, known)


def is_coordinator(user: AnyUser, scheme: Scheme) -> bool:
    membership = membership_of(user, scheme)
    return (
        membership is not None
        and membership.status == MembershipStatus.ACTIVE
        and membership.role == MembershipRole.COORDINATOR
    )


def is_covering_liaison(user: AnyUser, scheme: Scheme) -> bool:
    return liaison_force(user) == scheme.force


def is_proposer(user: AnyUser, scheme: Scheme) -> bool:
    return user.is_authenticated and scheme.proposed_by_id == user.pk


def is_undecided_proposer(user: AnyUser, scheme: Scheme) -> bool:
    """The proposer of a scheme that has not been approved: still proposed, or declined or
    withdrawn before approval (so the proposer can read the liaison's reason).

    Such a scheme has no members and its details are the proposer's own. Once approved, the
    proposer counts only as what their membership makes them, so one who left or was removed
    sees no more than anyone else.
    """
    return is_proposer(user, scheme) and (
        scheme.status == SchemeStatus.PROPOSED
        or (scheme.status == SchemeStatus.CLOSED and scheme.approved_at is None)
    )


def can_propose_scheme(user: AnyUser) -> bool:
    """Anyone signed in proposes a scheme; a liaison of the force then reviews it."""
    return user.is_authenticated


def can_review_schemes(user: AnyUser) -> bool:
    """Work the queue of proposals: a police liaison (each scheme: ``can_review_scheme``)."""
    return liaison_force(user) is not None


def can_manage_scheme(user: AnyUser, scheme: Scheme) -> bool:
    """Coordinators and covering liaisons run the scheme: members, details, activity."""
    return is_coordinator(user, scheme) or is_covering_liaison(user, scheme)


def can_edit_scheme(user: AnyUser, scheme: Scheme) -> bool:
    if scheme.status == SchemeStatus.CLOSED:
        return False
    if scheme.status == SchemeStatus.PROPOSED and is_proposer(user, scheme):
        return True
    return can_manage_scheme(user, scheme)


def can_review_scheme(user: AnyUser, scheme: Scheme) -> bool:
    """Approve, suspend and reinstate: the liaisons covering the scheme's force area."""
    return is_covering_liaison(user, scheme)


def can_see_private_details(user: AnyUser, scheme: Scheme) -> bool:
    """Full contact details and status history: managers, and the proposer until the scheme
    is approved (afterwards only as its coordinator)."""
    return can_manage_scheme(user, scheme) or is_undecided_proposer(user, scheme)


def can_view_members(user: AnyUser, scheme: Scheme) -> bool:
    """Member lists and contact details: coordinators and covering liaisons only."""
    return can_manage_scheme(user, scheme)


def can_import_neighbourhoods(user: AnyUser) -> bool:
    """Staff (for any force) and police liaisons (for their own) import the policing
    neighbourhoods alerts and the directory go by."""
    return bool(user.is_authenticated and (user.is_staff or liaison_force(user)))
