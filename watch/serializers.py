from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from accounts.models import Language
from accounts.validators import normalise_postcode
from areas import geo
from core.fields import StepBeforeField
from core.filters import PERIOD_BACKWARDS, period_is_backwards, utc_in_range
from core.serializers import ModelSerializer, Serializer, api_datetime, one_time_zone
from schemes.models import Scheme
from schemes.permissions import (
    AnyUser,
    memberships_by_scheme,
    memberships_known,
    memberships_known_for_list,
)
from schemes.serializers import SchemeRefSerializer, scheme_ref
from watch import permissions, rules
from watch.models import (
    Action,
    ActionStatus,
    AuditRecord,
    Direction,
    DisputeOutcome,
    LetterPostage,
    Offence,
    PostedLetter,
    Session,
    SessionAmendment,
    Site,
    SiteStatus,
    SiteStatusChange,
    VehicleCheckStatus,
    VehicleType,
)
from watch.registrations import (
    compact_registration,
    display_registration,
    mask_registration,
    normalise_registration,
)
from watch.rules import RISK_QUESTIONS

# The lists below build their rows by hand from ``.values()`` rows (``queue_offence_rows``,
# ``session_rows``): DRF's per-field work, and a model for each offence, its site and its
# scheme, were most of a page's time. Values go through the same DRF fields the serializers
# declare (datetimes through ``api_datetime``, DRF's output made cheaper), so they read
# exactly alike; tests/test_list_rows.py holds each list to its serializer.
_DATE = serializers.DateField()
_ACTION_NAMES = dict(Action.choices)


def _when(value: Any) -> Any:
    return api_datetime(value)


class PersonSerializer(Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class RiskAnswerSerializer(Serializer):
    key = serializers.CharField()
    question = serializers.CharField()
    answer = serializers.BooleanField(allow_null=True, help_text="Null: not answered.")


class SiteActionsSerializer(Serializer):
    """What the viewer may do with the site, each from ``watch.permissions``."""

    see_history = serializers.BooleanField(help_text="Read who proposed and decided it.")
    decide = serializers.BooleanField(help_text="Approve, reject, suspend or reinstate it.")
    run_sessions = serializers.BooleanField(
        help_text="Log sessions at it, once approved (its scheme's coordinators)."
    )


class SessionActionsSerializer(Serializer):
    """What the viewer may do with the session, each from ``watch.permissions``."""

    change = serializers.BooleanField(
        help_text="Edit and submit the draft, amend it once submitted (the coordinators)."
    )
    see_registrations = serializers.BooleanField(help_text="See its offences' registrations.")
    settle_disputes = serializers.BooleanField(
        help_text="Record what came of a dispute of its offences (the covering liaisons)."
    )


def _viewer_knowing_memberships(serializer: serializers.BaseSerializer, scheme: Any) -> Any:
    """The viewer, with their memberships read once for the whole response; None without a
    request."""
    request = serializer.context.get("request")
    if request is None:
        return None
    memberships_known_for_list(serializer.context, request.user, scheme)
    return request.user


class SiteSerializer(ModelSerializer):
    """A site, with what the viewer may do with it. Who proposed it is for its scheme's
    coordinators and the covering liaisons (``can_see_history``), like its history."""

    scheme = SchemeRefSerializer(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    threshold_mph = serializers.SerializerMethodField(
        help_text="The lowest speed recorded as an offence at this site."
    )
    risk_answers = serializers.SerializerMethodField(
        help_text="The risk assessment, each question in words with its answer."
    )
    proposed_by = serializers.SerializerMethodField()
    can_see_history = serializers.SerializerMethodField(
        help_text="Whether the viewer may read who proposed and decided it (history/)."
    )
    decisions = serializers.SerializerMethodField(
        help_text="The statuses the viewer may move the site to now (decision/)."
    )
    can_decide = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField(
        help_text="What the viewer may do with it (can_see_history and can_decide are kept "
        "for old clients)."
    )

    class Meta:
        model = Site
        fields = [
            "id",
            "scheme",
            "name",
            "road_name",
            "lat",
            "lon",
            "speed_limit_mph",
            "threshold_mph",
            "direction",
            "notes",
            "risk_assessment",
            "risk_answers",
            "status",
            "status_display",
            "decision_reason",
            "decided_at",
            "created_at",
            "proposed_by",
            "can_see_history",
            "decisions",
            "can_decide",
            "actions",
        ]
        read_only_fields = fields

    @extend_schema_field(SiteActionsSerializer)
    def get_actions(self, site: Site) -> dict[str, bool]:
        return {
            "see_history": self.get_can_see_history(site),
            "decide": self.get_can_decide(site),
            # ``runs_sessions`` comes from selectors.sites_visible_to, once for a whole list.
            "run_sessions": bool(getattr(site, "runs_sessions", False)),
        }

    def get_threshold_mph(self, site: Site) -> int:
        return rules.threshold_mph(site.speed_limit_mph)

    @extend_schema_field(RiskAnswerSerializer(many=True))
    def get_risk_answers(self, site: Site) -> list[dict[str, Any]]:
        answers = site.risk_assessment if isinstance(site.risk_assessment, dict) else {}
        return [
            {"key": key, "question": question, "answer": answers.get(key)}
            for key, question in RISK_QUESTIONS.items()
        ]

    def get_can_see_history(self, site: Site) -> bool:
        # ``managed`` comes from selectors.sites_visible_to, once for a whole list.
        return bool(getattr(site, "managed", False))

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_proposed_by(self, site: Site) -> dict[str, Any] | None:
        if not self.get_can_see_history(site) or site.proposed_by is None:
            return None
        return {"id": site.proposed_by.pk, "name": site.proposed_by.name}

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=SiteStatus.choices))
    )
    def get_decisions(self, site: Site) -> list[str]:
        request = self.context.get("request")
        return permissions.site_decisions(request.user, site) if request else []

    def get_can_decide(self, site: Site) -> bool:
        return bool(self.get_decisions(site))


