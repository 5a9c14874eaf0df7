"""Escalation across a force area, disputes, the letters queue and its exports, the audit
trail, statistics and the retention purge."""

import codecs
import csv
import io
import json
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from tests.factories import LiaisonFactory, MembershipFactory, SchemeFactory, SiteFactory
from tests.speedwatch import logged_session
from watch.models import AuditRecord, Offence, Session
from watch.registrations import vehicle_key
from watch.services.retention import registrations_purge
from watch.services.sessions import session_submit
from watch.tasks import purge_old_registrations

pytestmark = pytest.mark.django_db


def _team(scheme) -> list:
    return [
        MembershipFactory(scheme=scheme, role=role).user
        for role in ("coordinator", "volunteer", "volunteer")
    ]


@pytest.fixture
def histon(db):
    """A second Cambridgeshire speedwatch scheme, with its own site and team."""
    scheme = SchemeFactory(name="Histon & Impington Speedwatch", kind="speedwatch")
    return SiteFactory(scheme=scheme, name="Station Road", lat=52.2519, lon=0.106), _team(scheme)


@pytest.fixture
def bedford(db):
    """A speedwatch scheme of another force."""
    scheme = SchemeFactory(name="Biggleswade Speedwatch", kind="speedwatch", force="bedfordshire")
    return SiteFactory(scheme=scheme, name="London Road", lat=52.086, lon=-0.264), _team(scheme)


def _actions(registration: str) -> list[str]:
    return list(
        Offence.objects.filter(registration=registration)
        .order_by("observed_at")
        .values_list("action", flat=True)
    )


def test_escalation_follows_a_vehicle_across_schemes_of_a_force(site, sw_team, histon) -> None:
    histon_site, histon_team = histon
    logged_session(site, sw_team, days_ago=30, offences=[("AB12CDE", 37)])
    logged_session(histon_site, histon_team, days_ago=20, offences=[("AB12CDE", 38)])
    logged_session(site, sw_team, days_ago=10, offences=[("AB12CDE", 39)])
    logged_session(histon_site, histon_team, days_ago=2, offences=[("AB12CDE", 36)])
    assert _actions("AB12CDE") == [
        "first_letter",
        "second_letter",
        "police_action",
        "police_action",
    ]


def test_escalation_does_not_cross_forces(site, sw_team, bedford) -> None:
    beds_site, beds_team = bedford
    logged_session(site, sw_team, days_ago=20, offences=[("AB12CDE", 37)])
    logged_session(beds_site, beds_team, days_ago=10, offences=[("AB12CDE", 38)])
    assert list(Offence.objects.order_by("observed_at").values_list("force", "action")) == [
        ("cambridgeshire", "first_letter"),
        ("bedfordshire", "first_letter"),
    ]


@pytest.mark.parametrize(
    ("between", "second"),
    [
        (timedelta(days=364), "second_letter"),
        (timedelta(days=365) - timedelta(microseconds=1), "second_letter"),
        (timedelta(days=365), "first_letter"),  # exactly 12 months apart: a new window
        (timedelta(days=366), "first_letter"),
    ],
)
def test_the_rolling_window_edge(site, sw_team, between, second) -> None:
    # Sessions need a recent device check; the first one is old, so move it back by hand.
    first = logged_session(site, sw_team, days_ago=1, offences=[("AB12CDE", 37)])
    later = logged_session(site, sw_team, days_ago=1, offences=[("AB12CDE", 38)], submit=False)
    seen = later.offences.get().observed_at
    Offence.objects.filter(session=first).update(observed_at=seen - between)
    session_submit(session=later, actor=sw_team[0], now=later.ended_at + timedelta(hours=2))
    assert _actions("AB12CDE") == ["first_letter", second]


def test_a_speed_far_over_goes_straight_to_police_action(speedwatch, sw_team) -> None:
    for limit, below, at in [(20, 33, 34), (30, 49, 50), (40, 66, 67)]:
        site = SiteFactory(scheme=speedwatch, speed_limit_mph=limit)
        logged_session(site, sw_team, offences=[(f"LOW{limit}", below), (f"HIGH{limit}", at)])
        assert _actions(f"LOW{limit}") == ["first_letter"]
        assert _actions(f"HIGH{limit}") == ["police_action"]


def test_drafts_do_not_count_towards_escalation(site, sw_team) -> None:
    logged_session(site, sw_team, days_ago=3, offences=[("AB12CDE", 37)], submit=False)
    logged_session(site, sw_team, days_ago=1, offences=[("AB12CDE", 38)])
    assert _actions("AB12CDE") == ["first_letter", "first_letter"]


