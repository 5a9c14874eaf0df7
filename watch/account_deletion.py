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
from django.utils.translation import gettext as _

from accounts.deletion import DeletionHandler, HeldData
from accounts.models import User
from watch.models import AuditRecord, PostedLetter, Session, SessionAmendment


def _held(user: User) -> list[HeldData]:
    logged = Session.objects.filter(Q(created_by=user) | Q(submitted_by=user)).distinct()
    return [
        HeldData(
            what=_("Speedwatch sessions you logged or submitted"),
            count=logged.count(),
            outcome=_(
                "Kept with their offences, which are the evidence behind letters to "
                "vehicle keepers and police referrals; your name is removed from them."
            ),
        ),
        HeldData(
            what=_("Speedwatch sessions you were present at"),
            count=Session.objects.filter(present=user).count(),
            outcome=_(
                "Kept; your name is removed from the members present. The session's "
                "volunteer hours still count for the scheme."
            ),
        ),
        HeldData(
            what=_("Corrections you made to submitted sessions"),
            count=SessionAmendment.objects.filter(actor=user).count(),
            outcome=_("Kept, without your name."),
        ),
        HeldData(
            what=_("Letters you posted through GOV.UK Notify"),
            count=PostedLetter.objects.filter(posted_by=user).count(),
            outcome=_(
                "Kept, without your name: they are the record of what was sent to vehicle keepers."
            ),
        ),
        HeldData(
            what=_("Searches and exports of vehicle registrations you made"),
            count=AuditRecord.objects.filter(actor=user).count(),
            outcome=_(
                "Kept with your name: the law requires that whoever looked at vehicle "
                "keepers' details can be held to account for it, also after they leave."
            ),
        ),
    ]


handler = DeletionHandler(name="watch", held=_held)
