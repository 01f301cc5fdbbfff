"""``make bench``'s side-by-side figures: each measured in the same run as its reference.

    python -m bench.side_by_side [--database-url postgres://...] [--seconds 20] [--rounds 5]

On the generated database (``bench.generate``, any profile):

* **Donation posting over HTTP.** One gunicorn (sync workers, gunicorn's recommended
  ``2 x cores + 1`` unless ``--workers``) serves the product with ``bench.http_settings``,
  which adds ``POST /bench/insert/``: a bare Django view doing one ``INSERT``, on the same
  server, database and middleware. Locust (``bench/locust_http.py``, headless, as many users
  as twice the workers, on loopback) posts to it for ``--seconds``, then as long to
  ``POST /api/v1/donations`` (token auth, a new ``Idempotency-Key`` each time, a two-line
  donation that takes a receipt number and posts the ledger entry). Requests/s, p50 and p99 of
  both; afterwards every donation locust saw accepted is in the database.
* **Reports against DuckDB.** The consolidated Laporan Perubahan Dana and the collection
  dashboard (headline figures, tables by unit, fund, type, channel and month) for the whole
  institution over every generated year, timed (median of ``--rounds``, after one warm-up)
  against DuckDB computing the same figures from a Parquet export of the same data
  (``bench.analytics``); the figures must be equal, or the run fails.
* **Worker memory.** A one-worker gunicorn serves the Perubahan Dana page and the collection
  reports page for the whole institution over every year; the worker's peak resident memory
  (``VmHWM``, reset first) against its resident memory before them (``bench.http_urls``'
  ``/bench/rss/``).

Writes ``RESULTS_DIR/side_by_side.json`` for ``bench.report``.
"""

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

from bench.generate import DEFAULT_URL, INSTITUTION_CODE, RESULTS_DIR, YEAR, log, setup_django

ROOT = Path(__file__).resolve().parent.parent
DONATION_DATE = date(YEAR + 1, 1, 20)  # after the generated years: their reports do not move
HTTP_TARGET = 0.5  # donation posting at least half the bare endpoint's speed
ANALYTICS_TARGET = 2.0  # at most twice DuckDB's time
MEMORY_TARGET = 1.5  # the worker's peak at most 1.5 x its size before the reports


# --- the institution's users and what the requests need -----------------------------------------------


def prepare():
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    from bench.generate import generated_years
    from satuatap.api.services import api_token_create
    from satuatap.donors.models import Donor
    from satuatap.organizations.models import Membership, Role, Unit, UnitKind
    from satuatap.organizations.permissions import forget_memberships

    root = Unit.objects.filter(code=INSTITUTION_CODE, depth=1).first()
    if root is None:
        raise SystemExit("no benchmark data: run `make bench` or python -m bench.generate first")
    User = get_user_model()
    users = {}
    # Front office may record donations (not a role that must use two-factor sign-in); the auditor reads.
    for name, role in (("bench-poster", Role.FRONT_OFFICE), ("bench-auditor", Role.AUDITOR)):
        user, _created = User.objects.get_or_create(username=name, defaults={"full_name": name})
        Membership.objects.get_or_create(user=user, unit=root, role=role, defaults={"is_active": True})
        forget_memberships(user)
        users[name] = User.objects.get(pk=user.pk)
    _token, key = api_token_create(actor=users["bench-poster"], name=f"bench {datetime.now(UTC):%Y-%m-%d %H:%M}")
    session = SessionStore()
    auditor = users["bench-auditor"]
    session[SESSION_KEY] = str(auditor.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = auditor.get_session_auth_hash()
    session.create()
    donor = Donor.objects.filter(institution=root).order_by("pk").first()
    if donor is None:
        raise SystemExit("no benchmark donors: run python -m bench.donors_generate first")
    units = list(
        Unit.objects.filter(institution=root, kind__in=[UnitKind.BRANCH, UnitKind.SERVICE]).values_list("pk", flat=True)
    )
    first, last = generated_years(root.pk)
    return SimpleNamespace(
        root=root,
        poster=users["bench-poster"],
        auditor=auditor,
        token=key,
        session=session.session_key,
        donor=donor.pk,
        units=units,
        first=date(first, 1, 1),
        last=date(min(last, YEAR), 12, 31),
    )


def _get(url: str, session: str | None = None, timeout: float = 600) -> tuple[int, bytes, float]:
    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={session}"} if session else {})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - loopback only
            return response.status, response.read(), time.perf_counter() - started
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), time.perf_counter() - started


