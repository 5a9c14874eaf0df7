"""The activity log: who sees which schemes' events, filters, and the CSV export."""

import codecs
import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from schemes.models import ActivityEvent
from schemes.services import activity_record
from tests.factories import ActivityEventFactory, MembershipFactory, SchemeFactory, UserFactory

pytestmark = pytest.mark.django_db

ACTIVITY = "/api/v1/activity/"
EXPORT = "/api/v1/activity/export/"


@pytest.fixture
def events(scheme, coordinator, other_scheme, outsider):
    """One event in each Cambridgeshire scheme and one in a Bedfordshire scheme."""
    beds = SchemeFactory(name="Biggleswade Speedwatch", kind="speedwatch", force="bedfordshire")
    return {
        "mill_road": ActivityEventFactory(
            scheme=scheme, type="member_joined", actor=coordinator, summary="Alex joined."
        ),
        "ely": ActivityEventFactory(
            scheme=other_scheme, type="member_left", actor=outsider, summary="Sam left."
        ),
        "beds": ActivityEventFactory(scheme=beds, type="scheme_approved", summary="Approved."),
    }


def _summaries(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["summary"] for row in response.json()["results"]]


def test_coordinator_sees_their_schemes_events(client_for, coordinator, events) -> None:
    response = client_for(coordinator).get(ACTIVITY)
    event = events["mill_road"]
    assert response.json()["results"] == [
        {
            "id": event.pk,
            "scheme": {
                "id": event.scheme_id,
                "name": "Mill Road Neighbourhood Watch",
                "kind": "neighbourhood",
                "status": "active",
            },
            "type": "member_joined",
            "type_display": "Member joined",
            "object_type": "scheme",
            "object_id": str(event.scheme_id),
            "force": "cambridgeshire",
            "payload": {},
            "actor_name": "Margaret Ellis",
            "summary": "Alex joined.",
            "at": response.json()["results"][0]["at"],
        }
    ]


def test_liaison_sees_their_force_area(client_for, liaison, foreign_liaison, events) -> None:
    assert _summaries(client_for(liaison).get(ACTIVITY)) == ["Sam left.", "Alex joined."]
    assert _summaries(client_for(foreign_liaison).get(ACTIVITY)) == ["Approved."]


@pytest.mark.parametrize("who", ["volunteer", "stranger"])
def test_volunteers_and_strangers_are_refused(client_for, request, events, who) -> None:
    response = client_for(request.getfixturevalue(who)).get(ACTIVITY)
    assert response.status_code == 403
    assert response.json() == {"detail": "Activity is for scheme coordinators and police liaisons."}
    assert client_for(request.getfixturevalue(who)).get(EXPORT).status_code == 403


def test_anonymous_is_refused(anon, events) -> None:
    assert anon.get(ACTIVITY).status_code == 401
    assert anon.get(EXPORT).status_code == 401


def test_a_coordinator_cannot_filter_their_way_into_another_scheme(
    client_for, coordinator, events
) -> None:
    response = client_for(coordinator).get(ACTIVITY, {"scheme": events["ely"].scheme_id})
    assert _summaries(response) == []


def test_filters_by_scheme_kind_type_and_time(client_for, liaison, scheme, events) -> None:
    client = client_for(liaison)
    speedwatch = SchemeFactory(name="Histon Speedwatch", kind="speedwatch")
    ActivityEventFactory(
        scheme=speedwatch, type="scheme_approved", actor=liaison, summary="Histon approved."
    )
    old = ActivityEventFactory(scheme=scheme, type="member_left", summary="Long ago.")
    ActivityEvent.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=40))

    assert _summaries(client.get(ACTIVITY, {"scheme": scheme.pk})) == ["Alex joined.", "Long ago."]
    assert _summaries(client.get(ACTIVITY, {"kind": "speedwatch"})) == ["Histon approved."]
    assert _summaries(client.get(ACTIVITY, {"type": "member_left"})) == ["Sam left.", "Long ago."]
    assert _summaries(client.get(ACTIVITY, {"type": ["member_left", "scheme_approved"]})) == [
        "Histon approved.",
        "Sam left.",
        "Long ago.",
    ]
    since = (timezone.now() - timedelta(days=7)).isoformat()
    assert "Long ago." not in _summaries(client.get(ACTIVITY, {"since": since}))
    assert _summaries(client.get(ACTIVITY, {"until": since})) == ["Long ago."]
    assert _summaries(client.get(ACTIVITY, {"ordering": "at"}))[0] == "Long ago."


