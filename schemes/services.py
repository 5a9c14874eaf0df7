"""Every write the schemes domain knows: proposing, the status lifecycle, membership."""

import logging
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from kombu.exceptions import OperationalError as KombuOperationalError

from accounts.models import User
from areas.models import area_fields
from core.queueing import task_queue
from schemes.activity import activity_kind, activity_summary_stored
from schemes.boundaries import NeighbourhoodRow
from schemes.emails import join_declined_email_send
from schemes.models import (
    ActivityEvent,
    ActivityType,
    Membership,
    MembershipRole,
    MembershipStatus,
    Neighbourhood,
    Scheme,
    SchemeStatus,
    SchemeStatusChange,
    status_word,
)
from schemes.permissions import (
    can_import_neighbourhoods,
    can_review_scheme,
    is_coordinator,
    is_proposer,
    liaison_force,
)

logger = logging.getLogger(__name__)

DETAIL_FIELDS = (
    "name",
    "kind",
    "description",
    "force",
    "contact_name",
    "contact_email",
    "contact_phone",
    "show_contact_email",
    "show_contact_phone",
)


def activity_record(
    *,
    scheme: Scheme | None,
    type: str,
    actor: User | None,
    object_id: object,
    payload: dict[str, Any] | None = None,
    force: str | None = None,
) -> ActivityEvent:
    """Record an event in the scheme's log: its kind (which says what type of object it is
    about), that object's id, and the facts its prose needs. The prose is rendered here, once,
    by the kind (``schemes.activity``), and kept as it then read. An event of no scheme (a
    liaison's alert for their force) is the force's, which ``force`` then names."""
    kind = activity_kind(type)
    payload = payload or {}
    actor_name = actor.name if actor else ""
    if scheme is not None:
        force = scheme.force
    if not force:
        raise ValueError("An event of no scheme names its force.")
    return ActivityEvent.objects.create(
        scheme=scheme,
        type=type,
        actor=actor,
        actor_name=actor_name,
        object_type=kind.about,
        object_id=str(object_id),
        force=force,
        payload=payload,
        summary=activity_summary_stored(type=type, actor_name=actor_name, payload=payload)[:300],
    )


@transaction.atomic
def scheme_propose(*, proposer: User, details: dict[str, Any], area: dict[str, Any]) -> Scheme:
    """Register a proposed scheme; the proposer becomes its coordinator once approved."""
    scheme = Scheme(
        **{field: details[field] for field in DETAIL_FIELDS if field in details},
        **area_fields(**area),
        proposed_by=proposer,
        status=SchemeStatus.PROPOSED,
    )
    scheme.full_clean()
    scheme.save()
    proposal_record(scheme=scheme, actor=proposer)
    return scheme


def proposal_record(*, scheme: Scheme, actor: User, in_admin: bool = False) -> None:
    """Record a new scheme's start: the first step of its status history, and its activity."""
    SchemeStatusChange.objects.create(
        scheme=scheme, from_status="", to_status=scheme.status, actor=actor
    )
    payload: dict[str, Any] = {"scheme": scheme.name, "kind": scheme.kind}
    if in_admin:
        payload["in_admin"] = True
    activity_record(
        scheme=scheme,
        type=ActivityType.SCHEME_PROPOSED,
        actor=actor,
        object_id=scheme.pk,
        payload=payload,
    )


@transaction.atomic
def scheme_update(
    *, scheme: Scheme, actor: User, details: dict[str, Any], area: dict[str, Any] | None
) -> Scheme:
    changed = [field for field in DETAIL_FIELDS if field in details]
    if (
        "force" in changed
        and details["force"] != scheme.force
        and not (scheme.status == SchemeStatus.PROPOSED or can_review_scheme(actor, scheme))
    ):
        raise PermissionDenied(_("Only a liaison can move an approved scheme to another force."))
    for field in changed:
        setattr(scheme, field, details[field])
    if area:
        for field, value in area_fields(**area).items():
            setattr(scheme, field, value)
            changed.append(field)
    if not changed:
        return scheme
    scheme.full_clean()
    scheme.save(update_fields=[*changed, "updated_at"])
    activity_record(
        scheme=scheme,
        type=ActivityType.SCHEME_UPDATED,
        actor=actor,
        object_id=scheme.pk,
        payload={"changed": changed},
    )
    return scheme


# Allowed lifecycle steps, and who may take each one. Staff may take any of them, in the
# Django admin, through this same function, so every step is recorded with who and why.
LIAISON, COORDINATOR, PROPOSER = "liaison", "coordinator", "proposer"
# Who may take a step, as the refusal names them ("Only a liaison may ...").
STEPPERS = {
    LIAISON: pgettext_lazy("who may change a scheme's status", "liaison"),
    COORDINATOR: pgettext_lazy("who may change a scheme's status", "coordinator"),
    PROPOSER: pgettext_lazy("who may change a scheme's status", "proposer"),
}
TRANSITIONS: dict[tuple[str, str], set[str]] = {
    (SchemeStatus.PROPOSED, SchemeStatus.ACTIVE): {LIAISON},
    (SchemeStatus.PROPOSED, SchemeStatus.CLOSED): {LIAISON, PROPOSER},
    (SchemeStatus.ACTIVE, SchemeStatus.SUSPENDED): {LIAISON},
    (SchemeStatus.SUSPENDED, SchemeStatus.ACTIVE): {LIAISON},
    (SchemeStatus.ACTIVE, SchemeStatus.CLOSED): {LIAISON, COORDINATOR},
    (SchemeStatus.SUSPENDED, SchemeStatus.CLOSED): {LIAISON},
}
REASON_REQUIRED = {SchemeStatus.SUSPENDED, SchemeStatus.CLOSED}


def _actor_roles(actor: User, scheme: Scheme) -> set[str]:
    roles = set()
    if can_review_scheme(actor, scheme):
        roles.add(LIAISON)
    if is_coordinator(actor, scheme):
        roles.add(COORDINATOR)
    if is_proposer(actor, scheme):
        roles.add(PROPOSER)
    return roles


def _may_step(actor: User, scheme: Scheme, allowed: set[str]) -> bool:
    return actor.is_staff or bool(allowed & _actor_roles(actor, scheme))


def scheme_status_steps(*, scheme: Scheme, actor: Any) -> list[str]:
    """The statuses ``actor`` may move the scheme to now, by the rule that
    ``scheme_status_change`` applies."""
    if not actor.is_authenticated:
        return []
    return [
        to_status
        for (from_status, to_status), allowed in TRANSITIONS.items()
        if from_status == scheme.status and _may_step(actor, scheme, allowed)
    ]


def _activity_for(from_status: str, to_status: str) -> ActivityType:
    if to_status == SchemeStatus.ACTIVE:
        if from_status == SchemeStatus.PROPOSED:
            return ActivityType.SCHEME_APPROVED
        return ActivityType.SCHEME_REINSTATED
    if to_status == SchemeStatus.SUSPENDED:
        return ActivityType.SCHEME_SUSPENDED
    return ActivityType.SCHEME_CLOSED


@transaction.atomic
def scheme_status_change(*, scheme: Scheme, actor: User, to_status: str, reason: str) -> Scheme:
    """Move a scheme along its lifecycle, recording who did it and why.

    Approving a proposal makes its proposer the scheme's first coordinator.
    """
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    from_status = scheme.status
    allowed = TRANSITIONS.get((from_status, to_status))
    if allowed is None:
        raise ValidationError(
            {
                "status": _("A %(from)s scheme cannot become %(to)s.")
                % {"from": status_word(from_status), "to": status_word(to_status)}
            },
            code="invalid",
        )
    if not _may_step(actor, scheme, allowed):
        who = (" " + _("or") + " ").join(str(STEPPERS[stepper]) for stepper in sorted(allowed))
        raise PermissionDenied(
            _("Only a %(who)s may make a %(from)s scheme %(to)s.")
            % {"who": who, "from": status_word(from_status), "to": status_word(to_status)}
        )
    if to_status in REASON_REQUIRED and not reason.strip():
        raise ValidationError({"reason": _("Say why, for the scheme's members and the record.")})

    scheme.status = to_status
    update_fields = ["status", "updated_at"]
    if from_status == SchemeStatus.PROPOSED and to_status == SchemeStatus.ACTIVE:
        scheme.approved_at = timezone.now()
        scheme.approved_by = actor
        update_fields += ["approved_at", "approved_by"]
    scheme.save(update_fields=update_fields)
    SchemeStatusChange.objects.create(
        scheme=scheme, from_status=from_status, to_status=to_status, actor=actor, reason=reason
    )
    activity_record(
        scheme=scheme,
        type=_activity_for(from_status, to_status),
        actor=actor,
        object_id=scheme.pk,
        payload={"from_status": from_status, "to_status": to_status, "reason": reason},
    )
    if from_status == SchemeStatus.PROPOSED and to_status == SchemeStatus.ACTIVE:
        _make_first_coordinator(scheme=scheme, approver=actor)
    return scheme


