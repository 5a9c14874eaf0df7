from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Language
from areas import limits
from areas.geo import rfc7946_polygon
from areas.serializers import AREA_FIELDS, AreaInputSerializer, PolygonField, RadiusField
from core.fields import ClockTimeField, UniqueListField
from core.serializers import ModelSerializer, Serializer, api_datetime, one_time_zone
from notifications.models import (
    Alert,
    AlertApprovalPolicy,
    AlertStatus,
    AlertTemplate,
    Approval,
    Audience,
    Category,
    Channel,
    Notice,
    Preference,
    Reply,
    ResponseType,
    Severity,
    Urgency,
)
from notifications.permissions import (
    ListedAlert,
    can_approve_alert,
    can_edit_draft,
    can_keep_templates,
    can_manage_alert,
)
from notifications.placeholders import placeholders_in
from schemes.models import Scheme, SchemeKind
from schemes.permissions import AnyUser
from schemes.serializers import NeighbourhoodRefSerializer, SchemeRefSerializer, scheme_ref

# The most neighbourhoods one alert may be sent to: a few of a force's, not all of them.
NEIGHBOURHOODS_MAX = 50


class AlertAreaSerializer(AreaInputSerializer):
    """A circle (``lat``, ``lon``, ``radius_m``) or a GeoJSON ``boundary`` polygon."""

    radius_m = RadiusField(limits=limits.alert_radius, required=False)


AREA_NAME_HELP = (
    "The place the alert is about, in words: a street, village or postcode (CAP areaDesc). "
    "Left empty, the alert is described by the schemes it reaches, or its centre."
)
INSTRUCTION_HELP = "What the people it reaches should do (CAP instruction)."
RESPONSE_TYPE_HELP = "The kind of response asked for (CAP responseType)."
CONTACT_HELP = "Whom to contact about it (CAP contact): a public number, never a volunteer's."


APPROVAL_HELP = (
    "Where it stands with a second liaison, when its force asks for one: awaiting (held, "
    "nothing sent), sent_back (to its author, with approval_comment) or approved; null when it "
    "never needed approval."
)
LANGUAGE_HELP = (
    "The language of the alert's own title, body and instruction: en (English) or cy (Welsh)."
)
TRANSLATION_HELP = (
    "The same alert in the other language, or null: each recipient gets the one in their "
    "language, CAP and the Atom feed carry both."
)


class AlertTranslationSerializer(Serializer):
    """An alert's title, body and instruction in the other language than its own."""

    title = serializers.CharField()
    body = serializers.CharField()
    instruction = serializers.CharField(
        allow_blank=True,
        help_text="What to do, in this language; empty when only the alert's own language has it "
        "(then every recipient gets that one).",
    )


class AlertTranslationInputSerializer(Serializer):
    """An alert's title, body and instruction in the other language than its own."""

    title = serializers.CharField(max_length=120)
    body = serializers.CharField(max_length=4000)
    instruction = serializers.CharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Left out or empty: the usual advice, in this language, when the alert's own "
        "is the usual advice too.",
    )
    language = serializers.ChoiceField(
        choices=Language.choices,
        required=False,
        write_only=True,
        help_text="The translation's language, for a client that states it: always the other "
        "one than the alert's.",
    )


def neighbourhood_refs(neighbourhoods: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The id, force's id and name of each neighbourhood an alert keeps (without their
    boundaries): ``NeighbourhoodRefSerializer``'s output."""
    return [{"id": n["id"], "ref": n["ref"], "name": n["name"]} for n in neighbourhoods]


def translation_of(alert: Alert) -> dict[str, str] | None:
    """``AlertTranslationSerializer``'s output for an alert (null without a translation)."""
    return _translation(alert.translated_title, alert.translated_body, alert.translated_instruction)


def _translation(title: str, body: str, instruction: str) -> dict[str, str] | None:
    if not title:
        return None
    return {"title": title, "body": body, "instruction": instruction}


def _translation_checked(
    translation: dict[str, Any] | None, *, language: str, title: str | None, body: str | None
) -> dict[str, str]:
    """The alert's columns for ``translation`` (all empty for none), once it is in the other
    language than the alert's own ``language``; refused, field by field, when it is not."""
    if translation is None:
        return {"translated_title": "", "translated_body": "", "translated_instruction": ""}
    stated = translation.get("language")
    if stated is not None and stated == language:
        raise serializers.ValidationError(
            {"translation": {"language": [_("The translation must be in the other language.")]}}
        )
    if translation["title"] == title and translation["body"] == body:
        raise serializers.ValidationError(
            {
                "translation": {
                    "body": [
                        _(
                            "The translation repeats the alert's own words: give them in the "
                            "other language."
                        )
                    ]
                }
            }
        )
    return {
        "translated_title": translation["title"],
        "translated_body": translation["body"],
        "translated_instruction": translation.get("instruction", ""),
    }


