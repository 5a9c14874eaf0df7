from django.contrib import admin

from schemes.models import ActivityEvent, Membership, Scheme, SchemeStatusChange
from schemes.services import area_fields


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user", "decided_by"]
    fields = ["user", "role", "status", "requested_at", "joined_at"]
    readonly_fields = ["requested_at"]


class StatusChangeInline(admin.TabularInline):
    model = SchemeStatusChange
    extra = 0
    can_delete = False
    fields = ["at", "from_status", "to_status", "actor", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "status", "force", "created_at", "approved_at"]
    list_filter = ["kind", "status", "force"]
    search_fields = ["name", "description", "contact_name", "contact_email"]
    raw_id_fields = ["proposed_by", "approved_by"]
    readonly_fields = [
        "bbox_south",
        "bbox_west",
        "bbox_north",
        "bbox_east",
        "created_at",
        "updated_at",
    ]
    inlines = [MembershipInline, StatusChangeInline]
    date_hierarchy = "created_at"

    def save_model(self, request, obj: Scheme, form, change: bool) -> None:  # type: ignore[no-untyped-def]
        # Keep the indexed bounding box in step with an area edited here.
        area = area_fields(
            lat=obj.centre_lat, lon=obj.centre_lon, radius_m=obj.radius_m, boundary=obj.boundary
        )
        for field, value in area.items():
            setattr(obj, field, value)
        super().save_model(request, obj, form, change)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "scheme", "role", "status", "requested_at", "joined_at"]
    list_filter = ["role", "status", "scheme__kind"]
    search_fields = ["user__email", "user__name", "scheme__name"]
    raw_id_fields = ["user", "scheme", "decided_by"]


@admin.register(SchemeStatusChange)
class SchemeStatusChangeAdmin(admin.ModelAdmin):
    list_display = ["scheme", "from_status", "to_status", "actor", "at"]
    list_filter = ["to_status"]
    search_fields = ["scheme__name", "reason"]
    raw_id_fields = ["scheme", "actor"]


@admin.register(ActivityEvent)
class ActivityEventAdmin(admin.ModelAdmin):
    list_display = ["at", "scheme", "type", "actor_name", "summary"]
    list_filter = ["type", "scheme__kind", "scheme__force"]
    search_fields = ["summary", "actor_name", "scheme__name"]
    raw_id_fields = ["scheme", "actor"]
    date_hierarchy = "at"
