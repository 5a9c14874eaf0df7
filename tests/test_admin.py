"""The Django admin keeps the app's rules: status moves go through the lifecycle and site
decision services and are recorded, no admin screen takes away a scheme's last coordinator,
drafts are discarded through the session services, and records that are evidence are read
only, going only with what they belong to."""

from typing import Any

import pytest
from django import forms
from django.contrib.admin.models import DELETION, LogEntry
from django.urls import reverse

from accounts.models import AccountEvent
from core.models import IdempotencyRecord
from notifications.models import Alert, Notice
from notifications.services import alert_publish
from schemes import services
from schemes.models import ActivityEvent, Membership, Scheme, SchemeStatusChange
from tests.alerts import draft_alert
from tests.factories import MembershipFactory, SchemeFactory, UserFactory
from tests.speedwatch import logged_session
from watch.models import AuditAction, AuditRecord, Offence, Session, Site, SiteStatusChange
from watch.services import sessions as session_services
from watch.services import sites as site_services

pytestmark = pytest.mark.django_db

LAST_COORDINATOR = (
    "{} would leave the scheme without a coordinator: make another member a coordinator first."
)


@pytest.fixture
def staff(client) -> Any:
    """The admin client, signed in as a superuser."""
    user = UserFactory(name="Sally Staff", is_staff=True, is_superuser=True)
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def proposal(stranger) -> Scheme:
    return SchemeFactory(name="Soham Neighbourhood Watch", status="proposed", proposed_by=stranger)


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _form_data(response) -> dict[str, Any]:
    """What a browser would post back from an admin change form, unchanged."""
    all_forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        all_forms += [inline.formset.management_form, *inline.formset.forms]
    data: dict[str, Any] = {}
    for form in all_forms:
        for name, field in form.fields.items():
            bound = form[name]
            value = bound.value()
            if isinstance(field.widget, forms.CheckboxInput):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(field.widget, forms.MultiWidget):
                for n, part in enumerate(field.widget.decompress(value)):
                    data[f"{bound.html_name}_{n}"] = "" if part is None else str(part)
            else:
                data[bound.html_name] = "" if value is None else value
    return data


def _changelist_action(staff, action: str, schemes: list[Scheme], **extra: str):
    """Choose an action for the schemes on the changelist (``apply`` posts the reason)."""
    data = {"action": action, "_selected_action": [s.pk for s in schemes], **extra}
    if "apply" not in extra:
        data["index"] = "0"
    return staff.post(reverse("admin:schemes_scheme_changelist"), data, follow=True)


# --- Scheme status -----------------------------------------------------------------------


def test_the_scheme_form_has_no_status_and_ignores_one_posted(staff, proposal) -> None:
    url = reverse("admin:schemes_scheme_change", args=[proposal.pk])
    page = staff.get(url)
    assert page.status_code == 200
    assert "status" not in page.context["adminform"].form.fields
    data = {**_form_data(page), "status": "active", "description": "Edited by staff."}
    response = staff.post(url, data)
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.description) == ("proposed", "Edited by staff.")
    assert not SchemeStatusChange.objects.exists()


def test_staff_approve_a_proposal_through_the_service(staff, proposal, stranger) -> None:
    asking = _changelist_action(staff, "make_active", [proposal])
    assert asking.status_code == 200
    assert asking.context["title"] == "Approve or reinstate: 1 selected schemes"
    assert list(asking.context["schemes"]) == [proposal]

    done = _changelist_action(staff, "make_active", [proposal], apply="yes", reason="")
    assert done.status_code == 200
    assert _messages(done) == ["Soham Neighbourhood Watch is now active."]
    proposal.refresh_from_db()
    assert (proposal.status, proposal.approved_by) == ("active", staff.user)
    assert list(
        SchemeStatusChange.objects.values_list("from_status", "to_status", "actor", "reason")
    ) == [("proposed", "active", staff.user.pk, "")]
    assert list(Membership.objects.values_list("user", "role", "status")) == [
        (stranger.pk, "coordinator", "active")
    ]
    assert list(ActivityEvent.objects.order_by("id").values_list("type", "summary")) == [
        ("scheme_approved", "Sally Staff: proposed → active."),
        ("member_joined", "Sam Stranger joined as the first coordinator."),
    ]


