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


KINDS: dict[str, ActivityKind] = {
    AlertActivity.ALERT_PUBLISHED: ActivityKind("alert", _published),
}