class SiteStatusChangeSerializer(ModelSerializer):
    from_status = StepBeforeField(
        choices=SiteStatus.choices,
        help_text="The status before the change; null for the first step.",
    )
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = SiteStatusChange
        fields = ["id", "from_status", "to_status", "actor_name", "reason", "at"]
        read_only_fields = fields

    def get_actor_name(self, change: SiteStatusChange) -> str:
        return change.actor.name if change.actor else ""


@extend_schema_field({"type": "boolean", "enum": [True]})
class RiskAnswerField(serializers.BooleanField):
    """A risk assessment answer: the schema says what the check below does, that only yes
    lets a site be proposed."""


class RiskAssessmentSerializer(Serializer):
    """Yes/no answers to the standard site risk assessment; all must be yes."""

    safe_standing_place = RiskAnswerField(help_text=RISK_QUESTIONS["safe_standing_place"])
    clear_view = RiskAnswerField(help_text=RISK_QUESTIONS["clear_view"])
    no_obstruction = RiskAnswerField(help_text=RISK_QUESTIONS["no_obstruction"])
    parking_nearby = RiskAnswerField(help_text=RISK_QUESTIONS["parking_nearby"])

    def validate(self, attrs: dict[str, bool]) -> dict[str, bool]:
        unsafe = [RISK_QUESTIONS[key] for key, answer in attrs.items() if not answer]
        if unsafe:
            raise serializers.ValidationError(
                [
                    _("Not safe for a session: %(question)s") % {"question": question}
                    for question in unsafe
                ]
            )
        return attrs


class SiteInputSerializer(Serializer):
    scheme = serializers.IntegerField()
    name = serializers.CharField(max_length=120)
    road_name = serializers.CharField(max_length=120)
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lon = serializers.FloatField(min_value=-180, max_value=180)
    speed_limit_mph = serializers.IntegerField(min_value=1, max_value=70)
    direction = serializers.ChoiceField(choices=Direction.choices)
    notes = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")
    risk_assessment = RiskAssessmentSerializer()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        try:
            geo.validate_point(attrs["lat"], attrs["lon"])
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"lat": exc.messages}) from exc
        return attrs


class SiteDecisionSerializer(Serializer):
    status = serializers.ChoiceField(
        choices=[SiteStatus.APPROVED, SiteStatus.REJECTED, SiteStatus.SUSPENDED]
    )
    reason = serializers.CharField(max_length=1000, allow_blank=True, required=False, default="")


class OffenceInputSerializer(Serializer):
    id = serializers.UUIDField(required=False, help_text="Client-generated, for safe retries.")
    registration = serializers.CharField(max_length=16)
    make = serializers.CharField(max_length=40, allow_blank=True, required=False, default="")
    model = serializers.CharField(max_length=40, allow_blank=True, required=False, default="")
    colour = serializers.CharField(max_length=30, allow_blank=True, required=False, default="")
    vehicle_type = serializers.ChoiceField(choices=VehicleType.choices, required=False)
    speed_mph = serializers.IntegerField(min_value=1, max_value=200)
    observed_at = serializers.DateTimeField()
    direction = serializers.ChoiceField(choices=Direction.choices, required=False)


