"""The load of one police force on Patchwatch's API, for locust (bench/load/run.py runs it).

Imports only locust and the standard library: it runs in its own virtualenv
(``.venv-locust``), never beside Django.

Who, and how often (the population comes from bench/load/seed.py's JSON, ``--population``):

- MemberUser: the force's members browsing on their phones. A real member makes about
  one request every ``--member-interval`` seconds (30-60 s by default: a visit of a few
  screens now and then, the unread count polled once a minute). Each simulated member
  stands for ``members / simulated members`` real ones and waits that many times less, so
  2,000 members at one request each every 45 s on average (about 44 requests a second)
  come from a hundred or so simulated users that locust can drive on a shared machine. A
  simulated member plays one real member's visit (their /me/ as the app starts, the
  unread count, the inbox, an incident's thread, marking it read, the scheme directory and
  their scheme), then takes another member at random for the next visit.
- CoordinatorUser: speedwatch coordinators logging a session at the roadside through the
  phone app's calls: the list of sessions, the session created with an id made on the
  phone, its offences one by one as they are seen, the submission, the list again. Every
  write carries an ``Idempotency-Key`` as the app sends it; one offence in twenty is sent
  again with the same key (an answer lost on a bad signal), and must be answered as the
  first time, with ``Idempotent-Replayed: true``. One request every
  ``--coordinator-interval`` seconds (15-45) per real coordinator; 50 of them, all out at
  once (a dry Saturday morning), shared among ``--coordinator-users`` simulated ones.
- LiaisonUser (exactly one): the force's liaison, reading statistics and their alerts'
  delivery figures every 10-20 s, and every ``--alert-every`` seconds publishing an
  alert (a 20 km circle over the whole force area: every member) as the compose screen
  does: preview, draft, publish. Dispatch happens in the Celery worker meanwhile.

Requests are paced from the start of one to the start of the next (as locust's
``constant_pacing``), so a slow answer does not lower the rate asked of the server.
"""

import json
import random
import time
import uuid
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from locust import FastHttpUser, events, task
from locust.env import Environment

LONDON = ZoneInfo("Europe/London")
POPULATION: dict[str, Any] = {}


@events.init_command_line_parser.add_listener
def _options(parser: Any) -> None:
    parser.add_argument("--population", default="bench/load/out/population.json")
    parser.add_argument("--member-interval", type=float, nargs=2, default=[30.0, 60.0])
    parser.add_argument("--coordinator-interval", type=float, nargs=2, default=[15.0, 45.0])
    parser.add_argument("--coordinator-users", type=int, default=5)
    parser.add_argument("--alert-every", type=float, default=60.0)


@events.init.add_listener
def _load(environment: Environment, **kwargs: Any) -> None:
    options = environment.parsed_options
    if options is None:
        return
    with open(options.population) as file:
        POPULATION.update(json.load(file))
    CoordinatorUser.fixed_count = options.coordinator_users


def _key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


class PatchwatchUser(FastHttpUser):
    abstract = True
    # Real people each of these users stands for, and the seconds between their requests.
    people = 1.0
    interval = (30.0, 60.0)

    def on_start(self) -> None:
        self._started = time.monotonic()
        # Spread the first requests over one interval instead of all at once.
        self._pause = random.uniform(0, self._gap())

    def _gap(self) -> float:
        return random.uniform(*self.interval) / self.people

    def wait_time(self) -> float:
        # From the start of the last request to the start of the next.
        due = self._started + self._pause
        self._started, self._pause = due, self._gap()
        return max(0.0, due - time.monotonic())

    def call(
        self,
        method: str,
        path: str,
        name: str,
        token: str,
        *,
        expect: tuple[int, ...] = (200,),
        body: Any = None,
        headers: dict[str, str] | None = None,
        replayed: bool = False,
    ) -> Any:
        """One request; a status not in ``expect`` (or a missing replay header) fails it.
        Returns the parsed JSON body, or None."""
        with self.client.request(
            method,
            path,
            name=name,
            json=body,
            headers={"Authorization": f"Token {token}", **(headers or {})},
            catch_response=True,
        ) as response:
            if response.status_code not in expect:
                text = (response.text or "")[:300]
                response.failure(f"{response.status_code}: {text}")
                return None
            if replayed and response.headers.get("Idempotent-Replayed") != "true":
                response.failure("a retry with the same Idempotency-Key was not replayed")
                return None
            try:
                return response.json() if response.text else None
            except ValueError:
                response.failure("not JSON")
                return None


