"""DRF's rate throttles, counting clients the way every other throttle here does, in fixed
windows.

DRF's own ``get_ident`` trusts ``X-Forwarded-For`` whenever ``NUM_PROXIES`` is unset, so a
client could dodge a throttle by sending a new header each time. These classes ask
``core.clients`` instead, which reads the same ``TRUSTED_PROXY_COUNT``.

DRF keeps, per client, the list of the times of its requests in the window and reads and
writes the whole list back to the cache on every request: at the default 6,000 an hour an
active client's list is tens of kilobytes to unpickle and pickle again each time. These count
instead, one integer per client for a window that opens with its first request (``add`` then
``incr``, atomic in Redis). The cost is that a client may send up to twice its rate across
the end of one window and the start of the next, which these throttles (a guard against
runaway clients, not an exact quota) can afford.

Every API request passes here, so with the Redis cache the count is one round trip: a
script that counts and opens the window in one step (Django's ``incr`` alone asks Redis
twice, whether the key exists and then to count). Other caches (the local memory one of a
development setup) count through the cache's own methods.
"""

import functools
import hashlib
from typing import Any

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.redis import RedisCache
from redis import ConnectionPool, Redis
from redis.exceptions import NoScriptError
from rest_framework import throttling

from core.clients import client_key

# Counts a request in the client's window, opening it (for ARGV[1] seconds) with the first;
# answers the count and, when over the limit ARGV[2], the milliseconds the window has left.
_COUNT_IN_WINDOW = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
if count > tonumber(ARGV[2]) then return {count, redis.call('PTTL', KEYS[1])} end
return {count, -1}
"""
_COUNT_IN_WINDOW_SHA = hashlib.sha1(_COUNT_IN_WINDOW.encode(), usedforsecurity=False).hexdigest()


def _count_in_window(client: Redis, key: str, duration: int, limit: int) -> list[int]:
    # By its SHA, once Redis has seen the script (again after a restart of Redis).
    try:
        return client.evalsha(_COUNT_IN_WINDOW_SHA, 1, key, duration, limit)
    except NoScriptError:
        return client.eval(_COUNT_IN_WINDOW, 1, key, duration, limit)


@functools.lru_cache(maxsize=16)
def _client_of(pool: ConnectionPool) -> Redis:
    # Django's cache makes a Redis client for each call, which sets up a few hundred reply
    # handlers every time; one client per pool of connections does for every request (a
    # client is safe to share: each command takes a connection of the pool). Bounded: each
    # thread has a cache of its own, with its own pool, and a server may start many.
    return Redis(connection_pool=pool)


class _ClientKeyMixin:
    def get_ident(self, request: Any) -> str:
        return client_key(request)


class _FixedWindowMixin(throttling.SimpleRateThrottle):
    _window_ends_at: float = 0.0

    @property
    def cache(self) -> BaseCache:  # type: ignore[override]  # DRF's is a class attribute
        # The default cache itself: DRF's is Django's proxy to it, which ``isinstance`` does
        # not see through, so the Redis cache was counted in two round trips, not one.
        return caches[DEFAULT_CACHE_ALIAS]

    def allow_request(self, request: Any, view: Any) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        limit, duration = self.parse_rate(self.rate)
        if limit is None or duration is None:
            return True
        now = self.timer()
        # Not DRF's key, which holds its list of times until it expires.
        counter, opened = f"{self.key}:count", f"{self.key}:opened"
        if isinstance(self.cache, RedisCache):
            return self._allow_counted_in_redis(self.cache, counter, limit, duration, now)
        # The client's window opens with its first request and closes ``duration`` later.
        try:
            count = self.cache.incr(counter)
        except ValueError:  # no window open
            if self.cache.add(counter, 1, duration):
                self.cache.set(opened, now, duration)
                count = 1
            else:  # another request of the client's opened it meanwhile
                count = self.cache.incr(counter)
        else:
            if count == 1:
                # The window expired between the cache's check and its INCR, which made a
                # counter that never expires: give it its window.
                self.cache.touch(counter, duration)
                self.cache.set(opened, now, duration)
        if count > limit:
            self._window_ends_at = self.cache.get(opened, now) + duration
            return False
        return True

    def _allow_counted_in_redis(
        self, cache: RedisCache, counter: str, limit: int, duration: int, now: float
    ) -> bool:
        key = cache.make_and_validate_key(counter)
        pool = cache._cache._get_connection_pool(write=True)  # type: ignore[attr-defined]  # Django's client, not in its stubs
        count, left_ms = _count_in_window(_client_of(pool), key, duration, limit)
        if count > limit:
            # A window without an expiry (-1) cannot be: the script gives it one as it opens.
            self._window_ends_at = now + max(int(left_ms), 0) / 1000
            return False
        return True

    def wait(self) -> float | None:
        return max(self._window_ends_at - self.timer(), 0.0)


# DRF's class before the counting: the scoped throttle's ``allow_request`` reads the view's
# scope and rate, then hands on to the counting.
class AnonRateThrottle(_ClientKeyMixin, throttling.AnonRateThrottle, _FixedWindowMixin):
    pass


class UserRateThrottle(_ClientKeyMixin, throttling.UserRateThrottle, _FixedWindowMixin):
    pass


class ScopedRateThrottle(_ClientKeyMixin, throttling.ScopedRateThrottle, _FixedWindowMixin):
    pass
