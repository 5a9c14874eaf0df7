"""Writes about the API's stored retry responses (``core.idempotency``): purging old ones
and forgetting those that name a deleted person. Kept apart from the mechanism, which
imports DRF's views, so that the apps' services can call these without an import cycle
(DRF's views import the authentication classes, which import accounts' services)."""

import json
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from core.models import IdempotencyRecord


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
    # As rendered: UTF-8 JSON; escaped too, in case a response was rendered ASCII-only.
    terms = {json.dumps(value, ensure_ascii=False).encode() for value in values}
    terms |= {json.dumps(value).encode() for value in values}
    if not terms:
        return 0
    # Records last a couple of days and accounts are deleted rarely: a scan in chunks.
    stored = IdempotencyRecord.objects.exclude(response_content=None)
    doomed = [
        pk
        for pk, content in stored.values_list("pk", "response_content").iterator(chunk_size=500)
        if content is not None and any(term in bytes(content) for term in terms)
    ]
    deleted, _ = IdempotencyRecord.objects.filter(pk__in=doomed).delete()
    return deleted
