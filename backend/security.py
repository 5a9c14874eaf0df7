"""Helpers for the security headers in settings: CSP sources derived from configured URLs."""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured


def csp_source(url: str, *, setting: str) -> str:
    """The Content-Security-Policy source that allows what ``url`` loads: its scheme, host
    and port. A tile server's URL template may put a placeholder in the host's first label
    (``https://{s}.tile.example.org/{z}/{x}/{y}.png``, for load balancing): that label
    becomes CSP's wildcard, which stands for any one or more labels there."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise ImproperlyConfigured(f"{setting} must be an http(s) address, not {url!r}")
    labels = parts.netloc.split(".")
    if "{" in labels[0]:
        labels[0] = "*"
    if any("{" in label or "}" in label for label in labels):
        raise ImproperlyConfigured(
            f"{setting} may have a placeholder only in the first part of its host name, not {url!r}"
        )
    return f"{parts.scheme}://{'.'.join(labels)}"
