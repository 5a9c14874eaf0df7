"""What deleting an account does to the schemes side of a person (``accounts.deletion``).

Memberships end and requests are withdrawn, each noted in the scheme's log without the
person's name; proposals still waiting are withdrawn, so no scheme starts with nobody to run
it; the scheme's activity log keeps its entries with the name replaced. A scheme's last
coordinator cannot leave this way: they hand the scheme over first.
"""

import json
from typing import Any

from django.db.models import Q, QuerySet, TextField, Value
from django.db.models.functions import Cast, Concat, Replace, Substr
from django.utils.translation import gettext as _

from accounts.deletion import AccountDeletionRefused, Blocker, DeletionHandler, HeldData
from accounts.models import User
from schemes.activity import FORMER_MEMBER
from schemes.models import (
    ActivityEvent,
    ActivityType,
    Membership,
    MembershipRole,
    MembershipStatus,
    Scheme,
    SchemeStatus,
)
from schemes.selectors import scheme_ids_related_to, schemes_left_without_coordinator
from schemes.services import activity_record, scheme_status_change


def _held(user: User) -> list[HeldData]:
    memberships = Membership.objects.filter(user=user)
    return [
        HeldData(
            what=_("Scheme memberships"),
            count=memberships.filter(status=MembershipStatus.ACTIVE).count(),
            outcome=_(
                "Ended. Each scheme's log notes that a member deleted their account, "
                "without your name."
            ),
        ),
        HeldData(
            what=_("Requests to join a scheme"),
            count=memberships.filter(status=MembershipStatus.PENDING).count(),
            outcome=_("Withdrawn."),
        ),
        HeldData(
            what=_("Schemes you proposed that are waiting for review"),
            count=Scheme.objects.filter(proposed_by=user, status=SchemeStatus.PROPOSED).count(),
            outcome=_("Withdrawn, so that no scheme starts without a coordinator."),
        ),
        HeldData(
            what=_("Schemes showing you as their contact"),
            count=_contact_of(user).count(),
            outcome=_("Your contact details are removed from the scheme's page."),
        ),
        HeldData(
            what=_("Entries about you in schemes' activity logs"),
            count=ActivityEvent.objects.filter(actor=user).count(),
            outcome=_("Kept for each scheme's record, with your name replaced by “%(former)s”.")
            % {"former": _(FORMER_MEMBER)},
        ),
    ]


def _contact_of(user: User) -> QuerySet[Scheme]:
    return Scheme.objects.filter(contact_email__iexact=user.email)


def _blockers(user: User) -> list[Blocker]:
    return [
        Blocker(
            message=_(
                "You are the only coordinator of %(scheme)s. Make another member a "
                "coordinator, or close the scheme, before you delete your account."
            )
            % {"scheme": scheme.name},
            link=f"/schemes/{scheme.pk}/members",
            link_text=_("Members of %(scheme)s") % {"scheme": scheme.name},
        )
        for scheme in schemes_left_without_coordinator(user_ids=[user.pk])
    ]


def _protected(user_ids: list[int]) -> list[str]:
    return [
        _(
            "%(scheme)s: its only coordinator. Make another member a coordinator "
            "or close the scheme first."
        )
        % {"scheme": scheme.name}
        for scheme in schemes_left_without_coordinator(user_ids=user_ids)
    ]


def _erase(user: User) -> None:
    # Lock every scheme the person coordinates, as the membership services do before a
    # coordinator steps down, then check again: a co-coordinator deleting their own account
    # or stepping down at the same moment waits here, and one of the two is refused.
    coordinated = Membership.objects.filter(
        user=user, role=MembershipRole.COORDINATOR, status=MembershipStatus.ACTIVE
    ).values("scheme_id")
    list(Scheme.objects.select_for_update().filter(pk__in=coordinated).order_by("pk"))
    blockers = _blockers(user)
    if blockers:
        raise AccountDeletionRefused(blockers)

    for scheme in Scheme.objects.filter(proposed_by=user, status=SchemeStatus.PROPOSED):
        scheme_status_change(
            scheme=scheme,
            actor=user,
            to_status=SchemeStatus.CLOSED,
            reason="The proposer deleted their account.",
        )
    related = scheme_ids_related_to(user=user)

    for membership in Membership.objects.filter(user=user).select_related("scheme"):
        was_member = membership.status == MembershipStatus.ACTIVE
        membership_id = membership.pk
        membership.delete()
        if was_member or membership.status == MembershipStatus.PENDING:
            activity_record(
                scheme=membership.scheme,
                type=ActivityType.MEMBER_LEFT,
                actor=None,
                object_id=membership_id,
                payload={"account_deleted": True, "was_pending": not was_member},
            )
    _contact_of(user).update(
        contact_name="",
        contact_email="",
        contact_phone="",
        show_contact_email=False,
        show_contact_phone=False,
    )
    _anonymise_activity(user, scheme_ids=related)


def _anonymise_activity(user: User, *, scheme_ids: set[int]) -> None:
    # What they did, in their schemes' logs or in a force's own (a liaison's alert or survey).
    acted = ActivityEvent.objects.filter(actor=user)
    acted_ids = list(acted.values_list("pk", flat=True))
    acted.update(actor=None, actor_name=FORMER_MEMBER)
    name = user.name.strip()
    # A one-letter name would match inside other words; such a name is left alone.
    if len(name) < 2:
        return
    events = ActivityEvent.objects.filter(Q(scheme_id__in=scheme_ids) | Q(pk__in=acted_ids))
    events.filter(summary__startswith=name).update(
        summary=Concat(Value(FORMER_MEMBER.capitalize()), Substr("summary", len(name) + 1))
    )
    events.filter(Q(summary__contains=name)).update(
        summary=Replace("summary", Value(name), Value(FORMER_MEMBER))
    )
    # The facts the prose was rendered from name them too. Found in the payload's JSON text,
    # where the name is escaped as JSON escapes it (a quote, a backslash).
    as_json = json.dumps(name, ensure_ascii=False)[1:-1]
    named = list(
        events.annotate(payload_text=Cast("payload", TextField()))
        .filter(payload_text__contains=as_json)
        .only("pk", "payload")
    )
    for event in named:
        event.payload = _name_replaced(event.payload, name)
    ActivityEvent.objects.bulk_update(named, ["payload"])


def _name_replaced(value: Any, name: str) -> Any:
    if isinstance(value, str):
        return value.replace(name, FORMER_MEMBER)
    if isinstance(value, list):
        return [_name_replaced(item, name) for item in value]
    if isinstance(value, dict):
        return {key: _name_replaced(item, name) for key, item in value.items()}
    return value


handler = DeletionHandler(
    name="schemes", held=_held, blockers=_blockers, protected=_protected, erase=_erase
)
