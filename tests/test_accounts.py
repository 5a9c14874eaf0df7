import re

import pytest
from django.core import mail
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.test import APIClient

from accounts.models import User
from tests.factories import PASSWORD, LiaisonFactory, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = "/api/v1/auth/signup/"
LOGIN = "/api/v1/auth/login/"
TOKEN = "/api/v1/auth/token/"
ME = "/api/v1/me/"

# What someone who belongs to nothing may do: propose a scheme, and no more.
NEWCOMER_ACTIONS = {
    "propose_scheme": True,
    "review_schemes": False,
    "review_activity": False,
    "decide_join_requests": False,
    "import_neighbourhoods": False,
    "use_speedwatch": False,
    "run_sessions": [],
    "review_sites": False,
    "work_letters": False,
    "read_statistics": False,
    "read_audit": False,
    "issue_force_alerts": False,
    "issue_alerts_for": [],
    "approve_alerts": False,
    "keep_alert_templates": False,
    "issue_alerts": False,
    "send_surveys_to": [],
    "write_surveys": False,
}


def test_signup_creates_a_volunteer_and_signs_them_in(anon: APIClient) -> None:
    response = anon.post(
        SIGNUP,
        {
            "name": "Jo Bloggs",
            "email": "Jo.Bloggs@Example.org",
            "password": "a sturdy passphrase",
            "phone": "01223 555777",
            "postcode": "cb21tn",
        },
    )
    assert response.status_code == 201
    user = User.objects.get()
    assert response.json() == {
        "id": user.pk,
        "email": "jo.bloggs@example.org",
        "name": "Jo Bloggs",
        "phone": "01223 555777",
        "postcode": "CB2 1TN",
        "language": "en",
        "is_staff": False,
        "pending_email": None,
        "two_factor_enabled": False,
        "two_factor_required": False,
        "liaison": None,
        "coordinator_of": [],
        "memberships": [],
        "actions": NEWCOMER_ACTIONS,
    }
    assert user.check_password("a sturdy passphrase")
    assert anon.get(ME).json()["email"] == "jo.bloggs@example.org"


def test_signup_refuses_an_email_already_registered_in_any_case(anon: APIClient) -> None:
    UserFactory(email="taken@example.org")
    response = anon.post(
        SIGNUP, {"name": "Jo", "email": "TAKEN@example.org", "password": "a sturdy passphrase"}
    )
    assert response.status_code == 400
    assert response.json() == {"email": ["An account with this email already exists."]}
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "This password is too short. It must contain at least 8 characters."),
        ("12345678901", "This password is entirely numeric."),
        ("password123", "This password is too common."),
    ],
)
def test_signup_applies_the_password_rules(anon: APIClient, password: str, message: str) -> None:
    response = anon.post(SIGNUP, {"name": "Jo", "email": "jo@example.org", "password": password})
    assert response.status_code == 400
    assert message in response.json()["password"]
    assert not User.objects.exists()


def test_signup_validates_phone_and_postcode(anon: APIClient) -> None:
    response = anon.post(
        SIGNUP,
        {
            "name": "Jo",
            "email": "jo@example.org",
            "password": "a sturdy passphrase",
            "phone": "call me",
            "postcode": "not a postcode",
        },
    )
    assert response.status_code == 400
    assert response.json() == {
        "phone": [
            "Enter a phone number of 8 to 20 digits, such as 01223 555123 or +44 7700 900123."
        ],
        "postcode": ["Enter a full UK postcode, such as CB2 1TN."],
    }


def test_login_starts_a_session(anon: APIClient) -> None:
    user = UserFactory(email="jo@example.org", name="Jo", phone="01223 555777")
    assert anon.get(ME).status_code == 401
    response = anon.post(LOGIN, {"email": "JO@example.org", "password": PASSWORD})
    assert response.status_code == 200
    me = {
        "id": user.pk,
        "email": "jo@example.org",
        "name": "Jo",
        "phone": "01223 555777",
        "postcode": "",
        "language": "en",
        "is_staff": False,
        "pending_email": None,
        "two_factor_enabled": False,
        "two_factor_required": False,
        "liaison": None,
        "coordinator_of": [],
        "memberships": [],
        "actions": NEWCOMER_ACTIONS,
    }
    assert response.json() == me
    assert response.cookies["sessionid"].value
    assert anon.get(ME).json() == me
    user.refresh_from_db()
    assert user.last_login is not None


def test_login_with_a_wrong_password_is_a_field_error(anon: APIClient) -> None:
    UserFactory(email="jo@example.org")
    response = anon.post(LOGIN, {"email": "jo@example.org", "password": "wrong"})
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["The email or password is not right."]}
    assert anon.get(ME).status_code == 401


def test_repeated_failed_sign_ins_are_throttled_even_with_the_right_password(
    anon: APIClient, settings
) -> None:
    settings.SIGNIN_FAILURE_LIMIT = 3
    UserFactory(email="jo@example.org")
    for _ in range(3):
        assert anon.post(LOGIN, {"email": "jo@example.org", "password": "wrong"}).status_code == 400
    response = anon.post(LOGIN, {"email": "jo@example.org", "password": PASSWORD})
    assert response.status_code == 429
    assert response.json()["detail"].startswith("Too many failed sign-ins.")
    # The token endpoint shares the same count.
    assert anon.post(TOKEN, {"email": "jo@example.org", "password": PASSWORD}).status_code == 429


