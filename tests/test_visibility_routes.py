"""Every route that reads objects reads them through the visibility rule of their kind.

The routes come from the URL conf. Each one that reads objects is in ``ROUTES``, with a
request that an entitled person of the demo makes. The request is made once with the rule of
each kind it reads narrowed to nothing (``core.visibility.narrowed``): the object is then
not found (404) or the list is empty. Made normally, the same request finds it. Routes that
read no objects are in ``READ_NOTHING``, each with the reason; a new route in neither list
fails ``test_every_route_is_listed``.
"""

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.urls import URLResolver, get_resolver
from rest_framework.test import APIClient

from accounts.models import User
from core import visibility
from notifications.models import Alert, Notice, PushSubscription, Reply
from schemes.models import Membership, Scheme
from tests.speedwatch import session_payload
from watch.letters import letters_from
from watch.models import VEHICLE_HELD_BACK, Action, ActionStatus, Offence, Session, Site

API = "/api/v1/"

MARGARET = "margaret@example.org"  # coordinator of Mill Road
DAVID = "david@example.org"  # coordinator of Haslingfield Community Speedwatch
LIAISON = "liaison.cambs@example.org"
VOLUNTEER = "volunteer@example.org"  # of Mill Road
LUCY = "lucy@example.org"  # asked to join Mill Road; saved her alert settings
NINA = "nina@example.org"  # proposed Soham
ADMIN = "admin@example.org"

MILL_ROAD = "Mill Road Neighbourhood Watch"
HASLINGFIELD = "Haslingfield Community Speedwatch"
HIGH_STREET = "High Street by the school"
HARE_COURSING = "Hare coursing reported near Haslingfield"
BOGUS_CALLERS = "Bogus water board callers on Mill Road"
FLY_TIPPING = "Fly-tipping in the droves north of March"
ENDPOINT = "https://push.example.org/send/visibility-test"


# --- The demo's objects, looked up when a request is made ----------------------------------


def scheme(name: str = MILL_ROAD) -> int:
    return Scheme.objects.get(name=name).pk


def person(email: str) -> User:
    return User.objects.get(email=email)


def membership(email: str, name: str = MILL_ROAD) -> int:
    return Membership.objects.get(user__email=email, scheme__name=name).pk


def site() -> Site:
    return Site.objects.get(name=HIGH_STREET)


def session() -> Session:
    return Session.objects.filter(site__name=HIGH_STREET).order_by("started_at").first()


def offence() -> Offence:
    return Offence.objects.filter(session=session()).order_by("observed_at").first()


def queued() -> Offence:
    """An offence of the Cambridgeshire letters queue (not the one the demo holds back)."""
    return (
        Offence.objects.filter(action_status=ActionStatus.PENDING, submitted=True)
        .exclude(action=Action.NONE)
        .exclude(vehicle_check__in=VEHICLE_HELD_BACK)
        .first()
    )


def keeper_address() -> dict[str, Any]:
    """A keeper's name and address for the first letter waiting in Cambridgeshire."""
    letter = letters_from(
        Offence.objects.filter(force="cambridgeshire", action_status=ActionStatus.PENDING)
        .filter(submitted=True, voided=False)
        .exclude(action=Action.NONE)
        .exclude(vehicle_check__in=VEHICLE_HELD_BACK)
    )[0]
    return {
        "reference": letter.reference,
        "registration": letter.registration,
        "name": "Gwen Ap Rhys",
        "address_lines": ["12 Heol yr Eglwys"],
        "postcode": "LL61 5UT",
    }


def keeper_addresses_file() -> SimpleUploadedFile:
    """The same as a row of the letters batch's CSV file, filled in."""
    address = keeper_address()
    text = (
        "reference,registration,keeper_name,address_line_1,postcode\r\n"
        f"{address['reference']},{address['registration']},{address['name']},"
        f"{address['address_lines'][0]},{address['postcode']}\r\n"
    )
    return SimpleUploadedFile("letters.csv", text.encode(), "text/csv")


def alert(title: str) -> Alert:
    return Alert.objects.get(title=title)


def members(suffix: str = "", email: str = LUCY) -> Callable[[], str]:
    return lambda: f"{API}schemes/{scheme()}/members/{membership(email)}/{suffix}"


def alert_url(title: str, suffix: str = "") -> Callable[[], str]:
    return lambda: f"{API}alerts/{alert(title).pk}/{suffix}"


def session_url(suffix: str = "") -> Callable[[], str]:
    return lambda: f"{API}speedwatch/sessions/{session().pk}/{suffix}"


_names = itertools.count(1)


