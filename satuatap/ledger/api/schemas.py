"""Request and response schemas of the ledger API.

Report schemas mirror the dataclasses of ``ledger.selectors`` (read by attribute,
so computed properties such as ``FundChanges.total_receipts`` come along). Money
is always whole rupiah as an integer.
"""

from datetime import date, datetime

from ninja import Field, Schema

from satuatap.api.schemas import MONTH, UnitBrief
from satuatap.ledger.models import AccountRole, AccountType, Asnaf, EntryStatus, FundKind, ReceiptKind, Source
from satuatap.ledger.services import TransferKind

# --- chart, funds, periods ------------------------------------------------------------------


class AccountOut(Schema):
    id: int
    code: str
    name: str
    type: AccountType
    role: AccountRole
    fund_kind: str = Field(description="Fund kind the account belongs to; empty: usable by every fund.")
    unit_id: int | None = Field(description="For cash and bank accounts: the office that holds them.")
    receipt_kind: str
    asnaf: str
    pillar: str
    from_fund_kind: str
    bank_name: str
    bank_account_number: str
    is_system: bool = Field(description="Posted to by the ledger's own services; cannot be deactivated.")
    is_active: bool


class FundOut(Schema):
    id: int
    kind: FundKind
    name: str
    is_restricted: bool


class PeriodStateOut(Schema):
    id: int
    year: int
    month: int = Field(description="1-12, or 0 for the whole year.")
    is_closed: bool
    closed_at: datetime | None


class PeriodCloseIn(Schema):
    unit_id: int | None = Field(None, description="Any unit of the institution; default: the user's first ledger unit.")
    year: int = Field(ge=2000, le=2200)
    month: int | None = Field(None, ge=1, le=12, description="Omit to close the whole year (posts closing entries).")


# --- journal entries --------------------------------------------------------------------------


class EntryOut(Schema):
    id: int
    unit_id: int
    unit_name: str = Field(alias="unit.name")
    entry_date: date
    status: EntryStatus
    source: Source
    flow_source: Source = Field(description="For a reversal: the source it undoes (cash flows are classified by it).")
    source_ref: str
    memo: str
    total: int = Field(description="Sum of the debits (= sum of the credits), whole rupiah.")
    created_by: str | None
    approved_by: str | None
    created_at: datetime
    posted_at: datetime | None
    reverses_id: int | None
    reason: str

    @staticmethod
    def resolve_created_by(obj):
        return obj.created_by.username if obj.created_by_id else None

    @staticmethod
    def resolve_approved_by(obj):
        return obj.approved_by.username if obj.approved_by_id else None


class EntryLineOut(Schema):
    account_id: int | None = Field(description="None on a draft line naming an account that no longer exists.")
    account_code: str
    account_name: str
    fund_kind: str
    unit_id: int | None
    restriction: str
    counterparty_id: int | None = Field(description="Inter-office lines: the office on the other side.")
    debit: int
    credit: int
    memo: str


class EntryDetailOut(EntryOut):
    updated_by: str | None
    reversed_by_id: int | None
    lines: list[EntryLineOut] = Field(alias="api_lines", description="Posted lines, or the proposed lines of a draft.")

    @staticmethod
    def resolve_updated_by(obj):
        return obj.updated_by.username if obj.updated_by_id else None

    @staticmethod
    def resolve_reversed_by_id(obj):
        reversal = getattr(obj, "reversed_by", None)
        return reversal.pk if reversal is not None else None


class LineIn(Schema):
    account_code: str = Field(min_length=1, max_length=20)
    fund_kind: FundKind
    restriction: str = Field(
        "",
        max_length=64,
        description=(
            "Restricted infak only: a program of the institution by key (program:<id>), code or id, or a "
            "campaign that raises for no program by key (campaign:<id>); anything else is refused."
        ),
    )
    debit: int = Field(0, ge=0)
    credit: int = Field(0, ge=0)
    memo: str = Field("", max_length=200)
    unit_id: int | None = Field(None, description="Unit of the line; default: the entry's unit.")


class ManualEntryIn(Schema):
    unit_id: int
    entry_date: date
    memo: str = Field(min_length=1, max_length=2000)
    lines: list[LineIn] = Field(min_length=2, max_length=500)


