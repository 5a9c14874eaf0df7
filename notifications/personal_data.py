"""What alerts hold about a person (``accounts.personal_data``): their alert settings,
devices allowed to show notifications, the notices that brought them alerts, the replies they
wrote and the answers they gave, and the alerts they sent. What deleting the account does is
said in ``notifications.account_deletion``."""

from collections.abc import Iterator
from urllib.parse import urlsplit

from accounts.models import User
from accounts.personal_data import Erasure, ExportSection, Holding, Row
from notifications.models import Alert, Notice, Preference, PushSubscription, Reply


def _preferences(user: User) -> Iterator[Row]:
    preference = Preference.objects.filter(user=user).prefetch_related("muted_schemes").first()
    if preference is None:
        return
    yield {
        "channels": preference.channels,
        "categories": preference.categories,
        "minimum_severity": preference.get_min_severity_display(),
        "muted_schemes": sorted(scheme.name for scheme in preference.muted_schemes.all()),
        "quiet_from": preference.quiet_from,
        "quiet_until": preference.quiet_until,
        "daily_digest": preference.daily_digest,
        "updated_at": preference.updated_at,
    }


def _push_subscriptions(user: User) -> Iterator[Row]:
    for subscription in PushSubscription.objects.filter(user=user).order_by("created_at", "pk"):
        # The push service only: the rest of the address and the keys would let anyone push
        # to the browser.
        yield {
            "push_service": urlsplit(subscription.endpoint).hostname or "",
            "created_at": subscription.created_at,
        }


def _notices(user: User) -> Iterator[Row]:
    notices = Notice.objects.filter(recipient=user).select_related("alert")
    for notice in notices.order_by("queued_at", "pk"):
        yield {
            "alert_id": notice.alert_id,
            "alert_title": notice.alert.title,
            "channel": notice.get_channel_display(),
            "state": notice.get_state_display(),
            "queued_at": notice.queued_at,
            "sent_at": notice.sent_at,
            "read_at": notice.read_at,
        }


def _replies(user: User) -> Iterator[Row]:
    replies = Reply.objects.filter(author=user).select_related("alert", "answered_by")
    for reply in replies.order_by("created_at", "pk"):
        yield {
            "alert_id": reply.alert_id,
            "alert_title": reply.alert.title,
            "your_reply": reply.body,
            "at": reply.created_at,
            "answer": reply.answer,
            "answered_by": reply.answered_by.name if reply.answered_by else "",
            "answered_at": reply.answered_at,
            "answer_read_at": reply.answer_read_at,
        }


def _answers(user: User) -> Iterator[Row]:
    replies = Reply.objects.filter(answered_by=user).select_related("alert")
    for reply in replies.order_by("answered_at", "pk"):
        # The reply answered is its author's: only the answer is the person's own.
        yield {
            "alert_id": reply.alert_id,
            "alert_title": reply.alert.title,
            "your_answer": reply.answer,
            "at": reply.answered_at,
        }


def _alerts_sent(user: User) -> Iterator[Row]:
    alerts = Alert.objects.filter(issuer=user).select_related("scheme")
    for alert in alerts.order_by("created_at", "pk"):
        yield {
            "alert_id": alert.pk,
            "language": alert.language,
            "title": alert.title,
            "body": alert.body,
            # Their own words too, when they gave them in the other language.
            "translated_title": alert.translated_title,
            "translated_body": alert.translated_body,
            "kind": alert.get_message_type_display(),
            "category": alert.get_category_display(),
            "severity": alert.get_severity_display(),
            "status": alert.get_status_display(),
            "for_scheme": alert.scheme.name if alert.scheme else "",
            "created_at": alert.created_at,
            "published_at": alert.published_at,
            "recipients": alert.recipients_count,
        }


SECTIONS = [
    ExportSection(
        name="alert_settings",
        description="How you chose to hear about alerts: channels, categories, minimum "
        "severity, muted schemes, quiet hours and daily digest.",
        columns=(
            "channels",
            "categories",
            "minimum_severity",
            "muted_schemes",
            "quiet_from",
            "quiet_until",
            "daily_digest",
            "updated_at",
        ),
        rows=_preferences,
    ),
    ExportSection(
        name="push_subscriptions",
        description="Browsers you allowed to show notifications: the push service each uses "
        "and when (not the subscription's address or keys).",
        columns=("push_service", "created_at"),
        rows=_push_subscriptions,
    ),
    ExportSection(
        name="alert_notices",
        description="Each alert that reached you, once per channel (in the app, email, push, "
        "text): whether it was sent, and when you read it.",
        columns=("alert_id", "alert_title", "channel", "state", "queued_at", "sent_at", "read_at"),
        rows=_notices,
    ),
    ExportSection(
        name="alert_replies",
        description="Replies you wrote to alerts, and the answers you were given.",
        columns=(
            "alert_id",
            "alert_title",
            "your_reply",
            "at",
            "answer",
            "answered_by",
            "answered_at",
            "answer_read_at",
        ),
        rows=_replies,
    ),
    ExportSection(
        name="alert_reply_answers",
        description="Answers you gave to replies to your alerts.",
        columns=("alert_id", "alert_title", "your_answer", "at"),
        rows=_answers,
    ),
    ExportSection(
        name="alerts_sent",
        description="Alerts you wrote: drafts, and those you published, updated or cancelled.",
        columns=(
            "alert_id",
            "language",
            "title",
            "body",
            "translated_title",
            "translated_body",
            "kind",
            "category",
            "severity",
            "status",
            "for_scheme",
            "created_at",
            "published_at",
            "recipients",
        ),
        rows=_alerts_sent,
    ),
]

HOLDINGS = [
    Holding(
        "notifications.AlertTemplate",
        Erasure.NOT_PERSONAL,
        "A force's ready-made alert wording, kept by its liaisons: it names nobody and "
        "records no author.",
    ),
    Holding(
        "notifications.Alert",
        Erasure.UNLINKED,
        "Sent alerts are part of the record of an incident that others received: kept "
        "without the sender; drafts are deleted.",
        export=("alerts_sent",),
    ),
    Holding(
        "notifications.Notice",
        Erasure.DELETED,
        "The person's inbox goes with the account.",
        export=("alert_notices",),
    ),
    Holding(
        "notifications.Preference",
        Erasure.DELETED,
        "Alert settings go with the account.",
        export=("alert_settings",),
    ),
    Holding(
        "notifications.Reply",
        Erasure.DELETED,
        "Replies the person wrote go with the account; answers they gave stay with the reply "
        "answered, without the link to them.",
        export=("alert_replies", "alert_reply_answers"),
    ),
    Holding(
        "notifications.PushSubscription",
        Erasure.DELETED,
        "Devices go with the account and receive nothing more.",
        export=("push_subscriptions",),
    ),
]
