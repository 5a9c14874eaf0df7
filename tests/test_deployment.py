"""The production deployment: docker-compose.yml and the settings it gives Django.

The compose file is read through docker-compose itself, so the tests see what
`docker-compose up` would run, and the web service's environment is put through Django's
own deployment checks.
"""

import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
LONG_RUNNING_SERVICES = ["db", "redis", "cache", "web", "worker", "beat"]


def _docker_compose(env_file: Path, *args: str) -> subprocess.CompletedProcess[str]:
    executable = shutil.which("docker-compose")
    if executable is None:
        pytest.fail("docker-compose is not installed (`make test` installs the Debian package).")
    environment = {
        "PATH": os.environ["PATH"],
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "POSTGRES_PASSWORD": secrets.token_urlsafe(16),
    }
    return subprocess.run(
        [executable, "--file", str(COMPOSE_FILE), "--env-file", str(env_file), *args],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _check_deploy(environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO_ROOT,
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "backend.settings",
            **environment,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _volume_mounts(service: dict[str, Any]) -> list[tuple[str, str]]:
    """(source, target) pairs, from either the short or the long volume syntax."""
    mounts = []
    for volume in service.get("volumes", []):
        if isinstance(volume, str):
            source, target = volume.split(":")[:2]
        else:
            source, target = volume.get("source", ""), volume["target"]
        mounts.append((source, target))
    return mounts


@pytest.fixture(scope="module")
def empty_env_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Stands in for .env, so a developer's own .env cannot change what is tested."""
    path = tmp_path_factory.mktemp("compose") / "empty.env"
    path.touch()
    return path


@pytest.fixture(scope="module")
def compose_config(empty_env_file: Path) -> dict[str, Any]:
    result = _docker_compose(empty_env_file, "config")
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def test_compose_file_is_valid(empty_env_file: Path) -> None:
    result = _docker_compose(empty_env_file, "config", "-q")

    assert result.returncode == 0, result.stderr


def test_compose_defines_the_production_services(compose_config: dict[str, Any]) -> None:
    services = compose_config["services"]

    assert set(LONG_RUNNING_SERVICES) <= set(services)
    without_healthcheck = [
        name
        for name in LONG_RUNNING_SERVICES
        if not services[name].get("healthcheck", {}).get("test")
    ]
    assert without_healthcheck == []
    assert _volume_mounts(services["db"]) == [("pgdata", "/var/lib/postgresql/data")]
    assert "pgdata" in compose_config["volumes"]
    assert services["web"]["command"][:2] == ["gunicorn", "backend.wsgi:application"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "backend", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "backend", "beat"]


def test_production_configuration_passes_deploy_checks(compose_config: dict[str, Any]) -> None:
    environment = {
        name: "" if value is None else str(value)
        for name, value in compose_config["services"]["web"]["environment"].items()
    }
    assert len(environment["DJANGO_SECRET_KEY"]) >= 50

    result = _check_deploy(environment)

    assert result.returncode == 0, result.stdout + result.stderr


def test_development_defaults_fail_deploy_checks() -> None:
    unset = ["DJANGO_DEBUG", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DJANGO_HTTPS"]

    result = _check_deploy(dict.fromkeys(unset, ""))

    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    # The insecure fallback secret key, and no HSTS without DJANGO_HTTPS.
    assert "security.W009" in output
    assert "security.W004" in output


def test_compose_trusts_the_one_proxy_in_front_of_the_web_app(
    compose_config: dict[str, Any],
) -> None:
    environment = compose_config["services"]["web"]["environment"]

    assert environment["TRUSTED_PROXY_COUNT"] == "1"
    assert environment["DJANGO_HTTPS"] == "1"


def test_a_proxy_without_a_trusted_proxy_count_fails_deploy_checks(
    compose_config: dict[str, Any],
) -> None:
    environment = {
        name: "" if value is None else str(value)
        for name, value in compose_config["services"]["web"]["environment"].items()
    }
    environment["TRUSTED_PROXY_COUNT"] = "0"

    result = _check_deploy(environment)

    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "core.W001" in output
