"""The sessions, offences and alerts lists ask as many queries for a full page of one as for
a full page of every row, whatever the rows name: sites, schemes, people present, issuers;
and a short page one fewer (it is the last, so it needs no count). The offences list reads a
row past its page, so a full page that ends the list needs no count either."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from areas.models import area_fields
from notifications.models import Alert, Notice, Reply
from schemes.models import MembershipRole, Scheme
from tests.factories import MembershipFactory, SchemeFactory, SiteFactory
from tests.speedwatch import logged_session

pytestmark = pytest.mark.django_db

SESSIONS = "/api/v1/speedwatch/sessions/"
OFFENCES = "/api/v1/speedwatch/offences/"
ALERTS = "/api/v1/alerts/"
# Authentication (session and user, the liaison profile), the page's count, its rows (the
# sessions' people present among them), and the viewer's memberships, read once by the list
# whose rows say what the viewer may do in each scheme.
MOST = 6


def _queries(client, path: str, page_size: int) -> tuple[int, int]:
    """How many queries the page asks, and how many rows it has."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, {"page_size": page_size})
    assert response.status_code == 200, response.content
    return len(captured), len(response.json()["results"])


def _team(scheme: Scheme) -> list[User]:
    coordinator = MembershipFactory(scheme=scheme, role=MembershipRole.COORDINATOR).user
    return [coordinator, *(MembershipFactory(scheme=scheme).user for _ in range(3))]


@pytest.fixture
def two_schemes(speedwatch, sw_team, sw_coordinator) -> None:
    """Sessions at six sites of two speedwatch schemes (the second also coordinated by
    Haslingfield's coordinator), each with its own people and offences, one a draft."""
    other = SchemeFactory(name="Barton Speedwatch", kind="speedwatch", lat=52.17, lon=0.04)
    MembershipFactory(scheme=other, user=sw_coordinator, role=MembershipRole.COORDINATOR)
    teams = {speedwatch.pk: sw_team, other.pk: _team(other)}
    for n in range(6):
        scheme = speedwatch if n % 2 else other
        site = SiteFactory(scheme=scheme, speed_limit_mph=(20, 30, 40)[n % 3])
        logged_session(
            site,
            teams[scheme.pk],
            days_ago=n + 1,
            offences=[(f"AB{10 + n}CDE", 60), (f"KX{10 + n}LMN", 61)],
            submit=n != 0,
        )


@pytest.mark.parametrize(
    ("who", "path", "rows"),
    [
        ("sw_coordinator", SESSIONS, 6),
        ("sw_volunteer", SESSIONS, 3),
        ("liaison", SESSIONS, 6),
        ("sw_coordinator", OFFENCES, 12),
        ("liaison", OFFENCES, 12),
    ],
)
def test_speedwatch_lists_ask_the_same_queries_for_any_page_size(
    client_for, request, two_schemes, who, path, rows
) -> None:
    client = client_for(request.getfixturevalue(who))
    one, one_rows = _queries(client, path, 1)
    all_but_one, all_but_one_rows = _queries(client, path, rows - 1)
    every, every_rows = _queries(client, path, rows)
    fifty, fifty_rows = _queries(client, path, 50)
    assert (one_rows, all_but_one_rows, every_rows, fifty_rows) == (1, rows - 1, rows, rows)
    assert one == all_but_one <= MOST
    assert fifty == one - 1
    assert every == (one - 1 if path == OFFENCES else one)


@pytest.fixture
def alerts(scheme, liaison, coordinator, volunteer) -> None:
    """Twelve alerts of the force from four issuers, for schemes and not, every third an
    update of the one before, each in the volunteer's inbox with a reply."""
    issuers = [liaison, coordinator, *(_team(SchemeFactory())[0] for _ in range(2))]
    made: list[Alert] = []
    for n in range(12):
        issuer = issuers[n % 4]
        references = made[-1] if made and n % 3 == 2 else None
        alert = Alert.objects.create(
            issuer=issuer,
            force="cambridgeshire",
            scheme=issuer.memberships.first().scheme if n % 4 else None,
            message_type="Update" if references else "Alert",
            references=references,
            title=f"Alert {n}",
            body="Watch out.",
            category="burglary",
            severity="Moderate",
            urgency="Expected",
            audience="members",
            status="published",
            published_at=timezone.now(),
            expires_at=timezone.now() + timedelta(days=1),
            **area_fields(lat=52.1985, lon=0.1410, radius_m=500),
        )
        alert.incident_id = references.incident_id if references else alert.pk
        alert.save(update_fields=["incident"])
        Notice.objects.create(alert=alert, recipient=volunteer, channel="in_app", state="sent")
        Reply.objects.create(alert=alert, author=volunteer, body="Seen.")
        made.append(alert)


@pytest.mark.parametrize(("who", "rows"), [("liaison", 12), ("coordinator", 3), ("volunteer", 12)])
def test_alerts_list_asks_the_same_queries_for_any_page_size(
    client_for, request, alerts, who, rows
) -> None:
    client = client_for(request.getfixturevalue(who))
    one, one_rows = _queries(client, ALERTS, 1)
    every, every_rows = _queries(client, ALERTS, rows)
    fifty, fifty_rows = _queries(client, ALERTS, 50)
    assert (one_rows, every_rows, fifty_rows) == (1, rows, rows)
    assert one == every
    assert fifty == every - 1
    assert every <= MOST
