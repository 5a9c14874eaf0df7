"""The schemes' own kinds of activity: what each is about, and how its prose reads from the
payload that ``schemes.services`` records with it (registered in ``SchemesConfig.ready``)."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from schemes.activity import ActivityKind
from schemes.models import ActivityType, SchemeKind, status_word


def _proposed(actor: str, payload: Mapping[str, Any]) -> str:
    if payload.get("in_admin"):
        return _("%(actor)s added %(scheme)s in the admin.") % {
            "actor": actor,
            "scheme": payload["scheme"],
        }
    return _("%(actor)s proposed %(scheme)s (%(kind)s).") % {
        "actor": actor,
        "scheme": payload["scheme"],
        "kind": SchemeKind(payload["kind"]).label,
    }


def _updated(actor: str, payload: Mapping[str, Any]) -> str:
    return _("%(actor)s changed the scheme's details.") % {"actor": actor}


def _status_changed(actor: str, payload: Mapping[str, Any]) -> str:
    step = f"{actor}: {status_word(payload['from_status'])} → {status_word(payload['to_status'])}"
    reason = payload.get("reason", "")
    return f"{step}. {reason}".strip() if reason else f"{step}."


def _requested(actor: str, payload: Mapping[str, Any]) -> str:
    return _("%(member)s asked to join.") % {"member": payload["member"]}


def _joined(actor: str, payload: Mapping[str, Any]) -> str:
    if payload.get("first_coordinator"):
        return _("%(member)s joined as the first coordinator.") % {"member": payload["member"]}
    return _("%(actor)s approved %(member)s's request to join.") % {
        "actor": actor,
        "member": payload["member"],
    }


def _declined(actor: str, payload: Mapping[str, Any]) -> str:
    summary = _("%(actor)s declined %(member)s's request to join.") % {
        "actor": actor,
        "member": payload["member"],
    }
    if payload.get("reason"):
        summary += " " + _("Reason: %(reason)s") % {"reason": payload["reason"]}
    return summary


def _decline_undone(actor: str, payload: Mapping[str, Any]) -> str:
    return _("%(actor)s undid declining %(member)s's request to join: it is waiting again.") % {
        "actor": actor,
        "member": payload["member"],
    }


def _left(actor: str, payload: Mapping[str, Any]) -> str:
    if payload.get("account_deleted"):
        if payload.get("was_pending"):
            return _("A request to join was withdrawn: its sender deleted their account.")
        return _("A member deleted their account and left the scheme.")
    if payload.get("was_pending"):
        return _("%(member)s withdrew their request to join.") % {"member": payload["member"]}
    return _("%(member)s left the scheme.") % {"member": payload["member"]}


def _removed(actor: str, payload: Mapping[str, Any]) -> str:
    return _("%(actor)s removed %(member)s.") % {"actor": actor, "member": payload["member"]}


def _role_changed(actor: str, payload: Mapping[str, Any]) -> str:
    # One sentence per role: languages do not all put a role after "a" unchanged.
    facts = {"actor": actor, "member": payload["member"]}
    if payload["role"] == "coordinator":
        return _("%(actor)s made %(member)s a coordinator.") % facts
    if payload["role"] == "volunteer":
        return _("%(actor)s made %(member)s a volunteer.") % facts
    return f"{actor} made {payload['member']} a {payload['role']}."


KINDS: dict[str, ActivityKind] = {
    ActivityType.SCHEME_PROPOSED: ActivityKind("scheme", _proposed),
    ActivityType.SCHEME_UPDATED: ActivityKind("scheme", _updated),
    ActivityType.SCHEME_APPROVED: ActivityKind("scheme", _status_changed),
    ActivityType.SCHEME_SUSPENDED: ActivityKind("scheme", _status_changed),
    ActivityType.SCHEME_REINSTATED: ActivityKind("scheme", _status_changed),
    ActivityType.SCHEME_CLOSED: ActivityKind("scheme", _status_changed),
    ActivityType.MEMBER_REQUESTED: ActivityKind("membership", _requested),
    ActivityType.MEMBER_JOINED: ActivityKind("membership", _joined),
    ActivityType.MEMBER_DECLINED: ActivityKind("membership", _declined),
    ActivityType.MEMBER_DECLINE_UNDONE: ActivityKind("membership", _decline_undone),
    ActivityType.MEMBER_LEFT: ActivityKind("membership", _left),
    ActivityType.MEMBER_REMOVED: ActivityKind("membership", _removed),
    ActivityType.ROLE_CHANGED: ActivityKind("membership", _role_changed),
}
