"""The backend's types check (mypy with the Django and DRF plugins, configured in
pyproject.toml), and every error the checker is told to overlook says why."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["backend", "core", "areas", "accounts", "schemes", "watch", "notifications"]
# An ignore comment names its error codes in brackets, then, after two spaces, a comment
# saying why.
IGNORE = re.compile(r"#\s*type:\s*ignore(?P<rest>.*)$")
EXPLAINED = re.compile(r"^\[[a-z-]+(, [a-z-]+)*\]  # \S")


@pytest.mark.slow
def test_the_backend_type_checks(tmp_path: Path) -> None:
    # A cache of its own: the check runs cold (about twenty seconds), as on a fresh clone.
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "mypy")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Success: no issues found"), result.stdout


def test_the_check_covers_every_app_and_keeps_ignores_honest() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    assert set(PACKAGES) <= set(config["files"])
    assert config["check_untyped_defs"] is True
    assert config["disallow_untyped_defs"] is True
    # An ignore that hides nothing any more fails the check, as does one without its code.
    assert config["warn_unused_ignores"] is True
    assert "ignore-without-code" in config["enable_error_code"]
    assert "mypy_django_plugin.main" in config["plugins"]
    assert "mypy_drf_plugin.main" in config["plugins"]


def _python_files() -> list[Path]:
    files = [
        path for package in [*PACKAGES, "bench", "tests"] for path in (ROOT / package).rglob("*.py")
    ]
    return [path for path in files if "migrations" not in path.parts]


def test_every_type_ignore_names_its_error_and_says_why() -> None:
    unexplained = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _python_files()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if (found := IGNORE.search(line)) and not EXPLAINED.match(found["rest"])
    ]
    assert unexplained == []
