"""What ``/me/`` says a person may do with alerts (``accounts.actions``), each from the rule
in ``notifications.permissions``."""

from rest_framework import serializers

from accounts.actions import MeAction
from notifications import permissions
from schemes.permissions import AnyUser
from schemes.selectors import member_scheme_ids_where


def _issue_alerts_for(user: AnyUser) -> list[int]:
    return member_scheme_ids_where(user=user, allowed=permissions.can_issue_alerts_for)


ACTIONS = [
    MeAction(
        name="issue_force_alerts",
        field=lambda: serializers.BooleanField(
            help_text="Issue alerts anywhere in their force area (a police liaison)."
        ),
        allowed=permissions.can_issue_force_alerts,
    ),
    MeAction(
        name="issue_alerts_for",
        field=lambda: serializers.ListField(
            child=serializers.IntegerField(),
            help_text="The schemes they issue alerts for, inside each one's area (the active "
            "schemes they coordinate).",
        ),
        allowed=_issue_alerts_for,
    ),
    MeAction(
        name="issue_alerts",
        field=lambda: serializers.BooleanField(
            help_text="Issue alerts at all: for their force area or for a scheme."
        ),
        allowed=lambda user: (
            permissions.can_issue_force_alerts(user) or bool(_issue_alerts_for(user))
        ),
    ),
]