def _make_first_coordinator(*, scheme: Scheme, approver: User) -> None:
    proposer = scheme.proposed_by
    if proposer is None or not proposer.is_active:
        return
    membership, _ = Membership.objects.update_or_create(
        scheme=scheme,
        user=proposer,
        defaults={
            "role": MembershipRole.COORDINATOR,
            "status": MembershipStatus.ACTIVE,
            "joined_at": timezone.now(),
            "decided_by": approver,
        },
    )
    activity_record(
        scheme=scheme,
        type=ActivityType.MEMBER_JOINED,
        actor=approver,
        object_id=membership.pk,
        payload={
            "member": proposer.name,
            "role": MembershipRole.COORDINATOR,
            "first_coordinator": True,
        },
    )


@transaction.atomic
def membership_request(*, scheme: Scheme, user: User, message: str = "") -> Membership:
    """Ask to join an active scheme. Asking again while pending changes nothing."""
    if scheme.status != SchemeStatus.ACTIVE:
        raise ValidationError(_("Only an active scheme takes new members."))
    membership, created = Membership.objects.select_for_update().get_or_create(
        scheme=scheme, user=user, defaults={"message": message}
    )
    if membership.status == MembershipStatus.ACTIVE:
        raise ValidationError(_("You are already a member of this scheme."))
    if membership.status == MembershipStatus.PENDING and not created:
        return membership
    if membership.status == MembershipStatus.DECLINED:
        membership.status = MembershipStatus.PENDING
        membership.message = message
        membership.requested_at = timezone.now()
        membership.decided_by = None
        membership.decided_at = None
        membership.decline_reason = ""
        membership.requester_told_at = None
        membership.save(
            update_fields=[
                "status",
                "message",
                "requested_at",
                "decided_by",
                "decided_at",
                "decline_reason",
                "requester_told_at",
            ]
        )
    activity_record(
        scheme=scheme,
        type=ActivityType.MEMBER_REQUESTED,
        actor=user,
        object_id=membership.pk,
        payload={"member": user.name},
    )
    return membership


def _require_pending(membership: Membership) -> None:
    if membership.status != MembershipStatus.PENDING:
        raise ValidationError(
            _("This request is no longer waiting: it is %(status)s.")
            % {"status": membership.get_status_display().lower()}
        )


@transaction.atomic
def membership_approve(*, membership: Membership, actor: User) -> Membership:
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    _require_pending(membership)
    membership.status = MembershipStatus.ACTIVE
    membership.joined_at = membership.decided_at = timezone.now()
    membership.decided_by = actor
    membership.save(update_fields=["status", "joined_at", "decided_at", "decided_by"])
    activity_record(
        scheme=membership.scheme,
        type=ActivityType.MEMBER_JOINED,
        actor=actor,
        object_id=membership.pk,
        payload={"member": membership.user.name, "role": membership.role},
    )
    return membership


@transaction.atomic
def membership_decline(*, membership: Membership, actor: User, reason: str = "") -> Membership:
    """Decline a request, with an optional reason for the requester.

    The requester is not told at once: for ``JOIN_DECLINE_UNDO_SECONDS`` the decline can be
    undone (a mistaken tap on a phone) and they hear nothing. Afterwards a task, queued here
    with that countdown, emails them; the beat sweep ``declined_requesters_tell`` catches any
    the task missed (no worker at the time, a lost message).
    """
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    _require_pending(membership)
    membership.status = MembershipStatus.DECLINED
    membership.decided_by = actor
    membership.decided_at = timezone.now()
    membership.decline_reason = reason.strip()
    membership.requester_told_at = None
    membership.save(
        update_fields=["status", "decided_by", "decided_at", "decline_reason", "requester_told_at"]
    )
    activity_record(
        scheme=membership.scheme,
        type=ActivityType.MEMBER_DECLINED,
        actor=actor,
        object_id=membership.pk,
        payload={"member": membership.user.name, "reason": membership.decline_reason},
    )
    transaction.on_commit(partial(_queue_tell_declined, membership.pk))
    return membership


