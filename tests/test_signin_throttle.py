"""Sign-in throttling: wrong passwords are counted per account and, with a higher limit, per
client address; the client address is read the same way by every throttle, behind as many
proxies as TRUSTED_PROXY_COUNT says; and the counting holds under concurrent attempts."""

import threading
from collections.abc import Callable

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.test import RequestFactory
from rest_framework import throttling
from rest_framework.test import APIClient

from accounts.models import User
from core.clients import client_ip, client_key
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/api/v1/auth/login/"
TOKEN = "/api/v1/auth/token/"
CONFIG = "/api/v1/config/"
PASSWORD_CHANGE = "/api/v1/me/password/"

WRONG = {"non_field_errors": ["The email or password is not right."]}
THROTTLED = {
    "detail": "Too many failed sign-ins. Wait a while, or reset your password."
    " Expected available in 900 seconds."
}
PROXY = "10.0.0.2"
# DRF reads its rates once, into a class attribute; tests that need a low rate patch it.
RATES = {"anon": "600/hour", "user": "6000/hour", "password_reset": "10/hour"}


@pytest.fixture(autouse=True)
def _limits(settings) -> None:
    settings.SIGNIN_FAILURE_LIMIT = 5
    settings.SIGNIN_CLIENT_FAILURE_LIMIT = 50
    settings.SIGNIN_FAILURE_WINDOW_SECONDS = 900
    settings.TRUSTED_PROXY_COUNT = 0


@pytest.fixture
def jo(db: None) -> User:
    return UserFactory(email="jo@example.org", name="Jo")


def client_at(address: str) -> APIClient:
    return APIClient(REMOTE_ADDR=address)


def sign_in(client: APIClient, email: str, password: str, **headers: str):
    return client.post(LOGIN, {"email": email, "password": password}, **headers)


