"""Two-factor sign-in: setting it up, both sign-ins with the code step, recovery codes, the
throttle, what a liaison without it may do, the admin, and staff resetting a lost phone."""

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User
from tests.factories import PASSWORD, MembershipFactory, UserFactory
from tests.two_factor import authenticator_code, wrong_code
from watch.models import AuditRecord

pytestmark = pytest.mark.django_db

LOGIN = "/api/v1/auth/login/"
LOGIN_CODE = "/api/v1/auth/login/otp/"
LOGOUT = "/api/v1/auth/logout/"
TOKEN = "/api/v1/auth/token/"
TOKEN_CODE = "/api/v1/auth/token/otp/"
ME = "/api/v1/me/"
STATUS = "/api/v1/me/two-factor/"
ENROL = "/api/v1/me/two-factor/enrol/"
CONFIRM = "/api/v1/me/two-factor/confirm/"
RECOVERY = "/api/v1/me/two-factor/recovery-codes/"
DISABLE = "/api/v1/me/two-factor/disable/"
AUDIT = "/api/v1/speedwatch/audit/"
LETTERS = "/api/v1/speedwatch/letters/"
PASSWORD_CHANGE = "/api/v1/me/password/"

RECOVERY_CODE = re.compile(r"^[a-hjkmnp-z2-9]{5}-[a-hjkmnp-z2-9]{5}$")
ENROLMENT_REQUIRED = {
    "detail": "Set up two-factor sign-in before using Patchwatch: police liaisons and staff must.",
    "code": "otp_enrolment_required",
}
OTP_REQUIRED = {
    "otp_required": True,
    "detail": "Enter the code from your authenticator app, or a recovery code.",
}
WRONG_CODE = ["This code is not right. Check the time on your phone, or use a recovery code."]


@pytest.fixture(autouse=True)
def _required(settings) -> None:
    settings.OTP_REQUIRED_FOR_POLICE = True


def signed_in(user: User) -> APIClient:
    """A browser session after the password step (and nothing more)."""
    client = APIClient()
    response = client.post(LOGIN, {"email": user.email, "password": PASSWORD})
    assert response.status_code in (200, 202)
    return client


def enrol(client: APIClient, user: User) -> list[str]:
    """Set up two-factor sign-in through the API; the recovery codes."""
    response = client.post(ENROL, {"password": PASSWORD})
    assert response.status_code == 201
    response = client.post(CONFIRM, {"code": authenticator_code(user, response.json()["secret"])})
    assert response.status_code == 201
    return response.json()["recovery_codes"]


@pytest.fixture
def enrolled_liaison(liaison: User) -> tuple[User, list[str]]:
    return liaison, enrol(signed_in(liaison), liaison)


