"""Alerts: who may issue them where, which schemes they reach, who hears of them, and the
dispatch of notices (Celery tasks run in-process here; tests/test_alert_worker.py runs them
on a real worker)."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from geopy.distance import distance as geodesic

from backend.celery import app as celery_app
from notifications import dispatch
from notifications.dispatch import (
    alerts_awaiting_dispatch,
    digests_send,
    notices_deliver,
    notices_sweep,
)
from notifications.models import Alert, Notice, Preference
from notifications.services import alert_draft, alert_publish, alerts_expire
from notifications.tasks import expire_alerts, sweep_notices
from schemes.models import Membership
from tests.alerts import draft_alert
from tests.factories import LiaisonFactory, MembershipFactory, SchemeFactory, UserFactory
from tests.processes import free_port, unreachable_smtp

pytestmark = pytest.mark.django_db

ALERTS = "/api/v1/alerts/"
MILL_ROAD = (52.1985, 0.1410)


def _alert(**extra) -> dict:
    body = {
        "title": "Bogus callers on Mill Road",
        "body": "Two men claiming to be from the water board. Do not let them in.",
        "category": "bogus_caller",
        "severity": "Moderate",
        "urgency": "Expected",
        "audience": "members",
        "lat": MILL_ROAD[0],
        "lon": MILL_ROAD[1],
        "radius_m": 500,
        **extra,
    }
    return {key: value for key, value in body.items() if value is not None}


def _east_of(point: tuple[float, float], metres: float) -> tuple[float, float]:
    there = geodesic(meters=metres).destination(point, bearing=90)
    return there.latitude, there.longitude


@pytest.fixture
def publish(client_for, django_capture_on_commit_callbacks):
    """Draft and publish an alert as ``user``; returns the published alert's JSON."""

    def send(user, **extra) -> dict:
        client = client_for(user)
        draft = client.post(ALERTS, _alert(**extra), format="json")
        assert draft.status_code == 201, draft.content
        with django_capture_on_commit_callbacks(execute=True):
            published = client.post(f"{ALERTS}{draft.json()['id']}/publish/")
        assert published.status_code == 200, published.content
        return client.get(f"{ALERTS}{draft.json()['id']}/").json()

    return send


def _inbox(client) -> list[str]:
    return [notice["alert"]["title"] for notice in client.get("/api/v1/inbox/").json()["results"]]


def test_liaison_alert_reaches_coordinators_of_touched_schemes(
    publish, client_for, liaison, scheme, coordinator, outsider
) -> None:
    alert = publish(liaison)
    assert (alert["status"], alert["recipients_count"]) == ("published", 1)
    assert _inbox(client_for(coordinator)) == ["Bogus callers on Mill Road"]
    assert _inbox(client_for(outsider)) == []  # Ely is far outside the area
    notices = Notice.objects.filter(recipient=coordinator).order_by("channel")
    assert [(n.channel, n.state) for n in notices] == [("email", "sent"), ("in_app", "sent")]
    assert [m.subject for m in mail.outbox] == ["[Patchwatch] Bogus callers on Mill Road"]
    assert mail.outbox[0].extra_headers["Message-ID"] == f"<notice-{notices[0].pk}@patchwatch>"


@pytest.mark.parametrize(("gap_m", "reached"), [(-20, True), (20, False)])
def test_circle_edges(publish, client_for, liaison, gap_m, reached) -> None:
    # A 700 m scheme and a 500 m alert whose edges are gap_m apart (negative: overlapping).
    centre = _east_of(MILL_ROAD, 1200 + gap_m)
    scheme = SchemeFactory(name="Edge Watch", lat=centre[0], lon=centre[1], radius=700)
    coordinator = MembershipFactory(scheme=scheme, role="coordinator").user
    publish(liaison)
    assert _inbox(client_for(coordinator)) == (["Bogus callers on Mill Road"] if reached else [])


@pytest.mark.parametrize(("gap_m", "reached"), [(-20, True), (20, False)])
def test_polygon_scheme_edges(publish, client_for, liaison, gap_m, reached) -> None:
    west = _east_of(MILL_ROAD, 500 + gap_m)[1]
    east = west + 0.05
    lat = MILL_ROAD[0]
    ring = [
        [west, lat - 0.02],
        [east, lat - 0.02],
        [east, lat + 0.02],
        [west, lat + 0.02],
        [west, lat - 0.02],
    ]
    scheme = SchemeFactory(
        name="Farm Watch", kind="countryside", polygon={"type": "Polygon", "coordinates": [ring]}
    )
    coordinator = MembershipFactory(scheme=scheme, role="coordinator").user
    publish(liaison)
    assert _inbox(client_for(coordinator)) == (["Bogus callers on Mill Road"] if reached else [])


def test_polygon_alert(publish, client_for, liaison, scheme, coordinator, outsider) -> None:
    lat, lon = MILL_ROAD
    ring = [
        [lon - 0.01, lat - 0.01],
        [lon + 0.01, lat - 0.01],
        [lon, lat + 0.01],
        [lon - 0.01, lat - 0.01],
    ]
    alert = publish(
        liaison,
        lat=None,
        lon=None,
        radius_m=None,
        boundary={"type": "Polygon", "coordinates": [ring]},
    )
    assert alert["radius_m"] is None
    assert _inbox(client_for(coordinator)) == ["Bogus callers on Mill Road"]
    assert _inbox(client_for(outsider)) == []


def test_an_alert_covering_no_scheme(publish, liaison, scheme) -> None:
    far = _east_of(MILL_ROAD, 20_000)
    alert = publish(liaison, lat=far[0], lon=far[1])
    assert alert["recipients_count"] == 0
    assert not Notice.objects.exists()


def test_a_liaison_reaches_only_their_force(
    publish, client_for, foreign_liaison, scheme, coordinator
) -> None:
    publish(foreign_liaison)
    assert _inbox(client_for(coordinator)) == []


def test_targeting_by_scheme_kind(publish, client_for, liaison, scheme, coordinator) -> None:
    speedwatch = SchemeFactory(
        name="Mill Road Speedwatch", kind="speedwatch", lat=MILL_ROAD[0], lon=MILL_ROAD[1]
    )
    speed_coordinator = MembershipFactory(scheme=speedwatch, role="coordinator").user
    publish(liaison, scheme_kinds=["speedwatch"], category="speeding")
    assert _inbox(client_for(speed_coordinator)) == ["Bogus callers on Mill Road"]
    assert _inbox(client_for(coordinator)) == []


