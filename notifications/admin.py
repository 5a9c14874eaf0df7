from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from core.admin import EvidenceAdmin
from notifications.models import (
    Alert,
    AlertApprovalPolicy,
    AlertStatus,
    AlertTemplate,
    Notice,
    Preference,
    PushReceipt,
    PushSubscription,
    Reply,
)


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    """Alerts are written, published, updated and cancelled by liaisons in the app, whose
    services check the area, the daily limit and who may issue what, and send the notices.
    A published alert is the record of what people were told, and a draft is its author's
    own (the app lets nobody else change one): staff read them here. A draft, which nobody
    has been sent, may be deleted."""

    list_display = [
        "title",
        "category",
        "severity",
        "status",
        "force",
        "issuer",
        "published_at",
        "recipients_count",
    ]
    list_filter = ["status", "category", "severity", "force", "message_type", "language"]
    search_fields = ["title", "body", "translated_title", "translated_body"]
    raw_id_fields = ["issuer", "scheme", "references"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Alert | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Alert | None = None) -> bool:
        return obj is None or obj.status == AlertStatus.DRAFT


@admin.register(Notice)
class NoticeAdmin(EvidenceAdmin):
    """What each person was sent, and when: goes with its alert or its person."""

    list_display = ["alert", "recipient", "channel", "state", "attempts", "sent_at", "read_at"]
    list_filter = ["channel", "state"]
    search_fields = ["recipient__email", "alert__title", "last_error"]
    raw_id_fields = ["alert", "recipient"]


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "min_severity", "daily_digest", "updated_at"]
    raw_id_fields = ["user"]
    filter_horizontal = ["muted_schemes"]


@admin.register(Reply)
class ReplyAdmin(admin.ModelAdmin):
    list_display = ["alert", "author", "created_at", "read_at", "answered_at"]
    raw_id_fields = ["alert", "author", "answered_by"]


@admin.register(PushSubscription)
class PushSubscriptionAdmin(admin.ModelAdmin):
    """Browsers subscribe themselves; staff can only look and remove."""

    list_display = ["user", "created_at"]
    search_fields = ["user__email"]
    readonly_fields = ["user", "endpoint", "p256dh", "auth", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(PushReceipt)
class PushReceiptAdmin(admin.ModelAdmin):
    """Written by delivery, one per browser that accepted a notice: staff only look."""

    list_display = ["notice", "subscription", "sent_at"]
    raw_id_fields = ["notice", "subscription"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AlertTemplate)
class AlertTemplateAdmin(admin.ModelAdmin):
    """A force's templates, which its liaisons keep in the app; staff may correct them."""

    list_display = ["name", "force", "category", "severity", "language", "updated_at"]
    list_filter = ["force", "category", "severity", "language"]
    search_fields = ["name", "title", "body"]


@admin.register(AlertApprovalPolicy)
class AlertApprovalPolicyAdmin(admin.ModelAdmin):
    """Which alerts of each force need a second liaison's approval: set by the force's
    liaisons in the app, or by staff here."""

    list_display = ["force", "recipients_threshold", "force_wide", "min_severity", "updated_at"]
    list_filter = ["force_wide", "min_severity"]
