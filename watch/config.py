"""What the frontend may know about the speedwatch rules of this server (``GET config/``)."""

from typing import Any

from django.conf import settings

from watch.models import (
    Action,
    ActionStatus,
    Direction,
    DisputeOutcome,
    SessionStatus,
    SiteStatus,
    VehicleType,
)
from watch.rules import RISK_QUESTIONS, threshold_mph


def public_settings() -> dict[str, Any]:
    return {
        "speedwatch_allowed_limits_mph": settings.SPEEDWATCH_ALLOWED_LIMITS_MPH,
        # Keyed by the limit as text (JSON keys are strings); the server's own rule, so the
        # site form never recomputes it.
        "speedwatch_threshold_mph": {
            str(limit): threshold_mph(limit) for limit in settings.SPEEDWATCH_ALLOWED_LIMITS_MPH
        },
        # The session rules the server applies, so the session forms can say them.
        "speedwatch_min_members_present": settings.SPEEDWATCH_MIN_MEMBERS_PRESENT,
        "speedwatch_session_max_hours": settings.SPEEDWATCH_SESSION_MAX_HOURS,
        "speedwatch_device_check_max_age_days": settings.SPEEDWATCH_DEVICE_CHECK_MAX_AGE_DAYS,
        "speedwatch_submit_within_hours": settings.SPEEDWATCH_SUBMIT_WITHIN_HOURS,
        # The site form asks the server's questions, in its order, in its words.
        "speedwatch_risk_questions": [
            {"key": key, "question": question} for key, question in RISK_QUESTIONS.items()
        ],
    }


def labels() -> dict[str, dict[str, str]]:
    """The words for this app's choices, from the models' own choices, in the request's
    language where a model's labels are translated."""
    return {
        key: {value: str(label) for value, label in choices}
        for key, choices in (
            ("site_status", SiteStatus.choices),
            ("session_status", SessionStatus.choices),
            ("direction", Direction.choices),
            ("vehicle_type", VehicleType.choices),
            ("letter_action", Action.choices),
            ("action_status", ActionStatus.choices),
            ("dispute_outcome", DisputeOutcome.choices),
        )
    }