def test_staff_suspend_only_with_a_reason(staff, scheme) -> None:
    no_reason = _changelist_action(staff, "make_suspended", [scheme], apply="yes", reason="")
    assert no_reason.status_code == 200
    assert no_reason.context["form"].errors == {"reason": ["This field is required."]}
    scheme.refresh_from_db()
    assert scheme.status == "active"

    done = _changelist_action(
        staff, "make_suspended", [scheme], apply="yes", reason="Complaint under review."
    )
    assert _messages(done) == ["Mill Road Neighbourhood Watch is now suspended."]
    scheme.refresh_from_db()
    assert scheme.status == "suspended"
    assert list(
        SchemeStatusChange.objects.values_list("from_status", "to_status", "actor", "reason")
    ) == [("active", "suspended", staff.user.pk, "Complaint under review.")]
    assert ActivityEvent.objects.get().summary == (
        "Sally Staff: active → suspended. Complaint under review."
    )


def test_staff_cannot_take_a_step_the_lifecycle_forbids(staff, proposal, scheme) -> None:
    response = _changelist_action(
        staff, "make_suspended", [proposal, scheme], apply="yes", reason="Tidying up."
    )
    assert sorted(_messages(response)) == [
        "Mill Road Neighbourhood Watch is now suspended.",
        "Soham Neighbourhood Watch: A proposed scheme cannot become suspended.",
    ]
    proposal.refresh_from_db()
    assert proposal.status == "proposed"
    assert list(SchemeStatusChange.objects.values_list("scheme", "to_status")) == [
        (scheme.pk, "suspended")
    ]


def test_a_scheme_added_in_the_admin_is_a_recorded_proposal(staff) -> None:
    url = reverse("admin:schemes_scheme_add")
    data = _form_data(staff.get(url))
    data.update(
        name="Littleport Watch",
        kind="neighbourhood",
        force="cambridgeshire",
        centre_lat="52.4567",
        centre_lon="0.3071",
        radius_m="800",
        boundary="null",
        status="active",
    )
    response = staff.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    scheme = Scheme.objects.get()
    assert (scheme.name, scheme.status) == ("Littleport Watch", "proposed")
    assert scheme.bbox_south < 52.4567 < scheme.bbox_north
    assert list(SchemeStatusChange.objects.values_list("from_status", "to_status", "actor")) == [
        ("", "proposed", staff.user.pk)
    ]
    assert list(ActivityEvent.objects.values_list("type", "summary")) == [
        ("scheme_proposed", "Sally Staff added Littleport Watch in the admin.")
    ]


# --- The last coordinator ----------------------------------------------------------------


def test_the_membership_admin_cannot_demote_the_last_coordinator(staff, coordinator) -> None:
    membership = Membership.objects.get(user=coordinator)
    url = reverse("admin:schemes_membership_change", args=[membership.pk])
    page = staff.get(url)
    assert "scheme" not in page.context["adminform"].form.fields  # cannot move it elsewhere
    response = staff.post(url, {**_form_data(page), "role": "volunteer"})
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        LAST_COORDINATOR.format("This change")
    ]
    membership.refresh_from_db()
    assert membership.role == "coordinator"


