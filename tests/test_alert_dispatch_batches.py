"""Storing an alert's notices a batch at a time: a large audience is streamed from the
database, its notices stored in batches (by COPY on PostgreSQL, by Django's bulk
insert elsewhere), each batch's delivery enqueued as it is committed."""

import threading
from collections import defaultdict
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications import dispatch
from notifications.models import Alert, Notice, Preference, PushSubscription
from tests.alerts import draft_alert
from tests.factories import MembershipFactory, SchemeFactory

pytestmark = pytest.mark.django_db

CHANNELS = ("email", "in_app")


@pytest.fixture(params=["sql", "copy", "portable"])
def store(request, monkeypatch) -> str:
    """Every way of storing: recipients and channels chosen by PostgreSQL as it stores
    them; chosen in Python and stored by COPY (as an update's are); and chosen in Python and
    stored by the bulk insert SQLite uses (which runs on PostgreSQL too)."""
    if request.param in ("copy", "portable"):
        monkeypatch.setattr(dispatch, "_stores_in_sql", lambda: False)
    if request.param == "portable":
        monkeypatch.setattr(dispatch, "_stores_by_copy", lambda: False)
    return request.param


def _members(scheme, count: int) -> list[int]:
    """Volunteers who chose email besides the in-app inbox: two notices each, the in-app one
    delivered by being stored, the email handed out for delivery."""
    users = [MembershipFactory(scheme=scheme).user for _ in range(count)]
    Preference.objects.bulk_create(Preference(user=user, channels=["email"]) for user in users)
    return sorted(user.pk for user in users)


def _published(liaison) -> Alert:
    alert = draft_alert(liaison, audience="members", urgency="Expected")
    Alert.objects.filter(pk=alert.pk).update(status="published", published_at=timezone.now())
    return alert


def test_queueing_twice_stores_each_notice_once_and_hands_out_the_queued_again(
    store, scheme, coordinator, liaison, django_capture_on_commit_callbacks
) -> None:
    members = _members(scheme, 4)
    alert = _published(liaison)
    handed: list[list[int]] = []
    with django_capture_on_commit_callbacks(execute=True):
        first = dispatch.alert_queue_notices(alert_id=alert.pk, deliver=handed.append)
    stored = sorted(Notice.objects.filter(alert=alert).values_list("recipient_id", "channel"))
    people = [*members, coordinator.pk]
    assert stored == sorted([(user_id, channel) for user_id in people for channel in CHANNELS])
    ids = set(Notice.objects.filter(alert=alert).values_list("id", flat=True))
    emails = set(Notice.objects.filter(alert=alert, channel="email").values_list("id", flat=True))
    # The in-app notices are delivered by being stored; the emails make one batch.
    in_app = Notice.objects.filter(alert=alert, channel="in_app")
    assert set(in_app.values_list("state", "attempts")) == {("sent", 1)}
    assert all(notice.sent_at == notice.claimed_at is not None for notice in in_app)
    assert first == 1
    assert sorted(id for batch in handed for id in batch) == sorted(emails)

    # One email is delivered; a second run (the task delivered again) stores nothing new,
    # and hands out again only what is still queued: the other emails.
    delivered, *waiting = sorted(emails)
    Notice.objects.filter(pk=delivered).update(state="sent")
    handed.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = dispatch.alert_queue_notices(alert_id=alert.pk, deliver=handed.append)
    assert set(Notice.objects.filter(alert=alert).values_list("id", flat=True)) == ids
    assert (again, handed) == (1, [waiting])
    alert.refresh_from_db()
    assert alert.recipients_count == 5


