"""Escalation and the letters queue: the action each offence earns from the vehicle's history,
a liaison marking letters sent, and keepers' disputes."""

import itertools
from collections import deque
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from watch import rules
from watch.models import Action, ActionStatus, DisputeOutcome, Offence


def escalation_recompute(
    *, force: str, registrations: Iterable[str], since: datetime | None = None
) -> None:
    """Recompute the action of each offence of these vehicles in the force area.

    Walks each vehicle's offences in time order: voided offences earn nothing and do not
    count; the others count within the rolling window. Only offences whose letter has not
    been sent yet change: what the police already sent stays on record.

    ``since`` is the time of the earliest offence that changed (added, removed, voided or
    restored). An offence's action depends only on the offences counted in the window before
    it, so only offences from ``since`` on can change, and they need no offence older than
    one window before ``since``: the lookup reads that much of the vehicles' history, not
    all of it. Without ``since`` the whole history is worked through.

    One locking query reads every vehicle's offences and one update writes the changes, so
    a session of many vehicles costs two queries, not two a vehicle. Its rows are locked in
    registration order, the same for every caller.
    """
    registrations = sorted({registration for registration in registrations if registration})
    if not registrations:
        return
    window = rules.escalation_window()
    offences = Offence.objects.filter(force=force, registration__in=registrations)
    if since is not None:
        offences = offences.filter(observed_at__gt=since - window)
    changed = []
    for _, history in itertools.groupby(
        offences.order_by("registration", "observed_at", "created_at").select_for_update(),
        key=lambda offence: offence.registration,
    ):
        counted: deque[datetime] = deque()
        for offence in history:
            while counted and offence.observed_at - counted[0] >= window:
                counted.popleft()
            if offence.voided:
                action = Action.NONE
            else:
                action = rules.action_for(
                    earlier_offences=len(counted),
                    speed_mph=offence.speed_mph,
                    limit_mph=offence.speed_limit_mph,
                )
                # Drafts earn a provisional action but only submitted sessions count.
                if offence.submitted:
                    counted.append(offence.observed_at)
            if (
                (since is None or offence.observed_at >= since)
                and action != offence.action
                and offence.action_status == ActionStatus.PENDING
            ):
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
        if not offence.submitted:
            raise PermissionDenied("Only offences of submitted sessions are in the queue.")
    return Offence.objects.filter(pk__in=[o.pk for o in offences]).update(
        action_status=status, action_updated_at=now, action_updated_by=actor
    )


@transaction.atomic
def offence_dispute(*, offence: Offence, actor: User, outcome: str, note: str) -> Offence:
    """Record the outcome of a keeper's dispute; an upheld dispute voids the offence and the
    vehicle's escalation is worked out again without it. Reversing an upheld dispute brings
    the offence back: it earns its action again and, pending, returns to the letters queue."""
    offence = Offence.objects.select_for_update().get(pk=offence.pk)
    if not offence.submitted:
        raise ValidationError(
            gettext(
                "This offence's session has not been submitted: no letter has gone out to dispute."
            )
        )
    if offence.voided and offence.dispute_outcome != DisputeOutcome.UPHELD:
        raise ValidationError(
            gettext(
                "This offence was voided by an amendment of its session: "
                "there is nothing to dispute."
            )
        )
    was_voided = offence.voided
    offence.dispute_outcome = outcome
    offence.dispute_note = note
    offence.voided = outcome == DisputeOutcome.UPHELD
    fields = ["dispute_outcome", "dispute_note", "voided"]
    if offence.voided:
        offence.action = Action.NONE
        offence.action_status = ActionStatus.DONE
        fields += ["action", "action_status"]
    elif was_voided:
        # Provisional: escalation_recompute gives it the action its place in the history
        # earns, which it may only do to a pending offence.
        offence.action = rules.action_for(
            earlier_offences=0, speed_mph=offence.speed_mph, limit_mph=offence.speed_limit_mph
        )
        offence.action_status = ActionStatus.PENDING
        fields += ["action", "action_status"]
    offence.save(update_fields=fields)
    escalation_recompute(
        force=offence.force, registrations={offence.registration}, since=offence.observed_at
    )
    offence.refresh_from_db()
    return offence
