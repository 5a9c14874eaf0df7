from collections.abc import Mapping
from typing import Any, cast

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.forces import PoliceForce, force_name_shown
from accounts.models import User
from accounts.validators import validate_phone
from areas import limits
from areas.geo import rfc7946_polygon
from areas.serializers import AreaInputSerializer, PolygonField, RadiusField
from core.fields import StepBeforeField
from core.serializers import ModelSerializer, Serializer
from schemes import permissions, selectors, services
from schemes.activity import ACTIVITY_KINDS, ACTIVITY_OBJECT_TYPES
from schemes.models import (
    ActivityEvent,
    Membership,
    MembershipRole,
    MembershipStatus,
    Neighbourhood,
    Scheme,
    SchemeKind,
    SchemeStatus,
    SchemeStatusChange,
)


class SchemeRefSerializer(ModelSerializer):
    """The few fields that name a scheme wherever something points at one."""

    class Meta:
        model = Scheme
        fields = ["id", "name", "kind", "status"]
        read_only_fields = fields


class NeighbourhoodRefSerializer(ModelSerializer):
    """The fields that name a policing neighbourhood."""

    class Meta:
        model = Neighbourhood
        fields = ["id", "ref", "name"]
        read_only_fields = fields


class NeighbourhoodSerializer(ModelSerializer):
    """A policing neighbourhood of a force's current set, and how many active schemes lie
    in it (``active_schemes``, from the list's context)."""

    active_schemes = serializers.SerializerMethodField(
        help_text="How many active schemes of the force lie in it (their areas overlap)."
    )

    class Meta:
        model = Neighbourhood
        fields = ["id", "ref", "name", "force", "imported_at", "active_schemes"]
        read_only_fields = fields

    def get_active_schemes(self, neighbourhood: Neighbourhood) -> int:
        return int(self.context.get("active_schemes", {}).get(neighbourhood.pk, 0))


class NeighbourhoodImportInputSerializer(Serializer):
    """A file of a force's neighbourhood boundaries (GeoJSON FeatureCollection or KML)."""

    file = serializers.FileField(
        help_text="GeoJSON FeatureCollection or KML: one feature (Placemark) per neighbourhood "
        "with its id (id, ref, code or neighbourhood_id), name and Polygon or MultiPolygon."
    )
    force = serializers.ChoiceField(
        choices=PoliceForce.choices,
        required=False,
        help_text="The force whose set this replaces: staff name it; a liaison's is their own.",
    )


class NeighbourhoodForceSerializer(Serializer):
    force = serializers.ChoiceField(choices=PoliceForce.choices)


class NeighbourhoodsImportedSerializer(Serializer):
    force = serializers.ChoiceField(choices=PoliceForce.choices)
    neighbourhoods = serializers.IntegerField(help_text="How many the force's set now holds.")
    added = serializers.IntegerField()
    changed = serializers.IntegerField(help_text="Kept their id, with a new name or boundary.")
    removed = serializers.IntegerField()


def scheme_ref(scheme: Scheme) -> dict[str, Any]:
    """``SchemeRefSerializer``'s output, built directly for the lists that name a scheme in
    each row (DRF's per-field work, for four plain columns, cost more than the rest of the
    row); a test holds the two to the same output."""
    return {"id": scheme.pk, "name": scheme.name, "kind": scheme.kind, "status": scheme.status}


