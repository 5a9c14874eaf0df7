"""Property-based run over the whole OpenAPI schema, as a signed-in demo liaison.

Every check schemathesis ships is on (the equivalent of `st run --checks all`), over three
phases per operation: the schema's examples, the coverage phase (boundary values, each
required parameter or header left out, methods the schema does not list) and fuzzing with
both valid and invalid input. A stateful run then chains operations along the links
schemathesis infers from the schema (drf-spectacular writes no OpenAPI links of its own), so
the checks that follow a resource across requests (use after free, resource availability)
run too. The API must never answer with a server error, refuse valid input, accept invalid
input, or answer with a status code, content type, header or body its schema does not allow.
"""

import os
import uuid

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.config import SchemathesisConfig

from accounts.models import User
from backend.wsgi import application
from core.idempotency import HEADER, KEY_PATTERN

# Examples per operation in the fuzzing phase (the coverage phase's cases come on top).
# Raise it for a deeper hunt: SCHEMATHESIS_EXAMPLES=100.
EXAMPLES_PER_OPERATION = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "5"))
STATEFUL_SCENARIOS = int(os.environ.get("SCHEMATHESIS_STATEFUL_SCENARIOS", "10"))
# Operations that refuse some schema-valid input with a 400 and a field message, for a rule
# the schema cannot state (a relation between values, the state of a row or the server, a
# check beyond a pattern); each with the rule. Every other operation must accept whatever its
# schema allows: a 400 there is a gap in the schema.
PERIOD = "an end must come after the start (until after since)"
AREA = (
    "an area lies in England and Wales; a boundary ring is closed, does not cross itself "
    "and holds 1,000 square metres"
)
PASSWORD = "the current password"
# Words in braces are a template's placeholders, never sent unfilled.
FILLED_IN = "no word in braces ({place}) is left in its text"
TEMPLATE = (
    "placeholders are among GET alert-templates/placeholders/; the name is not one the force "
    "has already; a translation is in the other language"
)
REFUSED_FOR_RULES_THE_SCHEMA_CANNOT_STATE = {
    "GET /api/v1/activity/": PERIOD,
    "GET /api/v1/speedwatch/audit/": PERIOD,
    "GET /api/v1/speedwatch/audit/export/": PERIOD,
    "GET /api/v1/speedwatch/letters/": PERIOD,
    "GET /api/v1/speedwatch/offences/": PERIOD,
    "GET /api/v1/speedwatch/sessions/": PERIOD,
    "GET /api/v1/speedwatch/statistics/": PERIOD,
    "GET /api/v1/speedwatch/statistics/export/": PERIOD,
    "POST /api/v1/alerts/": AREA,
    "POST /api/v1/alerts/preview/": AREA,
    "PUT /api/v1/alerts/{id}/": (
        f"{AREA}; lat, lon and radius_m together, or a boundary; the draft is not awaiting approval"
    ),
    "POST /api/v1/schemes/": AREA,
    "GET /api/v1/schemes/": (
        "lat needs lon, a radius a point or place; the point lies in England and Wales; "
        "a place search needs a geocoder configured on the server"
    ),
    "GET /api/v1/forces/locate/": "the point lies in England and Wales",
    "GET /api/v1/geocode/": "a place search needs a geocoder configured on the server",
    "POST /api/v1/alerts/{id}/cancel/": (
        f"the expiry is in the future; the alert's has not passed; {FILLED_IN}"
    ),
    "POST /api/v1/alerts/{id}/publish/": (
        f"the alert is a draft whose expiry has not passed, not awaiting approval; {FILLED_IN}"
    ),
    "POST /api/v1/alerts/{id}/update_alert/": (
        "an update changes the message, title or severity; the alert's expiry has not passed; "
        f"{FILLED_IN}"
    ),
    "POST /api/v1/alerts/{id}/approve/": "the alert awaits approval; its expiry has not passed",
    "POST /api/v1/alerts/{id}/send_back/": "the alert awaits approval",
    "POST /api/v1/alert-templates/": TEMPLATE,
    "PUT /api/v1/alert-templates/{id}/": TEMPLATE,
    "PATCH /api/v1/alert-templates/{id}/": TEMPLATE,
    "POST /api/v1/schemes/{id}/leave/": "the person is a member or has asked to join",
    "PATCH /api/v1/schemes/{id}/": AREA,
    "POST /api/v1/auth/token/": "the email and password are an account's",
    "POST /api/v1/auth/token/otp/": "the sign-in the code finishes is under way",
    "PATCH /api/v1/me/": "a postcode or phone number is a real UK one",
    "PUT /api/v1/me/alert-preferences/": "quiet hours have both ends or neither",
    "POST /api/v1/me/deletion/": PASSWORD,
    "POST /api/v1/me/email/": PASSWORD,
    "POST /api/v1/me/password/": f"{PASSWORD}; Django's password validators",
    "POST /api/v1/me/push-subscriptions/": "the endpoint is an https URL Django's validator takes",
    "POST /api/v1/me/two-factor/confirm/": "an enrolment is under way; the code",
    "POST /api/v1/me/two-factor/disable/": f"two-factor sign-in is on; {PASSWORD}",
    "POST /api/v1/me/two-factor/enrol/": f"two-factor sign-in is off; {PASSWORD}",
    "POST /api/v1/me/two-factor/recovery-codes/": f"two-factor sign-in is on; {PASSWORD}",
    "POST /api/v1/schemes/{id}/status/": "the status allows the change; some need a reason",
    "POST /api/v1/speedwatch/letters/mark/": "the offences are in the user's letters queue",
    "POST /api/v1/speedwatch/letters/addresses/": (
        "each reference is a waiting letter of the user's queue, of that vehicle; a real UK "
        "postcode"
    ),
    "POST /api/v1/speedwatch/letters/addresses/upload/": (
        "the file is a UTF-8 CSV whose filled-in rows are waiting letters of the user's queue"
    ),
    "POST /api/v1/neighbourhoods/import/": (
        "the file is a GeoJSON FeatureCollection or KML document of neighbourhoods in England "
        "and Wales; staff name the force"
    ),
    "GET /api/v1/speedwatch/letters/post/": "the server posts letters (LETTER_PROVIDER)",
    "POST /api/v1/speedwatch/letters/post/": "the server posts letters (LETTER_PROVIDER)",
    "POST /api/v1/speedwatch/sessions/": (
        "the end after the start, within the submission window; a team of the scheme's "
        "members; text without NUL characters"
    ),
    "POST /api/v1/speedwatch/sites/": "the point lies in England and Wales",
    "POST /api/v1/speedwatch/sites/{id}/decision/": "the site's status allows the decision",
    "POST /api/v1/surveys/": (
        "the schemes are active ones the author may ask; a closing date in the future; a "
        "choice question has 2 to 10 different choices, the others none"
    ),
    "POST /api/v1/surveys/{id}/answer/": (
        "each answer fits its question's kind and choices; the required ones are answered; "
        "the survey is open"
    ),
    "POST /api/v1/surveys/{id}/send/": "the survey is a draft whose closing date has not passed",
    "POST /api/v1/surveys/{id}/close/": "the survey was sent and is still open",
}
# A fixed key, so the authentication below can give it to every request.
DEMO_TOKEN = "5c4e1f1d0a9b4e7c8d2f6a3b9e0c7d1f2a4b6c8e"

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 1,
        "generation": {"mode": "all", "max-examples": EXAMPLES_PER_OPERATION},
        "checks": {
            # Schema-valid input is accepted: no 400 (see the list above for the exceptions).
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "3xx", "401", "403", "404", "409", "429"]
            },
        },
        "operations": [
            {
                "include-name": list(REFUSED_FOR_RULES_THE_SCHEMA_CANNOT_STATE),
                "checks": {
                    "positive_data_acceptance": {
                        "expected-statuses": [
                            "2xx",
                            "3xx",
                            "400",
                            "401",
                            "403",
                            "404",
                            "409",
                            "429",
                        ]
                    }
                },
            }
        ],
        "phases": {
            "examples": {"enabled": True},
            "coverage": {"enabled": True},
            "fuzzing": {"enabled": True},
            "stateful": {"enabled": True},
        },
    }
)


