"""PSAK 109 statements as plain data (dataclasses of ints), for pages, PDF, XLSX and the API.

Every report takes the reading ``user`` (checked for ``ledger.view`` on ``unit``
through the organizations selectors: 404 if out of scope), a ``unit`` and
``consolidated``: False reports that unit alone; True its whole subtree, with the
inter-office (RAK) lines between two units of the subtree eliminated (lines of
transfers with an office outside the subtree stay). Periods are month ranges
(``MonthRange``); ``compare`` is an optional second range reported alongside
(``Comparative.comparison``).

Period totals come from the ``LedgerBalance`` rollup (one aggregate query per
report); only the general ledger reads lines. Flows of a period exclude year-end
closing entries (source close), which only move the year's result into the fund
balance accounts; balances include them.

Signs: ``opening``/``closing`` of a trial balance row are debit-positive; every
other figure is positive in its natural direction (assets and distributions as
debits, liabilities, fund balances and receipts as credits).
"""

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Generic, TypeVar

from django.db import models
from django.db.models import Q, Subquery, Sum
from django.utils.translation import gettext_lazy

from satuatap.ledger.hooks import purpose_names
from satuatap.ledger.models import (
    DEBIT_NATURED,
    MONEY_ROLES,
    Account,
    AccountRole,
    AccountType,
    Fund,
    FundKind,
    FundPosition,
    JournalLine,
    LedgerBalance,
    Source,
)
from satuatap.organizations.models import Unit
from satuatap.organizations.selectors import unit_for

T = TypeVar("T")

EQUITY_TYPES = frozenset({AccountType.FUND_BALANCE, AccountType.RECEIPT, AccountType.DISTRIBUTION})


@dataclass(frozen=True)
class MonthRange:
    """Whole months from (start_year, start_month) to (end_year, end_month), inclusive."""

    start_year: int
    start_month: int
    end_year: int
    end_month: int

    def __post_init__(self):
        if not (1 <= self.start_month <= 12 and 1 <= self.end_month <= 12) or self.start > self.end:
            raise ValueError("invalid month range")

    @classmethod
    def month(cls, year: int, month: int) -> "MonthRange":
        return cls(year, month, year, month)

    @classmethod
    def year(cls, year: int) -> "MonthRange":
        return cls(year, 1, year, 12)

    @property
    def start(self) -> tuple[int, int]:
        return (self.start_year, self.start_month)

    @property
    def end(self) -> tuple[int, int]:
        return (self.end_year, self.end_month)

    @property
    def first_day(self) -> date:
        return date(self.start_year, self.start_month, 1)

    @property
    def last_day(self) -> date:
        return date(self.end_year, self.end_month, calendar.monthrange(self.end_year, self.end_month)[1])

    def previous_year(self) -> "MonthRange":
        """The same months a year earlier: the usual comparison period."""
        return MonthRange(self.start_year - 1, self.start_month, self.end_year - 1, self.end_month)


@dataclass
class Comparative(Generic[T]):
    current: T
    comparison: T | None = None


@dataclass(frozen=True)
class AccountRef:
    id: int
    code: str
    name: str
    type: str
    role: str
    fund_kind: str


@dataclass
class _Totals:
    opening: int = 0  # debit-positive, before the period
    debit: int = 0  # within the period, closing entries excluded
    credit: int = 0
    close_debit: int = 0  # closing entries within the period
    close_credit: int = 0

    @property
    def closing(self) -> int:
        return self.opening + self.debit - self.credit + self.close_debit - self.close_credit


def _before(ym: tuple[int, int]) -> Q:
    return Q(year__lt=ym[0]) | Q(year=ym[0], month__lt=ym[1])


def _until(ym: tuple[int, int]) -> Q:
    return Q(year__lt=ym[0]) | Q(year=ym[0], month__lte=ym[1])


def _scope(user, unit: Unit) -> Unit:
    return unit_for(user, unit.pk, capability="ledger.view")