def test_the_membership_admin_demotes_a_coordinator_who_is_not_the_last(
    staff, scheme, coordinator
) -> None:
    MembershipFactory(scheme=scheme, role="coordinator")
    membership = Membership.objects.get(user=coordinator)
    url = reverse("admin:schemes_membership_change", args=[membership.pk])
    response = staff.post(url, {**_form_data(staff.get(url)), "role": "volunteer"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == "volunteer"


def test_the_membership_admin_cannot_delete_the_last_coordinator(
    staff, coordinator, volunteer
) -> None:
    membership = Membership.objects.get(user=coordinator)
    url = reverse("admin:schemes_membership_delete", args=[membership.pk])
    response = staff.post(url, {"post": "yes"}, follow=True)
    assert response.redirect_chain == [
        (reverse("admin:schemes_membership_change", args=[membership.pk]), 302)
    ]
    assert _messages(response) == [LAST_COORDINATOR.format("Removing them")]
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert not LogEntry.objects.filter(action_flag=DELETION).exists()

    # A volunteer goes, through the same service, which records it.
    theirs = Membership.objects.get(user=volunteer)
    staff.post(reverse("admin:schemes_membership_delete", args=[theirs.pk]), {"post": "yes"})
    assert not Membership.objects.filter(pk=theirs.pk).exists()
    assert ActivityEvent.objects.get().summary == "Sally Staff removed Alex Morgan."


def test_deleting_every_coordinator_at_once_is_refused(staff, scheme, coordinator) -> None:
    second = MembershipFactory(scheme=scheme, role="coordinator")
    both = [Membership.objects.get(user=coordinator).pk, second.pk]
    response = staff.post(
        reverse("admin:schemes_membership_changelist"),
        {"action": "delete_selected", "_selected_action": both, "post": "yes"},
        follow=True,
    )
    assert _messages(response) == [LAST_COORDINATOR.format("Removing them")]
    assert Membership.objects.filter(pk__in=both).count() == 2
    assert not LogEntry.objects.filter(action_flag=DELETION).exists()
    assert not ActivityEvent.objects.exists()


@pytest.mark.parametrize(
    "change", [{"role": "volunteer"}, {"DELETE": "on"}], ids=["demote", "delete"]
)
def test_the_scheme_page_inline_cannot_take_away_the_last_coordinator(
    staff, scheme, coordinator, volunteer, change
) -> None:
    url = reverse("admin:schemes_scheme_change", args=[scheme.pk])
    page = staff.get(url)
    data = _form_data(page)
    formset = page.context["inline_admin_formsets"][0].formset
    row = next(f for f in formset.forms if f.instance.user_id == coordinator.pk)
    data.update({f"{row.prefix}-{field}": value for field, value in change.items()})
    response = staff.post(url, data)
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.non_form_errors() == [
        LAST_COORDINATOR.format("These changes")
    ]
    assert list(
        Membership.objects.filter(scheme=scheme).order_by("pk").values_list("user", "role")
    ) == [(coordinator.pk, "coordinator"), (volunteer.pk, "volunteer")]


def test_the_scheme_page_inline_may_hand_over_to_a_new_coordinator(
    staff, scheme, coordinator, volunteer
) -> None:
    url = reverse("admin:schemes_scheme_change", args=[scheme.pk])
    page = staff.get(url)
    data = _form_data(page)
    rows = {
        f.instance.user_id: f.prefix for f in page.context["inline_admin_formsets"][0].formset.forms
    }
    data[f"{rows[coordinator.pk]}-role"] = "volunteer"
    data[f"{rows[volunteer.pk]}-role"] = "coordinator"
    assert staff.post(url, data).status_code == 302
    assert list(
        Membership.objects.filter(scheme=scheme).order_by("pk").values_list("user", "role")
    ) == [(coordinator.pk, "volunteer"), (volunteer.pk, "coordinator")]


# --- Membership decisions and roles -------------------------------------------------------


@pytest.fixture
def request_to_join(scheme, coordinator) -> Membership:
    return MembershipFactory(
        scheme=scheme, user__name="Priya Shah", status="pending", joined_at=None
    )


def _membership_post(staff, membership, **change: str):
    url = reverse("admin:schemes_membership_change", args=[membership.pk])
    return staff.post(url, {**_form_data(staff.get(url)), **change})


def test_staff_approve_a_request_through_the_service(staff, request_to_join) -> None:
    assert _membership_post(staff, request_to_join, status="active").status_code == 302
    request_to_join.refresh_from_db()
    assert (request_to_join.status, request_to_join.decided_by) == ("active", staff.user)
    assert request_to_join.joined_at is not None
    assert list(ActivityEvent.objects.values_list("type", "summary")) == [
        ("member_joined", "Sally Staff approved Priya Shah's request to join.")
    ]


def test_staff_decline_a_request_with_its_reason(staff, request_to_join) -> None:
    response = _membership_post(
        staff, request_to_join, status="declined", decline_reason="Lives outside the area."
    )
    assert response.status_code == 302
    request_to_join.refresh_from_db()
    assert (request_to_join.status, request_to_join.decline_reason) == (
        "declined",
        "Lives outside the area.",
    )
    assert list(ActivityEvent.objects.values_list("type", "summary")) == [
        (
            "member_declined",
            "Sally Staff declined Priya Shah's request to join. Reason: Lives outside the area.",
        )
    ]


def test_the_membership_page_refuses_a_step_no_service_takes(staff, volunteer) -> None:
    membership = Membership.objects.get(user=volunteer)
    response = _membership_post(staff, membership, status="pending")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "status": [
            "A membership does not go from active to pending: requests are approved or "
            "declined, and members are removed by deleting their membership."
        ]
    }
    membership.refresh_from_db()
    assert membership.status == "active"
    assert not ActivityEvent.objects.exists()


def test_the_membership_page_shows_the_services_refusal(staff, request_to_join) -> None:
    response = _membership_post(staff, request_to_join, role="coordinator")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "role": ["Approve the request before changing the member's role."]
    }
    request_to_join.refresh_from_db()
    assert (request_to_join.role, request_to_join.status) == ("volunteer", "pending")