def test_in_app_notices_are_stored_delivered_and_only_the_others_are_handed_out(
    store, scheme, liaison, settings, django_capture_on_commit_callbacks
) -> None:
    """The inbox reads the notices, so an in-app notice is delivered by being stored: no
    delivery rewrites it a moment later, and none waits behind a slow email batch."""
    settings.NOTIFICATIONS_BATCH_SIZE = 2
    # Members who kept the default channels (in the app and by email).
    for _ in range(3):
        MembershipFactory(scheme=scheme)
    alert = _published(liaison)
    handed: list[list[int]] = []
    with django_capture_on_commit_callbacks(execute=True):
        dispatch.alert_queue_notices(alert_id=alert.pk, deliver=handed.append)
    channel = dict(Notice.objects.filter(alert=alert).values_list("id", "channel"))
    assert [({channel[id] for id in batch}, len(batch)) for batch in handed] == [
        ({"email"}, 2),
        ({"email"}, 1),
    ]
    states = Notice.objects.filter(alert=alert).values_list("channel", "state")
    assert sorted(states) == [("email", "queued")] * 3 + [("in_app", "sent")] * 3


# Committed for real, as on a worker: each store is its own transaction.
@pytest.mark.django_db(transaction=True)
def test_a_large_audience_is_stored_and_handed_out_a_batch_at_a_time(
    store, scheme, liaison, settings, monkeypatch
) -> None:
    settings.NOTIFICATIONS_BATCH_SIZE = 3
    settings.NOTIFICATIONS_STORE_CONNECTIONS = 1  # one store after another, in order
    monkeypatch.setattr(dispatch, "STORE_RECIPIENTS", 3)
    members = _members(scheme, 10)
    alert = _published(liaison)
    # What was stored when each batch was handed out: each batch goes once its own notices
    # are committed, before the next recipients are read.
    handed: list[tuple[list[int], int]] = []

    def deliver(notice_ids: list[int]) -> None:
        handed.append((notice_ids, Notice.objects.filter(alert=alert, channel="email").count()))

    batches = dispatch.alert_queue_notices(alert_id=alert.pk, deliver=deliver)
    assert batches == 4
    assert [stored for _, stored in handed] == [3, 6, 9, 10]
    recipients = dict(
        Notice.objects.filter(alert=alert, channel="email").values_list("id", "recipient_id")
    )
    # In the order of the recipients' ids, three at a time.
    assert [[recipients[id] for id in ids] for ids, _ in handed] == [
        members[0:3],
        members[3:6],
        members[6:9],
        members[9:10],
    ]


def _queries_to_store(alert: Alert) -> int:
    with CaptureQueriesContext(connection) as queries:
        dispatch.alert_queue_notices(alert_id=alert.pk)
    return len(queries)


def test_storing_takes_queries_per_batch_not_per_notice(
    store, scheme, liaison, settings, monkeypatch
) -> None:
    settings.NOTIFICATIONS_BATCH_SIZE = 5
    monkeypatch.setattr(dispatch, "STORE_RECIPIENTS", 20)
    queries, members = {}, 0
    for audience in [6, 19, 40, 60, 80]:
        _members(scheme, audience - members)
        members = audience
        alert = _published(liaison)
        queries[audience] = _queries_to_store(alert)
        assert Notice.objects.filter(alert=alert).count() == audience * len(CHANNELS)
    # 6 recipients and 19 are one store each; after that, each store of 20 more recipients
    # takes the same few queries.
    assert queries[6] == queries[19]
    per_store = queries[60] - queries[40]
    assert queries[80] - queries[60] == per_store <= 6


def test_a_first_run_hands_out_what_it_stored_without_reading_it_back(
    scheme, coordinator, liaison, settings, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    """On PostgreSQL the INSERT returns the ids it stored; only the check whether the alert
    has any notices yet reads them."""
    settings.NOTIFICATIONS_BATCH_SIZE = 3
    monkeypatch.setattr(dispatch, "STORE_RECIPIENTS", 3)
    _members(scheme, 7)
    alert = _published(liaison)
    handed: list[list[int]] = []
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        dispatch.alert_queue_notices(alert_id=alert.pk, deliver=handed.append)
    reads = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith("SELECT") and '"notifications_notice"' in query["sql"]
    ]
    assert len(reads) == 1 and "LIMIT 1" in reads[0]
    notices = Notice.objects.filter(alert=alert)
    people = sorted(set(notices.values_list("recipient_id", flat=True)))
    assert len(people) == 8  # the members and the coordinator, who hears by email too

    def ids(recipients: list[int], channel: str) -> list[int]:
        return sorted(
            notices.filter(recipient_id__in=recipients, channel=channel).values_list(
                "id", flat=True
            )
        )

    # A store of 3 recipients at a time, each store's emails (the in-app notices are
    # delivered by being stored).
    assert handed == [ids(people[start : start + 3], "email") for start in range(0, 8, 3)]
    assert set(notices.filter(channel="in_app").values_list("state", flat=True)) == {"sent"}


