"""Idempotent unsafe requests: the same ``Idempotency-Key`` header returns the first response.

One mechanism for the whole API: every DRF view that answers POST, PUT, PATCH or DELETE mixes
in ``IdempotentAPIView`` (a system check, ``core.E001``, refuses a view that does not), and
the OpenAPI schema documents the header on exactly the operations that honour it.

How a keyed request is handled:

- After authentication, permissions and throttles, a record is inserted for (user, key), or
  for the key alone when the request is anonymous, in the same transaction as the view's
  writes. A concurrent retry blocks on the unique index until the first request commits,
  then finds the stored response, so racing retries still create one thing.
- The record keeps a fingerprint of the method, path, query string and the whole parsed body
  (each uploaded file by the hash of its bytes, so two different files with one name differ;
  a multipart boundary, different on every send, is not part of it). The fingerprint is an
  HMAC under the secret key: some bodies hold passwords, and a bare hash of them would be
  open to guessing from a copy of the database.
- Same key, same request: the first response, status and bytes, with ``Idempotent-Replayed:
  true``. Same key, another request: 422 naming the header.
- Only a success (2xx) is remembered; an error rolls the whole request back, so the client
  may fix its input and retry with the same key.

Anonymous records (sign-up, password reset) are keyed on the key alone. That is safe because
a replay also needs the same fingerprint, that is the same body (a sign-up's password
included): someone who knows another person's key learns nothing from it but a 422.
"""

import hashlib
import json
import re
from typing import Any, cast

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.views import APIView

from core.exceptions import UnprocessableRequest
from core.models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
KEY_PATTERN = re.compile(r"^[A-Za-z0-9._:\-]{1,255}$")
MALFORMED_KEY = gettext_lazy(
    "Use 1 to 255 letters, digits, '.', '_', ':' or '-' (a UUID is ideal)."
)
KEY_REUSED = gettext_lazy("This key was already used for a different request.")
HEADER_DESCRIPTION = (
    "Optional: a new random key (a UUID) for each distinct request. Sent again with the same "
    "request, the first successful answer is given again (with `Idempotent-Replayed: true`) "
    "instead of doing it twice; sent with a different request, the answer is 422. Keys are "
    f"remembered for {settings.IDEMPOTENCY_KEY_TTL_HOURS} hours."
)


class _Replay(Exception):
    def __init__(self, response: HttpResponse) -> None:
        super().__init__("replay")
        self.response = response


def _file_digest(value: Any) -> Any:
    if isinstance(value, UploadedFile):
        digest = hashlib.sha256()
        for chunk in value.chunks():
            digest.update(chunk)
        value.seek(0)  # the view reads the file after this
        return {"file": value.name, "size": value.size, "sha256": digest.hexdigest()}
    raise TypeError(f"{type(value).__name__} is not part of a request body")


def fingerprint(request: Request) -> str:
    """An HMAC of the method, path, query string and whole body of ``request``."""
    data: Any = request.data
    if isinstance(data, QueryDict):
        # A form or multipart body: every value of every field, files by their content.
        data = sorted(data.lists())
    body = json.dumps(data, sort_keys=True, default=_file_digest, separators=(",", ":"))
    query = request.META.get("QUERY_STRING", "")
    text = f"{request.method}\n{request.path}\n{query}\n{body}"
    return salted_hmac("core.idempotency", text, algorithm="sha256").hexdigest()


def accepts_key(view: APIView) -> bool:
    return isinstance(view, IdempotentAPIView) and view.idempotency_key_accepted


class IdempotentAPIView(APIView):
    """Mixed into every API view with an unsafe method (put it first among the bases)."""

    #: False only where a replayed answer would be wrong; say why where it is set.
    idempotency_key_accepted = True

    _idempotency_record: IdempotencyRecord | None = None
    _idempotency_keyed = False

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        method = (request.method or "").lower()
        self._idempotency_keyed = (
            request.method in UNSAFE_METHODS
            and HEADER in request.headers
            and self.idempotency_key_accepted
            # A method the view does not answer is DRF's 405, whatever the key.
            and method in self.http_method_names
            and hasattr(self, method)
        )
        if not self._idempotency_keyed:
            return super().dispatch(request, *args, **kwargs)
        with transaction.atomic():
            response = super().dispatch(request, *args, **kwargs)
            record = self._idempotency_record
            if record is not None and not transaction.get_rollback():
                _remember(record, response)
        return response

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # Authentication, permissions and throttles first: a refused request claims no key.
        super().initial(request, *args, **kwargs)
        if self._idempotency_keyed:
            self._idempotency_record = _claim(request)

    def handle_exception(self, exc: Exception) -> HttpResponseBase:  # type: ignore[override]  # a replay is the HttpResponse first sent, not a DRF Response
        if isinstance(exc, _Replay):
            return exc.response
        if self._idempotency_keyed:
            # Nothing of a failed request stays, its key included (the view's own atomic
            # blocks have already ended, so this is the request's transaction).
            transaction.set_rollback(True)
        return super().handle_exception(exc)


def _claim(request: Request) -> IdempotencyRecord:
    """Insert the record for this request's key, or raise what answers a retry."""
    key = request.headers[HEADER]
    if not KEY_PATTERN.match(key):
        raise exceptions.ValidationError({HEADER: [MALFORMED_KEY]})
    signature = fingerprint(request)
    user = request.user if request.user.is_authenticated else None
    record, created = IdempotencyRecord.objects.get_or_create(
        user=user,
        key=key,
        defaults={
            "method": request.method,
            "path": request.get_full_path()[:500],
            "fingerprint": signature,
        },
    )
    if created:
        return record
    if record.fingerprint != signature:
        raise UnprocessableRequest({HEADER: [KEY_REUSED]})
    replay = HttpResponse(
        bytes(record.response_content or b""),
        status=record.response_status,
        content_type=record.response_content_type or None,
    )
    replay[REPLAYED_HEADER] = "true"
    raise _Replay(replay)


def _remember(record: IdempotencyRecord, response: HttpResponseBase) -> None:
    if not 200 <= response.status_code < 300 or response.streaming:
        # Only a success is remembered: the client may fix its input and retry. (No unsafe
        # operation streams; one that did would simply not be replayed.)
        IdempotencyRecord.objects.filter(pk=record.pk).delete()
        return
    if hasattr(response, "render"):
        response.render()
    # An update, not save(): deleting one's account deletes its records with it.
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        response_status=response.status_code,
        # Not streaming (above), so an HttpResponse, which has its content.
        response_content=cast(HttpResponse, response).content,
        response_content_type=response.get("Content-Type", ""),
    )
