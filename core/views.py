"""The frontend's entry page and the small public reference endpoints."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import ensure_csrf_cookie
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.forces import PoliceForce
from schemes.geocoding import geocoding_enabled
from schemes.serializers import scheme_text_max_lengths
from watch.rules import threshold_mph


@ensure_csrf_cookie
def frontend(request: HttpRequest) -> HttpResponse:
    """Serve the single-page app's shell for every address the frontend routes itself."""
    index = settings.FRONTEND_DIST / "index.html"
    if not index.is_file():
        return HttpResponse(
            "The frontend has not been built: run `make run` (or `npm run build` in frontend/).",
            status=503,
            content_type="text/plain",
        )
    return HttpResponse(index.read_bytes(), content_type="text/html; charset=utf-8")


def service_worker(request: HttpRequest) -> HttpResponse:
    """The frontend's service worker (offline app shell, saved API reads, web push), served
    from the root so that its scope is the whole site; the files it precaches are under
    /static/. Never cached by the browser's HTTP cache, so a new version is found at once."""
    script = settings.FRONTEND_DIST / "sw.js"
    if not script.is_file():
        return HttpResponse(status=404)
    response = HttpResponse(script.read_bytes(), content_type="application/javascript")
    response["Cache-Control"] = "no-cache"
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> JsonResponse:
    """JSON, like every other API error, when the CSRF check refuses a request."""
    return JsonResponse(
        {"detail": f"CSRF check failed: {reason} Fetch /api/v1/auth/csrf/ and send X-CSRFToken."},
        status=403,
    )


def api_not_found(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"detail": "There is no API endpoint at this address."}, status=404)


class PointSerializer(serializers.Serializer):
    lat = serializers.FloatField()
    lon = serializers.FloatField()


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


class ConfigView(APIView):
    """What the frontend needs to know about this server."""

    permission_classes = [AllowAny]
    # Public, and read by the web app before anything else (see accounts.authentication).
    second_factor_exempt = True

    @extend_schema(responses=ConfigSerializer)
    def get(self, request: Request) -> Response:
        return Response(
            {
                "tile_url": settings.MAP_TILE_URL,
                "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
                "geocoder_enabled": geocoding_enabled(),
                "default_centre": settings.MAP_DEFAULT_CENTRE,
                "default_zoom": settings.MAP_DEFAULT_ZOOM,
                "webpush_public_key": settings.WEBPUSH_VAPID_PUBLIC_KEY,
                "speedwatch_allowed_limits_mph": settings.SPEEDWATCH_ALLOWED_LIMITS_MPH,
                # Keyed by the limit as text (JSON keys are strings); the server's own rule,
                # so the site form never recomputes it.
                "speedwatch_threshold_mph": {
                    str(limit): threshold_mph(limit)
                    for limit in settings.SPEEDWATCH_ALLOWED_LIMITS_MPH
                },
                # The session rules the server applies, so the session forms can say them.
                "speedwatch_min_members_present": settings.SPEEDWATCH_MIN_MEMBERS_PRESENT,
                "speedwatch_session_max_hours": settings.SPEEDWATCH_SESSION_MAX_HOURS,
                "speedwatch_device_check_max_age_days": (
                    settings.SPEEDWATCH_DEVICE_CHECK_MAX_AGE_DAYS
                ),
                "speedwatch_submit_within_hours": settings.SPEEDWATCH_SUBMIT_WITHIN_HOURS,
                # The scheme form checks what the server checks, with the same limits.
                "scheme_radius_min_m": settings.SCHEME_RADIUS_MIN_M,
                "scheme_radius_max_m": settings.SCHEME_RADIUS_MAX_M,
                "scheme_polygon_max_vertices": settings.SCHEME_POLYGON_MAX_VERTICES,
                "scheme_polygon_max_span_m": settings.SCHEME_POLYGON_MAX_SPAN_M,
                "scheme_text_max_lengths": scheme_text_max_lengths(),
            }
        )


class ForceSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ForceQuerySerializer(serializers.Serializer):
    search = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="Words in the name."
    )
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="The same as search, under the name the other lists use.",
    )
    ordering = serializers.ChoiceField(
        choices=["code", "-code", "name", "-name"],
        required=False,
        help_text="Sort by code (the default) or name; a leading - reverses.",
    )


class ForceListView(ListAPIView):
    """The 43 territorial police forces of England and Wales."""

    permission_classes = [AllowAny]
    serializer_class = ForceSerializer
    # A fixed list in code, not a table: searched and sorted here rather than by the
    # queryset filter backends, with the same parameter names they use.
    filter_backends: list[type] = []

    def get_queryset(self) -> list[dict[str, str]]:  # type: ignore[override]
        # A plain dict, so that an empty ``ordering`` is refused as the value it is rather
        # than read the way an HTML form's blank field is, as left out.
        query = ForceQuerySerializer(data=self.request.query_params.dict())
        query.is_valid(raise_exception=True)
        text = query.validated_data.get("search") or query.validated_data.get("q") or ""
        words = text.lower().split()
        forces = [
            {"code": code, "name": name}
            for code, name in PoliceForce.choices
            if all(word in name.lower() for word in words)
        ]
        ordering = query.validated_data.get("ordering", "code")
        return sorted(
            forces, key=lambda force: force[ordering.lstrip("-")], reverse=ordering[0] == "-"
        )

    @extend_schema(parameters=[ForceQuerySerializer])
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)
