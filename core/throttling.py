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
"""

from typing import Any

from rest_framework import throttling

from core.clients import client_key


class _ClientKeyMixin:
    def get_ident(self, request: Any) -> str:
        return client_key(request)


class _FixedWindowMixin(throttling.SimpleRateThrottle):
    _window_ends_at: float = 0.0

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
