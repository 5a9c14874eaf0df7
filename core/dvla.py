"""The DVLA's Vehicle Enquiry Service (VES) API: what the DVLA's register says of a vehicle
(its make, colour, tax and MOT status) by its registration.

As published: ``POST {DVLA_VES_URL}`` with the ``x-api-key`` header and the JSON body
``{"registrationNumber": "AB12CDE"}``; 200 answers the vehicle (``make``, ``colour``,
``taxStatus``, ``motStatus`` and more, any of which may be missing), 404 that the register
has no such vehicle, and 400, 403, 429, 500 and 503 answer ``{"errors": [{"status", "code",
"title", "detail"}]}``. Off while ``DVLA_VES_API_KEY`` is empty.
"""

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Vehicle:
    """The register's answer for a registration."""

    registration: str
    make: str
    colour: str
    tax_status: str
    mot_status: str


class VehicleNotFound(Exception):
    """The DVLA's register has no vehicle with this registration (its 404)."""


@dataclass
class EnquiryFailed(Exception):
    """The DVLA did not answer the enquiry: ``passing`` when asking again later may work (429,
    5xx, no answer at all); otherwise (400, 403) it will not."""

    status: int
    message: str
    passing: bool

    def __str__(self) -> str:
        return self.message


def enabled() -> bool:
    return bool(settings.DVLA_VES_API_KEY)


def _error_text(body: bytes) -> str:
    """The DVLA's own words for an error, from its ``errors`` list, when it gave any."""
    try:
        errors = json.loads(body or b"{}").get("errors") or []
        return "; ".join(
            str(error.get("detail") or error.get("title") or "")
            for error in errors
            if isinstance(error, dict)
        )
    except (ValueError, AttributeError):
        return ""


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return str(value).strip() if value is not None else ""


def vehicle_enquiry(registration: str) -> Vehicle:
    """Ask the DVLA about a registration (compact, capitals: ``AB12CDE``). Raises
    ``VehicleNotFound`` for its 404 and ``EnquiryFailed`` for any other failure."""
    url = settings.DVLA_VES_URL
    if urlsplit(url).scheme not in ("http", "https"):
        raise EnquiryFailed(0, f"DVLA_VES_URL is not a web address: {url!r}", passing=False)
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
        url,
        data=json.dumps({"registrationNumber": registration}).encode(),
        headers={
            "x-api-key": settings.DVLA_VES_API_KEY,
            "Content-Type": "application/json",
            "Accept": "application/json",
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(  # noqa: S310 (the scheme is checked above)
            request, timeout=settings.DVLA_VES_TIMEOUT_SECONDS
        ) as response:
            data = json.load(response)
    except urllib.error.HTTPError as exc:
        status = exc.code
        words = _error_text(exc.read())
        if status == 404:
            raise VehicleNotFound(registration) from exc
        passing = status == 429 or status >= 500
        message = f"The DVLA answered {status}" + (f": {words}" if words else "")
        raise EnquiryFailed(status, message, passing=passing) from exc
    except (OSError, ValueError) as exc:
        # No answer (refused, timed out) or not JSON: the service may be back later.
        raise EnquiryFailed(503, f"The DVLA could not be reached: {exc}", passing=True) from exc
    if not isinstance(data, dict):
        raise EnquiryFailed(502, "The DVLA answered something other than a vehicle", passing=True)
    return Vehicle(
        registration=_text(data, "registrationNumber") or registration,
        make=_text(data, "make"),
        colour=_text(data, "colour"),
        tax_status=_text(data, "taxStatus"),
        mot_status=_text(data, "motStatus"),
    )