def proposal() -> dict[str, Any]:
    return {
        "name": f"Romsey Town Watch {next(_names)}",
        "kind": "neighbourhood",
        "force": "cambridgeshire",
        "description": "Romsey Town, off Mill Road.",
        "lat": 52.196,
        "lon": 0.15,
        "radius_m": 500,
        "contact_name": "Nina Kowalski",
    }


def site_proposal() -> dict[str, Any]:
    return {
        "scheme": scheme(HASLINGFIELD),
        "name": f"Fountain Lane {next(_names)}",
        "road_name": "Fountain Lane",
        "lat": 52.1478,
        "lon": 0.059,
        "speed_limit_mph": 20,
        "direction": "both",
        "notes": "Verge opposite the bus stop.",
        "risk_assessment": {
            "safe_standing_place": True,
            "clear_view": True,
            "no_obstruction": True,
            "parking_nearby": True,
        },
    }


def new_session() -> dict[str, Any]:
    return session_payload(
        site(),
        [person(email) for email in (DAVID, "joan@example.org", "kevin@example.org")],
        days_ago=2,
    )


def mill_road_alert() -> dict[str, Any]:
    return {
        "title": "Bogus callers again",
        "body": "Two men claiming to be from the water board. Do not let them in.",
        "category": "bogus_caller",
        "severity": "Moderate",
        "urgency": "Expected",
        "audience": "members",
        "lat": 52.1985,
        "lon": 0.141,
        "radius_m": 200,
        "scheme": scheme(),
    }


# --- What an answer shows -------------------------------------------------------------------


def _content(response: HttpResponse) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _listed(response: HttpResponse) -> int | None:
    """How many objects the answer lists (a page, a CSV, a feed); None if it is not a list."""
    kind = response.get("Content-Type", "")
    if "json" in kind:
        data = response.json()
        if isinstance(data, dict) and "results" in data:
            return len(data["results"])
        return len(data) if isinstance(data, list) else None
    if "csv" in kind:
        return len(_content(response).decode("utf-8-sig").strip().splitlines()) - 1
    if "atom" in kind:
        return _content(response).count(b"<entry")
    return None


def shown(response: HttpResponse) -> bool:
    """A read that found what it was asked for: 200, and a list with something in it."""
    return response.status_code == 200 and _listed(response) != 0


def hidden(response: HttpResponse) -> bool:
    """Not found, or an empty list."""
    return response.status_code == 404 or (response.status_code == 200 and _listed(response) == 0)


def reached(response: HttpResponse) -> bool:
    """A change that found its object: whatever the answer (done, or the input refused),
    neither not found nor forbidden to this person."""
    return response.status_code < 500 and response.status_code not in (403, 404)


def refused(response: HttpResponse) -> bool:
    return response.status_code == 403


@dataclass(frozen=True)
class Read:
    """``user`` (an email of the demo; None for anyone) asks for ``url``. Each entry of
    ``kinds`` (a kind, or kinds narrowed together) is narrowed in turn: the answer must then
    satisfy ``hidden``; made normally, ``found``."""

    kinds: tuple[str | tuple[str, ...], ...]
    user: str | None
    url: Callable[[], str]
    method: str = "get"
    body: Callable[[], dict[str, Any]] | None = None
    found: Callable[[HttpResponse], bool] = shown
    hidden: Callable[[HttpResponse], bool] = hidden
    setup: Callable[[], None] | None = None
    # How the body is sent: "json", or "multipart" for a file upload.
    format: str = "json"


def change(
    kinds: tuple[str | tuple[str, ...], ...],
    user: str,
    url: Callable[[], str],
    method: str = "post",
    body: Callable[[], dict[str, Any]] | None = None,
    **options: Any,
) -> Read:
    """A change to an object, which must first find it (through its kind's rule)."""
    return Read(kinds, user, url, method, body, found=reached, **options)


def _amended() -> None:
    from watch.services.sessions import session_amend

    session_amend(
        session=session(),
        actor=person(DAVID),
        reason="Counted twice",
        changes={"vehicles_counted": 210},
    )


def _audited() -> None:
    client = APIClient()
    client.force_login(person(LIAISON))
    _content(client.get(f"{API}speedwatch/offences/export/"))


def _keeper_stored() -> None:
    from django.utils import timezone

    from watch.models import KeeperAddress

    address = keeper_address()
    KeeperAddress.objects.create(
        reference=address["reference"],
        force="cambridgeshire",
        registration=address["registration"],
        name=address["name"],
        address_lines=address["address_lines"],
        postcode=address["postcode"],
        stored_at=timezone.now(),
    )


def _held_back() -> None:
    """An offence of the Cambridgeshire queue whose vehicle differs from the DVLA's record."""
    Offence.objects.filter(pk=queued().pk).update(vehicle_check="mismatched")


