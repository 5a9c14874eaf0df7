"""Property-based run over the whole OpenAPI schema, as a signed-in demo liaison.

For every operation, schemathesis generates requests that follow the schema (positive)
and requests that break it (negative); the API must never answer with a server error, nor
with a status code, content type, header or body that contradicts its schema.
"""

import os

import pytest
import schemathesis
from django.core import signals
from django.core.management import call_command
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import User
from backend.wsgi import application

CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Bounded so the suite stays quick; raise it for a deeper hunt: SCHEMATHESIS_EXAMPLES=500.
EXAMPLES_PER_OPERATION = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "20"))

SCHEMA = schemathesis.openapi.from_wsgi("/api/schema/", application)
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]

pytestmark = pytest.mark.slow


@pytest.fixture
def demo_token(db) -> str:
    call_command("load_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    liaison = User.objects.get(email="liaison.cambs@example.org")
    return Token.objects.get_or_create(user=liaison)[0].key


@pytest.fixture
def _keep_test_connection():
    # Requests go straight into the WSGI app inside the test's transaction; like Django's
    # test client, keep the app from closing that connection at the end of each request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_the_schema_lists_every_operation() -> None:
    labels = {operation.label for operation in OPERATIONS}
    assert "GET /api/v1/schemes/" in labels
    assert "POST /api/v1/schemes/{scheme_pk}/members/{id}/approve/" in labels
    assert len(labels) >= 29


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_api_conforms_to_its_schema(
    operation, mode: GenerationMode, demo_token: str, _keep_test_connection
) -> None:
    headers = {"Authorization": f"Token {demo_token}"}

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    try:
        run()
    except Unsatisfiable:
        if mode is GenerationMode.POSITIVE:
            raise
        pytest.skip("the schema leaves no input of this operation that could be made invalid")
