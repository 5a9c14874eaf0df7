"""Refusals that hold across every endpoint, and the admin screens for staff."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from schemes.models import Membership
from tests.factories import MembershipFactory, UserFactory

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
    ("get", "/api/v1/join-requests/"),
    ("get", "/api/v1/activity/"),
    ("get", "/api/v1/activity/export/"),
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


@pytest.mark.parametrize(
    "model", [model for model in apps.get_models() if admin.site.is_registered(model)]
)
def test_staff_admin_screens_work_for_every_model(client, model) -> None:
    staff = UserFactory(is_staff=True, is_superuser=True)
    MembershipFactory()
    client.force_login(staff)
    meta = model._meta
    changelist = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    assert changelist.status_code == 200
    add = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
    assert add.status_code in (200, 403)  # 403: records that are only ever written by the app


def test_every_project_model_is_in_the_admin() -> None:
    project_apps = {"accounts", "schemes", "core", "watch", "notifications"}
    missing = [
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_label in project_apps and not admin.site.is_registered(model)
    ]
    assert missing == []
