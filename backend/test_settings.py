"""Settings for the test suite: the production settings with a fast password hasher.

Everything else (PostgreSQL, Redis) comes from the same environment variables as
production; `make test` sets them.
"""

from backend.settings import *  # noqa: F403

# Hashing with PBKDF2's full work factor would dominate the run time of the suite.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Most tests sign liaisons and staff in with a password alone (force_login, the demo
# logins in the browser tests). The two-factor tests turn the requirement on for
# themselves; production keeps it on by default.
OTP_REQUIRED_FOR_POLICE = False
