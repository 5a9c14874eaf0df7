"""Vehicle checks with the DVLA: a plate looked up as it is logged, the offences the letters
batch holds back for their vehicle, and confirming or correcting one."""

from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.requests import SignedInRequest
from core import dvla
from core.idempotency import IdempotentAPIView
from watch import permissions
from watch.filters import HeldOffenceFilter
from watch.models import Offence, VehicleCheckStatus
from watch.selectors.letters import offences_held_back
from watch.selectors.schemes import speedwatch_schemes_visible_to
from watch.selectors.sessions import offences_visible_to
from watch.serializers import (
    HeldOffenceSerializer,
    VehicleDecisionInputSerializer,
    VehicleLookupInputSerializer,
    VehicleLookupSerializer,
)
from watch.services.vehicles import (
    offence_vehicle_confirm,
    offence_vehicle_correct,
    vehicle_lookup,
)


class VehicleLookupView(IdempotentAPIView):
    """Check a plate against the DVLA's register as it is logged, and say whether the make and
    colour recorded agree. Never fails for the DVLA: with checks off here, or the DVLA not
    answering, the answer is ``not_checked`` with the reason (the offence is checked again
    once stored). For the scheme's coordinators."""

    @extend_schema(request=VehicleLookupInputSerializer, responses={200: VehicleLookupSerializer})
    def post(self, request: SignedInRequest) -> Response:
        payload = VehicleLookupInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        scheme = get_object_or_404(
            speedwatch_schemes_visible_to(user=request.user), pk=data["scheme"]
        )
        if not permissions.can_run_sessions(request.user, scheme):
            raise PermissionDenied(_("Only the scheme's coordinators log and check vehicles."))
        found = vehicle_lookup(
            registration=data["registration"], make=data["make"], colour=data["colour"]
        )
        return Response(
            VehicleLookupSerializer(
                {
                    "checks_enabled": dvla.enabled(),
                    "status": found.status,
                    "status_display": VehicleCheckStatus(found.status).label,
                    "registration": data["registration"],
                    "registered_make": found.registered_make,
                    "registered_colour": found.registered_colour,
                    "tax_status": found.tax_status,
                    "mot_status": found.mot_status,
                    "make_differs": found.make_differs,
                    "colour_differs": found.colour_differs,
                    "note": found.note,
                }
            ).data
        )


class HeldOffenceListView(generics.ListAPIView):
    """Offences the letters batch holds back for their vehicle (its make or colour differs
    from the DVLA's record, or the DVLA has no such vehicle), earliest first: for the scheme's
    coordinators and covering liaisons to confirm as recorded or correct."""

    serializer_class = HeldOffenceSerializer
    filterset_class = HeldOffenceFilter
    ordering_fields = ["observed_at"]
    ordering = ["observed_at", "id"]

    def get_queryset(self) -> QuerySet[Offence]:
        if getattr(self, "swagger_fake_view", False):
            return Offence.objects.none()
        return offences_held_back(user=self.request.user)


class OffenceVehicleView(IdempotentAPIView):
    """Confirm an offence held back for its vehicle as recorded (it joins the letters batch),
    or correct its registration, make or colour (it is checked with the DVLA again). Each is
    recorded as an amendment of its session."""

    @extend_schema(request=VehicleDecisionInputSerializer, responses={200: HeldOffenceSerializer})
    def post(self, request: SignedInRequest, pk: UUID) -> Response:
        offence = get_object_or_404(offences_visible_to(user=request.user), pk=pk)
        if not permissions.can_decide_vehicle(request.user, offence.scheme):
            raise PermissionDenied(
                _("Only the scheme's coordinators and covering liaisons confirm vehicles.")
            )
        payload = VehicleDecisionInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(payload.validated_data)
        if data["decision"] == "confirm":
            offence = offence_vehicle_confirm(
                offence=offence, actor=request.user, reason=data["reason"]
            )
        else:
            offence = offence_vehicle_correct(
                offence=offence,
                actor=request.user,
                registration=data.get("registration", offence.registration),
                make=data.get("make", offence.make),
                colour=data.get("colour", offence.colour),
                reason=data["reason"],
            )
        offence = get_object_or_404(offences_visible_to(user=request.user), pk=offence.pk)
        return Response(HeldOffenceSerializer(offence, context={"request": request}).data)
