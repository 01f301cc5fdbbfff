"""The PSAK 109 statements read from the rollup: trial balance, general ledger (the one that reads
lines), financial position, changes in funds, changes in managed assets. Scope, periods and signs:
see ``figures``."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Sum

from satuatap.ledger.models import Account, AccountRole, AccountType, Fund, FundKind, JournalLine, LedgerBalance
from satuatap.ledger.selectors.figures import (
    EQUITY_TYPES,
    AccountRef,
    Comparative,
    MonthRange,
    account_ref,
    accounts_by_pk,
    comparative,
    funds_by_pk,
    months_before,
    natural,
    period_totals,
    scoped_rows,
    scoped_unit,
)
from satuatap.organizations.models import Unit

# --- trial balance -------------------------------------------------------------------------


@dataclass
class TrialBalanceRow:
    account: AccountRef
    fund_kind: str | None  # None when not split by fund
    opening: int
    debit: int
    credit: int
    closing: int


@dataclass
class TrialBalance:
    period: MonthRange
    rows: list[TrialBalanceRow]
    total_debit: int
    total_credit: int
    closing_debits: int  # sum of debit closing balances
    closing_credits: int


def trial_balance(
    user,
    unit: Unit,
    period: MonthRange,
    *,
    consolidated: bool = False,
    by_fund: bool = False,
    include_closing: bool = False,
    compare: MonthRange | None = None,
) -> Comparative[TrialBalance]:
    """Opening balance, period debits and credits, closing balance per account (and fund).

    ``include_closing`` adds the year-end closing entries of the period (post-closing
    balances); by default the balances are before closing.
    """
    unit = scoped_unit(user, unit)
    accounts = accounts_by_pk(unit.institution_id)
    funds = funds_by_pk(unit.institution_id)

    def compute(p: MonthRange) -> TrialBalance:
        keys = ("account_id", "fund_id") if by_fund else ("account_id",)
        rows = []
        for key, t in period_totals(unit, consolidated, p, keys).items():
            debit = t.debit + (t.close_debit if include_closing else 0)
            credit = t.credit + (t.close_credit if include_closing else 0)
            closing = t.opening + debit - credit
            if not (t.opening or debit or credit):
                continue
            account = accounts[key[0]]
            rows.append(
                TrialBalanceRow(
                    account_ref(account), funds[key[1]].kind if by_fund else None, t.opening, debit, credit, closing
                )
            )
        rows.sort(key=lambda r: (r.account.code, r.fund_kind or ""))
        return TrialBalance(
            period=p,
            rows=rows,
            total_debit=sum(r.debit for r in rows),
            total_credit=sum(r.credit for r in rows),
            closing_debits=sum(r.closing for r in rows if r.closing > 0),
            closing_credits=-sum(r.closing for r in rows if r.closing < 0),
        )

    return comparative(compute, period, compare)


# --- general ledger ------------------------------------------------------------------------


@dataclass
class LedgerLine:
    entry_id: int
    line_id: int
    entry_date: date
    source: str
    memo: str
    unit_id: int
    fund_kind: str
    restriction: str
    debit: int
    credit: int
    balance: int  # running, in the account's natural direction


@dataclass
class GeneralLedger:
    account: AccountRef
    period: MonthRange
    opening: int
    lines: list[LedgerLine]
    total_debit: int
    total_credit: int
    closing: int


def general_ledger(
    user,
    unit: Unit,
    account: Account,
    period: MonthRange,
    *,
    consolidated: bool = False,
    fund: Fund | None = None,
    limit: int | None = None,
) -> GeneralLedger:
    """The lines of one account in a period with their running balance (natural direction).

    The opening balance comes from the rollup; only the period's lines are read.
    ``limit`` caps the lines returned (pages); totals and closing always cover the period.
    """
    unit = scoped_unit(user, unit)
    if account.institution_id != unit.institution_id:
        raise ValueError("account of another institution")
    balances = scoped_rows(LedgerBalance, unit, consolidated, "counterparty_id").filter(
        account=account, **({"fund": fund} if fund else {})
    )
    before = balances.filter(months_before(period.start)).aggregate(d=Sum("debit"), c=Sum("credit"))
    opening = natural(account, (before["d"] or 0) - (before["c"] or 0))
    lines = (
        scoped_rows(JournalLine, unit, consolidated, "counterparty_id")
        .filter(account=account, entry_date__gte=period.first_day, entry_date__lte=period.last_day)
        .select_related("entry", "fund")
        .order_by("entry_date", "entry_id", "pk")
    )
    if fund is not None:
        lines = lines.filter(fund=fund)
    running = opening
    out: list[LedgerLine] = []
    total_debit = total_credit = 0
    for line in lines.iterator(chunk_size=2000):
        running += natural(account, line.debit - line.credit)
        total_debit += line.debit
        total_credit += line.credit
        if limit is None or len(out) < limit:
            out.append(
                LedgerLine(
                    line.entry_id,
                    line.pk,
                    line.entry_date,
                    line.entry.source,
                    line.memo or line.entry.memo,
                    line.unit_id,
                    line.fund.kind,
                    line.restriction,
                    line.debit,
                    line.credit,
                    running,
                )
            )
    return GeneralLedger(account_ref(account), period, opening, out, total_debit, total_credit, running)


# --- statement of financial position (Laporan Posisi Keuangan) ---------------------------------


@dataclass
class PositionLine:
    account: AccountRef
    amount: int


@dataclass
class FinancialPosition:
    as_of: date
    assets: list[PositionLine]
    liabilities: list[PositionLine]
    fund_balances: dict[str, int]  # fund kind -> net assets of the fund
    total_assets: int
    total_liabilities: int
    total_funds: int


def financial_position(
    user, unit: Unit, period: MonthRange, *, consolidated: bool = False, compare: MonthRange | None = None
) -> Comparative[FinancialPosition]:
    """Assets, liabilities and each fund's balance at the end of the period.

    A fund's balance is its net assets: fund balance accounts plus the receipts and
    minus the distributions not yet closed (so it is right before and after a year close).
    """
    unit = scoped_unit(user, unit)
    accounts = accounts_by_pk(unit.institution_id)
    funds = funds_by_pk(unit.institution_id)

    def compute(p: MonthRange) -> FinancialPosition:
        totals = period_totals(unit, consolidated, p, ("account_id", "fund_id"))
        per_account: dict[int, int] = defaultdict(int)
        fund_balances = {kind: 0 for kind in FundKind.values}
        for (account_id, fund_id), t in totals.items():
            account = accounts[account_id]
            if account.type in EQUITY_TYPES:
                fund_balances[funds[fund_id].kind] -= t.closing
            else:
                per_account[account_id] += t.closing
        assets = [
            PositionLine(account_ref(accounts[a]), amount)
            for a, amount in per_account.items()
            if accounts[a].type == AccountType.ASSET and amount
        ]
        liabilities = [
            PositionLine(account_ref(accounts[a]), -amount)
            for a, amount in per_account.items()
            if accounts[a].type == AccountType.LIABILITY and amount
        ]
        assets.sort(key=lambda r: r.account.code)
        liabilities.sort(key=lambda r: r.account.code)
        return FinancialPosition(
            as_of=p.last_day,
            assets=assets,
            liabilities=liabilities,
            fund_balances=fund_balances,
            total_assets=sum(r.amount for r in assets),
            total_liabilities=sum(r.amount for r in liabilities),
            total_funds=sum(fund_balances.values()),
        )

    return comparative(compute, period, compare)


# --- statement of changes in funds (Laporan Perubahan Dana) --------------------------------------


@dataclass
class FundChanges:
    fund_kind: str
    opening: int
    receipts: list[PositionLine] = field(default_factory=list)
    amil_share_received: list[PositionLine] = field(default_factory=list)
    amil_share_paid: int = 0
    distributions_by_asnaf: dict[str, int] = field(default_factory=dict)
    distributions_by_pillar: dict[str, int] = field(default_factory=dict)
    other_distributions: list[PositionLine] = field(default_factory=list)
    operating_expenses: list[PositionLine] = field(default_factory=list)
    transfers_in: int = 0
    transfers_out: int = 0
    other_changes: int = 0  # direct movements of the fund balance (opening balances, adjustments)
    closing: int = 0

    @property
    def total_receipts(self) -> int:
        return sum(r.amount for r in self.receipts) + sum(r.amount for r in self.amil_share_received)

    @property
    def total_distributions(self) -> int:
        return (
            self.amil_share_paid
            + sum(self.distributions_by_asnaf.values())
            + sum(self.distributions_by_pillar.values())
            + sum(r.amount for r in self.other_distributions)
            + sum(r.amount for r in self.operating_expenses)
        )


def changes_in_funds(
    user, unit: Unit, period: MonthRange, *, consolidated: bool = False, compare: MonthRange | None = None
) -> Comparative[dict[str, FundChanges]]:
    """Per fund: opening balance, receipts by type, amil share, distributions by asnaf and
    pillar, transfers between offices, closing balance. ``closing = opening + total_receipts
    - total_distributions + transfers_in - transfers_out + other_changes``."""
    unit = scoped_unit(user, unit)
    accounts = accounts_by_pk(unit.institution_id)
    funds = funds_by_pk(unit.institution_id)

    def compute(p: MonthRange) -> dict[str, FundChanges]:
        result = {kind: FundChanges(kind, 0) for kind in FundKind.values}
        for (account_id, fund_id), t in period_totals(unit, consolidated, p, ("account_id", "fund_id")).items():
            account = accounts[account_id]
            if account.type not in EQUITY_TYPES:
                continue
            changes = result[funds[fund_id].kind]
            changes.opening -= t.opening
            flow = t.debit - t.credit  # debit-positive, closing entries excluded
            if not flow:
                continue
            role = account.role
            if role == AccountRole.RECEIPT:
                changes.receipts.append(PositionLine(account_ref(account), -flow))
            elif role == AccountRole.AMIL_SHARE_RECEIVED:
                changes.amil_share_received.append(PositionLine(account_ref(account), -flow))
            elif role == AccountRole.AMIL_SHARE_PAID:
                changes.amil_share_paid += flow
            elif role == AccountRole.OPERATING_EXPENSE:
                changes.operating_expenses.append(PositionLine(account_ref(account), flow))
            elif role == AccountRole.DISTRIBUTION and account.asnaf:
                changes.distributions_by_asnaf[account.asnaf] = (
                    changes.distributions_by_asnaf.get(account.asnaf, 0) + flow
                )
            elif role == AccountRole.DISTRIBUTION and account.pillar:
                by_pillar = changes.distributions_by_pillar
                by_pillar[account.pillar] = by_pillar.get(account.pillar, 0) + flow
            elif role == AccountRole.DISTRIBUTION:
                changes.other_distributions.append(PositionLine(account_ref(account), flow))
            elif role == AccountRole.INTER_OFFICE:
                if flow > 0:
                    changes.transfers_out += flow
                else:
                    changes.transfers_in -= flow
            else:
                changes.other_changes -= flow
        for changes in result.values():
            changes.receipts.sort(key=lambda r: r.account.code)
            changes.closing = (
                changes.opening
                + changes.total_receipts
                - changes.total_distributions
                + changes.transfers_in
                - changes.transfers_out
                + changes.other_changes
            )
        return result

    return comparative(compute, period, compare)


# --- changes in managed assets (Laporan Perubahan Aset Kelolaan) --------------------------------


@dataclass
class ManagedAssetRow:
    account: AccountRef
    opening: int
    additions: int
    reductions: int
    closing: int


def managed_assets(
    user, unit: Unit, period: MonthRange, *, consolidated: bool = False, compare: MonthRange | None = None
) -> Comparative[list[ManagedAssetRow]]:
    """Opening, additions, reductions (incl. depreciation) and closing of managed-asset accounts; empty if none."""
    unit = scoped_unit(user, unit)
    accounts = accounts_by_pk(unit.institution_id)

    def compute(p: MonthRange) -> list[ManagedAssetRow]:
        rows = []
        for (account_id,), t in period_totals(unit, consolidated, p, ("account_id",)).items():
            account = accounts[account_id]
            if account.role != AccountRole.MANAGED_ASSET or not (t.opening or t.debit or t.credit):
                continue
            rows.append(
                ManagedAssetRow(account_ref(account), t.opening, t.debit, t.credit, t.opening + t.debit - t.credit)
            )
        return sorted(rows, key=lambda r: r.account.code)

    return comparative(compute, period, compare)