@schemathesis.hook
def before_call(ctx, case, **kwargs) -> None:
    """A client sends a new Idempotency-Key with each distinct request (that is the key's
    point): a well-formed generated key is replaced by a fresh UUID, so two different
    generated requests never share one, which the API rightly refuses with a 422. Malformed
    keys are sent as generated, to be refused."""
    key = (case.headers or {}).get(HEADER)
    if key is not None and KEY_PATTERN.match(key):
        case.headers[HEADER] = str(uuid.uuid4())


SCHEMA = schemathesis.openapi.from_wsgi("/api/schema/", application, config=CONFIG)


@SCHEMA.auth()
class DemoLiaisonToken:
    """Every request is the demo liaison's (registered as the run's authentication, so the
    checks that probe it know these credentials were given, not generated)."""

    def get(self, case, ctx) -> str:
        return DEMO_TOKEN

    def set(self, case, data: str, ctx) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Token {data}"}


OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]
HYPOTHESIS = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def _demo(demo_snapshot, django_db_blocker):
    """The demo data, copied in once for the module inside a transaction rolled back at its
    end; each test runs in a savepoint within it, so what one test writes the next does not
    see."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            demo_snapshot.restore()
            liaison = User.objects.get(email="liaison.cambs@example.org")
            Token.objects.filter(user=liaison).delete()
            Token.objects.create(user=liaison, key=DEMO_TOKEN)
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


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


@SCHEMA.parametrize()
@HYPOTHESIS
def test_api_conforms_to_its_schema(case, request, _demo, db, _keep_test_connection) -> None:
    case.call_and_validate()


def test_api_holds_across_linked_operations(_demo, db, _keep_test_connection) -> None:
    workflow = SCHEMA.as_state_machine()
    workflow.run(
        settings=settings(
            HYPOTHESIS,
            max_examples=STATEFUL_SCENARIOS,
            stateful_step_count=6,
        )
    )
