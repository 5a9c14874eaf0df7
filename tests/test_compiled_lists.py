"""SQL compiled once per shape (``core.compiled``): each viewer gets their own rows, whoever
of the same shape asked first, and a query the stand-in cannot stand for is not kept."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from accounts.forces import PoliceForce
from accounts.models import User
from accounts.viewers import stand_in_for
from core import compiled, visibility
from notifications.models import Notice
from schemes.models import MembershipRole, MembershipStatus, Scheme
from schemes.selectors import schemes_visible_to
from tests.factories import (
    LiaisonFactory,
    MembershipFactory,
    SchemeFactory,
    SiteFactory,
    UserFactory,
)
from tests.speedwatch import logged_session
from tests.test_list_page_queries import _alerts, token_client

SESSIONS = "/api/v1/speedwatch/sessions/"
OFFENCES = "/api/v1/speedwatch/offences/"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _nothing_kept() -> None:
    compiled._kept.clear()


def _visible_names(user: User | AnonymousUser) -> QuerySet[Scheme, dict[str, object]]:
    return schemes_visible_to(user=user).order_by("name", "id").values("name", "status")


def _read(user: User | AnonymousUser) -> tuple[list[dict[str, object]], int]:
    rows = compiled.CompiledList(
        "test schemes", _visible_names, of=user, stand_in=stand_in_for(user)
    )
    return rows[0:50], rows.count()


def test_each_viewer_of_a_shape_gets_their_own_schemes(
    scheme, other_scheme, volunteer, stranger, liaison, foreign_liaison
) -> None:
    SchemeFactory(name="Coton Watch", status="proposed", proposed_by=stranger)
    SchemeFactory(name="Luton Watch", status="proposed", force=PoliceForce.BEDFORDSHIRE)
    private = SchemeFactory(name="Barton Watch", status="suspended")
    MembershipFactory(scheme=private, user=volunteer, role=MembershipRole.COORDINATOR)
    MembershipFactory(
        scheme=SchemeFactory(name="Comberton Watch", status="suspended"),
        user=stranger,
        status=MembershipStatus.PENDING,
    )
    staff = UserFactory(name="Admin", is_staff=True)
    second_liaison = LiaisonFactory(force=PoliceForce.BEDFORDSHIRE, user__name="PC Two").user
    active = ["Ely City Neighbourhood Watch", "Mill Road Neighbourhood Watch"]
    expected = {
        # Viewers of one shape one after another: the second runs the first's SQL.
        "volunteer": ["Barton Watch", *active],
        "stranger": ["Coton Watch", *active],
        "liaison": ["Barton Watch", "Comberton Watch", "Coton Watch", *active],
        "foreign_liaison": [active[0], "Luton Watch", active[1]],
        "second_liaison": [active[0], "Luton Watch", active[1]],
        "staff": [
            "Barton Watch",
            "Comberton Watch",
            "Coton Watch",
            *active[:1],
            "Luton Watch",
            *active[1:],
        ],
        "anonymous": active,
    }
    viewers = {
        "volunteer": volunteer,
        "stranger": stranger,
        "liaison": liaison,
        "foreign_liaison": foreign_liaison,
        "second_liaison": second_liaison,
        "staff": staff,
        "anonymous": AnonymousUser(),
    }
    for _ in range(2):  # the first time compiles each shape; the second reads what was kept
        for who, user in viewers.items():
            rows, count = _read(user)
            assert [row["name"] for row in rows] == expected[who], who
            assert rows == list(_visible_names(user)), who
            assert count == len(expected[who]), who
    kept = [value for key, value in compiled._kept.items() if key[0][0] == "test schemes"]
    # A page and a count for each shape: member, liaison, staff, anonymous.
    assert len(kept) == 8
    assert all(isinstance(statement, compiled._Statement) for statement in kept)


def test_a_narrowed_rule_gives_nothing_even_once_kept(scheme, volunteer) -> None:
    assert _read(volunteer) == ([{"name": "Mill Road Neighbourhood Watch", "status": "active"}], 1)
    with visibility.narrowed("scheme"):
        assert _read(volunteer) == ([], 0)
    assert _read(volunteer)[1] == 1


def test_sql_reading_more_of_the_viewer_than_the_shape_is_not_kept(scheme, other_scheme) -> None:
    # The stand-in has no name: the SQL of a query on the viewer's name cannot be kept.
    first = UserFactory(name="Mill Road Neighbourhood Watch")
    second = UserFactory(name="Ely City Neighbourhood Watch")

    def named_like(user: User) -> QuerySet[Scheme, dict[str, object]]:
        return Scheme.objects.filter(name=user.name).values("name")

    for user in (first, second, first):
        rows = compiled.CompiledList("named", named_like, of=user, stand_in=stand_in_for(user))
        assert rows[0:10] == [{"name": user.name}]
        assert rows.count() == 1
    assert set(compiled._kept.values()) == {compiled._NOT_KEPT}


def test_a_rule_branching_on_the_viewers_data_fails_the_suites_check(
    scheme, other_scheme, volunteer, stranger
) -> None:
    # A rule that branches on data the shape does not name (whether the viewer is a member
    # anywhere) is kept when the first viewer of the shape answers as the stand-in does; the
    # test suite's check (COMPILED_LISTS_CHECKED) then stops the next viewer being served it.
    def members_see_all(user: User) -> QuerySet[Scheme, dict[str, object]]:
        schemes = Scheme.objects.order_by("name").values("name")
        if user.memberships.exists():
            return schemes
        return schemes.filter(pk=scheme.pk)

    def read(user: User) -> list[dict[str, object]]:
        return compiled.CompiledList(
            "members see all", members_see_all, of=user, stand_in=stand_in_for(user)
        )[0:10]

    assert read(stranger) == [{"name": "Mill Road Neighbourhood Watch"}]
    with pytest.raises(AssertionError, match="not this viewer's own"):
        read(volunteer)


def test_sql_holding_the_time_is_not_kept(scheme, volunteer, stranger) -> None:
    def recent(user: User) -> QuerySet[Scheme, dict[str, object]]:
        since = timezone.now() - timedelta(days=1)
        return schemes_visible_to(user=user).filter(created_at__gte=since).values("name")

    for user in (volunteer, stranger):
        rows = compiled.CompiledList("recent", recent, of=user, stand_in=stand_in_for(user))
        assert rows[0:10] == [{"name": "Mill Road Neighbourhood Watch"}]
    assert set(compiled._kept.values()) == {compiled._NOT_KEPT}


def test_each_inbox_is_its_own(volunteer, stranger, liaison) -> None:
    alerts = _alerts(3, issuer=liaison, recipient=volunteer)
    Notice.objects.create(alert=alerts[0], recipient=stranger, channel="in_app", state="sent")
    Notice.objects.update(read_at=None)  # so that the unread ones are all of them
    for _ in range(2):
        # Newest queued first; the stranger's notice has not been queued.
        for user, titles in (
            (volunteer, ["Alert 2", "Alert 1", "Alert 0"]),
            (stranger, ["Alert 0"]),
        ):
            client = token_client(user)
            inbox = client.get("/api/v1/inbox/", {"page_size": 2}).json()
            # Read with a filter, the inbox builds its queryset as before.
            unread = client.get("/api/v1/inbox/", {"page_size": 2, "unread": "true"}).json()
            assert [card["alert"]["title"] for card in inbox["results"]] == titles[:2]
            assert inbox["results"] == unread["results"]
            assert inbox["count"] == unread["count"] == len(titles)
            Token.objects.filter(user=user).delete()


def test_the_directory_compiled_is_the_directory_filtered(
    scheme, other_scheme, volunteer, liaison, stranger
) -> None:
    SchemeFactory(name="Coton Watch", status="proposed", proposed_by=stranger)
    MembershipFactory(scheme=SchemeFactory(name="Barton Watch", status="suspended"), user=stranger)
    for user in (volunteer, liaison, stranger):
        client = token_client(user)
        # Without a filter the directory's SQL is kept; ``status=active`` (its default)
        # builds the queryset as before.
        for _ in range(2):
            plain = client.get("/api/v1/schemes/", {"page_size": 1}).json()
            filtered = client.get("/api/v1/schemes/", {"page_size": 1, "status": "active"})
            assert plain["results"] == filtered.json()["results"]
            assert plain["count"] == filtered.json()["count"] == 2
    anonymous = APIClient().get("/api/v1/schemes/").json()
    assert [row["name"] for row in anonymous["results"]] == [
        "Ely City Neighbourhood Watch",
        "Mill Road Neighbourhood Watch",
    ]


def test_each_token_signs_in_its_own_user(volunteer, stranger) -> None:
    for _ in range(2):
        for user in (volunteer, stranger):
            key = Token.objects.get_or_create(user=user)[0].key
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
            assert client.get("/api/v1/me/").json()["email"] == user.email
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    response = client.get("/api/v1/me/")
    assert (response.status_code, response.json()["detail"]) == (401, "Invalid token.")
    User.objects.filter(pk=stranger.pk).update(is_active=False)
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get(user=stranger).key}")
    response = client.get("/api/v1/me/")
    assert (response.status_code, response.json()["detail"]) == (
        401,
        "User inactive or deleted.",
    )


def test_a_liaisons_token_is_read_with_their_second_factor(
    scheme, other_scheme, liaison, settings
) -> None:
    settings.OTP_REQUIRED_FOR_POLICE = True  # as in production
    client = token_client(liaison)  # with an authenticator app, as a liaison's token needs
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v1/schemes/", {"page_size": 1})
        # The token with its user, liaison profile and second factor; the count; the page.
        assert (response.status_code, response.json()["count"], len(queries)) == (200, 2, 3)
    TOTPDevice.objects.filter(user=liaison).delete()
    response = client.get("/api/v1/schemes/", {"page_size": 1})
    assert (response.status_code, response.json()["code"]) == (403, "otp_enrolment_required")


def test_nothing_for_want_of_data_is_not_kept(scheme, volunteer) -> None:
    def once_there_is_ely(user: User) -> QuerySet[Scheme, dict[str, object]]:
        if not Scheme.objects.filter(name__startswith="Ely").exists():
            return Scheme.objects.none().values("name")
        return schemes_visible_to(user=user).order_by("name").values("name")

    def read() -> list[dict[str, object]]:
        rows = compiled.CompiledList(
            "Ely", once_there_is_ely, of=volunteer, stand_in=stand_in_for(volunteer)
        )
        return rows[0:10]

    assert read() == []
    SchemeFactory(name="Ely Watch")
    assert read() == [{"name": "Ely Watch"}, {"name": "Mill Road Neighbourhood Watch"}]


def test_two_views_of_one_list_method_keep_sql_of_their_own(scheme, other_scheme, volunteer):
    class Mill:
        pass

    class Ely:
        pass

    request = Request(APIRequestFactory().get("/", {"page_size": "5"}))
    request.user = volunteer
    answers = []
    for view, prefix in ((Mill(), "Mill"), (Ely(), "Ely")):

        def named(user: User, prefix: str = prefix) -> QuerySet[Scheme, dict[str, object]]:
            return schemes_visible_to(user=user).filter(name__startswith=prefix).values("name")

        rows = compiled.compiled_list(view, "rows", named, request=request, stand_in=stand_in_for)
        answers.append(rows[0:5])
    assert answers == [
        [{"name": "Mill Road Neighbourhood Watch"}],
        [{"name": "Ely City Neighbourhood Watch"}],
    ]


def test_each_coordinator_and_liaison_gets_their_own_speedwatch_lists_and_alerts(
    site, sw_team, liaison, foreign_liaison
) -> None:
    logged_session(site, sw_team, offences=[("AB12CDE", 37)])
    elsewhere = SchemeFactory(
        name="Ampthill Speedwatch", kind="speedwatch", force=PoliceForce.BEDFORDSHIRE
    )
    other_team = [
        MembershipFactory(scheme=elsewhere, role=MembershipRole.COORDINATOR).user,
        *(MembershipFactory(scheme=elsewhere).user for _ in range(2)),
    ]
    other_site = SiteFactory(scheme=elsewhere, name="Church Street", speed_limit_mph=30)
    logged_session(other_site, other_team, offences=[("KX19LMN", 41), ("LM70ABC", 44)])
    _alerts(2, issuer=liaison)
    seen = {}
    for _ in range(2):  # the second time, each reads the SQL the first of its shape kept
        for who, user in (
            ("coordinator", sw_team[0]),
            ("other coordinator", other_team[0]),
            ("liaison", liaison),
            ("foreign liaison", foreign_liaison),
        ):
            client = token_client(user)
            seen[who] = (
                [row["site"]["name"] for row in client.get(SESSIONS).json()["results"]],
                [row["registration"] for row in client.get(OFFENCES).json()["results"]],
                [row["title"] for row in client.get("/api/v1/alerts/").json()["results"]],
            )
            Token.objects.filter(user=user).delete()
            TOTPDevice.objects.filter(user=user).delete()
        assert seen == {
            "coordinator": (["High Street by the school"], ["AB12CDE"], []),
            "other coordinator": (["Church Street"], ["LM70ABC", "KX19LMN"], []),
            "liaison": (["High Street by the school"], ["AB12CDE"], ["Alert 1", "Alert 0"]),
            "foreign liaison": (["Church Street"], ["LM70ABC", "KX19LMN"], []),
        }


def _prepared(fragment: str) -> int:
    """How many statements holding ``fragment`` are prepared on this connection; each of
    them planned once for any values, never for each run's."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE %s",
            [f"%{fragment}%"],
        )
        plans = cursor.fetchall()
    assert all(generic >= 1 and custom == 0 for generic, custom in plans), plans
    return len(plans)


def test_kept_statements_are_planned_once_a_connection_on_postgresql(
    scheme, other_scheme, volunteer
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    client = token_client(volunteer)
    pages = [client.get("/api/v1/schemes/", {"page_size": 1}) for _ in range(7)]
    # Prepared once run five times on the connection, and still every viewer's own rows.
    assert {response.status_code for response in pages} == {200}
    assert {response.json()["count"] for response in pages} == {2}
    assert _prepared('FROM "schemes_scheme"') >= 2  # the page and its count
    assert _prepared('FROM "authtoken_token"') == 1
    # Django's other queries are sent with their values written in, and never prepared.
    for _ in range(7):
        list(Scheme.objects.filter(name=scheme.name).values_list("pk"))
    assert _prepared('"schemes_scheme"."name" =') == 0
