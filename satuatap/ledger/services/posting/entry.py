"""Posting an entry: ``entry_post`` for other apps, ``post_lines`` for the ledger's own services.

Both check the rules (``rules``), then write through one path: the one-statement PostgreSQL
path (``postgres``) or the ORM path (``orm``; SQLite, and drafts posted on approval).
"""

from datetime import date

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.ledger.errors import EntryRefused, LedgerError
from satuatap.ledger.models import JournalEntry
from satuatap.ledger.services.lookups import chart_forget
from satuatap.ledger.services.posting.orm import post_orm
from satuatap.ledger.services.posting.postgres import post_pg
from satuatap.ledger.services.posting.rules import (
    EXTERNAL_SOURCES,
    GUARDED_SOURCES,
    LineSpec,
    ResolvedLine,
    StaleChart,
    check_works_in,
    existing_entry,
    fingerprint,
    replay_or_conflict,
    resolve_lines,
    validate_lines,
)
from satuatap.organizations.models import Unit


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
        existing = existing_entry(institution_id, idempotency_key)
        if existing is not None:
            return replay_or_conflict(existing, print_)
    try:
        total = validate_lines(lines, inter_office=inter_office, mirror=mirror)
    except LedgerError:
        if cached_chart:
            raise StaleChart(institution_id) from None  # judge it again on fresh accounts before refusing
        # The fast path looks for a replay only when it has to: a retried request whose
        # content no longer passes (an account closed since) still gets its entry back.
        existing = existing_entry(institution_id, idempotency_key) if fast else None
        if existing is not None:
            return replay_or_conflict(existing, print_)
        raise
    now = timezone.now()
    if fast:
        try:
            return post_pg(
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
    return post_orm(
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
        draft=draft,
        period_check=not period_locked,
        guard=flow_source in GUARDED_SOURCES,
    )


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
