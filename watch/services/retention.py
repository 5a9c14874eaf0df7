"""Retention: registrations (of offences and of the letters posted about them) and the
registrations searched for are anonymised once older than the retention period; keepers'
names and addresses are deleted once they have served."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from watch.models import AuditRecord, KeeperAddress, Offence, PostedLetter, VehicleCheck
from watch.registrations import looks_like_registration

REMOVED = "[removed]"


def registrations_purge(*, now: datetime | None = None) -> int:
    """Anonymise what is older than the retention period. Returns how many offences were
    anonymised.

    Offences lose the registration, the vehicle's make, model and colour (as recorded and as
    the DVLA's register has them) and the dispute's free-text note; counts, speeds and the
    vehicle key stay, so statistics, repeat vehicles included, come out the same after the
    purge. Audit records lose the registrations
    searched for: the ``registration`` filter, and any other value that reads as one.
    Letters posted through Notify lose their registration with their offences' (by when the
    first of them was seen), keeping their reference and status. The DVLA's answers about
    vehicles go once their ``DVLA_VES_CACHE_HOURS`` are over, well before any of these.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.SPEEDWATCH_RETENTION_DAYS)
    with transaction.atomic():
        purged = Offence.objects.filter(observed_at__lt=cutoff, anonymised_at__isnull=True).update(
            registration="",
            make="",
            model="",
            colour="",
            dispute_note="",
            registered_make="",
            registered_colour="",
            vehicle_check_note="",
            anonymised_at=now,
        )
        # The DVLA's answers are kept a day, to spare it the same question: no longer.
        VehicleCheck.objects.filter(
            checked_at__lt=now - timedelta(hours=settings.DVLA_VES_CACHE_HOURS)
        ).delete()
        PostedLetter.objects.filter(
            first_observed_at__lt=cutoff, anonymised_at__isnull=True
        ).update(registration="", anonymised_at=now)
        records = list(
            AuditRecord.objects.filter(at__lt=cutoff, anonymised_at__isnull=True).only("detail")
        )
        for record in records:
            record.detail = {
                key: REMOVED
                if value and (key == "registration" or looks_like_registration(str(value)))
                else value
                for key, value in record.detail.items()
            }
            record.anonymised_at = now
        AuditRecord.objects.bulk_update(records, ["detail", "anonymised_at"], batch_size=500)
    return purged


def keeper_addresses_purge(*, now: datetime | None = None) -> int:
    """Delete keepers' names and addresses stored longer ago than
    ``KEEPER_ADDRESS_RETENTION_DAYS``: long enough to print and post the letters, and no
    longer. Returns how many were deleted."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.KEEPER_ADDRESS_RETENTION_DAYS)
    deleted, _ = KeeperAddress.objects.filter(stored_at__lt=cutoff).delete()
    return deleted
