"""Reads of the letters queue: a liaison's offences still to act on, the schemes it covers, and
the force's letterhead."""

from django.db.models import QuerySet

from schemes.models import Scheme
from schemes.permissions import AnyUser, liaison_force
from watch.models import Action, Letterhead, Offence
from watch.selectors.schemes import speedwatch_schemes_with_registrations


def letters_queue(*, user: AnyUser) -> QuerySet[Offence]:
    """A liaison's queue: offences of submitted sessions in their force still to act on."""
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
        .select_related("site", "scheme")
        .order_by("observed_at", "id")
    )


def liaison_schemes(*, user: AnyUser) -> QuerySet[Scheme]:
    """The speedwatch schemes of a liaison's force area: what the letters queue covers."""
    return speedwatch_schemes_with_registrations(user=user).filter(force=liaison_force(user))


def letterhead_for(*, force: str) -> Letterhead:
    """The force's letterhead, or an unsaved one with the defaults when none is set up."""
    return Letterhead.objects.filter(force=force).first() or Letterhead(force=force)