def test_enrolment_gives_a_key_then_recovery_codes_once_confirmed(liaison) -> None:
    client = signed_in(liaison)
    assert client.get(STATUS).json() == {
        "enabled": False,
        "required": True,
        "recovery_codes_left": 0,
        "can_disable": False,
    }
    assert client.post(ENROL, {"password": "not it"}).json() == {
        "password": ["This is not your current password."]
    }

    response = client.post(ENROL, {"password": PASSWORD})
    assert response.status_code == 201
    body = response.json()
    assert re.fullmatch(r"[A-Z2-7]{32}", body["secret"])
    assert body["otpauth_uri"] == (
        f"otpauth://totp/Patchwatch%3A{liaison.email.replace('@', '%40')}?secret="
        f"{body['secret']}&algorithm=SHA1&digits=6&period=30&issuer=Patchwatch"
    )
    assert body["qr_svg"].startswith("data:image/svg+xml;charset=utf-8,")
    # Not on until confirmed: the next sign-in asks for no code.
    assert TOTPDevice.objects.get(user=liaison).confirmed is False
    assert client.post(CONFIRM, {"code": wrong_code(liaison)}).json() == {"code": WRONG_CODE}
    assert client.get(ME).json()["two_factor_enabled"] is False

    response = client.post(CONFIRM, {"code": authenticator_code(liaison, body["secret"])})
    assert response.status_code == 201
    codes = response.json()["recovery_codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(RECOVERY_CODE.fullmatch(code) for code in codes)
    assert client.get(STATUS).json() == {
        "enabled": True,
        "required": True,
        "recovery_codes_left": 10,
        "can_disable": False,
    }
    # Confirming counts as the code step for this session: the liaison can get on.
    assert client.get(LETTERS).status_code == 200
    # Starting again once it is on is refused.
    assert client.post(ENROL, {"password": PASSWORD}).json() == {
        "non_field_errors": ["Two-factor sign-in is already on for this account."]
    }


def test_sign_in_with_two_factor_takes_a_code_before_anything(enrolled_liaison) -> None:
    liaison, _ = enrolled_liaison
    client = APIClient()
    response = client.post(LOGIN, {"email": liaison.email, "password": PASSWORD})
    assert response.status_code == 202
    assert response.json() == OTP_REQUIRED
    # Nobody is signed in yet.
    assert client.get(ME).status_code == 401
    assert client.get(LETTERS).status_code == 401

    assert client.post(LOGIN_CODE, {"code": wrong_code(liaison)}).json() == {"code": WRONG_CODE}
    assert client.post(LOGIN_CODE, {"code": ""}).json() == {
        "code": ["This field may not be blank."]
    }
    response = client.post(LOGIN_CODE, {"code": authenticator_code(liaison)})
    assert response.status_code == 200
    assert response.json()["email"] == liaison.email
    assert response.json()["two_factor_enabled"] is True
    assert client.get(LETTERS).status_code == 200


def test_the_code_step_needs_the_password_step_first(enrolled_liaison) -> None:
    liaison, _ = enrolled_liaison
    response = APIClient().post(LOGIN_CODE, {"code": authenticator_code(liaison)})
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Sign in with your email and password first."]}


def test_sign_in_without_two_factor_is_one_step(coordinator) -> None:
    client = APIClient()
    response = client.post(LOGIN, {"email": coordinator.email, "password": PASSWORD})
    assert response.status_code == 200
    assert response.json()["two_factor_enabled"] is False
    assert response.json()["two_factor_required"] is False
    assert client.get("/api/v1/join-requests/").status_code == 200


def test_wrong_codes_are_refused_and_throttled_with_the_passwords(enrolled_liaison, settings):
    settings.SIGNIN_FAILURE_LIMIT = 3
    liaison, _ = enrolled_liaison
    client = APIClient()
    client.post(LOGIN, {"email": liaison.email, "password": PASSWORD})
    for _ in range(3):
        response = client.post(LOGIN_CODE, {"code": wrong_code(liaison)})
        assert response.status_code == 400
    response = client.post(LOGIN_CODE, {"code": authenticator_code(liaison)})
    assert response.status_code == 429
    assert response.json()["detail"].startswith("Too many failed sign-ins.")
    # Wrong codes and wrong passwords share one count: the password step is closed too.
    again = APIClient().post(LOGIN, {"email": liaison.email, "password": PASSWORD})
    assert again.status_code == 429
    assert client.get(ME).status_code == 401


def test_a_recovery_code_signs_in_once_only(enrolled_liaison) -> None:
    liaison, codes = enrolled_liaison
    client = APIClient()
    client.post(LOGIN, {"email": liaison.email, "password": PASSWORD})
    # Typed in capitals without the hyphen, as people do.
    response = client.post(LOGIN_CODE, {"code": codes[3].replace("-", "").upper()})
    assert response.status_code == 200
    assert client.get(STATUS).json()["recovery_codes_left"] == 9
    assert client.get(LETTERS).status_code == 200

    other = APIClient()
    other.post(LOGIN, {"email": liaison.email, "password": PASSWORD})
    assert other.post(LOGIN_CODE, {"code": codes[3]}).json() == {"code": WRONG_CODE}
    assert other.post(LOGIN_CODE, {"code": codes[4]}).status_code == 200


def test_an_authenticator_code_works_once_only(enrolled_liaison) -> None:
    liaison, _ = enrolled_liaison
    first, second = APIClient(), APIClient()
    first.post(LOGIN, {"email": liaison.email, "password": PASSWORD})
    second.post(LOGIN, {"email": liaison.email, "password": PASSWORD})
    code = authenticator_code(liaison)
    assert first.post(LOGIN_CODE, {"code": code}).status_code == 200
    assert second.post(LOGIN_CODE, {"code": code}).json() == {"code": WRONG_CODE}


def test_token_sign_in_takes_the_code_too(enrolled_liaison) -> None:
    liaison, _ = enrolled_liaison
    anon = APIClient()
    response = anon.post(TOKEN, {"email": liaison.email, "password": PASSWORD})
    assert response.status_code == 202
    ticket = response.json()["otp_token"]
    assert response.json() == OTP_REQUIRED | {"otp_token": ticket}
    assert not Token.objects.filter(user=liaison).exists()

    assert anon.post(TOKEN_CODE, {"otp_token": ticket, "code": wrong_code(liaison)}).json() == {
        "code": WRONG_CODE
    }
    assert anon.post(TOKEN_CODE, {"otp_token": "forged", "code": "123456"}).json() == {
        "otp_token": ["Sign in again: this sign-in has expired."]
    }
    response = anon.post(TOKEN_CODE, {"otp_token": ticket, "code": authenticator_code(liaison)})
    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=liaison).key}

    api = APIClient(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api.get(LETTERS).status_code == 200


def test_a_sign_in_ticket_dies_with_a_password_change(enrolled_liaison) -> None:
    liaison, _ = enrolled_liaison
    ticket = APIClient().post(TOKEN, {"email": liaison.email, "password": PASSWORD}).json()
    liaison.set_password("a new passphrase")
    liaison.save()
    response = APIClient().post(
        TOKEN_CODE, {"otp_token": ticket["otp_token"], "code": authenticator_code(liaison)}
    )
    assert response.json() == {"otp_token": ["Sign in again: this sign-in has expired."]}


def test_a_liaison_without_two_factor_can_only_set_it_up(liaison) -> None:
    client = signed_in(liaison)
    me = client.get(ME)
    assert me.status_code == 200
    assert me.json()["two_factor_required"] is True
    assert me.json()["two_factor_enabled"] is False
    for path in (LETTERS, AUDIT, "/api/v1/activity/", "/api/v1/join-requests/"):
        response = client.get(path)
        assert (path, response.status_code, response.json()) == (path, 403, ENROLMENT_REQUIRED)
    for path, body in (
        (PASSWORD_CHANGE, {"current_password": PASSWORD, "new_password": "another passphrase"}),
        (ME, {"name": "Someone Else"}),
        (RECOVERY, {"code": "123456"}),
    ):
        response = client.post(path, body) if path != ME else client.patch(path, body)
        assert (path, response.status_code, response.json()) == (path, 403, ENROLMENT_REQUIRED)
    assert client.get("/api/v1/config/").status_code == 200
    assert client.get(STATUS).status_code == 200

    enrol(client, liaison)
    assert client.get(LETTERS).status_code == 200


def test_a_liaison_without_two_factor_gets_no_token_and_old_tokens_stop_working(liaison):
    old = Token.objects.create(user=liaison)
    response = APIClient().post(TOKEN, {"email": liaison.email, "password": PASSWORD})
    assert (response.status_code, response.json()) == (403, ENROLMENT_REQUIRED)
    api = APIClient(HTTP_AUTHORIZATION=f"Token {old.key}")
    assert (api.get(LETTERS).status_code, api.get(LETTERS).json()) == (403, ENROLMENT_REQUIRED)

    # Setting it up deletes every token made with the password alone.
    enrol(signed_in(liaison), liaison)
    assert not Token.objects.filter(user=liaison).exists()
    assert api.get(LETTERS).status_code == 401


def test_a_session_that_skipped_the_code_step_is_refused(enrolled_liaison) -> None:
    liaison, _ = enrolled_liaison
    client = APIClient()
    client.force_login(liaison)
    response = client.get(LETTERS)
    assert (response.status_code, response.json()) == (
        403,
        {"detail": "Enter the code from your authenticator app first.", "code": "otp_required"},
    )


def test_new_recovery_codes_need_an_authenticator_code(enrolled_liaison) -> None:
    liaison, old_codes = enrolled_liaison
    client = APIClient()
    client.post(LOGIN, {"email": liaison.email, "password": PASSWORD})
    client.post(LOGIN_CODE, {"code": old_codes[0]})
    assert client.post(RECOVERY, {"code": old_codes[1]}).json() == {
        "code": ["Enter the 6-digit code your authenticator app shows."]
    }
    response = client.post(RECOVERY, {"code": authenticator_code(liaison)})
    assert response.status_code == 201
    codes = response.json()["recovery_codes"]
    assert len(codes) == 10 and not set(codes) & set(old_codes)
    assert client.get(STATUS).json()["recovery_codes_left"] == 10

    other = APIClient()
    other.post(LOGIN, {"email": liaison.email, "password": PASSWORD})
    assert other.post(LOGIN_CODE, {"code": old_codes[2]}).json() == {"code": WRONG_CODE}
    assert other.post(LOGIN_CODE, {"code": codes[0]}).status_code == 200


def test_a_coordinator_may_turn_two_factor_on_and_off(coordinator) -> None:
    client = signed_in(coordinator)
    enrol(client, coordinator)
    assert client.get(STATUS).json()["can_disable"] is True
    assert client.post(DISABLE, {"password": "wrong", "code": "123456"}).json() == {
        "password": ["This is not your current password."]
    }
    response = client.post(DISABLE, {"password": PASSWORD, "code": authenticator_code(coordinator)})
    assert response.status_code == 204
    assert client.get(STATUS).json()["enabled"] is False
    again = APIClient().post(LOGIN, {"email": coordinator.email, "password": PASSWORD})
    assert again.status_code == 200


def test_a_volunteer_may_turn_two_factor_on(volunteer) -> None:
    client = signed_in(volunteer)
    enrol(client, volunteer)
    response = APIClient().post(LOGIN, {"email": volunteer.email, "password": PASSWORD})
    assert response.json() == OTP_REQUIRED


def test_a_liaison_cannot_turn_two_factor_off(enrolled_liaison) -> None:
    liaison, codes = enrolled_liaison
    client = APIClient()
    client.post(LOGIN, {"email": liaison.email, "password": PASSWORD})
    client.post(LOGIN_CODE, {"code": codes[0]})
    response = client.post(DISABLE, {"password": PASSWORD, "code": authenticator_code(liaison)})
    assert response.status_code == 403
    assert response.json()["detail"].startswith("Police liaisons and staff must keep")
    assert client.get(STATUS).json()["enabled"] is True


# --- Staff and the admin ----------------------------------------------------------------


@pytest.fixture
def staff() -> User:
    return UserFactory(name="Sally Staff", is_staff=True, is_superuser=True)


def verified_staff_client(staff: User) -> APIClient:
    client = signed_in(staff)
    enrol(client, staff)
    return client


def test_the_admin_refuses_staff_without_a_verified_code(staff) -> None:
    browser = Client()
    browser.force_login(staff)
    response = browser.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"

    codes = enrol(signed_in(staff), staff)
    browser.force_login(staff)  # a password-only session
    assert browser.get("/admin/").status_code == 302

    # The admin's own sign-in form takes the code with the password.
    browser = Client()
    page = browser.get("/admin/login/")
    assert b'name="otp_token"' in page.content
    response = browser.post(
        "/admin/login/?next=/admin/",
        {"username": staff.email, "password": PASSWORD, "otp_token": "000000x"},
    )
    assert response.status_code == 200  # the form again, with an error
    assert browser.get("/admin/").status_code == 302
    response = browser.post(
        "/admin/login/?next=/admin/",
        {"username": staff.email, "password": PASSWORD, "otp_token": codes[0]},
    )
    assert response.status_code == 302
    assert browser.get("/admin/").status_code == 200


def test_staff_reset_a_lost_phone_on_the_record(staff, enrolled_liaison) -> None:
    liaison, codes = enrolled_liaison
    liaison_client = APIClient()
    liaison_client.post(LOGIN, {"email": liaison.email, "password": PASSWORD})
    liaison_client.post(LOGIN_CODE, {"code": codes[0]})
    token = Token.objects.create(user=liaison)
    staff_client = verified_staff_client(staff)

    response = staff_client.post(f"/api/v1/users/{liaison.pk}/two-factor/reset/")
    assert response.status_code == 200
    assert response.json() == {
        "enabled": False,
        "required": True,
        "recovery_codes_left": 0,
        "can_disable": False,
    }
    record = AuditRecord.objects.get()
    assert (record.actor, record.actor_name, record.action, record.force, record.rows) == (
        staff,
        "Sally Staff",
        "two_factor_reset",
        "cambridgeshire",
        0,
    )
    assert record.detail == {
        "user_id": str(liaison.pk),
        "user": "PCSO Priya Shah",
        "email": liaison.email,
    }
    listed = staff_client.get(AUDIT).json()["results"]
    assert [(row["action"], row["action_display"]) for row in listed] == [
        ("two_factor_reset", "Reset someone's two-factor sign-in")
    ]

    # The liaison's signed-in browser can now only set it up again (with the password), and
    # the token is gone.
    assert liaison_client.get(LETTERS).json() == ENROLMENT_REQUIRED
    assert not Token.objects.filter(pk=token.pk).exists()
    response = APIClient().post(LOGIN, {"email": liaison.email, "password": PASSWORD})
    assert response.status_code == 200
    assert response.json()["two_factor_enabled"] is False
    enrol(liaison_client, liaison)
    assert liaison_client.get(LETTERS).status_code == 200


def test_only_staff_reset_two_factor(enrolled_liaison, coordinator) -> None:
    liaison, _ = enrolled_liaison
    response = signed_in(coordinator).post(f"/api/v1/users/{liaison.pk}/two-factor/reset/")
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=liaison, confirmed=True).count() == 1
    assert not AuditRecord.objects.exists()


