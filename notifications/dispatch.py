"""Dispatching a published alert: match schemes, queue notices, deliver them in batches.

Every step is safe to run twice, because Celery may deliver a task again (``acks_late``: a
worker killed mid-task leaves its task to another):

- queueing inserts notices under the unique (alert, recipient, channel) constraint, so a
  second run adds nothing. An in-app notice is delivered by being stored (the inbox reads
  the notices), so it is stored sent, exactly once;
- delivery claims each notice with a conditional update before acting on it. An in-app
  notice still queued (stored so by an earlier version) is delivered by that very update;
  any other channel's notice is claimed (queued → sending), sent, then recorded as sent or
  failed. A redelivered task finds the notices it had sent recorded as sent, and the one it
  was sending still claimed, and leaves both alone. A claim left behind by a worker that
  died is taken up again only after a lease (``notices_sweep``). For such channels the only
  moment a message can go twice is a worker dying between the provider accepting it and the
  record of that; no system can close that gap without the provider's help, so the email's
  Message-ID and the Notify message's reference are the notice's own, and the two copies
  are recognisably one message (and Notify's receipt for the first, found by its reference,
  records the notice as sent before the sweep sends it again: ``notifications.receipts``).

A channel with a shared rate limit (GOV.UK Notify) may have no turn for a notice within the
wait allowed: then that notice and the rest of its batch are put off for a few seconds, in
their order, with no attempt counted, and retried by their task (or, after the lease, by
the sweep).

Every failure of a channel, whether it is the connection that cannot be opened or one
message that is refused, takes the same path: the attempt is counted (by the claim), the
error is stored, and the notice waits for its backoff (``deliver_after``) before it may be
claimed again, or is recorded as failed once it has had its attempts.
"""

import heapq
import logging
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from itertools import groupby, islice, pairwise
from operator import itemgetter
from typing import Any, TypeVar

from django.conf import settings
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone, translation

from accounts.models import User
from notifications.channels import (
    PermanentFailure,
    RateLimited,
    Sender,
    TransientFailure,
    sender_for,
)
from notifications.models import (
    Alert,
    AlertStatus,
    Channel,
    MessageType,
    Notice,
    NoticeState,
    Preference,
    Urgency,
)
from notifications.selectors import (
    RECIPIENTS_FETCH,
    Recipient,
    alert_scheme_ids,
    holding_preferences,
    recipient_bounds,
    recipient_channels,
    recipients_of,
)
from notifications.targeting import named_scheme_ids
from notifications.timing import delivery_plan, plan_outside_inbox, retry_backoff

logger = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

# How many notices one sweep hands out at most; the rest wait for the next sweep, the
# longest-waiting first, so none is starved by others failing again and again.
SWEEP_LIMIT = 50_000


def _chunks(ids: list[int], size: int) -> list[list[int]]:
    iterator = iter(ids)
    return list(iter(lambda: list(islice(iterator, size)), []))


def _batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    return iter(lambda: list(islice(iterator, size)), [])


# How many recipients' notices are stored at once (rounded to whole delivery batches): each
# store is one transaction, its delivery batches enqueued as it commits.
# What a dispatch holds in memory is this many recipients, whatever the audience.
STORE_RECIPIENTS = 5000


