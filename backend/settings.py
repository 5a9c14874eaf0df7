"""Patchwatch settings.

Everything comes from environment variables with safe local defaults: with nothing set,
Patchwatch runs on a SQLite file with Celery tasks executed in-process, so it needs no
server at all. Setting ``DATABASE_URL`` and ``CELERY_BROKER_URL`` gives the production
stack (PostgreSQL, Redis, Celery workers). See README.md for the full list.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from backend.env import (
    env_bool,
    env_choice,
    env_int,
    env_is_notify_key,
    env_json,
    env_list,
    env_str,
    env_uuid_check,
)
from backend.security import csp_source

BASE_DIR = Path(__file__).resolve().parent.parent

# --- Core -----------------------------------------------------------------------------

DEBUG = env_bool("DJANGO_DEBUG", default=False)
# The fallback key is deliberately marked insecure so `check --deploy` flags it.
SECRET_KEY = env_str(
    "DJANGO_SECRET_KEY", "django-insecure-local-development-key-do-not-use-in-production"
)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("PATCHWATCH_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # First, so that its admin templates (accessibility fixes for every admin screen) are
    # found before Django's own.
    "core",
    # Geometry and size limits of areas (its start-up check); imports only core.
    "areas",
    # Django's admin on a site that asks for the second factor (accounts.admin_site).
    "backend.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    # Swagger UI and ReDoc as static files of the app, for the API docs pages.
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "accounts",
    "schemes",
    "watch",
    "notifications",
    # Surveys of members, delivered as alerts (above notifications).
    "surveys",
    # The composition root, above every domain app (the demo that loads them all).
    "backend",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.RequestSizeLimitMiddleware",
    "core.middleware.RejectNulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Accept-Language picks the language (after the session, before anything that answers); a
    # signed-in person's own choice outranks it (accounts.authentication).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks a session that passed the two-factor code step (request.user.is_verified()).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "backend.urls"
WSGI_APPLICATION = "backend.wsgi.application"
ASGI_APPLICATION = "backend.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------

_database_url = env_str("DATABASE_URL")
if _database_url:
    DATABASES = {
        "default": dj_database_url.parse(
            _database_url,
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
            conn_health_checks=True,
        )
    }
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # No JIT compilation. Paginated lists COUNT their rows through a visibility rule (an
        # OR of EXISTS subqueries), whose estimated cost passes ``jit_above_cost`` on a large
        # table: each request then spent 10-30 ms compiling a plan that runs in 4 ms. The
        # queries of a web request are short; JIT pays only on long analytic scans.
        #
        # The busiest lists' statements, kept per shape (core.compiled), are prepared once a
        # connection has run them this many times, and then planned once, for any values (a
        # generic plan): PostgreSQL took longer to plan them than to run them (up to 3 ms
        # against 2), and its own choice kept planning the larger ones on every run. Only
        # those statements are prepared: the rest of Django's queries are sent with their
        # values written in, which psycopg never prepares, and there is no PL/pgSQL for the
        # setting to reach. (Prepared statements belong to a session: pgbouncer in session
        # mode.)
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
            "-c jit=off -c plan_cache_mode=force_generic_plan"
        )
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 5
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
        }
    }
# SQLite builds "near me"'s covering index (scheme_bbox_overlap) without its INCLUDE columns,
# which only let PostgreSQL read candidates from the index alone: the index still serves.
SILENCED_SYSTEM_CHECKS = [] if _database_url else ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (sign-in throttling, geocoder results) -------------------------------------

_redis_url = env_str("REDIS_URL")
if _redis_url:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _redis_url,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "patchwatch"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts and authentication ------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT_SECONDS", 3 * 24 * 3600, minimum=60)
# How long the link that confirms a new email address works.
EMAIL_CHANGE_TIMEOUT = env_int("EMAIL_CHANGE_TIMEOUT_SECONDS", 24 * 3600, minimum=60)
# Wrong passwords allowed for one account (from anywhere) within the window; past it the
# account cannot be signed in to until the window has passed since its last counted failure.
SIGNIN_FAILURE_LIMIT = env_int("SIGNIN_FAILURE_LIMIT", 5, minimum=1)
# Wrong passwords allowed from one client address (for any accounts) within the window. Much
# higher than the account limit: a whole office or police station may share one address.
SIGNIN_CLIENT_FAILURE_LIMIT = env_int("SIGNIN_CLIENT_FAILURE_LIMIT", 50, minimum=1)
SIGNIN_FAILURE_WINDOW_SECONDS = env_int("SIGNIN_FAILURE_WINDOW_SECONDS", 15 * 60, minimum=1)

# Two-factor sign-in (accounts/two_factor.py). Police liaisons and staff must use it; turning
# this off (for a development copy) makes it optional for them too.
OTP_REQUIRED_FOR_POLICE = env_bool("OTP_REQUIRED_FOR_POLICE", default=True)
# The name authenticator apps show beside the code.
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Patchwatch")
# How long after the password step the code may be entered.
OTP_SIGNIN_TIMEOUT_SECONDS = env_int("OTP_SIGNIN_TIMEOUT_SECONDS", 5 * 60, minimum=30)
# Wrong codes count towards the sign-in throttle above (per account and per address), so
# django-otp's own per-device back-off is switched off: one mechanism, one message.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0

# --- Security -------------------------------------------------------------------------

# DJANGO_HTTPS=1 is the production switch: Patchwatch sits behind a TLS-terminating proxy.
HTTPS = env_bool("DJANGO_HTTPS", default=False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=HTTPS)
if env_bool("DJANGO_BEHIND_PROXY", default=HTTPS):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many reverse proxies in front of Patchwatch append the address they were reached from
# to X-Forwarded-For. 0: the client is the connection's peer and the header is ignored; N:
# the client is the Nth address from the right. Throttles count clients by it (core.clients),
# so it must match the deployment: too high and clients can choose their own address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
SECURE_CONTENT_TYPE_NOSNIFF = True
# Same-origin requests carry the full address; others only the origin (the tile server's
# usage policy may ask for one) and nothing goes from https to http.
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE_SECONDS", 14 * 24 * 3600, minimum=60)
# The single-page frontend reads the CSRF cookie and echoes it in X-CSRFToken.
CSRF_COOKIE_HTTPONLY = False
CSRF_FAILURE_VIEW = "core.views.csrf_failure"

# --- Internationalisation -------------------------------------------------------------

LANGUAGE_CODE = "en-gb"
# Patchwatch serves England and Wales: every message a person meets exists in both. Each
# language is named in itself, as a language switch shows it.
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
# Patchwatch's own catalogues (makemessages -l cy writes locale/cy/LC_MESSAGES/django.po);
# Django's own messages come with Django.
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files and the frontend ----------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
FRONTEND_DIST = Path(env_str("FRONTEND_DIST", str(BASE_DIR / "frontend" / "dist")))
STATICFILES_DIRS = [FRONTEND_DIST] if FRONTEND_DIST.is_dir() else []
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Vite already puts content hashes in the bundle's file names, so no manifest is needed.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", default=True)
# The web app manifest (frontend/dist/manifest.webmanifest), which whitenoise does not know.
WHITENOISE_MIMETYPES = {".webmanifest": "application/manifest+json"}

# Map tiles for the frontend; any XYZ tile server works.
MAP_TILE_URL = env_str("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION", "&copy; OpenStreetMap contributors")
MAP_DEFAULT_CENTRE = {"lat": 52.3, "lon": -0.1}
MAP_DEFAULT_ZOOM = 9

# --- Security headers -------------------------------------------------------------------

# What the web app's pages may load and run (django-csp): its own scripts and styles only,
# images from itself and the tile server, requests and workers to itself alone. Leaflet and
# uPlot position things with style attributes, hence style-src-attr; the app's icon is a
# data: image. The API docs pages widen it a little (backend/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:", csp_source(MAP_TILE_URL, setting="MAP_TILE_URL")],
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "upgrade-insecure-requests": HTTPS,
    }
}
# Browser features: location for the roadside and the map, from the app itself only; nothing
# it never uses (web push and notifications are permissions of their own, not policy ones).
PERMISSIONS_POLICY = {
    "geolocation": ["self"],
    "camera": [],
    "microphone": [],
    "payment": [],
    "usb": [],
    "serial": [],
    "hid": [],
    "midi": [],
    "magnetometer": [],
    "gyroscope": [],
    "accelerometer": [],
    "display-capture": [],
    "browsing-topics": [],
}

# --- Geocoding ------------------------------------------------------------------------

# A geopy service name ("nominatim", "bing", ...) or "gazetteer" for the built-in offline
# list of Cambridgeshire and Peterborough places; empty means place search is switched off.
GEOCODER = env_str("GEOCODER", "")
GEOCODER_OPTIONS = env_json("GEOCODER_OPTIONS", {})
GEOCODER_TIMEOUT_SECONDS = env_int("GEOCODER_TIMEOUT_SECONDS", 5, minimum=1)
GEOCODER_CACHE_SECONDS = env_int("GEOCODER_CACHE_SECONDS", 30 * 24 * 3600, minimum=0)
# Suggesting a scheme's police force from its location: "police.uk" asks police.uk's
# neighbourhood finder (which knows the force boundaries); empty works it out offline from
# nearby places, saying how sure it is.
POLICE_FORCE_LOCATOR = env_str("POLICE_FORCE_LOCATOR", "")
if POLICE_FORCE_LOCATOR not in ("", "police.uk"):
    raise ImproperlyConfigured(
        f"POLICE_FORCE_LOCATOR must be police.uk or empty, not {POLICE_FORCE_LOCATOR!r}"
    )
POLICE_UK_API_URL = env_str("POLICE_UK_API_URL", "https://data.police.uk/api")
POLICE_UK_TIMEOUT_SECONDS = env_int("POLICE_UK_TIMEOUT_SECONDS", 5, minimum=1)

# --- Schemes --------------------------------------------------------------------------

SCHEME_RADIUS_MIN_M = env_int("SCHEME_RADIUS_MIN_M", 50, minimum=1)
SCHEME_RADIUS_MAX_M = env_int("SCHEME_RADIUS_MAX_M", 20_000, minimum=1)
SCHEME_POLYGON_MAX_VERTICES = env_int("SCHEME_POLYGON_MAX_VERTICES", 500, minimum=4)
SCHEME_POLYGON_MAX_SPAN_M = env_int("SCHEME_POLYGON_MAX_SPAN_M", 40_000, minimum=100)
# An alert's circle. Read through areas.limits; areas.checks refuses at start-up a maximum
# (this or SCHEME_RADIUS_MAX_M) larger than an area's stored bounding box can hold (~27 km).
ALERT_RADIUS_MIN_M = env_int("ALERT_RADIUS_MIN_M", 50, minimum=1)
ALERT_RADIUS_MAX_M = env_int("ALERT_RADIUS_MAX_M", 20_000, minimum=1)
NEAR_RADIUS_DEFAULT_M = env_int("NEAR_RADIUS_DEFAULT_M", 5_000, minimum=1)
NEAR_RADIUS_MAX_M = env_int("NEAR_RADIUS_MAX_M", 50_000, minimum=1)
# How long a coordinator may undo declining a join request; the requester is told afterwards.
JOIN_DECLINE_UNDO_SECONDS = env_int("JOIN_DECLINE_UNDO_SECONDS", 600, minimum=1)

# --- Community Speedwatch (police guidance; each can be changed per deployment) -----------

SPEEDWATCH_ALLOWED_LIMITS_MPH = [
    int(limit) for limit in env_list("SPEEDWATCH_ALLOWED_LIMITS_MPH", ["20", "30", "40"])
]
# An offence is a speed at or over the limit plus this percentage plus this many mph
# (35 in a 30, 24 in a 20, 46 in a 40).
SPEEDWATCH_THRESHOLD_PERCENT = env_int("SPEEDWATCH_THRESHOLD_PERCENT", 10, minimum=0)
SPEEDWATCH_THRESHOLD_EXTRA_MPH = env_int("SPEEDWATCH_THRESHOLD_EXTRA_MPH", 2, minimum=0)
# A speed this far over goes straight to police action: this figure in a 30, scaled.
SPEEDWATCH_EXCESSIVE_SPEED_IN_30_MPH = env_int(
    "SPEEDWATCH_EXCESSIVE_SPEED_IN_30_MPH", 50, minimum=31
)
SPEEDWATCH_MIN_MEMBERS_PRESENT = env_int("SPEEDWATCH_MIN_MEMBERS_PRESENT", 3, minimum=1)
SPEEDWATCH_DEVICE_CHECK_MAX_AGE_DAYS = env_int(
    "SPEEDWATCH_DEVICE_CHECK_MAX_AGE_DAYS", 365, minimum=1
)
SPEEDWATCH_SESSION_MAX_HOURS = env_int("SPEEDWATCH_SESSION_MAX_HOURS", 4, minimum=1)
SPEEDWATCH_SUBMIT_WITHIN_HOURS = env_int("SPEEDWATCH_SUBMIT_WITHIN_HOURS", 48, minimum=1)
SPEEDWATCH_ESCALATION_WINDOW_DAYS = env_int("SPEEDWATCH_ESCALATION_WINDOW_DAYS", 365, minimum=1)
SPEEDWATCH_RETENTION_DAYS = env_int("SPEEDWATCH_RETENTION_DAYS", 365, minimum=1)
# Keepers' names and addresses looked up for letters are deleted this long after they were
# stored: time to print and post the letters, no more.
KEEPER_ADDRESS_RETENTION_DAYS = env_int("KEEPER_ADDRESS_RETENTION_DAYS", 30, minimum=1)
SPEEDWATCH_BULK_MAX_ROWS = env_int("SPEEDWATCH_BULK_MAX_ROWS", 2000, minimum=1)
# The largest CSV file of offences a coordinator may upload, in bytes.
SPEEDWATCH_BULK_MAX_BYTES = env_int("SPEEDWATCH_BULK_MAX_BYTES", 5_000_000, minimum=1)
# The DVLA's Vehicle Enquiry Service, which checks each offence's plate against the make and
# colour recorded (core.dvla, watch.services.vehicles): off while DVLA_VES_API_KEY is empty.
# Answers are kept per registration for DVLA_VES_CACHE_HOURS; an enquiry the DVLA cannot
# answer now (429, 5xx, no answer) is tried DVLA_VES_MAX_ATTEMPTS times in all,
# DVLA_VES_RETRY_SECONDS apart and doubling.
DVLA_VES_API_KEY = env_str("DVLA_VES_API_KEY")
DVLA_VES_URL = env_str(
    "DVLA_VES_URL", "https://driver-vehicle-licensing.api.gov.uk/vehicle-enquiry/v1/vehicles"
)
DVLA_VES_TIMEOUT_SECONDS = env_int("DVLA_VES_TIMEOUT_SECONDS", 5, minimum=1)
DVLA_VES_CACHE_HOURS = env_int("DVLA_VES_CACHE_HOURS", 24, minimum=1)
DVLA_VES_MAX_ATTEMPTS = env_int("DVLA_VES_MAX_ATTEMPTS", 6, minimum=1)
DVLA_VES_RETRY_SECONDS = env_int("DVLA_VES_RETRY_SECONDS", 60, minimum=1)

# --- Alerts and notices ----------------------------------------------------------------

NOTIFICATIONS_COORDINATOR_DAILY_LIMIT = env_int(
    "NOTIFICATIONS_COORDINATOR_DAILY_LIMIT", 3, minimum=0
)
NOTIFICATIONS_DEFAULT_EXPIRY_HOURS = env_int("NOTIFICATIONS_DEFAULT_EXPIRY_HOURS", 72, minimum=1)
# Notices are delivered in batches of this many per Celery task, not one task per recipient.
NOTIFICATIONS_BATCH_SIZE = env_int("NOTIFICATIONS_BATCH_SIZE", 500, minimum=1)
# How many database connections store a large alert's notices at once (on PostgreSQL): each
# stores a few thousand recipients' at a time, on a core of its own.
NOTIFICATIONS_STORE_CONNECTIONS = env_int("NOTIFICATIONS_STORE_CONNECTIONS", 2, minimum=1)
# Check every list's SQL compiled once per shape against the request's own (core.compiled):
# doubles the cost of the lists, so on for the test suite only.
COMPILED_LISTS_CHECKED = env_bool("COMPILED_LISTS_CHECKED", False)
# How far the longest lists (offences, letters) count their rows: past it they say "more than"
# (core.pagination.CappedCountPagination).
LIST_COUNT_CAP = env_int("LIST_COUNT_CAP", 1000, minimum=1)
NOTIFICATIONS_MAX_ATTEMPTS = env_int("NOTIFICATIONS_MAX_ATTEMPTS", 5, minimum=1)
# The local hour at which daily digests are emailed.
NOTIFICATIONS_DIGEST_HOUR = env_int("NOTIFICATIONS_DIGEST_HOUR", 18, minimum=0)
# A claimed notice whose sender vanished (a killed worker) is retried after this long.
NOTIFICATIONS_CLAIM_LEASE_SECONDS = env_int("NOTIFICATIONS_CLAIM_LEASE_SECONDS", 300, minimum=1)
# How often beat runs the sweep that hands out again what no task holds: notices whose task was
# lost (with the broker's queue, or with a worker), claims whose worker died, retries now due.
NOTIFICATIONS_SWEEP_SECONDS = env_int("NOTIFICATIONS_SWEEP_SECONDS", 60, minimum=1)

# Web push (VAPID keys: `vapid --gen` from py-vapid, or any VAPID key pair); empty = off.
WEBPUSH_VAPID_PUBLIC_KEY = env_str("WEBPUSH_VAPID_PUBLIC_KEY")
WEBPUSH_VAPID_PRIVATE_KEY = env_str("WEBPUSH_VAPID_PRIVATE_KEY")
WEBPUSH_VAPID_SUBJECT = env_str("WEBPUSH_VAPID_SUBJECT", "mailto:admin@patchwatch.local")
# Who carries text messages: "" (nobody: the channel is off), "console" (printed to the log,
# for development) or "notify" (GOV.UK Notify, configured below).
SMS_PROVIDER = env_choice("SMS_PROVIDER", ["", "console", "notify"], "")

# --- Email ----------------------------------------------------------------------------

# Who carries alert emails: "smtp" (Django's email backend, configured below) or "notify" (GOV.UK
# Notify). Account emails (password resets, address changes) always go by the backend.
EMAIL_PROVIDER = env_choice("EMAIL_PROVIDER", ["smtp", "notify"], "smtp")
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT_SECONDS", 10, minimum=1)
# The Date header in UK time with its real offset (+0000 or +0100): Django sets the
# process's local zone from TIME_ZONE. Without it the header reads "-0000", which RFC 5322
# defines as a time whose zone is unknown.
EMAIL_USE_LOCALTIME = True
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Patchwatch <no-reply@patchwatch.local>")

# --- GOV.UK Notify ---------------------------------------------------------------------

# Used when EMAIL_PROVIDER or SMS_PROVIDER is "notify"; then each setting that channel needs
# must be given, or the app stops at start-up naming it.
_notify_channels = [
    channel
    for channel, provider in (("EMAIL", EMAIL_PROVIDER), ("SMS", SMS_PROVIDER))
    if provider == "notify"
]
# Who posts speedwatch letters: "" (nobody: the liaison downloads, prints and posts them) or
# "notify" (GOV.UK Notify's precompiled-letter API, one PDF per letter).
LETTER_PROVIDER = env_choice("LETTER_PROVIDER", ["", "notify"], "")
# The postage Notify posts them with: its values for precompiled letters.
NOTIFY_LETTER_POSTAGE = env_choice(
    "NOTIFY_LETTER_POSTAGE", ["first", "second", "economy"], "second"
)
# Letters posted through Notify and not yet received by its printer (or cancelled, or failed)
# are asked about again this long after they were last asked about.
NOTIFY_LETTER_POLL_MINUTES = env_int("NOTIFY_LETTER_POLL_MINUTES", 60, minimum=1)
# A posted letter is tried this many times when Notify cannot take it now (429, 5xx, out of
# reach), further apart each time, and then recorded as failed.
NOTIFY_LETTER_MAX_ATTEMPTS = env_int("NOTIFY_LETTER_MAX_ATTEMPTS", 8, minimum=1)
NOTIFY_LETTER_RETRY_SECONDS = env_int("NOTIFY_LETTER_RETRY_SECONDS", 30, minimum=1)
# A letter claimed by a worker that has recorded nothing after this long is taken up again (the
# worker died): Notify is first asked whether the letter reached it.
NOTIFY_LETTER_CLAIM_LEASE_SECONDS = env_int("NOTIFY_LETTER_CLAIM_LEASE_SECONDS", 300, minimum=1)
# An API key as Notify gives it: "{key name}-{service id}-{secret}", the last two UUIDs.
NOTIFY_API_KEY = env_str("NOTIFY_API_KEY")
NOTIFY_BASE_URL = env_str("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
# One template per channel, filled from the alert (personalisation: subject, headline, body,
# instruction, contact, advice, link); a digest uses its own template if one is given.
NOTIFY_EMAIL_TEMPLATE_ID = env_str("NOTIFY_EMAIL_TEMPLATE_ID")
NOTIFY_SMS_TEMPLATE_ID = env_str("NOTIFY_SMS_TEMPLATE_ID")
NOTIFY_EMAIL_DIGEST_TEMPLATE_ID = env_str(
    "NOTIFY_EMAIL_DIGEST_TEMPLATE_ID", NOTIFY_EMAIL_TEMPLATE_ID
)
NOTIFY_SMS_DIGEST_TEMPLATE_ID = env_str("NOTIFY_SMS_DIGEST_TEMPLATE_ID", NOTIFY_SMS_TEMPLATE_ID)
# Optional: a text message sender and an email reply-to address set up in Notify (their ids).
NOTIFY_SMS_SENDER_ID = env_str("NOTIFY_SMS_SENDER_ID")
NOTIFY_EMAIL_REPLY_TO_ID = env_str("NOTIFY_EMAIL_REPLY_TO_ID")
# The bearer token entered in Notify's callback settings for delivery receipts, which Notify
# sends to /api/v1/notify/receipts/. Empty: every callback is refused (the poller still
# collects receipts).
NOTIFY_CALLBACK_BEARER_TOKEN = env_str("NOTIFY_CALLBACK_BEARER_TOKEN")
NOTIFY_TIMEOUT_SECONDS = env_int("NOTIFY_TIMEOUT_SECONDS", 10, minimum=1)
# Notify's limit for a key is 3,000 messages a minute: every worker takes from one token bucket
# in Redis, so that together they never send more.
NOTIFY_RATE_PER_MINUTE = env_int("NOTIFY_RATE_PER_MINUTE", 3000, minimum=1)
# How long a send may wait for its turn before its notices are put off for a short while
# (without counting an attempt).
NOTIFY_RATE_MAX_WAIT_SECONDS = env_int("NOTIFY_RATE_MAX_WAIT_SECONDS", 30, minimum=0)
# A notice sent by Notify this long ago without a receipt is asked about (a callback may have
# been missed), at most this many at each run of the poller.
NOTIFY_RECEIPT_POLL_AFTER_MINUTES = env_int("NOTIFY_RECEIPT_POLL_AFTER_MINUTES", 30, minimum=1)
NOTIFY_RECEIPT_POLL_LIMIT = env_int("NOTIFY_RECEIPT_POLL_LIMIT", 500, minimum=1)
# What Notify carries on this server, in the words of the messages below.
_notify_carries = [
    {"EMAIL": "email", "SMS": "text messages"}[channel] for channel in _notify_channels
] + (["letters"] if LETTER_PROVIDER == "notify" else [])
if _notify_carries:
    _wanted = ["NOTIFY_API_KEY", *(f"NOTIFY_{channel}_TEMPLATE_ID" for channel in _notify_channels)]
    _missing = [name for name in _wanted if not globals()[name]]
    if _missing:
        raise ImproperlyConfigured(
            f"{', '.join(_missing)} must be set when GOV.UK Notify carries "
            f"{' and '.join(_notify_carries)}"
        )
    if not _redis_url:
        raise ImproperlyConfigured(
            "REDIS_URL must be set when GOV.UK Notify is used: its rate limit is shared there"
        )
    if not env_is_notify_key(NOTIFY_API_KEY):
        # Not the key itself in the message: it is a secret.
        raise ImproperlyConfigured(
            "NOTIFY_API_KEY must be a key as Notify gives it: {key name}-{service id}-{secret}"
        )
    env_uuid_check(
        {
            name: globals()[name]
            for name in (
                "NOTIFY_EMAIL_TEMPLATE_ID",
                "NOTIFY_SMS_TEMPLATE_ID",
                "NOTIFY_EMAIL_DIGEST_TEMPLATE_ID",
                "NOTIFY_SMS_DIGEST_TEMPLATE_ID",
                "NOTIFY_SMS_SENDER_ID",
                "NOTIFY_EMAIL_REPLY_TO_ID",
            )
            if globals()[name]
        }
    )
NOTIFY_RATE_REDIS_URL = _redis_url

# --- Celery ---------------------------------------------------------------------------

# No broker means no worker: run tasks in-process so the embedded default needs no server.
CELERY_TASK_ALWAYS_EAGER = not env_str("CELERY_BROKER_URL")
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "memory://localhost/")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_VISIBILITY_TIMEOUT_SECONDS = env_int("CELERY_VISIBILITY_TIMEOUT_SECONDS", 3600, minimum=2)
# A broker that stops answering without closing the connection (a failover, a frozen host, a
# firewall dropping idle connections) must not hold a request or a worker for ever: a command
# to it gives up after this long, and is tried again on a new connection.
CELERY_BROKER_SOCKET_TIMEOUT_SECONDS = env_int("CELERY_BROKER_SOCKET_TIMEOUT_SECONDS", 5, minimum=1)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT_SECONDS,
    "socket_timeout": CELERY_BROKER_SOCKET_TIMEOUT_SECONDS,
    "socket_connect_timeout": CELERY_BROKER_SOCKET_TIMEOUT_SECONDS,
}
# When the broker goes away, a worker keeps trying to reach it, however long it takes (Celery
# would give up after 100 tries, about 45 minutes, and exit with the queue unserved), and so
# does a worker started while it is away.
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# A task running when the broker goes away runs to its end: a delivery needs only the database
# and the channel, and records each notice it sends. Cancelling it (Celery 6's default) would
# kill it in the middle of sending, and that notice would go again after its lease, perhaps
# twice. Letting it finish loses nothing: if the broker kept its message, the task runs again
# after the visibility timeout and finds its notices done; if not, the sweep hands out what
# it did not do (tests/test_alert_faults.py).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "patchwatch")
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "purge-idempotency-records": {
        "task": "core.purge_idempotency_records",
        "schedule": timedelta(hours=1),
    },
    "sweep-notices": {
        "task": "notifications.sweep_notices",
        "schedule": timedelta(seconds=NOTIFICATIONS_SWEEP_SECONDS),
    },
    "poll-notify-receipts": {
        "task": "notifications.poll_receipts",
        "schedule": timedelta(minutes=5),
    },
    "send-digests": {
        "task": "notifications.send_digests",
        "schedule": timedelta(minutes=15),
    },
    "expire-alerts": {
        "task": "notifications.expire_alerts",
        "schedule": timedelta(minutes=10),
    },
    "tell-declined-requesters": {
        "task": "schemes.tell_declined_requesters",
        "schedule": timedelta(minutes=1),
    },
    "poll-posted-letters": {
        "task": "watch.poll_posted_letters",
        "schedule": timedelta(minutes=15),
    },
    "purge-old-registrations": {
        "task": "watch.purge_old_registrations",
        "schedule": timedelta(hours=6),
    },
}

# --- Request bodies -------------------------------------------------------------------

# core.middleware.RequestSizeLimitMiddleware refuses a larger body with 413 from its
# Content-Length, before anything reads it: a JSON or form body may be this large (Django
# applies the same limit to the form fields of an upload)...
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_BYTES", 2_621_440, minimum=1024)
# ...and an upload may carry a file this large (the largest file any endpoint takes) besides.
UPLOAD_MAX_FILE_BYTES = SPEEDWATCH_BULK_MAX_BYTES
# An accepted file larger than this is spooled to a temporary file rather than held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_BYTES", 2_621_440, minimum=0)

# --- API ------------------------------------------------------------------------------

IDEMPOTENCY_KEY_TTL_HOURS = env_int("IDEMPOTENCY_KEY_TTL_HOURS", 48, minimum=1)

REST_FRAMEWORK = {
    # Token first, so an anonymous request gets 401 with a WWW-Authenticate challenge.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # DRF's own, refusing accounts that still owe their second factor.
        "accounts.authentication.TokenAuthentication",
        "accounts.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only (the CSV upload declares its own multipart parser): form encodings cannot say
    # null, an empty list or a nested object, so the schema could not promise that a body
    # valid in one is read the same in another.
    "DEFAULT_PARSER_CLASSES": ["core.parsers.SafeJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.PagePagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "core.filters.StrictOrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "core.schema.PatchwatchAutoSchema",
    "EXCEPTION_HANDLER": "core.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "600/hour"),
        "user": env_str("API_THROTTLE_USER", "6000/hour"),
        "password_reset": env_str("API_THROTTLE_PASSWORD_RESET", "10/hour"),
        # Downloads of one's own data (each builds a ZIP of everything held about the person).
        "data_export": env_str("API_THROTTLE_DATA_EXPORT", "10/hour"),
    },
    "DEFAULT_THROTTLE_CLASSES": [
        "core.throttling.AnonRateThrottle",
        "core.throttling.UserRateThrottle",
    ],
    # Our throttles ask core.clients instead; this keeps anything else that reads DRF's
    # setting in agreement with them.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # Files (CSV, PDF, CAP, Atom) are negotiated by their renderers (core.renderers), from the
    # Accept header or ?format=csv|pdf|cap|xml|atom; ?format=json asks for JSON.
    "URL_FORMAT_OVERRIDE": "format",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "core.negotiation.ContentNegotiation",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Patchwatch API",
    "DESCRIPTION": (
        "Community watch schemes (Neighbourhood Watch, Community Speedwatch, Countryside "
        "Watch): schemes, members, roles and activity. Authenticate with a session (browser) "
        "or `Authorization: Token <token>` from `POST /api/v1/auth/token/`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # No badge from the public validator: it would send the schema's address to a third
    # party, and load an image the docs page's Content-Security-Policy does not allow.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # The docs pages' files come with the app (drf-spectacular-sidecar), not from a CDN: they
    # work without internet, and their version is the one in requirements/lock.txt.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "GET_LIB_DOC_EXCLUDES": "core.schema.lib_doc_excludes",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        # The risk assessment's answers, each of which must be yes (one enum, not four).
        "RiskAnswerEnum": [(True, True)],
        "SchemeStatusEnum": "schemes.models.SchemeStatus",
        "MembershipStatusEnum": "schemes.models.MembershipStatus",
        "OffenceActionEnum": "watch.models.Action",
        "SchemeKindEnum": "schemes.models.SchemeKind",
        "AlertCategoryEnum": "notifications.models.Category",
        "AlertSeverityEnum": "notifications.models.Severity",
        "AlertStatusEnum": "notifications.models.AlertStatus",
        "AlertApprovalEnum": "notifications.models.Approval",
        "SurveyStatusEnum": "surveys.models.SurveyStatus",
        "QuestionKindEnum": "surveys.models.QuestionKind",
        "AuditActionEnum": "watch.models.AuditAction",
        "SiteStatusEnum": "watch.models.SiteStatus",
        "SessionStatusEnum": "watch.models.SessionStatus",
        "VehicleCheckEnum": "watch.models.VehicleCheckStatus",
        "SiteDecisionEnum": [
            ("approved", "Approved"),
            ("rejected", "Rejected"),
            ("suspended", "Suspended"),
        ],
        "SchemeStatusTargetEnum": [
            ("active", "Active"),
            ("suspended", "Suspended"),
            ("closed", "Closed"),
        ],
    },
}

# --- Logging --------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
