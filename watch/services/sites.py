"""Writes of speedwatch sites: a coordinator proposes one, the covering liaisons decide on it."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from accounts.models import User
from schemes.models import Scheme, SchemeKind, SchemeStatus
from schemes.services import activity_record
from watch.models import Site, SiteStatus, SiteStatusChange, SpeedwatchActivity


@transaction.atomic
def site_propose(*, scheme: Scheme, actor: User, data: dict[str, Any]) -> Site:
    if scheme.kind != SchemeKind.SPEEDWATCH or scheme.status != SchemeStatus.ACTIVE:
        raise ValidationError({"scheme": _("Sites belong to active Community Speedwatch schemes.")})
    if data["speed_limit_mph"] not in settings.SPEEDWATCH_ALLOWED_LIMITS_MPH:
        allowed = ", ".join(str(limit) for limit in settings.SPEEDWATCH_ALLOWED_LIMITS_MPH)
        raise ValidationError(
            {
                "speed_limit_mph": _("Speedwatch runs on roads limited to %(allowed)s mph.")
                % {"allowed": allowed}
            }
        )
    site = Site.objects.create(scheme=scheme, proposed_by=actor, **data)
    SiteStatusChange.objects.create(
        site=site, from_status="", to_status=site.status, actor=actor, at=site.created_at
    )
    activity_record(
        scheme=scheme,
        type=SpeedwatchActivity.SITE_PROPOSED,
        actor=actor,
        object_id=site.pk,
        payload={"site": site.name, "speed_limit_mph": site.speed_limit_mph},
    )
    return site


SITE_DECISIONS: dict[tuple[str, str], SpeedwatchActivity] = {
    (SiteStatus.PROPOSED, SiteStatus.APPROVED): SpeedwatchActivity.SITE_APPROVED,
    (SiteStatus.PROPOSED, SiteStatus.REJECTED): SpeedwatchActivity.SITE_REJECTED,
    (SiteStatus.APPROVED, SiteStatus.SUSPENDED): SpeedwatchActivity.SITE_SUSPENDED,
    (SiteStatus.SUSPENDED, SiteStatus.APPROVED): SpeedwatchActivity.SITE_APPROVED,
}


# A status as the word in "A rejected site cannot become approved": not the status's label,
# which says more ("Waiting for approval").
_STATUS_WORDS = {
    SiteStatus.PROPOSED.value: pgettext_lazy("a site that is", "proposed"),
    SiteStatus.APPROVED.value: pgettext_lazy("a site that is", "approved"),
    SiteStatus.REJECTED.value: pgettext_lazy("a site that is", "rejected"),
    SiteStatus.SUSPENDED.value: pgettext_lazy("a site that is", "suspended"),
}


def _status_word(status: str) -> str:
    return str(_STATUS_WORDS.get(status, status))


@transaction.atomic
def site_decide(*, site: Site, actor: User, status: str, reason: str) -> Site:
    """A liaison approves, rejects, suspends or reinstates a site."""
    site = Site.objects.select_for_update().get(pk=site.pk)
    from_status = site.status
    activity = SITE_DECISIONS.get((from_status, status))
    if activity is None:
        raise ValidationError(
            {
                "status": _("A %(from_status)s site cannot become %(status)s.")
                % {"from_status": _status_word(from_status), "status": _status_word(status)}
            }
        )
    if status in (SiteStatus.REJECTED, SiteStatus.SUSPENDED) and not reason.strip():
        raise ValidationError({"reason": _("Say why, so the coordinator can put it right.")})
    site.status = status
    site.decision_reason = reason
    site.decided_by = actor
    site.decided_at = timezone.now()
    site.save(update_fields=["status", "decision_reason", "decided_by", "decided_at"])
    SiteStatusChange.objects.create(
        site=site,
        from_status=from_status,
        to_status=status,
        actor=actor,
        reason=reason,
        at=site.decided_at,
    )
    activity_record(
        scheme=site.scheme,
        type=activity,
        actor=actor,
        object_id=site.pk,
        payload={
            "site": site.name,
            "from_status": from_status,
            "to_status": status,
            "reason": reason,
        },
    )
    return site
