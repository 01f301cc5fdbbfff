"""The statement of cash flows (Laporan Arus Kas, direct method): the activities it shows and
``cash_flows``. Scope, periods and signs: see ``figures``."""

from collections import defaultdict
from dataclasses import dataclass

from django.db import models
from django.db.models import Subquery, Sum
from django.utils.translation import gettext_lazy

from satuatap.ledger.models import MONEY_ROLES, AccountRole, FundKind, LedgerBalance
from satuatap.ledger.selectors.figures import (
    Comparative,
    MonthRange,
    comparative,
    funds_by_pk,
    months_before,
    months_until,
    scoped_rows,
    scoped_unit,
)
from satuatap.organizations.models import Unit

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


ACTIVITY_SECTION: dict[str, str] = {
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
_FUND_PREFIX: dict[str, str] = {
    FundKind.ZAKAT: "zakat",
    FundKind.INFAK: "infak",
    FundKind.INFAK_RESTRICTED: "infak",
    FundKind.DSKL: "dskl",
    FundKind.NON_HALAL: "non_halal",
    FundKind.AMIL: "amil",
}
_ROLE_ACTIVITY: dict[str, str] = {
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
    unit = scoped_unit(user, unit)
    funds = funds_by_pk(unit.institution_id)

    def compute(p: MonthRange) -> dict[str | None, CashFlow]:
        within = ~months_before(p.start)
        rows = (
            scoped_rows(LedgerBalance, unit, consolidated, "counterparty_id")
            .filter(months_until(p.end), account__role__in=list(MONEY_ROLES))
            .values("fund_id", "contra_role")
            .annotate(
                before_d=Sum("debit", filter=months_before(p.start)),
                before_c=Sum("credit", filter=months_before(p.start)),
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
                    ~months_before(p.start),
                    months_until(p.end),
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

    return comparative(compute, period, compare)