class AlertInputSerializer(AlertAreaSerializer):
    language = serializers.ChoiceField(
        choices=Language.choices, default=Language.ENGLISH, help_text=LANGUAGE_HELP
    )
    title = serializers.CharField(max_length=120)
    body = serializers.CharField(max_length=4000)
    translation = AlertTranslationInputSerializer(
        required=False, allow_null=True, default=None, help_text=TRANSLATION_HELP
    )
    category = serializers.ChoiceField(choices=Category.choices)
    area_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text=AREA_NAME_HELP
    )
    instruction = serializers.CharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        help_text=f"{INSTRUCTION_HELP} Left out or empty: the usual advice for the category "
        "(GET alerts/guidance/).",
    )
    response_type = serializers.ChoiceField(
        choices=ResponseType.choices,
        required=False,
        help_text=f"{RESPONSE_TYPE_HELP} Left out: the usual for the category.",
    )
    contact = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text=f"{CONTACT_HELP} Left out or empty: 101, or 999 in an emergency.",
    )
    severity = serializers.ChoiceField(choices=Severity.choices)
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    audience = serializers.ChoiceField(choices=Audience.choices, default=Audience.MEMBERS)
    scheme_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=SchemeKind.choices),
        required=False,
        default=list,
        max_length=3,
        help_text="Only schemes of these kinds; empty for every kind.",
    )
    public = serializers.BooleanField(required=False, default=False)
    expires_at = serializers.DateTimeField(required=False)
    scheme = serializers.IntegerField(
        required=False, help_text="A coordinator's scheme, when issuing as its coordinator."
    )
    neighbourhoods = UniqueListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        allow_empty=False,
        max_length=NEIGHBOURHOODS_MAX,
        help_text="Instead of a circle or boundary: policing neighbourhoods of the liaison's "
        "force (ids from neighbourhoods/); the alert's area is their union.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "neighbourhoods" in attrs:
            if any(field in attrs for field in AREA_FIELDS):
                raise serializers.ValidationError(
                    {
                        "neighbourhoods": [
                            _("Give neighbourhoods or an area (a circle or a boundary), not both.")
                        ]
                    }
                )
        else:
            attrs = super().validate(attrs)
        translation = attrs.pop("translation", None)
        attrs.update(
            _translation_checked(
                translation, language=attrs["language"], title=attrs["title"], body=attrs["body"]
            )
        )
        return attrs

    def split(self) -> tuple[dict[str, Any], dict[str, Any], int | None]:
        data, area = self.split_area()
        if "neighbourhoods" in data:
            area = {"neighbourhoods": data.pop("neighbourhoods")}
        return data, area, data.pop("scheme", None)


class AlertChangeSerializer(Serializer):
    """What an update may change; a cancellation needs only a body saying why.

    An update or cancellation says its own words: given a new title, body or instruction and
    no ``translation``, it carries no translation (the earlier one would say what is no longer
    so); given none of them, it keeps the alert's translation as well as its words."""

    # The context holds the ``alert`` it replaces: its language and words are the change's
    # unless it gives its own.

    language = serializers.ChoiceField(
        choices=Language.choices,
        required=False,
        help_text=f"{LANGUAGE_HELP} Left out: the alert's own; given another, give the title "
        "and body in it too.",
    )
    title = serializers.CharField(max_length=120, required=False)
    body = serializers.CharField(max_length=4000, required=False)
    translation = AlertTranslationInputSerializer(
        required=False,
        allow_null=True,
        help_text=f"{TRANSLATION_HELP} Left out: the alert's own, unless the update gives new "
        "words (then none).",
    )
    severity = serializers.ChoiceField(choices=Severity.choices, required=False)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    expires_at = serializers.DateTimeField(required=False)
    instruction = serializers.CharField(
        max_length=1000,
        required=False,
        help_text=f"{INSTRUCTION_HELP} Left out: the alert's own for an update, that nothing "
        "more needs doing for a cancellation.",
    )
    response_type = serializers.ChoiceField(
        choices=ResponseType.choices,
        required=False,
        help_text=f"{RESPONSE_TYPE_HELP} Left out: the alert's own for an update, AllClear for "
        "a cancellation.",
    )
    contact = serializers.CharField(max_length=200, required=False, help_text=CONTACT_HELP)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        alert: Alert = self.context["alert"]
        language = attrs.get("language", alert.language)
        if language != alert.language and not ("title" in attrs and "body" in attrs):
            raise serializers.ValidationError(
                {"language": [_("Give the title and body in the new language too.")]}
            )
        if "translation" in attrs:
            attrs.update(
                _translation_checked(
                    attrs.pop("translation"),
                    language=language,
                    title=attrs.get("title", alert.title),
                    body=attrs.get("body", alert.body),
                )
            )
        return attrs


