"""Request guards that apply before any view runs."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse


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
            return JsonResponse({"detail": "The address must not contain NUL bytes."}, status=400)
        return self.get_response(request)
