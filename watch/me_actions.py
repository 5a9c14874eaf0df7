"""What ``/me/`` says a person may do in Community Speedwatch (``accounts.actions``), each
from the rule in ``watch.permissions`` or the selectors."""

from collections.abc import Callable

from rest_framework import serializers

from accounts.actions import MeAction
from schemes.models import Scheme, SchemeKind
from schemes.permissions import AnyUser
from schemes.selectors import member_scheme_ids_where
from watch import permissions
from watch.selectors.schemes import speedwatch_schemes_visible_to


def _speedwatch_schemes_where(
    rule: Callable[[AnyUser, Scheme], bool],
) -> Callable[[AnyUser], list[int]]:
    return lambda user: member_scheme_ids_where(user=user, allowed=rule, kind=SchemeKind.SPEEDWATCH)


def _scheme_ids(help_text: str) -> serializers.Field:
    return serializers.ListField(child=serializers.IntegerField(), help_text=help_text)


ACTIONS = [
    MeAction(
        name="use_speedwatch",
        field=lambda: serializers.BooleanField(
            help_text="Open the speedwatch hub: a member of a speedwatch scheme, or a liaison."
        ),
        allowed=lambda user: (
            permissions.can_review_speedwatch_anywhere(user)
            or speedwatch_schemes_visible_to(user=user).exists()
        ),
    ),
    MeAction(
        name="run_sessions",
        field=lambda: _scheme_ids(
            "The speedwatch schemes whose sites they propose and whose sessions they log "
            "(those they coordinate)."
        ),
        allowed=_speedwatch_schemes_where(permissions.can_run_sessions),
    ),
    MeAction(
        name="review_sites",
        field=lambda: serializers.BooleanField(
            help_text="Decide on the speedwatch sites of their force area (a police liaison)."
        ),
        allowed=permissions.can_review_speedwatch_anywhere,
    ),
    MeAction(
        name="work_letters",
        field=lambda: serializers.BooleanField(
            help_text="Work the letters queue of their force area (a police liaison)."
        ),
        allowed=permissions.can_review_speedwatch_anywhere,
    ),
    MeAction(
        name="read_statistics",
        field=lambda: serializers.BooleanField(
            help_text="Read the statistics of the speedwatch schemes they reach."
        ),
        allowed=lambda user: speedwatch_schemes_visible_to(user=user).exists(),
    ),
    MeAction(
        name="read_audit",
        field=lambda: serializers.BooleanField(
            help_text="Read the audit of registration searches and exports."
        ),
        allowed=permissions.can_read_audit,
    ),
]
