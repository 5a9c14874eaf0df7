"""Speedwatch letters posted through GOV.UK Notify's precompiled-letter API, against a local
Notify (tests/fake_notify.py): one PDF per letter with its reference and the configured
postage; letters without a keeper's address reported, not posted; never posted twice (a
retried request, a task run twice, a worker that died after Notify took the letter); Notify's
errors failing the letter (400, 403) or tried again (429, 500); the status followed by
polling; the list of posted letters; and who may do what."""

import csv
import io
import subprocess
import time
import uuid
from datetime import timedelta

import pytest
from django.db.models import F
from django.test import override_settings
from django.utils import timezone

from backend.celery import app as celery_app
from core import notify
from tests.processes import celery_worker, settings_error, wait_until, worker_environment
from tests.speedwatch import logged_session
from tests.test_notify_rate_limit import clear_bucket
from watch.exports.posted import posted_letter_pdf
from watch.models import (
    ActionStatus,
    AuditAction,
    AuditRecord,
    KeeperAddress,
    Letterhead,
    Offence,
    PostedLetter,
)
from watch.services.posting import posted_letter_send, posted_letters_poll, posted_letters_sweep
from watch.services.retention import registrations_purge
from watch.tasks import send_posted_letter

pytestmark = pytest.mark.django_db

EXPORT = "/api/v1/speedwatch/letters/export/"
ADDRESSES = "/api/v1/speedwatch/letters/addresses/"
POST = "/api/v1/speedwatch/letters/post/"
POSTED = "/api/v1/speedwatch/letters/posted/"
QUEUE = "/api/v1/speedwatch/letters/"

ADDRESSED = {"AB12CDE": "Gwen Ap Rhys", "KX65LMN": "Dafydd Llwyd"}


@pytest.fixture
def posting(fake_notify, settings):
    settings.LETTER_PROVIDER = "notify"
    settings.NOTIFY_LETTER_POSTAGE = "first"
    clear_bucket()
    return fake_notify


@pytest.fixture
def waiting(site, sw_team, client_for, liaison) -> dict[str, str]:
    """Three first letters waiting in Cambridgeshire, two with their keeper's address
    stored; their references by registration."""
    logged_session(site, sw_team, offences=[("AB12CDE", 41), ("KX65LMN", 44), ("CD34EFG", 45)])
    client = client_for(liaison)
    text = b"".join(client.get(EXPORT).streaming_content).decode("utf-8-sig")
    references = {
        row["registration"].replace(" ", ""): row["reference"]
        for row in csv.DictReader(io.StringIO(text))
    }
    addresses = [
        {
            "reference": references[registration],
            "registration": registration,
            "name": name,
            "address_lines": ["Tŷ Gwyn", "12 Heol yr Eglwys", "Llanfair"],
            "postcode": "LL61 5UT",
        }
        for registration, name in ADDRESSED.items()
    ]
    response = client.post(ADDRESSES, {"addresses": addresses}, format="json")
    assert response.status_code == 200, response.json()
    return references


def _post(client, capture, **extra):
    with capture(execute=True):
        return client.post(POST, {}, format="json", **extra)


def _pdf_text(pdf: bytes, tmp_path) -> tuple[int, str]:
    path = tmp_path / f"{uuid.uuid4()}.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    pages = int(next(line for line in info.stdout.splitlines() if line.startswith("Pages:"))[6:])
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return pages, text


