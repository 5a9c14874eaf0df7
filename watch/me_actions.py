"""What ``/me/`` says a person may do in Community Speedwatch (``accounts.actions``), each
from the rule in ``watch.permissions`` or the selectors."""

from collections.abc import Callable

from accounts.actions import scheme_ids, yes_no
from core.memo import remembered
from schemes.models import Scheme, SchemeKind
from schemes.permissions import AnyUser
from schemes.selectors import member_scheme_ids_where
from watch import permissions
from watch.selectors.schemes import speedwatch_schemes_visible_to


@remembered
def _sees_speedwatch(user: AnyUser) -> bool:
    return speedwatch_schemes_visible_to(user=user).exists()


def _speedwatch_schemes_where(
    rule: Callable[[AnyUser, Scheme], bool],
) -> Callable[[AnyUser], list[int]]:
    return lambda user: member_scheme_ids_where(user=user, allowed=rule, kind=SchemeKind.SPEEDWATCH)


ACTIONS = [
    yes_no(
        "use_speedwatch",
        "Open the speedwatch hub: a member of a speedwatch scheme, or a liaison.",
        lambda user: permissions.can_review_speedwatch_anywhere(user) or _sees_speedwatch(user),
    ),
    scheme_ids(
        "run_sessions",
        "The speedwatch schemes whose sites they propose and whose sessions they log "
        "(those they coordinate).",
        _speedwatch_schemes_where(permissions.can_run_sessions),
    ),
    yes_no(
        "review_sites",
        "Decide on the speedwatch sites of their force area (a police liaison).",
        permissions.can_review_speedwatch_anywhere,
    ),
    yes_no(
        "work_letters",
        "Work the letters queue of their force area (a police liaison).",
        permissions.can_review_speedwatch_anywhere,
    ),
    yes_no(
        "read_statistics",
        "Read the statistics of the speedwatch schemes they reach.",
        _sees_speedwatch,
    ),
    yes_no(
        "read_audit",
        "Read the audit of registration searches and exports.",
        permissions.can_read_audit,
    ),
]
