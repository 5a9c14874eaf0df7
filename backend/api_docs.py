"""The API's docs pages, Swagger UI (/api/docs/) and ReDoc (/api/redoc/), built from files
that come with the app (drf-spectacular-sidecar): they load nothing from elsewhere, so they
work without internet and tell no third party who reads them."""

import functools
import hashlib
from pathlib import Path

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import etag
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

REDOC_BUNDLE = "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
# ReDoc shows its maker's logo from their CDN, and has no setting to leave it out (Redocly/redoc
# issue 2141). Given no address the image is never fetched, and ReDoc hides it, as it does
# when the CDN cannot be reached.
REDOCLY_LOGO = b'"https://cdn.redoc.ly/redoc/logo-mini.svg"'


# Swagger UI keeps to the app's Content-Security-Policy as it is. ReDoc writes its styles
# into style elements, and runs its search in a worker made from a blob: address.
swagger_ui = SpectacularSwaggerSplitView.as_view(
    url_name="schema", template_name="core/swagger_ui.html"
)
redoc = csp_update({"style-src": [UNSAFE_INLINE], "worker-src": ["blob:"]})(
    SpectacularRedocView.as_view(url_name="schema", template_name="core/redoc.html")
)


@functools.cache
def _redoc_bundle() -> tuple[bytes, str]:
    path = finders.find(REDOC_BUNDLE)
    bundle = Path(str(path)).read_bytes().replace(REDOCLY_LOGO, b'""')
    return bundle, hashlib.sha256(bundle).hexdigest()


@etag(lambda request: _redoc_bundle()[1])
def redoc_script(request: HttpRequest) -> HttpResponse:
    """ReDoc's bundle, without the logo from its CDN."""
    response = HttpResponse(_redoc_bundle()[0], content_type="application/javascript")
    response["Cache-Control"] = "public, max-age=86400"
    return response
