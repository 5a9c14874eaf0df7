"""What the frontend may know about the schemes rules of this server (``GET config/``)."""

from typing import Any

from django.conf import settings

from schemes.geocoding import geocoding_enabled
from schemes.models import MembershipRole, MembershipStatus, SchemeKind, SchemeStatus
from schemes.serializers import scheme_text_max_lengths


def public_settings() -> dict[str, Any]:
    return {
        "geocoder_enabled": geocoding_enabled(),
        # The scheme form checks what the server checks, with the same limits.
        "scheme_radius_min_m": settings.SCHEME_RADIUS_MIN_M,
        "scheme_radius_max_m": settings.SCHEME_RADIUS_MAX_M,
        "scheme_polygon_max_vertices": settings.SCHEME_POLYGON_MAX_VERTICES,
        "scheme_polygon_max_span_m": settings.SCHEME_POLYGON_MAX_SPAN_M,
        "scheme_text_max_lengths": scheme_text_max_lengths(),
    }


def labels() -> dict[str, dict[str, str]]:
    """The words for this app's choices, from the models' own choices, in the request's
    language where a model's labels are translated."""
    return {
        key: {value: str(label) for value, label in choices}
        for key, choices in (
            ("scheme_kind", SchemeKind.choices),
            ("scheme_status", SchemeStatus.choices),
            ("member_role", MembershipRole.choices),
            ("member_status", MembershipStatus.choices),
        )
    }
