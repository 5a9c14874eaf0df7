from django.contrib import admin
from django.http import HttpRequest

from core.models import IdempotencyRecord


def deletes_something_else(modeladmin: admin.ModelAdmin, request: HttpRequest) -> bool:
    """Whether this request is the deletion of something these rows belong to (a scheme,
    a person's account), whose confirmation page lists them, rather than one of this
    model's own pages."""
    match = request.resolver_match
    own = f"{modeladmin.opts.app_label}_{modeladmin.opts.model_name}_"
    return match is not None and not (match.url_name or "").startswith(own)


class EvidenceAdmin(admin.ModelAdmin):
    """Records the app writes as things happen: what was done, by whom, and what people were
    told. Staff read them; nobody adds or rewrites them, and nobody deletes them one by one.
    They go only with what they belong to (a scheme deleted, a person's account erased),
    or a scheme or a person could not be deleted with its history."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return deletes_something_else(self, request)


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(EvidenceAdmin):
    """The answers kept for retried requests: a retry must get the same answer, so nobody
    edits one (they go with their person, or when the purge finds them old)."""

    list_display = ["key", "user", "method", "path", "response_status", "created_at"]
    list_filter = ["method", "response_status"]
    search_fields = ["key", "path", "user__email"]
    raw_id_fields = ["user"]