def _queue_tell_declined(membership_id: int) -> None:
    try:
        # With no broker (``make run``) the task runs here and now, finds the window still
        # open and sends nothing; the requester sees the decision in "My schemes" once the
        # window has passed, and is emailed by the beat sweep where one runs.
        task_queue(
            "schemes.tell_declined_requester",
            kwargs={"membership_id": membership_id},
            # A second late is harmless; a second early would find the window still open.
            countdown=settings.JOIN_DECLINE_UNDO_SECONDS + 1,
        )
    except KombuOperationalError:
        # The decline is committed; a broker that cannot be reached must not undo that.
        logger.exception("Could not queue telling requester %s; the sweep will", membership_id)


@transaction.atomic
def membership_decline_undo(*, membership: Membership, actor: User) -> Membership:
    """Take back a decline while its requester has not been told: the request waits again."""
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    if membership.status != MembershipStatus.DECLINED:
        raise ValidationError(
            _("Only a declined request can be undone: this one is %(status)s.")
            % {"status": membership.get_status_display().lower()}
        )
    until = membership.decline_undo_until
    if until is None or until <= timezone.now():
        raise ValidationError(
            _(
                "Too late to undo: %(name)s has been told that the request was declined. They "
                "can ask to join again."
            )
            % {"name": membership.user.name}
        )
    membership.status = MembershipStatus.PENDING
    membership.decided_by = None
    membership.decided_at = None
    membership.decline_reason = ""
    membership.save(update_fields=["status", "decided_by", "decided_at", "decline_reason"])
    activity_record(
        scheme=membership.scheme,
        type=ActivityType.MEMBER_DECLINE_UNDONE,
        actor=actor,
        object_id=membership.pk,
        payload={"member": membership.user.name},
    )
    return membership


def declined_requester_tell(*, membership_id: int) -> bool:
    """Email a requester that their request was declined, once its undo window has passed.

    Safe to call at any time and any number of times: the row is claimed with a conditional
    update (still declined, the window passed, nobody told yet), so a decline that was undone
    or already told sends nothing, and two workers cannot both send. Returns whether it sent.
    """
    cutoff = timezone.now() - timedelta(seconds=settings.JOIN_DECLINE_UNDO_SECONDS)
    claimed = Membership.objects.filter(
        pk=membership_id,
        status=MembershipStatus.DECLINED,
        requester_told_at__isnull=True,
        decided_at__lte=cutoff,
    ).update(requester_told_at=timezone.now())
    if not claimed:
        return False
    membership = Membership.objects.select_related("user", "scheme").get(pk=membership_id)
    try:
        if membership.user.is_active:
            join_declined_email_send(membership=membership)
    except Exception:
        # Not sent: release the claim so the next sweep tries again.
        Membership.objects.filter(pk=membership_id).update(requester_told_at=None)
        raise
    return True


def declined_requesters_due() -> list[int]:
    """Declines whose undo window has passed and whose requester has not been told."""
    cutoff = timezone.now() - timedelta(seconds=settings.JOIN_DECLINE_UNDO_SECONDS)
    return list(
        Membership.objects.filter(
            status=MembershipStatus.DECLINED,
            requester_told_at__isnull=True,
            decided_at__lte=cutoff,
        )
        .order_by("decided_at")
        .values_list("pk", flat=True)[:500]
    )


def coordinators_kept_check(*, scheme_id: int, changes: dict[int, bool], consequence: str) -> None:
    """The last-coordinator rule, for every path that demotes or removes members: these
    services and the Django admin's forms.

    ``changes`` maps membership ids to whether each will be an active coordinator afterwards
    (False when it is removed). A scheme that has coordinators must keep one. The scheme row
    is locked first (until the caller's transaction ends), so concurrent changes are
    serialised and two coordinators cannot both step down at once.
    """
    Scheme.objects.select_for_update().filter(pk=scheme_id).first()
    before = set(
        Membership.objects.filter(
            scheme_id=scheme_id, role=MembershipRole.COORDINATOR, status=MembershipStatus.ACTIVE
        ).values_list("pk", flat=True)
    )
    after = {pk for pk in before if changes.get(pk, True)} | {
        pk for pk, coordinator in changes.items() if coordinator
    }
    if before and not after:
        raise ValidationError(
            _(
                "%(consequence)s would leave the scheme without a coordinator: "
                "make another member a coordinator first."
            )
            % {"consequence": consequence}
        )


def _lock_scheme_and_check_last_coordinator(membership: Membership, consequence: str) -> None:
    """Refuse a change that would take away the scheme's last coordinator."""
    changes = {membership.pk: False} if membership.role == MembershipRole.COORDINATOR else {}
    coordinators_kept_check(
        scheme_id=membership.scheme_id, changes=changes, consequence=consequence
    )