def test_a_role_changed_in_the_admin_is_recorded(staff, scheme, coordinator, volunteer) -> None:
    membership = Membership.objects.get(user=volunteer)
    assert _membership_post(staff, membership, role="coordinator").status_code == 302
    assert list(ActivityEvent.objects.values_list("type", "summary")) == [
        ("role_changed", "Sally Staff made Alex Morgan a coordinator.")
    ]


def test_the_scheme_page_hands_over_through_the_service(
    staff, scheme, coordinator, volunteer, request_to_join
) -> None:
    url = reverse("admin:schemes_scheme_change", args=[scheme.pk])
    page = staff.get(url)
    formset = page.context["inline_admin_formsets"][0].formset
    rows = {f.instance.user_id: f.prefix for f in formset.forms}
    assert set(rows) == {coordinator.pk, volunteer.pk}  # requests are decided on their page
    data = _form_data(page)
    data[f"{rows[coordinator.pk]}-role"] = "volunteer"
    data[f"{rows[volunteer.pk]}-role"] = "coordinator"
    assert staff.post(url, data).status_code == 302
    assert list(ActivityEvent.objects.order_by("pk").values_list("type", "summary")) == [
        ("role_changed", "Sally Staff made Alex Morgan a coordinator."),
        ("role_changed", "Sally Staff made Margaret Ellis a volunteer."),
    ]


def test_the_scheme_page_removes_a_member_through_the_service(
    staff, scheme, coordinator, volunteer
) -> None:
    url = reverse("admin:schemes_scheme_change", args=[scheme.pk])
    page = staff.get(url)
    row = next(
        f
        for f in page.context["inline_admin_formsets"][0].formset.forms
        if f.instance.user_id == volunteer.pk
    )
    assert staff.post(url, {**_form_data(page), f"{row.prefix}-DELETE": "on"}).status_code == 302
    assert not Membership.objects.filter(user=volunteer).exists()
    assert list(ActivityEvent.objects.values_list("type", "summary")) == [
        ("member_removed", "Sally Staff removed Alex Morgan.")
    ]


def test_members_are_not_added_in_the_admin(staff) -> None:
    assert staff.get(reverse("admin:schemes_membership_add")).status_code == 403


# --- Deleting people ------------------------------------------------------------------------

