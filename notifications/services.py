"""Every write about alerts: drafting, publishing, updating and cancelling, reading, replying.

Publishing commits the alert and, once the transaction has committed, enqueues the task that
matches schemes and queues notices (``notifications.dispatch``).
"""

import logging
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy
from kombu.exceptions import OperationalError as KombuOperationalError

from accounts.models import Language, User
from areas import geo
from areas.models import AREA_COLUMNS, area_fields, area_of
from areas.regions import Region
from core.queueing import task_queue
from notifications.dispatch import notices_withdraw
from notifications.guidance import (
    CANCEL_GUIDANCE,
    CATEGORY_GUIDANCE,
    guidance_filled,
    in_language,
)
from notifications.models import (
    Alert,
    AlertActivity,
    AlertApprovalPolicy,
    AlertStatus,
    AlertTemplate,
    Approval,
    MessageType,
    Notice,
    Preference,
    PushSubscription,
    Reply,
)
from notifications.permissions import (
    can_issue_alerts_for,
    can_issue_force_alerts,
    can_keep_templates,
    is_approver_for,
)
from notifications.placeholders import placeholders_left, placeholders_unknown
from notifications.selectors import (
    alert_reach,
    approval_reasons,
    notices_visible_to,
    push_subscriptions_of,
)
from schemes.models import Neighbourhood, Scheme
from schemes.permissions import liaison_force
from schemes.services import activity_record

logger = logging.getLogger(__name__)

DETAIL_FIELDS = (
    "language",
    "title",
    "body",
    "translated_title",
    "translated_body",
    "translated_instruction",
    "category",
    "severity",
    "urgency",
    "audience",
    "scheme_kinds",
    "public",
    "expires_at",
    "instruction",
    "response_type",
    "contact",
    "area_name",
)


# Where an alert stands, as a refusal says it ("this one is cancelled").
STATUS_WORDS: dict[str, Any] = {
    AlertStatus.DRAFT: pgettext_lazy("alert status", "draft"),
    AlertStatus.PUBLISHED: pgettext_lazy("alert status", "published"),
    AlertStatus.UPDATED: pgettext_lazy("alert status", "updated"),
    AlertStatus.CANCELLED: pgettext_lazy("alert status", "cancelled"),
    AlertStatus.EXPIRED: pgettext_lazy("alert status", "expired"),
}
# An alert's words in its own language, and in its translation's.
OWN_WORDS = frozenset({"title", "body", "instruction"})
TRANSLATED_WORDS = frozenset({"translated_title", "translated_body", "translated_instruction"})


def issuing_context(
    issuer: User, scheme: Scheme | None, area: geo.Area
) -> tuple[str, Scheme | None]:
    """The force an alert belongs to and the scheme it is issued for, or PermissionDenied
    with the reason. Liaisons publish in their force area; coordinators only inside their
    own scheme's area."""
    force = liaison_force(issuer)
    if scheme is None and force and can_issue_force_alerts(issuer):
        return force, None
    if scheme is None:
        raise PermissionDenied(_("Only police liaisons and scheme coordinators issue alerts."))
    if not can_issue_alerts_for(issuer, scheme):
        raise PermissionDenied(_("You can issue alerts only for an active scheme you coordinate."))
    if not geo.area_within(area, scheme.area):
        raise PermissionDenied(
            _(
                "The alert's area reaches outside %(scheme)s's area: a coordinator's alerts "
                "stay within their scheme. Ask your police liaison to issue a wider alert."
            )
            % {"scheme": scheme.name}
        )
    return scheme.force, scheme


def _neighbourhood_columns(*, issuer: User, ids: list[int]) -> dict[str, Any]:
    """The area columns of an alert sent to policing neighbourhoods of the issuer's force:
    their outline, and a copy of each (``Alert.neighbourhoods``), in the order given."""
    force = liaison_force(issuer)
    if not force:
        raise PermissionDenied(_("Only police liaisons send alerts to neighbourhoods."))
    found = {n.pk: n for n in Neighbourhood.objects.filter(force=force, pk__in=ids)}
    missing = [str(pk) for pk in ids if pk not in found]
    if missing:
        raise ValidationError(
            {
                "neighbourhoods": _("Not neighbourhoods of your force: %(ids)s.")
                % {"ids": ", ".join(missing)}
            }
        )
    chosen = [found[pk] for pk in ids]
    union = {
        "type": "MultiPolygon",
        "coordinates": [polygon for n in chosen for polygon in n.boundary["coordinates"]],
    }
    outline = Region(union).outline()
    ring = geo.polygon_ring(outline)
    box = geo.polygon_bbox(ring)
    if not geo.bbox_fits(box):
        raise ValidationError(
            {
                "neighbourhoods": _(
                    "These neighbourhoods together are too large for one alert: choose fewer."
                )
            }
        )
    centre = geo.polygon_centroid(ring)
    return {
        "centre_lat": centre.lat,
        "centre_lon": centre.lon,
        "radius_m": None,
        "boundary": outline,
        "bbox_south": box.south,
        "bbox_west": box.west,
        "bbox_north": box.north,
        "bbox_east": box.east,
        "neighbourhoods": [
            {"id": n.pk, "ref": n.ref, "name": n.name, "boundary": n.boundary} for n in chosen
        ],
    }


