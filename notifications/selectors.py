"""Reads for alerts: which schemes an alert's area touches, who should hear of it, inboxes
and delivery figures."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import groupby
from operator import itemgetter
from typing import Any, TypedDict

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Coalesce, Mod, NullIf, RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from areas import geo
from areas.regions import Region
from core import visibility
from notifications.models import (
    SEVERITY_RANK,
    UNDELIVERED,
    Alert,
    AlertApprovalPolicy,
    AlertStatus,
    AlertTemplate,
    Audience,
    Channel,
    MessageType,
    Notice,
    NoticeState,
    Preference,
    PushSubscription,
    Receipt,
    Reply,
    Severity,
)
from notifications.timing import HOLDING
from schemes.models import Membership, MembershipRole, MembershipStatus, Scheme, SchemeStatus
from schemes.permissions import AnyUser, liaison_force
from schemes.selectors import active_scheme_areas_in_bbox, areas_by_box


def alert_reach(*, alert: Alert) -> tuple[list[Scheme], int]:
    """The schemes an (unsaved) alert would reach and how many people: the composer's
    preview before publishing."""
    schemes = list(
        Scheme.objects.filter(pk__in=alert_scheme_ids(alert=alert)).only(
            "id", "name", "kind", "status"
        )
    )
    recipients = recipients_of(alert=alert, scheme_ids=[scheme.pk for scheme in schemes])
    return schemes, sum(1 for _ in recipients)


def scheme_ids_touched_by(
    *, area: geo.Area, box: geo.BBox, force: str, kinds: list[str]
) -> list[int]:
    """The ids of the active schemes of the force whose area overlaps ``area``: a
    bounding-box prefilter in SQL, then an exact test of each candidate. In no order.

    An alert over a town has hundreds of candidates: the prefilter reads their areas as
    plain columns, unsorted, and the exact test (``geo.overlapping_ids``) settles most of
    them with arithmetic on them all at once, without a model object or a shapely polygon
    for each."""
    return geo.overlapping_ids(area, active_scheme_areas_in_bbox(box=box, force=force, kinds=kinds))


def alert_scheme_ids(*, alert: Alert) -> list[int]:
    """The ids of the active schemes an alert reaches, in no order: those its area touches
    (``scheme_ids_touched_by``) or, for an alert sent to policing neighbourhoods, those
    touching any of the neighbourhoods as the alert keeps them (each tested on its own
    against the schemes whose bounding boxes overlap its own, and the ids gathered).

    The schemes of all the neighbourhoods are read in one query, over the box around them
    all (no larger than an alert's area may be): a query for each took half the time of an
    alert to twenty neighbourhoods. A scheme one neighbourhood reached is not tested again
    for the next."""
    if not alert.neighbourhoods:
        return scheme_ids_touched_by(
            area=alert.area, box=alert.bbox, force=alert.force, kinds=alert.scheme_kinds
        )
    regions = [Region(neighbourhood["boundary"]) for neighbourhood in alert.neighbourhoods]
    around = geo.bbox_around(region.box for region in regions)
    rows = active_scheme_areas_in_bbox(box=around, force=alert.force, kinds=alert.scheme_kinds)
    reached: set[int] = set()
    nearby = areas_by_box(rows, [region.box for region in regions])
    for region, near in zip(regions, nearby, strict=True):
        reached.update(region.overlapping_ids(row for row in near if row[0] not in reached))
    return list(reached)


def schemes_touched_by(
    *, area: geo.Area, box: geo.BBox, force: str, kinds: list[str]
) -> list[Scheme]:
    """The active schemes of the force whose area overlaps ``area`` (``scheme_ids_touched_by``),
    by name, with the fields that name them (``SchemeRefSerializer``'s)."""
    ids = scheme_ids_touched_by(area=area, box=box, force=force, kinds=kinds)
    return list(Scheme.objects.filter(pk__in=ids).only("id", "name", "kind", "status"))


@dataclass(frozen=True)
class Recipient:
    """One person an alert goes to, with their channels; and their saved settings when they
    hear on a channel besides the in-app inbox (what the timing of those notices depends
    on), else None."""

    user_id: int
    channels: frozenset[str]
    preference: Preference | None = None


# --- What a member hears before choosing anything ----------------------------------------
# Joining a scheme is asking for its alerts: a member who has saved no alert settings gets
# every all-members alert of their schemes, of every category and severity, in the inbox
# and by email, and by web push once a browser of theirs allowed it; no scheme muted, no
# quiet hours, no digest. Saved settings (a Preference row) narrow or widen that. These are
# worked out when there is no row, never stored for people who did not choose them: both
# the recipients of an alert and the settings page read them from here.

DEFAULT_CATEGORIES: list[str] = []  # every category
DEFAULT_MIN_SEVERITY = Severity.UNKNOWN  # every severity


def default_channels(*, pushes: bool) -> list[str]:
    """The channels besides the inbox of a member who has not chosen: email, and web push
    when a browser of theirs allowed notifications (``pushes``)."""
    return [Channel.EMAIL, Channel.PUSH] if pushes else [Channel.EMAIL]


def default_preference(*, user: User) -> Preference:
    """The settings of a member who has saved none, as an unsaved Preference."""
    pushes = push_subscriptions_of(user=user).exists()
    return Preference(
        user_id=user.pk,
        channels=default_channels(pushes=pushes),
        categories=list(DEFAULT_CATEGORIES),
        min_severity=DEFAULT_MIN_SEVERITY,
        quiet_from=None,
        quiet_until=None,
        daily_digest=False,
    )


@visibility.rule("preference")
def preferences_of(*, user: AnyUser) -> QuerySet[Preference]:
    """A member's own saved alert settings (one at most)."""
    if not user.is_authenticated:
        return Preference.objects.none()
    return Preference.objects.filter(user=user)


def preference_of(*, user: User) -> Preference:
    """The member's saved settings, or the defaults (unsaved: ``pk`` is None)."""
    return preferences_of(user=user).first() or default_preference(user=user)


@visibility.rule("push subscription")
def push_subscriptions_of(*, user: AnyUser) -> QuerySet[PushSubscription]:
    """The browsers of a member that allowed notifications."""
    if not user.is_authenticated:
        return PushSubscription.objects.none()
    return PushSubscription.objects.filter(user=user)


# Coordinators hear of their schemes' alerts on at least one channel besides the app: email,
# when they saved settings without any.
COORDINATOR_FALLBACK_CHANNELS = {Channel.EMAIL}

# The preference columns that choose a member's channels and time their notices
# (``timing.delivery_plan``); the others are left deferred.
_PREFERENCE_FIELDS = ["id", "channels", "categories", "quiet_from", "quiet_until", "daily_digest"]


# Rows of memberships read from the database at a time while choosing recipients.
RECIPIENTS_FETCH = 2000
# The JSON columns of preferences, read as text and decoded once per distinct value: a
# hundred thousand members hold a handful of distinct lists between them, and decoding each
# row's took longer than the rest of choosing them.
_JSON_COLUMNS = {"channels", "categories"}


@lru_cache(maxsize=1024)
def _json_list(text: str | None) -> tuple[str, ...] | None:
    return None if text is None else tuple(json.loads(text))


def recipients_of(*, alert: Alert, scheme_ids: list[int]) -> Iterator[Recipient]:
    """Coordinators of the matched schemes always; for an all-members alert, volunteers too:
    those who saved no settings get it (the defaults above), the others when their settings
    accept its category, severity and scheme. Never the alert's own issuer.

    One person at a time, in the order of their user ids, read through a server-side cursor
    on PostgreSQL: an alert over a city reaches a hundred thousand people, and a dispatch
    holds only the batch it is storing. (On PostgreSQL, dispatch stores the same notices
    without reading them here: ``recipient_channels``.)"""
    # One query for members, their preferences and whether they allowed web push, with most
    # of the choosing in SQL (loading a hundred thousand preferences by id took seconds).
    # The category is checked below, as SQLite cannot look into a JSON list.
    memberships = _reaching_memberships(alert=alert, scheme_ids=scheme_ids)
    rows = (
        memberships.annotate(
            pushes=_pushes(),
            **{f"{name}_json": Cast(f"saved__{name}", TextField()) for name in _JSON_COLUMNS},
        )
        # A member of several matched schemes comes once, with what each membership gives.
        .order_by("user_id")
        .values_list(
            "user_id",
            "role",
            "pushes",
            *(
                f"{name}_json" if name in _JSON_COLUMNS else f"saved__{name}"
                for name in _PREFERENCE_FIELDS
            ),
        )
        .iterator(chunk_size=RECIPIENTS_FETCH)
    )
    # The columns come in the order of _PREFERENCE_FIELDS, all None without preferences.
    for user_id, memberships_of_user in groupby(rows, key=itemgetter(0)):
        channels: set[str] = set()
        for _user, role, pushes, *preference in memberships_of_user:
            # The two JSON columns, second and third of _PREFERENCE_FIELDS.
            preference[1:3] = _json_list(preference[1]), _json_list(preference[2])
            preference_id, chosen, categories, *_ = preference
            if preference_id is None:
                chosen, categories = default_channels(pushes=pushes), DEFAULT_CATEGORIES
            if role == MembershipRole.COORDINATOR:
                channels |= {Channel.IN_APP} | (set(chosen) or COORDINATOR_FALLBACK_CHANNELS)
            elif not categories or alert.category in categories:
                channels |= {Channel.IN_APP, *chosen}
        if not channels:
            continue
        saved = None
        if preference_id is not None and channels != {Channel.IN_APP}:
            saved = Preference.from_db(
                memberships.db, ["user_id", *_PREFERENCE_FIELDS], [user_id, *preference]
            )
        yield Recipient(user_id, frozenset(channels), saved)


def _audience_memberships(*, alert: Alert, scheme_ids: list[int]) -> QuerySet[Membership]:
    """The active memberships of the matched schemes in the alert's audience, but the
    issuer's: the alert reaches its recipients through these, as their settings allow."""
    memberships = Membership.objects.filter(
        scheme_id__in=scheme_ids, status=MembershipStatus.ACTIVE
    )
    if alert.issuer_id is not None:
        # The issuer wrote it: their own alert is not news to them.
        memberships = memberships.exclude(user_id=alert.issuer_id)
    if alert.audience == Audience.COORDINATORS:
        memberships = memberships.filter(role=MembershipRole.COORDINATOR)
    return memberships


def _reaching_memberships(
    *, alert: Alert, scheme_ids: list[int], after: int | None = None, upto: int | None = None
) -> QuerySet[Membership]:
    """The memberships through which the alert may reach someone: active, of a matched
    scheme, not the issuer's; coordinators', and for an all-members alert volunteers' whose
    settings (saved or the defaults) accept its severity and scheme. Whether they accept its
    category is left to the caller (SQLite cannot look into a JSON list). Each with the
    member's saved settings, if any, as ``saved``; of members with ids in the range
    (``after``, ``upto``] (open where None)."""
    memberships = _audience_memberships(alert=alert, scheme_ids=scheme_ids)
    if after is not None:
        memberships = memberships.filter(user_id__gt=after)
    if upto is not None:
        memberships = memberships.filter(user_id__lte=upto)
    rank = SEVERITY_RANK[alert.severity]
    accepted = [severity for severity, needed in SEVERITY_RANK.items() if needed <= rank]
    muted = Preference.muted_schemes.through.objects.filter(
        preference_id=OuterRef("saved__id"), scheme_id=OuterRef("scheme_id")
    )
    chosen_accept = Q(saved__min_severity__in=accepted) & ~Exists(muted)
    unsaved = Q(saved__isnull=True)
    defaults_accept = unsaved if DEFAULT_MIN_SEVERITY in accepted else Q(pk__in=[])
    # The range of people again on the settings joined: the database then reads only those
    # people's settings, not everyone's, for a store of a few thousand (it cannot carry a
    # range across the join by itself).
    saved = FilteredRelation(
        "user__alert_preference",
        condition=Q(
            *(
                Q(**{f"user__alert_preference__user_id__{lookup}": bound})
                for lookup, bound in (("gt", after), ("lte", upto))
                if bound is not None
            )
        ),
    )
    return memberships.alias(saved=saved).filter(
        Q(role=MembershipRole.COORDINATOR) | defaults_accept | chosen_accept
    )


def _pushes() -> Exists:
    """Whether the member allowed web push in a browser (one of the defaults' channels)."""
    return Exists(PushSubscription.objects.filter(user_id=OuterRef("user_id")))


def _json(value: object) -> Value:
    return Value(value, output_field=JSONField())


class _JoinedLists(Func):
    """JSON lists joined into one (PostgreSQL's jsonb ``||``)."""

    template = "(%(expressions)s)"
    arg_joiner = " || "
    output_field = JSONField()


def recipient_bounds(*, alert: Alert, scheme_ids: list[int], every: int) -> list[int]:
    """User ids that cut the alert's audience into stores of at most ``every`` people, in
    order: the id of every ``every``-th of its memberships, by user id. (Those of them whose
    settings leave the alert out are counted too: a store may reach fewer.)"""
    nth = Mod(Window(RowNumber(), order_by=F("user_id").asc()), every, output_field=IntegerField())
    return sorted(
        set(
            _audience_memberships(alert=alert, scheme_ids=scheme_ids)
            .order_by()
            .annotate(nth=nth)
            .filter(nth=0)
            .values_list("user_id", flat=True)
        )
    )


def holding_preferences(
    *, alert: Alert, scheme_ids: list[int], after: int | None, upto: int | None
) -> QuerySet[Preference]:
    """The saved settings, of the alert's audience with ids in the range (``after``,
    ``upto``], that may hold its notices outside the inbox (``timing.HOLDING``)."""
    members = _audience_memberships(alert=alert, scheme_ids=scheme_ids)
    if after is not None:
        members = members.filter(user_id__gt=after)
    if upto is not None:
        members = members.filter(user_id__lte=upto)
    return Preference.objects.filter(HOLDING, user_id__in=members.values("user_id")).only(
        "user_id", *_PREFERENCE_FIELDS
    )


def recipient_channels(
    *, alert: Alert, scheme_ids: list[int], after: int | None, upto: int | None
) -> "QuerySet[Membership, dict[str, Any]]":
    """PostgreSQL: ``recipients_of`` in the database, for the people with ids in the range
    (``after``, ``upto``] (open where None): one row per membership with the channels it
    gives its member (``user_id``, ``offered``: a JSON list, empty when their settings leave
    out the alert's category). A member of several schemes has a row for each; what the
    member hears on is every channel any of their rows offers. Dispatch stores these
    without reading them: choosing them in Python took longer than storing them."""
    memberships = _reaching_memberships(alert=alert, scheme_ids=scheme_ids, after=after, upto=upto)
    saved = "saved"
    chosen = Coalesce(
        F(f"{saved}__channels"),
        Case(
            When(_pushes(), then=_json(default_channels(pushes=True))),
            default=_json(default_channels(pushes=False)),
        ),
    )
    in_app = _json([Channel.IN_APP])
    fallback = _json(sorted(COORDINATOR_FALLBACK_CHANNELS))
    return (
        memberships.annotate(
            categories=Coalesce(F(f"{saved}__categories"), _json(DEFAULT_CATEGORIES)),
            offered=Case(
                When(
                    role=MembershipRole.COORDINATOR,
                    then=_JoinedLists(in_app, Coalesce(NullIf(chosen, _json([])), fallback)),
                ),
                When(
                    Q(categories=[]) | Q(categories__contains=[alert.category]),
                    then=_JoinedLists(in_app, chosen),
                ),
                default=_json([]),
            ),
        )
        .order_by()
        .values("user_id", "offered")
    )


# --- Incidents: an alert with its updates and cancellation -------------------------------


def with_incident_status(alerts: QuerySet[Alert]) -> QuerySet[Alert]:
    """Annotate each alert with its incident's status: the latest message's (a cancellation
    marks them all cancelled), or a draft's own."""
    return alerts.annotate(incident_status=_incident_status())


@cache
def _incident_status() -> Coalesce:
    # Built once, as it is the same for every list: each query resolves a copy of its own.
    return Coalesce(_latest_status(OuterRef("incident_id")), F("status"))


def _latest_status(incident: Any) -> Subquery:
    return Subquery(
        Alert.objects.filter(incident_id=incident)
        .exclude(status=AlertStatus.DRAFT)
        .order_by("-id")
        .values("status")[:1]
    )


def thread_of(*, alert: Alert, user: AnyUser) -> QuerySet[Alert]:
    """The messages of the alert's incident the user may see, newest first."""
    return with_incident_status(
        alerts_visible_to(user=user).filter(
            Q(incident_id=alert.incident_id or alert.pk) | Q(pk=alert.pk)
        )
    ).order_by("-id")


def messages_referenced_by(*, alert: Alert) -> list[Alert]:
    """The messages an update or cancellation refers to (CAP references): every earlier
    published message of its incident that had not expired when it was sent, oldest first.
    Measured at its own sending, so that its document reads the same whenever it is asked
    for. A first alert refers to none."""
    if alert.published_at is None or alert.incident_id in (None, alert.pk):
        return []
    return list(
        Alert.objects.filter(
            incident_id=alert.incident_id,
            pk__lt=alert.pk,
            published_at__isnull=False,
            expires_at__gt=alert.published_at,
        ).order_by("published_at", "pk")
    )


def manages_incident(*, user: AnyUser, alert: Alert) -> bool:
    """Whether the user manages the alert's incident (``incidents_managed_by``)."""
    incident = alert.incident_id or alert.pk
    managed = incidents_managed_by(user=user)
    return managed.filter(incident_key=incident).exists()  # type: ignore[misc]  # incident_key is the values() annotation, which the plugin does not follow


def thread(*, alert: Alert, user: AnyUser) -> dict[str, Any]:
    """The alert's incident as one thread: its messages the user may see, newest first, the
    incident's status, whether the user has anything of it unread, and (for those who manage
    it) how many replies nobody has read."""
    messages = list(
        with_unread_replies(thread_of(alert=alert, user=user))
        .select_related("issuer", "scheme")
        .order_by("-id")
    )
    latest = messages[0]
    manages = manages_incident(user=user, alert=latest)
    return {
        "incident": latest.incident_id or latest.pk,
        "status": latest.incident_status,  # type: ignore[attr-defined]  # annotated by with_incident_status
        "unread": incident_unread(user=user, alert=alert),
        "unread_replies": sum(m.unread_replies for m in messages) if manages else None,  # type: ignore[attr-defined]  # annotated by with_unread_replies
        "messages": messages,
    }


def incident_unread(*, user: AnyUser, alert: Alert) -> bool:
    """Whether the user has anything of the alert's incident unread: a notice of one of its
    messages, or an answer to one of their replies."""
    incident_id = alert.incident_id or alert.pk
    return (
        Notice.objects.filter(
            recipient_id=user.pk,
            channel=Channel.IN_APP,
            alert__incident_id=incident_id,
            read_at__isnull=True,
        ).exists()
        or Reply.objects.filter(
            author_id=user.pk,
            alert__incident_id=incident_id,
            answered_at__isnull=False,
            answer_read_at__isnull=True,
        ).exists()
    )


class IncidentKey(TypedDict):
    incident_key: int


def incidents_managed_by(*, user: AnyUser) -> "QuerySet[Alert, IncidentKey]":
    """The incidents (ids, as ``incident_key``) whose messages the user issued one of, or that
    are of their force as its liaison: the query form of ``can_manage_incident``."""
    if not user.is_authenticated:
        return Alert.objects.none().values(incident_key=Coalesce("incident_id", "pk"))
    managed = Q(issuer=user)
    force = liaison_force(user)
    if force:
        managed |= Q(force=force)
    return Alert.objects.filter(managed).values(incident_key=Coalesce("incident_id", "pk"))


@visibility.rule("reply")
def replies_visible_to(*, user: AnyUser) -> QuerySet[Reply]:
    """Replies to alerts: all of those to an incident the user manages, and their own (with
    the answers) to any other."""
    if not user.is_authenticated:
        return Reply.objects.none()
    return Reply.objects.filter(
        Q(author=user) | Q(alert__incident_id__in=incidents_managed_by(user=user))
    ).select_related("author", "answered_by")


def replies_to_incident(*, user: AnyUser, alert: Alert) -> QuerySet[Reply]:
    """The replies to the alert's incident the user may read, newest first."""
    return (
        replies_visible_to(user=user)
        .filter(alert__incident_id=alert.incident_id or alert.pk)
        .order_by("-created_at", "-id")
    )


@visibility.rule("notice")
def notices_visible_to(*, user: AnyUser) -> QuerySet[Notice]:
    """A user's own notices, on every channel."""
    if not user.is_authenticated:
        return Notice.objects.none()
    return Notice.objects.filter(recipient=user)


def inbox_of(*, user: User) -> QuerySet[Notice]:
    """The user's in-app inbox, one notice per incident: the latest of theirs (the others are
    marked superseded as they are replaced), with whether anything of the incident is unread
    and the incident's status. Newest first.

    Reading a thread marks every notice of its incident read, so the incident has something
    unread when its latest notice is unread, or when an answer to a reply of theirs is."""
    unread_answer = Exists(
        Reply.objects.filter(
            author=user,
            alert__incident_id=OuterRef("alert__incident_id"),
            answered_at__isnull=False,
            answer_read_at__isnull=True,
        )
    )
    return (
        notices_visible_to(user=user)
        .filter(channel=Channel.IN_APP, superseded=False)
        .annotate(
            incident_unread=ExpressionWrapper(
                Q(read_at__isnull=True) | Q(unread_answer), output_field=BooleanField()
            ),
            new_answer=unread_answer,
            incident_status=_notice_incident_status(),
        )
        .select_related("alert", "alert__references")
        .order_by("-queued_at", "-id")
    )


def inbox_unread_count(*, user: User) -> int:
    """How many cards of the user's inbox have something unread: the count of
    ``inbox/?unread=true``, read without a page of cards."""
    return inbox_of(user=user).filter(incident_unread=True).count()  # type: ignore[misc]  # annotated by inbox_of, which the stubs cannot follow


@cache
def _notice_incident_status() -> Coalesce:
    # Built once, as ``_incident_status`` is.
    return Coalesce(_latest_status(OuterRef("alert__incident_id")), F("alert__status"))


@visibility.rule("alert")
def alerts_visible_to(*, user: AnyUser) -> QuerySet[Alert]:
    """Alerts a user issued, received, or (as liaison) were issued in their force."""
    if not user.is_authenticated:
        return Alert.objects.none()
    # EXISTS rather than a join with DISTINCT: an alert has a notice per recipient and
    # channel, and the join multiplied every alert by them before a page was cut from it.
    received = Exists(Notice.objects.filter(alert=OuterRef("pk"), recipient=user))
    visible = Q(issuer=user) | Q(received)
    force = liaison_force(user)
    if force:
        visible |= Q(force=force)
    return Alert.objects.filter(visible)


def with_unread_replies(alerts: QuerySet[Alert]) -> QuerySet[Alert]:
    """Annotate each alert with how many of its replies nobody has read yet."""
    return alerts.annotate(unread_replies=_unread_replies())


@cache
def _unread_replies() -> Coalesce:
    # Built once, as ``_incident_status`` is.
    unread = (
        Reply.objects.filter(alert=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("alert")
        .annotate(count=Count("id"))
        .values("count")
    )
    return Coalesce(Subquery(unread), 0)


# --- What the public sees: the Atom feeds and the public alert pages ----------------------

# The most entries a feed carries, newest first; and how many alerts whose boxes overlap an
# area feed's are tested exactly for it.
FEED_ENTRIES_MAX = 50
_AREA_FEED_CANDIDATES_MAX = 200


@visibility.rule("public alert")
def public_alerts() -> QuerySet[Alert]:
    """The alerts anyone may read (their public page, CAP document and the feeds): those
    marked public, once published."""
    return Alert.objects.filter(public=True).exclude(status=AlertStatus.DRAFT)


def current_public_alerts() -> QuerySet[Alert]:
    """What the public feeds show: published alerts marked public, and the cancellations
    of such alerts (so that those following a feed learn it is over), not yet expired.
    One entry per message: an update replaces the message it updates (which is then no
    longer published), a cancellation stays until its expiry."""
    standing = Q(status=AlertStatus.PUBLISHED) | Q(
        message_type=MessageType.CANCEL, status=AlertStatus.CANCELLED
    )
    return (
        public_alerts()
        .filter(standing, expires_at__gt=timezone.now())
        .select_related("scheme")
        .prefetch_related("matched_schemes")
        .order_by("-published_at", "-id")
    )


# An area's description names this many schemes at most, and counts the rest.
AREA_SCHEMES_NAMED = 5


def _distance(metres: int) -> str:
    return f"{metres} m" if metres < 1000 else f"{metres / 1000:g} km"


def area_description(alert: Alert) -> str:
    """The alert's area in words, wherever it is shown (CAP areaDesc, the feeds, the public
    page): as its author named it, else the schemes it reached, else where it is drawn.
    Reads ``matched_schemes`` through ``.all()``, so a prefetch serves a list of alerts."""
    if alert.area_name:
        return alert.area_name
    names = sorted(scheme.name for scheme in alert.matched_schemes.all())
    # In the language of the moment: a CAP document or feed says it in each of the alert's.
    if len(names) == 1:
        return _("The area of %(scheme)s") % {"scheme": names[0]}
    if names:
        named = names[:AREA_SCHEMES_NAMED]
        rest = len(names) - len(named)
        tail = (
            ngettext("%(count)d other scheme", "%(count)d other schemes", rest) % {"count": rest}
            if rest
            else named.pop()
        )
        return _("The areas of %(schemes)s and %(last)s") % {
            "schemes": ", ".join(named),
            "last": tail,
        }
    centre = f"{alert.centre_lat:.4f}, {alert.centre_lon:.4f}"
    if alert.boundary is not None:
        return _("The area drawn around %(centre)s") % {"centre": centre}
    return _("Within %(distance)s of %(centre)s") % {
        "distance": _distance(alert.radius_m or 0),
        "centre": centre,
    }


def public_alerts_of_scheme(*, scheme: Scheme) -> list[Alert]:
    """The current public alerts that reached the scheme: its Atom feed."""
    return list(current_public_alerts().filter(matched_schemes=scheme)[:FEED_ENTRIES_MAX])


def public_alerts_in_area(*, area: geo.Area) -> list[Alert]:
    """The current public alerts whose area overlaps ``area``: a bounding-box prefilter in
    SQL, then an exact test of each candidate."""
    box = geo.circle_bbox(area.centre, float(area.radius_m or 0))
    candidates = current_public_alerts().filter(
        bbox_north__gte=box.south,
        bbox_south__lte=box.north,
        bbox_east__gte=box.west,
        bbox_west__lte=box.east,
    )[:_AREA_FEED_CANDIDATES_MAX]
    return [alert for alert in candidates if geo.areas_intersect(area, alert.area)][
        :FEED_ENTRIES_MAX
    ]


class PublicStanding:
    """Where a public message stands, as its public page says it."""

    CURRENT = "current"
    UPDATED = "updated"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


@dataclass(frozen=True)
class PublicAlert:
    """A public message, the latest message of its incident (itself when it is the
    latest), and where it stands."""

    alert: Alert
    latest: Alert
    standing: str


def public_alert(*, identifier: Any) -> PublicAlert | None:
    """The public message with this CAP identifier, for its page that anyone may read: none
    for a restricted alert or a draft, as for an identifier that was never issued.

    A cancelled incident is cancelled whichever message is asked for; a message replaced by
    a later one is "updated"; the latest message is expired once its expiry has passed (the
    periodic sweep may not have marked it yet)."""
    published = public_alerts()
    alert = published.select_related("scheme").filter(identifier=identifier).first()
    if alert is None:
        return None
    latest = (
        published.select_related("scheme")
        .filter(incident_id=alert.incident_id or alert.pk)
        .order_by("-published_at", "-id")
        .first()
    ) or alert
    if latest.status == AlertStatus.CANCELLED or latest.message_type == MessageType.CANCEL:
        standing = PublicStanding.CANCELLED
    elif latest.pk != alert.pk:
        standing = PublicStanding.UPDATED
    elif alert.status == AlertStatus.EXPIRED or alert.expires_at <= timezone.now():
        standing = PublicStanding.EXPIRED
    else:
        standing = PublicStanding.CURRENT
    return PublicAlert(alert=alert, latest=latest, standing=standing)


def delivery_summary(*, alert: Alert) -> dict[str, object]:
    """Recipients, and per channel how many notices are queued, sent, failed, withdrawn (the
    alert was cancelled or expired before they were due) and read; and of those sent, how
    many the provider's receipts say were delivered, and how many it could not deliver."""
    rows = (
        Notice.objects.filter(alert=alert)
        .values("channel")
        .annotate(
            total=Count("id"),
            queued=Count("id", filter=Q(state__in=[NoticeState.QUEUED, NoticeState.SENDING])),
            sent=Count("id", filter=Q(state=NoticeState.SENT)),
            failed=Count("id", filter=Q(state=NoticeState.FAILED)),
            withdrawn=Count("id", filter=Q(state=NoticeState.WITHDRAWN)),
            delivered=Count("id", filter=Q(receipt=Receipt.DELIVERED)),
            # Not one waiting to be sent again after a technical failure.
            undelivered=Count("id", filter=Q(state=NoticeState.SENT, receipt__in=UNDELIVERED)),
            read=Count("id", filter=Q(read_at__isnull=False)),
        )
        .order_by("channel")
    )
    return {
        "recipients": Notice.objects.filter(alert=alert).values("recipient").distinct().count(),
        "schemes": alert.matched_schemes.count(),
        "channels": list(rows),
    }


# --- Templates and a second liaison's approval ---------------------------------------------


@visibility.rule("alert template")
def alert_templates_visible_to(*, user: AnyUser) -> QuerySet[AlertTemplate]:
    """A force's templates, for its liaisons (who keep them) and for the coordinators of its
    active schemes (who compose from them)."""
    if not user.is_authenticated:
        return AlertTemplate.objects.none()
    forces = Membership.objects.filter(
        user=user,
        status=MembershipStatus.ACTIVE,
        role=MembershipRole.COORDINATOR,
        scheme__status=SchemeStatus.ACTIVE,
    ).values("scheme__force")
    visible = Q(force__in=forces)
    force = liaison_force(user)
    if force:
        visible |= Q(force=force)
    return AlertTemplate.objects.filter(visible)


def approval_policy_of(*, force: str) -> AlertApprovalPolicy:
    """The force's policy: its saved one, or (unsaved) none asking for approval."""
    return AlertApprovalPolicy.objects.filter(force=force).first() or AlertApprovalPolicy(
        force=force
    )


def approval_reasons(*, alert: Alert) -> list[str]:
    """Why the alert needs a second liaison's approval under its force's policy: any of
    "severity", "recipients" (more people than the threshold) and "force_wide" (every active
    scheme of the force it could reach); none, when it may go at once."""
    policy = approval_policy_of(force=alert.force)
    reasons = []
    if policy.min_severity and SEVERITY_RANK[alert.severity] >= SEVERITY_RANK[policy.min_severity]:
        reasons.append("severity")
    if policy.recipients_threshold is None and not policy.force_wide:
        return reasons
    schemes, recipients = alert_reach(alert=alert)
    if policy.recipients_threshold is not None and recipients > policy.recipients_threshold:
        reasons.append("recipients")
    if policy.force_wide and schemes:
        every = Scheme.objects.filter(force=alert.force, status=SchemeStatus.ACTIVE)
        if alert.scheme_kinds:
            every = every.filter(kind__in=alert.scheme_kinds)
        if len(schemes) >= every.count():
            reasons.append("force_wide")
    return reasons
