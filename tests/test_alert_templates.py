"""A force's alert templates: kept by its liaisons, read by the coordinators of its schemes,
refused to everyone else; their placeholders; and an alert composed from one."""

import pytest

from notifications.models import Alert, AlertTemplate, Notice
from tests.factories import MembershipFactory, SchemeFactory

pytestmark = pytest.mark.django_db

TEMPLATES = "/api/v1/alert-templates/"
ALERTS = "/api/v1/alerts/"
KEEPERS_ONLY = {"detail": "Only police liaisons keep their force's alert templates."}
NOT_FOUND = {"detail": "No AlertTemplate matches the given query."}


def _template(**extra) -> dict:
    return {
        "name": "Bogus callers",
        "title": "Bogus callers in {place}",
        "body": "Two people claiming to be from the water board called at homes in {place} "
        "on {date} at about {time}. Do not let them in.",
        "instruction": "Ask for identification and call the company on a number you know.",
        "category": "bogus_caller",
        "severity": "Moderate",
        **extra,
    }


@pytest.fixture
def template(db) -> AlertTemplate:
    return AlertTemplate.objects.create(
        force="cambridgeshire",
        name="Hare coursing",
        title="Hare coursing near {place}",
        body="Vehicles with dogs seen on farmland near {place}.",
        category="hare_coursing",
        severity="Moderate",
    )


def test_a_liaison_adds_a_template_for_their_force(client_for, liaison) -> None:
    created = client_for(liaison).post(
        TEMPLATES,
        _template(
            translation={
                "title": "Galwyr ffug yn {place}",
                "body": "Galwodd dau berson yn {place} ar {date}.",
            }
        ),
        format="json",
    )
    assert created.status_code == 201, created.content
    data = created.json()
    template = AlertTemplate.objects.get()
    assert {key: data[key] for key in data if key not in ("created_at", "updated_at")} == {
        "id": template.pk,
        "force": "cambridgeshire",
        "name": "Bogus callers",
        "language": "en",
        "title": "Bogus callers in {place}",
        "body": "Two people claiming to be from the water board called at homes in {place} "
        "on {date} at about {time}. Do not let them in.",
        "instruction": "Ask for identification and call the company on a number you know.",
        "translation": {
            "title": "Galwyr ffug yn {place}",
            "body": "Galwodd dau berson yn {place} ar {date}.",
            "instruction": "",
        },
        "category": "bogus_caller",
        "severity": "Moderate",
        "placeholders": ["{place}", "{date}", "{time}"],
        "can_change": True,
    }
    assert (template.translated_title, template.force) == (
        "Galwyr ffug yn {place}",
        "cambridgeshire",
    )


def test_a_template_with_an_unknown_placeholder_is_refused(client_for, liaison) -> None:
    refused = client_for(liaison).post(
        TEMPLATES, _template(body="Seen near {street} at {time}."), format="json"
    )
    assert (refused.status_code, refused.json()) == (
        400,
        {
            "body": [
                "{street} is not a placeholder templates know: use {place}, {date}, {time}, "
                "{scheme}, {description}."
            ]
        },
    )
    assert not AlertTemplate.objects.exists()


def test_a_forces_template_names_are_its_own(client_for, liaison, foreign_liaison) -> None:
    assert client_for(liaison).post(TEMPLATES, _template(), format="json").status_code == 201
    again = client_for(liaison).post(TEMPLATES, _template(), format="json")
    assert (again.status_code, again.json()) == (
        400,
        {"name": ["Your force already has a template of this name."]},
    )
    # Another force may use the same name.
    assert (
        client_for(foreign_liaison).post(TEMPLATES, _template(), format="json").status_code == 201
    )


def test_a_liaison_changes_and_deletes_their_forces_template(client_for, template, liaison) -> None:
    client = client_for(liaison)
    url = f"{TEMPLATES}{template.pk}/"
    patched = client.patch(url, {"severity": "Severe"}, format="json")
    assert (patched.status_code, patched.json()["severity"]) == (200, "Severe")
    assert patched.json()["title"] == "Hare coursing near {place}"
    put = client.put(url, _template(name="Hare coursing"), format="json")
    assert (put.status_code, put.json()["title"]) == (200, "Bogus callers in {place}")
    wrong = client.patch(url, {"title": "Near {postcode}"}, format="json")
    assert wrong.status_code == 400
    assert AlertTemplate.objects.get().title == "Bogus callers in {place}"
    assert client.delete(url).status_code == 204
    assert not AlertTemplate.objects.exists()


def test_coordinators_of_the_force_read_its_templates_but_do_not_change_them(
    client_for, template, scheme, coordinator
) -> None:
    client = client_for(coordinator)
    listed = client.get(TEMPLATES).json()
    assert [(row["name"], row["can_change"]) for row in listed["results"]] == [
        ("Hare coursing", False)
    ]
    assert client.get(f"{TEMPLATES}{template.pk}/").json()["placeholders"] == ["{place}"]
    for response in (
        client.post(TEMPLATES, _template(), format="json"),
        client.patch(f"{TEMPLATES}{template.pk}/", {"name": "Mine"}, format="json"),
        client.put(f"{TEMPLATES}{template.pk}/", _template(), format="json"),
        client.delete(f"{TEMPLATES}{template.pk}/"),
    ):
        assert (response.status_code, response.json()) == (403, KEEPERS_ONLY)
    assert AlertTemplate.objects.get().name == "Hare coursing"


