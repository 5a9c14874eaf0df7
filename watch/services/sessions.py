"""Writes of speedwatch sessions and their offences: the police rules a session meets, drafts,
batches of offences (all stored or none), submission and amendments."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from core.exceptions import InvalidRows
from schemes.models import Membership, MembershipStatus, Scheme
from schemes.services import activity_record
from watch import rules
from watch.models import (
    Action,
    ActionStatus,
    Offence,
    Session,
    SessionAmendment,
    SessionStatus,
    Site,
    SiteStatus,
    SpeedwatchActivity,
)
from watch.registrations import normalise_registration, registration_format, vehicle_key
from watch.services.escalation import escalation_recompute
from watch.services.repeat_vehicles import repeat_vehicles_mark
from watch.services.vehicles import initial_vehicle_check, offence_vehicle_checks_queue


def _check_session_rules(
    *,
    scheme: Scheme,
    site: Site,
    started_at: datetime,
    ended_at: datetime,
    present: Sequence[User],
    device_checked_on: Any,
) -> None:
    """The police rules a session must meet; every broken rule is reported at once."""
    errors: dict[str, list[str]] = {}
    now = timezone.now()
    if site.scheme_id != scheme.pk:
        errors.setdefault("site", []).append(_("This site belongs to another scheme."))
    elif site.status != SiteStatus.APPROVED:
        errors.setdefault("site", []).append(
            _("Sessions need an approved site; this one is %(status)s.")
            % {"status": site.get_status_display().lower()}
        )
    if ended_at <= started_at:
        errors.setdefault("ended_at", []).append(_("The session must end after it starts."))
    if ended_at > now + timedelta(minutes=5):
        errors.setdefault("ended_at", []).append(_("The session cannot end in the future."))
    max_hours = settings.SPEEDWATCH_SESSION_MAX_HOURS
    if ended_at - started_at > timedelta(hours=max_hours):
        errors.setdefault("ended_at", []).append(
            ngettext(
                "A session lasts at most %(hours)d hour.",
                "A session lasts at most %(hours)d hours.",
                max_hours,
            )
            % {"hours": max_hours}
        )
    sunrise, sunset = rules.daylight(
        lat=site.lat, lon=site.lon, on=timezone.localtime(started_at).date()
    )
    daylight = _("Sessions run in daylight: between %(sunrise)s and %(sunset)s that day.") % {
        "sunrise": f"{sunrise:%H:%M}",
        "sunset": f"{sunset:%H:%M}",
    }
    if started_at < sunrise:
        errors.setdefault("started_at", []).append(daylight)
    if ended_at > sunset:
        errors.setdefault("ended_at", []).append(daylight)
    minimum = settings.SPEEDWATCH_MIN_MEMBERS_PRESENT
    if len(set(present)) < minimum:
        errors.setdefault("present", []).append(
            ngettext(
                "At least %(minimum)d member must be present; %(ticked)d ticked.",
                "At least %(minimum)d members must be present; %(ticked)d ticked.",
                minimum,
            )
            % {"minimum": minimum, "ticked": len(set(present))}
        )
    members = set(
        Membership.objects.filter(
            scheme=scheme, status=MembershipStatus.ACTIVE, user__in=present
        ).values_list("user_id", flat=True)
    )
    outsiders = [user.name for user in present if user.pk not in members]
    if outsiders:
        errors.setdefault("present", []).append(
            _("Not members of this scheme: %(names)s.") % {"names": ", ".join(sorted(outsiders))}
        )
    max_age = timedelta(days=settings.SPEEDWATCH_DEVICE_CHECK_MAX_AGE_DAYS)
    if device_checked_on > timezone.localdate(started_at):
        errors.setdefault("device_checked_on", []).append(_("The check date is after the session."))
    elif timezone.localdate(started_at) - device_checked_on > max_age:
        errors.setdefault("device_checked_on", []).append(
            ngettext(
                "The device's last accuracy check is older than %(days)d day: "
                "have it checked first.",
                "The device's last accuracy check is older than %(days)d days: "
                "have it checked first.",
                settings.SPEEDWATCH_DEVICE_CHECK_MAX_AGE_DAYS,
            )
            % {"days": settings.SPEEDWATCH_DEVICE_CHECK_MAX_AGE_DAYS}
        )
    if errors:
        raise ValidationError(errors)


def _volunteer_minutes(started_at: datetime, ended_at: datetime, present: Sequence[User]) -> int:
    return int((ended_at - started_at).total_seconds() // 60) * len(set(present))


@dataclass(frozen=True)
class RefusedRow:
    """A row of a batch already refused for its shape (a missing field, a word for a number):
    it stays in the batch, so its errors are reported by its number with the other rows'."""

    errors: dict[str, Any]


OffenceRow = dict[str, Any] | RefusedRow