def _post_json(url: str, body: dict, headers: dict) -> int:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json", **headers}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback only
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


# --- donation posting over HTTP ----------------------------------------------------------------------


def _locust(url: str, target: str, ctx, *, users: int, seconds: int, prefix: Path) -> dict:
    env = dict(
        os.environ,
        BENCH_TARGET=target,
        BENCH_TOKEN=ctx.token,
        BENCH_UNITS=",".join(str(u) for u in ctx.units),
        BENCH_DONOR=str(ctx.donor),
        BENCH_DATE=DONATION_DATE.isoformat(),
        BENCH_RECORD=f"{prefix}_accepted.txt",
    )
    command = [
        *(sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locust_http.py"), "--headless"),
        *("-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--host", url, "--csv", str(prefix)),
        *("--only-summary", "--stop-timeout", "10", "--loglevel", "WARNING"),
    ]
    subprocess.run(command, cwd=ROOT, env=env, check=False, capture_output=True)
    with open(f"{prefix}_stats.csv", newline="") as stats:
        row = next(r for r in csv.DictReader(stats) if r["Name"] == "Aggregated")
    requests = int(row["Request Count"])
    failures = int(row["Failure Count"])
    return {
        "requests": requests,
        "failures": failures,
        "rps": float(row["Requests/s"]),
        "ok_rps": float(row["Requests/s"]) - float(row["Failures/s"]),
        "p50_ms": float(row["50%"]),
        "p99_ms": float(row["99%"]),
        "seconds": seconds,
    }


def http_figures(ctx, *, database_url: str, seconds: int, workers: int | None) -> dict:
    from django.db import connection

    from bench.http_views import CREATE_TABLE
    from satuatap.collection.models import Donation
    from tests.load.server import Server

    with connection.cursor() as cursor:
        cursor.execute(CREATE_TABLE)
    out = RESULTS_DIR / "http"
    out.mkdir(parents=True, exist_ok=True)
    started = datetime.now(UTC)
    with Server(
        database_url=database_url, workers=workers, settings="bench.http_settings", log=out / "gunicorn.log"
    ) as server:
        users = 2 * server.workers
        log(f"gunicorn: {server.workers} sync workers at {server.url}; locust: {users} users, {seconds} s each")
        # Warm every worker (imports, the chart cache, connections) before measuring.
        auth = {"Authorization": f"Bearer {ctx.token}"}
        for i in range(6 * server.workers):
            _post_json(server.url + "/bench/insert/", {"key": f"warm-{i}", "amount": 1}, {})
            body = {
                "unit_id": ctx.units[i % len(ctx.units)],
                "donor_id": ctx.donor,
                "donation_date": DONATION_DATE.isoformat(),
                "channel": "cash",
                "lines": [{"kind": "infak", "amount": 10_000}],
            }
            status = _post_json(
                server.url + "/api/v1/donations", body, {**auth, "Idempotency-Key": f"warm-{i}-{started}"}
            )
            if status != 201:
                raise SystemExit(
                    f"POST /api/v1/donations answered {status} while warming up: see {out / 'gunicorn.log'}"
                )
        bare = _locust(server.url, "insert", ctx, users=users, seconds=seconds, prefix=out / "insert")
        log(
            f"bare INSERT endpoint: {bare['ok_rps']:.0f} requests/s, p50 {bare['p50_ms']:.0f} ms, "
            f"p99 {bare['p99_ms']:.0f} ms"
        )
        donation = _locust(server.url, "donation", ctx, users=users, seconds=seconds, prefix=out / "donation")
        log(
            f"POST /api/v1/donations: {donation['ok_rps']:.0f} requests/s, p50 {donation['p50_ms']:.0f} ms, "
            f"p99 {donation['p99_ms']:.0f} ms, {donation['failures']} failed"
        )
        workers = server.workers
    given = {int(line) for line in (out / "donation_accepted.txt").read_text().split()}
    saved = set(
        Donation.objects.filter(idempotency_key__startswith=f"api:{ctx.poster.pk}:", created_at__gte=started)
        .exclude(idempotency_key__contains=":warm-")
        .values_list("pk", flat=True)
    )
    accepted, recorded = len(given), len(saved)
    # Every donation the API accepted is saved; answers still in flight at the deadline may be saved too.
    consistent = given <= saved and recorded - accepted <= users
    counted = donation["requests"] - donation["failures"]
    log(f"donations accepted by the API: {accepted:,} (locust counted {counted:,}); in the database: {recorded:,}")
    return {
        "workers": workers,
        "users": users,
        "bare": bare,
        "donation": donation,
        "accepted": accepted,
        "recorded": recorded,
        "consistent": consistent,
    }


# --- reports against DuckDB ----------------------------------------------------------------------


def _timed(function, rounds: int) -> tuple[float, object]:
    """Median seconds of ``rounds`` calls after a warm-up one (caches, plans, the page cache); a
    function whose warm-up took over 30 s is timed once more only."""
    started = time.perf_counter()
    function()
    if time.perf_counter() - started > 30:
        rounds = 1
    times, result = [], None
    for _ in range(rounds):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def analytics_figures(ctx, *, rounds: int) -> dict:
    from bench import analytics
    from satuatap.ledger.selectors import MonthRange

    folder = RESULTS_DIR / "parquet"
    exported = analytics.export(ctx.root.pk, folder)
    duck = analytics.connect(folder)
    period = MonthRange(ctx.first.year, 1, ctx.last.year, 12)
    figures = {"export": exported, "period": [ctx.first.isoformat(), ctx.last.isoformat()]}
    cases = {
        "changes_in_funds": (
            lambda: analytics.ours_changes_in_funds(ctx.auditor, ctx.root, period),
            lambda: analytics.duck_changes_in_funds(duck, ctx.root.path, ctx.first, ctx.last),
        ),
        "collection": (
            lambda: analytics.ours_collection(ctx.auditor, ctx.root, ctx.first, ctx.last),
            lambda: analytics.duck_collection(duck, ctx.root.path, ctx.first, ctx.last),
        ),
    }
    for name, (ours, theirs) in cases.items():
        ours_seconds, ours_figures = _timed(ours, rounds)
        duck_seconds, duck_figures = _timed(theirs, rounds)
        diff = analytics.differences(ours_figures, duck_figures)
        log(
            f"{name}: ours {ours_seconds * 1e3:.0f} ms, DuckDB {duck_seconds * 1e3:.0f} ms, "
            f"{len(ours_figures)} figures, {'equal' if not diff else 'DIFFERENT: ' + '; '.join(diff)}"
        )
        figures[name] = {
            "ours_seconds": ours_seconds,
            "duckdb_seconds": duck_seconds,
            "figures": len(ours_figures),
            "equal": not diff,
            "differences": diff,
        }
    duck.close()
    return figures


# --- worker memory during the big reports ---------------------------------------------------------


def _rss(url: str, reset: bool = False) -> dict:
    status, body, _seconds = _get(url + "/bench/rss/" + ("?reset=1" if reset else ""))
    assert status == 200, status
    return json.loads(body)


def memory_figures(ctx, *, database_url: str) -> dict:
    from satuatap.organizations.models import Unit, UnitKind
    from tests.load.server import Server

    out = RESULTS_DIR / "http"
    out.mkdir(parents=True, exist_ok=True)
    branch = Unit.objects.filter(institution=ctx.root, kind=UnitKind.BRANCH).order_by("path").first()
    first, last = ctx.first, ctx.last

    def pages(unit_id: int) -> list[str]:
        return [
            f"/ledger/reports/changes-in-funds/?unit={unit_id}&start={first:%Y-%m}&end={last:%Y-%m}&consolidated=on",
            f"/collection/reports/?unit={unit_id}&start={first}&end={last}",
            *(f"/collection/reports/?unit={unit_id}&start={first}&end={last}&report={t}" for t in ("units", "months")),
        ]

    with Server(
        database_url=database_url, workers=1, settings="bench.http_settings", log=out / "gunicorn-rss.log"
    ) as s:
        for page in pages(branch.pk):  # warm-up: every module, template and query plan of these pages
            status, _body, _seconds = _get(s.url + page, ctx.session)
            if status != 200:
                raise SystemExit(f"{page} answered {status}: see {out / 'gunicorn-rss.log'}")
        before = _rss(s.url, reset=True)
        timings = {}
        for page in pages(ctx.root.pk):
            status, body, seconds = _get(s.url + page, ctx.session)
            if status != 200 or b"errorlist" in body:
                raise SystemExit(f"{page} answered {status} (or a form error): see {out / 'gunicorn-rss.log'}")
            timings[page] = seconds
        after = _rss(s.url)
    assert after["pid"] == before["pid"], "the worker was replaced during the measurement"
    log(
        f"worker memory: {before['VmRSS'] / 2**20:.0f} MiB before the reports, peak {after['VmHWM'] / 2**20:.0f} MiB "
        f"during them ({', '.join(f'{t:.1f} s' for t in timings.values())})"
    )
    return {"before": before["VmRSS"], "peak": after["VmHWM"], "pages": timings}


# --- main ----------------------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.side_by_side", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URL)
    parser.add_argument("--seconds", type=int, default=20, help="locust run per endpoint (default 20)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default 2 x cores + 1)")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per report (median; default 5)")
    parser.add_argument("--only", choices=["http", "analytics", "memory"], action="append", help="run only these")
    args = parser.parse_args(argv)
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("the benchmark needs PostgreSQL: set BENCH_DATABASE_URL=postgres://...")
    os.environ["DEBUG"] = "0"
    setup_django(args.database_url)
    from django.db import connection

    ctx = prepare()
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version')")
        server = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM ledger_journalline l JOIN ledger_journalentry e ON e.id = l.entry_id "
            "WHERE e.institution_id = %s AND l.entry_date BETWEEN %s AND %s",
            [ctx.root.pk, ctx.first, ctx.last],
        )
        lines = cursor.fetchone()[0]
    only = set(args.only or ["http", "analytics", "memory"])
    results_path = RESULTS_DIR / "side_by_side.json"
    results = json.loads(results_path.read_text()) if args.only and results_path.exists() else {}
    results["meta"] = {
        "server": server,
        "lines": lines,
        "years": [ctx.first.year, ctx.last.year],
        "cores": os.cpu_count(),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    if "analytics" in only:
        results["analytics"] = analytics_figures(ctx, rounds=args.rounds)
    if "memory" in only:
        results["memory"] = memory_figures(ctx, database_url=args.database_url)
    if "http" in only:
        results["http"] = http_figures(ctx, database_url=args.database_url, seconds=args.seconds, workers=args.workers)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    results_path.write_text(json.dumps(results, indent=2))
    failed = []
    if "analytics" in results and not all(results["analytics"][k]["equal"] for k in ("changes_in_funds", "collection")):
        failed.append("the reports and DuckDB disagree")
    if "http" in results and not results["http"]["consistent"]:
        failed.append("the donations accepted over HTTP and those in the database differ")
    for reason in failed:
        log(f"FAILED: {reason}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
