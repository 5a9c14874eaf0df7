"""Delivery channels behind one small interface.

The in-app inbox needs no sender: a notice is delivered by the same conditional update that
claims it. The others send one notice at a time through ``Sender.send``, or a member's
held notices at once through ``Sender.send_digest``, and report every failure as
``TransientFailure`` (try again later) or ``PermanentFailure`` (record and stop): a sender
never lets a network or server error escape as anything else, so that every failure is
counted, recorded and retried the same way (``notifications.dispatch``). A sender whose
provider gives each message an id (GOV.UK Notify) returns it, and it is stored on the notice,
for the provider's delivery receipt to find.

Which provider carries email (``EMAIL_PROVIDER``: smtp or notify) and text messages
(``SMS_PROVIDER``: console or notify) is configuration (``sender_for``).
"""

import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Callable
from functools import partial
from typing import Any, Protocol

from django.conf import settings
from django.core import mail
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from notifications_python_client.errors import APIError
from pywebpush import WebPushException, webpush

from core import notify
from notifications.models import AlertText, Channel, Notice, PushReceipt, PushSubscription
from notifications.wording import language_tag

logger = logging.getLogger(__name__)


class TransientFailure(Exception):
    """The channel could not deliver now (a timeout, a full queue); try again later."""


class PermanentFailure(Exception):
    """The channel will never deliver this notice (no address, rejected)."""


class RateLimited(TransientFailure):
    """Not this notice's fault: the channel's shared rate limit has no turn for it within the
    wait allowed. Delivery puts it (and the rest of its batch) off for ``retry_after``
    seconds without counting an attempt."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"Waiting for a turn within the rate limit ({retry_after:.1f} s)")
        self.retry_after = retry_after


class Sender(Protocol):
    def send(self, notice: Notice) -> str | None:
        """Send one notice; the provider's id for the message, when it gives one."""

    def send_digest(self, notices: list[Notice]) -> str | None:
        """One message listing ``notices``, all of one recipient and of this channel."""

    def close(self) -> None: ...


_PREFIX = "[Patchwatch] "
# Two text message parts at most.
SMS_MAX_CHARS = 306


def _text(notice: Notice) -> AlertText:
    """The alert's words in the language the message is written in (``dispatch`` sends each
    in its recipient's): its translation's when that is the recipient's, its own otherwise."""
    return notice.alert.text_in(get_language())


def _headline(notice: Notice) -> str:
    alert = notice.alert
    marker = {"Update": _("Update: "), "Cancel": _("Cancelled: ")}.get(alert.message_type, "")
    return f"{marker}{_text(notice).title}"


def _subject(notice: Notice) -> str:
    return _PREFIX + _headline(notice)


def _notice_key(notice: Notice) -> str:
    """The notice's own key: the Message-ID of its email, the reference of its Notify message."""
    return f"notice-{notice.pk}"


def _link(notice: Notice) -> str:
    return f"{settings.SITE_URL}/alerts/{notice.alert_id}"


def _advice(notice: Notice) -> str:
    """What to do and whom to contact, as lines of text (empty when the alert says neither)."""
    alert = notice.alert
    instruction = _text(notice).instruction
    return "\n\n".join(
        f"{label}: {text}"
        for label, text in ((_("What to do"), instruction), (_("Contact"), alert.contact))
        if text
    )


def _digest_body(notices: list[Notice]) -> str:
    lines = [_("%(alerts)s since your last digest:") % {"alerts": _alerts(len(notices))} + "\n"]
    for notice in notices:
        lines.append(f"- {_headline(notice)}")
        lines.append(f"  {_text(notice).body}")
        lines.append(f"  {_link(notice)}\n")
    return "\n".join(lines)


def _digest_key(notices: list[Notice]) -> str:
    """The same for every attempt at sending the same digest, as the notice id is for one
    notice: the Message-ID of a digest email and the idempotency key of a digest text."""
    ids = ",".join(str(notice.pk) for notice in notices)
    return "digest-" + hashlib.sha256(ids.encode()).hexdigest()[:16]


def _alerts(count: int) -> str:
    return ngettext("%(count)d alert", "%(count)d alerts", count) % {"count": count}


