"""Dispatching a published alert: match schemes, queue notices, deliver them in batches.

Every step is safe to run twice, because Celery may deliver a task again (``acks_late``: a
worker killed mid-task leaves its task to another):

- queueing inserts notices under the unique (alert, recipient, channel) constraint, so a
  second run adds nothing;
- delivery claims each notice with a conditional update before acting on it. An in-app
  notice is delivered by that very update (exactly once); any other channel's notice is
  claimed (queued → sending), sent, then recorded as sent or failed. A claim left behind by
  a worker that died is taken up again after a lease (``notices_sweep``). For such channels
  the only moment a message can go twice is a worker dying between the provider accepting
  it and the record of that; the email's Message-ID is the notice's own, so the two copies
  are recognisably one message.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from notifications.channels import PermanentFailure, TransientFailure, send_digest, sender_for
from notifications.models import Alert, Channel, Notice, NoticeState, Preference
from notifications.selectors import recipients_for, schemes_touched_by
from notifications.timing import delivery_plan


def _chunks(ids: list[int], size: int) -> list[list[int]]:
    iterator = iter(ids)
    return list(iter(lambda: list(islice(iterator, size)), []))


def alert_queue_notices(*, alert_id: int) -> list[list[int]]:
    """Store one notice per recipient and channel; returns the batches of notice ids to
    deliver. An update or cancellation goes to the recipients of the alert it replaces, and
    to that alert's issuer when someone else changed it."""
    alert = Alert.objects.get(pk=alert_id)
    if alert.references_id:
        pairs = set(
            Notice.objects.filter(alert_id=alert.references_id)
            .exclude(recipient_id=alert.issuer_id)
            .values_list("recipient_id", "channel")
        )
        # Whoever wrote the alert being replaced hears of a change someone else made to it.
        original_issuer = (
            Alert.objects.filter(pk=alert.references_id).values_list("issuer_id", flat=True).get()
        )
        if original_issuer not in (None, alert.issuer_id):
            pairs.add((original_issuer, Channel.IN_APP))
        # In-app notices go at once whatever the preferences say (``delivery_plan``); only
        # those who hear on another channel need theirs.
        preferences = {
            preference.user_id: preference
            for preference in Preference.objects.filter(
                user_id__in={user_id for user_id, channel in pairs if channel != Channel.IN_APP}
            )
        }
    else:
        schemes = schemes_touched_by(
            area=alert.area, box=alert.bbox, force=alert.force, kinds=alert.scheme_kinds
        )
        alert.matched_schemes.set(schemes)
        recipients = recipients_for(alert=alert, scheme_ids=[scheme.pk for scheme in schemes])
        pairs = {
            (user_id, channel)
            for user_id, channels in recipients.channels.items()
            for channel in channels
        }
        preferences = recipients.preferences
    now = timezone.now()

    def notice(user_id: int, channel: str) -> Notice:
        deliver_after, in_digest = delivery_plan(
            preference=preferences.get(user_id), urgency=alert.urgency, channel=channel, now=now
        )
        return Notice(
            alert=alert,
            recipient_id=user_id,
            channel=channel,
            deliver_after=deliver_after,
            in_digest=in_digest,
        )

    Notice.objects.bulk_create(
        (notice(user_id, channel) for user_id, channel in pairs),
        batch_size=5000,
        ignore_conflicts=True,
    )
    Alert.objects.filter(pk=alert.pk).update(
        recipients_count=len({user_id for user_id, _ in pairs})
    )
    batches = []
    queued = Notice.objects.filter(alert=alert, state=NoticeState.QUEUED).order_by("channel", "id")
    by_channel: dict[str, list[int]] = defaultdict(list)
    for notice_id, channel in queued.values_list("id", "channel"):
        by_channel[channel].append(notice_id)
    for ids in by_channel.values():
        batches.extend(_chunks(ids, settings.NOTIFICATIONS_BATCH_SIZE))
    return batches


@dataclass
class DeliveryOutcome:
    delivered: int = 0
    failed: int = 0
    retry: list[int] = field(default_factory=list)


