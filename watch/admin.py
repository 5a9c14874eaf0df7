from django import forms
from django.contrib import admin
from django.db import models

from schemes.admin import ReadOnlyAdmin
from watch.models import (
    AuditRecord,
    Letterhead,
    Offence,
    Session,
    SessionAmendment,
    Site,
    SiteStatusChange,
)


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "road_name", "scheme", "speed_limit_mph", "status", "created_at"]
    list_filter = ["status", "speed_limit_mph", "scheme__force"]
    search_fields = ["name", "road_name", "scheme__name"]
    raw_id_fields = ["scheme", "decided_by", "proposed_by"]


class OffenceInline(admin.TabularInline):
    model = Offence
    extra = 0
    fields = ["registration", "speed_mph", "observed_at", "action", "action_status", "voided"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


class AmendmentInline(admin.TabularInline):
    model = SessionAmendment
    extra = 0
    fields = ["at", "actor", "reason", "changes"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["site", "scheme", "started_at", "vehicles_counted", "status", "submitted_at"]
    list_filter = ["status", "scheme__force"]
    search_fields = ["site__name", "scheme__name", "device_serial"]
    raw_id_fields = ["scheme", "site", "created_by", "submitted_by"]
    filter_horizontal = ["present"]
    date_hierarchy = "started_at"
    inlines = [OffenceInline, AmendmentInline]


@admin.register(Offence)
class OffenceAdmin(admin.ModelAdmin):
    list_display = [
        "registration",
        "speed_mph",
        "speed_limit_mph",
        "observed_at",
        "action",
        "action_status",
        "voided",
        "force",
    ]
    list_filter = ["action", "action_status", "voided", "force", "registration_format"]
    search_fields = ["registration"]
    raw_id_fields = ["session", "scheme", "site", "action_updated_by"]
    date_hierarchy = "observed_at"


@admin.register(SessionAmendment)
class SessionAmendmentAdmin(admin.ModelAdmin):
    list_display = ["session", "actor", "reason", "at"]
    raw_id_fields = ["session", "actor"]


@admin.register(SiteStatusChange)
class SiteStatusChangeAdmin(ReadOnlyAdmin):
    list_display = ["site", "from_status", "to_status", "actor", "at"]
    list_select_related = ["site", "actor"]
    list_filter = ["to_status"]
    search_fields = ["site__name", "reason"]


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):
    """The audit trail is evidence: nobody adds, rewrites or deletes a record here, staff
    and superusers included. (Deleting a person or a scheme leaves their records, which
    keep the name; the retention purge alone removes the registrations in them.)"""

    list_display = ["at", "actor_name", "action", "force", "scheme", "rows"]
    list_select_related = ["scheme"]
    list_filter = ["action", "force"]
    search_fields = ["actor_name"]
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(Letterhead)
class LetterheadAdmin(admin.ModelAdmin):
    """A force's Community Speedwatch letters: sender, where to reply, who signs them."""

    list_display = ["force", "department", "telephone", "email", "signatory_name", "updated_at"]
    search_fields = ["force", "signatory_name"]
    # A web address typed without its scheme is the force's site over HTTPS.
    formfield_overrides = {
        models.URLField: {"form_class": forms.URLField, "assume_scheme": "https"}
    }
    fieldsets = [
        (None, {"fields": ["force", "department", "return_address"]}),
        (
            "Replies and disputes",
            {"fields": ["telephone", "email", "disputes_url", "dispute_days"]},
        ),
        ("Signature", {"fields": ["signatory_name", "signatory_title"]}),
    ]
