"""Faults: what a national network meets on a bad day, and what must still hold.

* Application workers SIGKILLed in the middle of a stream of donation posts whose client retries
  with the same ``Idempotency-Key``: every key yields exactly one donation, receipt numbers stay
  unique and gapless, nothing is half-written (PostgreSQL, under gunicorn as in production).
* PostgreSQL stopped and started during the stream: a clean 503 with a message (JSON for the API,
  a page for the UI, Indonesian by default), and the app recovers without a restart. This stops the
  server for everyone using it, so it runs in CI and elsewhere only with ``FAULTS_RESTART_PG=1``.
* The mail gateway down for a while: messages wait in the outbox and are all delivered once it is
  back, none twice.

The gunicorn server reads the test database through ``DATABASE_URL`` and runs with
``tests.faults.settings`` (the 503 middleware and ``CONN_HEALTH_CHECKS``); see ``tests/faults/``.
"""

import os
import threading
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import OperationalError, connection, connections
from django.db.models import Count, Sum
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from satuatap.api.services import api_token_create
from satuatap.collection.models import Donation, DonationLine, Receipt
from satuatap.core.models import Sequence
from satuatap.donors.services import donor_register
from satuatap.ledger import services as ledger
from satuatap.ledger.models import EntryStatus, FundPosition, JournalEntry, JournalLine, LedgerBalance, Source
from satuatap.outbox import services as outbox
from satuatap.outbox.models import Message, MessageChannel, MessageStatus
from tests.faults import mailgateway
from tests.faults.client import Tally, post_with_retries, request
from tests.faults.server import Gunicorn

MIDDLEWARE = "satuatap.core.db_errors.DatabaseUnavailableMiddleware"
DONATIONS = "/api/v1/donations"
IN_CI = os.environ.get("CI") == "true"


def on_postgresql() -> bool:
    """The gunicorn tests run on PostgreSQL, the production path (the CI's second run); on SQLite
    they have nothing to run. Outside CI that shows as a skip; CI counts skips as failures, and its
    SQLite run is not missing a service, so there the test just returns."""
    if connection.vendor == "postgresql":
        return True
    if not IN_CI:
        pytest.skip("runs on PostgreSQL: set DATABASE_URL=postgres://...")
    return False


# --- the 503 answer itself (any database) -----------------------------------------------------------


@pytest.fixture
def guarded(settings):
    if MIDDLEWARE not in settings.MIDDLEWARE:  # until satuatap/settings.py lists it
        settings.MIDDLEWARE = [MIDDLEWARE, *settings.MIDDLEWARE]
    assert settings.MIDDLEWARE[0] == MIDDLEWARE
    settings.DEBUG = False


def lost_connection(*args, **kwargs):
    raise OperationalError("server closed the connection unexpectedly")


