"""What Community Speedwatch holds about a person (``accounts.personal_data``): sites they
proposed or decided on, sessions they took part in, the offences they recorded, corrections
they made, and their searches and exports of registrations.

Vehicle registrations are left out of the person's copy: they are the vehicle keepers'
personal data, and every other way they leave Patchwatch is recorded in the audit log
(``watch.services.audit``). What deleting the account does is said in ``watch.account_deletion``.
"""

from collections.abc import Iterator

from django.db.models import Count, Q

from accounts.models import User
from accounts.personal_data import Erasure, ExportSection, Holding, Row
from watch.models import (
    AuditRecord,
    Offence,
    PostedLetter,
    Session,
    SessionAmendment,
    Site,
    SiteStatusChange,
)


def _parts(*pairs: tuple[str, bool]) -> list[str]:
    return [part for part, yes in pairs if yes]


def _sites(user: User) -> Iterator[Row]:
    sites = Site.objects.filter(Q(proposed_by=user) | Q(decided_by=user)).select_related("scheme")
    for site in sites.order_by("created_at", "pk"):
        decided = site.decided_by_id == user.pk
        yield {
            "scheme": site.scheme.name,
            "site": site.name,
            "road": site.road_name,
            "speed_limit_mph": site.speed_limit_mph,
            "status": site.get_status_display(),
            "your_part": _parts(
                ("proposed it", site.proposed_by_id == user.pk), ("decided on it", decided)
            ),
            "proposed_at": site.created_at,
            "your_decision_reason": site.decision_reason if decided else "",
            "decided_at": site.decided_at if decided else None,
        }


def _site_changes(user: User) -> Iterator[Row]:
    changes = SiteStatusChange.objects.filter(actor=user).select_related("site__scheme")
    for change in changes.order_by("at", "pk"):
        yield {
            "scheme": change.site.scheme.name,
            "site": change.site.name,
            "from_status": change.get_from_status_display() if change.from_status else "",
            "to_status": change.get_to_status_display(),
            "your_reason": change.reason,
            "at": change.at,
        }


def _sessions(user: User) -> Iterator[Row]:
    taken_part = Session.objects.filter(
        Q(present=user) | Q(created_by=user) | Q(submitted_by=user)
    ).values("pk")
    sessions = (
        Session.objects.filter(pk__in=taken_part)
        .select_related("scheme", "site")
        .annotate(offence_count=Count("offences"))
    )
    present = set(Session.objects.filter(present=user).values_list("pk", flat=True))
    for session in sessions.order_by("started_at", "pk"):
        logged = session.created_by_id == user.pk
        yield {
            "session_id": session.pk,
            "scheme": session.scheme.name,
            "site": session.site.name,
            "road": session.site.road_name,
            "started_at": session.started_at,
            "ended_at": session.ended_at,
            "your_part": _parts(
                ("present", session.pk in present),
                ("logged it", logged),
                ("submitted it", session.submitted_by_id == user.pk),
            ),
            "status": session.get_status_display(),
            "vehicles_counted": session.vehicles_counted,
            "offences_recorded": session.offence_count,
            "your_notes": session.notes if logged else "",
        }


def _offences(user: User) -> Iterator[Row]:
    offences = Offence.objects.filter(
        Q(session__created_by=user) | Q(action_updated_by=user)
    ).select_related("site", "scheme", "session")
    for offence in offences.order_by("observed_at", "pk"):
        yield {
            "offence_id": offence.pk,
            "session_id": offence.session_id,
            "scheme": offence.scheme.name,
            "site": offence.site.name,
            "observed_at": offence.observed_at,
            "speed_limit_mph": offence.speed_limit_mph,
            "speed_mph": offence.speed_mph,
            "vehicle_type": offence.get_vehicle_type_display(),
            "make": offence.make,
            "model": offence.model,
            "colour": offence.colour,
            # Not settled while the session is a draft.
            "action": offence.get_action_display() if offence.submitted else "",
            "action_status": offence.get_action_status_display() if offence.submitted else "",
            "voided": offence.voided,
            "your_part": _parts(
                ("recorded it", offence.session.created_by_id == user.pk),
                ("updated its action", offence.action_updated_by_id == user.pk),
            ),
        }


def _amendments(user: User) -> Iterator[Row]:
    amendments = SessionAmendment.objects.filter(actor=user).select_related("session__site")
    for amendment in amendments.order_by("at", "pk"):
        yield {
            "session_id": amendment.session_id,
            "site": amendment.session.site.name,
            "your_reason": amendment.reason,
            "changes": amendment.changes,
            "at": amendment.at,
        }


def _audit(user: User) -> Iterator[Row]:
    records = AuditRecord.objects.filter(actor=user).select_related("scheme")
    for record in records.order_by("at", "pk"):
        yield {
            "what": record.get_action_display(),
            "scheme": record.scheme.name if record.scheme else "",
            "police_force": record.get_force_display() if record.force else "",
            "offences_covered": record.rows,
            "at": record.at,
        }


def _posted_letters(user: User) -> Iterator[Row]:
    for letter in PostedLetter.objects.filter(posted_by=user).order_by("posted_at", "pk"):
        yield {
            "reference": letter.reference,
            "letter": letter.get_stage_display(),
            "postage": letter.get_postage_display(),
            "status": letter.get_status_display(),
            "posted_at": letter.posted_at,
        }