def test_an_upheld_dispute_voids_the_offence_and_recomputes(
    client_for, site, sw_team, liaison
) -> None:
    for days_ago in (30, 20, 10):
        logged_session(site, sw_team, days_ago=days_ago, offences=[("AB12CDE", 37)])
    assert _actions("AB12CDE") == ["first_letter", "second_letter", "police_action"]
    middle = Offence.objects.order_by("observed_at")[1]
    response = client_for(liaison).post(
        f"/api/v1/speedwatch/offences/{middle.pk}/dispute/",
        {"outcome": "upheld", "note": "Photo shows a different vehicle."},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["voided"], body["action"], body["dispute_outcome"]) == (True, "none", "upheld")
    assert _actions("AB12CDE") == ["first_letter", "none", "second_letter"]


def test_a_rejected_dispute_changes_nothing(client_for, site, sw_team, liaison) -> None:
    logged_session(site, sw_team, days_ago=5, offences=[("AB12CDE", 37)])
    offence = Offence.objects.get()
    response = client_for(liaison).post(
        f"/api/v1/speedwatch/offences/{offence.pk}/dispute/",
        {"outcome": "rejected", "note": "Device reading confirmed."},
        format="json",
    )
    assert response.json()["voided"] is False
    assert _actions("AB12CDE") == ["first_letter"]


# Who may not know the offence exists is told it does not (404); who can see it, the
# scheme's coordinator, is told they may not settle it (403).
@pytest.mark.parametrize(
    ("who", "status", "detail"),
    [
        ("sw_coordinator", 403, "Only the liaisons covering the scheme settle disputes."),
        ("sw_volunteer", 404, "No Offence matches the given query."),
        ("foreign_liaison", 404, "No Offence matches the given query."),
        ("outsider", 404, "No Offence matches the given query."),
    ],
)
def test_only_the_covering_liaison_settles_disputes(
    client_for, request, site, sw_team, who, status, detail
) -> None:
    logged_session(site, sw_team, offences=[("AB12CDE", 37)])
    offence = Offence.objects.get()
    response = client_for(request.getfixturevalue(who)).post(
        f"/api/v1/speedwatch/offences/{offence.pk}/dispute/", {"outcome": "upheld"}, format="json"
    )
    assert (response.status_code, response.json()) == (status, {"detail": detail})
    offence.refresh_from_db()
    assert (offence.voided, offence.dispute_outcome) == (False, "none")


def test_reversing_an_upheld_dispute_restores_escalation(
    client_for, site, sw_team, liaison
) -> None:
    for days_ago in (30, 20, 10):
        logged_session(site, sw_team, days_ago=days_ago, offences=[("AB12CDE", 37)])
    middle = Offence.objects.order_by("observed_at")[1]
    client = client_for(liaison)
    url = f"/api/v1/speedwatch/offences/{middle.pk}/dispute/"
    client.post(url, {"outcome": "upheld", "note": "Wrong car."}, format="json")
    assert _actions("AB12CDE") == ["first_letter", "none", "second_letter"]
    queue = client.get("/api/v1/speedwatch/letters/").json()["results"]
    assert [r["action"] for r in queue] == ["first_letter", "second_letter"]

    response = client.post(
        url, {"outcome": "rejected", "note": "Keeper's photo was of another car."}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["voided"], body["action"], body["action_status"], body["dispute_outcome"]) == (
        False,
        "second_letter",
        "pending",
        "rejected",
    )
    assert _actions("AB12CDE") == ["first_letter", "second_letter", "police_action"]
    queue = client.get("/api/v1/speedwatch/letters/").json()["results"]
    assert [(r["id"], r["action"]) for r in queue][1] == (str(middle.pk), "second_letter")
    assert [r["action"] for r in queue] == ["first_letter", "second_letter", "police_action"]


def test_an_offence_voided_by_amendment_cannot_be_disputed_back(
    client_for, site, sw_team, sw_coordinator, liaison
) -> None:
    session = logged_session(site, sw_team, offences=[("AB12CDE", 37)])
    offence = session.offences.get()
    client_for(sw_coordinator).post(
        f"/api/v1/speedwatch/sessions/{session.pk}/amendments/",
        {"reason": "Misread plate.", "changes": {"void_offences": [str(offence.pk)]}},
        format="json",
    )
    response = client_for(liaison).post(
        f"/api/v1/speedwatch/offences/{offence.pk}/dispute/", {"outcome": "rejected"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": [
            "This offence was voided by an amendment of its session: there is nothing to dispute."
        ]
    }
    offence.refresh_from_db()
    assert (offence.voided, offence.action) == (True, "none")


