"""The service desk over HTTP under load: 50 units x 400 tickets a day through the API, with
locust: ticket take p95 < 100 ms, a call on its display board within 1 s p95, no ticket called twice.

    python -m bench.servicedesk_http --database-url postgres://postgres@127.0.0.1:5432/bench_sd_http \
        [--seconds 60] [--scale 1] [--speedup 10] [--workers N] [--json var/bench/servicedesk_http.json]

On its own database (created and migrated if missing; never the ledger benchmark's): an institution
``BSDH`` with a parent office and ``max(2, 50 x scale)`` units below it, each open all week round the
clock (so the run never meets a closed office), with one service ``ZIS`` at the queue (line A) and
four counters serving it; a front-office clerk at the parent with an API token. Earlier runs'
tickets are removed first. One gunicorn (``tests.load.server.Server``, sync workers, 2 x cores + 1)
serves the product on 127.0.0.1; locust (``bench/locust_servicedesk.py``) runs headless for
``--seconds``: a kiosk per unit taking tickets at ``400 x speedup`` a unit per eight-hour day, a
clerk per counter calling next, starting and finishing, a display board per unit polling the feed
every 0.5 s and timing each call from its event to the board. Afterwards the database is asked
whether any ticket was called (event ``called``) more than once, and locust's record of what each
counter was given is checked the same way. Prints the figures against the targets and exits 1 when
one is missed. The queue endpoints are the queue area's (``satuatap/servicedesk/queue/api.py``).
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from collections import Counter as Tally
from datetime import time as clock
from pathlib import Path

from bench.generate import RESULTS_DIR, log, setup_django

ROOT = Path(__file__).resolve().parent.parent
CODE = "BSDH"
TAKE_TARGET_MS, BOARD_TARGET_MS = 100.0, 1000.0


def world(units: int) -> dict:
    """The institution (built once), today's tickets removed, and what locust needs."""
    from django.contrib.auth import get_user_model

    from satuatap.api.services import api_token_create
    from satuatap.organizations.models import Membership, OpeningPeriod, Role, Unit, UnitKind
    from satuatap.organizations.services import institution_create
    from satuatap.servicedesk.models import Counter, LineDay, QueueLine, QueueTicket, Service, TicketEvent

    User = get_user_model()
    root = Unit.objects.filter(code=CODE, depth=1).first()
    if root is None:
        admin = User.objects.create_user(username="bench-sdh-admin", full_name="Benchmark administrator")
        root = institution_create(actor=None, first_admin=admin, name="Layanan HTTP (benchmark)", code=CODE)
        tree = [{
            "data": {"kind": UnitKind.REGION, "name": "Wilayah Antrean", "code": "WA", "institution": root.pk},
            "children": [{"data": {"kind": UnitKind.SERVICE, "name": f"Loket Layanan {n:02d}", "code": f"LL{n:02d}",
                                   "institution": root.pk}} for n in range(1, units + 1)],
        }]  # fmt: skip
        Unit.objects.load_bulk(tree, parent=root, bulk_create=True)
        parent = Unit.objects.get(institution=root, code="WA")
        for unit in Unit.objects.filter(path__startswith=parent.path, depth=parent.depth + 1):
            OpeningPeriod.objects.bulk_create(
                [
                    OpeningPeriod(unit=unit, schedule="office", weekday=d, opens=clock(0, 0), closes=clock(23, 59, 59))
                    for d in range(7)
                ]  # fmt: skip
            )
            service = Service.objects.create(unit=unit, code="ZIS", name="Pembayaran zakat")
            line = QueueLine.objects.create(unit=unit, prefix="A", name="Zakat")
            line.services.set([service])
            for number in range(1, 5):
                Counter.objects.create(unit=unit, number=number).services.set([service])
        clerk = User.objects.create_user(username="bench-sdh-clerk", full_name="Petugas loket")
        Membership.objects.create(user=clerk, unit=parent, role=Role.FRONT_OFFICE, is_active=True)
    parent = Unit.objects.get(institution=root, code="WA")
    children = list(Unit.objects.filter(path__startswith=parent.path, depth=parent.depth + 1).order_by("path"))
    if len(children) != units:
        raise SystemExit(f"the database holds {len(children)} units, not {units}: drop it to change the scale")
    TicketEvent.objects.filter(unit__in=children).delete()
    QueueTicket.objects.filter(unit__in=children).delete()
    LineDay.objects.filter(line__unit__in=children).delete()
    Counter.objects.filter(unit__in=children).update(status="closed")
    clerk = User.objects.get(username="bench-sdh-clerk")
    _token, key = api_token_create(actor=clerk, name=f"bench {time.time():.0f}")
    return {
        "token": key,
        "units": [
            {
                "institution": CODE,
                "code": unit.code,
                "services": [{"id": s.pk, "code": s.code} for s in Service.objects.filter(unit=unit)],
                "counters": list(Counter.objects.filter(unit=unit).order_by("number").values_list("pk", flat=True)),
            }
            for unit in children
        ],
        "unit_ids": [u.pk for u in children],
    }


def _stats(prefix: Path) -> dict:
    rows = {}
    with open(f"{prefix}_stats.csv", newline="") as stats:
        for row in csv.DictReader(stats):
            rows[row["Name"]] = row
    return rows


def _figure(rows: dict, name: str, column: str) -> float | None:
    row = rows.get(name)
    return float(row[column]) if row and row.get(column) not in (None, "", "N/A") else None


