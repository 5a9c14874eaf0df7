"""The load test's seed (bench/load/seed.py) gives locust a force it can use as written:
every token signs in, the liaison's passes the two-factor check, a coordinator logs and
submits a session as the locustfile does, and members find the seeded alerts in their
inbox. The population file the locustfile reads holds tokens and ids, no personal data."""

import argparse
import ast
import json
import sys
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from rest_framework.test import APIClient

from bench.load import seed

ROOT = Path(__file__).resolve().parent.parent


def _with_token(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def population(db: None, django_capture_on_commit_callbacks) -> dict:
    args = argparse.Namespace(schemes=5, members=12, coordinators=3, sessions=2, seed=1)
    # The alerts are dispatched once their publication commits, as in the seed's own run.
    with django_capture_on_commit_callbacks(execute=True):
        return seed.populate(args)


def test_load_seed_population_is_the_force_asked_for(population: dict) -> None:
    assert len(population["members"]) == 12 + 3  # volunteers, and the other schemes' organisers
    assert len(population["coordinators"]) == 3
    assert len(population["alerts"]) == 5
    text = json.dumps(population)
    assert "@" not in text
    assert "Member" not in text


def test_load_seed_liaison_token_passes_two_factor(population: dict) -> None:
    liaison = _with_token(population["liaison"]["token"])
    response = liaison.get("/api/v1/speedwatch/statistics/")
    assert response.status_code == 200, response.content


def test_load_seed_member_finds_alerts_and_scheme(population: dict) -> None:
    member = population["members"][0]
    client = _with_token(member["token"])
    inbox = client.get("/api/v1/inbox/", {"page_size": 20})
    assert inbox.status_code == 200
    # Five incidents, each one card (updates and the cancellation join their first alert).
    assert inbox.json()["count"] == 5
    assert client.get(f"/api/v1/schemes/{member['scheme']}/").status_code == 200


def test_load_seed_coordinator_logs_a_session_as_locust_does(population: dict) -> None:
    coordinator = population["coordinators"][0]
    client = _with_token(coordinator["token"])
    site = coordinator["sites"][0]
    london = ZoneInfo("Europe/London")
    yesterday = datetime.now(london).date() - timedelta(days=1)
    start = datetime(yesterday.year, yesterday.month, yesterday.day, 10, tzinfo=london)
    session_id = str(uuid.uuid4())
    created = client.post(
        "/api/v1/speedwatch/sessions/",
        {
            "id": session_id,
            "site": site["id"],
            "started_at": start.isoformat(),
            "ended_at": (start + timedelta(hours=1)).isoformat(),
            "vehicles_counted": 150,
            "device_name": "Speedwatch radar gun",
            "device_serial": "SW-LOAD",
            "device_checked_on": (start.date() - timedelta(days=30)).isoformat(),
            "present": coordinator["present"],
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert created.status_code == 201, created.content
    offence = {
        "id": str(uuid.uuid4()),
        "registration": "AB51CDE",
        "speed_mph": site["threshold_mph"],
        "observed_at": (start + timedelta(minutes=5)).isoformat(),
    }
    key = str(uuid.uuid4())
    path = f"/api/v1/speedwatch/sessions/{session_id}/offences/"
    first = client.post(path, offence, format="json", HTTP_IDEMPOTENCY_KEY=key)
    again = client.post(path, offence, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == again.status_code == 201, first.content
    assert again["Idempotent-Replayed"] == "true"
    assert again.content == first.content
    submitted = client.post(
        f"/api/v1/speedwatch/sessions/{session_id}/submit/", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())
    )
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "submitted"
    assert submitted.json()["offence_count"] == 1


def test_locustfile_imports_only_locust_and_the_standard_library() -> None:
    tree = ast.parse((ROOT / "bench" / "load" / "locustfile.py").read_text())
    modules = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        node.module.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert modules - sys.stdlib_module_names == {"locust"}
