"""The reports against an analytical engine: DuckDB computing the same figures from a Parquet
export of the same data.

* ``export(root, folder)`` writes the institution's journal lines (with their entry's date and
  flow source), accounts, funds, units, donations and donation lines to Parquet: PostgreSQL
  ``COPY ... TO STDOUT`` into a CSV file, which DuckDB turns into Parquet with explicit types.
  It is skipped when the folder already holds an export of the same rows (``manifest.json``).
* ``duck_changes_in_funds`` and ``duck_collection`` compute, from the Parquet files only and in
  SQL over the raw lines (DuckDB has no rollups), what ``ledger.selectors.changes_in_funds``
  (consolidated Laporan Perubahan Dana) and ``collection.reports.collection_report`` (the
  collection dashboard: headline figures and the tables by unit, fund, type, channel and month)
  give for the whole institution.
* ``ours_changes_in_funds`` and ``ours_collection`` call the application's reports and flatten
  their results to the same ``{(item, key...): value}`` dictionaries, so the two can be compared
  with ``==`` (zero figures left out on both sides: the application lists empty rows, DuckDB has
  none to list).

``bench.side_by_side`` times both (medians, warm) and asserts that the figures are equal.
"""

import json
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.generate import log

EXPORTS = {
    "lines": (
        """SELECT l.unit_id, l.account_id, l.fund_id, l.counterparty_id, l.entry_date, l.debit, l.credit,
                  e.flow_source AS source
           FROM ledger_journalline l JOIN ledger_journalentry e ON e.id = l.entry_id
           WHERE e.institution_id = {institution} AND e.status = 'posted'""",
        {
            "unit_id": "BIGINT",
            "account_id": "BIGINT",
            "fund_id": "BIGINT",
            "counterparty_id": "BIGINT",
            "entry_date": "DATE",
            "debit": "BIGINT",
            "credit": "BIGINT",
            "source": "VARCHAR",
        },
    ),
    "accounts": (
        "SELECT id, code, type, role, asnaf, pillar FROM ledger_account WHERE institution_id = {institution}",
        {
            "id": "BIGINT",
            "code": "VARCHAR",
            "type": "VARCHAR",
            "role": "VARCHAR",
            "asnaf": "VARCHAR",
            "pillar": "VARCHAR",
        },
    ),
    "funds": (
        "SELECT id, kind FROM ledger_fund WHERE institution_id = {institution}",
        {"id": "BIGINT", "kind": "VARCHAR"},
    ),
    "units": (
        "SELECT id, path, code FROM organizations_unit WHERE institution_id = {institution}",
        {"id": "BIGINT", "path": "VARCHAR", "code": "VARCHAR"},
    ),
    "donations": (
        """SELECT id, unit_id, donor_id, donation_date, channel, total, status FROM collection_donation
           WHERE institution_id = {institution}""",
        {
            "id": "BIGINT",
            "unit_id": "BIGINT",
            "donor_id": "BIGINT",
            "donation_date": "DATE",
            "channel": "VARCHAR",
            "total": "BIGINT",
            "status": "VARCHAR",
        },
    ),
    "donation_lines": (
        """SELECT l.donation_id, l.kind, l.fund_kind, l.amount FROM collection_donationline l
           JOIN collection_donation d ON d.id = l.donation_id WHERE d.institution_id = {institution}""",
        {"donation_id": "BIGINT", "kind": "VARCHAR", "fund_kind": "VARCHAR", "amount": "BIGINT"},
    ),
}


def _fingerprint(institution_id: int) -> dict:
    """What identifies the exported rows: counts and largest ids of the tables read."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT (SELECT count(*) FROM ledger_journalentry WHERE institution_id = %(i)s),
                      (SELECT coalesce(max(id), 0) FROM ledger_journalentry WHERE institution_id = %(i)s),
                      (SELECT coalesce(max(id), 0) FROM ledger_journalline),
                      (SELECT count(*) FROM collection_donation WHERE institution_id = %(i)s),
                      (SELECT coalesce(max(id), 0) FROM collection_donation),
                      (SELECT coalesce(max(id), 0) FROM collection_donationline),
                      (SELECT count(*) FROM ledger_account WHERE institution_id = %(i)s)""",
            {"i": institution_id},
        )
        row = cursor.fetchone()
    return {"institution": institution_id, "rows": list(row)}


