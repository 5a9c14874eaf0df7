"""A local GOV.UK Notify: the parts of its published API v2 that Patchwatch uses, on a real
HTTP server in a thread of the test process.

- ``POST /v2/notifications/email`` and ``POST /v2/notifications/sms``: checked as Notify
  checks them (the JWT bearer token, signed HS256 with the key's secret, ``iss`` the service
  id, ``iat`` within 30 seconds; the required fields; a known template), answered 201 with
  Notify's body;
- ``POST /v2/notifications/letter``: a precompiled letter, checked as Notify checks it (a
  reference, base64 ``content`` that is a PDF, a known postage), answered 201 with its id,
  reference and postage; it starts at "pending-virus-check", and ``letter_status`` moves it on;
- ``GET /v2/notifications/{id}``: the message with its status, or Notify's 404;
- ``GET /v2/notifications?reference=...``: the messages with that reference, newest first;
- Notify's error answers, queued by ``fail_next``: 400 (validation), 403 (a bad key), 429
  (the rate limit) and 500;
- delivery receipts: ``finish`` sets a message's final status, and, with a callback set up,
  posts Notify's callback body with the bearer token, as Notify does.

Every request that reached it is kept in ``requests`` with the moment it arrived
(``time.monotonic()``, the same clock in every process of the machine).
"""

import base64
import binascii
import json
import queue
import socket
import threading
import time
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt

ERRORS = {
    400: [
        {
            "error": "BadRequestError",
            "message": "Can't send to this recipient using a team-only API key",
        }
    ],
    403: [{"error": "AuthError", "message": "Invalid token: API key not found"}],
    429: [
        {
            "error": "RateLimitError",
            "message": "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds",
        }
    ],
    500: [{"error": "Exception", "message": "Internal server error"}],
}


# Notify's postage classes for letters (europe and rest-of-world for addresses abroad).
POSTAGES = ("first", "second", "economy", "europe", "rest-of-world")


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class Received:
    method: str
    path: str
    body: dict[str, Any] | None
    at: float
    status: int