def test_each_addressed_letter_is_posted_as_its_own_pdf_with_its_reference_and_postage(
    posting, waiting, client_for, liaison, django_capture_on_commit_callbacks, tmp_path
) -> None:
    response = _post(client_for(liaison), django_capture_on_commit_callbacks)
    first, second, unaddressed = waiting["AB12CDE"], waiting["KX65LMN"], waiting["CD34EFG"]
    assert (response.status_code, response.json()) == (
        200,
        {
            "posted": 2,
            "postage": "first",
            "references": [first, second],
            "without_address": [unaddressed],
            "already_posted": [],
        },
    )
    letters = posting.letters()
    assert [(letter["reference"], letter["postage"]) for letter in letters] == [
        (first, "first"),
        (second, "first"),
    ]
    for letter, keeper in zip(letters, ADDRESSED.values(), strict=True):
        assert letter["pdf"].startswith(b"%PDF-")
        pages, text = _pdf_text(letter["pdf"], tmp_path)
        # One letter a PDF: its own page, its own keeper and reference, nobody else's.
        assert pages == 1
        assert text.count("Our reference") == 1
        assert letter["reference"] in text
        assert keeper in text
        assert unaddressed not in text
    # Each posted letter is recorded with Notify's id, accepted and waiting for its checks.
    rows = PostedLetter.objects.order_by("reference")
    assert [
        (row.reference, row.registration, row.stage, row.postage, row.status, row.notify_status)
        for row in rows
    ] == [
        (ref, reg, "first_letter", "first", "accepted", "pending-virus-check")
        for ref, reg in sorted([(first, "AB12CDE"), (second, "KX65LMN")])
    ]
    assert {str(row.notification_id) for row in rows} == {letter["id"] for letter in letters}
    assert {row.posted_by for row in rows} == {liaison}
    assert [list(row.offences.all()) for row in rows] == [
        [Offence.objects.get(registration=row.registration)] for row in rows
    ]
    # Their offences are sent: the queue offers only the letter without an address.
    assert set(Offence.objects.values_list("registration", "action_status")) == {
        ("AB12CDE", ActionStatus.SENT),
        ("KX65LMN", ActionStatus.SENT),
        ("CD34EFG", ActionStatus.PENDING),
    }
    assert [o["registration"] for o in client_for(liaison).get(QUEUE).json()["results"]] == [
        "CD34EFG"
    ]
    posted = AuditRecord.objects.get(action=AuditAction.LETTERS_POSTED)
    assert (posted.actor, posted.rows, posted.detail) == (
        liaison,
        2,
        {"postage": "first", "letters": "2"},
    )


def test_the_letters_ready_to_post_are_said_before_posting(
    posting, waiting, client_for, liaison, django_capture_on_commit_callbacks
) -> None:
    client = client_for(liaison)
    ready = {
        "ready": 2,
        "postage": "first",
        "references": [waiting["AB12CDE"], waiting["KX65LMN"]],
        "without_address": [waiting["CD34EFG"]],
    }
    assert client.get(POST).json() == ready
    assert client.get(POST, {"action": "second_letter"}).json() == {
        **ready,
        "ready": 0,
        "references": [],
        "without_address": [],
    }
    assert client.get(POST, {"action": "nonsense"}).status_code == 400
    _post(client, django_capture_on_commit_callbacks)
    assert client.get(POST).json() == {**ready, "ready": 0, "references": []}
    assert posting.letters() != []


def test_a_retried_request_or_asking_again_posts_nothing_twice(
    posting, waiting, client_for, liaison, django_capture_on_commit_callbacks
) -> None:
    client = client_for(liaison)
    key = {"HTTP_IDEMPOTENCY_KEY": "post-letters-1"}
    first = _post(client, django_capture_on_commit_callbacks, **key)
    again = _post(client, django_capture_on_commit_callbacks, **key)
    assert (again.status_code, again.json()) == (200, first.json())
    later = _post(client, django_capture_on_commit_callbacks)
    assert (later.status_code, later.json()) == (
        200,
        {
            "posted": 0,
            "postage": "first",
            "references": [],
            "without_address": [waiting["CD34EFG"]],
            "already_posted": [],
        },
    )
    assert len(posting.letters()) == 2
    assert PostedLetter.objects.count() == 2


def test_a_letter_waiting_again_after_it_was_posted_is_not_posted_twice(
    posting, waiting, client_for, liaison, django_capture_on_commit_callbacks
) -> None:
    client = client_for(liaison)
    _post(client, django_capture_on_commit_callbacks)
    # The keeper's dispute is upheld, then the decision reversed: the offence is waiting
    # again, and its letter has the same reference.
    offence = Offence.objects.get(registration="AB12CDE")
    for outcome in ("upheld", "rejected"):
        disputed = client.post(
            f"/api/v1/speedwatch/offences/{offence.pk}/dispute/",
            {"outcome": outcome},
            format="json",
        )
        assert disputed.status_code == 200, disputed.json()
    offence.refresh_from_db()
    assert offence.action_status == ActionStatus.PENDING
    again = _post(client, django_capture_on_commit_callbacks)
    assert again.json()["posted"] == 0
    assert again.json()["already_posted"] == [waiting["AB12CDE"]]
    assert len(posting.letters()) == 2
    offence.refresh_from_db()
    assert offence.action_status == ActionStatus.SENT


