"""Building alerts for tests: a draft with sensible details, any of which a test overrides."""

from typing import Any

from accounts.models import User
from notifications.models import Alert
from notifications.services import alert_draft

MILL_ROAD = {"lat": 52.1985, "lon": 0.141, "radius_m": 300}


def draft_alert(issuer: User, *, area: dict[str, Any] | None = None, **details: Any) -> Alert:
    """A liaison's draft (no scheme): a burglary alert for coordinators around Mill Road,
    with ``details`` and ``area`` replacing what a test cares about."""
    return alert_draft(
        issuer=issuer,
        details={
            "title": "Burglary on Mill Road",
            "body": "Side doors forced overnight.",
            "category": "burglary",
            "severity": "Moderate",
            "urgency": "Immediate",
            "audience": "coordinators",
            **details,
        },
        area=area or MILL_ROAD,
        scheme=None,
    )
