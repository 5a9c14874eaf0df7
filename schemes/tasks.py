from celery import shared_task

from schemes.services import declined_requester_tell, declined_requesters_due


@shared_task(
    name="schemes.tell_declined_requester",
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def tell_declined_requester(*, membership_id: int) -> bool:
    """Queued with the undo window as its countdown; re-checks everything before sending."""
    return declined_requester_tell(membership_id=membership_id)


@shared_task(name="schemes.tell_declined_requesters")
def tell_declined_requesters() -> int:
    """The beat's safety net: requesters whose own task never ran (no worker, lost message)."""
    told = 0
    for membership_id in declined_requesters_due():
        try:
            told += declined_requester_tell(membership_id=membership_id)
        except OSError:
            continue  # the mail server is down: the claim was released, next minute again
    return told