def check_batch_size(rows: int) -> None:
    """Refuse an oversized batch before any of its rows is looked at."""
    if rows > settings.SPEEDWATCH_BULK_MAX_ROWS:
        raise ValidationError(
            {
                "offences": ngettext(
                    "Send at most %(count)d offence at once.",
                    "Send at most %(count)d offences at once.",
                    settings.SPEEDWATCH_BULK_MAX_ROWS,
                )
                % {"count": settings.SPEEDWATCH_BULK_MAX_ROWS}
            }
        )


def _offence_from(session: Session, row: dict[str, Any]) -> Offence:
    """Validate one offence of a session (raises ValidationError with field messages)."""
    errors: dict[str, list[str]] = {}
    limit = session.site.speed_limit_mph
    threshold = rules.threshold_mph(limit)
    if row["speed_mph"] < threshold:
        errors["speed_mph"] = [
            _(
                "%(speed)d mph is under the %(threshold)d mph threshold for a %(limit)d mph "
                "limit: only speeds of %(threshold)d mph or more are offences."
            )
            % {"speed": row["speed_mph"], "threshold": threshold, "limit": limit}
        ]
    observed_at = row["observed_at"]
    if not session.started_at <= observed_at <= session.ended_at:
        errors["observed_at"] = [
            _("The time must fall within the session (%(start)s-%(end)s).")
            % {
                "start": f"{timezone.localtime(session.started_at):%H:%M}",
                "end": f"{timezone.localtime(session.ended_at):%H:%M}",
            }
        ]
    try:
        registration = normalise_registration(row["registration"])
    except ValidationError as exc:
        errors["registration"] = exc.messages
        registration = ""
    if errors:
        raise ValidationError(errors)
    return Offence(
        id=row.get("id") or uuid.uuid4(),
        session=session,
        scheme_id=session.scheme_id,
        site_id=session.site_id,
        force=session.scheme.force,
        speed_limit_mph=limit,
        registration=registration,
        vehicle_key=vehicle_key(registration),
        registration_format=registration_format(registration),
        make=row.get("make", ""),
        model=row.get("model", ""),
        colour=row.get("colour", ""),
        vehicle_type=row.get("vehicle_type") or "car",
        speed_mph=row["speed_mph"],
        observed_at=observed_at,
        direction=row.get("direction") or session.site.direction,
        action=rules.action_for(earlier_offences=0, speed_mph=row["speed_mph"], limit_mph=limit),
    )


def _stored_ids(rows: Sequence[OffenceRow]) -> list[uuid.UUID]:
    return [row["id"] for row in rows if isinstance(row, dict) and row.get("id") is not None]


def _offences_store(session: Session, rows: Sequence[OffenceRow]) -> tuple[list[Offence], bool]:
    """Validate every row in one pass, then store them all or none (errors keyed by row
    number). Returns the batch's offences in row order and whether any was new.

    A row whose id is already stored for this session is a retry: it is not stored again,
    and comes back as it was stored. An id used twice in the batch, or by an offence of
    another session, is an error of that row.
    """
    check_batch_size(len(rows))
    owners = dict(Offence.objects.filter(id__in=_stored_ids(rows)).values_list("id", "session_id"))
    fresh: list[Offence] = []
    batch: list[uuid.UUID] = []  # the ids of the batch's offences, in row order
    errors: dict[str, Any] = {}
    first_row: dict[uuid.UUID, int] = {}
    for number, row in enumerate(rows, start=1):
        if isinstance(row, RefusedRow):
            errors[f"row {number}"] = row.errors
            continue
        offence_id = row.get("id")
        if offence_id is not None:
            if offence_id in first_row:
                errors[f"row {number}"] = {
                    "id": [
                        _("Row %(row)d has the same id: give each offence its own UUID.")
                        % {"row": first_row[offence_id]}
                    ]
                }
                continue
            first_row[offence_id] = number
            owner = owners.get(offence_id)
            if owner == session.pk:
                batch.append(offence_id)
                continue
            if owner is not None:
                errors[f"row {number}"] = {
                    "id": [_("This id is taken by an offence of another session; use a new UUID.")]
                }
                continue
        try:
            offence = _offence_from(session, row)
        except ValidationError as exc:
            errors[f"row {number}"] = exc.message_dict
            continue
        fresh.append(offence)
        batch.append(offence.pk)
    if errors:
        raise InvalidRows("offences", errors)
    if fresh:
        vehicle_check = initial_vehicle_check()
        for offence in fresh:
            offence.vehicle_check = vehicle_check
        try:
            with transaction.atomic():
                Offence.objects.bulk_create(fresh)
        except IntegrityError as exc:
            # Only a race gets here: another upload stored one of these ids since the check.
            raise ValidationError(
                {
                    "offences": _(
                        "Another upload stored some of these offences at the same moment; "
                        "send the batch again."
                    )
                }
            ) from exc
        # Before the escalation, which locks the vehicles' rows in its own order: the vehicles'
        # locks are taken first, so two batches of the same vehicles never hold a row each
        # that the other waits for.
        repeat_vehicles_mark(
            force=session.scheme.force, vehicle_keys={offence.vehicle_key for offence in fresh}
        )
        escalation_recompute(
            force=session.scheme.force,
            registrations={offence.registration for offence in fresh},
            since=min(offence.observed_at for offence in fresh),
        )
        # Checked against the DVLA's register once stored: never before, so that logging
        # never waits for the DVLA or fails with it.
        offence_vehicle_checks_queue([offence.pk for offence in fresh])
    # Read the batch back: escalation may have changed the actions of the new offences.
    stored = {offence.pk: offence for offence in Offence.objects.filter(pk__in=batch)}
    return [stored[pk] for pk in batch], bool(fresh)


