"""A liaison's review: the audit of registration searches and exports (filters, CSV, who may
read it, read-only in the admin), site and scheme review (proposer, risk assessment, history,
decisions), statistics periods that end before they start, and no escalation shown on drafts."""

import codecs
import csv
import importlib
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from schemes.models import Scheme
from tests.factories import MembershipFactory, SchemeFactory, SiteFactory, UserFactory
from tests.speedwatch import logged_session
from watch.models import AuditRecord, Offence, Site, SiteStatusChange
from watch.services.sites import site_propose

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")

AUDIT = "/api/v1/speedwatch/audit/"
AUDIT_EXPORT = "/api/v1/speedwatch/audit/export/"
SITES = "/api/v1/speedwatch/sites/"
RISK_OK = {
    "safe_standing_place": True,
    "clear_view": True,
    "no_obstruction": True,
    "parking_nearby": True,
}


def _csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content)
    assert body.startswith(codecs.BOM_UTF8)  # Excel reads the file as UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _at(day: int, hour: int) -> datetime:
    """A moment in January 2030, UK time (GMT, so the same as UTC)."""
    return datetime(2030, 1, day, hour, 0, tzinfo=LONDON)


@pytest.fixture
def histon(db) -> Scheme:
    """A second speedwatch scheme of the force, with its own coordinator."""
    scheme = SchemeFactory(name="Histon & Impington Speedwatch", kind="speedwatch")
    MembershipFactory(scheme=scheme, role="coordinator", user__name="Rachel Green")
    return scheme


@pytest.fixture
def records(speedwatch, histon, sw_coordinator, liaison) -> dict[str, AuditRecord]:
    """Four searches and exports of January 2030 in Cambridgeshire, one in Bedfordshire."""
    rachel = histon.memberships.get(role="coordinator").user
    made = {
        "david search": (sw_coordinator, "registration_search", [speedwatch], 3, 10, "AB12 CDE"),
        "rachel search": (rachel, "registration_search", [histon], 4, 11, "KX19LMN"),
        "david export": (sw_coordinator, "offences_csv", [speedwatch], 5, 12, None),
        # The letters of the whole force: both schemes.
        "liaison letters": (liaison, "letters_csv", [speedwatch, histon], 6, 9, None),
    }
    result = {}
    for name, (actor, action, schemes, day, hour, registration) in made.items():
        record = AuditRecord.objects.create(
            actor=actor,
            actor_name=actor.name,
            action=action,
            force="cambridgeshire",
            scheme=schemes[0] if len(schemes) == 1 else None,
            detail={"registration": registration} if registration else {"format": "csv"},
            rows=2,
        )
        record.schemes.set(schemes)
        AuditRecord.objects.filter(pk=record.pk).update(at=_at(day, hour))
        result[name] = record
    beds = AuditRecord.objects.create(
        actor_name="PC Tom Hughes", action="letters_csv", force="bedfordshire", detail={}, rows=1
    )
    AuditRecord.objects.filter(pk=beds.pk).update(at=_at(4, 9))
    return result


def _names(response) -> list[tuple[str, str]]:
    assert response.status_code == 200, response.content
    return [(row["actor_name"], row["action"]) for row in response.json()["results"]]


# --- The audit list and its filters --------------------------------------------------------


def test_audit_lists_the_force_newest_first_with_names(
    client_for, records, speedwatch, sw_coordinator, liaison
) -> None:
    response = client_for(liaison).get(AUDIT)
    assert _names(response) == [
        ("PCSO Priya Shah", "letters_csv"),
        ("David Chen", "offences_csv"),
        ("Rachel Green", "registration_search"),
        ("David Chen", "registration_search"),
    ]
    assert response.json()["results"][3] == {
        "id": records["david search"].pk,
        "actor": sw_coordinator.pk,
        "actor_name": "David Chen",
        "action": "registration_search",
        "action_display": "Searched by registration",
        "force": "cambridgeshire",
        "scheme": speedwatch.pk,
        "scheme_name": "Haslingfield Community Speedwatch",
        "schemes": [{"id": speedwatch.pk, "name": "Haslingfield Community Speedwatch"}],
        "detail": {"registration": "AB12 CDE"},
        "rows": 2,
        "at": "2030-01-03T10:00:00Z",
    }


