"""The frontend's API types are generated from frontend/openapi.yaml at build time, so the
committed file must be the schema the backend gives now: otherwise the frontend is checked
against an API that no longer exists."""

import difflib
from pathlib import Path

import pytest
from django.core.management import call_command

FRONTEND_SCHEMA = Path(__file__).resolve().parent.parent / "frontend" / "openapi.yaml"


def test_frontend_schema_is_the_backends_schema(tmp_path) -> None:
    generated = tmp_path / "openapi.yaml"
    # The command `make schema` runs, so that the two can only differ by a change since.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(generated))
    committed = FRONTEND_SCHEMA.read_text(encoding="utf-8")
    now = generated.read_text(encoding="utf-8")
    if committed != now:
        diff = difflib.unified_diff(
            committed.splitlines(),
            now.splitlines(),
            "frontend/openapi.yaml",
            "the backend's schema",
            lineterm="",
        )
        shown = "\n".join(list(diff)[:40])
        pytest.fail(f"frontend/openapi.yaml is out of date: run `make schema`.\n{shown}")
