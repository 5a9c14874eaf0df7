"""``GET config/``: what the frontend needs to know about this server.

Each app says what of its own rules the frontend may know (its ``config.public_settings``);
this composes them with the server's map settings, so no app below reads another's.
"""

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from notifications import config as notifications_config
from schemes import config as schemes_config
from watch import config as watch_config


class PointSerializer(serializers.Serializer):
    lat = serializers.FloatField()
    lon = serializers.FloatField()


class RiskQuestionSerializer(serializers.Serializer):
    key = serializers.CharField()
    question = serializers.CharField()


def _labels(help_text: str) -> serializers.DictField:
    return serializers.DictField(child=serializers.CharField(), help_text=help_text)


class LabelsSerializer(serializers.Serializer):
    """The words for each choice the API answers with, value to label, in the server's order."""

    scheme_kind = _labels("A scheme's kind.")
    scheme_status = _labels("A scheme's status.")
    member_role = _labels("A member's role.")
    member_status = _labels("A membership's status.")
    site_status = _labels("A speedwatch site's status.")
    session_status = _labels("A speedwatch session's status.")
    direction = _labels("The traffic watched at a site.")
    vehicle_type = _labels("An offending vehicle's type.")
    letter_action = _labels("The letter or referral an offence earned.")
    action_status = _labels("Where that letter or referral is.")
    dispute_outcome = _labels("What came of a keeper's dispute.")
    alert_category = _labels("An alert's category.")
    alert_status = _labels("An alert's status.")
    alert_channel = _labels("How a notice reaches its recipient.")
    audience = _labels("Whom an alert goes to.")
    severity = _labels("An alert's severity (CAP).")
    urgency = _labels("An alert's urgency (CAP).")
    response_type = _labels("What an alert asks people to do (CAP).")


class ConfigSerializer(serializers.Serializer):
    tile_url = serializers.CharField()
    tile_attribution = serializers.CharField()
    geocoder_enabled = serializers.BooleanField()
    default_centre = PointSerializer()
    default_zoom = serializers.IntegerField()
    webpush_public_key = serializers.CharField(help_text="VAPID public key; empty when off.")
    speedwatch_allowed_limits_mph = serializers.ListField(
        child=serializers.IntegerField(), help_text="The speed limits a speedwatch site may have."
    )
    speedwatch_threshold_mph = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="For each allowed limit, the lowest speed recorded as an offence.",
    )
    speedwatch_min_members_present = serializers.IntegerField(
        help_text="The fewest scheme members who must be present at a session."
    )
    speedwatch_session_max_hours = serializers.IntegerField(
        help_text="The longest a session may last, in hours."
    )
    speedwatch_device_check_max_age_days = serializers.IntegerField(
        help_text="How many days before a session the speed device's last accuracy check may be."
    )
    speedwatch_submit_within_hours = serializers.IntegerField(
        help_text="How many hours after its end a session may still be submitted."
    )
    scheme_radius_min_m = serializers.IntegerField(help_text="The smallest scheme radius.")
    scheme_radius_max_m = serializers.IntegerField(help_text="The largest scheme radius.")
    scheme_polygon_max_vertices = serializers.IntegerField(
        help_text="The most positions a scheme's boundary ring may have."
    )
    scheme_polygon_max_span_m = serializers.IntegerField(
        help_text="The longest a scheme's boundary may be, corner to corner of its box."
    )
    scheme_text_max_lengths = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="The longest text each scheme field takes (name, description, contacts).",
    )
    alert_radius_min_m = serializers.IntegerField(help_text="The smallest alert radius.")
    alert_radius_max_m = serializers.IntegerField(help_text="The largest alert radius.")
    speedwatch_risk_questions = RiskQuestionSerializer(
        many=True, help_text="The site risk assessment: each answer must be yes."
    )
    speedwatch_letters_posted = serializers.BooleanField(
        help_text="Whether liaisons post their letters through GOV.UK Notify from the app."
    )
    speedwatch_letter_postage = serializers.ChoiceField(
        choices=["first", "second", "economy"],
        help_text="The postage letters posted through Notify go with.",
    )
    labels = LabelsSerializer()


def public_settings() -> dict[str, Any]:
    """The whole answer, in the order the schema documents it."""
    gathered = {
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "default_centre": settings.MAP_DEFAULT_CENTRE,
        "default_zoom": settings.MAP_DEFAULT_ZOOM,
        **schemes_config.public_settings(),
        **watch_config.public_settings(),
        **notifications_config.public_settings(),
        "labels": {
            **schemes_config.labels(),
            **watch_config.labels(),
            **notifications_config.labels(),
        },
    }
    return ConfigSerializer(gathered).data


class ConfigView(APIView):
    """What the frontend needs to know about this server."""

    permission_classes = [AllowAny]
    # Public, and read by the web app before anything else (see accounts.authentication).
    second_factor_exempt = True

    @extend_schema(responses=ConfigSerializer)
    def get(self, request: Request) -> Response:
        return Response(public_settings())
