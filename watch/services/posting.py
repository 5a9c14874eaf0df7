"""Speedwatch letters posted through GOV.UK Notify's precompiled-letter API: a liaison posts
the waiting letters (``letters_post``), a task sends each one's PDF (``posted_letter_send``),
and beat asks Notify how each is getting on (``posted_letters_poll``).

A letter is never posted twice. Its reference is unique among posted letters, and its
offences are marked sent as it is stored, so asking again (or a retried request) finds
nothing more to post. Its task claims it with a conditional update, so a second run of the
task does nothing; and a letter claimed before by a worker that recorded no answer (it died
while Notify was answering, or Notify failed in a way that may have come after it took the
letter) is looked up at Notify by its reference before it is sent again.
"""

import io
import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as KombuOperationalError
from notifications_python_client.errors import APIError

from accounts.models import User
from core import notify
from core.queueing import task_queue
from schemes.permissions import liaison_force
from watch.letters import letters_from
from watch.models import (
    ActionStatus,
    AuditAction,
    KeeperAddress,
    Offence,
    PostedLetter,
    PostedLetterStatus,
)
from watch.selectors.letters import letters_to_send, liaison_schemes
from watch.services.audit import record
from watch.services.escalation import offences_mark

logger = logging.getLogger(__name__)

# Notify's statuses of a precompiled letter, as ours, with why it failed where it did.
NOTIFY_STATUSES: dict[str, tuple[str, str]] = {
    "pending-virus-check": (PostedLetterStatus.ACCEPTED, ""),
    "accepted": (PostedLetterStatus.ACCEPTED, ""),
    "received": (PostedLetterStatus.RECEIVED, ""),
    "cancelled": (PostedLetterStatus.CANCELLED, ""),
    "virus-scan-failed": (
        PostedLetterStatus.FAILED,
        "Notify's virus scan found a problem in the letter's PDF.",
    ),
    "validation-failed": (
        PostedLetterStatus.FAILED,
        "The letter's PDF did not meet Notify's letter specification.",
    ),
    "technical-failure": (
        PostedLetterStatus.FAILED,
        "Notify could not print the letter (a technical failure of its own).",
    ),
    "permanent-failure": (
        PostedLetterStatus.FAILED,
        "Notify's printer could not post the letter.",
    ),
}
FINAL_STATUSES = {
    PostedLetterStatus.RECEIVED,
    PostedLetterStatus.CANCELLED,
    PostedLetterStatus.FAILED,
}

SEND_TASK = "watch.send_posted_letter"


class TryAgain(Exception):
    """Notify cannot take the letter now (its rate limit, a server error, out of reach): the
    task tries again after ``countdown`` seconds."""

    def __init__(self, message: str, countdown: float) -> None:
        super().__init__(message)
        self.countdown = countdown


@dataclass(frozen=True)
class LettersPosted:
    """What ``letters_post`` did, by letter reference."""

    posted: list[str]
    # Letters without a keeper's name and address: Notify needs one; they stay waiting.
    without_address: list[str]
    # Letters posted before whose offences were waiting again: they are not posted twice.
    already_posted: list[str]


def letters_posting_check() -> None:
    """Refuse, with the reason, when this server does not post letters."""
    if settings.LETTER_PROVIDER != "notify":
        raise ValidationError(
            {
                "non_field_errors": [
                    _(
                        "Letters are not posted from Patchwatch on this server: download "
                        "them, print them and post them yourself."
                    )
                ]
            }
        )


def letters_post(*, actor: User, filters: Mapping[str, Any]) -> LettersPosted:
    """Post the liaison's waiting letters (narrowed by ``filters``, as the letters batch is)
    that have their keeper's name and address stored: each is stored as a posted letter,
    its offences are marked sent, and a task sends it to Notify once this commits."""
    letters_posting_check()
    force = liaison_force(actor) or ""
    letters = letters_from(letters_to_send(user=actor, filters=filters))
    references = [letter.reference for letter in letters]
    addressed = set(
        KeeperAddress.objects.filter(force=force, reference__in=references).values_list(
            "reference", flat=True
        )
    )
    now = timezone.now()
    with transaction.atomic():
        # Another request posting the same letters waits here, then finds them sent.
        still_waiting = set(
            Offence.objects.select_for_update()
            .filter(
                pk__in=[offence.pk for letter in letters for offence in letter.offences],
                action_status=ActionStatus.PENDING,
            )
            .values_list("pk", flat=True)
        )
        letters = [
            letter
            for letter in letters
            if all(offence.pk in still_waiting for offence in letter.offences)
        ]
        posted_before = set(
            PostedLetter.objects.filter(
                reference__in=[letter.reference for letter in letters]
            ).values_list("reference", flat=True)
        )
        to_post = [
            letter
            for letter in letters
            if letter.reference in addressed and letter.reference not in posted_before
        ]
        rows = PostedLetter.objects.bulk_create(
            [
                PostedLetter(
                    reference=letter.reference,
                    force=force,
                    registration=letter.registration,
                    stage=letter.stage,
                    first_observed_at=letter.offences[0].observed_at,
                    postage=settings.NOTIFY_LETTER_POSTAGE,
                    posted_by=actor,
                    posted_at=now,
                )
                for letter in to_post
            ]
        )
        PostedLetter.offences.through.objects.bulk_create(
            [
                PostedLetter.offences.through(postedletter_id=row.pk, offence_id=offence.pk)
                for row, letter in zip(rows, to_post, strict=True)
                for offence in letter.offences
            ]
        )
        # A letter posted before is on its way: its offences are sent, not offered again.
        moved_on = [
            offence
            for letter in letters
            if letter.reference in posted_before or letter in to_post
            for offence in letter.offences
        ]
        if moved_on:
            offences_mark(offences=moved_on, actor=actor, status=ActionStatus.SENT)
        if rows:
            record(
                actor=actor,
                action=AuditAction.LETTERS_POSTED,
                detail={"postage": settings.NOTIFY_LETTER_POSTAGE, "letters": len(rows)},
                rows=sum(len(letter.offences) for letter in to_post),
                schemes=liaison_schemes(user=actor),
            )
        for row in rows:
            transaction.on_commit(partial(posted_letter_queue, row.pk))
    return LettersPosted(
        posted=[letter.reference for letter in to_post],
        without_address=[
            letter.reference for letter in letters if letter.reference not in addressed
        ],
        already_posted=sorted(posted_before),
    )


