"""OpenAPI additions made once for every operation rather than on every view.

- ``PatchwatchAutoSchema`` declares the ``Idempotency-Key`` header on each operation whose
  view honours it (see ``core.idempotency``), so the schema says what the server does.
- ``add_error_responses``: drf-spectacular documents each operation's success response; the
  API's errors share one shape (DRF's: ``{"detail": ...}`` or field-level
  ``{"field": [messages]}``), so they are added here.
"""

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import get_lib_doc_excludes
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.settings import api_settings

from core import idempotency
from core.renderers import FileRenderer
from core.serializers import JSONTypesMixin, ModelSerializer, Serializer

IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    idempotency.HEADER,
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    pattern=idempotency.KEY_PATTERN.pattern,
    description=idempotency.HEADER_DESCRIPTION,
)


def format_parameter(formats: list[str]) -> OpenApiParameter:
    return OpenApiParameter(
        api_settings.URL_FORMAT_OVERRIDE,
        OpenApiTypes.STR,
        location=OpenApiParameter.QUERY,
        required=False,
        enum=formats,
        description=(
            "The response's format, as an alternative to the Accept header; the first is the "
            "default. Errors are always JSON."
        ),
    )


def lib_doc_excludes() -> list[type]:
    """Classes whose docstrings describe no operation or component: DRF's (drf-spectacular's
    own list) and the API's base classes, whose docstrings are about themselves. Without
    them here, every serializer with no docstring of its own would be described as "DRF's
    Serializer, strict about JSON types", and every such view by IdempotentAPIView's."""
    return [
        *get_lib_doc_excludes(),
        Serializer,
        ModelSerializer,
        JSONTypesMixin,
        idempotency.IdempotentAPIView,
    ]


class PatchwatchAutoSchema(AutoSchema):
    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        if self.method in idempotency.UNSAFE_METHODS and idempotency.accepts_key(self.view):
            parameters.append(IDEMPOTENCY_KEY_PARAMETER)
        renderers = self.view.get_renderers()
        if any(isinstance(renderer, FileRenderer) for renderer in renderers):
            parameters.append(format_parameter([renderer.format for renderer in renderers]))
        return parameters


ERROR_SCHEMA = {
    "type": "object",
    "description": 'Either {"detail": "message"} or field-level {"field": ["message", ...]}.',
    "additionalProperties": True,
}

ERRORS = {
    "400": "Invalid input, with field-level messages.",
    "401": "Not signed in: send a session cookie or `Authorization: Token <token>`.",
    "403": "Signed in, but not allowed to do this.",
    "404": "No such object, or not one this user may know about.",
    "429": "Too many requests or failed sign-ins; wait and try again.",
}
WRITE_ERRORS = {
    "413": "The body is larger than the server takes, or a file is over its size limit.",
    "415": "Unsupported content type: send JSON.",
}
KEY_REUSED_ERROR = {"422": "The Idempotency-Key was already used for a different request."}
PLACE_SEARCH_ERRORS = {"503": "The place search service is not answering; try again."}


def add_error_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            errors = dict(ERRORS)
            keyed = any(
                p.get("name") == idempotency.HEADER for p in operation.get("parameters", [])
            )
            # A keyed request's body is read to fingerprint it, a DELETE's too.
            if method in ("post", "put", "patch") or keyed:
                errors.update(WRITE_ERRORS)
            if keyed:
                errors.update(KEY_REUSED_ERROR)
            if any(p.get("name") == "place" for p in operation.get("parameters", [])):
                errors.update(PLACE_SEARCH_ERRORS)
            responses = operation.setdefault("responses", {})
            for code, description in errors.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                        },
                    },
                )
    return result


class UniqueListFieldExtension(OpenApiSerializerFieldExtension):
    """Documents ``core.fields.UniqueListField`` as the list it is, with ``uniqueItems``."""

    target_class = "core.fields.UniqueListField"

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        return {**schema, "uniqueItems": True}
