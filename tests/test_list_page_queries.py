"""The five busiest lists (schemes, speedwatch sessions, offences, alerts, the inbox) ask as
many queries for a page of 50 rows as for a page of 1, signed in with an API token as the
app is; and the directory and the inbox, built from plain rows, answer exactly what their
serializers describe."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User
from areas import geo
from areas.models import area_fields
from notifications import selectors as notification_selectors
from notifications.models import Alert, Notice, Reply
from notifications.serializers import NoticeSerializer
from schemes import selectors as scheme_selectors
from schemes.models import Scheme
from schemes.serializers import SchemeSummarySerializer
from tests.factories import SchemeFactory
from tests.speedwatch import logged_session

pytestmark = pytest.mark.django_db

PAGE = 50
SQUARE = {
    "type": "Polygon",
    # Wound clockwise, as rows stored before areas were normalised may be: shown reversed.
    "coordinates": [[[0.10, 52.20], [0.10, 52.21], [0.12, 52.21], [0.12, 52.20], [0.10, 52.20]]],
}


def _bounded(scheme: Scheme) -> None:
    """Give the scheme the polygon SQUARE for its area, stored as it is."""
    Scheme.objects.filter(pk=scheme.pk).update(
        **{**area_fields(boundary=SQUARE), "boundary": SQUARE}
    )


def token_client(user: User) -> APIClient:
    if hasattr(user, "liaison"):
        # Liaisons must use a second factor; their tokens come once it is set up.
        TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def queries_of_pages(client: APIClient, path: str) -> tuple[int, int, int]:
    """Queries of a page of 1 and of a page of 50 of ``path``, and the rows of the latter."""
    counts, rows = [], 0
    for size in (1, PAGE):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, {"page_size": size})
        assert response.status_code == 200, response.content
        rows = len(response.json()["results"])
        counts.append(len(queries))
    return counts[0], counts[1], rows


def _alerts(count: int, *, issuer: User, recipient: User | None = None) -> list[Alert]:
    """Published Cambridgeshire alerts by ``issuer``, every third of a scheme, every fifth an
    update of the one before, each in ``recipient``'s inbox when given."""
    now = timezone.now()
    scheme = SchemeFactory(name="Coton Neighbourhood Watch")
    made: list[Alert] = []
    for n in range(count):
        update = bool(made) and n % 5 == 0
        alert = Alert.objects.create(
            issuer=issuer,
            force="cambridgeshire",
            scheme=scheme if n % 3 == 0 else None,
            message_type="Update" if update else "Alert",
            references=made[-1] if update else None,
            incident=made[-1].incident if update else None,
            title=f"Alert {n}",
            body="Watch out.",
            category="bogus_caller",
            severity="Moderate",
            urgency="Expected",
            audience="members",
            status="published",
            published_at=now - timedelta(minutes=n),
            expires_at=now + timedelta(days=1),
            **(
                area_fields(boundary=SQUARE)
                if n % 4 == 0
                else area_fields(lat=52.1985, lon=0.1410, radius_m=500)
            ),
        )
        if not update:
            Alert.objects.filter(pk=alert.pk).update(incident=alert)
        if recipient is not None:
            Notice.objects.filter(alert__incident=alert.incident_id, recipient=recipient).update(
                superseded=True
            )
            Notice.objects.create(
                alert=alert,
                recipient=recipient,
                channel="in_app",
                state="sent",
                sent_at=now,
                read_at=now if n % 2 else None,
            )
        made.append(alert)
    return made


def test_scheme_directory_queries_stay_constant(volunteer, scheme) -> None:
    for n in range(PAGE + 5):
        made = SchemeFactory(name=f"Scheme {n:02d}")
        if n % 4 == 0:
            _bounded(made)
    client = token_client(volunteer)
    one, many, rows = queries_of_pages(client, "/api/v1/schemes/")
    # Token and user with the liaison profile (none), the count and the page.
    assert (one, many, rows) == (3, 3, PAGE)


