from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Floor
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from accounts.forces import PoliceForce, force_name_shown
from accounts.validators import validate_phone
from areas.models import AreaFields
from schemes.activity import FORMER_MEMBER, activity_kind_label, activity_summary_read


class SchemeKind(models.TextChoices):
    NEIGHBOURHOOD = "neighbourhood", gettext_lazy("Neighbourhood Watch")
    SPEEDWATCH = "speedwatch", gettext_lazy("Community Speedwatch")
    COUNTRYSIDE = "countryside", gettext_lazy("Countryside Watch")


class SchemeStatus(models.TextChoices):
    PROPOSED = "proposed", gettext_lazy("Proposed")
    ACTIVE = "active", gettext_lazy("Active")
    SUSPENDED = "suspended", gettext_lazy("Suspended")
    CLOSED = "closed", gettext_lazy("Closed")


# A status as a sentence names it in lower case ("a proposed scheme", "proposed → active"):
# in English the value itself, in each language its own word.
STATUS_WORDS = {
    SchemeStatus.PROPOSED.value: pgettext_lazy("scheme status in a sentence", "proposed"),
    SchemeStatus.ACTIVE.value: pgettext_lazy("scheme status in a sentence", "active"),
    SchemeStatus.SUSPENDED.value: pgettext_lazy("scheme status in a sentence", "suspended"),
    SchemeStatus.CLOSED.value: pgettext_lazy("scheme status in a sentence", "closed"),
}


def status_word(value: str) -> str:
    return str(STATUS_WORDS.get(value, value))


# How many bands of latitude a degree is cut into, to index the south sides of bounding
# boxes by (``Scheme.Meta.indexes``, ``selectors.schemes_in_bbox``).
BBOX_BANDS_PER_DEGREE = 10


