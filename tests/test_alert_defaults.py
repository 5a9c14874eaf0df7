"""Joining a scheme is asking for its alerts: a member who has saved no alert settings gets
every all-members alert of their schemes in the inbox and by email (and by web push once a
browser of theirs allowed it), whatever its category and severity. Saved settings narrow or
widen that; the settings endpoint shows what applies before anything is saved."""

import pytest
from django.core import mail

from notifications.models import Category, Notice, Preference, PushSubscription, Severity
from tests.alerts import draft_alert
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

ALERTS = "/api/v1/alerts/"
PREFERENCES = "/api/v1/me/alert-preferences/"
MILL_ROAD = {"lat": 52.1985, "lon": 0.1410, "radius_m": 500}
DEFAULTS = {
    "channels": ["email"],
    "categories": [],
    "min_severity": "Unknown",
    "muted_schemes": [],
    "quiet_from": None,
    "quiet_until": None,
    "daily_digest": False,
    "saved": False,
}


@pytest.fixture
def publish(client_for, liaison, django_capture_on_commit_callbacks):
    """The liaison publishes an all-members alert over Mill Road through the API."""

    def send(**details) -> dict:
        client = client_for(liaison)
        body = {
            "title": "Hare coursing near Haslingfield",
            "body": "Two 4x4s with lurchers on the fields.",
            "category": "hare_coursing",
            "severity": "Severe",
            "urgency": "Expected",
            "audience": "members",
            **MILL_ROAD,
            **details,
        }
        draft = client.post(ALERTS, body, format="json")
        assert draft.status_code == 201, draft.content
        with django_capture_on_commit_callbacks(execute=True):
            published = client.post(f"{ALERTS}{draft.json()['id']}/publish/")
        assert published.status_code == 200, published.content
        return client.get(f"{ALERTS}{draft.json()['id']}/").json()

    return send


def _channels(user) -> list[str]:
    return sorted(Notice.objects.filter(recipient=user).values_list("channel", flat=True))


# Every category, each with one of the severities in turn, and every severity: a member
# without settings hears them all.
KINDS = sorted(
    {
        (category, Severity.values[index % len(Severity.values)])
        for index, category in enumerate(Category.values)
    }
    | {("general", severity) for severity in Severity.values}
)


@pytest.mark.parametrize(("category", "severity"), KINDS)
def test_a_member_without_settings_hears_every_all_members_alert(
    publish, client_for, scheme, coordinator, volunteer, category, severity
) -> None:
    alert = publish(category=category, severity=severity, title=f"{category} {severity}")
    assert alert["recipients_count"] == 2
    assert _channels(volunteer) == ["email", "in_app"]
    inbox = client_for(volunteer).get("/api/v1/inbox/").json()["results"]
    assert [(n["alert"]["title"], n["unread"]) for n in inbox] == [(f"{category} {severity}", True)]
    assert sorted(m.to[0] for m in mail.outbox) == sorted([coordinator.email, volunteer.email])
    # Worked out, not stored: nobody was given settings they did not choose.
    assert not Preference.objects.exists()


def test_push_is_a_default_only_for_members_whose_browser_allowed_it(
    publish, client_for, scheme, volunteer
) -> None:
    pusher = MembershipFactory(scheme=scheme, user__name="Has a phone that allowed it").user
    PushSubscription.objects.create(
        user=pusher, endpoint="https://push.example.org/abc", p256dh="key", auth="secret"
    )
    assert client_for(pusher).get(PREFERENCES).json() == {
        **DEFAULTS,
        "channels": ["email", "push"],
    }
    assert client_for(volunteer).get(PREFERENCES).json() == DEFAULTS
    publish()
    assert _channels(pusher) == ["email", "in_app", "push"]
    assert _channels(volunteer) == ["email", "in_app"]


