"""A liaison's letters queue (pending letters and referrals in their force area): the list,
marking letters sent or actions done, the letters to print and post, and posting them through
GOV.UK Notify with the list of letters posted."""

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.requests import SignedInRequest, signed_in_user
from core.idempotency import IdempotentAPIView
from core.renderers import CSVRenderer, PDFRenderer
from schemes.models import Scheme
from schemes.permissions import AnyUser, liaison_force
from watch.api.audit import RegistrationSearchAudited
from watch.exports.letters import letters_download
from watch.filters import OffenceFilter, PostedLetterFilter
from watch.models import ActionStatus, AuditAction, Offence, PostedLetter
from watch.selectors.letters import (
    keeper_addresses_of,
    letterhead_for,
    letters_queue,
    letters_ready_to_post,
    letters_to_send,
    liaison_schemes,
    posted_letters_of,
)
from watch.serializers import (
    KeeperAddressesInputSerializer,
    KeeperAddressesStoredSerializer,
    LettersMarkedSerializer,
    LettersPostedSerializer,
    LettersPostInputSerializer,
    LettersReadySerializer,
    MarkInputSerializer,
    PostedLetterSerializer,
    QueueOffenceSerializer,
)
from watch.services.audit import export_record, registration_search_record
from watch.services.escalation import offences_mark
from watch.services.keepers import keeper_addresses_store
from watch.services.posting import letters_post, letters_posting_check
from watch.uploads import csv_keeper_addresses


def letters_force(user: AnyUser) -> str:
    """The force area whose letters queue the user works: a police liaison's; anyone else is
    refused. Every letters view asks this first (in its handler, so that a malformed
    idempotency key is answered as such before it)."""
    force = liaison_force(user)
    if not force:
        raise PermissionDenied(_("The letters queue is for police liaisons."))
    return force


class LetterQueueView(RegistrationSearchAudited):
    """A liaison's queue of pending letters and referrals in their force area. A search by
    registration is recorded in the audit log."""

    serializer_class = QueueOffenceSerializer
    filterset_class = OffenceFilter
    ordering_fields = ["observed_at"]
    ordering = ["observed_at", "id"]

    def get_queryset(self) -> QuerySet[Offence]:
        if getattr(self, "swagger_fake_view", False):
            return Offence.objects.none()
        return self.rows_visible_to(self.request.user)

    def rows_visible_to(self, user: AnyUser) -> QuerySet[Offence]:
        letters_force(user)
        queue = letters_queue(user=user)
        if "action_status" not in self.request.query_params:
            queue = queue.filter(action_status=ActionStatus.PENDING)
        return queue

    def audited_schemes(self) -> QuerySet[Scheme]:
        return liaison_schemes(user=self.request.user)


class LetterMarkView(IdempotentAPIView):
    @extend_schema(request=MarkInputSerializer, responses={200: LettersMarkedSerializer})
    def post(self, request: SignedInRequest) -> Response:
        letters_force(request.user)
        payload = MarkInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        ids = set(payload.validated_data["ids"])
        offences = list(letters_queue(user=request.user).filter(pk__in=ids))
        if len(offences) != len(ids):
            raise ValidationError({"ids": [_("Some of these are not in your letters queue.")]})
        updated = offences_mark(
            offences=offences, actor=request.user, status=payload.validated_data["status"]
        )
        return Response({"updated": updated})


class LetterExportView(APIView):
    """The pending letters, one per vehicle and stage: a CSV for a mail merge (one row a
    letter, the keeper's name and address left for the force's lookup) or the letters ready
    to print and post in a window envelope (``?format=pdf`` or ``Accept: application/pdf``).
    Both carry each letter's reference."""

    renderer_classes = [CSVRenderer, PDFRenderer]

    @extend_schema(
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR),
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
        }
    )
    def get(self, request: SignedInRequest) -> HttpResponse | StreamingHttpResponse:
        force = letters_force(request.user)
        offences = letters_to_send(user=request.user, filters=request.query_params)
        as_pdf = isinstance(request.accepted_renderer, PDFRenderer)
        export_record(
            actor=request.user,
            action=AuditAction.LETTERS_PDF if as_pdf else AuditAction.LETTERS_CSV,
            params=request.query_params,
            rows=len(offences),
            schemes=liaison_schemes(user=request.user),
        )
        return letters_download(
            offences,
            letterhead=letterhead_for(force=force),
            as_pdf=as_pdf,
            addresses=keeper_addresses_of(force=force),
        )


