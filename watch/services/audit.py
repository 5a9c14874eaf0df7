"""The audit trail of personal data leaving Patchwatch (exports and registration searches),
and of staff resetting someone's two-factor sign-in."""

from collections.abc import Callable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from accounts.models import User
from schemes.models import Scheme
from schemes.permissions import liaison_force
from watch.models import AuditAction, AuditRecord


def record(
    *,
    actor: User,
    action: AuditAction,
    detail: dict[str, Any],
    rows: int,
    schemes: QuerySet[Scheme],
) -> list[AuditRecord]:
    """Record a search or an export over ``schemes``: the schemes whose registrations it
    could reach (the user's, narrowed by the request's scheme or site filter).

    The record carries the force area of those schemes, so that the liaisons covering them
    see it in their audit log whoever the actor was (a coordinator as much as a liaison),
    and the schemes themselves (``scheme`` too when it covered only one), so that a liaison
    finds it under each of them. Schemes of two force areas (a coordinator of schemes on
    both sides of a border) leave one record in each.
    """
    by_force: dict[str, list[int]] = {}
    for pk, force in schemes.order_by("force", "pk").values_list("pk", "force"):
        by_force.setdefault(force, []).append(pk)
    if not by_force:
        by_force[liaison_force(actor) or ""] = []
    cleaned = {key: str(value)[:100] for key, value in list(detail.items())[:20]}
    with transaction.atomic():
        records = AuditRecord.objects.bulk_create(
            AuditRecord(
                actor=actor,
                actor_name=actor.name,
                action=action,
                force=force,
                scheme_id=scheme_ids[0] if len(scheme_ids) == 1 else None,
                detail=cleaned,
                rows=rows,
            )
            for force, scheme_ids in by_force.items()
        )
        AuditRecord.schemes.through.objects.bulk_create(
            AuditRecord.schemes.through(auditrecord_id=record.pk, scheme_id=scheme_id)
            for record, scheme_ids in zip(records, by_force.values(), strict=True)
            for scheme_id in scheme_ids
        )
    return records


def _reached(schemes: QuerySet[Scheme], filters: Mapping[str, Any]) -> QuerySet[Scheme]:
    """The schemes a search or export reached: the user's, narrowed by its scheme or site
    filter (already validated by the view's filter set or query serializer)."""
    scheme, site = filters.get("scheme"), filters.get("site")
    if scheme and str(scheme).isdigit():
        schemes = schemes.filter(pk=scheme)
    if site and str(site).isdigit():
        schemes = schemes.filter(sites=site)
    return schemes


def export_record(
    *,
    actor: User,
    action: AuditAction,
    params: Mapping[str, Any],
    rows: int,
    schemes: QuerySet[Scheme],
    filters: Mapping[str, Any] | None = None,
) -> list[AuditRecord]:
    """Record an export with its query parameters ``params``, over the user's ``schemes``
    narrowed by its scheme or site filter (``filters``: the validated query when the view has
    one, else ``params``). Every export of personal data goes through here."""
    return record(
        actor=actor,
        action=action,
        detail=dict(params.items()),
        rows=rows,
        schemes=_reached(schemes, params if filters is None else filters),
    )


def registration_search_record(
    *, actor: User, params: Mapping[str, Any], rows: int, schemes: Callable[[], QuerySet[Scheme]]
) -> None:
    """Record a list's search by registration, if it was one, over the user's schemes
    (``schemes()``, asked for only then: building the rule's queryset is wasted work for
    the many lists that search nothing)."""
    if params.get("registration"):
        record(
            actor=actor,
            action=AuditAction.REGISTRATION_SEARCH,
            detail={"registration": params["registration"][:16]},
            rows=rows,
            schemes=_reached(schemes(), params),
        )


def two_factor_reset_record(*, sender: Any, user: User, staff: User, **kwargs: Any) -> None:
    """Receiver of ``accounts.two_factor.two_factor_reset``: staff removed someone's second
    factor (a lost phone). Filed under the person's force area when they are a liaison, so
    that force sees it too; staff see every record."""
    AuditRecord.objects.create(
        actor=staff,
        actor_name=staff.name,
        action=AuditAction.TWO_FACTOR_RESET,
        force=liaison_force(user) or "",
        detail={"user_id": str(user.pk), "user": user.name[:100], "email": user.email[:100]},
        rows=0,
    )