class OffenceSerializer(ModelSerializer):
    """An offence as a coordinator or liaison sees it. The escalation step is the police's
    once the session is submitted; until then it is provisional and not shown."""

    action = serializers.ChoiceField(
        choices=Action.choices,
        read_only=True,
        allow_null=True,
        help_text="The letter or referral it earned; null while its session is a draft.",
    )
    action_display = serializers.CharField(
        source="get_action_display", read_only=True, allow_null=True
    )
    action_status = serializers.ChoiceField(
        choices=ActionStatus.choices,
        read_only=True,
        allow_null=True,
        help_text="Null while its session is a draft.",
    )
    submitted = serializers.BooleanField(
        read_only=True, help_text="Whether its session has been submitted."
    )

    class Meta:
        model = Offence
        fields = [
            "id",
            "session",
            "registration",
            "registration_format",
            "make",
            "model",
            "colour",
            "vehicle_type",
            "speed_mph",
            "speed_limit_mph",
            "observed_at",
            "direction",
            "action",
            "action_display",
            "action_status",
            "voided",
            "dispute_outcome",
            "dispute_note",
            "anonymised_at",
            "submitted",
        ]
        read_only_fields = fields

    def to_representation(self, offence: Offence) -> dict[str, Any]:
        data = super().to_representation(offence)
        if not offence.submitted:
            for field in ("action", "action_display", "action_status"):
                if field in data:
                    data[field] = None
        return data


class MaskedOffenceSerializer(OffenceSerializer):
    """What a volunteer sees: the registration masked, nothing about letters."""

    registration = serializers.SerializerMethodField()

    class Meta(OffenceSerializer.Meta):
        fields = [
            "id",
            "registration",
            "make",
            "model",
            "colour",
            "vehicle_type",
            "speed_mph",
            "speed_limit_mph",
            "observed_at",
            "direction",
            "voided",
        ]
        read_only_fields = fields

    def get_registration(self, offence: Offence) -> str:
        return mask_registration(offence.registration)


class OffenceActionsSerializer(Serializer):
    dispute = serializers.BooleanField(
        help_text="Record what came of a keeper's dispute: the covering liaisons, once its "
        "session is submitted."
    )


# The columns a row of the offences lists is made from, for ``.values()``: the offence's,
# its site's names, and its scheme's, whose ``force`` and ``kind`` the viewer's rules read.
SCHEME_REF_COLUMNS = ["name", "kind", "status", "force"]
QUEUE_OFFENCE_COLUMNS = (
    *(name for name in OffenceSerializer.Meta.fields if name != "action_display"),
    "vehicle_check",
    "scheme",
    *(f"scheme__{name}" for name in SCHEME_REF_COLUMNS),
    "site__name",
    "site__road_name",
)


# Each Scheme field a page's rows carry, and the row's column that holds it.
_SCHEME_ROW_FIELDS = {"id": "scheme", **{name: f"scheme__{name}" for name in SCHEME_REF_COLUMNS}}


def _page_schemes(rows: list[Mapping[str, Any]]) -> dict[int, Scheme]:
    """The schemes a page's rows name, each made once from its row's ``scheme__`` columns (no
    query): the viewer's rules, written once for models, read these few fields of them. Every
    other field is deferred, as ``.only()`` would leave it, so a rule that ever reads one more
    gets the stored value (at the cost of a query the list's query-count tests would show),
    never a silent default."""
    # from_db takes the values in the model's field order.
    names = [f.attname for f in Scheme._meta.concrete_fields if f.attname in _SCHEME_ROW_FIELDS]
    schemes: dict[int, Scheme] = {}
    for row in rows:
        if row["scheme"] not in schemes:
            values = [row[_SCHEME_ROW_FIELDS[name]] for name in names]
            schemes[row["scheme"]] = Scheme.from_db("default", names, values)
    return schemes


