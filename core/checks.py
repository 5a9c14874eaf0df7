"""Deployment checks (`manage.py check --deploy`) for settings Django does not know about."""

from typing import Any

from django.conf import settings
from django.core import checks


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
