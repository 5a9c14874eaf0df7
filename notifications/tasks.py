"""Thin Celery tasks over ``notifications.dispatch``: ids in, a service call, batches out."""

import math

from celery import Task, shared_task
from django.conf import settings
from django.utils import timezone

from notifications import dispatch, receipts, services


@shared_task(name="notifications.queue_notices", acks_late=True)
def queue_notices(*, alert_id: int) -> int:
    # Each batch is enqueued as soon as its notices are stored: delivery starts while the
    # rest of a large audience is still being stored.
    return dispatch.alert_queue_notices(alert_id=alert_id, deliver=_deliver_later)


def _deliver_later(notice_ids: list[int]) -> None:
    deliver_notices.delay(notice_ids=notice_ids)


@shared_task(
    name="notifications.deliver_notices",
    bind=True,
    acks_late=True,
    max_retries=settings.NOTIFICATIONS_MAX_ATTEMPTS,
)
def deliver_notices(self: Task, *, notice_ids: list[int]) -> int:
    outcome = dispatch.notices_deliver(notice_ids=notice_ids)
    # Retry only the notices that failed for a passing reason, once their backoff is over
    # (each notice's is capped at half the broker's visibility timeout). Run in-process
    # (no broker), a retry would raise out of the request that published the alert, after
    # its commit; those notices stay queued, their error recorded, for the sweep to retry.
    # The sweep also takes over from a task that has used its retries.
    # (max_retries is never None here: the decorator sets it; None would mean no limit.)
    limited = self.max_retries is not None and self.request.retries >= self.max_retries
    retrying = not limited and not self.request.is_eager
    if outcome.retry_at is not None and retrying:
        countdown = max(0, math.ceil((outcome.retry_at - timezone.now()).total_seconds()))
        raise self.retry(kwargs={"notice_ids": outcome.retry}, countdown=countdown)
    return outcome.delivered


@shared_task(name="notifications.sweep_notices")
def sweep_notices() -> int:
    for alert_id in dispatch.alerts_awaiting_dispatch():
        queue_notices.delay(alert_id=alert_id)
    batches = dispatch.notices_sweep()
    for notice_ids in batches:
        deliver_notices.delay(notice_ids=notice_ids)
    return len(batches)


@shared_task(name="notifications.expire_alerts")
def expire_alerts() -> int:
    return services.alerts_expire()


@shared_task(name="notifications.send_digests")
def send_digests() -> int:
    return dispatch.digests_send()


@shared_task(name="notifications.poll_receipts")
def poll_receipts() -> int:
    return receipts.receipts_poll()