def queue_offence_rows(rows: Iterable[Mapping[str, Any]], user: AnyUser) -> list[dict[str, Any]]:
    """``QueueOffenceSerializer``'s output for each row of ``QUEUE_OFFENCE_COLUMNS``."""
    rows = list(rows)
    schemes = _page_schemes(rows)
    reviews = {
        pk: permissions.can_review_speedwatch(user, scheme) for pk, scheme in schemes.items()
    }
    with one_time_zone():
        return [
            _queue_offence_row(row, schemes[row["scheme"]], reviews[row["scheme"]]) for row in rows
        ]


def _queue_offence_row(row: Mapping[str, Any], scheme: Scheme, reviews: bool) -> dict[str, Any]:
    submitted = row["submitted"]
    action = row["action"]
    return {
        "id": str(row["id"]),
        "session": row["session"],
        "registration": row["registration"],
        "registration_format": row["registration_format"],
        "make": row["make"],
        "model": row["model"],
        "colour": row["colour"],
        "vehicle_type": row["vehicle_type"],
        "speed_mph": row["speed_mph"],
        "speed_limit_mph": row["speed_limit_mph"],
        "observed_at": _when(row["observed_at"]),
        "direction": row["direction"],
        "action": action if submitted else None,
        # Django's get_action_display() makes a dict of the choices for each call.
        "action_display": str(_ACTION_NAMES.get(action, action)) if submitted else None,
        "action_status": row["action_status"] if submitted else None,
        "voided": row["voided"],
        "dispute_outcome": row["dispute_outcome"],
        "dispute_note": row["dispute_note"],
        "anonymised_at": _when(row["anonymised_at"]),
        "submitted": submitted,
        "vehicle_check": row["vehicle_check"],
        "scheme": scheme_ref(scheme),
        "site_name": row["site__name"],
        "road_name": row["site__road_name"],
        "actions": {"dispute": bool(submitted) and reviews},
    }


class QueueOffenceSerializer(OffenceSerializer):
    scheme = SchemeRefSerializer(read_only=True)
    site_name = serializers.CharField(source="site.name", read_only=True)
    road_name = serializers.CharField(source="site.road_name", read_only=True)
    actions = serializers.SerializerMethodField(help_text="What the viewer may do with it.")
    vehicle_check = serializers.ChoiceField(
        choices=VehicleCheckStatus.choices,
        read_only=True,
        help_text="What the DVLA's register said of the vehicle: not_checked where vehicle "
        "checks are off or the DVLA could not be asked (such offences are not held back).",
    )

    class Meta(OffenceSerializer.Meta):
        fields = [
            *OffenceSerializer.Meta.fields,
            "vehicle_check",
            "scheme",
            "site_name",
            "road_name",
            "actions",
        ]
        read_only_fields = fields

    @extend_schema_field(OffenceActionsSerializer)
    def get_actions(self, offence: Offence) -> dict[str, bool]:
        request = self.context.get("request")
        return {
            "dispute": request is not None
            and bool(offence.submitted)
            and permissions.can_review_speedwatch(request.user, offence.scheme)
        }


class SessionDetailsSerializer(Serializer):
    """What a draft session says about itself; sent whole to log one, partly to edit it."""

    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField()
    vehicles_counted = serializers.IntegerField(min_value=0, max_value=100_000)
    device_name = serializers.CharField(max_length=100)
    device_serial = serializers.CharField(max_length=50)
    device_checked_on = serializers.DateField()
    notes = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")
    present = serializers.ListField(
        child=serializers.IntegerField(), max_length=100, help_text="User ids of members present."
    )


@extend_schema_field(OffenceInputSerializer(many=True))
class OffenceRowsField(serializers.ListField):
    """A list of offences, each checked later on its own (``OffenceInputSerializer``) with
    the session's rules, so that every bad row of the batch is reported by its number."""

    child = serializers.JSONField()


class SessionInputSerializer(SessionDetailsSerializer):
    id = serializers.UUIDField(required=False, help_text="Client-generated, for safe retries.")
    site = serializers.IntegerField()
    offences = OffenceRowsField(required=False, default=list)


class SiteRefSerializer(ModelSerializer):
    """A session's site: what its record and the roadside form show of it."""

    threshold_mph = serializers.SerializerMethodField(
        help_text="The lowest speed recorded as an offence at this site."
    )

    class Meta:
        model = Site
        fields = ["id", "name", "road_name", "speed_limit_mph", "threshold_mph"]
        read_only_fields = fields

    def get_threshold_mph(self, site: Site) -> int:
        return rules.threshold_mph(site.speed_limit_mph)


