"""Posting to the journal: the one path by which money enters the ledger.

``entry_post`` is what other apps call (collection for donations, distribution
for disbursements). The ledger's own services (transfers, amil share, periods,
manual entries, reversals) use ``post_lines`` directly. Posting, in one
transaction and in this lock order, so that concurrent postings never deadlock:

1. the month's ``Period`` row, shared (a close takes it exclusively);
2. the new entry row (its idempotency key is unique: a concurrent replay waits here);
3. ``FundPosition`` rows, sorted, with the available-balance check for guarded sources;
4. ``LedgerBalance`` rows, sorted.

Steps 3 and 4 are single ``INSERT ... ON CONFLICT DO UPDATE`` statements (same
syntax on PostgreSQL and SQLite), so a two-line entry costs about ten queries.
"""

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.core.errors import NotAllowed
from satuatap.core.formatting import rupiah
from satuatap.ledger.errors import (
    EntryRefused,
    EntryUnbalanced,
    IdempotencyConflict,
    InsufficientFunds,
    LedgerError,
    PeriodClosed,
    UnknownAccount,
)
from satuatap.ledger.models import (
    MONEY_ROLES,
    Account,
    AccountRole,
    EntryStatus,
    Fund,
    FundPosition,
    JournalEntry,
    JournalLine,
    LedgerBalance,
    Period,
    Source,
)
from satuatap.ledger.services.lookups import chart_forget, chart_snapshot
from satuatap.organizations.models import Role, Unit
from satuatap.organizations.permissions import roles_on

# Sources other apps may post through ``entry_post``; the rest belong to ledger services.
EXTERNAL_SOURCES = frozenset({Source.DONATION, Source.DISBURSEMENT, Source.STOCK, Source.REPAYMENT})
# Entries of these (flow) sources may not take a fund of a unit below zero: money that goes out
# (a disbursement, a transfer, the amil share taken from a fund) and manual corrections.
GUARDED_SOURCES = frozenset({Source.DISBURSEMENT, Source.TRANSFER, Source.AMIL_SHARE, Source.MANUAL})
MAX_AMOUNT = 10**15  # one quadrillion rupiah: far above any real line, far below overflow
MAX_LINES = 5000
MAX_RESTRICTION = 64


@dataclass(frozen=True)
class LineSpec:
    """One proposed line. ``account`` is a code or an ``Account``; ``fund`` a ``FundKind`` value or a ``Fund``.

    ``unit`` defaults to the entry's unit. ``restriction`` names the program or
    campaign a restricted infak/sedekah line is tied to (required for that fund,
    empty for the others). Exactly one of ``debit``/``credit`` is a positive whole
    number of rupiah.
    """

    account: "str | Account"
    fund: "str | Fund"
    debit: int = 0
    credit: int = 0
    unit: Unit | None = None
    restriction: str = ""
    memo: str = ""
    counterparty: Unit | None = None  # inter-office lines only (set by transfer_post)

    def as_json(self) -> dict:
        """Plain form kept in a draft's ``draft_lines``."""
        account = self.account.code if isinstance(self.account, Account) else self.account
        fund = self.fund.kind if isinstance(self.fund, Fund) else self.fund
        return {
            "account": account,
            "fund": fund,
            "debit": self.debit,
            "credit": self.credit,
            "unit": self.unit.pk if self.unit is not None else None,
            "restriction": self.restriction,
            "memo": self.memo,
        }


@dataclass
class ResolvedLine:
    account: Account
    fund: Fund
    unit: Unit
    restriction: str
    counterparty: Unit | None
    debit: int
    credit: int
    memo: str

    @property
    def key(self) -> tuple:
        cp = self.counterparty.pk if self.counterparty is not None else 0
        return (self.account.pk, self.fund.pk, self.unit.pk, self.restriction, cp, self.debit, self.credit, self.memo)


class StaleChart(Exception):
    """Internal: an account changed between its look-up and the posting statement; nothing was written."""


def _line_error(number: int, message: str, cls=EntryRefused):
    return cls(_("Line %(number)s: %(message)s") % {"number": number, "message": message}, field="lines")


