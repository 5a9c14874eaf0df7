"""The speedwatch records in the Django admin. Staff change them only through the rules the
API keeps: a site's status moves through ``services.sites.site_decide`` (recorded in its history
and the scheme's activity), drafts are discarded through the session services, and what a
submitted session recorded is evidence, read here and changed by nobody."""

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.requests import signed_in_user
from core.admin import EvidenceAdmin, deletes_something_else
from watch.models import (
    AuditRecord,
    KeeperAddress,
    Letterhead,
    Offence,
    PostedLetter,
    Session,
    SessionAmendment,
    Site,
    SiteStatus,
    SiteStatusChange,
    VehicleCheck,
)
from watch.services import sessions as session_services
from watch.services import sites as site_services


class SiteAdminForm(forms.ModelForm):
    """A liaison's decision on the site, taken by the same service as the app's."""

    decision = forms.ChoiceField(
        required=False,
        choices=[
            ("", "No change"),
            # Every decision the app offers; the service says which this site may take.
            *(
                (s.value, s.label)
                for s in (SiteStatus.APPROVED, SiteStatus.REJECTED, SiteStatus.SUSPENDED)
            ),
        ],
        help_text="Recorded in the site's history and the scheme's activity with your name.",
    )
    reason = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Needed to reject or suspend a site: the coordinator reads it.",
    )
    actor: Any = None  # the staff member, set per request by SiteAdmin.get_form

    class Meta:
        model = Site
        fields: list[str] = []

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        decision = cleaned.get("decision")
        if not decision:
            if cleaned.get("reason", "").strip():
                self.add_error("reason", "The reason goes with a decision.")
            return cleaned
        if self.errors:
            return cleaned
        # Decided while the form is checked, so that the service's refusal shows on the
        # form. Nothing else on it can fail afterwards (every other field is read-only), and
        # the change view's transaction keeps the decision only once the page is saved.
        try:
            with transaction.atomic():
                site_services.site_decide(
                    site=self.instance,
                    actor=self.actor,
                    status=decision,
                    reason=cleaned.get("reason", ""),
                )
        except ValidationError as exc:
            for field, problems in exc.message_dict.items():
                self.add_error("decision" if field == "status" else field, problems)
        return cleaned


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    """Sites are proposed by a scheme's coordinators in the app, whose risk assessment and
    speed limit checks come with the proposal; what a site is and where it stands is the
    record its sessions were run against, so staff only take decisions on it here."""

    form = SiteAdminForm
    list_display = ["name", "road_name", "scheme", "speed_limit_mph", "status", "created_at"]
    list_filter = ["status", "speed_limit_mph", "scheme__force"]
    search_fields = ["name", "road_name", "scheme__name"]
    # What was proposed, and where the site stands: read-only; only the decision is a form.
    record = (
        "scheme",
        "name",
        "road_name",
        "lat",
        "lon",
        "speed_limit_mph",
        "direction",
        "notes",
        "risk_assessment",
        "proposed_by",
        "created_at",
    )
    standing = ("status", "decision_reason", "decided_by", "decided_at")
    fieldsets = [
        (None, {"fields": record}),
        ("Status", {"fields": standing}),
        ("Decide", {"fields": ["decision", "reason"]}),
    ]
    readonly_fields = record + standing

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_form(
        self, request: HttpRequest, obj: Site | None = None, change: bool = False, **kwargs: Any
    ) -> type[SiteAdminForm]:
        # The admin builds a subclass of ``form`` (SiteAdminForm) for this request.
        form = cast(type[SiteAdminForm], super().get_form(request, obj, change, **kwargs))
        form.actor = signed_in_user(request)
        return form

    def save_model(
        self, request: HttpRequest, obj: Site, form: forms.ModelForm, change: bool
    ) -> None:
        # The decision was saved by the service as the form was checked; the rest of the
        # page is read-only, and saving this (older) copy would undo the decision.
        pass


class OffenceInline(admin.TabularInline):
    model = Offence
    extra = 0
    # A tuple, which (unlike a list) can stand for both.
    readonly_fields = (
        "registration",
        "speed_mph",
        "observed_at",
        "action",
        "action_status",
        "voided",
    )
    fields = readonly_fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Session | None = None) -> bool:
        return False


class AmendmentInline(admin.TabularInline):
    model = SessionAmendment
    extra = 0
    readonly_fields = ("at", "actor", "reason", "changes")
    fields = readonly_fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Session | None = None) -> bool:
        return False


