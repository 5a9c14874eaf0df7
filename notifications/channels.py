"""Delivery channels behind one small interface.

The in-app inbox needs no sender: a notice is delivered by the same conditional update that
claims it. The others send one notice at a time through ``Sender.send`` and report failures
as ``TransientFailure`` (try again later) or ``PermanentFailure`` (record and stop).
"""

import json
import logging
import urllib.error
import urllib.request
from typing import Protocol

from django.conf import settings
from django.core import mail
from pywebpush import WebPushException, webpush

from notifications.models import Channel, Notice, PushSubscription

logger = logging.getLogger(__name__)


class TransientFailure(Exception):
    """The channel could not deliver now (a timeout, a full queue); try again later."""


class PermanentFailure(Exception):
    """The channel will never deliver this notice (no address, rejected)."""


class Sender(Protocol):
    def send(self, notice: Notice) -> None: ...

    def close(self) -> None: ...


def _subject(notice: Notice) -> str:
    alert = notice.alert
    prefix = {"Update": "Update: ", "Cancel": "Cancelled: "}.get(alert.message_type, "")
    return f"[Patchwatch] {prefix}{alert.title}"


class EmailSender:
    """Django's configured email backend (SMTP in production), one connection per batch.

    The Message-ID is the notice's own, so a message sent again after a worker died between
    sending and recording it can be recognised as the same one.
    """

    def __init__(self) -> None:
        self.connection = mail.get_connection(fail_silently=False)
        self.connection.open()

    def send(self, notice: Notice) -> None:
        if not notice.recipient.email:
            raise PermanentFailure("The recipient has no email address.")
        alert = notice.alert
        message = mail.EmailMessage(
            subject=_subject(notice),
            body=f"{alert.body}\n\n{settings.SITE_URL}/alerts/{alert.pk}\n",
            to=[notice.recipient.email],
            connection=self.connection,
            headers={"Message-ID": f"<notice-{notice.pk}@patchwatch>"},
        )
        try:
            message.send()
        except OSError as exc:  # refused, timed out, dropped: the server may be back soon
            raise TransientFailure(str(exc)) from exc

    def close(self) -> None:
        self.connection.close()


class UnavailableSender:
    """A channel that is not configured on this server: its notices fail with the reason."""

    def __init__(self, channel: str) -> None:
        self.channel = channel

    def send(self, notice: Notice) -> None:
        raise PermanentFailure(f"The {self.channel} channel is not configured on this server.")

    def close(self) -> None:
        pass


class SmsSender:
    """Text messages through the configured provider: printed to the log ("console") or
    posted to a provider's JSON API ("http"). The notice id is sent as an idempotency key,
    so a provider that honours it drops a message sent twice."""

    def send(self, notice: Notice) -> None:
        phone = notice.recipient.phone
        if not phone:
            raise PermanentFailure("The recipient has no phone number.")
        alert = notice.alert
        body = f"{_subject(notice)} {settings.SITE_URL}/alerts/{alert.pk}"[:306]
        if settings.SMS_PROVIDER == "console":
            logger.info("Text message to %s: %s", phone, body)
            return
        request = urllib.request.Request(  # noqa: S310 (the provider's URL is configuration)
            settings.SMS_HTTP_URL,
            data=json.dumps({"to": phone, "body": body, "sender": settings.SMS_SENDER_ID}).encode(),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {settings.SMS_HTTP_TOKEN}",
                "Idempotency-Key": f"notice-{notice.pk}",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.SMS_TIMEOUT_SECONDS):  # noqa: S310
                return
        except urllib.error.HTTPError as exc:
            if exc.code >= 500 or exc.code == 429:
                raise TransientFailure(f"SMS provider answered {exc.code}") from exc
            raise PermanentFailure(f"SMS provider refused the message ({exc.code})") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise TransientFailure(f"SMS provider unreachable: {exc}") from exc

    def close(self) -> None:
        pass


class PushSender:
    """Web push to every browser the recipient allowed, signed with the VAPID key."""

    def send(self, notice: Notice) -> None:
        subscriptions = list(PushSubscription.objects.filter(user=notice.recipient))
        if not subscriptions:
            raise PermanentFailure("No browser has allowed notifications for this person.")
        alert = notice.alert
        payload = json.dumps(
            {
                "title": _subject(notice).removeprefix("[Patchwatch] "),
                "body": alert.body[:200],
                "url": f"/alerts/{alert.pk}",
                "tag": str(alert.identifier),
            }
        )
        delivered = 0
        for subscription in subscriptions:
            try:
                webpush(
                    subscription_info={
                        "endpoint": subscription.endpoint,
                        "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
                    },
                    data=payload,
                    vapid_private_key=settings.WEBPUSH_VAPID_PRIVATE_KEY,
                    vapid_claims={"sub": settings.WEBPUSH_VAPID_SUBJECT},
                    timeout=10,
                    ttl=24 * 3600,
                )
                delivered += 1
            except WebPushException as exc:
                status = exc.response.status_code if exc.response is not None else None
                if status in (404, 410):
                    subscription.delete()  # the browser withdrew its permission
                elif status is None or status >= 500 or status == 429:
                    raise TransientFailure(f"Push service: {exc}") from exc
        if not delivered:
            raise PermanentFailure("Every browser of this person has withdrawn notifications.")

    def close(self) -> None:
        pass


def send_digest(notices: list[Notice]) -> None:
    """One email to one recipient listing the alerts held for their daily digest."""
    recipient = notices[0].recipient
    lines = [f"{len(notices)} alerts since your last digest:\n"]
    for notice in notices:
        alert = notice.alert
        lines.append(f"- {_subject(notice).removeprefix('[Patchwatch] ')}")
        lines.append(f"  {alert.body}")
        lines.append(f"  {settings.SITE_URL}/alerts/{alert.pk}\n")
    mail.send_mail(
        subject=f"[Patchwatch] Your daily digest: {len(notices)} alerts",
        message="\n".join(lines),
        from_email=None,
        recipient_list=[recipient.email],
    )


def sender_for(channel: str) -> Sender:
    if channel == Channel.EMAIL:
        return EmailSender()
    if channel == Channel.SMS and settings.SMS_PROVIDER in ("console", "http"):
        return SmsSender()
    if channel == Channel.PUSH and settings.WEBPUSH_VAPID_PRIVATE_KEY:
        return PushSender()
    return UnavailableSender(channel)
