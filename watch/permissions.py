"""Who may see and do what in Community Speedwatch. Vehicle registrations are personal data:
only a scheme's coordinators and the liaisons covering it see them."""

from schemes.models import Scheme
from schemes.permissions import (
    AnyUser,
    is_coordinator,
    is_covering_liaison,
)


def can_see_registrations(user: AnyUser, scheme: Scheme) -> bool:
    return is_coordinator(user, scheme) or is_covering_liaison(user, scheme)


def can_run_sessions(user: AnyUser, scheme: Scheme) -> bool:
    """Propose sites, log and submit sessions, amend them: the scheme's coordinators."""
    return is_coordinator(user, scheme)


def can_review_speedwatch(user: AnyUser, scheme: Scheme) -> bool:
    """Approve sites, work the letters queue, settle disputes: the covering liaisons."""
    return is_covering_liaison(user, scheme)
