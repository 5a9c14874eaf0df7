"""The embedded default: no DATABASE_URL, no broker, no Redis. What `make run` serves."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow

PROBE = """
import json
import django
django.setup()
from django.test import Client
from django_otp.oath import totp
from schemes.demo import DEMO_AUTHENTICATOR_KEY, DEMO_PASSWORD

# A liaison signs in as a person would: password, then the code from the printed key.
liaison = Client()
step = liaison.post(
    "/api/v1/auth/login/",
    {"email": "liaison.cambs@example.org", "password": DEMO_PASSWORD},
    content_type="application/json",
)
assert step.json()["otp_required"] is True, step.json()
code = f"{totp(DEMO_AUTHENTICATOR_KEY):06d}"
signed_in = liaison.post("/api/v1/auth/login/otp/", {"code": code}, content_type="application/json")
assert signed_in.status_code == 200, signed_in.json()
anon = Client()
volunteer = Client()
volunteer.post(
    "/api/v1/auth/login/",
    {"email": "volunteer@example.org", "password": DEMO_PASSWORD},
    content_type="application/json",
)
near_ely = anon.get("/api/v1/schemes/", {"place": "Ely"}).json()["results"]
print(json.dumps({
    "engine": django.db.connection.vendor,
    "near_ely": [scheme["name"] for scheme in near_ely],
    "proposed": liaison.get("/api/v1/schemes/", {"status": "proposed"}).json()["count"],
    "statistics": liaison.get("/api/v1/speedwatch/statistics/").json(),
    "letters": liaison.get("/api/v1/speedwatch/letters/").json()["count"],
    "lists": {
        path: liaison.get(f"/api/v1/{path}/").json().get("count")
        for path in ("schemes", "speedwatch/sessions", "speedwatch/offences", "alerts")
    },
    "inbox": [card["alert"]["title"] for card in volunteer.get("/api/v1/inbox/").json()["results"]],
    "present": [
        person["name"]
        for person in liaison.get("/api/v1/speedwatch/sessions/").json()["results"][0]["present"]
    ],
}))
"""


def _run(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_the_embedded_default_runs_on_sqlite_with_the_demo(tmp_path) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        SQLITE_PATH=str(tmp_path / "patchwatch.sqlite3"),
        GEOCODER="gazetteer",
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_SETTINGS_MODULE="backend.settings",
    )
    manage = [sys.executable, "manage.py"]
    _run([*manage, "migrate", "--noinput"], env)
    first = _run([*manage, "load_demo"], env)
    second = _run([*manage, "load_demo"], env)
    assert "Demo data ready: 19 new schemes" in first
    assert "Demo data ready: 0 new schemes, 19 in all." in second
    report = json.loads(_run([sys.executable, "-c", PROBE], env).strip().splitlines()[-1])
    assert report["engine"] == "sqlite"
    assert report["near_ely"] == ["Ely City Neighbourhood Watch"]
    assert report["proposed"] == 1
    # Ten letters: the demo's eleventh offence is held back for its vehicle (watch/demo.py).
    assert report["letters"] == 10
    # Every list the liaison reads (their SQL compiled once per shape, as on PostgreSQL).
    assert report["lists"] == {
        "schemes": 16,  # the active ones, everywhere
        "speedwatch/sessions": 4,
        "speedwatch/offences": 11,
        "alerts": 5,  # two of them carry the demo's surveys
    }
    assert report["inbox"] == [
        "Survey: Street lighting around Mill Road",
        "Bogus water board callers on Mill Road",
    ]
    assert report["present"] == ["David Chen", "Joan Patel", "Kevin Doyle"]
    statistics = report["statistics"]
    assert (statistics["sessions"], statistics["offences"], statistics["referrals"]) == (4, 11, 2)
    assert statistics["p85_speed_mph"] == 43.0  # worked out from speeds counted in SQLite
