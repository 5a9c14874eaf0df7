"""GOV.UK Notify: its client as configured, its errors in plain words, and the rate limit that
every worker shares (a token bucket in Redis), for the Notify channel, the receipt poller and
posted letters.

Notify counts every request of a key against its limit (3,000 a minute), reads as well as
sends, so both take their turn from the same bucket.
"""

from dataclasses import dataclass

import redis
from django.conf import settings
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

from core.ratelimit import TokenBucket, Wait

_BUCKET_KEY = "patchwatch:notify:rate"
_redis_clients: dict[str, "redis.Redis"] = {}


def client() -> NotificationsAPIClient:
    """A client for one batch or one run (the client is not safe to share between threads)."""
    return NotificationsAPIClient(
        settings.NOTIFY_API_KEY,
        base_url=settings.NOTIFY_BASE_URL,
        timeout=settings.NOTIFY_TIMEOUT_SECONDS,
    )


def rate_bucket() -> TokenBucket:
    url = settings.NOTIFY_RATE_REDIS_URL
    if url not in _redis_clients:
        _redis_clients[url] = redis.Redis.from_url(url, socket_timeout=5)
    return TokenBucket(
        _redis_clients[url], _BUCKET_KEY, limit=settings.NOTIFY_RATE_PER_MINUTE, period=60
    )


def take_turn(bucket: TokenBucket, *, max_wait: float | None = None) -> Wait | None:
    """Wait for a turn to call Notify (up to the configured wait); a ``Wait`` if none came."""
    if max_wait is None:
        max_wait = settings.NOTIFY_RATE_MAX_WAIT_SECONDS
    return bucket.take(max_wait=max_wait)


# After Notify says 429, nobody calls it for this long: its limit is counted over a minute,
# so the requests of the next few seconds would only be refused too.
RATE_LIMITED_PAUSE_SECONDS = 10


@dataclass(frozen=True)
class Refusal:
    """What went wrong with a call to Notify: ``passing`` when it may work later."""

    status: int
    message: str
    passing: bool

    @property
    def rate_limited(self) -> bool:
        return self.status == 429


def refusal(exc: APIError) -> Refusal:
    """Notify's error as a ``Refusal``: 429 and 5xx, and no answer at all, pass; the rest
    (400 validation, 403 a bad key) will not change by trying again."""
    if exc.response is None:
        # The client turns a network error into a 503 with no response; say what it was.
        cause = exc.__cause__ or exc
        return Refusal(503, f"Notify unreachable: {cause}", passing=True)
    status = exc.status_code
    message = exc.message
    if isinstance(message, list):
        message = "; ".join(
            str(error.get("message", error)) if isinstance(error, dict) else str(error)
            for error in message
        )
    if status == 429 or status >= 500:
        return Refusal(status, f"Notify answered {status}: {message}", passing=True)
    return Refusal(status, f"Notify refused the message ({status}): {message}", passing=False)
