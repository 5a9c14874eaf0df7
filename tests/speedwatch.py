"""Building speedwatch sessions for tests: mid-morning, in daylight, in the recent past."""

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from accounts.models import User
from tests.factories import MembershipFactory, SchemeFactory, SiteFactory
from watch.models import Session, Site
from watch.services.sessions import session_create, session_submit


def morning(days_ago: int = 1, hour: int = 10) -> tuple[datetime, datetime]:
    """An hour from ``hour`` o'clock, ``days_ago`` days ago: daylight all year in England."""
    day = timezone.localdate() - timedelta(days=days_ago)
    start = timezone.make_aware(datetime.combine(day, time(hour, 0)))
    return start, start + timedelta(hours=1)


def session_payload(
    site: Site, team: Sequence[User], *, days_ago: int = 1, offences: Sequence[dict] = (), **extra
) -> dict[str, Any]:
    start, end = morning(days_ago)
    return {
        "site": site.pk,
        "started_at": start.isoformat(),
        "ended_at": end.isoformat(),
        "vehicles_counted": 200,
        "device_name": "Speedwatch radar gun",
        "device_serial": "SW-2291",
        "device_checked_on": (start.date() - timedelta(days=30)).isoformat(),
        "present": [user.pk for user in team],
        "offences": list(offences),
        **extra,
    }


def offence_row(
    registration: str, speed: int, *, days_ago: int = 1, minute: int = 10, **extra
) -> dict[str, Any]:
    start, _ = morning(days_ago)
    return {
        "registration": registration,
        "speed_mph": speed,
        "observed_at": (start + timedelta(minutes=minute)).isoformat(),
        **extra,
    }


def session_fields(site: Site, start: datetime, end: datetime, **extra: Any) -> dict[str, Any]:
    """What ``session_create`` takes as ``data``: a session with a checked device."""
    return {
        "site": site,
        "started_at": start,
        "ended_at": end,
        "vehicles_counted": 200,
        "device_name": "Speedwatch radar gun",
        "device_serial": "SW-2291",
        "device_checked_on": start.date() - timedelta(days=30),
        **extra,
    }


def logged_session(
    site: Site,
    team: Sequence[User],
    *,
    days_ago: int = 1,
    offences: Sequence[tuple[str, int]] = (),
    submit: bool = True,
) -> Session:
    """A session stored through the services, submitted two hours after it ended."""
    start, end = morning(days_ago)
    session, _ = session_create(
        scheme=site.scheme,
        actor=team[0],
        data=session_fields(site, start, end),
        present=team,
        offences=[
            {
                "registration": registration,
                "speed_mph": speed,
                "observed_at": start + timedelta(minutes=5 + n),
            }
            for n, (registration, speed) in enumerate(offences)
        ],
    )
    if submit:
        session = session_submit(session=session, actor=team[0], now=end + timedelta(hours=2))
    return session


def neighbouring_teams() -> tuple[Site, Site, dict[int, list[User]]]:
    """Two more speedwatch schemes, each with a site and a team of a coordinator and two
    volunteers: Histon & Impington in Cambridgeshire and Biggleswade in Bedfordshire. Their
    sites, and their teams by scheme id."""
    histon = SchemeFactory(name="Histon & Impington Speedwatch", kind="speedwatch")
    histon_site = SiteFactory(scheme=histon, name="Station Road", lat=52.2519, lon=0.106)
    bedford = SchemeFactory(name="Biggleswade Speedwatch", kind="speedwatch", force="bedfordshire")
    bedford_site = SiteFactory(scheme=bedford, name="London Road", lat=52.086, lon=-0.264)
    teams = {
        scheme.pk: [
            MembershipFactory(scheme=scheme, role=role).user
            for role in ("coordinator", "volunteer", "volunteer")
        ]
        for scheme in (histon, bedford)
    }
    return histon_site, bedford_site, teams
