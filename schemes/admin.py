"""The Django admin for staff. It changes schemes and memberships only through the same rules
as the API: status moves go through ``services.scheme_status_change`` (recorded with the
staff member and a reason), requests to join and members' roles through the membership
services, and no edit or deletion may take away a scheme's last coordinator."""

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from accounts.requests import signed_in_user
from core.admin import EvidenceAdmin
from schemes import services
from schemes.models import (
    ActivityEvent,
    Membership,
    MembershipRole,
    MembershipStatus,
    Neighbourhood,
    Scheme,
    SchemeStatus,
    SchemeStatusChange,
)


def _stays_coordinator(data: dict[str, Any], membership: Membership) -> bool:
    return (
        data.get("role", membership.role) == MembershipRole.COORDINATOR
        and data.get("status", membership.status) == MembershipStatus.ACTIVE
    )


class MembershipInlineFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors) or self.instance.pk is None:
            return
        changes = {
            form.instance.pk: not self._should_delete_form(form)  # type: ignore[attr-defined]  # Django's reading of the DELETE box; the stubs leave it out
            and _stays_coordinator(form.cleaned_data, form.instance)
            for form in self.forms
            if form.instance.pk is not None and form.cleaned_data
        }
        # The admin's change view runs in a transaction, so the lock taken here holds
        # until these changes are saved.
        services.coordinators_kept_check(
            scheme_id=self.instance.pk, changes=changes, consequence="These changes"
        )


class MembershipInline(admin.TabularInline):
    """The scheme's members, whose role staff may change or whom they may remove (through
    the membership services, which record it). Requests to join are decided on the
    membership's own page, as people join through the app."""

    model = Membership
    formset = MembershipInlineFormSet
    extra = 0
    verbose_name_plural = "Members"
    fields = ["user", "role", "status", "requested_at", "joined_at"]
    readonly_fields = ["user", "status", "requested_at", "joined_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        return super().get_queryset(request).filter(status=MembershipStatus.ACTIVE)

    def has_add_permission(self, request: HttpRequest, obj: Scheme | None = None) -> bool:
        return False


class StatusChangeInline(admin.TabularInline):
    model = SchemeStatusChange
    extra = 0
    can_delete = False
    # A tuple, which (unlike a list) can stand for both.
    readonly_fields = ("at", "from_status", "to_status", "actor", "reason")
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest, obj: Scheme | None = None) -> bool:
        return False


class StatusReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Recorded in the scheme's status history and activity log.",
    )

    def __init__(self, *args: Any, reason_required: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = reason_required


def _status_action(to_status: str, verb: str) -> Any:
    @admin.action(description=f"{verb} the selected schemes (asks for a reason)")
    def action(
        modeladmin: "SchemeAdmin", request: HttpRequest, queryset: QuerySet[Scheme]
    ) -> HttpResponse | None:
        return modeladmin.status_change(request, queryset, to_status=to_status, verb=verb)

    action.__name__ = f"make_{to_status}"
    return action


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "status", "force", "created_at", "approved_at"]
    list_filter = ["kind", "status", "force"]
    search_fields = ["name", "description", "contact_name", "contact_email"]
    raw_id_fields = ["proposed_by"]
    # The status moves only through the actions below, which record every step.
    readonly_fields = [
        "status",
        "approved_by",
        "approved_at",
        "bbox_south",
        "bbox_west",
        "bbox_north",
        "bbox_east",
        "created_at",
        "updated_at",
    ]
    inlines = [MembershipInline, StatusChangeInline]
    date_hierarchy = "created_at"
    actions = [
        _status_action(SchemeStatus.ACTIVE, "Approve or reinstate"),
        _status_action(SchemeStatus.SUSPENDED, "Suspend"),
        _status_action(SchemeStatus.CLOSED, "Close"),
    ]

    def save_model(
        self, request: HttpRequest, obj: Scheme, form: forms.ModelForm, change: bool
    ) -> None:
        # Keep the indexed bounding box in step with an area edited here.
        area = services.area_fields(
            lat=obj.centre_lat, lon=obj.centre_lon, radius_m=obj.radius_m, boundary=obj.boundary
        )
        for field, value in area.items():
            setattr(obj, field, value)
        super().save_model(request, obj, form, change)
        if not change:
            # A scheme added here starts as a proposal, recorded like one made in the app.
            services.proposal_record(scheme=obj, actor=signed_in_user(request), in_admin=True)

    def save_formset(
        self,
        request: HttpRequest,
        form: forms.ModelForm,
        formset: forms.BaseModelFormSet,
        change: bool,
    ) -> None:
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        # Checked as a whole by the formset; made coordinators first, so that a hand-over
        # never leaves the scheme without one on the way.
        removed = formset.deleted_forms
        moved = [f for f in formset.forms if f not in removed and "role" in f.changed_data]
        moved.sort(key=lambda f: f.cleaned_data["role"] != MembershipRole.COORDINATOR)
        for row in moved:
            services.membership_set_role(
                membership=row.instance,
                actor=signed_in_user(request),
                role=row.cleaned_data["role"],
            )
        for row in removed:
            services.membership_remove(membership=row.instance, actor=signed_in_user(request))
        # What formset.save() would have noted, for the admin's change message.
        formset.new_objects = []
        formset.changed_objects = [(row.instance, ["role"]) for row in moved]
        formset.deleted_objects = [row.instance for row in removed]
        return None

    def status_change(
        self, request: HttpRequest, queryset: QuerySet[Scheme], *, to_status: str, verb: str
    ) -> HttpResponse | None:
        """Ask for the reason, then move each selected scheme through the service."""
        form = StatusReasonForm(
            request.POST if "apply" in request.POST else None,
            reason_required=to_status in services.REASON_REQUIRED,
        )
        if not form.is_valid():
            return TemplateResponse(
                request,
                "admin/schemes/scheme/status_change.html",
                {
                    **self.admin_site.each_context(request),
                    "title": f"{verb}: {len(queryset)} selected schemes",
                    "opts": self.model._meta,
                    "form": form,
                    "schemes": queryset,
                    "action": request.POST["action"],
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                    "verb": verb,
                },
            )
        for scheme in queryset:
            try:
                services.scheme_status_change(
                    scheme=scheme,
                    actor=signed_in_user(request),
                    to_status=to_status,
                    reason=form.cleaned_data["reason"],
                )
            except (ValidationError, PermissionDenied) as exc:
                problem = " ".join(getattr(exc, "messages", [str(exc)]))
                self.message_user(request, f"{scheme.name}: {problem}", messages.ERROR)
            else:
                self.message_user(request, f"{scheme.name} is now {to_status}.", messages.SUCCESS)
        return None