class SchemeSummarySerializer(ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    force_name = serializers.CharField(source="force_name_shown", read_only=True)
    lat = serializers.FloatField(source="centre_lat", read_only=True)
    lon = serializers.FloatField(source="centre_lon", read_only=True)
    boundary = PolygonField(read_only=True, allow_null=True)
    distance_m = serializers.SerializerMethodField(
        help_text="Metres from the searched point to the area's nearest edge (0 inside it)."
    )
    member_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Scheme
        fields = [
            "id",
            "name",
            "kind",
            "kind_display",
            "status",
            "force",
            "force_name",
            "lat",
            "lon",
            "radius_m",
            "boundary",
            "distance_m",
            "member_count",
        ]
        read_only_fields = fields

    def get_distance_m(self, scheme: Scheme) -> int | None:
        return getattr(scheme, "distance_m", None)


# The columns a directory row is made from, for ``.values()`` (``member_count`` is the
# annotation of ``selectors.with_member_count``).
SCHEME_SUMMARY_COLUMNS = (
    "id",
    "name",
    "kind",
    "status",
    "force",
    "centre_lat",
    "centre_lon",
    "radius_m",
    "boundary",
    "member_count",
)
# Lazy: each row names its kind in the language of the request that reads it.
_KIND_NAMES = dict(SchemeKind.choices)


def scheme_summary(row: Mapping[str, Any]) -> dict[str, Any]:
    """``SchemeSummarySerializer``'s output for one row of ``SCHEME_SUMMARY_COLUMNS`` (and
    ``distance_m`` when searched near a point), built directly.

    The directory is the busiest list of all and its rows are plain columns: DRF's per-field
    machinery cost about 1 ms a row, more than the queries. The serializer stays the schema's
    description of the row; a test holds the two to the same output.
    """
    boundary = row["boundary"]
    radius = row["radius_m"]
    return {
        "id": row["id"],
        "name": row["name"],
        "kind": row["kind"],
        "kind_display": str(_KIND_NAMES.get(row["kind"], row["kind"])),
        "status": row["status"],
        "force": row["force"],
        "force_name": force_name_shown(row["force"]) if row["force"] else "",
        "lat": float(row["centre_lat"]),
        "lon": float(row["centre_lon"]),
        "radius_m": None if radius is None else int(radius),
        "boundary": None if boundary is None else rfc7946_polygon(boundary),
        "distance_m": row.get("distance_m"),
        "member_count": int(row.get("member_count") or 0),
    }


def scheme_summary_of(scheme: Scheme) -> dict[str, Any]:
    """``scheme_summary`` of a scheme read as a model (a "near me" search's)."""
    row = {column: getattr(scheme, column, None) for column in SCHEME_SUMMARY_COLUMNS}
    return scheme_summary({**row, "distance_m": getattr(scheme, "distance_m", None)})


class RequesterStatusField(serializers.ChoiceField):
    """A membership's status as its own user sees it: a decline that the coordinator can
    still undo reads as pending until the undo window has passed."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            choices=MembershipStatus.choices,
            source="status_for_requester",
            read_only=True,
            **kwargs,
        )


class MyMembershipSerializer(ModelSerializer):
    status = RequesterStatusField()
    decline_reason = serializers.SerializerMethodField(
        help_text="The coordinator's reason, once a decline is final."
    )

    class Meta:
        model = Membership
        fields = ["id", "role", "status", "decline_reason"]
        read_only_fields = fields

    def get_decline_reason(self, membership: Membership) -> str:
        return membership.decline_reason if membership.decline_settled else ""


class SchemeContactSerializer(Serializer):
    name = serializers.CharField()
    email = serializers.EmailField(required=False)
    phone = serializers.CharField(required=False)


class ProposerSerializer(Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.EmailField()


class SchemeActionsSerializer(Serializer):
    """What the viewer may do with the scheme, each from ``schemes.permissions``."""

    manage = serializers.BooleanField(help_text="Run it: members, details, activity.")
    edit = serializers.BooleanField(help_text="Change its details (edit).")
    review = serializers.BooleanField(help_text="Approve, suspend, reinstate (status/).")
    see_history = serializers.BooleanField(help_text="Read its status history.")
    view_members = serializers.BooleanField(help_text="See its members and their contacts.")
    change_status = serializers.ListField(
        child=serializers.ChoiceField(choices=SchemeStatus.choices),
        help_text="The statuses the viewer may move it to now (status/): approve, decline, "
        "suspend, reinstate, close, withdraw.",
    )


def scheme_actions(user: Any, scheme: Scheme) -> dict[str, Any]:
    # status/ answers only those who see the scheme's private details; then the lifecycle's
    # own rule says which steps.
    steps = (
        services.scheme_status_steps(scheme=scheme, actor=user)
        if permissions.can_see_private_details(user, scheme)
        else []
    )
    return {
        "manage": permissions.can_manage_scheme(user, scheme),
        "edit": permissions.can_edit_scheme(user, scheme),
        "review": permissions.can_review_scheme(user, scheme),
        "see_history": permissions.can_see_private_details(user, scheme),
        "view_members": permissions.can_view_members(user, scheme),
        "change_status": steps,
    }


class SchemeDetailSerializer(SchemeSummarySerializer):
    contact = serializers.SerializerMethodField()
    proposer = serializers.SerializerMethodField(
        help_text="Who proposed the scheme: for its coordinators and covering liaisons, and "
        "the proposer, as the status history is."
    )
    my_membership = serializers.SerializerMethodField()
    can_manage = serializers.SerializerMethodField()
    can_edit = serializers.SerializerMethodField()
    can_review = serializers.SerializerMethodField()
    can_see_history = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField(
        help_text="What the viewer may do with it (the can_* fields are kept for old clients)."
    )
    neighbourhoods = serializers.SerializerMethodField(
        help_text="The policing neighbourhoods of its force it lies in, by name."
    )

    class Meta(SchemeSummarySerializer.Meta):
        fields = [
            *SchemeSummarySerializer.Meta.fields,
            "neighbourhoods",
            "description",
            "contact",
            "show_contact_email",
            "show_contact_phone",
            "created_at",
            "approved_at",
            "my_membership",
            "can_manage",
            "can_edit",
            "can_review",
            "can_see_history",
            "actions",
            "proposer",
        ]
        read_only_fields = fields

    @property
    def _user(self) -> Any:
        return self.context["request"].user

    @extend_schema_field(NeighbourhoodRefSerializer(many=True))
    def get_neighbourhoods(self, scheme: Scheme) -> list[dict[str, Any]]:
        return [
            {"id": neighbourhood.pk, "ref": neighbourhood.ref, "name": neighbourhood.name}
            for neighbourhood in selectors.neighbourhoods_of_scheme(scheme=scheme)
        ]

    @extend_schema_field(SchemeContactSerializer)
    def get_contact(self, scheme: Scheme) -> dict[str, str]:
        """The public sees only what the scheme chose to show; its managers see everything."""
        private = permissions.can_see_private_details(self._user, scheme)
        contact = {"name": scheme.contact_name}
        if scheme.contact_email and (private or scheme.show_contact_email):
            contact["email"] = scheme.contact_email
        if scheme.contact_phone and (private or scheme.show_contact_phone):
            contact["phone"] = scheme.contact_phone
        return contact

    @extend_schema_field(ProposerSerializer(allow_null=True))
    def get_proposer(self, scheme: Scheme) -> dict[str, Any] | None:
        if scheme.proposed_by_id is None or not permissions.can_see_private_details(
            self._user, scheme
        ):
            return None
        proposer = cast(User, scheme.proposed_by)  # proposed_by_id is set
        return {"id": proposer.pk, "name": proposer.name, "email": proposer.email}

    @extend_schema_field(MyMembershipSerializer(allow_null=True))
    def get_my_membership(self, scheme: Scheme) -> dict[str, Any] | None:
        membership = permissions.membership_of(self._user, scheme)
        return MyMembershipSerializer(membership).data if membership else None

    @extend_schema_field(SchemeActionsSerializer)
    def get_actions(self, scheme: Scheme) -> dict[str, Any]:
        return scheme_actions(self._user, scheme)

    def get_can_manage(self, scheme: Scheme) -> bool:
        return permissions.can_manage_scheme(self._user, scheme)

    def get_can_edit(self, scheme: Scheme) -> bool:
        return permissions.can_edit_scheme(self._user, scheme)

    def get_can_review(self, scheme: Scheme) -> bool:
        return permissions.can_review_scheme(self._user, scheme)

    def get_can_see_history(self, scheme: Scheme) -> bool:
        """Whether ``status-history/`` answers: managers, and a proposer until approval (so a
        declined proposer can read the liaison's reason)."""
        return permissions.can_see_private_details(self._user, scheme)


class SchemeInputSerializer(AreaInputSerializer):
    """A proposal, or (partially) new details for a scheme. The area is a circle given by
    ``lat``, ``lon`` and ``radius_m``, or a ``boundary`` polygon."""

    name = serializers.CharField(max_length=120)
    kind = serializers.ChoiceField(choices=SchemeKind.choices)
    description = serializers.CharField(max_length=5000, allow_blank=True, required=False)
    force = serializers.ChoiceField(choices=PoliceForce.choices)
    radius_m = RadiusField(limits=limits.scheme_radius, required=False)
    contact_name = serializers.CharField(max_length=150, allow_blank=True, required=False)
    contact_email = serializers.EmailField(allow_blank=True, required=False)
    contact_phone = serializers.CharField(
        max_length=20, allow_blank=True, required=False, validators=[validate_phone]
    )
    show_contact_email = serializers.BooleanField(required=False)
    show_contact_phone = serializers.BooleanField(required=False)

    circle_incomplete_message = gettext_lazy("Required with the other circle fields.")

    def split(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """(details, area) for the services."""
        return self.split_area()


def scheme_text_max_lengths() -> dict[str, int]:
    """The text limits of a proposal, for the frontend's form (``GET config/``)."""
    # The fields read here are all CharFields (or EmailFields, which are too).
    fields = cast(dict[str, serializers.CharField], SchemeInputSerializer().fields)
    names = ("name", "description", "contact_name", "contact_email", "contact_phone")
    return {name: length for name in names if (length := fields[name].max_length)}


class StatusChangeInputSerializer(Serializer):
    status = serializers.ChoiceField(
        choices=[SchemeStatus.ACTIVE, SchemeStatus.SUSPENDED, SchemeStatus.CLOSED]
    )
    reason = serializers.CharField(max_length=1000, allow_blank=True, required=False, default="")


class StatusChangeSerializer(ModelSerializer):
    from_status = StepBeforeField(
        choices=SchemeStatus.choices,
        help_text="The status before the change; null for the first step.",
    )
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = SchemeStatusChange
        fields = ["id", "from_status", "to_status", "actor_name", "reason", "at"]
        read_only_fields = fields

    def get_actor_name(self, change: SchemeStatusChange) -> str:
        return change.actor.name if change.actor else ""


class JoinInputSerializer(Serializer):
    message = serializers.CharField(max_length=500, allow_blank=True, required=False, default="")


class MembershipSerializer(ModelSerializer):
    """A user's own membership, with the scheme it is of."""

    scheme = SchemeSummarySerializer(read_only=True)
    status = RequesterStatusField()
    decline_reason = serializers.SerializerMethodField(
        help_text="The coordinator's reason, once a decline is final."
    )
    join_requests_waiting = serializers.SerializerMethodField(
        help_text="For a coordinator: requests to join this scheme waiting for a decision."
    )

    class Meta:
        model = Membership
        fields = [
            "id",
            "scheme",
            "role",
            "status",
            "message",
            "requested_at",
            "joined_at",
            "decline_reason",
            "join_requests_waiting",
        ]
        read_only_fields = fields

    def get_decline_reason(self, membership: Membership) -> str:
        return membership.decline_reason if membership.decline_settled else ""

    def get_join_requests_waiting(self, membership: Membership) -> int | None:
        if (
            membership.role != MembershipRole.COORDINATOR
            or membership.status != MembershipStatus.ACTIVE
            or membership.scheme.status != SchemeStatus.ACTIVE
        ):
            return None
        return getattr(membership, "join_requests_waiting", None)


class MemberUserSerializer(Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.EmailField()
    phone = serializers.CharField()
    postcode = serializers.CharField()


class MemberSerializer(ModelSerializer):
    """A member as their coordinators and liaisons see them, contact details included."""

    user = MemberUserSerializer(read_only=True)
    scheme = SchemeRefSerializer(read_only=True)
    decline_undo_until = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text="Until when a decline can be undone; the requester is told afterwards.",
    )

    class Meta:
        model = Membership
        fields = [
            "id",
            "user",
            "scheme",
            "role",
            "status",
            "message",
            "requested_at",
            "joined_at",
            "decided_at",
            "decline_reason",
            "decline_undo_until",
        ]
        read_only_fields = fields


class DeclineInputSerializer(Serializer):
    reason = serializers.CharField(
        max_length=500,
        allow_blank=True,
        required=False,
        default="",
        help_text="Optional: sent to the requester once the decline can no longer be undone.",
    )


class MemberRoleInputSerializer(Serializer):
    role = serializers.ChoiceField(choices=MembershipRole.choices)


class ActivityEventSerializer(ModelSerializer):
    # Null for an event of the force itself (a liaison's alert for their force).
    scheme = SchemeRefSerializer(read_only=True, allow_null=True)
    type = serializers.ChoiceField(choices=ACTIVITY_KINDS, read_only=True)  # type: ignore[arg-type]  # the registry reads as (kind, label) pairs
    type_display = serializers.CharField(source="type_label", read_only=True)
    # In the reader's language (the log keeps its English: ActivityEvent.summary).
    summary = serializers.CharField(source="summary_read", read_only=True)
    actor_name = serializers.CharField(source="actor_name_read", read_only=True)
    object_type = serializers.ChoiceField(
        choices=ACTIVITY_OBJECT_TYPES,  # type: ignore[arg-type]  # the registry reads as (type, label) pairs
        read_only=True,
        help_text="The type of object the event is about: its kind says which.",
    )
    object_id = serializers.CharField(
        read_only=True, help_text="That object's id, as text (a number or a UUID)."
    )
    payload = serializers.DictField(
        read_only=True,
        help_text="The facts the summary was written from, which depend on the type; empty "
        "for events recorded before the log kept them.",
    )

    class Meta:
        model = ActivityEvent
        fields = [
            "id",
            "scheme",
            "type",
            "type_display",
            "object_type",
            "object_id",
            "force",
            "payload",
            "actor_name",
            "summary",
            "at",
        ]
        read_only_fields = fields


class NearQuerySerializer(Serializer):
    """Query parameters of a "near me" search: a point, or a place to geocode."""

    lat = serializers.FloatField(required=False, min_value=-90, max_value=90)
    lon = serializers.FloatField(required=False, min_value=-180, max_value=180)
    place = serializers.CharField(required=False, max_length=100)
    radius_m = serializers.IntegerField(required=False, min_value=1)

    def validate_radius_m(self, value: int) -> int:
        if value > settings.NEAR_RADIUS_MAX_M:
            raise serializers.ValidationError(
                _("Search at most %(radius)d metres around a point.")
                % {"radius": settings.NEAR_RADIUS_MAX_M}
            )
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        has_point = "lat" in attrs or "lon" in attrs
        if has_point and not ("lat" in attrs and "lon" in attrs):
            field = "lon" if "lat" in attrs else "lat"
            raise serializers.ValidationError({field: [_("Give both lat and lon.")]})
        if has_point and "place" in attrs:
            raise serializers.ValidationError(
                {"place": [_("Search by lat and lon, or by place, not both.")]}
            )
        if "radius_m" in attrs and not (has_point or "place" in attrs):
            raise serializers.ValidationError(
                {"radius_m": [_("A radius needs lat and lon, or a place, to search around.")]}
            )
        return attrs


class ForceLocateQuerySerializer(Serializer):
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lon = serializers.FloatField(min_value=-180, max_value=180)


class ForceRefSerializer(Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ForceSuggestionSerializer(Serializer):
    force = serializers.CharField(allow_null=True, help_text="The suggested force's code.")
    force_name = serializers.CharField(help_text="Empty when nothing is suggested.")
    confidence = serializers.ChoiceField(
        choices=["confirmed", "likely", "uncertain", "unknown"],
        help_text="confirmed: police.uk knows it; likely: the nearest places agree; "
        "uncertain: near a border, check it; unknown: nothing suggested.",
    )
    source = serializers.ChoiceField(choices=["police.uk", "nearby places"])  # type: ignore[assignment]  # a field named like Field.source; DRF takes it off the class
    message = serializers.CharField(help_text="The suggestion in words, with how sure it is.")
    alternatives = serializers.SerializerMethodField(
        help_text="Other forces it could be, nearest first."
    )

    @extend_schema_field(ForceRefSerializer(many=True))
    def get_alternatives(self, suggestion: Any) -> list[dict[str, str]]:
        return [{"code": code, "name": force_name_shown(code)} for code in suggestion.alternatives]


class GeocodeQuerySerializer(Serializer):
    q = serializers.CharField(
        max_length=100, help_text="A UK postcode or the name of a town or village."
    )


class GeocodeResultSerializer(Serializer):
    query = serializers.CharField()
    lat = serializers.FloatField()
    lon = serializers.FloatField()
