"""What the built frontend (``settings.FRONTEND_DIST``) holds, for the server's own pages.

Vite writes ``.vite/manifest.json`` beside the built files: it names each entry's hashed
files, so a server-rendered page can link the app's stylesheet and look like the app
without a copy of its rules.
"""

import json
from functools import cache

from django.conf import settings

ENTRY = "index.html"


def _read_stylesheets() -> tuple[str, ...]:
    manifest = settings.FRONTEND_DIST / ".vite" / "manifest.json"
    try:
        entry = json.loads(manifest.read_text(encoding="utf-8")).get(ENTRY, {})
    except (OSError, ValueError):
        return ()  # not built: the page still reads, in the browser's own style
    return tuple(entry.get("css", ()))


_built_stylesheets = cache(_read_stylesheets)


def app_stylesheets() -> tuple[str, ...]:
    """The app's stylesheets, as paths under the static URL. Read once per process, except
    in development, where the frontend is rebuilt while the server runs."""
    return _read_stylesheets() if settings.DEBUG else _built_stylesheets()