def test_audit_filters_by_period_scheme_person_and_action(
    client_for, records, speedwatch, histon, sw_coordinator, liaison
) -> None:
    client = client_for(liaison)
    # From the 4th (inclusive) to the 6th (exclusive), as UK midnights.
    period = {"since": "2030-01-04T00:00:00+00:00", "until": "2030-01-06T00:00:00+00:00"}
    assert _names(client.get(AUDIT, period)) == [
        ("David Chen", "offences_csv"),
        ("Rachel Green", "registration_search"),
    ]
    assert _names(client.get(AUDIT, {"scheme": speedwatch.pk})) == [
        ("PCSO Priya Shah", "letters_csv"),
        ("David Chen", "offences_csv"),
        ("David Chen", "registration_search"),
    ]
    assert _names(client.get(AUDIT, {"scheme": histon.pk})) == [
        ("PCSO Priya Shah", "letters_csv"),
        ("Rachel Green", "registration_search"),
    ]
    assert _names(client.get(AUDIT, {"person": "david"})) == [
        ("David Chen", "offences_csv"),
        ("David Chen", "registration_search"),
    ]
    assert _names(client.get(AUDIT, {"actor": liaison.pk})) == [("PCSO Priya Shah", "letters_csv")]
    both = {"person": "David", "action": "registration_search", **period}
    assert _names(client.get(AUDIT, both)) == []
    assert _names(client.get(AUDIT, {**both, "since": "2030-01-03T00:00:00Z"})) == [
        ("David Chen", "registration_search")
    ]


def test_audit_export_is_the_filtered_list_as_csv_and_is_itself_recorded(
    client_for, records, speedwatch, liaison
) -> None:
    client = client_for(liaison)
    response = client.get(AUDIT_EXPORT, {"person": "David", "scheme": speedwatch.pk})
    assert response["Content-Disposition"].startswith('attachment; filename="speedwatch-audit-')
    assert _csv_rows(response) == [
        [
            "time",
            "person",
            "action",
            "registration",
            "scheme_ids",
            "schemes",
            "force",
            "rows",
            "filters",
        ],
        [
            "2030-01-05T12:00:00+00:00",
            "David Chen",
            "offences_csv",
            "",
            str(speedwatch.pk),
            "Haslingfield Community Speedwatch",
            "cambridgeshire",
            "2",
            "format=csv",
        ],
        [
            "2030-01-03T10:00:00+00:00",
            "David Chen",
            "registration_search",
            "AB12 CDE",
            str(speedwatch.pk),
            "Haslingfield Community Speedwatch",
            "cambridgeshire",
            "2",
            "",
        ],
    ]
    # The registrations in it left Patchwatch: that is recorded too, with the filters used.
    exported = AuditRecord.objects.get(action="audit_csv")
    assert (
        exported.actor,
        exported.force,
        exported.scheme,
        exported.detail,
        exported.rows,
    ) == (
        liaison,
        "cambridgeshire",
        speedwatch,
        {"person": "David", "scheme": str(speedwatch.pk)},
        2,
    )
    assert _names(client.get(AUDIT, {"action": "audit_csv"})) == [("PCSO Priya Shah", "audit_csv")]


def test_a_search_over_two_schemes_is_found_under_each(
    client_for, speedwatch, histon, site, sw_team, sw_coordinator, liaison
) -> None:
    MembershipFactory(scheme=histon, user=sw_coordinator, role="coordinator")
    logged_session(site, sw_team, offences=[("AB12CDE", 37)])
    found = client_for(sw_coordinator).get(
        "/api/v1/speedwatch/offences/", {"registration": "AB12CDE"}
    )
    assert found.json()["count"] == 1
    client = client_for(liaison)
    for scheme in (speedwatch, histon):
        response = client.get(AUDIT, {"scheme": scheme.pk})
        assert [
            (r["actor_name"], r["detail"], r["scheme"], [s["name"] for s in r["schemes"]])
            for r in response.json()["results"]
        ] == [
            (
                "David Chen",
                {"registration": "AB12CDE"},
                None,
                ["Haslingfield Community Speedwatch", "Histon & Impington Speedwatch"],
            )
        ]
    rows = _csv_rows(client.get(AUDIT_EXPORT, {"scheme": histon.pk}))
    assert rows[1][3:6] == [
        "AB12CDE",
        f"{speedwatch.pk} {histon.pk}",
        "Haslingfield Community Speedwatch; Histon & Impington Speedwatch",
    ]