ONLY_COORDINATOR = (
    "{}: its only coordinator. Make another member a coordinator or close the scheme first."
)


def test_deleting_a_schemes_only_coordinator_is_refused(staff, scheme, coordinator) -> None:
    url = reverse("admin:accounts_user_delete", args=[coordinator.pk])
    page = staff.get(url)
    assert page.status_code == 200
    assert page.context["protected"] == [ONLY_COORDINATOR.format(scheme.name)]
    refused = staff.post(url, {"post": "yes"})
    assert refused.status_code == 200  # the page again, nothing deleted
    assert refused.context["protected"] == [ONLY_COORDINATOR.format(scheme.name)]
    assert Membership.objects.filter(user=coordinator, role="coordinator").count() == 1


def test_deleting_both_coordinators_at_once_is_refused(staff, scheme, coordinator) -> None:
    second = MembershipFactory(scheme=scheme, role="coordinator").user
    response = staff.post(
        reverse("admin:accounts_user_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [coordinator.pk, second.pk],
            "post": "yes",
        },
    )
    assert response.status_code == 200
    assert response.context["protected"] == [ONLY_COORDINATOR.format(scheme.name)]
    assert Membership.objects.filter(scheme=scheme, role="coordinator").count() == 2


def test_a_coordinator_with_a_co_coordinator_can_be_deleted(staff, scheme, coordinator) -> None:
    second = MembershipFactory(scheme=scheme, role="coordinator").user
    closed = SchemeFactory(name="Old Lane Watch", status="closed")
    MembershipFactory(scheme=closed, user=coordinator, role="coordinator")
    url = reverse("admin:accounts_user_delete", args=[coordinator.pk])
    assert staff.get(url).context["protected"] == []
    response = staff.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert list(
        Membership.objects.filter(scheme=scheme, role="coordinator").values_list("user", flat=True)
    ) == [second.pk]


# --- Records that are evidence ----------------------------------------------------------------


def _scheme_history(staff, proposal, **_) -> list:
    services.scheme_status_change(scheme=proposal, actor=staff.user, to_status="active", reason="")
    return [SchemeStatusChange.objects.get(), ActivityEvent.objects.order_by("pk").first()]


def _site_history(staff, site, **_) -> list:
    site_services.site_decide(site=site, actor=staff.user, status="suspended", reason="Roadworks.")
    return [SiteStatusChange.objects.get(to_status="suspended")]


def _session_records(staff, site, sw_team, **_) -> list:
    session = logged_session(site, sw_team, offences=[("AB12CDE", 41)])
    amendment = session_services.session_amend(
        session=session, actor=sw_team[0], reason="Miscounted.", changes={"vehicles_counted": 210}
    )
    return [session, session.offences.get(), amendment]


def _alert_records(staff, liaison, **_) -> list:
    alert = alert_publish(alert=draft_alert(liaison), actor=liaison)
    notice = Notice.objects.create(alert=alert, recipient=staff.user, channel="in_app")
    return [alert, notice]


def _person_records(staff, **_) -> list:
    return [
        AccountEvent.objects.create(user=staff.user, type="data_exported"),
        IdempotencyRecord.objects.create(
            user=staff.user, key="k", method="POST", path="/api/v1/schemes/", fingerprint="f" * 64
        ),
        AuditRecord.objects.create(
            actor=staff.user, actor_name="Sally Staff", action=AuditAction.OFFENCES_CSV
        ),
    ]


EVIDENCE = {
    "scheme history and activity": _scheme_history,
    "site history": _site_history,
    "a submitted session, its offence and amendment": _session_records,
    "a published alert and its notice": _alert_records,
    "account events, idempotency and audit records": _person_records,
}


def _url(record, view: str) -> str:
    meta = record._meta
    args = [] if view in ("add", "changelist") else [record.pk]
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)


def _snapshot(record) -> dict[str, Any]:
    return type(record).objects.filter(pk=record.pk).values().get()


