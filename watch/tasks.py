from celery import shared_task

from watch.services.retention import registrations_purge


@shared_task(name="watch.purge_old_registrations")
def purge_old_registrations() -> int:
    return registrations_purge()