def test_the_task_run_twice_sends_the_letter_once(
    posting, waiting, client_for, liaison, django_capture_on_commit_callbacks
) -> None:
    _post(client_for(liaison), django_capture_on_commit_callbacks)
    letter = PostedLetter.objects.get(reference=waiting["AB12CDE"])
    assert send_posted_letter.delay(posted_letter_id=letter.pk).get() == "not claimed"
    assert posted_letter_send(posted_letter_id=letter.pk, render=posted_letter_pdf) == "not claimed"
    assert len(posting.letters()) == 2
    letter.refresh_from_db()
    assert (letter.status, letter.attempts) == ("accepted", 1)


def test_a_letter_whose_worker_died_after_notify_took_it_is_adopted_not_sent_again(
    posting, waiting, client_for, liaison, django_capture_on_commit_callbacks, settings
) -> None:
    # Posted, but the tasks are lost.
    with django_capture_on_commit_callbacks(execute=False):
        client_for(liaison).post(POST, {}, format="json")
    letter = PostedLetter.objects.get(reference=waiting["AB12CDE"])
    # A worker claimed it, Notify took it, and the worker died before recording the answer.
    claimed_at = timezone.now() - timedelta(minutes=2)
    PostedLetter.objects.filter(pk=letter.pk).update(
        status="sending", claimed_at=claimed_at, attempts=1
    )
    taken = notify.client().send_precompiled_letter_notification(
        reference=letter.reference, pdf_file=io.BytesIO(b"%PDF-1.4 died"), postage="first"
    )
    # Within its lease nobody takes it over...
    assert posted_letter_send(posted_letter_id=letter.pk, render=posted_letter_pdf) == "not claimed"
    assert posted_letters_sweep() == 0
    # ...after it, the sweep hands it out again, and Notify is asked before sending.
    PostedLetter.objects.update(posted_at=F("posted_at") - timedelta(minutes=10))
    PostedLetter.objects.filter(pk=letter.pk).update(claimed_at=claimed_at - timedelta(minutes=8))
    assert posted_letters_sweep() == 2
    letter.refresh_from_db()
    assert (str(letter.notification_id), letter.status, letter.attempts) == (
        taken["id"],
        "accepted",
        2,
    )
    assert [m["reference"] for m in posting.letters()].count(letter.reference) == 1
    lookups = [r.path for r in posting.requests if r.method == "GET"]
    assert lookups == [
        f"/v2/notifications?template_type=letter&reference={letter.reference}",
    ]
    # The other lost letter, never claimed, is simply sent.
    assert PostedLetter.objects.get(reference=waiting["KX65LMN"]).status == "accepted"
    assert len(posting.letters()) == 2


def test_the_status_moves_on_when_notify_is_polled(
    posting, waiting, client_for, liaison, django_capture_on_commit_callbacks
) -> None:
    _post(client_for(liaison), django_capture_on_commit_callbacks)
    received = PostedLetter.objects.get(reference=waiting["AB12CDE"])
    refused = PostedLetter.objects.get(reference=waiting["KX65LMN"])
    # Too soon: nobody is asked.
    assert posted_letters_poll() == 0
    assert [r.method for r in posting.requests] == ["POST", "POST"]
    later = timezone.now() + timedelta(hours=2)
    posting.letter_status(str(received.notification_id), "accepted")
    posting.letter_status(str(refused.notification_id), "accepted")
    # Accepted after the virus check: the same status, Notify's own word recorded.
    assert posted_letters_poll(now=later) == 0
    received.refresh_from_db()
    assert (received.status, received.notify_status) == ("accepted", "accepted")
    posting.letter_status(str(received.notification_id), "received")
    posting.letter_status(str(refused.notification_id), "validation-failed")
    assert posted_letters_poll(now=later + timedelta(hours=2)) == 2
    received.refresh_from_db()
    refused.refresh_from_db()
    assert (received.status, received.notify_status, received.failure) == (
        "received",
        "received",
        "",
    )
    assert (refused.status, refused.notify_status, refused.failure) == (
        "failed",
        "validation-failed",
        "The letter's PDF did not meet Notify's letter specification.",
    )
    # Finished letters are not asked about again.
    asked = len(posting.requests)
    assert posted_letters_poll(now=later + timedelta(days=2)) == 0
    assert len(posting.requests) == asked