def test_letters_queue_and_marking(client_for, site, sw_team, liaison, bedford) -> None:
    logged_session(site, sw_team, days_ago=2, offences=[("AB12CDE", 37), ("KX19LMN", 52)])
    logged_session(site, sw_team, days_ago=1, offences=[("Y123ABC", 40)], submit=False)
    beds_site, beds_team = bedford
    logged_session(beds_site, beds_team, offences=[("BD68XYZ", 40)])
    client = client_for(liaison)
    queue = client.get("/api/v1/speedwatch/letters/").json()
    assert [(r["registration"], r["action"], r["site_name"]) for r in queue["results"]] == [
        ("AB12CDE", "first_letter", "High Street by the school"),
        ("KX19LMN", "police_action", "High Street by the school"),
    ]
    first = queue["results"][0]["id"]
    marked = client.post(
        "/api/v1/speedwatch/letters/mark/", {"ids": [first], "status": "sent"}, format="json"
    )
    assert marked.json() == {"updated": 1}
    offence = Offence.objects.get(pk=first)
    assert (offence.action_status, offence.action_updated_by) == ("sent", liaison)
    remaining = client.get("/api/v1/speedwatch/letters/").json()["results"]
    assert [r["registration"] for r in remaining] == ["KX19LMN"]
    sent = client.get("/api/v1/speedwatch/letters/", {"action_status": "sent"}).json()["results"]
    assert [r["registration"] for r in sent] == ["AB12CDE"]
    foreign = Offence.objects.get(registration="BD68XYZ")
    refused = client.post(
        "/api/v1/speedwatch/letters/mark/",
        {"ids": [str(foreign.pk)], "status": "sent"},
        format="json",
    )
    assert refused.status_code == 400
    assert refused.json() == {"ids": ["Some of these are not in your letters queue."]}


@pytest.mark.parametrize("who", ["sw_coordinator", "sw_volunteer", "stranger"])
def test_letters_are_for_liaisons(client_for, request, site, sw_team, who) -> None:
    client = client_for(request.getfixturevalue(who))
    for url in ("/api/v1/speedwatch/letters/", "/api/v1/speedwatch/letters/export/"):
        response = client.get(url)
        assert response.status_code == 403
        assert response.json() == {"detail": "The letters queue is for police liaisons."}