def test_csv_export(client_for, liaison, scheme, events) -> None:
    ActivityEventFactory(scheme=scheme, type="member_joined", summary="=HYPERLINK(evil)")
    response = client_for(liaison).get(EXPORT, {"scheme": scheme.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="patchwatch-activity-')
    body = b"".join(response.streaming_content)
    assert body.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == ["time", "scheme_id", "scheme", "kind", "type", "actor", "summary"]
    assert [row[2:] for row in rows[1:]] == [
        [
            "Mill Road Neighbourhood Watch",
            "neighbourhood",
            "member_joined",
            "",
            "'=HYPERLINK(evil)",
        ],
        [
            "Mill Road Neighbourhood Watch",
            "neighbourhood",
            "member_joined",
            "Margaret Ellis",
            "Alex joined.",
        ],
    ]


def test_activity_list_queries_stay_constant(
    client_for, liaison, django_assert_max_num_queries
) -> None:
    client = client_for(liaison)

    def grow(count: int) -> None:
        for _ in range(count):
            membership = MembershipFactory()
            activity_record(
                scheme=membership.scheme,
                type="member_joined",
                actor=membership.user,
                object_id=membership.pk,
                payload={"member": membership.user.name, "role": membership.role},
            )

    grow(3)
    with django_assert_max_num_queries(7):
        assert client.get(ACTIVITY).json()["count"] == 3
    grow(30)
    with django_assert_max_num_queries(7):
        assert len(client.get(ACTIVITY, {"page_size": 100}).json()["results"]) == 33


# --- Kinds of event, registered by the apps that record them ------------------------------

# Stored in every log written so far: neither a value nor a label may change.
KINDS = [
    ("scheme_proposed", "Scheme proposed"),
    ("scheme_updated", "Scheme details changed"),
    ("scheme_approved", "Scheme approved"),
    ("scheme_suspended", "Scheme suspended"),
    ("scheme_reinstated", "Scheme reinstated"),
    ("scheme_closed", "Scheme closed"),
    ("member_requested", "Asked to join"),
    ("member_joined", "Member joined"),
    ("member_declined", "Join request declined"),
    ("member_decline_undone", "Join request decline undone"),
    ("member_left", "Member left"),
    ("member_removed", "Member removed"),
    ("role_changed", "Role changed"),
    ("site_proposed", "Speedwatch site proposed"),
    ("site_approved", "Speedwatch site approved"),
    ("site_rejected", "Speedwatch site rejected"),
    ("site_suspended", "Speedwatch site suspended"),
    ("session_submitted", "Speedwatch session submitted"),
    ("session_amended", "Speedwatch session amended"),
    ("alert_published", "Alert published"),
    ("alert_submitted", "Alert submitted for approval"),
    ("alert_approved", "Alert approved"),
    ("alert_sent_back", "Alert sent back"),
    ("alert_resubmitted", "Alert resubmitted for approval"),
    ("survey_sent", "Survey sent"),
    ("survey_closed", "Survey closed"),
]


def test_each_app_registers_its_own_kinds_with_their_stored_values() -> None:
    from notifications.models import AlertActivity
    from schemes.activity import ACTIVITY_KINDS
    from schemes.models import ActivityType
    from surveys.models import SurveyActivity
    from watch.models import SpeedwatchActivity

    assert list(ACTIVITY_KINDS) == KINDS
    assert [
        *ActivityType.choices,
        *SpeedwatchActivity.choices,
        *AlertActivity.choices,
        *SurveyActivity.choices,
    ] == KINDS
    # The lowest domain app names none of the events of the apps above it.
    assert {value for value, _ in ActivityType.choices}.isdisjoint(
        {*SpeedwatchActivity.values, *AlertActivity.values, *SurveyActivity.values}
    )


def test_an_unregistered_kind_is_not_recorded(scheme, coordinator) -> None:
    with pytest.raises(ValueError, match="'site_moved' is no registered kind of activity"):
        activity_record(
            scheme=scheme, type="site_moved", actor=coordinator, object_id=1, payload={}
        )
    assert not ActivityEvent.objects.filter(type="site_moved").exists()


def test_a_kind_registered_again_with_another_label_is_refused() -> None:
    from django.db.models import TextChoices

    from schemes.activity import activity_kinds_register

    class Renamed(TextChoices):
        ALERT_PUBLISHED = "alert_published", "Alert sent"

    with pytest.raises(ValueError, match="'alert_published' is registered with another label"):
        activity_kinds_register(Renamed, {})


def test_the_log_shows_and_filters_the_kinds_of_every_app(client_for, liaison, scheme) -> None:
    ActivityEventFactory(scheme=scheme, type="alert_published", actor=liaison, summary="Published.")
    ActivityEventFactory(scheme=scheme, type="site_rejected", actor=liaison, summary="Rejected.")
    client = client_for(liaison)
    rows = client.get(ACTIVITY, {"scheme": scheme.pk}).json()["results"]
    assert [(row["type"], row["type_display"]) for row in rows] == [
        ("site_rejected", "Speedwatch site rejected"),
        ("alert_published", "Alert published"),
    ]
    assert _summaries(client.get(ACTIVITY, {"type": "alert_published"})) == ["Published."]
    refused = client.get(ACTIVITY, {"type": "site_moved"})
    assert refused.status_code == 400
    assert list(refused.json()) == ["type"]


# --- Structured events: the object, the force, the payload the prose is rendered from ------


def _log(scheme) -> list[tuple]:
    return list(
        ActivityEvent.objects.filter(scheme=scheme)
        .order_by("pk")
        .values_list("type", "object_type", "object_id", "force", "payload", "summary")
    )


def test_scheme_events_record_their_object_force_and_facts(liaison, stranger) -> None:
    from schemes import services

    proposer = UserFactory(name="Nina Patel")
    scheme = services.scheme_propose(
        proposer=proposer,
        details={"name": "Romsey Town Watch", "kind": "neighbourhood", "force": "cambridgeshire"},
        area={"lat": 52.197, "lon": 0.146, "radius_m": 600},
    )
    services.scheme_update(
        scheme=scheme, actor=proposer, details={"description": "Romsey Town."}, area=None
    )
    scheme = services.scheme_status_change(
        scheme=scheme, actor=liaison, to_status="active", reason=""
    )
    first = scheme.memberships.get(user=proposer)
    request = services.membership_request(scheme=scheme, user=stranger)
    services.membership_decline(membership=request, actor=proposer, reason="Outside the area")
    services.membership_decline_undo(membership=request, actor=proposer)
    services.membership_approve(membership=request, actor=proposer)
    services.membership_set_role(membership=request, actor=proposer, role="coordinator")
    services.membership_remove(membership=request, actor=proposer)
    services.scheme_status_change(
        scheme=scheme, actor=liaison, to_status="suspended", reason="No patrols since May."
    )

    scheme_id, first_id, request_id = str(scheme.pk), str(first.pk), str(request.pk)
    force = "cambridgeshire"
    assert _log(scheme) == [
        (
            "scheme_proposed",
            "scheme",
            scheme_id,
            force,
            {"scheme": "Romsey Town Watch", "kind": "neighbourhood"},
            "Nina Patel proposed Romsey Town Watch (Neighbourhood Watch).",
        ),
        (
            "scheme_updated",
            "scheme",
            scheme_id,
            force,
            {"changed": ["description"]},
            "Nina Patel changed the scheme's details.",
        ),
        (
            "scheme_approved",
            "scheme",
            scheme_id,
            force,
            {"from_status": "proposed", "to_status": "active", "reason": ""},
            "PCSO Priya Shah: proposed → active.",
        ),
        (
            "member_joined",
            "membership",
            first_id,
            force,
            {"member": "Nina Patel", "role": "coordinator", "first_coordinator": True},
            "Nina Patel joined as the first coordinator.",
        ),
        (
            "member_requested",
            "membership",
            request_id,
            force,
            {"member": "Sam Stranger"},
            "Sam Stranger asked to join.",
        ),
        (
            "member_declined",
            "membership",
            request_id,
            force,
            {"member": "Sam Stranger", "reason": "Outside the area"},
            "Nina Patel declined Sam Stranger's request to join. Reason: Outside the area",
        ),
        (
            "member_decline_undone",
            "membership",
            request_id,
            force,
            {"member": "Sam Stranger"},
            "Nina Patel undid declining Sam Stranger's request to join: it is waiting again.",
        ),
        (
            "member_joined",
            "membership",
            request_id,
            force,
            {"member": "Sam Stranger", "role": "volunteer"},
            "Nina Patel approved Sam Stranger's request to join.",
        ),
        (
            "role_changed",
            "membership",
            request_id,
            force,
            {"member": "Sam Stranger", "from_role": "volunteer", "role": "coordinator"},
            "Nina Patel made Sam Stranger a coordinator.",
        ),
        (
            "member_removed",
            "membership",
            request_id,
            force,
            {"member": "Sam Stranger", "role": "coordinator"},
            "Nina Patel removed Sam Stranger.",
        ),
        (
            "scheme_suspended",
            "scheme",
            scheme_id,
            force,
            {"from_status": "active", "to_status": "suspended", "reason": "No patrols since May."},
            "PCSO Priya Shah: active → suspended. No patrols since May.",
        ),
    ]


def test_leaving_records_the_membership_it_ended(scheme, volunteer, stranger) -> None:
    from schemes import services

    member = scheme.memberships.get(user=volunteer)
    request = services.membership_request(scheme=scheme, user=stranger)
    services.membership_leave(scheme=scheme, user=volunteer)
    services.membership_leave(scheme=scheme, user=stranger)
    assert _log(scheme)[1:] == [
        (
            "member_left",
            "membership",
            str(member.pk),
            "cambridgeshire",
            {"member": "Alex Morgan", "was_pending": False},
            "Alex Morgan left the scheme.",
        ),
        (
            "member_left",
            "membership",
            str(request.pk),
            "cambridgeshire",
            {"member": "Sam Stranger", "was_pending": True},
            "Sam Stranger withdrew their request to join.",
        ),
    ]


def test_the_force_is_the_schemes_at_the_time(scheme, coordinator, liaison) -> None:
    from schemes import services

    services.scheme_update(
        scheme=scheme, actor=liaison, details={"force": "bedfordshire"}, area=None
    )
    services.scheme_update(scheme=scheme, actor=coordinator, details={"name": "Mill Rd"}, area=None)
    assert [(row[3], row[4]) for row in _log(scheme)] == [
        ("bedfordshire", {"changed": ["force"]}),
        ("bedfordshire", {"changed": ["name"]}),
    ]


def test_speedwatch_events_are_about_their_site_or_session(
    speedwatch, sw_coordinator, sw_team, liaison
) -> None:
    from tests.factories import SiteFactory
    from tests.speedwatch import logged_session
    from watch.services.sessions import session_amend
    from watch.services.sites import site_decide, site_propose

    data = {
        "name": "Cambridge Road",
        "road_name": "Cambridge Road",
        "lat": 52.1496,
        "lon": 0.0561,
        "speed_limit_mph": 30,
        "direction": "eastbound",
        "risk_assessment": dict.fromkeys(
            ["safe_standing_place", "clear_view", "no_obstruction", "parking_nearby"], True
        ),
    }
    site = site_propose(scheme=speedwatch, actor=sw_coordinator, data=data)
    site_decide(site=site, actor=liaison, status="rejected", reason="No safe verge.")
    approved = SiteFactory(scheme=speedwatch, name="Church Lane")
    session = logged_session(approved, sw_team, offences=[("AB12CDE", 41), ("AB12CDE", 44)])
    session_amend(
        session=session,
        actor=sw_coordinator,
        reason="Miscounted.",
        changes={"vehicles_counted": 210},
    )

    assert _log(speedwatch) == [
        (
            "site_proposed",
            "site",
            str(site.pk),
            "cambridgeshire",
            {"site": "Cambridge Road", "speed_limit_mph": 30},
            "David Chen proposed the site Cambridge Road (30 mph).",
        ),
        (
            "site_rejected",
            "site",
            str(site.pk),
            "cambridgeshire",
            {
                "site": "Cambridge Road",
                "from_status": "proposed",
                "to_status": "rejected",
                "reason": "No safe verge.",
            },
            "PCSO Priya Shah: site Cambridge Road rejected. No safe verge.",
        ),
        (
            "session_submitted",
            "session",
            str(session.pk),
            "cambridgeshire",
            {
                "site": "Church Lane",
                "vehicles_counted": 200,
                "offences": 2,
                "vehicles_offending": 1,
            },
            "David Chen submitted a session at Church Lane: 200 vehicles, 2 offences (1 vehicles).",
        ),
        (
            "session_amended",
            "session",
            str(session.pk),
            "cambridgeshire",
            {"changed": ["vehicles_counted"], "reason": "Miscounted."},
            "David Chen amended a session (vehicles_counted): Miscounted.",
        ),
    ]


def test_a_published_alert_is_the_object_of_its_event(scheme, coordinator) -> None:
    from notifications.services import alert_draft, alert_publish

    alert = alert_draft(
        issuer=coordinator,
        details={
            "title": "Van seen at night",
            "body": "A white van without plates, checking doors.",
            "category": "suspicious_activity",
            "severity": "Moderate",
            "urgency": "Expected",
            "audience": "members",
        },
        area={"lat": 52.1985, "lon": 0.141, "radius_m": 300},
        scheme=scheme,
    )
    alert_publish(alert=alert, actor=coordinator)
    assert _log(scheme) == [
        (
            "alert_published",
            "alert",
            str(alert.pk),
            "cambridgeshire",
            {"title": "Van seen at night"},
            "Margaret Ellis published an alert: Van seen at night",
        )
    ]


def test_each_kind_renders_its_prose_from_the_payload() -> None:
    from schemes.activity import activity_kind, activity_summary_render

    def render(type: str, actor: str, **payload) -> str:
        return activity_summary_render(type=type, actor_name=actor, payload=payload)

    assert (
        render("role_changed", "Ann", member="Bo", role="volunteer") == "Ann made Bo a volunteer."
    )
    assert render("member_left", "", account_deleted=True, was_pending=False) == (
        "A member deleted their account and left the scheme."
    )
    assert render("member_left", "", account_deleted=True, was_pending=True) == (
        "A request to join was withdrawn: its sender deleted their account."
    )
    assert render("scheme_proposed", "Ann", scheme="Coton", kind="speedwatch", in_admin=True) == (
        "Ann added Coton in the admin."
    )
    assert render("site_approved", "Ann", site="Elm Road", to_status="approved") == (
        "Ann: site Elm Road approved."
    )
    assert render("alert_published", "Ann", title="Fire") == "Ann published an alert: Fire"
    assert render("survey_sent", "Ann", title="Lighting", schemes=3) == (
        "Ann sent a survey to the members of 3 schemes: Lighting"
    )
    assert render("survey_closed", "Ann", title="Lighting", answers=1) == (
        "Ann closed a survey after 1 answer: Lighting"
    )
    # Every registered kind says what it is about.
    assert {value: activity_kind(value).about for value, _ in KINDS} == {
        **dict.fromkeys([value for value, _ in KINDS[:6]], "scheme"),
        **dict.fromkeys([value for value, _ in KINDS[6:13]], "membership"),
        **dict.fromkeys([value for value, _ in KINDS[13:17]], "site"),
        **dict.fromkeys([value for value, _ in KINDS[17:19]], "session"),
        **dict.fromkeys([value for value, _ in KINDS[19:24]], "alert"),
        **dict.fromkeys([value for value, _ in KINDS[24:]], "survey"),
    }


def test_a_kind_registered_without_its_prose_is_refused() -> None:
    from django.db.models import TextChoices

    from schemes.activity import activity_kinds_register

    class Patrols(TextChoices):
        PATROL_LOGGED = "patrol_logged", "Patrol logged"

    with pytest.raises(ValueError, match="Say what each of Patrols's kinds is about"):
        activity_kinds_register(Patrols, {})
    with pytest.raises(ValueError, match="'patrol_logged' is no registered kind"):
        activity_record(scheme=None, type="patrol_logged", actor=None, object_id=1)


def test_the_api_shows_the_structured_fields(client_for, liaison, scheme, coordinator) -> None:
    from schemes import services

    membership = services.membership_request(scheme=scheme, user=UserFactory(name="Lee Fox"))
    row = client_for(liaison).get(ACTIVITY).json()["results"][0]
    assert {key: row[key] for key in ("type", "object_type", "object_id", "force", "payload")} == {
        "type": "member_requested",
        "object_type": "membership",
        "object_id": str(membership.pk),
        "force": "cambridgeshire",
        "payload": {"member": "Lee Fox"},
    }
    assert row["summary"] == "Lee Fox asked to join."


def test_filters_by_object_and_force(client_for, liaison, scheme, coordinator, events) -> None:
    from schemes import services

    joining = services.membership_request(scheme=scheme, user=UserFactory(name="Lee Fox"))
    services.membership_approve(membership=joining, actor=coordinator)
    services.membership_request(scheme=scheme, user=UserFactory(name="Kim Ray"))
    # The scheme moved to Bedfordshire; its earlier events stay in Cambridgeshire.
    moved = ActivityEventFactory(
        scheme=scheme, force="bedfordshire", summary="Moved.", object_id="7"
    )
    client = client_for(liaison)

    about_joining = {"object_type": "membership", "object_id": joining.pk}
    assert _summaries(client.get(ACTIVITY, about_joining)) == [
        "Margaret Ellis approved Lee Fox's request to join.",
        "Lee Fox asked to join.",
    ]
    assert _summaries(client.get(ACTIVITY, {"object_type": "scheme", "object_id": "7"})) == [
        "Moved."
    ]
    assert len(_summaries(client.get(ACTIVITY, {"object_type": "membership"}))) == 3
    assert _summaries(client.get(ACTIVITY, {"force": "bedfordshire"})) == [moved.summary]
    assert "Moved." not in _summaries(client.get(ACTIVITY, {"force": "cambridgeshire"}))
    # A force filter never shows what the reader may not see: the Bedfordshire scheme's
    # event is the foreign liaison's.
    assert "Approved." not in _summaries(client.get(ACTIVITY, {"force": "bedfordshire"}))
    # The export takes the same filters.
    body = b"".join(client.get(EXPORT, about_joining).streaming_content).decode("utf-8-sig")
    assert [row[-1] for row in csv.reader(io.StringIO(body))][1:] == [
        "Margaret Ellis approved Lee Fox's request to join.",
        "Lee Fox asked to join.",
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"object_type": "lamp_post"}, "object_type"),
        ({"object_type": ""}, "object_type"),
        ({"object_id": ""}, "object_id"),
        ({"object_id": "1"}, "object_id"),
        ({"object_type": "site", "object_id": "x" * 41}, "object_id"),
        ({"force": "gotham"}, "force"),
        ({"force": ""}, "force"),
    ],
)
def test_bad_filter_values_are_refused(client_for, liaison, events, query, field) -> None:
    response = client_for(liaison).get(ACTIVITY, query)
    assert response.status_code == 400, response.content
    assert list(response.json()) == [field]
    assert client_for(liaison).get(EXPORT, query).status_code == 400