def test_a_cancelled_letter_is_shown_cancelled(
    posting, waiting, client_for, liaison, django_capture_on_commit_callbacks
) -> None:
    client = client_for(liaison)
    _post(client, django_capture_on_commit_callbacks)
    letter = PostedLetter.objects.get(reference=waiting["AB12CDE"])
    posting.letter_status(str(letter.notification_id), "cancelled")
    assert posted_letters_poll(now=timezone.now() + timedelta(hours=2)) == 1
    listed = client.get(POSTED, {"status": "cancelled"}).json()
    assert [(row["reference"], row["status"]) for row in listed["results"]] == [
        (letter.reference, "cancelled")
    ]


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (
            400,
            "Notify refused the message (400): Can't send to this recipient using a team-only "
            "API key",
        ),
        (403, "Notify refused the message (403): Invalid token: API key not found"),
    ],
)
def test_a_refusal_by_notify_fails_the_letter_with_its_message(
    posting, waiting, client_for, liaison, django_capture_on_commit_callbacks, status, message
) -> None:
    posting.fail_next(status)
    _post(client_for(liaison), django_capture_on_commit_callbacks)
    failed, sent = PostedLetter.objects.order_by("reference")
    if failed.status != "failed":
        failed, sent = sent, failed
    assert (failed.status, failed.failure, failed.notification_id, failed.attempts) == (
        "failed",
        message,
        None,
        1,
    )
    assert sent.status == "accepted"
    # Not tried again by the sweep.
    assert posted_letters_sweep(now=timezone.now() + timedelta(days=1)) == 0


def test_a_bad_key_is_refused_by_notify_itself(
    posting, waiting, client_for, liaison, django_capture_on_commit_callbacks, settings
) -> None:
    settings.NOTIFY_API_KEY = f"patchwatch_test-{posting.service_id}-{uuid.uuid4()}"
    _post(client_for(liaison), django_capture_on_commit_callbacks)
    assert set(PostedLetter.objects.values_list("status", "failure")) == {
        ("failed", "Notify refused the message (403): Invalid token: API key not found")
    }
    assert posting.letters() == []


def test_a_rate_limit_or_server_error_is_tried_again_then_posted(
    posting, waiting, client_for, liaison, django_capture_on_commit_callbacks, settings
) -> None:
    settings.NOTIFY_RATE_MAX_WAIT_SECONDS = 0
    posting.fail_next(429, 500)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(liaison).post(POST, {"action": "first_letter"}, format="json")
    first = PostedLetter.objects.get(reference=waiting["AB12CDE"])
    second = PostedLetter.objects.get(reference=waiting["KX65LMN"])
    assert (first.status, first.attempts, first.failure) == (
        "pending",
        1,
        "Notify answered 429: Exceeded rate limit for key type LIVE of 3000 requests per 60 "
        "seconds",
    )
    assert first.retry_at == first.claimed_at + timedelta(seconds=30)
    # After a 429 every worker holds off a while: the other letter is put off without
    # using an attempt.
    assert (second.status, second.attempts, second.failure) == ("pending", 0, "")
    assert timedelta(seconds=9) < second.retry_at - second.claimed_at <= timedelta(seconds=10)
    assert posting.letters() == []
    # Once the backoff is over the sweep sends them again; Notify is asked first whether the
    # attempt that failed reached it after all.
    clear_bucket()
    assert posted_letters_sweep(now=timezone.now() + timedelta(minutes=10)) == 2
    first.refresh_from_db()
    assert (first.status, first.attempts, first.failure) == (
        "pending",
        2,
        "Notify answered 500: Internal server error",
    )
    assert posted_letters_sweep(now=timezone.now() + timedelta(minutes=20)) == 1
    assert [(m["reference"], m["postage"]) for m in posting.letters()] == [
        (waiting["KX65LMN"], "first"),
        (waiting["AB12CDE"], "first"),
    ]
    assert set(PostedLetter.objects.values_list("reference", "status", "attempts", "failure")) == {
        (waiting["AB12CDE"], "accepted", 3, ""),
        (waiting["KX65LMN"], "accepted", 1, ""),
    }
    assert [(r.method, r.status) for r in posting.requests] == [
        ("POST", 429),
        ("GET", 200),
        ("POST", 500),
        ("POST", 201),
        ("GET", 200),
        ("POST", 201),
    ]


