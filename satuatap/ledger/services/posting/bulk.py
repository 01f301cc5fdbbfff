"""Posting many donation entries at once, for imports: ``entries_post_bulk``.

The rules are those of ``entry_post``, applied by the same functions
(``resolve_lines``, ``validate_lines``, ``fingerprint``, ``check_period_open``,
``position_deltas``, ``balance_rows``); only the writing is set-wise. Every entry
still balances in total, per fund and per office, and carries its own unique request key, but
the entries and their lines go in with one ``COPY`` each (PostgreSQL; batched
inserts elsewhere) and the rollups with one aggregated upsert per table instead of
one per entry. Lock order is posting's: the months' period rows (shared), the
entries, ``FundPosition`` rows sorted, ``LedgerBalance`` rows sorted.

Only donations are posted this way: they never take a fund below zero, so the
per-entry availability guard of disbursements and transfers does not apply.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.ledger.errors import EntryRefused, IdempotencyConflict
from satuatap.ledger.models import EntryStatus, FundPosition, JournalEntry, JournalLine, LedgerBalance, Source
from satuatap.ledger.services.posting.rules import (
    MAX_LINES,
    LineSpec,
    check_period_open,
    check_works_in,
    fingerprint,
    resolve_lines,
    validate_lines,
)
from satuatap.ledger.services.posting.tables import (
    BALANCE_COLUMNS,
    BALANCE_KEY,
    ENTRY_INSERT_COLUMNS,
    POSITION_COLUMNS,
    POSITION_KEY,
    balance_rows,
    merged_balance_rows,
    position_deltas,
    upsert,
)
from satuatap.organizations.models import Unit

CHUNK = 5000


@dataclass
class BulkEntry:
    """One entry to post: as ``entry_post`` takes it, less the actor, unit and source the batch shares."""

    entry_date: date
    idempotency_key: str
    lines: list[LineSpec]
    source_ref: str = ""
    memo: str = ""


# --- writing many rows ----------------------------------------------------------------------------------


def allocate_ids(model, count: int) -> list[int]:
    """``count`` fresh primary keys of ``model``'s table, so that rows referring to each other can be
    written in one go. Call inside the transaction that inserts them."""
    if count <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the writing transaction holds the database lock, so nobody else takes ids meanwhile.
        quote = connection.ops.quote_name
        cursor.execute(f"SELECT max(id) FROM {quote(table)}")  # noqa: S608 - a model's own table name
        highest = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        start = max(highest, row[0] if row else 0) + 1
        return list(range(start, start + count))


def insert_rows(model, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert plain rows (``columns`` are column names, values ready for the database, JSON as text).

    PostgreSQL: one ``COPY ... FROM STDIN``; other databases: batched INSERTs, each value
    prepared by its model field. Returns the number of rows written.
    """
    table = model._meta.db_table
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # psycopg's own errors, as Django's (IntegrityError, DataError, ...), like any query's.
            with connection.wrap_database_errors, cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        fields = {f.column: f for f in model._meta.concrete_fields}
        convert = [_converter(fields[c]) for c in columns]
        sql = f"INSERT INTO {quote(table)} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
        batch = []
        for row in rows:
            batch.append(
                [value if value is None or to is None else to(value) for to, value in zip(convert, row, strict=True)]
            )
            if len(batch) >= 1000:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _converter(field):
    """How a value of ``field`` is written by a plain INSERT (None: as it is; JSON arrives as text)."""
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return connection.ops.adapt_datetimefield_value
    if kind == "DateField":
        return connection.ops.adapt_datefield_value
    if kind in ("DecimalField", "BooleanField"):
        return lambda value: field.get_db_prep_save(value, connection)
    return None


# --- posting -----------------------------------------------------------------------------------------------

# Posting's own column list, with the id taken ahead and no reversal (imports post donations only).
ENTRY_COLUMNS = ["id", *(c for c in ENTRY_INSERT_COLUMNS if c != "reverses_id")]
LINE_COLUMNS = [
    "entry_id",
    "account_id",
    "fund_id",
    "unit_id",
    "restriction",
    "counterparty_id",
    "entry_date",
    "debit",
    "credit",
    "memo",
]


def _check_keys(entries: list[BulkEntry]) -> None:
    """Each key well formed and used once in the batch; a key used before is refused by the unique
    index when the entries are written (checking 100,000 keys first would cost a second pass)."""
    seen = set()
    for entry in entries:
        key = entry.idempotency_key
        if not isinstance(key, str) or not key.strip() or len(key) > 200:
            raise EntryRefused(_("A request key of 1 to 200 characters is required."), field="idempotency_key")
        if key in seen:
            raise IdempotencyConflict(
                _("The request key %(key)s appears twice in one batch.") % {"key": key}, field="idempotency_key"
            )
        seen.add(key)
        if not isinstance(entry.source_ref, str) or len(entry.source_ref) > 100:
            raise EntryRefused(_("The source reference must be text of at most 100 characters."), field="source_ref")
        if not isinstance(entry.entry_date, date):
            raise EntryRefused(_("Enter a valid date."), field="entry_date")


