"""Typed readers for settings taken from environment variables.

Each reader returns the default when the variable is unset or empty and raises
``ImproperlyConfigured`` on a value it cannot read, so a typo in production fails
at start-up instead of quietly falling back to a default.
"""

import json
import os
import uuid
from typing import Any

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(name: str, default: str = "") -> str:
    value = _raw(name)
    return default if value is None else value


def env_bool(name: str, default: bool = False) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of {sorted(_TRUE | _FALSE)}, not {value!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from exc
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}")
    return number


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = _raw(name)
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def env_json(name: str, default: Any = None) -> Any:
    value = _raw(name)
    if value is None:
        return default
    try:
        return json.loads(value)
    except json.JSONDecodeError as exc:
        raise ImproperlyConfigured(f"{name} must be valid JSON: {exc}") from exc


def env_choice(name: str, choices: list[str], default: str) -> str:
    value = env_str(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {choices}, not {value!r}")
    return value


def env_uuid_check(values: dict[str, str]) -> None:
    """Each value must be a UUID (the ids GOV.UK Notify gives); the first that is not stops
    the app, named."""
    for name, value in values.items():
        try:
            uuid.UUID(value)
        except ValueError as exc:
            raise ImproperlyConfigured(f"{name} must be a UUID, not {value!r}") from exc


def env_is_notify_key(key: str) -> bool:
    """Whether ``key`` reads as a GOV.UK Notify API key: a name, then the service's id and the
    secret, two UUIDs, joined by hyphens."""
    try:
        uuid.UUID(key[-73:-37])
        uuid.UUID(key[-36:])
    except ValueError:
        return False
    return len(key) > 74 and key[-74] == "-" and key[-37] == "-"