@pytest.mark.parametrize("make", EVIDENCE.values(), ids=EVIDENCE.keys())
def test_evidence_cannot_be_added_changed_or_deleted_in_the_admin(
    staff, proposal, site, sw_team, liaison, make
) -> None:
    records = make(staff=staff, proposal=proposal, site=site, sw_team=sw_team, liaison=liaison)
    for record in records:
        label = record._meta.label
        before = _snapshot(record)
        page = staff.get(_url(record, "change"))
        assert page.status_code == 200, label
        assert page.context["has_change_permission"] is False, label
        assert page.context["has_delete_permission"] is False, label
        assert staff.get(_url(record, "add")).status_code == 403, label
        changed = {**_form_data(page), "reason": "Rewritten.", "status": "draft"}
        assert staff.post(_url(record, "change"), changed).status_code == 403, label
        assert staff.get(_url(record, "delete")).status_code == 403, label
        assert staff.post(_url(record, "delete"), {"post": "yes"}).status_code == 403, label
        # "Delete selected" is not offered, or (sessions, alerts: drafts go) refuses these.
        staff.post(
            _url(record, "changelist"),
            {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"},
        )
        assert _snapshot(record) == before, label


def test_a_schemes_history_goes_with_the_scheme(staff, proposal) -> None:
    """The documented exception: evidence is deleted with what it belongs to."""
    services.scheme_status_change(scheme=proposal, actor=staff.user, to_status="active", reason="")
    url = reverse("admin:schemes_scheme_delete", args=[proposal.pk])
    assert staff.get(url).context["perms_lacking"] == set()
    assert staff.post(url, {"post": "yes"}).status_code == 302
    assert not Scheme.objects.exists()
    assert not SchemeStatusChange.objects.exists()
    assert not ActivityEvent.objects.exists()


def test_a_persons_notices_and_account_events_go_with_their_account(staff, liaison) -> None:
    person = UserFactory(name="Erin Erased")
    alert = alert_publish(alert=draft_alert(liaison), actor=liaison)
    Notice.objects.create(alert=alert, recipient=person, channel="in_app")
    AccountEvent.objects.create(user=person, type="data_exported")
    url = reverse("admin:accounts_user_delete", args=[person.pk])
    assert staff.get(url).context["perms_lacking"] == set()
    assert staff.post(url, {"post": "yes"}).status_code == 302
    assert not Notice.objects.filter(recipient_id=person.pk).exists()
    assert not AccountEvent.objects.filter(user_id=person.pk).exists()


# --- Sessions and offences ----------------------------------------------------------------------


def test_a_draft_session_is_discarded_through_the_service(staff, site, sw_team) -> None:
    draft = logged_session(site, sw_team, offences=[("AB12CDE", 41)], submit=False)
    url = reverse("admin:watch_session_delete", args=[draft.pk])
    assert staff.get(url).context["perms_lacking"] == set()
    assert staff.post(url, {"post": "yes"}).status_code == 302
    assert not Session.objects.exists()
    assert not Offence.objects.exists()


def test_an_offence_of_a_draft_is_deleted_through_the_service(staff, site, sw_team) -> None:
    draft = logged_session(site, sw_team, offences=[("AB12CDE", 41), ("CD34EFG", 42)], submit=False)
    first, second = draft.offences.order_by("observed_at")
    url = reverse("admin:watch_offence_delete", args=[first.pk])
    assert staff.get(url).context["perms_lacking"] == set()
    assert staff.post(url, {"post": "yes"}).status_code == 302
    assert list(draft.offences.values_list("pk", flat=True)) == [second.pk]


def test_a_submitted_sessions_offences_cannot_be_deleted_from_its_session(
    staff, site, sw_team
) -> None:
    submitted = logged_session(site, sw_team, offences=[("AB12CDE", 41)])
    url = reverse("admin:watch_session_delete", args=[submitted.pk])
    assert staff.post(url, {"post": "yes"}).status_code == 403
    assert Offence.objects.filter(session=submitted).count() == 1


# --- Site decisions -----------------------------------------------------------------------------


@pytest.fixture
def proposed_site(site) -> Any:
    Site.objects.filter(pk=site.pk).update(status="proposed")
    site.refresh_from_db()
    return site


def _decide(staff, site, **decision: str):
    url = reverse("admin:watch_site_change", args=[site.pk])
    page = staff.get(url)
    assert page.status_code == 200
    return staff.post(url, {**_form_data(page), **decision})


def test_staff_approve_a_site_through_the_service(staff, proposed_site) -> None:
    response = _decide(
        staff, proposed_site, decision="approved", reason="Checked on a visit.", name="Renamed"
    )
    assert response.status_code == 302
    proposed_site.refresh_from_db()
    assert (proposed_site.status, proposed_site.decided_by, proposed_site.name) == (
        "approved",
        staff.user,
        "High Street by the school",  # read-only here
    )
    assert list(
        SiteStatusChange.objects.values_list("from_status", "to_status", "actor", "reason")
    ) == [("proposed", "approved", staff.user.pk, "Checked on a visit.")]
    assert list(ActivityEvent.objects.values_list("type", "summary")) == [
        (
            "site_approved",
            "Sally Staff: site High Street by the school approved. Checked on a visit.",
        )
    ]


def test_the_site_page_refuses_a_step_the_service_forbids(staff, site) -> None:
    Site.objects.filter(pk=site.pk).update(status="rejected")
    response = _decide(staff, site, decision="approved")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "decision": ["A rejected site cannot become approved."]
    }
    site.refresh_from_db()
    assert site.status == "rejected"
    assert not SiteStatusChange.objects.exists()
    assert not ActivityEvent.objects.exists()