def export(institution_id: int, folder: Path) -> dict:
    """Parquet files of the institution's data in ``folder`` (reused when the data did not change)."""
    import duckdb
    from django.db import connection

    folder.mkdir(parents=True, exist_ok=True)
    manifest = folder / "manifest.json"
    fingerprint = _fingerprint(institution_id)
    if manifest.exists():
        known = json.loads(manifest.read_text())
        if known.get("fingerprint") == fingerprint and all((folder / f"{n}.parquet").exists() for n in EXPORTS):
            log(f"Parquet export of the same data present in {folder}: reused")
            return known
    started = time.perf_counter()
    counts = {}
    duck = duckdb.connect(":memory:")
    with tempfile.TemporaryDirectory(prefix="satuatap-export-") as tmp, connection.cursor() as cursor:
        for name, (query, columns) in EXPORTS.items():
            csv_path = Path(tmp) / f"{name}.csv"
            with open(csv_path, "wb") as out:
                sql = f"COPY ({query.format(institution=int(institution_id))}) TO STDOUT WITH (FORMAT csv)"
                with cursor.cursor.copy(sql) as copy:
                    for chunk in copy:
                        out.write(chunk)
            spec = "{" + ", ".join(f"'{c}': '{t}'" for c, t in columns.items()) + "}"
            target = folder / f"{name}.parquet"
            duck.execute(
                # PostgreSQL's CSV: NULL is an empty field, an empty string a quoted one ("").
                f"COPY (SELECT * FROM read_csv('{csv_path}', header=false, columns={spec}, nullstr='', "
                f"allow_quoted_nulls=false)) TO '{target}' (FORMAT parquet)"
            )
            counts[name] = duck.execute(f"SELECT count(*) FROM read_parquet('{target}')").fetchone()[0]
            csv_path.unlink()
    duck.close()
    result = {"fingerprint": fingerprint, "rows": counts, "seconds": round(time.perf_counter() - started, 1)}
    manifest.write_text(json.dumps(result, indent=2))
    log(f"Parquet export: {counts['lines']:,} lines, {counts['donations']:,} donations in {result['seconds']} s")
    return result


def connect(folder: Path):
    """An in-memory DuckDB with one view per Parquet file (read at query time, nothing loaded)."""
    import duckdb

    duck = duckdb.connect(":memory:")
    for name in EXPORTS:
        duck.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{folder / f'{name}.parquet'}')")
    return duck


# --- Laporan Perubahan Dana ---------------------------------------------------------------------

