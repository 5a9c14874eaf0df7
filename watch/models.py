"""Community Speedwatch: approved roadside sites, sessions at them, and the offences logged.

Offences carry copies of their session's scheme, site, force and speed limit: statistics and
escalation look across many sessions at once, and reading those columns from the offence
row keeps the queries on one indexed table.
"""

import uuid
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy, pgettext_lazy

from accounts.forces import FORCES_IN_WALES, PoliceForce
from accounts.models import Language
from schemes.models import Scheme

# Statistics count sessions and offences by calendar month in UK time: the month a volunteer
# would say.
UK_TIME = ZoneInfo("Europe/London")


def uk_month(field: str) -> TruncMonth:
    """The calendar month in UK time of a date and time field, as the statistics' indexes
    store it (``session_statistics``, ``offence_statistics``): a query that groups by this
    very expression reads each row's month from the index rather than work it out again.
    PostgreSQL matches an index's expression by its text, so it is written here once."""
    return TruncMonth(field, tzinfo=UK_TIME)


class SpeedwatchActivity(models.TextChoices):
    """What the speedwatch app records in a scheme's activity log (schemes.activity)."""

    SITE_PROPOSED = "site_proposed", gettext_lazy("Speedwatch site proposed")
    SITE_APPROVED = "site_approved", gettext_lazy("Speedwatch site approved")
    SITE_REJECTED = "site_rejected", gettext_lazy("Speedwatch site rejected")
    SITE_SUSPENDED = "site_suspended", gettext_lazy("Speedwatch site suspended")
    SESSION_SUBMITTED = "session_submitted", gettext_lazy("Speedwatch session submitted")
    SESSION_AMENDED = "session_amended", gettext_lazy("Speedwatch session amended")


class SiteStatus(models.TextChoices):
    PROPOSED = "proposed", gettext_lazy("Waiting for approval")
    APPROVED = "approved", gettext_lazy("Approved")
    REJECTED = "rejected", gettext_lazy("Rejected")
    SUSPENDED = "suspended", gettext_lazy("Suspended")


class Direction(models.TextChoices):
    NORTHBOUND = "northbound", gettext_lazy("Northbound")
    SOUTHBOUND = "southbound", gettext_lazy("Southbound")
    EASTBOUND = "eastbound", gettext_lazy("Eastbound")
    WESTBOUND = "westbound", gettext_lazy("Westbound")
    BOTH = "both", gettext_lazy("Both directions")


class Site(models.Model):
    """A roadside place where a speedwatch scheme may hold sessions once police approve it."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(max_length=120, help_text="e.g. High Street by the school.")
    road_name = models.CharField(max_length=120)
    lat = models.FloatField()
    lon = models.FloatField()
    speed_limit_mph = models.PositiveSmallIntegerField()
    direction = models.CharField(max_length=20, choices=Direction.choices)
    notes = models.TextField(blank=True, max_length=2000)
    risk_assessment = models.JSONField(
        default=dict, help_text="Answers to the site risk assessment questions."
    )
    status = models.CharField(
        max_length=20, choices=SiteStatus.choices, default=SiteStatus.PROPOSED
    )
    decision_reason = models.CharField(max_length=1000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(lat__gte=-90, lat__lte=90) & Q(lon__gte=-180, lon__lte=180),
                name="site_is_a_real_coordinate",
            ),
        ]
        indexes = [models.Index(fields=["scheme", "status"], name="site_scheme_status")]

    def __str__(self) -> str:
        return f"{self.name}, {self.road_name} ({self.speed_limit_mph} mph)"


class SiteStatusChange(models.Model):
    """One step of a site's life, with who made it and why: its proposal, then each
    liaison's decision. (The site keeps only the latest decision on itself.)"""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(
        max_length=20,
        choices=SiteStatus.choices,
        blank=True,
        help_text="Empty for the proposal, and where the step before is not known.",
    )
    to_status = models.CharField(max_length=20, choices=SiteStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=1000, blank=True)
    # A default rather than auto_now_add, so the history of sites older than this table
    # could be written with the times the site itself recorded.
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["site", "-at"], name="site_status_change_site_at")]

    def __str__(self) -> str:
        return f"{self.site}: {self.from_status or '-'} → {self.to_status}"


class SessionStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("session status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("session status", "Submitted")


class Session(models.Model):
    """A speedwatch session: volunteers at a site with a speed detection device.

    The id may be chosen by the client (a phone at the roadside makes it before it has a
    signal), so a retried upload finds the session it already sent.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="sessions")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="sessions")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField()
    vehicles_counted = models.PositiveIntegerField(help_text="All vehicles that passed.")
    device_name = models.CharField(max_length=100)
    device_serial = models.CharField(max_length=50)
    device_checked_on = models.DateField(help_text="Last calibration or accuracy check.")
    notes = models.TextField(blank=True, max_length=2000)
    volunteer_minutes = models.PositiveIntegerField(
        default=0, help_text="Length of the session times the members present."
    )
    present = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="speedwatch_sessions", blank=True
    )
    status = models.CharField(
        max_length=20, choices=SessionStatus.choices, default=SessionStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__gt=models.F("started_at")), name="session_ends_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["scheme", "-started_at"], name="session_scheme_started"),
            models.Index(fields=["site", "-started_at"], name="session_site_started"),
            # The sessions list, newest first: a page is read off the index, not sorted out
            # of every session the viewer may see.
            models.Index(fields=["-started_at", "id"], name="session_list_order"),
            # Statistics: the submitted sessions of a scheme or of a liaison's schemes over a
            # period, with their month in UK time and the figures summed, for an index-only
            # scan that works out no month (the sessions of the benchmark's force-area year
            # took 14 ms of CPU read from the table, 3.4 ms from here).
            models.Index(
                F("scheme"),
                F("started_at"),
                uk_month("started_at"),
                F("volunteer_minutes"),
                F("vehicles_counted"),
                name="session_statistics",
                condition=Q(status=SessionStatus.SUBMITTED),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site} on {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_submitted(self) -> bool:
        return self.status == SessionStatus.SUBMITTED


class SessionAmendment(models.Model):
    """A recorded correction to a submitted session: what changed, who changed it and why."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="amendments")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=1000)
    changes = models.JSONField(help_text="Field: [before, after] for each change.")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"Amendment of {self.session_id} at {self.at:%Y-%m-%d %H:%M}"


class VehicleType(models.TextChoices):
    CAR = "car", pgettext_lazy("vehicle type", "Car")
    VAN = "van", pgettext_lazy("vehicle type", "Van")
    LORRY = "lorry", pgettext_lazy("vehicle type", "Lorry / HGV")
    BUS = "bus", pgettext_lazy("vehicle type", "Bus or coach")
    MOTORCYCLE = "motorcycle", pgettext_lazy("vehicle type", "Motorcycle")
    OTHER = "other", pgettext_lazy("vehicle type", "Other")


class RegistrationFormat(models.TextChoices):
    CURRENT = "current", "Current (AB12 CDE)"
    PREFIX = "prefix", "Prefix (A123 BCD)"
    SUFFIX = "suffix", "Suffix (ABC 123D)"
    DATELESS = "dateless", "Dateless (ABC 123)"
    NORTHERN_IRELAND = "northern_ireland", "Northern Ireland (ABZ 1234)"
    UNRECOGNISED = "unrecognised", "Not a recognised UK format"


class Action(models.TextChoices):
    FIRST_LETTER = "first_letter", gettext_lazy("First letter")
    SECOND_LETTER = "second_letter", gettext_lazy("Second and final letter")
    POLICE_ACTION = "police_action", gettext_lazy("Referral for police action")
    NONE = "none", gettext_lazy("No action (voided)")


class ActionStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("a letter or referral", "Waiting")
    SENT = "sent", gettext_lazy("Letter sent")
    DONE = "done", pgettext_lazy("a letter or referral", "Done")


class DisputeOutcome(models.TextChoices):
    NONE = "none", gettext_lazy("Not disputed")
    PENDING = "pending", gettext_lazy("Being looked at")
    UPHELD = "upheld", gettext_lazy("Upheld: offence voided")
    REJECTED = "rejected", gettext_lazy("Rejected: offence stands")


class VehicleCheckStatus(models.TextChoices):
    """What the DVLA's register said of an offence's vehicle (``watch.services.vehicles``)."""

    PENDING = "pending", gettext_lazy("Being checked with the DVLA")
    MATCHED = "matched", gettext_lazy("Matches the DVLA's record")
    MISMATCHED = "mismatched", gettext_lazy("Differs from the DVLA's record")
    NOT_FOUND = "not_found", gettext_lazy("Not found by the DVLA")
    NOT_CHECKED = "not_checked", gettext_lazy("Not checked with the DVLA")
    CONFIRMED = "confirmed", gettext_lazy("Confirmed as recorded")


# Offences the letters batch holds back until a coordinator or liaison confirms or corrects
# them: a letter to the keeper of the wrong vehicle must never go.
VEHICLE_HELD_BACK = (VehicleCheckStatus.MISMATCHED, VehicleCheckStatus.NOT_FOUND)


class Offence(models.Model):
    """A vehicle recorded at or over the threshold speed during a session."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="offences")
    # Copies of the session's context, for statistics and escalation on one table.
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="+")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    force = models.CharField(max_length=40, choices=PoliceForce.choices)
    speed_limit_mph = models.PositiveSmallIntegerField()
    # Whether the session has been submitted: only submitted sessions' offences count in
    # statistics, which then need not join the sessions (a tenth of their time).
    submitted = models.BooleanField(default=False, editable=False)

    # Personal data: emptied by the retention purge, which sets anonymised_at.
    registration = models.CharField(max_length=8, blank=True)
    # A keyed pseudonym of the registration (watch.registrations.vehicle_key), kept by the
    # purge: repeat vehicles are counted on it, so statistics do not change when the
    # registrations they were counted from are removed.
    vehicle_key = models.CharField(max_length=16, blank=True, editable=False)
    # Whether the vehicle has another offence in this force area: any other, in any session,
    # draft or submitted, voided or not, purged or not. Set when an offence is stored
    # (watch.services.repeat_vehicles), on it and on the vehicle's earlier offences. The force
    # of an offence never changes, and its vehicle key only when a coordinator or liaison
    # corrects its registration (a mistyped plate the DVLA check caught): both vehicles are
    # then marked afresh, so the old one left with a single offence loses its mark. Otherwise
    # a mark is never cleared, and an offence without it is its vehicle's only one in the
    # force area and cannot make a repeat vehicle in any period. Statistics count repeat
    # vehicles among the marked offences only (on the benchmark's million offences, three in
    # eight of them).
    repeat_vehicle = models.BooleanField(default=False, editable=False)
    registration_format = models.CharField(max_length=20, choices=RegistrationFormat.choices)
    make = models.CharField(max_length=40, blank=True)
    model = models.CharField(max_length=40, blank=True)
    colour = models.CharField(max_length=30, blank=True)
    vehicle_type = models.CharField(
        max_length=20, choices=VehicleType.choices, default=VehicleType.CAR
    )
    speed_mph = models.PositiveSmallIntegerField()
    observed_at = models.DateTimeField()
    direction = models.CharField(max_length=20, choices=Direction.choices, blank=True)

    action = models.CharField(max_length=20, choices=Action.choices)
    action_status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.PENDING
    )
    action_updated_at = models.DateTimeField(null=True, blank=True)
    action_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    voided = models.BooleanField(default=False)
    dispute_outcome = models.CharField(
        max_length=20, choices=DisputeOutcome.choices, default=DisputeOutcome.NONE
    )
    dispute_note = models.CharField(max_length=1000, blank=True)
    # The DVLA check of the vehicle (``watch.services.vehicles``): what the register says of
    # its make and colour (personal data: emptied by the retention purge with the
    # registration), when it was asked, and why it was not (no key, the DVLA down).
    vehicle_check = models.CharField(
        max_length=20, choices=VehicleCheckStatus.choices, default=VehicleCheckStatus.NOT_CHECKED
    )
    registered_make = models.CharField(max_length=50, blank=True)
    registered_colour = models.CharField(max_length=30, blank=True)
    vehicle_checked_at = models.DateTimeField(null=True, blank=True)
    vehicle_check_note = models.CharField(max_length=300, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["observed_at"]
        constraints = [
            models.CheckConstraint(condition=Q(speed_mph__lte=200), name="offence_speed_is_sane"),
        ]
        indexes = [
            # Escalation: one vehicle's offences in a force area, by time.
            models.Index(
                fields=["force", "registration", "observed_at"], name="offence_escalation"
            ),
            # Statistics: a force area or a scheme over a period.
            models.Index(fields=["force", "observed_at"], name="offence_force_time"),
            # Statistics of a scheme or of a liaison's schemes over a period: the period's
            # offences in time order, carrying every column the statistics group them by or
            # filter on (submitted and not voided), so that PostgreSQL answers them with an
            # index-only scan. The extra columns are key columns rather than INCLUDE ones:
            # SQLite, the embedded default, has no INCLUDE and would warn (models.W040); as
            # trailing keys they cost about the same. The vehicle is left to the next index:
            # without it this one is 64 MB rather than 159 MB on the benchmark's million
            # offences, and its scan takes about a tenth less CPU. Each offence's month is
            # stored in the index too (``uk_month``), worked out once as the offence is
            # stored rather than for every offence of every statistics request: that was a
            # third of the month pass. No column holds it: the index is the one copy, and it
            # cannot disagree with observed_at.
            models.Index(
                F("scheme"),
                F("observed_at"),
                F("voided"),
                F("submitted"),
                uk_month("observed_at"),
                F("speed_mph"),
                F("action"),
                name="offence_statistics",
            ),
            # Repeat vehicles in statistics: the period's offences of vehicles caught more
            # than once, with the vehicle, for an index-only scan. Only the offences that
            # statistics count (submitted, not voided, with a vehicle key): the index is half
            # the size of one that carries those columns, and its scan takes a tenth less of
            # the pass.
            models.Index(
                fields=["scheme", "observed_at", "force", "vehicle_key"],
                name="offence_repeat_vehicles",
                condition=Q(repeat_vehicle=True, submitted=True, voided=False) & ~Q(vehicle_key=""),
            ),
            # Marking repeat vehicles: a vehicle's offences in a force area, purged or not.
            models.Index(fields=["force", "vehicle_key"], name="offence_vehicle"),
            # The liaisons' letters queue.
            models.Index(
                fields=["force", "action_status", "observed_at"], name="offence_action_queue"
            ),
            # The offences list, newest first: a page is read off the index rather than
            # sorted out of every offence of a liaison's force.
            models.Index(fields=["-observed_at", "id"], name="offence_list_order"),
            # The retention purge.
            models.Index(
                fields=["observed_at"],
                name="offence_not_anonymised",
                condition=Q(anonymised_at__isnull=True),
            ),
            # Offences held back for their vehicle, for the letters screen (a handful).
            models.Index(
                fields=["force", "observed_at"],
                name="offence_vehicle_held_back",
                condition=Q(vehicle_check__in=["mismatched", "not_found"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registration or 'anonymised'} at {self.speed_mph} mph"


class AuditAction(models.TextChoices):
    REGISTRATION_SEARCH = "registration_search", gettext_lazy("Searched by registration")
    LETTERS_CSV = "letters_csv", gettext_lazy("Exported letters (CSV)")
    LETTERS_PDF = "letters_pdf", gettext_lazy("Exported letters (PDF)")
    OFFENCES_CSV = "offences_csv", gettext_lazy("Exported offences (CSV)")
    STATISTICS_CSV = "statistics_csv", gettext_lazy("Exported statistics (CSV)")
    AUDIT_CSV = "audit_csv", gettext_lazy("Exported the audit log (CSV)")
    TWO_FACTOR_RESET = "two_factor_reset", gettext_lazy("Reset someone's two-factor sign-in")
    KEEPER_ADDRESSES = "keeper_addresses", gettext_lazy("Stored keepers' names and addresses")
    LETTERS_POSTED = "letters_posted", gettext_lazy("Posted letters through GOV.UK Notify")


class AuditRecord(models.Model):
    """Who looked at or took away vehicle registrations, and when: every export and every
    search by registration leaves one."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=150)
    action = models.CharField(max_length=30, choices=AuditAction.choices)
    force = models.CharField(max_length=40, choices=PoliceForce.choices, blank=True)
    scheme = models.ForeignKey(
        Scheme,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The scheme, when it covered only one.",
    )
    schemes = models.ManyToManyField(
        Scheme,
        blank=True,
        related_name="+",
        help_text="Every scheme whose registrations it could reach.",
    )
    detail = models.JSONField(default=dict, help_text="The filters or search used.")
    rows = models.PositiveIntegerField(default=0, help_text="How many offences it covered.")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Set when the retention purge removed the registrations searched for from ``detail``.
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["force", "-at"], name="audit_force_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name}: {self.get_action_display()}"


class LetterLanguage(models.TextChoices):
    """The language a force's letters are printed in."""

    # Forces in Wales write to the public in Welsh and English alike (the Welsh Language
    # Standards); forces in England write in English unless the keeper is known to read Welsh.
    FORCE_DEFAULT = "", "As usual for the force: bilingual in Wales, the keeper's elsewhere"
    KEEPER = "keeper", "Each keeper's own language (English where it is not known)"
    BILINGUAL = "bilingual", "Welsh and English in every letter"


class Letterhead(models.Model):
    """What a force prints on its Community Speedwatch letters: who they come from, where to
    reply and who signs them. Edited in the admin; a force without one gets the defaults
    (``watch.selectors.letters.letterhead_for``)."""

    force = models.CharField(max_length=40, choices=PoliceForce.choices, unique=True)
    department = models.CharField(
        max_length=120,
        default="Community Speedwatch",
        help_text="Printed under the force's name, e.g. Roads Policing, Community Speedwatch.",
    )
    department_cy = models.CharField(
        max_length=120,
        blank=True,
        help_text="The department in Welsh, for letters in Welsh, e.g. Plismona Ffyrdd. Left "
        "blank: Gwylio Cyflymder Cymunedol for Community Speedwatch, otherwise the English.",
    )
    return_address = models.TextField(
        blank=True,
        max_length=400,
        help_text="One line per line of the address, the postcode last. Replies and undelivered "
        "letters come back here.",
    )
    telephone = models.CharField(
        max_length=40, default="101", help_text="101 is the police non-emergency number."
    )
    email = models.EmailField(blank=True, help_text="Where keepers may write to dispute a letter.")
    disputes_url = models.URLField(
        blank=True, help_text="A web page or form for disputing a letter, if the force has one."
    )
    signatory_name = models.CharField(max_length=120, blank=True)
    signatory_title = models.CharField(max_length=120, blank=True)
    signatory_title_cy = models.CharField(
        max_length=120,
        blank=True,
        help_text="The signatory's title in Welsh, for letters in Welsh; the English if blank.",
    )
    letter_language = models.CharField(
        max_length=10,
        choices=LetterLanguage.choices,
        blank=True,
        default=LetterLanguage.FORCE_DEFAULT,
        help_text="Bilingual letters put Welsh first for a force in Wales, English first "
        "elsewhere.",
    )
    dispute_days = models.PositiveSmallIntegerField(
        default=28,
        validators=[MinValueValidator(7), MaxValueValidator(90)],
        help_text="How many days from the letter's date a keeper has to dispute it.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["force"]
        constraints = [
            models.CheckConstraint(
                condition=Q(dispute_days__gte=7, dispute_days__lte=90),
                name="letterhead_dispute_days_in_range",
            )
        ]

    def __str__(self) -> str:
        return self.force_name

    @property
    def force_name(self) -> str:
        return PoliceForce(self.force).label

    @property
    def in_wales(self) -> bool:
        return self.force in FORCES_IN_WALES

    @property
    def bilingual(self) -> bool:
        """Whether every letter is printed in Welsh and English, as set or as the force's
        default has it."""
        if self.letter_language == LetterLanguage.FORCE_DEFAULT:
            return self.in_wales
        return self.letter_language == LetterLanguage.BILINGUAL

    @property
    def address_lines(self) -> list[str]:
        """The return address, one line each; the force's name alone when none is set."""
        lines = [line.strip() for line in self.return_address.splitlines() if line.strip()]
        return lines or [self.force_name]


class KeeperAddress(models.Model):
    """The registered keeper of a letter's vehicle, as the force's own lookup found them
    (Patchwatch has no access to the DVLA's register): printed in the window of that letter,
    and filled into the mail-merge file, instead of "The Registered Keeper".

    One per letter, by its reference: a vehicle's second letter is looked up again, as it may
    have changed hands. The keeper's name and address are their personal data, needed only
    until the letter is printed and posted: they are deleted ``KEEPER_ADDRESS_RETENTION_DAYS``
    after they were stored (``watch.services.keepers``). Who stored them is in the audit log.
    """

    reference = models.CharField(max_length=32, unique=True)
    force = models.CharField(max_length=40, choices=PoliceForce.choices)
    # The letter's vehicle, to refuse a name and address pasted against the wrong reference.
    registration = models.CharField(max_length=16)
    name = models.CharField(max_length=100)
    # The lines of the address between the name and the postcode (one to four).
    address_lines = models.JSONField()
    postcode = models.CharField(max_length=8)
    # The language the keeper reads their letters in, where the force knows it (blank: not
    # known, and their letter is in English unless the force writes bilingually).
    language = models.CharField(max_length=2, choices=Language.choices, blank=True, default="")
    stored_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["stored_at"], name="keeper_address_stored")]

    def __str__(self) -> str:
        return f"{self.reference}: {self.name}"

    @property
    def lines(self) -> list[str]:
        """Every line printed in the window, the name first and the postcode last."""
        return [self.name, *self.address_lines, self.postcode]