# The columns a row of the sessions list is made from, for ``.values()`` (``offence_count`` is
# the annotation of ``selectors.sessions.sessions_visible_to``, ``people_present`` that of
# ``selectors.sessions.with_people_present``).
SESSION_COLUMNS = (
    "id",
    "started_at",
    "ended_at",
    "vehicles_counted",
    "device_name",
    "device_serial",
    "device_checked_on",
    "notes",
    "volunteer_minutes",
    "status",
    "submitted_at",
    "offence_count",
    "people_present",
    "scheme",
    *(f"scheme__{name}" for name in SCHEME_REF_COLUMNS),
    "site",
    *(f"site__{name}" for name in ["name", "road_name", "speed_limit_mph"]),
)


def session_rows(rows: Iterable[Mapping[str, Any]], user: AnyUser) -> list[dict[str, Any]]:
    """``SessionSerializer``'s output for each row of ``SESSION_COLUMNS``. The viewer's
    memberships are read once for the page (not at all for an empty one), and what the viewer
    may do worked out once for each of its schemes."""
    rows = list(rows)
    if not rows:
        return []
    memberships = memberships_by_scheme(user)
    schemes = _page_schemes(rows)
    actions = {}
    for pk, scheme in schemes.items():
        memberships_known(user, scheme, memberships)
        actions[pk] = _session_actions(user, scheme)
    with one_time_zone():
        return [_session_row(row, schemes[row["scheme"]], actions) for row in rows]


def _session_actions(user: AnyUser, scheme: Scheme) -> dict[str, bool]:
    return {
        "change": permissions.can_run_sessions(user, scheme),
        "see_registrations": permissions.can_see_registrations(user, scheme),
        "settle_disputes": permissions.can_review_speedwatch(user, scheme),
    }


def _session_row(
    row: Mapping[str, Any], scheme: Scheme, actions: dict[int, dict[str, bool]]
) -> dict[str, Any]:
    speed_limit_mph = row["site__speed_limit_mph"]
    return {
        "id": str(row["id"]),
        "scheme": scheme_ref(scheme),
        "site": {
            "id": row["site"],
            "name": row["site__name"],
            "road_name": row["site__road_name"],
            "speed_limit_mph": speed_limit_mph,
            "threshold_mph": rules.threshold_mph(speed_limit_mph),
        },
        "started_at": _when(row["started_at"]),
        "ended_at": _when(row["ended_at"]),
        "vehicles_counted": row["vehicles_counted"],
        "device_name": row["device_name"],
        "device_serial": row["device_serial"],
        "device_checked_on": _DATE.to_representation(row["device_checked_on"]),
        "notes": row["notes"],
        "present": row["people_present"],
        "volunteer_minutes": row["volunteer_minutes"],
        "status": row["status"],
        "submitted_at": _when(row["submitted_at"]),
        "offence_count": row["offence_count"],
        "actions": dict(actions[row["scheme"]]),
    }


class SessionSerializer(ModelSerializer):
    scheme = SchemeRefSerializer(read_only=True)
    site = SiteRefSerializer(read_only=True)
    present = PersonSerializer(many=True, read_only=True)
    offence_count = serializers.IntegerField(read_only=True)
    actions = serializers.SerializerMethodField(help_text="What the viewer may do with it.")

    class Meta:
        model = Session
        fields = [
            "id",
            "scheme",
            "site",
            "started_at",
            "ended_at",
            "vehicles_counted",
            "device_name",
            "device_serial",
            "device_checked_on",
            "notes",
            "present",
            "volunteer_minutes",
            "status",
            "submitted_at",
            "offence_count",
            "actions",
        ]
        read_only_fields = fields

    @extend_schema_field(SessionActionsSerializer)
    def get_actions(self, session: Session) -> dict[str, bool]:
        user = _viewer_knowing_memberships(self, session.scheme)
        if user is None:
            return {"change": False, "see_registrations": False, "settle_disputes": False}
        return _session_actions(user, session.scheme)


@extend_schema_field(
    PolymorphicProxySerializer(
        component_name="SessionOffence",
        serializers=[OffenceSerializer, MaskedOffenceSerializer],
        resource_type_field_name=None,
        many=True,
    )
)
class SessionOffencesField(serializers.ReadOnlyField):
    """A session's offences, as the viewer may see them: whole for those who see
    registrations, masked (no letter details) for the rest. The view fills it."""