def _digest_title(notices: list[Notice]) -> str:
    return _("Your daily digest: %(alerts)s") % {"alerts": _alerts(len(notices))}


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
        words = _text(notice).body
        advice = _advice(notice)
        body = f"{words}\n\n{advice}" if advice else words
        self._deliver(
            mail.EmailMessage(
                subject=_subject(notice),
                body=f"{body}\n\n{_link(notice)}\n",
                to=[notice.recipient.email],
                headers={"Message-ID": f"<{_notice_key(notice)}@patchwatch>"},
            )
        )

    def send_digest(self, notices: list[Notice]) -> None:
        recipient = notices[0].recipient
        if not recipient.email:
            raise PermanentFailure("The recipient has no email address.")
        self._deliver(
            mail.EmailMessage(
                subject=_PREFIX + _digest_title(notices),
                body=_digest_body(notices),
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
    """Text messages printed to the log (``SMS_PROVIDER=console``), for development."""

    def send(self, notice: Notice) -> None:
        self._print(notice.recipient.phone, f"{_subject(notice)} {_link(notice)}")

    def send_digest(self, notices: list[Notice]) -> None:
        headlines = "; ".join(_headline(notice) for notice in notices)
        body = f"{_PREFIX}{_digest_title(notices)}: {headlines}"
        link = f" {settings.SITE_URL}/alerts"
        # The link must survive the cut to the length of a text.
        self._print(notices[0].recipient.phone, body[: SMS_MAX_CHARS - len(link)] + link)

    def _print(self, phone: str, body: str) -> None:
        if not phone:
            raise PermanentFailure("The recipient has no phone number.")
        logger.info("Text message to %s: %s", phone, body[:SMS_MAX_CHARS])

    def close(self) -> None:
        pass


class NotifySender:
    """GOV.UK Notify, for email or text messages, through its official client.

    Each message fills the channel's template with the alert (``personalisation``) and has
    the notice's own key as its reference (a digest's key for a digest), so that a message
    sent again after a worker died between Notify accepting it and its record can be
    recognised as the same one. Every call waits for its turn in the rate limit that all
    workers share; Notify's id for the message is returned, to be stored on the notice for
    its delivery receipt.
    """

    def __init__(self, channel: str) -> None:
        self.channel = channel
        self.client = notify.client()
        self.bucket = notify.rate_bucket()

    def send(self, notice: Notice) -> str:
        text = _text(notice)
        personalisation = {
            "subject": _subject(notice),
            "headline": _headline(notice),
            "body": text.body,
            "instruction": text.instruction,
            "contact": notice.alert.contact,
            "advice": _advice(notice),
            "link": _link(notice),
        }
        return self._send(notice, personalisation, reference=_notice_key(notice), digest=False)

    def send_digest(self, notices: list[Notice]) -> str:
        personalisation = {
            "subject": _PREFIX + _digest_title(notices),
            "headline": _digest_title(notices),
            "body": _digest_body(notices),
            "instruction": "",
            "contact": "",
            "advice": "",
            "link": f"{settings.SITE_URL}/alerts",
        }
        return self._send(notices[0], personalisation, reference=_digest_key(notices), digest=True)

    def _send(
        self, notice: Notice, personalisation: dict[str, str], *, reference: str, digest: bool
    ) -> str:
        recipient = notice.recipient
        call: Callable[[], dict[str, Any]]
        if self.channel == Channel.EMAIL:
            if not recipient.email:
                raise PermanentFailure("The recipient has no email address.")
            template = (
                settings.NOTIFY_EMAIL_DIGEST_TEMPLATE_ID
                if digest
                else settings.NOTIFY_EMAIL_TEMPLATE_ID
            )
            call = partial(
                self.client.send_email_notification,
                email_address=recipient.email,
                template_id=template,
                personalisation=personalisation,
                reference=reference,
                email_reply_to_id=settings.NOTIFY_EMAIL_REPLY_TO_ID or None,
            )
        else:
            if not recipient.phone:
                raise PermanentFailure("The recipient has no phone number.")
            template = (
                settings.NOTIFY_SMS_DIGEST_TEMPLATE_ID
                if digest
                else settings.NOTIFY_SMS_TEMPLATE_ID
            )
            call = partial(
                self.client.send_sms_notification,
                phone_number=recipient.phone,
                template_id=template,
                personalisation=personalisation,
                reference=reference,
                sms_sender_id=settings.NOTIFY_SMS_SENDER_ID or None,
            )
        wait = notify.take_turn(self.bucket)
        if wait is not None:
            raise RateLimited(wait.seconds)
        try:
            response = call()
        except APIError as exc:
            refusal = notify.refusal(exc)
            if refusal.rate_limited:
                # Every worker waits a while, rather than each being refused in turn.
                self.bucket.pause(notify.RATE_LIMITED_PAUSE_SECONDS)
            if refusal.passing:
                raise TransientFailure(refusal.message) from exc
            raise PermanentFailure(refusal.message) from exc
        return str(response["id"])

    def close(self) -> None:
        self.client.request_session.close()


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
            "body": _text(notice).body[:200],
            "lang": _text(notice).language_tag,
            "url": f"/alerts/{alert.pk}",
            "tag": str(alert.identifier),
        }
        self._push([notice], payload)

    def send_digest(self, notices: list[Notice]) -> None:
        payload = {
            "title": _digest_title(notices),
            "body": "; ".join(_headline(notice) for notice in notices)[:200],
            "lang": language_tag(),
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
            except OSError as exc:  # requests' errors (a refused connection, a timeout)
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
        return NotifySender(channel) if settings.EMAIL_PROVIDER == "notify" else EmailSender()
    if channel == Channel.SMS and settings.SMS_PROVIDER == "notify":
        return NotifySender(channel)
    if channel == Channel.SMS and settings.SMS_PROVIDER == "console":
        return SmsSender()
    if channel == Channel.PUSH and settings.WEBPUSH_VAPID_PRIVATE_KEY:
        return PushSender()
    return UnavailableSender(channel)