def test_old_entries_read_as_they_did(scheme) -> None:
    """Entries recorded before the log kept structured facts: the migration makes each about
    its scheme, in the scheme's force, with an empty payload and its prose unchanged."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("schemes.migrations.0006_activityevent_structured")
    old = ActivityEventFactory(scheme=scheme, type="member_left", summary="Sam left.")
    ActivityEvent.objects.filter(pk=old.pk).update(object_type="", object_id="", force="")
    migration.fill(apps, None)
    old.refresh_from_db()
    assert (old.object_type, old.object_id, old.force, old.payload, old.summary) == (
        "scheme",
        str(scheme.pk),
        "cambridgeshire",
        {},
        "Sam left.",
    )


def test_deleting_an_account_takes_the_name_out_of_the_facts_too(scheme, coordinator) -> None:
    from schemes import services
    from schemes.account_deletion import handler

    # A quote, which the payload's JSON text escapes.
    person = UserFactory(name='Jo "JJ" Smith')
    request = services.membership_request(scheme=scheme, user=person)
    services.membership_approve(membership=request, actor=coordinator)
    handler.erase(person)
    assert [
        (event.payload, event.summary)
        for event in ActivityEvent.objects.filter(scheme=scheme).order_by("pk")
    ] == [
        ({"member": "a former member"}, "A former member asked to join."),
        (
            {"member": "a former member", "role": "volunteer"},
            "Margaret Ellis approved a former member's request to join.",
        ),
        (
            {"account_deleted": True, "was_pending": False},
            "A member deleted their account and left the scheme.",
        ),
    ]


def test_speedwatch_and_alert_entries_read_in_welsh() -> None:
    from django.utils import translation

    from schemes.activity import activity_kind_label, activity_summary_render

    def render(type: str, actor: str, **payload) -> str:
        return activity_summary_render(type=type, actor_name=actor, payload=payload)

    with translation.override("cy"):
        assert render("site_proposed", "Ann", site="Elm Road", speed_limit_mph=30) == (
            "Cynigiodd Ann y safle Elm Road (30 mya)."
        )
        assert render("site_rejected", "Ann", site="Elm Road", to_status="rejected") == (
            "Ann: gwrthodwyd y safle Elm Road."
        )
        assert render(
            "session_submitted",
            "Ann",
            site="Elm Road",
            vehicles_counted=200,
            offences=2,
            vehicles_offending=1,
        ) == ("Cyflwynodd Ann sesiwn yn Elm Road: cerbydau 200, troseddau 2 (cerbydau 1).")
        assert render("alert_published", "Ann", title="Tân") == "Cyhoeddodd Ann rybudd: Tân"
        assert [
            str(activity_kind_label(kind))
            for kind in ("site_approved", "session_amended", "alert_published")
        ] == [
            "Safle Gwylio Cyflymder wedi'i gymeradwyo",
            "Sesiwn Gwylio Cyflymder wedi'i diwygio",
            "Rhybudd wedi'i gyhoeddi",
        ]
    # The stored English is as it was.
    assert render("site_rejected", "Ann", site="Elm Road", to_status="rejected") == (
        "Ann: site Elm Road rejected."
    )
