"""Refusals that hold across every endpoint, and the admin screens for staff."""

import codecs
import csv
import io

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from schemes.models import ActivityEvent, Membership
from tests.factories import ActivityEventFactory, MembershipFactory, SchemeFactory, UserFactory
from watch.models import AuditAction

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(scheme, coordinator, volunteer) -> Membership:
    return Membership.objects.get(user=volunteer)


SIGNED_IN_ONLY = [
    ("get", "/api/v1/me/"),
    ("patch", "/api/v1/me/"),
    ("get", "/api/v1/me/memberships/"),
    ("post", "/api/v1/auth/token/revoke/"),
    ("post", "/api/v1/schemes/"),
    ("patch", "/api/v1/schemes/{scheme}/"),
    ("post", "/api/v1/schemes/{scheme}/status/"),
    ("get", "/api/v1/schemes/{scheme}/status-history/"),
    ("post", "/api/v1/schemes/{scheme}/join/"),
    ("post", "/api/v1/schemes/{scheme}/leave/"),
    ("get", "/api/v1/schemes/{scheme}/members/"),
    ("patch", "/api/v1/schemes/{scheme}/members/{member}/"),
    ("delete", "/api/v1/schemes/{scheme}/members/{member}/"),
    ("post", "/api/v1/schemes/{scheme}/members/{member}/approve/"),
    ("post", "/api/v1/schemes/{scheme}/members/{member}/decline/"),
    ("post", "/api/v1/schemes/{scheme}/members/{member}/undo-decline/"),
    ("get", "/api/v1/join-requests/"),
    ("get", "/api/v1/activity/"),
    ("get", "/api/v1/activity/export/"),
    ("post", "/api/v1/me/password/"),
    ("post", "/api/v1/me/email/"),
    ("get", "/api/v1/me/export/"),
    ("get", "/api/v1/me/deletion/"),
    ("post", "/api/v1/me/deletion/"),
    ("get", "/api/v1/forces/locate/"),
    ("get", "/api/v1/alert-templates/"),
    ("post", "/api/v1/alert-templates/"),
    ("get", "/api/v1/alert-approval-policy/"),
    ("put", "/api/v1/alert-approval-policy/"),
    ("get", "/api/v1/surveys/"),
    ("post", "/api/v1/surveys/"),
    ("post", "/api/v1/neighbourhoods/import/"),
]


@pytest.mark.parametrize(("method", "url"), SIGNED_IN_ONLY)
def test_anonymous_requests_are_refused_with_401(anon, scheme, member, method, url) -> None:
    response = getattr(anon, method)(url.format(scheme=scheme.pk, member=member.pk), {})
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    member.refresh_from_db()
    assert (member.status, member.role) == ("active", "volunteer")


@pytest.mark.parametrize(("method", "url"), SIGNED_IN_ONLY)
def test_a_bad_token_is_refused_with_401(anon, scheme, member, method, url) -> None:
    anon.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    response = getattr(anon, method)(url.format(scheme=scheme.pk, member=member.pk), {})
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


NOT_FOUND = {"detail": "No Scheme matches the given query."}
MEMBERS_REFUSED = {"detail": "Only the scheme's coordinators and liaisons see members."}


@pytest.mark.parametrize("who", ["volunteer", "outsider", "foreign_liaison"])
def test_declining_a_request_is_refused_to_others(client_for, request, scheme, member, who) -> None:
    pending = MembershipFactory(scheme=scheme, status="pending", joined_at=None)
    response = client_for(request.getfixturevalue(who)).post(
        f"/api/v1/schemes/{scheme.pk}/members/{pending.pk}/decline/"
    )
    assert response.status_code == 403
    assert response.json() == MEMBERS_REFUSED
    pending.refresh_from_db()
    assert (pending.status, pending.decided_by) == ("pending", None)
    assert not ActivityEvent.objects.filter(type="member_declined").exists()