def posted_letter_queue(posted_letter_id: int) -> None:
    try:
        task_queue(SEND_TASK, kwargs={"posted_letter_id": posted_letter_id})
    except KombuOperationalError:
        # The letter is stored; the poller's sweep hands it out once the broker is back.
        logger.exception("Could not queue posted letter %s; the sweep will", posted_letter_id)


def _backoff(attempts: int) -> float:
    """``NOTIFY_LETTER_RETRY_SECONDS`` after the first attempt, doubling, at most an hour."""
    return float(min(settings.NOTIFY_LETTER_RETRY_SECONDS * 2 ** max(attempts - 1, 0), 3600))


def _status_record(
    letter_row: PostedLetter, message: Mapping[str, Any], *, now: datetime
) -> PostedLetter:
    """Record Notify's word for the letter (from its answer to a lookup)."""
    notify_status = str(message.get("status", ""))
    status, failure = NOTIFY_STATUSES.get(notify_status, (letter_row.status, ""))
    changed = status != letter_row.status
    letter_row.notify_status = notify_status
    letter_row.status = status
    letter_row.checked_at = now
    if changed:
        letter_row.status_at = now
    if failure:
        letter_row.failure = failure
    letter_row.save(update_fields=["notify_status", "status", "checked_at", "status_at", "failure"])
    return letter_row


def _found_at_notify(client: Any, bucket: Any, reference: str) -> dict[str, Any] | None:
    """Notify's letter of this reference, if an earlier attempt reached it."""
    wait = notify.take_turn(bucket)
    if wait is not None:
        raise TryAgain("Waiting for a turn within Notify's rate limit.", wait.seconds)
    answer = client.get_all_notifications(reference=reference, template_type="letter")
    return next(
        (
            message
            for message in answer.get("notifications", [])
            if message.get("reference") == reference
        ),
        None,
    )


