"""The API speaks Welsh: to a request that asks for it with Accept-Language, and always to a
person who chose Welsh (their choice outranks their browser's header), whether they come
with the session cookie or a token."""

import pytest
from django.core import mail
from rest_framework.test import APIClient

from accounts.models import User
from schemes.models import Scheme
from tests.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = "/api/v1/auth/signup/"
LOGIN = "/api/v1/auth/login/"
TOKEN = "/api/v1/auth/token/"
ME = "/api/v1/me/"
INBOX = "/api/v1/inbox/"

WELSH = {"HTTP_ACCEPT_LANGUAGE": "cy"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}


def _join(scheme: Scheme) -> str:
    return f"/api/v1/schemes/{scheme.pk}/join/"


def test_sign_up_refusals_are_in_welsh_for_accept_language_cy(anon: APIClient) -> None:
    response = anon.post(SIGNUP, {"email": "not an address", "password": "x"}, **WELSH)
    assert response.status_code == 400
    assert response.json() == {
        "name": ["Mae angen y maes hwn."],
        "email": ["Rhowch gyfeiriad e-bost dilys."],
    }
    assert response["Content-Language"] == "cy"


def test_password_rules_are_in_welsh(anon: APIClient) -> None:
    response = anon.post(
        SIGNUP, {"name": "Siân", "email": "sian@example.org", "password": "12345"}, **WELSH
    )
    assert response.status_code == 400
    assert response.json() == {
        "password": [
            "Mae'r cyfrinair hwn yn rhy fyr. Rhaid iddo gynnwys o leiaf 8 nod.",
            "Mae'r cyfrinair hwn yn rhy gyffredin.",
            "Rhifau yn unig sydd yn y cyfrinair hwn.",
        ]
    }
    assert not User.objects.exists()


def test_without_a_welsh_header_the_api_speaks_english(anon: APIClient) -> None:
    response = anon.post(SIGNUP, {"email": "not an address", "password": "x"})
    assert response.json() == {
        "name": ["This field is required."],
        "email": ["Enter a valid email address."],
    }
    assert response["Content-Language"] == "en-gb"


def test_someone_who_signs_up_in_welsh_has_chosen_welsh(anon: APIClient) -> None:
    response = anon.post(
        SIGNUP,
        {"name": "Siân Lloyd", "email": "sian@example.org", "password": "a sturdy passphrase"},
        **WELSH,
    )
    assert response.status_code == 201
    assert response.json()["language"] == "cy"
    assert User.objects.get().language == "cy"


def test_a_language_chosen_at_sign_up_outranks_the_header(anon: APIClient) -> None:
    response = anon.post(
        SIGNUP,
        {
            "name": "Siân Lloyd",
            "email": "sian@example.org",
            "password": "a sturdy passphrase",
            "language": "en",
        },
        **WELSH,
    )
    assert response.status_code == 201
    assert User.objects.get().language == "en"


def test_sign_in_refusal_in_welsh(anon: APIClient) -> None:
    UserFactory(email="sian@example.org")
    response = anon.post(LOGIN, {"email": "sian@example.org", "password": "wrong"}, **WELSH)
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Nid yw'r cyfeiriad e-bost neu'r cyfrinair yn gywir."]
    }


def test_me_shows_and_changes_the_language(client_for) -> None:
    user = UserFactory()
    client = client_for(user)
    assert client.get(ME).json()["language"] == "en"

    response = client.patch(ME, {"language": "cy"})
    assert response.status_code == 200
    assert response.json()["language"] == "cy"
    assert response["Content-Language"] == "cy"
    user.refresh_from_db()
    assert user.language == "cy"

    response = client.patch(ME, {"language": "en"})
    assert response.json()["language"] == "en"
    assert response["Content-Language"] == "en-gb"


def test_me_refuses_a_language_it_does_not_speak(client_for) -> None:
    user = UserFactory(language="cy")
    response = client_for(user).patch(ME, {"language": "fr"})
    assert response.status_code == 400
    assert response.json() == {"language": ['Nid yw "fr" yn ddewis dilys.']}
    user.refresh_from_db()
    assert user.language == "cy"


def test_anonymous_cannot_choose_a_language_on_the_server(anon: APIClient) -> None:
    response = anon.patch(ME, {"language": "cy"}, **WELSH)
    assert response.status_code == 401
    assert response.json() == {"detail": "Ni roddwyd manylion dilysu."}


def test_the_persons_choice_outranks_their_browser(client_for, scheme, volunteer) -> None:
    volunteer.language = "cy"
    volunteer.save(update_fields=["language"])
    response = client_for(volunteer).post(_join(scheme), **ENGLISH)
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Rydych eisoes yn aelod o'r cynllun hwn."]}
    assert response["Content-Language"] == "cy"


def test_english_chosen_outranks_a_welsh_browser(client_for, scheme, volunteer) -> None:
    response = client_for(volunteer).post(_join(scheme), **WELSH)
    assert response.json() == {"non_field_errors": ["You are already a member of this scheme."]}


def test_a_token_client_gets_the_persons_language(anon: APIClient, volunteer) -> None:
    volunteer.language = "cy"
    volunteer.save(update_fields=["language"])
    token = anon.post(TOKEN, {"email": volunteer.email, "password": PASSWORD}).json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.get(INBOX, {"page": "0"})
    assert response.status_code == 400
    assert response.json() == {"page": ["Rhowch rif tudalen o 1 i 1000000."]}


