"""Request guards that apply before any view runs."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _


def _refusal(request: HttpRequest, status: int, detail: Callable[[], str]) -> JsonResponse:
    """A refusal in the language the request asks for: these guards answer before
    LocaleMiddleware has chosen one (a signed-in person's own choice is not known yet)."""
    with translation.override(translation.get_language_from_request(request)):
        return JsonResponse({"detail": detail()}, status=status)


class RequestSizeLimitMiddleware:
    """Answer 413 to a request whose declared body is larger than any endpoint takes.

    DRF's parsers read a JSON body straight from the request stream, past Django's
    ``DATA_UPLOAD_MAX_MEMORY_SIZE`` check (which only ``request.body`` applies), and Django
    writes an uploaded file to disk however large it is before a view can look at its size.
    Checking the Content-Length here, before anything reads the body, refuses both at once.
    Without a Content-Length the WSGI server hands Django no body at all, so the header can
    be trusted. An upload may carry a file of ``UPLOAD_MAX_FILE_BYTES`` on top of the form
    limit; the view taking the file checks the file's own size and names its field.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _refusal(request, 400, lambda: _("The Content-Length header is not a number."))
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if request.content_type == "multipart/form-data":
            limit += settings.UPLOAD_MAX_FILE_BYTES
            if length > limit:
                return _refusal(
                    request,
                    413,
                    lambda: (
                        _(
                            "The upload is too large (%(length)s bytes): files of up to %(limit)s "
                            "bytes can be uploaded."
                        )
                        % {"length": f"{length:,}", "limit": f"{settings.UPLOAD_MAX_FILE_BYTES:,}"}
                    ),
                )
        if length > limit:
            return _refusal(
                request,
                413,
                lambda: (
                    _("The request is too large (%(length)s bytes): send at most %(limit)s bytes.")
                    % {"length": f"{length:,}", "limit": f"{limit:,}"}
                ),
            )
        return self.get_response(request)


class RejectNulBytesMiddleware:
    """Answer 400 to a URL that carries a NUL byte.

    PostgreSQL cannot store or compare strings containing NUL, so such a value would reach the
    database as an error (a 500) from any filter that passes it on. Request bodies are checked
    field by field by the serializers; the URL is checked here once for every view.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            return _refusal(request, 400, lambda: _("The address must not contain NUL bytes."))
        return self.get_response(request)
