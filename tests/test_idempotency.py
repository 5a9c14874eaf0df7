"""A retried request with the same Idempotency-Key never creates a duplicate."""

import json
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import clear_url_caches, path
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.views import APIView

from accounts.models import User
from core.checks import check_unsafe_views_are_idempotent
from core.idempotency import HEADER_DESCRIPTION
from core.models import IdempotencyRecord
from core.services import idempotency_records_purge
from notifications.models import Alert, AlertStatus, Notice, PushSubscription, Reply
from schemes.models import ActivityEvent, ActivityType, Membership, Scheme
from tests.alerts import draft_alert
from tests.factories import UserFactory
from tests.speedwatch import logged_session, morning
from watch.models import Offence

SCHEMES = "/api/v1/schemes/"
PROPOSAL = {
    "name": "Soham Neighbourhood Watch",
    "kind": "neighbourhood",
    "force": "cambridgeshire",
    "lat": 52.334,
    "lon": 0.336,
    "radius_m": 1200,
}


@pytest.mark.django_db
def test_retried_proposal_returns_the_first_result(client_for, stranger) -> None:
    client = client_for(stranger)
    first = client.post(SCHEMES, PROPOSAL, format="json", HTTP_IDEMPOTENCY_KEY="4f1c-retry")
    second = client.post(SCHEMES, PROPOSAL, format="json", HTTP_IDEMPOTENCY_KEY="4f1c-retry")
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Scheme.objects.count() == 1
    assert ActivityEvent.objects.filter(type="scheme_proposed").count() == 1


@pytest.mark.django_db
def test_a_new_key_creates_a_new_scheme(client_for, stranger) -> None:
    client = client_for(stranger)
    client.post(SCHEMES, PROPOSAL, format="json", HTTP_IDEMPOTENCY_KEY="one")
    client.post(SCHEMES, PROPOSAL, format="json", HTTP_IDEMPOTENCY_KEY="two")
    assert Scheme.objects.count() == 2


@pytest.mark.django_db
def test_reusing_a_key_for_a_different_request_is_refused(client_for, stranger) -> None:
    client = client_for(stranger)
    client.post(SCHEMES, PROPOSAL, format="json", HTTP_IDEMPOTENCY_KEY="same")
    response = client.post(
        SCHEMES, {**PROPOSAL, "name": "Another"}, format="json", HTTP_IDEMPOTENCY_KEY="same"
    )
    assert response.status_code == 422
    assert response.json() == {
        "Idempotency-Key": ["This key was already used for a different request."]
    }
    assert Scheme.objects.count() == 1


