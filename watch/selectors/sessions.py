"""Reads of speedwatch sessions and their offences: those a user may see."""

from django.db.models import Count, Q, QuerySet

from core import visibility
from schemes.permissions import AnyUser
from watch.models import Offence, Session, SessionAmendment
from watch.selectors.schemes import (
    speedwatch_schemes_visible_to,
    speedwatch_schemes_with_registrations,
)


@visibility.rule("session")
def sessions_visible_to(*, user: AnyUser) -> QuerySet[Session]:
    return (
        Session.objects.filter(scheme__in=speedwatch_schemes_visible_to(user=user))
        .select_related("site", "scheme")
        .annotate(
            offence_count=Count("offences", filter=Q(offences__voided=False), distinct=True),
            present_count=Count("present", distinct=True),
        )
    )


@visibility.rule("offence")
def offences_visible_to(*, user: AnyUser) -> QuerySet[Offence]:
    """Offences with their registrations: for the scheme's coordinators and liaisons only."""
    return Offence.objects.filter(
        scheme__in=speedwatch_schemes_with_registrations(user=user)
    ).select_related("site", "scheme")


@visibility.rule("session amendment")
def amendments_visible_to(*, user: AnyUser) -> QuerySet[SessionAmendment]:
    """Amendments to submitted sessions: for whoever sees the session."""
    return SessionAmendment.objects.filter(
        session__scheme__in=speedwatch_schemes_visible_to(user=user)
    ).select_related("actor")