@pytest.fixture
def password_hashes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records each time a password is hashed, whether to check it against a stored hash or
    (for an unknown account) to take the same time doing so. Wraps the test suite's hasher;
    the real hashing still happens. ``verify`` hashes through ``encode`` too."""
    calls: list[str] = []
    encode = MD5PasswordHasher.encode

    def counted(self: MD5PasswordHasher, password: str, salt: str) -> str:
        calls.append(password)
        return encode(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", counted)
    return calls


# --- Per account and per client ----------------------------------------------------------


def test_failures_for_made_up_accounts_do_not_lock_out_the_next_person(jo: User) -> None:
    office = client_at("192.0.2.10")
    statuses = [sign_in(office, f"nobody{n}@example.org", "guess").status_code for n in range(1, 6)]
    assert statuses == [400] * 5

    response = sign_in(office, "jo@example.org", PASSWORD)

    assert response.status_code == 200
    assert response.json()["email"] == "jo@example.org"


def test_failures_for_one_account_lock_it_from_any_address_and_only_it(jo: User) -> None:
    UserFactory(email="sam@example.org")
    attacker = client_at("198.51.100.1")
    assert [sign_in(attacker, "Jo@Example.org ", "guess").json() for _ in range(5)] == [WRONG] * 5

    elsewhere = client_at("203.0.113.9")
    refused = sign_in(elsewhere, "jo@example.org", PASSWORD)
    assert refused.status_code == 429
    assert refused.json() == THROTTLED
    assert refused["Retry-After"] == "900"
    token = elsewhere.post(TOKEN, {"email": "jo@example.org", "password": PASSWORD})
    assert (token.status_code, token.json()) == (429, THROTTLED)
    # Someone else at the attacker's address is not held responsible for it.
    assert sign_in(attacker, "sam@example.org", PASSWORD).json()["email"] == "sam@example.org"


def test_failures_from_one_address_stop_at_the_client_limit(jo: User, settings) -> None:
    settings.SIGNIN_CLIENT_FAILURE_LIMIT = 3
    guesser = client_at("192.0.2.20")
    assert [sign_in(guesser, f"n{n}@example.org", "guess").status_code for n in range(3)] == [
        400
    ] * 3

    refused = sign_in(guesser, "jo@example.org", PASSWORD)

    assert (refused.status_code, refused.json()) == (429, THROTTLED)
    assert sign_in(client_at("192.0.2.21"), "jo@example.org", PASSWORD).status_code == 200


def test_a_successful_sign_in_is_not_counted_as_a_failure(jo: User) -> None:
    phone = client_at("192.0.2.30")
    for _ in range(4):
        assert sign_in(phone, "jo@example.org", "typo").status_code == 400
    for _ in range(3):
        assert sign_in(phone, "jo@example.org", PASSWORD).status_code == 200
    # Four failures and three successes: one more failure is still allowed.
    assert sign_in(phone, "jo@example.org", "typo").json() == WRONG
    assert sign_in(phone, "jo@example.org", PASSWORD).status_code == 429


def test_an_unknown_account_is_answered_like_a_known_one(jo: User, password_hashes) -> None:
    known, unknown = client_at("192.0.2.40"), client_at("192.0.2.41")
    for _ in range(5):
        answers = [
            sign_in(known, "jo@example.org", "guess"),
            sign_in(unknown, "nobody@example.org", "guess"),
        ]
        assert [(a.status_code, a.json()) for a in answers] == [(400, WRONG), (400, WRONG)]
    # One password hash each time, for the account that does not exist as for the one that
    # does, so the time taken does not tell them apart either.
    assert password_hashes == ["guess"] * 10
    locked = [sign_in(known, "jo@example.org", "x"), sign_in(unknown, "nobody@example.org", "x")]
    assert [(a.status_code, a.json(), a["Retry-After"]) for a in locked] == [
        (429, THROTTLED, "900"),
        (429, THROTTLED, "900"),
    ]
    # A refused attempt checks no password at all.
    assert password_hashes == ["guess"] * 10


def test_wrong_current_passwords_count_against_the_account(jo: User) -> None:
    phone = client_at("192.0.2.50")
    phone.force_login(jo)
    wrong = {"current_password": "guess", "new_password": "a new sturdy passphrase"}
    assert [phone.post(PASSWORD_CHANGE, wrong).status_code for _ in range(5)] == [400] * 5

    assert sign_in(client_at("203.0.113.50"), "jo@example.org", PASSWORD).status_code == 429
    right = {"current_password": PASSWORD, "new_password": "a new sturdy passphrase"}
    assert phone.post(PASSWORD_CHANGE, right).json() == THROTTLED


# --- Whose address ----------------------------------------------------------------------


def test_forwarded_for_is_ignored_without_a_trusted_proxy(jo: User, settings) -> None:
    settings.SIGNIN_CLIENT_FAILURE_LIMIT = 3
    guesser = client_at("192.0.2.60")
    for n in range(3):
        forged = {"HTTP_X_FORWARDED_FOR": f"198.51.100.{n}"}
        assert sign_in(guesser, f"n{n}@example.org", "guess", **forged).status_code == 400

    refused = sign_in(guesser, "jo@example.org", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.99")

    assert refused.status_code == 429


def test_forwarded_for_does_not_bypass_the_anonymous_api_throttle(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(throttling.SimpleRateThrottle, "THROTTLE_RATES", RATES | {"anon": "3/hour"})
    visitor = client_at("192.0.2.70")
    statuses = [
        visitor.get(CONFIG, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    # Someone else is counted on their own.
    assert client_at("192.0.2.71").get(CONFIG).status_code == 200


def via_proxy(client_address: str, forged: str = "") -> dict[str, str]:
    """The header the proxy passes on: what the client sent, then the address it saw."""
    return {"HTTP_X_FORWARDED_FOR": f"{forged}, {client_address}" if forged else client_address}


def test_behind_one_proxy_sign_ins_are_counted_by_the_address_it_saw(jo: User, settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    settings.SIGNIN_CLIENT_FAILURE_LIMIT = 2
    proxy = client_at(PROXY)
    # What the client writes into the header itself is ignored: the proxy appends the
    # address it saw, and that is the one counted.
    for n in range(2):
        headers = via_proxy("203.0.113.5", forged=f"192.0.2.{n}")
        assert sign_in(proxy, f"n{n}@example.org", "guess", **headers).status_code == 400
    refused = sign_in(proxy, "n9@example.org", "guess", **via_proxy("203.0.113.5", "192.0.2.9"))
    assert refused.status_code == 429

    # Another person behind the same proxy is not refused.
    other = sign_in(proxy, "jo@example.org", PASSWORD, **via_proxy("198.51.100.7"))
    assert other.status_code == 200


def test_behind_one_proxy_the_api_throttle_counts_the_address_it_saw(
    db: None, settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    monkeypatch.setattr(throttling.SimpleRateThrottle, "THROTTLE_RATES", RATES | {"anon": "2/hour"})
    proxy = client_at(PROXY)

    statuses = [
        proxy.get(CONFIG, **via_proxy("203.0.113.5", forged=f"192.0.2.{n}")).status_code
        for n in range(3)
    ]

    assert statuses == [200, 200, 429]
    assert proxy.get(CONFIG, **via_proxy("198.51.100.7")).status_code == 200


def test_ipv6_clients_are_counted_by_their_network(jo: User, settings) -> None:
    settings.SIGNIN_CLIENT_FAILURE_LIMIT = 2
    for n in (1, 2):
        assert sign_in(client_at(f"2001:db8::{n}"), f"n{n}@example.org", "x").status_code == 400

    assert sign_in(client_at("2001:db8::3"), "jo@example.org", PASSWORD).status_code == 429
    assert sign_in(client_at("2001:db8:0:1::1"), "jo@example.org", PASSWORD).status_code == 200


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "ip", "key"),
    [
        (0, "192.0.2.1", "", "192.0.2.1", "192.0.2.1"),
        (0, "192.0.2.1", "198.51.100.1", "192.0.2.1", "192.0.2.1"),
        (1, "10.0.0.2", "", "10.0.0.2", "10.0.0.2"),
        (1, "10.0.0.2", "1.2.3.4, 203.0.113.5", "203.0.113.5", "203.0.113.5"),
        (2, "10.0.0.2", "1.2.3.4, 203.0.113.5, 10.0.0.9", "203.0.113.5", "203.0.113.5"),
        # Fewer hops than proxies: the request skipped the outer proxy.
        (2, "10.0.0.2", "203.0.113.5", "203.0.113.5", "203.0.113.5"),
        (1, "10.0.0.2", "203.0.113.5:41234", "203.0.113.5", "203.0.113.5"),
        (1, "10.0.0.2", "[2001:db8::7]:443", "2001:db8::7", "2001:db8::/64"),
        (1, "10.0.0.2", "::ffff:203.0.113.5", "203.0.113.5", "203.0.113.5"),
        (1, "10.0.0.2", "1.2.3.4, not an address", "10.0.0.2", "10.0.0.2"),
        (0, "", "", "unknown", "unknown"),
    ],
)
def test_client_address_from_the_trusted_proxy_count(
    settings, proxies: int, remote: str, forwarded: str, ip: str, key: str
) -> None:
    settings.TRUSTED_PROXY_COUNT = proxies
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = RequestFactory().get("/", REMOTE_ADDR=remote, **headers)

    assert (client_ip(request), client_key(request)) == (ip, key)


# --- Concurrent attempts ----------------------------------------------------------------


def _at_once(count: int, attempt: Callable[[], int]) -> list[int]:
    barrier = threading.Barrier(count)
    statuses: list[int] = []

    def run() -> None:
        try:
            barrier.wait()
            statuses.append(attempt())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(statuses)


@pytest.mark.django_db(transaction=True)
def test_concurrent_wrong_passwords_check_no_more_than_the_limit(password_hashes) -> None:
    UserFactory(email="jo@example.org")
    password_hashes.clear()

    statuses = _at_once(50, lambda: sign_in(APIClient(), "jo@example.org", "guess").status_code)

    assert statuses == [400] * 5 + [429] * 45
    assert password_hashes == ["guess"] * 5


def test_the_user_api_throttle_counts_each_account_in_a_window_from_its_first_request(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(throttling.SimpleRateThrottle, "THROTTLE_RATES", RATES | {"user": "3/hour"})
    clients = []
    for _ in range(2):
        client = APIClient()
        client.force_login(UserFactory())
        clients.append(client)
    statuses = [clients[0].get(CONFIG).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = clients[0].get(CONFIG)
    assert 3590 <= int(refused["Retry-After"]) <= 3600
    # Another account is counted on its own.
    assert clients[1].get(CONFIG).status_code == 200


def test_the_user_api_throttle_window_closes_after_its_duration_in_redis(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        pytest.skip("counted by the cache's own methods without Redis")
    monkeypatch.setattr(throttling.SimpleRateThrottle, "THROTTLE_RATES", RATES | {"user": "3/hour"})
    user = UserFactory()
    client = APIClient()
    client.force_login(user)
    assert [client.get(CONFIG).status_code for _ in range(4)] == [200, 200, 200, 429]
    key = cache.make_and_validate_key(f"throttle_user_{user.pk}:count")
    redis = cache._cache.get_client(key)
    assert (int(redis.get(key)), 3590 <= redis.ttl(key) <= 3600) == (4, True)
    # Counted by the one script, which keeps no separate opening time (the cache's own
    # methods would, in two round trips).
    assert redis.exists(cache.make_and_validate_key(f"throttle_user_{user.pk}:opened")) == 0
    # Once the window has gone, the account starts a new one.
    redis.delete(key)
    assert client.get(CONFIG).status_code == 200
    assert (int(redis.get(key)), 3590 <= redis.ttl(key) <= 3600) == (1, True)
