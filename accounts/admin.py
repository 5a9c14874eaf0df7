from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import LiaisonProfile, User


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


@admin.register(LiaisonProfile)
class LiaisonProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "force", "role_title", "created_at"]
    list_filter = ["force"]
    search_fields = ["user__email", "user__name"]
    raw_id_fields = ["user"]