class GuidanceSerializer(Serializer):
    response_type = serializers.ChoiceField(choices=ResponseType.choices)
    instruction = serializers.CharField()


class AlertGuidanceSerializer(Serializer):
    """What an alert asks of its recipients when its author says nothing else."""

    contact = serializers.CharField(help_text="The contact an alert gives unless told another.")
    categories = serializers.DictField(
        child=GuidanceSerializer(), help_text="For each category, what its alerts ask."
    )
    cancel = GuidanceSerializer(help_text="What a cancellation asks unless told otherwise.")


class AlertSerializer(ModelSerializer):
    scheme = SchemeRefSerializer(read_only=True, allow_null=True)
    incident = serializers.IntegerField(
        source="incident_id",
        read_only=True,
        help_text="The first alert of the incident this one belongs to (its own id for a first "
        "alert): an alert, its updates and its cancellation share it.",
    )
    incident_status = serializers.SerializerMethodField(
        help_text="Where the incident stands: its latest message's status (every message of a "
        "cancelled incident is cancelled)."
    )
    issuer_name = serializers.SerializerMethodField()
    category_display = serializers.SerializerMethodField(
        help_text="The category in words, in the request's language."
    )
    lat = serializers.FloatField(source="centre_lat", read_only=True)
    lon = serializers.FloatField(source="centre_lon", read_only=True)
    boundary = PolygonField(read_only=True, allow_null=True)
    scheme_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=SchemeKind.choices),
        read_only=True,
        help_text="Only schemes of these kinds; empty means all kinds.",
    )
    language = serializers.ChoiceField(
        choices=Language.choices, read_only=True, help_text=LANGUAGE_HELP
    )
    translation = serializers.SerializerMethodField(help_text=TRANSLATION_HELP)
    approval = serializers.SerializerMethodField(help_text=APPROVAL_HELP)
    approval_comment = serializers.CharField(
        read_only=True,
        help_text="Why a liaison sent it back to its author (while it is sent back); empty "
        "otherwise.",
    )
    neighbourhoods = serializers.SerializerMethodField(
        help_text="The policing neighbourhoods it was sent to, as they were named then (empty "
        "for an alert drawn as a circle or boundary, which then shows their outline)."
    )

    class Meta:
        model = Alert
        fields = [
            "id",
            "identifier",
            "message_type",
            "references",
            "incident",
            "incident_status",
            "language",
            "title",
            "body",
            "translation",
            "category",
            "category_display",
            "severity",
            "urgency",
            "audience",
            "scheme_kinds",
            "public",
            "area_name",
            "instruction",
            "response_type",
            "contact",
            "lat",
            "lon",
            "radius_m",
            "boundary",
            "neighbourhoods",
            "status",
            "expires_at",
            "created_at",
            "published_at",
            "force",
            "scheme",
            "issuer_name",
            "recipients_count",
            "approval",
            "approval_comment",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=Approval.choices, allow_null=True))
    def get_approval(self, alert: Alert) -> str | None:
        return alert.approval or None

    def get_category_display(self, alert: Alert) -> str:
        return _(alert.get_category_display())

    @extend_schema_field(AlertTranslationSerializer(allow_null=True))
    def get_translation(self, alert: Alert) -> dict[str, str] | None:
        return translation_of(alert)

    @extend_schema_field(NeighbourhoodRefSerializer(many=True))
    def get_neighbourhoods(self, alert: Alert) -> list[dict[str, Any]]:
        return neighbourhood_refs(alert.neighbourhoods)

    def get_issuer_name(self, alert: Alert) -> str:
        return alert.issuer.name if alert.issuer else ""

    @extend_schema_field(serializers.ChoiceField(choices=AlertStatus.choices))
    def get_incident_status(self, alert: Alert) -> str:
        annotated = getattr(alert, "incident_status", None)
        if annotated is not None:
            return annotated
        latest = (
            Alert.objects.filter(incident_id=alert.incident_id or alert.pk)
            .exclude(status=AlertStatus.DRAFT)
            .order_by("-id")
            .values_list("status", flat=True)
            .first()
        )
        return latest or alert.status


