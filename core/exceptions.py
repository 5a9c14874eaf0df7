"""One error shape for the whole API: DRF's, with field-level messages for bad input."""

import logging
from typing import Any

from django.core.exceptions import SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler

from core import renderers

logger = logging.getLogger(__name__)


class UnprocessableRequest(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = gettext_lazy("The request cannot be processed.")
    default_code = "unprocessable"


class ContentTooLarge(exceptions.ValidationError):
    """A field-level error answered with 413: a file over the size an endpoint takes."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = gettext_lazy("A service this request needs is unavailable; try again shortly.")
    default_code = "service_unavailable"


class InvalidRows(Exception):
    """Field errors of many rows at once, keyed by row ("row 3": {"speed_mph": [...]})."""

    def __init__(self, field: str, rows: dict[str, dict[str, list[str]]]) -> None:
        super().__init__(f"{len(rows)} invalid rows")
        self.field = field
        self.rows = rows


class _ThrottledWaitWorded(exceptions.Throttled):
    # DRF sets ``wait`` on every Throttled; its stubs do not say so.
    wait: float | None

    def __init__(self, detail: str, wait: float) -> None:
        super().__init__(detail=detail)
        self.wait = wait


def _throttled_in_language(exc: exceptions.Throttled) -> exceptions.Throttled:
    """DRF words the wait ("Expected available in 900 seconds.") after formatting it, where
    no catalogue can find it: the same words are put back here through Patchwatch's own."""
    raw_wait: float | None = getattr(exc, "wait", None)
    if raw_wait is None:
        return exc
    wait = int(raw_wait)
    libraries = ngettext(
        str(exc.extra_detail_singular).format(wait=wait),
        str(exc.extra_detail_plural).format(wait=wait),
        wait,
    )
    text = str(exc.detail)
    if not text.endswith(" " + libraries):
        return exc
    ours = ngettext(
        "Expected available in %(wait)d second.", "Expected available in %(wait)d seconds.", wait
    ) % {"wait": wait}
    return _ThrottledWaitWorded(f"{text[: -len(libraries) - 1]} {ours}", raw_wait)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    # Model and service invariants raise Django's ValidationError; clients see it as a 400
    # with the same field-level shape as a serializer error.
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, InvalidRows):
        exc = exceptions.ValidationError({exc.field: exc.rows})
    # Django refuses oversized or over-many form fields as "suspicious": still a bad request.
    if isinstance(exc, SuspiciousOperation):
        exc = exceptions.ParseError(_("The request body was refused: %(reason)s") % {"reason": exc})
    # The database refusing a value (out of range, unrepresentable) is a bad request that
    # validation let through: answer 400, and log it so the validation can be tightened.
    if isinstance(exc, DataError):
        logger.warning("Database refused a value in %s: %s", context.get("view"), exc)
        exc = exceptions.ValidationError(
            {"non_field_errors": [_("A value in the request is out of range or malformed.")]}
        )
    # Django's 404 names the model in English ("No Scheme matches the given query."): in any
    # other language the answer is DRF's own, translated.
    if isinstance(exc, Http404) and not (translation.get_language() or "en").startswith("en"):
        exc = exceptions.NotFound()
    if isinstance(exc, exceptions.Throttled):
        exc = _throttled_in_language(exc)
    response = exception_handler(exc, context)
    if response is not None and context.get("request") is not None:
        renderers.answer_errors_as_json(context["request"])
    return response
