"""Every write Community Speedwatch knows: sites, sessions, offences, escalation, disputes."""

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.exceptions import InvalidRows
from schemes.models import (
    ActivityType,
    Membership,
    MembershipStatus,
    Scheme,
    SchemeKind,
    SchemeStatus,
)
from schemes.services import activity_record
from watch import rules
from watch.models import (
    Action,
    ActionStatus,
    DisputeOutcome,
    Offence,
    Session,
    SessionAmendment,
    SessionStatus,
    Site,
    SiteStatus,
)
from watch.registrations import normalise_registration, registration_format

# --- Sites ----------------------------------------------------------------------------


@transaction.atomic
def site_propose(*, scheme: Scheme, actor: User, data: dict[str, Any]) -> Site:
    if scheme.kind != SchemeKind.SPEEDWATCH or scheme.status != SchemeStatus.ACTIVE:
        raise ValidationError({"scheme": "Sites belong to active Community Speedwatch schemes."})
    if data["speed_limit_mph"] not in settings.SPEEDWATCH_ALLOWED_LIMITS_MPH:
        allowed = ", ".join(str(limit) for limit in settings.SPEEDWATCH_ALLOWED_LIMITS_MPH)
        raise ValidationError(
            {"speed_limit_mph": f"Speedwatch runs on roads limited to {allowed} mph."}
        )
    site = Site.objects.create(scheme=scheme, proposed_by=actor, **data)
    activity_record(
        scheme=scheme,
        type=ActivityType.SITE_PROPOSED,
        actor=actor,
        summary=f"{actor.name} proposed the site {site.name} ({site.speed_limit_mph} mph).",
    )
    return site


SITE_DECISIONS: dict[tuple[str, str], ActivityType] = {
    (SiteStatus.PROPOSED, SiteStatus.APPROVED): ActivityType.SITE_APPROVED,
    (SiteStatus.PROPOSED, SiteStatus.REJECTED): ActivityType.SITE_REJECTED,
    (SiteStatus.APPROVED, SiteStatus.SUSPENDED): ActivityType.SITE_SUSPENDED,
    (SiteStatus.SUSPENDED, SiteStatus.APPROVED): ActivityType.SITE_APPROVED,
}


@transaction.atomic
def site_decide(*, site: Site, actor: User, status: str, reason: str) -> Site:
    """A liaison approves, rejects, suspends or reinstates a site."""
    site = Site.objects.select_for_update().get(pk=site.pk)
    activity = SITE_DECISIONS.get((site.status, status))
    if activity is None:
        raise ValidationError({"status": f"A {site.status} site cannot become {status}."})
    if status in (SiteStatus.REJECTED, SiteStatus.SUSPENDED) and not reason.strip():
        raise ValidationError({"reason": "Say why, so the coordinator can put it right."})
    site.status = status
    site.decision_reason = reason
    site.decided_by = actor
    site.decided_at = timezone.now()
    site.save(update_fields=["status", "decision_reason", "decided_by", "decided_at"])
    activity_record(
        scheme=site.scheme,
        type=activity,
        actor=actor,
        summary=f"{actor.name}: site {site.name} {status}." + (f" {reason}" if reason else ""),
    )
    return site


# --- Sessions -------------------------------------------------------------------------


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
        errors.setdefault("site", []).append("This site belongs to another scheme.")
    elif site.status != SiteStatus.APPROVED:
        errors.setdefault("site", []).append(
            f"Sessions need an approved site; this one is {site.get_status_display().lower()}."
        )
    if ended_at <= started_at:
        errors.setdefault("ended_at", []).append("The session must end after it starts.")
    if ended_at > now + timedelta(minutes=5):
        errors.setdefault("ended_at", []).append("The session cannot end in the future.")
    if ended_at - started_at > timedelta(hours=settings.SPEEDWATCH_SESSION_MAX_HOURS):
        errors.setdefault("ended_at", []).append(
            f"A session lasts at most {settings.SPEEDWATCH_SESSION_MAX_HOURS} hours."
        )
    sunrise, sunset = rules.daylight(
        lat=site.lat, lon=site.lon, on=timezone.localtime(started_at).date()
    )
    if started_at < sunrise or ended_at > sunset:
        errors.setdefault("started_at", []).append(
            f"Sessions run in daylight: between {sunrise:%H:%M} and {sunset:%H:%M} that day."
        )
    minimum = settings.SPEEDWATCH_MIN_MEMBERS_PRESENT
    if len(set(present)) < minimum:
        errors.setdefault("present", []).append(
            f"At least {minimum} members must be present; {len(set(present))} ticked."
        )
    members = set(
        Membership.objects.filter(
            scheme=scheme, status=MembershipStatus.ACTIVE, user__in=present
        ).values_list("user_id", flat=True)
    )
    outsiders = [user.name for user in present if user.pk not in members]
    if outsiders:
        errors.setdefault("present", []).append(
            f"Not members of this scheme: {', '.join(sorted(outsiders))}."
        )
    max_age = timedelta(days=settings.SPEEDWATCH_DEVICE_CHECK_MAX_AGE_DAYS)
    if device_checked_on > timezone.localdate(started_at):
        errors.setdefault("device_checked_on", []).append("The check date is after the session.")
    elif timezone.localdate(started_at) - device_checked_on > max_age:
        errors.setdefault("device_checked_on", []).append(
            f"The device's last accuracy check is older than "
            f"{settings.SPEEDWATCH_DEVICE_CHECK_MAX_AGE_DAYS} days: have it checked first."
        )
    if errors:
        raise ValidationError(errors)