def _area_columns(*, issuer: User, area: dict[str, Any]) -> dict[str, Any]:
    """An alert's area columns, from a circle or boundary or from neighbourhoods."""
    if "neighbourhoods" in area:
        return _neighbourhood_columns(issuer=issuer, ids=area["neighbourhoods"])
    return {**area_fields(**area), "neighbourhoods": []}


def _named_by_neighbourhoods(details: dict[str, Any], columns: dict[str, Any]) -> dict[str, Any]:
    """Details whose area name, left empty, names the neighbourhoods the alert goes to."""
    names = ", ".join(n["name"] for n in columns["neighbourhoods"])
    if not names or details.get("area_name"):
        return details
    return {**details, "area_name": names if len(names) <= 200 else names[:199] + "…"}


def alert_preview(
    *, issuer: User, details: dict[str, Any], area: dict[str, Any], scheme: Scheme | None
) -> tuple[list[Scheme], int]:
    """The schemes an alert would reach and how many people, before it is drafted: nothing
    is stored. Refused as drafting it would be, when the issuer may not issue it there."""
    columns = _area_columns(issuer=issuer, area=area)
    force, scheme = issuing_context(issuer, scheme, area_of(columns))
    draft = Alert(issuer=issuer, force=force, scheme=scheme, **details, **columns)
    return alert_reach(alert=draft)


def _draft_fields(
    *, issuer: User, details: dict[str, Any], area: dict[str, Any], scheme: Scheme | None
) -> dict[str, Any]:
    """A draft's columns from what its author gave, once they may issue it there; what it
    asks of its recipients, when not given, is the usual for its category."""
    fields = _area_columns(issuer=issuer, area=area)
    force, scheme = issuing_context(issuer, scheme, area_of(fields))
    details = _named_by_neighbourhoods(details, fields)
    details = guidance_filled(details, guidance=CATEGORY_GUIDANCE[details["category"]])
    details.setdefault(
        "expires_at",
        timezone.now() + timedelta(hours=settings.NOTIFICATIONS_DEFAULT_EXPIRY_HOURS),
    )
    if details["expires_at"] <= timezone.now():
        raise ValidationError({"expires_at": _("The expiry must be in the future.")})
    return {"force": force, "scheme": scheme, **details, **fields}


@transaction.atomic
def alert_draft(
    *, issuer: User, details: dict[str, Any], area: dict[str, Any], scheme: Scheme | None
) -> Alert:
    fields = _draft_fields(issuer=issuer, details=details, area=area, scheme=scheme)
    alert = Alert.objects.create(issuer=issuer, **fields)
    # A first alert is its own incident; its updates and cancellation will join it.
    alert.incident = alert
    alert.save(update_fields=["incident"])
    return alert


def _own_draft(alert: Alert, actor: User) -> Alert:
    """The alert, locked, when it is still a draft of ``actor``'s."""
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.issuer_id != actor.pk:
        raise PermissionDenied(_("Only the alert's author changes or deletes a draft."))
    if alert.status != AlertStatus.DRAFT:
        raise ValidationError(
            {
                "status": _("This alert is %(status)s: only drafts can be edited or deleted.")
                % {"status": STATUS_WORDS[alert.status]}
            }
        )
    if alert.approval == Approval.AWAITING:
        raise ValidationError(
            {
                "status": _(
                    "This alert is awaiting approval: it can be changed once another liaison "
                    "sends it back."
                )
            }
        )
    return alert


