"""Reads of speedwatch sites: those a user may see, and a site's history."""

from django.db.models import Exists, OuterRef, QuerySet

from core import visibility
from schemes.permissions import AnyUser
from watch.models import Site, SiteStatusChange
from watch.selectors.schemes import (
    speedwatch_schemes_run_by,
    speedwatch_schemes_visible_to,
    speedwatch_schemes_with_registrations,
)


@visibility.rule("site")
def sites_visible_to(*, user: AnyUser) -> QuerySet[Site]:
    """The sites of the user's speedwatch schemes (a liaison's: the force area's), each with
    ``managed``: whether the user coordinates its scheme or covers it as liaison, and so may
    read who proposed and decided it (the query form of that rule, so a list asks once); and
    ``runs_sessions``: whether the user coordinates its scheme, and so proposes sites and logs
    sessions there."""
    managed = speedwatch_schemes_with_registrations(user=user).filter(pk=OuterRef("scheme_id"))
    runs = speedwatch_schemes_run_by(user=user).filter(pk=OuterRef("scheme_id"))
    return (
        Site.objects.filter(scheme__in=speedwatch_schemes_visible_to(user=user))
        .select_related("scheme", "proposed_by")
        .annotate(managed=Exists(managed), runs_sessions=Exists(runs))
    )


@visibility.rule("site status change")
def site_changes_visible_to(*, user: AnyUser) -> QuerySet[SiteStatusChange]:
    """Sites' proposals and decisions, with who made them and why: for the scheme's
    coordinators and the covering liaisons (a site's ``managed``)."""
    return SiteStatusChange.objects.filter(
        site__scheme__in=speedwatch_schemes_with_registrations(user=user)
    ).select_related("actor")


def site_history(*, user: AnyUser, site: Site) -> QuerySet[SiteStatusChange]:
    return site_changes_visible_to(user=user).filter(site=site)
