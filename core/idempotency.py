"""Idempotent POSTs: the same ``Idempotency-Key`` header returns the first response.

The record is inserted in the same transaction as the handler's writes. A concurrent retry
blocks on the unique (user, key) index until the first request commits, then finds the
stored response, so two racing retries still create one thing.
"""

import functools
import hashlib
import json
import re
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from core.exceptions import UnprocessableRequest
from core.models import IdempotencyRecord

HEADER = "Idempotency-Key"
_KEY_PATTERN = re.compile(r"^[A-Za-z0-9._:\-]{1,255}$")


def _fingerprint(request: Request) -> str:
    body = json.dumps(request.data, sort_keys=True, default=str)
    text = f"{request.method} {request.path}\n{body}"
    return hashlib.sha256(text.encode()).hexdigest()


def idempotent(handler: Callable[..., Response]) -> Callable[..., Response]:
    """Wrap a DRF handler method (``create``, ``post`` or a POST ``@action``)."""

    @functools.wraps(handler)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER)
        if key is None or not request.user.is_authenticated:
            return handler(view, request, *args, **kwargs)
        if not _KEY_PATTERN.match(key):
            raise exceptions.ValidationError(
                {HEADER: ["Use 1 to 255 letters, digits, '.', '_', ':' or '-' (a UUID is ideal)."]}
            )
        fingerprint = _fingerprint(request)
        with transaction.atomic():
            record, created = IdempotencyRecord.objects.get_or_create(
                user=request.user,
                key=key,
                defaults={
                    "method": request.method,
                    "path": request.path,
                    "fingerprint": fingerprint,
                },
            )
            if not created:
                if record.fingerprint != fingerprint:
                    raise UnprocessableRequest(
                        {HEADER: ["This key was already used for a different request."]}
                    )
                replay = Response(record.response_body, status=record.response_status)
                replay["Idempotent-Replayed"] = "true"
                return replay
            response = handler(view, request, *args, **kwargs)
            if 200 <= response.status_code < 300:
                record.response_status = response.status_code
                record.response_body = response.data
                record.save(update_fields=["response_status", "response_body"])
            else:
                # Only a success is remembered: the client may fix its input and retry.
                record.delete()
        return response

    return wrapper


def idempotency_records_purge() -> int:
    """Delete records older than the retention period; returns how many were deleted."""
    cutoff = timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def stored_responses_forget(*, naming: Iterable[str]) -> int:
    """Forget the stored responses that hold any of these values (a deleted person's name,
    email address and phone number): someone else's retry would otherwise be answered with
    the person's details. Such a response was about the person, whose records are gone or
    anonymised now, so a retry has nothing left to do twice. Returns how many went.

    A value matches only as a whole JSON string (quotes included), so a short name does not
    match inside other words."""
    values = {value for value in naming if value}
    # As stored: PostgreSQL's jsonb keeps non-ASCII characters; SQLite's text escapes them.
    terms = {json.dumps(value, ensure_ascii=False) for value in values}
    terms |= {json.dumps(value) for value in values}
    if not terms:
        return 0
    matches = Q()
    for term in terms:
        matches |= Q(response_text__contains=term)
    stored = IdempotencyRecord.objects.annotate(response_text=Cast("response_body", TextField()))
    deleted, _ = stored.filter(matches).delete()
    return deleted
