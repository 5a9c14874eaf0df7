"""The demo data: realistic, loadable twice, and showing the isolation between forces."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from accounts.models import User
from backend.celery import app as celery_app
from notifications.models import Alert, Notice, Reply
from schemes.models import ActivityEvent, Membership, Scheme
from surveys.models import Survey
from tests import demo as demo_copy
from tests.factories import SchemeFactory, UserFactory
from tests.processes import celery_worker, smtp_server, smtp_worker_environment, wait_until
from watch.models import Letterhead, VehicleCheck

pytestmark = pytest.mark.django_db


def _login(email: str):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(User.objects.get(email=email))
    return client


def test_demo_loads_twice_without_duplicates(capsys) -> None:
    call_command("load_demo")
    counts = (User.objects.count(), Scheme.objects.count(), Membership.objects.count())
    events = ActivityEvent.objects.count()
    call_command("load_demo")
    assert (User.objects.count(), Scheme.objects.count(), Membership.objects.count()) == counts
    assert ActivityEvent.objects.count() == events
    output = capsys.readouterr().out
    assert "liaison.cambs@example.org" in output
    assert "password for all: patchwatch-demo" in output


def test_demo_has_every_kind_and_state() -> None:
    call_command("load_demo")
    cambs = Scheme.objects.filter(force="cambridgeshire")
    assert set(cambs.values_list("kind", flat=True)) == {
        "neighbourhood",
        "speedwatch",
        "countryside",
    }
    assert set(cambs.values_list("status", flat=True)) == {"active", "proposed", "suspended"}
    # The letters of both demo forces print with their letterheads.
    assert set(Letterhead.objects.values_list("force", "signatory_name")) == {
        ("cambridgeshire", "Sergeant Helen Ward"),
        ("bedfordshire", "PC Tom Hughes"),
    }
    assert Scheme.objects.filter(force="bedfordshire").count() >= 3
    assert Membership.objects.filter(status="pending").count() >= 2
    haslingfield = Scheme.objects.get(name="Haslingfield Community Speedwatch")
    assert (round(haslingfield.centre_lat, 3), round(haslingfield.centre_lon, 3)) == (52.149, 0.057)


def test_demo_holds_one_offence_back_for_its_vehicle_with_checks_off(settings) -> None:
    settings.DVLA_VES_API_KEY = ""
    call_command("load_demo")
    call_command("load_demo", stdout=io.StringIO())
    liaison = _login("liaison.cambs@example.org")
    held = liaison.get("/api/v1/speedwatch/letters/held/").json()["results"]
    assert [
        (
            row["registration"],
            row["make"],
            row["colour"],
            row["vehicle_check"],
            row["registered_make"],
            row["registered_colour"],
        )
        for row in held
    ] == [("HY17WKD", "Nissan", "Black", "mismatched", "SKODA", "WHITE")]
    # The other ten are in the batch, not checked (no key); the answer is kept once.
    letters = liaison.get("/api/v1/speedwatch/letters/").json()
    assert letters["count"] == 10
    assert {row["vehicle_check"] for row in letters["results"]} == {"not_checked"}
    assert list(VehicleCheck.objects.values_list("registration", "found")) == [("HY17WKD", True)]


def test_demo_liaisons_see_only_their_own_force() -> None:
    call_command("load_demo")
    cambs = _login("liaison.cambs@example.org").get("/api/v1/schemes/", {"status": "proposed"})
    beds = _login("liaison.beds@example.org").get("/api/v1/schemes/", {"status": "proposed"})
    assert [row["name"] for row in cambs.json()["results"]] == ["Soham Neighbourhood Watch"]
    assert [row["name"] for row in beds.json()["results"]] == ["Kempston Neighbourhood Watch"]


@pytest.mark.django_db(transaction=True)
def test_demo_alerts_are_dispatched_and_answered() -> None:
    call_command("load_demo")
    scam = Alert.objects.get(title="Bogus water board callers on Mill Road")
    recipients = set(scam.notices.values_list("recipient__email", flat=True))
    assert "volunteer@example.org" in recipients
    assert "margaret@example.org" not in recipients  # she sent it
    sent = _login("margaret@example.org").get("/api/v1/alerts/", {"mine": True}).json()
    assert [(alert["title"], alert["unread_replies"]) for alert in sent["results"]] == [
        ("Survey: Street lighting around Mill Road", 0),
        ("Bogus water board callers on Mill Road", 1),
    ]
    call_command("load_demo")
    assert Reply.objects.count() == 1


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_demo_loads_with_a_broker_and_its_worker_dispatches_it() -> None:
    """With a broker the alert's dispatch runs on a worker after the demo commits, so the
    demo's reply (which only a recipient may write) cannot wait for it. Loaded with no worker
    running, the tasks wait on the broker; a worker started afterwards delivers them."""
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    try:
        call_command("load_demo", stdout=io.StringIO())
    finally:
        celery_app.conf.task_always_eager = True
    scam = Alert.objects.get(title="Bogus water board callers on Mill Road")
    assert [(reply.author.email, reply.alert_id) for reply in Reply.objects.all()] == [
        ("volunteer@example.org", scam.pk)
    ]
    stored = set(scam.notices.values_list("recipient__email", "channel"))
    assert ("volunteer@example.org", "in_app") in stored
    assert not scam.notices.filter(recipient__email="margaret@example.org").exists()
    # Nothing sent yet: only the in-app notices are delivered, by being stored.
    assert set(Notice.objects.filter(state="sent").values_list("channel", flat=True)) == {"in_app"}
    assert Notice.objects.filter(channel="email", state="queued").exists()

    emails = Notice.objects.filter(channel="email").count()
    with smtp_server() as (mail, port), celery_worker(smtp_worker_environment(port)):
        wait_until(lambda: not Notice.objects.exclude(state="sent").exists())
        assert len(mail.wait_for(emails)) == emails
    # Dispatched again by the worker, the alert kept the notices the demo stored.
    assert set(scam.notices.values_list("recipient__email", "channel")) == stored
    assert Notice.objects.filter(alert=scam, state="sent").count() == len(stored)


# --- The demo as the tests get it: loaded once per run and copied in for each test -------


def _demo_contents() -> dict[str, object]:
    """How many rows each table holds, and what the rows that tests look for say."""
    tables = connection.introspection.django_table_names(only_existing=True)
    with connection.cursor() as cursor:
        counts = {}
        for table in sorted(set(tables) - set(demo_copy.DJANGO_OWN)):
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 (a table's name)
            counts[table] = cursor.fetchone()[0]
    return {
        "counts": counts,
        "people": sorted(User.objects.values_list("email", "name", "is_staff")),
        "schemes": sorted(Scheme.objects.values_list("name", "kind", "status", "force")),
        "memberships": sorted(
            Membership.objects.values_list("scheme__name", "user__email", "role", "status")
        ),
        "notices": sorted(Notice.objects.values_list("recipient__email", "channel", "state")),
        "replies": list(Reply.objects.values_list("author__email", "body")),
    }


@pytest.mark.django_db(transaction=True)
def test_the_demo_fixture_holds_what_the_command_loads(demo) -> None:
    copied = _demo_contents()
    call_command("flush", interactive=False, verbosity=0)
    call_command("load_demo", stdout=io.StringIO())
    assert copied == _demo_contents()
    assert copied["counts"][Scheme._meta.db_table] == Scheme.objects.count() > 0


def test_rows_added_to_the_demo_fixture_take_new_ids(django_db_reset_sequences, demo) -> None:
    # The sequences start again from 1 for this test: the copy moves them past its own rows.
    users, schemes = User.objects.count(), Scheme.objects.count()
    UserFactory(name="Sam Stranger")
    SchemeFactory(name="Girton Neighbourhood Watch")
    assert (User.objects.count(), Scheme.objects.count()) == (users + 1, schemes + 1)


def test_the_demo_fixture_loads_the_demo_on_top_of_rows_already_there(demo_snapshot) -> None:
    UserFactory(name="Sam Stranger", email="sam@example.org")
    demo_snapshot.restore()
    assert User.objects.filter(email__in=["sam@example.org", "margaret@example.org"]).count() == 2
    assert Scheme.objects.filter(name="Haslingfield Community Speedwatch").count() == 1


@pytest.mark.django_db(transaction=True)
def test_demo_surveys_wait_for_answers_and_have_results() -> None:
    call_command("load_demo", stdout=io.StringIO())
    waiting = _login("volunteer@example.org").get("/api/v1/surveys/", {"answered": False}).json()
    assert [survey["title"] for survey in waiting["results"]] == [
        "Street lighting around Mill Road"
    ]
    rural = Survey.objects.get(title="Rural crime survey 2026")
    results = _login("liaison.cambs@example.org").get(f"/api/v1/surveys/{rural.pk}/results/")
    assert results.status_code == 200
    assert results.json()["answers"] == 2
    # Delivered as alerts: David, of South Cambs Rural Watch, has the survey in his inbox.
    inbox = _login("david@example.org").get("/api/v1/inbox/").json()
    assert "Survey: Rural crime survey 2026" in [
        card["alert"]["title"] for card in inbox["results"]
    ]
    call_command("load_demo", stdout=io.StringIO())
    assert Survey.objects.count() == 2