def test_volunteers_hear_unless_their_saved_settings_leave_it_out(
    publish, client_for, liaison, scheme, coordinator
) -> None:
    # Members hear all-members alerts by default (in the app and by email); saved settings
    # narrow that. (Before, only volunteers who had saved settings heard anything.)
    def volunteer(name: str, *, saved: bool = True, **preference) -> object:
        user = MembershipFactory(scheme=scheme, user__name=name).user
        if saved:
            Preference.objects.create(user=user, **preference)
        return user

    everything = volunteer("Everything", channels=["email"])
    scams_only = volunteer("Scams", categories=["bogus_caller"])
    burglary_only = volunteer("Burglary", categories=["burglary"])
    severe_only = volunteer("Severe", min_severity="Severe")
    muted = volunteer("Muted")
    muted.alert_preference.muted_schemes.add(scheme)
    unsaved = volunteer("Never saved settings", saved=False)
    publish(liaison)
    heard = set(Notice.objects.filter(channel="in_app").values_list("recipient__name", flat=True))
    assert heard == {"Margaret Ellis", "Everything", "Scams", "Never saved settings"}
    assert set(
        Notice.objects.filter(channel="email").values_list("recipient__name", flat=True)
    ) == {"Margaret Ellis", "Everything", "Never saved settings"}
    assert (everything.notices.count(), scams_only.notices.count()) == (2, 1)
    assert sorted(unsaved.notices.values_list("channel", flat=True)) == ["email", "in_app"]
    assert burglary_only.notices.count() == severe_only.notices.count() == 0
    assert muted.notices.count() == 0


def test_coordinators_only_audience(publish, liaison, scheme, coordinator) -> None:
    volunteer = MembershipFactory(scheme=scheme).user
    Preference.objects.create(user=volunteer)
    publish(liaison, audience="coordinators")
    assert set(Notice.objects.values_list("recipient", flat=True)) == {coordinator.pk}


def test_a_coordinator_publishes_within_their_scheme(
    publish, client_for, scheme, coordinator
) -> None:
    alert = publish(coordinator, scheme=scheme.pk, radius_m=300)
    assert alert["scheme"]["name"] == "Mill Road Neighbourhood Watch"
    assert alert["force"] == "cambridgeshire"


def test_a_coordinator_alert_outside_their_scheme_is_refused(
    client_for, scheme, coordinator
) -> None:
    response = client_for(coordinator).post(
        ALERTS, _alert(scheme=scheme.pk, radius_m=2000), format="json"
    )
    assert response.status_code == 403
    assert response.json()["detail"].startswith(
        "The alert's area reaches outside Mill Road Neighbourhood Watch's area"
    )
    assert not Alert.objects.exists()


@pytest.mark.parametrize("who", ["volunteer", "stranger", "outsider"])
def test_others_cannot_issue_alerts(client_for, request, scheme, who) -> None:
    response = client_for(request.getfixturevalue(who)).post(
        ALERTS, _alert(scheme=scheme.pk, radius_m=300), format="json"
    )
    assert response.status_code == 403
    assert response.json() == {
        "detail": "You can issue alerts only for an active scheme you coordinate."
    }
    assert not Alert.objects.exists()


def test_anonymous_cannot_issue_or_read(anon) -> None:
    assert anon.post(ALERTS, _alert(), format="json").status_code == 401
    assert anon.get("/api/v1/inbox/").status_code == 401


def test_the_coordinator_daily_limit(publish, client_for, scheme, coordinator, settings) -> None:
    settings.NOTIFICATIONS_COORDINATOR_DAILY_LIMIT = 2
    publish(coordinator, scheme=scheme.pk, radius_m=300)
    publish(coordinator, scheme=scheme.pk, radius_m=300)
    client = client_for(coordinator)
    third = client.post(ALERTS, _alert(scheme=scheme.pk, radius_m=300), format="json").json()
    response = client.post(f"{ALERTS}{third['id']}/publish/")
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Coordinators may publish 2 alerts and updates a day; you have reached the "
        "limit. Your police liaison can publish more."
    }


