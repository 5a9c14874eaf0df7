"""System checks for what Django does not know about: every API view answering an unsafe
method honours Idempotency-Key, and (`manage.py check --deploy`) the trusted proxy count."""

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.checks import CheckMessage, Error, Tags, register
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.views import APIView

from core.idempotency import UNSAFE_METHODS, IdempotentAPIView


def _patterns(patterns: list[Any]) -> Iterator[URLPattern]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns)
        else:
            yield pattern


def unsafe_methods_of(callback: Any) -> set[str]:
    """The unsafe HTTP methods a DRF view function answers (none for other views)."""
    view = getattr(callback, "cls", None)
    if not (isinstance(view, type) and issubclass(view, APIView)):
        return set()
    actions = getattr(callback, "actions", None)  # a viewset's routes: {"post": "create"}
    methods = set(actions) if actions else {m for m in view.http_method_names if hasattr(view, m)}
    return {m.upper() for m in methods} & UNSAFE_METHODS


@register(Tags.urls)
def check_unsafe_views_are_idempotent(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for pattern in _patterns(get_resolver().url_patterns):
        # A class whenever unsafe_methods_of finds any method (it checks).
        view: Any = getattr(pattern.callback, "cls", None)
        if unsafe_methods_of(pattern.callback) and not issubclass(view, IdempotentAPIView):
            errors.append(
                Error(
                    f"{view.__module__}.{view.__qualname__} answers "
                    f"{', '.join(sorted(unsafe_methods_of(pattern.callback)))} without "
                    "honouring Idempotency-Key.",
                    hint="Put core.idempotency.IdempotentAPIView first among its bases.",
                    obj=view,
                    id="core.E001",
                )
            )
    return errors


@checks.register(checks.Tags.security, deploy=True)
def trusted_proxy_count_check(**kwargs: Any) -> list[checks.CheckMessage]:
    # Behind a proxy with a count of 0, every client has the proxy's address: the sign-in
    # and API throttles would count the whole user base as one client.
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and settings.TRUSTED_PROXY_COUNT == 0:
        return [
            checks.Warning(
                "Patchwatch is behind a proxy (DJANGO_BEHIND_PROXY or DJANGO_HTTPS) but "
                "TRUSTED_PROXY_COUNT is 0, so every client is seen with the proxy's address.",
                hint=(
                    "Set TRUSTED_PROXY_COUNT to the number of proxies that append to "
                    "X-Forwarded-For (1 for a single nginx or Caddy)."
                ),
                id="core.W001",
            )
        ]
    return []
