"""Location-based alerts and the notices that carry them to people.

An alert is one CAP message: an update or a cancellation is a new alert that points at the
one it replaces (``references``), and reaches the same recipients. The first alert and every
update or cancellation of it make one incident, read as one thread (``incident``: the first
alert, for all of them). Each recipient gets one notice per channel, at most once (a unique
constraint); a notice moves from queued to sent or failed, and is read (or not) by its
recipient.
"""

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy, gettext_noop

from accounts.forces import PoliceForce
from accounts.models import Language
from areas.models import AreaFields
from schemes.models import Scheme


class AlertActivity(models.TextChoices):
    """What the alerts app records in a scheme's activity log (schemes.activity), or in its
    force's for a liaison's alert."""

    ALERT_PUBLISHED = "alert_published", gettext_lazy("Alert published")
    ALERT_SUBMITTED = "alert_submitted", gettext_lazy("Alert submitted for approval")
    ALERT_APPROVED = "alert_approved", gettext_lazy("Alert approved")
    ALERT_SENT_BACK = "alert_sent_back", gettext_lazy("Alert sent back")
    ALERT_RESUBMITTED = "alert_resubmitted", gettext_lazy("Alert resubmitted for approval")


class Category(models.TextChoices):
    BURGLARY = "burglary", gettext_noop("Burglary")
    VEHICLE_CRIME = "vehicle_crime", gettext_noop("Vehicle crime")
    BOGUS_CALLER = "bogus_caller", gettext_noop("Bogus caller or scam")
    RURAL_CRIME = "rural_crime", gettext_noop("Rural crime")
    HARE_COURSING = "hare_coursing", gettext_noop("Hare coursing")
    FLY_TIPPING = "fly_tipping", gettext_noop("Fly-tipping")
    SPEEDING = "speeding", gettext_noop("Speeding")
    MISSING_PERSON = "missing_person", gettext_noop("Missing person")
    SUSPICIOUS_ACTIVITY = "suspicious_activity", gettext_noop("Suspicious activity")
    GENERAL = "general", gettext_noop("General")


class Severity(models.TextChoices):
    """CAP 1.2 severity, most severe first."""

    EXTREME = "Extreme", gettext_noop("Extreme")
    SEVERE = "Severe", gettext_noop("Severe")
    MODERATE = "Moderate", gettext_noop("Moderate")
    MINOR = "Minor", gettext_noop("Minor")
    UNKNOWN = "Unknown", gettext_noop("Unknown")


# Higher is more severe; Unknown ranks lowest so a "minimum severity" never hides it by
# accident below Minor.
SEVERITY_RANK: dict[str, int] = {
    Severity.UNKNOWN: 0,
    Severity.MINOR: 1,
    Severity.MODERATE: 2,
    Severity.SEVERE: 3,
    Severity.EXTREME: 4,
}


class Urgency(models.TextChoices):
    """CAP 1.2 urgency."""

    IMMEDIATE = "Immediate", gettext_noop("Immediate")
    EXPECTED = "Expected", gettext_noop("Expected")
    FUTURE = "Future", gettext_noop("Future")
    PAST = "Past", gettext_noop("Past")
    UNKNOWN = "Unknown", gettext_noop("Unknown")


class Audience(models.TextChoices):
    COORDINATORS = "coordinators", gettext_noop("Coordinators only")
    MEMBERS = "members", gettext_noop("All members")


class MessageType(models.TextChoices):
    """CAP msgType."""

    ALERT = "Alert", gettext_noop("Alert")
    UPDATE = "Update", gettext_noop("Update")
    CANCEL = "Cancel", gettext_noop("Cancellation")