def _store_size() -> int:
    size = settings.NOTIFICATIONS_BATCH_SIZE
    return size * max(1, STORE_RECIPIENTS // size)


# PostgreSQL's SQLSTATE for a unique constraint's violation.
UNIQUE_VIOLATION = "23505"

# The order in which a store's delivery batches are queued, quickest to deliver first.
CHANNEL_ORDER = (Channel.IN_APP, Channel.PUSH, Channel.SMS, Channel.EMAIL)


def alert_queue_notices(
    *, alert_id: int, deliver: Callable[[list[int]], None] | None = None
) -> int:
    """Store one notice per recipient and channel, a few thousand recipients at a time,
    and hand each batch of notice ids to ``deliver`` (on the commit of their store);
    returns how many batches there were. An update or cancellation goes to the recipients
    of the alert it replaces, and to that alert's issuer when someone else changed it.

    Safe to run again: notices already stored are not stored twice, and those of them still
    queued are handed to ``deliver`` again."""
    alert = Alert.objects.get(pk=alert_id)
    now = timezone.now()
    size = settings.NOTIFICATIONS_BATCH_SIZE
    store_size = _store_size()
    stores: Iterator[_Store]
    independent = False
    if alert.references_id:
        recipients = _recipients_of_replaced(alert, alert.references_id)
        stores = _stores_of(alert=alert, recipients=recipients, store_size=store_size, now=now)
    else:
        scheme_ids = named_scheme_ids(alert)
        if scheme_ids is None:
            scheme_ids = alert_scheme_ids(alert=alert)
        alert.matched_schemes.set(scheme_ids)
        independent = _stores_in_sql()
        if independent:
            stores = _stores_chosen_in_sql(
                alert=alert, scheme_ids=scheme_ids, store_size=store_size, now=now
            )
        else:
            recipients = recipients_of(alert=alert, scheme_ids=scheme_ids)
            stores = _stores_of(alert=alert, recipients=recipients, store_size=store_size, now=now)
    # On a first run every notice of the alert is one this run stores, and the store says
    # which it stored. A run after that (the task delivered again) must also hand out again
    # those an earlier run stored that are still queued, and reads them back.
    again = threading.Event()
    if Notice.objects.filter(alert=alert).exists():
        again.set()
    queue = partial(
        _queue_store, alert=alert, again=again, deliver=deliver, store_size=store_size, size=size
    )
    # Stores chosen in the database are independent of each other, so several connections
    # store them at once; those chosen here come from one cursor. Other connections would
    # not see the rows of a transaction the caller holds open.
    lanes = 1
    if independent and not connection.in_atomic_block:
        lanes = settings.NOTIFICATIONS_STORE_CONNECTIONS
    done = _in_lanes(queue, stores, lanes=lanes)
    Alert.objects.filter(pk=alert.pk).update(
        recipients_count=sum(people for people, _ in done),
        notices_queued_at=Coalesce("notices_queued_at", now),
    )
    return sum(batches for _, batches in done)


def _queue_store(store: "_Store", *, again: threading.Event, **queueing: Any) -> tuple[int, int]:
    """``_queue_store_once``, knowing whether notices of the alert may be stored already
    (``again``: a run before this one stored some). A first run does not look for them
    as it stores (PostgreSQL's ON CONFLICT costs a third more than the INSERT itself); should
    it find some all the same, another run of the same dispatch is storing them at this
    very moment (the sweep dispatched the alert again while this run was still going), and
    from then on every store of this run skips those already stored."""
    try:
        return _queue_store_once(store, again=again.is_set(), **queueing)
    except IntegrityError as error:
        if again.is_set() or getattr(error.__cause__, "sqlstate", None) != UNIQUE_VIOLATION:
            raise
        again.set()
        return _queue_store_once(store, again=True, **queueing)


def _queue_store_once(
    store: "_Store",
    *,
    alert: Alert,
    again: bool,
    deliver: Callable[[list[int]], None] | None,
    store_size: int,
    size: int,
) -> tuple[int, int]:
    """Store one store's notices and hand their batches to ``deliver`` as the store
    commits; returns how many people it reached and how many batches it handed out."""
    batches = 0
    with transaction.atomic():
        reached, stored = store.store(again)
        if alert.references_id:
            notices_supersede(alert=alert, recipients=(store.after, store.upto))
        queued: Iterable[tuple[str, int]] | None = None if again else stored
        if queued is None:
            queued = _among_recipients(
                Notice.objects.filter(alert=alert, state=NoticeState.QUEUED),
                after=store.after,
                upto=store.upto,
            ).values_list("channel", "id")
        for batch in _delivery_batches(queued, store_size=store_size, size=size):
            batches += 1
            if deliver is not None:
                transaction.on_commit(partial(deliver, batch))
    if store.after is None and store.full:
        _refresh_statistics()  # a large audience's first store
    return reached, batches


def _in_lanes(work: Callable[[T], R], items: Iterator[T], *, lanes: int) -> list[R]:
    """``work`` done on each of ``items``, in ``lanes`` threads at once (this one among
    them), each taking the next item when it is done with one; each other thread has a
    database connection of its own, closed when it is done. PostgreSQL runs a statement on
    one core: a large alert's notices are stored about as many times faster as there are
    lanes (and cores), while what is held in memory is a store per lane."""
    if lanes <= 1:
        return [work(item) for item in items]
    taking = threading.Lock()
    failed = threading.Event()  # a lane that fails stops the others taking more

    def lane(*, own_connection: bool) -> list[R]:
        done: list[R] = []
        try:
            while not failed.is_set():
                with taking:
                    item = next(items, None)
                if item is None:
                    break
                done.append(work(item))
        except BaseException:
            failed.set()
            raise
        finally:
            if own_connection:
                connection.close()
        return done

    with ThreadPoolExecutor(max_workers=lanes - 1) as pool:
        others = [pool.submit(lane, own_connection=True) for _ in range(lanes - 1)]
        done = lane(own_connection=False)
        for other in others:
            done += other.result()
    return done


@dataclass(frozen=True)
class _Store:
    """The recipients of one store, those with ids in the range (``after``, ``upto``] (open
    where None), and what stores their notices (in the store's transaction; told whether
    some of them may be stored already): it returns how many people it reached, and the
    channels and ids of the notices it stored that wait for delivery, or None when the
    database cannot say which it stored. ``full``: as many recipients as a store takes,
    with more to come."""

    after: int | None
    upto: int | None
    store: Callable[[bool], tuple[int, list[tuple[str, int]] | None]]
    full: bool


def _among_recipients(
    notices: "models.QuerySet[Notice]", *, after: int | None, upto: int | None
) -> "models.QuerySet[Notice]":
    if after is not None:
        notices = notices.filter(recipient_id__gt=after)
    if upto is not None:
        notices = notices.filter(recipient_id__lte=upto)
    return notices


def _stores_of(
    *, alert: Alert, recipients: Iterable[Recipient], store_size: int, now: datetime
) -> Iterator[_Store]:
    """Stores of recipients chosen here, ``store_size`` at a time. They come in the order of
    their ids, so the notices of a store are the alert's notices with recipient ids in its
    range (those an earlier run stored too)."""
    after = None
    for chunk in _batched(recipients, store_size):
        upto = chunk[-1].user_id
        store = partial(_store_recipients, alert=alert, recipients=chunk, now=now)
        yield _Store(after, upto, store, full=len(chunk) == store_size)
        after = upto


def _store_recipients(
    again: bool, *, alert: Alert, recipients: list[Recipient], now: datetime
) -> tuple[int, list[tuple[str, int]] | None]:
    # Stored by COPY or Django's bulk insert, skipping whatever is stored already.
    return len(recipients), _store(alert=alert, recipients=recipients, now=now)


def _stores_chosen_in_sql(
    *, alert: Alert, scheme_ids: list[int], store_size: int, now: datetime
) -> Iterator[_Store]:
    """PostgreSQL: stores whose recipients and channels the database chooses as it stores
    their notices (``recipient_channels``), a range of user ids at a time: each store is
    one INSERT ... SELECT, and no recipient passes through Python."""
    if not scheme_ids:
        return
    bounds = recipient_bounds(alert=alert, scheme_ids=scheme_ids, every=store_size)
    for after, upto in pairwise([None, *bounds, None]):
        store = partial(
            _store_chosen, alert=alert, scheme_ids=scheme_ids, after=after, upto=upto, now=now
        )
        yield _Store(after, upto, store, full=upto is not None)


def _delivery_batches(
    notices: Iterable[tuple[str, int]], *, store_size: int, size: int
) -> Iterator[list[int]]:
    """The batches of a store's notices ((channel, id) pairs), each channel's in the order
    of their ids. The cheap channels' batches go first: an in-app batch is one UPDATE, an
    email batch talks to a mail server, and a worker takes batches in the order queued. The
    store's in-app notices make one batch: a single UPDATE of a few thousand rows costs less
    than a task for every few hundred of them."""
    by_channel: dict[str, list[int]] = defaultdict(list)
    for channel, notice_id in notices:
        by_channel[channel].append(notice_id)
    for channel in CHANNEL_ORDER:
        per_batch = store_size if channel == Channel.IN_APP else size
        yield from _batched(sorted(by_channel.get(channel, ())), per_batch)


def _recipients_of_replaced(alert: Alert, replaced_id: int) -> Iterator[Recipient]:
    """Those the replaced alert reached, on the same channels, in the order of their ids;
    and its issuer in the app, when someone else wrote this replacement."""
    reached = (
        Notice.objects.filter(alert_id=replaced_id)
        .exclude(recipient_id=alert.issuer_id)
        .order_by("recipient_id")
        .values_list("recipient_id", "channel")
        .iterator(chunk_size=RECIPIENTS_FETCH)
    )
    # Whoever wrote the alert being replaced hears of a change someone else made to it.
    original_issuer = Alert.objects.filter(pk=replaced_id).values_list("issuer_id", flat=True).get()
    issuer = (
        []
        if original_issuer in (None, alert.issuer_id)
        else [(original_issuer, Channel.IN_APP.value)]
    )
    pairs = heapq.merge(reached, issuer, key=itemgetter(0))
    people = (
        (user_id, frozenset(channel for _, channel in group))
        for user_id, group in groupby(pairs, key=itemgetter(0))
    )
    for chunk in _batched(people, RECIPIENTS_FETCH):
        # In-app notices go at once whatever the preferences say (``delivery_plan``); only
        # those who hear on another channel need theirs.
        preferences = Preference.objects.in_bulk(
            [user_id for user_id, channels in chunk if channels != {Channel.IN_APP}],
            field_name="user_id",
        )
        for user_id, channels in chunk:
            yield Recipient(user_id, channels, preferences.get(user_id))


def _store(
    *, alert: Alert, recipients: list[Recipient], now: datetime
) -> list[tuple[str, int]] | None:
    """Store the notices of ``recipients``, leaving alone any already stored (the unique
    alert, recipient and channel); returns the channels and ids of those it stored that wait
    for delivery (all but the in-app ones, stored delivered), when the database says
    (PostgreSQL), else None."""
    rows = [
        (
            recipient.user_id,
            channel,
            *delivery_plan(
                preference=recipient.preference, urgency=alert.urgency, channel=channel, now=now
            ),
        )
        for recipient in recipients
        for channel in sorted(recipient.channels)
    ]
    if _stores_by_copy():
        return _store_by_copy(alert_id=alert.pk, rows=rows, now=now)
    # Elsewhere (SQLite, for running locally) Django's bulk insert, which skips conflicts too
    # (and then cannot say which rows it stored).
    stored_at = timezone.now()
    Notice.objects.bulk_create(
        (
            Notice(
                alert=alert,
                recipient_id=user_id,
                channel=channel,
                deliver_after=deliver_after,
                in_digest=in_digest,
                **(_delivered_in_app(stored_at) if channel == Channel.IN_APP else {}),
            )
            for user_id, channel, deliver_after, in_digest in rows
        ),
        ignore_conflicts=True,
    )
    return None


def _store_chosen(
    again: bool,
    *,
    alert: Alert,
    scheme_ids: list[int],
    after: int | None,
    upto: int | None,
    now: datetime,
) -> tuple[int, list[tuple[str, int]]]:
    """PostgreSQL: store the notices of the alert's recipients with ids in the range
    (``after``, ``upto``], on the channels the database chooses for them
    (``recipient_channels``), leaving alone (``again``) any already stored; returns how many
    people they are, and the channels and ids of the notices stored that wait for delivery.

    Their timing is Python's (``timing.plan_outside_inbox``): the few whose settings may
    hold a notice are read first, and the notices outside their inbox are stored with what
    it says; everyone else's go at once."""
    held: dict[int, tuple[datetime | None, bool]] = {}
    if alert.urgency != Urgency.IMMEDIATE:
        for preference in holding_preferences(
            alert=alert, scheme_ids=scheme_ids, after=after, upto=upto
        ):
            plan = plan_outside_inbox(preference=preference, urgency=alert.urgency, now=now)
            if plan != (None, False):
                held[preference.user_id] = plan
    channels = recipient_channels(alert=alert, scheme_ids=scheme_ids, after=after, upto=upto)
    offered_sql, offered_params = channels.query.sql_with_params()
    table = connection.ops.quote_name(Notice._meta.db_table)
    skip_stored = "ON CONFLICT (alert_id, recipient_id, channel) DO NOTHING" if again else ""
    stored_at = timezone.now()
    with connection.cursor() as cursor:
        # A member of several schemes has a row for each: what they hear on is the union of
        # what each row offers. In-app notices are stored delivered (see _delivered_in_app),
        # the others queued. One row back: the people reached, and the notices stored that
        # wait for delivery (not those a conflict skipped).
        cursor.execute(
            f"""
            WITH offered AS MATERIALIZED (
                SELECT DISTINCT user_id, jsonb_array_elements_text(offered) AS channel
                FROM ({offered_sql}) memberships
            ),
            stored AS (
                INSERT INTO {table} (alert_id, recipient_id, channel, deliver_after,
                                     in_digest, state, attempts, last_error, queued_at,
                                     superseded, claimed_at, sent_at)
                SELECT %s, offered.user_id, offered.channel, held.deliver_after,
                       COALESCE(held.in_digest, false),
                       CASE WHEN in_app THEN %s ELSE %s END,
                       CASE WHEN in_app THEN 1 ELSE 0 END, '', %s, false,
                       CASE WHEN in_app THEN %s::timestamptz END,
                       CASE WHEN in_app THEN %s::timestamptz END
                FROM (SELECT *, channel = %s AS in_app FROM offered) offered
                LEFT JOIN unnest(%s::bigint[], %s::timestamptz[], %s::boolean[])
                    AS held (user_id, deliver_after, in_digest)
                    ON held.user_id = offered.user_id AND NOT in_app
                ORDER BY offered.user_id, offered.channel
                {skip_stored}
                RETURNING channel, id, state
            )
            SELECT (SELECT count(DISTINCT user_id) FROM offered),
                   array_agg(channel ORDER BY id), array_agg(id ORDER BY id)
            FROM stored WHERE state = %s
            """,  # noqa: S608 (the table name is the model's; the rest is the ORM's)
            [
                *offered_params,
                alert.pk,
                NoticeState.SENT,
                NoticeState.QUEUED,
                now,
                stored_at,
                stored_at,
                Channel.IN_APP,
                list(held),
                [deliver_after for deliver_after, _ in held.values()],
                [in_digest for _, in_digest in held.values()],
                NoticeState.QUEUED,
            ],
        )
        people, channels_stored, ids = cursor.fetchone()
    return people, list(zip(channels_stored or (), ids or (), strict=True))


def _delivered_in_app(at: datetime) -> dict[str, object]:
    """What an in-app notice is stored with: delivered, by being stored. The inbox reads
    the notices themselves, so there is nothing more to do for it; a separate delivery's
    UPDATE used to rewrite every in-app notice (and its index entries) a moment after it was
    written, which was a third of the work of storing an alert's notices."""
    return {"state": NoticeState.SENT, "attempts": 1, "claimed_at": at, "sent_at": at}


def _stores_in_sql() -> bool:
    return connection.vendor == "postgresql"


def _stores_by_copy() -> bool:
    return connection.vendor == "postgresql"


def _refresh_statistics() -> None:
    """Have PostgreSQL look at the notices again once a large audience's first thousands are
    stored. Until autovacuum does (a minute or more later), its statistics may say that
    hardly any notice is queued, and it then plans each delivery's claim as a scan of every
    queued notice (the partial index ``notice_waiting``) instead of looking its batch up by
    id, each batch slower than the last. ANALYZE reads a sample of fixed size, whatever the
    size of the table. Only the columns of that index, which the claim's plan turns on: from
    the same sample it then computes two columns' statistics instead of every column's, and
    (columns named) it leaves autovacuum's count of changes alone, so that the whole table
    is still analysed in its turn."""
    if connection.vendor != "postgresql":
        return
    table = connection.ops.quote_name(Notice._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table} (state, deliver_after)")


def _store_by_copy(
    *, alert_id: int, rows: list[tuple[int, str, datetime | None, bool]], now: datetime
) -> list[tuple[str, int]]:
    """PostgreSQL: COPY the rows into a staging table of this connection, then move them
    into the notices in one INSERT ... SELECT, where ON CONFLICT keeps a second run from
    storing a notice twice (COPY itself cannot skip a conflict). COPY takes the rows in
    psycopg's compiled code; rendered as SQL parameters, the same rows took longer to send
    than to store. Returns the channels and ids of the notices stored that wait for
    delivery, as the INSERT returns them (not those a conflict skipped)."""
    table = connection.ops.quote_name(Notice._meta.db_table)
    with connection.cursor() as cursor:
        # Kept for the connection's life; each store empties it as it reads it.
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS notice_staging (recipient_id bigint,"
            " channel varchar(10), deliver_after timestamptz, in_digest boolean)"
        )
        with cursor.copy(
            "COPY notice_staging (recipient_id, channel, deliver_after, in_digest) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row(row)
        # In-app notices are stored delivered (see _delivered_in_app), the others queued.
        cursor.execute(
            f"""
            WITH staged AS (DELETE FROM notice_staging RETURNING *),
            stored AS (
                INSERT INTO {table} (alert_id, recipient_id, channel, deliver_after, in_digest,
                                     state, attempts, last_error, queued_at, superseded,
                                     claimed_at, sent_at)
                SELECT %(alert)s, recipient_id, channel, deliver_after, in_digest,
                       CASE WHEN in_app THEN %(sent)s ELSE %(queued)s END,
                       CASE WHEN in_app THEN 1 ELSE 0 END, '', %(now)s, false,
                       CASE WHEN in_app THEN %(stored_at)s END,
                       CASE WHEN in_app THEN %(stored_at)s END
                FROM (SELECT *, channel = %(in_app)s AS in_app FROM staged) staged
                ORDER BY recipient_id, channel
                ON CONFLICT (alert_id, recipient_id, channel) DO NOTHING
                RETURNING channel, id, state
            )
            SELECT channel, id FROM stored WHERE state = %(queued)s
            """,  # noqa: S608 (the table name is the model's, not input)
            {
                "alert": alert_id,
                "sent": NoticeState.SENT,
                "queued": NoticeState.QUEUED,
                "now": now,
                "stored_at": timezone.now(),
                "in_app": Channel.IN_APP,
            },
        )
        return cursor.fetchall()


def notices_supersede(
    *, alert: Alert, recipients: tuple[int | None, int | None] = (None, None)
) -> int:
    """In each inbox the alert reached (of recipients with ids in the range ``recipients``,
    (after, upto], open where None), its card takes the place of its incident's earlier
    ones: their notices are marked superseded. Safe to run again."""
    after, upto = recipients
    reached = _among_recipients(
        Notice.objects.filter(alert=alert, channel=Channel.IN_APP), after=after, upto=upto
    )
    return (
        Notice.objects.filter(
            channel=Channel.IN_APP,
            superseded=False,
            alert__incident_id=alert.incident_id,
            recipient_id__in=reached.values("recipient_id"),
        )
        .exclude(alert=alert)
        .update(superseded=True)
    )


@dataclass
class DeliveryOutcome:
    delivered: int = 0
    failed: int = 0
    # Notices that failed for a passing reason, and when the last of them is due again.
    retry: list[int] = field(default_factory=list)
    retry_at: datetime | None = None

    def retry_later(self, notice_id: int, due: datetime) -> None:
        self.retry.append(notice_id)
        self.retry_at = due if self.retry_at is None else max(self.retry_at, due)


def _claimable(now: datetime) -> Q:
    """Queued, due, and with attempts left: what a delivery may claim."""
    due = Q(deliver_after__isnull=True) | Q(deliver_after__lte=now)
    return Q(state=NoticeState.QUEUED, attempts__lt=settings.NOTIFICATIONS_MAX_ATTEMPTS) & due


# An alert that no longer stands: what was not yet sent of it would only tell of something
# over. Its cancellation, though, must still reach everyone (it is an alert of its own).
_NO_LONGER_STANDING = [AlertStatus.CANCELLED, AlertStatus.EXPIRED]


def notices_withdraw(*, alert_ids: Iterable[int]) -> int:
    """Withdraw the notices of alerts that were cancelled or have expired."""
    return _withdraw(Notice.objects.filter(alert_id__in=alert_ids))


def _withdraw(notices: "models.QuerySet[Notice]") -> int:
    """Withdraw those of ``notices`` still waiting: held for quiet hours or a digest, or for
    another attempt. In-app notices stay: the inbox is the record of what was said, and the
    cancellation refers to it."""
    return (
        notices.filter(state=NoticeState.QUEUED)
        .exclude(channel=Channel.IN_APP)
        .exclude(alert__message_type=MessageType.CANCEL)
        .update(state=NoticeState.WITHDRAWN)
    )


def _among(notice_ids: list[int]) -> Q:
    """The notices of a batch. On PostgreSQL their ids go as one array parameter rather
    than one parameter each: a batch's three queries spent longer having their five hundred
    placeholders rendered than running."""
    if connection.vendor == "postgresql":
        return Q(pk__in=RawSQL("SELECT unnest(%s::bigint[])", [notice_ids]))
    return Q(pk__in=notice_ids)


def notices_deliver(*, notice_ids: list[int]) -> DeliveryOutcome:
    """Deliver the notices of one batch that are due and not yet taken by anyone."""
    now = timezone.now()
    outcome = DeliveryOutcome()
    # Of alerts cancelled or expired since these notices were queued.
    batch = _among(notice_ids)
    _withdraw(Notice.objects.filter(batch, alert__status__in=_NO_LONGER_STANDING))

    outcome.delivered += Notice.objects.filter(
        _claimable(now), batch, channel=Channel.IN_APP, in_digest=False
    ).update(state=NoticeState.SENT, claimed_at=now, sent_at=now, attempts=F("attempts") + 1)

    others = (
        Notice.objects.filter(_claimable(now), batch, in_digest=False)
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
            for index, notice in enumerate(notices):
                put_off_until = _deliver_one(sender, notice, outcome)
                if put_off_until is not None:
                    # The channel's rate limit has no turn for this batch yet: the rest of it
                    # waits too, in its order, without an attempt counted against any of it.
                    rest = [later.pk for later in notices[index + 1 :]]
                    _hold(rest, until=put_off_until)
                    for notice_id in [notice.pk, *rest]:
                        outcome.retry_later(notice_id, put_off_until)
                    break
        finally:
            sender.close()
    return outcome


def _hold(ids: list[int], *, until: datetime) -> None:
    """Hold queued notices until ``until`` for the task that will retry them, marked as taken
    in hand so that the sweep leaves them to it for the lease."""
    now = timezone.now()
    Notice.objects.filter(_claimable(now), pk__in=ids).update(deliver_after=until, claimed_at=now)


def _claim(claimable: "models.QuerySet[Notice]", *, now: datetime, at: datetime) -> int:
    """Take notices for sending by a conditional update, counting the attempt before
    anything is sent; returns how many this call took. ``now`` decides what is due, ``at``
    is the claim's time (the start of its lease)."""
    return claimable.filter(_claimable(now)).update(
        state=NoticeState.SENDING, claimed_at=at, attempts=F("attempts") + 1
    )


def _send_and_record(
    ids: list[int], *, attempts: int, claimed_at: datetime, send: Callable[[], str | None]
) -> tuple[str, datetime | None]:
    """Send claimed notices (one notice, or a digest of several) and record the outcome:
    ("sent" | "failed" | "retry" | "put off", when the retry is due). ``attempts`` counts
    this one. Put off means the channel's rate limit had no turn for it: nothing was sent,
    so the attempt is given back."""
    try:
        provider_id = send()
    except RateLimited as exc:
        due = timezone.now() + timedelta(seconds=exc.retry_after)
        Notice.objects.filter(pk__in=ids, state=NoticeState.SENDING).update(
            state=NoticeState.QUEUED, attempts=F("attempts") - 1, deliver_after=due
        )
        return "put off", due
    except PermanentFailure as exc:
        _record_failure(ids, str(exc))
        return "failed", None
    except Exception as exc:  # whatever went wrong, the notice must not stall
        # TransientFailure, or something no channel expected (a bug, a library's own
        # error): both are counted, stored and retried until the attempts run out.
        if not isinstance(exc, TransientFailure):
            logger.exception("Sending notices %s failed unexpectedly", ids)
        error = str(exc) or type(exc).__name__
        if attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
            _record_failure(ids, error)
            return "failed", None
        due = claimed_at + retry_backoff(attempts)
        _record_failure(ids, error, due=due)
        return "retry", due
    Notice.objects.filter(pk__in=ids, state=NoticeState.SENDING).update(
        state=NoticeState.SENT,
        sent_at=timezone.now(),
        last_error="",
        # A message sent again (Notify's technical failure) has its own id and receipt.
        provider_id=provider_id,
        receipt="",
        receipt_at=None,
    )
    return "sent", None


def _record_failure(ids: list[int], error: str, *, due: datetime | None = None) -> None:
    """Record a failure: final, or (with ``due``) to be tried again from then."""
    if due is None:
        changes: dict[str, object] = {"state": NoticeState.FAILED}
    else:
        changes = {"state": NoticeState.QUEUED, "deliver_after": due}
    Notice.objects.filter(pk__in=ids, state=NoticeState.SENDING).update(
        last_error=error[:500], **changes
    )


def _in_their_language(person: User, send: Callable[..., R], *args: Any) -> R:
    """Send a message written in the language its recipient chose (tasks run in none): the
    words of Patchwatch's own around the alert's, which is as its author wrote it."""
    with translation.override(person.django_language):
        return send(*args)


def _deliver_one(sender: Sender, notice: Notice, outcome: DeliveryOutcome) -> datetime | None:
    """Claim, send and record one notice; when the channel's rate limit put it off, until
    when."""
    claimed_at = timezone.now()
    # Only as this delivery read it: if another attempt was made since, it is not ours.
    unchanged = Notice.objects.filter(pk=notice.pk, attempts=notice.attempts)
    if not _claim(unchanged, now=claimed_at, at=claimed_at):
        return None  # another delivery has it, or it is done, withdrawn, waiting or spent
    result, due = _send_and_record(
        [notice.pk],
        attempts=notice.attempts + 1,
        claimed_at=claimed_at,
        send=partial(_in_their_language, notice.recipient, sender.send, notice),
    )
    if result == "sent":
        outcome.delivered += 1
    elif result == "failed":
        outcome.failed += 1
    elif result == "put off":
        return due
    elif due is not None:
        outcome.retry_later(notice.pk, due)
    return None


def notices_sweep(*, now: datetime | None = None) -> list[list[int]]:
    """Batches of notices to hand to delivery again, for the periodic sweep.

    A claim whose worker died (older than the lease) goes back to the queue, or is recorded
    as failed if it had its last attempt. Then, of the queued notices outside digests, those
    that are due (their quiet hours or backoff over) and that no delivery holds: never
    handed out, or last taken in hand longer ago than the lease. Notices a delivery task is
    about to deliver or retry are left to it for the lease; a notice that is still waiting
    for its quiet hours or backoff is left alone, not handed out as a task with nothing to
    do. Those handed out are marked as taken in hand, so the next sweep does not hand them
    out again while their task waits in the queue.
    """
    now = now or timezone.now()
    expired = now - timedelta(seconds=settings.NOTIFICATIONS_CLAIM_LEASE_SECONDS)
    abandoned = Notice.objects.filter(state=NoticeState.SENDING, claimed_at__lt=expired)
    abandoned.filter(attempts__gte=settings.NOTIFICATIONS_MAX_ATTEMPTS).update(
        state=NoticeState.FAILED,
        last_error="Gave up: the worker sending it stopped on its last attempt.",
    )
    abandoned.update(state=NoticeState.QUEUED)

    fresh = Q(claimed_at__isnull=True) & (
        # A held notice has no task waiting for it; a new one has the dispatch's own task.
        Q(deliver_after__isnull=False) | Q(queued_at__lt=expired)
    )
    handed_out_long_ago = Q(claimed_at__lt=expired)
    ids = list(
        Notice.objects.filter(_claimable(now), fresh | handed_out_long_ago, in_digest=False)
        .order_by(Coalesce("claimed_at", "queued_at").asc(), "id")
        .values_list("id", flat=True)[:SWEEP_LIMIT]
    )
    for chunk in _chunks(ids, 5000):
        Notice.objects.filter(pk__in=chunk, state=NoticeState.QUEUED).update(claimed_at=now)
    return _chunks(ids, settings.NOTIFICATIONS_BATCH_SIZE)


def alerts_awaiting_dispatch(*, now: datetime | None = None) -> list[int]:
    """Alerts published more than a lease ago whose notices were never queued: the broker
    could not be reached when they were published, or the task was lost with it. Alerts
    that no longer stand are left: what they said is over; but a cancellation (itself
    marked cancelled) must still go, until it expires."""
    now = now or timezone.now()
    expired = now - timedelta(seconds=settings.NOTIFICATIONS_CLAIM_LEASE_SECONDS)
    standing = Q(status=AlertStatus.PUBLISHED) | Q(
        message_type=MessageType.CANCEL, status=AlertStatus.CANCELLED, expires_at__gt=now
    )
    return list(
        Alert.objects.filter(
            standing,
            notices_queued_at__isnull=True,
            published_at__lt=expired,
        )
        .order_by("published_at", "id")
        .values_list("pk", flat=True)
    )


def digests_send(*, now: datetime | None = None) -> int:
    """Send each recipient whose digest is due one message per channel listing their held
    alerts; returns how many digests went. A digest that fails is retried with the same
    backoff and cap as a single notice, and recorded as failed after the last attempt."""
    now = now or timezone.now()
    due = Notice.objects.filter(_claimable(now), in_digest=True)
    sent = 0
    pairs = set(due.order_by().values_list("recipient_id", "channel"))
    for recipient_id, channel in sorted(pairs):
        claimed_at = timezone.now()
        with transaction.atomic():
            # Lock what this digest will list; a digest being sent at the same moment by
            # another worker keeps the notices it locked (skipped here) and sends them itself.
            notices = list(
                due.filter(recipient_id=recipient_id, channel=channel)
                .select_related("alert", "recipient")
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("id")
            )
            if not notices:
                continue
            # Locked, and selected as claimable in this transaction: the claim takes them all.
            _claim(Notice.objects.filter(pk__in=[n.pk for n in notices]), now=now, at=claimed_at)
        sender = sender_for(channel)
        try:
            result, _ = _send_and_record(
                [notice.pk for notice in notices],
                # The claim counted this attempt on the rows, not on these copies of them.
                attempts=max(notice.attempts for notice in notices) + 1,
                claimed_at=claimed_at,
                send=partial(_in_their_language, notices[0].recipient, sender.send_digest, notices),
            )
        finally:
            sender.close()
        if result == "sent":
            sent += 1
    return sent