@transaction.atomic
def alert_draft_edit(
    *,
    alert: Alert,
    actor: User,
    details: dict[str, Any],
    area: dict[str, Any],
    scheme: Scheme | None,
) -> Alert:
    """Rewrite a draft as a whole (what it says, where, and who it is for), checked as a
    new draft is: an expiry not given is the default from now."""
    alert = _own_draft(alert, actor)
    fields = _draft_fields(issuer=actor, details=details, area=area, scheme=scheme)
    for name, value in fields.items():
        setattr(alert, name, value)
    alert.save()
    return alert


@transaction.atomic
def alert_draft_delete(*, alert: Alert, actor: User) -> None:
    _own_draft(alert, actor).delete()


def _check_daily_limit(issuer: User, *, update: bool = False) -> None:
    """Refuse a coordinator's alert or update beyond the day's limit. Every message a
    coordinator sends counts (an update goes to everyone who had the alert), except a
    cancellation, which is always allowed: it only ever stops an alert.

    Called inside the publishing transaction: the issuer's row is locked until it commits, so
    that two publishes at the same moment are counted one after the other rather than both
    passing on the same count."""
    if liaison_force(issuer):
        return
    User.objects.select_for_update().filter(pk=issuer.pk).values_list("pk", flat=True).get()
    since = timezone.now() - timedelta(days=1)
    sent = (
        Alert.objects.filter(issuer=issuer, published_at__gte=since)
        .exclude(message_type=MessageType.CANCEL)
        .count()
    )
    limit = settings.NOTIFICATIONS_COORDINATOR_DAILY_LIMIT
    if sent >= limit:
        refusal = ngettext(
            "Coordinators may publish %(limit)d alert or update a day; you have reached the "
            "limit. Your police liaison can publish more.",
            "Coordinators may publish %(limit)d alerts and updates a day; you have reached the "
            "limit. Your police liaison can publish more.",
            limit,
        ) % {"limit": limit}
        if update:
            refusal += " " + _("You can still cancel the alert.")
        raise PermissionDenied(refusal)


def _enqueue_dispatch(alert: Alert) -> None:
    transaction.on_commit(partial(_queue_dispatch, alert.pk))


def _queue_dispatch(alert_id: int) -> None:
    try:
        task_queue("notifications.queue_notices", kwargs={"alert_id": alert_id})
    except KombuOperationalError:
        # The alert is published and committed; a broker that cannot be reached must not
        # turn that into an error. The sweep dispatches it once the broker is back.
        logger.exception("Could not queue the dispatch of alert %s; the sweep will", alert_id)


def _check_unexpired(alert: Alert, now: datetime) -> None:
    if alert.expires_at <= now:
        # Published as it is, its CAP message would expire before it was sent.
        raise ValidationError(
            {"expires_at": _("The expiry has passed: edit the draft and give it a later one.")}
        )


def _check_filled_in(words: dict[str, Any]) -> None:
    """Refuse to send words that still hold a template's placeholder (``{place}``)."""
    left = placeholders_left(words)
    if left:
        raise ValidationError(left)


def _alert_words(alert: Alert) -> dict[str, str]:
    return {
        "title": alert.title,
        "body": alert.body,
        "instruction": alert.instruction,
        "translated_title": alert.translated_title,
        "translated_body": alert.translated_body,
        "translated_instruction": alert.translated_instruction,
    }


def _approval_record(alert: Alert, type: str, actor: User, **facts: str) -> None:
    """A step of the alert's approval, in its scheme's log, or its force's for a liaison's."""
    activity_record(
        scheme=alert.scheme,
        force=alert.force,
        type=type,
        actor=actor,
        object_id=alert.pk,
        payload={"title": alert.title, **facts},
    )


@transaction.atomic
def alert_publish(*, alert: Alert, actor: User) -> Alert:
    """Publish the author's draft: at once, or, when its force's policy asks for a second
    liaison's approval (``selectors.approval_reasons``), held awaiting it, with nothing
    sent (``alert_approve`` publishes it)."""
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.status != AlertStatus.DRAFT:
        raise ValidationError(
            {
                "status": _("This alert is %(status)s, not a draft.")
                % {"status": STATUS_WORDS[alert.status]}
            }
        )
    if alert.issuer_id != actor.pk:
        raise PermissionDenied(_("Only the alert's author publishes it."))
    if alert.approval == Approval.AWAITING:
        raise ValidationError(
            {"status": _("This alert is already awaiting approval by another liaison.")}
        )
    now = timezone.now()
    _check_unexpired(alert, now)
    _check_filled_in(_alert_words(alert))
    _check_daily_limit(actor)
    if approval_reasons(alert=alert):
        resubmitted = alert.approval == Approval.SENT_BACK
        alert.approval = Approval.AWAITING
        alert.approval_comment = ""
        alert.save(update_fields=["approval", "approval_comment"])
        _approval_record(
            alert,
            AlertActivity.ALERT_RESUBMITTED if resubmitted else AlertActivity.ALERT_SUBMITTED,
            actor,
        )
        return alert
    # Sent back once, it no longer needs approval (the policy changed): it simply goes.
    alert.approval = ""
    alert.approval_comment = ""
    return _published(alert, actor=actor, now=now)