def _deletable(modeladmin: admin.ModelAdmin, request: HttpRequest, session: Session | None) -> bool:
    """A draft session (or an offence in one) is deleted through the draft services; a
    submitted one is evidence, gone only with its scheme."""
    if deletes_something_else(modeladmin, request):
        return True
    return session is None or not session.is_submitted


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    """Sessions are logged, submitted and amended by their team in the app, whose services
    check the rules (an approved site, the device's check, the submission deadline) and
    record every amendment: staff read them here, and may discard a draft."""

    list_display = ["site", "scheme", "started_at", "vehicles_counted", "status", "submitted_at"]
    list_filter = ["status", "scheme__force"]
    search_fields = ["site__name", "scheme__name", "device_serial"]
    raw_id_fields = ["scheme", "site", "created_by", "submitted_by"]
    date_hierarchy = "started_at"
    inlines = [OffenceInline, AmendmentInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Session | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Session | None = None) -> bool:
        return _deletable(self, request, obj)

    def delete_model(self, request: HttpRequest, obj: Session) -> None:
        session_services.session_discard(session=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Session]) -> None:
        for session in queryset:
            session_services.session_discard(session=session)


@admin.register(Offence)
class OffenceAdmin(admin.ModelAdmin):
    """Offences come in with their session; letters, actions and disputes are the
    liaisons' work in the app. Staff read them, and may delete one from a draft (which
    works the vehicle's escalation out again, as the app does)."""

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
    list_select_related = ["session"]
    search_fields = ["registration"]
    raw_id_fields = ["session", "scheme", "site", "action_updated_by"]
    date_hierarchy = "observed_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Offence | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Offence | None = None) -> bool:
        return _deletable(self, request, obj.session if obj is not None else None)

    def delete_model(self, request: HttpRequest, obj: Offence) -> None:
        session_services.offence_delete(offence=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Offence]) -> None:
        for offence in queryset:
            session_services.offence_delete(offence=offence)


@admin.register(SessionAmendment)
class SessionAmendmentAdmin(EvidenceAdmin):
    list_display = ["session", "actor", "reason", "at"]
    raw_id_fields = ["session", "actor"]


@admin.register(SiteStatusChange)
class SiteStatusChangeAdmin(EvidenceAdmin):
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

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(KeeperAddress)
class KeeperAddressAdmin(admin.ModelAdmin):
    """Keepers' names and addresses a force's liaisons stored for their letters: shown, not
    written here (a liaison stores them again to correct them); deleting one leaves its
    letter addressed to "The Registered Keeper". They go by themselves after
    ``KEEPER_ADDRESS_RETENTION_DAYS``."""

    list_display = ["reference", "force", "registration", "language", "stored_at"]
    list_filter = ["force"]
    search_fields = ["reference", "registration"]
    date_hierarchy = "stored_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(VehicleCheck)
class VehicleCheckAdmin(admin.ModelAdmin):
    """The DVLA's answers about vehicles, kept a day (``DVLA_VES_CACHE_HOURS``) so that the
    same plate is asked about once: shown, not written here. Deleting one makes the next
    check of that plate ask the DVLA again."""

    list_display = ["registration", "found", "make", "colour", "checked_at"]
    list_filter = ["found"]
    search_fields = ["registration"]
    date_hierarchy = "checked_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PostedLetter)
class PostedLetterAdmin(admin.ModelAdmin):
    """Letters posted through GOV.UK Notify, as the app and Notify left them: shown, not
    written here (a letter is posted once, by its liaison; Notify says the rest)."""

    list_display = ["reference", "force", "stage", "status", "postage", "posted_at"]
    list_filter = ["status", "force", "postage"]
    search_fields = ["reference", "registration"]
    date_hierarchy = "posted_at"
    raw_id_fields = ["offences", "posted_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Letterhead)
class LetterheadAdmin(admin.ModelAdmin):
    """A force's Community Speedwatch letters: sender, where to reply, who signs them."""

    list_display = [
        "force",
        "department",
        "letters_in",
        "telephone",
        "email",
        "signatory_name",
        "updated_at",
    ]
    search_fields = ["force", "signatory_name"]
    # A web address typed without its scheme is the force's site over HTTPS.
    formfield_overrides = {
        models.URLField: {"form_class": forms.URLField, "assume_scheme": "https"}
    }
    fieldsets = [
        (None, {"fields": ["force", "department", "return_address"]}),
        (
            "Language",
            {
                "fields": ["letter_language", "department_cy", "signatory_title_cy"],
                "description": "Letters in Welsh print the Welsh department and title where "
                "they are given, and the force's Welsh name for a force in Wales.",
            },
        ),
        (
            "Replies and disputes",
            {"fields": ["telephone", "email", "disputes_url", "dispute_days"]},
        ),
        ("Signature", {"fields": ["signatory_name", "signatory_title"]}),
    ]

    @admin.display(description="Letters in")
    def letters_in(self, letterhead: Letterhead) -> str:
        # The force's default spelled out, so that the list says what is printed.
        return "Welsh and English" if letterhead.bilingual else "The keeper's language"