def test_the_api_answers_503_in_its_error_shape_while_the_database_is_unreachable(world, guarded, monkeypatch):
    _token, key = api_token_create(actor=world.frank, name="counter")
    client = Client(raise_request_exception=False)
    monkeypatch.setattr("satuatap.api.core.api_token_authenticate", lost_connection)
    response = client.get(DONATIONS, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 503, response.content
    assert response["Retry-After"] == "15" and response["Content-Language"] == "id"
    error = response.json()["error"]
    with translation.override("id"):
        expected = _(
            "The database cannot be reached for a moment. Send the request again shortly; "
            "with the same Idempotency-Key it is recorded only once."
        )
    assert error == {"code": "unavailable", "message": expected, "fields": {}}
    english = client.get(DONATIONS, HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_ACCEPT_LANGUAGE="en").json()["error"]
    assert english["message"].startswith("The database cannot be reached for a moment.")
    monkeypatch.undo()
    assert client.get(DONATIONS, HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200


@pytest.mark.parametrize(
    "failing",
    [
        "satuatap.organizations.middleware.active_memberships",  # in a middleware, before the view
        "satuatap.core.views.pages.units_for",  # in the view
    ],
)
def test_a_page_answers_503_with_a_page_in_indonesian_while_the_database_is_unreachable(
    world, guarded, monkeypatch, failing
):
    client = Client(raise_request_exception=False)
    client.force_login(world.frank)
    monkeypatch.setattr(failing, lost_connection)
    response = client.get("/")
    assert response.status_code == 503 and response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    with translation.override("id"):
        title = _("Briefly unavailable")
        message = _("Satu Atap cannot reach its database for a moment. Please try again in a minute.")
    assert '<html lang="id">' in page and title in page and message in page
    assert "Traceback" not in page and "<script" not in page
    monkeypatch.undo()
    ok = client.get("/")
    assert ok.status_code == 200
    # The 503 carries the site's security headers like any page (CSP, frame and referrer policies).
    security = {h for h in ok.headers if h.lower().startswith(("content-security", "x-frame", "referrer", "x-content"))}
    assert security and all(h in response.headers for h in security), (security, response.headers)


def test_other_errors_stay_500_so_bugs_are_not_hidden(world, guarded, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(world.frank)

    def bug(*args, **kwargs):
        raise ZeroDivisionError

    monkeypatch.setattr("satuatap.core.views.pages.units_for", bug)
    assert client.get("/").status_code == 500


# --- gunicorn on PostgreSQL: worker kills and a database restart ------------------------------------


@pytest.fixture
def counter(world):
    """Frank (front office of branch A) with an API token, a donor, and the chart of accounts."""
    ledger.chart_create_default(actor=world.carol, institution=world.alpha)
    donor = donor_register(actor=world.frank, unit=world.branch_a, full_name="Siti Rahmawati")
    _token, key = api_token_create(actor=world.frank, name="counter")
    day = timezone.localdate(timezone=world.branch_a.tzinfo) - timedelta(days=1)
    units = [world.branch_a, world.branch_a_sub]

    def payload(n: int) -> dict:
        return {
            "unit_id": units[n % 2].pk,
            "donor_id": donor.pk,
            "donation_date": day.isoformat(),
            "channel": "cash",
            "lines": [{"kind": "zakat_maal", "amount": 100_000 + n}, {"kind": "infak", "amount": 5_000}],
        }

    return SimpleNamespace(token=key, payload=payload, units=units, day=day)


@pytest.fixture
def app_server(tmp_path):
    if connection.vendor != "postgresql":  # the test itself says why it does not run
        yield None
        return
    server = Gunicorn(workers=2, log=tmp_path / "gunicorn.log")
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


class Stream:
    """Clients posting donations, each with its own key and retrying it until answered, for at least
    ``at_least`` donations and on until ``finish()``: the fault always falls in the middle of the
    stream, however fast the machine."""

    LIMIT = 3000

    def __init__(self, server, counter, prefix: str, *, threads: int, at_least: int, seconds: float):
        self.server, self.counter, self.prefix, self.at_least = server, counter, prefix, at_least
        self.tally, self.outcomes = Tally(), {}
        self.deadline = time.monotonic() + seconds
        self.finished = threading.Event()
        self._lock, self._next = threading.Lock(), 0
        self._threads = [threading.Thread(target=self._client) for _ in range(threads)]
        for thread in self._threads:
            thread.start()

    def _client(self):
        while True:
            with self._lock:
                n = self._next
                if n >= self.LIMIT or (n >= self.at_least and self.finished.is_set()):
                    return
                self._next += 1
            key = f"{self.prefix}-{n}"
            outcome = post_with_retries(
                self.server.url,
                DONATIONS,
                self.counter.payload(n),
                token=self.counter.token,
                key=key,
                tally=self.tally,
                deadline=self.deadline,
            )
            with self._lock:
                self.outcomes[key] = outcome

    def answered(self) -> int:
        with self._lock:
            return sum(1 for o in self.outcomes.values() if o.status is not None)

    def wait_answered(self, count: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while self.answered() < count:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    def finish(self) -> dict:
        self.finished.set()
        for thread in self._threads:
            thread.join()
        return self.outcomes


def assert_each_key_recorded_once_and_books_whole(world, counter, outcomes: dict):
    """Every key answered with its own donation, receipt numbers gapless per unit and year, and no
    donation, entry or receipt half-written."""
    unanswered = {key: o.seen for key, o in outcomes.items() if o.status not in (200, 201)}
    assert not unanswered, list(unanswered.items())[:5]
    keys = {f"api:{world.frank.pk}:{key}": o for key, o in outcomes.items()}
    donations = {d.idempotency_key: d for d in Donation.objects.select_related("receipt")}
    assert set(donations) == set(keys), "a key without its donation, or a donation without its key"
    for key, outcome in keys.items():
        assert (
            outcome.body["id"] == donations[key].pk and outcome.body["receipt_number"] == donations[key].receipt.number
        )

    for unit in counter.units:
        sequences = sorted(Receipt.objects.filter(unit=unit, year=counter.day.year).values_list("sequence", flat=True))
        assert sequences == list(range(1, len(sequences) + 1)), f"gap or duplicate at {unit.code}"
        assert Sequence.objects.get(scope="receipt", key=f"{unit.pk}:{counter.day.year}").value == len(sequences)
    assert Receipt.objects.values("number").distinct().count() == len(keys)

    # Nothing half-written: every donation has its two lines, its receipt and a posted entry whose
    # debits equal its credits and the donation's total; no entry of a donation is left over.
    assert not Donation.objects.annotate(n=Count("lines")).exclude(n=2).exists()
    assert Receipt.objects.count() == len(keys)
    entries = JournalEntry.objects.filter(source=Source.DONATION)
    assert entries.count() == len(keys) and not entries.exclude(status=EntryStatus.POSTED).exists()
    per_entry = JournalLine.objects.values("entry_id").annotate(d=Sum("debit"), c=Sum("credit"))
    totals = dict(Donation.objects.values_list("entry_id", "total"))
    assert {row["entry_id"]: (row["d"], row["c"]) for row in per_entry} == {e: (t, t) for e, t in totals.items()}
    for unit in counter.units:
        donated = DonationLine.objects.filter(donation__unit=unit).aggregate(s=Sum("amount"))["s"]
        receipts = JournalLine.objects.filter(unit=unit, account__role="receipt").aggregate(s=Sum("credit"))["s"]
        rollup = LedgerBalance.objects.filter(unit=unit, account__role="receipt").aggregate(s=Sum("credit"))["s"]
        available = FundPosition.objects.filter(unit=unit).aggregate(s=Sum("available"))["s"]
        assert donated == receipts == rollup == available, unit.code
    # The ledger's own consistency checks (entries balance per fund, rollups and fund positions equal
    # the lines), those the benchmark runs after posting.
    from bench.generate import check as ledger_check

    failed = [(name, detail) for name, passed, detail in ledger_check(world.alpha.pk) if not passed]
    assert not failed, failed


@pytest.mark.django_db(transaction=True)
def test_killed_workers_lose_no_donation_and_number_none_twice(world, counter, app_server):
    if not on_postgresql():
        return
    stream = Stream(app_server, counter, "kill", threads=4, at_least=200, seconds=150)
    kills = 0
    try:
        assert stream.wait_answered(20, timeout=90), app_server.log()
        while kills < 5:
            victim = app_server.worker_pids()[kills % 2]
            app_server.kill_worker(victim)
            kills += 1
            app_server.wait_workers(excluding={victim})
            stream.wait_answered(stream.answered() + 5, timeout=20)  # the new worker serves before the next kill
    finally:
        outcomes = stream.finish()
    tally = stream.tally

    assert "was sent SIGKILL" in app_server.log()
    # Some requests were cut off by the kills and sent again; none was answered 500.
    assert sum(tally.errors.values()) >= 1, (tally.errors, tally.statuses)
    assert 500 not in tally.statuses, app_server.log()
    assert_each_key_recorded_once_and_books_whole(world, counter, outcomes)


@pytest.fixture
def restartable(db):
    """The cluster to stop and start, decided before the server starts: None on SQLite (see
    ``on_postgresql``); a skip unless in CI or with ``FAULTS_RESTART_PG=1``."""
    if connection.vendor != "postgresql":
        return None
    if not IN_CI and os.environ.get("FAULTS_RESTART_PG") != "1":
        pytest.skip("stops the PostgreSQL server for everyone using it: set FAULTS_RESTART_PG=1 (CI always runs it)")
    from tests.faults import postgres

    return postgres.cluster_of_test_database()


@pytest.mark.django_db(transaction=True)
def test_a_database_restart_answers_503_and_the_app_recovers_by_itself(restartable, world, counter, app_server):
    if not on_postgresql():
        return
    from tests.faults import postgres

    cluster = restartable
    browser = Client()
    browser.force_login(world.frank)
    cookies = f"sessionid={browser.cookies['sessionid'].value}"
    probes: list[tuple[str, str, int | str, float, str, bytes]] = []  # phase, what, status, seconds, type, body
    phase = {"now": "before"}
    done = threading.Event()

    def probe():
        targets = [
            ("api", "/api/v1/donations?limit=1", {"Authorization": f"Bearer {counter.token}"}),
            ("page", "/", {"Cookie": cookies}),
        ]
        while not done.is_set():
            for what, path, headers in targets:
                before, started = phase["now"], time.monotonic()
                try:
                    status, response_headers, body = request(app_server.url, "GET", path, headers=headers, timeout=20)
                    kind = dict(response_headers).get("Content-Type", "")
                except OSError as exc:
                    status, kind, body = type(exc).__name__, "", b""
                if phase["now"] == before:  # a probe that crossed a stop or start tells nothing
                    probes.append((before, what, status, time.monotonic() - started, kind, body))
            time.sleep(0.1)

    prober = threading.Thread(target=probe)
    prober.start()
    stream = Stream(app_server, counter, "restart", threads=3, at_least=60, seconds=150)
    try:
        assert stream.wait_answered(15, timeout=60), app_server.log()
        # Both probes answered once before the stop: a first request still warming the server up
        # (the API's schema, the templates) would otherwise cross the whole outage and tell nothing.
        deadline = time.monotonic() + 60
        while {what for when, what, *_ in probes if when == "before"} != {"api", "page"}:
            assert time.monotonic() < deadline, probes
            time.sleep(0.1)
        pids_before = set(app_server.worker_pids())
        postgres.stop(cluster)
        phase["now"] = "down"
        time.sleep(4)
        phase["now"] = "starting"
        postgres.start(cluster)
        phase["now"] = "after"
        # The stream goes on once the server is back, with no restart of the app.
        assert stream.wait_answered(stream.answered() + 10, timeout=60), (stream.tally.statuses, app_server.log())
        time.sleep(1)
    finally:
        outcomes = stream.finish()
        done.set()
        prober.join()
        postgres.start(cluster)  # in case the test failed while the server was down
        connections.close_all()  # this process's connections died with the server
    tally = stream.tally

    down = [p for p in probes if p[0] == "down"]
    assert {what for _phase, what, *_ in down} == {"api", "page"}, probes
    for _phase, what, status, seconds, kind, body in down:
        assert status == 503, (what, status, body[:300])
        assert seconds < 10, f"{what} took {seconds:.1f} s to answer while the database was down"
        if what == "api":
            assert kind.startswith("application/json") and b'"code": "unavailable"' in body
        else:
            with translation.override("id"):
                assert kind.startswith("text/html") and _("Briefly unavailable").encode() in body
    after = [p for p in probes if p[0] == "after"]
    assert after and all(status == 200 for _p, _w, status, *_ in after[-4:]), after[-4:]
    # The donation stream met 503s (not 500s) during the outage and went on once the server was back.
    assert tally.statuses[503] >= 1 and 500 not in tally.statuses, (tally.statuses, tally.errors)
    assert set(app_server.worker_pids()) == pids_before, "a worker was restarted"
    assert_each_key_recorded_once_and_books_whole(world, counter, outcomes)


# --- the mail gateway down ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_messages_wait_while_the_gateway_is_down_and_each_goes_out_once_it_is_back(world, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    messages = [
        outbox.message_queue(
            actor=world.frank,
            unit=world.branch_a,
            channel=MessageChannel.EMAIL,
            recipient=f"donor{n}@example.id",
            subject=f"Bukti setor {n}",
            body="Terima kasih.",
        )
        for n in range(20)
    ]
    with mailgateway.MailGateway() as gateway:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", gateway.port
        settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
        settings.EMAIL_TIMEOUT = 1  # the hanging gateway: a send gives up after a second
        now = timezone.now()
        outages = [mailgateway.DOWN, mailgateway.DOWN, mailgateway.BUSY, mailgateway.BUSY, mailgateway.HANGING]
        rounds = 0

        def deliver_with_two_workers(at):
            results, errors = [], []

            def worker():
                try:
                    results.append(outbox.outbox_deliver(now=at))
                except BaseException as exc:
                    errors.append(exc)
                finally:
                    connections.close_all()

            threads = [threading.Thread(target=worker) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert not errors, errors
            return results

        for mode in outages:
            gateway.mode = mode
            deliver_with_two_workers(now)
            rounds += 1
            queued = Message.objects.filter(status=MessageStatus.QUEUED)
            assert queued.count() == 20 and gateway.received == [], mode
            now = min(queued.values_list("next_attempt_at", flat=True)) or now
        tried = list(Message.objects.filter(attempts__gt=0).values_list("pk", "last_error"))
        assert len(tried) >= 2 and all(error for _pk, error in tried), tried

        gateway.mode = mailgateway.UP
        while Message.objects.filter(status=MessageStatus.QUEUED).exists() and rounds < 20:
            deliver_with_two_workers(now)
            rounds += 1
            now += outbox.LONGEST_WAIT  # every message left is due by then
        assert not Message.objects.exclude(status=MessageStatus.SENT).exists()
        ids = [m["Message-ID"] for m in gateway.received]
        assert sorted(ids) == sorted(outbox.message_id(m) for m in messages), "a message lost or sent twice"
        assert sorted(m["To"] for m in gateway.received) == sorted(f"donor{n}@example.id" for n in range(20))
        assert all(m.attempts >= 2 for m in Message.objects.filter(pk__in=[pk for pk, _error in tried]))
