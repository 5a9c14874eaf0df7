"""A local DVLA Vehicle Enquiry Service: its published API on a real HTTP server in a thread of
the test process.

- ``POST /vehicle-enquiry/v1/vehicles`` with the ``x-api-key`` header and
  ``{"registrationNumber": "AB12CDE"}``: 200 with the vehicle as the DVLA describes it
  (``registrationNumber``, ``make``, ``colour``, ``taxStatus``, ``motStatus`` and the rest)
  for a vehicle in ``vehicles``; 404 for any other; 400 for a body without a plausible
  registration; 403 for a missing or wrong key;
- the DVLA's error answers, queued by ``fail_next``: 429, 500 and 503, each with its
  ``{"errors": [{"status", "code", "title", "detail"}]}`` body.

Every request that reached it is kept in ``requests``.
"""

import json
import re
import socket
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PATH = "/vehicle-enquiry/v1/vehicles"

ERRORS: dict[int, tuple[str, str]] = {
    400: ("Bad Request", "Invalid format for field - vehicle registration number"),
    403: ("Forbidden", "Missing or invalid API key"),
    404: ("Vehicle Not Found", "Record for vehicle not found"),
    429: ("Too Many Requests", "Rate limit exceeded"),
    500: ("Internal Server Error", "System error occurred"),
    503: ("Service Unavailable", "The service is temporarily unavailable"),
}

_PLAUSIBLE = re.compile(r"^[A-Z0-9]{2,8}$")


def _error(status: int) -> dict[str, Any]:
    title, detail = ERRORS[status]
    return {
        "errors": [{"status": str(status), "code": str(status), "title": title, "detail": detail}]
    }


def vehicle(registration: str, make: str, colour: str, **more: Any) -> dict[str, Any]:
    """A vehicle as the DVLA's 200 describes it."""
    return {
        "registrationNumber": registration,
        "taxStatus": "Taxed",
        "taxDueDate": "2027-03-01",
        "motStatus": "Valid",
        "motExpiryDate": "2027-02-14",
        "make": make,
        "yearOfManufacture": 2019,
        "engineCapacity": 1499,
        "co2Emissions": 117,
        "fuelType": "PETROL",
        "markedForExport": False,
        "colour": colour,
        "typeApproval": "M1",
        "dateOfLastV5CIssued": "2023-05-20",
        "wheelplan": "2 AXLE RIGID BODY",
        "monthOfFirstRegistration": "2019-03",
        **more,
    }


@dataclass
class Received:
    registration: str
    api_key: str
    status: int


@dataclass
class FakeDvla:
    api_key: str = field(default_factory=lambda: uuid.uuid4().hex)
    vehicles: dict[str, dict[str, Any]] = field(default_factory=dict)
    failures: list[int] = field(default_factory=list)
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_port}{PATH}"

    def start(self) -> "FakeDvla":
        handler = type("Handler", (_Handler,), {"dvla": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def add(self, registration: str, make: str, colour: str, **more: Any) -> None:
        self.vehicles[registration] = vehicle(registration, make, colour, **more)

    def fail_next(self, *statuses: int) -> None:
        with self.lock:
            self.failures.extend(statuses)

    def asked(self) -> list[str]:
        """The registrations asked about, in order (answered or not)."""
        return [received.registration for received in self.requests]

    def answer(self, api_key: str, body: Any) -> tuple[int, dict[str, Any]]:
        if api_key != self.api_key:
            return 403, _error(403)
        with self.lock:
            if self.failures:
                return (status := self.failures.pop(0)), _error(status)
        registration = body.get("registrationNumber") if isinstance(body, dict) else None
        if not isinstance(registration, str) or not _PLAUSIBLE.match(registration):
            return 400, _error(400)
        if registration not in self.vehicles:
            return 404, _error(404)
        return 200, self.vehicles[registration]


class _Handler(BaseHTTPRequestHandler):
    dvla: FakeDvla
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        api_key = self.headers.get("x-api-key", "")
        if self.path != PATH:
            status, answer = 404, {"message": "no route"}
        else:
            status, answer = self.dvla.answer(api_key, body)
        registration = body.get("registrationNumber", "") if isinstance(body, dict) else ""
        with self.dvla.lock:
            self.dvla.requests.append(Received(str(registration), api_key, status))
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass
