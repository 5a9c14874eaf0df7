"""The layers of the house point down (README, "Architecture"): backend composes the domain
apps, surveys sit on notifications, notifications and watch on schemes, schemes on accounts
and areas (geometry), and those on core, which knows no domain. import-linter's contracts in
pyproject.toml say so; these run them."""

import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
import pytest
from celery import current_app

ROOT = Path(__file__).resolve().parent.parent
DOMAIN_APPS = ["accounts", "schemes", "watch", "notifications", "surveys"]


def _contracts() -> dict[str, dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return {contract["id"]: contract for contract in config["contracts"]}


def test_every_import_contract_is_kept() -> None:
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def test_the_contracts_state_the_layers_and_forbid_circles() -> None:
    contracts = _contracts()
    assert contracts["layers"]["type"] == "layers"
    assert contracts["layers"]["layers"] == [
        "backend",
        "surveys",
        "notifications | watch",
        "schemes",
        "accounts | areas",
        "core",
    ]
    assert contracts["no-cycles"]["type"] == "acyclic_siblings"
    assert sorted(contracts["no-cycles"]["ancestors"]) == sorted(["core", "areas", *DOMAIN_APPS])
    # Nothing is let off: an exception would be an upward import by another name.
    assert not any("ignore_imports" in contract for contract in contracts.values())


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("backend", "core", "areas", *DOMAIN_APPS, cache_dir=None)


@pytest.mark.parametrize("app", ["backend", "areas", *DOMAIN_APPS])
def test_core_imports_no_domain_app(graph, app) -> None:
    chain = graph.find_shortest_chain(importer="core", imported=app, as_packages=True)
    assert chain is None, f"core reaches {app}: {' -> '.join(chain or ())}"


@pytest.mark.parametrize("name", ["notifications.queue_notices", "schemes.tell_declined_requester"])
def test_the_tasks_services_queue_by_name_are_registered(name) -> None:
    # Services name the task they queue (core.queueing) instead of importing it.
    assert current_app.tasks[name].name == name