def _is_rupiah(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def resolve_lines(
    institution_id: int,
    entry_unit: Unit,
    specs,
    *,
    units: dict | None = None,
    cached: bool = False,
    refresh: bool = False,
) -> list[ResolvedLine]:
    """Look up the accounts, funds and units the specs name. Unknown names are refused here;
    the bookkeeping rules are checked by ``validate_lines``.

    ``cached`` reads accounts and funds from this process's copy of the chart
    (``chart_snapshot``); only the PostgreSQL posting statement may use it, because it
    re-checks every account it writes against the table (see ``_insert_posted_pg``).
    ``refresh`` re-reads accounts given as objects (they may come from that copy).
    """
    if not isinstance(specs, (list, tuple)) or not all(isinstance(s, LineSpec) for s in specs):
        raise EntryRefused(_("The lines of an entry must be given as a list of lines."), field="lines")
    if len(specs) > MAX_LINES:
        raise EntryRefused(_("An entry may have at most %(max)s lines.") % {"max": MAX_LINES}, field="lines")
    codes = {s.account for s in specs if isinstance(s.account, str)}
    given = {s.account.pk for s in specs if isinstance(s.account, Account)}
    if given and refresh:
        # Accounts handed over as objects may come from the cached chart: read them afresh.
        fresh = Account.objects.in_bulk(given)
        specs = [replace(s, account=fresh.get(s.account.pk, s.account)) if isinstance(s.account, Account) else s
                 for s in specs]  # fmt: skip
    chart = chart_snapshot(institution_id) if cached else None
    if chart is not None and codes <= chart.accounts.keys():
        accounts, funds = chart.accounts, chart.funds
    else:
        accounts = (
            {a.code: a for a in Account.objects.filter(institution_id=institution_id, code__in=codes)} if codes else {}
        )
        funds = {f.kind: f for f in Fund.objects.filter(institution_id=institution_id)}
    units = units or {}
    resolved = []
    for number, spec in enumerate(specs, start=1):
        if isinstance(spec.account, Account):
            account = spec.account
            if account.institution_id != institution_id:
                raise _line_error(number, _("the account belongs to another institution."), UnknownAccount)
        else:
            account = accounts.get(spec.account)
            if account is None:
                raise _line_error(
                    number,
                    _("there is no account with code %(code)s in this institution's chart.") % {"code": spec.account},
                    UnknownAccount,
                )
        if isinstance(spec.fund, Fund):
            fund = spec.fund
            if fund.institution_id != institution_id:
                raise _line_error(number, _("the fund belongs to another institution."))
        else:
            fund = funds.get(spec.fund)
            if fund is None:
                raise _line_error(number, _("there is no fund %(fund)s in this institution.") % {"fund": spec.fund})
        unit = spec.unit if spec.unit is not None else entry_unit
        if isinstance(unit, int):  # drafts store unit ids
            unit = units.get(unit) or Unit.objects.filter(pk=unit).first()
            if unit is None:
                raise _line_error(number, _("the unit does not exist."))
        if unit.institution_id != institution_id:
            raise _line_error(number, _("the unit belongs to another institution."))
        if spec.counterparty is not None and spec.counterparty.institution_id != institution_id:
            raise _line_error(number, _("the other office belongs to another institution."))
        resolved.append(
            ResolvedLine(
                account=account,
                fund=fund,
                unit=unit,
                restriction=spec.restriction,
                counterparty=spec.counterparty,
                debit=spec.debit,
                credit=spec.credit,
                memo=spec.memo or "",
            )
        )
    return resolved


def validate_lines(lines: list[ResolvedLine], *, inter_office: bool = False, mirror: bool = False) -> int:
    """Check every bookkeeping rule of an entry's lines; return the entry's total.

    Inter-office accounts are posted only by transfers (``inter_office=True``),
    because consolidation eliminates them by the office on the other side. The
    lines of each unit balance per fund too, so that every office's own books add
    up: money moves between offices only through the inter-office lines of a
    transfer. A reversal (``mirror=True``) may use accounts and units deactivated
    since, and mirrors its entry as it was posted.
    """
    if len(lines) < 2:
        raise EntryUnbalanced(_("An entry needs at least two lines."), field="lines")
    per_fund: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    per_unit: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    total_debit = total_credit = 0
    for number, line in enumerate(lines, start=1):
        if not _is_rupiah(line.debit) or not _is_rupiah(line.credit):
            raise _line_error(number, _("amounts must be whole rupiah."))
        if line.debit < 0 or line.credit < 0:
            raise _line_error(number, _("amounts cannot be negative."))
        if (line.debit > 0) == (line.credit > 0):
            raise _line_error(number, _("enter either a debit or a credit, not both and not neither."))
        if max(line.debit, line.credit) > MAX_AMOUNT:
            raise _line_error(number, _("the amount is too large."))
        account = line.account
        if not account.is_active and not mirror:
            raise _line_error(
                number, _("account %(code)s is no longer in use.") % {"code": account.code}, UnknownAccount
            )
        if account.fund_kind and account.fund_kind != line.fund.kind:
            raise _line_error(
                number,
                _("account %(code)s belongs to %(account_fund)s and cannot take a line of %(fund)s.")
                % {"code": account.code, "account_fund": account.get_fund_kind_display(), "fund": line.fund.name},
            )
        if account.unit_id is not None and account.unit_id != line.unit.pk:
            raise _line_error(
                number,
                _("account %(code)s belongs to another office than %(unit)s.")
                % {"code": account.code, "unit": line.unit.name},
            )
        if not line.unit.is_active and not mirror:
            raise _line_error(number, _("%(unit)s is no longer active.") % {"unit": line.unit.name})
        if not isinstance(line.restriction, str) or len(line.restriction) > MAX_RESTRICTION:
            raise _line_error(number, _("the program reference must be text of at most 64 characters."))
        line.restriction = line.restriction.strip()
        if line.fund.is_restricted and not line.restriction:
            raise _line_error(number, _("restricted infak/sedekah must name the program or campaign it is for."))
        if not line.fund.is_restricted and line.restriction:
            raise _line_error(number, _("only restricted infak/sedekah can name a program or campaign."))
        is_inter_office = account.role == AccountRole.INTER_OFFICE
        if is_inter_office and not inter_office:
            raise _line_error(number, _("inter-office accounts are posted only by transfers between offices."))
        if is_inter_office and (line.counterparty is None or line.counterparty.pk == line.unit.pk):
            raise _line_error(number, _("an inter-office line must name the other office."))
        if not is_inter_office and line.counterparty is not None:
            raise _line_error(number, _("only inter-office lines name another office."))
        if len(line.memo) > 200:
            raise _line_error(number, _("the line memo is longer than 200 characters."))
        per_fund[(line.fund.name, line.restriction)][0] += line.debit
        per_fund[(line.fund.name, line.restriction)][1] += line.credit
        per_unit[(line.unit.pk, line.fund.name, line.restriction)][0] += line.debit
        per_unit[(line.unit.pk, line.fund.name, line.restriction)][1] += line.credit
        total_debit += line.debit
        total_credit += line.credit
    if total_debit != total_credit:
        raise EntryUnbalanced(
            _("Debits (%(debit)s) and credits (%(credit)s) must be equal.")
            % {"debit": rupiah(total_debit), "credit": rupiah(total_credit)},
            field="lines",
        )
    for (fund_name, restriction), (debit, credit) in sorted(per_fund.items()):
        if debit != credit:
            name = f"{fund_name} ({restriction})" if restriction else fund_name
            raise EntryUnbalanced(
                _("The lines of %(fund)s do not balance: debits %(debit)s, credits %(credit)s. Each fund must balance.")
                % {"fund": name, "debit": rupiah(debit), "credit": rupiah(credit)},
                field="lines",
            )
    if not mirror:
        units = {line.unit.pk: line.unit for line in lines}
        for (unit_id, fund_name, restriction), (debit, credit) in sorted(per_unit.items()):
            if debit != credit:
                name = f"{fund_name} ({restriction})" if restriction else fund_name
                raise EntryUnbalanced(
                    _(
                        "The lines of %(unit)s in %(fund)s do not balance: debits %(debit)s, credits %(credit)s. "
                        "Each office's lines must balance per fund; move money between offices with a transfer."
                    )
                    % {"unit": units[unit_id].name, "fund": name, "debit": rupiah(debit), "credit": rupiah(credit)},
                    field="lines",
                )
    return total_debit


def fingerprint(*, unit_id: int, entry_date: date, source: str, source_ref: str, memo: str, lines) -> str:
    """Hash of an entry's content; a replayed key must bring the same one."""
    payload = [unit_id, entry_date.isoformat(), source, source_ref, memo, sorted(line.key for line in lines)]
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _fetch_period(queryset, lock: str):
    if lock == "update":
        return queryset.select_for_update().first()
    if lock == "share" and connection.vendor == "postgresql":
        sql, params = queryset.order_by().query.sql_with_params()
        rows = list(Period.objects.raw(f"{sql} FOR SHARE", params))
        return rows[0] if rows else None
    return queryset.first()  # SQLite: the whole database is locked by the writing transaction


def period_row(institution_id: int, year: int, month: int, *, lock: str = "share") -> Period:
    """The period row (month 0 = the year), created open if missing, locked as asked ("share"/"update")."""
    queryset = Period.objects.filter(institution_id=institution_id, year=year, month=month)
    row = _fetch_period(queryset, lock)
    if row is None:
        Period.objects.bulk_create(
            [Period(institution_id=institution_id, year=year, month=month)], ignore_conflicts=True
        )
        row = _fetch_period(queryset, lock)
    return row


def check_period_open(institution_id: int, entry_date: date) -> None:
    if not isinstance(entry_date, date):
        raise EntryRefused(_("Enter a valid date."), field="entry_date")
    row = period_row(institution_id, entry_date.year, entry_date.month, lock="share")
    if row.is_closed:
        raise PeriodClosed(
            _("The books for %(period)s are closed; post this in an open month.") % {"period": str(row)},
            field="entry_date",
        )


def fund_positions_hold(unit, fund_kind: str, *, on: date, restriction: str = "") -> None:
    """Hold a fund's positions at ``unit`` until the transaction ends, in posting's lock order: the
    month's period row first (shared, as ``entry_post`` takes it), then the ``FundPosition`` rows.

    The one way another app makes a check of what a fund holds and the posting that spends it one
    step (a purchase into the goods stock): a second caller waits here, and a close of the month
    waits for both, so neither ever waits for the other in the opposite order.
    """
    check_period_open(unit.institution_id, on)
    list(
        FundPosition.objects.select_for_update()
        .filter(unit=unit, fund__kind=fund_kind, restriction=restriction)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _upsert(
    table: str, columns: list[str], conflict: list[str], increments: list[str], rows: list[tuple], returning=""
):
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


def _position_deltas(lines: list[ResolvedLine]) -> dict[tuple, int]:
    """Change of the available balance per (unit, fund, restriction) that the lines make."""
    deltas: dict[tuple, int] = defaultdict(int)
    for line in lines:
        if line.account.counts_available:
            deltas[(line.unit.pk, line.fund.pk, line.restriction)] += line.debit - line.credit
    return {key: delta for key, delta in sorted(deltas.items()) if delta != 0}


def _guard_positions(deltas: dict[tuple, int], result, lines: list[ResolvedLine]) -> None:
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


def _apply_positions(institution_id: int, lines: list[ResolvedLine], *, guard: bool) -> None:
    deltas = _position_deltas(lines)
    if not deltas:
        return
    rows = [(institution_id, *key, delta) for key, delta in deltas.items()]
    result = _upsert(
        FundPosition._meta.db_table,
        POSITION_COLUMNS,
        POSITION_KEY,
        ["available"],
        rows,
        returning="unit_id, fund_id, restriction, available",
    )
    if guard:
        _guard_positions(deltas, result, lines)


def contra_roles(lines) -> list[str]:
    """Per line of ONE entry: for a cash or bank line, the role of the account its money came
    from or went to; "" for every other line (see ``LedgerBalance.contra_role``).

    That account is the largest line of the same office, fund and restriction on the other
    side that is not money (the first such line on a tie); "cash" when only money is there.
    """
    other_side: dict[tuple, object] = {}
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


def _balance_rows(institution_id: int, entry_date: date, flow_source: str, lines: list[ResolvedLine]) -> list[tuple]:
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


def _apply_balances(institution_id: int, entry: JournalEntry, lines: list[ResolvedLine]) -> None:
    rows = _balance_rows(institution_id, entry.entry_date, entry.flow_source, lines)
    _upsert(LedgerBalance._meta.db_table, BALANCE_COLUMNS, BALANCE_KEY, ["debit", "credit"], rows)


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
ENTRY_CASTS = [
    "bigint",
    "bigint",
    "date",
    "varchar",
    "varchar",
    "varchar",
    "varchar",
    "varchar",
    "varchar",
    "text",
    "bigint",
    "jsonb",
    "bigint",
    "timestamptz",
    "timestamptz",
    "bigint",
    "text",
]
LINE_CASTS = ["bigint", "bigint", "bigint", "varchar", "bigint", "bigint", "bigint", "varchar"]
POSITION_CASTS = ["bigint", "bigint", "bigint", "varchar", "bigint"]
BALANCE_CASTS = [
    "bigint",
    "bigint",
    "bigint",
    "bigint",
    "varchar",
    "bigint",
    "varchar",
    "varchar",
    "smallint",
    "smallint",
    "bigint",
    "bigint",
]


def _values(rows: list[tuple], casts: list[str]) -> tuple[str, list]:
    """A VALUES list with typed placeholders, and its flat parameters."""
    row_sql = "(" + ", ".join(f"%s::{cast}" for cast in casts) + ")"
    return ", ".join([row_sql] * len(rows)), [value for row in rows for value in row]


def _insert_posted_pg(
    *,
    entry_values: dict,
    lines: list[ResolvedLine],
    entry_date: date,
    positions: dict,
    balances: list[tuple],
    institution_id: int,
    period: tuple[int, int] | None,
    allow_inactive: bool,
):
    """PostgreSQL: the entry, its lines and both rollups in ONE statement (chained CTEs).

    On this kind of machine every round trip to the database costs more than the
    work it carries, so posting sends one statement instead of seven. The entry
    insert does nothing when the idempotency key is taken; every other part reads
    the new entry's id from it, so then nothing at all is written.
    Returns (entry id or None, position rows after the upsert). Raises ``StaleChart``
    when an account is gone, renamed or deactivated since the caller looked it up.
    """
    line_rows = [
        (
            li.account.pk,
            li.fund.pk,
            li.unit.pk,
            li.restriction,
            li.counterparty.pk if li.counterparty is not None else None,
            li.debit,
            li.credit,
            li.memo,
        )
        for li in lines
    ]
    lines_sql, lines_params = _values(line_rows, LINE_CASTS)
    entry_sql = ", ".join(f"%s::{cast}" for cast in ENTRY_CASTS)
    # The accounts as the caller saw them (possibly from the cached chart): each must still
    # exist with the same code and, unless this is a reversal, be active. Share-locked, so a
    # deactivation commits before or after this posting, never during it.
    checked = sorted({(li.account.pk, li.account.code) for li in lines})
    parts = [
        "acc AS (SELECT count(*) AS n FROM (SELECT id FROM ledger_account "
        "WHERE (id, code) IN (SELECT * FROM unnest(%s::bigint[], %s::varchar[])) AND (is_active OR %s) "
        "FOR SHARE) AS a)"
    ]
    params = [[pk for pk, _code in checked], [code for _pk, code in checked], allow_inactive]
    guard = "(SELECT n FROM acc) = %s"
    if period is not None:
        # The month's row, share-locked as check_period_open would: a close waits for this posting.
        parts += [
            "per AS (SELECT is_closed FROM ledger_period WHERE institution_id = %s AND year = %s AND month = %s "
            "FOR SHARE)",
            f"e AS (INSERT INTO ledger_journalentry ({', '.join(ENTRY_INSERT_COLUMNS)}) SELECT {entry_sql} "
            f"WHERE EXISTS (SELECT 1 FROM per WHERE NOT is_closed) AND {guard} "
            "ON CONFLICT (institution_id, idempotency_key) DO NOTHING RETURNING id)",
        ]
        params += [institution_id, *period]
        period_sql = "(SELECT CASE WHEN is_closed THEN 1 ELSE 0 END FROM per)"
    else:
        parts += [
            f"e AS (INSERT INTO ledger_journalentry ({', '.join(ENTRY_INSERT_COLUMNS)}) SELECT {entry_sql} "
            f"WHERE {guard} "
            "ON CONFLICT (institution_id, idempotency_key) DO NOTHING RETURNING id)",
        ]
        period_sql = "0"
    parts += [
        f"l AS (INSERT INTO ledger_journalline (entry_id, entry_date, {', '.join(LINE_INSERT_COLUMNS)}) "
        f"SELECT e.id, %s::date, v.* FROM e, (VALUES {lines_sql}) AS v({', '.join(LINE_INSERT_COLUMNS)}))",
    ]
    params += [*(entry_values[c] for c in ENTRY_INSERT_COLUMNS), len(checked), entry_date, *lines_params]
    select_positions = "SELECT NULL::bigint, NULL::bigint, NULL::varchar, NULL::bigint WHERE false"
    if positions:
        pos_sql, pos_params = _values([(institution_id, *k, d) for k, d in positions.items()], POSITION_CASTS)
        parts.append(
            f"p AS (INSERT INTO ledger_fundposition ({', '.join(POSITION_COLUMNS)}) "
            f"SELECT v.* FROM e, (VALUES {pos_sql}) AS v({', '.join(POSITION_COLUMNS)}) "
            f"ON CONFLICT ({', '.join(POSITION_KEY)}) DO UPDATE SET available = "
            "ledger_fundposition.available + excluded.available RETURNING unit_id, fund_id, restriction, available)"
        )
        params += pos_params
        select_positions = "SELECT unit_id, fund_id, restriction, available FROM p"
    bal_sql, bal_params = _values(balances, BALANCE_CASTS)
    parts.append(
        f"b AS (INSERT INTO ledger_ledgerbalance ({', '.join(BALANCE_COLUMNS)}) "
        f"SELECT v.* FROM e, (VALUES {bal_sql}) AS v({', '.join(BALANCE_COLUMNS)}) "
        f"ON CONFLICT ({', '.join(BALANCE_KEY)}) DO UPDATE SET debit = ledger_ledgerbalance.debit + excluded.debit, "
        "credit = ledger_ledgerbalance.credit + excluded.credit)"
    )
    params += bal_params
    sql = (
        "WITH " + ", ".join(parts) + " "
        f"SELECT 'e', (SELECT id FROM e), {period_sql}::bigint, (SELECT n FROM acc), NULL::varchar, NULL::bigint "
        f"UNION ALL SELECT 'p', NULL, * FROM ({select_positions}) AS pos"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    head = next(row for row in rows if row[0] == "e")
    # head[2]: 0 open, 1 closed, None no row for the month yet; head[3]: accounts that passed the check
    if head[1] is None and head[3] != len(checked):
        raise StaleChart(institution_id)
    return head[1], head[2], [row[2:] for row in rows if row[0] == "p"]


def _post_pg(
    *,
    actor,
    unit,
    entry_date,
    source,
    flow_source,
    source_ref,
    idempotency_key,
    print_,
    memo,
    total,
    lines,
    reverses,
    reason,
    now,
    period_check: bool,
    allow_inactive: bool = False,
) -> JournalEntry:
    """The posting write on PostgreSQL, in one round trip (see ``_insert_posted_pg``).

    The key pre-check and the period check ride in the same statement: nothing is
    written when the key is taken or the month is closed, and only then is the
    existing entry (a replay) or the period (its name for the message) looked up.
    """
    institution_id = unit.institution_id
    created_by = actor if actor is not None and actor.is_authenticated else None
    values = {
        "institution_id": institution_id,
        "unit_id": unit.pk,
        "entry_date": entry_date,
        "status": EntryStatus.POSTED,
        "source": source,
        "flow_source": flow_source,
        "source_ref": source_ref,
        "idempotency_key": idempotency_key,
        "fingerprint": print_,
        "memo": memo,
        "total": total,
        "draft_lines": "[]",
        "created_by_id": created_by.pk if created_by else None,
        "created_at": now,
        "posted_at": now,
        "reverses_id": reverses.pk if reverses is not None else None,
        "reason": reason,
    }
    positions = _position_deltas(lines)
    balances = _balance_rows(institution_id, entry_date, flow_source, lines)
    period = (entry_date.year, entry_date.month) if period_check else None
    for _attempt in range(2):
        entry_id, period_state, result = _insert_posted_pg(
            entry_values=values,
            lines=lines,
            entry_date=entry_date,
            positions=positions,
            balances=balances,
            institution_id=institution_id,
            period=period,
            allow_inactive=allow_inactive,
        )
        if period is None or period_state is not None:
            break
        period_row(institution_id, *period)  # the month's first posting: create its period row, then again
    if entry_id is None:
        # The key is taken (a retry, or a concurrent request that committed first), or the month is closed.
        existing = _existing(institution_id, idempotency_key)
        if existing is not None:
            return _replay_or_conflict(existing, print_)
        check_period_open(institution_id, entry_date)  # raises PeriodClosed with the period's name
        raise EntryRefused(_("The entry could not be posted; try again."))
    if flow_source in GUARDED_SOURCES:
        _guard_positions(positions, result, lines)  # raising rolls the calling service's transaction back
    entry = JournalEntry(
        pk=entry_id,
        unit=unit,
        created_by=created_by,
        reverses=reverses,
        draft_lines=[],
        **{k: v for k, v in values.items() if k not in ("unit_id", "created_by_id", "reverses_id", "draft_lines")},
    )
    entry._state.adding = False
    entry._state.db = connection.alias
    entry.replayed = False
    return entry


def _existing(institution_id: int, idempotency_key: str) -> JournalEntry | None:
    return JournalEntry.objects.filter(institution_id=institution_id, idempotency_key=idempotency_key).first()


def _replay_or_conflict(existing: JournalEntry, print_: str) -> JournalEntry:
    if existing.status == EntryStatus.POSTED and existing.fingerprint == print_:
        existing.replayed = True
        return existing
    raise IdempotencyConflict(
        _("This request key was already used for a different entry (#%(pk)s); nothing was posted.")
        % {"pk": existing.pk},
        field="idempotency_key",
    )


def post_lines(
    *,
    actor,
    unit: Unit,
    entry_date: date,
    source: str,
    source_ref: str = "",
    idempotency_key: str,
    memo: str = "",
    lines: list[ResolvedLine],
    flow_source: str | None = None,
    reverses: JournalEntry | None = None,
    reason: str = "",
    inter_office: bool = False,
    mirror: bool = False,
    draft: JournalEntry | None = None,
    period_locked: bool = False,
    cached_chart: bool = False,
) -> JournalEntry:
    """Validate and post resolved lines as one entry (internal: callers have checked permissions).

    Returns the new entry, or the existing one when the same ``idempotency_key``
    is replayed with the same content (``entry.replayed`` is then True). A
    ``draft`` is turned into the posted entry instead of creating a row.
    """
    institution_id = unit.institution_id
    if not isinstance(idempotency_key, str) or not idempotency_key.strip() or len(idempotency_key) > 200:
        raise EntryRefused(_("A request key of 1 to 200 characters is required."), field="idempotency_key")
    if not isinstance(entry_date, date):
        raise EntryRefused(_("Enter a valid date."), field="entry_date")
    flow_source = flow_source or source
    print_ = fingerprint(
        unit_id=unit.pk, entry_date=entry_date, source=source, source_ref=source_ref, memo=memo, lines=lines
    )
    fast = draft is None and connection.vendor == "postgresql"
    if not fast:
        existing = JournalEntry.objects.filter(institution_id=institution_id, idempotency_key=idempotency_key).first()
        if existing is not None:
            return _replay_or_conflict(existing, print_)
    try:
        total = validate_lines(lines, inter_office=inter_office, mirror=mirror)
    except LedgerError:
        if cached_chart:
            raise StaleChart(institution_id) from None  # judge it again on fresh accounts before refusing
        # The fast path looks for a replay only when it has to: a retried request whose
        # content no longer passes (an account closed since) still gets its entry back.
        existing = _existing(institution_id, idempotency_key) if fast else None
        if existing is not None:
            return _replay_or_conflict(existing, print_)
        raise
    now = timezone.now()
    if fast:
        try:
            return _post_pg(
                period_check=not period_locked,
                allow_inactive=mirror,
                actor=actor,
                unit=unit,
                entry_date=entry_date,
                source=source,
                flow_source=flow_source,
                source_ref=source_ref,
                idempotency_key=idempotency_key,
                print_=print_,
                memo=memo,
                total=total,
                lines=lines,
                reverses=reverses,
                reason=reason,
                now=now,
            )
        except StaleChart:
            if cached_chart:
                raise  # entry_post looks the accounts up afresh and tries once more
            raise EntryRefused(_("The chart of accounts changed while posting; try again.")) from None
    if not period_locked:
        check_period_open(institution_id, entry_date)
    try:
        with transaction.atomic():
            if draft is None:
                entry = JournalEntry(
                    institution_id=institution_id,
                    unit=unit,
                    entry_date=entry_date,
                    status=EntryStatus.POSTED,
                    source=source,
                    flow_source=flow_source,
                    source_ref=source_ref,
                    idempotency_key=idempotency_key,
                    fingerprint=print_,
                    memo=memo,
                    total=total,
                    created_by=actor if actor is not None and actor.is_authenticated else None,
                    posted_at=now,
                    reverses=reverses,
                    reason=reason,
                )
                # A posted entry never changes: its row is its own record, so it gets no history row.
                # Drafts (which do change before approval) keep their field-level history.
                entry.skip_history_when_saving = True
                entry.save(force_insert=True)
            else:
                entry = draft
                changed = JournalEntry.objects.filter(pk=draft.pk, status=EntryStatus.DRAFT).update(
                    status=EntryStatus.POSTED,
                    idempotency_key=idempotency_key,
                    fingerprint=print_,
                    total=total,
                    posted_at=now,
                    approved_by=actor,
                )
                if changed != 1:
                    from satuatap.ledger.errors import ApprovalRefused

                    raise ApprovalRefused(_("This draft has already been approved or discarded."))
                entry.status, entry.idempotency_key, entry.fingerprint = EntryStatus.POSTED, idempotency_key, print_
                entry.total, entry.posted_at, entry.approved_by = total, now, actor
            JournalLine.objects.bulk_create(
                [
                    JournalLine(
                        entry=entry,
                        account=line.account,
                        fund=line.fund,
                        unit=line.unit,
                        restriction=line.restriction,
                        counterparty=line.counterparty,
                        entry_date=entry_date,
                        debit=line.debit,
                        credit=line.credit,
                        memo=line.memo,
                    )
                    for line in lines
                ]
            )
            _apply_positions(institution_id, lines, guard=flow_source in GUARDED_SOURCES)
            _apply_balances(institution_id, entry, lines)
    except IntegrityError:
        # A concurrent request with the same key committed first.
        existing = JournalEntry.objects.filter(institution_id=institution_id, idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return _replay_or_conflict(existing, print_)
    entry.replayed = False
    return entry


def check_works_in(actor, units) -> None:
    """The actor must hold a role other than auditor on every unit (system callers pass ``actor=None``)."""
    if actor is None:
        return
    for unit in units:
        if not roles_on(actor, unit) - {Role.AUDITOR}:
            raise NotAllowed(_("You do not work in %(unit)s.") % {"unit": unit.name})


def entry_post(
    *,
    actor,
    unit: Unit,
    entry_date: date,
    source: str,
    source_ref: str = "",
    idempotency_key: str,
    memo: str = "",
    lines: list[LineSpec],
    savepoint: bool = True,
) -> JournalEntry:
    """Post a donation or disbursement entry for another app (collection, distribution).

    The calling service authorises its own business action; here the actor must
    work (in a role other than auditor) in every unit the lines touch
    (``actor=None`` for system jobs). Every
    entry balances in total, per fund and per office; a disbursement may not take a fund of
    a unit below zero. Replaying ``idempotency_key`` with the same content
    returns the first entry (``entry.replayed`` True) and posts nothing; with
    other content it raises ``IdempotencyConflict``.
    """
    # A caller already in its own transaction (a donation) may skip the savepoint: two round
    # trips fewer, and any error here rolls the caller's whole transaction back anyway.
    with transaction.atomic(savepoint=savepoint):
        if source not in EXTERNAL_SOURCES:
            raise EntryRefused(
                _("Entries of this source are posted by the ledger's own actions, not directly."), field="source"
            )
        if not isinstance(source_ref, str) or len(source_ref) > 100:
            raise EntryRefused(_("The source reference must be text of at most 100 characters."), field="source_ref")
        fast = connection.vendor == "postgresql"
        for attempt in (1, 2):
            resolved = resolve_lines(
                unit.institution_id, unit, lines, cached=fast and attempt == 1, refresh=fast and attempt == 2
            )
            check_works_in(actor, [unit, *{line.unit.pk: line.unit for line in resolved}.values()])
            try:
                return post_lines(
                    actor=actor,
                    unit=unit,
                    entry_date=entry_date,
                    source=source,
                    source_ref=source_ref,
                    idempotency_key=idempotency_key,
                    memo=memo or "",
                    lines=resolved,
                    cached_chart=fast and attempt == 1,
                )
            except StaleChart:
                chart_forget(unit.institution_id)  # then look everything up afresh, once
                if attempt == 2:
                    raise EntryRefused(_("The chart of accounts changed while posting; try again.")) from None
        raise AssertionError("unreachable")
