"""The alerts app's kinds of activity in a scheme's log: what each is about, and how its
prose reads from the payload that ``notifications.services`` records with it."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from notifications.models import AlertActivity
from schemes.activity import ActivityKind


def _published(actor: str, payload: Mapping[str, Any]) -> str:
    return _("%(actor)s published an alert: %(title)s") % {
        "actor": actor,
        "title": payload["title"],
    }


def _submitted(actor: str, payload: Mapping[str, Any]) -> str:
    return _("%(actor)s submitted an alert for approval: %(title)s") % {
        "actor": actor,
        "title": payload["title"],
    }


def _approved(actor: str, payload: Mapping[str, Any]) -> str:
    return _("%(actor)s approved an alert, which was then sent: %(title)s") % {
        "actor": actor,
        "title": payload["title"],
    }


def _sent_back(actor: str, payload: Mapping[str, Any]) -> str:
    return _("%(actor)s sent an alert back to its author: %(title)s. Comment: %(comment)s") % {
        "actor": actor,
        "title": payload["title"],
        "comment": payload["comment"],
    }


def _resubmitted(actor: str, payload: Mapping[str, Any]) -> str:
    return _("%(actor)s resubmitted an alert for approval: %(title)s") % {
        "actor": actor,
        "title": payload["title"],
    }


KINDS: dict[str, ActivityKind] = {
    AlertActivity.ALERT_PUBLISHED: ActivityKind("alert", _published),
    AlertActivity.ALERT_SUBMITTED: ActivityKind("alert", _submitted),
    AlertActivity.ALERT_APPROVED: ActivityKind("alert", _approved),
    AlertActivity.ALERT_SENT_BACK: ActivityKind("alert", _sent_back),
    AlertActivity.ALERT_RESUBMITTED: ActivityKind("alert", _resubmitted),
}