def _posted() -> None:
    from django.utils import timezone

    from watch.models import PostedLetter

    letter = queued()
    PostedLetter.objects.create(
        reference="CSW-L1-0000-0000-0003",
        force="cambridgeshire",
        registration=letter.registration,
        stage=letter.action,
        first_observed_at=letter.observed_at,
        postage="second",
        posted_at=timezone.now(),
    ).offences.set([letter])


def _survey(*, send: bool = True) -> None:
    from surveys.services import survey_create, survey_send

    margaret = person(MARGARET)
    survey = survey_create(author=margaret, data=survey_payload())
    if send:
        survey_send(survey=survey, actor=margaret)


def _survey_answered() -> None:
    from surveys.models import Survey
    from surveys.services import survey_answer

    _survey()
    survey = Survey.objects.latest("pk")
    question = survey.questions.get()
    survey_answer(survey=survey, member=person(VOLUNTEER), answers={str(question.pk): 4})


def survey_payload() -> dict[str, Any]:
    return {
        "title": "How safe do you feel?",
        "schemes": [scheme()],
        "questions": [{"kind": "rating", "text": "At night?", "required": True}],
    }


def survey_url(suffix: str = "") -> Callable[[], str]:
    from surveys.models import Survey

    return lambda: f"{API}surveys/{Survey.objects.latest('pk').pk}/{suffix}"


def survey_answer_body() -> dict[str, Any]:
    from surveys.models import Survey

    question = Survey.objects.latest("pk").questions.get()
    return {"answers": {str(question.pk): 5}}


@pytest.fixture(autouse=True)
def _letters_posted_through_notify(settings) -> None:
    """Letters are posted on this server (their tasks never run: nothing here commits)."""
    settings.LETTER_PROVIDER = "notify"


APPROVER = "approver.cambs@example.org"  # a second Cambridgeshire liaison, made by _approver


def _approver() -> None:
    from tests.factories import LiaisonFactory

    LiaisonFactory(force="cambridgeshire", user__email=APPROVER)


def _template() -> None:
    from notifications.models import AlertTemplate

    AlertTemplate.objects.create(
        force="cambridgeshire",
        name="Fly-tipping",
        title="Fly-tipping near {place}",
        body="Rubbish dumped near {place}.",
        category="fly_tipping",
        severity="Minor",
    )


def template_url() -> str:
    from notifications.models import AlertTemplate

    return f"{API}alert-templates/{AlertTemplate.objects.get(name='Fly-tipping').pk}/"


def _subscribed() -> None:
    PushSubscription.objects.create(user=person(VOLUNTEER), endpoint=ENDPOINT, p256dh="k", auth="a")


def _marked(count_ok: Callable[[int], bool]) -> Callable[[HttpResponse], bool]:
    return lambda response: response.status_code == 200 and count_ok(response.json()["marked"])


