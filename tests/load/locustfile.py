"""A busy day of an office network at ten times the Ramadan peak (locust; run by tests/test_load.py).

    LOAD_CONFIG=/tmp/world.json LOAD_RECORD=/tmp/accepted.jsonl \
      locust -f tests/load/locustfile.py --headless -u N -r N -t 25s --host http://127.0.0.1:8000

The peak, per office, is the last ten days of Ramadan (zakat fitrah, the busiest days of the
year): a counter clerk records a donation every 2 minutes, the office's online channel brings
one every 10 minutes, someone reads the dashboards every 10 minutes, and each donation brings
about five public page views (the campaign page, the zakat calculator, the aid page, a receipt
checked by its QR code). Ten times that, per office:

* ``CounterClerk`` (one per branch): every 12 s opens the counter and saves a donation through
  the page's own form (CSRF token and the form's idempotency key), one in twenty saved twice
  (a double click): the second answer must name the same donation;
* ``OnlineChannel``: ``POST /api/v1/donations`` (QRIS, token, ``Idempotency-Key``) at one a
  minute per office; one in twenty sent again: 200, ``Idempotent-Replayed`` and the same id;
* ``DashboardReader``: the collection overview, the month table, the Perubahan Dana of the
  year and the donation list, one page per office a minute;
* ``PublicVisitor``: the public pages, five per donation.

A save that fails for want of an answer (connection dropped, 5xx) is sent again with the same key
up to three times, as the browser's resubmission or the integration's retry would. Every saved
donation is appended to ``LOAD_RECORD`` (JSON lines: channel, key, donation id, replay), and every
key whose outcome stayed unknown too, so that the test can check each is in the database once.
"""

import json
import os
import random
import re
import time
import uuid
from itertools import count

from locust import HttpUser, constant_throughput, task

from tests.load import rates

CONFIG = json.loads(open(os.environ["LOAD_CONFIG"]).read()) if os.environ.get("LOAD_CONFIG") else {}  # noqa: SIM115
RECORD = os.environ.get("LOAD_RECORD", "/dev/null")
OFFICES = max(1, len(CONFIG.get("clerks", [])))
COUNTER_PER_SECOND = rates.COUNTER_PER_SECOND
ONLINE_PER_SECOND = rates.ONLINE_PER_OFFICE * OFFICES
DASHBOARD_PER_SECOND = rates.DASHBOARD_PER_OFFICE * OFFICES
PUBLIC_PER_SECOND = rates.PUBLIC_PER_DONATION * rates.donations_per_second(OFFICES)
ONLINE_USERS, READER_USERS, PUBLIC_USERS = rates.ONLINE_USERS, rates.READER_USERS, rates.PUBLIC_USERS
DOUBLE_SUBMIT = rates.DOUBLE_SUBMIT
RETRIES = 3
AMOUNTS = [20_000, 50_000, 100_000, 250_000, 500_000, 1_000_000]
FORM_FIELD = re.compile(r'name="(csrfmiddlewaretoken|idempotency_key)" value="([^"]+)"')
SAVED = re.compile(r"[?&]saved=(\d+)")
_clerks = count()
_readers = count()


def record(**fields) -> None:
    with open(RECORD, "a") as out:
        out.write(json.dumps(fields) + "\n")


class CounterClerk(HttpUser):
    fixed_count = OFFICES
    wait_time = constant_throughput(COUNTER_PER_SECOND)

    def on_start(self) -> None:
        self.me = CONFIG["clerks"][next(_clerks) % OFFICES]
        self.client.cookies.set("sessionid", self.me["session"])

    def _post(self, data: dict, name: str) -> int | None:
        """The donation id the counter redirected to, sending again while no answer came."""
        for _attempt in range(1 + RETRIES):
            with self.client.post(
                "/collection/counter/",
                data=data,
                allow_redirects=False,
                name=name,
                catch_response=True,
            ) as response:
                saved = SAVED.search(response.headers.get("Location", "") or "")
                if response.status_code == 302 and saved:
                    response.success()
                    return int(saved.group(1))
                if response.status_code == 0 or response.status_code >= 500:
                    response.failure(f"{response.status_code}: no answer, sending again")
                    time.sleep(0.5)
                    continue
                response.failure(f"{response.status_code}: {(response.text or '')[:300]}")
                return None
        return None

    @task
    def save_a_donation(self) -> None:
        with self.client.get("/collection/counter/", name="GET /collection/counter/", catch_response=True) as page:
            fields = dict(FORM_FIELD.findall(page.text or ""))
            if page.status_code != 200 or len(fields) != 2:
                page.failure(f"{page.status_code}: no counter form")
                return
        key = fields["idempotency_key"]
        data = {
            "csrfmiddlewaretoken": fields["csrfmiddlewaretoken"],
            "idempotency_key": key,
            "donor": random.choice(CONFIG["donors"]),
            "channel": "cash",
            "donation_date": CONFIG["today"],
            "bank_account": "",
            "bank_reference": "",
            "note": "",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "20",
            "lines-0-kind": random.choice(["zakat_maal", "zakat_income", "infak"]),
            "lines-0-amount": f"{random.choice(AMOUNTS):,}".replace(",", "."),
            "lines-0-persons": "",
            "lines-0-goods_description": "",
            "lines-0-goods_quantity": "",
            "lines-0-goods_unit": "",
        }
        donation = self._post(data, "POST /collection/counter/")
        record(channel="counter", user=self.me["user"], key=key, id=donation)
        if donation is not None and random.random() < DOUBLE_SUBMIT:
            again = self._post(data, "POST /collection/counter/ (double click)")
            record(channel="counter", user=self.me["user"], key=key, id=again, replay=True)