class MemberUser(PatchwatchUser):
    weight = 1

    def on_start(self) -> None:
        options = self.environment.parsed_options
        self.interval = tuple(options.member_interval)
        simulated = max(1, options.num_users - options.coordinator_users - 1)
        self.people = len(POPULATION["members"]) / simulated
        self.plan: list[tuple[str, Any]] = []
        self.cards: list[dict[str, Any]] = []
        super().on_start()

    def _visit(self) -> None:
        """A visit to the app by another member: it starts with /me/ and the unread
        count, then a few screens."""
        self.member = random.choice(POPULATION["members"])
        self.cards = []
        screens = random.choices(
            ["inbox", "thread", "unread", "directory", "near", "scheme"],
            weights=[3, 3, 3, 1, 1, 2],
            k=random.randint(2, 6),
        )
        self.plan = [("me", None), ("unread", None), *((screen, None) for screen in screens)]

    @task
    def step(self) -> None:
        if not self.plan:
            self._visit()
        screen, argument = self.plan.pop(0)
        token = self.member["token"]
        if screen == "me":
            self.call("GET", "/api/v1/me/", "/me/", token)
        elif screen == "unread":
            self.call("GET", "/api/v1/inbox/unread/", "/inbox/unread/", token)
        elif screen == "inbox":
            page = self.call("GET", "/api/v1/inbox/?page=1&page_size=20", "/inbox/", token)
            if page:
                self.cards = page["results"]
        elif screen == "thread":
            if self.cards:
                card = random.choice(self.cards)
                alert, unread = card["alert"]["id"], card["unread"]
            else:
                alert, unread = random.choice(POPULATION["alerts"]), False
            self.call("GET", f"/api/v1/alerts/{alert}/thread/", "/alerts/[id]/thread/", token)
            if unread:
                # The app marks an unread incident read once it is shown.
                self.plan.insert(0, ("read", alert))
        elif screen == "read":
            self.call(
                "POST",
                f"/api/v1/alerts/{argument}/read/",
                "/alerts/[id]/read/",
                token,
                headers=_key(),
            )
        elif screen == "directory":
            self.call(
                "GET",
                "/api/v1/schemes/?page=1&page_size=20&ordering=name",
                "/schemes/ directory",
                token,
            )
        elif screen == "near":
            centre = POPULATION["centre"]
            lat = centre["lat"] + random.uniform(-0.05, 0.05)
            lon = centre["lon"] + random.uniform(-0.08, 0.08)
            self.call(
                "GET",
                f"/api/v1/schemes/?page=1&page_size=20&lat={lat:.5f}&lon={lon:.5f}&radius_m=5000",
                "/schemes/ near me",
                token,
            )
        elif screen == "scheme":
            self.call("GET", f"/api/v1/schemes/{self.member['scheme']}/", "/schemes/[id]/", token)


def _session_window() -> tuple[datetime, datetime]:
    """A session of an hour this morning, or yesterday morning before noon: in daylight,
    ended, and within the hours a session may still be submitted."""
    now = datetime.now(LONDON)
    day = now.date() if now.hour >= 12 else now.date() - timedelta(days=1)
    start = datetime(
        day.year, day.month, day.day, 10, random.choice([0, 10, 20, 30]), tzinfo=LONDON
    )
    return start, start + timedelta(hours=1)


