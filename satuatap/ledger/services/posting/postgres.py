"""The PostgreSQL path of posting: the entry, its lines and both rollups in ONE statement
(chained CTEs), with the request key's pre-check and the period check riding along.

On this kind of machine every round trip to the database costs more than the work it carries,
so posting sends one statement instead of seven. Its locks follow posting's order (see the
package's docstring): the period row share-locked, the entry row, ``FundPosition`` rows sorted,
``LedgerBalance`` rows sorted.
"""

from datetime import date
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from satuatap.ledger.errors import EntryRefused
from satuatap.ledger.models import EntryStatus, JournalEntry
from satuatap.ledger.services.posting.rules import (
    GUARDED_SOURCES,
    ResolvedLine,
    StaleChart,
    check_period_open,
    existing_entry,
    period_row,
    replay_or_conflict,
)
from satuatap.ledger.services.posting.tables import (
    BALANCE_COLUMNS,
    BALANCE_KEY,
    ENTRY_INSERT_COLUMNS,
    LINE_INSERT_COLUMNS,
    POSITION_COLUMNS,
    POSITION_KEY,
    balance_rows,
    guard_positions,
    position_deltas,
)

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


def insert_posted_pg(
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
    params: list[Any] = [[pk for pk, _code in checked], [code for _pk, code in checked], allow_inactive]
    guard = "(SELECT n FROM acc) = %s"
    if period is not None:
        # The month's row, share-locked as check_period_open would: a close waits for this posting.
        parts += [
            "per AS (SELECT is_closed FROM ledger_period WHERE institution_id = %s AND year = %s AND month = %s "
            "FOR SHARE)",
            f"e AS (INSERT INTO ledger_journalentry ({', '.join(ENTRY_INSERT_COLUMNS)}) SELECT {entry_sql} "  # noqa: S608
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
        f"l AS (INSERT INTO ledger_journalline (entry_id, entry_date, {', '.join(LINE_INSERT_COLUMNS)}) "  # noqa: S608
        f"SELECT e.id, %s::date, v.* FROM e, (VALUES {lines_sql}) AS v({', '.join(LINE_INSERT_COLUMNS)}))",
    ]
    params += [*(entry_values[c] for c in ENTRY_INSERT_COLUMNS), len(checked), entry_date, *lines_params]
    select_positions = "SELECT NULL::bigint, NULL::bigint, NULL::varchar, NULL::bigint WHERE false"
    if positions:
        pos_sql, pos_params = _values([(institution_id, *k, d) for k, d in positions.items()], POSITION_CASTS)
        parts.append(
            f"p AS (INSERT INTO ledger_fundposition ({', '.join(POSITION_COLUMNS)}) "  # noqa: S608
            f"SELECT v.* FROM e, (VALUES {pos_sql}) AS v({', '.join(POSITION_COLUMNS)}) "
            f"ON CONFLICT ({', '.join(POSITION_KEY)}) DO UPDATE SET available = "
            "ledger_fundposition.available + excluded.available RETURNING unit_id, fund_id, restriction, available)"
        )
        params += pos_params
        select_positions = "SELECT unit_id, fund_id, restriction, available FROM p"
    bal_sql, bal_params = _values(balances, BALANCE_CASTS)
    parts.append(
        f"b AS (INSERT INTO ledger_ledgerbalance ({', '.join(BALANCE_COLUMNS)}) "  # noqa: S608
        f"SELECT v.* FROM e, (VALUES {bal_sql}) AS v({', '.join(BALANCE_COLUMNS)}) "
        f"ON CONFLICT ({', '.join(BALANCE_KEY)}) DO UPDATE SET debit = ledger_ledgerbalance.debit + excluded.debit, "
        "credit = ledger_ledgerbalance.credit + excluded.credit)"
    )
    params += bal_params
    sql = (
        "WITH " + ", ".join(parts) + " "  # noqa: S608
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


def post_pg(
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
    """The posting write on PostgreSQL, in one round trip (see ``insert_posted_pg``).

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
    positions = position_deltas(lines)
    balances = balance_rows(institution_id, entry_date, flow_source, lines)
    period = (entry_date.year, entry_date.month) if period_check else None
    for _attempt in range(2):
        entry_id, period_state, result = insert_posted_pg(
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
        existing = existing_entry(institution_id, idempotency_key)
        if existing is not None:
            return replay_or_conflict(existing, print_)
        check_period_open(institution_id, entry_date)  # raises PeriodClosed with the period's name
        raise EntryRefused(_("The entry could not be posted; try again."))
    if flow_source in GUARDED_SOURCES:
        guard_positions(positions, result, lines)  # raising rolls the calling service's transaction back
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
