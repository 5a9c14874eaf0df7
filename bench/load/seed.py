"""Seed one police force for the load test (bench/load/run.py), through the app's services.

What one force area looks like (Cambridgeshire, all within 12 km of Cambridge so that one
20 km alert reaches every scheme):

- ``--schemes`` schemes (40 by default): two in five neighbourhood watches, two in five
  Community Speedwatch, one in five countryside watches, each proposed by its first
  coordinator and approved by the force's liaison;
- ``--members`` volunteers (2,000), each asking to join a scheme and approved by its
  coordinator, one in ten in a second scheme too; three in five chose the in-app inbox only,
  the rest kept the default (the inbox and email);
- ``--coordinators`` speedwatch coordinators (50), shared out among the speedwatch schemes
  (their first coordinators, and volunteers promoted), with two or three approved sites
  per scheme and a season of submitted sessions and offences behind them;
- one liaison of the force, with an authenticator app (liaisons must use two-factor
  sign-in; its key is random and never shown), who has published a few alerts, updated
  and cancelled some, so that every member's inbox has incidents in it.

Everyone signs in with an API token, made here directly as the two-step token sign-in
would (``accounts.two_factor``); the tokens and the ids the locustfile needs are written
to ``--out`` (JSON). The file holds credentials to a throwaway database and generated
names only; keep it out of the repository (bench/load/out/ is ignored).

Tasks run in-process (no ``CELERY_BROKER_URL``), so the alerts are delivered before this
ends. Passwords are unusable: nobody signs in with one.

Usage:  DATABASE_URL=postgres://.../patchwatch_bench_load \\
            .venv/bin/python bench/load/seed.py --out bench/load/out/population.json
"""

import argparse
import json
import math
import os
import random
import secrets
import sys
import time
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from bench.measure import django_on_own_database  # noqa: E402

if TYPE_CHECKING:
    from accounts.models import User
    from schemes.models import Scheme

FORCE = "cambridgeshire"
CENTRE = (52.2053, 0.1218)
SPREAD_M = 12_000
DOMAIN = "load.bench.invalid"
LIAISON_EMAIL = f"liaison@{DOMAIN}"
KINDS = ["neighbourhood", "speedwatch", "neighbourhood", "speedwatch", "countryside"]
MAKES = [
    ("Ford", "Focus"),
    ("Vauxhall", "Corsa"),
    ("Volkswagen", "Golf"),
    ("Toyota", "Yaris"),
    ("BMW", "3 Series"),
    ("Audi", "A3"),
    ("Tesla", "Model 3"),
    ("Ford", "Transit"),
]
COLOURS = ["Black", "White", "Silver", "Grey", "Blue", "Red"]
LETTERS = "ABCDEFGHJKLMNOPRSTUVWXY"


def registration(rng: random.Random) -> str:
    """A current-style number plate (two letters, two digits, three letters)."""
    return (
        "".join(rng.choice(LETTERS) for _ in range(2))
        + f"{rng.randint(51, 74):02d}"
        + "".join(rng.choice(LETTERS) for _ in range(3))
    )


def _point(rng: random.Random) -> tuple[float, float]:
    """A point within SPREAD_M of the centre (uniform over the disc)."""
    distance = SPREAD_M * math.sqrt(rng.random())
    bearing = rng.uniform(0, 2 * math.pi)
    lat = CENTRE[0] + distance * math.cos(bearing) / 111_320
    lon = CENTRE[1] + distance * math.sin(bearing) / (111_320 * math.cos(math.radians(CENTRE[0])))
    return round(lat, 5), round(lon, 5)


def marker(args: argparse.Namespace) -> str:
    return f"{args.schemes}/{args.members}/{args.coordinators}/{args.seed}"


def seeded(args: argparse.Namespace) -> bool:
    from accounts.models import User

    liaison = User.objects.filter(email=LIAISON_EMAIL).first()
    return liaison is not None and liaison.name == f"Liaison {marker(args)}"


def _people(prefix: str, count: int) -> list["User"]:
    from accounts.models import User

    # Unusable passwords (hashing 2,000 of them would take minutes, and nobody uses them).
    return [
        User.objects.create_user(email=f"{prefix}{n}@{DOMAIN}", name=f"{prefix.title()} {n}")
        for n in range(count)
    ]


def _scheme(n: int, kind: str, proposer: "User", liaison: "User", rng: random.Random) -> "Scheme":
    from schemes import services

    lat, lon = _point(rng)
    scheme = services.scheme_propose(
        proposer=proposer,
        details={
            "name": f"Load {kind.title()} Watch {n}",
            "kind": kind,
            "force": FORCE,
            "description": "Generated for the load test.",
            "contact_name": proposer.name,
            "contact_email": proposer.email,
            "show_contact_email": True,
        },
        area={"lat": lat, "lon": lon, "radius_m": rng.randint(500, 2_000)},
    )
    return services.scheme_status_change(
        scheme=scheme, actor=liaison, to_status="active", reason=""
    )