# A list of alerts read as models (a thread's messages) builds its rows by hand
# (``AlertListSerializer``): DRF's per-field work was most of a page's time. Values go through
# the same DRF fields the serializers declare, so they read exactly alike (datetimes through
# ``api_datetime``, DRF's output made cheaper). The alerts list itself reads no models:
# ``alert_row``. tests/test_list_rows.py holds each to AlertDetailSerializer.
_POLYGON = PolygonField()


def _when(value: Any) -> Any:
    return api_datetime(value)


class AlertListSerializer(serializers.ListSerializer):
    """A thread's messages, row by row: what ``AlertDetailSerializer`` gives each alert."""

    def to_representation(self, data: Any) -> list[dict[str, Any]]:
        request = self.context.get("request")
        viewer = request.user if request is not None else None
        with one_time_zone():
            return [_alert_row(alert, viewer) for alert in data]


def _alert_row(alert: Alert, viewer: Any) -> dict[str, Any]:
    # The list's alerts carry ``incident_status`` and ``unread_replies`` as annotations
    # (selectors.with_incident_status, with_unread_replies): no query per row.
    annotated: Any = alert
    manage = viewer is not None and can_manage_alert(viewer, alert)
    edit = viewer is not None and can_edit_draft(viewer, alert)
    approve = viewer is not None and can_approve_alert(viewer, alert)
    return {
        "id": alert.pk,
        "identifier": str(alert.identifier),
        "message_type": alert.message_type,
        "references": alert.references_id,
        "incident": alert.incident_id,
        "incident_status": annotated.incident_status,
        "language": alert.language,
        "title": alert.title,
        "body": alert.body,
        "translation": translation_of(alert),
        "category": alert.category,
        # Django's get_category_display() makes a dict of the choices for each call.
        "category_display": _(_CATEGORY_NAMES.get(alert.category, alert.category)),
        "severity": alert.severity,
        "urgency": alert.urgency,
        "audience": alert.audience,
        "scheme_kinds": list(alert.scheme_kinds),
        "public": alert.public,
        "area_name": alert.area_name,
        "instruction": alert.instruction,
        "response_type": alert.response_type,
        "contact": alert.contact,
        "lat": alert.centre_lat,
        "lon": alert.centre_lon,
        "radius_m": alert.radius_m,
        "boundary": None if alert.boundary is None else _POLYGON.to_representation(alert.boundary),
        "neighbourhoods": neighbourhood_refs(alert.neighbourhoods),
        "status": alert.status,
        "expires_at": _when(alert.expires_at),
        "created_at": _when(alert.created_at),
        "published_at": _when(alert.published_at),
        "force": alert.force,
        "scheme": None if alert.scheme is None else scheme_ref(alert.scheme),
        "issuer_name": alert.issuer.name if alert.issuer else "",
        "recipients_count": alert.recipients_count,
        "approval": alert.approval or None,
        "approval_comment": alert.approval_comment,
        "can_manage": manage,
        "can_edit": edit,
        "unread_replies": annotated.unread_replies if manage else None,
        "actions": {"manage": manage, "edit": edit, "approve": approve},
    }


class AlertActionsSerializer(Serializer):
    """What the viewer may do with the alert, each from ``notifications.permissions``."""

    manage = serializers.BooleanField(
        help_text="See its delivery figures and replies; update or cancel it once published."
    )
    edit = serializers.BooleanField(help_text="Edit, delete or publish the draft.")
    approve = serializers.BooleanField(
        help_text="Approve it (publishing it) or send it back: another liaison of its force, "
        "while it awaits approval."
    )


class AlertDetailSerializer(AlertSerializer):
    """An alert as the alerts endpoints show it: with what the viewer may do about it."""

    can_manage = serializers.SerializerMethodField(
        help_text="Whether the viewer may see its delivery figures and replies, and update or "
        "cancel it (its issuer and the force's liaisons)."
    )
    can_edit = serializers.SerializerMethodField(
        help_text="Whether the viewer may edit, delete or publish it: a draft, to its author."
    )
    unread_replies = serializers.SerializerMethodField(
        help_text="Replies nobody has read yet; null for those who do not manage the alert."
    )
    actions = serializers.SerializerMethodField(
        help_text="What the viewer may do with it (can_manage and can_edit are kept for old "
        "clients)."
    )

    class Meta(AlertSerializer.Meta):
        fields = [
            *AlertSerializer.Meta.fields,
            "can_manage",
            "can_edit",
            "unread_replies",
            "actions",
        ]
        read_only_fields = fields
        list_serializer_class = AlertListSerializer

    @extend_schema_field(AlertActionsSerializer)
    def get_actions(self, alert: Alert) -> dict[str, bool]:
        viewer = self._viewer()
        return {
            "manage": self.get_can_manage(alert),
            "edit": self.get_can_edit(alert),
            "approve": viewer is not None and can_approve_alert(viewer, alert),
        }

    def _viewer(self) -> Any:
        request = self.context.get("request")
        return request.user if request is not None else None

    def get_can_manage(self, alert: Alert) -> bool:
        viewer = self._viewer()
        return viewer is not None and can_manage_alert(viewer, alert)

    def get_can_edit(self, alert: Alert) -> bool:
        viewer = self._viewer()
        return viewer is not None and can_edit_draft(viewer, alert)

    def get_unread_replies(self, alert: Alert) -> int | None:
        if not self.get_can_manage(alert):
            return None
        annotated = getattr(alert, "unread_replies", None)
        if annotated is not None:
            return annotated
        return alert.replies.filter(read_at__isnull=True).count()


