"""Who may see and do what in Community Speedwatch. Vehicle registrations are personal data:
only a scheme's coordinators and the liaisons covering it see them."""

from schemes.models import Scheme, SchemeKind
from schemes.permissions import (
    AnyUser,
    is_coordinator,
    is_covering_liaison,
    liaison_force,
)
from watch.models import Site
from watch.services.sites import SITE_DECISIONS


def can_see_registrations(user: AnyUser, scheme: Scheme) -> bool:
    """``selectors.schemes.speedwatch_schemes_with_registrations`` (the rule of
    ``offences_visible_to``) for one scheme: its coordinators and covering liaisons. Asked
    of the memberships a list has read once, not as a query per row; the tests hold the two
    forms together."""
    return scheme.kind == SchemeKind.SPEEDWATCH and (
        is_coordinator(user, scheme) or is_covering_liaison(user, scheme)
    )


def can_run_sessions(user: AnyUser, scheme: Scheme) -> bool:
    """Propose sites, log and submit sessions, amend them: the scheme's coordinators."""
    return is_coordinator(user, scheme)


def can_review_speedwatch(user: AnyUser, scheme: Scheme) -> bool:
    """Approve sites, work the letters queue, settle disputes: the covering liaisons."""
    return is_covering_liaison(user, scheme)


def can_decide_vehicle(user: AnyUser, scheme: Scheme) -> bool:
    """Confirm or correct an offence the letters batch holds back for its vehicle (the DVLA's
    record differs): the scheme's coordinators, who logged it, and the covering liaisons,
    who work the batch."""
    return is_coordinator(user, scheme) or is_covering_liaison(user, scheme)


def site_decisions(user: AnyUser, site: Site) -> list[str]:
    """The statuses the user may move the site to now: for the covering liaisons, the next
    steps of its lifecycle (a proposal is approved or rejected, an approved site suspended,
    a suspended one reinstated); for anyone else, none."""
    if not can_review_speedwatch(user, site.scheme):
        return []
    return [to for (start, to) in SITE_DECISIONS if start == site.status]


def can_read_audit(user: AnyUser) -> bool:
    """The audit of registration searches and exports: police liaisons (their force area)
    and staff."""
    return bool(liaison_force(user)) or (user.is_authenticated and user.is_staff)


def can_review_speedwatch_anywhere(user: AnyUser) -> bool:
    """Review sites and work the letters queue of a force area: a police liaison (for each
    scheme, ``can_review_speedwatch``)."""
    return liaison_force(user) is not None
