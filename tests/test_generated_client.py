"""The API as an independent consumer meets it: a Python client generated from the live
schema with openapi-python-client (the settings a client's author would pass are
scripts/openapi-python-client.yaml) must generate without a warning, import whole and drive
a journey against a running server; and the schema must be a valid OpenAPI document."""

import csv
import importlib
import inspect
import io
import json
import pkgutil
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from uuid import UUID

import pytest
import yaml
from django.conf import settings
from openapi_spec_validator import validate

from accounts.forces import PoliceForce
from schemes.models import Membership, MembershipRole, SchemeKind
from tests.factories import (
    PASSWORD,
    LiaisonFactory,
    MembershipFactory,
    SchemeFactory,
    SiteFactory,
    UserFactory,
)
from tests.speedwatch import logged_session

pytestmark = pytest.mark.slow

PACKAGE = "patchwatch_api_client"
GENERATOR_CONFIG = Path(settings.BASE_DIR) / "scripts" / "openapi-python-client.yaml"
# A closed ring around Mill Road, Cambridge: [longitude, latitude] positions.
MILL_ROAD_RING = [[0.13, 52.19], [0.15, 52.19], [0.15, 52.21], [0.13, 52.21], [0.13, 52.19]]


def _schema_url(live_server) -> str:
    return f"{live_server.url}/api/schema/?format=json"


@pytest.fixture(scope="module")
def openapi(live_server) -> dict[str, Any]:
    with urllib.request.urlopen(_schema_url(live_server)) as response:  # noqa: S310 (http://localhost)
        assert response.headers["Content-Type"] == "application/vnd.oai.openapi+json"
        return json.load(response)


@pytest.fixture(scope="module")
def generation(live_server, tmp_path_factory) -> Iterator[tuple[Path, str]]:
    """The client, generated once for the module from the schema the server serves, and
    importable as ``patchwatch_api_client``; with what the generator printed."""
    root = tmp_path_factory.mktemp("client")
    # The project's settings, without the generator's ruff hooks, which only format.
    config = {**yaml.safe_load(GENERATOR_CONFIG.read_text()), "post_hooks": []}
    config_file = root / "config.yaml"
    config_file.write_text(yaml.safe_dump(config))
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "openapi_python_client",
            "generate",
            "--url",
            _schema_url(live_server),
            "--meta",
            "none",
            "--output-path",
            str(root / PACKAGE),
            "--config",
            str(config_file),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    sys.path.insert(0, str(root))
    yield root / PACKAGE, output
    sys.path.remove(str(root))
    for name in [name for name in sys.modules if name.partition(".")[0] == PACKAGE]:
        del sys.modules[name]


@pytest.fixture(scope="module")
def client_package(generation) -> ModuleType:
    return importlib.import_module(PACKAGE)


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"{PACKAGE}.{name}")


def _operation_ids(openapi: dict[str, Any]) -> set[str]:
    return {
        operation["operationId"]
        for operations in openapi["paths"].values()
        for method, operation in operations.items()
        if method != "parameters"
    }


# --- The schema and the generation -------------------------------------------------------


def test_the_schema_is_a_valid_openapi_document(openapi) -> None:
    validate(openapi)
    assert openapi["openapi"].startswith("3.")


def test_the_client_generates_without_a_warning(generation) -> None:
    _, output = generation
    assert "warning" not in output.lower(), output


def test_every_module_of_the_client_imports(client_package, openapi) -> None:
    modules = [
        module.name for module in pkgutil.walk_packages(client_package.__path__, f"{PACKAGE}.")
    ]
    failures = []
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception as exc:  # every failure is reported, not the first
            failures.append(f"{name}: {exc!r}")
    assert failures == []
    # Each operation is a module of its own: none was left out.
    generated = {name.rpartition(".")[2] for name in modules if ".api." in name}
    assert _operation_ids(openapi) <= generated
    assert len(modules) > len(_operation_ids(openapi))


def test_ids_in_paths_are_typed_as_integers_and_uuids(client_package) -> None:
    def parameter(operation: str, name: str) -> Any:
        function = _module(f"api.{operation}").sync_detailed
        return inspect.signature(function).parameters[name].annotation

    assert parameter("schemes.schemes_join_create", "id") is int
    assert parameter("schemes.schemes_members_approve_create", "scheme_pk") is int
    assert parameter("alerts.alerts_replies_answer_create", "reply_id") is int
    assert parameter("speedwatch.speedwatch_sessions_submit_create", "id") is UUID
    assert parameter("speedwatch.speedwatch_sessions_offences_destroy", "offence_id") is UUID


# --- A journey through the generated client ---------------------------------------------


def _signed_in(live_server, email: str) -> Any:
    """An AuthenticatedClient with the token the API gives for a password sign-in."""
    client = client_module()
    with client.Client(base_url=live_server.url) as anonymous:
        token = _module("api.auth.auth_token_create").sync(
            client=anonymous,
            body=_module("models").SignInRequest(email=email, password=PASSWORD),
        )
    assert isinstance(token, _module("models").Token), token
    return client.AuthenticatedClient(base_url=live_server.url, token=token.token, prefix="Token")


def client_module() -> ModuleType:
    return _module("client")


