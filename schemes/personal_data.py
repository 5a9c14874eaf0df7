"""What the schemes side holds about a person (``accounts.personal_data``): memberships and
join requests, schemes they proposed, approved or are the contact of, status changes they
made, and the activity log entries about them. What deleting the account does to each is
done in ``schemes.account_deletion``."""

from collections.abc import Iterator

from django.db.models import Q

from accounts.models import User
from accounts.personal_data import Erasure, ExportSection, Holding, Row
from schemes.models import (
    ActivityType,
    Membership,
    MembershipStatus,
    Scheme,
    SchemeStatusChange,
)
from schemes.selectors import activity_about


def _memberships(user: User) -> Iterator[Row]:
    memberships = Membership.objects.filter(user=user).select_related("scheme")
    for membership in memberships.order_by("requested_at", "pk"):
        # A decline the coordinator may still undo is not news yet: it reads as pending,
        # as it does in the app.
        told = membership.status_for_requester == membership.status
        yield {
            "scheme": membership.scheme.name,
            "scheme_kind": membership.scheme.get_kind_display(),
            "role": membership.get_role_display(),
            "status": MembershipStatus(membership.status_for_requester).label,
            "asked_at": membership.requested_at,
            "your_message": membership.message,
            "joined_at": membership.joined_at,
            "decided_at": membership.decided_at if told else None,
            "decline_reason": membership.decline_reason if membership.decline_settled else "",
        }


def _schemes(user: User) -> Iterator[Row]:
    schemes = Scheme.objects.filter(
        Q(proposed_by=user) | Q(approved_by=user) | Q(contact_email__iexact=user.email)
    )
    for scheme in schemes.order_by("created_at", "pk"):
        contact = scheme.contact_email.lower() == user.email.lower()
        parts = [
            part
            for part, yes in (
                ("proposed it", scheme.proposed_by_id == user.pk),
                ("approved it", scheme.approved_by_id == user.pk),
                ("its contact", contact),
            )
            if yes
        ]
        yield {
            "scheme": scheme.name,
            "scheme_kind": scheme.get_kind_display(),
            "status": scheme.get_status_display(),
            "your_part": parts,
            "contact_name": scheme.contact_name if contact else "",
            "contact_email": scheme.contact_email if contact else "",
            "contact_phone": scheme.contact_phone if contact else "",
            "created_at": scheme.created_at,
        }


def _status_changes(user: User) -> Iterator[Row]:
    changes = SchemeStatusChange.objects.filter(actor=user).select_related("scheme")
    for change in changes.order_by("at", "pk"):
        yield {
            "scheme": change.scheme.name,
            "from_status": change.get_from_status_display() if change.from_status else "",
            "to_status": change.get_to_status_display(),
            "your_reason": change.reason,
            "at": change.at,
        }


def _activity(user: User) -> Iterator[Row]:
    # A decline the coordinator may still undo is not news yet (see _memberships): its log
    # entry waits until then too.
    undecided = {
        membership.scheme_id
        for membership in Membership.objects.filter(user=user, status=MembershipStatus.DECLINED)
        if not membership.decline_settled
    }
    for event in activity_about(user=user).order_by("at", "pk"):
        if (
            event.scheme_id in undecided
            and event.type == ActivityType.MEMBER_DECLINED
            and event.actor_id != user.pk
        ):
            continue
        yield {
            "scheme": event.scheme.name if event.scheme else "",
            "what": event.type_label,
            "summary": event.summary,
            "by_you": event.actor_id == user.pk,
            "at": event.at,
        }


SECTIONS = [
    ExportSection(
        name="memberships",
        description="The schemes you belong to or asked to join: role, status, your message "
        "with the request, when you asked and joined, and a coordinator's decision.",
        columns=(
            "scheme",
            "scheme_kind",
            "role",
            "status",
            "asked_at",
            "your_message",
            "joined_at",
            "decided_at",
            "decline_reason",
        ),
        rows=_memberships,
    ),
    ExportSection(
        name="schemes",
        description="Schemes you proposed or approved, or that show you as their contact "
        "(with the contact details shown).",
        columns=(
            "scheme",
            "scheme_kind",
            "status",
            "your_part",
            "contact_name",
            "contact_email",
            "contact_phone",
            "created_at",
        ),
        rows=_schemes,
    ),
    ExportSection(
        name="scheme_status_changes",
        description="Changes you made to a scheme's status (approving, suspending, closing), "
        "with your reasons.",
        columns=("scheme", "from_status", "to_status", "your_reason", "at"),
        rows=_status_changes,
    ),
    ExportSection(
        name="scheme_activity",
        description="Entries in schemes' activity logs (which coordinators and police "
        "liaisons read) about what you did, or that name you.",
        columns=("scheme", "what", "summary", "by_you", "at"),
        rows=_activity,
    ),
]

HOLDINGS = [
    Holding(
        "schemes.Scheme",
        Erasure.UNLINKED,
        "Schemes the person proposed, approved or is the contact of stay for their members; "
        "proposals still waiting are withdrawn, and the contact details removed.",
        export=("schemes",),
    ),
    Holding(
        "schemes.Membership",
        Erasure.DELETED,
        "Memberships and join requests end; the requests a coordinator decided stay "
        "without the link to them.",
        export=("memberships",),
    ),
    Holding(
        "schemes.SchemeStatusChange",
        Erasure.UNLINKED,
        "A scheme's history stays, without who made each change.",
        export=("scheme_status_changes",),
    ),
    Holding(
        "schemes.ActivityEvent",
        Erasure.ANONYMISED,
        "A scheme's log stays, with the person's name replaced by “a former member”.",
        export=("scheme_activity",),
    ),
    Holding(
        "schemes.Neighbourhood",
        Erasure.NOT_PERSONAL,
        "A policing neighbourhood's name is a place's, as its force publishes it; nothing "
        "records who imported it.",
    ),
]