class ResponseType(models.TextChoices):
    """CAP 1.2 responseType: what the alert asks its recipients to do."""

    SHELTER = "Shelter", gettext_noop("Shelter: stay indoors")
    EVACUATE = "Evacuate", gettext_noop("Evacuate: leave the area")
    PREPARE = "Prepare", gettext_noop("Prepare: get ready to act")
    EXECUTE = "Execute", gettext_noop("Execute: do what the instructions say")
    AVOID = "Avoid", gettext_noop("Avoid: keep away from it")
    MONITOR = "Monitor", gettext_noop("Monitor: keep watch and report")
    ASSESS = "Assess", gettext_noop("Assess: weigh up the information")
    ALL_CLEAR = "AllClear", gettext_noop("All clear: nothing more to do")
    NONE = "None", gettext_noop("None: no action needed")


class AlertStatus(models.TextChoices):
    """Where an alert stands. Every message of a cancelled incident is cancelled, the
    cancellation too, so that the latest message's status is the incident's."""

    DRAFT = "draft", gettext_noop("Draft")
    PUBLISHED = "published", gettext_noop("Published")
    UPDATED = "updated", gettext_noop("Replaced by an update")
    CANCELLED = "cancelled", gettext_noop("Cancelled")
    EXPIRED = "expired", gettext_noop("Expired")


class Approval(models.TextChoices):
    """Where a draft stands with a second liaison, when its force's policy asked for one
    (``AlertApprovalPolicy``). The alert stays a draft (nothing is sent) until approved,
    when it is published; empty: it never needed approval."""

    AWAITING = "awaiting", gettext_noop("Awaiting approval")
    SENT_BACK = "sent_back", gettext_noop("Sent back")
    APPROVED = "approved", gettext_noop("Approved")


@dataclass(frozen=True)
class AlertText:
    """What an alert says in one language: its own words, or its translation's."""

    language: str
    title: str
    body: str
    instruction: str

    @property
    def language_tag(self) -> str:
        """The BCP 47 tag the text is marked with (CAP's language, xml:lang, lang=)."""
        return LANGUAGE_TAG[self.language]


# British English, as the UK's alerting systems name it; Welsh is Welsh wherever it is read.
LANGUAGE_TAG = {Language.ENGLISH.value: "en-GB", Language.WELSH.value: "cy"}


class Alert(AreaFields):
    identifier = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    issuer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="alerts"
    )
    force = models.CharField(max_length=40, choices=PoliceForce.choices)
    # A coordinator's alert is issued on behalf of their scheme; a liaison's has none.
    scheme = models.ForeignKey(
        Scheme, null=True, blank=True, on_delete=models.SET_NULL, related_name="issued_alerts"
    )
    message_type = models.CharField(
        max_length=10, choices=MessageType.choices, default=MessageType.ALERT
    )
    references = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replacements",
        help_text="The alert this one updates or cancels.",
    )
    # The first alert of the thread this one belongs to (itself, for a first alert or a
    # draft): one indexed column to gather an incident by, however long its chain of updates.
    # Null only for a moment, while a first alert is being created.
    incident = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="thread",
        editable=False,
        help_text="The first alert of the incident (itself for a first alert).",
    )
    # The language of the alert's own words (title, body, instruction); a liaison of a force
    # in Wales may write in Welsh first.
    language = models.CharField(
        max_length=2, choices=Language.choices, default=Language.ENGLISH, db_default="en"
    )
    title = models.CharField(max_length=120)
    body = models.TextField(max_length=4000)
    # The same alert in the other language, when its author gave it: each recipient gets the
    # one in their language. Empty title and body: no translation (both or neither).
    translated_title = models.CharField(max_length=120, blank=True, default="", db_default="")
    translated_body = models.TextField(max_length=4000, blank=True, default="", db_default="")
    translated_instruction = models.TextField(
        max_length=1000, blank=True, default="", db_default=""
    )
    category = models.CharField(max_length=30, choices=Category.choices)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    urgency = models.CharField(max_length=10, choices=Urgency.choices)
    audience = models.CharField(max_length=20, choices=Audience.choices)
    scheme_kinds = models.JSONField(
        default=list, blank=True, help_text="Only schemes of these kinds; empty means all kinds."
    )
    public = models.BooleanField(default=False, help_text="Shown in the public CAP and Atom feeds.")
    # What recipients should do and whom to call (CAP instruction, responseType, contact):
    # filled from the category's defaults (notifications.guidance) when the author gives none.
    instruction = models.TextField(max_length=1000, blank=True)
    response_type = models.CharField(
        max_length=10, choices=ResponseType.choices, default=ResponseType.MONITOR
    )
    contact = models.CharField(max_length=200, blank=True)
    area_name = models.CharField(
        max_length=200,
        blank=True,
        help_text="The place the alert is about, in words (CAP areaDesc): the place searched "
        "for when it was composed, or as its author named it.",
    )
    # An alert sent to policing neighbourhoods keeps its own copy of them, as they were when
    # it was drafted ({id, ref, name, boundary} each, the boundary a GeoJSON MultiPolygon):
    # its area is their union, whatever later imports do to the force's set. Its area
    # columns then hold their outline (``areas.regions.Region.outline``), for maps and CAP.
    neighbourhoods = models.JSONField(
        default=list,
        blank=True,
        help_text="The policing neighbourhoods it was sent to, as they were then.",
    )

    status = models.CharField(max_length=20, choices=AlertStatus.choices, default=AlertStatus.DRAFT)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    matched_schemes = models.ManyToManyField(Scheme, blank=True, related_name="+")
    recipients_count = models.PositiveIntegerField(default=0)
    # A second liaison's approval, when the force's policy asks for it (``Approval``), and
    # the comment of the liaison who sent it back.
    approval = models.CharField(
        max_length=10, choices=Approval.choices, blank=True, default="", db_default=""
    )
    approval_comment = models.TextField(max_length=1000, blank=True, default="", db_default="")
    # Set when dispatch has stored and queued the alert's notices. A published alert without
    # it after a while (the broker was down when it was published) is dispatched by the sweep.
    notices_queued_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            *AreaFields.Meta.constraints,
            models.CheckConstraint(
                condition=Q(language__in=["en", "cy"]), name="alert_language_known"
            ),
            models.CheckConstraint(
                condition=Q(translated_title="", translated_body="", translated_instruction="")
                | (~Q(translated_title="") & ~Q(translated_body="")),
                name="alert_translation_whole",
            ),
        ]
        indexes = [
            models.Index(fields=["force", "status", "-published_at"], name="alert_force_status"),
            models.Index(fields=["issuer", "published_at"], name="alert_issuer_published"),
            models.Index(
                fields=["published_at"],
                name="alert_awaiting_dispatch",
                condition=Q(notices_queued_at__isnull=True, published_at__isnull=False),
            ),
            # A force's queue of alerts awaiting a second liaison.
            models.Index(
                fields=["force", "created_at"],
                name="alert_awaiting_approval",
                condition=Q(approval="awaiting"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_category_display()}, {self.status})"

    @property
    def other_language(self) -> str:
        return Language.ENGLISH if self.language == Language.WELSH else Language.WELSH

    @property
    def has_translation(self) -> bool:
        return bool(self.translated_title)

    def texts(self) -> list[AlertText]:
        """Its words in each language it has them in, its own first."""
        own = AlertText(self.language, self.title, self.body, self.instruction)
        if not self.has_translation:
            return [own]
        # An instruction given in one language only is given to everyone in that one: what
        # to do matters more than the language it is read in.
        return [
            own,
            AlertText(
                self.other_language,
                self.translated_title,
                self.translated_body,
                self.translated_instruction or self.instruction,
            ),
        ]

    def text_in(self, language: str | None) -> AlertText:
        """Its words in ``language`` (a Django language code: "cy", "en-gb") when it has
        them, its own otherwise."""
        wanted = (language or "").split("-")[0].lower()
        return next((text for text in self.texts() if text.language == wanted), self.texts()[0])


class Channel(models.TextChoices):
    IN_APP = "in_app", gettext_noop("In the app")
    EMAIL = "email", gettext_noop("Email")
    PUSH = "push", gettext_noop("Web push")
    SMS = "sms", gettext_noop("Text message")


class NoticeState(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    # Not sent, and never will be: the alert was cancelled or expired while the notice was
    # held for quiet hours or a digest (or waiting to be tried again).
    WITHDRAWN = "withdrawn", "Withdrawn"


class Receipt(models.TextChoices):
    """What the provider (GOV.UK Notify) last said of a message it accepted: each is final.
    Notify has already retried a temporary failure (the phone was off, the inbox full) for
    up to 72 hours; a technical failure was Notify's own or its provider's."""

    DELIVERED = "delivered", "Delivered"
    PERMANENT_FAILURE = "permanent_failure", "Not delivered: the address or number is wrong"
    TEMPORARY_FAILURE = "temporary_failure", "Not delivered: the inbox or phone never took it"
    TECHNICAL_FAILURE = "technical_failure", "Not delivered: the provider failed"


# The receipts that say the provider could not deliver a message.
UNDELIVERED = [Receipt.PERMANENT_FAILURE, Receipt.TEMPORARY_FAILURE, Receipt.TECHNICAL_FAILURE]


class Notice(models.Model):
    """One alert to one recipient on one channel."""

    # No index of their own: the unique (alert, recipient, channel) and the inbox's
    # (recipient, ...) serve every lookup by either, and each index is one more write for
    # every notice stored and delivered (a hundred thousand for an alert over a city). An
    # alert's notices by channel and state (its delivery figures) are read from the unique
    # index too: those figures read every notice of the alert anyway.
    alert = models.ForeignKey(
        Alert, on_delete=models.CASCADE, related_name="notices", db_index=False
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices", db_index=False
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    state = models.CharField(max_length=10, choices=NoticeState.choices, default=NoticeState.QUEUED)
    # Not to be sent before this: quiet hours hold a non-urgent notice until they end, a
    # digest until its hour, and a failed attempt until its backoff has passed.
    deliver_after = models.DateTimeField(null=True, blank=True)
    in_digest = models.BooleanField(default=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    queued_at = models.DateTimeField(auto_now_add=True)
    # When a delivery last took the notice in hand (claimed it, or was handed it by the
    # sweep); a notice is only handed out again once this is older than the claim lease.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # A later message of the same incident reached the recipient on this channel: the inbox
    # shows that one's card, not this one (one card per incident, found by an index rather
    # than by looking for the latest notice of each incident on every request).
    superseded = models.BooleanField(default=False, editable=False)
    # GOV.UK Notify's id for the message that carried the notice (for a digest, the one
    # message that listed it), by which its delivery receipt finds it.
    provider_id = models.UUIDField(null=True, blank=True, editable=False)
    # The provider's delivery receipt, when one has come (by callback or by asking). Empty in
    # the database's default too, for the SQL that stores an alert's notices.
    receipt = models.CharField(
        max_length=20, choices=Receipt.choices, blank=True, default="", db_default=""
    )
    receipt_at = models.DateTimeField(null=True, blank=True)
    # When the poller last asked the provider about a notice still without a receipt.
    receipt_checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-queued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "recipient", "channel"], name="notice_once_per_channel"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "channel", "-queued_at"], name="notice_inbox"),
            models.Index(
                fields=["recipient", "-queued_at", "-id"],
                name="notice_inbox_card",
                condition=Q(channel="in_app", superseded=False),
            ),
            models.Index(
                fields=["state", "deliver_after"],
                name="notice_waiting",
                condition=Q(state__in=["queued", "sending"]),
            ),
            # Only the notices a provider gave an id: the others are never looked up by one.
            models.Index(
                fields=["provider_id"],
                name="notice_provider_id",
                condition=Q(provider_id__isnull=False),
            ),
            models.Index(
                fields=["sent_at"],
                name="notice_awaiting_receipt",
                condition=Q(provider_id__isnull=False, receipt=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.alert_id} to {self.recipient_id} by {self.channel}: {self.state}"


class Preference(models.Model):
    """How a member wants to hear about alerts. Coordinators always get their schemes'
    alerts in the app; these settings choose the rest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_preference"
    )
    channels = models.JSONField(default=list, help_text="Channels besides the in-app inbox.")
    categories = models.JSONField(default=list, help_text="Empty means every category.")
    min_severity = models.CharField(
        max_length=10, choices=Severity.choices, default=Severity.UNKNOWN
    )
    muted_schemes = models.ManyToManyField(Scheme, blank=True, related_name="+")
    quiet_from = models.TimeField(null=True, blank=True)
    quiet_until = models.TimeField(null=True, blank=True)
    daily_digest = models.BooleanField(
        default=False,
        help_text="One message a day on each chosen channel instead of one per non-urgent alert.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Alert preferences of {self.user}"


class Reply(models.Model):
    """A recipient's answer to an alert, for its issuer; and the issuer's (or a liaison's)
    answer back, which its author finds on the alert's page."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_replies"
    )
    body = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(max_length=2000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    # When the reply's author saw the answer (opened the alert, or marked it read in the
    # inbox); until then the incident shows as unread in their inbox.
    answer_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Reply to {self.alert_id} by {self.author_id}"


class PushSubscription(models.Model):
    """A browser that allowed web push notifications for a person (from the Push API)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Push subscription of {self.user_id}"


class PushReceipt(models.Model):
    """One browser's push service accepted a notice: a retry of the notice (another browser
    of the same person failed for a passing reason) does not push to this one again."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="push_receipts")
    subscription = models.ForeignKey(PushSubscription, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "subscription"], name="push_receipt_once_per_browser"
            ),
        ]

    def __str__(self) -> str:
        return f"Notice {self.notice_id} pushed to subscription {self.subscription_id}"