class ManualEntryPatch(Schema):
    entry_date: date | None = None
    memo: str | None = Field(None, min_length=1, max_length=2000)
    lines: list[LineIn] | None = Field(None, min_length=2, max_length=500)


class ReverseIn(Schema):
    reason: str = Field(min_length=1, max_length=500)
    entry_date: date | None = Field(None, description="Default: today at the unit (never before the entry).")


class TransferIn(Schema):
    from_unit_id: int
    to_unit_id: int
    kind: TransferKind
    fund_kind: FundKind
    amount: int = Field(gt=0)
    restriction: str = Field(
        "",
        max_length=64,
        description=(
            "Restricted infak only: a program of the institution by key (program:<id>), code or id, or a "
            "campaign that raises for no program by key (campaign:<id>); anything else is refused."
        ),
    )
    memo: str = Field("", max_length=2000)
    entry_date: date | None = None
    idempotency_key: str | None = Field(
        None,
        min_length=1,
        max_length=150,
        description="Or the Idempotency-Key header: a retry with the same key and body returns the same entry.",
    )


# --- reports ----------------------------------------------------------------------------------


class MonthRangeOut(Schema):
    start_year: int
    start_month: int
    end_year: int
    end_month: int
    first_day: date
    last_day: date


class AccountRefOut(Schema):
    id: int
    code: str
    name: str
    type: str
    role: str
    fund_kind: str


class PositionLineOut(Schema):
    account: AccountRefOut
    amount: int


class FundPositionOut(Schema):
    unit_id: int
    unit_code: str
    unit_name: str
    fund_kind: str
    balance: int = Field(description="Net assets of the fund at the unit.")
    available: int = Field(description="What the unit may still distribute from the fund.")
    available_by_restriction: dict[str, int] = Field(description="Restricted infak: available per program.")
    restriction_names: dict[str, str] = Field(description="Restricted infak: the program each key names.")


class ReportOut(Schema):
    unit: UnitBrief
    consolidated: bool


class TrialBalanceRowOut(Schema):
    account: AccountRefOut
    fund_kind: str | None
    opening: int = Field(description="Debit-positive.")
    debit: int
    credit: int
    closing: int = Field(description="Debit-positive.")


class TrialBalanceOut(Schema):
    period: MonthRangeOut
    rows: list[TrialBalanceRowOut]
    total_debit: int
    total_credit: int
    closing_debits: int
    closing_credits: int


class TrialBalanceReport(ReportOut):
    current: TrialBalanceOut
    comparison: TrialBalanceOut | None


class LedgerLineOut(Schema):
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
    balance: int = Field(description="Running balance in the account's natural direction.")


class GeneralLedgerReport(ReportOut):
    account: AccountRefOut
    period: MonthRangeOut
    opening: int
    lines: list[LedgerLineOut] = Field(description="At most `limit` lines; totals and closing cover the whole period.")
    total_debit: int
    total_credit: int
    closing: int


class FinancialPositionOut(Schema):
    as_of: date
    assets: list[PositionLineOut]
    liabilities: list[PositionLineOut]
    fund_balances: dict[str, int] = Field(description="Fund kind -> net assets of the fund.")
    total_assets: int
    total_liabilities: int
    total_funds: int


class FinancialPositionReport(ReportOut):
    current: FinancialPositionOut
    comparison: FinancialPositionOut | None


class FundChangesOut(Schema):
    fund_kind: str
    opening: int
    receipts: list[PositionLineOut]
    amil_share_received: list[PositionLineOut]
    amil_share_paid: int
    distributions_by_asnaf: dict[str, int]
    distributions_by_pillar: dict[str, int]
    other_distributions: list[PositionLineOut]
    operating_expenses: list[PositionLineOut]
    transfers_in: int
    transfers_out: int
    other_changes: int
    total_receipts: int
    total_distributions: int
    closing: int = Field(
        description="opening + total_receipts - total_distributions + transfers_in - transfers_out + other_changes"
    )


class ChangesInFundsReport(ReportOut):
    current: list[FundChangesOut] = Field(description="One item per fund kind.")
    comparison: list[FundChangesOut] | None


