"""Who may manage an alert (see its delivery figures and replies, update or cancel it) and
who may edit its draft."""

from typing import NamedTuple, Protocol

from notifications.models import Alert, AlertStatus
from notifications.selectors import manages_incident
from schemes.models import Scheme, SchemeStatus
from schemes.permissions import AnyUser, is_coordinator, liaison_force


class AlertFacts(Protocol):
    """What the rules below read of an alert: an ``Alert``, or a ``ListedAlert``."""

    @property
    def issuer_id(self) -> int | None: ...

    @property
    def force(self) -> str: ...

    @property
    def status(self) -> str: ...


class ListedAlert(NamedTuple):
    """An alert as a list reads it from ``.values()`` rows: what the rules read, and no
    model per row."""

    issuer_id: int | None
    force: str
    status: str


def can_issue_force_alerts(user: AnyUser) -> bool:
    """Liaisons issue alerts anywhere in their force area, for no scheme in particular."""
    return liaison_force(user) is not None


def can_issue_alerts_for(user: AnyUser, scheme: Scheme) -> bool:
    """Coordinators issue alerts for an active scheme of theirs (inside its area)."""
    return is_coordinator(user, scheme) and scheme.status == SchemeStatus.ACTIVE


def can_manage_alert(user: AnyUser, alert: AlertFacts) -> bool:
    """The issuer, and the liaisons of the alert's force."""
    if not user.is_authenticated:
        return False
    return alert.issuer_id == user.pk or liaison_force(user) == alert.force


def can_edit_draft(user: AnyUser, alert: AlertFacts) -> bool:
    """A draft is its author's alone to edit, delete or publish."""
    return (
        user.is_authenticated and alert.status == AlertStatus.DRAFT and alert.issuer_id == user.pk
    )


def can_manage_incident(user: AnyUser, alert: Alert) -> bool:
    """Whoever manages one of the messages of the alert's incident (an alert, its updates
    and its cancellation): the issuer of any of them, and the liaisons of its force. They
    read and answer the replies to all of them, which the thread shows together."""
    return can_manage_alert(user, alert) or manages_incident(user=user, alert=alert)
