"""The speedwatch schemes a user reaches: as member, as coordinator, as liaison of the force
area. Every other read of speedwatch starts from these."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from core import visibility
from schemes.models import Membership, MembershipRole, MembershipStatus, Scheme, SchemeKind
from schemes.permissions import AnyUser, liaison_force


def _schemes_where(
    user: AnyUser, *, coordinators_only: bool, with_force: bool = True
) -> QuerySet[Scheme]:
    """Speedwatch schemes the user belongs to (or coordinates), and (``with_force``) all of a
    liaison's force."""
    if not user.is_authenticated:
        return Scheme.objects.none()
    memberships = Membership.objects.filter(
        scheme=OuterRef("pk"), user=user, status=MembershipStatus.ACTIVE
    )
    if coordinators_only:
        memberships = memberships.filter(role=MembershipRole.COORDINATOR)
    visible = Q(Exists(memberships))
    force = liaison_force(user) if with_force else None
    if force:
        visible |= Q(force=force)
    return Scheme.objects.filter(visible, kind=SchemeKind.SPEEDWATCH)


@visibility.rule("speedwatch scheme")
def speedwatch_schemes_visible_to(*, user: AnyUser) -> QuerySet[Scheme]:
    """The speedwatch schemes whose sites, sessions and statistics the user sees: their
    members' (a volunteer sees registrations masked) and the force area's liaisons'."""
    return _schemes_where(user, coordinators_only=False)


def speedwatch_schemes_with_registrations(*, user: AnyUser) -> QuerySet[Scheme]:
    """Schemes whose vehicle registrations the user may see: as coordinator or liaison."""
    return _schemes_where(user, coordinators_only=True)


def speedwatch_schemes_run_by(*, user: AnyUser) -> QuerySet[Scheme]:
    """Schemes whose sites and sessions the user runs: those they coordinate (the query form
    of ``permissions.can_run_sessions``, so that a list asks once)."""
    return _schemes_where(user, coordinators_only=True, with_force=False)