def test_saved_settings_narrow_or_widen_the_defaults(publish, scheme, coordinator) -> None:
    def member(name: str, **settings) -> object:
        user = MembershipFactory(scheme=scheme, user__name=name, user__phone="07700 900555").user
        Preference.objects.create(user=user, **settings)
        return user

    inbox_only = member("Inbox only", channels=[])
    by_text = member("By text too", channels=["email", "sms"])
    other_kinds = member("Burglary only", channels=["email"], categories=["burglary"])
    this_kind = member("Hare coursing only", channels=["email"], categories=["hare_coursing"])
    extreme_only = member("Extreme only", channels=["email"], min_severity="Extreme")
    muted = member("Muted Mill Road", channels=["email"])
    muted.alert_preference.muted_schemes.add(scheme)
    publish(category="hare_coursing", severity="Severe")
    assert _channels(inbox_only) == ["in_app"]
    assert _channels(by_text) == ["email", "in_app", "sms"]
    assert _channels(this_kind) == ["email", "in_app"]
    assert _channels(other_kinds) == _channels(extreme_only) == _channels(muted) == []


def test_a_coordinators_only_alert_skips_volunteers_without_settings(
    publish, scheme, coordinator, volunteer
) -> None:
    alert = publish(audience="coordinators")
    assert alert["recipients_count"] == 1
    assert set(Notice.objects.values_list("recipient", flat=True)) == {coordinator.pk}
    assert _channels(volunteer) == []


def test_the_preview_counts_members_without_settings(
    client_for, liaison, scheme, coordinator, volunteer
) -> None:
    MembershipFactory(scheme=scheme, status="pending", joined_at=None)  # not a member yet
    body = {
        "title": "Preview",
        "body": "Preview",
        "category": "burglary",
        "severity": "Minor",
        "urgency": "Expected",
        "audience": "members",
        **MILL_ROAD,
    }
    response = client_for(liaison).post(f"{ALERTS}preview/", body, format="json")
    assert response.json()["recipients"] == 2


def test_settings_show_the_defaults_until_saved_and_again_once_forgotten(
    publish, client_for, scheme, volunteer
) -> None:
    client = client_for(volunteer)
    assert client.get(PREFERENCES).json() == DEFAULTS
    saved = {**DEFAULTS, "channels": [], "categories": ["burglary"], "saved": True}
    response = client.put(PREFERENCES, saved, format="json")
    assert (response.status_code, response.json()) == (200, saved)
    assert client.get(PREFERENCES).json() == saved
    publish(category="hare_coursing")
    assert _channels(volunteer) == []

    forgotten = client.delete(PREFERENCES)
    assert (forgotten.status_code, forgotten.json()) == (200, DEFAULTS)
    assert not Preference.objects.filter(user=volunteer).exists()
    publish(category="hare_coursing", title="Hare coursing again")
    assert _channels(volunteer) == ["email", "in_app"]


def test_coordinators_keep_a_channel_besides_the_app(publish, scheme, coordinator) -> None:
    # Without settings they get the defaults like anyone; settings without any channel
    # still leave them email, as before.
    publish(title="First")
    Preference.objects.create(user=coordinator, channels=[], categories=["burglary"])
    publish(title="Second", category="hare_coursing")
    assert sorted(
        Notice.objects.filter(recipient=coordinator).values_list("alert__title", "channel")
    ) == [("First", "email"), ("First", "in_app"), ("Second", "email"), ("Second", "in_app")]


def test_the_settings_endpoint_refuses_anonymous_users(anon) -> None:
    for method in ("get", "put", "delete"):
        response = getattr(anon, method)(PREFERENCES)
        assert response.status_code == 401


def test_a_members_alert_drafted_through_the_services_reaches_unsaved_members(
    liaison, scheme, coordinator, volunteer, django_capture_on_commit_callbacks
) -> None:
    from notifications.services import alert_publish

    alert = draft_alert(liaison, audience="members", category="general", severity="Unknown")
    with django_capture_on_commit_callbacks(execute=True):
        alert_publish(alert=alert, actor=liaison)
    assert _channels(volunteer) == ["email", "in_app"]
