"""Thin HTTP views for alerts, the inbox, replies and preferences, and the public Atom
feeds of alerts."""

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.requests import SignedInRequest, signed_in_user
from accounts.viewers import compiled_page
from areas import geo
from core.filters import FilterSet, IdFilter, StrictBooleanFilter
from core.idempotency import IdempotentAPIView
from core.renderers import AtomRenderer, CAPRenderer, XMLRenderer
from core.serializers import one_time_zone
from notifications import feeds, permissions, receipts, selectors, services
from notifications.cap import alert_cap_xml
from notifications.guidance import guidance_defaults
from notifications.models import (
    Alert,
    AlertStatus,
    AlertTemplate,
    Approval,
    Category,
    MessageType,
    Notice,
)
from notifications.placeholders import placeholder_guide
from notifications.serializers import (
    ALERT_ROW_COLUMNS,
    NOTICE_CARD_COLUMNS,
    AlertApprovalPolicySerializer,
    AlertChangeSerializer,
    AlertDetailSerializer,
    AlertGuidanceSerializer,
    AlertInputSerializer,
    AlertTemplateInputSerializer,
    AlertTemplateSerializer,
    AreaFeedQuerySerializer,
    MarkedSerializer,
    NoticeSerializer,
    NotifyReceiptSerializer,
    PlaceholderSerializer,
    PreferenceSerializer,
    PreviewSerializer,
    PushSubscriptionSerializer,
    ReadInputSerializer,
    ReceiptRecordedSerializer,
    ReplyAnswerSerializer,
    ReplyInputSerializer,
    ReplySerializer,
    SendBackInputSerializer,
    SummarySerializer,
    ThreadSerializer,
    UnreadCountSerializer,
    alert_row,
    notice_card,
)
from schemes.models import Scheme
from schemes.permissions import AnyUser, liaison_force
from schemes.selectors import schemes_visible_to
from schemes.serializers import SchemeRefSerializer


class AlertFilter(FilterSet):
    status = filters.ChoiceFilter(choices=AlertStatus.choices)
    category = filters.ChoiceFilter(choices=Category.choices)
    mine = StrictBooleanFilter(
        method="filter_mine", label="Only the alerts the signed-in user issued (or not)."
    )
    scheme = IdFilter(field_name="scheme", label="Only those issued for a scheme.")
    unread_replies = StrictBooleanFilter(
        method="filter_unread_replies",
        label="Only the alerts with replies nobody has read yet (or only those without).",
    )
    approval = filters.ChoiceFilter(
        choices=Approval.choices,
        label="Only the drafts at this step of a second liaison's approval (awaiting: a "
        "liaison's queue).",
    )

    class Meta:
        model = Alert
        fields = ["status", "category", "mine", "scheme", "unread_replies", "approval"]

    def filter_mine(self, queryset: QuerySet[Alert], name: str, value: bool) -> QuerySet[Alert]:
        issued = Q(issuer=signed_in_user(self.request))
        return queryset.filter(issued) if value else queryset.exclude(issued)

    def filter_unread_replies(
        self, queryset: QuerySet[Alert], name: str, value: bool
    ) -> QuerySet[Alert]:
        # Counts only where the viewer may read the replies: what they manage.
        viewer = signed_in_user(self.request)
        managed = Q(issuer=viewer)
        force = liaison_force(viewer)
        if force:
            managed |= Q(force=force)
        waiting = Q(unread_replies__gt=0) & managed
        return queryset.filter(waiting) if value else queryset.exclude(waiting)