class Scheme(AreaFields):
    """A community watch scheme and the area it covers.

    The area is a circle (centre and radius) or a GeoJSON polygon; for a polygon the centre
    is its centroid. The bounding box columns are derived from the area when it is set
    (``areas.models.area_fields``) and indexed so that geographic look-ups prefilter in SQL.
    """

    # Not a column: set on the schemes that selectors.schemes_near returns.
    distance_m: int

    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=SchemeKind.choices)
    description = models.TextField(blank=True, max_length=5000)
    force = models.CharField(
        max_length=40, choices=PoliceForce.choices, help_text="The police force area."
    )
    status = models.CharField(
        max_length=20, choices=SchemeStatus.choices, default=SchemeStatus.PROPOSED
    )

    contact_name = models.CharField(max_length=150, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=20, blank=True, validators=[validate_phone])
    show_contact_email = models.BooleanField(default=False)
    show_contact_phone = models.BooleanField(default=False)

    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposed_schemes",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="approved_schemes",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            *AreaFields.Meta.constraints,
            models.CheckConstraint(
                condition=Q(centre_lat__gte=-90, centre_lat__lte=90)
                & Q(centre_lon__gte=-180, centre_lon__lte=180),
                name="scheme_centre_is_a_real_coordinate",
            ),
            models.CheckConstraint(
                condition=Q(bbox_south__lte=models.F("bbox_north"))
                & Q(bbox_west__lte=models.F("bbox_east")),
                name="scheme_bbox_is_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "kind"], name="scheme_status_kind"),
            # The directory's default order: active schemes by name.
            models.Index(fields=["status", "name"], name="scheme_status_name"),
            models.Index(fields=["force", "status"], name="scheme_force_status"),
            # The band of latitude each box starts in, then its west side, then the other
            # sides: an overlap query (``selectors.schemes_in_bbox``) reads, in each band
            # the search's boxes may start in, only those starting within its span of
            # longitude, and settles every other bound in the index. "Near me" reads
            # nothing from the table: the index carries what it ranks its candidates on
            # (``selectors.schemes_near``) and the columns the directory's filters and the
            # public's visibility rule read.
            models.Index(
                Floor(models.F("bbox_south") * BBOX_BANDS_PER_DEGREE),
                models.F("bbox_west"),
                models.F("bbox_south"),
                models.F("bbox_north"),
                models.F("bbox_east"),
                include=[
                    "id",
                    "name",
                    "centre_lat",
                    "centre_lon",
                    "radius_m",
                    "status",
                    "force",
                    "kind",
                ],
                name="scheme_bbox_overlap",
            ),
            # The tallest box, which bounds how far south of a search box an overlapping
            # one may start (``selectors.schemes_in_bbox``): one entry read.
            models.Index(
                models.F("bbox_north") - models.F("bbox_south"), name="scheme_bbox_height"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    @property
    def force_name_shown(self) -> str:
        """The force's name as the reader's language has it (a force in Wales in Welsh)."""
        return force_name_shown(self.force)


class Neighbourhood(models.Model):
    """A policing neighbourhood as its force publishes it: the force's own id for it, its
    name and its boundary (a GeoJSON MultiPolygon, holes allowed: ``areas.regions``). A
    force's set is replaced whole by each import (``services.neighbourhoods_import``);
    alerts sent to neighbourhoods keep their own copy of the boundaries they were sent to."""

    force = models.CharField(max_length=40, choices=PoliceForce.choices)
    ref = models.CharField(max_length=100, help_text="The force's own id for the neighbourhood.")
    name = models.CharField(max_length=200)
    boundary = models.JSONField(help_text="GeoJSON MultiPolygon geometry.")
    centre_lat = models.FloatField()
    centre_lon = models.FloatField()
    bbox_south = models.FloatField()
    bbox_west = models.FloatField()
    bbox_north = models.FloatField()
    bbox_east = models.FloatField()
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["force", "ref"], name="neighbourhood_ref_per_force"),
        ]
        indexes = [models.Index(fields=["force", "name"], name="neighbourhood_force_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.ref})"


class MembershipRole(models.TextChoices):
    VOLUNTEER = "volunteer", gettext_lazy("Volunteer")
    COORDINATOR = "coordinator", gettext_lazy("Coordinator")


class MembershipStatus(models.TextChoices):
    PENDING = "pending", gettext_lazy("Waiting for approval")
    ACTIVE = "active", gettext_lazy("Member")
    DECLINED = "declined", gettext_lazy("Declined")


class Membership(models.Model):
    """A person's place in a scheme: a join request until a coordinator approves it."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        max_length=20, choices=MembershipRole.choices, default=MembershipRole.VOLUNTEER
    )
    status = models.CharField(
        max_length=20, choices=MembershipStatus.choices, default=MembershipStatus.PENDING
    )
    message = models.CharField(max_length=500, blank=True, help_text="Note with the request.")
    requested_at = models.DateTimeField(auto_now_add=True)
    joined_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(
        null=True, blank=True, help_text="When the request was approved or declined."
    )
    decline_reason = models.CharField(
        max_length=500, blank=True, help_text="Why the request was declined, for the requester."
    )
    requester_told_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the requester was emailed that the request was declined.",
    )

    class Meta:
        ordering = ["requested_at"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "user"], name="membership_once_per_scheme"),
            models.CheckConstraint(
                condition=Q(role="volunteer") | Q(status="active"),
                name="membership_coordinator_is_active",
            ),
        ]
        indexes = [
            models.Index(fields=["scheme", "status", "role"], name="membership_scheme_status"),
            models.Index(fields=["user", "status"], name="membership_user_status"),
            # The sweep for declined requesters still to be told: a handful of rows at most.
            models.Index(
                fields=["decided_at"],
                condition=Q(status="declined", requester_told_at__isnull=True),
                name="membership_decline_untold",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.scheme} ({self.role}, {self.status})"

    @property
    def decline_undo_until(self) -> datetime | None:
        """Until when a decline may be undone: the requester is told only afterwards."""
        if self.status != MembershipStatus.DECLINED or self.decided_at is None:
            return None
        if self.requester_told_at is not None:
            return None
        return self.decided_at + timedelta(seconds=settings.JOIN_DECLINE_UNDO_SECONDS)

    @property
    def decline_settled(self) -> bool:
        """A decline is final once its requester was told or its undo window has passed.
        Declines from before undo existed have no ``decided_at`` and are final."""
        until = self.decline_undo_until
        return self.status == MembershipStatus.DECLINED and (
            until is None or until <= timezone.now()
        )

    @property
    def status_for_requester(self) -> str:
        """What the requester sees: a decline that can still be undone is not news yet."""
        if self.status == MembershipStatus.DECLINED and not self.decline_settled:
            return MembershipStatus.PENDING
        return self.status


class SchemeStatusChange(models.Model):
    """One step of a scheme's status lifecycle, with who made it and why."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=SchemeStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=SchemeStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=1000, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.scheme}: {self.from_status or '-'} → {self.to_status}"


class ActivityType(models.TextChoices):
    """The schemes' own kinds of activity; other apps register theirs (schemes.activity)."""

    SCHEME_PROPOSED = "scheme_proposed", gettext_lazy("Scheme proposed")
    SCHEME_UPDATED = "scheme_updated", gettext_lazy("Scheme details changed")
    SCHEME_APPROVED = "scheme_approved", gettext_lazy("Scheme approved")
    SCHEME_SUSPENDED = "scheme_suspended", gettext_lazy("Scheme suspended")
    SCHEME_REINSTATED = "scheme_reinstated", gettext_lazy("Scheme reinstated")
    SCHEME_CLOSED = "scheme_closed", gettext_lazy("Scheme closed")
    MEMBER_REQUESTED = "member_requested", gettext_lazy("Asked to join")
    MEMBER_JOINED = "member_joined", gettext_lazy("Member joined")
    MEMBER_DECLINED = "member_declined", gettext_lazy("Join request declined")
    MEMBER_DECLINE_UNDONE = "member_decline_undone", gettext_lazy("Join request decline undone")
    MEMBER_LEFT = "member_left", gettext_lazy("Member left")
    MEMBER_REMOVED = "member_removed", gettext_lazy("Member removed")
    ROLE_CHANGED = "role_changed", gettext_lazy("Role changed")


class ActivityEvent(models.Model):
    """What happened in a scheme, for coordinators and liaisons to review; or in a police
    force, for its liaisons (an alert a liaison issued for the force, no scheme's)."""

    # None for an event of the force itself, which its ``force`` names.
    scheme = models.ForeignKey(
        Scheme, null=True, blank=True, on_delete=models.CASCADE, related_name="activity"
    )
    # One of the kinds registered in schemes.activity (by this app and those above it),
    # checked by activity_record rather than by choices that would have to name them all.
    type = models.CharField(max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept apart from the actor so the log still reads well after an account is deleted.
    actor_name = models.CharField(max_length=150, blank=True)
    # What the event is about: a type its kind names ("scheme", "membership", "site",
    # "session", "alert") and that object's id, as text so that UUIDs fit. Not a foreign key
    # (nor a content type): the log outlives what it speaks of, and reads the same whatever
    # becomes of the tables.
    object_type = models.CharField(max_length=20)
    object_id = models.CharField(max_length=40)
    # The scheme's police force when it happened (a scheme can move), for liaisons; the
    # force's own, for an event of no scheme.
    force = models.CharField(max_length=40, choices=PoliceForce.choices)
    # The facts the summary is rendered from (names, statuses, counts, a reason): small.
    # Empty for entries recorded before the log kept them; their summary says it all.
    payload = models.JSONField(default=dict, blank=True)
    # Rendered from the payload by the kind when recorded (schemes.activity), in English, and
    # kept as it read then: what the log said stays what it says. Readers are given it in
    # their language, rendered again from the same facts (``summary_read``).
    summary = models.CharField(max_length=300)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["scheme", "-at"], name="activity_scheme_at"),
            models.Index(fields=["type", "-at"], name="activity_type_at"),
            models.Index(fields=["-at"], name="activity_at"),
            models.Index(fields=["object_type", "object_id", "-at"], name="activity_object_at"),
            models.Index(fields=["force", "-at"], name="activity_force_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.scheme_id} {self.type}: {self.summary}"

    @property
    def type_label(self) -> str:
        return str(activity_kind_label(self.type))

    @property
    def summary_read(self) -> str:
        """The summary in the language of the moment; an entry recorded before the log kept
        its facts has only its stored words."""
        if not self.payload:
            return self.summary
        return activity_summary_read(
            type=self.type, actor_name=self.actor_name, payload=self.payload
        )[:300]

    @property
    def actor_name_read(self) -> str:
        return gettext(self.actor_name) if self.actor_name == FORMER_MEMBER else self.actor_name