class AlertTemplate(models.Model):
    """A force's ready-made alert, kept by its liaisons: composing from it fills the form.
    Its words may hold placeholders (``notifications.placeholders``) that the sender fills
    in; an alert is never sent with one left."""

    force = models.CharField(max_length=40, choices=PoliceForce.choices)
    # What the picker lists it as.
    name = models.CharField(max_length=100)
    language = models.CharField(
        max_length=2, choices=Language.choices, default=Language.ENGLISH, db_default="en"
    )
    title = models.CharField(max_length=120)
    body = models.TextField(max_length=4000)
    instruction = models.TextField(max_length=1000, blank=True, default="")
    # The same in the other language (both title and body, or neither), as an alert's.
    translated_title = models.CharField(max_length=120, blank=True, default="", db_default="")
    translated_body = models.TextField(max_length=4000, blank=True, default="", db_default="")
    translated_instruction = models.TextField(
        max_length=1000, blank=True, default="", db_default=""
    )
    category = models.CharField(max_length=30, choices=Category.choices)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["force", "name"], name="alert_template_name_in_force"),
            models.CheckConstraint(
                condition=Q(language__in=["en", "cy"]), name="alert_template_language_known"
            ),
            models.CheckConstraint(
                condition=Q(translated_title="", translated_body="", translated_instruction="")
                | (~Q(translated_title="") & ~Q(translated_body="")),
                name="alert_template_translation_whole",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_force_display()})"


class AlertApprovalPolicy(models.Model):
    """Which of a force's alerts need a second liaison's approval before they are sent: those
    reaching more than ``recipients_threshold`` people, those reaching every active scheme of
    the force (``force_wide``), those of ``min_severity`` or more severe. Any one is enough;
    none set (or no policy): every alert goes as soon as it is published."""

    force = models.CharField(max_length=40, choices=PoliceForce.choices, unique=True)
    recipients_threshold = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Alerts reaching more people than this need approval; empty: no limit.",
    )
    force_wide = models.BooleanField(
        default=False,
        help_text="Alerts reaching every active scheme of the force need approval.",
    )
    min_severity = models.CharField(
        max_length=10,
        choices=Severity.choices,
        blank=True,
        default="",
        help_text="Alerts this severe or more need approval; empty: none for their severity.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "alert approval policies"

    def __str__(self) -> str:
        return f"Alert approval of {self.get_force_display()}"
