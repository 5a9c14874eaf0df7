"""The cast of every test: a scheme with its coordinator and volunteer, the liaison covering
it, a coordinator of another scheme, a liaison of another force, and an anonymous client."""

from collections.abc import Callable, Iterator

import pytest
from django.core.cache import cache
from django.utils import translation
from rest_framework.test import APIClient

from accounts.forces import PoliceForce
from accounts.models import User
from backend.celery import app as celery_app
from schemes.models import MembershipRole, Scheme
from tests import demo as demo_copy
from tests.factories import LiaisonFactory, MembershipFactory, SchemeFactory, UserFactory
from tests.fake_notify import FakeNotify


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # Sign-in throttles and geocoder answers live in the (Redis) cache; start each test clean.
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the site's language. A request by someone who chose Welsh leaves
    Welsh active in its thread (``accounts.authentication``); a server's next request sets
    its own language, but the next test in this thread would otherwise run in Welsh."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _tasks_in_process() -> None:
    """Run Celery tasks in the test process; the worker tests switch this off."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def fake_notify(settings) -> Iterator[FakeNotify]:
    """A local GOV.UK Notify (tests/fake_notify.py), and the settings that point at it; the
    rate limit high enough that no test waits unless it lowers it."""
    server = FakeNotify().start()
    settings.NOTIFY_API_KEY = server.api_key
    settings.NOTIFY_BASE_URL = server.url
    settings.NOTIFY_EMAIL_TEMPLATE_ID = server.email_template_id
    settings.NOTIFY_EMAIL_DIGEST_TEMPLATE_ID = server.email_template_id
    settings.NOTIFY_SMS_TEMPLATE_ID = server.sms_template_id
    settings.NOTIFY_SMS_DIGEST_TEMPLATE_ID = server.sms_template_id
    settings.NOTIFY_CALLBACK_BEARER_TOKEN = "callback-token-of-the-test"
    settings.NOTIFY_RATE_PER_MINUTE = 600_000
    yield server
    server.stop()


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup: None, django_db_blocker) -> Iterator[demo_copy.DemoSnapshot]:
    """The demo, loaded once per test run (per xdist worker) and kept aside."""
    with django_db_blocker.unblock():
        snapshot = demo_copy.build()
    yield snapshot
    with django_db_blocker.unblock():
        demo_copy.drop()


@pytest.fixture
def demo(db: None, demo_snapshot: demo_copy.DemoSnapshot) -> None:
    """The Cambridgeshire demo, as `load_demo` leaves it, copied in for this test: rolled back
    after it, or emptied with the database after a transactional test (a browser test)."""
    demo_snapshot.restore()


@pytest.fixture
def anon() -> APIClient:
    return APIClient()


@pytest.fixture
def client_for() -> Callable[[User], APIClient]:
    def make(user: User) -> APIClient:
        client = APIClient()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def scheme(db: None) -> Scheme:
    """Mill Road, Cambridge: an active neighbourhood scheme of Cambridgeshire."""
    return SchemeFactory(name="Mill Road Neighbourhood Watch", lat=52.1985, lon=0.1410, radius=700)


@pytest.fixture
def coordinator(scheme: Scheme) -> User:
    return MembershipFactory(
        scheme=scheme, role=MembershipRole.COORDINATOR, user__name="Margaret Ellis"
    ).user


@pytest.fixture
def volunteer(scheme: Scheme) -> User:
    return MembershipFactory(
        scheme=scheme, user__name="Alex Morgan", user__phone="07700 900201"
    ).user


@pytest.fixture
def liaison(db: None) -> User:
    return LiaisonFactory(force=PoliceForce.CAMBRIDGESHIRE, user__name="PCSO Priya Shah").user


@pytest.fixture
def other_scheme(db: None) -> Scheme:
    return SchemeFactory(name="Ely City Neighbourhood Watch", lat=52.3986, lon=0.2622, radius=1500)


@pytest.fixture
def outsider(other_scheme: Scheme) -> User:
    """A coordinator, but of another scheme."""
    return MembershipFactory(
        scheme=other_scheme, role=MembershipRole.COORDINATOR, user__name="Helen Baker"
    ).user


@pytest.fixture
def foreign_liaison(db: None) -> User:
    """A liaison of a neighbouring force."""
    return LiaisonFactory(force=PoliceForce.BEDFORDSHIRE, user__name="PC Tom Hughes").user


@pytest.fixture
def stranger(db: None) -> User:
    """Signed in, in no scheme."""
    return UserFactory(name="Sam Stranger")


# --- Community Speedwatch ---------------------------------------------------------------


@pytest.fixture
def speedwatch(db: None) -> Scheme:
    """Haslingfield Community Speedwatch, with a coordinator and two volunteers."""
    scheme = SchemeFactory(
        name="Haslingfield Community Speedwatch", kind="speedwatch", lat=52.149, lon=0.057
    )
    MembershipFactory(scheme=scheme, role=MembershipRole.COORDINATOR, user__name="David Chen")
    MembershipFactory(scheme=scheme, user__name="Joan Patel")
    MembershipFactory(scheme=scheme, user__name="Kevin Doyle")
    return scheme


@pytest.fixture
def sw_coordinator(speedwatch: Scheme) -> User:
    return speedwatch.memberships.get(role=MembershipRole.COORDINATOR).user


@pytest.fixture
def sw_volunteer(speedwatch: Scheme) -> User:
    return speedwatch.memberships.get(user__name="Joan Patel").user


@pytest.fixture
def sw_team(speedwatch: Scheme) -> list[User]:
    return [membership.user for membership in speedwatch.memberships.order_by("pk")]


@pytest.fixture
def site(speedwatch: Scheme):
    from tests.factories import SiteFactory

    return SiteFactory(scheme=speedwatch, name="High Street by the school", speed_limit_mph=30)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under pytest-xdist (``--dist loadgroup``): the tests of a file with a module (or class)
    fixture stay together on one worker, which builds that fixture once; every other test,
    browser tests included, goes to whichever worker is free. Whole files as the unit left
    one worker with the accessibility walks (six minutes in one file) while the other sat
    idle at the end of the run. ``--maxprocesses`` caps the workers, so there is one
    Chromium a worker at most."""
    for item in items:
        # pytest keeps a test's fixture definitions here; there is no public accessor. Only
        # the suite's own fixtures count (a plugin's have no ``baseid``): pytest-django has
        # a class fixture on every test that does nothing outside unittest classes.
        definitions = item._fixtureinfo.name2fixturedefs.values()
        if any(
            chain[-1].baseid and chain[-1].scope in ("class", "module", "package")
            for chain in definitions
        ):
            item.add_marker(pytest.mark.xdist_group(item.path.as_posix()))
