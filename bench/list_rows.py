"""Benchmark: the speedwatch sessions, offences and alerts lists, in process, against a bare
Django view serving the same rows.

Fills a separate database with one force area's speedwatch (``--schemes`` schemes of three
sites, ``--sessions`` submitted sessions with four members present at each and ten offences
each) and its alerts (``--alerts``, issued by the liaison and by coordinators, every one in a
volunteer's inbox, with replies), then times, through the whole stack with an API token
(Django's test Client: middleware, authentication, DRF, serialisation, JSON):

- ``GET /api/v1/speedwatch/sessions/?page_size=50`` for a coordinator of two schemes, the
  force's liaison and a volunteer (registrations masked for the last; the list shows none);
- ``GET /api/v1/speedwatch/offences/?page_size=50`` for the coordinator and the liaison;
- ``GET /api/v1/alerts/?page_size=50`` for the liaison and the volunteer;
- for each list and viewer, a bare Django view (no DRF, no authentication) answering a
  ``JsonResponse`` of the same viewer's first 50 rows, in the same order, read with
  ``.values()`` (the viewer's schemes or alerts looked up once beforehand): what the list
  would cost with nothing but Django around the rows. The two are timed in turns of 20
  requests, so that both meet the same load;

printing the median and p95 milliseconds, the queries each request makes, and each list's
median against the bare view's (the target: the list at least half as fast, that is at most
twice the bare view's time). Every list's query count is also taken at ``page_size=1``: it
must be the same as at 50.

The machine is shared and timings are noisy: the ratios of one run are what count, and
query counts are exact.

Usage:  .venv/bin/python bench/list_rows.py [--sessions 5000] [--alerts 2000] [--runs 200]
        [--profile]   (also prints a cProfile of each list's request, by cumulative time)
Needs PostgreSQL (DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/patchwatch_bench_lists2); the database is created if
missing and reused when it already holds the requested data.
"""

import argparse
import cProfile
import os
import pstats
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.measure import django_on_own_database, report, session_extras, timed  # noqa: E402

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/patchwatch_bench_lists2")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
os.environ["API_THROTTLE_USER"] = "100000000/hour"
os.environ.setdefault("LOG_LEVEL", "WARNING")

BENCH_EMAIL = "@bench.invalid"
COORDINATOR = f"coordinator{BENCH_EMAIL}"
LIAISON = f"liaison{BENCH_EMAIL}"
VOLUNTEER = f"volunteer{BENCH_EMAIL}"
PAGE = 50
# The list may take at most this many times the bare view's time (50% of its throughput).
RATIO_TARGET = 2.0

SESSION_COLUMNS = [
    "id",
    "scheme_id",
    "scheme__name",
    "site_id",
    "site__name",
    "site__road_name",
    "site__speed_limit_mph",
    "started_at",
    "ended_at",
    "vehicles_counted",
    "device_name",
    "device_serial",
    "device_checked_on",
    "notes",
    "volunteer_minutes",
    "status",
    "submitted_at",
]
OFFENCE_COLUMNS = [
    "id",
    "session_id",
    "registration",
    "registration_format",
    "make",
    "model",
    "colour",
    "vehicle_type",
    "speed_mph",
    "speed_limit_mph",
    "observed_at",
    "direction",
    "action",
    "action_status",
    "voided",
    "dispute_outcome",
    "dispute_note",
    "anonymised_at",
    "submitted",
    "scheme_id",
    "site_id",
]
ALERT_COLUMNS = [
    "id",
    "identifier",
    "message_type",
    "references_id",
    "incident_id",
    "title",
    "body",
    "category",
    "severity",
    "urgency",
    "audience",
    "scheme_kinds",
    "public",
    "area_name",
    "instruction",
    "response_type",
    "contact",
    "centre_lat",
    "centre_lon",
    "radius_m",
    "boundary",
    "status",
    "expires_at",
    "created_at",
    "published_at",
    "force",
    "scheme_id",
    "issuer_id",
    "recipients_count",
]


# --- The bare views: Django and the rows, nothing else -------------------------------------

# What each bare view reads: (model, columns, ordering), and the filter that gives the rows
# its viewer sees (set in main(), from the viewer's schemes or alerts as the rules find them).
BARE: dict[str, tuple[str, list[str], list[str]]] = {
    "sessions": ("watch.Session", SESSION_COLUMNS, ["-started_at", "id"]),
    "offences": ("watch.Offence", OFFENCE_COLUMNS, ["-observed_at", "id"]),
    "alerts": ("notifications.Alert", ALERT_COLUMNS, ["-created_at", "-id"]),
}
BARE_FILTERS: dict[tuple[str, str], dict[str, Any]] = {}


