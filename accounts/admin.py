from collections.abc import Sequence
from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts import services, two_factor
from accounts.deletion import deletion_handlers
from accounts.models import AccountEvent, EmailChange, LiaisonProfile, User
from accounts.requests import signed_in_user
from core.admin import EvidenceAdmin


class LiaisonProfileInline(admin.StackedInline):
    model = LiaisonProfile
    can_delete = True
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "postcode", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_active", "liaison__force"]
    search_fields = ["email", "name", "phone", "postcode"]
    inlines = [LiaisonProfileInline]
    actions = ["reset_two_factor"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Details", {"fields": ["name", "phone", "postcode"]}),
        (
            "Permissions",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "name", "password1", "password2"]}),
    ]

    def get_deleted_objects(
        self, objs: Sequence[User] | QuerySet[User], request: HttpRequest
    ) -> tuple[list[Any], dict[str, int], set[str], list[Any]]:
        """Deleting a scheme's only coordinator (an erasure request, say) would leave it with
        nobody to run it: the admin lists such schemes as protected and refuses, on the
        delete page and in "delete selected", until another member is made coordinator."""
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        user_ids = [user.pk for user in objs]
        protected = [
            *protected,
            *(line for handler in deletion_handlers() for line in handler.protected(user_ids)),
        ]
        return deleted, model_count, perms_needed, protected

    @admin.action(description="Reset two-factor sign-in (lost phone)")
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """Remove the chosen people's authenticators and recovery codes; liaisons and staff
        must set two-factor sign-in up again. Each reset goes on the audit log."""
        with transaction.atomic():
            for user in queryset:
                two_factor.second_factor_reset(user=user, staff=signed_in_user(request))
        self.message_user(
            request,
            f"Two-factor sign-in reset for {len(queryset)} people. They set it up again at "
            "their next sign-in.",
            messages.SUCCESS,
        )

    # Deleting from the admin (an erasure request handled by staff, say) removes and
    # anonymises the person's data exactly as deleting one's own account does.
    def delete_model(self, request: HttpRequest, obj: User) -> None:
        services.account_delete(user=obj, tell_person=False)

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.account_delete(user=user, tell_person=False)


@admin.register(LiaisonProfile)
class LiaisonProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "force", "role_title", "created_at"]
    list_filter = ["force"]
    search_fields = ["user__email", "user__name"]
    raw_id_fields = ["user"]


@admin.register(EmailChange)
class EmailChangeAdmin(admin.ModelAdmin):
    """Requests to move an account to another address: a record of who asked for what, and
    whether the link was followed. Made by the person only, so staff read them."""

    list_display = ["user", "new_email", "created_at", "confirmed_at"]
    list_filter = ["confirmed_at"]
    search_fields = ["user__email", "user__name", "new_email"]
    raw_id_fields = ["user"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: EmailChange | None = None) -> bool:
        return False


@admin.register(AccountEvent)
class AccountEventAdmin(EvidenceAdmin):
    """Things done with an account that its holder may check later (downloads of their
    data). Recorded by the app only: staff read them, and they go with the account."""

    list_display = ["user", "type", "at"]
    list_filter = ["type"]
    search_fields = ["user__email", "user__name"]
    raw_id_fields = ["user"]
    date_hierarchy = "at"
