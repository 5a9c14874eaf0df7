"""Delivery receipts from GOV.UK Notify: the writes that record them, from Notify's callback
(``api.NotifyReceiptView``) or from asking Notify about a notice whose callback never came
(``receipts_poll``, run by beat).

Notify's final statuses are delivered, permanent-failure, temporary-failure (Notify has
already retried it for up to 72 hours) and technical-failure; each is recorded on the notice
as its ``receipt``, and the alert's delivery figures count them. A technical failure is sent
again, as Notify asks (while the notice has attempts left). A receipt is recorded once: the
same receipt again changes nothing; a failure does not replace a receipt already recorded;
and a late "delivered" replaces a failure, since the message has reached its recipient after
all.
"""

import logging
import re
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from notifications_python_client.errors import APIError

from core import notify
from notifications.models import Notice, NoticeState, Receipt
from notifications.timing import retry_backoff

logger = logging.getLogger(__name__)

# Notify's words for its final statuses. The others (created, sending, pending; and "sent",
# an international text for which no receipt will come) are not receipts.
FINAL_STATUSES = {
    "delivered": Receipt.DELIVERED,
    "permanent-failure": Receipt.PERMANENT_FAILURE,
    "temporary-failure": Receipt.TEMPORARY_FAILURE,
    "technical-failure": Receipt.TECHNICAL_FAILURE,
}

# The reference a single notice's message carries (channels._notice_key).
_NOTICE_REFERENCE = re.compile(r"notice-([0-9]{1,18})")


def notice_receipt_record(
    *, provider_id: uuid.UUID, reference: str | None, status: str, at: datetime | None = None
) -> int | None:
    """Record Notify's ``status`` for its message ``provider_id`` on the notices it carried;
    returns how many changed (0 for a status that is not final, or a receipt already
    recorded), or None when no notice is known by that id or reference.

    The notice is found by Notify's id, or else by its reference while no id is recorded on
    it: the receipt of a text can come before the worker that sent it has recorded Notify's
    answer, or after that worker died without recording it. In the last case the notice is
    recorded as sent, so that it is not sent a second time."""
    receipt = FINAL_STATUSES.get(status)
    at = at or timezone.now()
    with transaction.atomic():
        notices = Notice.objects.filter(provider_id=provider_id)
        if not notices.exists():
            match = _NOTICE_REFERENCE.fullmatch(reference or "")
            if match is None:
                return None
            notice_id = int(match[1])
            # Either no id recorded yet, or (the worker recorded it a moment ago) this one.
            ours = Notice.objects.filter(
                Q(provider_id__isnull=True) | Q(provider_id=provider_id), pk=notice_id
            )
            if not ours.exists():
                return None
            if receipt is None:
                return 0
            unrecorded = ours.filter(provider_id__isnull=True)
            unrecorded.filter(state__in=[NoticeState.QUEUED, NoticeState.SENDING]).update(
                state=NoticeState.SENT, sent_at=at, last_error=""
            )
            unrecorded.update(provider_id=provider_id)
            notices = Notice.objects.filter(pk=notice_id, provider_id=provider_id)
        if receipt is None:
            return 0
        changed = _changeable(notices, receipt).update(receipt=receipt, receipt_at=at)
        if changed and receipt == Receipt.TECHNICAL_FAILURE:
            _send_again(notices)
        elif changed and receipt == Receipt.DELIVERED:
            # Delivered after all, while waiting to be sent again: it is not sent again.
            notices.filter(state=NoticeState.QUEUED).update(state=NoticeState.SENT, last_error="")
        return changed


def _send_again(notices: "models.QuerySet[Notice]") -> None:
    """Notify asks for a message that failed for a technical reason (its own, or its
    provider's) to be sent again: each notice it carried goes back to the queue for another
    attempt after the dispatch's backoff, while it has attempts left (the sweep hands it
    out). Its receipt stays until then, so the same receipt again changes nothing."""
    now = timezone.now()
    spare = notices.filter(
        state=NoticeState.SENT, attempts__lt=settings.NOTIFICATIONS_MAX_ATTEMPTS
    ).values_list("pk", "attempts")
    for notice_id, attempts in spare:  # one notice, or the few of a digest
        Notice.objects.filter(pk=notice_id, state=NoticeState.SENT).update(
            state=NoticeState.QUEUED,
            deliver_after=now + retry_backoff(attempts),
            last_error="Notify could not send it (a technical failure): sending it again.",
        )


def _changeable(notices: "models.QuerySet[Notice]", receipt: str) -> "models.QuerySet[Notice]":
    if receipt == Receipt.DELIVERED:
        return notices.exclude(receipt=Receipt.DELIVERED)
    return notices.filter(receipt="")


def receipts_poll(*, now: datetime | None = None, limit: int | None = None) -> int:
    """Ask Notify about the messages it accepted longer ago than the poll delay that have no
    receipt yet, those not asked about for longest first, at most ``limit`` of them (the
    configured limit); returns how many receipts were recorded. Each question takes its turn
    in the rate limit the senders share, and the run stops when no turn comes at once or
    Notify cannot be reached: the next run goes on from there."""
    if "notify" not in (settings.EMAIL_PROVIDER, settings.SMS_PROVIDER):
        return 0
    now = now or timezone.now()
    limit = limit or settings.NOTIFY_RECEIPT_POLL_LIMIT
    before = now - timedelta(minutes=settings.NOTIFY_RECEIPT_POLL_AFTER_MINUTES)
    awaiting = (
        Notice.objects.filter(provider_id__isnull=False, receipt="", sent_at__lt=before)
        .filter(Q(receipt_checked_at__isnull=True) | Q(receipt_checked_at__lt=before))
        .order_by(Coalesce("receipt_checked_at", "sent_at"), "id")
    )
    # A digest's notices share one message: ask about it once.
    provider_ids = [
        provider_id
        for provider_id in dict.fromkeys(awaiting.values_list("provider_id", flat=True)[:limit])
        if provider_id is not None  # never: the filter says so, but the type cannot
    ]
    client, bucket = notify.client(), notify.rate_bucket()
    recorded = 0
    try:
        for provider_id in provider_ids:
            if notify.take_turn(bucket, max_wait=0) is not None:
                break
            try:
                message = client.get_notification_by_id(str(provider_id))
            except APIError as exc:
                refusal = notify.refusal(exc)
                logger.warning("Asking Notify about %s failed: %s", provider_id, refusal.message)
                if refusal.rate_limited:
                    bucket.pause(notify.RATE_LIMITED_PAUSE_SECONDS)
                if refusal.passing:
                    break
                # Gone (Notify keeps messages for a week) or refused: ask again next time
                # round, after the others.
                Notice.objects.filter(provider_id=provider_id).update(receipt_checked_at=now)
                continue
            Notice.objects.filter(provider_id=provider_id).update(receipt_checked_at=now)
            recorded += (
                notice_receipt_record(
                    provider_id=provider_id,
                    reference=message.get("reference"),
                    status=str(message.get("status", "")),
                    at=parse_datetime(message.get("completed_at") or "") or now,
                )
                or 0
            )
    finally:
        client.request_session.close()
    return recorded