@pytest.mark.django_db(transaction=True)
def test_a_run_after_one_cut_short_hands_out_the_earlier_stores_queued_notices_too(
    store, scheme, liaison, settings, monkeypatch
) -> None:
    """A task delivered again after its worker died mid-way: the notices the first run
    stored and nobody delivered yet go out again with those stored now, store by store."""
    settings.NOTIFICATIONS_BATCH_SIZE = 3
    settings.NOTIFICATIONS_STORE_CONNECTIONS = 1  # one store after another, in order
    monkeypatch.setattr(dispatch, "STORE_RECIPIENTS", 3)
    members = _members(scheme, 9)
    alert = _published(liaison)
    dispatch.alert_queue_notices(alert_id=alert.pk)
    everything = Notice.objects.filter(alert=alert)
    notices = everything.filter(channel="email")
    ids = dict(notices.values_list("recipient_id", "id"))
    # The first run got as far as its second store, and the first store's first email
    # was delivered.
    everything.filter(recipient_id__gt=members[5]).delete()
    notices.filter(pk=ids[members[0]]).update(state="sent")

    handed: list[list[int]] = []
    dispatch.alert_queue_notices(alert_id=alert.pk, deliver=handed.append)
    ids = dict(notices.values_list("recipient_id", "id"))
    assert handed == [
        [ids[members[1]], ids[members[2]]],
        [ids[member] for member in members[3:6]],
        [ids[member] for member in members[6:9]],
    ]
    assert notices.count() == 9
    assert everything.count() == 9 * len(CHANNELS)


def _cast_of_members(scheme) -> dict[str, int]:
    """Members of ``scheme`` and of a second scheme the alert reaches too, with every kind of
    settings that changes what they hear; by what they are."""
    second = SchemeFactory(name="Romsey Watch", lat=52.1990, lon=0.1420, radius=300)
    now = timezone.localtime()
    people: dict[str, int] = {}

    def member(name: str, *, of=scheme, role="volunteer", status="active", **saved) -> int:
        user = MembershipFactory(scheme=of, role=role, status=status).user
        if saved:
            Preference.objects.create(user=user, **saved)
        people[name] = user.pk
        return user.pk

    member("coordinator, defaults", role="coordinator")
    member("coordinator, no channels saved", role="coordinator", channels=[])
    member(
        "coordinator, texts, other categories, extreme only",
        role="coordinator",
        channels=["sms"],
        categories=["speeding"],
        min_severity="Extreme",
    )
    pushing = member("defaults, a browser allowed push")
    PushSubscription.objects.create(
        user_id=pushing, endpoint="https://push.example/1", p256dh="key", auth="auth"
    )
    member("defaults")
    member("inbox only", channels=[])
    member("other categories", categories=["rural_crime"])
    member(
        "burglary by text and email", categories=["burglary", "speeding"], channels=["sms", "email"]
    )
    member("extreme only", min_severity="Extreme", channels=["email"])
    muted = member("muted this scheme, not the second", channels=["email"])
    Preference.objects.get(user_id=muted).muted_schemes.add(scheme)
    MembershipFactory(scheme=second, user_id=muted)
    member(
        "quiet hours now",
        channels=["email"],
        quiet_from=(now - timedelta(hours=1)).time(),
        quiet_until=(now + timedelta(hours=1)).time(),
    )
    member("digest", channels=["email", "sms"], daily_digest=True)
    both = member("volunteer here for rural crime, coordinator there", categories=["rural_crime"])
    MembershipFactory(scheme=second, user_id=both, role="coordinator")
    member("waiting to join", status="pending")
    return people