SECTIONS = [
    ExportSection(
        name="speedwatch_sites",
        description="Speedwatch sites you proposed, or decided on as a police liaison.",
        columns=(
            "scheme",
            "site",
            "road",
            "speed_limit_mph",
            "status",
            "your_part",
            "proposed_at",
            "your_decision_reason",
            "decided_at",
        ),
        rows=_sites,
    ),
    ExportSection(
        name="speedwatch_site_changes",
        description="Each step in a site's life you made (proposing, approving, rejecting, "
        "suspending), with your reasons.",
        columns=("scheme", "site", "from_status", "to_status", "your_reason", "at"),
        rows=_site_changes,
    ),
    ExportSection(
        name="speedwatch_sessions",
        description="Speedwatch sessions you were present at, logged or submitted: site, "
        "times, your part, vehicles counted and offences recorded.",
        columns=(
            "session_id",
            "scheme",
            "site",
            "road",
            "started_at",
            "ended_at",
            "your_part",
            "status",
            "vehicles_counted",
            "offences_recorded",
            "your_notes",
        ),
        rows=_sessions,
    ),
    ExportSection(
        name="speedwatch_offences",
        description="Offences at the sessions you logged, and those whose letter or referral "
        "you recorded as a police liaison: time, speed, vehicle and action, without the "
        "registration.",
        columns=(
            "offence_id",
            "session_id",
            "scheme",
            "site",
            "observed_at",
            "speed_limit_mph",
            "speed_mph",
            "vehicle_type",
            "make",
            "model",
            "colour",
            "action",
            "action_status",
            "voided",
            "your_part",
        ),
        rows=_offences,
    ),
    ExportSection(
        name="speedwatch_amendments",
        description="Corrections you made to submitted sessions: what changed and why.",
        columns=("session_id", "site", "your_reason", "changes", "at"),
        rows=_amendments,
    ),
    ExportSection(
        name="speedwatch_posted_letters",
        description="Letters you posted through GOV.UK Notify as a police liaison, without "
        "the registration or the keeper.",
        columns=("reference", "letter", "postage", "status", "posted_at"),
        rows=_posted_letters,
    ),
    ExportSection(
        name="registration_audit",
        description="The audit log's records of your searches by vehicle registration and "
        "your downloads of offences, letters or statistics.",
        columns=("what", "scheme", "police_force", "offences_covered", "at"),
        rows=_audit,
    ),
]

_WITHOUT_NAME = "kept without the link to the person"

HOLDINGS = [
    Holding(
        "watch.Site",
        Erasure.UNLINKED,
        f"Sites belong to their scheme: {_WITHOUT_NAME} who proposed or decided on them.",
        export=("speedwatch_sites",),
    ),
    Holding(
        "watch.SiteStatusChange",
        Erasure.UNLINKED,
        f"A site's history: {_WITHOUT_NAME}.",
        export=("speedwatch_site_changes",),
    ),
    Holding(
        "watch.Session",
        Erasure.UNLINKED,
        "Sessions are evidence behind letters and referrals and count in the scheme's "
        f"statistics: {_WITHOUT_NAME} (logged by, submitted by, present).",
        export=("speedwatch_sessions",),
    ),
    Holding(
        "watch.Offence",
        Erasure.UNLINKED,
        f"Offences are evidence, anonymised on the retention schedule: {_WITHOUT_NAME} who "
        "updated their action.",
        export=("speedwatch_offences",),
    ),
    Holding(
        "watch.SessionAmendment",
        Erasure.UNLINKED,
        f"Corrections are part of a session's record: {_WITHOUT_NAME}.",
        export=("speedwatch_amendments",),
    ),
    Holding(
        "watch.AuditRecord",
        Erasure.KEPT,
        "Whoever looked at or took away vehicle keepers' details must answer for it, after "
        "they leave as much as before: the record keeps the name.",
        export=("registration_audit",),
        kept_fields=("actor_name",),
    ),
    Holding(
        "watch.KeeperAddress",
        Erasure.NOT_PERSONAL,
        "A vehicle keeper's name and address as a force's lookup found them, and the "
        "language they read, for one letter: "
        "the keeper's personal data, of no account's (who stored it is in the audit log); "
        "deleted KEEPER_ADDRESS_RETENTION_DAYS after it was stored.",
    ),
    Holding(
        "watch.PostedLetter",
        Erasure.UNLINKED,
        "A letter posted through GOV.UK Notify is the record of what went to a vehicle's "
        f"keeper: {_WITHOUT_NAME} who posted it. Its registration is the keeper's personal "
        "data, emptied by the retention purge with its offences'.",
        export=("speedwatch_posted_letters",),
    ),
    Holding(
        "watch.VehicleCheck",
        Erasure.NOT_PERSONAL,
        "What the DVLA's register says of a vehicle (make, colour, tax and MOT status), by "
        "its registration: the keeper's personal data, of no account's; kept "
        "DVLA_VES_CACHE_HOURS to spare the DVLA the same question, then deleted by the "
        "retention purge.",
    ),
    Holding(
        "watch.Letterhead",
        Erasure.NOT_PERSONAL,
        "A force's letterhead: its office's address, telephone and email, and the title and "
        "name under which its letters are signed, printed on every letter in that role; set "
        "by staff and linked to no account.",
    ),
]
