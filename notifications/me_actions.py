"""What ``/me/`` says a person may do with alerts (``accounts.actions``), each from the rule
in ``notifications.permissions``."""

from accounts.actions import scheme_ids, yes_no
from core.memo import remembered
from notifications import permissions
from schemes.permissions import AnyUser
from schemes.selectors import member_scheme_ids_where


@remembered
def _issue_alerts_for(user: AnyUser) -> list[int]:
    return member_scheme_ids_where(user=user, allowed=permissions.can_issue_alerts_for)


ACTIONS = [
    yes_no(
        "issue_force_alerts",
        "Issue alerts anywhere in their force area (a police liaison).",
        permissions.can_issue_force_alerts,
    ),
    scheme_ids(
        "issue_alerts_for",
        "The schemes they issue alerts for, inside each one's area (the active "
        "schemes they coordinate).",
        _issue_alerts_for,
    ),
    yes_no(
        "approve_alerts",
        "Approve or send back the alerts of their force that await a second liaison's "
        "approval, and set which need it (a police liaison).",
        permissions.can_issue_force_alerts,
    ),
    yes_no(
        "keep_alert_templates",
        "Write, change and delete their force's alert templates (a police liaison).",
        permissions.can_issue_force_alerts,
    ),
    yes_no(
        "issue_alerts",
        "Issue alerts at all: for their force area or for a scheme.",
        lambda user: permissions.can_issue_force_alerts(user) or bool(_issue_alerts_for(user)),
    ),
]
