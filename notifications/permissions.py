"""Who may manage an alert (see its delivery figures and replies, update or cancel it) and
who may edit its draft; and that a delivery receipt comes from GOV.UK Notify."""

import hmac
from typing import Any, NamedTuple, Protocol

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from notifications.models import Alert, AlertStatus, Approval
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

    @property
    def approval(self) -> str: ...


class ListedAlert(NamedTuple):
    """An alert as a list reads it from ``.values()`` rows: what the rules read, and no
    model per row."""

    issuer_id: int | None
    force: str
    status: str
    approval: str = ""


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
    """A draft is its author's alone to edit, delete or publish; not while it awaits a
    second liaison's approval (what they approve is what was submitted)."""
    return (
        user.is_authenticated
        and alert.status == AlertStatus.DRAFT
        and alert.issuer_id == user.pk
        and alert.approval != Approval.AWAITING
    )


def is_approver_for(user: AnyUser, alert: AlertFacts) -> bool:
    """A liaison of the alert's force other than its issuer: who approves it or sends it
    back when the force's policy asks for a second liaison."""
    return (
        user.is_authenticated and liaison_force(user) == alert.force and alert.issuer_id != user.pk
    )


def can_approve_alert(user: AnyUser, alert: AlertFacts) -> bool:
    """Approve it (publishing it) or send it back: an approver, while it awaits approval."""
    return (
        alert.status == AlertStatus.DRAFT
        and alert.approval == Approval.AWAITING
        and is_approver_for(user, alert)
    )


def can_keep_templates(user: AnyUser, force: str) -> bool:
    """A force's templates are written, changed and deleted by its liaisons."""
    return user.is_authenticated and liaison_force(user) == force


def can_manage_incident(user: AnyUser, alert: Alert) -> bool:
    """Whoever manages one of the messages of the alert's incident (an alert, its updates
    and its cancellation): the issuer of any of them, and the liaisons of its force. They
    read and answer the replies to all of them, which the thread shows together."""
    return can_manage_alert(user, alert) or manages_incident(user=user, alert=alert)


class NotifyCallbackAuthentication(BaseAuthentication):
    """Notify's callbacks carry ``Authorization: Bearer <token>``, the token configured for
    the service in Notify (``NOTIFY_CALLBACK_BEARER_TOKEN``), compared in constant time. No
    token configured: every callback is refused. A request without the token is answered
    401, with the challenge."""

    def authenticate(self, request: Request) -> tuple[Any, str] | None:
        expected = settings.NOTIFY_CALLBACK_BEARER_TOKEN.encode()
        scheme, _, token = get_authorization_header(request).partition(b" ")
        if (
            not expected
            or scheme.lower() != b"bearer"
            or not hmac.compare_digest(token.strip(), expected)
        ):
            raise exceptions.AuthenticationFailed("Not a callback from GOV.UK Notify.")
        return (None, "notify")

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="notify-callbacks"'


class NotifyCallbackScheme(OpenApiAuthenticationExtension):
    """How the schema states ``NotifyCallbackAuthentication``: a bearer token."""

    target_class = NotifyCallbackAuthentication
    name = "notifyCallbackToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "The bearer token set for delivery receipts in GOV.UK Notify "
            "(NOTIFY_CALLBACK_BEARER_TOKEN).",
        }


class IsNotifyCallback(BasePermission):
    def has_permission(self, request: Request, view: object) -> bool:
        return request.auth == "notify"
