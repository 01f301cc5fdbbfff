"""Locust scenario of the service desk under load (run by ``python -m bench.servicedesk_http``).

    BENCH_SD_CONFIG=var/bench/servicedesk/world.json BENCH_SD_RECORD=var/bench/servicedesk/called.jsonl \
      locust -f bench/locust_servicedesk.py --headless -u 300 -r 50 -t 60s --host http://127.0.0.1:8000

``BENCH_SD_CONFIG`` (written by the runner) names the units (institution and unit code, their
services, their counters), the staff API token and the speed-up: 400 tickets a day a unit over an
eight-hour day, ``speedup`` times faster (default 10: a unit takes a ticket every 7.2 s).

* ``Kiosk`` (one per unit): ``POST /api/v1/servicedesk/public/units/{inst}/{unit}/tickets`` with a
  service; answered 200 or 201 (request name ``take``: its p95 must stay under 100 ms);
* ``CounterClerk`` (one per counter, four per unit): opens its counter (``/open``), then calls
  ``/next``; when a ticket comes, ``/start`` and ``/finish`` (outcome served) after a short service;
  every ticket a counter was given is written to ``BENCH_SD_RECORD`` (the runner checks none came
  twice, here and in the database);
* ``DisplayBoard`` (one per unit, 50): ``GET /api/v1/servicedesk/public/units/{inst}/{unit}/display
  ?after=<last event id>`` every ``poll`` seconds (0.5); the first time it sees a call event it
  records, as the request ``call-to-board``, the time from the event's ``at`` to now (its p95
  must stay under 1 s).

The queue's answers are read tolerantly (a ticket's ``id``, a feed's ``events``/``calls``/``items``
list or a bare list, each event's ``id`` and ``at``), so small differences of shape do not break it.
"""

import json
import os
import random
import time
from datetime import datetime
from itertools import count

from locust import HttpUser, between, constant, constant_throughput, events, task

CONFIG = json.loads(open(os.environ["BENCH_SD_CONFIG"]).read()) if os.environ.get("BENCH_SD_CONFIG") else {}  # noqa: SIM115
RECORD = os.environ.get("BENCH_SD_RECORD", "/dev/null")
UNITS = CONFIG.get("units", [])
TOKEN = CONFIG.get("token", "")
SPEEDUP = float(CONFIG.get("speedup", 10))
POLL = float(CONFIG.get("poll", 0.5))
PER_DAY = int(CONFIG.get("per_day", 400))
COUNTERS = [(unit, counter) for unit in UNITS for counter in unit["counters"]]
BASE = "/api/v1/servicedesk"
_kiosks, _clerks, _boards = count(), count(), count()
called: list[dict] = []


@events.test_stop.add_listener
def _write_called(**_kwargs) -> None:
    with open(RECORD, "w") as out:
        out.write("".join(json.dumps(row) + "\n" for row in called))


def _moment(value) -> float | None:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()
    except (TypeError, ValueError):
        return None


def _feed(body) -> list[dict]:
    if isinstance(body, list):
        return [e for e in body if isinstance(e, dict)]
    if isinstance(body, dict):
        for key in ("events", "calls", "items", "results"):
            if isinstance(body.get(key), list):
                return [e for e in body[key] if isinstance(e, dict)]
    return []


def _ticket_id(body):
    """The ticket a counter's answer names (the queue's ``current`` ticket, by its code)."""
    if not isinstance(body, dict):
        return None
    for key in ("current", "ticket"):
        if isinstance(body.get(key), dict):
            body = body[key]
            break
    else:
        return None
    return body.get("id") or body.get("code")


class Kiosk(HttpUser):
    fixed_count = len(UNITS)
    wait_time = constant_throughput(PER_DAY * SPEEDUP / (8 * 3600))

    def on_start(self) -> None:
        self.unit = UNITS[next(_kiosks) % len(UNITS)]

    @task
    def take(self) -> None:
        service = random.choice(self.unit["services"])
        path = f"{BASE}/public/units/{self.unit['institution']}/{self.unit['code']}/tickets"
        body = {"service": service["code"]}
        with self.client.post(path, json=body, name="take", catch_response=True) as response:
            if response.status_code not in (200, 201):
                response.failure(f"{response.status_code}: {response.text[:200]}")


class CounterClerk(HttpUser):
    fixed_count = len(COUNTERS)
    # Four counters share a unit's tickets: each serves about one in four, a little faster than they come.
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.unit, self.counter = COUNTERS[next(_clerks) % len(COUNTERS)]
        self.headers = {"Authorization": f"Bearer {TOKEN}"}
        self._act("open", name="open")

    def _act(self, action: str, body: dict | None = None, name: str | None = None):
        with self.client.post(
            f"{BASE}/counters/{self.counter}/{action}", json=body or {}, headers=self.headers,
            name=name or action, catch_response=True,
        ) as response:  # fmt: skip
            if response.status_code in (200, 201):
                response.success()
                try:
                    return response.json()
                except ValueError:
                    return {}
            if action == "next" and response.status_code in (400, 409):
                response.success()  # nothing waiting: a refusal by design
                return None
            response.failure(f"{response.status_code}: {response.text[:200]}")
            return None

    @task
    def serve(self) -> None:
        answer = self._act("next")
        ticket = _ticket_id(answer)
        if ticket is None:
            # Nobody waits: the clerk looks up again when the counter screen's waiting list (it
            # refreshes every few seconds) shows someone, not every second or two.
            time.sleep(random.uniform(4, 8))
            return
        called.append({"counter": self.counter, "ticket": ticket, "at": time.time()})
        self._act("start")
        time.sleep(random.uniform(0.2, 1.0) * 10 / SPEEDUP)
        self._act("finish", {"outcome": "served"})


class DisplayBoard(HttpUser):
    fixed_count = len(UNITS)
    wait_time = constant(POLL)

    def on_start(self) -> None:
        self.unit = UNITS[next(_boards) % len(UNITS)]
        self.after = 0
        self.primed = False  # the first answer shows the calls made before the board started
        self.seen: set = set()

    @task
    def poll(self) -> None:
        path = f"{BASE}/public/units/{self.unit['institution']}/{self.unit['code']}/display"
        with self.client.get(path, params={"after": self.after}, name="display", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return
            try:
                body = response.json()
            except ValueError:
                response.failure("not JSON")
                return
        now = time.time()
        first_poll, self.primed = not self.primed, True
        for event in _feed(body):
            event_id = event.get("id") or event.get("event_id")
            if isinstance(event_id, int):
                self.after = max(self.after, event_id)
            if event_id in self.seen:
                continue
            self.seen.add(event_id)
            at = _moment(event.get("at"))
            if at is None or first_poll or event.get("kind") not in (None, "called", "recalled"):
                continue  # the board's first view shows earlier calls: not a latency
            events.request.fire(
                request_type="BOARD", name="call-to-board", response_time=max(now - at, 0) * 1000,
                response_length=0, exception=None, context={},
            )  # fmt: skip
        if isinstance(body, dict):
            last = body.get("last_id", body.get("last"))
            if isinstance(last, int):
                self.after = max(self.after, last)