CHANGES_SQL = """
WITH scoped AS (
    SELECT l.account_id, l.fund_id, l.debit, l.credit, l.entry_date, l.source
    FROM lines l
    JOIN units u ON u.id = l.unit_id
    JOIN accounts a ON a.id = l.account_id
    LEFT JOIN units c ON c.id = l.counterparty_id
    WHERE starts_with(u.path, $root) AND l.entry_date <= $last
      AND a.type IN ('fund_balance', 'receipt', 'distribution')
      -- consolidated: inter-office lines between two offices of the subtree cancel out
      AND NOT (a.role = 'inter_office' AND c.path IS NOT NULL AND starts_with(c.path, $root))
), totals AS (
    SELECT account_id, fund_id,
           coalesce(sum(debit - credit) FILTER (WHERE entry_date < $first), 0) AS opening,
           coalesce(sum(debit - credit) FILTER (WHERE entry_date >= $first AND source <> 'close'), 0) AS flow
    FROM scoped GROUP BY 1, 2
), c AS (
    SELECT f.kind AS fund, a.code, a.role, a.asnaf, a.pillar, t.opening, t.flow
    FROM totals t JOIN accounts a ON a.id = t.account_id JOIN funds f ON f.id = t.fund_id
)
SELECT fund, 'opening', '', -sum(opening) FROM c GROUP BY fund
UNION ALL SELECT fund, 'closing', '', -sum(opening) - sum(flow) FROM c GROUP BY fund
UNION ALL SELECT fund, 'receipt', code, -sum(flow) FROM c WHERE role = 'receipt' GROUP BY fund, code
UNION ALL SELECT fund, 'amil_share_received', code, -sum(flow) FROM c WHERE role = 'amil_share_received'
    GROUP BY fund, code
UNION ALL SELECT fund, 'amil_share_paid', '', sum(flow) FROM c WHERE role = 'amil_share_paid' GROUP BY fund
UNION ALL SELECT fund, 'asnaf', asnaf, sum(flow) FROM c WHERE role = 'distribution' AND asnaf <> '' GROUP BY fund, asnaf
UNION ALL SELECT fund, 'pillar', pillar, sum(flow) FROM c WHERE role = 'distribution' AND asnaf = '' AND pillar <> ''
    GROUP BY fund, pillar
UNION ALL SELECT fund, 'other_distribution', code, sum(flow) FROM c
    WHERE role = 'distribution' AND asnaf = '' AND pillar = '' GROUP BY fund, code
UNION ALL SELECT fund, 'operating_expense', code, sum(flow) FROM c WHERE role = 'operating_expense' GROUP BY fund, code
UNION ALL SELECT fund, 'transfers_in', '', sum(greatest(-flow, 0)) FROM c WHERE role = 'inter_office' GROUP BY fund
UNION ALL SELECT fund, 'transfers_out', '', sum(greatest(flow, 0)) FROM c WHERE role = 'inter_office' GROUP BY fund
UNION ALL SELECT fund, 'other_changes', '', -sum(flow) FROM c
    WHERE role NOT IN ('receipt', 'amil_share_received', 'amil_share_paid', 'distribution', 'operating_expense',
                       'inter_office')
    GROUP BY fund
"""


def _nonzero(items) -> dict:
    return {key: int(value) for key, value in items if value}


def duck_changes_in_funds(duck, root_path: str, first: date, last: date) -> dict:
    rows = duck.execute(CHANGES_SQL, {"root": root_path, "first": first, "last": last}).fetchall()
    return _nonzero(((fund, item, key), value) for fund, item, key, value in rows)


def ours_changes_in_funds(user, unit, period) -> dict:
    from satuatap.ledger.selectors import changes_in_funds

    items = []
    for fund, c in changes_in_funds(user, unit, period, consolidated=True).current.items():
        items += [((fund, "opening", ""), c.opening), ((fund, "closing", ""), c.closing)]
        items += [((fund, "receipt", r.account.code), r.amount) for r in c.receipts]
        items += [((fund, "amil_share_received", r.account.code), r.amount) for r in c.amil_share_received]
        items += [((fund, "amil_share_paid", ""), c.amil_share_paid)]
        items += [((fund, "asnaf", k), v) for k, v in c.distributions_by_asnaf.items()]
        items += [((fund, "pillar", k), v) for k, v in c.distributions_by_pillar.items()]
        items += [((fund, "other_distribution", r.account.code), r.amount) for r in c.other_distributions]
        items += [((fund, "operating_expense", r.account.code), r.amount) for r in c.operating_expenses]
        items += [((fund, "transfers_in", ""), c.transfers_in), ((fund, "transfers_out", ""), c.transfers_out)]
        items += [((fund, "other_changes", ""), c.other_changes)]
    return _nonzero(items)


# --- the collection dashboard -------------------------------------------------------------------

DASHBOARD_TABLES = ["units", "funds", "kinds", "channels", "months"]