def _csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.content
    body = b"".join(response.streaming_content)
    assert body.startswith(codecs.BOM_UTF8)  # Excel reads the file as UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    ("who", "theirs"),
    [("foreign_liaison", "Biggleswade Speedwatch"), ("outsider", "Ely City Neighbourhood Watch")],
)
def test_activity_export_holds_only_the_readers_own_schemes(
    client_for, request, scheme, coordinator, other_scheme, who, theirs
) -> None:
    beds = SchemeFactory(name="Biggleswade Speedwatch", kind="speedwatch", force="bedfordshire")
    for place in (scheme, other_scheme, beds):
        ActivityEventFactory(scheme=place, type="scheme_updated", summary=f"{place.name}.")
    client = client_for(request.getfixturevalue(who))
    rows = _csv_rows(client.get("/api/v1/activity/export/"))
    assert [row[2:] for row in rows[1:]] == [
        [
            theirs,
            "speedwatch" if who == "foreign_liaison" else "neighbourhood",
            "scheme_updated",
            "",
            f"{theirs}.",
        ]
    ]
    # Asking for Mill Road by name changes nothing: it is not theirs.
    assert _csv_rows(client.get("/api/v1/activity/export/", {"scheme": scheme.pk}))[1:] == []


NOT_PUBLIC_ENDPOINTS = [
    ("patch", "/api/v1/schemes/{scheme}/", {"name": "Hijacked"}),
    ("get", "/api/v1/schemes/{scheme}/status-history/", None),
    ("patch", "/api/v1/schemes/{scheme}/members/{member}/", {"role": "coordinator"}),
    ("delete", "/api/v1/schemes/{scheme}/members/{member}/", None),
    ("post", "/api/v1/schemes/{scheme}/members/{member}/approve/", None),
    ("post", "/api/v1/schemes/{scheme}/members/{member}/decline/", None),
    ("post", "/api/v1/schemes/{scheme}/join/", {"message": "Let me in."}),
]


@pytest.mark.parametrize("scheme_status", ["proposed", "suspended"])
@pytest.mark.parametrize("who", ["outsider", "foreign_liaison", "stranger", "declined"])
@pytest.mark.parametrize(
    ("method", "url", "body"),
    NOT_PUBLIC_ENDPOINTS,
    ids=[f"{m} {u}" for m, u, _ in NOT_PUBLIC_ENDPOINTS],
)
def test_a_scheme_that_is_not_public_is_not_found_by_those_outside_it(
    client_for, request, scheme_status, who, method, url, body
) -> None:
    hidden = SchemeFactory(name="Quiet Lane Watch", status=scheme_status)
    pending = MembershipFactory(scheme=hidden, status="pending", joined_at=None)
    if who == "declined":
        user = MembershipFactory(scheme=hidden, status="declined", joined_at=None).user
    else:
        user = request.getfixturevalue(who)
    memberships = Membership.objects.filter(scheme=hidden).order_by("pk")
    before = list(memberships.values_list("pk", "user", "role", "status"))
    response = getattr(client_for(user), method)(
        url.format(scheme=hidden.pk, member=pending.pk), body, format="json"
    )
    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    hidden.refresh_from_db()
    assert (hidden.name, hidden.status) == ("Quiet Lane Watch", scheme_status)
    assert list(memberships.values_list("pk", "user", "role", "status")) == before
    assert not ActivityEvent.objects.exists()


# Records only the app writes: the admin offers no "add" for them (403) ...
ADMIN_NO_ADD = {
    "accounts.AccountEvent",
    "accounts.EmailChange",
    "core.IdempotencyRecord",
    "schemes.Membership",
    "schemes.Neighbourhood",
    "schemes.SchemeStatusChange",
    "schemes.ActivityEvent",
    "watch.AuditRecord",
    "watch.KeeperAddress",
    "watch.Offence",
    "watch.PostedLetter",
    "watch.Session",
    "watch.SessionAmendment",
    "watch.Site",
    "watch.SiteStatusChange",
    "watch.VehicleCheck",
    "notifications.Alert",
    "notifications.Notice",
    "notifications.PushSubscription",
    "notifications.PushReceipt",
    "surveys.Survey",
}
# ... and these histories cannot be changed in it either: their change page only shows them.
ADMIN_VIEW_ONLY = {
    "accounts.AccountEvent",
    "accounts.EmailChange",
    "core.IdempotencyRecord",
    "schemes.Neighbourhood",
    "schemes.SchemeStatusChange",
    "schemes.ActivityEvent",
    "watch.AuditRecord",
    "watch.KeeperAddress",
    "watch.Offence",
    "watch.PostedLetter",
    "watch.Session",
    "watch.SessionAmendment",
    "watch.SiteStatusChange",
    "watch.VehicleCheck",
    "notifications.Alert",
    "notifications.Notice",
    "notifications.PushReceipt",
    "surveys.Survey",
}