class SessionDetailSerializer(SessionSerializer):
    """A session with its offences: what the session endpoints answer."""

    offences = SessionOffencesField()

    class Meta(SessionSerializer.Meta):
        fields = [*SessionSerializer.Meta.fields, "offences"]
        read_only_fields = fields


class AmendmentChangesSerializer(Serializer):
    vehicles_counted = serializers.IntegerField(min_value=0, max_value=100_000, required=False)
    notes = serializers.CharField(max_length=2000, allow_blank=True, required=False)
    device_name = serializers.CharField(max_length=100, required=False)
    device_serial = serializers.CharField(max_length=50, required=False)
    void_offences = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        max_length=1000,
        help_text="Offences recorded in error (a misread plate): voided, out of escalation.",
    )

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if isinstance(data, dict):
            unknown = sorted(str(key) for key in set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {
                        "non_field_errors": [
                            _("These cannot be amended: %(fields)s.")
                            % {"fields": ", ".join(unknown)}
                        ]
                    }
                )
        return super().to_internal_value(data)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError(_("Say what changes."))
        return attrs


class AmendmentInputSerializer(Serializer):
    reason = serializers.CharField(max_length=1000)
    changes = AmendmentChangesSerializer()


class AmendmentSerializer(ModelSerializer):
    actor_name = serializers.SerializerMethodField()
    changes = serializers.DictField(
        read_only=True, help_text="Field: [before, after] for each change."
    )

    class Meta:
        model = SessionAmendment
        fields = ["id", "actor_name", "reason", "changes", "at"]
        read_only_fields = fields

    def get_actor_name(self, amendment: SessionAmendment) -> str:
        return amendment.actor.name if amendment.actor else ""


class MarkInputSerializer(Serializer):
    ids = serializers.ListField(child=serializers.UUIDField(), min_length=1, max_length=1000)
    status = serializers.ChoiceField(choices=[ActionStatus.SENT, ActionStatus.DONE])


class LettersMarkedSerializer(Serializer):
    updated = serializers.IntegerField(help_text="How many offences were marked.")


class DisputeInputSerializer(Serializer):
    outcome = serializers.ChoiceField(
        choices=[DisputeOutcome.PENDING, DisputeOutcome.UPHELD, DisputeOutcome.REJECTED]
    )
    note = serializers.CharField(max_length=1000, allow_blank=True, required=False, default="")


