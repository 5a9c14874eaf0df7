"""OpenAPI post-processing: document the error responses every operation can give.

drf-spectacular documents each operation's success response; the API's errors share one
shape (DRF's: ``{"detail": ...}`` or field-level ``{"field": [messages]}``), so they are
added here once rather than on every view.
"""

from typing import Any

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
    "422": "The Idempotency-Key was already used for a different request.",
}
PLACE_SEARCH_ERRORS = {"503": "The place search service is not answering; try again."}


def add_error_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            errors = dict(ERRORS)
            if method in ("post", "put", "patch"):
                errors.update(WRITE_ERRORS)
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