def test_the_site_page_refuses_a_suspension_without_a_reason(staff, site) -> None:
    response = _decide(staff, site, decision="suspended", reason="  ")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "reason": ["Say why, so the coordinator can put it right."]
    }
    no_decision = _decide(staff, site, reason="Roadworks.")
    assert no_decision.context["adminform"].form.errors == {
        "reason": ["The reason goes with a decision."]
    }
    site.refresh_from_db()
    assert site.status == "approved"
    assert not SiteStatusChange.objects.exists()


def test_sites_are_not_added_in_the_admin(staff) -> None:
    assert staff.get(reverse("admin:watch_site_add")).status_code == 403


# --- Alerts -------------------------------------------------------------------------------------


def test_a_draft_alert_may_be_deleted_but_not_edited(staff, liaison) -> None:
    draft = draft_alert(liaison)
    change = reverse("admin:notifications_alert_change", args=[draft.pk])
    page = staff.get(change)
    assert page.context["has_change_permission"] is False
    assert staff.post(change, {**_form_data(page), "status": "published"}).status_code == 403
    response = staff.post(
        reverse("admin:notifications_alert_delete", args=[draft.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Alert.objects.exists()


def test_the_activity_log_filters_by_the_force_an_event_happened_in(staff) -> None:
    """An entry keeps the force its scheme was in when it happened: a scheme moved to another
    force leaves its earlier entries under the first."""
    from tests.factories import ActivityEventFactory

    scheme = SchemeFactory(force="cambridgeshire", name="Moved Watch")
    before = ActivityEventFactory(scheme=scheme, summary="Before the move.")
    scheme.force = "bedfordshire"
    scheme.save()
    after = ActivityEventFactory(scheme=scheme, summary="After the move.")
    changelist = reverse("admin:schemes_activityevent_changelist")

    def shown(force: str) -> set[int]:
        response = staff.get(changelist, {"force": force})
        assert response.status_code == 200
        return {event.pk for event in response.context["cl"].result_list}

    assert shown("cambridgeshire") == {before.pk}
    assert shown("bedfordshire") == {after.pk}
    # The sidebar offers that filter, by the event's own force.
    specs = staff.get(changelist).context["cl"].filter_specs
    assert "force" in [getattr(spec, "field_path", None) for spec in specs]
    assert "scheme__force" not in [getattr(spec, "field_path", None) for spec in specs]
