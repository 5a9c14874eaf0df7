"""Community Speedwatch demo data: sites, a season of sessions and the offences logged,
for Haslingfield and Histon & Impington Speedwatch (Cambridgeshire).

Called by ``manage.py load_demo`` after the schemes exist; adds nothing when the sites are
already there. Sessions are dated back from today, always mid-morning, so they are in
daylight whatever the season.

One offence is held back from the letters batch for its vehicle, so that the Letters screen
shows what a mismatch looks like: a plate misread at Station Road, which the DVLA's register
has as another vehicle. The demo's server has no DVLA key (vehicle checks are off), so the
register's answer is the demo's own, kept for that registration and compared with what was
recorded through the services, as the check of a stored offence would have done; no DVLA was
asked.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from accounts.forces import PoliceForce
from accounts.models import User
from core.dvla import Vehicle
from schemes import services as scheme_services
from schemes.models import Scheme
from watch.models import Letterhead, Site
from watch.services.sessions import session_create, session_submit
from watch.services.sites import site_decide, site_propose
from watch.services.vehicles import offence_vehicle_compare, vehicle_check_keep

RISK_OK = {
    "safe_standing_place": True,
    "clear_view": True,
    "no_obstruction": True,
    "parking_nearby": True,
}

SITES = [
    # scheme, name, road, lat, lon, limit, direction, approved
    (
        "Haslingfield Community Speedwatch",
        "High Street by the school",
        "High Street",
        52.1496,
        0.0561,
        30,
        "eastbound",
        True,
    ),
    (
        "Haslingfield Community Speedwatch",
        "Barton Road entrance",
        "Barton Road",
        52.1531,
        0.0542,
        30,
        "southbound",
        True,
    ),
    (
        "Haslingfield Community Speedwatch",
        "Fountain Lane",
        "Fountain Lane",
        52.1478,
        0.0590,
        20,
        "both",
        False,
    ),
    (
        "Histon & Impington Speedwatch",
        "Station Road by the green",
        "Station Road",
        52.2519,
        0.1060,
        30,
        "northbound",
        True,
    ),
]

# days ago, site name, vehicles counted, offences as (registration, make, model, colour, mph)
SESSIONS = [
    (
        40,
        "High Street by the school",
        212,
        [
            ("AB12CDE", "Ford", "Focus", "Blue", 37),
            ("KX19LMN", "Vauxhall", "Corsa", "Red", 41),
            ("Y123ABC", "BMW", "3 Series", "Black", 36),
        ],
    ),
    (
        26,
        "Barton Road entrance",
        180,
        [
            ("AB12CDE", "Ford", "Focus", "Blue", 39),
            ("BD68XYZ", "Audi", "A3", "White", 52),
        ],
    ),
    (
        12,
        "High Street by the school",
        195,
        [
            ("AB12CDE", "Ford", "Focus", "Blue", 38),
            ("EF70GHJ", "Toyota", "Yaris", "Silver", 35),
            ("LN21PQR", "Tesla", "Model 3", "Grey", 44),
        ],
    ),
    (
        5,
        "Station Road by the green",
        240,
        [
            ("KX19LMN", "Vauxhall", "Corsa", "Red", 40),
            ("GU65TTT", "Ford", "Transit", "White", 37),
            ("HY17WKD", "Nissan", "Qashqai", "Black", 42),
        ],
    ),
]

# What the demo has the DVLA's register say of a registration logged above: not the black
# Nissan recorded (the plate was misread), so that offence is held back from the letters.
REGISTER = {"HY17WKD": ("SKODA", "WHITE")}


# The demo forces' letterheads (their headquarters' addresses; the names and the email and
# web addresses are made up), so that the demo's letters print as a force would send them.
LETTERHEADS = [
    {
        "force": PoliceForce.CAMBRIDGESHIRE,
        "department": "Community Speedwatch, Roads Policing",
        "return_address": "Hinchingbrooke Park\nHuntingdon\nPE29 6NP",
        "telephone": "101",
        "email": "speedwatch@cambs.example.org",
        "disputes_url": "https://cambs.example.org/speedwatch/dispute",
        "signatory_name": "Sergeant Helen Ward",
        "signatory_title": "Community Speedwatch Coordinator",
    },
    {
        "force": PoliceForce.BEDFORDSHIRE,
        "department": "Community Speedwatch",
        "return_address": "Woburn Road\nKempston\nBedford\nMK43 9AX",
        "telephone": "101",
        "email": "speedwatch@beds.example.org",
        "disputes_url": "",
        "signatory_name": "PC Tom Hughes",
        "signatory_title": "Rural Crime and Speedwatch Liaison",
    },
]


def load_letterheads() -> None:
    """The demo forces' letterheads, where a force has none yet (an edited one is kept)."""
    for letterhead in LETTERHEADS:
        force = letterhead["force"]
        Letterhead.objects.get_or_create(
            force=force, defaults={k: v for k, v in letterhead.items() if k != "force"}
        )


def load(people: dict[str, User]) -> None:
    if Site.objects.exists():
        return
    david = people["david@example.org"]
    liaison = people["liaison.cambs@example.org"]
    histon = Scheme.objects.get(name="Histon & Impington Speedwatch")
    # Histon shares its volunteers with Haslingfield, so its sessions have three people.
    for email in ("joan@example.org", "kevin@example.org"):
        membership = scheme_services.membership_request(scheme=histon, user=people[email])
        scheme_services.membership_approve(membership=membership, actor=david)

    sites = {}
    for scheme_name, name, road, lat, lon, limit, direction, approved in SITES:
        site = site_propose(
            scheme=Scheme.objects.get(name=scheme_name),
            actor=david,
            data={
                "name": name,
                "road_name": road,
                "lat": lat,
                "lon": lon,
                "speed_limit_mph": limit,
                "direction": direction,
                "notes": "Stand on the verge opposite the bus stop.",
                "risk_assessment": RISK_OK,
            },
        )
        if approved:
            site = site_decide(site=site, actor=liaison, status="approved", reason="")
        sites[name] = site

    present = [david, people["joan@example.org"], people["kevin@example.org"]]
    today = timezone.localdate()
    for days_ago, site_name, vehicles, offences in SESSIONS:
        site = sites[site_name]
        day = today - timedelta(days=days_ago)
        start = timezone.make_aware(datetime.combine(day, time(10, 0)))
        session, _ = session_create(
            scheme=site.scheme,
            actor=david,
            data={
                "site": site,
                "started_at": start,
                "ended_at": start + timedelta(hours=1),
                "vehicles_counted": vehicles,
                "device_name": "Speedwatch radar gun",
                "device_serial": "SW-2291",
                "device_checked_on": day - timedelta(days=60),
            },
            present=present,
            offences=[
                {
                    "registration": registration,
                    "make": make,
                    "model": model,
                    "colour": colour,
                    "speed_mph": speed,
                    "observed_at": start + timedelta(minutes=7 * (n + 1)),
                }
                for n, (registration, make, model, colour, speed) in enumerate(offences)
            ],
        )
        submitted_at = session.ended_at + timedelta(hours=2)
        for offence in session.offences.filter(registration__in=REGISTER):
            make, colour = REGISTER[offence.registration]
            check = vehicle_check_keep(
                registration=offence.registration,
                vehicle=Vehicle(
                    registration=offence.registration,
                    make=make,
                    colour=colour,
                    tax_status="Taxed",
                    mot_status="Valid",
                ),
                now=submitted_at,
            )
            offence_vehicle_compare(offence=offence, check=check, now=submitted_at)
        session_submit(session=session, actor=david, now=submitted_at)
