"""Who may manage an alert: see its delivery figures and replies, update or cancel it."""

from notifications.models import Alert
from schemes.permissions import AnyUser, liaison_force


def can_manage_alert(user: AnyUser, alert: Alert) -> bool:
    """The issuer, and the liaisons of the alert's force."""
    if not user.is_authenticated:
        return False
    return alert.issuer_id == user.pk or liaison_force(user) == alert.force