ROUTES: dict[tuple[str, str], list[Read]] = {
    # Schemes, their members, requests to join, status histories and activity.
    ("scheme-list", "GET"): [Read(("scheme",), None, lambda: f"{API}schemes/")],
    ("scheme-list", "POST"): [
        Read(
            ("scheme",),
            NINA,
            lambda: f"{API}schemes/",
            "post",
            proposal,
            found=lambda r: r.status_code == 201,
        )
    ],
    ("scheme-detail", "GET"): [
        Read(("scheme",), None, lambda: f"{API}schemes/{scheme()}/"),
        Read(("scheme",), NINA, lambda: f"{API}schemes/{scheme('Soham Neighbourhood Watch')}/"),
    ],
    ("scheme-detail", "PATCH"): [
        change(("scheme",), MARGARET, lambda: f"{API}schemes/{scheme()}/", "patch", dict)
    ],
    ("scheme-change-status", "POST"): [
        change(("scheme",), MARGARET, lambda: f"{API}schemes/{scheme()}/status/", body=dict)
    ],
    ("scheme-join", "POST"): [
        change(("scheme",), NINA, lambda: f"{API}schemes/{scheme()}/join/", body=dict)
    ],
    ("scheme-leave", "POST"): [
        change((("scheme", "membership"),), VOLUNTEER, lambda: f"{API}schemes/{scheme()}/leave/")
    ],
    ("member-list", "GET"): [
        Read(("scheme", "membership"), MARGARET, lambda: f"{API}schemes/{scheme()}/members/")
    ],
    ("member-detail", "PATCH"): [
        change(("scheme", "membership"), MARGARET, members(), "patch", dict)
    ],
    ("member-detail", "DELETE"): [
        change(("scheme", "membership"), MARGARET, members(email=VOLUNTEER), "delete")
    ],
    ("member-approve", "POST"): [change(("scheme", "membership"), MARGARET, members("approve/"))],
    ("member-decline", "POST"): [
        change(("scheme", "membership"), MARGARET, members("decline/"), body=dict)
    ],
    ("member-undo-decline", "POST"): [
        change(("scheme", "membership"), MARGARET, members("undo-decline/"))
    ],
    ("scheme-status-history", "GET"): [
        Read(
            ("scheme", "scheme status change"),
            MARGARET,
            lambda: f"{API}schemes/{scheme()}/status-history/",
        )
    ],
    ("join-requests", "GET"): [Read(("membership",), MARGARET, lambda: f"{API}join-requests/")],
    ("my-memberships", "GET"): [Read(("membership",), VOLUNTEER, lambda: f"{API}me/memberships/")],
    ("activity", "GET"): [Read(("activity event",), MARGARET, lambda: f"{API}activity/")],
    ("activity-export", "GET"): [
        Read(("activity event",), MARGARET, lambda: f"{API}activity/export/")
    ],
    ("neighbourhoods", "GET"): [Read(("neighbourhood",), None, lambda: f"{API}neighbourhoods/")],
    # Community Speedwatch.
    ("site-list", "GET"): [
        Read(("site", "speedwatch scheme"), DAVID, lambda: f"{API}speedwatch/sites/")
    ],
    ("site-list", "POST"): [
        Read(
            ("speedwatch scheme",),
            DAVID,
            lambda: f"{API}speedwatch/sites/",
            "post",
            site_proposal,
            found=lambda r: r.status_code == 201,
        )
    ],
    ("site-detail", "GET"): [
        Read(("site", "speedwatch scheme"), DAVID, lambda: f"{API}speedwatch/sites/{site().pk}/")
    ],
    ("site-decision", "POST"): [
        change(
            ("site",), LIAISON, lambda: f"{API}speedwatch/sites/{site().pk}/decision/", body=dict
        )
    ],
    ("site-history", "GET"): [
        Read(
            ("site", "site status change"),
            DAVID,
            lambda: f"{API}speedwatch/sites/{site().pk}/history/",
        )
    ],
    ("session-list", "GET"): [
        Read(("session", "speedwatch scheme"), DAVID, lambda: f"{API}speedwatch/sessions/")
    ],
    ("session-list", "POST"): [
        Read(
            ("site",),
            DAVID,
            lambda: f"{API}speedwatch/sessions/",
            "post",
            new_session,
            found=lambda r: r.status_code == 201,
        )
    ],
    ("session-detail", "GET"): [Read(("session",), DAVID, session_url())],
    ("session-detail", "PATCH"): [change(("session",), DAVID, session_url(), "patch", dict)],
    ("session-detail", "DELETE"): [change(("session",), DAVID, session_url(), "delete")],
    ("session-submit", "POST"): [change(("session",), DAVID, session_url("submit/"))],
    ("session-add-offences", "POST"): [
        change(("session",), DAVID, session_url("offences/"), body=dict)
    ],
    ("session-upload-offences", "POST"): [
        change(("session",), DAVID, session_url("offences/upload/"))
    ],
    ("session-delete-offence", "DELETE"): [
        change(
            ("session", "offence"),
            DAVID,
            lambda: f"{session_url()()}offences/{offence().pk}/",
            "delete",
        )
    ],
    ("session-amendments", "GET"): [
        Read(("session", "session amendment"), DAVID, session_url("amendments/"), setup=_amended)
    ],
    ("session-amendments", "POST"): [
        change(("session",), DAVID, session_url("amendments/"), body=dict)
    ],
    ("offences", "GET"): [Read(("offence",), DAVID, lambda: f"{API}speedwatch/offences/")],
    ("offences-export", "GET"): [
        Read(("offence",), DAVID, lambda: f"{API}speedwatch/offences/export/")
    ],
    ("offence-dispute", "POST"): [
        change(
            ("offence",),
            LIAISON,
            lambda: f"{API}speedwatch/offences/{offence().pk}/dispute/",
            body=dict,
        )
    ],
    ("letters", "GET"): [Read(("letter",), LIAISON, lambda: f"{API}speedwatch/letters/")],
    ("letters-mark", "POST"): [
        Read(
            ("letter",),
            LIAISON,
            lambda: f"{API}speedwatch/letters/mark/",
            "post",
            lambda: {"ids": [str(queued().pk)], "status": "sent"},
            found=lambda r: r.status_code == 200 and r.json() == {"updated": 1},
            # Marking what is not in one's queue is refused, naming the ids.
            hidden=lambda r: r.status_code == 400 and "ids" in r.json(),
        )
    ],
    # Keepers' addresses are stored against letters of the liaison's queue only.
    ("letters-addresses", "POST"): [
        Read(
            ("letter",),
            LIAISON,
            lambda: f"{API}speedwatch/letters/addresses/",
            "post",
            lambda: {"addresses": [keeper_address()]},
            found=lambda r: r.status_code == 200 and r.json() == {"stored": 1, "kept_days": 30},
            hidden=lambda r: r.status_code == 400 and "addresses" in r.json(),
        )
    ],
    ("letters-addresses-upload", "POST"): [
        Read(
            ("letter",),
            LIAISON,
            lambda: f"{API}speedwatch/letters/addresses/upload/",
            "post",
            lambda: {"file": keeper_addresses_file()},
            found=lambda r: r.status_code == 200 and r.json() == {"stored": 1, "kept_days": 30},
            hidden=lambda r: r.status_code == 400 and "addresses" in r.json(),
            format="multipart",
        )
    ],
    ("letters-held", "GET"): [
        Read(("offence",), LIAISON, lambda: f"{API}speedwatch/letters/held/", setup=_held_back)
    ],
    ("offence-vehicle", "POST"): [
        change(
            ("offence",),
            LIAISON,
            lambda: f"{API}speedwatch/offences/{queued().pk}/vehicle/",
            body=lambda: {"decision": "confirm"},
            setup=_held_back,
        )
    ],
    ("vehicle-lookup", "POST"): [
        Read(
            ("speedwatch scheme",),
            DAVID,
            lambda: f"{API}speedwatch/vehicle-checks/",
            "post",
            lambda: {"scheme": scheme(HASLINGFIELD), "registration": "AB12CDE"},
            found=lambda r: r.status_code == 200 and r.json()["status"] == "not_checked",
        )
    ],
    ("letters-export", "GET"): [
        Read(("letter",), LIAISON, lambda: f"{API}speedwatch/letters/export/")
    ],
    # Only letters of the liaison's queue are posted.
    ("letters-post", "POST"): [
        Read(
            ("letter",),
            LIAISON,
            lambda: f"{API}speedwatch/letters/post/",
            "post",
            dict,
            found=lambda r: r.status_code == 200 and r.json()["posted"] == 1,
            hidden=lambda r: (
                r.status_code == 200
                and (r.json()["posted"], r.json()["without_address"]) == (0, [])
            ),
            setup=_keeper_stored,
        )
    ],
    ("letters-post", "GET"): [
        Read(
            ("letter",),
            LIAISON,
            lambda: f"{API}speedwatch/letters/post/",
            found=lambda r: r.status_code == 200 and r.json()["ready"] == 1,
            hidden=lambda r: (
                r.status_code == 200 and (r.json()["ready"], r.json()["without_address"]) == (0, [])
            ),
            setup=_keeper_stored,
        )
    ],
    ("letters-posted", "GET"): [
        Read(("posted letter",), LIAISON, lambda: f"{API}speedwatch/letters/posted/", setup=_posted)
    ],
    # Statistics are of the user's speedwatch schemes; with none, they are refused.
    ("speedwatch-statistics", "GET"): [
        Read(
            ("speedwatch scheme",),
            DAVID,
            lambda: f"{API}speedwatch/statistics/",
            hidden=refused,
        )
    ],
    ("speedwatch-statistics-export", "GET"): [
        Read(
            ("speedwatch scheme",),
            DAVID,
            lambda: f"{API}speedwatch/statistics/export/",
            hidden=refused,
        )
    ],
    ("speedwatch-audit", "GET"): [
        Read(("audit record",), LIAISON, lambda: f"{API}speedwatch/audit/", setup=_audited)
    ],
    ("speedwatch-audit-export", "GET"): [
        Read(("audit record",), LIAISON, lambda: f"{API}speedwatch/audit/export/", setup=_audited)
    ],
    # Alerts, replies, the inbox, alert settings, push subscriptions, feeds.
    ("alert-list", "GET"): [Read(("alert",), LIAISON, lambda: f"{API}alerts/")],
    ("alert-list", "POST"): [
        Read(
            ("scheme",),
            MARGARET,
            lambda: f"{API}alerts/",
            "post",
            mill_road_alert,
            found=lambda r: r.status_code == 201,
        ),
        # Drafted, then read back through the rule: narrowed, not found.
        Read(
            ("alert",),
            MARGARET,
            lambda: f"{API}alerts/",
            "post",
            mill_road_alert,
            found=lambda r: r.status_code == 201,
        ),
    ],
    ("alert-preview", "POST"): [
        Read(("scheme",), MARGARET, lambda: f"{API}alerts/preview/", "post", mill_road_alert)
    ],
    ("alert-detail", "GET"): [Read(("alert",), LIAISON, alert_url(HARE_COURSING))],
    ("alert-detail", "PUT"): [change(("alert",), LIAISON, alert_url(FLY_TIPPING), "put", dict)],
    ("alert-detail", "DELETE"): [change(("alert",), LIAISON, alert_url(FLY_TIPPING), "delete")],
    ("alert-publish", "POST"): [change(("alert",), LIAISON, alert_url(FLY_TIPPING, "publish/"))],
    ("alert-update-alert", "POST"): [
        change(("alert",), LIAISON, alert_url(HARE_COURSING, "update_alert/"), body=dict)
    ],
    ("alert-cancel", "POST"): [
        change(("alert",), LIAISON, alert_url(HARE_COURSING, "cancel/"), body=dict)
    ],
    ("alert-approve", "POST"): [
        change(("alert",), APPROVER, alert_url(FLY_TIPPING, "approve/"), setup=_approver)
    ],
    ("alert-send-back", "POST"): [
        change(
            ("alert",),
            APPROVER,
            alert_url(FLY_TIPPING, "send_back/"),
            body=lambda: {"comment": "Name the droves."},
            setup=_approver,
        )
    ],
    ("alert-reach", "GET"): [Read(("alert",), LIAISON, alert_url(FLY_TIPPING, "reach/"))],
    ("alert-template-list", "GET"): [
        Read(("alert template",), MARGARET, lambda: f"{API}alert-templates/", setup=_template)
    ],
    ("alert-template-detail", "GET"): [
        Read(("alert template",), MARGARET, template_url, setup=_template)
    ],
    ("alert-template-detail", "PUT"): [
        change(("alert template",), LIAISON, template_url, "put", dict, setup=_template)
    ],
    ("alert-template-detail", "PATCH"): [
        change(("alert template",), LIAISON, template_url, "patch", dict, setup=_template)
    ],
    ("alert-template-detail", "DELETE"): [
        change(("alert template",), LIAISON, template_url, "delete", setup=_template)
    ],
    ("alert-cap", "GET"): [
        Read(("public alert",), None, alert_url(HARE_COURSING, "cap/")),
        Read(("alert",), MARGARET, alert_url(BOGUS_CALLERS, "cap/")),
    ],
    ("alert-summary", "GET"): [Read(("alert",), MARGARET, alert_url(BOGUS_CALLERS, "summary/"))],
    ("alert-thread", "GET"): [Read(("alert",), MARGARET, alert_url(BOGUS_CALLERS, "thread/"))],
    ("alert-read", "POST"): [change(("alert",), VOLUNTEER, alert_url(BOGUS_CALLERS, "read/"))],
    ("alert-replies", "GET"): [
        Read(("alert", "reply"), MARGARET, alert_url(BOGUS_CALLERS, "replies/"))
    ],
    ("alert-replies", "POST"): [
        change(("alert",), VOLUNTEER, alert_url(BOGUS_CALLERS, "replies/"), body=dict)
    ],
    ("alert-replies-read", "POST"): [
        change(("alert",), MARGARET, alert_url(BOGUS_CALLERS, "replies/read/"))
    ],
    ("alert-reply-answer", "POST"): [
        change(
            ("alert", "reply"),
            MARGARET,
            lambda: f"{alert_url(BOGUS_CALLERS)()}replies/{Reply.objects.get().pk}/answer/",
            body=dict,
        )
    ],
    ("inbox", "GET"): [Read(("notice",), VOLUNTEER, lambda: f"{API}inbox/")],
    ("inbox-unread", "GET"): [
        Read(
            ("notice",),
            VOLUNTEER,
            lambda: f"{API}inbox/unread/",
            found=lambda response: response.status_code == 200 and response.json()["unread"] > 0,
            hidden=lambda response: (
                response.status_code == 200 and response.json() == {"unread": 0}
            ),
        )
    ],
    ("inbox-read", "POST"): [
        Read(
            ("notice",),
            VOLUNTEER,
            lambda: f"{API}inbox/read/",
            "post",
            lambda: {"ids": [Notice.objects.filter(recipient__email=VOLUNTEER).first().pk]},
            found=_marked(lambda count: count > 0),
            hidden=_marked(lambda count: count == 0),
        )
    ],
    ("alert-preferences", "GET"): [
        Read(
            ("preference",),
            LUCY,
            lambda: f"{API}me/alert-preferences/",
            found=lambda r: r.status_code == 200 and r.json()["saved"] is True,
            # Without her saved settings, the defaults.
            hidden=lambda r: r.status_code == 200 and r.json()["saved"] is False,
        )
    ],
    ("push-subscriptions", "DELETE"): [
        Read(
            ("push subscription",),
            VOLUNTEER,
            lambda: f"{API}me/push-subscriptions/",
            "delete",
            lambda: {"endpoint": ENDPOINT},
            found=lambda r: not PushSubscription.objects.filter(endpoint=ENDPOINT).exists(),
            hidden=lambda r: PushSubscription.objects.filter(endpoint=ENDPOINT).exists(),
            setup=_subscribed,
        )
    ],
    # Surveys.
    ("survey-list", "GET"): [Read(("survey",), VOLUNTEER, lambda: f"{API}surveys/", setup=_survey)],
    ("survey-list", "POST"): [
        Read(
            ("scheme",),
            MARGARET,
            lambda: f"{API}surveys/",
            "post",
            survey_payload,
            found=lambda r: r.status_code == 201,
            hidden=lambda r: r.status_code == 400 and "schemes" in r.json(),
        )
    ],
    ("survey-detail", "GET"): [Read(("survey",), VOLUNTEER, survey_url(), setup=_survey)],
    ("survey-send", "POST"): [
        change(("survey",), MARGARET, survey_url("send/"), setup=lambda: _survey(send=False))
    ],
    ("survey-close", "POST"): [change(("survey",), MARGARET, survey_url("close/"), setup=_survey)],
    ("survey-answer", "POST"): [
        change(
            ("survey",), VOLUNTEER, survey_url("answer/"), body=survey_answer_body, setup=_survey
        )
    ],
    ("survey-results", "GET"): [
        Read(("survey",), MARGARET, survey_url("results/"), setup=_survey_answered)
    ],
    ("survey-results-export", "GET"): [
        Read(("survey",), MARGARET, survey_url("results/export/"), setup=_survey_answered)
    ],
    ("alerts-feed-area", "GET"): [
        Read(
            ("public alert",),
            None,
            lambda: f"{API}feeds/alerts.atom?lat=52.145&lon=0.04&radius_m=3000",
        )
    ],
    ("alerts-feed-scheme", "GET"): [
        Read(
            ("scheme", "public alert"),
            None,
            lambda: f"{API}feeds/schemes/{scheme(HASLINGFIELD)}/alerts.atom",
        )
    ],
    ("public-alert", "GET"): [
        Read(
            ("public alert",),
            None,
            lambda: f"/public/alerts/{alert(HARE_COURSING).identifier}/",
        )
    ],
    # People.
    ("user-two-factor-reset", "POST"): [
        change(
            ("person",),
            ADMIN,
            lambda: f"{API}users/{person(VOLUNTEER).pk}/two-factor/reset/",
        )
    ],
}

