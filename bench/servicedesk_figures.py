"""The service desk's weekly figures over a year of tickets: one unit and a 50-unit parent, each
under 1 s, with the percentiles checked against DuckDB.

    python -m bench.servicedesk_figures --database-url postgres://postgres@127.0.0.1:5432/bench_sd [--scale 1]

The database is the benchmark's own (created and migrated if missing; never the ledger benchmark's
``bench``): an institution ``BSD`` with a parent office (``Wilayah Layanan``) and 50 service units
below it (``--scale`` scales the units, ``max(2, 50 x scale)``, and the tickets a day,
``max(4, 400 x scale)``), each with three services and their published standards (10, 20 and 15
minutes at the counter), a queue line, four counters with an officer each. A year (2025) of
tickets, ``units x tickets a day x 365`` (about 7.3 million at scale 1), goes in with one
``INSERT ... SELECT`` from ``generate_series`` per month with the table's indexes and unique
constraints dropped and the foreign-key triggers off (``session_replication_role = replica``), then
the indexes are built again and the table analysed; waiting and service times are drawn from
exponential distributions (median about 9 and 6 minutes), 6% no-shows, 2% cancelled. Requests
(10 a day a unit, due after 3 days, most on time) and appointments (20 a day a unit) go in the same
way. The data is generated once per scale (``--recreate`` to build it again).

Then the Friday evaluation (``week_evaluation``: the week by day, service, counter and child unit,
and the nine weeks' history) of the last full week of 2025 is timed for one unit and for the
parent (median of ``--rounds`` after one warm-up), against the 1 s target; and the week's figures by
day and the nine weeks' waiting p90 are computed again by DuckDB from a CSV export of the same
tickets: they must be equal (to a millisecond), or the run fails. ``--json`` writes the figures.
"""

import argparse
import csv
import json
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bench.generate import _admin_url, log, setup_django

CODE = "BSD"
YEAR = 2025
UNITS, PER_DAY = 50, 400
TARGET = 1.0
WEEK = date(2025, 12, 22)  # the last full ISO week of 2025 (W52)
SERVICES = [("ZIS", "Pembayaran zakat", 10), ("KONS", "Konsultasi zakat", 20), ("BANTU", "Permohonan bantuan", 15)]


def sizes(scale: float) -> tuple[int, int]:
    if not 0 < scale <= 10:
        raise SystemExit("--scale must be in (0, 10]")
    return max(2, round(UNITS * scale)), max(4, round(PER_DAY * scale))


# --- the offices ------------------------------------------------------------------------------------


def build(units: int, per_day: int):
    from django.contrib.auth import get_user_model

    from satuatap.organizations.models import Membership, Role, Unit, UnitKind
    from satuatap.organizations.services import institution_create
    from satuatap.servicedesk.models import Counter, QueueLine, Service, ServiceStandard

    User = get_user_model()
    admin = User.objects.create_user(username="bench-sd-admin", full_name="Benchmark administrator")
    root = institution_create(actor=None, first_admin=admin, name="Layanan Satu Atap (benchmark)", code=CODE,
                              legal_name="Yayasan Layanan Benchmark")  # fmt: skip
    tree = [{
        "data": {"kind": UnitKind.REGION, "name": "Wilayah Layanan", "code": "WL", "institution": root.pk},
        "children": [
            {"data": {"kind": UnitKind.SERVICE, "name": f"Unit Layanan {n:02d}", "code": f"UL{n:02d}",
                      "institution": root.pk}}
            for n in range(1, units + 1)
        ],
    }]  # fmt: skip
    Unit.objects.load_bulk(tree, parent=root, bulk_create=True)
    parent = Unit.objects.get(institution=root, code="WL")
    children = list(Unit.objects.filter(path__startswith=parent.path, depth=parent.depth + 1).order_by("path"))
    Membership.objects.get_or_create(user=admin, unit=parent, role=Role.HEAD, defaults={"is_active": True})
    for unit in children:
        services = [Service.objects.create(unit=unit, code=code, name=name) for code, name, _m in SERVICES]
        for service, (_c, _n, minutes) in zip(services, SERVICES, strict=True):
            ServiceStandard.objects.create(service=service, version=1, status="published",
                                           effective_from=date(YEAR - 1, 1, 1), service_minutes=minutes)  # fmt: skip
        line = QueueLine.objects.create(unit=unit, prefix="A", name="Umum")
        line.services.set(services)
        for number in range(1, 5):
            officer = User.objects.create_user(username=f"bench-sd-{unit.code.lower()}-{number}")
            counter = Counter.objects.create(unit=unit, number=number, officer=officer)
            counter.services.set(services)
    log(f"offices: a parent and {len(children)} units, each with 3 services, a line and 4 counters")
    return parent, children