def _join(scheme: "Scheme", user: "User", coordinator: "User") -> None:
    from schemes import services

    membership = services.membership_request(scheme=scheme, user=user)
    services.membership_approve(membership=membership, actor=coordinator)


def _season(
    scheme: "Scheme",
    coordinator: "User",
    present: list["User"],
    sites: list[Any],
    sessions: int,
    rng: random.Random,
) -> None:
    """Submitted sessions over the last three months, mid-morning, with their offences.
    Some vehicles come back, so that escalation has repeat offenders to find."""
    from django.utils import timezone

    from watch.rules import threshold_mph
    from watch.services.sessions import session_create, session_submit

    regulars = [registration(rng) for _ in range(5)]
    today = timezone.localdate()
    for n in range(sessions):
        site = sites[n % len(sites)]
        day = today - timedelta(days=rng.randint(2, 90))
        start = timezone.make_aware(datetime.combine(day, clock(10, rng.choice([0, 15, 30]))))
        offences = []
        for k in range(rng.randint(2, 8)):
            make, model = rng.choice(MAKES)
            plate = rng.choice(regulars) if rng.random() < 0.2 else registration(rng)
            offences.append(
                {
                    "registration": plate,
                    "make": make,
                    "model": model,
                    "colour": rng.choice(COLOURS),
                    "speed_mph": threshold_mph(site.speed_limit_mph) + rng.randint(0, 14),
                    "observed_at": start + timedelta(minutes=5 * (k + 1)),
                }
            )
        session, _ = session_create(
            scheme=scheme,
            actor=coordinator,
            data={
                "site": site,
                "started_at": start,
                "ended_at": start + timedelta(hours=1),
                "vehicles_counted": rng.randint(120, 260),
                "device_name": "Speedwatch radar gun",
                "device_serial": f"SW-{scheme.pk:04d}",
                "device_checked_on": today - timedelta(days=120),
            },
            present=present,
            offences=offences,
        )
        session_submit(
            session=session, actor=coordinator, now=session.ended_at + timedelta(hours=2)
        )


def _alerts(liaison: "User", rng: random.Random) -> list[int]:
    """A few incidents published to the whole area: some updated, one cancelled."""
    from notifications import services
    from notifications.models import Alert, MessageType
    from notifications.serializers import AlertInputSerializer

    published = []
    categories = ["burglary", "vehicle_crime", "bogus_caller", "rural_crime", "burglary"]
    for n, category in enumerate(categories):
        payload = AlertInputSerializer(
            data={
                "title": f"Load test incident {n}",
                "body": "Reports in the area this week; please keep an eye out.",
                "category": category,
                "severity": "Moderate",
                "urgency": "Expected",
                "lat": CENTRE[0],
                "lon": CENTRE[1],
                "radius_m": 20_000,
            }
        )
        payload.is_valid(raise_exception=True)
        details, area, _ = payload.split()
        alert = services.alert_draft(issuer=liaison, details=details, area=area, scheme=None)
        alert = services.alert_publish(alert=alert, actor=liaison)
        published.append(alert.pk)
        if n % 2 == 0:
            kind = MessageType.CANCEL if n == 4 else MessageType.UPDATE
            services.alert_replace(
                alert=Alert.objects.get(pk=alert.pk),
                actor=liaison,
                message_type=kind,
                details={"body": "An update: an arrest has been made."},
            )
    return published