class MembershipAdminForm(forms.ModelForm):
    """A request approved or declined, a decline undone, or a member's role changed, each
    through its membership service (which checks and records it)."""

    actor: Any = None  # the staff member, set per request by MembershipAdmin.get_form

    class Meta:
        model = Membership
        fields = ["role", "status", "decline_reason"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if self.instance.pk is None or self.errors:
            return cleaned
        # The admin's change view runs in a transaction: the lock taken here holds
        # until the change is saved.
        services.coordinators_kept_check(
            scheme_id=self.instance.scheme_id,
            changes={self.instance.pk: _stays_coordinator(cleaned, self.instance)},
            consequence="This change",
        )
        # Changed while the form is checked, so that a service's refusal shows on the form;
        # nothing on it is checked afterwards but the fields the services wrote (the model's
        # own checks), and the change view's transaction keeps it only once it is saved.
        try:
            with transaction.atomic():
                self._change(cleaned)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, problems in exc.message_dict.items():
                    self.add_error(field if field in self.fields else None, problems)
            else:
                self.add_error(None, exc.messages)
        return cleaned

    def _change(self, cleaned: dict[str, Any]) -> None:
        membership, actor = self.instance, self.actor
        before, after = membership.status, cleaned["status"]
        if after != before:
            if (before, after) == (MembershipStatus.PENDING, MembershipStatus.ACTIVE):
                services.membership_approve(membership=membership, actor=actor)
            elif (before, after) == (MembershipStatus.PENDING, MembershipStatus.DECLINED):
                services.membership_decline(
                    membership=membership, actor=actor, reason=cleaned["decline_reason"]
                )
            elif (before, after) == (MembershipStatus.DECLINED, MembershipStatus.PENDING):
                services.membership_decline_undo(membership=membership, actor=actor)
            else:
                raise ValidationError(
                    {
                        "status": f"A membership does not go from {before} to {after}: "
                        "requests are approved or declined, and members are removed by "
                        "deleting their membership."
                    }
                )
        elif cleaned["decline_reason"] != membership.decline_reason:
            raise ValidationError({"decline_reason": "The reason is given with a decline."})
        if cleaned["role"] != membership.role:
            services.membership_set_role(membership=membership, actor=actor, role=cleaned["role"])


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    form = MembershipAdminForm
    list_display = ["user", "scheme", "role", "status", "requested_at", "joined_at"]
    list_filter = ["role", "status", "scheme__kind"]
    search_fields = ["user__email", "user__name", "scheme__name"]
    fields = [
        "scheme",
        "user",
        "role",
        "status",
        "message",
        "requested_at",
        "joined_at",
        "decline_reason",
        "decided_by",
        "decided_at",
        "requester_told_at",
    ]
    # Moving a membership to another scheme or person would bypass the coordinator rule;
    # who decided a request and when, and when its requester was told, are the app's record.
    readonly_fields = [
        "scheme",
        "user",
        "message",
        "requested_at",
        "joined_at",
        "decided_by",
        "decided_at",
        "requester_told_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # People ask to join in the app (only an active scheme takes members); staff
        # decide the request here.
        return False

    def get_form(
        self,
        request: HttpRequest,
        obj: Membership | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> type[MembershipAdminForm]:
        # The admin builds a subclass of ``form`` (MembershipAdminForm) for this request.
        form = cast(type[MembershipAdminForm], super().get_form(request, obj, change, **kwargs))
        form.actor = signed_in_user(request)
        return form

    def save_model(
        self, request: HttpRequest, obj: Membership, form: forms.ModelForm, change: bool
    ) -> None:
        # The services saved the change as the form was checked; saving this copy again
        # would overwrite what they recorded (who decided, when).
        pass

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        services.membership_remove(membership=obj, actor=signed_in_user(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        for membership in queryset:
            services.membership_remove(membership=membership, actor=signed_in_user(request))

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(
                reverse("admin:schemes_membership_change", args=[object_id])
            )

    def response_action(
        self, request: HttpRequest, queryset: QuerySet[Membership]
    ) -> HttpResponse | None:
        # "Delete selected" removes each membership through the service; one refusal undoes
        # the whole batch, and the log entries written before it.
        try:
            with transaction.atomic():
                return super().response_action(request, queryset)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


@admin.register(SchemeStatusChange)
class SchemeStatusChangeAdmin(EvidenceAdmin):
    list_display = ["scheme", "from_status", "to_status", "actor", "at"]
    list_filter = ["to_status"]
    search_fields = ["scheme__name", "reason"]


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(admin.ModelAdmin):
    """A force's policing neighbourhoods, as its liaison or staff imported them: read here,
    changed only by importing the force's file again (which checks every boundary)."""

    list_display = ["name", "ref", "force", "imported_at"]
    list_filter = ["force"]
    search_fields = ["name", "ref"]
    readonly_fields = ["force", "ref", "name", "boundary", "imported_at"]
    exclude = ["centre_lat", "centre_lon", "bbox_south", "bbox_west", "bbox_north", "bbox_east"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ActivityEvent)
class ActivityEventAdmin(EvidenceAdmin):
    # The kind's label: the column holds any registered kind, so it has no choices to show.
    list_display = ["at", "scheme", "type_label", "actor_name", "summary"]
    list_filter = ["type", "object_type", "scheme__kind", "force"]
    search_fields = ["summary", "actor_name", "scheme__name"]
    date_hierarchy = "at"
