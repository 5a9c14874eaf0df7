from django.contrib import admin

from notifications.models import (
    Alert,
    Notice,
    Preference,
    PushReceipt,
    PushSubscription,
    Reply,
)


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
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
    list_filter = ["status", "category", "severity", "force", "message_type"]
    search_fields = ["title", "body"]
    raw_id_fields = ["issuer", "scheme", "references"]
    filter_horizontal = ["matched_schemes"]
    date_hierarchy = "created_at"

    def save_model(self, request, obj, form, change) -> None:  # type: ignore[no-untyped-def]
        super().save_model(request, obj, form, change)
        if obj.incident_id is None:
            # Staff adding an alert here: it joins the incident of the one it refers to,
            # or starts its own, as alerts written through the app do.
            obj.incident_id = (obj.references.incident_id if obj.references else None) or obj.pk
            obj.save(update_fields=["incident"])


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(PushReceipt)
class PushReceiptAdmin(admin.ModelAdmin):
    """Written by delivery, one per browser that accepted a notice: staff only look."""

    list_display = ["notice", "subscription", "sent_at"]
    raw_id_fields = ["notice", "subscription"]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False
