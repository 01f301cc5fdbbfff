"""Reversals and manual entries (maker-checker)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record
from satuatap.core.errors import Refusals, combined
from satuatap.ledger.errors import (
    ApprovalRefused,
    EntryAlreadyReversed,
    EntryImmutable,
    EntryRefused,
    LedgerError,
    ReversalRefused,
)
from satuatap.ledger.models import EntryStatus, JournalEntry, JournalLine, Source
from satuatap.ledger.services.posting import (
    EXTERNAL_SOURCES,
    LineSpec,
    ResolvedLine,
    check_period_open,
    check_works_in,
    post_lines,
    resolve_lines,
    validate_lines,
)
from satuatap.ledger.services.restrictions import restricted_specs
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import require

# Why the ledger itself (its page, its API) does not reverse an entry another module made.
OWNED_ELSEWHERE = _lazy(
    "Entries of donations, disbursements, goods stock and loan repayments are corrected in the module "
    "that made them (void the receipt, correct the stock or the loan)."
)
# Entries the ledger never reverses, whoever asks (each refusal below says why).
NEVER_REVERSED = frozenset({Source.CLOSE, Source.AMIL_SHARE, Source.REVERSAL})


def reversible_in_ledger(entry: JournalEntry) -> bool:
    """Whether the ledger's own "reverse" action applies to ``entry`` (posted, not yet reversed, and
    of a kind the ledger owns); the service still checks everything when asked."""
    return (
        entry.status == EntryStatus.POSTED
        and entry.source not in EXTERNAL_SOURCES
        and entry.source not in NEVER_REVERSED
        and not entry.reverses_id
        and not hasattr(entry, "reversed_by")
    )


def reversal_fields_check(entry: JournalEntry, **fields) -> None:
    """Refuse, naming both at once, a reversal's ``reason`` (required) and its ``entry_date`` (not before
    the entry, in an open month); a field left out or empty is not checked (a form has refused it already)."""
    refusals = Refusals()
    if "reason" in fields:
        with refusals.check():
            if not (fields["reason"] or "").strip():
                raise ReversalRefused(_("Say why the entry is reversed."), field="reason")
    entry_date = fields.get("entry_date")
    if entry_date is not None:
        with refusals.check():
            if entry_date < entry.entry_date:
                raise ReversalRefused(_("A reversal cannot be dated before the entry it reverses."), field="entry_date")
            check_period_open(entry.institution_id, entry_date)
    refusals.raise_any(ReversalRefused)


@transaction.atomic
def entry_reverse(
    *, actor, entry: JournalEntry, reason: str, entry_date: date | None = None, by_owner: bool = False
) -> JournalEntry:
    """Undo a posted entry by posting its mirror image (debits and credits swapped).

    An entry is reversed at most once; closing entries, amil share allocations and
    reversals are never reversed. Entries another module made (donations,
    disbursements, stock, loan repayments) are reversed only by that module, which
    passes ``by_owner=True`` after authorising its own action (a receipt void); the
    actor must then work in the entry's units. The ledger's own entries need the
    ``ledger.post`` capability on every unit the reversal writes into; a transfer,
    posted by the sending office for both sides, is reversed by that office.
    The reversal is dated today (the unit's local date) unless ``entry_date`` is given.
    """
    entry = JournalEntry.objects.select_for_update().select_related("unit").get(pk=entry.pk)
    lines = list(JournalLine.objects.filter(entry=entry).select_related("account", "fund", "unit", "counterparty"))
    units = [entry.unit, *{line.unit_id: line.unit for line in lines if line.unit_id != entry.unit_id}.values()]
    if entry.source in EXTERNAL_SOURCES and by_owner:
        check_works_in(actor, units)
    elif entry.source == Source.TRANSFER:
        require(actor, "ledger.post", entry.unit)  # as transfer_post: the sender posts both offices' lines
    else:
        for unit in units:
            require(actor, "ledger.post", unit)
    if entry.source in EXTERNAL_SOURCES and not by_owner:
        # Their receipt, disbursement, stock move or repayment must be undone with them.
        raise ReversalRefused(str(OWNED_ELSEWHERE))
    if entry.status != EntryStatus.POSTED:
        raise ReversalRefused(_("Only a posted entry can be reversed; a draft can be changed or discarded."))
    if entry.source == Source.CLOSE:
        raise ReversalRefused(_("A year-end closing entry cannot be reversed."))
    if entry.source == Source.AMIL_SHARE:
        raise ReversalRefused(
            _("An amil share allocation cannot be reversed; reverse the receipt and its share comes back.")
        )
    if entry.source == Source.REVERSAL:
        raise ReversalRefused(_("A reversal cannot itself be reversed; post the original entry again instead."))
    if hasattr(entry, "reversed_by"):
        raise EntryAlreadyReversed(
            _("This entry was already reversed by entry #%(pk)s.") % {"pk": entry.reversed_by.pk}
        )
    reason = (reason or "").strip()
    if entry_date is None:
        entry_date = max(timezone.localdate(timezone=entry.unit.tzinfo), entry.entry_date)
    reversal_fields_check(entry, reason=reason, entry_date=entry_date)
    mirrored = [
        ResolvedLine(
            account=line.account,
            fund=line.fund,
            unit=line.unit,
            restriction=line.restriction,
            counterparty=line.counterparty,
            debit=line.credit,
            credit=line.debit,
            memo=line.memo,
        )
        for line in lines
    ]
    reversal = post_lines(
        actor=actor,
        unit=entry.unit,
        entry_date=entry_date,
        source=Source.REVERSAL,
        flow_source=entry.flow_source,
        source_ref=str(entry.pk),
        idempotency_key=f"reversal:{entry.pk}",
        memo=_("Reversal of entry #%(pk)s: %(reason)s") % {"pk": entry.pk, "reason": reason},
        lines=mirrored,
        reverses=entry,
        reason=reason,
        inter_office=True,
        mirror=True,
    )
    audit_record(
        actor=actor,
        action=AuditAction.LEDGER_ENTRY_REVERSED,
        target=entry,
        unit=entry.unit,
        changes={"reversed_by": [None, reversal.pk]},
        note=reason,
    )
    return reversal


def _check_draft(actor, unit: Unit, entry_date, memo: str, lines: list[LineSpec]) -> tuple[list, int]:
    """Check a draft; refuse naming every bad part at once (the date, the memo, the lines)."""
    refusals: list[ValidationError] = []
    try:
        check_period_open(unit.institution_id, entry_date)
    except LedgerError as exc:
        refusals.append(exc)
    if not (memo or "").strip():
        refusals.append(EntryRefused(_("Explain the entry in the memo."), field="memo"))
    resolved, total = None, 0
    try:
        lines = restricted_specs(unit.institution_id, lines, held_tags=True)
        resolved = resolve_lines(unit.institution_id, unit, lines)
        for line_unit in {line.unit.pk: line.unit for line in resolved}.values():
            require(actor, "ledger.post", line_unit)
        total = validate_lines(resolved)
    except LedgerError as exc:
        refusals.append(exc)
    if len(refusals) == 1:
        raise refusals[0]  # its own type, as before
    if refusals:
        raise EntryRefused(combined(refusals))
    assert resolved is not None  # no refusal: the lines were resolved
    draft_lines = [{**spec.as_json(), "unit": line.unit.pk} for spec, line in zip(lines, resolved, strict=True)]
    return draft_lines, total


@transaction.atomic
def manual_entry_draft(*, actor, unit: Unit, entry_date: date, memo: str, lines: list[LineSpec]) -> JournalEntry:
    """Finance prepares a manual entry; it is posted only when another person (the office head) approves it."""
    require(actor, "ledger.post", unit)
    draft_lines, total = _check_draft(actor, unit, entry_date, memo, lines)
    return JournalEntry.objects.create(
        institution_id=unit.institution_id,
        unit=unit,
        entry_date=entry_date,
        status=EntryStatus.DRAFT,
        source=Source.MANUAL,
        flow_source=Source.MANUAL,
        memo=memo.strip(),
        total=total,
        draft_lines=draft_lines,
        created_by=actor,
        updated_by=actor,
    )


def _lock_draft(entry: JournalEntry) -> JournalEntry:
    entry = JournalEntry.objects.select_for_update().select_related("unit").get(pk=entry.pk)
    if entry.status == EntryStatus.POSTED:
        raise EntryImmutable()
    if entry.status != EntryStatus.DRAFT or entry.source != Source.MANUAL:
        raise ApprovalRefused(_("This draft was discarded."))
    return entry


@transaction.atomic
def manual_entry_update(
    *,
    actor,
    entry: JournalEntry,
    entry_date: date | None = None,
    memo: str | None = None,
    lines: list[LineSpec] | None = None,
) -> JournalEntry:
    """Change a draft (never a posted entry); the changer may not approve it either."""
    require(actor, "ledger.post", entry.unit)
    entry = _lock_draft(entry)
    entry_date = entry.entry_date if entry_date is None else entry_date
    memo = entry.memo if memo is None else memo
    if lines is None:
        lines = _specs_from_draft(entry)
    draft_lines, total = _check_draft(actor, entry.unit, entry_date, memo, lines)
    entry.entry_date, entry.memo, entry.draft_lines, entry.total = entry_date, memo.strip(), draft_lines, total
    entry.updated_by = actor
    entry.save(update_fields=["entry_date", "memo", "draft_lines", "total", "updated_by"])
    return entry


def _specs_from_draft(entry: JournalEntry) -> list[LineSpec]:
    units = Unit.objects.in_bulk({row["unit"] for row in entry.draft_lines})
    return [
        LineSpec(
            account=row["account"],
            fund=row["fund"],
            debit=row["debit"],
            credit=row["credit"],
            unit=units.get(row["unit"]),
            restriction=row.get("restriction", ""),
            memo=row.get("memo", ""),
        )
        for row in entry.draft_lines
    ]


def _draft_authors(entry: JournalEntry) -> set[int]:
    """Everyone who prepared or changed the draft at any time (its history rows keep each change)."""
    authors = {entry.created_by_id, entry.updated_by_id}
    for row in entry.history.values("created_by_id", "updated_by_id", "history_user_id"):
        authors.update(row.values())
    return {author for author in authors if author is not None}


@transaction.atomic
def manual_entry_approve(*, actor, entry: JournalEntry) -> JournalEntry:
    """The office head approves a draft, which posts it. Whoever prepared or last changed it cannot."""
    require(actor, "ledger.approve", entry.unit)
    entry = _lock_draft(entry)
    if actor.pk in _draft_authors(entry):
        raise ApprovalRefused(_("You prepared or changed this entry; another person must approve it."))
    specs = _specs_from_draft(entry)
    if any(spec.unit is None for spec in specs):
        raise ApprovalRefused(_("A unit of this draft no longer exists; change the draft."))
    specs = restricted_specs(entry.institution_id, specs, held_tags=True)
    resolved = resolve_lines(entry.institution_id, entry.unit, specs)
    for line_unit in {line.unit.pk: line.unit for line in resolved}.values():
        require(actor, "ledger.approve", line_unit)
    posted = post_lines(
        actor=actor,
        unit=entry.unit,
        entry_date=entry.entry_date,
        source=Source.MANUAL,
        idempotency_key=f"manual:{entry.pk}",
        memo=entry.memo,
        lines=resolved,
        draft=entry,
    )
    audit_record(
        actor=actor,
        action=AuditAction.LEDGER_ENTRY_APPROVED,
        target=posted,
        unit=posted.unit,
        changes={"status": [EntryStatus.DRAFT, EntryStatus.POSTED], "total": [None, posted.total]},
    )
    return posted


@transaction.atomic
def manual_entry_discard(*, actor, entry: JournalEntry) -> JournalEntry:
    """Drop a draft (finance withdraws it or the head rejects it); it stays on record as discarded."""
    from satuatap.organizations.permissions import can

    if not (can(actor, "ledger.post", entry.unit) or can(actor, "ledger.approve", entry.unit)):
        require(actor, "ledger.post", entry.unit)
    entry = _lock_draft(entry)
    entry.status = EntryStatus.DISCARDED
    entry.updated_by = actor
    entry.save(update_fields=["status", "updated_by"])
    audit_record(
        actor=actor,
        action=AuditAction.LEDGER_ENTRY_DISCARDED,
        target=entry,
        unit=entry.unit,
        changes={"status": [EntryStatus.DRAFT, EntryStatus.DISCARDED]},
    )
    return entry
