"""Reads of speedwatch sessions and their offences: those a user may see."""

import functools

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connections
from django.db.models import Count, JSONField, OuterRef, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, JSONObject

from accounts.models import User
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


def with_people_present(sessions: QuerySet[Session]) -> QuerySet[Session]:
    """Annotate each session with the members present at it (``people_present``), as
    ``{"id", "name"}`` by name: read with a page's own rows, without a query or a model per
    person."""
    if connections[sessions.db].vendor == "postgresql":
        return sessions.annotate(people_present=_people_present())
    return sessions.annotate(people_present=_people_present_json())


@functools.cache
def _people_present() -> ArraySubquery:
    # Like ``_offence_count``, PostgreSQL works it out for the page's sessions only (after
    # the LIMIT), and a count leaves it out.
    people = (
        Session.present.through.objects.filter(session=OuterRef("pk"))
        .order_by("user__name", "user_id")
        .values(person=JSONObject(id="user_id", name="user__name"))
    )
    return ArraySubquery(people)


def _people_present_json() -> RawSQL:
    """The same as one JSON array, for SQLite (the embedded default), which has no arrays:
    its ``json_group_array`` over the people in order."""
    present = Session.present.through._meta.db_table
    users = User._meta.db_table
    sessions = Session._meta.db_table
    # Table names from the models, no input: nothing to inject.
    return RawSQL(  # noqa: S611
        f"""(SELECT json_group_array(json_object('id', person.user_id, 'name', person.name))
        FROM (SELECT p.user_id, u.name FROM "{present}" p JOIN "{users}" u ON u.id = p.user_id
        WHERE p.session_id = "{sessions}"."id" ORDER BY u.name, p.user_id) person)""",  # noqa: S608
        (),
        output_field=JSONField(),
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
