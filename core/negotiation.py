"""Content negotiation: DRF's, with two things a client of a file download expects.

- ``?format=csv`` decides on its own: a link or a generated client that asks for a format
  gets it, whatever its Accept header says (DRF would also need the header to agree), and
  a format the endpoint does not make is a 400 naming those it does (DRF: a bare 404).
- The Accept header's q-values are honoured (DRF orders by specificity only), so
  ``text/csv;q=0.9, application/json;q=0.5`` gets CSV and ``text/csv;q=0`` refuses it.

An OPTIONS request describes the endpoint, which is JSON whatever files the endpoint makes.
"""

import itertools
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.utils.mediatypes import (  # type: ignore[attr-defined]  # DRF 3.18 has it; its stubs do not yet
    _MediaType,
    order_parsed_by_precedence,
)


def _quality(media_type: _MediaType) -> float:
    try:
        quality = float(media_type.params.get("q", 1))
    except ValueError:
        return 0.0
    return quality if 0 <= quality <= 1 else 0.0


class ContentNegotiation(DefaultContentNegotiation):
    def select_renderer(  # type: ignore[override]  # DRF passes the view's list, read more than once here
        self, request: Request, renderers: Sequence[BaseRenderer], format_suffix: Any = None
    ) -> tuple[BaseRenderer, str]:
        if request.method == "OPTIONS":
            return JSONRenderer(), JSONRenderer.media_type
        parameter = self.settings.URL_FORMAT_OVERRIDE
        if format_suffix or parameter in request.query_params:
            format = format_suffix or request.query_params[parameter]
            chosen = [renderer for renderer in renderers if renderer.format == format]
            if not chosen:
                offered = ", ".join(renderer.format for renderer in renderers)
                raise exceptions.ValidationError(
                    {
                        parameter: [
                            _("This endpoint's formats are: %(formats)s.") % {"formats": offered}
                        ]
                    }
                )
            return chosen[0], chosen[0].media_type
        parsed = self._get_parsed_accept_list(request)  # type: ignore[attr-defined]  # DRF's own parse of Accept, not in its stubs
        accepts = sorted(parsed, key=_quality, reverse=True)
        candidates = [(renderer, _MediaType(renderer.media_type)) for renderer in renderers]
        for quality, group in itertools.groupby(accepts, key=_quality):
            if quality == 0:
                break
            for media_type_set in order_parsed_by_precedence(list(group)):
                for renderer, renderer_media_type in candidates:
                    for accepted in media_type_set:
                        if renderer_media_type.match(accepted):
                            return renderer, _accepted_media_type(renderer, accepted)
        raise exceptions.NotAcceptable(available_renderers=renderers)


def _accepted_media_type(renderer: BaseRenderer, accepted: _MediaType) -> str:
    """The renderer's media type with the parameters the client gave it (``indent=4``)."""
    params = [f"{key}={value}" for key, value in accepted.params.items() if key != "q"]
    return ";".join([renderer.media_type, *params])