def _table_indexes(cursor, table: str) -> tuple[list[str], list[tuple[str, str]]]:
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
        "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
        [table, table],
    )
    indexes = cursor.fetchall()
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'u'",
        [table],
    )
    return indexes, cursor.fetchall()


def _bulk(cursor, table: str, statements: list[tuple[str, list]], label: str) -> None:
    """Run ``statements`` into ``table`` with its secondary indexes, unique constraints and foreign-key
    triggers off, then build them again."""
    indexes, uniques = _table_indexes(cursor, table)
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    for name, _definition in uniques:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    cursor.execute("SET session_replication_role = replica")
    for index, (sql, params) in enumerate(statements, start=1):
        started = time.monotonic()
        cursor.execute(sql, params)
        log(f"{label}: part {index}/{len(statements)}, {cursor.rowcount:,} rows in {time.monotonic() - started:.1f} s")
    cursor.execute("SET session_replication_role = DEFAULT")
    started = time.monotonic()
    for name, definition in uniques:
        cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    for _name, definition in indexes:
        cursor.execute(definition)
    cursor.execute(f"ANALYZE {table}")
    log(f"{label}: indexes built again and analysed in {time.monotonic() - started:.1f} s")


def generate(parent, children, per_day: int) -> None:
    from django.db import connection

    from satuatap.servicedesk.models import Counter, QueueLine, Service, ServiceStandard

    rows = []
    for position, unit in enumerate(children):
        services = list(Service.objects.filter(unit=unit).order_by("pk").values_list("pk", flat=True))
        standards = list(ServiceStandard.objects.filter(service__unit=unit).order_by("service_id")
                         .values_list("pk", flat=True))  # fmt: skip
        counters = list(Counter.objects.filter(unit=unit).order_by("number").values_list("pk", "officer_id"))
        line = QueueLine.objects.get(unit=unit).pk
        rows.append((position, unit.pk, line, *services, *standards, *[x for pair in counters for x in pair]))
    values = ", ".join(["(" + ", ".join(["%s"] * len(rows[0])) + ")"] * len(rows))
    flat = [value for row in rows for value in row]
    offices = (
        f"offices(pos, unit_id, line_id, s1, s2, s3, st1, st2, st3, c1, o1, c2, o2, c3, o3, c4, o4) AS "
        f"(VALUES {values})"
    )
    # Every draw in one place per row: r1 service, r2 outcome, r3 waiting, r4 service time, r5 counter.
    tickets = f"""
        WITH {offices},
        drawn AS (
            SELECT o.*, d::date AS day, n, random() r1, random() r2, random() r3, random() r4, random() r5,
                (d::date + time '08:00' + n * (480.0 / %s) * interval '1 minute') AT TIME ZONE 'Asia/Jakarta' AS taken
            FROM offices o, generate_series(%s::date, %s::date, interval '1 day') d, generate_series(1, %s) n
        ),
        shaped AS (
            SELECT *, CASE WHEN r2 < 0.02 THEN 'cancelled' WHEN r2 < 0.08 THEN 'no_show' ELSE 'done' END AS status,
                -ln(1 - r3) * 13 * interval '1 minute' AS waited,
                (60 + (-ln(1 - r4) * 8.5) * 60) * interval '1 second' AS served_for,
                CASE WHEN r5 < 0.25 THEN 1 WHEN r5 < 0.5 THEN 2 WHEN r5 < 0.75 THEN 3 ELSE 4 END AS k
            FROM drawn
        )
        INSERT INTO servicedesk_queueticket (unit_id, line_id, service_id, day, number, code, status, priority,
            source, taken_at, wait_from, counter_id, officer_id, called_at, calls, started_at, finished_at, outcome,
            outcome_note, no_show_at, calls_since_no_show, notify_channel, notify_to)
        SELECT unit_id, line_id, CASE WHEN r1 < 0.5 THEN s1 WHEN r1 < 0.8 THEN s2 ELSE s3 END, day, n,
            'B' || to_hex(pos * 1000000 + (day - %s::date) * 2000 + n) || 'Q', status, '', 'kiosk', taken, taken,
            CASE WHEN status = 'cancelled' THEN NULL
                WHEN k = 1 THEN c1 WHEN k = 2 THEN c2 WHEN k = 3 THEN c3 ELSE c4 END,
            CASE WHEN status = 'cancelled' THEN NULL
                WHEN k = 1 THEN o1 WHEN k = 2 THEN o2 WHEN k = 3 THEN o3 ELSE o4 END,
            CASE WHEN status = 'cancelled' THEN NULL ELSE taken + waited END,
            CASE WHEN status = 'cancelled' THEN 0 WHEN status = 'no_show' THEN 3 ELSE 1 END,
            CASE WHEN status = 'done' THEN taken + waited + interval '20 seconds' END,
            CASE WHEN status = 'done' THEN taken + waited + interval '20 seconds' + served_for END,
            CASE WHEN status = 'done' THEN 'served' ELSE '' END, '',
            CASE WHEN status = 'no_show' THEN taken + waited + interval '4 minutes' END, 0, '', ''
        FROM shaped
    """
    months = []
    for month in range(1, 13):
        first = date(YEAR, month, 1)
        last = (date(YEAR + (month == 12), month % 12 + 1, 1)) - timedelta(days=1)
        months.append((tickets, [*flat, per_day, first, last, per_day, date(YEAR, 1, 1)]))
    requests = f"""
        WITH {offices}
        INSERT INTO servicedesk_servicerequest (unit_id, service_id, standard_id, code, channel, applicant_name,
            applicant_phone, applicant_email, details, transcript, status, reject_reason, notify, received_at, due_at,
            finished_at, handed_to, handed_to_note)
        SELECT unit_id, s3, st3, 'R' || to_hex(pos * 100000 + (d::date - %s::date) * 20 + n) || 'Q', 'counter',
            'Pemohon', '', '', '', '', CASE WHEN r < 0.97 THEN 'handed_over' ELSE 'processed' END, '', false,
            received, received + interval '3 days',
            CASE WHEN r < 0.97 THEN received + r * 3.6 * interval '1 day' END, '', ''
        FROM (SELECT o.*, d, n, random() r,
                (d::date + time '09:00' + n * 20 * interval '1 minute') AT TIME ZONE 'Asia/Jakarta' received
              FROM offices o, generate_series(%s::date, %s::date, interval '1 day') d, generate_series(1, %s) n) x
    """
    appointments = f"""
        WITH {offices}
        INSERT INTO servicedesk_appointment (unit_id, service_id, code, slot_start, slot_end, name, phone, email,
            note, status, booked_at)
        SELECT unit_id, s2, 'J' || to_hex(pos * 100000 + (d::date - %s::date) * 40 + n) || 'Q', slot,
            slot + interval '30 minutes', 'Tamu', '', '', '',
            CASE WHEN r < 0.05 THEN 'cancelled' WHEN r < 0.15 THEN 'no_show' ELSE 'checked_in' END,
            slot - interval '2 days'
        FROM (SELECT o.*, d, n, random() r,
                (d::date + time '08:00' + (n / 4) * 30 * interval '1 minute') AT TIME ZONE 'Asia/Jakarta' slot
              FROM offices o, generate_series(%s::date, %s::date, interval '1 day') d, generate_series(1, %s) n) x
    """
    year = [date(YEAR, 1, 1), date(YEAR, 1, 1), date(YEAR, 12, 31)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.2025)")
        _bulk(cursor, "servicedesk_queueticket", months, "tickets")
        _bulk(cursor, "servicedesk_servicerequest", [(requests, [*flat, *year, 10])], "requests")
        _bulk(cursor, "servicedesk_appointment", [(appointments, [*flat, *year, 20])], "appointments")