def posted_letter_send(
    *, posted_letter_id: int, render: Callable[[PostedLetter], bytes | str]
) -> str:
    """Send the posted letter's PDF (``render``: the PDF, or why there is none) to Notify,
    if it is waiting and nobody else is sending it; returns what became of it (its status,
    or "not claimed"). Raises ``TryAgain`` when Notify cannot take it now and it has
    attempts left."""
    now = timezone.now()
    lease_start = now - timedelta(seconds=settings.NOTIFY_LETTER_CLAIM_LEASE_SECONDS)
    claimed = (
        PostedLetter.objects.filter(pk=posted_letter_id, notification_id__isnull=True)
        .filter(
            Q(status=PostedLetterStatus.PENDING)
            | Q(status=PostedLetterStatus.SENDING, claimed_at__lt=lease_start)
        )
        .update(status=PostedLetterStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return "not claimed"
    letter_row = PostedLetter.objects.get(pk=posted_letter_id)
    ours = PostedLetter.objects.filter(
        pk=letter_row.pk, status=PostedLetterStatus.SENDING, claimed_at=now
    )
    client, bucket = notify.client(), notify.rate_bucket()
    try:
        if letter_row.attempts > 1:
            found = _found_at_notify(client, bucket, letter_row.reference)
            if found is not None:
                ours.update(notification_id=uuid.UUID(str(found["id"])), sent_at=now, failure="")
                letter_row.refresh_from_db()
                return _status_record(letter_row, found, now=now).status
        pdf = render(letter_row)
        if isinstance(pdf, str):
            ours.update(status=PostedLetterStatus.FAILED, failure=pdf, status_at=now)
            return PostedLetterStatus.FAILED
        wait = notify.take_turn(bucket)
        if wait is not None:
            # Not this letter's fault: put off without counting an attempt.
            ours.update(
                status=PostedLetterStatus.PENDING,
                attempts=F("attempts") - 1,
                retry_at=now + timedelta(seconds=wait.seconds),
            )
            raise TryAgain("Waiting for a turn within Notify's rate limit.", wait.seconds)
        answer = client.send_precompiled_letter_notification(
            reference=letter_row.reference, pdf_file=io.BytesIO(pdf), postage=letter_row.postage
        )
    except TryAgain:
        if letter_row.attempts > 1:
            # Waiting for a turn to look the letter up: it is still to be looked up.
            ours.update(status=PostedLetterStatus.PENDING, retry_at=now)
        raise
    except APIError as exc:
        refusal = notify.refusal(exc)
        if refusal.rate_limited:
            bucket.pause(notify.RATE_LIMITED_PAUSE_SECONDS)
        if refusal.passing and letter_row.attempts < settings.NOTIFY_LETTER_MAX_ATTEMPTS:
            # Back to waiting, its attempt counted: the next attempt first asks Notify
            # whether this one reached it after all (a 500 may come after the letter did).
            countdown = _backoff(letter_row.attempts)
            ours.update(
                status=PostedLetterStatus.PENDING,
                failure=refusal.message,
                retry_at=now + timedelta(seconds=countdown),
            )
            raise TryAgain(refusal.message, countdown) from exc
        ours.update(status=PostedLetterStatus.FAILED, failure=refusal.message, status_at=now)
        return PostedLetterStatus.FAILED
    finally:
        client.request_session.close()
    ours.update(
        notification_id=uuid.UUID(str(answer["id"])),
        status=PostedLetterStatus.ACCEPTED,
        # Notify checks every precompiled letter for viruses first.
        notify_status="pending-virus-check",
        sent_at=now,
        status_at=now,
        failure="",
    )
    return PostedLetterStatus.ACCEPTED


def posted_letters_poll(*, now: datetime | None = None, limit: int | None = None) -> int:
    """Ask Notify about the letters it has and has not finished with (not yet received,
    cancelled or failed), those asked about longest ago first, each at most once in
    ``NOTIFY_LETTER_POLL_MINUTES``, at most ``limit`` of them; returns how many changed
    status. Each question takes its turn in the rate limit every worker shares; the run stops
    when no turn comes at once or Notify cannot answer now, and the next run goes on."""
    if settings.LETTER_PROVIDER != "notify":
        return 0
    now = now or timezone.now()
    limit = limit or settings.NOTIFY_RECEIPT_POLL_LIMIT
    before = now - timedelta(minutes=settings.NOTIFY_LETTER_POLL_MINUTES)
    awaiting = list(
        PostedLetter.objects.filter(
            status=PostedLetterStatus.ACCEPTED, notification_id__isnull=False
        )
        .annotate(asked=Coalesce("checked_at", "sent_at"))
        .filter(asked__lt=before)
        .order_by("asked", "id")[:limit]
    )
    client, bucket = notify.client(), notify.rate_bucket()
    changed = 0
    try:
        for letter_row in awaiting:
            if notify.take_turn(bucket, max_wait=0) is not None:
                break
            try:
                message = client.get_notification_by_id(str(letter_row.notification_id))
            except APIError as exc:
                refusal = notify.refusal(exc)
                logger.warning(
                    "Asking Notify about letter %s failed: %s",
                    letter_row.reference,
                    refusal.message,
                )
                if refusal.rate_limited:
                    bucket.pause(notify.RATE_LIMITED_PAUSE_SECONDS)
                if refusal.passing:
                    break
                PostedLetter.objects.filter(pk=letter_row.pk).update(checked_at=now)
                continue
            before_status = letter_row.status
            changed += _status_record(letter_row, message, now=now).status != before_status
    finally:
        client.request_session.close()
    return changed


def posted_letters_sweep(*, now: datetime | None = None) -> int:
    """Queue again the letters no task holds: waiting ones whose task was lost (with the
    broker, or put off and then lost) and claimed ones whose worker died. Returns how many."""
    now = now or timezone.now()
    lease_start = now - timedelta(seconds=settings.NOTIFY_LETTER_CLAIM_LEASE_SECONDS)
    # A waiting letter is given a lease too: its task may be in the queue still.
    stranded = list(
        PostedLetter.objects.filter(notification_id__isnull=True)
        .filter(
            Q(status=PostedLetterStatus.PENDING, posted_at__lt=lease_start, retry_at__isnull=True)
            | Q(status=PostedLetterStatus.PENDING, retry_at__lt=lease_start)
            | Q(status=PostedLetterStatus.SENDING, claimed_at__lt=lease_start)
        )
        .order_by("posted_at", "pk")
        .values_list("pk", flat=True)
    )
    for posted_letter_id in stranded:
        posted_letter_queue(posted_letter_id)
    return len(stranded)