def _require_draft(session: Session) -> None:
    if session.status != SessionStatus.DRAFT:
        raise ValidationError(
            _("This session has been submitted and is read-only: record an amendment instead.")
        )


def _require_approved_site(session: Session) -> None:
    """A site suspended after the session was logged takes no more offences or submissions."""
    site = session.site
    if site.status != SiteStatus.APPROVED:
        raise ValidationError(
            {
                "site": _(
                    "The site %(site)s is %(status)s now: only sessions at approved sites take "
                    "offences and are submitted."
                )
                % {"site": site.name, "status": site.get_status_display().lower()}
            }
        )


@transaction.atomic
def session_create(
    *,
    scheme: Scheme,
    actor: User,
    data: dict[str, Any],
    present: Sequence[User],
    offences: Sequence[OffenceRow] = (),
) -> tuple[Session, bool]:
    """Create a draft session with its offences. Returns (session, created).

    A retried upload with the id of a session already stored returns that session, also
    when the first upload is still being stored on another connection.
    """
    session_id = data.get("id")
    if session_id:
        existing = _session_of_retry(session_id, scheme)
        if existing is not None:
            return existing, False
    _check_session_rules(
        scheme=scheme,
        site=data["site"],
        started_at=data["started_at"],
        ended_at=data["ended_at"],
        present=present,
        device_checked_on=data["device_checked_on"],
    )
    try:
        with transaction.atomic():
            session = Session.objects.create(
                scheme=scheme,
                created_by=actor,
                volunteer_minutes=_volunteer_minutes(data["started_at"], data["ended_at"], present),
                **data,
            )
    except IntegrityError:
        # A concurrent upload of the same session committed first (the insert waited for
        # it): answer as a retry would be answered.
        existing = _session_of_retry(session_id, scheme) if session_id else None
        if existing is None:
            raise
        return existing, False
    session.present.set(present)
    if offences:
        _offences_store(session, offences)
    return session, True


def _session_of_retry(session_id: uuid.UUID, scheme: Scheme) -> Session | None:
    existing = Session.objects.filter(pk=session_id).select_related("scheme").first()
    if existing is not None and existing.scheme_id != scheme.pk:
        raise ValidationError({"id": "This id is taken; use a new UUID."})
    return existing


@transaction.atomic
def session_update(
    *, session: Session, data: dict[str, Any], present: Sequence[User] | None
) -> Session:
    session = (
        Session.objects.select_for_update().select_related("site", "scheme").get(pk=session.pk)
    )
    _require_draft(session)
    for field, value in data.items():
        setattr(session, field, value)
    _check_session_rules(
        scheme=session.scheme,
        site=session.site,
        started_at=session.started_at,
        ended_at=session.ended_at,
        present=present if present is not None else list(session.present.all()),
        device_checked_on=session.device_checked_on,
    )
    if present is not None:
        session.present.set(present)
    session.volunteer_minutes = _volunteer_minutes(
        session.started_at, session.ended_at, list(session.present.all())
    )
    session.save(update_fields=[*data, "volunteer_minutes"])
    return session


@transaction.atomic
def offences_add(*, session: Session, rows: Sequence[OffenceRow]) -> tuple[list[Offence], bool]:
    """Add a batch of offences to a draft. Returns the batch's offences and whether any was
    new: a batch whose rows all carry the ids of offences already stored in the session is
    a retry, answered with those offences even after the session was submitted."""
    session = (
        Session.objects.select_for_update().select_related("site", "scheme").get(pk=session.pk)
    )
    ids = _stored_ids(rows)
    if rows and len(ids) == len(rows) == len(set(ids)):
        stored = {offence.pk: offence for offence in session.offences.filter(pk__in=ids)}
        if len(stored) == len(ids):
            return [stored[pk] for pk in ids], False
    _require_draft(session)
    _require_approved_site(session)
    return _offences_store(session, rows)