def test_the_audit_list_keeps_its_queries_constant(
    client_for, records, speedwatch, histon, liaison, django_assert_max_num_queries
) -> None:
    client = client_for(liaison)
    with django_assert_max_num_queries(6):
        assert client.get(AUDIT).json()["count"] == 4
    for n in range(30):
        extra = AuditRecord.objects.create(
            actor_name=f"Person {n}", action="offences_csv", force="cambridgeshire", detail={}
        )
        extra.schemes.set([speedwatch, histon])
    with django_assert_max_num_queries(6):
        response = client.get(AUDIT, {"page_size": 100})
    assert len(response.json()["results"]) == 34
    assert len(response.json()["results"][0]["schemes"]) == 2


def test_audit_times_in_the_csv_are_uk_time_in_summer(client_for, records, liaison) -> None:
    AuditRecord.objects.filter(pk=records["david search"].pk).update(
        at=datetime(2030, 7, 1, 23, 30, tzinfo=LONDON)  # 22:30 UTC
    )
    rows = _csv_rows(client_for(liaison).get(AUDIT_EXPORT, {"action": "registration_search"}))
    assert [row[0] for row in rows[1:]] == [
        "2030-07-01T23:30:00+01:00",
        "2030-01-04T11:00:00+00:00",
    ]


# --- Who may read it ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["sw_coordinator", "outsider", "sw_volunteer", "volunteer"])
def test_audit_is_refused_to_coordinators_and_volunteers(client_for, request, records, who) -> None:
    client = client_for(request.getfixturevalue(who))
    before = AuditRecord.objects.count()
    for url in (AUDIT, AUDIT_EXPORT):
        response = client.get(url)
        assert response.status_code == 403
        assert response.json() == {"detail": "The audit log is for police liaisons."}
    assert AuditRecord.objects.count() == before


def test_audit_is_refused_to_anonymous_users(anon, records) -> None:
    for url in (AUDIT, AUDIT_EXPORT):
        response = anon.get(url)
        assert response.status_code == 401
        assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_a_liaison_of_another_force_sees_nothing_of_this_force(
    client_for, records, speedwatch, foreign_liaison
) -> None:
    client = client_for(foreign_liaison)
    assert _names(client.get(AUDIT)) == [("PC Tom Hughes", "letters_csv")]
    # Naming this force's scheme or people finds nothing either.
    assert _names(client.get(AUDIT, {"scheme": speedwatch.pk})) == []
    assert _names(client.get(AUDIT, {"person": "David"})) == []
    rows = _csv_rows(client.get(AUDIT_EXPORT, {"scheme": speedwatch.pk}))
    assert rows[1:] == []
    assert "David" not in str(rows)


def test_staff_read_every_force(client_for, records) -> None:
    staff = UserFactory(is_staff=True)
    assert client_for(staff).get(AUDIT).json()["count"] == 5


# --- Bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ({"since": "yesterday"}, {"since": ["Enter a valid date/time."]}),
        ({"until": "2030-13-45"}, {"until": ["Enter a valid date/time."]}),
        (
            {"since": "9999-12-31T23:00:00-23:00"},
            {"since": ["Enter a time between 1900 and 2200."]},
        ),
        (
            {"since": "2030-01-06T00:00:00Z", "until": "2030-01-04T00:00:00Z"},
            {"until": ["The end must come after the start."]},
        ),
        (
            {"since": "2030-01-06T00:00:00Z", "until": "2030-01-06T00:00:00Z"},
            {"until": ["The end must come after the start."]},
        ),
        ({"scheme": "Haslingfield"}, {"scheme": ["Enter a whole number: the id."]}),
        ({"actor": "david"}, {"actor": ["Enter a whole number: the id."]}),
        (
            {"action": "deleted"},
            {"action": ["Select a valid choice. deleted is not one of the available choices."]},
        ),
        (
            {"person": "x" * 151},
            {"person": ["Ensure this value has at most 150 characters (it has 151)."]},
        ),
    ],
)
def test_audit_filters_refuse_bad_input_by_field(
    client_for, records, liaison, query, errors
) -> None:
    client = client_for(liaison)
    before = AuditRecord.objects.count()
    for url in (AUDIT, AUDIT_EXPORT):
        response = client.get(url, query)
        assert response.status_code == 400
        assert response.json() == errors
    assert AuditRecord.objects.count() == before  # a refused export leaves no record


# --- Read-only in the admin ----------------------------------------------------------------------


@pytest.fixture
def superuser(client):
    client.force_login(UserFactory(name="Sally Staff", is_staff=True, is_superuser=True))
    return client


