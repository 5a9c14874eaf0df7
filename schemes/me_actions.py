"""What ``/me/`` says a person may do with schemes (``accounts.actions``), each from the rule
in ``schemes.permissions`` or ``schemes.selectors``."""

from rest_framework import serializers

from accounts.actions import MeAction
from schemes import permissions, selectors

ACTIONS = [
    MeAction(
        name="propose_scheme",
        field=lambda: serializers.BooleanField(help_text="Propose a new scheme."),
        allowed=permissions.can_propose_scheme,
    ),
    MeAction(
        name="review_schemes",
        field=lambda: serializers.BooleanField(
            help_text="Review the proposed schemes of their force area (a police liaison)."
        ),
        allowed=permissions.can_review_schemes,
    ),
    MeAction(
        name="review_activity",
        field=lambda: serializers.BooleanField(
            help_text="Read what happened in the schemes they coordinate or cover."
        ),
        allowed=lambda user: selectors.may_review_activity(user=user),
    ),
    MeAction(
        name="decide_join_requests",
        field=lambda: serializers.BooleanField(
            help_text="Decide on requests to join the schemes they coordinate or cover."
        ),
        # The join requests queue is the activity log's audience: coordinators and liaisons.
        allowed=lambda user: selectors.may_review_activity(user=user),
    ),
]