def bare_view(request: Any, name: str, who: str) -> Any:
    """The same page of rows as the list gives ``who``, read with ``.values()`` and answered
    as a ``JsonResponse``: no DRF, no authentication, no serializer."""
    from django.apps import apps
    from django.http import JsonResponse

    model_path, columns, ordering = BARE[name]
    # A session's row carries its offence count and people present, as the list's does.
    extras = session_extras() if name == "sessions" else {}
    rows = (
        apps.get_model(model_path)
        .objects.filter(**BARE_FILTERS[name, who])
        .order_by(*ordering)
        .annotate(**extras)
        .values(*columns, *extras)[:PAGE]
    )
    return JsonResponse({"results": list(rows)})


def _urlpatterns() -> list[Any]:
    from django.urls import include, path

    return [
        path("bare/<str:name>/<str:who>/", bare_view),
        path("", include("backend.urls")),
    ]


# This module is also the urlconf of the run (``ROOT_URLCONF = "bench.list_rows"``); its
# patterns are made on first use, after Django is set up.
def __getattr__(name: str) -> Any:
    if name == "urlpatterns":
        return _urlpatterns()
    raise AttributeError(name)


def bare_filters(email: str) -> dict[str, dict[str, Any]]:
    """The filter of each list's rows for the viewer, as plain column lookups."""
    from accounts.models import User
    from schemes.permissions import liaison_force
    from watch.selectors.schemes import (
        speedwatch_schemes_visible_to,
        speedwatch_schemes_with_registrations,
    )

    user = User.objects.get(email=email)
    seen = list(speedwatch_schemes_visible_to(user=user).values_list("pk", flat=True))
    registrations = speedwatch_schemes_with_registrations(user=user)
    # Alerts: the force's for a liaison, else those received (the bench's volunteer issued
    # none, and has one notice of each).
    force = liaison_force(user)
    return {
        "sessions": {"scheme_id__in": seen},
        "offences": {"scheme_id__in": list(registrations.values_list("pk", flat=True))},
        "alerts": {"force": force} if force else {"notices__recipient": user},
    }


# --- The data ------------------------------------------------------------------------------