class NoticeSerializer(ModelSerializer):
    """One card of the inbox: the latest notice of an incident, its alert with the
    incident's status."""

    alert = AlertSerializer(read_only=True)
    unread = serializers.SerializerMethodField(
        help_text="Whether anything of the incident is unread: a notice of any of its "
        "messages, or an answer to the reader's reply."
    )
    new_answer = serializers.SerializerMethodField(
        help_text="Whether someone answered a reply of the reader's about this incident, "
        "and the reader has not opened it since."
    )

    class Meta:
        model = Notice
        fields = [
            "id",
            "alert",
            "channel",
            "state",
            "queued_at",
            "sent_at",
            "read_at",
            "unread",
            "new_answer",
        ]
        read_only_fields = fields

    def to_representation(self, notice: Notice) -> dict[str, Any]:
        status = getattr(notice, "incident_status", None)
        if status is not None:
            notice.alert.incident_status = status  # type: ignore[attr-defined]  # read by the alert's serializer, as the alert list's annotation
        return super().to_representation(notice)

    def get_unread(self, notice: Notice) -> bool:
        return getattr(notice, "incident_unread", notice.read_at is None)

    def get_new_answer(self, notice: Notice) -> bool:
        return getattr(notice, "new_answer", False)


# The columns an alert is shown from, for ``.values()``: ``AlertSerializer``'s fields (prefixed
# with the relation's path when the alert is read through one, ``alert__`` for a notice).
ALERT_COLUMNS = (
    "id",
    "identifier",
    "message_type",
    "references",
    "incident",
    "language",
    "title",
    "body",
    "translated_title",
    "translated_body",
    "translated_instruction",
    "category",
    "severity",
    "urgency",
    "audience",
    "scheme_kinds",
    "public",
    "area_name",
    "instruction",
    "response_type",
    "contact",
    "centre_lat",
    "centre_lon",
    "radius_m",
    "boundary",
    "neighbourhoods",
    "status",
    "expires_at",
    "created_at",
    "published_at",
    "force",
    "approval",
    "approval_comment",
    "scheme",
    "scheme__name",
    "scheme__kind",
    "scheme__status",
    "issuer__name",
    "recipients_count",
)
NOTICE_CARD_COLUMNS = (
    "id",
    "channel",
    "state",
    "queued_at",
    "sent_at",
    "read_at",
    # Annotations of ``selectors.inbox_of``.
    "incident_unread",
    "new_answer",
    "incident_status",
    *(f"alert__{column}" for column in ALERT_COLUMNS),
)
_CATEGORY_NAMES = dict(Category.choices)
# DRF's own conversion of datetimes, to the site's time zone.
_row_time = api_datetime


