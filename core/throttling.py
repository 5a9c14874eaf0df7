"""DRF's rate throttles, counting clients the way every other throttle here does.

DRF's own ``get_ident`` trusts ``X-Forwarded-For`` whenever ``NUM_PROXIES`` is unset, so a
client could dodge a throttle by sending a new header each time. These classes ask
``core.clients`` instead, which reads the same ``TRUSTED_PROXY_COUNT``.
"""

from typing import Any

from rest_framework import throttling

from core.clients import client_key


class _ClientKeyMixin:
    def get_ident(self, request: Any) -> str:
        return client_key(request)


class AnonRateThrottle(_ClientKeyMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(_ClientKeyMixin, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(_ClientKeyMixin, throttling.ScopedRateThrottle):
    pass