def _published(alert: Alert, *, actor: User | None, now: datetime) -> Alert:
    """Publish the locked draft and queue its dispatch once the transaction commits."""
    alert.status = AlertStatus.PUBLISHED
    alert.published_at = now
    alert.save(update_fields=["status", "published_at", "approval", "approval_comment"])
    if alert.scheme is not None:
        activity_record(
            scheme=alert.scheme,
            type=AlertActivity.ALERT_PUBLISHED,
            actor=actor,
            object_id=alert.pk,
            payload={"title": alert.title},
        )
    _enqueue_dispatch(alert)
    return alert


def _awaiting_decision(alert: Alert, actor: User) -> Alert:
    """The alert, locked, once ``actor`` may decide on it; refused with the reason."""
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.issuer_id == actor.pk:
        raise PermissionDenied(
            _("You cannot approve your own alert: another liaison of your force must.")
        )
    if not is_approver_for(actor, alert):
        raise PermissionDenied(
            _("Only another police liaison of the alert's force approves it or sends it back.")
        )
    return alert


def _not_awaiting() -> ValidationError:
    return ValidationError({"status": _("This alert is not awaiting approval.")})


@transaction.atomic
def alert_approve(*, alert: Alert, actor: User) -> Alert:
    """A second liaison approves the alert: it is published and dispatched as any other.
    Approving it again changes nothing and sends nothing more."""
    alert = _awaiting_decision(alert, actor)
    if alert.approval == Approval.APPROVED:
        return alert
    if alert.status != AlertStatus.DRAFT or alert.approval != Approval.AWAITING:
        raise _not_awaiting()
    now = timezone.now()
    _check_unexpired(alert, now)
    alert.approval = Approval.APPROVED
    _approval_record(alert, AlertActivity.ALERT_APPROVED, actor)
    return _published(alert, actor=alert.issuer, now=now)


@transaction.atomic
def alert_send_back(*, alert: Alert, actor: User, comment: str) -> Alert:
    """A second liaison sends the alert back to its author with a comment: it stays an
    unsent draft, which they may edit and publish again (submitting it again)."""
    alert = _awaiting_decision(alert, actor)
    if alert.status != AlertStatus.DRAFT or alert.approval != Approval.AWAITING:
        raise _not_awaiting()
    alert.approval = Approval.SENT_BACK
    alert.approval_comment = comment
    alert.save(update_fields=["approval", "approval_comment"])
    _approval_record(alert, AlertActivity.ALERT_SENT_BACK, actor, comment=comment)
    return alert