def test_audit_records_cannot_be_added_changed_or_deleted_in_the_admin(superuser, records) -> None:
    record = records["david search"]
    before = list(AuditRecord.objects.order_by("pk").values())
    add = reverse("admin:watch_auditrecord_add")
    change = reverse("admin:watch_auditrecord_change", args=[record.pk])
    delete = reverse("admin:watch_auditrecord_delete", args=[record.pk])
    changelist = reverse("admin:watch_auditrecord_changelist")

    assert superuser.get(add).status_code == 403
    assert superuser.post(add, {"actor_name": "Forger", "action": "letters_csv"}).status_code == 403
    page = superuser.get(change)
    assert page.status_code == 200  # it can be read ...
    assert page.context["has_change_permission"] is False
    assert page.context["has_delete_permission"] is False
    edited = superuser.post(change, {"actor_name": "Someone else", "rows": "0"})
    assert edited.status_code == 403
    assert superuser.get(delete).status_code == 403
    assert superuser.post(delete, {"post": "yes"}).status_code == 403

    listing = superuser.get(changelist)
    assert listing.status_code == 200
    assert listing.context["cl"].result_count == 5
    assert listing.context["action_form"] is None  # no bulk delete, nor any other action
    # Posting the bulk delete anyway deletes nothing.
    superuser.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"},
    )
    assert list(AuditRecord.objects.order_by("pk").values()) == before


# --- Statistics: a period that ends before it starts ----------------------------------------------


@pytest.mark.parametrize("extra", [{}, {"format": "csv"}])
@pytest.mark.parametrize(
    ("since", "until"),
    [("2030-02-01T00:00:00Z", "2030-01-01T00:00:00Z"), ("2030-01-01T00:00:00Z", "2030-01-01")],
)
def test_statistics_refuse_a_period_that_ends_before_it_starts(
    client_for, site, sw_team, liaison, since, until, extra
) -> None:
    logged_session(site, sw_team, offences=[("AB12CDE", 37)])
    response = client_for(liaison).get(
        "/api/v1/speedwatch/statistics/", {"since": since, "until": until, **extra}
    )
    assert response.status_code == 400
    assert response.json() == {"until": ["The end must come after the start."]}
    assert not AuditRecord.objects.exists()