class KeeperAddressesView(IdempotentAPIView):
    """Store the registered keepers' names and addresses of waiting letters, as the force's
    own lookup found them: each letter then prints its keeper's name and address in the
    window, and the mail-merge file carries them. Storing them again for a letter replaces
    them; they are deleted ``KEEPER_ADDRESS_RETENTION_DAYS`` after they were stored."""

    @extend_schema(
        request=KeeperAddressesInputSerializer, responses={200: KeeperAddressesStoredSerializer}
    )
    def post(self, request: SignedInRequest) -> Response:
        letters_force(request.user)
        payload = KeeperAddressesInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        addresses = payload.validated_data["addresses"]
        stored = keeper_addresses_store(
            actor=request.user,
            addresses=[(f"row {number}", row) for number, row in enumerate(addresses, 1)],
        )
        return Response({"stored": stored, "kept_days": settings.KEEPER_ADDRESS_RETENTION_DAYS})


class KeeperAddressesUploadView(IdempotentAPIView):
    """The same from the letters batch's CSV file with the keepers' names and addresses filled
    in (the ``keeper_name``, ``address_line_1`` to ``4`` and ``postcode`` columns); rows
    still blank are left alone."""

    parser_classes = [MultiPartParser]

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
                "required": ["file"],
            }
        },
        responses={200: KeeperAddressesStoredSerializer},
    )
    def post(self, request: SignedInRequest) -> Response:
        letters_force(request.user)
        addresses = csv_keeper_addresses(request.FILES.get("file"))
        stored = keeper_addresses_store(actor=request.user, addresses=addresses)
        return Response({"stored": stored, "kept_days": settings.KEEPER_ADDRESS_RETENTION_DAYS})


class LetterPostView(IdempotentAPIView):
    """Post the waiting letters (of one stage, or all) through GOV.UK Notify, where this
    server does (``LETTER_PROVIDER``; otherwise 400): each letter whose keeper's name and
    address are stored goes as its own PDF, with its reference and the configured postage,
    and its offences are marked sent. Letters without an address are named and stay waiting.
    Asking again posts nothing twice. Follow each letter in ``letters/posted/``."""

    @staticmethod
    def _filters(data: Any) -> dict[str, str]:
        payload = LettersPostInputSerializer(data=data)
        payload.is_valid(raise_exception=True)
        return {
            key: payload.validated_data[key] for key in ("action",) if key in payload.validated_data
        }

    @extend_schema(
        parameters=[LettersPostInputSerializer],
        responses={200: LettersReadySerializer},
        description="What posting now would post (``?action=`` as the body of a post), to "
        "confirm it before posting.",
    )
    def get(self, request: SignedInRequest) -> Response:
        letters_force(request.user)
        letters_posting_check()
        ready, without_address = letters_ready_to_post(
            user=request.user, filters=self._filters(request.query_params)
        )
        return Response(
            LettersReadySerializer(
                {
                    "ready": len(ready),
                    "postage": settings.NOTIFY_LETTER_POSTAGE,
                    "references": ready,
                    "without_address": without_address,
                }
            ).data
        )

    @extend_schema(request=LettersPostInputSerializer, responses={200: LettersPostedSerializer})
    def post(self, request: SignedInRequest) -> Response:
        letters_force(request.user)
        posted = letters_post(actor=request.user, filters=self._filters(request.data))
        return Response(
            LettersPostedSerializer(
                {
                    "posted": len(posted.posted),
                    "postage": settings.NOTIFY_LETTER_POSTAGE,
                    "references": posted.posted,
                    "without_address": posted.without_address,
                    "already_posted": posted.already_posted,
                }
            ).data
        )


class PostedLetterListView(generics.ListAPIView):
    """The letters the liaison's force posted through GOV.UK Notify, newest first, each with
    its status (waiting, being sent, accepted by Notify, printed and posted, cancelled, or
    failed with the reason). A search by registration is recorded in the audit log."""

    serializer_class = PostedLetterSerializer
    filterset_class = PostedLetterFilter
    ordering_fields = ["posted_at"]
    ordering = ["-posted_at", "-id"]

    def get_queryset(self) -> QuerySet[PostedLetter]:
        if getattr(self, "swagger_fake_view", False):
            return PostedLetter.objects.none()
        letters_force(self.request.user)
        return posted_letters_of(user=self.request.user)

    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        response = super().list(request, *args, **kwargs)
        registration_search_record(
            actor=signed_in_user(request),
            params=request.query_params,
            rows=response.data["count"],
            schemes=lambda: liaison_schemes(user=request.user),
        )
        return response