OWN_ACCOUNT = "the signed-in person's own account, which is theirs by signing in"
SIGNING_IN = "signs in, out or up by credentials: reads no object of the domain"

READ_NOTHING: dict[tuple[str, str], str] = {
    ("auth-csrf", "GET"): "sets the CSRF cookie",
    ("auth-signup", "POST"): SIGNING_IN,
    ("auth-login", "POST"): SIGNING_IN,
    ("auth-login-otp", "POST"): SIGNING_IN,
    ("auth-logout", "POST"): SIGNING_IN,
    ("auth-token", "POST"): SIGNING_IN,
    ("auth-token-otp", "POST"): SIGNING_IN,
    ("auth-token-revoke", "POST"): SIGNING_IN,
    ("auth-password-reset", "POST"): "emails a link; answers the same for any address",
    ("auth-password-reset-confirm", "POST"): "the account is the one the signed link names",
    ("auth-email-change-confirm", "POST"): "the account is the one the signed link names",
    ("me", "GET"): OWN_ACCOUNT,
    ("me", "PATCH"): OWN_ACCOUNT,
    ("me-password", "POST"): OWN_ACCOUNT,
    ("me-email", "POST"): OWN_ACCOUNT,
    ("me-export", "GET"): OWN_ACCOUNT + " (each app's personal-data registry gathers it)",
    ("me-deletion", "GET"): OWN_ACCOUNT,
    ("me-deletion", "POST"): OWN_ACCOUNT,
    ("me-two-factor", "GET"): OWN_ACCOUNT,
    ("me-two-factor-enrol", "POST"): OWN_ACCOUNT,
    ("me-two-factor-confirm", "POST"): OWN_ACCOUNT,
    ("me-two-factor-recovery-codes", "POST"): OWN_ACCOUNT,
    ("me-two-factor-disable", "POST"): OWN_ACCOUNT,
    ("alert-preferences", "PUT"): "saves the person's own settings, keyed by them",
    ("alert-preferences", "DELETE"): "forgets the person's own settings; answers the defaults",
    ("push-subscriptions", "POST"): "stores a browser's subscription, keyed by its endpoint",
    ("forces", "GET"): "the fixed list of the 43 police forces",
    ("force-locate", "GET"): "asks police.uk which force covers a point",
    ("geocode", "GET"): "asks the geocoder where a place is",
    ("neighbourhoods-import", "POST"): "replaces the importer's own force's set of "
    "neighbourhoods (staff name the force), which are public",
    ("alert-guidance", "GET"): "the fixed advice of each category of alert",
    ("alert-template-list", "POST"): "adds a template to the signed-in liaison's own force",
    ("alert-template-placeholders", "GET"): "the fixed list of a template's placeholders",
    ("alert-approval-policy", "GET"): "the signed-in liaison's own force's setting",
    ("alert-approval-policy", "PUT"): "saves the signed-in liaison's own force's setting",
    ("config", "GET"): "the server's settings the frontend needs",
    ("notify-receipts", "POST"): "GOV.UK Notify's receipts: refused to every person, signed in or "
    "not, without Notify's bearer token (tests/test_notify.py)",
    ("schema", "GET"): "the OpenAPI document",
    ("api-docs", "GET"): "the API's documentation page",
    ("api-redoc", "GET"): "the API's documentation page",
    ("api-redoc-script", "GET"): "the documentation page's script",
    ("^api/", "GET"): "the JSON 404 of any other address under api/",
    ("^public/", "GET"): "the 404 page of any other public address",
    ("service-worker", "GET"): "the frontend's service worker script",
    ("frontend", "GET"): "the frontend's entry page",
    ("admin", "*"): "the Django admin: staff only, changing records through the services",
}


