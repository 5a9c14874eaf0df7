"""The demo's people and schemes, in Cambridgeshire and Peterborough with a neighbouring
force: the first part of ``manage.py load_demo`` (``backend``), which the speedwatch and
alert demos build on.

Safe to run again: people are found by email and schemes by name, so a second run adds
nothing twice. Everything goes through the same services as the API, so the activity log
reads as it would after real use.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts import two_factor
from accounts.forces import PoliceForce
from accounts.models import LiaisonProfile, User
from schemes import services
from schemes.boundaries import neighbourhood_rows
from schemes.models import Neighbourhood, Scheme, SchemeKind, SchemeStatus

DEMO_PASSWORD = "patchwatch-demo"
# The authenticator key of the demo's liaisons and staff (who must use two-factor sign-in):
# printed with the logins, so it protects nothing. 20 bytes, as authenticator apps expect.
DEMO_AUTHENTICATOR_KEY = b"patchwatch-demo-2fa!"
CAMBS, BEDS = PoliceForce.CAMBRIDGESHIRE, PoliceForce.BEDFORDSHIRE


@dataclass(frozen=True)
class Person:
    email: str
    name: str
    role: str
    postcode: str = ""
    phone: str = ""


PEOPLE = [
    Person("admin@example.org", "Sam Okafor", "Staff (Django admin at /admin/)"),
    Person("liaison.cambs@example.org", "PCSO Priya Shah", "Liaison, Cambridgeshire"),
    Person("liaison.beds@example.org", "PC Tom Hughes", "Liaison, Bedfordshire"),
    Person(
        "margaret@example.org",
        "Margaret Ellis",
        "Coordinator, Mill Road NW",
        "CB1 3AN",
        "01223 555101",
    ),
    Person(
        "david@example.org",
        "David Chen",
        "Coordinator, Haslingfield and Histon Speedwatch",
        "CB23 1JH",
        "01223 555102",
    ),
    Person(
        "rachel@example.org",
        "Rachel Ward",
        "Coordinator, Fenland Farm Watch",
        "PE15 0BA",
        "01354 555103",
    ),
    Person(
        "imran@example.org",
        "Imran Hussain",
        "Coordinator, Peterborough schemes",
        "PE2 6XE",
        "01733 555104",
    ),
    Person(
        "helen@example.org",
        "Helen Baker",
        "Coordinator, Ely, Huntingdon, St Neots",
        "CB6 1AA",
        "01353 555105",
    ),
    Person(
        "fiona@example.org",
        "Fiona Grant",
        "Coordinator, Bedfordshire schemes",
        "MK40 1SJ",
        "01234 555106",
    ),
    Person(
        "volunteer@example.org",
        "Alex Morgan",
        "Volunteer (Mill Road NW; asked to join Ely)",
        "CB1 2BD",
        "07700 900201",
    ),
    Person("joan@example.org", "Joan Patel", "Volunteer (Haslingfield Speedwatch)", "CB23 1LD"),
    Person("kevin@example.org", "Kevin Doyle", "Volunteer (Haslingfield Speedwatch)", "CB23 1NP"),
    Person(
        "lucy@example.org",
        "Lucy Fenwick",
        "Volunteer (Fenland Farm Watch; asked to join Mill Road)",
        "PE15 8AB",
    ),
    Person(
        "oliver@example.org",
        "Oliver Grant",
        "Volunteer, waiting on Haslingfield Speedwatch",
        "CB23 1JX",
    ),
    Person(
        "nina@example.org", "Nina Kowalski", "Proposer of Soham NW (awaiting approval)", "CB7 5AA"
    ),
]


@dataclass(frozen=True)
class DemoScheme:
    name: str
    kind: str
    force: str
    coordinator: str
    description: str
    lat: float = 0.0
    lon: float = 0.0
    radius_m: int | None = None
    boundary: dict[str, Any] | None = None
    volunteers: tuple[str, ...] = ()
    pending: tuple[str, ...] = ()
    status: str = SchemeStatus.ACTIVE
    reason: str = ""
    show_contact: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


def _ring(*points: tuple[float, float]) -> dict[str, Any]:
    """A GeoJSON polygon from (lat, lon) corners, closed."""
    ring = [[lon, lat] for lat, lon in points]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


SCHEMES = [
    DemoScheme(
        "Mill Road Neighbourhood Watch",
        SchemeKind.NEIGHBOURHOOD,
        CAMBS,
        "margaret@example.org",
        "Residents of Mill Road and the streets off it, Romsey and Petersfield. Bike theft, "
        "doorstep scams and shed break-ins are our main concerns.",
        52.1985,
        0.1410,
        700,
        volunteers=("volunteer@example.org",),
        pending=("lucy@example.org",),
    ),
    DemoScheme(
        "Chesterton Neighbourhood Watch",
        SchemeKind.NEIGHBOURHOOD,
        CAMBS,
        "margaret@example.org",
        "Chesterton and the riverside: we share alerts about burglary and bogus callers.",
        52.2195,
        0.1360,
        900,
    ),
    DemoScheme(
        "Haslingfield Community Speedwatch",
        SchemeKind.SPEEDWATCH,
        CAMBS,
        "david@example.org",
        "Volunteers monitoring traffic on the High Street and Barton Road, Haslingfield.",
        52.1490,
        0.0570,
        1500,
        volunteers=("joan@example.org", "kevin@example.org"),
        pending=("oliver@example.org",),
    ),
    DemoScheme(
        "Histon & Impington Speedwatch",
        SchemeKind.SPEEDWATCH,
        CAMBS,
        "david@example.org",
        "Speedwatch sessions on Station Road and the B1049 through Histon and Impington.",
        52.2520,
        0.1050,
        1800,
    ),
    DemoScheme(
        "Ely City Neighbourhood Watch",
        SchemeKind.NEIGHBOURHOOD,
        CAMBS,
        "helen@example.org",
        "Ely city centre and the riverside estates.",
        52.3986,
        0.2622,
        1500,
        pending=("volunteer@example.org",),
    ),
    DemoScheme(
        "Huntingdon Neighbourhood Watch",
        SchemeKind.NEIGHBOURHOOD,
        CAMBS,
        "helen@example.org",
        "Huntingdon town and Hartford.",
        52.3310,
        -0.1830,
        1500,
    ),
    DemoScheme(
        "Eaton Socon Speedwatch",
        SchemeKind.SPEEDWATCH,
        CAMBS,
        "helen@example.org",
        "Speedwatch on the Great North Road through Eaton Socon, St Neots.",
        52.2170,
        -0.2880,
        1200,
    ),
    DemoScheme(
        "Orton Neighbourhood Watch",
        SchemeKind.NEIGHBOURHOOD,
        CAMBS,
        "imran@example.org",
        "Orton Longueville, Orton Goldhay and Orton Malborne, Peterborough.",
        52.5460,
        -0.2830,
        1500,
    ),
    DemoScheme(
        "Werrington Neighbourhood Watch",
        SchemeKind.NEIGHBOURHOOD,
        CAMBS,
        "imran@example.org",
        "Werrington village and the estates around it, north Peterborough.",
        52.6230,
        -0.2830,
        1400,
    ),
    DemoScheme(
        "March Neighbourhood Watch",
        SchemeKind.NEIGHBOURHOOD,
        CAMBS,
        "rachel@example.org",
        "March town: catalytic-converter thefts and shed break-ins.",
        52.5510,
        0.0884,
        1500,
    ),
    DemoScheme(
        "Fenland Farm Watch",
        SchemeKind.COUNTRYSIDE,
        CAMBS,
        "rachel@example.org",
        "Farmers and rural residents between March, Wisbech and Chatteris: machinery theft, "
        "hare coursing, fly-tipping and fuel theft.",
        boundary=_ring((52.68, 0.02), (52.68, 0.22), (52.44, 0.14), (52.44, -0.02)),
        volunteers=("lucy@example.org",),
    ),
    DemoScheme(
        "Wisbech Horse Watch",
        SchemeKind.COUNTRYSIDE,
        CAMBS,
        "rachel@example.org",
        "Horse owners and yards around Wisbech: tack theft and loose horses.",
        52.6661,
        0.1590,
        6000,
    ),
    DemoScheme(
        "South Cambs Rural Watch",
        SchemeKind.COUNTRYSIDE,
        CAMBS,
        "david@example.org",
        "Farms and villages from Haslingfield to Comberton and Barton: hare coursing and "
        "machinery theft.",
        boundary=_ring((52.19, -0.02), (52.19, 0.09), (52.12, 0.09), (52.12, -0.02)),
    ),
    DemoScheme(
        "Littleport Speedwatch",
        SchemeKind.SPEEDWATCH,
        CAMBS,
        "helen@example.org",
        "Speedwatch on the A1101 through Littleport.",
        52.4590,
        0.3040,
        1200,
        status=SchemeStatus.SUSPENDED,
        reason="Speed device calibration has lapsed; sessions paused until it is renewed.",
    ),
    DemoScheme(
        "Soham Neighbourhood Watch",
        SchemeKind.NEIGHBOURHOOD,
        CAMBS,
        "nina@example.org",
        "A new scheme for Soham town centre and the Brook Street area.",
        52.3340,
        0.3360,
        1200,
        status=SchemeStatus.PROPOSED,
    ),
    DemoScheme(
        "Bedford Castle Quarter Neighbourhood Watch",
        SchemeKind.NEIGHBOURHOOD,
        BEDS,
        "fiona@example.org",
        "The Castle Quarter and the Embankment, Bedford.",
        52.1340,
        -0.4640,
        800,
    ),
    DemoScheme(
        "Biggleswade Speedwatch",
        SchemeKind.SPEEDWATCH,
        BEDS,
        "fiona@example.org",
        "Speedwatch on London Road and Shortmead Street, Biggleswade.",
        52.0860,
        -0.2640,
        1500,
    ),
    DemoScheme(
        "Sandy Rural Watch",
        SchemeKind.COUNTRYSIDE,
        BEDS,
        "fiona@example.org",
        "Farms and villages around Sandy and Potton.",
        52.1290,
        -0.2890,
        5000,
    ),
    DemoScheme(
        "Kempston Neighbourhood Watch",
        SchemeKind.NEIGHBOURHOOD,
        BEDS,
        "fiona@example.org",
        "A proposed scheme for Kempston West End.",
        52.1160,
        -0.5000,
        1000,
        status=SchemeStatus.PROPOSED,
    ),
]


def _person(person: Person) -> User:
    user = User.objects.filter(email=person.email).first()
    if user is None:
        is_staff = person.email.startswith("admin@")
        user = User.objects.create_user(
            email=person.email,
            password=DEMO_PASSWORD,
            name=person.name,
            postcode=person.postcode,
            phone=person.phone,
            is_staff=is_staff,
            is_superuser=is_staff,
        )
    return user


def _liaison(user: User, force: str, title: str) -> None:
    LiaisonProfile.objects.get_or_create(user=user, defaults={"force": force, "role_title": title})


def _authenticators(people: dict[str, User]) -> None:
    """Liaisons and staff must use two-factor sign-in; the demo gives them all one
    authenticator with a printed key (unless the requirement is off)."""
    if not settings.OTP_REQUIRED_FOR_POLICE:
        return
    for user in people.values():
        if two_factor.second_factor_required(user=user) and not (
            two_factor.second_factor_enabled(user=user)
        ):
            two_factor.authenticator_install(user=user, key=DEMO_AUTHENTICATOR_KEY)


def _scheme(demo: DemoScheme, people: dict[str, User]) -> bool:
    if Scheme.objects.filter(name=demo.name, force=demo.force).exists():
        return False
    coordinator = people[demo.coordinator]
    liaison = people[
        "liaison.cambs@example.org" if demo.force == CAMBS else "liaison.beds@example.org"
    ]
    area: dict[str, Any] = (
        {"boundary": demo.boundary}
        if demo.boundary
        else {"lat": demo.lat, "lon": demo.lon, "radius_m": demo.radius_m}
    )
    scheme = services.scheme_propose(
        proposer=coordinator,
        details={
            "name": demo.name,
            "kind": demo.kind,
            "force": demo.force,
            "description": demo.description,
            "contact_name": coordinator.name,
            "contact_email": coordinator.email,
            "contact_phone": coordinator.phone,
            "show_contact_email": demo.show_contact,
            "show_contact_phone": False,
        },
        area=area,
    )
    if demo.status == SchemeStatus.PROPOSED:
        return True
    scheme = services.scheme_status_change(
        scheme=scheme, actor=liaison, to_status=SchemeStatus.ACTIVE, reason=""
    )
    for email in demo.volunteers:
        membership = services.membership_request(scheme=scheme, user=people[email])
        services.membership_approve(membership=membership, actor=coordinator)
    for email in demo.pending:
        services.membership_request(
            scheme=scheme, user=people[email], message="I live nearby and would like to help."
        )
    if demo.status != SchemeStatus.ACTIVE:
        services.scheme_status_change(
            scheme=scheme, actor=liaison, to_status=demo.status, reason=demo.reason
        )
    return True


# A small sample set of policing neighbourhoods around the demo's schemes in Cambridgeshire
# (simplified shapes, not the force's published boundaries), imported as a liaison would.
NEIGHBOURHOODS_FILE = Path(__file__).parent / "data" / "neighbourhoods-cambridgeshire.geojson"


def _neighbourhoods() -> None:
    if Neighbourhood.objects.filter(force=CAMBS).exists():
        return
    upload = SimpleUploadedFile(
        NEIGHBOURHOODS_FILE.name, NEIGHBOURHOODS_FILE.read_bytes(), "application/geo+json"
    )
    services.neighbourhoods_import(force=CAMBS, rows=neighbourhood_rows(upload))


def load() -> tuple[dict[str, User], int]:
    """The demo's people (by email) and how many of its schemes this run created."""
    people = {person.email: _person(person) for person in PEOPLE}
    _liaison(people["liaison.cambs@example.org"], CAMBS, "PCSO, Cambridge South")
    _liaison(people["liaison.beds@example.org"], BEDS, "PC, Bedford Rural")
    _authenticators(people)
    created = sum(_scheme(demo, people) for demo in SCHEMES)
    _neighbourhoods()
    return people, created