class CoordinatorUser(PatchwatchUser):
    fixed_count = 5

    def on_start(self) -> None:
        options = self.environment.parsed_options
        self.interval = tuple(options.coordinator_interval)
        self.people = len(POPULATION["coordinators"]) / max(1, options.coordinator_users)
        self.plan: list[str] = []
        super().on_start()

    def _roadside(self) -> None:
        """Another coordinator out with their team: a session from start to submission."""
        self.coordinator = random.choice(POPULATION["coordinators"])
        self.site = random.choice(self.coordinator["sites"])
        self.session = str(uuid.uuid4())
        self.window = _session_window()
        offences = random.randint(2, 8)
        self.seen = 0
        self.plan = ["list", "create", *["offence"] * offences, "submit", "list"]

    @task
    def step(self) -> None:
        if not self.plan:
            self._roadside()
        step = self.plan.pop(0)
        token = self.coordinator["token"]
        sessions = "/api/v1/speedwatch/sessions/"
        if step == "list":
            self.call("GET", f"{sessions}?page=1&page_size=20", "/speedwatch/sessions/", token)
        elif step == "create":
            start, end = self.window
            body = {
                "id": self.session,
                "site": self.site["id"],
                "started_at": start.isoformat(),
                "ended_at": end.isoformat(),
                "vehicles_counted": random.randint(100, 300),
                "device_name": "Speedwatch radar gun",
                "device_serial": "SW-LOAD",
                "device_checked_on": (start.date() - timedelta(days=30)).isoformat(),
                "present": self.coordinator["present"],
            }
            created = self.call(
                "POST",
                sessions,
                "POST /speedwatch/sessions/",
                token,
                expect=(201,),
                body=body,
                headers=_key(),
            )
            if created is None:
                self.plan = []
        elif step == "offence":
            start, _ = self.window
            self.seen += 1
            body = {
                "id": str(uuid.uuid4()),
                "registration": "".join(random.choices("ABCDEFGHJKLMNPRSTVWXY", k=2))
                + f"{random.randint(51, 74)}"
                + "".join(random.choices("ABCDEFGHJKLMNPRSTVWXY", k=3)),
                "speed_mph": self.site["threshold_mph"] + random.randint(0, 12),
                "observed_at": (start + timedelta(minutes=5 * self.seen)).isoformat(),
            }
            headers = _key()
            path = f"{sessions}{self.session}/offences/"
            name = "POST /speedwatch/sessions/[id]/offences/"
            self.call("POST", path, name, token, expect=(201,), body=body, headers=headers)
            if random.random() < 0.05:
                # The answer was lost on the way back: the app sends the same again.
                self.call(
                    "POST",
                    path,
                    f"{name} (retry)",
                    token,
                    expect=(201,),
                    body=body,
                    headers=headers,
                    replayed=True,
                )
        elif step == "submit":
            self.call(
                "POST",
                f"{sessions}{self.session}/submit/",
                "POST /speedwatch/sessions/[id]/submit/",
                token,
                headers=_key(),
            )


class LiaisonUser(PatchwatchUser):
    fixed_count = 1
    interval = (10.0, 20.0)

    def on_start(self) -> None:
        self.token = POPULATION["liaison"]["token"]
        self.next_alert = time.monotonic() + 15
        self.issued: list[int] = []
        self.sent = 0
        super().on_start()

    @task
    def step(self) -> None:
        if time.monotonic() >= self.next_alert:
            self.next_alert += self.environment.parsed_options.alert_every
            self._publish()
            return
        choice = random.choice(["statistics", "statistics", "scheme statistics", "summary"])
        if choice == "summary" and self.issued:
            alert = self.issued[-1]
            self.call(
                "GET", f"/api/v1/alerts/{alert}/summary/", "/alerts/[id]/summary/", self.token
            )
        elif choice == "scheme statistics":
            scheme = random.choice(POPULATION["liaison"]["schemes"])
            self.call(
                "GET",
                f"/api/v1/speedwatch/statistics/?scheme={scheme}",
                "/speedwatch/statistics/ of a scheme",
                self.token,
            )
        else:
            self.call(
                "GET", "/api/v1/speedwatch/statistics/", "/speedwatch/statistics/", self.token
            )

    def _publish(self) -> None:
        """Compose, preview, draft and publish an alert to the whole force area."""
        self.sent += 1
        centre = POPULATION["centre"]
        body = {
            "title": f"Load test alert {self.sent}",
            "body": "Several sheds broken into overnight; please check yours and report.",
            "category": "burglary",
            "severity": "Moderate",
            "urgency": "Expected",
            "lat": centre["lat"],
            "lon": centre["lon"],
            "radius_m": 20_000,
        }
        self.call(
            "POST",
            "/api/v1/alerts/preview/",
            "POST /alerts/preview/",
            self.token,
            body=body,
            headers=_key(),
        )
        draft = self.call(
            "POST",
            "/api/v1/alerts/",
            "POST /alerts/",
            self.token,
            expect=(201,),
            body=body,
            headers=_key(),
        )
        if draft is None:
            return
        published = self.call(
            "POST",
            f"/api/v1/alerts/{draft['id']}/publish/",
            "POST /alerts/[id]/publish/",
            self.token,
            headers=_key(),
        )
        if published is not None:
            self.issued.append(draft["id"])