def test_staff_without_two_factor_cannot_reset_anyone(staff, enrolled_liaison) -> None:
    liaison, _ = enrolled_liaison
    response = signed_in(staff).post(f"/api/v1/users/{liaison.pk}/two-factor/reset/")
    assert (response.status_code, response.json()) == (403, ENROLMENT_REQUIRED)


def test_the_admin_action_resets_and_records(staff, enrolled_liaison) -> None:
    liaison, _ = enrolled_liaison
    staff_codes = enrol(signed_in(staff), staff)
    browser = Client()
    browser.post(
        "/admin/login/?next=/admin/",
        {"username": staff.email, "password": PASSWORD, "otp_token": staff_codes[0]},
    )
    response = browser.post(
        "/admin/accounts/user/",
        {"action": "reset_two_factor", "_selected_action": [liaison.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "Two-factor sign-in reset for 1 people. They set it up again at their next sign-in."
    ]
    assert not TOTPDevice.objects.filter(user=liaison).exists()
    assert AuditRecord.objects.get().detail["user_id"] == str(liaison.pk)
    other = APIClient()
    other.post(LOGIN, {"email": liaison.email, "password": PASSWORD})
    assert other.get(LETTERS).json() == ENROLMENT_REQUIRED


def test_with_the_requirement_off_liaisons_may_go_without(liaison, settings) -> None:
    settings.OTP_REQUIRED_FOR_POLICE = False
    client = signed_in(liaison)
    assert client.get(ME).json()["two_factor_required"] is False
    assert client.get(LETTERS).status_code == 200


def test_a_coordinator_of_a_scheme_is_not_required(scheme) -> None:
    member = MembershipFactory(scheme=scheme, role="coordinator").user
    assert signed_in(member).get(STATUS).json()["required"] is False


def test_the_demo_liaison_signs_in_with_the_printed_key() -> None:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    secret = re.search(r"oathtool --totp -b ([A-Z2-7]+)", out.getvalue()).group(1)
    liaison = User.objects.get(email="liaison.cambs@example.org")
    client = APIClient()
    response = client.post(LOGIN, {"email": liaison.email, "password": "patchwatch-demo"})
    assert response.json() == OTP_REQUIRED
    response = client.post(LOGIN_CODE, {"code": authenticator_code(liaison, secret)})
    assert response.json()["name"] == "PCSO Priya Shah"
    assert response.json()["two_factor_enabled"] is True