@pytest.mark.parametrize("who", ["foreign_liaison", "volunteer", "stranger"])
def test_others_do_not_see_a_forces_templates(client_for, request, template, scheme, who) -> None:
    client = client_for(request.getfixturevalue(who))
    assert client.get(TEMPLATES).json()["count"] == 0
    url = f"{TEMPLATES}{template.pk}/"
    for response in (
        client.get(url),
        client.patch(url, {"name": "Taken"}, format="json"),
        client.delete(url),
    ):
        assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert AlertTemplate.objects.get().name == "Hare coursing"


def test_a_coordinator_of_a_suspended_scheme_does_not_see_them(
    client_for, template, scheme, coordinator
) -> None:
    scheme.status = "suspended"
    scheme.save(update_fields=["status"])
    assert client_for(coordinator).get(TEMPLATES).json()["count"] == 0


def test_a_volunteer_may_not_add_a_template(client_for, volunteer) -> None:
    refused = client_for(volunteer).post(TEMPLATES, _template(), format="json")
    assert (refused.status_code, refused.json()) == (403, KEEPERS_ONLY)


def test_templates_need_signing_in(anon, template) -> None:
    for response in (anon.get(TEMPLATES), anon.post(TEMPLATES, _template(), format="json")):
        assert (response.status_code, response.json()) == (
            401,
            {"detail": "Authentication credentials were not provided."},
        )


def test_the_placeholders_are_listed_with_their_meaning(client_for, coordinator) -> None:
    client = client_for(coordinator)
    assert client.get(f"{TEMPLATES}placeholders/").json() == [
        {"placeholder": "{place}", "meaning": "Where it happened: a street, village or landmark."},
        {"placeholder": "{date}", "meaning": "The day it happened, such as 7 December."},
        {"placeholder": "{time}", "meaning": "The time it happened, such as 10pm."},
        {"placeholder": "{scheme}", "meaning": "The scheme the alert is for."},
        {
            "placeholder": "{description}",
            "meaning": "Who or what to look out for: people, a vehicle, a scam.",
        },
    ]
    coordinator.language = "cy"
    coordinator.save(update_fields=["language"])
    welsh = client.get(f"{TEMPLATES}placeholders/").json()
    assert welsh[0] == {
        "placeholder": "{place}",
        "meaning": "Ble digwyddodd: stryd, pentref neu dirnod.",
    }


def test_templates_are_filtered_by_category(client_for, template, liaison) -> None:
    client = client_for(liaison)
    client.post(TEMPLATES, _template(), format="json")
    listed = client.get(TEMPLATES, {"category": "bogus_caller"}).json()
    assert [row["name"] for row in listed["results"]] == ["Bogus callers"]
    assert client.get(TEMPLATES, {"category": "nonsense"}).status_code == 400


def test_the_template_list_keeps_its_query_count(
    client_for, liaison, django_assert_max_num_queries
) -> None:
    client = client_for(liaison)
    for n in range(3):
        AlertTemplate.objects.create(
            force="cambridgeshire",
            name=f"T{n}",
            title="T",
            body="B",
            category="general",
            severity="Minor",
        )
    with django_assert_max_num_queries(6) as few:
        client.get(TEMPLATES)
    for n in range(3, 12):
        AlertTemplate.objects.create(
            force="cambridgeshire",
            name=f"T{n}",
            title="T",
            body="B",
            category="general",
            severity="Minor",
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(TEMPLATES).json()["count"] == 12


def test_an_alert_composed_from_a_template_is_sent_once_its_placeholders_are_filled(
    client_for, template, scheme, coordinator, volunteer, django_capture_on_commit_callbacks
) -> None:
    """The compose screen fills the form from a template; the sender fills in its
    placeholders. Left in, the alert is refused; filled in, it goes."""
    client = client_for(coordinator)
    chosen = client.get(f"{TEMPLATES}{template.pk}/").json()
    alert = {
        "title": chosen["title"],
        "body": chosen["body"],
        "category": chosen["category"],
        "severity": chosen["severity"],
        "urgency": "Immediate",
        "lat": 52.1985,
        "lon": 0.141,
        "radius_m": 300,
        "scheme": scheme.pk,
    }
    draft = client.post(ALERTS, alert, format="json").json()
    refused = client.post(f"{ALERTS}{draft['id']}/publish/")
    assert refused.json() == {
        "title": ["Fill in {place} before sending: replace each with what it stands for."],
        "body": ["Fill in {place} before sending: replace each with what it stands for."],
    }
    filled = {
        **alert,
        "title": chosen["title"].replace("{place}", "Coldham's Lane"),
        "body": chosen["body"].replace("{place}", "Coldham's Lane"),
    }
    assert client.put(f"{ALERTS}{draft['id']}/", filled, format="json").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(f"{ALERTS}{draft['id']}/publish/")
    assert sent.json()["status"] == "published"
    assert Alert.objects.get().title == "Hare coursing near Coldham's Lane"
    assert Notice.objects.filter(recipient=volunteer, channel="in_app").count() == 1


def test_a_coordinator_reads_only_their_own_forces_templates(client_for, template) -> None:
    beds = SchemeFactory(name="Kempston NW", force="bedfordshire")
    coordinator = MembershipFactory(scheme=beds, role="coordinator").user
    AlertTemplate.objects.create(
        force="bedfordshire",
        name="Beds",
        title="T",
        body="B",
        category="general",
        severity="Minor",
    )
    listed = client_for(coordinator).get(TEMPLATES).json()
    assert [row["name"] for row in listed["results"]] == ["Beds"]