class LetterPostage(models.TextChoices):
    """GOV.UK Notify's postage classes for precompiled letters (``NOTIFY_LETTER_POSTAGE``)."""

    FIRST = "first", "First class"
    SECOND = "second", "Second class"
    ECONOMY = "economy", "Economy"


class PostedLetterStatus(models.TextChoices):
    # Stored, its task not yet begun (or put off: Notify could not take it yet).
    PENDING = "pending", "Waiting to be sent"
    # A worker has claimed it and is sending it to Notify.
    SENDING = "sending", "Being sent"
    # Notify has it (checking it for viruses, or waiting for the printer).
    ACCEPTED = "accepted", "Accepted by Notify"
    # Notify's printer has it: printed and posted within a working day.
    RECEIVED = "received", "Printed and posted"
    CANCELLED = "cancelled", "Cancelled"
    FAILED = "failed", "Failed"


class PostedLetter(models.Model):
    """A speedwatch letter posted through GOV.UK Notify's precompiled-letter API.

    One per letter, by its reference (unique): this is what makes sure a letter is never
    posted twice, whoever asks again and however often its task runs. The offences on it are
    marked sent when it is stored, so the letters batch does not offer them again. The
    registration is the keeper's personal data: the retention purge empties it with the
    offences' (``watch.services.retention``); the keeper's name and address are not copied
    here, the letter's PDF is made from its ``KeeperAddress`` when it is sent.
    """

    reference = models.CharField(max_length=32, unique=True)
    force = models.CharField(max_length=40, choices=PoliceForce.choices)
    registration = models.CharField(max_length=16, blank=True)
    stage = models.CharField(max_length=20, choices=Action.choices)
    offences = models.ManyToManyField(Offence, related_name="+")
    # When its earliest offence was seen: the retention purge goes by it, as for the offences.
    first_observed_at = models.DateTimeField()
    postage = models.CharField(max_length=10, choices=LetterPostage.choices)
    status = models.CharField(
        max_length=20, choices=PostedLetterStatus.choices, default=PostedLetterStatus.PENDING
    )
    # Notify's own word for the letter's status (pending-virus-check, accepted, received,
    # cancelled, validation-failed, ...), as it last said it.
    notify_status = models.CharField(max_length=30, blank=True)
    notification_id = models.UUIDField(null=True, blank=True, unique=True)
    # Why it failed, or why the last attempt did not get through (it is tried again).
    failure = models.CharField(max_length=500, blank=True)
    # How many times a worker has claimed it to send it: after the first, Notify is asked
    # whether an earlier attempt reached it before it is sent again.
    attempts = models.PositiveSmallIntegerField(default=0)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    posted_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    # When its task was put off to (Notify could not take it): the sweep leaves it until then.
    retry_at = models.DateTimeField(null=True, blank=True)
    # When Notify accepted it, and when its status last changed.
    sent_at = models.DateTimeField(null=True, blank=True)
    status_at = models.DateTimeField(null=True, blank=True)
    # When Notify was last asked about it (``posted_letters_poll``).
    checked_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-posted_at", "-id"]
        indexes = [
            models.Index(fields=["force", "-posted_at", "-id"], name="posted_letter_force"),
            # The poller: letters Notify has not finished with, asked about longest ago first.
            models.Index(
                fields=["checked_at"],
                name="posted_letter_unfinished",
                condition=Q(status__in=["pending", "sending", "accepted"]),
            ),
            models.Index(
                fields=["first_observed_at"],
                name="posted_letter_not_anonymised",
                condition=Q(anonymised_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.get_status_display()}"


class VehicleCheck(models.Model):
    """The DVLA's answer for a registration, kept ``DVLA_VES_CACHE_HOURS`` so that a vehicle
    logged many times in a day (and looked up as it is logged, then checked once stored) is
    asked about once. What the register says of a vehicle is its keeper's personal data: the
    retention purge deletes answers older than that."""

    registration = models.CharField(max_length=8, unique=True)
    found = models.BooleanField()
    make = models.CharField(max_length=50, blank=True)
    colour = models.CharField(max_length=30, blank=True)
    tax_status = models.CharField(max_length=40, blank=True)
    mot_status = models.CharField(max_length=40, blank=True)
    checked_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["checked_at"], name="vehicle_check_checked_at")]

    def __str__(self) -> str:
        return (
            f"{self.registration}: {self.make} {self.colour}" if self.found else self.registration
        )
