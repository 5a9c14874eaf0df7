from celery import shared_task

from watch.services.retention import keeper_addresses_purge, registrations_purge


@shared_task(name="watch.purge_old_registrations")
def purge_old_registrations() -> int:
    keeper_addresses_purge()
    return registrations_purge()