def alert_summary(
    row: Mapping[str, Any], *, prefix: str = "", incident_status: str
) -> dict[str, Any]:
    """``AlertSerializer``'s output for one ``.values()`` row of ``ALERT_COLUMNS`` (each named
    with ``prefix``), built directly: DRF's per-field work cost more than a millisecond for
    each alert of a list. ``AlertSerializer`` stays the schema's description; a test holds the
    two to the same output."""

    def column(name: str) -> Any:
        return row[prefix + name]

    scheme = column("scheme")
    boundary = column("boundary")
    radius = column("radius_m")
    return {
        "id": column("id"),
        "identifier": str(column("identifier")),
        "message_type": column("message_type"),
        "references": column("references"),
        "incident": column("incident"),
        "incident_status": incident_status,
        "language": column("language"),
        "title": column("title"),
        "body": column("body"),
        "translation": _translation(
            column("translated_title"),
            column("translated_body"),
            column("translated_instruction"),
        ),
        "category": column("category"),
        "category_display": _(_CATEGORY_NAMES.get(column("category"), column("category"))),
        "severity": column("severity"),
        "urgency": column("urgency"),
        "audience": column("audience"),
        "scheme_kinds": list(column("scheme_kinds")),
        "public": bool(column("public")),
        "area_name": column("area_name"),
        "instruction": column("instruction"),
        "response_type": column("response_type"),
        "contact": column("contact"),
        "lat": float(column("centre_lat")),
        "lon": float(column("centre_lon")),
        "radius_m": None if radius is None else int(radius),
        "boundary": None if boundary is None else rfc7946_polygon(boundary),
        "neighbourhoods": neighbourhood_refs(column("neighbourhoods")),
        "status": column("status"),
        "expires_at": _row_time(column("expires_at")),
        "created_at": _row_time(column("created_at")),
        "published_at": _row_time(column("published_at")),
        "force": column("force"),
        "scheme": None
        if scheme is None
        else {
            "id": scheme,
            "name": column("scheme__name"),
            "kind": column("scheme__kind"),
            "status": column("scheme__status"),
        },
        "issuer_name": column("issuer__name") or "",
        "recipients_count": column("recipients_count"),
        "approval": column("approval") or None,
        "approval_comment": column("approval_comment"),
    }


# The columns of a row of the alerts list, for ``.values()``: the alert's, its issuer (for
# the viewer's rules), and the annotations of ``selectors.with_incident_status`` and
# ``selectors.with_unread_replies``.
ALERT_ROW_COLUMNS = (*ALERT_COLUMNS, "issuer", "incident_status", "unread_replies")


def alert_row(row: Mapping[str, Any], viewer: AnyUser) -> dict[str, Any]:
    """``AlertDetailSerializer``'s output for one row of ``ALERT_ROW_COLUMNS``: what
    ``alert_summary`` makes of it, and what the viewer may do, asked of the same rules as
    of a model."""
    listed = ListedAlert(
        issuer_id=row["issuer"], force=row["force"], status=row["status"], approval=row["approval"]
    )
    manage = can_manage_alert(viewer, listed)
    edit = can_edit_draft(viewer, listed)
    approve = can_approve_alert(viewer, listed)
    return {
        **alert_summary(row, incident_status=row["incident_status"]),
        "can_manage": manage,
        "can_edit": edit,
        "unread_replies": row["unread_replies"] if manage else None,
        "actions": {"manage": manage, "edit": edit, "approve": approve},
    }


def notice_card(row: Mapping[str, Any]) -> dict[str, Any]:
    """``NoticeSerializer``'s output (an inbox card) for one row of ``NOTICE_CARD_COLUMNS``
    read from ``selectors.inbox_of``."""
    return {
        "id": row["id"],
        "alert": alert_summary(row, prefix="alert__", incident_status=row["incident_status"]),
        "channel": row["channel"],
        "state": row["state"],
        "queued_at": _row_time(row["queued_at"]),
        "sent_at": _row_time(row["sent_at"]),
        "read_at": _row_time(row["read_at"]),
        "unread": row["incident_unread"],
        "new_answer": row["new_answer"],
    }


class UnreadCountSerializer(Serializer):
    unread = serializers.IntegerField(
        help_text="Cards of the inbox with something unread (the count of inbox/?unread=true)."
    )


class MarkedSerializer(Serializer):
    marked = serializers.IntegerField(help_text="How many were marked read.")


class ReadInputSerializer(Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), min_length=1, max_length=500)


class ReplySerializer(ModelSerializer):
    author_name = serializers.CharField(source="author.name", read_only=True)
    answered_by_name = serializers.SerializerMethodField()

    class Meta:
        model = Reply
        fields = [
            "id",
            "alert",
            "author_name",
            "body",
            "created_at",
            "read_at",
            "answer",
            "answered_by_name",
            "answered_at",
        ]
        read_only_fields = fields

    def get_answered_by_name(self, reply: Reply) -> str:
        return reply.answered_by.name if reply.answered_by else ""


class ReplyInputSerializer(Serializer):
    body = serializers.CharField(max_length=2000)


class ReplyAnswerSerializer(Serializer):
    answer = serializers.CharField(max_length=2000, help_text="The answer, for the reply's author.")