@transaction.atomic
def membership_set_role(*, membership: Membership, actor: User, role: str) -> Membership:
    membership = Membership.objects.select_related("user").get(pk=membership.pk)
    if membership.status != MembershipStatus.ACTIVE:
        raise ValidationError({"role": _("Approve the request before changing the member's role.")})
    if membership.role == role:
        return membership
    if role == MembershipRole.VOLUNTEER:
        _lock_scheme_and_check_last_coordinator(membership, _("Making them a volunteer"))
    from_role = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    activity_record(
        scheme=membership.scheme,
        type=ActivityType.ROLE_CHANGED,
        actor=actor,
        object_id=membership.pk,
        payload={"member": membership.user.name, "from_role": from_role, "role": role},
    )
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: User) -> None:
    membership = Membership.objects.select_related("user", "scheme").get(pk=membership.pk)
    _lock_scheme_and_check_last_coordinator(membership, _("Removing them"))
    membership_id = membership.pk
    membership.delete()
    activity_record(
        scheme=membership.scheme,
        type=ActivityType.MEMBER_REMOVED,
        actor=actor,
        object_id=membership_id,
        payload={"member": membership.user.name, "role": membership.role},
    )


@transaction.atomic
def membership_leave(*, scheme: Scheme, user: User) -> None:
    membership = Membership.objects.filter(scheme=scheme, user=user).first()
    if membership is None:
        raise ValidationError(_("You are not a member of this scheme."))
    _lock_scheme_and_check_last_coordinator(membership, "Leaving")
    was_pending = membership.status != MembershipStatus.ACTIVE
    membership_id = membership.pk
    membership.delete()
    activity_record(
        scheme=scheme,
        type=ActivityType.MEMBER_LEFT,
        actor=user,
        object_id=membership_id,
        payload={"member": user.name, "was_pending": was_pending},
    )


@dataclass(frozen=True)
class NeighbourhoodsImported:
    """What an import did to a force's set of neighbourhoods."""

    force: str
    neighbourhoods: int
    added: int
    changed: int
    removed: int


def neighbourhoods_import_force(*, actor: User, force: str | None) -> str:
    """The force whose neighbourhoods ``actor`` imports: a liaison's own (naming another is
    refused), or, for staff, the one they name."""
    if not can_import_neighbourhoods(actor):
        raise PermissionDenied(_("Only staff and police liaisons import neighbourhoods."))
    own = liaison_force(actor)
    if not own:
        if not force:
            raise ValidationError({"force": _("Name the force whose neighbourhoods these are.")})
        return force
    if force and force != own:
        raise PermissionDenied(_("A liaison imports their own force's neighbourhoods only."))
    return own


@transaction.atomic
def neighbourhoods_import(*, force: str, rows: list[NeighbourhoodRow]) -> NeighbourhoodsImported:
    """Replace the force's neighbourhoods with ``rows`` (a whole file, already checked), in
    one transaction: a neighbourhood whose id the force used before keeps its row (so links
    to it still work) with the new name and boundary; those the file no longer has go.
    Alerts already sent to neighbourhoods keep their own copies of them."""
    now = timezone.now()
    existing = {
        neighbourhood.ref: neighbourhood
        for neighbourhood in Neighbourhood.objects.select_for_update().filter(force=force)
    }
    added = changed = 0
    for row in rows:
        columns = {
            "name": row.name,
            "boundary": row.boundary,
            "centre_lat": row.centre.lat,
            "centre_lon": row.centre.lon,
            "bbox_south": row.box.south,
            "bbox_west": row.box.west,
            "bbox_north": row.box.north,
            "bbox_east": row.box.east,
            "imported_at": now,
        }
        neighbourhood = existing.pop(row.ref, None)
        if neighbourhood is None:
            Neighbourhood.objects.create(force=force, ref=row.ref, **columns)
            added += 1
            continue
        if neighbourhood.name != row.name or neighbourhood.boundary != row.boundary:
            changed += 1
        for name, value in columns.items():
            setattr(neighbourhood, name, value)
        neighbourhood.save(update_fields=list(columns))
    Neighbourhood.objects.filter(pk__in=[n.pk for n in existing.values()]).delete()
    return NeighbourhoodsImported(
        force=force, neighbourhoods=len(rows), added=added, changed=changed, removed=len(existing)
    )
