"""Benchmark: the alerts inbox, its unread count and an incident's thread on PostgreSQL.

Every signed-in phone asks for its unread count on each move to another screen and once a
minute (``GET inbox/unread/``, formerly ``inbox/?unread=true&page_size=1``), and the inbox
groups notices into one card per incident (an alert with its updates and cancellation).
This fills a separate database with a long-standing volunteer's inbox (``--incidents``
incidents of one to four messages each, a tenth of them unread) among ``--others`` other
members' notices, then times, through the whole API in-process with a signed-in session:

- ``GET /api/v1/inbox/`` (first page of 50 cards) and a deep page;
- ``GET /api/v1/inbox/?unread=true&page_size=1`` and ``GET /api/v1/inbox/unread/`` (the
  menu's count, as it was asked and as it is);
- ``GET /api/v1/alerts/{id}/thread/`` for an incident of four messages;

with the number of queries each request makes and the query plan of the inbox's page.

Usage:  .venv/bin/python bench/inbox.py [--incidents 5000] [--others 200000] [--runs 200]
Needs PostgreSQL (DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/patchwatch_bench_inbox); the database is created if
missing and reused when it already holds the requested data.
"""

import argparse
import os
import random
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.measure import django_on_own_database, report, timed  # noqa: E402

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/patchwatch_bench_inbox")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
os.environ["API_THROTTLE_USER"] = "100000000/hour"
os.environ.setdefault("LOG_LEVEL", "WARNING")

READER = "reader@bench.invalid"


def populate(incidents: int, others: int, rng: random.Random) -> None:
    """The reader's incidents, and as many notices again of the same alerts to other people
    (the table a real inbox query runs against is mostly other people's)."""
    from django.db import transaction
    from django.db.models import F
    from django.utils import timezone

    from accounts.models import User
    from areas.models import area_fields
    from notifications.models import Alert, Notice

    wanted = f"{incidents}/{others}"
    reader = User.objects.filter(email=READER).first()
    if reader is not None and reader.name == wanted:
        print(f"Reusing {incidents:,} incidents and {others:,} other notices.")
        return
    print(f"Generating {incidents:,} incidents and {others:,} other notices ...", flush=True)
    started = time.perf_counter()
    with transaction.atomic():
        Notice.objects.all().delete()
        Alert.objects.update(incident=None)
        Alert.objects.filter(references__isnull=False).delete()
        Alert.objects.all().delete()
        User.objects.filter(email__endswith="@bench.invalid").delete()
        reader = User.objects.create(email=READER, name=wanted, password="!")
        people = User.objects.bulk_create(
            User(email=f"member{n}@bench.invalid", name=f"Member {n}", password="!")
            for n in range(500)
        )
        area = area_fields(lat=52.2, lon=0.12, radius_m=5_000)
        now = timezone.now()
        details = {
            "force": "cambridgeshire",
            "title": "Bench alert",
            "body": "Bench",
            "category": "burglary",
            "severity": "Moderate",
            "urgency": "Expected",
            "audience": "members",
            "status": "published",
            "expires_at": now + timedelta(days=3),
            **area,
        }
        # Each incident's first alert, then its updates (and sometimes a cancellation).
        firsts = Alert.objects.bulk_create(
            Alert(published_at=now - timedelta(minutes=10 * n), **details) for n in range(incidents)
        )
        Alert.objects.filter(pk__in=[a.pk for a in firsts]).update(incident_id=F("pk"))
        later = []
        for n, first in enumerate(firsts):
            for step in range(rng.choice([0, 0, 1, 3])):
                kind = "Cancel" if step == 2 else "Update"
                later.append(
                    Alert(
                        references=first,
                        incident=first,
                        message_type=kind,
                        published_at=now - timedelta(minutes=10 * n - step - 1),
                        **{**details, "status": "cancelled" if kind == "Cancel" else "published"},
                    )
                )
        later = Alert.objects.bulk_create(later, batch_size=5000)
        messages = [*firsts, *later]
        unread = {first.pk for first in rng.sample(firsts, len(firsts) // 10)}
        # As dispatch leaves them: each incident's latest message stands for it in the inbox.
        latest = {alert.incident_id: alert.pk for alert in messages}
        Notice.objects.bulk_create(
            (
                Notice(
                    alert=alert,
                    recipient=reader,
                    channel="in_app",
                    state="sent",
                    sent_at=alert.published_at,
                    read_at=None if (alert.incident_id in unread) else alert.published_at,
                    superseded=latest[alert.incident_id] != alert.pk,
                )
                for alert in messages
            ),
            batch_size=5000,
        )
        Notice.objects.bulk_create(
            (
                Notice(
                    alert=messages[n % len(messages)],
                    recipient=people[n % len(people)],
                    channel="in_app",
                    state="sent",
                )
                for n in range(others)
            ),
            batch_size=5000,
            ignore_conflicts=True,
        )
        # queued_at is set on insert; spread it as the alerts were.
        with transaction.get_connection().cursor() as cursor:
            cursor.execute(
                "UPDATE notifications_notice n SET queued_at = a.published_at "
                "FROM notifications_alert a WHERE a.id = n.alert_id"
            )
    print(f"  done in {time.perf_counter() - started:.1f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--incidents", type=int, default=5_000)
    parser.add_argument("--others", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    django_on_own_database()
    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from notifications import selectors
    from notifications.models import Alert

    populate(args.incidents, args.others, random.Random(args.seed))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    reader = User.objects.get(email=READER)
    client = Client()
    client.force_login(reader)
    threaded = (
        Alert.objects.filter(message_type="Cancel", notices__recipient=reader)
        .values_list("incident_id", flat=True)
        .first()
    )
    deep_page = max(1, args.incidents // 50 // 2)
    print(
        f"\nOne reader with {args.incidents:,} incidents "
        f"({Alert.objects.filter(notices__recipient=reader).count():,} messages), among "
        f"{args.others:,} other notices; {args.runs} runs each, PostgreSQL, in-process\n"
    )

    def get(path: str, query: dict[str, Any]) -> Callable[[], None]:
        def call() -> None:
            response = client.get(path, query)
            assert response.status_code == 200, response.content

        return call

    calls = {
        "GET /inbox/ first page (50 cards)": get("/api/v1/inbox/", {"page_size": 50}),
        f"GET /inbox/ page {deep_page} (50 cards)": get(
            "/api/v1/inbox/", {"page_size": 50, "page": deep_page}
        ),
        "GET /inbox/?unread=true&page_size=1 (count)": get(
            "/api/v1/inbox/", {"unread": "true", "page_size": 1}
        ),
        "GET /inbox/unread/ (the same count, as the menu asks)": get("/api/v1/inbox/unread/", {}),
        "GET /alerts/{id}/thread/ (4 messages)": get(f"/api/v1/alerts/{threaded}/thread/", {}),
    }
    for label, call in calls.items():
        queries: list[str] = []

        def count(
            execute: Callable[..., Any],
            sql: str,
            params: Any,
            many: bool,
            context: dict[str, Any],
            queries: list[str] = queries,
        ) -> Any:
            queries.append(sql)
            return execute(sql, params, many, context)

        # Django empties its own query log as each request starts; a wrapper sees them all.
        with connection.execute_wrapper(count):
            call()
        report(label, timed(args.runs, call), f"({len(queries)} queries)")

    page_sql, params = selectors.inbox_of(user=reader)[:50].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ANALYZE {page_sql}", params)
        plan = [row[0] for row in cursor.fetchall()]
    print("\nQuery plan of the inbox's first page:")
    for line in plan:
        print("  " + line)


if __name__ == "__main__":
    main()
