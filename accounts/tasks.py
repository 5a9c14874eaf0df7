from typing import Any

from celery import shared_task

from accounts import emails
from accounts.models import EmailChange, User

# Every account email is retried when the mail server cannot be reached.
RETRY: dict[str, Any] = {
    "autoretry_for": (OSError,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 5,
}


@shared_task(name="accounts.send_password_reset_email", **RETRY)
def send_password_reset_email(*, user_id: int) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is not None:
        emails.password_reset_email_send(user=user)


@shared_task(name="accounts.send_password_changed_email", **RETRY)
def send_password_changed_email(*, user_id: int) -> None:
    user = User.objects.filter(pk=user_id).first()
    if user is not None:
        emails.password_changed_email_send(user=user)


@shared_task(name="accounts.send_email_change_link", **RETRY)
def send_email_change_link(*, change_id: int) -> None:
    # A request replaced by a newer one (or already confirmed) needs no link any more.
    change = EmailChange.objects.select_related("user").filter(pk=change_id).first()
    if change is not None and change.confirmed_at is None:
        emails.email_change_link_send(change=change)


@shared_task(name="accounts.send_email_changed_notice", **RETRY)
def send_email_changed_notice(*, user_id: int, old_email: str) -> None:
    user = User.objects.filter(pk=user_id).first()
    if user is not None:
        emails.email_changed_notice_send(user=user, old_email=old_email)


@shared_task(name="accounts.send_account_deleted_email", **RETRY)
def send_account_deleted_email(*, name: str, email: str, language: str = "en") -> None:
    # The account is gone: the task is given what the message needs.
    emails.account_deleted_email_send(name=name, email=email, language=language)
