"""Settings for the test suite: the production settings with a fast password hasher.

Everything else (PostgreSQL, Redis) comes from the same environment variables as
production; `make test` sets them.
"""

import os
from urllib.parse import urlsplit


def _worker_redis_databases() -> None:
    """Under pytest-xdist each worker gets Redis databases of its own, so that one worker's
    cache flushes and broker queues are not another's: worker N uses the configured database
    numbers minus 2N (gw0: 14 and 15, gw1: 12 and 13, with `make test`'s defaults). Done once
    per process tree: a Celery worker a test starts inherits the shifted addresses."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw") or os.environ.get("PATCHWATCH_WORKER_DATABASES"):
        return
    shift = 2 * int(worker[2:])
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        url = os.environ.get(name, "")
        if not url.startswith("redis"):
            continue
        parts = urlsplit(url)
        database = int(parts.path.strip("/") or 0) - shift
        if database < 0:
            raise RuntimeError(f"{name} leaves no Redis database for xdist worker {worker}")
        os.environ[name] = parts._replace(path=f"/{database}").geturl()
    os.environ["PATCHWATCH_WORKER_DATABASES"] = "1"


_worker_redis_databases()

from backend.settings import *  # noqa: E402, F403

# Hashing with PBKDF2's full work factor would dominate the run time of the suite.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Every list request checks the SQL kept for its shape against its own (core.compiled).
COMPILED_LISTS_CHECKED = True

# Most tests sign liaisons and staff in with a password alone (force_login, the demo
# logins in the browser tests). The two-factor tests turn the requirement on for
# themselves; production keeps it on by default.
OTP_REQUIRED_FOR_POLICE = False