def test_updates_count_against_the_coordinator_daily_limit(
    publish,
    client_for,
    scheme,
    coordinator,
    volunteer,
    settings,
    django_capture_on_commit_callbacks,
) -> None:
    """Each update goes to everyone who had the alert: it is a message like the alert, and
    counts as one. A cancellation only stops an alert, and is always allowed."""
    settings.NOTIFICATIONS_COORDINATOR_DAILY_LIMIT = 2
    original = publish(coordinator, scheme=scheme.pk, radius_m=300)
    client = client_for(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        update = client.post(
            f"{ALERTS}{original['id']}/update_alert/", {"body": "A white van."}, format="json"
        )
    assert update.status_code == 201, update.content

    refused = client.post(
        f"{ALERTS}{update.json()['id']}/update_alert/", {"body": "Now gone."}, format="json"
    )
    assert refused.status_code == 403
    assert refused.json() == {
        "detail": "Coordinators may publish 2 alerts and updates a day; you have reached the "
        "limit. Your police liaison can publish more. You can still cancel the alert."
    }
    draft = client.post(ALERTS, _alert(scheme=scheme.pk, radius_m=300), format="json").json()
    response = client.post(f"{ALERTS}{draft['id']}/publish/")
    assert response.status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        cancel = client.post(
            f"{ALERTS}{update.json()['id']}/cancel/", {"body": "Both men arrested."}, format="json"
        )
    assert cancel.status_code == 201, cancel.content
    assert sorted(Alert.objects.exclude(status="draft").values_list("message_type", "status")) == [
        ("Alert", "cancelled"),
        ("Cancel", "cancelled"),
        ("Update", "cancelled"),
    ]
    # The volunteer heard of the alert, its one update and its cancellation: nothing more.
    assert sorted(
        Notice.objects.filter(recipient=volunteer, channel="in_app").values_list(
            "alert__message_type", flat=True
        )
    ) == ["Alert", "Cancel", "Update"]


def test_update_and_cancel_reach_the_same_recipients(
    publish, client_for, liaison, scheme, coordinator, django_capture_on_commit_callbacks
) -> None:
    original = publish(liaison)
    newcomer = SchemeFactory(name="New Watch", lat=MILL_ROAD[0], lon=MILL_ROAD[1])
    late_coordinator = MembershipFactory(scheme=newcomer, role="coordinator").user
    client = client_for(liaison)
    with django_capture_on_commit_callbacks(execute=True):
        update = client.post(
            f"{ALERTS}{original['id']}/update_alert/",
            {"body": "They now drive a white van."},
            format="json",
        )
    assert update.status_code == 201, update.content
    assert (update.json()["message_type"], update.json()["references"]) == (
        "Update",
        original["id"],
    )
    assert Alert.objects.get(pk=original["id"]).status == "updated"
    with django_capture_on_commit_callbacks(execute=True):
        cancel = client.post(
            f"{ALERTS}{update.json()['id']}/cancel/", {"body": "Both men arrested."}, format="json"
        )
    assert cancel.json()["message_type"] == "Cancel"
    # One card in the inbox for all three (it listed each before), and the three on the
    # thread, newest first.
    inbox = client_for(coordinator).get("/api/v1/inbox/").json()["results"]
    assert [(n["alert"]["message_type"], n["alert"]["incident_status"]) for n in inbox] == [
        ("Cancel", "cancelled")
    ]
    thread = client_for(coordinator).get(f"{ALERTS}{original['id']}/thread/").json()
    assert [(m["message_type"], m["body"]) for m in thread["messages"]] == [
        ("Cancel", "Both men arrested."),
        ("Update", "They now drive a white van."),
        ("Alert", "Two men claiming to be from the water board. Do not let them in."),
    ]
    assert _inbox(client_for(late_coordinator)) == []
    assert [m.subject for m in mail.outbox] == [
        "[Patchwatch] Bogus callers on Mill Road",
        "[Patchwatch] Update: Bogus callers on Mill Road",
        "[Patchwatch] Cancelled: Bogus callers on Mill Road",
    ]


def test_read_marks_and_the_delivery_summary(
    publish, client_for, liaison, scheme, coordinator
) -> None:
    alert = publish(liaison)
    volunteer = MembershipFactory(scheme=scheme).user
    Preference.objects.create(user=volunteer)
    client = client_for(coordinator)
    notice = client.get("/api/v1/inbox/", {"unread": True}).json()["results"][0]
    assert notice["unread"] is True
    assert client.post("/api/v1/inbox/read/", {"ids": [notice["id"]]}, format="json").json() == {
        "marked": 2
    }
    assert client.get("/api/v1/inbox/", {"unread": True}).json()["count"] == 0
    summary = client_for(liaison).get(f"{ALERTS}{alert['id']}/summary/").json()
    assert summary == {
        "recipients": 1,
        "schemes": 1,
        "channels": [
            {
                "channel": "email",
                "total": 1,
                "queued": 0,
                "sent": 1,
                "failed": 0,
                "withdrawn": 0,
                "delivered": 0,
                "undelivered": 0,
                "read": 1,
            },
            {
                "channel": "in_app",
                "total": 1,
                "queued": 0,
                "sent": 1,
                "failed": 0,
                "withdrawn": 0,
                "delivered": 0,
                "undelivered": 0,
                "read": 1,
            },
        ],
    }
    assert client_for(coordinator).get(f"{ALERTS}{alert['id']}/summary/").status_code == 403


def test_replies_go_to_the_issuer(
    publish, client_for, liaison, scheme, coordinator, stranger
) -> None:
    alert = publish(liaison)
    reply = client_for(coordinator).post(
        f"{ALERTS}{alert['id']}/replies/", {"body": "Seen them on Sedgwick Street."}, format="json"
    )
    assert reply.status_code == 201
    replies = client_for(liaison).get(f"{ALERTS}{alert['id']}/replies/").json()["results"]
    assert [(r["author_name"], r["body"]) for r in replies] == [
        ("Margaret Ellis", "Seen them on Sedgwick Street.")
    ]
    assert (
        client_for(stranger)
        .post(f"{ALERTS}{alert['id']}/replies/", {"body": "hi"}, format="json")
        .status_code
        == 404
    )


def test_preview_counts_schemes_and_recipients(
    client_for, liaison, scheme, coordinator, other_scheme, outsider
) -> None:
    volunteer = MembershipFactory(scheme=scheme).user
    Preference.objects.create(user=volunteer)
    response = client_for(liaison).post(f"{ALERTS}preview/", _alert(), format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "schemes": [
            {
                "id": scheme.pk,
                "name": "Mill Road Neighbourhood Watch",
                "kind": "neighbourhood",
                "status": "active",
            }
        ],
        "recipients": 2,
    }
    assert not Alert.objects.exists()


def test_preferences_round_trip(client_for, scheme, volunteer) -> None:
    client = client_for(volunteer)
    # The defaults, until they save their own (it was no channel at all before).
    assert client.get("/api/v1/me/alert-preferences/").json()["channels"] == ["email"]
    body = {
        "channels": ["email"],
        "categories": ["burglary", "bogus_caller"],
        "min_severity": "Moderate",
        "muted_schemes": [scheme.pk],
        "quiet_from": "22:00",
        "quiet_until": "07:00",
        "daily_digest": False,
    }
    response = client.put("/api/v1/me/alert-preferences/", body, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {
        **body,
        "saved": True,
    }
    bad = client.put(
        "/api/v1/me/alert-preferences/",
        {**body, "channels": ["pigeon"], "quiet_until": None},
        format="json",
    )
    assert bad.status_code == 400
    assert set(bad.json()) == {"channels"}


def test_alert_input_errors(client_for, liaison) -> None:
    client = client_for(liaison)
    response = client.post(ALERTS, _alert(category="alien", severity="Huge"), format="json")
    assert response.status_code == 400
    assert response.json() == {
        "category": ['"alien" is not a valid choice.'],
        "severity": ['"Huge" is not a valid choice.'],
    }
    no_radius = client.post(ALERTS, _alert(radius_m=None), format="json")
    assert no_radius.json() == {
        "radius_m": ["Give the area: lat, lon and radius_m, or a boundary."]
    }


def test_members_of_the_scheme_are_the_only_ones_reached(
    publish, liaison, scheme, coordinator
) -> None:
    pending = MembershipFactory(scheme=scheme, status="pending", joined_at=None).user
    Preference.objects.create(user=pending)
    publish(liaison)
    assert not Notice.objects.filter(recipient=pending).exists()
    assert Membership.objects.filter(scheme=scheme).count() == 2


def _quiet_around_now(user, **extra) -> Preference:
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.localtime()
    return Preference.objects.create(
        user=user,
        channels=["email"],
        quiet_from=(now - timedelta(hours=1)).time(),
        quiet_until=(now + timedelta(hours=1)).time().replace(second=0, microsecond=0),
        **extra,
    )


def test_quiet_hours_hold_non_urgent_notices(
    publish, client_for, liaison, scheme, coordinator
) -> None:
    _quiet_around_now(coordinator)
    publish(liaison, urgency="Expected")
    email = Notice.objects.get(recipient=coordinator, channel="email")
    assert (email.state, email.deliver_after is not None) == ("queued", True)
    assert mail.outbox == []
    # The inbox is silent, so it is never held.
    assert _inbox(client_for(coordinator)) == ["Bogus callers on Mill Road"]
    assert notices_sweep() == []  # still quiet: nothing to hand out
    Notice.objects.filter(pk=email.pk).update(deliver_after=email.deliver_after.replace(year=2000))
    for batch in notices_sweep():
        notices_deliver(notice_ids=batch)
    assert Notice.objects.get(pk=email.pk).state == "sent"
    assert len(mail.outbox) == 1


def test_urgent_alerts_ignore_quiet_hours(publish, liaison, scheme, coordinator) -> None:
    _quiet_around_now(coordinator)
    publish(liaison, urgency="Immediate")
    assert Notice.objects.get(recipient=coordinator, channel="email").state == "sent"
    assert len(mail.outbox) == 1


def test_daily_digest_gathers_non_urgent_alerts(publish, liaison, scheme, coordinator) -> None:
    Preference.objects.create(user=coordinator, channels=["email"], daily_digest=True)
    publish(liaison, title="First", urgency="Expected")
    publish(liaison, title="Second", urgency="Future")
    publish(liaison, title="Urgent", urgency="Immediate")
    assert [m.subject for m in mail.outbox] == ["[Patchwatch] Urgent"]
    held = Notice.objects.filter(recipient=coordinator, channel="email", in_digest=True)
    assert held.count() == 2
    due = held.first().deliver_after
    assert digests_send(now=due - timedelta(minutes=1)) == 0
    assert digests_send(now=due + timedelta(minutes=1)) == 1
    digest = mail.outbox[-1]
    assert digest.subject == "[Patchwatch] Your daily digest: 2 alerts"
    assert "First" in digest.body and "Second" in digest.body
    assert set(held.values_list("state", flat=True)) == {"sent"}
    assert digests_send(now=due + timedelta(minutes=2)) == 0  # nothing twice


def test_an_update_needs_a_change_and_a_future_expiry(
    publish, client_for, liaison, scheme, coordinator
) -> None:
    alert = publish(liaison)
    client = client_for(liaison)
    empty = client.post(f"{ALERTS}{alert['id']}/update_alert/", {}, format="json")
    assert (empty.status_code, empty.json()) == (
        400,
        {"non_field_errors": ["Say what the update changes: a new message, title or severity."]},
    )
    past = client.post(
        f"{ALERTS}{alert['id']}/update_alert/",
        {"expires_at": "2020-01-01T00:00:00Z"},
        format="json",
    )
    assert past.json() == {"expires_at": ["The expiry must be in the future."]}
    assert Alert.objects.count() == 1


# --- The issuer's own alert ---------------------------------------------------------------


def test_the_issuer_is_not_sent_their_own_alert(
    publish, client_for, scheme, coordinator, volunteer
) -> None:
    co_coordinator = MembershipFactory(scheme=scheme, role="coordinator").user
    Preference.objects.create(user=volunteer)
    preview = client_for(coordinator).post(
        f"{ALERTS}preview/", _alert(scheme=scheme.pk, radius_m=300), format="json"
    )
    assert preview.json()["recipients"] == 2
    alert = publish(coordinator, scheme=scheme.pk, radius_m=300)
    assert alert["recipients_count"] == 2
    assert set(Notice.objects.values_list("recipient", flat=True)) == {
        co_coordinator.pk,
        volunteer.pk,
    }


def test_a_change_by_someone_else_reaches_the_alerts_issuer(
    publish, client_for, liaison, scheme, coordinator, django_capture_on_commit_callbacks
) -> None:
    co_coordinator = MembershipFactory(scheme=scheme, role="coordinator").user
    original = publish(coordinator, scheme=scheme.pk, radius_m=300)
    with django_capture_on_commit_callbacks(execute=True):
        cancel = client_for(liaison).post(
            f"{ALERTS}{original['id']}/cancel/", {"body": "Sent in error."}, format="json"
        )
    assert cancel.status_code == 201, cancel.content
    cancelled = Notice.objects.filter(alert_id=cancel.json()["id"])
    assert sorted(cancelled.values_list("recipient", "channel")) == sorted(
        [
            (co_coordinator.pk, "email"),
            (co_coordinator.pk, "in_app"),
            (coordinator.pk, "in_app"),  # the issuer, in the inbox only
        ]
    )
    assert _inbox(client_for(liaison)) == []


# --- Drafts, and what the viewer may do ---------------------------------------------------


def _draft(client, **extra) -> dict:
    response = client.post(ALERTS, _alert(**extra), format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_the_author_rewrites_a_draft(client_for, liaison, scheme, coordinator) -> None:
    client = client_for(liaison)
    draft = _draft(client)
    assert (draft["can_manage"], draft["can_edit"], draft["unread_replies"]) == (True, True, 0)
    boundary = {
        "type": "Polygon",
        "coordinates": [
            [[0.13, 52.19], [0.15, 52.19], [0.15, 52.21], [0.13, 52.21], [0.13, 52.19]]
        ],
    }
    edited = client.put(
        f"{ALERTS}{draft['id']}/",
        {
            **_alert(lat=None, lon=None, radius_m=None),
            "title": "Bogus callers around Mill Road",
            "boundary": boundary,
            "audience": "coordinators",
        },
        format="json",
    )
    assert edited.status_code == 200, edited.content
    body = edited.json()
    assert (body["id"], body["title"], body["audience"], body["radius_m"], body["status"]) == (
        draft["id"],
        "Bogus callers around Mill Road",
        "coordinators",
        None,
        "draft",
    )
    assert body["boundary"]["coordinates"] == boundary["coordinates"]
    stored = Alert.objects.get()
    assert (stored.bbox_south, stored.bbox_north) == (52.19, 52.21)
    assert not Notice.objects.exists()


def test_a_draft_edit_is_checked_as_a_new_draft_is(client_for, scheme, coordinator) -> None:
    client = client_for(coordinator)
    draft = _draft(client, scheme=scheme.pk, radius_m=300)
    url = f"{ALERTS}{draft['id']}/"
    missing = client.put(url, {"title": "Only a title"}, format="json")
    assert missing.status_code == 400
    assert {"body", "category", "severity", "urgency"} <= set(missing.json())
    too_wide = client.put(url, _alert(scheme=scheme.pk, radius_m=5000), format="json")
    assert too_wide.status_code == 403
    assert "reaches outside Mill Road Neighbourhood Watch" in too_wide.json()["detail"]
    past = client.put(
        url,
        _alert(scheme=scheme.pk, radius_m=300, expires_at="2020-01-01T00:00:00Z"),
        format="json",
    )
    assert past.json() == {"expires_at": ["The expiry must be in the future."]}
    assert Alert.objects.get().radius_m == 300


def test_published_alerts_cannot_be_edited_or_deleted(
    publish, client_for, liaison, scheme, coordinator
) -> None:
    alert = publish(liaison)
    client = client_for(liaison)
    assert alert["can_edit"] is False
    edited = client.put(f"{ALERTS}{alert['id']}/", _alert(title="Changed"), format="json")
    assert edited.status_code == 400
    assert edited.json() == {
        "status": ["This alert is published: only drafts can be edited or deleted."]
    }
    assert client.delete(f"{ALERTS}{alert['id']}/").status_code == 400
    assert Alert.objects.get().title == "Bogus callers on Mill Road"


def test_the_author_deletes_a_draft(client_for, liaison) -> None:
    client = client_for(liaison)
    draft = _draft(client)
    assert client.delete(f"{ALERTS}{draft['id']}/").status_code == 204
    assert not Alert.objects.exists()
    assert client.delete(f"{ALERTS}{draft['id']}/").status_code == 404


def test_a_fellow_liaison_manages_but_does_not_edit_a_draft(client_for, liaison) -> None:
    draft = _draft(client_for(liaison))
    colleague = client_for(LiaisonFactory(force="cambridgeshire").user)
    shown = colleague.get(f"{ALERTS}{draft['id']}/").json()
    assert (shown["can_manage"], shown["can_edit"]) == (True, False)
    assert colleague.put(f"{ALERTS}{draft['id']}/", _alert(), format="json").status_code == 403
    assert colleague.delete(f"{ALERTS}{draft['id']}/").status_code == 403
    assert colleague.post(f"{ALERTS}{draft['id']}/publish/").status_code == 403
    assert Alert.objects.get().status == "draft"


def test_the_mine_filter(publish, client_for, liaison, scheme, coordinator) -> None:
    publish(coordinator, scheme=scheme.pk, radius_m=300, title="From the coordinator")
    _draft(client_for(liaison), title="From the liaison")

    def titles(client, **query) -> list[str]:
        return [alert["title"] for alert in client.get(ALERTS, query).json()["results"]]

    assert titles(client_for(liaison)) == ["From the liaison", "From the coordinator"]
    assert titles(client_for(liaison), mine=True) == ["From the liaison"]
    assert titles(client_for(liaison), mine=False) == ["From the coordinator"]
    assert titles(client_for(coordinator), mine=True) == ["From the coordinator"]
    assert titles(client_for(liaison), scheme=scheme.pk) == ["From the coordinator"]
    perhaps = client_for(liaison).get(ALERTS, {"mine": "perhaps"})
    assert (perhaps.status_code, perhaps.json()) == (400, {"mine": ["Enter true or false."]})


def test_replies_are_counted_until_read(
    publish, client_for, liaison, scheme, coordinator, volunteer
) -> None:
    Preference.objects.create(user=volunteer)
    alert = publish(liaison)
    for author, body in [
        (coordinator, "Seen on Sedgwick Street."),
        (volunteer, "And Tenison Road."),
    ]:
        client_for(author).post(f"{ALERTS}{alert['id']}/replies/", {"body": body}, format="json")
    issuer = client_for(liaison)
    assert issuer.get(f"{ALERTS}{alert['id']}/").json()["unread_replies"] == 2
    assert issuer.get(ALERTS).json()["results"][0]["unread_replies"] == 2
    # A recipient sees the alert, but not the replies' figures.
    assert client_for(volunteer).get(f"{ALERTS}{alert['id']}/").json()["unread_replies"] is None
    assert issuer.post(f"{ALERTS}{alert['id']}/replies/read/").json() == {"marked": 2}
    assert issuer.get(f"{ALERTS}{alert['id']}/").json()["unread_replies"] == 0
    replies = issuer.get(f"{ALERTS}{alert['id']}/replies/").json()["results"]
    assert all(reply["read_at"] for reply in replies)
    assert issuer.post(f"{ALERTS}{alert['id']}/replies/read/").json() == {"marked": 0}


# --- Who is refused what, on every alert endpoint -----------------------------------------

# (method, path under the alert, body); a valid body, so that only the refusal can fail.
ALERT_OBJECT_ENDPOINTS = [
    ("get", "", None),
    ("put", "", _alert()),
    ("delete", "", None),
    ("post", "publish/", None),
    ("post", "update_alert/", {"body": "Now on Cavendish Road."}),
    ("post", "cancel/", {"body": "Arrested."}),
    ("get", "summary/", None),
    ("get", "thread/", None),
    ("post", "read/", None),
    ("get", "replies/", None),
    ("post", "replies/", {"body": "Seen them."}),
    ("post", "replies/read/", None),
]
# What a recipient who does not manage the alert may still do with it, and the answer. They
# read their own replies (with the answers to them): the list is empty here.
RECIPIENT_MAY = {
    ("get", ""): 200,
    ("get", "thread/"): 200,
    ("post", "read/"): 200,
    ("get", "replies/"): 200,
    ("post", "replies/"): 201,
}


@pytest.fixture
def published_and_draft(publish, client_for, liaison, scheme, coordinator, volunteer):
    """A published alert that reached the coordinator and volunteer, and a draft."""
    Preference.objects.create(user=volunteer)
    alert = publish(liaison)
    draft = _draft(client_for(liaison), title="Not yet sent")
    return {"published": alert["id"], "draft": draft["id"]}


def _call(client, method: str, url: str, body: dict | None):
    return (
        getattr(client, method)(url, body, format="json") if body else getattr(client, method)(url)
    )


@pytest.mark.parametrize(("method", "path", "body"), ALERT_OBJECT_ENDPOINTS)
@pytest.mark.parametrize("which", ["published", "draft"])
@pytest.mark.parametrize("who", ["outsider", "foreign_liaison", "stranger"])
def test_those_it_did_not_reach_cannot_know_it_exists(
    client_for, request, published_and_draft, which, who, method, path, body
) -> None:
    client = client_for(request.getfixturevalue(who))
    url = f"{ALERTS}{published_and_draft[which]}/{path}"
    assert _call(client, method, url, body).status_code == 404
    assert Alert.objects.count() == 2
    assert not Notice.objects.filter(alert__title="Not yet sent").exists()


@pytest.mark.parametrize(("method", "path", "body"), ALERT_OBJECT_ENDPOINTS)
@pytest.mark.parametrize("who", ["volunteer", "coordinator"])
def test_recipients_only_read_and_reply(
    client_for, request, published_and_draft, who, method, path, body
) -> None:
    client = client_for(request.getfixturevalue(who))
    response = _call(client, method, f"{ALERTS}{published_and_draft['published']}/{path}", body)
    if (method, path) in RECIPIENT_MAY:
        assert response.status_code == RECIPIENT_MAY[method, path], response.content
    else:
        assert response.status_code == 403, (method, path, response.content)
        assert Alert.objects.filter(status="published").count() == 1
    # A draft is nobody's business but its author's and the force's liaisons'.
    draft = _call(client, method, f"{ALERTS}{published_and_draft['draft']}/{path}", body)
    assert draft.status_code == 404


@pytest.mark.parametrize(("method", "path", "body"), ALERT_OBJECT_ENDPOINTS)
def test_anonymous_is_refused_every_alert_endpoint(
    anon, published_and_draft, method, path, body
) -> None:
    response = _call(anon, method, f"{ALERTS}{published_and_draft['published']}/{path}", body)
    assert response.status_code == 401
    assert Alert.objects.count() == 2


# --- Publishing, and what happens after the commit ---------------------------------------


def test_a_publish_rolled_back_dispatches_nothing(
    client_for, liaison, scheme, coordinator, django_capture_on_commit_callbacks
) -> None:
    alert = Alert.objects.get(pk=_draft(client_for(liaison))["id"])
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        alert_publish(alert=alert, actor=liaison)
        raise RuntimeError("a later step of the same transaction failed")
    # Tasks run in-process here: had the dispatch been enqueued before the commit, the
    # email would have gone for an alert that was never published.
    assert callbacks == []
    assert (Alert.objects.get().status, Notice.objects.count(), mail.outbox) == ("draft", 0, [])


@pytest.mark.django_db(transaction=True)
def test_publishing_while_the_mail_server_is_down_succeeds(
    client_for, liaison, scheme, coordinator, settings
) -> None:
    # No broker: the dispatch runs in the request, after the commit, as in the embedded
    # default. A failing channel must not turn the published alert into a 500.
    unreachable_smtp(settings)
    client = client_for(liaison)
    draft = _draft(client)
    response = client.post(f"{ALERTS}{draft['id']}/publish/")
    assert (response.status_code, response.json()["status"]) == (200, "published")
    email = Notice.objects.get(channel="email")
    assert (email.state, email.attempts, email.last_error) == (
        "queued",
        1,
        "[Errno 111] Connection refused",
    )
    assert email.deliver_after == email.claimed_at + timedelta(seconds=10)  # its backoff
    assert Notice.objects.get(channel="in_app").state == "sent"
    # The sweep takes it up again once its backoff is over and no task holds it.
    later = email.claimed_at + timedelta(seconds=settings.NOTIFICATIONS_CLAIM_LEASE_SECONDS + 1)
    assert notices_sweep(now=later) == [[email.pk]]


@pytest.mark.django_db(transaction=True)
def test_two_publishes_at_once_count_against_the_daily_limit(settings) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one write transaction at a time anyway")
    settings.NOTIFICATIONS_COORDINATOR_DAILY_LIMIT = 1
    scheme = SchemeFactory(name="Mill Road Neighbourhood Watch", lat=MILL_ROAD[0], lon=MILL_ROAD[1])
    coordinator = MembershipFactory(scheme=scheme, role="coordinator").user
    details = {
        "title": "Bogus callers on Mill Road",
        "body": "Two men claiming to be from the water board.",
        "category": "bogus_caller",
        "severity": "Moderate",
        "urgency": "Expected",
        "audience": "members",
    }
    area = {"lat": MILL_ROAD[0], "lon": MILL_ROAD[1], "radius_m": 300}
    first, second = (
        alert_draft(issuer=coordinator, details=details, area=area, scheme=scheme) for _ in range(2)
    )
    first_in, second_done = threading.Event(), threading.Event()
    outcomes: dict[str, str] = {}

    def publish_first() -> None:
        try:
            with transaction.atomic():
                alert_publish(alert=first, actor=coordinator)
                first_in.set()
                # Not committed yet: the second publish runs now, or waits for this one.
                second_done.wait(timeout=2)
            outcomes["first"] = "published"
        finally:
            connection.close()

    def publish_second() -> None:
        try:
            first_in.wait(timeout=10)
            try:
                alert_publish(alert=second, actor=coordinator)
                outcomes["second"] = "published"
            except PermissionDenied as refusal:
                outcomes["second"] = str(refusal)
            second_done.set()
        finally:
            connection.close()

    threads = [threading.Thread(target=publish_first), threading.Thread(target=publish_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes == {
        "first": "published",
        "second": "Coordinators may publish 1 alert or update a day; you have reached the limit. "
        "Your police liaison can publish more.",
    }
    assert [alert.status for alert in Alert.objects.order_by("pk")] == ["published", "draft"]


# --- The sweep ----------------------------------------------------------------------------


def _notice(alert: Alert, name: str, **columns) -> int:
    """A notice of ``alert`` for a new person, with its columns set as given."""
    notice = Notice.objects.create(alert=alert, recipient=UserFactory(name=name), channel="email")
    Notice.objects.filter(pk=notice.pk).update(**columns)  # queued_at is set on creation
    return notice.pk


@pytest.fixture
def published_alert(liaison) -> Alert:
    alert = draft_alert(
        liaison,
        area={"lat": MILL_ROAD[0], "lon": MILL_ROAD[1], "radius_m": 500},
        title="Bogus callers on Mill Road",
        body="Two men claiming to be from the water board.",
        category="bogus_caller",
        urgency="Expected",
        audience="members",
    )
    Alert.objects.filter(pk=alert.pk).update(status="published", published_at=timezone.now())
    return alert


def test_the_sweep_hands_out_only_due_notices_that_no_delivery_holds(
    published_alert, settings
) -> None:
    settings.NOTIFICATIONS_CLAIM_LEASE_SECONDS = 300
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    now = timezone.now()

    def ago(minutes: float) -> object:
        return now - timedelta(minutes=minutes)

    def make(name: str, **columns) -> int:
        return _notice(published_alert, name, **columns)

    ids = {
        # Handed out: due, and no delivery has held them for longer than the lease.
        "new, its task lost": make("a", queued_at=ago(20)),
        "held by quiet hours, now over": make("b", queued_at=ago(19), deliver_after=ago(0.1)),
        "failed, backoff over, its retry lost": make(
            "c", queued_at=ago(30), claimed_at=ago(18), attempts=1, deliver_after=ago(17)
        ),
        "abandoned by a worker that died": make(
            "d", queued_at=ago(30), state="sending", claimed_at=ago(17), attempts=1
        ),
        # Left alone.
        "new, its task on the way": make("e", queued_at=ago(1)),
        "held by quiet hours": make("f", queued_at=ago(20), deliver_after=now + timedelta(hours=1)),
        "held for the digest": make("g", queued_at=ago(20), deliver_after=ago(1), in_digest=True),
        "failed, backing off": make(
            "h",
            queued_at=ago(30),
            claimed_at=ago(10),
            attempts=2,
            deliver_after=now + timedelta(seconds=30),
        ),
        "failed, its retry on the way": make(
            "i", queued_at=ago(30), claimed_at=ago(1), attempts=1, deliver_after=ago(0.5)
        ),
        "being sent": make("j", queued_at=ago(30), state="sending", claimed_at=ago(1), attempts=1),
        "abandoned on its last attempt": make(
            "k", queued_at=ago(30), state="sending", claimed_at=ago(17), attempts=3
        ),
        "sent": make("l", queued_at=ago(30), state="sent", attempts=1),
    }
    names = {pk: name for name, pk in ids.items()}
    batches = notices_sweep(now=now)
    # The longest-waiting first (the last time anyone took it in hand, else its queueing).
    assert [[names[pk] for pk in batch] for batch in batches] == [
        [
            "new, its task lost",
            "held by quiet hours, now over",
            "failed, backoff over, its retry lost",
            "abandoned by a worker that died",
        ]
    ]
    states = dict(Notice.objects.values_list("pk", "state"))
    assert states[ids["abandoned by a worker that died"]] == "queued"
    gave_up = Notice.objects.get(pk=ids["abandoned on its last attempt"])
    assert (gave_up.state, gave_up.last_error) == (
        "failed",
        "Gave up: the worker sending it stopped on its last attempt.",
    )
    assert states[ids["being sent"]] == "sending"
    # A minute on, what was handed out is not handed out again (its task may still be
    # waiting in the queue); the one backing off is now due.
    again = notices_sweep(now=now + timedelta(minutes=1))
    assert [[names[pk] for pk in batch] for batch in again] == [["failed, backing off"]]


def test_the_sweep_serves_the_longest_waiting_first(published_alert, settings, monkeypatch) -> None:
    settings.NOTIFICATIONS_CLAIM_LEASE_SECONDS = 300
    monkeypatch.setattr(dispatch, "SWEEP_LIMIT", 2)
    now = timezone.now()
    # Five notices whose tasks were lost, queued 10 to 14 minutes ago.
    ids = [
        _notice(published_alert, f"n{n}", queued_at=now - timedelta(minutes=10 + n))
        for n in range(5)
    ]
    assert notices_sweep(now=now) == [[ids[4], ids[3]]]
    assert notices_sweep(now=now + timedelta(seconds=1)) == [[ids[2], ids[1]]]
    assert notices_sweep(now=now + timedelta(seconds=2)) == [[ids[0]]]
    # Their tasks were lost too: after the lease the first handed out come first again
    # (in the order of their ids, handed out at the same moment), and then the others.
    assert notices_sweep(now=now + timedelta(seconds=303)) == [[ids[3], ids[4]]]
    assert notices_sweep(now=now + timedelta(seconds=304)) == [[ids[1], ids[2]]]


# --- Expiry and withdrawal ----------------------------------------------------------------


def test_alerts_past_their_expiry_expire(
    publish, client_for, liaison, scheme, coordinator, django_capture_on_commit_callbacks
) -> None:
    client = client_for(liaison)
    publish(liaison, title="Past")
    updated = publish(liaison, title="Updated")
    cancelled = publish(liaison, title="Cancelled")
    publish(liaison, title="Still current")
    _draft(client, title="A draft")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{ALERTS}{updated['id']}/update_alert/", {"body": "Now two vans."})
        client.post(f"{ALERTS}{cancelled['id']}/cancel/", {"body": "All clear."})
    Alert.objects.exclude(title="Still current").update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    # A cancellation is born cancelled (it was "published" before), and stays so.
    assert expire_alerts.delay().get() == 3
    assert sorted(Alert.objects.values_list("title", "message_type", "status")) == [
        ("A draft", "Alert", "draft"),
        ("Cancelled", "Alert", "cancelled"),
        ("Cancelled", "Cancel", "cancelled"),
        ("Past", "Alert", "expired"),
        ("Still current", "Alert", "published"),
        ("Updated", "Alert", "expired"),
        ("Updated", "Update", "expired"),
    ]
    assert expire_alerts.delay().get() == 0


def test_held_notices_of_a_cancelled_alert_are_withdrawn(
    publish, client_for, liaison, scheme, coordinator, django_capture_on_commit_callbacks
) -> None:
    _quiet_around_now(coordinator)
    original = publish(liaison)
    with django_capture_on_commit_callbacks(execute=True):
        cancel = client_for(liaison).post(
            f"{ALERTS}{original['id']}/cancel/", {"body": "Both men arrested."}, format="json"
        )
    assert cancel.status_code == 201, cancel.content
    notices = Notice.objects.filter(recipient=coordinator)
    assert sorted(notices.values_list("alert__message_type", "channel", "state")) == [
        ("Alert", "email", "withdrawn"),
        ("Alert", "in_app", "sent"),  # the inbox is the record the cancellation refers to
        ("Cancel", "email", "queued"),  # held by the quiet hours too, but it will go
        ("Cancel", "in_app", "sent"),
    ]
    # The quiet hours end: only the cancellation is emailed.
    notices.filter(channel="email").update(deliver_after=timezone.now() - timedelta(seconds=1))
    for batch in notices_sweep():
        notices_deliver(notice_ids=batch)
    assert [m.subject for m in mail.outbox] == [
        "[Patchwatch] Cancelled: Bogus callers on Mill Road"
    ]
    summary = client_for(liaison).get(f"{ALERTS}{original['id']}/summary/").json()
    assert [(row["channel"], row["sent"], row["withdrawn"]) for row in summary["channels"]] == [
        ("email", 0, 1),
        ("in_app", 1, 0),
    ]


def test_held_notices_of_an_expired_alert_are_withdrawn(
    publish, liaison, scheme, coordinator
) -> None:
    Preference.objects.create(user=coordinator, channels=["email"], daily_digest=True)
    alert = publish(liaison)
    email = Notice.objects.get(recipient=coordinator, channel="email")
    assert (email.state, email.in_digest) == ("queued", True)
    Alert.objects.filter(pk=alert["id"]).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert alerts_expire() == 1
    assert sorted(Notice.objects.values_list("channel", "state")) == [
        ("email", "withdrawn"),
        ("in_app", "sent"),
    ]
    assert digests_send(now=email.deliver_after + timedelta(minutes=1)) == 0
    assert mail.outbox == []


def test_a_notice_queued_after_its_alert_was_cancelled_is_withdrawn(
    published_alert, coordinator
) -> None:
    # The dispatch ran late, after the cancellation had withdrawn what there was.
    email = _notice(published_alert, "Late")
    Alert.objects.filter(pk=published_alert.pk).update(status="cancelled")
    outcome = notices_deliver(notice_ids=[email])
    assert (outcome.delivered, outcome.failed, outcome.retry) == (0, 0, [])
    assert (Notice.objects.get(pk=email).state, mail.outbox) == ("withdrawn", [])


# --- A dispatch that never ran ------------------------------------------------------------


def test_an_alert_whose_dispatch_was_lost_is_dispatched_by_the_sweep(
    client_for, liaison, scheme, coordinator, django_capture_on_commit_callbacks, settings
) -> None:
    alert = Alert.objects.get(pk=_draft(client_for(liaison))["id"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        alert_publish(alert=alert, actor=liaison)
    # The dispatch was due on commit and never ran: as if the broker had been down.
    assert len(callbacks) == 1
    alert.refresh_from_db()
    assert (alert.notices_queued_at, Notice.objects.count()) == (None, 0)

    lease = timedelta(seconds=settings.NOTIFICATIONS_CLAIM_LEASE_SECONDS)
    # Within the lease its task may simply be waiting behind others.
    assert alerts_awaiting_dispatch(now=alert.published_at + lease) == []
    assert alerts_awaiting_dispatch(now=alert.published_at + lease + timedelta(seconds=1)) == [
        alert.pk
    ]

    Alert.objects.filter(pk=alert.pk).update(published_at=timezone.now() - 2 * lease)
    # The dispatch enqueues each batch's delivery as the batch's notices are committed.
    with django_capture_on_commit_callbacks(execute=True):
        sweep_notices()
    alert.refresh_from_db()
    assert alert.notices_queued_at is not None
    assert alert.recipients_count == 1
    assert sorted(Notice.objects.values_list("recipient", "channel", "state")) == [
        (coordinator.pk, "email", "sent"),
        (coordinator.pk, "in_app", "sent"),
    ]
    assert [message.subject for message in mail.outbox] == [f"[Patchwatch] {alert.title}"]
    # Dispatched once: the next sweep finds nothing to do.
    assert alerts_awaiting_dispatch() == []
    sweep_notices()
    assert (Notice.objects.count(), len(mail.outbox)) == (2, 1)


def test_a_dispatched_alert_is_not_dispatched_again(
    publish, liaison, scheme, coordinator, settings
) -> None:
    alert = Alert.objects.get(pk=publish(liaison)["id"])
    assert alert.notices_queued_at is not None
    later = timezone.now() + timedelta(days=1)
    assert alerts_awaiting_dispatch(now=later) == []


@pytest.fixture
def broker_down(monkeypatch):
    """The project's Celery app sends to a Redis port on loopback that nobody listens on.
    (Celery reads ``CELERY_BROKER_URL`` from the environment before its own settings.)"""
    conf = celery_app.conf

    def forget_connections() -> None:
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    forget_connections()
    port = free_port()
    monkeypatch.setenv("CELERY_BROKER_URL", f"redis://127.0.0.1:{port}/0")
    monkeypatch.setattr(conf, "task_always_eager", False)
    monkeypatch.setattr(
        conf,
        "task_publish_retry_policy",
        {"max_retries": 1, "interval_start": 0, "interval_step": 0},
    )
    assert celery_app.connection_for_write().as_uri().endswith(f"@127.0.0.1:{port}/0")
    yield
    forget_connections()


@pytest.mark.django_db(transaction=True)
def test_publishing_while_the_broker_is_down_succeeds_and_waits_for_the_sweep(
    client_for, liaison, scheme, coordinator, broker_down, caplog
) -> None:
    client = client_for(liaison)
    draft = _draft(client)
    response = client.post(f"{ALERTS}{draft['id']}/publish/")
    assert (response.status_code, response.json()["status"]) == (200, "published")
    alert = Alert.objects.get(pk=draft["id"])
    assert (alert.status, alert.notices_queued_at, Notice.objects.count()) == (
        "published",
        None,
        0,
    )
    assert f"Could not queue the dispatch of alert {alert.pk}; the sweep will" in caplog.text