class CashFlowLineOut(Schema):
    activity: str = Field(description="The statement line (receipts of zakat, amil operating costs, ...).")
    section: str = Field(description="operating, investing, financing, offices, funds or other.")
    inflow: int
    outflow: int
    net: int


class CashFlowOut(Schema):
    fund_kind: str | None = Field(description="None: all funds together.")
    opening: int
    lines: list[CashFlowLineOut]
    net: int
    closing: int


class CashFlowsOut(Schema):
    total: CashFlowOut
    funds: list[CashFlowOut] = Field(description="One item per fund kind.")


class CashFlowsReport(ReportOut):
    current: CashFlowsOut
    comparison: CashFlowsOut | None


class ManagedAssetRowOut(Schema):
    account: AccountRefOut
    opening: int
    additions: int
    reductions: int
    closing: int


class ManagedAssetsReport(ReportOut):
    current: list[ManagedAssetRowOut]
    comparison: list[ManagedAssetRowOut] | None


# --- query parameters ------------------------------------------------------------------------


class AccountFilter(Schema):
    unit_id: int | None = Field(None, description="Any unit of the institution; default: the user's first ledger unit.")
    active: bool | None = None
    role: AccountRole | None = None
    fund_kind: FundKind | None = None


class EntryFilter(Schema):
    unit_id: int | None = Field(None, description="Entries of this unit's subtree (or with a line there).")
    status: EntryStatus = Field(EntryStatus.POSTED, description="`draft` lists manual entries waiting for approval.")
    source: Source | None = None
    date_from: date | None = None
    date_to: date | None = None


class ReportQuery(Schema):
    unit_id: int | None = Field(None, description="Default: the user's first unit with ledger access.")
    start: str | None = Field(None, pattern=MONTH, description="First month, YYYY-MM (default: January of `end`).")
    end: str | None = Field(None, pattern=MONTH, description="Last month, YYYY-MM (default: this month).")
    compare: bool = Field(False, description="Also report the same months a year earlier.")
    consolidated: bool = Field(False, description="The unit's whole subtree, transfers inside it eliminated.")


# --- setup: the chart of accounts and the amil share ------------------------------------------


class ChartSetupIn(Schema):
    unit_id: int | None = Field(None, description="Any unit of the institution; default: your first ledger unit.")


class ChartSetupOut(Schema):
    created: int = Field(description="Accounts added now (0 when the chart was already complete).")


class LedgerAccountIn(Schema):
    code: str = Field(min_length=1, max_length=20, description="1-20 capital letters, digits, dots or dashes.")
    name: str = Field(min_length=1, max_length=200)
    role: AccountRole
    fund_kind: FundKind | None = Field(None, description="Receipt, distribution and similar accounts name a fund.")
    unit_id: int | None = Field(
        None,
        description="Cash and bank accounts: the office that holds them. Other accounts belong to the institution "
        "of your first unit with ledger access.",
    )
    bank_name: str = Field("", max_length=100)
    bank_account_number: str = Field("", max_length=40)
    receipt_kind: ReceiptKind | None = None
    asnaf: Asnaf | None = None
    pillar: str = Field("", max_length=16)


class LedgerAccountPatch(Schema):
    code: str | None = Field(None, min_length=1, max_length=20)
    name: str | None = Field(None, min_length=1, max_length=200)
    bank_name: str | None = Field(None, max_length=100)
    bank_account_number: str | None = Field(None, max_length=40)
    is_active: bool | None = None


class AmilRateOut(Schema):
    fund_kind: FundKind
    basis_points: int = Field(description="1250 = 12.5% of the fund's receipts goes to the amil fund.")
    updated_at: datetime


class AmilRateIn(Schema):
    unit_id: int | None = Field(None, description="Any unit of the institution; default: your first ledger unit.")
    fund_kind: FundKind
    basis_points: int = Field(ge=0, le=10000, description="Zakat at most 1250, infak/sedekah and DSKL 2000.")


class AmilShareRunIn(Schema):
    unit_id: int = Field(description="The office whose receipts give their share.")
    month: str = Field(pattern=MONTH, description="YYYY-MM: the receipts of this month not yet allocated.")


class AmilShareRunOut(Schema):
    posted: bool = Field(description="False when the month's receipts already carry their share (a re-run).")
    message: str
    entry: EntryDetailOut | None = None
