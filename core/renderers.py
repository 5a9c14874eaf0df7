"""The API's non-JSON media types, so that DRF's content negotiation picks them from the
``Accept`` header or the ``format`` query parameter, and the schema declares them.

A view that offers a download lists ``JSONRenderer`` first (its errors, and its JSON form if it
has one) and then the renderers of the files it makes, e.g.
``renderer_classes = [JSONRenderer, CSVRenderer]``; it asks ``wants_file(request)`` and
answers with its own ``HttpResponse``/``StreamingHttpResponse`` built by the module that makes
the file. Errors are always answered as JSON, whatever was asked for (see
``core.exceptions``): a client asking for a PDF and refused gets a message it can read.
"""

from collections.abc import Mapping
from typing import Any

from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request


class FileRenderer(BaseRenderer):
    """A media type the view builds itself. ``render`` passes through what the view built
    (text or bytes); error bodies never reach it."""

    renders_errors = False

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if isinstance(data, bytes):
            return data
        if isinstance(data, str):
            return data.encode(self.charset or "utf-8")
        raise TypeError(f"{type(self).__name__} renders files the view built, not {type(data)}")


class TextFileRenderer(FileRenderer):
    charset = "utf-8"


class BinaryFileRenderer(FileRenderer):
    charset = None
    render_style = "binary"


class CSVRenderer(TextFileRenderer):
    media_type, format = "text/csv", "csv"


class PDFRenderer(BinaryFileRenderer):
    media_type, format = "application/pdf", "pdf"


class CAPRenderer(TextFileRenderer):
    """CAP 1.2 documents under their own media type..."""

    media_type, format = "application/cap+xml", "cap"


class XMLRenderer(TextFileRenderer):
    """...and under the generic one that XML tools ask for."""

    media_type, format = "application/xml", "xml"


class AtomRenderer(TextFileRenderer):
    media_type, format = "application/atom+xml", "atom"


class ZIPRenderer(BinaryFileRenderer):
    media_type, format = "application/zip", "zip"


def wants_file(request: Request) -> bool:
    """Whether negotiation chose one of the file renderers rather than JSON."""
    return isinstance(getattr(request, "accepted_renderer", None), FileRenderer)


def answer_errors_as_json(request: Request) -> None:
    """Switch an errored request's renderer to JSON when a file type was negotiated, or when
    negotiation itself failed (a 406 says why in JSON, not in the view's file type)."""
    renderer = getattr(request, "accepted_renderer", None)
    if renderer is None or not getattr(renderer, "renders_errors", True):
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type