NOTICE_FIELDS = ("recipient_id", "channel", "state", "attempts", "deliver_after", "in_digest")


@pytest.mark.parametrize(
    ("audience", "urgency"),
    [("members", "Expected"), ("members", "Immediate"), ("coordinators", "Expected")],
)
def test_the_database_chooses_the_recipients_and_channels_python_does(
    scheme, liaison, monkeypatch, audience, urgency
) -> None:
    """Choosing recipients and channels as the notices are stored (PostgreSQL) stores
    exactly the notices, with the same timing, as choosing them in Python."""
    people = _cast_of_members(scheme)
    stored = {}
    for way in ("sql", "python"):
        monkeypatch.setattr(dispatch, "_stores_in_sql", lambda way=way: way == "sql")
        alert = draft_alert(liaison, audience=audience, urgency=urgency, severity="Severe")
        Alert.objects.filter(pk=alert.pk).update(status="published", published_at=timezone.now())
        dispatch.alert_queue_notices(alert_id=alert.pk)
        stored[way] = sorted(Notice.objects.filter(alert=alert).values_list(*NOTICE_FIELDS))
        alert.refresh_from_db()
        assert alert.recipients_count == len({notice[0] for notice in stored[way]})
    assert stored["sql"] == stored["python"]

    name = {user_id: name for name, user_id in people.items()}
    channels: dict[str, set[str]] = defaultdict(set)
    held = {}
    for user_id, channel, state, attempts, deliver_after, in_digest in stored["sql"]:
        channels[name[user_id]].add(channel)
        assert (state, attempts) == (("sent", 1) if channel == "in_app" else ("queued", 0))
        if deliver_after is not None or in_digest:
            held[name[user_id], channel] = in_digest
    coordinators = {
        "coordinator, defaults": {"in_app", "email"},
        "coordinator, no channels saved": {"in_app", "email"},
        "coordinator, texts, other categories, extreme only": {"in_app", "sms"},
        "volunteer here for rural crime, coordinator there": {"in_app", "email"},
    }
    volunteers = {
        "defaults, a browser allowed push": {"in_app", "email", "push"},
        "defaults": {"in_app", "email"},
        "inbox only": {"in_app"},
        "burglary by text and email": {"in_app", "sms", "email"},
        "muted this scheme, not the second": {"in_app", "email"},
        "quiet hours now": {"in_app", "email"},
        "digest": {"in_app", "email", "sms"},
    }
    assert channels == (coordinators if audience == "coordinators" else coordinators | volunteers)
    if audience == "members" and urgency == "Expected":
        assert held == {
            ("quiet hours now", "email"): False,
            ("digest", "email"): True,
            ("digest", "sms"): True,
        }
    else:
        assert held == {}


@pytest.mark.django_db(transaction=True)
def test_stores_made_on_several_connections_at_once_store_and_hand_out_each_notice_once(
    scheme, liaison, settings, monkeypatch
) -> None:
    settings.NOTIFICATIONS_BATCH_SIZE = 3
    settings.NOTIFICATIONS_STORE_CONNECTIONS = 3
    monkeypatch.setattr(dispatch, "STORE_RECIPIENTS", 3)
    members = _members(scheme, 20)
    alert = _published(liaison)
    handed: list[tuple[list[int], bool]] = []

    def deliver(notice_ids: list[int]) -> None:
        # Handed out as its store commits, on the connection that stored them.
        handed.append((notice_ids, not connection.in_atomic_block))

    assert dispatch.alert_queue_notices(alert_id=alert.pk, deliver=deliver) == 7
    emails = dict(
        Notice.objects.filter(alert=alert, channel="email").values_list("id", "recipient_id")
    )
    assert sorted(id for ids, _ in handed for id in ids) == sorted(emails)
    assert all(committed for _, committed in handed)
    # Each batch is one store's: three recipients in a row.
    assert sorted(sorted(emails[id] for id in ids) for ids, _ in handed) == [
        members[start : start + 3] for start in range(0, 20, 3)
    ]
    assert sorted(Notice.objects.filter(alert=alert).values_list("recipient_id", "channel")) == [
        (member, channel) for member in members for channel in CHANNELS
    ]
    alert.refresh_from_db()
    assert alert.recipients_count == 20

    # Again (the task delivered twice): nothing stored twice, every email handed out again.
    handed.clear()
    assert dispatch.alert_queue_notices(alert_id=alert.pk, deliver=deliver) == 7
    assert sorted(id for ids, _ in handed for id in ids) == sorted(emails)
    assert Notice.objects.filter(alert=alert).count() == 40


