from django.contrib import admin

from core.models import IdempotencyRecord


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(admin.ModelAdmin):
    list_display = ["key", "user", "method", "path", "response_status", "created_at"]
    list_filter = ["method", "response_status"]
    search_fields = ["key", "path", "user__email"]
    raw_id_fields = ["user"]
    readonly_fields = [f.name for f in IdempotencyRecord._meta.fields]