def test_failed_sign_ins_from_one_address_are_throttled_across_accounts(
    anon: APIClient, settings
) -> None:
    settings.SIGNIN_CLIENT_FAILURE_LIMIT = 2
    UserFactory(email="victim@example.org")
    anon.post(LOGIN, {"email": "a@example.org", "password": "guess"})
    anon.post(LOGIN, {"email": "b@example.org", "password": "guess"})
    response = anon.post(LOGIN, {"email": "victim@example.org", "password": PASSWORD})
    assert response.status_code == 429


def test_token_authenticates_api_clients(anon: APIClient) -> None:
    user = UserFactory(email="jo@example.org")
    response = anon.post(TOKEN, {"email": "jo@example.org", "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    assert len(token) == 40
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(ME).json()["id"] == user.pk
    # Asking again gives the same token.
    again = anon.post(TOKEN, {"email": "jo@example.org", "password": PASSWORD}).json()
    assert again == {"token": token}


def test_revoked_token_no_longer_works(anon: APIClient) -> None:
    UserFactory(email="jo@example.org")
    token = anon.post(TOKEN, {"email": "jo@example.org", "password": PASSWORD}).json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.post("/api/v1/auth/token/revoke/").status_code == 204
    assert client.get(ME).status_code == 401


def test_me_requires_sign_in_with_a_token_challenge(anon: APIClient) -> None:
    response = anon.get(ME)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_me_shows_a_liaison_profile(client_for) -> None:
    profile = LiaisonFactory(force="cambridgeshire", role_title="PCSO")
    data = client_for(profile.user).get(ME).json()
    assert data["liaison"] == {
        "force": "cambridgeshire",
        "force_name": "Cambridgeshire Constabulary",
        "role_title": "PCSO",
    }


def test_me_update_changes_only_profile_fields(client_for) -> None:
    user = UserFactory(email="jo@example.org", name="Jo")
    response = client_for(user).patch(
        ME,
        {"name": "Joanne", "postcode": "pe15 8ab", "email": "evil@example.org", "is_staff": True},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.name, user.postcode, user.email, user.is_staff) == (
        "Joanne",
        "PE15 8AB",
        "jo@example.org",
        False,
    )


def test_logout_ends_the_session(client_for) -> None:
    client = client_for(UserFactory())
    assert client.post("/api/v1/auth/logout/").status_code == 204
    assert client.get(ME).status_code == 401


def _reset_link_parts() -> tuple[str, str]:
    assert len(mail.outbox) == 1
    match = re.search(r"/reset-password/([^/\s]+)/([^/\s]+)", mail.outbox[0].body)
    assert match, mail.outbox[0].body
    return match.group(1), match.group(2)


def test_password_reset_by_email(anon: APIClient, django_capture_on_commit_callbacks) -> None:
    user = UserFactory(email="jo@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = anon.post("/api/v1/auth/password-reset/", {"email": "JO@example.org"})
    assert response.status_code == 202
    assert mail.outbox[0].to == ["jo@example.org"]
    assert mail.outbox[0].subject == "Reset your Patchwatch password"
    uid, token = _reset_link_parts()

    weak = anon.post(
        "/api/v1/auth/password-reset/confirm/",
        {"uid": uid, "token": token, "new_password": "123"},
    )
    assert weak.status_code == 400
    assert "new_password" in weak.json()

    done = anon.post(
        "/api/v1/auth/password-reset/confirm/",
        {"uid": uid, "token": token, "new_password": "a brand new passphrase"},
    )
    assert done.status_code == 204
    user.refresh_from_db()
    assert user.check_password("a brand new passphrase")

    # The link works once.
    reused = anon.post(
        "/api/v1/auth/password-reset/confirm/",
        {"uid": uid, "token": token, "new_password": "another passphrase here"},
    )
    assert reused.status_code == 400
    assert reused.json() == {"token": ["This reset link is invalid or has expired."]}


def test_password_reset_does_not_reveal_unknown_addresses(
    anon: APIClient, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = anon.post("/api/v1/auth/password-reset/", {"email": "nobody@example.org"})
    assert response.status_code == 202
    assert response.json() == {
        "detail": "If that address has an account, a reset link is on its way."
    }
    assert mail.outbox == []


BAD_LINK = {"token": ["This reset link is invalid or has expired."]}


@pytest.mark.parametrize(
    ("uid", "errors"),
    [
        ("", {"uid": ["This field may not be blank."]}),
        ("!!!", BAD_LINK),
        ("MTIzNDU2Nzg5MDEyMzQ1Njc4OTA", BAD_LINK),  # a number too large for any id
        ("bm90LWEtbnVtYmVy", BAD_LINK),  # "not-a-number"
        ("own", BAD_LINK),  # the right account, with a token it never had
    ],
)
def test_password_reset_confirm_refuses_bad_links(anon: APIClient, uid: str, errors) -> None:
    user = UserFactory(email="jo@example.org")
    if uid == "own":
        uid = urlsafe_base64_encode(force_bytes(user.pk))
    response = anon.post(
        "/api/v1/auth/password-reset/confirm/",
        {"uid": uid, "token": "abc-123", "new_password": "a brand new passphrase"},
    )
    assert response.status_code == 400
    assert response.json() == errors
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