def _methods(view: Any) -> list[str]:
    actions = getattr(view, "actions", None)
    if actions:
        return sorted(method.upper() for method in actions if method != "head")
    cls = getattr(view, "cls", None) or getattr(view, "view_class", None)
    if cls is None:
        return ["GET"]
    skipped = ("head", "options")
    return sorted(
        method.upper()
        for method in cls.http_method_names
        if method not in skipped and hasattr(cls, method)
    )


def _routes() -> set[tuple[str, str]]:
    """Every route of the URL conf, by name (or pattern) and method; the admin as one."""
    found: set[tuple[str, str]] = set()

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    found.add(("admin", "*"))
                else:
                    walk(pattern.url_patterns, prefix + str(pattern.pattern))
                continue
            name = pattern.name or prefix + str(pattern.pattern)
            found.update((name, method) for method in _methods(pattern.callback))

    walk(get_resolver().url_patterns, "")
    return found


def test_every_route_is_listed() -> None:
    routes = _routes()
    listed = set(ROUTES) | set(READ_NOTHING)
    assert sorted(routes - listed) == [], "routes neither checked nor said to read nothing"
    assert sorted(listed - routes) == [], "listed routes the URL conf no longer has"
    assert not set(ROUTES) & set(READ_NOTHING)


def test_every_kind_has_one_rule_and_routes_that_use_it() -> None:
    _routes()  # imports every view, and so every selector
    used = {
        kind
        for reads in ROUTES.values()
        for read in reads
        for entry in read.kinds
        for kind in ((entry,) if isinstance(entry, str) else entry)
    }
    assert used == set(visibility.rules())