# --- the measurement -----------------------------------------------------------------------------------


def timed(function, rounds: int) -> tuple[float, object, float]:
    """The median of ``rounds`` calls after a first one (timed apart: it also fills the weekly rollup)."""
    started = time.perf_counter()
    result = function()
    first = time.perf_counter() - started
    times = []
    for _round in range(rounds):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result, first


def duckdb_check(unit_ids: list[int], evaluation) -> dict:
    """The week's figures by day and the nine weeks' waiting p90 again, by DuckDB from a CSV export."""
    import duckdb
    from django.db import connection

    first = WEEK - timedelta(weeks=8)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "tickets.csv"
        started = time.monotonic()
        with connection.cursor() as cursor, path.open("w", newline="") as out:
            cursor.execute(
                "SELECT day, status, EXTRACT(EPOCH FROM called_at - wait_from), "
                "EXTRACT(EPOCH FROM finished_at - COALESCE(started_at, called_at)) FROM servicedesk_queueticket "
                "WHERE unit_id = ANY(%s) AND day BETWEEN %s AND %s",
                [unit_ids, first, WEEK + timedelta(days=6)],
            )
            writer = csv.writer(out)
            writer.writerow(["day", "status", "wait", "service"])
            while batch := cursor.fetchmany(50_000):
                writer.writerows(batch)
        exported = time.monotonic() - started
        db = duckdb.connect()
        started = time.perf_counter()
        db.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{path}', header=true, columns={{'day': 'DATE', "
                   f"'status': 'VARCHAR', 'wait': 'DOUBLE', 'service': 'DOUBLE'}})")  # fmt: skip
        days = db.execute(
            "SELECT day, count(*), count(*) FILTER (WHERE status = 'done'), "
            "quantile_cont(wait, 0.5) FILTER (WHERE wait IS NOT NULL), "
            "quantile_cont(wait, 0.9) FILTER (WHERE wait IS NOT NULL), "
            "quantile_cont(service, 0.5) FILTER (WHERE status = 'done'), "
            "quantile_cont(service, 0.9) FILTER (WHERE status = 'done') "
            "FROM t WHERE day >= ? GROUP BY day ORDER BY day",
            [WEEK],
        ).fetchall()
        weeks = db.execute(
            "SELECT date_trunc('week', day)::date w, count(*), "
            "quantile_cont(wait, 0.9) FILTER (WHERE wait IS NOT NULL) "
            "FROM t GROUP BY w ORDER BY w"
        ).fetchall()
        duck_seconds = time.perf_counter() - started
    ours_days = {r.key: r for r in evaluation.days}
    ours_weeks = {r.key: r for r in evaluation.weeks}
    differences = []

    def same(a, b) -> bool:
        return (a is None and b is None) or (a is not None and b is not None and abs(a - b) < 1e-3)

    for day, taken, served, wait50, wait90, service50, service90 in days:
        row = ours_days.get(day)
        ours = (
            (row.taken, row.served, row.wait_median, row.wait_p90, row.service_median, row.service_p90) if row else None
        )
        theirs = (taken, served, wait50, wait90, service50, service90)
        if ours is None or not all(same(a, b) for a, b in zip(ours, theirs, strict=True)):
            differences.append(f"{day}: ours {ours}, DuckDB {theirs}")
    for week, taken, wait90 in weeks:
        row = ours_weeks.get(week)
        if row is None or row.taken != taken or not same(row.wait_p90, wait90):
            differences.append(f"week {week}: ours {row and (row.taken, row.wait_p90)}, DuckDB {(taken, wait90)}")
    return {"duckdb_seconds": duck_seconds, "export_seconds": exported, "differences": differences,
            "rows_compared": len(days) + len(weeks)}  # fmt: skip