def test_letters_export_csv_and_pdf_are_audited(client_for, site, sw_team, liaison) -> None:
    logged_session(site, sw_team, offences=[("AB12CDE", 37), ("KX19LMN", 41)])
    client = client_for(liaison)
    response = client.get("/api/v1/speedwatch/letters/export/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = _csv_rows(response)
    column = rows[0].index
    assert [
        (row[column("stage")], row[column("registration")], row[column("fastest_mph")])
        for row in rows[1:]
    ] == [
        ("first_letter", "AB12 CDE", "37"),
        ("first_letter", "KX19 LMN", "41"),
    ]
    pdf = client.get("/api/v1/speedwatch/letters/export/", {"format": "pdf"})
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert b"/Count 2" in pdf.content  # one page per letter
    audit = list(AuditRecord.objects.order_by("id").values_list("actor", "action", "force", "rows"))
    assert audit == [
        (liaison.pk, "letters_csv", "cambridgeshire", 2),
        (liaison.pk, "letters_pdf", "cambridgeshire", 2),
    ]


def _csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith(codecs.BOM_UTF8)  # Excel reads the file as UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_offences_export_is_filtered_safe_and_audited(
    client_for, site, sw_team, sw_coordinator, liaison
) -> None:
    logged_session(
        site, sw_team, days_ago=3, offences=[("AB12CDE", 37), ("KX19LMN", 41), ("Y123ABC", 52)]
    )
    Offence.objects.filter(registration="KX19LMN").update(colour="=HYPERLINK(1)")
    response = client_for(sw_coordinator).get(
        "/api/v1/speedwatch/offences/export/", {"ordering": "-speed_mph"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="speedwatch-offences-')
    rows = _csv_rows(response)
    assert rows[0] == [
        "offence_id", "date", "time", "observed_at", "scheme", "site", "road", "speed_limit_mph",
        "speed_mph", "registration", "registration_format", "make", "model", "colour",
        "vehicle_type", "direction", "action", "action_status", "dispute_outcome", "voided",
    ]  # fmt: skip
    column = rows[0].index
    assert [
        (row[column("registration")], row[column("speed_mph")], row[column("action")])
        for row in rows[1:]
    ] == [
        ("Y123ABC", "52", "police_action"),
        ("KX19LMN", "41", "first_letter"),
        ("AB12CDE", "37", "first_letter"),
    ]
    assert rows[2][column("colour")] == "'=HYPERLINK(1)"  # a spreadsheet will not run it
    assert {row[column("scheme")] for row in rows[1:]} == {site.scheme.name}

    fast = client_for(liaison).get(
        "/api/v1/speedwatch/offences/export/", {"action": "police_action"}
    )
    assert [row[column("registration")] for row in _csv_rows(fast)[1:]] == ["Y123ABC"]
    audit = list(AuditRecord.objects.order_by("id").values_list("actor", "action", "rows"))
    assert audit == [
        (sw_coordinator.pk, "offences_csv", 3),
        (liaison.pk, "offences_csv", 1),
    ]
    bad = client_for(liaison).get("/api/v1/speedwatch/offences/export/", {"action": "jail"})
    assert bad.status_code == 400
    assert list(bad.json()) == ["action"]
    assert AuditRecord.objects.count() == 2


@pytest.mark.parametrize("who", ["sw_volunteer", "stranger", "volunteer"])
def test_offences_export_is_refused_to_those_without_registrations(
    client_for, request, site, sw_team, who
) -> None:
    logged_session(site, sw_team, offences=[("AB12CDE", 37)])
    response = client_for(request.getfixturevalue(who)).get("/api/v1/speedwatch/offences/export/")
    assert response.status_code == 403
    assert not AuditRecord.objects.exists()


def test_offences_export_keeps_to_the_liaisons_force(
    client_for, site, sw_team, bedford, foreign_liaison
) -> None:
    logged_session(site, sw_team, offences=[("AB12CDE", 37)])
    beds_site, beds_team = bedford
    logged_session(beds_site, beds_team, offences=[("KX19LMN", 41)])
    response = client_for(foreign_liaison).get("/api/v1/speedwatch/offences/export/")
    assert response.status_code == 200
    rows = _csv_rows(response)
    column = rows[0].index
    assert [(row[column("scheme")], row[column("registration")]) for row in rows[1:]] == [
        ("Biggleswade Speedwatch", "KX19LMN")
    ]


def test_searching_by_registration_is_audited(client_for, site, sw_team, sw_coordinator) -> None:
    logged_session(site, sw_team, offences=[("AB12CDE", 37), ("KX19LMN", 41)])
    response = client_for(sw_coordinator).get(
        "/api/v1/speedwatch/offences/", {"registration": "ab12 cde"}
    )
    assert [r["registration"] for r in response.json()["results"]] == ["AB12CDE"]
    record = AuditRecord.objects.get()
    assert (record.actor, record.action, record.detail, record.rows) == (
        sw_coordinator,
        "registration_search",
        {"registration": "ab12 cde"},
        1,
    )
    client_for(sw_coordinator).get("/api/v1/speedwatch/offences/")
    assert AuditRecord.objects.count() == 1  # a plain list is not a search


def test_liaison_reads_the_audit_log_of_their_force(
    client_for, site, sw_team, liaison, foreign_liaison
) -> None:
    logged_session(site, sw_team, offences=[("AB12CDE", 37)])
    client_for(liaison).get("/api/v1/speedwatch/letters/export/")
    rows = client_for(liaison).get("/api/v1/speedwatch/audit/").json()["results"]
    assert [(r["actor_name"], r["action"]) for r in rows] == [("PCSO Priya Shah", "letters_csv")]
    assert client_for(foreign_liaison).get("/api/v1/speedwatch/audit/").json()["count"] == 0


def test_a_coordinators_searches_and_exports_reach_the_covering_liaison(
    client_for, speedwatch, site, sw_team, sw_coordinator, liaison, foreign_liaison
) -> None:
    logged_session(site, sw_team, offences=[("AB12CDE", 37), ("KX19LMN", 41)])
    coordinator = client_for(sw_coordinator)
    # Hyphens and spaces are dropped from a search as from a registration being stored.
    found = coordinator.get("/api/v1/speedwatch/offences/", {"registration": "ab12-cde"})
    assert [r["registration"] for r in found.json()["results"]] == ["AB12CDE"]
    assert coordinator.get("/api/v1/speedwatch/offences/export/").status_code == 200
    coordinator.get("/api/v1/speedwatch/statistics/", {"format": "csv"})
    rows = client_for(liaison).get("/api/v1/speedwatch/audit/").json()["results"]
    assert [
        (r["actor_name"], r["action"], r["force"], r["scheme"], r["detail"], r["rows"])
        for r in rows
    ] == [
        ("David Chen", "statistics_csv", "cambridgeshire", speedwatch.pk, {"format": "csv"}, 2),
        ("David Chen", "offences_csv", "cambridgeshire", speedwatch.pk, {}, 2),
        (
            "David Chen",
            "registration_search",
            "cambridgeshire",
            speedwatch.pk,
            {"registration": "ab12-cde"},
            1,
        ),
    ]
    assert client_for(foreign_liaison).get("/api/v1/speedwatch/audit/").json()["count"] == 0


def test_searching_the_letters_queue_is_audited(
    client_for, speedwatch, site, sw_team, liaison
) -> None:
    logged_session(site, sw_team, offences=[("AB12CDE", 37), ("KX19LMN", 41)])
    client = client_for(liaison)
    found = client.get("/api/v1/speedwatch/letters/", {"registration": "AB12 CDE"})
    assert [r["registration"] for r in found.json()["results"]] == ["AB12CDE"]
    client.get("/api/v1/speedwatch/letters/")  # the queue itself is not a search
    assert list(
        AuditRecord.objects.values_list("actor", "action", "force", "scheme", "detail", "rows")
    ) == [
        (
            liaison.pk,
            "registration_search",
            "cambridgeshire",
            speedwatch.pk,
            {"registration": "AB12 CDE"},
            1,
        )
    ]


def test_statistics(client_for, site, sw_team, sw_coordinator, liaison) -> None:
    logged_session(
        site, sw_team, days_ago=3, offences=[("AB12CDE", 36), ("KX19LMN", 40), ("Y123ABC", 52)]
    )
    logged_session(site, sw_team, days_ago=2, offences=[("AB12CDE", 38)])
    logged_session(site, sw_team, days_ago=1, offences=[("ZZ99ZZZ", 60)], submit=False)
    body = client_for(liaison).get("/api/v1/speedwatch/statistics/").json()
    assert {key: value for key, value in body.items() if key != "monthly"} == {
        "sessions": 2,
        "volunteer_hours": 6.0,
        "vehicles": 400,
        "offences": 4,
        "percent_over_threshold": 1.0,
        "mean_speed_mph": 41.5,
        "p85_speed_mph": 46.6,
        "letters": 3,
        "referrals": 1,
        "repeat_vehicles": 1,
    }
    assert sum(month["offences"] for month in body["monthly"]) == 4
    assert client_for(sw_coordinator).get("/api/v1/speedwatch/statistics/").json()["offences"] == 4
    # Submitting marks a session's offences, which is what statistics count.
    assert sorted(Offence.objects.values_list("registration", "submitted")) == [
        ("AB12CDE", True),
        ("AB12CDE", True),
        ("KX19LMN", True),
        ("Y123ABC", True),
        ("ZZ99ZZZ", False),
    ]


def _day_of_month(months_back: int, day: int) -> date:
    """The ``day`` of the month ``months_back`` months before this one (always in the past)."""
    first = timezone.localdate().replace(day=1)
    for _ in range(months_back):
        first = (first - timedelta(days=1)).replace(day=1)
    return first.replace(day=day)


def _days_ago(day: date) -> int:
    return (timezone.localdate() - day).days


TOTALS = (
    "sessions",
    "volunteer_hours",
    "vehicles",
    "offences",
    "percent_over_threshold",
    "mean_speed_mph",
    "p85_speed_mph",
    "letters",
    "referrals",
)


def _period(*values) -> dict:
    return dict(zip(TOTALS, values, strict=True))


@pytest.fixture
def two_months(site, sw_team, histon):
    """Three sessions of an hour, three people and 200 vehicles each, over two months and two
    schemes of the force: the speeds, letters and repeats are worked out in the comments."""
    histon_site, histon_team = histon
    earlier, later = _day_of_month(2, 10), _day_of_month(1, 10)
    # AB12CDE first letter, KX19LMN first letter.
    logged_session(
        site, sw_team, days_ago=_days_ago(earlier), offences=[("AB12CDE", 36), ("KX19LMN", 40)]
    )
    # AB12CDE second letter; Y123ABC at 52 in a 30: police action.
    logged_session(
        site, sw_team, days_ago=_days_ago(later), offences=[("AB12CDE", 38), ("Y123ABC", 52)]
    )
    # KX19LMN again, at another scheme of the force: second letter.
    logged_session(
        histon_site,
        histon_team,
        days_ago=_days_ago(later.replace(day=12)),
        offences=[("KX19LMN", 45)],
    )
    return f"{earlier:%Y-%m}", f"{later:%Y-%m}"


def test_statistics_by_month(client_for, liaison, two_months) -> None:
    earlier, later = two_months
    body = client_for(liaison).get("/api/v1/speedwatch/statistics/").json()
    # Speeds 36, 40, 38, 52, 45: mean 42.2; the 85th percentile lies 0.4 of the way from 45
    # to 52. Per month: 36, 40 (39.4 = 36 + 0.85 * 4) and 38, 52, 45 (49.9 = 45 + 0.7 * 7).
    assert body == {
        **_period(3, 9.0, 600, 5, 0.83, 42.2, 47.8, 4, 1),
        "repeat_vehicles": 2,
        "monthly": [
            {"month": earlier, **_period(1, 3.0, 200, 2, 1.0, 38.0, 39.4, 2, 0)},
            {"month": later, **_period(2, 6.0, 400, 3, 0.75, 45.0, 49.9, 2, 1)},
        ],
    }


# Offences at the edges of UK months, in UTC: 00:30 on 1 March (GMT) is March; 00:30 on
# 1 April and on 1 July (British Summer Time, UTC+1) are April and July, though still March
# and June in UTC; 23:30 on 31 October (GMT again since the 25th) is October.
UK_MONTH_EDGES = {
    "2026-03": datetime(2026, 3, 1, 0, 30, tzinfo=UTC),
    "2026-04": datetime(2026, 3, 31, 23, 30, tzinfo=UTC),
    "2026-07": datetime(2026, 6, 30, 23, 30, tzinfo=UTC),
    "2026-10": datetime(2026, 10, 31, 23, 30, tzinfo=UTC),
}


def test_statistics_count_offences_in_their_uk_month(client_for, site, sw_team, liaison) -> None:
    session = logged_session(
        site, sw_team, offences=[(f"K{n}X", 36 + n) for n in range(len(UK_MONTH_EDGES))]
    )
    # Sessions run in daylight, so no offence stored through the app falls in the hour that
    # UTC and UK months disagree on: move them there, and the session to a month of its own.
    for offence, observed_at in zip(
        session.offences.order_by("observed_at"), UK_MONTH_EDGES.values(), strict=True
    ):
        Offence.objects.filter(pk=offence.pk).update(observed_at=observed_at)
    started_at = datetime(2026, 5, 12, 9, tzinfo=UTC)
    Session.objects.filter(pk=session.pk).update(
        started_at=started_at, ended_at=started_at + timedelta(hours=1)
    )
    body = client_for(liaison).get("/api/v1/speedwatch/statistics/").json()
    assert [
        (month["month"], month["sessions"], month["mean_speed_mph"]) for month in body["monthly"]
    ] == [
        ("2026-03", 0, 36.0),
        ("2026-04", 0, 37.0),
        ("2026-05", 1, None),
        ("2026-07", 0, 38.0),
        ("2026-10", 0, 39.0),
    ]


def test_statistics_filters_and_csv(client_for, speedwatch, liaison, two_months) -> None:
    earlier, later = two_months
    client = client_for(liaison)
    url = "/api/v1/speedwatch/statistics/"
    # One scheme: speeds 36, 40, 38, 52 (46.6 = 40 + 0.55 * 12); KX19LMN's second offence
    # was at the other scheme, so only AB12CDE repeats.
    assert client.get(url, {"scheme": speedwatch.pk}).json() == {
        **_period(2, 6.0, 400, 4, 1.0, 41.5, 46.6, 3, 1),
        "repeat_vehicles": 1,
        "monthly": [
            {"month": earlier, **_period(1, 3.0, 200, 2, 1.0, 38.0, 39.4, 2, 0)},
            {"month": later, **_period(1, 3.0, 200, 2, 1.0, 45.0, 49.9, 1, 1)},
        ],
    }
    until = timezone.make_aware(datetime.combine(_day_of_month(1, 1), time()))
    assert client.get(url, {"until": until.isoformat()}).json() == {
        **_period(1, 3.0, 200, 2, 1.0, 38.0, 39.4, 2, 0),
        "repeat_vehicles": 0,
        "monthly": [{"month": earlier, **_period(1, 3.0, 200, 2, 1.0, 38.0, 39.4, 2, 0)}],
    }
    assert client.get(url, {"since": until.isoformat()}).json()["monthly"] == [
        {"month": later, **_period(2, 6.0, 400, 3, 0.75, 45.0, 49.9, 2, 1)}
    ]

    response = client.get(url, {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert _csv_rows(response) == [
        ["period", *TOTALS, "repeat_vehicles"],
        ["total", "3", "9.0", "600", "5", "0.83", "42.2", "47.8", "4", "1", "2"],
        [earlier, "1", "3.0", "200", "2", "1.0", "38.0", "39.4", "2", "0", ""],
        [later, "2", "6.0", "400", "3", "0.75", "45.0", "49.9", "2", "1", ""],
    ]
    response = client.get(
        url, {"format": "csv", "scheme": speedwatch.pk, "until": until.isoformat()}
    )
    assert _csv_rows(response) == [
        ["period", *TOTALS, "repeat_vehicles"],
        ["total", "1", "3.0", "200", "2", "1.0", "38.0", "39.4", "2", "0", "0"],
        [earlier, "1", "3.0", "200", "2", "1.0", "38.0", "39.4", "2", "0", ""],
    ]
    records = list(
        AuditRecord.objects.order_by("id").values_list("action", "force", "scheme", "rows")
    )
    assert records == [
        ("statistics_csv", "cambridgeshire", None, 5),
        ("statistics_csv", "cambridgeshire", speedwatch.pk, 2),
    ]


def test_statistics_of_a_period_without_offences(client_for, site, sw_team, liaison) -> None:
    logged_session(site, sw_team)
    body = client_for(liaison).get("/api/v1/speedwatch/statistics/").json()
    assert {key: body[key] for key in (*TOTALS, "repeat_vehicles")} == {
        **_period(1, 3.0, 200, 0, 0.0, None, None, 0, 0),
        "repeat_vehicles": 0,
    }


@pytest.mark.parametrize("who", ["stranger", "outsider"])
def test_statistics_are_refused_outside_speedwatch(client_for, request, who) -> None:
    response = client_for(request.getfixturevalue(who)).get("/api/v1/speedwatch/statistics/")
    assert response.status_code == 403


def test_statistics_query_count_is_constant(
    client_for, site, sw_team, liaison, django_assert_max_num_queries
) -> None:
    client = client_for(liaison)
    logged_session(site, sw_team, days_ago=3, offences=[("AB12CDE", 36)])
    # Sign-in and scope, the schemes' ids, two statistics queries (on PostgreSQL; three on
    # SQLite, which counts the repeat vehicles apart), and the planner settings with their
    # savepoint.
    with django_assert_max_num_queries(11):
        client.get("/api/v1/speedwatch/statistics/")
    for days_ago in (2, 1):
        logged_session(
            site, sw_team, days_ago=days_ago, offences=[(f"K{n}X", 40) for n in range(20)]
        )
    with django_assert_max_num_queries(11):
        assert client.get("/api/v1/speedwatch/statistics/").json()["offences"] == 41


@pytest.mark.skipif(connection.vendor != "postgresql", reason="compares with PostgreSQL")
def test_the_85th_percentile_matches_postgresql(site, sw_team) -> None:
    from watch.selectors.statistics import _percentile

    speeds = [35, 36, 40, 41, 52, 60, 40]
    logged_session(site, sw_team, offences=[(f"AB{n}CDE", s) for n, s in enumerate(speeds)])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT PERCENTILE_CONT(0.85) WITHIN GROUP (ORDER BY speed_mph) FROM watch_offence"
        )
        database = cursor.fetchone()[0]
    assert _percentile(Counter(speeds), 0.85) == pytest.approx(database) == pytest.approx(52.8)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="compares with PostgreSQL")
def test_the_monthly_speeds_match_postgresql(client_for, liaison, two_months) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_char(date_trunc('month', observed_at AT TIME ZONE 'Europe/London'), "
            "'YYYY-MM'), round(avg(speed_mph), 1)::float, "
            "round(PERCENTILE_CONT(0.85) WITHIN GROUP (ORDER BY speed_mph)::numeric, 1)::float "
            "FROM watch_offence GROUP BY 1 ORDER BY 1"
        )
        database = [list(row) for row in cursor.fetchall()]
    body = client_for(liaison).get("/api/v1/speedwatch/statistics/").json()
    assert [[m["month"], m["mean_speed_mph"], m["p85_speed_mph"]] for m in body["monthly"]] == (
        database
    )


def test_retention_purge_anonymises_but_keeps_counts(site, sw_team, liaison, client_for) -> None:
    old = logged_session(site, sw_team, days_ago=2, offences=[("AB12CDE", 37)])
    logged_session(site, sw_team, days_ago=1, offences=[("KX19LMN", 41)])
    Offence.objects.filter(session=old).update(
        observed_at=timezone.now() - timedelta(days=django_settings.SPEEDWATCH_RETENTION_DAYS + 1)
    )
    assert purge_old_registrations.delay().get() == 1
    purged = Offence.objects.get(session=old)
    assert (purged.registration, purged.make, purged.speed_mph) == ("", "", 37)
    assert purged.anonymised_at is not None
    assert Offence.objects.get(registration="KX19LMN").anonymised_at is None
    assert registrations_purge() == 0  # nothing left to do the second time
    body = client_for(liaison).get("/api/v1/speedwatch/statistics/").json()
    assert body["offences"] == 2
    letters = client_for(liaison).get("/api/v1/speedwatch/letters/").json()["results"]
    assert [r["registration"] for r in letters] == ["KX19LMN"]


def test_the_purge_keeps_statistics_and_leaves_no_registration(
    client_for, site, sw_team, liaison, sw_coordinator
) -> None:
    """AB12CDE was caught twice long ago, KX19LMN once long ago and once lately: both still
    count as repeat vehicles after the purge, though only KX19LMN's recent plate is left."""
    old = logged_session(
        site, sw_team, days_ago=3, offences=[("AB12CDE", 37), ("KX19LMN", 41), ("Y123ABC", 39)]
    )
    older = logged_session(site, sw_team, days_ago=2, offences=[("AB12CDE", 44)])
    logged_session(site, sw_team, days_ago=1, offences=[("KX19LMN", 40), ("BD68XYZ", 38)])
    long_ago = timezone.now() - timedelta(days=django_settings.SPEEDWATCH_RETENTION_DAYS + 10)
    Offence.objects.filter(session__in=[old, older]).update(
        observed_at=long_ago, make="Ford", colour="Red"
    )
    Offence.objects.filter(session=old, registration="Y123ABC").update(
        dispute_outcome="rejected", dispute_note="Keeper of Y123 ABC says it was sold."
    )
    client = client_for(liaison)
    client.get("/api/v1/speedwatch/offences/", {"registration": "AB12CDE"})
    client.get("/api/v1/speedwatch/offences/export/", {"colour": "KX19LMN"})
    AuditRecord.objects.update(at=long_ago)
    client_for(sw_coordinator).get("/api/v1/speedwatch/offences/", {"registration": "BD68XYZ"})
    url = "/api/v1/speedwatch/statistics/"
    before = client.get(url).json()
    assert (before["offences"], before["repeat_vehicles"]) == (6, 2)

    assert registrations_purge() == 4
    assert client.get(url).json() == before
    purged = list(Offence.objects.filter(anonymised_at__isnull=False).values())
    assert len(purged) == 4
    assert {(o["registration"], o["make"], o["colour"], o["dispute_note"]) for o in purged} == {
        ("", "", "", "")
    }
    assert {o["vehicle_key"] for o in purged} == {
        vehicle_key("AB12CDE"),
        vehicle_key("KX19LMN"),
        vehicle_key("Y123ABC"),
    }
    text = json.dumps(purged, default=str)
    for plate in ("AB12", "Y123", "KX19"):
        assert plate not in text
    # A filter value that reads as a registration goes too; the recent search stays.
    records = AuditRecord.objects.order_by("id")
    assert [(r.detail, r.anonymised_at is not None) for r in records] == [
        ({"registration": "[removed]"}, True),
        ({"colour": "[removed]"}, True),
        ({"registration": "BD68XYZ"}, False),
    ]


def test_the_purge_is_scheduled() -> None:
    entries = django_settings.CELERY_BEAT_SCHEDULE.values()
    assert {"task": "watch.purge_old_registrations", "schedule": timedelta(hours=6)} in list(
        entries
    )


def test_liaison_of_another_force_sees_nothing(client_for, site, sw_team) -> None:
    logged_session(site, sw_team, offences=[("AB12CDE", 37)])
    beds = LiaisonFactory(force="bedfordshire").user
    client = client_for(beds)
    assert client.get("/api/v1/speedwatch/letters/").json()["count"] == 0
    assert client.get("/api/v1/speedwatch/offences/").json()["count"] == 0
    assert client.get("/api/v1/speedwatch/sessions/").json()["count"] == 0
