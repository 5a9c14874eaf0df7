"""Reads of speedwatch sessions and their offences: those a user may see."""

import functools
from collections import defaultdict
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

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
        .annotate(offence_count=_offence_count())
    )


@functools.cache
def _offence_count() -> Coalesce:
    # The offences are counted in a subquery rather than by joining them: PostgreSQL then
    # counts them for the page's sessions only (after the LIMIT), and the list's COUNT(*)
    # leaves them out, where a join had every visible session's offences grouped first.
    # Built once, as it is the same for everyone: each query resolves a copy of its own.
    offences = (
        Offence.objects.filter(session=OuterRef("pk"), voided=False)
        .order_by()
        .values("session")
        .annotate(count=Count("*"))
        .values("count")
    )
    return Coalesce(Subquery(offences), 0)


def people_present(*, session_ids: Iterable[UUID]) -> dict[UUID, list[dict[str, Any]]]:
    """The members present at each of the sessions (sessions the reader was shown), as
    ``{"id", "name"}`` by name: one query for a page of sessions, without a model per person."""
    present: dict[UUID, list[dict[str, Any]]] = defaultdict(list)
    rows = (
        Session.present.through.objects.filter(session__in=list(session_ids))
        .order_by("user__name", "user_id")
        .values_list("session_id", "user_id", "user__name")
    )
    for session_id, user_id, name in rows:
        present[session_id].append({"id": user_id, "name": name})
    return present


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