@pytest.fixture
def one_of_everything(demo: None) -> None:
    """At least one row of every model the admin shows: the demo, and what it lacks."""
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from rest_framework.authtoken.models import Token

    from accounts.models import AccountEvent, EmailChange
    from core.models import IdempotencyRecord
    from notifications.models import (
        Alert,
        AlertApprovalPolicy,
        Notice,
        PushReceipt,
        PushSubscription,
        Reply,
    )
    from watch.models import (
        AuditRecord,
        KeeperAddress,
        Offence,
        PostedLetter,
        Session,
        SessionAmendment,
        VehicleCheck,
    )

    user = UserFactory(name="Admin Probe")
    Group.objects.create(name="Helpers")
    Token.objects.create(user=user)
    TOTPDevice.objects.create(user=user, name="Phone")
    StaticToken.objects.create(
        device=StaticDevice.objects.create(user=user, name="Recovery codes"), token="abcdefghjk"
    )
    EmailChange.objects.create(user=user, new_email="probe.new@example.org")
    AccountEvent.objects.create(user=user, type="data_exported")
    IdempotencyRecord.objects.create(
        user=user, key="k", method="POST", path="/api/v1/schemes/", fingerprint="f" * 64
    )
    SessionAmendment.objects.create(
        session=Session.objects.first(), actor=user, reason="Typo.", changes={"x": [1, 2]}
    )
    AuditRecord.objects.create(actor=user, actor_name=user.name, action=AuditAction.OFFENCES_CSV)
    KeeperAddress.objects.create(
        reference="CSW-L1-0000-0000-0001",
        force="cambridgeshire",
        registration="AB12CDE",
        name="Gwen Ap Rhys",
        address_lines=["12 Heol yr Eglwys"],
        postcode="LL61 5UT",
        stored_at=timezone.now(),
    )
    VehicleCheck.objects.create(
        registration="AB12CDE", found=True, make="FORD", colour="BLUE", checked_at=timezone.now()
    )
    offence = Offence.objects.exclude(registration="").first()
    PostedLetter.objects.create(
        reference="CSW-L1-0000-0000-0002",
        force="cambridgeshire",
        registration=offence.registration,
        stage="first_letter",
        first_observed_at=offence.observed_at,
        postage="second",
        posted_by=user,
        posted_at=timezone.now(),
    ).offences.set([offence])
    AlertApprovalPolicy.objects.create(force="cambridgeshire", recipients_threshold=500)
    alert = Alert.objects.first()
    Notice.objects.create(alert=alert, recipient=user, channel="in_app")
    Reply.objects.create(alert=alert, author=user, body="Seen them too.")
    subscription = PushSubscription.objects.create(
        user=user, endpoint="https://push.example.org/1", p256dh="key", auth="secret"
    )
    PushReceipt.objects.create(
        notice=Notice.objects.create(alert=alert, recipient=user, channel="push"),
        subscription=subscription,
    )


ADMIN_MODELS = [model for model in apps.get_models() if admin.site.is_registered(model)]


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=[m._meta.label for m in ADMIN_MODELS])
def test_staff_admin_screens_work_for_every_model(client, one_of_everything, model) -> None:
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    meta = model._meta
    name = f"admin:{meta.app_label}_{meta.model_name}"

    changelist = client.get(reverse(f"{name}_changelist"))
    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count >= 1

    add = client.get(reverse(f"{name}_add"))
    assert add.status_code == (403 if meta.label in ADMIN_NO_ADD else 200)

    existing = model._default_manager.order_by("pk").first()
    assert existing is not None, f"no {meta.label} to open"
    change = client.get(reverse(f"{name}_change", args=[existing.pk]))
    assert change.status_code == 200
    assert change.context["original"] == existing
    assert change.context["has_change_permission"] is (meta.label not in ADMIN_VIEW_ONLY)


# Models kept out of the admin's own pages, and why.
NOT_IN_ADMIN = {
    "surveys.Question",  # shown on its survey's page
    "surveys.SurveyAnswer",  # answers may be anonymous: staff see how many, not whose
}


def test_every_project_model_is_in_the_admin() -> None:
    project_apps = {"accounts", "schemes", "core", "watch", "notifications", "surveys"}
    missing = [
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_label in project_apps and not admin.site.is_registered(model)
    ]
    assert missing == sorted(NOT_IN_ADMIN)
