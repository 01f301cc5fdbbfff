"""Posting to the journal: the one path by which money enters the ledger.

``entry_post`` is what other apps call (collection for donations, distribution
for disbursements); ``entries_post_bulk`` posts many donations at once (imports).
The ledger's own services (transfers, amil share, periods, manual entries,
reversals) use ``post_lines`` directly. One set of rules (``rules``: lines,
balance, accounts, open month, fingerprint, replays) and three ways of writing:
the ORM (``orm``), one PostgreSQL statement (``postgres``) and ``COPY`` for a
batch (``bulk``); ``tables`` says what each writes.

THE LOCK ORDER of the product. Every posting, in one transaction, takes its locks
in this order, so that concurrent postings (and a month's close) never deadlock:

1. the month's ``Period`` row, shared (a close takes it exclusively);
2. the new entry row (its idempotency key is unique: a concurrent replay waits here);
3. ``FundPosition`` rows, sorted, with the available-balance check for guarded sources;
4. ``LedgerBalance`` rows, sorted.

Another app that checks what a fund holds before it posts the spending (a
purchase into the goods stock) takes steps 1 and 3 first with
``fund_positions_hold``, inside its own transaction, and then posts.

Steps 3 and 4 are single ``INSERT ... ON CONFLICT DO UPDATE`` statements (same
syntax on PostgreSQL and SQLite), so a two-line entry costs about ten queries.
"""

from satuatap.ledger.services.posting.bulk import BulkEntry, allocate_ids, entries_post_bulk, insert_rows
from satuatap.ledger.services.posting.entry import entry_post, post_lines
from satuatap.ledger.services.posting.rules import (
    EXTERNAL_SOURCES,
    GUARDED_SOURCES,
    MAX_LINES,
    MAX_RESTRICTION,
    LineSpec,
    ResolvedLine,
    StaleChart,
    check_period_open,
    check_works_in,
    fingerprint,
    fund_positions_hold,
    period_row,
    resolve_lines,
    validate_lines,
)
from satuatap.ledger.services.posting.tables import contra_roles

__all__ = [
    "EXTERNAL_SOURCES",
    "GUARDED_SOURCES",
    "MAX_LINES",
    "MAX_RESTRICTION",
    "BulkEntry",
    "LineSpec",
    "ResolvedLine",
    "StaleChart",
    "allocate_ids",
    "check_period_open",
    "check_works_in",
    "contra_roles",
    "entries_post_bulk",
    "entry_post",
    "fingerprint",
    "fund_positions_hold",
    "insert_rows",
    "period_row",
    "post_lines",
    "resolve_lines",
    "validate_lines",
]