class ThreadSerializer(Serializer):
    """An incident as one thread: its messages the viewer may see, newest first."""

    incident = serializers.IntegerField(help_text="The id of the incident's first alert.")
    status = serializers.ChoiceField(
        choices=AlertStatus.choices, help_text="The incident's status (its latest message's)."
    )
    unread = serializers.BooleanField(
        help_text="Whether the viewer has anything of it unread: a notice, or an answer to a reply."
    )
    unread_replies = serializers.IntegerField(
        allow_null=True,
        help_text="Replies to any of its messages nobody has read yet; null for those who do "
        "not manage it.",
    )
    messages = AlertDetailSerializer(many=True)


class PreferenceSerializer(ModelSerializer):
    channels = UniqueListField(
        child=serializers.ChoiceField(choices=[Channel.EMAIL, Channel.PUSH, Channel.SMS]),
        max_length=3,
        help_text="Channels besides the in-app inbox, which is always on; each once.",
    )
    categories = UniqueListField(
        child=serializers.ChoiceField(choices=Category.choices),
        max_length=len(Category.choices),
        help_text="Empty for every category; each once.",
    )
    quiet_from = ClockTimeField(
        allow_null=True, required=False, help_text="Quiet hours start (HH:MM), or null."
    )
    quiet_until = ClockTimeField(
        allow_null=True, required=False, help_text="Quiet hours end (HH:MM), or null."
    )
    muted_schemes = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Scheme.objects.all(), help_text="Schemes not to hear from."
    )
    saved = serializers.SerializerMethodField(
        help_text="Whether these are the member's own saved settings; false for the defaults "
        "that apply until they save some."
    )

    class Meta:
        model = Preference
        fields = [
            "channels",
            "categories",
            "min_severity",
            "muted_schemes",
            "quiet_from",
            "quiet_until",
            "daily_digest",
            "saved",
        ]

    def get_saved(self, preference: Preference) -> bool:
        return preference.pk is not None

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if (attrs.get("quiet_from") is None) != (attrs.get("quiet_until") is None):
            raise serializers.ValidationError(
                {"quiet_until": [_("Give both ends of the quiet hours, or neither.")]}
            )
        return attrs


class ChannelFiguresSerializer(Serializer):
    channel = serializers.CharField()
    total = serializers.IntegerField()
    queued = serializers.IntegerField()
    sent = serializers.IntegerField()
    failed = serializers.IntegerField()
    withdrawn = serializers.IntegerField()
    delivered = serializers.IntegerField(
        help_text="Of those sent, how many the provider (GOV.UK Notify) says reached the person."
    )
    undelivered = serializers.IntegerField(
        help_text="Of those sent, how many the provider says it could not deliver."
    )
    read = serializers.IntegerField()


class SummarySerializer(Serializer):
    recipients = serializers.IntegerField()
    schemes = serializers.IntegerField()
    channels = ChannelFiguresSerializer(many=True)


class PreviewSerializer(Serializer):
    schemes = SchemeRefSerializer(many=True)
    recipients = serializers.IntegerField()


class PushKeysSerializer(Serializer):
    p256dh = serializers.CharField(max_length=200)
    auth = serializers.CharField(max_length=100)


class PushSubscriptionSerializer(Serializer):
    """A browser's PushSubscription, as ``subscription.toJSON()`` gives it."""

    endpoint = serializers.URLField(max_length=1000)
    keys = PushKeysSerializer()

    def validate_endpoint(self, value: str) -> str:
        if not value.startswith("https://"):
            raise serializers.ValidationError(_("Push endpoints are https addresses."))
        return value


class AreaFeedQuerySerializer(Serializer):
    """Query parameters of the Atom feed of public alerts around a point."""

    lat = serializers.FloatField(min_value=-90, max_value=90, help_text="The centre's latitude.")
    lon = serializers.FloatField(min_value=-180, max_value=180, help_text="The centre's longitude.")
    radius_m = serializers.IntegerField(
        min_value=1,
        default=5000,
        help_text=(
            "The circle's radius in metres; alerts whose area overlaps it are in the feed. "
            f"A radius over {settings.NEAR_RADIUS_MAX_M} is read as {settings.NEAR_RADIUS_MAX_M}."
        ),
    )

    def validate_radius_m(self, value: int) -> int:
        # Clamped rather than refused: a feed reader keeps the address it was given, and an
        # address that worked must go on working.
        return min(value, settings.NEAR_RADIUS_MAX_M)


class NotifyReceiptSerializer(Serializer):
    """A delivery receipt as GOV.UK Notify's callback sends it."""

    id = serializers.UUIDField()
    reference = serializers.CharField(allow_null=True, allow_blank=True, required=False)
    to = serializers.CharField(allow_blank=True, required=False)
    status = serializers.CharField(max_length=40)
    created_at = serializers.DateTimeField(required=False, allow_null=True)
    completed_at = serializers.DateTimeField(required=False, allow_null=True)
    sent_at = serializers.DateTimeField(required=False, allow_null=True)
    notification_type = serializers.ChoiceField(choices=["email", "sms", "letter"], required=False)


