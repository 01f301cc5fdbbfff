"""The ORM path of posting (SQLite, and a draft turned into its posted entry on any database):
the entry, its lines and both rollups in a few statements inside one transaction, in posting's
lock order (see the package's docstring)."""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from satuatap.ledger.errors import ApprovalRefused
from satuatap.ledger.models import EntryStatus, FundPosition, JournalEntry, JournalLine, LedgerBalance
from satuatap.ledger.services.posting.rules import ResolvedLine, check_period_open, replay_or_conflict
from satuatap.ledger.services.posting.tables import (
    BALANCE_COLUMNS,
    BALANCE_KEY,
    POSITION_COLUMNS,
    POSITION_KEY,
    balance_rows,
    guard_positions,
    position_deltas,
    upsert,
)
from satuatap.organizations.models import Unit


def _apply_positions(institution_id: int, lines: list[ResolvedLine], *, guard: bool) -> None:
    deltas = position_deltas(lines)
    if not deltas:
        return
    rows = [(institution_id, *key, delta) for key, delta in deltas.items()]
    result = upsert(
        FundPosition._meta.db_table,
        POSITION_COLUMNS,
        POSITION_KEY,
        ["available"],
        rows,
        returning="unit_id, fund_id, restriction, available",
    )
    if guard:
        guard_positions(deltas, result, lines)


def _apply_balances(institution_id: int, entry: JournalEntry, lines: list[ResolvedLine]) -> None:
    rows = balance_rows(institution_id, entry.entry_date, entry.flow_source, lines)
    upsert(LedgerBalance._meta.db_table, BALANCE_COLUMNS, BALANCE_KEY, ["debit", "credit"], rows)


def post_orm(
    *,
    actor,
    unit: Unit,
    entry_date: date,
    source: str,
    flow_source: str,
    source_ref: str,
    idempotency_key: str,
    print_: str,
    memo: str,
    total: int,
    lines: list[ResolvedLine],
    reverses: JournalEntry | None,
    reason: str,
    now,
    draft: JournalEntry | None,
    period_check: bool,
    guard: bool,
) -> JournalEntry:
    """Write a validated entry (or post ``draft``) through the ORM; a replayed key returns its entry."""
    institution_id = unit.institution_id
    if period_check:
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
            _apply_positions(institution_id, lines, guard=guard)
            _apply_balances(institution_id, entry, lines)
    except IntegrityError:
        # A concurrent request with the same key committed first.
        existing = JournalEntry.objects.filter(institution_id=institution_id, idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return replay_or_conflict(existing, print_)
    entry.replayed = False
    return entry
