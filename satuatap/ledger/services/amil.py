"""The amil share (hak amil) taken from receipts, per PSAK 109.

For each fund with a rate, the share of its (net) receipts moves to the amil fund:

    source fund:  Dr "amil share" distribution (for zakat: asnaf amil)  / Cr the unit's cash
    amil fund:    Dr the unit's cash                                    / Cr "amil share received from <fund>"

Each receipt entry (source donation, or the reversal of one) is allocated once:
an ``AmilShareMark`` ties it to the allocation that took its share, so the
periodic batch and the per-receipt call never take the same receipt twice and a
batch re-run posts nothing. A reversed receipt brings a negative base, which the
next allocation gives back to its fund. Shares are rounded by ``core.money``.
"""

import calendar
import hashlib
from datetime import date

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from satuatap.core.money import share_of
from satuatap.ledger.chart import amil_paid_key, amil_received_key, cash_key
from satuatap.ledger.errors import InsufficientFunds, LedgerError
from satuatap.ledger.models import (
    AccountRole,
    AmilRate,
    AmilShareMark,
    EntryStatus,
    Fund,
    FundKind,
    JournalEntry,
    JournalLine,
    Source,
)
from satuatap.ledger.services.lookups import system_accounts
from satuatap.ledger.services.posting import ResolvedLine, check_works_in, post_lines
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import require


def _rates(institution_id: int) -> dict[str, int]:
    rates = AmilRate.objects.filter(institution_id=institution_id, basis_points__gt=0)
    return {r.fund_kind: r.basis_points for r in rates if r.fund_kind not in (FundKind.AMIL, FundKind.NON_HALAL)}


def _allocate(*, actor, unit: Unit, entries, entry_date: date, idempotency_key: str, source_ref: str, memo: str):
    rates = _rates(unit.institution_id)
    entry_ids = list(entries.values_list("pk", flat=True))
    if not entry_ids or not rates:
        return None
    bases = (
        JournalLine.objects.filter(
            entry_id__in=entry_ids, account__role=AccountRole.RECEIPT, account__fund_kind__in=list(rates)
        )
        .values("unit_id", "fund_id", "restriction")
        .annotate(credit=Sum("credit"), debit=Sum("debit"))
        .order_by("unit_id", "fund_id", "restriction")
    )
    funds = {f.pk: f for f in Fund.objects.filter(institution_id=unit.institution_id)}
    amil = next(f for f in funds.values() if f.kind == FundKind.AMIL)
    shares = []
    for row in bases:
        fund = funds[row["fund_id"]]
        share = share_of(row["credit"] - row["debit"], rates[fund.kind])
        if share:
            shares.append((row["unit_id"], fund, row["restriction"], share))
    if not shares:
        return None
    units = Unit.objects.in_bulk({s[0] for s in shares})
    keys = {cash_key(u) for u in units} | {amil_paid_key(s[1].kind) for s in shares}
    keys |= {amil_received_key(s[1].kind) for s in shares}
    accounts = system_accounts(unit.institution_id, keys)
    lines = []
    for unit_id, fund, restriction, share in shares:
        cash = accounts[cash_key(unit_id)]
        line_unit = units[unit_id]
        amount, forward = abs(share), share > 0

        def pair(debit_account, credit_account, line_fund, line_restriction, u=line_unit, amount=amount):
            return [
                ResolvedLine(debit_account, line_fund, u, line_restriction, None, amount, 0, ""),
                ResolvedLine(credit_account, line_fund, u, line_restriction, None, 0, amount, ""),
            ]

        paid, received = accounts[amil_paid_key(fund.kind)], accounts[amil_received_key(fund.kind)]
        if forward:
            lines += pair(paid, cash, fund, restriction) + pair(cash, received, amil, "")
        else:  # net reversals: give the share back
            lines += pair(cash, paid, fund, restriction) + pair(received, cash, amil, "")
    try:
        allocation = post_lines(
            actor=actor,
            unit=unit,
            entry_date=entry_date,
            source=Source.AMIL_SHARE,
            source_ref=source_ref,
            idempotency_key=idempotency_key,
            memo=memo,
            lines=lines,
        )
    except InsufficientFunds as exc:
        # The fund was spent before its share was taken: the share cannot come out of money it no longer has.
        raise InsufficientFunds(
            _(
                "The amil share cannot be posted: %(detail)s Run it again once the fund holds enough (new "
                "receipts, or an allocation from a higher office); take the amil share before a month's receipts "
                "are distributed."
            )
            % {"detail": " ".join(exc.messages)}
        ) from exc
    if not allocation.replayed:
        AmilShareMark.objects.bulk_create(
            [AmilShareMark(source_entry_id=pk, allocation_entry=allocation) for pk in entry_ids]
        )
    return allocation


def _receipts():
    return JournalEntry.objects.filter(
        status=EntryStatus.POSTED, flow_source=Source.DONATION, amil_mark__isnull=True
    ).order_by("pk")


@transaction.atomic
def amil_share_allocate(
    *, actor, unit: Unit, year: int, month: int, entry_date: date | None = None
) -> JournalEntry | None:
    """Periodic batch: take the amil share of the unit's receipts of a month not yet allocated.

    Posts one entry (dated the month's last day unless ``entry_date`` is given)
    and returns it, or None when there is nothing to allocate (a re-run posts nothing).
    """
    require(actor, "ledger.post", unit)
    if not (isinstance(year, int) and isinstance(month, int) and 1 <= month <= 12 and 2000 <= year <= 2200):
        raise LedgerError(_("Choose a valid month."), field="month")
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    entries = _receipts().filter(unit=unit, entry_date__gte=first, entry_date__lte=last)
    ids = ",".join(str(pk) for pk in entries.values_list("pk", flat=True))
    digest = hashlib.sha256(ids.encode()).hexdigest()[:24]
    return _allocate(
        actor=actor,
        unit=unit,
        entries=entries,
        entry_date=entry_date or last,
        idempotency_key=f"amil:{unit.pk}:{year}-{month:02d}:{digest}",
        source_ref=f"{year}-{month:02d}",
        memo=_("Amil share of receipts of %(period)s") % {"period": f"{year}-{month:02d}"},
    )


@transaction.atomic
def amil_share_allocate_receipt(*, actor, entry: JournalEntry) -> JournalEntry | None:
    """Per-receipt mode: take the amil share of one receipt entry right after it is posted.

    Collection calls this after posting a donation (it authorises; the actor must
    work in the entry's unit). Returns None if the receipt was already allocated
    or carries no share.
    """
    entry = JournalEntry.objects.select_related("unit").get(pk=entry.pk)
    check_works_in(actor, [entry.unit])
    if entry.status != EntryStatus.POSTED or entry.flow_source != Source.DONATION:
        raise LedgerError(_("The amil share is taken only from posted receipts."))
    entries = _receipts().filter(pk=entry.pk)
    return _allocate(
        actor=actor,
        unit=entry.unit,
        entries=entries,
        entry_date=entry.entry_date,
        idempotency_key=f"amil:receipt:{entry.pk}",
        source_ref=str(entry.pk),
        memo=_("Amil share of entry #%(pk)s") % {"pk": entry.pk},
    )