def _scoped_rows(model, unit: Unit, consolidated: bool, counterparty_field: str):
    """Rollup rows (or lines) of the unit or its subtree, inter-office lines inside the subtree eliminated."""
    if not consolidated:
        return model.objects.filter(unit=unit)
    subtree = Unit.objects.filter(path__startswith=unit.path).values("pk")
    rows = model.objects.filter(unit__path__startswith=unit.path)
    if hasattr(model, "institution_id"):  # the rollup carries the institution (its index starts with it); lines do not
        rows = rows.filter(institution_id=unit.institution_id)
    internal = Q(account__role=AccountRole.INTER_OFFICE, **{f"{counterparty_field}__in": Subquery(subtree)})
    return rows.exclude(internal)


def _totals(unit: Unit, consolidated: bool, period: MonthRange, keys: tuple[str, ...]) -> dict[tuple, _Totals]:
    rows = _scoped_rows(LedgerBalance, unit, consolidated, "counterparty_id").filter(_until(period.end))
    within = ~_before(period.start)
    closing = Q(source=Source.CLOSE)
    aggregated = (
        rows.values(*keys)
        .annotate(
            before_d=Sum("debit", filter=_before(period.start)),
            before_c=Sum("credit", filter=_before(period.start)),
            in_d=Sum("debit", filter=within & ~closing),
            in_c=Sum("credit", filter=within & ~closing),
            cl_d=Sum("debit", filter=within & closing),
            cl_c=Sum("credit", filter=within & closing),
        )
        .order_by(*keys)
    )
    result = {}
    for row in aggregated:
        result[tuple(row[k] for k in keys)] = _Totals(
            opening=(row["before_d"] or 0) - (row["before_c"] or 0),
            debit=row["in_d"] or 0,
            credit=row["in_c"] or 0,
            close_debit=row["cl_d"] or 0,
            close_credit=row["cl_c"] or 0,
        )
    return result


def _accounts(institution_id: int) -> dict[int, Account]:
    return {a.pk: a for a in Account.objects.filter(institution_id=institution_id)}


def _funds(institution_id: int) -> dict[int, Fund]:
    return {f.pk: f for f in Fund.objects.filter(institution_id=institution_id)}


def _ref(account: Account) -> AccountRef:
    return AccountRef(account.pk, account.code, account.name, account.type, account.role, account.fund_kind)


def _natural(account: Account, debit_positive: int) -> int:
    return debit_positive if account.type in DEBIT_NATURED else -debit_positive


