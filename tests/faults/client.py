"""An API client as a counter's software should be: it sends a donation with its own
``Idempotency-Key`` and, on a broken connection or a 5xx, sends the same request again."""

import http.client
import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Outcome:
    key: str
    status: int | None = None
    body: dict | None = None
    attempts: int = 0
    # Every answer and failure on the way: statuses, or the name of the connection error.
    seen: list = field(default_factory=list)


@dataclass
class Tally:
    """What all the requests of a run met, for the test's assertions."""

    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    slowest: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, what, seconds: float) -> None:
        with self.lock:
            (self.statuses if isinstance(what, int) else self.errors)[what] += 1
            self.slowest = max(self.slowest, seconds)


def request(base_url: str, method: str, path: str, *, headers: dict, body: bytes | None = None, timeout: float = 15):
    """One request on a new connection (gunicorn's sync workers close it after each answer anyway)."""
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


def post_with_retries(
    base_url: str, path: str, payload: dict, *, token: str, key: str, tally: Tally, deadline: float
) -> Outcome:
    """POST until an answer below 500 comes, or ``deadline`` (time.monotonic) passes."""
    outcome = Outcome(key=key)
    body = json.dumps(payload).encode()
    headers = {
        "Authorization": f"Bearer {token}",
        "Idempotency-Key": key,
        "Content-Type": "application/json",
        "Accept-Language": "en",
    }
    pause = 0.05
    while time.monotonic() < deadline:
        outcome.attempts += 1
        started = time.monotonic()
        try:
            status, _headers, raw = request(base_url, "POST", path, headers=headers, body=body)
        except (OSError, http.client.HTTPException) as exc:  # reset, refused, cut off, timed out
            tally.note(type(exc).__name__, time.monotonic() - started)
            outcome.seen.append(type(exc).__name__)
        else:
            tally.note(status, time.monotonic() - started)
            outcome.seen.append(status)
            if status < 500:
                outcome.status, outcome.body = status, json.loads(raw)
                return outcome
        time.sleep(pause)
        pause = min(pause * 2, 0.5)
    return outcome