def ensure_database(url: str, recreate: bool) -> None:
    """Create the database if missing; with ``recreate`` drop it first, if it holds only this benchmark."""
    import psycopg
    from psycopg import sql

    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None
        if exists and recreate:
            with psycopg.connect(url, autocommit=True) as own:
                if own.execute("SELECT to_regclass('organizations_unit')").fetchone()[0] is not None:
                    codes = own.execute("SELECT code FROM organizations_unit WHERE depth = 1").fetchall()
                    if any(code != CODE for (code,) in codes):
                        raise SystemExit(f"refusing to drop {name}: it holds data other than the benchmark's")
            log(f"dropping database {name}")
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = False
        if not exists:
            log(f"creating database {name}")
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def run(url: str, scale: float, rounds: int, recreate: bool) -> dict:
    ensure_database(url, False)
    setup_django(url)
    from django.core.management import call_command
    from django.db import connection

    from satuatap.organizations.models import Unit
    from satuatap.servicedesk.figures.selectors import desk_figures, week_evaluation

    units, per_day = sizes(scale)
    call_command("migrate", verbosity=0, interactive=False)
    parent = Unit.objects.filter(institution__code=CODE, code="WL").first()
    if recreate and parent is not None:
        # Start again without a second migration: empty every table that hangs off the offices and users
        # (the database is this benchmark's own: ensure_database refuses one holding anything else).
        if Unit.objects.filter(depth=1).exclude(code=CODE).exists():
            raise SystemExit("refusing to empty a database that holds another institution")
        log("emptying the benchmark's data (--recreate)")
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE organizations_unit, accounts_user RESTART IDENTITY CASCADE")
        parent = None
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM servicedesk_queueticket")
        tickets = cursor.fetchone()[0]
    expected = units * per_day * 365
    if parent is not None and tickets != expected:
        raise SystemExit(f"the database holds {tickets:,} tickets, not {expected:,} of this scale: use --recreate")
    if parent is None:
        started = time.monotonic()
        parent, children = build(units, per_day)
        generate(parent, children, per_day)
        log(f"generated {expected:,} tickets in {time.monotonic() - started:.0f} s")
    children = list(Unit.objects.filter(path__startswith=parent.path, depth=parent.depth + 1).order_by("path"))
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.get(username="bench-sd-admin")
    from satuatap.servicedesk.models import WeekFigures

    WeekFigures.objects.filter(unit__in=[parent, children[0]]).delete()  # the first call fills it again
    one_seconds, one, one_first = timed(lambda: week_evaluation(admin, children[0], WEEK), rounds)
    all_seconds, everything, all_first = timed(lambda: week_evaluation(admin, parent, WEEK), rounds)
    year_seconds, _year, _first = timed(
        lambda: desk_figures(admin, parent, date(YEAR, 1, 1), date(YEAR, 12, 31), "week"), 1
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    check = duckdb_check([u.pk for u in children], everything)
    return {
        "database": f"PostgreSQL {connection.pg_version // 10000}",
        "units": len(children),
        "tickets_per_day": per_day,
        "tickets": expected,
        "week": everything.label,
        "week_tickets_parent": everything.total.taken,
        "week_tickets_unit": one.total.taken,
        "unit_seconds": one_seconds,
        "parent_seconds": all_seconds,
        "unit_first_seconds": one_first,
        "parent_first_seconds": all_first,
        "load_average": load,
        "year_by_week_seconds": year_seconds,
        "target_seconds": TARGET,
        **check,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.servicedesk_figures", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="postgres://... (its own database, e.g. .../bench_sd)")
    parser.add_argument("--scale", type=float, default=1.0, help="units x 50 and tickets a day x 400 (default 1)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--recreate", action="store_true", help="drop the database and generate again")
    parser.add_argument("--json", help="write the figures here")
    args = parser.parse_args(argv)
    if args.database_url.rstrip("/").endswith("/bench"):
        raise SystemExit("use a database of its own, not the ledger benchmark's (e.g. .../bench_sd)")
    f = run(args.database_url, args.scale, args.rounds, args.recreate)
    unit_ratio, parent_ratio = f["unit_seconds"] / TARGET, f["parent_seconds"] / TARGET
    print(
        f"\nService desk figures, {f['tickets']:,} tickets in {YEAR} "
        f"({f['units']} units x {f['tickets_per_day']} a day), "
        f"{f['database']}; the Friday evaluation of {f['week']} against the 8 weeks before\n"
        f"  one unit ({f['week_tickets_unit']:,} tickets that week):   {f['unit_seconds'] * 1000:8.1f} ms  "
        f"ratio to the 1 s target {unit_ratio:.2f} {'ok' if unit_ratio < 1 else 'MISSED'}\n"
        f"  the parent of {f['units']} ({f['week_tickets_parent']:,} tickets): {f['parent_seconds'] * 1000:8.1f} ms  "
        f"ratio to the 1 s target {parent_ratio:.2f} {'ok' if parent_ratio < 1 else 'MISSED'}\n"
        f"  first evaluation, which sorts the 8 weeks before and keeps them (WeekFigures): one unit "
        f"{f['unit_first_seconds'] * 1000:.0f} ms, the parent {f['parent_first_seconds'] * 1000:.0f} ms (no target)\n"
        f"  (the parent's whole year by week from the tickets: {f['year_by_week_seconds'] * 1000:.0f} ms, no target; "
        f"load average during the run {f['load_average']})\n"
        f"  DuckDB on the same tickets (CSV export {f['export_seconds']:.1f} s): {f['duckdb_seconds'] * 1000:.1f} ms; "
        f"{f['rows_compared']} rows of counts, medians and p90s compared: "
        f"{'equal' if not f['differences'] else str(len(f['differences'])) + ' DIFFER'}; "
        f"ratio of the parent's time to DuckDB's {f['parent_seconds'] / max(f['duckdb_seconds'], 1e-9):.2f}\n",
        flush=True,
    )
    for line in f["differences"][:10]:
        print("  differs:", line)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(f, indent=2, default=str))
    return 0 if unit_ratio < 1 and parent_ratio < 1 and not f["differences"] else 1


if __name__ == "__main__":
    sys.exit(main())
