"""What posting writes to each table, whichever path writes it: the columns of the entry and its
lines, and the rollup rows an entry's lines make (``FundPosition``: the available balance per
unit, fund and restriction; ``LedgerBalance``: debits and credits per month), added to the
existing rows by ``upsert``, sorted by key (posting's lock order).
"""

from collections import defaultdict
from datetime import date
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from satuatap.core.formatting import rupiah
from satuatap.ledger.errors import InsufficientFunds
from satuatap.ledger.models import MONEY_ROLES, AccountRole
from satuatap.ledger.services.posting.rules import ResolvedLine


def upsert(table: str, columns: list[str], conflict: list[str], increments: list[str], rows: list[tuple], returning=""):
    """One INSERT ... ON CONFLICT DO UPDATE adding ``increments`` to existing rows (PostgreSQL and SQLite)."""
    results = []
    quote = connection.ops.quote_name
    for start in range(0, len(rows), 500):
        chunk = rows[start : start + 500]
        placeholders = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(chunk))
        updates = ", ".join(f"{quote(c)} = {quote(table)}.{quote(c)} + excluded.{quote(c)}" for c in increments)
        sql = (
            f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) VALUES {placeholders} "  # noqa: S608
            f"ON CONFLICT ({', '.join(quote(c) for c in conflict)}) DO UPDATE SET {updates}"
        )
        if returning:
            sql += f" RETURNING {returning}"
        params = [value for row in chunk for value in row]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            if returning:
                results.extend(cursor.fetchall())
    return results


def position_deltas(lines: list[ResolvedLine]) -> dict[tuple, int]:
    """Change of the available balance per (unit, fund, restriction) that the lines make."""
    deltas: dict[tuple, int] = defaultdict(int)
    for line in lines:
        if line.account.counts_available:
            deltas[(line.unit.pk, line.fund.pk, line.restriction)] += line.debit - line.credit
    return {key: delta for key, delta in sorted(deltas.items()) if delta != 0}


def guard_positions(deltas: dict[tuple, int], result, lines: list[ResolvedLine]) -> None:
    """Refuse the entry when it took a unit's fund below zero (``result``: the rows after the upsert)."""
    for unit_id, fund_id, restriction, available in result:
        delta = deltas[(unit_id, fund_id, restriction)]
        if delta < 0 and available < 0:
            line = next(
                li for li in lines if (li.unit.pk, li.fund.pk, li.restriction) == (unit_id, fund_id, restriction)
            )
            fund_name = f"{line.fund.name} ({restriction})" if restriction else line.fund.name
            raise InsufficientFunds(
                _("%(unit)s has only %(available)s of %(fund)s available; this needs %(needed)s.")
                % {
                    "unit": line.unit.name,
                    "available": rupiah(available - delta),
                    "fund": fund_name,
                    "needed": rupiah(-delta),
                }
            )


POSITION_COLUMNS = ["institution_id", "unit_id", "fund_id", "restriction", "available"]
POSITION_KEY = ["unit_id", "fund_id", "restriction"]
BALANCE_COLUMNS = [
    "institution_id",
    "unit_id",
    "account_id",
    "fund_id",
    "restriction",
    "counterparty_id",
    "source",
    "contra_role",
    "year",
    "month",
    "debit",
    "credit",
]
BALANCE_KEY = [
    "unit_id",
    "account_id",
    "fund_id",
    "restriction",
    "counterparty_id",
    "source",
    "contra_role",
    "year",
    "month",
]


def contra_roles(lines) -> list[str]:
    """Per line of ONE entry: for a cash or bank line, the role of the account its money came
    from or went to; "" for every other line (see ``LedgerBalance.contra_role``).

    That account is the largest line of the same office, fund and restriction on the other
    side that is not money (the first such line on a tie); "cash" when only money is there.
    """
    other_side: dict[tuple, Any] = {}  # a ResolvedLine or a JournalLine
    for line in lines:
        if line.account.role in MONEY_ROLES:
            continue
        key = (line.unit.pk, line.fund.pk, line.restriction, line.debit > 0)
        best = other_side.get(key)
        if best is None or line.debit + line.credit > best.debit + best.credit:
            other_side[key] = line
    roles = []
    for line in lines:
        if line.account.role not in MONEY_ROLES:
            roles.append("")
            continue
        match = other_side.get((line.unit.pk, line.fund.pk, line.restriction, line.credit > 0))
        roles.append(match.account.role if match is not None else AccountRole.CASH.value)
    return roles


def balance_rows(institution_id: int, entry_date: date, flow_source: str, lines: list[ResolvedLine]) -> list[tuple]:
    """The rollup rows of ONE entry's lines."""
    totals: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    year, month = entry_date.year, entry_date.month
    for line, contra in zip(lines, contra_roles(lines), strict=True):
        cp = line.counterparty.pk if line.counterparty is not None else 0
        key = (line.unit.pk, line.account.pk, line.fund.pk, line.restriction, cp, flow_source, contra, year, month)
        totals[key][0] += line.debit
        totals[key][1] += line.credit
    return [(institution_id, *key, debit, credit) for key, (debit, credit) in sorted(totals.items())]


def merged_balance_rows(rows) -> list[tuple]:
    """Rollup rows of several entries summed per key (one upsert may touch a row only once)."""
    totals: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        totals[row[:-2]][0] += row[-2]
        totals[row[:-2]][1] += row[-1]
    return [(*key, debit, credit) for key, (debit, credit) in sorted(totals.items(), key=lambda kv: kv[0][1:])]


ENTRY_INSERT_COLUMNS = [
    "institution_id",
    "unit_id",
    "entry_date",
    "status",
    "source",
    "flow_source",
    "source_ref",
    "idempotency_key",
    "fingerprint",
    "memo",
    "total",
    "draft_lines",
    "created_by_id",
    "created_at",
    "posted_at",
    "reverses_id",
    "reason",
]
LINE_INSERT_COLUMNS = ["account_id", "fund_id", "unit_id", "restriction", "counterparty_id", "debit", "credit", "memo"]
