"""Delivery channels behind one small interface.

The in-app inbox needs no sender: a notice is delivered by the same conditional update that
claims it. The others send one notice at a time through ``Sender.send``, or a member's
held notices at once through ``Sender.send_digest``, and report every failure as
``TransientFailure`` (try again later) or ``PermanentFailure`` (record and stop): a sender
never lets a network or server error escape as anything else, so that every failure is
counted, recorded and retried the same way (``notifications.dispatch``).
"""

import hashlib
import json
import logging
import urllib.error
import urllib.request
from collections import defaultdict
from typing import Protocol

import requests
from django.conf import settings
from django.core import mail
from pywebpush import WebPushException, webpush

from notifications.models import Channel, Notice, PushReceipt, PushSubscription

logger = logging.getLogger(__name__)


class TransientFailure(Exception):
    """The channel could not deliver now (a timeout, a full queue); try again later."""


class PermanentFailure(Exception):
    """The channel will never deliver this notice (no address, rejected)."""


class Sender(Protocol):
    def send(self, notice: Notice) -> None: ...

    def send_digest(self, notices: list[Notice]) -> None:
        """One message listing ``notices``, all of one recipient and of this channel."""

    def close(self) -> None: ...


_PREFIX = "[Patchwatch] "
# Two text message parts at most.
SMS_MAX_CHARS = 306


def _headline(notice: Notice) -> str:
    alert = notice.alert
    marker = {"Update": "Update: ", "Cancel": "Cancelled: "}.get(alert.message_type, "")
    return f"{marker}{alert.title}"


def _subject(notice: Notice) -> str:
    return _PREFIX + _headline(notice)


def _digest_key(notices: list[Notice]) -> str:
    """The same for every attempt at sending the same digest, as the notice id is for one
    notice: the Message-ID of a digest email and the idempotency key of a digest text."""
    ids = ",".join(str(notice.pk) for notice in notices)
    return "digest-" + hashlib.sha256(ids.encode()).hexdigest()[:16]


def _alerts(count: int) -> str:
    return f"{count} alert" if count == 1 else f"{count} alerts"


def _digest_title(notices: list[Notice]) -> str:
    return f"Your daily digest: {_alerts(len(notices))}"


class EmailSender:
    """Django's configured email backend (SMTP in production), one connection per batch,
    opened when the first message needs it.

    The Message-ID is the notice's own, so a message sent again after a worker died between
    sending and recording it can be recognised as the same one.
    """

    def __init__(self) -> None:
        self.connection = mail.get_connection(fail_silently=False)
        # Why the server could not be reached in this batch: the rest of the batch fails at
        # once with the same reason instead of waiting for the same timeout again.
        self.unreachable: str | None = None

    def _open(self) -> None:
        if self.unreachable is not None:
            raise TransientFailure(self.unreachable)
        try:
            self.connection.open()
        except OSError as exc:  # refused, timed out, TLS or login refused: try again later
            self.unreachable = str(exc) or type(exc).__name__
            raise TransientFailure(self.unreachable) from exc

    def _deliver(self, message: mail.EmailMessage) -> None:
        self._open()
        message.connection = self.connection
        try:
            message.send()
        except OSError as exc:  # smtplib's errors are OSErrors too; the server may be back soon
            # The connection may be broken; the next message opens a new one.
            self.close()
            raise TransientFailure(str(exc) or type(exc).__name__) from exc

    def send(self, notice: Notice) -> None:
        if not notice.recipient.email:
            raise PermanentFailure("The recipient has no email address.")
        alert = notice.alert
        advice = "".join(
            f"\n\n{label}: {text}"
            for label, text in (("What to do", alert.instruction), ("Contact", alert.contact))
            if text
        )
        self._deliver(
            mail.EmailMessage(
                subject=_subject(notice),
                body=f"{alert.body}{advice}\n\n{settings.SITE_URL}/alerts/{alert.pk}\n",
                to=[notice.recipient.email],
                headers={"Message-ID": f"<notice-{notice.pk}@patchwatch>"},
            )
        )

    def send_digest(self, notices: list[Notice]) -> None:
        recipient = notices[0].recipient
        if not recipient.email:
            raise PermanentFailure("The recipient has no email address.")
        lines = [f"{_alerts(len(notices))} since your last digest:\n"]
        for notice in notices:
            alert = notice.alert
            lines.append(f"- {_headline(notice)}")
            lines.append(f"  {alert.body}")
            lines.append(f"  {settings.SITE_URL}/alerts/{alert.pk}\n")
        self._deliver(
            mail.EmailMessage(
                subject=_PREFIX + _digest_title(notices),
                body="\n".join(lines),
                to=[recipient.email],
                headers={"Message-ID": f"<{_digest_key(notices)}@patchwatch>"},
            )
        )

    def close(self) -> None:
        try:
            self.connection.close()
        except OSError:
            logger.warning("Closing the SMTP connection failed", exc_info=True)


class UnavailableSender:
    """A channel that is not configured on this server: its notices fail with the reason."""

    def __init__(self, channel: str) -> None:
        self.channel = channel

    def send(self, notice: Notice) -> None:
        raise PermanentFailure(f"The {self.channel} channel is not configured on this server.")

    def send_digest(self, notices: list[Notice]) -> None:
        self.send(notices[0])

    def close(self) -> None:
        pass