def test_scheme_directory_rows_are_the_serializers(volunteer, scheme, other_scheme) -> None:
    _bounded(SchemeFactory(name="Coton Watch", status="proposed", proposed_by=volunteer))
    _bounded(SchemeFactory(name="Grantchester Watch", kind="countryside"))
    client = token_client(volunteer)
    visible = scheme_selectors.with_member_count(
        scheme_selectors.schemes_visible_to(user=volunteer)
    ).order_by("name", "id")
    for query, names in [
        (
            {},
            ["Ely City Neighbourhood Watch", "Grantchester Watch", "Mill Road Neighbourhood Watch"],
        ),
        ({"status": "proposed"}, ["Coton Watch"]),
    ]:
        listed = client.get("/api/v1/schemes/", {"page_size": 100, **query}).json()["results"]
        assert [row["name"] for row in listed] == names
        schemes = visible.filter(name__in=names)
        assert listed == SchemeSummarySerializer(schemes, many=True).data
    coton = client.get("/api/v1/schemes/", {"status": "proposed"}).json()["results"][0]
    assert coton["boundary"]["coordinates"][0] == SQUARE["coordinates"][0][::-1]
    assert (coton["radius_m"], coton["member_count"], coton["distance_m"]) == (None, 0, None)
    # Near a point: nearest first, each with its distance.
    near = client.get("/api/v1/schemes/", {"lat": 52.1985, "lon": 0.1410, "radius_m": 5000})
    nearby = scheme_selectors.schemes_near(
        schemes=visible.filter(status="active"), point=geo.Point(52.1985, 0.1410), radius_m=5000
    )
    assert near.json()["results"] == SchemeSummarySerializer(nearby, many=True).data
    assert near.json()["results"][0]["name"] == "Mill Road Neighbourhood Watch"
    assert near.json()["results"][0]["distance_m"] == 0


def test_inbox_queries_stay_constant(volunteer, liaison) -> None:
    _alerts(PAGE + 15, issuer=liaison, recipient=volunteer)
    client = token_client(volunteer)
    one, many, rows = queries_of_pages(client, "/api/v1/inbox/")
    # Token and user with the liaison profile (none), the count and the page.
    assert (one, many, rows) == (3, 3, PAGE)


def test_inbox_cards_are_the_serializers(volunteer, liaison) -> None:
    alerts = _alerts(12, issuer=liaison, recipient=volunteer)
    Alert.objects.filter(pk=alerts[2].pk).update(issuer=None)
    # One in Welsh first, with its English: the card carries both.
    Alert.objects.filter(pk=alerts[3].pk).update(
        language="cy",
        title="Galwyr ffug",
        translated_title="Bogus callers",
        translated_body="Watch out.",
        translated_instruction="Keep doors locked.",
    )
    # An answered reply to the incident of the second card: unread, with a new answer.
    Reply.objects.create(
        alert=alerts[1],
        author=volunteer,
        body="Seen it.",
        answer="Thanks.",
        answered_at=timezone.now(),
    )
    client = token_client(volunteer)
    cards = client.get("/api/v1/inbox/", {"page_size": 100}).json()["results"]
    notices = notification_selectors.inbox_of(user=volunteer).select_related(
        "alert__issuer", "alert__scheme"
    )
    assert cards == NoticeSerializer(notices, many=True).data
    assert len(cards) == 10  # two of the twelve are updates, shown on their incident's card
    assert {card["alert"]["issuer_name"] for card in cards} == {"", "PCSO Priya Shah"}
    assert [card["new_answer"] for card in cards].count(True) == 1
    welsh = next(card["alert"] for card in cards if card["alert"]["id"] == alerts[3].pk)
    assert (welsh["language"], welsh["title"], welsh["translation"]) == (
        "cy",
        "Galwyr ffug",
        {"title": "Bogus callers", "body": "Watch out.", "instruction": "Keep doors locked."},
    )


@pytest.fixture
def alerts_and_offences(sw_coordinator, sw_team, site, liaison) -> None:
    for n in range(PAGE + 2):
        logged_session(site, sw_team, days_ago=n + 1, offences=[(f"AB{n:02d} CDE", 41)])
    _alerts(PAGE + 5, issuer=liaison)


@pytest.mark.parametrize(
    ("path", "who"),
    [
        ("/api/v1/speedwatch/sessions/", "sw_coordinator"),
        ("/api/v1/speedwatch/offences/", "sw_coordinator"),
        ("/api/v1/speedwatch/offences/", "liaison"),
        ("/api/v1/alerts/", "liaison"),
    ],
)
def test_speedwatch_and_alert_list_queries_stay_constant(
    alerts_and_offences, request, path: str, who: str
) -> None:
    client = token_client(request.getfixturevalue(who))
    one, many, rows = queries_of_pages(client, path)
    assert rows == PAGE
    assert one == many
    assert many <= 6