@transaction.atomic
def alert_replace(
    *, alert: Alert, actor: User, message_type: str, details: dict[str, Any]
) -> Alert:
    """Publish an update or a cancellation of a published alert. It goes to the same
    recipients as the original, marked as such, and joins the original's incident. A
    cancellation ends the incident: every message of it, the cancellation too, is marked
    cancelled (its notices still go: ``dispatch`` never withdraws a cancellation's)."""
    original = Alert.objects.select_for_update().get(pk=alert.pk)
    now = timezone.now()
    # Past its expiry, an alert is expired even before the sweep marks it so; an update or
    # cancellation of it would copy an expiry earlier than its own sending.
    status = AlertStatus.EXPIRED if original.expires_at <= now else original.status
    if status != AlertStatus.PUBLISHED:
        raise ValidationError(
            {
                "status": _("Only a published alert can be changed; this one is %(status)s.")
                % {"status": STATUS_WORDS[status]}
            }
        )
    if message_type == MessageType.UPDATE and not details:
        raise ValidationError(_("Say what the update changes: a new message, title or severity."))
    if "expires_at" in details and details["expires_at"] <= now:
        raise ValidationError({"expires_at": _("The expiry must be in the future.")})
    _check_filled_in(details)
    if message_type != MessageType.CANCEL:
        _check_daily_limit(actor, update=True)
    copied = {field: getattr(original, field) for field in DETAIL_FIELDS}
    area = {field: getattr(original, field) for field in AREA_COLUMNS}
    if TRANSLATED_WORDS.isdisjoint(details) and not OWN_WORDS.isdisjoint(details):
        # New words without their translation: the alert's would say what is no longer so,
        # so everyone reads the new ones, in the language they were written in.
        copied.update(dict.fromkeys(TRANSLATED_WORDS, ""))
    cancel = message_type == MessageType.CANCEL
    if cancel:
        language = details.get("language", original.language)
        copied.update(
            instruction=in_language(CANCEL_GUIDANCE.instruction, language),
            response_type=CANCEL_GUIDANCE.response_type,
        )
        translated = details.get("translated_title", copied["translated_title"])
        if translated and not details.get("translated_instruction"):
            other = Language.ENGLISH if language == Language.WELSH else Language.WELSH
            details = {
                **details,
                "translated_instruction": in_language(CANCEL_GUIDANCE.instruction, other),
            }
    incident_id = original.incident_id or original.pk
    replacement = Alert.objects.create(
        issuer=actor,
        force=original.force,
        scheme=original.scheme,
        message_type=message_type,
        references=original,
        incident_id=incident_id,
        **{**copied, **details},
        **area,
        neighbourhoods=original.neighbourhoods,
        status=AlertStatus.CANCELLED if cancel else AlertStatus.PUBLISHED,
        published_at=now,
    )
    replacement.matched_schemes.set(original.matched_schemes.all())
    earlier = Alert.objects.filter(incident_id=incident_id).exclude(pk=replacement.pk)
    if cancel:
        earlier.exclude(status=AlertStatus.DRAFT).update(status=AlertStatus.CANCELLED)
        # What is still held of the cancelled alert, or of the alerts it had replaced, is
        # not sent later: the cancellation (which does go) says it is over.
        notices_withdraw(alert_ids=earlier.values_list("pk", flat=True))
    else:
        original.status = AlertStatus.UPDATED
        original.save(update_fields=["status"])
    _enqueue_dispatch(replacement)
    return replacement


@transaction.atomic
def alerts_expire(*, now: datetime | None = None) -> int:
    """Mark published alerts past their expiry expired, and the alerts they had replaced
    (updated); withdraw their notices still held. Returns how many alerts expired."""
    now = now or timezone.now()
    expiring = list(
        Alert.objects.select_for_update()
        .filter(status__in=[AlertStatus.PUBLISHED, AlertStatus.UPDATED], expires_at__lte=now)
        .values_list("pk", flat=True)
    )
    Alert.objects.filter(pk__in=expiring).update(status=AlertStatus.EXPIRED)
    notices_withdraw(alert_ids=expiring)
    return len(expiring)


def _incidents_read(*, user: User, incidents: Any) -> int:
    """Mark read what ``user`` has of the incidents (ids, or a subquery of them): their
    notices on every channel, and the answers to their replies. Returns how many notices."""
    now = timezone.now()
    Reply.objects.filter(
        author=user,
        alert__incident__in=incidents,
        answered_at__isnull=False,
        answer_read_at__isnull=True,
    ).update(answer_read_at=now)
    return Notice.objects.filter(
        recipient=user, alert__incident__in=incidents, read_at__isnull=True
    ).update(read_at=now)


def notices_mark_read(*, user: User, notice_ids: list[int]) -> int:
    """Mark the user's notices read: the whole incident of each (its alert, updates and
    cancellation, on every channel), as the inbox shows one card for all of them."""
    incidents = (
        notices_visible_to(user=user)
        .filter(pk__in=notice_ids)
        .values_list("alert__incident_id", flat=True)
    )
    return _incidents_read(user=user, incidents=set(incidents))


def incident_mark_read(*, user: User, alert: Alert) -> int:
    """The user opened the alert's thread: all of the incident is read."""
    return _incidents_read(user=user, incidents=[alert.incident_id or alert.pk])


def replies_mark_read(*, alert: Alert) -> int:
    """Mark every reply to the alert's incident read, for its issuer and the force's
    liaisons (the thread shows the replies to all its messages together)."""
    return Reply.objects.filter(
        alert__incident_id=alert.incident_id or alert.pk, read_at__isnull=True
    ).update(read_at=timezone.now())