@pytest.fixture
def cast(transactional_db, settings) -> dict[str, Any]:
    """Mill Road's scheme, a resident near it, the liaison covering Cambridgeshire, and a
    speedwatch scheme whose coordinator has a submitted session with one offence."""
    settings.GEOCODER = "gazetteer"
    mill_road = SchemeFactory(
        name="Mill Road Neighbourhood Watch", lat=52.1985, lon=0.1410, radius=700
    )
    speedwatch = SchemeFactory(
        name="Haslingfield Community Speedwatch", kind=SchemeKind.SPEEDWATCH, lat=52.149, lon=0.057
    )
    coordinator = MembershipFactory(
        scheme=speedwatch, role=MembershipRole.COORDINATOR, user__name="David Chen"
    ).user
    team = [coordinator] + [
        MembershipFactory(scheme=speedwatch, user__name=name).user
        for name in ("Joan Patel", "Kevin Doyle")
    ]
    site = SiteFactory(scheme=speedwatch, name="High Street by the school", speed_limit_mph=30)
    logged_session(site, team, days_ago=3, offences=[("AB12CDE", 41)])
    return {
        "mill_road": mill_road,
        "resident": UserFactory(name="Rita Resident"),
        "liaison": LiaisonFactory(force=PoliceForce.CAMBRIDGESHIRE).user,
        "coordinator": coordinator,
    }


def test_a_generated_client_drives_a_journey(client_package, live_server, cast) -> None:
    models = _module("models")
    anonymous = client_module().Client(base_url=live_server.url, raise_on_unexpected_status=True)

    # Anyone finds the schemes near a postcode, with no sign-in.
    near = _module("api.schemes.schemes_list").sync(
        client=anonymous, place="CB1 2AB", radius_m=2000
    )
    assert isinstance(near, models.PaginatedSchemeSummaryList), near
    assert [(s.id, s.name) for s in near.results] == [
        (cast["mill_road"].pk, "Mill Road Neighbourhood Watch")
    ]

    # A resident signs in with a token and asks to join it.
    resident = _signed_in(live_server, cast["resident"].email)
    request = _module("api.schemes.schemes_join_create").sync(
        near.results[0].id,
        client=resident,
        body=models.JoinInputRequest(message="I live on Mill Road."),
    )
    assert isinstance(request, models.Membership), request
    assert (request.scheme.id, request.status) == (
        cast["mill_road"].pk,
        models.MembershipStatusEnum.PENDING,
    )
    assert Membership.objects.get(user=cast["resident"]).status == "pending"

    # The liaison drafts an alert over a polygon, and publishes it.
    liaison = _signed_in(live_server, cast["liaison"].email)
    draft = _module("api.alerts.alerts_create").sync(
        client=liaison,
        body=models.AlertInputRequest(
            title="Burglary on Mill Road",
            body="Side doors forced overnight.",
            category=models.AlertCategoryEnum.BURGLARY,
            severity=models.AlertSeverityEnum.MODERATE,
            urgency=models.UrgencyEnum.IMMEDIATE,
            boundary=models.AlertInputRequestBoundary(
                type_=models.AlertInputRequestBoundaryType.POLYGON,
                coordinates=[MILL_ROAD_RING],
            ),
        ),
    )
    assert isinstance(draft, models.AlertDetail), draft
    assert draft.status == models.AlertStatusEnum.DRAFT
    published = _module("api.alerts.alerts_publish_create").sync(draft.id, client=liaison)
    assert isinstance(published, models.AlertDetail), published
    assert (published.id, published.status, published.boundary.coordinates) == (
        draft.id,
        models.AlertStatusEnum.PUBLISHED,
        [MILL_ROAD_RING],
    )

    # The speedwatch coordinator reads the statistics, and downloads them as CSV: from the
    # export, since the generator parses an answer by its first media type only (JSON, for
    # the statistics themselves, whose ?format=csv gives the same file).
    coordinator = _signed_in(live_server, cast["coordinator"].email)
    figures = _module("api.speedwatch.speedwatch_statistics_retrieve").sync(client=coordinator)
    assert isinstance(figures, models.Statistics), figures
    assert (figures.sessions, figures.offences, figures.letters) == (1, 1, 1)
    export = _module("api.speedwatch.speedwatch_statistics_export_retrieve")
    download = export.sync_detailed(client=coordinator)
    assert download.status_code == 200
    assert download.headers["Content-Type"].startswith("text/csv")
    assert isinstance(download.parsed, str), download.parsed
    rows = list(csv.DictReader(io.StringIO(download.parsed.lstrip("\ufeff"))))
    assert [(row["period"], row["sessions"], row["offences"]) for row in rows[:1]] == [
        ("total", "1", "1")
    ]

    # The liaison downloads the letters to send, as CSV and as a PDF.
    letters = _module("api.speedwatch.speedwatch_letters_export_retrieve")
    formats = models.SpeedwatchLettersExportRetrieveFormat
    sheet = letters.sync(client=liaison)
    assert isinstance(sheet, str), sheet
    lines = list(csv.DictReader(io.StringIO(sheet.lstrip("\ufeff"))))
    assert [(line["registration"], line["stage"]) for line in lines] == [
        ("AB12 CDE", "first_letter")
    ]
    pdf = letters.sync_detailed(client=liaison, format_=formats.PDF)
    assert pdf.status_code == 200
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True
    ).stdout.decode()
    assert "AB12CDE" in text.replace(" ", "")

    # Closed, so that no keep-alive connection holds a live server thread (and its database
    # connection) open past the test.
    for client in (anonymous, resident, liaison, coordinator):
        client.get_httpx_client().close()
