"""The speedwatch app's kinds of activity in a scheme's log: what each is about, and how its
prose reads from the payload that ``watch.services`` records with it."""

from collections.abc import Mapping
from typing import Any

from schemes.activity import ActivityKind
from watch.models import SpeedwatchActivity


def _site_proposed(actor: str, payload: Mapping[str, Any]) -> str:
    return f"{actor} proposed the site {payload['site']} ({payload['speed_limit_mph']} mph)."


def _site_decided(actor: str, payload: Mapping[str, Any]) -> str:
    summary = f"{actor}: site {payload['site']} {payload['to_status']}."
    reason = payload.get("reason", "")
    return f"{summary} {reason}" if reason else summary


def _session_submitted(actor: str, payload: Mapping[str, Any]) -> str:
    return (
        f"{actor} submitted a session at {payload['site']}: "
        f"{payload['vehicles_counted']} vehicles, {payload['offences']} offences "
        f"({payload['vehicles_offending']} vehicles)."
    )


def _session_amended(actor: str, payload: Mapping[str, Any]) -> str:
    return f"{actor} amended a session ({', '.join(payload['changed'])}): {payload['reason']}"


KINDS: dict[str, ActivityKind] = {
    SpeedwatchActivity.SITE_PROPOSED: ActivityKind("site", _site_proposed),
    SpeedwatchActivity.SITE_APPROVED: ActivityKind("site", _site_decided),
    SpeedwatchActivity.SITE_REJECTED: ActivityKind("site", _site_decided),
    SpeedwatchActivity.SITE_SUSPENDED: ActivityKind("site", _site_decided),
    SpeedwatchActivity.SESSION_SUBMITTED: ActivityKind("session", _session_submitted),
    SpeedwatchActivity.SESSION_AMENDED: ActivityKind("session", _session_amended),
}