def test_join_request_refusal_in_welsh_for_a_suspended_scheme(
    client_for, scheme, volunteer
) -> None:
    scheme.status = "suspended"
    scheme.save()
    volunteer.language = "cy"
    volunteer.save(update_fields=["language"])
    # Not a first request: a member asks again, and a suspended scheme takes nobody.
    response = client_for(volunteer).post(_join(scheme))
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Dim ond cynllun gweithredol sy'n derbyn aelodau newydd."]
    }


def test_one_persons_welsh_does_not_leak_into_the_next_request(client_for, anon) -> None:
    client_for(UserFactory(language="cy")).get(ME)
    response = anon.get(ME)
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_a_scheme_out_of_sight_is_not_found_in_welsh(client_for, scheme) -> None:
    scheme.status = "suspended"
    scheme.save()
    response = client_for(UserFactory(language="cy")).get(f"/api/v1/schemes/{scheme.pk}/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Heb ei ganfod."}


def test_an_alert_of_another_area_is_not_found_in_welsh(client_for) -> None:
    response = client_for(UserFactory(language="cy")).get("/api/v1/alerts/999999/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Heb ei ganfod."}


def test_a_password_reset_email_is_in_the_persons_language(
    anon: APIClient, django_capture_on_commit_callbacks
) -> None:
    UserFactory(email="sian@example.org", name="Siân Lloyd", language="cy")
    # Asked for from an English browser: the email is in the language Siân chose.
    with django_capture_on_commit_callbacks(execute=True):
        response = anon.post("/api/v1/auth/password-reset/", {"email": "sian@example.org"})
    assert response.status_code == 202
    assert response.json() == {
        "detail": "If that address has an account, a reset link is on its way."
    }
    [email] = mail.outbox
    assert email.subject == "Ailosod eich cyfrinair Patchwatch"
    assert email.body.startswith(
        "Helo Siân,\n\nGofynnodd rhywun am ailosod cyfrinair eich cyfrif Patchwatch."
    )
    assert "/reset-password/" in email.body


def test_an_email_change_link_speaks_welsh_with_its_hours(
    client_for, django_capture_on_commit_callbacks
) -> None:
    user = UserFactory(email="sian@example.org", name="Siân Lloyd", language="cy")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(user).post(
            "/api/v1/me/email/", {"new_email": "sian.newydd@example.org", "password": PASSWORD}
        )
    assert response.status_code == 202
    assert response.json()["detail"] == (
        "Rydym wedi anfon dolen i sian.newydd@example.org. Bydd eich cyfeiriad yn newid pan "
        "fyddwch yn ei dilyn."
    )
    [email] = mail.outbox
    assert email.subject == "Cadarnhewch eich cyfeiriad e-bost Patchwatch newydd"
    assert "yn dod i ben ymhen 24 awr." in email.body


def test_the_goodbye_email_is_in_the_language_of_the_deleted_account(
    client_for, django_capture_on_commit_callbacks
) -> None:
    user = UserFactory(email="sian@example.org", name="Siân Lloyd", language="cy")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(user).post("/api/v1/me/deletion/", {"password": PASSWORD})
    assert response.status_code == 204
    [email] = mail.outbox
    assert email.subject == "Dilëwyd eich cyfrif Patchwatch"
    assert email.body.startswith("Helo Siân,\n\nMae eich cyfrif Patchwatch wedi'i ddileu")


# --- Alert messages in the recipient's language ---------------------------------------------


def test_alert_emails_speak_each_recipients_language_around_the_authors_words(
    client_for, liaison, scheme, coordinator, django_capture_on_commit_callbacks
) -> None:
    from tests.test_alerts import _alert

    welsh = MembershipFactory(scheme=scheme, role="coordinator", user__name="Siân Lloyd").user
    welsh.language = "cy"
    welsh.save(update_fields=["language"])
    client = client_for(liaison)
    draft = client.post(
        "/api/v1/alerts/",
        _alert(instruction="Keep doors locked.", contact="Call 101."),
        format="json",
    ).json()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/api/v1/alerts/{draft['id']}/publish/")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/api/v1/alerts/{draft['id']}/update_alert/",
            {"body": "They now drive a white van."},
            format="json",
        )
    sent = {(message.to[0], message.subject): message.body for message in mail.outbox}
    # The author's words as written; Patchwatch's own around them in the person's language.
    assert sorted(subject for to, subject in sent if to == welsh.email) == [
        "[Patchwatch] Bogus callers on Mill Road",
        "[Patchwatch] Diweddariad: Bogus callers on Mill Road",
    ]
    first = sent[welsh.email, "[Patchwatch] Bogus callers on Mill Road"]
    assert "Beth i'w wneud: Keep doors locked." in first
    assert "Cysylltu: Call 101." in first
    english = sent[coordinator.email, "[Patchwatch] Bogus callers on Mill Road"]
    assert "What to do: Keep doors locked." in english
    assert "Contact: Call 101." in english
    assert (coordinator.email, "[Patchwatch] Update: Bogus callers on Mill Road") in sent