SUMMARY_SQL = """
WITH d AS (
    SELECT d.* FROM donations d JOIN units u ON u.id = d.unit_id
    WHERE starts_with(u.path, $root) AND d.donation_date BETWEEN $first AND $last
), first_gift AS (
    SELECT donor_id, min(donation_date) AS first_gift FROM donations WHERE status = 'recorded' GROUP BY 1
)
SELECT coalesce(sum(total) FILTER (WHERE status = 'recorded'), 0),
       count(*) FILTER (WHERE status = 'recorded'),
       count(DISTINCT donor_id) FILTER (WHERE status = 'recorded'),
       count(*) FILTER (WHERE status <> 'recorded'),
       coalesce(sum(total) FILTER (WHERE status <> 'recorded'), 0),
       coalesce(sum(total) FILTER (WHERE status = 'recorded' AND first_gift >= $first), 0),
       count(*) FILTER (WHERE status = 'recorded' AND first_gift >= $first),
       count(DISTINCT donor_id) FILTER (WHERE status = 'recorded' AND first_gift >= $first)
FROM d LEFT JOIN first_gift USING (donor_id)
"""
RECORDED = """
    SELECT d.*, u.path FROM donations d JOIN units u ON u.id = d.unit_id
    WHERE starts_with(u.path, $root) AND d.donation_date BETWEEN $first AND $last AND d.status = 'recorded'
"""
TABLE_SQL = {
    # Each unit right below the root with its subtree (and the root itself), by code.
    "units": f"""WITH d AS ({RECORDED})
        SELECT u.code, sum(d.total), count(DISTINCT d.id), count(DISTINCT d.donor_id)
        FROM d JOIN units u ON u.path = substr(d.path, 1, length($root) + $step) GROUP BY 1""",
    "funds": f"""WITH d AS ({RECORDED})
        SELECT l.fund_kind, sum(l.amount), count(DISTINCT d.id), count(DISTINCT d.donor_id)
        FROM d JOIN donation_lines l ON l.donation_id = d.id GROUP BY 1""",
    "kinds": f"""WITH d AS ({RECORDED})
        SELECT l.kind, sum(l.amount), count(DISTINCT d.id), count(DISTINCT d.donor_id)
        FROM d JOIN donation_lines l ON l.donation_id = d.id GROUP BY 1""",
    "channels": f"""WITH d AS ({RECORDED})
        SELECT channel, sum(total), count(DISTINCT id), count(DISTINCT donor_id) FROM d GROUP BY 1""",
    "months": f"""WITH d AS ({RECORDED})
        SELECT strftime(date_trunc('month', donation_date), '%Y-%m-%d'), sum(total), count(DISTINCT id),
               count(DISTINCT donor_id) FROM d GROUP BY 1""",
}
SUMMARY_FIELDS = [
    *("amount", "donations", "donors", "void_donations", "void_amount"),
    *("new_amount", "new_donations", "new_donors"),
]


def duck_collection(duck, root_path: str, first: date, last: date) -> dict:
    from satuatap.organizations.models import Unit

    params = {"root": root_path, "first": first, "last": last}
    summary = duck.execute(SUMMARY_SQL, params).fetchone()
    items = [(("summary", name), value) for name, value in zip(SUMMARY_FIELDS, summary, strict=True)]
    for slug in DASHBOARD_TABLES:
        table_params = {**params, "step": Unit.steplen} if slug == "units" else params
        for key, amount, donations, donors in duck.execute(TABLE_SQL[slug], table_params).fetchall():
            items.append(((slug, key), (int(amount), donations, donors)))
    return {key: value for key, value in items if value and value != (0, 0, 0)}


def ours_collection(user, unit, first: date, last: date) -> dict:
    from satuatap.collection.reports import DateRange, collection_report

    report = collection_report(user, unit, DateRange(first, last), tables=DASHBOARD_TABLES)
    s = report.current
    summary = [s.amount, s.donations, s.donors, s.void_donations, s.void_amount]
    summary += [s.new.amount, s.new.donations, s.new.donors]
    items = [(("summary", name), value) for name, value in zip(SUMMARY_FIELDS, summary, strict=True)]
    for table in report.tables:
        for row in table.rows:
            items.append(((table.slug, row.key), (row.current.amount, row.current.donations, row.current.donors)))
    return {key: value for key, value in items if value and value != (0, 0, 0)}


def differences(ours: dict, theirs: dict, limit: int = 10) -> list[str]:
    """Readable differences between two flattened reports (empty when equal)."""
    out = []
    for key in sorted(set(ours) | set(theirs), key=str):
        if ours.get(key) != theirs.get(key):
            out.append(f"{key}: ours {ours.get(key)!r}, DuckDB {theirs.get(key)!r}")
    return out[:limit]