def test_a_letter_runs_out_of_attempts_and_fails(
    posting, waiting, client_for, liaison, django_capture_on_commit_callbacks, settings
) -> None:
    settings.NOTIFY_LETTER_MAX_ATTEMPTS = 2
    posting.fail_next(500, 500, 500)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(liaison).post(POST, {}, format="json")
    posted_letters_sweep(now=timezone.now() + timedelta(minutes=10))
    assert set(PostedLetter.objects.values_list("status", "attempts", "failure")) == {
        ("failed", 2, "Notify answered 500: Internal server error"),
        ("accepted", 2, ""),
    }


def test_notify_out_of_reach_is_tried_again(
    posting, waiting, client_for, liaison, django_capture_on_commit_callbacks, settings
) -> None:
    settings.NOTIFY_BASE_URL = "http://127.0.0.1:9"
    _post(client_for(liaison), django_capture_on_commit_callbacks)
    statuses = set(PostedLetter.objects.values_list("status", "attempts"))
    assert statuses == {("pending", 1)}
    assert PostedLetter.objects.first().failure.startswith("Notify unreachable: ")


def test_a_letter_whose_keepers_address_went_fails_with_the_reason(
    posting, waiting, client_for, liaison, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        client_for(liaison).post(POST, {}, format="json")
    KeeperAddress.objects.filter(reference=waiting["AB12CDE"]).delete()
    letter = PostedLetter.objects.get(reference=waiting["AB12CDE"])
    assert posted_letter_send(posted_letter_id=letter.pk, render=posted_letter_pdf) == "failed"
    letter.refresh_from_db()
    assert letter.failure == (
        "The keeper's name and address were deleted before the letter was sent: "
        "print it and post it yourself."
    )
    assert posting.letters() == []


def test_a_letter_longer_than_notify_prints_fails_with_the_reason_and_is_not_sent(
    monkeypatch, posting, waiting, client_for, liaison, django_capture_on_commit_callbacks
) -> None:
    # Notify prints up to 10 pages; a letter in Welsh and English runs to two of this one's.
    Letterhead.objects.create(force="cambridgeshire", letter_language="bilingual")
    monkeypatch.setattr("watch.exports.posted.NOTIFY_MAX_PAGES", 1)
    with django_capture_on_commit_callbacks(execute=False):
        client_for(liaison).post(POST, {}, format="json")
    letter = PostedLetter.objects.get(reference=waiting["AB12CDE"])
    assert posted_letter_send(posted_letter_id=letter.pk, render=posted_letter_pdf) == "failed"
    letter.refresh_from_db()
    assert letter.failure == (
        "The letter runs to 2 pages, more than the 1 GOV.UK Notify prints: "
        "print it and post it yourself."
    )
    assert posting.letters() == []


def test_posting_is_refused_with_the_reason_when_this_server_does_not_post(
    fake_notify, waiting, client_for, liaison, settings
) -> None:
    settings.LETTER_PROVIDER = ""
    client = client_for(liaison)
    response = client.post(POST, {}, format="json")
    assert (response.status_code, response.json()) == (
        400,
        {
            "non_field_errors": [
                "Letters are not posted from Patchwatch on this server: download them, "
                "print them and post them yourself."
            ]
        },
    )
    liaison.language = "cy"
    liaison.save(update_fields=["language"])
    welsh = client.post(POST, {}, format="json")
    assert welsh.json() == {
        "non_field_errors": [
            "Nid yw llythyrau'n cael eu postio o Patchwatch ar y gweinydd hwn: lawrlwythwch "
            "nhw, argraffwch nhw a'u postio eich hun."
        ]
    }
    assert PostedLetter.objects.count() == 0
    assert set(Offence.objects.values_list("action_status", flat=True)) == {"pending"}


def test_a_bad_stage_is_a_field_error(posting, waiting, client_for, liaison) -> None:
    response = client_for(liaison).post(POST, {"action": "none"}, format="json")
    assert (response.status_code, response.json()) == (
        400,
        {"action": ['"none" is not a valid choice.']},
    )


def test_only_the_forces_liaisons_may_post_or_see_posted_letters(
    posting,
    waiting,
    client_for,
    liaison,
    sw_coordinator,
    sw_volunteer,
    foreign_liaison,
    anon,
    django_capture_on_commit_callbacks,
) -> None:
    _post(client_for(liaison), django_capture_on_commit_callbacks)
    refusal = {"detail": "The letters queue is for police liaisons."}
    for person in (sw_coordinator, sw_volunteer):
        client = client_for(person)
        for response in (client.post(POST, {}, format="json"), client.get(POSTED)):
            assert (response.status_code, response.json()) == (403, refusal)
    for response in (anon.post(POST, {}, format="json"), anon.get(POSTED)):
        assert response.status_code in (401, 403)
    # Another force's liaison has no letters of Cambridgeshire's to post or see.
    elsewhere = client_for(foreign_liaison)
    assert elsewhere.post(POST, {}, format="json").json()["posted"] == 0
    assert elsewhere.get(POSTED).json()["count"] == 0
    assert PostedLetter.objects.count() == 2
    assert len(posting.letters()) == 2


def test_the_posted_letters_list_filters_searches_and_is_audited(
    posting,
    waiting,
    client_for,
    liaison,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
) -> None:
    client = client_for(liaison)
    _post(client, django_capture_on_commit_callbacks)
    first = PostedLetter.objects.get(reference=waiting["AB12CDE"])
    posting.letter_status(str(first.notification_id), "received")
    posted_letters_poll(now=timezone.now() + timedelta(hours=2))
    with django_assert_max_num_queries(8):
        listed = client.get(POSTED).json()
    assert listed["count"] == 2
    row = next(r for r in listed["results"] if r["reference"] == first.reference)
    assert {k: row[k] for k in row if k not in ("id", "posted_at", "sent_at", "status_at")} == {
        "reference": first.reference,
        "registration": "AB12 CDE",
        "stage": "first_letter",
        "postage": "first",
        "status": "received",
        "notify_status": "received",
        "failure": "",
        "posted_by_name": liaison.name,
    }
    by_status = client.get(POSTED, {"status": "accepted"}).json()["results"]
    assert [r["reference"] for r in by_status] == [waiting["KX65LMN"]]
    by_reference = client.get(POSTED, {"reference": waiting["KX65LMN"].lower()}).json()
    assert [r["reference"] for r in by_reference["results"]] == [waiting["KX65LMN"]]
    assert not AuditRecord.objects.filter(action=AuditAction.REGISTRATION_SEARCH).exists()
    by_registration = client.get(POSTED, {"registration": "ab12 cde"}).json()
    assert [r["reference"] for r in by_registration["results"]] == [first.reference]
    search = AuditRecord.objects.get(action=AuditAction.REGISTRATION_SEARCH)
    assert (search.actor, search.detail, search.rows) == (
        liaison,
        {"registration": "ab12 cde"},
        1,
    )
    bad = client.get(POSTED, {"status": "lost"})
    assert bad.status_code == 400
    assert list(bad.json()) == ["status"]


def test_the_list_is_empty_before_anything_is_posted(client_for, liaison) -> None:
    assert client_for(liaison).get(POSTED).json() == {
        "count": 0,
        "next": None,
        "previous": None,
        "results": [],
    }


def test_the_retention_purge_removes_posted_letters_registrations(
    posting, waiting, client_for, liaison, django_capture_on_commit_callbacks, settings
) -> None:
    _post(client_for(liaison), django_capture_on_commit_callbacks)
    days = settings.SPEEDWATCH_RETENTION_DAYS
    registrations_purge(now=timezone.now() + timedelta(days=days - 2))
    assert set(PostedLetter.objects.values_list("registration", "anonymised_at")) == {
        ("AB12CDE", None),
        ("KX65LMN", None),
    }
    later = timezone.now() + timedelta(days=days + 2)
    registrations_purge(now=later)
    assert set(PostedLetter.objects.values_list("registration", "anonymised_at")) == {("", later)}
    # Still listed, by reference, without the registration.
    assert {r["registration"] for r in client_for(liaison).get(POSTED).json()["results"]} == {""}


def test_the_config_says_whether_letters_are_posted_and_with_what_postage(anon, settings) -> None:
    settings.LETTER_PROVIDER = ""
    config = anon.get("/api/v1/config/").json()
    assert (config["speedwatch_letters_posted"], config["speedwatch_letter_postage"]) == (
        False,
        "second",
    )
    settings.LETTER_PROVIDER = "notify"
    settings.NOTIFY_LETTER_POSTAGE = "economy"
    config = anon.get("/api/v1/config/").json()
    assert (config["speedwatch_letters_posted"], config["speedwatch_letter_postage"]) == (
        True,
        "economy",
    )


def test_the_poller_runs_as_a_named_task_on_beats_schedule(settings) -> None:
    assert settings.CELERY_BEAT_SCHEDULE["poll-posted-letters"] == {
        "task": "watch.poll_posted_letters",
        "schedule": timedelta(minutes=15),
    }


def test_the_poller_does_nothing_when_letters_are_not_posted(db, settings) -> None:
    settings.LETTER_PROVIDER = ""
    assert posted_letters_poll() == 0


def test_a_bad_postage_or_posting_without_a_key_stops_the_app_at_start_up() -> None:
    assert settings_error(NOTIFY_LETTER_POSTAGE="2nd") == (
        "django.core.exceptions.ImproperlyConfigured: NOTIFY_LETTER_POSTAGE must be one of "
        "['first', 'second', 'economy'], not '2nd'"
    )
    assert settings_error(LETTER_PROVIDER="notify") == (
        "django.core.exceptions.ImproperlyConfigured: NOTIFY_API_KEY must be set when "
        "GOV.UK Notify carries letters"
    )
    assert settings_error(LETTER_PROVIDER="dvla") == (
        "django.core.exceptions.ImproperlyConfigured: LETTER_PROVIDER must be one of "
        "['', 'notify'], not 'dvla'"
    )


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_posts_the_letters_trying_a_server_error_again(
    fake_notify, waiting, client_for, liaison
) -> None:
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    clear_bucket()
    fake_notify.fail_next(500)
    env = worker_environment(
        LETTER_PROVIDER="notify",
        NOTIFY_LETTER_POSTAGE="economy",
        NOTIFY_API_KEY=fake_notify.api_key,
        NOTIFY_BASE_URL=fake_notify.url,
        NOTIFY_LETTER_RETRY_SECONDS="1",
    )
    posting_here = override_settings(LETTER_PROVIDER="notify", NOTIFY_LETTER_POSTAGE="economy")
    with posting_here, celery_worker(env) as worker:
        response = client_for(liaison).post(POST, {}, format="json")
        assert response.json()["posted"] == 2
        wait_until(
            lambda: PostedLetter.objects.filter(status="accepted").count() == 2,
            timeout=60,
            what="both letters accepted",
        )
        time.sleep(1)  # nothing more arrives
        log = "".join(worker.log)
    assert [(m["reference"], m["postage"]) for m in fake_notify.letters()] == [
        (waiting["KX65LMN"], "economy"),
        (waiting["AB12CDE"], "economy"),
    ]
    # The first letter met the 500, was tried again by Celery a second later, Notify asked
    # first whether it had it; the other went at once.
    assert set(PostedLetter.objects.values_list("reference", "attempts")) == {
        (waiting["AB12CDE"], 2),
        (waiting["KX65LMN"], 1),
    }
    assert [(r.method, r.status) for r in fake_notify.requests] == [
        ("POST", 500),
        ("POST", 201),
        ("GET", 200),
        ("POST", 201),
    ]
    assert "watch.send_posted_letter" in log and "retry" in log.lower()