@dataclass
class FakeNotify:
    service_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    secret: str = field(default_factory=lambda: str(uuid.uuid4()))
    email_template_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    sms_template_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    requests: list[Received] = field(default_factory=list)
    notifications: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Error statuses to answer the next sends with, in order.
    failures: list[int] = field(default_factory=list)
    # Where to post delivery receipts, and the bearer token to post them with.
    callback_url: str = ""
    callback_token: str = ""
    # Mark each message delivered as soon as it is accepted, and post its receipt, from
    # threads of its own (the sender's connection is not held up by the callback).
    deliver_at_once: bool = False
    port: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None
    to_deliver: "queue.Queue[str]" = field(default_factory=queue.Queue)
    # Receipts that could not be posted (the app did not answer 2xx).
    callback_failures: list[str] = field(default_factory=list)

    @property
    def api_key(self) -> str:
        return f"patchwatch_test-{self.service_id}-{self.secret}"

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_port}"

    def start(self) -> "FakeNotify":
        handler = type("Handler", (_Handler,), {"notify": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        if self.deliver_at_once:
            for _ in range(4):
                threading.Thread(target=self._deliver, daemon=True).start()
        return self

    def _deliver(self) -> None:
        while True:
            notification_id = self.to_deliver.get()
            try:
                self.finish(notification_id, "delivered")
            except OSError as exc:
                self.callback_failures.append(f"{notification_id}: {exc}")

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def fail_next(self, *statuses: int) -> None:
        with self.lock:
            self.failures.extend(statuses)

    def sent(self) -> list[Received]:
        """The sends it accepted, in the order they arrived."""
        return [r for r in self.requests if r.method == "POST" and r.status == 201]

    def letters(self) -> list[dict[str, Any]]:
        """The letters it accepted, in the order they arrived, each with its ``pdf`` bytes."""
        with self.lock:
            return [m for m in self.notifications.values() if m["type"] == "letter"]

    def letter_status(self, notification_id: str, status: str) -> None:
        """Move a letter on, as Notify's checks and its printer do (accepted, received,
        cancelled, validation-failed, ...)."""
        with self.lock:
            message = self.notifications[notification_id]
            message["status"] = status
            if status in ("received", "cancelled") or "fail" in status:
                message["completed_at"] = _now()

    def finish(self, notification_id: str, status: str, *, callback: bool = True) -> None:
        """Give a message its final status, and post the receipt if a callback is set up."""
        with self.lock:
            message = self.notifications[notification_id]
            message["status"] = status
            message["completed_at"] = _now()
        if callback and self.callback_url:
            self.post_callback(notification_id)

    def receipt_body(self, notification_id: str) -> dict[str, Any]:
        message = self.notifications[notification_id]
        return {
            "id": message["id"],
            "reference": message["reference"],
            "to": message["email_address"] or message["phone_number"],
            "status": message["status"],
            "created_at": message["created_at"],
            "completed_at": message["completed_at"],
            "sent_at": message["sent_at"],
            "notification_type": message["type"],
        }

    def post_callback(self, notification_id: str) -> int:
        request = urllib.request.Request(  # noqa: S310 (a loopback address of the test's own)
            self.callback_url,
            data=json.dumps(self.receipt_body(notification_id)).encode(),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {self.callback_token}",
            },
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status

    # --- what the handler calls ---------------------------------------------------------

    def authorised(self, header: str) -> bool:
        scheme, _, token = header.partition(" ")
        if scheme != "Bearer":
            return False
        try:
            claims = jwt.decode(
                token, self.secret, algorithms=["HS256"], options={"require": ["iss", "iat"]}
            )
        except jwt.PyJWTError:
            return False
        return claims["iss"] == self.service_id and abs(time.time() - claims["iat"]) <= 30

    def create_letter(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        def invalid(message: str) -> tuple[int, dict[str, Any]]:
            return 400, _errors(400, [{"error": "ValidationError", "message": message}])

        for name in ("reference", "content"):
            if not body.get(name):
                return invalid(f"{name} is a required property")
        postage = body.get("postage", "second")
        if postage not in POSTAGES:
            return invalid(
                f"postage invalid. It must be {', '.join(POSTAGES[:-1])} or {POSTAGES[-1]}."
            )
        try:
            pdf = base64.b64decode(body["content"], validate=True)
        except (binascii.Error, ValueError):
            return invalid("Cannot decode letter content (base64)")
        if not pdf.startswith(b"%PDF-"):
            return 400, _errors(
                400, [{"error": "BadRequestError", "message": "Letter content is not a valid PDF"}]
            )
        with self.lock:
            if self.failures:
                status = self.failures.pop(0)
                return status, _errors(status, ERRORS[status])
            notification_id = str(uuid.uuid4())
            self.notifications[notification_id] = {
                "id": notification_id,
                "reference": body["reference"],
                "email_address": None,
                "phone_number": None,
                "type": "letter",
                "status": "pending-virus-check",
                "postage": postage,
                "created_at": _now(),
                "created_by_name": None,
                "sent_at": None,
                "completed_at": None,
                "pdf": pdf,
            }
        return 201, {"id": notification_id, "reference": body["reference"], "postage": postage}

    def find(self, query: str) -> tuple[int, dict[str, Any]]:
        params = urllib.parse.parse_qs(query)
        reference = params["reference"][0] if "reference" in params else None
        kind = params["template_type"][0] if "template_type" in params else None
        with self.lock:
            found = [
                self._shown(message)
                for message in reversed(self.notifications.values())
                if (reference is None or message["reference"] == reference)
                and (kind is None or message["type"] == kind)
            ]
        return 200, {"notifications": found, "links": {"current": f"{self.url}/v2/notifications"}}

    @staticmethod
    def _shown(message: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in message.items() if k not in ("personalisation", "pdf")}

    def create(self, kind: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        address_field = "email_address" if kind == "email" else "phone_number"
        missing = [name for name in (address_field, "template_id") if not body.get(name)]
        if missing:
            return 400, _errors(
                400,
                [{"error": "ValidationError", "message": f"{missing[0]} is a required property"}],
            )
        template = self.email_template_id if kind == "email" else self.sms_template_id
        if body["template_id"] != template:
            return 400, _errors(
                400, [{"error": "BadRequestError", "message": "Template not found"}]
            )
        with self.lock:
            if self.failures:
                status = self.failures.pop(0)
                return status, _errors(status, ERRORS[status])
            notification_id = str(uuid.uuid4())
            personalisation = body.get("personalisation") or {}
            self.notifications[notification_id] = {
                "id": notification_id,
                "reference": body.get("reference"),
                "email_address": body.get("email_address"),
                "phone_number": body.get("phone_number"),
                "type": kind,
                "status": "sending",
                "template": {"id": template, "version": 1, "uri": self._template_uri(template)},
                "body": personalisation.get("body", ""),
                "subject": personalisation.get("subject") if kind == "email" else None,
                "created_at": _now(),
                "created_by_name": None,
                "sent_at": _now(),
                "completed_at": None,
                "personalisation": personalisation,
            }
        content: dict[str, Any] = {"body": personalisation.get("body", "")}
        if kind == "email":
            content.update(
                subject=personalisation.get("subject", ""),
                from_email="patchwatch@notifications.service.gov.uk",
                one_click_unsubscribe_url=None,
            )
        else:
            content["from_number"] = "Patchwatch"
        answer = {
            "id": notification_id,
            "reference": body.get("reference"),
            "content": content,
            "uri": f"{self.url}/v2/notifications/{notification_id}",
            "template": {"id": template, "version": 1, "uri": self._template_uri(template)},
            "scheduled_for": None,
        }
        return 201, answer

    def read(self, notification_id: str) -> tuple[int, dict[str, Any]]:
        with self.lock:
            message = self.notifications.get(notification_id)
            if message is None:
                return 404, _errors(404, [{"error": "NoResultFound", "message": "No result found"}])
            return 200, self._shown(message)

    def _template_uri(self, template: str) -> str:
        return f"{self.url}/services/{self.service_id}/templates/{template}"


def _errors(status: int, errors: list[dict[str, str]]) -> dict[str, Any]:
    return {"errors": errors, "status_code": status}


class _Handler(BaseHTTPRequestHandler):
    notify: FakeNotify
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # The headers and the body go in two writes: without this, Nagle's algorithm holds
        # the body back for the client's delayed acknowledgement (40 ms an answer).
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _answer(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _handle(self, method: str) -> None:
        at = time.monotonic()
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        notify = self.notify
        if not notify.authorised(self.headers.get("Authorization", "")):
            status, answer = 403, _errors(403, ERRORS[403])
        elif method == "POST" and self.path in ("/v2/notifications/email", "/v2/notifications/sms"):
            status, answer = notify.create(self.path.rsplit("/", 1)[1], body or {})
        elif method == "POST" and self.path == "/v2/notifications/letter":
            status, answer = notify.create_letter(body or {})
        elif method == "GET" and self.path.split("?")[0] == "/v2/notifications":
            status, answer = notify.find(urllib.parse.urlsplit(self.path).query)
        elif method == "GET" and self.path.startswith("/v2/notifications/"):
            status, answer = notify.read(self.path.rsplit("/", 1)[1])
        else:
            status, answer = 404, _errors(404, [{"error": "NotFound", "message": "Not found"}])
        with notify.lock:
            notify.requests.append(Received(method, self.path, body, at, status))
        self._answer(status, answer)
        if status == 201 and notify.deliver_at_once:
            notify.to_deliver.put(answer["id"])

    def do_POST(self) -> None:
        self._handle("POST")

    def do_GET(self) -> None:
        self._handle("GET")

    def log_message(self, *args: object) -> None:
        pass
