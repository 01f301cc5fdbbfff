"""Locust scenario of ``make bench``'s HTTP figure: every user posts as fast as it is answered.

    BENCH_TARGET=donation|insert BENCH_TOKEN=sat_... BENCH_UNITS=12,13 BENCH_DONOR=7 BENCH_DATE=2026-01-20 \
      locust -f bench/locust_http.py --headless -u 10 -r 10 -t 20s --csv var/bench/http-donation \
      --host http://127.0.0.1:8000

* ``donation``: ``POST /api/v1/donations`` with a bearer token and a new ``Idempotency-Key``:
  a two-line donation (zakat maal and infak, cash) at a random unit, which takes a receipt
  number and posts the ledger entry; answered 201;
* ``insert``: ``POST /bench/insert/`` (``bench.http_urls``, on the same server), one ``INSERT``.

Any other status counts as a failure in locust's statistics. With ``BENCH_RECORD`` set, the ids of
the donations answered 201 are written there (one per line) when the run stops, so that the
benchmark can check each of them is in the database.
"""

import os
import random
import uuid

from locust import FastHttpUser, constant, events, task

TARGET = os.environ.get("BENCH_TARGET", "donation")
TOKEN = os.environ.get("BENCH_TOKEN", "")
UNITS = [int(u) for u in os.environ.get("BENCH_UNITS", "0").split(",") if u]
DONOR = int(os.environ.get("BENCH_DONOR", "0"))
DATE = os.environ.get("BENCH_DATE", "2026-01-20")
AMOUNTS = [50_000, 100_000, 250_000, 500_000, 1_000_000]
RECORD = os.environ.get("BENCH_RECORD")
accepted: list[int] = []


@events.test_stop.add_listener
def _write_accepted(**_kwargs) -> None:
    if RECORD:
        with open(RECORD, "w") as out:
            out.write("".join(f"{pk}\n" for pk in accepted))


class Poster(FastHttpUser):
    wait_time = constant(0)

    @task
    def post(self) -> None:
        amount = random.choice(AMOUNTS)
        if TARGET == "insert":
            with self.client.post(
                "/bench/insert/", json={"key": uuid.uuid4().hex, "amount": amount}, catch_response=True
            ) as response:
                if response.status_code != 201:
                    response.failure(f"{response.status_code}: {response.text[:200]}")
            return
        body = {
            "unit_id": random.choice(UNITS),
            "donor_id": DONOR,
            "donation_date": DATE,
            "channel": "cash",
            "lines": [{"kind": "zakat_maal", "amount": amount}, {"kind": "infak", "amount": amount // 10}],
        }
        headers = {"Authorization": f"Bearer {TOKEN}", "Idempotency-Key": uuid.uuid4().hex}
        with self.client.post(
            "/api/v1/donations", json=body, headers=headers, name="POST /api/v1/donations", catch_response=True
        ) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code}: {response.text[:200]}")
            else:
                accepted.append(response.json()["id"])