class OnlineChannel(HttpUser):
    fixed_count = ONLINE_USERS
    wait_time = constant_throughput(ONLINE_PER_SECOND / ONLINE_USERS)

    def _send(self, body: dict, key: str, name: str) -> tuple[int | None, bool]:
        online = CONFIG["online"]
        headers = {"Authorization": f"Bearer {online['token']}", "Idempotency-Key": key}
        for _attempt in range(1 + RETRIES):
            with self.client.post(
                "/api/v1/donations", json=body, headers=headers, name=name, catch_response=True
            ) as response:
                if response.status_code in (200, 201):
                    response.success()
                    replayed = response.headers.get("Idempotent-Replayed") == "true"
                    return json.loads(response.text)["id"], replayed
                if response.status_code == 0 or response.status_code >= 500:
                    response.failure(f"{response.status_code}: no answer, sending again")
                    time.sleep(0.5)
                    continue
                response.failure(f"{response.status_code}: {(response.text or '')[:300]}")
                return None, False
        return None, False

    @task
    def donate_online(self) -> None:
        online = CONFIG["online"]
        key = uuid.uuid4().hex
        amount = random.choice(AMOUNTS)
        body = {
            "unit_id": online["unit"],
            "donor_id": random.choice(CONFIG["donors"]),
            "donation_date": CONFIG["today"],
            "channel": "qris",
            "bank_account_id": online["bank_account"],
            "bank_reference": f"QRIS-{key[:12]}",
            "lines": [{"kind": "zakat_maal", "amount": amount}, {"kind": "infak", "amount": amount // 10}],
        }
        donation, replayed = self._send(body, key, "POST /api/v1/donations")
        record(channel="api", user=online["user"], key=key, id=donation, replayed=replayed)
        if donation is not None and random.random() < DOUBLE_SUBMIT:
            again, replayed = self._send(body, key, "POST /api/v1/donations (sent again)")
            record(channel="api", user=online["user"], key=key, id=again, replay=True, replayed=replayed)


class DashboardReader(HttpUser):
    fixed_count = READER_USERS
    wait_time = constant_throughput(DASHBOARD_PER_SECOND / READER_USERS)

    def on_start(self) -> None:
        self.me = CONFIG["readers"][next(_readers) % len(CONFIG["readers"])]
        self.client.cookies.set("sessionid", self.me["session"])
        unit, today, first = self.me["unit"], CONFIG["today"], CONFIG["month_start"]
        year = today[:4]
        self.pages = [
            ("/collection/reports/", "dashboard: collection overview"),
            (f"/collection/reports/?unit={unit}&start={year}-01-01&end={today}&report=months", "dashboard: months"),
            (f"/collection/reports/?unit={unit}&start={first}&end={today}&report=kinds", "dashboard: kinds"),
            (
                f"/ledger/reports/changes-in-funds/?unit={unit}&start={year}-01&end={today[:7]}&consolidated=on",
                "dashboard: Perubahan Dana",
            ),
            ("/collection/donations/", "dashboard: donation list"),
        ]

    @task
    def read(self) -> None:
        path, name = random.choice(self.pages)
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")


class PublicVisitor(HttpUser):
    fixed_count = PUBLIC_USERS
    wait_time = constant_throughput(PUBLIC_PER_SECOND / PUBLIC_USERS)

    @task
    def visit(self) -> None:
        code = CONFIG["institution_code"].lower()
        path, name = random.choice(
            [
                (f"/kampanye/{code}/{CONFIG['campaign']}/", "public: campaign"),
                (f"/zakat/kalkulator/{code}/", "public: zakat calculator"),
                ("/bantuan/", "public: aid"),
                (f"/r/{CONFIG['receipt_token']}/", "public: receipt check"),
            ]
        )
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