class ReceiptRecordedSerializer(Serializer):
    recorded = serializers.IntegerField(help_text="How many notices the receipt changed.")


# --- Templates and a second liaison's approval ---------------------------------------------


class AlertTemplateSerializer(ModelSerializer):
    """A force's template, as the picker and the templates screen show it."""

    language = serializers.ChoiceField(
        choices=Language.choices, read_only=True, help_text=LANGUAGE_HELP
    )
    translation = serializers.SerializerMethodField(
        help_text="The same words in the other language, or null."
    )
    placeholders = serializers.SerializerMethodField(
        help_text="The placeholders its words hold, each once, as written ({place})."
    )
    can_change = serializers.SerializerMethodField(
        help_text="Whether the viewer may change or delete it (a liaison of its force)."
    )

    class Meta:
        model = AlertTemplate
        fields = [
            "id",
            "force",
            "name",
            "language",
            "title",
            "body",
            "instruction",
            "translation",
            "category",
            "severity",
            "placeholders",
            "can_change",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(AlertTranslationSerializer(allow_null=True))
    def get_translation(self, template: AlertTemplate) -> dict[str, str] | None:
        return _translation(
            template.translated_title, template.translated_body, template.translated_instruction
        )

    def get_placeholders(self, template: AlertTemplate) -> list[str]:
        words = " ".join(
            [
                template.title,
                template.body,
                template.instruction,
                template.translated_title,
                template.translated_body,
                template.translated_instruction,
            ]
        )
        return placeholders_in(words)

    def get_can_change(self, template: AlertTemplate) -> bool:
        request = self.context.get("request")
        return request is not None and can_keep_templates(request.user, template.force)


class AlertTemplateInputSerializer(Serializer):
    """A template's words: what an alert composed from it starts with. Placeholders in braces
    are those of ``GET alert-templates/placeholders/``."""

    name = serializers.CharField(max_length=100, help_text="What the picker lists it as.")
    language = serializers.ChoiceField(
        choices=Language.choices, default=Language.ENGLISH, help_text=LANGUAGE_HELP
    )
    title = serializers.CharField(max_length=120)
    body = serializers.CharField(max_length=4000)
    instruction = serializers.CharField(
        max_length=1000, required=False, allow_blank=True, default=""
    )
    translation = AlertTranslationInputSerializer(
        required=False,
        allow_null=True,
        default=None,
        help_text="The same words in the other language, or null.",
    )
    category = serializers.ChoiceField(choices=Category.choices)
    severity = serializers.ChoiceField(choices=Severity.choices)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if "translation" in attrs or not self.partial:
            translation = attrs.pop("translation", None)
            # A partial change is checked against what the template already says.
            language = str(attrs.get("language") or getattr(self.instance, "language", "en"))
            attrs.update(
                _translation_checked(
                    translation,
                    language=language,
                    title=attrs.get("title", getattr(self.instance, "title", None)),
                    body=attrs.get("body", getattr(self.instance, "body", None)),
                )
            )
        return attrs


class PlaceholderSerializer(Serializer):
    placeholder = serializers.CharField(help_text="As written in a template: {place}.")
    meaning = serializers.CharField(help_text="What the sender puts in its place.")


class SendBackInputSerializer(Serializer):
    comment = serializers.CharField(
        max_length=1000,
        help_text="What the author should change: they read it with their alert.",
    )


class AlertApprovalPolicySerializer(ModelSerializer):
    """Which of the force's alerts need a second liaison's approval: any of the three."""

    recipients_threshold = serializers.IntegerField(
        min_value=0,
        max_value=10_000_000,
        allow_null=True,
        help_text="Alerts reaching more people than this need approval; null: no limit.",
    )
    force_wide = serializers.BooleanField(
        help_text="Alerts reaching every active scheme of the force need approval."
    )
    min_severity = serializers.ChoiceField(
        choices=Severity.choices,
        allow_null=True,
        help_text="Alerts this severe or more need approval; null: none for their severity.",
    )
    updated_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="Last saved; null while the force has none."
    )

    class Meta:
        model = AlertApprovalPolicy
        fields = ["force", "recipients_threshold", "force_wide", "min_severity", "updated_at"]
        read_only_fields = ["force", "updated_at"]

    def to_representation(self, instance: AlertApprovalPolicy) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["min_severity"] = instance.min_severity or None
        return data