def populate(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import transaction
    from rest_framework.authtoken.models import Token

    from accounts import two_factor
    from accounts.models import LiaisonProfile, User
    from notifications import services as notification_services
    from schemes import services as scheme_services
    from schemes.models import Membership
    from watch.rules import threshold_mph
    from watch.services.sites import site_decide, site_propose

    rng = random.Random(args.seed)
    kinds = [KINDS[n % len(KINDS)] for n in range(args.schemes)]
    speedwatch_count = kinds.count("speedwatch")
    with transaction.atomic():
        liaison = User.objects.create_user(email=LIAISON_EMAIL, name=f"Liaison {marker(args)}")
        LiaisonProfile.objects.create(user=liaison, force=FORCE, role_title="PCSO")
        two_factor.authenticator_install(user=liaison, key=secrets.token_bytes(20))

        # Speedwatch schemes are proposed by coordinators of the load; the others by
        # coordinators who browse as members do.
        coordinators = _people("coordinator", args.coordinators)
        others = _people("organiser", args.schemes - speedwatch_count)
        volunteers = _people("member", args.members)

        schemes = []
        proposers = iter(coordinators[:speedwatch_count])
        organisers = iter(others)
        for n, kind in enumerate(kinds):
            proposer = next(proposers) if kind == "speedwatch" else next(organisers)
            schemes.append((_scheme(n, kind, proposer, liaison, rng), proposer))
        print(f"  {len(schemes)} schemes", flush=True)

        home: dict[int, int] = {}
        by_scheme: dict[int, list[User]] = {scheme.pk: [] for scheme, _ in schemes}
        for n, user in enumerate(volunteers):
            scheme, first = schemes[n % len(schemes)]
            _join(scheme, user, first)
            home[user.pk] = scheme.pk
            by_scheme[scheme.pk].append(user)
            if n % 10 == 0:
                second, second_first = schemes[(n * 7 + 3) % len(schemes)]
                if second.pk != scheme.pk:
                    _join(second, user, second_first)
            if n % 5 < 3:
                notification_services.preference_set(user=user, data={"channels": []})
        print(f"  {len(volunteers)} members", flush=True)

        speedwatch = [(scheme, first) for scheme, first in schemes if scheme.kind == "speedwatch"]
        coordinating: list[dict[str, Any]] = []
        for n, coordinator in enumerate(coordinators):
            scheme, first = speedwatch[n % len(speedwatch)]
            if coordinator != first:
                _join(scheme, coordinator, first)
                scheme_services.membership_set_role(
                    membership=Membership.objects.get(scheme=scheme, user=coordinator),
                    actor=first,
                    role="coordinator",
                )
            home[coordinator.pk] = scheme.pk
        for scheme, first in speedwatch:
            sites = []
            for k in range(rng.choice([2, 3])):
                lat, lon = scheme.centre_lat + 0.001 * k, scheme.centre_lon
                site = site_propose(
                    scheme=scheme,
                    actor=first,
                    data={
                        "name": f"Site {k} of {scheme.name}",
                        "road_name": rng.choice(["High Street", "Station Road", "Mill Lane"]),
                        "lat": round(lat, 5),
                        "lon": round(lon, 5),
                        "speed_limit_mph": rng.choice([20, 30, 30, 40]),
                        "direction": "both",
                        "risk_assessment": {
                            "safe_standing_place": True,
                            "clear_view": True,
                            "no_obstruction": True,
                            "parking_nearby": True,
                        },
                    },
                )
                sites.append(site_decide(site=site, actor=liaison, status="approved", reason=""))
            present = [first, *by_scheme[scheme.pk][:2]]
            _season(scheme, first, present, sites, args.sessions, rng)
            team = [
                c
                for n, c in enumerate(coordinators)
                if speedwatch[n % len(speedwatch)][0] == scheme
            ]
            for coordinator in team:
                coordinating.append(
                    {
                        "user": coordinator.pk,
                        "scheme": scheme.pk,
                        "sites": [
                            {"id": site.pk, "threshold_mph": threshold_mph(site.speed_limit_mph)}
                            for site in sites
                        ],
                        # Two volunteers of the scheme stand with the coordinator.
                        "present": [coordinator.pk, *(u.pk for u in by_scheme[scheme.pk][:2])],
                    }
                )
        print(f"  {len(coordinators)} speedwatch coordinators and their seasons", flush=True)

        alerts = _alerts(liaison, rng)
        print(f"  {len(alerts)} incidents published to the area", flush=True)

        everyone = [liaison, *coordinators, *others, *volunteers]
        Token.objects.bulk_create(Token(user=user, key=Token.generate_key()) for user in everyone)
        tokens = dict(Token.objects.filter(user__in=everyone).values_list("user_id", "key"))

    token_of = {coordinator["user"]: tokens[coordinator["user"]] for coordinator in coordinating}
    return {
        "force": FORCE,
        "centre": {"lat": CENTRE[0], "lon": CENTRE[1]},
        "alerts": alerts,
        "liaison": {"token": tokens[liaison.pk], "schemes": [s.pk for s, _ in speedwatch]},
        "coordinators": [{**c, "token": token_of[c["user"]]} for c in coordinating],
        # Members who browse: volunteers and the other schemes' coordinators.
        "members": [
            {"token": tokens[user.pk], "scheme": home.get(user.pk, schemes[0][0].pk)}
            for user in [*volunteers, *others]
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="where to write the JSON")
    parser.add_argument("--schemes", type=int, default=40)
    parser.add_argument("--members", type=int, default=2_000)
    parser.add_argument("--coordinators", type=int, default=50)
    parser.add_argument("--sessions", type=int, default=20, help="past sessions per scheme")
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    if args.coordinators < args.schemes * 2 // 5:
        parser.error("every speedwatch scheme needs a coordinator: raise --coordinators")

    os.environ.setdefault(
        "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/patchwatch_bench_load"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # Everything in-process: alerts are delivered before the seed ends, and no mail leaves.
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    django_on_own_database()
    if seeded(args) and args.out.exists():
        print(f"Reusing the force already seeded ({marker(args)}); population in {args.out}")
        return
    from django.db import connection

    from accounts.models import User

    if User.objects.exists():
        sys.exit("The database holds other data: drop it first (run.py --fresh does).")
    print(
        f"Seeding {args.schemes} schemes, {args.members:,} members and "
        f"{args.coordinators} coordinators ...",
        flush=True,
    )
    started = time.perf_counter()
    population = populate(args)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(population))
    args.out.chmod(0o600)
    print(f"  done in {time.perf_counter() - started:.0f} s; population in {args.out}")


if __name__ == "__main__":
    main()