def _insert_entries(ids, institution_id, unit, entries, totals, prints, source, created_by, now) -> None:
    insert_rows(
        JournalEntry,
        ENTRY_COLUMNS,
        (
            (
                pk,
                institution_id,
                unit.pk,
                entry.entry_date,
                EntryStatus.POSTED.value,
                source,
                source,
                entry.source_ref,
                entry.idempotency_key,
                print_,
                entry.memo,
                total,
                "[]",
                created_by,
                now,
                now,
                "",
            )
            for pk, entry, total, print_ in zip(ids, entries, totals, prints, strict=True)
        ),
    )


def _resolve_all(institution_id: int, unit: Unit, entries: list[BulkEntry]) -> list[list]:
    """Resolve every entry's lines with ``resolve_lines``, many entries per call (one fund look-up each)."""
    resolved: list[list] = []
    pending: list[BulkEntry] = []
    size = 0

    def flush():
        flat = [spec for entry in pending for spec in entry.lines]
        lines = resolve_lines(institution_id, unit, flat)
        at = 0
        for entry in pending:
            resolved.append(lines[at : at + len(entry.lines)])
            at += len(entry.lines)

    for entry in entries:
        if not isinstance(entry.lines, (list, tuple)) or not entry.lines:
            raise EntryRefused(_("An entry needs at least two lines."), field="lines")
        if size + len(entry.lines) > MAX_LINES and pending:
            flush()
            pending, size = [], 0
        pending.append(entry)
        size += len(entry.lines)
    if pending:
        flush()
    return resolved


@transaction.atomic
def entries_post_bulk(*, actor, unit: Unit, entries: list[BulkEntry], source: str = Source.DONATION) -> list[int]:
    """Post many donation entries of ``unit`` in one transaction; return their ids in the given order.

    Each entry is checked as ``entry_post`` checks it (accounts, funds and units of the
    institution, balanced in total and per fund, open month, the actor works in every unit
    touched). Any refusal refuses the whole batch and nothing is written. A request key
    already used, or used twice in the batch, refuses the batch too (``IdempotencyConflict``):
    a bulk post is never a replay.
    """
    if source != Source.DONATION:
        raise EntryRefused(_("Only donations can be posted in bulk."), field="source")
    if not entries:
        return []
    institution_id = unit.institution_id
    _check_keys(entries)
    resolved = _resolve_all(institution_id, unit, entries)
    units = {unit.pk: unit}
    for lines in resolved:
        for line in lines:
            units.setdefault(line.unit.pk, line.unit)
    check_works_in(actor, units.values())
    totals, prints = [], []
    for entry, lines in zip(entries, resolved, strict=True):
        totals.append(validate_lines(lines))
        prints.append(
            fingerprint(
                unit_id=unit.pk,
                entry_date=entry.entry_date,
                source=source,
                source_ref=entry.source_ref,
                memo=entry.memo,
                lines=lines,
            )
        )
    for year, month in sorted({(e.entry_date.year, e.entry_date.month) for e in entries}):
        check_period_open(institution_id, date(year, month, 1))  # share-locks the month, as posting does
    now = timezone.now()
    created_by = actor.pk if actor is not None and actor.is_authenticated else None
    ids = allocate_ids(JournalEntry, len(entries))
    try:
        with transaction.atomic():
            _insert_entries(ids, institution_id, unit, entries, totals, prints, source, created_by, now)
    except IntegrityError:
        # The unique (institution, request key) index refused a key already used: the batch goes.
        raise IdempotencyConflict(
            _("A request key of this batch was already used for another entry; nothing was posted."),
            field="idempotency_key",
        ) from None
    insert_rows(
        JournalLine,
        LINE_COLUMNS,
        (
            (
                pk,
                line.account.id,
                line.fund.id,
                line.unit.id,
                line.restriction,
                line.counterparty.id if line.counterparty is not None else None,
                entry.entry_date,
                line.debit,
                line.credit,
                line.memo,
            )
            for pk, entry, lines in zip(ids, entries, resolved, strict=True)
            for line in lines
        ),
    )
    all_lines = [line for lines in resolved for line in lines]
    positions = position_deltas(all_lines)
    if positions:
        upsert(
            FundPosition._meta.db_table,
            POSITION_COLUMNS,
            POSITION_KEY,
            ["available"],
            [(institution_id, *key, delta) for key, delta in positions.items()],
        )
    balances = merged_balance_rows(
        row
        for entry, lines in zip(entries, resolved, strict=True)
        for row in balance_rows(institution_id, entry.entry_date, source, lines)
    )
    upsert(LedgerBalance._meta.db_table, BALANCE_COLUMNS, BALANCE_KEY, ["debit", "credit"], balances)
    return ids
