"""Changing one's password and email address from the profile."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from rest_framework.test import APIClient

from accounts.models import EmailChange, User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"
PASSWORD_CHANGE = "/api/v1/me/password/"
EMAIL_CHANGE = "/api/v1/me/email/"
EMAIL_CONFIRM = "/api/v1/auth/email-change/confirm/"
NEW_PASSWORD = "a lantern by the river"
TAKEN = "This address cannot be used: another account already has it."


@pytest.fixture
def jo(db: None) -> User:
    return UserFactory(name="Jo Bloggs", email="jo@example.org")


def signed_in(user: User, password: str = PASSWORD) -> APIClient:
    """A browser session signed in through the API, as the app does."""
    client = APIClient()
    response = client.post("/api/v1/auth/login/", {"email": user.email, "password": password})
    assert response.status_code == 200, response.json()
    return client


def token_client(user: User, password: str = PASSWORD) -> APIClient:
    response = APIClient().post("/api/v1/auth/token/", {"email": user.email, "password": password})
    assert response.status_code == 200, response.json()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


# --- Password ------------------------------------------------------------------------------


def test_password_change_keeps_this_session_and_signs_out_every_other(
    jo: User, django_capture_on_commit_callbacks
) -> None:
    phone, laptop, script = signed_in(jo), signed_in(jo), token_client(jo)

    with django_capture_on_commit_callbacks(execute=True):
        response = phone.post(
            PASSWORD_CHANGE, {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
        )

    assert response.status_code == 204
    assert phone.get(ME).status_code == 200
    assert laptop.get(ME).status_code == 401
    assert script.get(ME).status_code == 401
    jo.refresh_from_db()
    assert jo.check_password(NEW_PASSWORD)
    assert APIClient().post(
        "/api/v1/auth/login/", {"email": "jo@example.org", "password": PASSWORD}
    ).json() == {"non_field_errors": ["The email or password is not right."]}
    assert signed_in(jo, NEW_PASSWORD).get(ME).json()["email"] == "jo@example.org"

    [notice] = mail.outbox
    assert notice.to == ["jo@example.org"]
    assert notice.subject == "Your Patchwatch password was changed"
    assert "Hello Jo," in notice.body
    assert "every other device and app signed in to it was signed out" in notice.body
    assert "http://127.0.0.1:8000/forgot-password\n" in notice.body
    assert NEW_PASSWORD not in notice.body


def test_password_change_made_with_a_token_keeps_that_token(jo: User) -> None:
    browser, script = signed_in(jo), token_client(jo)
    response = script.post(
        PASSWORD_CHANGE, {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 204
    assert script.get(ME).status_code == 200
    assert browser.get(ME).status_code == 401


def test_password_change_refuses_a_wrong_current_password(jo: User) -> None:
    client = signed_in(jo)
    response = client.post(
        PASSWORD_CHANGE, {"current_password": "not my password", "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 400
    assert response.json() == {"current_password": ["This is not your current password."]}
    jo.refresh_from_db()
    assert jo.check_password(PASSWORD)
    assert mail.outbox == []


def test_password_change_is_throttled_after_repeated_wrong_passwords(jo: User, settings) -> None:
    settings.SIGNIN_FAILURE_LIMIT = 3
    client = signed_in(jo)
    wrong = {"current_password": "guess", "new_password": NEW_PASSWORD}
    assert [client.post(PASSWORD_CHANGE, wrong).status_code for _ in range(3)] == [400] * 3
    right = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    refused = client.post(PASSWORD_CHANGE, right)
    assert refused.status_code == 429
    jo.refresh_from_db()
    assert jo.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "This password is too short. It must contain at least 8 characters."),
        ("12345678901", "This password is entirely numeric."),
        ("password123", "This password is too common."),
        ("jo@example.org", "The password is too similar to the email."),
        (PASSWORD, "Choose a password different from your current one."),
    ],
)
def test_password_change_applies_the_password_rules(jo: User, password: str, message: str) -> None:
    response = signed_in(jo).post(
        PASSWORD_CHANGE, {"current_password": PASSWORD, "new_password": password}
    )
    assert response.status_code == 400
    assert message in response.json()["new_password"]
    jo.refresh_from_db()
    assert jo.check_password(PASSWORD)


def test_password_change_retried_with_the_same_key_is_answered_once(
    jo: User, django_capture_on_commit_callbacks
) -> None:
    client = signed_in(jo)
    body = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(PASSWORD_CHANGE, body, HTTP_IDEMPOTENCY_KEY="pw-1", format="json")
        # The phone lost the answer and sends the same request again: the current password
        # in it is no longer right, but the retry is recognised and answered as the first.
        retry = client.post(PASSWORD_CHANGE, body, HTTP_IDEMPOTENCY_KEY="pw-1", format="json")
    assert (first.status_code, retry.status_code) == (204, 204)
    assert retry["Idempotent-Replayed"] == "true"
    assert len(mail.outbox) == 1
    jo.refresh_from_db()
    assert jo.check_password(NEW_PASSWORD)


# --- Email address ---------------------------------------------------------------------------


def _link_token(message) -> str:
    match = re.search(r"/confirm-email/(\S+)", message.body)
    assert match, message.body
    return match.group(1)


def _request_change(client: APIClient, new_email: str, callbacks, **extra) -> dict:
    with callbacks(execute=True):
        response = client.post(
            EMAIL_CHANGE, {"new_email": new_email, "password": PASSWORD}, format="json", **extra
        )
    assert response.status_code == 202, response.json()
    return response.json()


def test_email_change_sends_a_link_to_the_new_address_and_waits_for_it(
    jo: User, django_capture_on_commit_callbacks
) -> None:
    client = signed_in(jo)
    answer = _request_change(client, "Jo.New@Example.org", django_capture_on_commit_callbacks)

    assert answer == {
        "detail": "We have sent a link to jo.new@example.org. Your address changes when you "
        "follow it.",
        "pending_email": "jo.new@example.org",
    }
    [link] = mail.outbox
    assert link.to == ["jo.new@example.org"]
    assert link.subject == "Confirm your new Patchwatch email address"
    assert "Hello Jo," in link.body
    assert "Someone asked to use jo.new@example.org for their Patchwatch account." in link.body
    assert "The link works once and expires in 24 hours." in link.body
    assert re.search(r"http://\S+/confirm-email/\d+\.[0-9a-f]{64}\n", link.body), link.body
    # Nothing changes until the link is followed.
    jo.refresh_from_db()
    assert jo.email == "jo@example.org"
    assert client.get(ME).json()["pending_email"] == "jo.new@example.org"


def test_email_change_link_moves_the_account_and_tells_the_old_address(
    jo: User, django_capture_on_commit_callbacks
) -> None:
    client = signed_in(jo)
    _request_change(client, "jo.new@example.org", django_capture_on_commit_callbacks)
    token = _link_token(mail.outbox[0])

    # Followed on another device, signed out.
    with django_capture_on_commit_callbacks(execute=True):
        response = APIClient().post(EMAIL_CONFIRM, {"token": token})

    assert response.status_code == 200
    assert response.json() == {
        "detail": "Your account now uses jo.new@example.org.",
        "email": "jo.new@example.org",
    }
    jo.refresh_from_db()
    assert jo.email == "jo.new@example.org"
    assert client.get(ME).json()["email"] == "jo.new@example.org"
    assert client.get(ME).json()["pending_email"] is None
    notice = mail.outbox[1]
    assert notice.to == ["jo@example.org"]
    assert notice.subject == "Your Patchwatch email address was changed"
    assert (
        "Your Patchwatch account now uses jo.new@example.org instead of this address "
        "(jo@example.org)." in notice.body
    )
    assert "If you did not make this change" in notice.body
    assert token not in notice.body
    assert signed_in(jo).get(ME).json()["email"] == "jo.new@example.org"


def test_email_change_link_works_once(jo: User, django_capture_on_commit_callbacks) -> None:
    _request_change(signed_in(jo), "jo.new@example.org", django_capture_on_commit_callbacks)
    token = _link_token(mail.outbox[0])
    assert APIClient().post(EMAIL_CONFIRM, {"token": token}).status_code == 200

    again = APIClient().post(EMAIL_CONFIRM, {"token": token})
    assert again.status_code == 400
    assert again.json() == {"token": ["This link has already been used."]}
    assert EmailChange.objects.get().confirmed_at is not None


def test_email_change_link_expires(jo: User, settings, django_capture_on_commit_callbacks) -> None:
    settings.EMAIL_CHANGE_TIMEOUT = 24 * 3600
    _request_change(signed_in(jo), "jo.new@example.org", django_capture_on_commit_callbacks)
    token = _link_token(mail.outbox[0])
    change = EmailChange.objects.get()
    # The link was sent a day and a minute ago.
    EmailChange.objects.filter(pk=change.pk).update(
        created_at=change.created_at - timedelta(days=1, minutes=1)
    )

    response = APIClient().post(EMAIL_CONFIRM, {"token": token})
    assert response.status_code == 400
    assert response.json() == {
        "token": ["This link has expired: ask for a new one from your profile."]
    }
    jo.refresh_from_db()
    assert jo.email == "jo@example.org"
    assert signed_in(jo).get(ME).json()["pending_email"] is None


def test_email_change_refuses_an_address_already_used_without_saying_whose(
    jo: User, django_capture_on_commit_callbacks
) -> None:
    UserFactory(name="Kim Other", email="kim@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(jo).post(
            EMAIL_CHANGE, {"new_email": "KIM@example.org", "password": PASSWORD}
        )
    assert response.status_code == 400
    assert response.json() == {"new_email": [TAKEN]}
    assert mail.outbox == []
    assert EmailChange.objects.count() == 0


def test_email_change_link_refused_when_the_address_was_taken_meanwhile(
    jo: User, django_capture_on_commit_callbacks
) -> None:
    _request_change(signed_in(jo), "jo.new@example.org", django_capture_on_commit_callbacks)
    token = _link_token(mail.outbox[0])
    signup = APIClient().post(
        "/api/v1/auth/signup/",
        {"name": "Quick Kim", "email": "jo.new@example.org", "password": "a sturdy passphrase"},
    )
    assert signup.status_code == 201

    response = APIClient().post(EMAIL_CONFIRM, {"token": token})
    assert response.status_code == 400
    assert response.json() == {"token": [TAKEN]}
    jo.refresh_from_db()
    assert jo.email == "jo@example.org"


def test_email_change_refuses_a_wrong_password_and_the_same_address(jo: User) -> None:
    client = signed_in(jo)
    wrong = client.post(EMAIL_CHANGE, {"new_email": "jo.new@example.org", "password": "nope"})
    assert wrong.status_code == 400
    assert wrong.json() == {"password": ["This is not your current password."]}
    same = client.post(EMAIL_CHANGE, {"new_email": "JO@example.org", "password": PASSWORD})
    assert same.status_code == 400
    assert same.json() == {"new_email": ["This is already your email address."]}
    bad = client.post(EMAIL_CHANGE, {"new_email": "not an address", "password": PASSWORD})
    assert bad.status_code == 400
    assert bad.json() == {"new_email": ["Enter a valid email address."]}
    assert EmailChange.objects.count() == 0


def test_a_newer_email_change_replaces_the_earlier_link(
    jo: User, django_capture_on_commit_callbacks
) -> None:
    client = signed_in(jo)
    _request_change(client, "first@example.org", django_capture_on_commit_callbacks)
    _request_change(client, "second@example.org", django_capture_on_commit_callbacks)
    first, second = (_link_token(message) for message in mail.outbox)

    refused = APIClient().post(EMAIL_CONFIRM, {"token": first})
    assert refused.status_code == 400
    assert refused.json() == {
        "token": ["This link is not valid: ask for a new one from your profile."]
    }
    assert APIClient().post(EMAIL_CONFIRM, {"token": second}).status_code == 200
    jo.refresh_from_db()
    assert jo.email == "second@example.org"


@pytest.mark.parametrize("token", ["abc", "1.", ".abc", "99999.abc", "1.0123456789abcdef"])
def test_email_change_confirm_refuses_links_it_never_sent(jo: User, token: str) -> None:
    EmailChange.objects.create(user=jo, new_email="jo.new@example.org")
    response = APIClient().post(EMAIL_CONFIRM, {"token": token})
    assert response.status_code == 400
    assert response.json() == {
        "token": ["This link is not valid: ask for a new one from your profile."]
    }
    jo.refresh_from_db()
    assert jo.email == "jo@example.org"


def test_email_change_retried_with_the_same_key_sends_one_link(
    jo: User, django_capture_on_commit_callbacks
) -> None:
    client = signed_in(jo)
    first = _request_change(
        client, "jo.new@example.org", django_capture_on_commit_callbacks, HTTP_IDEMPOTENCY_KEY="e1"
    )
    retry = _request_change(
        client, "jo.new@example.org", django_capture_on_commit_callbacks, HTTP_IDEMPOTENCY_KEY="e1"
    )
    assert retry == first
    assert len(mail.outbox) == 1
    assert EmailChange.objects.count() == 1


# --- Refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", PASSWORD_CHANGE),
        ("post", EMAIL_CHANGE),
        ("get", "/api/v1/me/deletion/"),
        ("post", "/api/v1/me/deletion/"),
    ],
)
def test_account_changes_refuse_anonymous_users(anon: APIClient, method: str, path: str) -> None:
    response = getattr(anon, method)(path, {"password": PASSWORD})
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
