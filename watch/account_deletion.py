"""What deleting an account does to a person's Community Speedwatch records
(``accounts.deletion``).

Sessions and their offences stay: they are the evidence behind letters to vehicle keepers
and police referrals, and the scheme's statistics, and they are anonymised on the retention
schedule like everyone's. The person's name goes from them (logged by, submitted by, present,
amendments, sites proposed: the links are cleared when the account row goes). Records of who
searched or exported registrations keep the name: they exist so that whoever looked at
keepers' data answers for it, after they leave as much as before.
"""

from django.db.models import Q

from accounts.deletion import DeletionHandler, HeldData
from accounts.models import User
from watch.models import AuditRecord, PostedLetter, Session, SessionAmendment


def _held(user: User) -> list[HeldData]:
    logged = Session.objects.filter(Q(created_by=user) | Q(submitted_by=user)).distinct()
    return [
        HeldData(
            what="Speedwatch sessions you logged or submitted",
            count=logged.count(),
            outcome="Kept with their offences, which are the evidence behind letters to "
            "vehicle keepers and police referrals; your name is removed from them.",
        ),
        HeldData(
            what="Speedwatch sessions you were present at",
            count=Session.objects.filter(present=user).count(),
            outcome="Kept; your name is removed from the members present. The session's "
            "volunteer hours still count for the scheme.",
        ),
        HeldData(
            what="Corrections you made to submitted sessions",
            count=SessionAmendment.objects.filter(actor=user).count(),
            outcome="Kept, without your name.",
        ),
        HeldData(
            what="Letters you posted through GOV.UK Notify",
            count=PostedLetter.objects.filter(posted_by=user).count(),
            outcome="Kept, without your name: they are the record of what was sent to "
            "vehicle keepers.",
        ),
        HeldData(
            what="Searches and exports of vehicle registrations you made",
            count=AuditRecord.objects.filter(actor=user).count(),
            outcome="Kept with your name: the law requires that whoever looked at vehicle "
            "keepers' details can be held to account for it, also after they leave.",
        ),
    ]


handler = DeletionHandler(name="watch", held=_held)
