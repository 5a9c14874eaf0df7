"""Thin Celery tasks over ``notifications.dispatch``: ids in, a service call, batches out."""

from celery import shared_task
from django.conf import settings

from notifications import dispatch, services


def _backoff(retries: int) -> int:
    """Exponential backoff, capped well inside the broker's visibility timeout so a waiting
    retry is never handed to a second worker as if it were lost."""
    cap = min(600, settings.CELERY_VISIBILITY_TIMEOUT_SECONDS // 2)
    return min(cap, 10 * 2**retries)


@shared_task(name="notifications.queue_notices", acks_late=True)
def queue_notices(*, alert_id: int) -> int:
    batches = dispatch.alert_queue_notices(alert_id=alert_id)
    for notice_ids in batches:
        deliver_notices.delay(notice_ids=notice_ids)
    return len(batches)


@shared_task(
    name="notifications.deliver_notices",
    bind=True,
    acks_late=True,
    max_retries=settings.NOTIFICATIONS_MAX_ATTEMPTS,
)
def deliver_notices(self, *, notice_ids: list[int]) -> int:  # type: ignore[no-untyped-def]
    outcome = dispatch.notices_deliver(notice_ids=notice_ids)
    if outcome.retry:
        # Retry only the notices that failed for a passing reason; the rest are settled.
        raise self.retry(
            kwargs={"notice_ids": outcome.retry}, countdown=_backoff(self.request.retries)
        )
    return outcome.delivered


@shared_task(name="notifications.sweep_notices")
def sweep_notices() -> int:
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