class SchemeNameSerializer(Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class AuditRecordSerializer(ModelSerializer):
    action_display = serializers.CharField(source="get_action_display", read_only=True)
    scheme_name = serializers.CharField(source="scheme.name", read_only=True, allow_null=True)
    schemes = SchemeNameSerializer(
        many=True, read_only=True, help_text="Every scheme whose registrations it could reach."
    )
    detail = serializers.DictField(read_only=True, help_text="The filters or search used.")

    class Meta:
        model = AuditRecord
        fields = [
            "id",
            "actor",
            "actor_name",
            "action",
            "action_display",
            "force",
            "scheme",
            "scheme_name",
            "schemes",
            "detail",
            "rows",
            "at",
        ]
        read_only_fields = fields


class PeriodSerializer(Serializer):
    sessions = serializers.IntegerField()
    volunteer_hours = serializers.FloatField()
    vehicles = serializers.IntegerField()
    offences = serializers.IntegerField()
    percent_over_threshold = serializers.FloatField(allow_null=True)
    mean_speed_mph = serializers.FloatField(allow_null=True)
    p85_speed_mph = serializers.FloatField(allow_null=True)
    letters = serializers.IntegerField()
    referrals = serializers.IntegerField()


class MonthSerializer(PeriodSerializer):
    month = serializers.CharField(help_text="YYYY-MM: a calendar month in UK time.")


class StatisticsSerializer(PeriodSerializer):
    repeat_vehicles = serializers.IntegerField()
    monthly = MonthSerializer(many=True)


# DRF's own Serializer, not core's: it reads query parameters, where every value is text
# (``?scheme=5``), so core's JSON type checks do not apply.
class StatisticsQuery(serializers.Serializer):
    scheme = serializers.IntegerField(required=False)
    site = serializers.IntegerField(required=False)
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(required=False)

    def validate_since(self, value: datetime) -> datetime:
        return utc_in_range(value)

    def validate_until(self, value: datetime) -> datetime:
        return utc_in_range(value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if period_is_backwards(attrs.get("since"), attrs.get("until")):
            raise serializers.ValidationError({"until": [PERIOD_BACKWARDS]})
        return attrs


# The keeper's language as a force's lookup or a spreadsheet may put it, in either language.
KEEPER_LANGUAGES = {
    "": "",
    "en": Language.ENGLISH.value,
    "english": Language.ENGLISH.value,
    "saesneg": Language.ENGLISH.value,
    "cy": Language.WELSH.value,
    "welsh": Language.WELSH.value,
    "cymraeg": Language.WELSH.value,
}


class KeeperAddressInputSerializer(Serializer):
    """A letter's registered keeper, as the force's lookup found them."""

    reference = serializers.CharField(max_length=32, help_text="The letter's reference.")
    registration = serializers.CharField(
        max_length=16, help_text="The letter's vehicle, as a check that the reference is its."
    )
    name = serializers.CharField(max_length=100, help_text="The keeper's name, as looked up.")
    address_lines = serializers.ListField(
        child=serializers.CharField(max_length=50),
        min_length=1,
        max_length=4,
        help_text="The lines of the address between the name and the postcode.",
    )
    postcode = serializers.CharField(max_length=10, help_text="A full UK postcode.")
    language = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=20,
        help_text="The language the keeper reads their letters in, where the force knows it: "
        "cy (also Welsh, Cymraeg) or en (also English, Saesneg); blank when not known, and "
        "their letter is in English unless the force writes in both.",
    )

    def validate_registration(self, value: str) -> str:
        return compact_registration(value)

    def validate_language(self, value: str) -> str:
        try:
            return KEEPER_LANGUAGES[value.strip().casefold()]
        except KeyError:
            raise serializers.ValidationError(
                _(
                    "Give the keeper's language as cy (Welsh, Cymraeg) or en (English, "
                    "Saesneg), or leave it blank."
                )
            ) from None

    def validate_postcode(self, value: str) -> str:
        try:
            return normalise_postcode(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


class KeeperAddressesInputSerializer(Serializer):
    addresses = serializers.ListField(
        child=KeeperAddressInputSerializer(), min_length=1, max_length=1000
    )


class KeeperAddressesStoredSerializer(Serializer):
    stored = serializers.IntegerField(help_text="How many letters now have a keeper's address.")
    kept_days = serializers.IntegerField(
        help_text="How many days the names and addresses are kept before they are deleted."
    )


class LettersPostInputSerializer(Serializer):
    action = serializers.ChoiceField(
        choices=[Action.FIRST_LETTER, Action.SECOND_LETTER, Action.POLICE_ACTION],
        required=False,
        help_text="Post only the letters of this stage (all waiting letters without it).",
    )


class LettersReadySerializer(Serializer):
    ready = serializers.IntegerField(help_text="How many letters posting now would post.")
    postage = serializers.ChoiceField(
        choices=LetterPostage.choices, help_text="The postage they would go with."
    )
    references = serializers.ListField(
        child=serializers.CharField(), help_text="The references of the letters ready to post."
    )
    without_address = serializers.ListField(
        child=serializers.CharField(),
        help_text="The references of waiting letters without their keeper's name and address.",
    )


class LettersPostedSerializer(Serializer):
    posted = serializers.IntegerField(help_text="How many letters were handed to GOV.UK Notify.")
    postage = serializers.ChoiceField(
        choices=LetterPostage.choices, help_text="The postage they go with."
    )
    references = serializers.ListField(
        child=serializers.CharField(), help_text="The references of the letters posted."
    )
    without_address = serializers.ListField(
        child=serializers.CharField(),
        help_text="The references of waiting letters without their keeper's name and address: "
        "not posted (Notify needs an address), still waiting.",
    )
    already_posted = serializers.ListField(
        child=serializers.CharField(),
        help_text="Letters posted before whose offences were waiting again: not posted twice.",
    )


class PostedLetterSerializer(ModelSerializer):
    registration = serializers.SerializerMethodField()
    posted_by_name = serializers.SerializerMethodField()

    class Meta:
        model = PostedLetter
        fields = [
            "id",
            "reference",
            "registration",
            "stage",
            "postage",
            "status",
            "notify_status",
            "failure",
            "posted_by_name",
            "posted_at",
            "sent_at",
            "status_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "notify_status": {"help_text": "GOV.UK Notify's own word for the letter's status."},
            "failure": {
                "help_text": "Why it failed, or why the last attempt to send it did not get "
                "through (it is tried again)."
            },
        }

    def get_registration(self, letter: PostedLetter) -> str:
        """As printed on a number plate; empty once removed by the retention purge."""
        return display_registration(letter.registration) if letter.registration else ""

    def get_posted_by_name(self, letter: PostedLetter) -> str:
        return letter.posted_by.name if letter.posted_by else ""


# --- Vehicle checks with the DVLA -----------------------------------------------------------


# A registration as typed: 2 to 8 letters and digits, with spaces or hyphens anywhere (the
# schema states it, so a client knows before asking).
REGISTRATION_TYPED = r"^[ -]*[A-Za-z0-9](?:[ -]*[A-Za-z0-9]){1,7}[ -]*$"


class VehicleLookupInputSerializer(Serializer):
    scheme = serializers.IntegerField(help_text="The speedwatch scheme logging the vehicle.")
    registration = serializers.RegexField(
        REGISTRATION_TYPED,
        max_length=16,
        error_messages={
            "invalid": gettext_lazy(
                "Enter the registration as letters and digits, 2 to 8 of them (e.g. AB12 CDE)."
            )
        },
    )
    make = serializers.CharField(max_length=40, allow_blank=True, required=False, default="")
    colour = serializers.CharField(max_length=30, allow_blank=True, required=False, default="")

    def validate_registration(self, value: str) -> str:
        try:
            return normalise_registration(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


class VehicleLookupSerializer(Serializer):
    checks_enabled = serializers.BooleanField(
        help_text="Whether this server checks vehicles with the DVLA at all."
    )
    status = serializers.ChoiceField(
        choices=VehicleCheckStatus.choices,
        help_text="matched, mismatched (make or colour differs), not_found, or not_checked "
        "(checks are off here, or the DVLA could not be asked: see note).",
    )
    status_display = serializers.CharField()
    registration = serializers.CharField()
    registered_make = serializers.CharField()
    registered_colour = serializers.CharField()
    tax_status = serializers.CharField()
    mot_status = serializers.CharField()
    make_differs = serializers.BooleanField()
    colour_differs = serializers.BooleanField()
    note = serializers.CharField()


class HeldOffenceActionsSerializer(Serializer):
    confirm = serializers.BooleanField(help_text="Confirm the vehicle as recorded.")
    correct = serializers.BooleanField(help_text="Correct its registration, make or colour.")


class HeldOffenceSerializer(ModelSerializer):
    """An offence the letters batch holds back for its vehicle, with what the DVLA's register
    says of it."""

    scheme = SchemeRefSerializer(read_only=True)
    site_name = serializers.CharField(source="site.name", read_only=True)
    action_display = serializers.CharField(source="get_action_display", read_only=True)
    vehicle_check_display = serializers.CharField(
        source="get_vehicle_check_display", read_only=True
    )
    actions = serializers.SerializerMethodField(help_text="What the viewer may do with it.")

    class Meta:
        model = Offence
        fields = [
            "id",
            "session",
            "registration",
            "make",
            "model",
            "colour",
            "speed_mph",
            "speed_limit_mph",
            "observed_at",
            "action",
            "action_display",
            "vehicle_check",
            "vehicle_check_display",
            "registered_make",
            "registered_colour",
            "vehicle_checked_at",
            "scheme",
            "site_name",
            "actions",
        ]
        read_only_fields = fields

    @extend_schema_field(HeldOffenceActionsSerializer)
    def get_actions(self, offence: Offence) -> dict[str, bool]:
        request = self.context.get("request")
        if request is None:
            return {"confirm": False, "correct": False}
        memberships_known_for_list(self.context, request.user, offence.scheme)
        allowed = permissions.can_decide_vehicle(request.user, offence.scheme)
        return {"confirm": allowed, "correct": allowed}


class VehicleDecisionInputSerializer(Serializer):
    decision = serializers.ChoiceField(
        choices=[("confirm", "Confirm as recorded"), ("correct", "Correct the vehicle")]
    )
    registration = serializers.CharField(
        max_length=16, required=False, help_text="For a correction: the registration as it is."
    )
    make = serializers.CharField(max_length=40, allow_blank=True, required=False)
    colour = serializers.CharField(max_length=30, allow_blank=True, required=False)
    reason = serializers.CharField(max_length=1000, allow_blank=True, required=False, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["decision"] == "correct" and not any(
            key in attrs for key in ("registration", "make", "colour")
        ):
            raise serializers.ValidationError(
                {"registration": [_("Give the registration, make or colour as they are.")]}
            )
        return attrs