def run(args) -> dict:
    from django.core.management import call_command
    from django.db import connection

    from tests.load.server import Server, warm_up

    units = max(2, round(50 * args.scale))
    call_command("migrate", verbosity=0, interactive=False)
    config = world(units)
    out = RESULTS_DIR / "servicedesk"
    out.mkdir(parents=True, exist_ok=True)
    config_path, record = out / "world.json", out / "called.jsonl"
    config_path.write_text(json.dumps({**config, "speedup": args.speedup, "poll": 0.5, "per_day": 400}))
    with Server(
        database_url=args.database_url,
        workers=args.workers,
        settings="bench.servicedesk_http_settings",
        log=out / "gunicorn.log",
    ) as server:
        users = 2 * units + 4 * units
        log(f"gunicorn: {server.workers} workers at {server.url}; locust: {users} users for {args.seconds} s")
        # Warm every worker (imports, connections) before measuring: a cold worker's first answer takes seconds.
        first = config["units"][0]
        board = f"/api/v1/servicedesk/public/units/{first['institution']}/{first['code']}/display"
        staff = ("/api/v1/servicedesk/counters", {"Authorization": f"Bearer {config['token']}"})
        warm_up(server.url, [(board, {}), staff] * 3, concurrency=2 * server.workers)
        env = dict(os.environ, BENCH_SD_CONFIG=str(config_path), BENCH_SD_RECORD=str(record))
        command = [
            *(sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locust_servicedesk.py"), "--headless"),
            *("-u", str(users), "-r", str(max(users // 5, 1)), "-t", f"{args.seconds}s", "--host", server.url),
            *("--csv", str(out / "locust"), "--only-summary", "--stop-timeout", "10", "--loglevel", "WARNING"),
        ]
        with open(out / "locust.log", "wb") as locust_log:
            subprocess.run(command, cwd=ROOT, env=env, check=False, stdout=locust_log, stderr=subprocess.STDOUT)
    rows = _stats(out / "locust")
    given = [json.loads(line) for line in record.read_text().splitlines() if line.strip()] if record.exists() else []
    twice_locust = [t for t, n in Tally(str(g["ticket"]) for g in given).items() if n > 1]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT ticket_id FROM servicedesk_ticketevent WHERE kind = 'called' "
            "AND unit_id = ANY(%s) GROUP BY ticket_id HAVING count(*) > 1) twice",
            [config["unit_ids"]],
        )
        twice_db = cursor.fetchone()[0]
        cursor.execute("SELECT count(*), count(called_at) FROM servicedesk_queueticket WHERE unit_id = ANY(%s)",
                       [config["unit_ids"]])  # fmt: skip
        taken, called = cursor.fetchone()
    return {
        "units": units,
        "seconds": args.seconds,
        "speedup": args.speedup,
        "take_requests": int(_figure(rows, "take", "Request Count") or 0),
        "take_failures": int(_figure(rows, "take", "Failure Count") or 0),
        "take_p95_ms": _figure(rows, "take", "95%"),
        "next_p95_ms": _figure(rows, "next", "95%"),
        "display_p95_ms": _figure(rows, "display", "95%"),
        "board_calls_seen": int(_figure(rows, "call-to-board", "Request Count") or 0),
        "board_p95_ms": _figure(rows, "call-to-board", "95%"),
        "failures": int(_figure(rows, "Aggregated", "Failure Count") or 0),
        "tickets_in_database": taken,
        "tickets_called": called,
        "called_twice_database": twice_db,
        "called_twice_locust": len(twice_locust),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.servicedesk_http", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="postgres://... (its own database)")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--scale", type=float, default=1.0, help="units: max(2, 50 x scale)")
    parser.add_argument("--speedup", type=float, default=10.0, help="the office day this many times faster")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default 2 x cores + 1)")
    parser.add_argument("--json", help="write the figures here")
    args = parser.parse_args(argv)
    if args.database_url.rstrip("/").endswith("/bench"):
        raise SystemExit("use a database of its own, not the ledger benchmark's (e.g. .../bench_sd_http)")
    from bench.servicedesk_figures import ensure_database

    ensure_database(args.database_url, False)
    setup_django(args.database_url)
    f = run(args)

    def shown(value) -> str:
        return "—" if value is None else f"{value:.0f} ms"

    take_ok = f["take_p95_ms"] is not None and f["take_p95_ms"] < TAKE_TARGET_MS and f["take_requests"] > 0
    board_ok = f["board_p95_ms"] is not None and f["board_p95_ms"] < BOARD_TARGET_MS
    twice_ok = f["called_twice_database"] == 0 and f["called_twice_locust"] == 0 and f["tickets_called"] > 0
    print(
        f"\nService desk over HTTP: {f['units']} units x 400 tickets a day x {f['speedup']:g} for {f['seconds']} s "
        f"(kiosks, {4 * f['units']} counters, {f['units']} display boards)\n"
        f"  take a ticket p95:       {shown(f['take_p95_ms']):>8}  target < 100 ms  {'ok' if take_ok else 'MISSED'} "
        f"({f['take_requests']:,} taken, {f['take_failures']:,} failed)\n"
        f"  call to its board p95:   {shown(f['board_p95_ms']):>8}  target < 1 s    {'ok' if board_ok else 'MISSED'} "
        f"({f['board_calls_seen']:,} calls seen; board poll p95 {shown(f['display_p95_ms'])})\n"
        f"  tickets called twice:    {f['called_twice_database']} in the database, {f['called_twice_locust']} seen by "
        f"the counters; {f['tickets_called']:,} of {f['tickets_in_database']:,} tickets called  "
        f"{'ok' if twice_ok else 'MISSED'}\n",
        flush=True,
    )
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(f, indent=2))
    return 0 if take_ok and board_ok and twice_ok else 1


if __name__ == "__main__":
    sys.exit(main())