def _comparative(compute, period: MonthRange, compare: MonthRange | None):
    return Comparative(current=compute(period), comparison=compute(compare) if compare is not None else None)


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
    unit = _scope(user, unit)
    accounts = _accounts(unit.institution_id)
    funds = _funds(unit.institution_id)

    def compute(p: MonthRange) -> TrialBalance:
        keys = ("account_id", "fund_id") if by_fund else ("account_id",)
        rows = []
        for key, t in _totals(unit, consolidated, p, keys).items():
            debit = t.debit + (t.close_debit if include_closing else 0)
            credit = t.credit + (t.close_credit if include_closing else 0)
            closing = t.opening + debit - credit
            if not (t.opening or debit or credit):
                continue
            account = accounts[key[0]]
            rows.append(
                TrialBalanceRow(
                    _ref(account), funds[key[1]].kind if by_fund else None, t.opening, debit, credit, closing
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

    return _comparative(compute, period, compare)


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
    unit = _scope(user, unit)
    if account.institution_id != unit.institution_id:
        raise ValueError("account of another institution")
    balances = _scoped_rows(LedgerBalance, unit, consolidated, "counterparty_id").filter(
        account=account, **({"fund": fund} if fund else {})
    )
    before = balances.filter(_before(period.start)).aggregate(d=Sum("debit"), c=Sum("credit"))
    opening = _natural(account, (before["d"] or 0) - (before["c"] or 0))
    lines = (
        _scoped_rows(JournalLine, unit, consolidated, "counterparty_id")
        .filter(account=account, entry_date__gte=period.first_day, entry_date__lte=period.last_day)
        .select_related("entry", "fund")
        .order_by("entry_date", "entry_id", "pk")
    )
    if fund is not None:
        lines = lines.filter(fund=fund)
    running = opening
    out = []
    total_debit = total_credit = 0
    for line in lines.iterator(chunk_size=2000):
        running += _natural(account, line.debit - line.credit)
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
    return GeneralLedger(_ref(account), period, opening, out, total_debit, total_credit, running)


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
    unit = _scope(user, unit)
    accounts = _accounts(unit.institution_id)
    funds = _funds(unit.institution_id)

    def compute(p: MonthRange) -> FinancialPosition:
        totals = _totals(unit, consolidated, p, ("account_id", "fund_id"))
        per_account: dict[int, int] = defaultdict(int)
        fund_balances = {kind: 0 for kind in FundKind.values}
        for (account_id, fund_id), t in totals.items():
            account = accounts[account_id]
            if account.type in EQUITY_TYPES:
                fund_balances[funds[fund_id].kind] -= t.closing
            else:
                per_account[account_id] += t.closing
        assets = [
            PositionLine(_ref(accounts[a]), amount)
            for a, amount in per_account.items()
            if accounts[a].type == AccountType.ASSET and amount
        ]
        liabilities = [
            PositionLine(_ref(accounts[a]), -amount)
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

    return _comparative(compute, period, compare)


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
    unit = _scope(user, unit)
    accounts = _accounts(unit.institution_id)
    funds = _funds(unit.institution_id)

    def compute(p: MonthRange) -> dict[str, FundChanges]:
        result = {kind: FundChanges(kind, 0) for kind in FundKind.values}
        for (account_id, fund_id), t in _totals(unit, consolidated, p, ("account_id", "fund_id")).items():
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
                changes.receipts.append(PositionLine(_ref(account), -flow))
            elif role == AccountRole.AMIL_SHARE_RECEIVED:
                changes.amil_share_received.append(PositionLine(_ref(account), -flow))
            elif role == AccountRole.AMIL_SHARE_PAID:
                changes.amil_share_paid += flow
            elif role == AccountRole.OPERATING_EXPENSE:
                changes.operating_expenses.append(PositionLine(_ref(account), flow))
            elif role == AccountRole.DISTRIBUTION and account.asnaf:
                changes.distributions_by_asnaf[account.asnaf] = (
                    changes.distributions_by_asnaf.get(account.asnaf, 0) + flow
                )
            elif role == AccountRole.DISTRIBUTION and account.pillar:
                by_pillar = changes.distributions_by_pillar
                by_pillar[account.pillar] = by_pillar.get(account.pillar, 0) + flow
            elif role == AccountRole.DISTRIBUTION:
                changes.other_distributions.append(PositionLine(_ref(account), flow))
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

    return _comparative(compute, period, compare)


# --- cash flows (Laporan Arus Kas, direct method) ------------------------------------------------


class CashSection(models.TextChoices):
    OPERATING = "operating", gettext_lazy("Cash flows from operating activities")
    INVESTING = "investing", gettext_lazy("Cash flows from investing activities")
    FINANCING = "financing", gettext_lazy("Cash flows from financing activities")
    OFFICES = "offices", gettext_lazy("Cash flows between offices")
    FUNDS = "funds", gettext_lazy("Cash flows between funds")
    OTHER = "other", gettext_lazy("Other cash flows")


class CashActivity(models.TextChoices):
    """A line of the statement of cash flows, in the order it is shown (PSAK 109 statements)."""

    ZAKAT_RECEIPTS = "zakat_receipts", gettext_lazy("Receipts of zakat")
    INFAK_RECEIPTS = "infak_receipts", gettext_lazy("Receipts of infak/sedekah")
    DSKL_RECEIPTS = "dskl_receipts", gettext_lazy("Receipts of other religious social funds (DSKL)")
    NON_HALAL_RECEIPTS = "non_halal_receipts", gettext_lazy("Receipts of non-halal funds (bank interest, jasa giro)")
    AMIL_RECEIPTS = "amil_receipts", gettext_lazy("Other receipts of the amil fund")
    ZAKAT_DISTRIBUTIONS = "zakat_distributions", gettext_lazy("Distribution of zakat")
    INFAK_DISTRIBUTIONS = "infak_distributions", gettext_lazy("Distribution of infak/sedekah")
    DSKL_DISTRIBUTIONS = "dskl_distributions", gettext_lazy("Distribution of DSKL")
    NON_HALAL_DISTRIBUTIONS = "non_halal_distributions", gettext_lazy("Use of non-halal funds")
    AMIL_DISTRIBUTIONS = "amil_distributions", gettext_lazy("Other use of the amil fund")
    AMIL_OPERATING = "amil_operating", gettext_lazy("Amil operating costs (salaries, rent, utilities and others)")
    GOODS = "goods", gettext_lazy("Goods bought for distribution")
    RECEIVABLES = "receivables", gettext_lazy("Receivables (revolving loans and others)")
    FIXED_ASSETS = "fixed_assets", gettext_lazy("Fixed assets")
    MANAGED_ASSETS = "managed_assets", gettext_lazy("Managed assets (aset kelolaan)")
    OTHER_ASSETS = "other_assets", gettext_lazy("Other assets")
    LIABILITIES = "liabilities", gettext_lazy("Liabilities")
    TRANSFERS_IN = "transfers_in", gettext_lazy("Received from other offices")
    TRANSFERS_OUT = "transfers_out", gettext_lazy("Sent to other offices")
    AMIL_SHARE = "amil_share", gettext_lazy("Amil share (between the funds)")
    FUND_BALANCE = "fund_balance", gettext_lazy("Opening balances and fund adjustments")
    CASH_ACCOUNTS = "cash_accounts", gettext_lazy("Between cash and bank accounts")
    OTHER = "other", gettext_lazy("Other")


ACTIVITY_SECTION = {
    **dict.fromkeys(CashActivity.values, CashSection.OPERATING),
    **dict.fromkeys(
        [CashActivity.FIXED_ASSETS, CashActivity.MANAGED_ASSETS, CashActivity.OTHER_ASSETS], CashSection.INVESTING
    ),
    CashActivity.LIABILITIES: CashSection.FINANCING,
    CashActivity.TRANSFERS_IN: CashSection.OFFICES,
    CashActivity.TRANSFERS_OUT: CashSection.OFFICES,
    CashActivity.AMIL_SHARE: CashSection.FUNDS,
    **dict.fromkeys([CashActivity.FUND_BALANCE, CashActivity.CASH_ACCOUNTS, CashActivity.OTHER], CashSection.OTHER),
}
# Receipts and distributions are told apart by fund; both infak funds make one line.
_FUND_PREFIX = {
    FundKind.ZAKAT: "zakat",
    FundKind.INFAK: "infak",
    FundKind.INFAK_RESTRICTED: "infak",
    FundKind.DSKL: "dskl",
    FundKind.NON_HALAL: "non_halal",
    FundKind.AMIL: "amil",
}
_ROLE_ACTIVITY = {
    AccountRole.OPERATING_EXPENSE: CashActivity.AMIL_OPERATING,
    AccountRole.AMIL_SHARE_PAID: CashActivity.AMIL_SHARE,
    AccountRole.AMIL_SHARE_RECEIVED: CashActivity.AMIL_SHARE,
    AccountRole.INVENTORY: CashActivity.GOODS,
    AccountRole.RECEIVABLE: CashActivity.RECEIVABLES,
    AccountRole.FIXED_ASSET: CashActivity.FIXED_ASSETS,
    AccountRole.MANAGED_ASSET: CashActivity.MANAGED_ASSETS,
    AccountRole.OTHER_ASSET: CashActivity.OTHER_ASSETS,
    AccountRole.LIABILITY: CashActivity.LIABILITIES,
    AccountRole.FUND_BALANCE: CashActivity.FUND_BALANCE,
    AccountRole.CASH: CashActivity.CASH_ACCOUNTS,
    AccountRole.BANK: CashActivity.CASH_ACCOUNTS,
}


def cash_activity(contra_role: str, fund_kind: str) -> str:
    """The statement line of money moved against an account of ``contra_role`` in a fund
    (inter-office accounts make two lines, in and out: see ``cash_flows``)."""
    if contra_role == AccountRole.RECEIPT:
        return f"{_FUND_PREFIX[fund_kind]}_receipts"
    if contra_role == AccountRole.DISTRIBUTION:
        return f"{_FUND_PREFIX[fund_kind]}_distributions"
    return _ROLE_ACTIVITY.get(contra_role, CashActivity.OTHER)


@dataclass
class CashFlowLine:
    activity: str  # a CashActivity value
    inflow: int
    outflow: int

    @property
    def section(self) -> str:
        return ACTIVITY_SECTION[self.activity]

    @property
    def net(self) -> int:
        return self.inflow - self.outflow


@dataclass
class CashFlowSection:
    section: str
    lines: list[CashFlowLine]

    @property
    def net(self) -> int:
        return sum(li.net for li in self.lines)


@dataclass
class CashFlow:
    fund_kind: str | None  # None: all funds together
    opening: int
    sections: list[CashFlowSection]
    closing: int

    @property
    def lines(self) -> list[CashFlowLine]:
        return [li for section in self.sections for li in section.lines]

    @property
    def net(self) -> int:
        return sum(section.net for section in self.sections)


def cash_flows(
    user, unit: Unit, period: MonthRange, *, consolidated: bool = False, compare: MonthRange | None = None
) -> Comparative[dict[str | None, CashFlow]]:
    """Money in and out of cash and bank accounts by activity, per fund and (key None) in total.

    The activity comes from the accounts: the role of the account on the other side of
    each cash or bank line (the rollup's ``contra_role``), never from the entry's source:
    receipts and distributions per fund, amil operating costs, goods, receivables,
    assets (investing), liabilities (financing), transfers between offices. The amil share
    moves money between funds of one office: it shows per fund and is eliminated in the
    total. Consolidated, transfers between two offices of the subtree are eliminated
    (transfers with an office outside stay): each such transfer's cash line is matched, at
    the same office, fund and month, by its inter-office line that names an office of the
    subtree (the rows ``_scoped_rows`` drops), so those rows are taken off the transfers.
    ``closing = opening + net`` per fund and in total.
    """
    unit = _scope(user, unit)
    funds = _funds(unit.institution_id)

    def compute(p: MonthRange) -> dict[str | None, CashFlow]:
        within = ~_before(p.start)
        rows = (
            _scoped_rows(LedgerBalance, unit, consolidated, "counterparty_id")
            .filter(_until(p.end), account__role__in=list(MONEY_ROLES))
            .values("fund_id", "contra_role")
            .annotate(
                before_d=Sum("debit", filter=_before(p.start)),
                before_c=Sum("credit", filter=_before(p.start)),
                in_d=Sum("debit", filter=within),
                in_c=Sum("credit", filter=within),
            )
            .order_by("fund_id", "contra_role")
        )
        opening: dict[str | None, int] = defaultdict(int)
        flows: dict[str | None, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))

        def add(kind: str, activity: str, inflow: int, outflow: int) -> None:
            keys = (kind,) if activity == CashActivity.AMIL_SHARE else (kind, None)
            for key in keys:
                flows[key][activity][0] += inflow
                flows[key][activity][1] += outflow

        for row in rows:
            kind = funds[row["fund_id"]].kind
            for key in (kind, None):
                opening[key] += (row["before_d"] or 0) - (row["before_c"] or 0)
            debit, credit = row["in_d"] or 0, row["in_c"] or 0
            if row["contra_role"] == AccountRole.INTER_OFFICE:
                add(kind, CashActivity.TRANSFERS_IN, debit, 0)
                add(kind, CashActivity.TRANSFERS_OUT, 0, credit)
            else:
                add(kind, cash_activity(row["contra_role"], kind), debit, credit)
        if consolidated:
            subtree = Unit.objects.filter(path__startswith=unit.path).values("pk")
            internal = (
                LedgerBalance.objects.filter(
                    ~_before(p.start),
                    _until(p.end),
                    institution_id=unit.institution_id,
                    unit__path__startswith=unit.path,
                    account__role=AccountRole.INTER_OFFICE,
                    counterparty_id__in=Subquery(subtree),
                )
                .values("fund_id")
                .annotate(d=Sum("debit"), c=Sum("credit"))
                .order_by("fund_id")
            )
            for row in internal:
                # An inter-office debit (RAK sent) stands against money that left; a credit against money in.
                add(funds[row["fund_id"]].kind, CashActivity.TRANSFERS_OUT, 0, -(row["d"] or 0))
                add(funds[row["fund_id"]].kind, CashActivity.TRANSFERS_IN, -(row["c"] or 0), 0)
        result = {}
        for key in [None, *FundKind.values]:
            sections = []
            for section in CashSection.values:
                lines = [
                    CashFlowLine(activity, *flows[key][activity])
                    for activity in CashActivity.values
                    if ACTIVITY_SECTION[activity] == section and any(flows[key].get(activity, (0, 0)))
                ]
                if lines:
                    sections.append(CashFlowSection(section, lines))
            flow = CashFlow(key, opening[key], sections, 0)
            flow.closing = flow.opening + flow.net
            result[key] = flow
        return result

    return _comparative(compute, period, compare)


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
    unit = _scope(user, unit)
    accounts = _accounts(unit.institution_id)

    def compute(p: MonthRange) -> list[ManagedAssetRow]:
        rows = []
        for (account_id,), t in _totals(unit, consolidated, p, ("account_id",)).items():
            account = accounts[account_id]
            if account.role != AccountRole.MANAGED_ASSET or not (t.opening or t.debit or t.credit):
                continue
            rows.append(ManagedAssetRow(_ref(account), t.opening, t.debit, t.credit, t.opening + t.debit - t.credit))
        return sorted(rows, key=lambda r: r.account.code)

    return _comparative(compute, period, compare)


# --- fund positions --------------------------------------------------------------------------


@dataclass
class FundPositionRow:
    unit_id: int
    unit_code: str
    unit_name: str
    fund_kind: str
    balance: int  # net assets of the fund at the unit (all its assets less liabilities)
    available: int  # what the unit may still distribute (see selectors.fund_available)
    available_by_restriction: dict[str, int] = field(default_factory=dict)
    # The name of each restriction key (the program's, ``hooks.purpose_names``).
    restriction_names: dict[str, str] = field(default_factory=dict)


def fund_positions(user, unit: Unit, *, consolidated: bool = True) -> list[FundPositionRow]:
    """Current balance and available-to-distribute per unit (of the subtree) and fund.

    Rows are per unit, never netted across units: what one office may spend is its own.
    """
    unit = _scope(user, unit)
    funds = _funds(unit.institution_id)
    units_q = Unit.objects.filter(path__startswith=unit.path) if consolidated else Unit.objects.filter(pk=unit.pk)
    units = {u.pk: u for u in units_q}
    accounts = _accounts(unit.institution_id)
    balances: dict[tuple, int] = defaultdict(int)
    equity_ids = [a.pk for a in accounts.values() if a.type in EQUITY_TYPES]
    rows = (
        LedgerBalance.objects.filter(unit__in=units_q, account_id__in=equity_ids)
        .values("unit_id", "fund_id")
        .annotate(d=Sum("debit"), c=Sum("credit"))
        .order_by()
    )
    for row in rows:
        balances[(row["unit_id"], row["fund_id"])] += (row["c"] or 0) - (row["d"] or 0)
    available: dict[tuple, dict[str, int]] = defaultdict(dict)
    for position in FundPosition.objects.filter(unit__in=units_q):
        available[(position.unit_id, position.fund_id)][position.restriction] = position.available
    names = purpose_names(r for by_restriction in available.values() for r in by_restriction)
    result = []
    for key in sorted(set(balances) | set(available), key=lambda k: (units[k[0]].path, k[1])):
        by_restriction = available.get(key, {})
        result.append(
            FundPositionRow(
                unit_id=key[0],
                unit_code=units[key[0]].code,
                unit_name=units[key[0]].name,
                fund_kind=funds[key[1]].kind,
                balance=balances.get(key, 0),
                available=sum(by_restriction.values()),
                available_by_restriction={r: v for r, v in by_restriction.items() if r},
                restriction_names={r: names[r] for r in by_restriction if r},
            )
        )
    return result


@dataclass
class FundTotal:
    fund_kind: str
    label: str
    balance: int = 0
    available: int = 0


def fund_totals(user, unit: Unit) -> list[FundTotal]:
    """The PSAK 109 funds of ``unit``'s subtree, each summed over its offices: net assets and what
    is available to distribute (``fund_positions`` added up by fund, in the chart's fund order)."""
    totals = {kind: FundTotal(kind, str(label)) for kind, label in FundKind.choices}
    for row in fund_positions(user, unit):
        total = totals[row.fund_kind]
        total.balance += row.balance
        total.available += row.available
    return list(totals.values())