def _volunteer_minutes(started_at: datetime, ended_at: datetime, present: Sequence[User]) -> int:
    return int((ended_at - started_at).total_seconds() // 60) * len(set(present))


def _offence_from(session: Session, row: dict[str, Any]) -> Offence:
    """Validate one offence of a session (raises ValidationError with field messages)."""
    errors: dict[str, list[str]] = {}
    limit = session.site.speed_limit_mph
    threshold = rules.threshold_mph(limit)
    if row["speed_mph"] < threshold:
        errors["speed_mph"] = [
            f"{row['speed_mph']} mph is under the {threshold} mph threshold for a "
            f"{limit} mph limit: only speeds of {threshold} mph or more are offences."
        ]
    observed_at = row["observed_at"]
    if not session.started_at <= observed_at <= session.ended_at:
        errors["observed_at"] = [
            f"The time must fall within the session "
            f"({timezone.localtime(session.started_at):%H:%M}-"
            f"{timezone.localtime(session.ended_at):%H:%M})."
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


def _offences_store(session: Session, rows: Sequence[dict[str, Any]]) -> list[Offence]:
    """Validate every row first, then store them all or none (errors keyed by row number).

    Rows whose id is already stored for this session are retries: they are skipped.
    """
    existing = set(
        Offence.objects.filter(
            session=session, id__in=[r["id"] for r in rows if r.get("id")]
        ).values_list("id", flat=True)
    )
    fresh, errors = [], {}
    for number, row in enumerate(rows, start=1):
        if row.get("id") in existing:
            continue
        try:
            fresh.append(_offence_from(session, row))
        except ValidationError as exc:
            errors[f"row {number}"] = exc.message_dict
    if errors:
        raise InvalidRows("offences", errors)
    Offence.objects.bulk_create(fresh)
    escalation_recompute(force=session.scheme.force, registrations={o.registration for o in fresh})
    return fresh


def _require_draft(session: Session) -> None:
    if session.status != SessionStatus.DRAFT:
        raise ValidationError(
            "This session has been submitted and is read-only: record an amendment instead."
        )


@transaction.atomic
def session_create(
    *,
    scheme: Scheme,
    actor: User,
    data: dict[str, Any],
    present: Sequence[User],
    offences: Sequence[dict[str, Any]] = (),
) -> tuple[Session, bool]:
    """Create a draft session with its offences. Returns (session, created).

    A retried upload with the id of a session already stored returns that session.
    """
    session_id = data.get("id")
    if session_id:
        existing = Session.objects.filter(pk=session_id).select_related("scheme").first()
        if existing is not None:
            if existing.scheme_id != scheme.pk:
                raise ValidationError({"id": "This id is taken; use a new UUID."})
            return existing, False
    _check_session_rules(
        scheme=scheme,
        site=data["site"],
        started_at=data["started_at"],
        ended_at=data["ended_at"],
        present=present,
        device_checked_on=data["device_checked_on"],
    )
    session = Session.objects.create(
        scheme=scheme,
        created_by=actor,
        volunteer_minutes=_volunteer_minutes(data["started_at"], data["ended_at"], present),
        **data,
    )
    session.present.set(present)
    if offences:
        _offences_store(session, offences)
    return session, True


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
def offences_add(*, session: Session, rows: Sequence[dict[str, Any]]) -> list[Offence]:
    session = (
        Session.objects.select_for_update().select_related("site", "scheme").get(pk=session.pk)
    )
    _require_draft(session)
    if len(rows) > settings.SPEEDWATCH_BULK_MAX_ROWS:
        raise ValidationError(
            {"offences": f"Send at most {settings.SPEEDWATCH_BULK_MAX_ROWS} offences at once."}
        )
    return _offences_store(session, rows)


@transaction.atomic
def offence_delete(*, offence: Offence) -> None:
    _require_draft(offence.session)
    force, registration = offence.force, offence.registration
    offence.delete()
    escalation_recompute(force=force, registrations={registration})


@transaction.atomic
def session_discard(*, session: Session) -> None:
    """Throw away a draft session and its offences (a test run, a session logged twice)."""
    session = Session.objects.select_for_update().select_related("scheme").get(pk=session.pk)
    _require_draft(session)
    registrations = set(session.offences.values_list("registration", flat=True))
    session.delete()
    escalation_recompute(force=session.scheme.force, registrations=registrations)


@transaction.atomic
def session_submit(*, session: Session, actor: User, now: datetime | None = None) -> Session:
    """Submit a draft; ``now`` is the moment of submission (the clock by default)."""
    now = now or timezone.now()
    session = (
        Session.objects.select_for_update().select_related("site", "scheme").get(pk=session.pk)
    )
    _require_draft(session)
    deadline = session.ended_at + timedelta(hours=settings.SPEEDWATCH_SUBMIT_WITHIN_HOURS)
    if now > deadline:
        raise ValidationError(
            f"Sessions must be submitted within {settings.SPEEDWATCH_SUBMIT_WITHIN_HOURS} hours "
            f"of their end; this one closed at {timezone.localtime(deadline):%d %b %Y %H:%M}."
        )
    session.status = SessionStatus.SUBMITTED
    session.submitted_at = now
    session.submitted_by = actor
    session.save(update_fields=["status", "submitted_at", "submitted_by"])
    registrations = set(session.offences.values_list("registration", flat=True))
    escalation_recompute(force=session.scheme.force, registrations=registrations)
    count = len(registrations)
    activity_record(
        scheme=session.scheme,
        type=ActivityType.SESSION_SUBMITTED,
        actor=actor,
        summary=(
            f"{actor.name} submitted a session at {session.site.name}: "
            f"{session.vehicles_counted} vehicles, {session.offences.count()} offences "
            f"({count} vehicles)."
        ),
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
        raise ValidationError("Drafts are edited directly; amendments are for submitted sessions.")
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
            raise ValidationError({"changes": "Some offences are not in this session, or voided."})
        recorded["void_offences"] = sorted(str(offence.pk) for offence in offences)
        session.offences.filter(pk__in=to_void).update(
            voided=True, action=Action.NONE, action_status=ActionStatus.DONE
        )
        escalation_recompute(
            force=session.scheme.force, registrations={o.registration for o in offences}
        )
    if not recorded:
        raise ValidationError({"changes": "Nothing would change."})
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
        type=ActivityType.SESSION_AMENDED,
        actor=actor,
        summary=f"{actor.name} amended a session ({', '.join(sorted(recorded))}): {reason}",
    )
    return amendment


# --- Escalation -----------------------------------------------------------------------


def escalation_recompute(*, force: str, registrations: Iterable[str]) -> None:
    """Recompute the action of each offence of these vehicles in the force area.

    Walks each vehicle's offences in time order: voided offences earn nothing and do not
    count; the others count within the rolling window. Only offences whose letter has not
    been sent yet change: what the police already sent stays on record.
    """
    window = rules.escalation_window()
    for registration in registrations:
        if not registration:
            continue
        offences = list(
            Offence.objects.filter(force=force, registration=registration)
            .select_related("session")
            .order_by("observed_at", "created_at")
            .select_for_update()
        )
        counted: list[datetime] = []
        changed = []
        for offence in offences:
            if offence.voided:
                action = Action.NONE
            else:
                earlier = sum(1 for at in counted if offence.observed_at - at < window)
                action = rules.action_for(
                    earlier_offences=earlier,
                    speed_mph=offence.speed_mph,
                    limit_mph=offence.speed_limit_mph,
                )
                # Drafts earn a provisional action but only submitted sessions count.
                if offence.session.is_submitted:
                    counted.append(offence.observed_at)
            if action != offence.action and offence.action_status == ActionStatus.PENDING:
                offence.action = action
                changed.append(offence)
        Offence.objects.bulk_update(changed, ["action"])


@transaction.atomic
def offences_mark(*, offences: Sequence[Offence], actor: User, status: str) -> int:
    """A liaison marks letters as sent, or actions as done."""
    now = timezone.now()
    for offence in offences:
        if offence.voided:
            raise ValidationError({"ids": f"Offence {offence.pk} is voided: nothing to send."})
        if not offence.session.is_submitted:
            raise PermissionDenied("Only offences of submitted sessions are in the queue.")
    return Offence.objects.filter(pk__in=[o.pk for o in offences]).update(
        action_status=status, action_updated_at=now, action_updated_by=actor
    )


@transaction.atomic
def offence_dispute(*, offence: Offence, actor: User, outcome: str, note: str) -> Offence:
    """Record the outcome of a keeper's dispute; an upheld dispute voids the offence and the
    vehicle's escalation is worked out again without it."""
    offence = Offence.objects.select_for_update().get(pk=offence.pk)
    offence.dispute_outcome = outcome
    offence.dispute_note = note
    offence.voided = outcome == DisputeOutcome.UPHELD
    fields = ["dispute_outcome", "dispute_note", "voided"]
    if offence.voided:
        offence.action = Action.NONE
        offence.action_status = ActionStatus.DONE
        fields += ["action", "action_status"]
    offence.save(update_fields=fields)
    escalation_recompute(force=offence.force, registrations={offence.registration})
    offence.refresh_from_db()
    return offence


# --- Retention ------------------------------------------------------------------------


def registrations_purge(*, now: datetime | None = None) -> int:
    """Anonymise offences older than the retention period: registration and vehicle details
    go, counts and speeds stay for statistics. Returns how many offences were anonymised."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.SPEEDWATCH_RETENTION_DAYS)
    return Offence.objects.filter(observed_at__lt=cutoff, anonymised_at__isnull=True).update(
        registration="", make="", model="", colour="", anonymised_at=now
    )
