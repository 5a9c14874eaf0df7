"""The schemes' own kinds of activity: what each is about, and how its prose reads from the
payload that ``schemes.services`` records with it (registered in ``SchemesConfig.ready``)."""

from collections.abc import Mapping
from typing import Any

from schemes.activity import ActivityKind
from schemes.models import ActivityType, SchemeKind


def _proposed(actor: str, payload: Mapping[str, Any]) -> str:
    if payload.get("in_admin"):
        return f"{actor} added {payload['scheme']} in the admin."
    return f"{actor} proposed {payload['scheme']} ({SchemeKind(payload['kind']).label})."


def _updated(actor: str, payload: Mapping[str, Any]) -> str:
    return f"{actor} changed the scheme's details."


def _status_changed(actor: str, payload: Mapping[str, Any]) -> str:
    step = f"{actor}: {payload['from_status']} → {payload['to_status']}"
    reason = payload.get("reason", "")
    return f"{step}. {reason}".strip() if reason else f"{step}."


def _requested(actor: str, payload: Mapping[str, Any]) -> str:
    return f"{payload['member']} asked to join."


def _joined(actor: str, payload: Mapping[str, Any]) -> str:
    if payload.get("first_coordinator"):
        return f"{payload['member']} joined as the first coordinator."
    return f"{actor} approved {payload['member']}'s request to join."


def _declined(actor: str, payload: Mapping[str, Any]) -> str:
    summary = f"{actor} declined {payload['member']}'s request to join."
    if payload.get("reason"):
        summary += f" Reason: {payload['reason']}"
    return summary


def _decline_undone(actor: str, payload: Mapping[str, Any]) -> str:
    return f"{actor} undid declining {payload['member']}'s request to join: it is waiting again."


def _left(actor: str, payload: Mapping[str, Any]) -> str:
    if payload.get("account_deleted"):
        if payload.get("was_pending"):
            return "A request to join was withdrawn: its sender deleted their account."
        return "A member deleted their account and left the scheme."
    if payload.get("was_pending"):
        return f"{payload['member']} withdrew their request to join."
    return f"{payload['member']} left the scheme."


def _removed(actor: str, payload: Mapping[str, Any]) -> str:
    return f"{actor} removed {payload['member']}."


def _role_changed(actor: str, payload: Mapping[str, Any]) -> str:
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
