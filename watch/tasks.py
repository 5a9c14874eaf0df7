from celery import Task, shared_task

from watch.exports.posted import posted_letter_pdf
from watch.services.posting import (
    TryAgain,
    posted_letter_send,
    posted_letters_poll,
    posted_letters_sweep,
)
from watch.services.retention import keeper_addresses_purge, registrations_purge
from watch.services.vehicles import TryAgain as VehicleTryAgain
from watch.services.vehicles import offence_vehicle_check, vehicle_checks_sweep


@shared_task(name="watch.purge_old_registrations")
def purge_old_registrations() -> int:
    keeper_addresses_purge()
    vehicle_checks_sweep()
    return registrations_purge()


# The attempt is counted by Celery (the offence row keeps only the last failure). Run
# in-process (no broker), a retry would run again at once, inside the request that stored the
# offence: the offence stays waiting for its check, and the sweep queues it again later.
@shared_task(name="watch.check_offence_vehicle", bind=True, acks_late=True, max_retries=None)
def check_offence_vehicle(self: Task, *, offence_id: str) -> str:
    try:
        return offence_vehicle_check(offence_id=offence_id, attempt=self.request.retries + 1)
    except VehicleTryAgain as exc:
        if self.request.is_eager:
            return f"put off: {exc}"
        raise self.retry(countdown=exc.countdown, exc=exc) from exc


# Attempts are counted on the letter, not by Celery: a letter put off for a turn in the rate
# limit has not used one. Run in-process (no broker), a retry would run again at once, inside
# the request that posted the letters: the letter stays waiting, its error recorded, for the
# poller's sweep to send once its backoff is over.
@shared_task(name="watch.send_posted_letter", bind=True, acks_late=True, max_retries=None)
def send_posted_letter(self: Task, *, posted_letter_id: int) -> str:
    try:
        return posted_letter_send(posted_letter_id=posted_letter_id, render=posted_letter_pdf)
    except TryAgain as exc:
        if self.request.is_eager:
            return f"put off: {exc}"
        raise self.retry(countdown=exc.countdown, exc=exc) from exc


@shared_task(name="watch.poll_posted_letters")
def poll_posted_letters() -> int:
    posted_letters_sweep()
    return posted_letters_poll()