@transaction.atomic
def offence_delete(*, offence: Offence) -> None:
    _require_draft(offence.session)
    force, registration, observed_at = offence.force, offence.registration, offence.observed_at
    offence.delete()
    escalation_recompute(force=force, registrations={registration}, since=observed_at)


@transaction.atomic
def session_discard(*, session: Session) -> None:
    """Throw away a draft session and its offences (a test run, a session logged twice)."""
    session = Session.objects.select_for_update().select_related("scheme").get(pk=session.pk)
    _require_draft(session)
    registrations = set(session.offences.values_list("registration", flat=True))
    started_at = session.started_at
    session.delete()
    escalation_recompute(force=session.scheme.force, registrations=registrations, since=started_at)


@transaction.atomic
def session_submit(*, session: Session, actor: User, now: datetime | None = None) -> Session:
    """Submit a draft; ``now`` is the moment of submission (the clock by default)."""
    now = now or timezone.now()
    session = (
        Session.objects.select_for_update().select_related("site", "scheme").get(pk=session.pk)
    )
    _require_draft(session)
    _require_approved_site(session)
    deadline = session.ended_at + timedelta(hours=settings.SPEEDWATCH_SUBMIT_WITHIN_HOURS)
    if now > deadline:
        raise ValidationError(
            ngettext(
                "Sessions must be submitted within %(hours)d hour of their end; "
                "this one closed at %(closed)s.",
                "Sessions must be submitted within %(hours)d hours of their end; "
                "this one closed at %(closed)s.",
                settings.SPEEDWATCH_SUBMIT_WITHIN_HOURS,
            )
            % {
                "hours": settings.SPEEDWATCH_SUBMIT_WITHIN_HOURS,
                # Day and month in the language asked for ("07 Rhag 2026 10:00").
                "closed": date_format(timezone.localtime(deadline), "d M Y H:i"),
            }
        )
    session.status = SessionStatus.SUBMITTED
    session.submitted_at = now
    session.submitted_by = actor
    session.save(update_fields=["status", "submitted_at", "submitted_by"])
    # Before the escalation, which counts only submitted offences.
    session.offences.update(submitted=True)
    registrations = set(session.offences.values_list("registration", flat=True))
    escalation_recompute(
        force=session.scheme.force, registrations=registrations, since=session.started_at
    )
    activity_record(
        scheme=session.scheme,
        type=SpeedwatchActivity.SESSION_SUBMITTED,
        actor=actor,
        object_id=session.pk,
        payload={
            "site": session.site.name,
            "vehicles_counted": session.vehicles_counted,
            "offences": session.offences.count(),
            "vehicles_offending": len(registrations),
        },
    )
    return session


@transaction.atomic
def session_amend(
    *, session: Session, actor: User, reason: str, changes: dict[str, Any]
) -> SessionAmendment:
    """Correct a submitted session, keeping what it said before, who changed it and why.

    ``changes`` holds new values for vehicles_counted, notes, device_name or device_serial,
    and ``void_offences``: offences recorded in error, which leave the escalation.
    """
    session = Session.objects.select_for_update().select_related("scheme").get(pk=session.pk)
    if not session.is_submitted:
        raise ValidationError(
            _("Drafts are edited directly; amendments are for submitted sessions.")
        )
    changes = dict(changes)
    to_void = set(changes.pop("void_offences", []))
    recorded: dict[str, Any] = {
        field: [getattr(session, field), value]
        for field, value in changes.items()
        if getattr(session, field) != value
    }
    if to_void:
        offences = list(session.offences.filter(pk__in=to_void, voided=False))
        if len(offences) != len(to_void):
            raise ValidationError(
                {"changes": _("Some offences are not in this session, or voided.")}
            )
        recorded["void_offences"] = sorted(str(offence.pk) for offence in offences)
        session.offences.filter(pk__in=to_void).update(
            voided=True, action=Action.NONE, action_status=ActionStatus.DONE
        )
        escalation_recompute(
            force=session.scheme.force,
            registrations={o.registration for o in offences},
            since=min(o.observed_at for o in offences),
        )
    if not recorded:
        raise ValidationError({"changes": _("Nothing would change.")})
    fields = [field for field in recorded if field != "void_offences"]
    for field in fields:
        setattr(session, field, recorded[field][1])
    if fields:
        session.save(update_fields=fields)
    amendment = SessionAmendment.objects.create(
        session=session, actor=actor, reason=reason, changes=recorded
    )
    activity_record(
        scheme=session.scheme,
        type=SpeedwatchActivity.SESSION_AMENDED,
        actor=actor,
        object_id=session.pk,
        payload={"changed": sorted(recorded), "reason": reason},
    )
    return amendment