def reply_create(*, alert: Alert, author: User, body: str) -> Reply:
    incident_id = alert.incident_id or alert.pk
    if not Notice.objects.filter(alert__incident_id=incident_id, recipient=author).exists():
        raise PermissionDenied(_("Only people who received this alert can reply to it."))
    return Reply.objects.create(alert=alert, author=author, body=body)


@transaction.atomic
def reply_answer(*, reply: Reply, actor: User, answer: str) -> Reply:
    """Answer a reply, for its author to read on the alert's page (their inbox shows the
    incident unread until they do). Answering reads the reply. The same answer again
    changes nothing; another one corrects it, and is shown to the author as new."""
    reply = Reply.objects.select_for_update().get(pk=reply.pk)
    if reply.answered_at is not None and reply.answer == answer:
        return reply
    now = timezone.now()
    reply.answer = answer
    reply.answered_by = actor
    reply.answered_at = now
    reply.answer_read_at = None
    reply.read_at = reply.read_at or now
    reply.save(update_fields=["answer", "answered_by", "answered_at", "answer_read_at", "read_at"])
    return reply


@transaction.atomic
def preference_set(*, user: User, data: dict[str, Any]) -> Preference:
    """Save a member's own alert preferences, in place of the defaults
    (``selectors.default_preference``)."""
    muted = data.pop("muted_schemes", [])
    preference, _ = Preference.objects.update_or_create(user=user, defaults=data)
    preference.muted_schemes.set(muted)
    return preference


def preference_reset(*, user: User) -> None:
    """Forget a member's own alert preferences: the defaults apply again."""
    Preference.objects.filter(user=user).delete()


def push_subscription_save(*, user: User, endpoint: str, keys: dict[str, str]) -> PushSubscription:
    """Remember a browser's push subscription (a browser that re-subscribes replaces it)."""
    subscription, _ = PushSubscription.objects.update_or_create(
        endpoint=endpoint, defaults={"user": user, "p256dh": keys["p256dh"], "auth": keys["auth"]}
    )
    return subscription


def push_subscription_remove(*, user: User, endpoint: str) -> int:
    deleted, _ = push_subscriptions_of(user=user).filter(endpoint=endpoint).delete()
    return deleted


# --- A force's templates and its approval policy -------------------------------------------


def _template_checked(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = placeholders_unknown(fields)
    if unknown:
        raise ValidationError(unknown)
    return fields


def _name_free(*, force: str, name: str, template: AlertTemplate | None = None) -> None:
    taken = AlertTemplate.objects.filter(force=force, name=name)
    if template is not None:
        taken = taken.exclude(pk=template.pk)
    if taken.exists():
        raise ValidationError({"name": _("Your force already has a template of this name.")})


def _template_keeper(actor: User) -> str:
    force = liaison_force(actor)
    if force is None or not can_keep_templates(actor, force):
        raise PermissionDenied(_("Only police liaisons keep their force's alert templates."))
    return force


@transaction.atomic
def alert_template_create(*, actor: User, fields: dict[str, Any]) -> AlertTemplate:
    """A liaison adds a template for their force."""
    force = _template_keeper(actor)
    fields = _template_checked(fields)
    _name_free(force=force, name=fields["name"])
    return AlertTemplate.objects.create(force=force, **fields)


@transaction.atomic
def alert_template_change(
    *, template: AlertTemplate, actor: User, fields: dict[str, Any]
) -> AlertTemplate:
    """A liaison of the template's force rewrites it (the fields given)."""
    if not can_keep_templates(actor, template.force):
        raise PermissionDenied(_("Only police liaisons keep their force's alert templates."))
    fields = _template_checked(fields)
    if "name" in fields:
        _name_free(force=template.force, name=fields["name"], template=template)
    for name, value in fields.items():
        setattr(template, name, value)
    template.full_clean()
    template.save()
    return template


def alert_template_delete(*, template: AlertTemplate, actor: User) -> None:
    if not can_keep_templates(actor, template.force):
        raise PermissionDenied(_("Only police liaisons keep their force's alert templates."))
    template.delete()


@transaction.atomic
def approval_policy_set(*, force: str, fields: dict[str, Any]) -> AlertApprovalPolicy:
    """Save which of the force's alerts need a second liaison's approval. Alerts already
    awaiting approval still await it."""
    policy, _created = AlertApprovalPolicy.objects.update_or_create(force=force, defaults=fields)
    return policy
