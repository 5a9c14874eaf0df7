"""The frontend's entry page and service worker, and the JSON answers of the plumbing
(a refused CSRF check, an unknown API address)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie


@ensure_csrf_cookie
def frontend(request: HttpRequest) -> HttpResponse:
    """Serve the single-page app's shell for every address the frontend routes itself."""
    index = settings.FRONTEND_DIST / "index.html"
    if not index.is_file():
        return HttpResponse(
            "The frontend has not been built: run `make run` (or `npm run build` in frontend/).",
            status=503,
            content_type="text/plain",
        )
    return HttpResponse(index.read_bytes(), content_type="text/html; charset=utf-8")


def service_worker(request: HttpRequest) -> HttpResponse:
    """The frontend's service worker (offline app shell, saved API reads, web push), served
    from the root so that its scope is the whole site; the files it precaches are under
    /static/. Never cached by the browser's HTTP cache, so a new version is found at once."""
    script = settings.FRONTEND_DIST / "sw.js"
    if not script.is_file():
        return HttpResponse(status=404)
    response = HttpResponse(script.read_bytes(), content_type="application/javascript")
    response["Cache-Control"] = "no-cache"
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> JsonResponse:
    """JSON, like every other API error, when the CSRF check refuses a request."""
    return JsonResponse(
        {
            "detail": _(
                "CSRF check failed: %(reason)s Fetch /api/v1/auth/csrf/ and send X-CSRFToken."
            )
            % {"reason": reason}
        },
        status=403,
    )


def api_not_found(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"detail": _("There is no API endpoint at this address.")}, status=404)