def populate(schemes: int, sessions: int, alerts: int, rng: random.Random) -> None:
    """One force area's speedwatch and alerts, made with bulk inserts; reused when the
    database already holds the same amounts."""
    from django.db import transaction
    from django.db.models import F
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from rest_framework.authtoken.models import Token

    from accounts.models import LiaisonProfile, User
    from areas.models import area_fields
    from notifications.models import Alert, Notice, Reply
    from schemes.models import Membership, Scheme
    from watch.models import Offence, Session, Site
    from watch.registrations import registration_format, vehicle_key

    wanted = f"{schemes}/{sessions}/{alerts}"
    liaison = User.objects.filter(email=LIAISON).first()
    if liaison is not None and liaison.name == wanted:
        print(f"Reusing {schemes} schemes, {sessions:,} sessions and {alerts:,} alerts.")
        return
    print(f"Generating {schemes} schemes, {sessions:,} sessions and {alerts:,} alerts ...")
    started = time.perf_counter()
    now = timezone.now()
    with transaction.atomic():
        Notice.objects.all().delete()
        Reply.objects.all().delete()
        Alert.objects.update(incident=None, references=None)
        Alert.objects.all().delete()
        Offence.objects.all().delete()
        Session.objects.all().delete()
        Site.objects.all().delete()
        Scheme.objects.all().delete()
        User.objects.filter(email__endswith=BENCH_EMAIL).delete()

        liaison = User.objects.create(email=LIAISON, name=wanted, password="!")
        LiaisonProfile.objects.create(user=liaison, force="cambridgeshire", role_title="PCSO")
        # Liaisons must use a second factor: a token of theirs comes from the two-step sign-in.
        TOTPDevice.objects.create(user=liaison, name="phone", confirmed=True)
        coordinator = User.objects.create(email=COORDINATOR, name="Coordinator", password="!")
        volunteer = User.objects.create(email=VOLUNTEER, name="Volunteer", password="!")
        members = User.objects.bulk_create(
            User(email=f"member{n}{BENCH_EMAIL}", name=f"Member {n}", password="!")
            for n in range(schemes * 8)
        )
        all_schemes = Scheme.objects.bulk_create(
            Scheme(
                name=f"Speedwatch {n}",
                kind="speedwatch",
                force="cambridgeshire",
                status="active",
                **area_fields(lat=52.2 + n * 0.01, lon=0.1, radius_m=800),
            )
            for n in range(schemes)
        )
        active = {"status": "active", "joined_at": now}
        Membership.objects.bulk_create(
            [
                Membership(scheme=all_schemes[0], user=coordinator, role="coordinator", **active),
                Membership(scheme=all_schemes[1], user=coordinator, role="coordinator", **active),
                Membership(scheme=all_schemes[2], user=coordinator, role="volunteer", **active),
                Membership(scheme=all_schemes[0], user=volunteer, role="volunteer", **active),
                Membership(scheme=all_schemes[3], user=volunteer, role="volunteer", **active),
                *(
                    Membership(
                        scheme=all_schemes[n // 8],
                        user=member,
                        role="coordinator" if n % 8 == 0 else "volunteer",
                        **active,
                    )
                    for n, member in enumerate(members)
                ),
            ]
        )
        sites = Site.objects.bulk_create(
            Site(
                scheme=scheme,
                name=f"Site {n} of {scheme.name}",
                road_name="High Street",
                lat=scheme.centre_lat,
                lon=scheme.centre_lon,
                speed_limit_mph=rng.choice([20, 30, 40]),
                direction="eastbound",
                status="approved",
                risk_assessment={},
            )
            for scheme in all_schemes
            for n in range(3)
        )
        rows = []
        for n in range(sessions):
            site = sites[n % len(sites)]
            start = now - timedelta(hours=6 * n + 1)
            rows.append(
                Session(
                    scheme_id=site.scheme_id,
                    site=site,
                    started_at=start,
                    ended_at=start + timedelta(hours=1),
                    vehicles_counted=rng.randint(100, 400),
                    device_name="Speedwatch radar gun",
                    device_serial=f"SW-{site.scheme_id}",
                    device_checked_on=(start - timedelta(days=60)).date(),
                    notes="Dry, light traffic." if n % 3 else "",
                    volunteer_minutes=240,
                    status="submitted" if n > 5 else "draft",
                    submitted_at=start + timedelta(hours=2) if n > 5 else None,
                )
            )
        made = Session.objects.bulk_create(rows, batch_size=5000)
        scheme_members: dict[int, list[User]] = {}
        for n, member in enumerate(members):
            scheme_members.setdefault(all_schemes[n // 8].pk, []).append(member)
        Session.present.through.objects.bulk_create(
            (
                Session.present.through(session_id=session.pk, user_id=person.pk)
                for session in made
                for person in scheme_members[session.scheme_id][:4]
            ),
            batch_size=10000,
        )
        site_by_id = {site.pk: site for site in sites}
        offences = []
        for session in made:
            site = site_by_id[session.site_id]
            for k in range(10):
                registration = f"AB{rng.randint(10, 99)}{''.join(rng.choices('CDEFGH', k=3))}"
                offences.append(
                    Offence(
                        session=session,
                        scheme_id=session.scheme_id,
                        site=site,
                        force="cambridgeshire",
                        speed_limit_mph=site.speed_limit_mph,
                        submitted=session.status == "submitted",
                        registration=registration,
                        vehicle_key=vehicle_key(registration),
                        registration_format=registration_format(registration),
                        make="Ford",
                        model="Focus",
                        colour="Blue",
                        speed_mph=site.speed_limit_mph + 8 + k,
                        observed_at=session.started_at + timedelta(minutes=5 * k),
                        direction="eastbound",
                        action="first_letter",
                    )
                )
        Offence.objects.bulk_create(offences, batch_size=5000)

        area = area_fields(lat=52.2, lon=0.12, radius_m=2_000)
        issuers = [liaison, coordinator]
        firsts = Alert.objects.bulk_create(
            (
                Alert(
                    issuer=issuers[n % 2],
                    scheme=all_schemes[0] if n % 2 else None,
                    force="cambridgeshire",
                    title=f"Bench alert {n}",
                    body="Two men seen trying car doors on the High Street.",
                    category="vehicle_crime",
                    severity="Moderate",
                    urgency="Expected",
                    audience="members",
                    status="published" if n > 3 else "draft",
                    published_at=now - timedelta(minutes=30 * n) if n > 3 else None,
                    expires_at=now + timedelta(days=2),
                    recipients_count=300,
                    **area,
                )
                for n in range(alerts)
            ),
            batch_size=5000,
        )
        Alert.objects.filter(pk__in=[a.pk for a in firsts]).update(incident_id=F("pk"))
        Notice.objects.bulk_create(
            (
                Notice(alert=alert, recipient=person, channel="in_app", state="sent")
                for alert in firsts
                if alert.status != "draft"
                for person in [volunteer, *members[:20]]
            ),
            batch_size=10000,
        )
        Reply.objects.bulk_create(
            Reply(alert=alert, author=volunteer, body="Seen them too.") for alert in firsts[4::3]
        )
        for user in (liaison, coordinator, volunteer):
            Token.objects.create(user=user, key=uuid.uuid4().hex)
    print(f"  done in {time.perf_counter() - started:.1f} s", flush=True)


# --- Measuring -----------------------------------------------------------------------------


def _queries(call: Callable[[], Any]) -> int:
    """How many queries one call makes (Django empties its own log as a request starts)."""
    from django.db import connection

    count = 0

    def counted(execute: Callable[..., Any], *args: Any) -> Any:
        nonlocal count
        count += 1
        return execute(*args)

    with connection.execute_wrapper(counted):
        call()
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--schemes", type=int, default=20)
    parser.add_argument("--sessions", type=int, default=5_000)
    parser.add_argument("--alerts", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    django_on_own_database()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import clear_url_caches
    from rest_framework.authtoken.models import Token

    settings.ROOT_URLCONF = "bench.list_rows"
    clear_url_caches()
    populate(args.schemes, args.sessions, args.alerts, random.Random(args.seed))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")

    def get(path: str, email: str | None, page_size: int = PAGE) -> Callable[[], None]:
        client = Client()
        if email is not None:
            key = Token.objects.get(user__email=email).key
            client.defaults["HTTP_AUTHORIZATION"] = f"Token {key}"

        def call() -> None:
            response = client.get(path, {"page_size": page_size})
            assert response.status_code == 200, response.content
            assert len(response.json()["results"]) == page_size, path

        return call

    lists = {
        "sessions": ("/api/v1/speedwatch/sessions/", [COORDINATOR, LIAISON, VOLUNTEER]),
        "offences": ("/api/v1/speedwatch/offences/", [COORDINATOR, LIAISON]),
        "alerts": ("/api/v1/alerts/", [LIAISON, VOLUNTEER]),
    }
    # The urlconf is this file imported as a module, with its own BARE_FILTERS.
    from bench import list_rows as urlconf

    for email in (COORDINATOR, LIAISON, VOLUNTEER):
        for name, lookup in bare_filters(email).items():
            urlconf.BARE_FILTERS[name, email.split("@")[0]] = lookup
    print(
        f"\nPages of {PAGE}, {args.runs} runs each, PostgreSQL, in process; each list against "
        "a bare view of the same rows\n(a shared machine: compare the ratios of one run)\n"
    )
    verdicts = []
    for path, viewers in lists.values():
        for email in viewers:
            who = email.split("@")[0]
            name = path.rstrip("/").rsplit("/", 1)[1]
            bare = get(f"/bare/{name}/{who}/", None)
            call = get(path, email)
            # Interleaved, so that both see the same load on a shared machine.
            bare_samples, samples = [], []
            for _ in range(max(args.runs // 20, 1)):
                bare_samples += timed(20, bare)
                samples += timed(20, call)
            ratio = statistics.median(samples) / statistics.median(bare_samples)
            queries, queries_one = _queries(call), _queries(get(path, email, 1))
            fast = "PASS" if ratio <= RATIO_TARGET else "FAIL"
            constant = "PASS" if queries == queries_one else "FAIL"
            verdicts += [fast, constant]
            report(f"bare {name} for {who}", bare_samples, f"({_queries(bare)} query)")
            report(
                f"GET {path} as {who}",
                samples,
                f"({queries} queries, {queries_one} at page_size=1: {constant}); "
                f"{ratio:.2f}x bare, target <= {RATIO_TARGET:g}x: {fast}",
            )
            if args.profile:
                profile = cProfile.Profile()
                profile.runcall(timed, 20, call)
                pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
        print()
    print("ALL PASS" if all(v == "PASS" for v in verdicts) else "SOME FAIL")


if __name__ == "__main__":
    main()
