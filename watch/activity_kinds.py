"""The speedwatch app's kinds of activity in a scheme's log: what each is about, and how its
prose reads from the payload that ``watch.services`` records with it."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from schemes.activity import ActivityKind
from watch.models import SiteStatus, SpeedwatchActivity

# A decision's words, one message for each (Welsh says each differently).
_SITE_DECIDED = {
    SiteStatus.APPROVED: gettext_noop("%(actor)s: site %(site)s approved."),
    SiteStatus.REJECTED: gettext_noop("%(actor)s: site %(site)s rejected."),
    SiteStatus.SUSPENDED: gettext_noop("%(actor)s: site %(site)s suspended."),
}


def _site_proposed(actor: str, payload: Mapping[str, Any]) -> str:
    return _("%(actor)s proposed the site %(site)s (%(limit)s mph).") % {
        "actor": actor,
        "site": payload["site"],
        "limit": payload["speed_limit_mph"],
    }


def _site_decided(actor: str, payload: Mapping[str, Any]) -> str:
    summary = _(_SITE_DECIDED[SiteStatus(payload["to_status"])]) % {
        "actor": actor,
        "site": payload["site"],
    }
    reason = payload.get("reason", "")
    return f"{summary} {reason}" if reason else summary


def _session_submitted(actor: str, payload: Mapping[str, Any]) -> str:
    return _(
        "%(actor)s submitted a session at %(site)s: %(vehicles)s vehicles, %(offences)s "
        "offences (%(offending)s vehicles)."
    ) % {
        "actor": actor,
        "site": payload["site"],
        "vehicles": payload["vehicles_counted"],
        "offences": payload["offences"],
        "offending": payload["vehicles_offending"],
    }


def _session_amended(actor: str, payload: Mapping[str, Any]) -> str:
    return _("%(actor)s amended a session (%(changed)s): %(reason)s") % {
        "actor": actor,
        "changed": ", ".join(payload["changed"]),
        "reason": payload["reason"],
    }


KINDS: dict[str, ActivityKind] = {
    SpeedwatchActivity.SITE_PROPOSED: ActivityKind("site", _site_proposed),
    SpeedwatchActivity.SITE_APPROVED: ActivityKind("site", _site_decided),
    SpeedwatchActivity.SITE_REJECTED: ActivityKind("site", _site_decided),
    SpeedwatchActivity.SITE_SUSPENDED: ActivityKind("site", _site_decided),
    SpeedwatchActivity.SESSION_SUBMITTED: ActivityKind("session", _session_submitted),
    SpeedwatchActivity.SESSION_AMENDED: ActivityKind("session", _session_amended),
}