class AlertViewSet(IdempotentAPIView, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Alerts: drafted, edited, previewed and published by liaisons and coordinators;
    updated or cancelled; their delivery figures and replies."""

    serializer_class = AlertDetailSerializer
    filterset_class = AlertFilter
    ordering_fields = ["created_at", "published_at"]
    ordering = ["-created_at", "-id"]
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[Alert]:
        return self._visible_to(self.request.user)

    def _visible_to(self, user: AnyUser) -> QuerySet[Alert]:
        return selectors.with_incident_status(
            selectors.with_unread_replies(selectors.alerts_visible_to(user=user))
        ).select_related("issuer", "scheme")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # Rows are made from plain columns (``alert_row``), the shape AlertDetailSerializer
        # states: a model per alert, its issuer and its scheme cost more than the page's
        # queries. Counted without the row's columns and joins.
        def alerts(user: AnyUser) -> QuerySet[Alert]:
            return self.filter_queryset(self._visible_to(user))

        def columns(user: AnyUser) -> QuerySet[Alert, dict[str, Any]]:
            return alerts(user).values(*ALERT_ROW_COLUMNS)

        page = compiled_page(self, request, rows=columns, counted=alerts)
        with one_time_zone():
            rows = [alert_row(row, request.user) for row in page]
        return self.get_paginated_response(rows)

    def get_permissions(self) -> Sequence[Any]:
        if self.action == "cap":
            return [AllowAny()]
        return super().get_permissions()

    def _alert(self, pk: int) -> Alert:
        return get_object_or_404(self.get_queryset(), pk=pk)

    def _managed(self, pk: int) -> Alert:
        alert = self._alert(pk)
        if not permissions.can_manage_alert(self.request.user, alert):
            raise PermissionDenied(
                _("Only the alert's issuer and its force's liaisons can do this.")
            )
        return alert

    def _scheme(self, scheme_id: int | None) -> Scheme | None:
        if scheme_id is None:
            return None
        return get_object_or_404(schemes_visible_to(user=self.request.user), pk=scheme_id)

    def _draft(self, request: Request) -> dict[str, Any]:
        """The alert the request body describes: its details, area and scheme."""
        payload = AlertInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        details, area, scheme_id = payload.split()
        return {"details": details, "area": area, "scheme": self._scheme(scheme_id)}

    def _shown(self, alert: Alert, status_code: int = status.HTTP_200_OK) -> Response:
        """The alert as this viewer sees it, read back with its annotations."""
        return Response(self.get_serializer(self._alert(alert.pk)).data, status=status_code)

    @extend_schema(request=AlertInputSerializer, responses={201: AlertDetailSerializer})
    def create(self, request: SignedInRequest) -> Response:
        alert = services.alert_draft(issuer=request.user, **self._draft(request))
        return self._shown(alert, status.HTTP_201_CREATED)

    @extend_schema(request=AlertInputSerializer, responses=AlertDetailSerializer)
    def update(self, request: SignedInRequest, pk: int) -> Response:
        """Rewrite a draft as a whole; only its author can, and only before publishing."""
        alert = self._alert(pk)
        if alert.issuer_id != request.user.pk:
            raise PermissionDenied(_("Only the alert's author edits its draft."))
        services.alert_draft_edit(alert=alert, actor=request.user, **self._draft(request))
        return self._shown(alert)

    @extend_schema(responses={204: None})
    def destroy(self, request: SignedInRequest, pk: int) -> Response:
        """Delete a draft; a published alert stays on record (cancel it instead)."""
        services.alert_draft_delete(alert=self._alert(pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=AlertInputSerializer, responses=PreviewSerializer)
    @action(detail=False, methods=["post"])
    def preview(self, request: SignedInRequest) -> Response:
        """How many schemes and people an alert would reach, before it is published."""
        schemes, recipients = services.alert_preview(issuer=request.user, **self._draft(request))
        return Response(
            {
                "schemes": SchemeRefSerializer(schemes, many=True).data,
                "recipients": recipients,
            }
        )

    @extend_schema(responses=AlertGuidanceSerializer)
    @action(detail=False, methods=["get"])
    def guidance(self, request: Request) -> Response:
        """What an alert asks of the people it reaches when its author says nothing else:
        for each category, and for a cancellation. The compose screen starts from these."""
        return Response(AlertGuidanceSerializer(guidance_defaults()).data)

    def retrieve(self, request: Request, pk: int) -> Response:
        return Response(self.get_serializer(self._alert(pk)).data)

    @extend_schema(request=None, responses=AlertDetailSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: SignedInRequest, pk: int) -> Response:
        """Publish the author's draft. When its force asks for a second liaison's approval
        of such an alert, it is held instead (``approval``: awaiting) and nothing is sent
        until another liaison approves it."""
        alert = services.alert_publish(alert=self._managed(pk), actor=request.user)
        return self._shown(alert)

    @extend_schema(request=None, responses=AlertDetailSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: SignedInRequest, pk: int) -> Response:
        """Approve an alert awaiting approval: it is published and sent. Another liaison of
        its force only, never its author; approving it again sends nothing more."""
        alert = services.alert_approve(alert=self._alert(pk), actor=request.user)
        return self._shown(alert)

    @extend_schema(request=SendBackInputSerializer, responses=AlertDetailSerializer)
    @action(detail=True, methods=["post"])
    def send_back(self, request: SignedInRequest, pk: int) -> Response:
        """Send an alert awaiting approval back to its author, saying what to change: it
        stays an unsent draft, which they may edit and publish again."""
        alert = self._alert(pk)
        payload = SendBackInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        alert = services.alert_send_back(
            alert=alert, actor=request.user, comment=payload.validated_data["comment"]
        )
        return self._shown(alert)

    @extend_schema(responses=PreviewSerializer)
    @action(detail=True, methods=["get"])
    def reach(self, request: Request, pk: int) -> Response:
        """How many schemes and people the alert reaches (or would, a draft): what the
        liaison asked to approve it sees."""
        schemes, recipients = selectors.alert_reach(alert=self._managed(pk))
        return Response(
            {
                "schemes": SchemeRefSerializer(schemes, many=True).data,
                "recipients": recipients,
            }
        )

    def _replace(self, request: SignedInRequest, pk: int, message_type: str) -> Response:
        alert = self._managed(pk)
        payload = AlertChangeSerializer(data=request.data, context={"alert": alert})
        payload.is_valid(raise_exception=True)
        replacement = services.alert_replace(
            alert=alert,
            actor=request.user,
            message_type=message_type,
            details=payload.validated_data,
        )
        return self._shown(replacement, status.HTTP_201_CREATED)

    @extend_schema(request=AlertChangeSerializer, responses={201: AlertDetailSerializer})
    @action(detail=True, methods=["post"])
    def update_alert(self, request: SignedInRequest, pk: int) -> Response:
        """Publish an update: a new alert to the same recipients, marked as an update."""
        return self._replace(request, pk, MessageType.UPDATE)

    @extend_schema(request=AlertChangeSerializer, responses={201: AlertDetailSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request: SignedInRequest, pk: int) -> Response:
        """Cancel an alert: its recipients are told, marked as a cancellation."""
        return self._replace(request, pk, MessageType.CANCEL)

    @extend_schema(
        responses={
            (200, "application/cap+xml"): OpenApiTypes.STR,
            (200, "application/xml"): OpenApiTypes.STR,
        }
    )
    @action(detail=True, methods=["get"], renderer_classes=[CAPRenderer, XMLRenderer])
    def cap(self, request: Request, pk: int) -> HttpResponse:
        """The alert as a CAP 1.2 document: public alerts for anyone, others for those who
        may see them."""
        # Refused alike to anyone who may not see it, signed in or not.
        alert = selectors.public_alerts().filter(pk=pk).first() or self._alert(pk)
        return HttpResponse(alert_cap_xml(alert), content_type=request.accepted_media_type)

    @extend_schema(responses=SummarySerializer)
    @action(detail=True, methods=["get"])
    def summary(self, request: Request, pk: int) -> Response:
        return Response(selectors.delivery_summary(alert=self._managed(pk)))

    @extend_schema(responses=ThreadSerializer)
    @action(detail=True, methods=["get"])
    def thread(self, request: Request, pk: int) -> Response:
        """The alert's incident as one thread: the first alert, its updates and its
        cancellation that the viewer may see, newest first, with the incident's status,
        whichever of them is asked for."""
        data = selectors.thread(alert=self._alert(pk), user=request.user)
        return Response(ThreadSerializer(data, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses={200: MarkedSerializer})
    @action(detail=True, methods=["post"])
    def read(self, request: SignedInRequest, pk: int) -> Response:
        """Mark read what the viewer has of the alert's incident: its notices on every
        channel, and the answers to their replies."""
        marked = services.incident_mark_read(user=request.user, alert=self._alert(pk))
        return Response({"marked": marked})

    @extend_schema(
        request=ReplyInputSerializer,
        responses={200: ReplySerializer(many=True), 201: ReplySerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def replies(self, request: SignedInRequest, pk: int) -> Response:
        """GET: the replies to the alert's incident, newest first: all of them for its
        issuer and the force's liaisons, one's own (with their answers) for anyone else.
        POST: reply to the alert, as someone who received it."""
        alert = self._alert(pk)
        if request.method == "GET":
            replies = selectors.replies_to_incident(user=request.user, alert=alert)
            page = self.paginate_queryset(replies)
            return self.get_paginated_response(ReplySerializer(page, many=True).data)
        payload = ReplyInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        reply = services.reply_create(alert=alert, author=request.user, **payload.validated_data)
        return Response(ReplySerializer(reply).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: MarkedSerializer})
    @action(detail=True, methods=["post"], url_path="replies/read")
    def replies_read(self, request: Request, pk: int) -> Response:
        """Mark every reply to the alert's incident read."""
        alert = self._alert(pk)
        if not permissions.can_manage_incident(request.user, alert):
            raise PermissionDenied(
                _("Only the alert's issuer and its force's liaisons can do this.")
            )
        return Response({"marked": services.replies_mark_read(alert=alert)})

    @extend_schema(request=ReplyAnswerSerializer, responses={200: ReplySerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path="replies/<int:reply_id>/answer",
        url_name="reply-answer",
    )
    def reply_answer(self, request: SignedInRequest, pk: int, reply_id: int) -> Response:
        """Answer a reply: its author finds the answer on the alert's page, and the incident
        shows unread in their inbox until they do. The issuer of the alert replied to and
        the force's liaisons may answer."""
        replies = selectors.replies_to_incident(user=request.user, alert=self._alert(pk))
        reply = get_object_or_404(replies.select_related("alert"), pk=reply_id)
        if not permissions.can_manage_incident(request.user, reply.alert):
            raise PermissionDenied(
                "Only the alert's issuer and its force's liaisons answer replies."
            )
        payload = ReplyAnswerSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        reply = services.reply_answer(
            reply=reply, actor=request.user, answer=payload.validated_data["answer"]
        )
        return Response(
            ReplySerializer(selectors.replies_visible_to(user=request.user).get(pk=reply.pk)).data
        )


class InboxFilter(FilterSet):
    unread = StrictBooleanFilter(
        field_name="incident_unread",
        label="Only the incidents with something unread (or only those without).",
    )

    class Meta:
        model = Notice
        fields = ["unread"]


class InboxView(generics.ListAPIView):
    """The signed-in user's in-app inbox: one card per incident (the latest notice of an
    alert, its updates and its cancellation), newest first."""

    serializer_class = NoticeSerializer
    filterset_class = InboxFilter
    ordering_fields = ["queued_at"]
    ordering = ["-queued_at", "-id"]

    def get_queryset(self) -> QuerySet[Notice]:
        if getattr(self, "swagger_fake_view", False):
            return Notice.objects.none()
        return selectors.inbox_of(user=signed_in_user(self.request))

    def _notices(self, user: User) -> QuerySet[Notice]:
        return self.filter_queryset(selectors.inbox_of(user=user))

    def _cards(self, user: User) -> QuerySet[Notice, dict[str, Any]]:
        # Cards are made from plain rows (``notice_card``), the shape NoticeSerializer states.
        return self._notices(user).values(*NOTICE_CARD_COLUMNS)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # Counted without the card's columns and their joins: the menu's unread badge asks
        # for a page of one card, on every screen, and then the count is most of the work.
        page = compiled_page(self, request, rows=self._cards, counted=self._notices)
        with one_time_zone():
            cards_of_page = [notice_card(row) for row in page]
        return self.get_paginated_response(cards_of_page)


class InboxUnreadView(APIView):
    """How many cards of the signed-in user's inbox have something unread: the menu's
    badge, which every screen asks for, counted without reading a page of cards."""

    @extend_schema(responses=UnreadCountSerializer)
    def get(self, request: SignedInRequest) -> Response:
        return Response({"unread": selectors.inbox_unread_count(user=request.user)})


class InboxReadView(IdempotentAPIView):
    @extend_schema(request=ReadInputSerializer, responses=MarkedSerializer)
    def post(self, request: SignedInRequest) -> Response:
        payload = ReadInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        marked = services.notices_mark_read(
            user=request.user, notice_ids=payload.validated_data["ids"]
        )
        return Response({"marked": marked})


class PreferenceView(IdempotentAPIView):
    """The signed-in user's alert settings: what applies to them now, their own once saved
    (``saved``), the defaults before (every alert of their schemes, in the app and by email,
    and by web push where a browser allowed it)."""

    @extend_schema(responses=PreferenceSerializer)
    def get(self, request: SignedInRequest) -> Response:
        preference = selectors.preference_of(user=request.user)
        return Response(PreferenceSerializer(preference).data)

    @extend_schema(request=PreferenceSerializer, responses=PreferenceSerializer)
    def put(self, request: SignedInRequest) -> Response:
        payload = PreferenceSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        preference = services.preference_set(user=request.user, data=dict(payload.validated_data))
        return Response(PreferenceSerializer(preference).data)

    @extend_schema(request=None, responses={200: PreferenceSerializer})
    def delete(self, request: SignedInRequest) -> Response:
        """Forget the saved settings: the defaults apply again, and are returned."""
        services.preference_reset(user=request.user)
        return Response(PreferenceSerializer(selectors.preference_of(user=request.user)).data)


class PushSubscriptionView(IdempotentAPIView):
    """Browsers that allowed notifications: the frontend's service worker registers here."""

    @extend_schema(request=PushSubscriptionSerializer, responses={201: PushSubscriptionSerializer})
    def post(self, request: SignedInRequest) -> Response:
        payload = PushSubscriptionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.push_subscription_save(user=request.user, **payload.validated_data)
        return Response(payload.data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PushSubscriptionSerializer, responses={204: None})
    def delete(self, request: SignedInRequest) -> Response:
        endpoint = str(request.data.get("endpoint", ""))[:1000]
        services.push_subscription_remove(user=request.user, endpoint=endpoint)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Atom feeds of public alerts ---------------------------------------------------------

ATOM_RESPONSE = {
    (200, feeds.ATOM_MEDIA_TYPE): OpenApiResponse(
        OpenApiTypes.STR, description="An Atom 1.0 feed (RFC 4287)."
    )
}


class NotifyReceiptView(IdempotentAPIView):
    """GOV.UK Notify's delivery receipts (its callback, set up in Notify with this address and
    the bearer token). A receipt for a message no notice knows changes nothing and is
    answered 404, which Notify does not retry; the same receipt twice changes nothing more
    (answered 200, ``recorded`` 0). Called by Notify alone, with its own bearer token."""

    authentication_classes = [permissions.NotifyCallbackAuthentication]
    permission_classes = [permissions.IsNotifyCallback]
    # Notify posts a receipt for every message, thousands a minute from a few addresses:
    # the throttles meant for people would refuse most of them. Without the token every
    # request is refused before any work.
    throttle_classes: list = []
    # Notify sends no Idempotency-Key, and recording a receipt twice changes nothing.
    idempotency_key_accepted = False

    @extend_schema(request=NotifyReceiptSerializer, responses={200: ReceiptRecordedSerializer})
    def post(self, request: Request) -> Response:
        payload = NotifyReceiptSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        recorded = receipts.notice_receipt_record(
            provider_id=data["id"],
            reference=data.get("reference"),
            status=data["status"],
            at=data.get("completed_at"),
        )
        if recorded is None:
            return Response(
                {"detail": _("No notice was sent as this message.")},
                status=status.HTTP_404_NOT_FOUND,
            )
        return Response(ReceiptRecordedSerializer({"recorded": recorded}).data)


class _AlertFeedView(APIView):
    """Public: the same feed for everyone, so no credentials are read (a feed reader's
    stale cookie changes nothing, and a liaison yet to give their second factor reads it
    as anyone does)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    renderer_classes = [AtomRenderer]

    def _atom(self, document: bytes) -> HttpResponse:
        return HttpResponse(document, content_type=f"{feeds.ATOM_MEDIA_TYPE}; charset=utf-8")

    def _self_url(self) -> str:
        # The address as asked for, query and all, on the site's own address.
        return f"{settings.SITE_URL}{self.request.get_full_path()}"


class AreaAlertFeedView(_AlertFeedView):
    @extend_schema(
        operation_id="alerts_feed_area",
        parameters=[AreaFeedQuerySerializer],
        responses=ATOM_RESPONSE,
    )
    def get(self, request: Request) -> HttpResponse:
        """Atom feed of the current public alerts whose area overlaps a circle, newest first;
        each entry links to the alert's public page and to its CAP 1.2 document."""
        query = AreaFeedQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        area = geo.Area(
            centre=geo.Point(query.validated_data["lat"], query.validated_data["lon"]),
            radius_m=query.validated_data["radius_m"],
        )
        alerts = selectors.public_alerts_in_area(area=area)
        return self._atom(feeds.area_feed(area=area, alerts=alerts, self_url=self._self_url()))


class SchemeAlertFeedView(_AlertFeedView):
    @extend_schema(
        operation_id="alerts_feed_scheme",
        parameters=[
            OpenApiParameter(
                "scheme_id", int, OpenApiParameter.PATH, description="The scheme's id."
            )
        ],
        responses=ATOM_RESPONSE,
    )
    def get(self, request: Request, scheme_id: int) -> HttpResponse:
        """Atom feed of the current public alerts that reached an active scheme, newest
        first; each entry links to the alert's public page and to its CAP 1.2 document."""
        # The feed is the same for everyone: the schemes anyone may see (the active ones).
        scheme = get_object_or_404(schemes_visible_to(user=AnonymousUser()), pk=scheme_id)
        alerts = selectors.public_alerts_of_scheme(scheme=scheme)
        return self._atom(
            feeds.scheme_feed(scheme=scheme, alerts=alerts, self_url=self._self_url())
        )


# --- A force's templates and its approval policy -------------------------------------------


class AlertTemplateFilter(FilterSet):
    category = filters.ChoiceFilter(choices=Category.choices)

    class Meta:
        model = AlertTemplate
        fields = ["category"]


class AlertTemplateViewSet(
    IdempotentAPIView,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """A force's alert templates: kept by its liaisons, read by them and by the coordinators
    of the force's schemes, who compose alerts from them."""

    serializer_class = AlertTemplateSerializer
    filterset_class = AlertTemplateFilter
    ordering_fields = ["name", "updated_at"]
    ordering = ["name", "id"]
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[AlertTemplate]:
        return selectors.alert_templates_visible_to(user=self.request.user)

    def _shown(self, template: AlertTemplate, status_code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(template).data, status=status_code)

    @extend_schema(request=AlertTemplateInputSerializer, responses={201: AlertTemplateSerializer})
    def create(self, request: SignedInRequest) -> Response:
        """Add a template for the liaison's force."""
        payload = AlertTemplateInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        template = services.alert_template_create(
            actor=request.user, fields=dict(payload.validated_data)
        )
        return self._shown(template, status.HTTP_201_CREATED)

    def _change(self, request: SignedInRequest, pk: int, *, partial: bool) -> Response:
        template = self.get_object()
        payload = AlertTemplateInputSerializer(template, data=request.data, partial=partial)
        payload.is_valid(raise_exception=True)
        template = services.alert_template_change(
            template=template, actor=request.user, fields=dict(payload.validated_data)
        )
        return self._shown(template)

    @extend_schema(request=AlertTemplateInputSerializer, responses=AlertTemplateSerializer)
    def update(self, request: SignedInRequest, pk: int) -> Response:
        """Rewrite a template as a whole."""
        return self._change(request, pk, partial=False)

    @extend_schema(request=AlertTemplateInputSerializer, responses=AlertTemplateSerializer)
    def partial_update(self, request: SignedInRequest, pk: int) -> Response:
        """Change some of a template's fields."""
        return self._change(request, pk, partial=True)

    @extend_schema(responses={204: None})
    def destroy(self, request: SignedInRequest, pk: int) -> Response:
        """Delete a template; alerts composed from it are not changed."""
        services.alert_template_delete(template=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses=PlaceholderSerializer(many=True))
    @action(
        detail=False,
        methods=["get"],
        pagination_class=None,
        filterset_class=None,
        filter_backends=[],
    )
    def placeholders(self, request: Request) -> Response:
        """The placeholders a template may hold, and what the sender puts in each place."""
        return Response(PlaceholderSerializer(placeholder_guide(), many=True).data)


class AlertApprovalPolicyView(IdempotentAPIView):
    """Which alerts of the signed-in liaison's force need a second liaison's approval
    before they are sent. Staff change any force's in the admin."""

    def _force(self, request: SignedInRequest) -> str:
        force = liaison_force(request.user)
        if force is None:
            raise PermissionDenied(_("Only police liaisons set their force's alert approval."))
        return force

    @extend_schema(responses=AlertApprovalPolicySerializer)
    def get(self, request: SignedInRequest) -> Response:
        policy = selectors.approval_policy_of(force=self._force(request))
        return Response(AlertApprovalPolicySerializer(policy).data)

    @extend_schema(request=AlertApprovalPolicySerializer, responses=AlertApprovalPolicySerializer)
    def put(self, request: SignedInRequest) -> Response:
        force = self._force(request)
        payload = AlertApprovalPolicySerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        fields = dict(payload.validated_data)
        fields["min_severity"] = fields.get("min_severity") or ""
        policy = services.approval_policy_set(force=force, fields=fields)
        return Response(AlertApprovalPolicySerializer(policy).data)