def notices_deliver(*, notice_ids: list[int]) -> DeliveryOutcome:
    """Deliver the notices of one batch that are due and not yet taken by anyone."""
    now = timezone.now()
    outcome = DeliveryOutcome()
    due = Q(deliver_after__isnull=True) | Q(deliver_after__lte=now)
    outcome.delivered += Notice.objects.filter(
        due, pk__in=notice_ids, channel=Channel.IN_APP, state=NoticeState.QUEUED, in_digest=False
    ).update(state=NoticeState.SENT, sent_at=now, attempts=F("attempts") + 1)

    others = (
        Notice.objects.filter(due, pk__in=notice_ids, state=NoticeState.QUEUED, in_digest=False)
        .exclude(channel=Channel.IN_APP)
        .select_related("alert", "recipient")
        .order_by("id")
    )
    by_channel: dict[str, list[Notice]] = defaultdict(list)
    for notice in others:
        by_channel[notice.channel].append(notice)
    for channel, notices in by_channel.items():
        sender = sender_for(channel)
        try:
            for notice in notices:
                _deliver_one(sender, notice, outcome)
        finally:
            sender.close()
    return outcome


def _deliver_one(sender, notice: Notice, outcome: DeliveryOutcome) -> None:  # type: ignore[no-untyped-def]
    claimed = Notice.objects.filter(pk=notice.pk, state=NoticeState.QUEUED).update(
        state=NoticeState.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return  # another worker has it, or it is done
    attempts = notice.attempts + 1
    try:
        sender.send(notice)
    except TransientFailure as exc:
        final = attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS
        Notice.objects.filter(pk=notice.pk).update(
            state=NoticeState.FAILED if final else NoticeState.QUEUED,
            last_error=str(exc)[:500],
        )
        if final:
            outcome.failed += 1
        else:
            outcome.retry.append(notice.pk)
    except PermanentFailure as exc:
        Notice.objects.filter(pk=notice.pk).update(
            state=NoticeState.FAILED, last_error=str(exc)[:500]
        )
        outcome.failed += 1
    else:
        Notice.objects.filter(pk=notice.pk).update(
            state=NoticeState.SENT, sent_at=timezone.now(), last_error=""
        )
        outcome.delivered += 1


def notices_sweep() -> list[list[int]]:
    """Notices to deliver again: claims abandoned by a worker that died (older than the
    lease) go back to the queue, and notices held by quiet hours that are now due."""
    now = timezone.now()
    lease = timedelta(seconds=settings.NOTIFICATIONS_CLAIM_LEASE_SECONDS)
    Notice.objects.filter(state=NoticeState.SENDING, claimed_at__lt=now - lease).update(
        state=NoticeState.QUEUED
    )
    waiting = Notice.objects.filter(state=NoticeState.QUEUED, in_digest=False)
    due = waiting.filter(Q(deliver_after__lte=now) | Q(queued_at__lt=now - lease))
    ids = list(due.order_by("id").values_list("id", flat=True)[:50_000])
    return _chunks(ids, settings.NOTIFICATIONS_BATCH_SIZE)


def digests_send(*, now: datetime | None = None) -> int:
    """Email each recipient whose digest is due one message listing their held alerts;
    returns how many digests went."""
    now = now or timezone.now()
    due = Notice.objects.filter(in_digest=True, state=NoticeState.QUEUED, deliver_after__lte=now)
    sent = 0
    for recipient_id in set(due.order_by().values_list("recipient_id", flat=True)):
        notices = list(
            due.filter(recipient_id=recipient_id)
            .select_related("alert", "recipient")
            .order_by("id")
        )
        ids = [notice.pk for notice in notices]
        claimed = Notice.objects.filter(pk__in=ids, state=NoticeState.QUEUED).update(
            state=NoticeState.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
        if claimed != len(ids):
            # Someone else is sending part of this digest; put ours back for next time.
            Notice.objects.filter(pk__in=ids, state=NoticeState.SENDING, claimed_at=now).update(
                state=NoticeState.QUEUED
            )
            continue
        try:
            send_digest(notices)
        except OSError as exc:
            Notice.objects.filter(pk__in=ids).update(
                state=NoticeState.QUEUED, last_error=str(exc)[:500]
            )
            continue
        Notice.objects.filter(pk__in=ids).update(state=NoticeState.SENT, sent_at=timezone.now())
        sent += 1
    return sent