class SmsSender:
    """Text messages through the configured provider: printed to the log ("console") or
    posted to a provider's JSON API ("http"). The notice id is sent as an idempotency key,
    so a provider that honours it drops a message sent twice."""

    def send(self, notice: Notice) -> None:
        alert = notice.alert
        body = f"{_subject(notice)} {settings.SITE_URL}/alerts/{alert.pk}"
        self._post(notice.recipient.phone, body, key=f"notice-{notice.pk}")

    def send_digest(self, notices: list[Notice]) -> None:
        headlines = "; ".join(_headline(notice) for notice in notices)
        body = f"{_PREFIX}{_digest_title(notices)}: {headlines}"
        link = f" {settings.SITE_URL}/alerts"
        # The link must survive the cut to the length of a text.
        body = body[: SMS_MAX_CHARS - len(link)] + link
        self._post(notices[0].recipient.phone, body, key=_digest_key(notices))

    def _post(self, phone: str, body: str, *, key: str) -> None:
        if not phone:
            raise PermanentFailure("The recipient has no phone number.")
        body = body[:SMS_MAX_CHARS]
        if settings.SMS_PROVIDER == "console":
            logger.info("Text message to %s: %s", phone, body)
            return
        request = urllib.request.Request(  # noqa: S310 (the provider's URL is configuration)
            settings.SMS_HTTP_URL,
            data=json.dumps({"to": phone, "body": body, "sender": settings.SMS_SENDER_ID}).encode(),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {settings.SMS_HTTP_TOKEN}",
                "Idempotency-Key": key,
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
    """Web push to every browser the recipient allowed, signed with the VAPID key.

    Each browser whose push service accepts a notice gets a receipt, so that when another
    browser of the same person fails for a passing reason, the retry pushes to that one
    only. Only 404 and 410 mean a browser withdrew its subscription (RFC 8030); other
    refusals (400, 403: a bad payload or VAPID key) are failures of ours, and kept.
    """

    def send(self, notice: Notice) -> None:
        alert = notice.alert
        payload = {
            "title": _headline(notice),
            "body": alert.body[:200],
            "url": f"/alerts/{alert.pk}",
            "tag": str(alert.identifier),
        }
        self._push([notice], payload)

    def send_digest(self, notices: list[Notice]) -> None:
        payload = {
            "title": _digest_title(notices),
            "body": "; ".join(_headline(notice) for notice in notices)[:200],
            "url": "/alerts",
            "tag": "patchwatch-digest",
        }
        self._push(notices, payload)

    def _push(self, notices: list[Notice], payload: dict[str, str]) -> None:
        subscriptions = list(
            PushSubscription.objects.filter(user=notices[0].recipient).order_by("pk")
        )
        if not subscriptions:
            raise PermanentFailure("No browser has allowed notifications for this person.")
        had: dict[int, set[int]] = defaultdict(set)
        for subscription_id, notice_id in PushReceipt.objects.filter(
            notice__in=notices
        ).values_list("subscription_id", "notice_id"):
            had[subscription_id].add(notice_id)
        wanted = {notice.pk for notice in notices}
        message = json.dumps(payload)
        delivered, refused, passing = 0, [], []
        for subscription in subscriptions:
            if had[subscription.pk] >= wanted:
                delivered += 1  # accepted on an earlier attempt
                continue
            try:
                self._push_to(subscription, message)
            except WebPushException as exc:
                status = exc.status_code
                if status in (404, 410):
                    subscription.delete()  # the browser withdrew its permission
                elif status is None or status >= 500 or status == 429:
                    passing.append(f"Push service answered {status}: {exc.message}")
                else:
                    refused.append(f"Push service refused the message ({status}): {exc.message}")
                continue
            except requests.RequestException as exc:
                passing.append(f"Push service unreachable: {exc}")
                continue
            PushReceipt.objects.bulk_create(
                [PushReceipt(notice=notice, subscription=subscription) for notice in notices],
                ignore_conflicts=True,
            )
            delivered += 1
        if passing:
            raise TransientFailure(
                f"{passing[0]} (accepted by {delivered} of {len(subscriptions)} browsers)"
            )
        if delivered:
            return
        if refused:
            raise PermanentFailure(refused[0])
        raise PermanentFailure("Every browser of this person has withdrawn notifications.")

    def _push_to(self, subscription: PushSubscription, data: str) -> None:
        webpush(
            subscription_info={
                "endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            },
            data=data,
            vapid_private_key=settings.WEBPUSH_VAPID_PRIVATE_KEY,
            vapid_claims={"sub": settings.WEBPUSH_VAPID_SUBJECT},
            timeout=10,
            ttl=24 * 3600,
        )

    def close(self) -> None:
        pass


def sender_for(channel: str) -> Sender:
    if channel == Channel.EMAIL:
        return EmailSender()
    if channel == Channel.SMS and settings.SMS_PROVIDER in ("console", "http"):
        return SmsSender()
    if channel == Channel.PUSH and settings.WEBPUSH_VAPID_PRIVATE_KEY:
        return PushSender()
    return UnavailableSender(channel)
