"""Vehicle checks: each offence's registration checked against the DVLA's register
(``core.dvla``), so that a mistyped plate never becomes a letter to the wrong keeper.

- As it is logged, the coordinator's phone asks ``vehicle_lookup`` (when it has a signal) and
  shows a make or colour that differs from the register's at once. Logging never waits for
  the DVLA: offline, with no key or with the DVLA down, the offence is stored all the same.
- Once stored, each offence is checked by a task queued on commit (``offence_vehicle_check``):
  it records what the register says and whether the recorded make and colour agree. An
  enquiry the DVLA cannot answer now is tried again with backoff; a final failure (or no key)
  leaves the offence "not checked", which holds nothing back.
- The letters batch holds back offences whose vehicle differs or was not found
  (``VEHICLE_HELD_BACK``) until a coordinator or liaison confirms them as recorded or corrects
  them (``offence_vehicle_confirm``, ``offence_vehicle_correct``; a correction is checked
  again), each recorded as an amendment of the session.
- Answers are kept per registration for ``DVLA_VES_CACHE_HOURS`` (``VehicleCheck``).
"""

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as KombuOperationalError

from accounts.models import User
from core import dvla
from core.queueing import task_queue
from watch.models import (
    VEHICLE_HELD_BACK,
    Offence,
    SessionAmendment,
    VehicleCheck,
    VehicleCheckStatus,
)
from watch.registrations import normalise_registration, registration_format, vehicle_key
from watch.services.escalation import escalation_recompute
from watch.services.repeat_vehicles import repeat_vehicles_remark

logger = logging.getLogger(__name__)

CHECK_TASK = "watch.check_offence_vehicle"


class TryAgain(Exception):
    """The DVLA cannot answer now: the task tries again after ``countdown`` seconds."""

    def __init__(self, message: str, countdown: float) -> None:
        super().__init__(message)
        self.countdown = countdown


# --- Comparing what was recorded with what the register says --------------------------------

# Names volunteers write for a make, as the DVLA writes it (compacted: capitals, no spaces).
MAKE_NAMES = {
    "VW": "VOLKSWAGEN",
    "MERC": "MERCEDESBENZ",
    "MERCEDES": "MERCEDESBENZ",
    "BENZ": "MERCEDESBENZ",
    "CHEVY": "CHEVROLET",
    "RANGEROVER": "LANDROVER",
    "ALFA": "ALFAROMEO",
    "ASTON": "ASTONMARTIN",
    "MINI": "MINI",
}

# Colour words, as the DVLA's basic colours. Silver and grey are one colour here: the register
# has the same metallic paint as either, and holding back every such letter would help nobody.
COLOUR_NAMES = {
    "GRAY": "GREY",
    "SILVER": "GREY",
    "CHARCOAL": "GREY",
    "GUNMETAL": "GREY",
    "NAVY": "BLUE",
    "BURGUNDY": "MAROON",
    "CLARET": "MAROON",
    "WINE": "MAROON",
    "CREAM": "BEIGE",
    "GOLD": "BRONZE",
    "TEAL": "TURQUOISE",
    # Welsh.
    "COCH": "RED",
    "GLAS": "BLUE",
    "DU": "BLACK",
    "GWYN": "WHITE",
    "LLWYD": "GREY",
    "ARIAN": "GREY",
    "GWYRDD": "GREEN",
    "MELYN": "YELLOW",
    "OREN": "ORANGE",
    "PINC": "PINK",
    "PORFFOR": "PURPLE",
    "BROWN": "BROWN",
}