def test_statistics_of_a_one_day_period_are_fine(client_for, site, sw_team, liaison) -> None:
    logged_session(site, sw_team, days_ago=1, offences=[("AB12CDE", 37)])
    day = timezone.localdate() - timedelta(days=1)
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    response = client_for(liaison).get(
        "/api/v1/speedwatch/statistics/",
        {"since": start.isoformat(), "until": (start + timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 200
    assert (response.json()["sessions"], response.json()["offences"]) == (1, 1)


# --- No escalation shown on drafts ----------------------------------------------------------------


@pytest.fixture
def draft_and_submitted(site, sw_team):
    """AB12CDE twice: a first letter three days ago (submitted), then a draft yesterday."""
    submitted = logged_session(site, sw_team, days_ago=3, offences=[("AB12CDE", 37)])
    draft = logged_session(site, sw_team, days_ago=1, offences=[("AB12CDE", 40)], submit=False)
    return draft, submitted


@pytest.mark.parametrize("who", ["sw_coordinator", "liaison"])
def test_offences_of_drafts_carry_no_escalation(
    client_for, request, draft_and_submitted, who
) -> None:
    draft, submitted = draft_and_submitted
    # The escalation is worked out as offences come in, but is not the police's yet.
    assert Offence.objects.get(session=draft).action == "second_letter"
    client = client_for(request.getfixturevalue(who))
    listed = client.get("/api/v1/speedwatch/offences/").json()["results"]
    assert [
        (o["session"], o["action"], o["action_display"], o["action_status"], o["submitted"])
        for o in listed
    ] == [
        (str(draft.pk), None, None, None, False),
        (str(submitted.pk), "first_letter", "First letter", "pending", True),
    ]
    offences = client.get(f"/api/v1/speedwatch/sessions/{draft.pk}/").json()["offences"]
    assert [(o["action"], o["action_display"], o["action_status"]) for o in offences] == [
        (None, None, None)
    ]
    rows = _csv_rows(client.get("/api/v1/speedwatch/offences/export/"))
    column = rows[0].index
    assert [
        (row[column("speed_mph")], row[column("action")], row[column("action_status")])
        for row in rows[1:]
    ] == [("37", "first_letter", "pending"), ("40", "", "")]


def test_letters_leave_drafts_out_and_their_offences_cannot_be_disputed(
    client_for, draft_and_submitted, liaison
) -> None:
    draft, _ = draft_and_submitted
    client = client_for(liaison)
    queue = client.get("/api/v1/speedwatch/letters/").json()["results"]
    assert [(o["speed_mph"], o["action"]) for o in queue] == [(37, "first_letter")]
    offence = Offence.objects.get(session=draft)
    response = client.post(
        f"/api/v1/speedwatch/offences/{offence.pk}/dispute/",
        {"outcome": "upheld", "note": "Not my car."},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": [
            "This offence's session has not been submitted: no letter has gone out to dispute."
        ]
    }
    offence.refresh_from_db()
    assert (offence.voided, offence.dispute_outcome) == (False, "none")


# --- Sites: proposer, risk assessment, history and decisions ------------------------------------


@pytest.fixture
def proposal(speedwatch, sw_coordinator) -> Site:
    return site_propose(
        scheme=speedwatch,
        actor=sw_coordinator,
        data={
            "name": "Fountain Lane",
            "road_name": "Fountain Lane",
            "lat": 52.1478,
            "lon": 0.059,
            "speed_limit_mph": 20,
            "direction": "both",
            "notes": "",
            "risk_assessment": RISK_OK,
        },
    )


def test_a_site_records_its_proposal_and_each_decision(
    client_for, proposal, sw_coordinator, liaison
) -> None:
    client = client_for(liaison)
    url = f"{SITES}{proposal.pk}/"
    client.post(f"{url}decision/", {"status": "approved"}, format="json")
    client.post(f"{url}decision/", {"status": "suspended", "reason": "Roadworks."}, format="json")
    reinstated = client.post(f"{url}decision/", {"status": "approved"}, format="json")
    assert reinstated.status_code == 200
    assert (reinstated.json()["status"], reinstated.json()["decisions"]) == (
        "approved",
        ["suspended"],
    )
    history = client.get(f"{url}history/").json()["results"]
    assert [(h["from_status"], h["to_status"], h["actor_name"], h["reason"]) for h in history] == [
        ("suspended", "approved", "PCSO Priya Shah", ""),
        ("approved", "suspended", "PCSO Priya Shah", "Roadworks."),
        ("proposed", "approved", "PCSO Priya Shah", ""),
        (None, "proposed", "David Chen", ""),
    ]
    assert history[-1]["at"] == proposal.created_at.isoformat().replace("+00:00", "Z")
    # The coordinator reads the same history of their scheme's site.
    assert client_for(sw_coordinator).get(f"{url}history/").json()["results"] == history


def test_a_site_tells_the_liaison_its_proposer_risk_answers_and_decisions(
    client_for, proposal, sw_coordinator, liaison
) -> None:
    body = client_for(liaison).get(f"{SITES}{proposal.pk}/").json()
    assert {
        key: body[key] for key in ("proposed_by", "can_see_history", "decisions", "can_decide")
    } == {
        "proposed_by": {"id": sw_coordinator.pk, "name": "David Chen"},
        "can_see_history": True,
        "decisions": ["approved", "rejected"],
        "can_decide": True,
    }
    assert body["risk_answers"] == [
        {
            "key": "safe_standing_place",
            "question": "There is a safe place to stand, off the carriageway.",
            "answer": True,
        },
        {
            "key": "clear_view",
            "question": "Drivers can see the volunteers from a safe distance.",
            "answer": True,
        },
        {
            "key": "no_obstruction",
            "question": "The team will not obstruct the footway or sight lines.",
            "answer": True,
        },
        {"key": "parking_nearby", "question": "There is safe parking nearby.", "answer": True},
    ]
    # The list says the same, for each site.
    listed = client_for(liaison).get(SITES, {"status": "proposed"}).json()["results"]
    assert [(s["name"], s["decisions"], s["proposed_by"]) for s in listed] == [
        ("Fountain Lane", ["approved", "rejected"], {"id": sw_coordinator.pk, "name": "David Chen"})
    ]


def test_a_coordinator_sees_the_history_but_decides_nothing(
    client_for, proposal, sw_coordinator
) -> None:
    body = client_for(sw_coordinator).get(f"{SITES}{proposal.pk}/").json()
    assert (body["proposed_by"]["name"], body["can_see_history"], body["decisions"]) == (
        "David Chen",
        True,
        [],
    )
    assert body["can_decide"] is False


def test_a_volunteer_sees_the_site_but_not_who_proposed_or_decided_it(
    client_for, proposal, sw_volunteer
) -> None:
    client = client_for(sw_volunteer)
    body = client.get(f"{SITES}{proposal.pk}/").json()
    assert (body["proposed_by"], body["can_see_history"], body["decisions"]) == (None, False, [])
    response = client.get(f"{SITES}{proposal.pk}/history/")
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only the scheme's coordinators and the covering liaisons see a site's history."
    }


@pytest.mark.parametrize("who", ["outsider", "foreign_liaison", "stranger"])
def test_a_sites_history_is_not_found_by_those_outside_it(
    client_for, request, proposal, who
) -> None:
    response = client_for(request.getfixturevalue(who)).get(f"{SITES}{proposal.pk}/history/")
    assert response.status_code == 404


def test_a_sites_history_is_refused_to_anonymous_users(anon, proposal) -> None:
    assert anon.get(f"{SITES}{proposal.pk}/history/").status_code == 401


def test_sites_older_than_their_history_get_it_from_what_they_kept(
    speedwatch, sw_coordinator, liaison
) -> None:
    proposed = SiteFactory(scheme=speedwatch, status="proposed", proposed_by=sw_coordinator)
    rejected = SiteFactory(
        scheme=speedwatch,
        status="rejected",
        proposed_by=sw_coordinator,
        decided_by=liaison,
        decision_reason="No verge.",
    )
    Site.objects.filter(pk=rejected.pk).update(decided_at=rejected.created_at + timedelta(days=2))
    rejected.refresh_from_db()
    migration = importlib.import_module("watch.migrations.0007_site_status_history_backfill")
    migration.backfill(apps, None)
    migration.backfill(apps, None)  # sites that have a history are left alone
    changes = SiteStatusChange.objects.order_by("site_id", "pk")
    assert [(c.site_id, c.from_status, c.to_status, c.actor, c.reason, c.at) for c in changes] == [
        (proposed.pk, "", "proposed", sw_coordinator, "", proposed.created_at),
        (rejected.pk, "", "proposed", sw_coordinator, "", rejected.created_at),
        (rejected.pk, "", "rejected", liaison, "No verge.", rejected.decided_at),
    ]


def test_the_sites_list_keeps_its_queries_constant(
    client_for, speedwatch, histon, liaison, django_assert_max_num_queries
) -> None:
    client = client_for(liaison)
    SiteFactory(scheme=speedwatch, proposed_by=UserFactory())
    with django_assert_max_num_queries(5):
        assert client.get(SITES).json()["count"] == 1
    for n in range(20):
        SiteFactory(scheme=histon if n % 2 else speedwatch, proposed_by=UserFactory())
    with django_assert_max_num_queries(5):
        response = client.get(SITES, {"page_size": 100})
    assert len(response.json()["results"]) == 21
    assert all(
        site["can_see_history"] and site["proposed_by"] for site in response.json()["results"]
    )


# --- Schemes under review: the proposer -----------------------------------------------------------


def test_a_proposal_tells_the_covering_liaison_who_proposed_it(
    client_for, stranger, liaison, foreign_liaison, outsider
) -> None:
    scheme = SchemeFactory(
        name="Soham Neighbourhood Watch", status="proposed", proposed_by=stranger
    )
    url = f"/api/v1/schemes/{scheme.pk}/"
    assert client_for(liaison).get(url).json()["proposer"] == {
        "id": stranger.pk,
        "name": "Sam Stranger",
        "email": stranger.email,
    }
    assert client_for(foreign_liaison).get(url).status_code == 404
    assert client_for(outsider).get(url).status_code == 404


def test_an_active_scheme_does_not_tell_the_public_or_members_its_proposer(
    client_for, anon, scheme, coordinator, volunteer, stranger
) -> None:
    Scheme.objects.filter(pk=scheme.pk).update(proposed_by=coordinator)
    url = f"/api/v1/schemes/{scheme.pk}/"
    assert anon.get(url).json()["proposer"] is None
    assert client_for(volunteer).get(url).json()["proposer"] is None
    assert client_for(stranger).get(url).json()["proposer"] is None
    assert client_for(coordinator).get(url).json()["proposer"]["name"] == "Margaret Ellis"
