"""A token bucket in Redis, shared by every process that takes from it.

Each take runs one Lua script, atomic in Redis, on Redis's own clock (``TIME``), so that
workers on different hosts with clocks apart still share one rate. The bucket holds at most
``burst`` tokens and refills at ``(limit - burst - margin) / period`` tokens a second: however
the takes fall, no window of ``period`` seconds holds more than ``limit - margin`` of them (at
most ``burst`` saved up before the window, plus what refills during it).

The margin is for the provider's side. It counts a message when the request arrives, and
requests do not all take the same time to get there: one sent just before a window of the
provider's may arrive inside it along with those sent at its end. A full-rate run through the
local Notify (bench/notify.py) counted 3,002 in one minute with no margin, against the
bucket's 3,000; the margin is 2% of the limit (1.2 s of sending at the full rate).
"""

import random
import time
from dataclasses import dataclass

import redis

# KEYS[1]: the bucket. ARGV: tokens a second, most tokens held, and seconds to pause for
# (0: take one token). A take answers 0 when it took a token, otherwise how many
# microseconds until one is due; a pause empties the bucket for that long.
_SCRIPT = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local pause = tonumber(ARGV[3])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local held = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(held[1])
local at = tonumber(held[2])
if tokens == nil or at == nil then
  tokens = burst
  at = now
end
tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000000)
local ttl = math.ceil(burst / rate + pause) + 60
if pause > 0 then
  tokens = math.min(tokens, -pause * rate)
  redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
  redis.call('EXPIRE', KEYS[1], ttl)
  return 0
end
if tokens >= 1 then
  redis.call('HSET', KEYS[1], 'tokens', tostring(tokens - 1), 'at', tostring(now))
  redis.call('EXPIRE', KEYS[1], ttl)
  return 0
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('EXPIRE', KEYS[1], ttl)
return math.ceil((1 - tokens) * 1000000 / rate)
"""


@dataclass(frozen=True)
class Wait:
    """No token came within the wait allowed: one is due in ``seconds``."""

    seconds: float


class TokenBucket:
    def __init__(self, client: "redis.Redis", key: str, *, limit: int, period: float) -> None:
        # About a hundredth of the limit may be taken at once (so that a few workers need not
        # wait for each other's every token), the rest is spread over the period.
        self.burst = max(1, limit // 100)
        self.margin = limit // 50
        self.rate = max(limit - self.burst - self.margin, 1) / period
        self.key = key
        self._script = client.register_script(_SCRIPT)

    def _run(self, pause: float) -> float:
        wait_us = int(self._script(keys=[self.key], args=[self.rate, self.burst, pause]))
        return wait_us / 1_000_000

    def take(self, *, max_wait: float) -> Wait | None:
        """Take one token, waiting up to ``max_wait`` seconds for it; None when taken."""
        deadline = time.monotonic() + max_wait
        while True:
            due = self._run(0)
            if due == 0:
                return None
            left = deadline - time.monotonic()
            if due > left:
                return Wait(due)
            # A little jitter, so that the processes waiting do not all ask at one instant.
            time.sleep(min(left, due * (1 + random.random() / 10)))  # noqa: S311 (not security)

    def pause(self, seconds: float) -> None:
        """Let nobody take a token for ``seconds`` (the provider said we sent too many)."""
        self._run(seconds)