def _compact(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", text.upper())


def make_matches(recorded: str, registered: str) -> bool:
    """Whether the make written at the roadside names the register's make: the same name,
    a usual short name (VW, Merc), or the first word of it (Mercedes, Land)."""
    mine, theirs = _compact(recorded), _compact(registered)
    if not mine or not theirs:
        return True
    mine = MAKE_NAMES.get(mine, mine)
    return mine == theirs or (len(mine) >= 3 and theirs.startswith(mine))


def _colours(text: str) -> set[str]:
    words = re.findall(r"[A-Z]+", text.upper())
    return {COLOUR_NAMES.get(word, word) for word in words}


def colour_matches(recorded: str, registered: str) -> bool:
    """Whether a colour written at the roadside ("dark blue", "silver") includes the
    register's basic colour; a multi-coloured vehicle matches any."""
    mine, theirs = _colours(recorded), _colours(registered)
    if not mine or not theirs or "MULTI" in theirs:
        return True
    return bool(mine & theirs)


@dataclass(frozen=True)
class Lookup:
    """What the DVLA said of a registration, and how the recorded make and colour compare."""

    status: str  # a VehicleCheckStatus
    registered_make: str = ""
    registered_colour: str = ""
    tax_status: str = ""
    mot_status: str = ""
    make_differs: bool = False
    colour_differs: bool = False
    note: str = ""


def _compared(check: VehicleCheck, *, make: str, colour: str) -> Lookup:
    if not check.found:
        return Lookup(status=VehicleCheckStatus.NOT_FOUND)
    make_differs = not make_matches(make, check.make)
    colour_differs = not colour_matches(colour, check.colour)
    return Lookup(
        status=VehicleCheckStatus.MISMATCHED
        if make_differs or colour_differs
        else VehicleCheckStatus.MATCHED,
        registered_make=check.make,
        registered_colour=check.colour,
        tax_status=check.tax_status,
        mot_status=check.mot_status,
        make_differs=make_differs,
        colour_differs=colour_differs,
    )


# --- The DVLA's answers, kept a day ---------------------------------------------------------


def _fresh_after(now: datetime) -> datetime:
    return now - timedelta(hours=settings.DVLA_VES_CACHE_HOURS)


def vehicle_check_cached(*, registration: str, now: datetime | None = None) -> VehicleCheck:
    """The register's answer for a registration: the one kept from the last
    ``DVLA_VES_CACHE_HOURS``, or the DVLA's own, kept. Raises ``dvla.EnquiryFailed``."""
    now = now or timezone.now()
    kept = VehicleCheck.objects.filter(
        registration=registration, checked_at__gte=_fresh_after(now)
    ).first()
    if kept is not None:
        return kept
    try:
        vehicle: dvla.Vehicle | None = dvla.vehicle_enquiry(registration)
    except dvla.VehicleNotFound:
        vehicle = None
    return vehicle_check_keep(registration=registration, vehicle=vehicle, now=now)


def vehicle_check_keep(
    *, registration: str, vehicle: dvla.Vehicle | None, now: datetime
) -> VehicleCheck:
    """Keep the register's answer for a registration, given at ``now``: the vehicle, or
    ``None`` when the register has no such vehicle."""
    if vehicle is None:
        values = {"found": False, "make": "", "colour": "", "tax_status": "", "mot_status": ""}
    else:
        values = {
            "found": True,
            "make": vehicle.make[:50],
            "colour": vehicle.colour[:30],
            "tax_status": vehicle.tax_status[:40],
            "mot_status": vehicle.mot_status[:40],
        }
    check, _created = VehicleCheck.objects.update_or_create(
        registration=registration, defaults={**values, "checked_at": now}
    )
    return check


def vehicle_lookup(*, registration: str, make: str, colour: str) -> Lookup:
    """Check a plate as it is logged: never raises for the DVLA; with no key, or when the DVLA
    cannot answer, the answer is "not checked" with the reason."""
    if not dvla.enabled():
        return Lookup(
            status=VehicleCheckStatus.NOT_CHECKED,
            note=_("Vehicle checks with the DVLA are not set up on this server."),
        )
    try:
        check = vehicle_check_cached(registration=registration)
    except dvla.EnquiryFailed as exc:
        logger.warning("DVLA enquiry at logging time failed: %s", exc)
        return Lookup(
            status=VehicleCheckStatus.NOT_CHECKED,
            note=_("The DVLA could not be asked just now; the vehicle is checked later."),
        )
    return _compared(check, make=make, colour=colour)


# --- Checking stored offences ----------------------------------------------------------------


def initial_vehicle_check() -> str:
    """The check an offence starts with as it is stored: waiting for its task, or, with no
    key, not checked."""
    return VehicleCheckStatus.PENDING if dvla.enabled() else VehicleCheckStatus.NOT_CHECKED


def offence_vehicle_checks_queue(offence_ids: list[object]) -> None:
    """Queue a check of each offence once the transaction storing them commits."""
    if not dvla.enabled():
        return
    for offence_id in offence_ids:
        transaction.on_commit(partial(_queue_check, str(offence_id)))


def _queue_check(offence_id: str, countdown: float | None = None) -> None:
    try:
        task_queue(CHECK_TASK, kwargs={"offence_id": offence_id}, countdown=countdown)
    except KombuOperationalError:
        # The offence stays "being checked"; the retention job's sweep queues it again.
        logger.exception("Could not queue the vehicle check of offence %s", offence_id)


def _backoff(attempt: int) -> float:
    """``DVLA_VES_RETRY_SECONDS`` after the first attempt, doubling, at most an hour."""
    return float(min(settings.DVLA_VES_RETRY_SECONDS * 2 ** max(attempt - 1, 0), 3600))


def offence_vehicle_check(*, offence_id: str, attempt: int = 1, now: datetime | None = None) -> str:
    """Check a stored offence's vehicle, if it is waiting for its check; returns what became
    of it. Raises ``TryAgain`` when the DVLA cannot answer now and attempts are left; after
    the last, the offence is "not checked" with the reason (and holds nothing back)."""
    now = now or timezone.now()
    offence = (
        Offence.objects.filter(
            pk=offence_id, vehicle_check=VehicleCheckStatus.PENDING, anonymised_at__isnull=True
        )
        .only("id", "registration", "make", "colour")
        .first()
    )
    if offence is None:
        return "not waiting"
    waiting = Offence.objects.filter(
        pk=offence.pk, vehicle_check=VehicleCheckStatus.PENDING, registration=offence.registration
    )
    if not dvla.enabled():
        waiting.update(
            vehicle_check=VehicleCheckStatus.NOT_CHECKED,
            vehicle_check_note="Vehicle checks are off (no DVLA_VES_API_KEY).",
        )
        return VehicleCheckStatus.NOT_CHECKED
    try:
        check = vehicle_check_cached(registration=offence.registration, now=now)
    except dvla.EnquiryFailed as exc:
        if exc.passing and attempt < settings.DVLA_VES_MAX_ATTEMPTS:
            waiting.update(vehicle_check_note=f"{exc.message} (attempt {attempt})."[:300])
            raise TryAgain(exc.message, _backoff(attempt)) from exc
        waiting.update(
            vehicle_check=VehicleCheckStatus.NOT_CHECKED,
            vehicle_check_note=exc.message[:300],
            vehicle_checked_at=now,
        )
        return VehicleCheckStatus.NOT_CHECKED
    # Only if nobody corrected it meanwhile: a correction queues a check of its own.
    return _record_check(waiting, offence=offence, check=check, now=now)


def _record_check(
    waiting: QuerySet[Offence], *, offence: Offence, check: VehicleCheck, now: datetime
) -> str:
    """Record on the offences of ``waiting`` (the offence, while it still waits) how its
    vehicle compares with the register's answer; returns the check's status."""
    result = _compared(check, make=offence.make, colour=offence.colour)
    waiting.update(
        vehicle_check=result.status,
        registered_make=result.registered_make,
        registered_colour=result.registered_colour,
        vehicle_checked_at=now,
        vehicle_check_note="",
    )
    return result.status


def offence_vehicle_compare(*, offence: Offence, check: VehicleCheck, now: datetime) -> str:
    """Compare a stored offence's vehicle with the register's answer for its registration,
    kept already (``vehicle_check_keep``) rather than asked for, and record it as the
    offence's check; returns its status. Only for an offence no check has reached (waiting,
    or not checked): one confirmed or corrected by a person is theirs.

    The demo's held-back offence is made this way: its server has no key to ask the DVLA
    with, so the demo keeps an answer of its own making for the registration."""
    if check.registration != offence.registration:
        raise ValueError(f"{check.registration} is not the offence's registration")
    unchecked = Offence.objects.filter(
        pk=offence.pk,
        registration=offence.registration,
        vehicle_check__in=[VehicleCheckStatus.PENDING, VehicleCheckStatus.NOT_CHECKED],
        anonymised_at__isnull=True,
    )
    if not unchecked.exists():
        raise ValueError(f"The vehicle of offence {offence.pk} has been checked already")
    return _record_check(unchecked, offence=offence, check=check, now=now)


def vehicle_checks_sweep(*, now: datetime | None = None) -> int:
    """Queue again the checks no task holds: offences still waiting for their check an hour
    after they were stored (a task lost with the broker, or a worker). Returns how many."""
    if not dvla.enabled():
        return 0
    now = now or timezone.now()
    stranded = list(
        Offence.objects.filter(
            vehicle_check=VehicleCheckStatus.PENDING,
            anonymised_at__isnull=True,
            created_at__lt=now - timedelta(hours=1),
        ).values_list("pk", flat=True)[:1000]
    )
    for offence_id in stranded:
        _queue_check(str(offence_id))
    return len(stranded)


# --- Held back: confirmed or corrected -------------------------------------------------------


def _require_held_back(offence: Offence) -> None:
    if offence.vehicle_check not in VEHICLE_HELD_BACK:
        raise ValidationError({"non_field_errors": [_("This offence's vehicle is not held back.")]})
    if offence.anonymised_at is not None:
        raise ValidationError(
            {"non_field_errors": [_("This offence is anonymised: it cannot be changed.")]}
        )


@transaction.atomic
def offence_vehicle_confirm(*, offence: Offence, actor: User, reason: str = "") -> Offence:
    """Confirm an offence held back for its vehicle as recorded (the coordinator is sure of
    the plate): it joins the letters batch. Recorded as an amendment of its session."""
    offence = Offence.objects.select_for_update().select_related("session").get(pk=offence.pk)
    _require_held_back(offence)
    before = offence.vehicle_check
    offence.vehicle_check = VehicleCheckStatus.CONFIRMED
    offence.save(update_fields=["vehicle_check"])
    SessionAmendment.objects.create(
        session=offence.session,
        actor=actor,
        reason=reason or "Vehicle confirmed as recorded after the DVLA check",
        changes={"vehicle_check": [before, VehicleCheckStatus.CONFIRMED.value]},
    )
    return offence


@transaction.atomic
def offence_vehicle_correct(
    *, offence: Offence, actor: User, registration: str, make: str, colour: str, reason: str = ""
) -> Offence:
    """Correct the registration, make or colour of an offence held back for its vehicle: it
    is checked again (and stays out of the letters batch until that check agrees). A new
    registration moves the offence to that vehicle's escalation. Recorded as an amendment."""
    offence = (
        Offence.objects.select_for_update().select_related("session", "scheme").get(pk=offence.pk)
    )
    _require_held_back(offence)
    try:
        registration = normalise_registration(registration)
    except ValidationError as exc:
        raise ValidationError({"registration": exc.messages}) from exc
    new = {"registration": registration, "make": make.strip(), "colour": colour.strip()}
    changes = {
        field: [getattr(offence, field), value]
        for field, value in new.items()
        if getattr(offence, field) != value
    }
    if not changes:
        raise ValidationError(
            {
                "non_field_errors": [
                    _("Nothing would change: confirm it as recorded, or correct a detail.")
                ]
            }
        )
    old_registration, old_key = offence.registration, offence.vehicle_key
    for field, value in new.items():
        setattr(offence, field, value)
    fields = [*new, "vehicle_check", "registered_make", "registered_colour", "vehicle_check_note"]
    if "registration" in changes:
        offence.vehicle_key = vehicle_key(registration)
        offence.registration_format = registration_format(registration)
        fields += ["vehicle_key", "registration_format"]
    offence.vehicle_check = initial_vehicle_check()
    offence.registered_make = offence.registered_colour = offence.vehicle_check_note = ""
    offence.save(update_fields=fields)
    if "registration" in changes:
        # The offence leaves one vehicle for another: both are marked afresh (the old one
        # may be left with a single offence, which is then no repeat vehicle).
        repeat_vehicles_remark(force=offence.force, vehicle_keys={old_key, offence.vehicle_key})
        escalation_recompute(
            force=offence.force,
            registrations={old_registration, registration},
            since=offence.observed_at,
        )
    SessionAmendment.objects.create(
        session=offence.session,
        actor=actor,
        reason=reason or "Vehicle corrected after the DVLA check",
        changes=changes,
    )
    offence_vehicle_checks_queue([offence.pk])
    offence.refresh_from_db()
    return offence
