"""Reads of the letters queue: a liaison's offences still to act on, the schemes it covers, the
force's letterhead, and the letters posted through GOV.UK Notify."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from core import visibility
from schemes.models import Scheme
from schemes.permissions import AnyUser, liaison_force
from watch.filters import OffenceFilter
from watch.letters import letters_from
from watch.models import (
    VEHICLE_HELD_BACK,
    Action,
    ActionStatus,
    KeeperAddress,
    Letterhead,
    Offence,
    PostedLetter,
)
from watch.selectors.schemes import speedwatch_schemes_with_registrations
from watch.selectors.sessions import offences_visible_to


@visibility.rule("letter")
def letters_queue(*, user: AnyUser) -> QuerySet[Offence]:
    """A liaison's queue: offences of submitted sessions in their force still to act on.
    Offences whose vehicle differs from the DVLA's record, or was not found there, are held
    back until they are confirmed or corrected (``offences_held_back``)."""
    force = liaison_force(user)
    if not force:
        return Offence.objects.none()
    return (
        Offence.objects.filter(
            force=force,
            submitted=True,
            voided=False,
            anonymised_at__isnull=True,
        )
        .exclude(action=Action.NONE)
        .exclude(vehicle_check__in=VEHICLE_HELD_BACK)
        .select_related("site", "scheme")
        .order_by("observed_at", "id")
    )


def letters_to_send(*, user: AnyUser, filters: Any) -> list[Offence]:
    """The pending offences of the liaison's queue, narrowed by ``filters`` (query parameters,
    see ``watch.filters.OffenceFilter``); a ValidationError names each bad one."""
    pending = letters_queue(user=user).filter(action_status=ActionStatus.PENDING)
    queue = OffenceFilter(filters, queryset=pending)
    if not queue.is_valid():
        raise ValidationError({field: list(errors) for field, errors in queue.errors.items()})
    return list(queue.qs)


def offences_held_back(*, user: AnyUser) -> QuerySet[Offence]:
    """Offences kept out of the letters batch for their vehicle (it differs from the DVLA's
    record, or the DVLA has none), letter not yet sent: for the scheme's coordinators and
    covering liaisons to confirm or correct, earliest first."""
    return (
        offences_visible_to(user=user)
        .filter(
            vehicle_check__in=VEHICLE_HELD_BACK,
            submitted=True,
            voided=False,
            anonymised_at__isnull=True,
            action_status=ActionStatus.PENDING,
        )
        .exclude(action=Action.NONE)
        .order_by("observed_at", "id")
    )


def liaison_schemes(*, user: AnyUser) -> QuerySet[Scheme]:
    """The speedwatch schemes of a liaison's force area: what the letters queue covers."""
    return speedwatch_schemes_with_registrations(user=user).filter(force=liaison_force(user))


def letterhead_for(*, force: str) -> Letterhead:
    """The force's letterhead, or an unsaved one with the defaults when none is set up."""
    return Letterhead.objects.filter(force=force).first() or Letterhead(force=force)


def keeper_addresses_of(*, force: str) -> dict[str, KeeperAddress]:
    """The keepers' names and addresses stored for the force's letters, by letter reference
    (only recent ones are kept: ``KEEPER_ADDRESS_RETENTION_DAYS``)."""
    return {address.reference: address for address in KeeperAddress.objects.filter(force=force)}


@visibility.rule("posted letter")
def posted_letters_of(*, user: AnyUser) -> QuerySet[PostedLetter]:
    """The letters a liaison's force posted through GOV.UK Notify, newest first."""
    force = liaison_force(user)
    if not force:
        return PostedLetter.objects.none()
    return (
        PostedLetter.objects.filter(force=force)
        .select_related("posted_by")
        .order_by("-posted_at", "-id")
    )


def letters_ready_to_post(*, user: AnyUser, filters: Any) -> tuple[list[str], list[str]]:
    """The references of the liaison's waiting letters (narrowed by ``filters``) that
    ``letters_post`` would post (their keeper's address stored, not posted before), and of
    those it would leave for want of an address."""
    force = liaison_force(user) or ""
    references = [
        letter.reference for letter in letters_from(letters_to_send(user=user, filters=filters))
    ]
    addressed = set(
        KeeperAddress.objects.filter(force=force, reference__in=references).values_list(
            "reference", flat=True
        )
    )
    posted = set(
        PostedLetter.objects.filter(reference__in=references).values_list("reference", flat=True)
    )
    return (
        [reference for reference in references if reference in addressed - posted],
        [reference for reference in references if reference not in addressed],
    )