@pytest.mark.django_db
def test_a_failed_request_is_not_remembered(client_for, stranger) -> None:
    client = client_for(stranger)
    bad = client.post(SCHEMES, {**PROPOSAL, "kind": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert bad.status_code == 400
    good = client.post(SCHEMES, PROPOSAL, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert good.status_code == 201


@pytest.mark.django_db
def test_keys_belong_to_one_user(client_for, stranger) -> None:
    client_for(stranger).post(SCHEMES, PROPOSAL, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    other = client_for(UserFactory()).post(
        SCHEMES, PROPOSAL, format="json", HTTP_IDEMPOTENCY_KEY="shared"
    )
    assert other.status_code == 201
    assert "Idempotent-Replayed" not in other
    assert Scheme.objects.count() == 2


@pytest.mark.django_db
def test_retried_join_request(client_for, scheme, stranger) -> None:
    client = client_for(stranger)
    url = f"{SCHEMES}{scheme.pk}/join/"
    first = client.post(url, {"message": "hi"}, format="json", HTTP_IDEMPOTENCY_KEY="join-1")
    second = client.post(url, {"message": "hi"}, format="json", HTTP_IDEMPOTENCY_KEY="join-1")
    assert second.json() == first.json()
    assert Membership.objects.filter(user=stranger).count() == 1


@pytest.mark.django_db
def test_old_records_are_purged(client_for, stranger, settings) -> None:
    settings.IDEMPOTENCY_KEY_TTL_HOURS = 24
    client_for(stranger).post(SCHEMES, PROPOSAL, format="json", HTTP_IDEMPOTENCY_KEY="old")
    client_for(stranger).post(
        SCHEMES, {**PROPOSAL, "name": "B"}, format="json", HTTP_IDEMPOTENCY_KEY="new"
    )
    IdempotencyRecord.objects.filter(key="old").update(
        created_at=timezone.now() - timedelta(hours=25)
    )
    assert idempotency_records_purge() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_create_one_scheme() -> None:
    """Two copies of the same request racing on separate connections (a phone that
    retried before the first answer came back) still make one scheme."""
    user = UserFactory()
    barrier = threading.Barrier(4)
    responses = []

    def send() -> None:
        client = APIClient()
        client.force_login(user)
        barrier.wait()
        try:
            responses.append(
                client.post(SCHEMES, PROPOSAL, format="json", HTTP_IDEMPOTENCY_KEY="race")
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.status_code for r in responses) == [201, 201, 201, 201]
    assert len({r.json()["id"] for r in responses}) == 1
    assert Scheme.objects.count() == 1


# --- Every unsafe operation, through one mechanism ------------------------------------

SIGNUP = "/api/v1/auth/signup/"
KEY_REUSED = {"Idempotency-Key": ["This key was already used for a different request."]}


def _csv(*rows: tuple[str, int]) -> bytes:
    start, _ = morning()
    at = (start + timedelta(minutes=15)).isoformat()
    lines = ["registration,speed_mph,observed_at"] + [f"{r},{s},{at}" for r, s in rows]
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.django_db
def test_an_upload_of_another_file_with_the_same_key_is_refused(
    client_for, site, sw_team, sw_coordinator
) -> None:
    """The key's fingerprint covers the uploaded file's bytes, not only its name."""
    session = logged_session(site, sw_team, submit=False)
    client = client_for(sw_coordinator)
    url = f"/api/v1/speedwatch/sessions/{session.pk}/offences/upload/"

    def upload(content: bytes, key: str):
        file = SimpleUploadedFile("tally.csv", content, content_type="text/csv")
        return client.post(url, {"file": file}, format="multipart", HTTP_IDEMPOTENCY_KEY=key)

    first = upload(_csv(("AB12CDE", 40)), "upload-1")
    retry = upload(_csv(("AB12CDE", 40)), "upload-1")
    assert (first.status_code, retry.status_code, retry["Idempotent-Replayed"]) == (
        201,
        201,
        "true",
    )
    assert retry.content == first.content
    other = upload(_csv(("KX19LMN", 45)), "upload-1")
    assert (other.status_code, other.json()) == (422, KEY_REUSED)
    assert list(Offence.objects.values_list("registration", flat=True)) == ["AB12CDE"]
    fresh = upload(_csv(("KX19LMN", 45)), "upload-2")
    assert fresh.status_code == 201
    assert sorted(Offence.objects.values_list("registration", flat=True)) == [
        "AB12CDE",
        "KX19LMN",
    ]


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_retries_of_a_reply_make_one_reply(scheme, liaison, volunteer) -> None:
    """Fifty copies of one reply racing on separate connections (a phone retrying on a bad
    signal) store one reply, and every copy is answered with it."""
    alert = draft_alert(liaison, audience="members")
    Alert.objects.filter(pk=alert.pk).update(status=AlertStatus.PUBLISHED)
    Notice.objects.create(alert=alert, recipient=volunteer, channel="in_app")
    copies = 50
    barrier = threading.Barrier(copies)

    def send(_: int):
        client = APIClient()
        client.force_login(volunteer)
        barrier.wait()
        try:
            return client.post(
                f"/api/v1/alerts/{alert.pk}/replies/",
                {"body": "Saw them on Tenison Road."},
                format="json",
                HTTP_IDEMPOTENCY_KEY="reply-race",
            )
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=copies) as pool:
        responses = list(pool.map(send, range(copies)))
    assert [r.status_code for r in responses] == [201] * copies
    assert len({r.content for r in responses}) == 1
    assert sum(r.get("Idempotent-Replayed") == "true" for r in responses) == copies - 1
    assert list(Reply.objects.values_list("body", flat=True)) == ["Saw them on Tenison Road."]


@pytest.mark.django_db
def test_leaving_retried_with_the_same_key_is_answered_as_the_first_time(
    client_for, scheme, volunteer
) -> None:
    client = client_for(volunteer)
    url = f"{SCHEMES}{scheme.pk}/leave/"
    first = client.post(url, HTTP_IDEMPOTENCY_KEY="leave-1")
    retry = client.post(url, HTTP_IDEMPOTENCY_KEY="leave-1")
    assert (first.status_code, retry.status_code, retry["Idempotent-Replayed"]) == (
        204,
        204,
        "true",
    )
    assert not Membership.objects.filter(user=volunteer, scheme=scheme).exists()
    # Without the key, the second attempt is a new request: there is nothing left to leave.
    again = client.post(url)
    assert (again.status_code, again.json()) == (
        400,
        {"non_field_errors": ["You are not a member of this scheme."]},
    )


@pytest.mark.django_db
def test_push_subscription_honours_the_key(client_for, volunteer) -> None:
    client = client_for(volunteer)
    url = "/api/v1/me/push-subscriptions/"
    body = {"endpoint": "https://push.example.org/abc", "keys": {"p256dh": "BNc", "auth": "tBH"}}
    first = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="push-1")
    retry = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="push-1")
    assert (retry.status_code, retry.json(), retry["Idempotent-Replayed"]) == (
        201,
        first.json(),
        "true",
    )
    other = client.post(
        url,
        {**body, "endpoint": "https://push.example.org/def"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="push-1",
    )
    assert (other.status_code, other.json()) == (422, KEY_REUSED)
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [body["endpoint"]]
    # DELETE takes a key too.
    gone = client.delete(
        url, {"endpoint": body["endpoint"]}, format="json", HTTP_IDEMPOTENCY_KEY="d"
    )
    again = client.delete(
        url, {"endpoint": body["endpoint"]}, format="json", HTTP_IDEMPOTENCY_KEY="d"
    )
    assert (gone.status_code, again.status_code, again["Idempotent-Replayed"]) == (204, 204, "true")
    assert not PushSubscription.objects.exists()


@pytest.mark.django_db
def test_marking_read_retried_with_the_same_key_gives_the_first_answer(
    client_for, liaison, volunteer
) -> None:
    alert = draft_alert(liaison, audience="members")
    Alert.objects.filter(pk=alert.pk).update(status=AlertStatus.PUBLISHED)
    notice = Notice.objects.create(alert=alert, recipient=volunteer, channel="in_app")
    client = client_for(volunteer)
    url = "/api/v1/inbox/read/"
    first = client.post(url, {"ids": [notice.pk]}, format="json", HTTP_IDEMPOTENCY_KEY="read-1")
    retry = client.post(url, {"ids": [notice.pk]}, format="json", HTTP_IDEMPOTENCY_KEY="read-1")
    assert (first.json(), retry.json(), retry["Idempotent-Replayed"]) == (
        {"marked": 1},
        {"marked": 1},
        "true",
    )
    # Marking the alert's incident read is keyed the same way.
    incident_url = f"/api/v1/alerts/{alert.pk}/read/"
    first = client.post(incident_url, HTTP_IDEMPOTENCY_KEY="read-2")
    retry = client.post(incident_url, HTTP_IDEMPOTENCY_KEY="read-2")
    assert (retry.json(), retry["Idempotent-Replayed"]) == (first.json(), "true")


SIGNUP_BODY = {"email": "sam.lee@example.org", "password": "correct horse 93", "name": "Sam Lee"}


@pytest.mark.django_db
def test_sign_up_retried_with_the_same_key_makes_one_account(anon) -> None:
    first = anon.post(SIGNUP, SIGNUP_BODY, format="json", HTTP_IDEMPOTENCY_KEY="signup-1")
    assert first.status_code == 201, first.content
    retry = APIClient().post(SIGNUP, SIGNUP_BODY, format="json", HTTP_IDEMPOTENCY_KEY="signup-1")
    assert (retry.status_code, retry.content, retry["Idempotent-Replayed"]) == (
        201,
        first.content,
        "true",
    )
    assert list(User.objects.values_list("email", flat=True)) == ["sam.lee@example.org"]
    record = IdempotencyRecord.objects.get()
    assert (record.user, record.key) == (None, "signup-1")
    # The body is part of the key's fingerprint, the password included: another body with
    # the same key is refused, and the stored fingerprint is not a bare hash of it.
    other = APIClient().post(
        SIGNUP,
        {**SIGNUP_BODY, "password": "another horse 94"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="signup-1",
    )
    assert (other.status_code, other.json()) == (422, KEY_REUSED)
    assert "sam.lee" not in record.fingerprint


@pytest.mark.django_db
def test_a_password_reset_retried_with_the_same_key_sends_one_email(
    anon, django_capture_on_commit_callbacks
) -> None:
    UserFactory(email="kim.park@example.org")
    answers = []
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            answers.append(
                APIClient().post(
                    "/api/v1/auth/password-reset/",
                    {"email": "kim.park@example.org"},
                    format="json",
                    HTTP_IDEMPOTENCY_KEY="reset-1",
                )
            )
    assert [a.status_code for a in answers] == [202, 202, 202]
    assert [a.get("Idempotent-Replayed") for a in answers] == [None, "true", "true"]
    assert [m.to for m in mail.outbox] == [["kim.park@example.org"]]


@pytest.mark.django_db
def test_patch_put_and_delete_honour_the_key(client_for, coordinator, scheme, volunteer) -> None:
    client = client_for(coordinator)
    member = Membership.objects.get(scheme=scheme, user=volunteer)
    url = f"{SCHEMES}{scheme.pk}/members/{member.pk}/"
    first = client.patch(url, {"role": "coordinator"}, format="json", HTTP_IDEMPOTENCY_KEY="p1")
    retry = client.patch(url, {"role": "coordinator"}, format="json", HTTP_IDEMPOTENCY_KEY="p1")
    assert (retry.status_code, retry.content, retry["Idempotent-Replayed"]) == (
        200,
        first.content,
        "true",
    )
    other = client.patch(url, {"role": "volunteer"}, format="json", HTTP_IDEMPOTENCY_KEY="p1")
    assert (other.status_code, other.json()) == (422, KEY_REUSED)
    assert ActivityEvent.objects.filter(type=ActivityType.ROLE_CHANGED).count() == 1

    preferences = "/api/v1/me/alert-preferences/"
    saved = client.get(preferences).json()
    first = client.put(
        preferences, {**saved, "email": False}, format="json", HTTP_IDEMPOTENCY_KEY="u1"
    )
    retry = client.put(
        preferences, {**saved, "email": False}, format="json", HTTP_IDEMPOTENCY_KEY="u1"
    )
    assert (first.status_code, retry.content, retry["Idempotent-Replayed"]) == (
        200,
        first.content,
        "true",
    )
    first = client.delete(preferences, HTTP_IDEMPOTENCY_KEY="d1")
    retry = client.delete(preferences, HTTP_IDEMPOTENCY_KEY="d1")
    assert (first.status_code, retry.content, retry["Idempotent-Replayed"]) == (
        200,
        first.content,
        "true",
    )


@pytest.mark.django_db
def test_the_query_string_is_part_of_the_request(client_for, stranger) -> None:
    client = client_for(stranger)
    client.post(SCHEMES, PROPOSAL, format="json", HTTP_IDEMPOTENCY_KEY="q")
    other = client.post(f"{SCHEMES}?x=1", PROPOSAL, format="json", HTTP_IDEMPOTENCY_KEY="q")
    assert (other.status_code, other.json()) == (422, KEY_REUSED)


@pytest.mark.django_db
def test_a_request_that_fails_leaves_nothing_behind(client_for, coordinator, scheme) -> None:
    """An error rolls back the whole request, the key's record with it."""
    client = client_for(coordinator)
    response = client.post(
        f"{SCHEMES}{scheme.pk}/status/",
        {"status": "no-such-status", "reason": "x"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="fails",
    )
    assert response.status_code == 400
    assert not IdempotencyRecord.objects.exists()


# --- The schema walk: every unsafe operation declares and honours the key --------------

# Operations where a key is deliberately not taken (the header is ignored there).
NO_KEY = {
    ("POST", "/api/v1/auth/login/"): "a replay would carry no session cookie; signing in "
    "again is harmless",
    ("POST", "/api/v1/auth/logout/"): "signing out twice is signing out; a replay would not "
    "clear the cookie",
    ("POST", "/api/v1/auth/token/"): "the same credentials get the same token; a stored "
    "answer would be another copy of a credential",
    ("POST", "/api/v1/auth/login/otp/"): "as signing in: a replay would carry no session "
    "cookie, and a code works once",
    ("POST", "/api/v1/auth/token/otp/"): "as auth/token/: a stored answer would be another "
    "copy of a credential",
    ("POST", "/api/v1/me/two-factor/enrol/"): "the answer holds the authenticator key, which "
    "must not be stored; a new set-up replaces one not yet confirmed",
    ("POST", "/api/v1/me/two-factor/confirm/"): "the answer holds the recovery codes, which "
    "must not be stored; a second confirmation is refused and new codes can be made",
    ("POST", "/api/v1/me/two-factor/recovery-codes/"): "the answer holds the recovery codes, "
    "which must not be stored; each call makes a new set",
    ("POST", "/api/v1/notify/receipts/"): "GOV.UK Notify sends no key, and a receipt recorded "
    "twice changes nothing",
}


def _unsafe_operations() -> list[tuple[str, str, dict]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (method.upper(), path, operation)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method in ("post", "put", "patch", "delete")
    ]


UNSAFE_OPERATIONS = _unsafe_operations()


def test_the_walk_covers_the_api() -> None:
    found = {(method, path) for method, path, _ in UNSAFE_OPERATIONS}
    assert set(NO_KEY) <= found
    assert len(found) >= 50


def _url(path: str, operation: dict) -> str:
    """The path with each parameter filled in by a value of its type."""
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path":
            schema = parameter.get("schema", {})
            value = (
                str(uuid.uuid4())
                if schema.get("format") == "uuid" or "a-f" in schema.get("pattern", "")
                else "1"
            )
            path = path.replace("{" + parameter["name"] + "}", value)
    return path


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path", "operation"),
    UNSAFE_OPERATIONS,
    ids=[f"{method} {path}" for method, path, _ in UNSAFE_OPERATIONS],
)
def test_every_unsafe_operation_honours_the_key(method, path, operation) -> None:
    header = [p for p in operation.get("parameters", []) if p["name"] == "Idempotency-Key"]
    url = _url(path, operation)
    anonymous = {} in operation.get("security", [])
    # Staff, so that no view-level permission (the staff-only two-factor reset) answers
    # before the mechanism does.
    user = None if anonymous else UserFactory(is_staff=True)
    client = APIClient()
    if user is not None:
        client.force_login(user)

    # JSON, or a form where that is all the operation reads (a file upload).
    content = operation.get("requestBody", {}).get("content", {"application/json": {}})
    form = "application/json" not in content

    def send(key: str, body: dict):
        if form:
            return client.generic(
                method,
                url,
                encode_multipart(BOUNDARY, body),
                content_type=MULTIPART_CONTENT,
                HTTP_IDEMPOTENCY_KEY=key,
            )
        return client.generic(
            method, url, json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
        )

    if (method, path) in NO_KEY:
        assert header == []
        assert b"Idempotency-Key" not in send("not a key!", {}).content
        return
    assert header == [
        {
            "in": "header",
            "name": "Idempotency-Key",
            "schema": {"type": "string", "pattern": r"^[A-Za-z0-9._:\-]{1,255}$"},
            "description": HEADER_DESCRIPTION,
        }
    ]
    assert "422" in operation["responses"]
    # The mechanism answers a malformed key itself, before the view runs.
    malformed = send("not a key!", {})
    assert (malformed.status_code, malformed.json()) == (
        400,
        {
            "Idempotency-Key": [
                "Use 1 to 255 letters, digits, '.', '_', ':' or '-' (a UUID is ideal)."
            ]
        },
    )
    # A key used earlier on this operation for another body: refused before the view runs,
    # so no valid first request has to be built for each operation here (the tests above
    # send real first requests).
    IdempotencyRecord.objects.create(
        user=user,
        key="used-before",
        method=method,
        path=url,
        fingerprint="0" * 64,
        response_status=200,
        response_content=b"{}",
    )
    reused = send("used-before", {"another": "body"})
    assert (reused.status_code, reused.json()) == (422, KEY_REUSED)
    assert IdempotencyRecord.objects.count() == 1


class _ForgetfulView(APIView):
    """A view that answers POST without the mechanism: what the system check is for."""

    def post(self, request):  # pragma: no cover - never routed to in a request
        return Response(status=204)


urlpatterns = [path("api/v1/forgetful/", _ForgetfulView.as_view())]


def test_the_system_check_finds_a_view_without_the_mechanism(settings) -> None:
    assert check_unsafe_views_are_idempotent() == []
    # This module as the URLconf: one API view that forgot the mechanism.
    settings.ROOT_URLCONF = __name__
    clear_url_caches()
    try:
        errors = check_unsafe_views_are_idempotent()
    finally:
        clear_url_caches()
    assert [(e.id, e.msg) for e in errors] == [
        (
            "core.E001",
            f"{__name__}._ForgetfulView answers POST without honouring Idempotency-Key.",
        )
    ]