@pytest.mark.django_db(transaction=True)
def test_a_store_that_fails_stops_the_other_connections_and_a_run_again_completes_it(
    scheme, liaison, settings, monkeypatch
) -> None:
    settings.NOTIFICATIONS_BATCH_SIZE = 3
    settings.NOTIFICATIONS_STORE_CONNECTIONS = 2
    monkeypatch.setattr(dispatch, "STORE_RECIPIENTS", 3)
    members = _members(scheme, 20)
    alert = _published(liaison)
    store = dispatch._store_chosen
    calls = []

    def failing(again: bool, **range_) -> tuple:
        calls.append(range_["after"])
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return store(again, **range_)

    monkeypatch.setattr(dispatch, "_store_chosen", failing)
    with pytest.raises(RuntimeError, match="the database went away"):
        dispatch.alert_queue_notices(alert_id=alert.pk)
    # Of the 7 stores, the failing one, at most one the other connection had in hand, and
    # those before them.
    assert len(calls) <= 3
    alert.refresh_from_db()
    assert alert.notices_queued_at is None  # the sweep dispatches it again

    monkeypatch.setattr(dispatch, "_store_chosen", store)
    handed: list[list[int]] = []
    assert dispatch.alert_queue_notices(alert_id=alert.pk, deliver=handed.append) == 7
    assert sorted(Notice.objects.filter(alert=alert).values_list("recipient_id", "channel")) == [
        (member, channel) for member in members for channel in CHANNELS
    ]
    emails = Notice.objects.filter(alert=alert, channel="email").values_list("id", flat=True)
    assert sorted(id for batch in handed for id in batch) == sorted(emails)


@pytest.mark.django_db(transaction=True)
def test_a_first_run_that_meets_another_run_storing_the_same_notices_skips_them(
    scheme, liaison, settings, monkeypatch
) -> None:
    """A first run stores without looking for notices already stored; if another run of
    the same dispatch stored some meanwhile (the sweep dispatched the alert again while the
    first was still going), the store is made again skipping them, and so is every store
    after it; each notice is stored once and every queued one handed out."""
    settings.NOTIFICATIONS_BATCH_SIZE = 3
    settings.NOTIFICATIONS_STORE_CONNECTIONS = 1
    monkeypatch.setattr(dispatch, "STORE_RECIPIENTS", 3)
    members = _members(scheme, 9)
    alert = _published(liaison)
    store = dispatch._store_chosen
    told = []

    def racing(again: bool, **range_) -> tuple:
        told.append(again)
        if len(told) == 2:
            # The other run stores the second store's notices, on its own connection.
            def other_run() -> None:
                with transaction.atomic():
                    store(True, **range_)
                connection.close()

            thread = threading.Thread(target=other_run)
            thread.start()
            thread.join()
        return store(again, **range_)

    monkeypatch.setattr(dispatch, "_store_chosen", racing)
    handed: list[list[int]] = []
    assert dispatch.alert_queue_notices(alert_id=alert.pk, deliver=handed.append) == 3
    # The second store met the other run's notices and was made again; those after it
    # (the third, and the empty one after the last bound) looked for stored ones.
    assert told == [False, False, True, True, True]
    emails = dict(
        Notice.objects.filter(alert=alert, channel="email").values_list("recipient_id", "id")
    )
    assert handed == [[emails[member] for member in members[i : i + 3]] for i in (0, 3, 6)]
    assert Notice.objects.filter(alert=alert).count() == 18