CASES = [
    pytest.param(read, entry, id=f"{name} {method} {n} {entry}")
    for (name, method), reads in ROUTES.items()
    for n, read in enumerate(reads)
    for entry in read.kinds
]


@pytest.mark.parametrize(("read", "narrowed"), CASES)
def test_the_route_reads_through_the_rule(demo, read: Read, narrowed: Any) -> None:
    kinds = (narrowed,) if isinstance(narrowed, str) else narrowed
    if read.setup:
        read.setup()
    client = APIClient()
    if read.user:
        client.force_login(person(read.user))

    def ask() -> HttpResponse:
        body = read.body() if read.body else None
        return getattr(client, read.method)(read.url(), body, format=read.format)

    with visibility.narrowed(*kinds):
        without = ask()
    assert read.hidden(without), (without.status_code, _content(without)[:300])
    normally = ask()
    assert read.found(normally), (normally.status_code, _content(normally)[:300])


def test_narrowing_is_undone_after_the_block(demo) -> None:
    client = APIClient()
    with visibility.narrowed("scheme"):
        assert client.get(f"{API}schemes/").json()["count"] == 0
    assert client.get(f"{API}schemes/").json()["count"] > 0


def test_a_kind_has_one_rule() -> None:
    with pytest.raises(ValueError, match="already has its visibility rule"):
        visibility.rule("scheme")(lambda: Scheme.objects.none())
    with pytest.raises(KeyError), visibility.narrowed("no such kind"):
        pass
