"""The fund ledger over the REST API: chart, journal, balances and the PSAK 109 statements.

Reads go through ``ledger.selectors`` and ``ledger.reports`` (scoped with
``ledger.view``); writes through ``ledger.services`` (maker-checker for manual
entries). An id outside the user's units answers 404; a role that may not write
answers 403 before any object is looked up, so it learns nothing either.
"""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.errors import ValidationError as SchemaValidationError

from satuatap.api.pagination import LimitOffsetPagination, paginate
from satuatap.api.schemas import ErrorOut
from satuatap.ledger import reports, selectors, services
from satuatap.ledger.api_schemas import (
    MONTH,
    AccountOut,
    CashFlowsReport,
    ChangesInFundsReport,
    EntryDetailOut,
    EntryOut,
    FinancialPositionReport,
    FundOut,
    FundPositionOut,
    GeneralLedgerReport,
    LineIn,
    ManagedAssetsReport,
    ManualEntryIn,
    ManualEntryPatch,
    PeriodCloseIn,
    PeriodStateOut,
    ReverseIn,
    TransferIn,
    TrialBalanceReport,
)
from satuatap.ledger.errors import IdempotencyConflict
from satuatap.ledger.models import Account, AccountRole, EntryStatus, FundKind, JournalEntry, Source
from satuatap.ledger.reports import MonthRange
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import units_where
from satuatap.organizations.selectors import unit_for

router = Router(tags=["ledger"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


# --- scope helpers ----------------------------------------------------------------------------


def _ledger_unit(user, unit_id: int | None) -> Unit:
    """The unit asked for (404 outside the user's ledger scope), or the user's first ledger unit."""
    if unit_id is not None:
        return unit_for(user, unit_id, capability="ledger.view")
    tops = units_where(user, "ledger.view")
    if not tops:
        raise PermissionDenied(_("Your roles do not include reading the fund ledger."))
    return tops[0]


def _require_somewhere(user, *capabilities: str) -> None:
    """403 for a user who holds none of these capabilities on any unit (auditors, admins for postings)."""
    if not any(units_where(user, capability) for capability in capabilities):
        raise PermissionDenied(_("Your role does not allow this action."))


def _account_for(user, account_id: int) -> Account:
    """One account of the chart (the selectors have no single-account read yet)."""
    for top in units_where(user, "ledger.view"):
        account = selectors.accounts_for(user, top).filter(pk=account_id).first()
        if account is not None:
            return account
    raise Http404


def _line_specs(user, lines: list[LineIn]) -> list[services.LineSpec]:
    units: dict[int, Unit] = {}
    specs = []
    for line in lines:
        unit = None
        if line.unit_id is not None:
            if line.unit_id not in units:
                units[line.unit_id] = unit_for(user, line.unit_id, capability="ledger.view")
            unit = units[line.unit_id]
        specs.append(
            services.LineSpec(
                account=line.account_code,
                fund=line.fund_kind,
                debit=line.debit,
                credit=line.credit,
                unit=unit,
                restriction=line.restriction,
                memo=line.memo,
            )
        )
    return specs


def _detail(user, entry: JournalEntry) -> JournalEntry:
    """The entry re-read through the scoped selector, with its lines (posted, or proposed for a draft)."""
    entry = selectors.entry_for(user, entry.pk)
    if entry.status == EntryStatus.POSTED:
        entry.api_lines = [
            {
                "account_id": line.account_id,
                "account_code": line.account.code,
                "account_name": line.account.name,
                "fund_kind": line.fund.kind,
                "unit_id": line.unit_id,
                "restriction": line.restriction,
                "counterparty_id": line.counterparty_id,
                "debit": line.debit,
                "credit": line.credit,
                "memo": line.memo,
            }
            for line in selectors.entry_lines(entry)
        ]
    else:
        codes = {row["account"] for row in entry.draft_lines}
        accounts = {a.code: a for a in selectors.accounts_for(user, entry.unit).filter(code__in=codes)}
        entry.api_lines = [
            {
                "account_id": getattr(accounts.get(row["account"]), "pk", None),
                "account_code": row["account"],
                "account_name": getattr(accounts.get(row["account"]), "name", ""),
                "fund_kind": row["fund"],
                "unit_id": row.get("unit"),
                "restriction": row.get("restriction", ""),
                "counterparty_id": None,
                "debit": row["debit"],
                "credit": row["credit"],
                "memo": row.get("memo", ""),
            }
            for row in entry.draft_lines
        ]
    return entry


# --- chart, funds, periods --------------------------------------------------------------------


class AccountFilter(Schema):
    unit_id: int | None = Field(None, description="Any unit of the institution; default: the user's first ledger unit.")
    active: bool | None = None
    role: AccountRole | None = None
    fund_kind: FundKind | None = None


@router.get("/accounts", response={200: list[AccountOut], **ERRORS}, summary="Chart of accounts")
@paginate(LimitOffsetPagination)
def list_accounts(request, filters: Query[AccountFilter]):
    accounts = selectors.accounts_for(request.user, _ledger_unit(request.user, filters.unit_id))
    if filters.active is not None:
        accounts = accounts.filter(is_active=filters.active)
    if filters.role:
        accounts = accounts.filter(role=filters.role)
    if filters.fund_kind:
        accounts = accounts.filter(fund_kind=filters.fund_kind)
    return accounts


@router.get("/accounts/{account_id}", response={200: AccountOut, **ERRORS}, summary="One account")
def get_account(request, account_id: int):
    return _account_for(request.user, account_id)


@router.get("/funds", response={200: list[FundOut], **ERRORS}, summary="The institution's PSAK 109 funds")
@paginate(LimitOffsetPagination)
def list_funds(request, unit_id: int | None = None):
    return selectors.funds_for(request.user, _ledger_unit(request.user, unit_id))


@router.get("/periods", response={200: list[PeriodStateOut], **ERRORS}, summary="Open and closed periods")
@paginate(LimitOffsetPagination)
def list_periods(request, unit_id: int | None = None, year: int | None = None):
    return selectors.periods_for(request.user, _ledger_unit(request.user, unit_id), year=year)


@router.post("/periods/close", response={200: PeriodStateOut, **ERRORS}, summary="Close a month or a year")
def close_period(request, payload: PeriodCloseIn):
    _require_somewhere(request.user, "ledger.close")
    unit = _ledger_unit(request.user, payload.unit_id)
    # The whole institution's books close: the role is checked on its root, never on a branch.
    institution = unit if unit.is_institution else Unit.objects.get(pk=unit.institution_id)
    return services.period_close(actor=request.user, institution=institution, year=payload.year, month=payload.month)


# --- journal ----------------------------------------------------------------------------------


class EntryFilter(Schema):
    unit_id: int | None = Field(None, description="Entries of this unit's subtree (or with a line there).")
    status: EntryStatus = Field(EntryStatus.POSTED, description="`draft` lists manual entries waiting for approval.")
    source: Source | None = None
    date_from: date | None = None
    date_to: date | None = None


@router.get("/entries", response={200: list[EntryOut], **ERRORS}, summary="Journal entries in scope")
@paginate(LimitOffsetPagination)
def list_entries(request, filters: Query[EntryFilter]):
    unit = unit_for(request.user, filters.unit_id, capability="ledger.view") if filters.unit_id else None
    return selectors.entries_for(
        request.user,
        unit=unit,
        status=filters.status,
        source=filters.source,
        date_from=filters.date_from,
        date_to=filters.date_to,
    )


@router.get("/entries/{entry_id}", response={200: EntryDetailOut, **ERRORS}, summary="One entry with its lines")
def get_entry(request, entry_id: int):
    return _detail(request.user, selectors.entry_for(request.user, entry_id))


@router.post(
    "/entries",
    response={201: EntryDetailOut, **ERRORS},
    summary="Prepare a manual entry (a draft, posted when another person approves it)",
)
def create_entry(request, payload: ManualEntryIn):
    _require_somewhere(request.user, "ledger.post")
    unit = unit_for(request.user, payload.unit_id, capability="ledger.view")
    entry = services.manual_entry_draft(
        actor=request.user,
        unit=unit,
        entry_date=payload.entry_date,
        memo=payload.memo,
        lines=_line_specs(request.user, payload.lines),
    )
    return Status(201, _detail(request.user, entry))


@router.patch("/entries/{entry_id}", response={200: EntryDetailOut, **ERRORS}, summary="Change a draft")
def update_entry(request, entry_id: int, payload: ManualEntryPatch):
    _require_somewhere(request.user, "ledger.post")
    entry = selectors.entry_for(request.user, entry_id)
    entry = services.manual_entry_update(
        actor=request.user,
        entry=entry,
        entry_date=payload.entry_date,
        memo=payload.memo,
        lines=_line_specs(request.user, payload.lines) if payload.lines is not None else None,
    )
    return _detail(request.user, entry)


@router.post(
    "/entries/{entry_id}/approve",
    response={200: EntryDetailOut, **ERRORS},
    summary="Approve a draft, which posts it (not by whoever prepared or changed it)",
)
def approve_entry(request, entry_id: int):
    _require_somewhere(request.user, "ledger.approve")
    entry = selectors.entry_for(request.user, entry_id)
    entry = services.manual_entry_approve(actor=request.user, entry=entry)
    return _detail(request.user, entry)


@router.post("/entries/{entry_id}/discard", response={200: EntryDetailOut, **ERRORS}, summary="Discard a draft")
def discard_entry(request, entry_id: int):
    _require_somewhere(request.user, "ledger.post", "ledger.approve")
    entry = selectors.entry_for(request.user, entry_id)
    entry = services.manual_entry_discard(actor=request.user, entry=entry)
    return _detail(request.user, entry)


@router.post(
    "/entries/{entry_id}/reverse",
    response={201: EntryDetailOut, **ERRORS},
    summary="Reverse a posted entry (posts its mirror image)",
)
def reverse_entry(request, entry_id: int, payload: ReverseIn):
    _require_somewhere(request.user, "ledger.post")
    entry = selectors.entry_for(request.user, entry_id)
    # The service refuses entries another module made (a receipt is voided in collection, not here).
    reversal = services.entry_reverse(
        actor=request.user, entry=entry, reason=payload.reason, entry_date=payload.entry_date
    )
    return Status(201, _detail(request.user, reversal))


@router.post(
    "/transfers",
    response={201: EntryDetailOut, 409: ErrorOut, **ERRORS},
    summary="Remit funds to a higher office or allocate them to a lower one",
)
def create_transfer(
    request,
    payload: TransferIn,
    response: HttpResponse,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=150),
):
    _require_somewhere(request.user, "ledger.post")
    key = idempotency_key or payload.idempotency_key
    if not key or (payload.idempotency_key and idempotency_key and payload.idempotency_key != idempotency_key):
        raise SchemaValidationError(
            [{"loc": ["idempotency_key"], "msg": _("Send one request key, in the Idempotency-Key header or the body.")}]
        )
    from_unit = unit_for(request.user, payload.from_unit_id, capability="ledger.view")
    try:
        to_unit = unit_for(request.user, payload.to_unit_id, capability="ledger.view")
    except Http404:
        # Remitting up names an office above the sender, which may lie outside the user's units.
        to_unit = Unit.objects.get_ancestors(from_unit).filter(pk=payload.to_unit_id).first()
        if to_unit is None:
            raise
    try:
        entry = services.transfer_post(
            actor=request.user,
            from_unit=from_unit,
            to_unit=to_unit,
            fund=payload.fund_kind,
            amount=payload.amount,
            kind=payload.kind,
            memo=payload.memo,
            idempotency_key=f"transfer:{from_unit.pk}:{key}",
            entry_date=payload.entry_date,
            restriction=payload.restriction,
        )
    except IdempotencyConflict as exc:
        raise HttpError(409, " ".join(exc.messages)) from exc
    if getattr(entry, "replayed", False):
        response["Idempotent-Replayed"] = "true"
    return Status(201, _detail(request.user, entry))


# --- balances and reports -----------------------------------------------------------------------


class ReportQuery(Schema):
    unit_id: int | None = Field(None, description="Default: the user's first unit with ledger access.")
    start: str | None = Field(None, pattern=MONTH, description="First month, YYYY-MM (default: January of `end`).")
    end: str | None = Field(None, pattern=MONTH, description="Last month, YYYY-MM (default: this month).")
    compare: bool = Field(False, description="Also report the same months a year earlier.")
    consolidated: bool = Field(False, description="The unit's whole subtree, transfers inside it eliminated.")


def _month(value: str) -> tuple[int, int]:
    year, month = value.split("-")
    return int(year), int(month)


def _report_args(user, query: ReportQuery) -> tuple[Unit, MonthRange, MonthRange | None]:
    unit = _ledger_unit(user, query.unit_id)
    if query.end:
        end = _month(query.end)
    else:
        today = timezone.localdate(timezone=unit.tzinfo)
        end = (today.year, today.month)
    start = _month(query.start) if query.start else (end[0], 1)
    if start > end:
        raise SchemaValidationError([{"loc": ["start"], "msg": _("The first month must not be after the last.")}])
    period = MonthRange(*start, *end)
    return unit, period, period.previous_year() if query.compare else None


def _head(unit: Unit, query: ReportQuery) -> dict:
    return {"unit": unit, "consolidated": query.consolidated}


@router.get("/balances", response={200: list[FundPositionOut], **ERRORS}, summary="Balance and available per fund")
def balances(request, unit_id: int | None = None, consolidated: bool = True):
    """Per unit (of the subtree when consolidated) and fund: net assets and what it may still distribute."""
    unit = _ledger_unit(request.user, unit_id)
    return reports.fund_positions(request.user, unit, consolidated=consolidated)


@router.get("/reports/trial-balance", response={200: TrialBalanceReport, **ERRORS}, summary="Trial balance")
def trial_balance(request, query: Query[ReportQuery], by_fund: bool = False, include_closing: bool = False):
    unit, period, compare = _report_args(request.user, query)
    result = reports.trial_balance(
        request.user,
        unit,
        period,
        consolidated=query.consolidated,
        by_fund=by_fund,
        include_closing=include_closing,
        compare=compare,
    )
    return {**_head(unit, query), "current": result.current, "comparison": result.comparison}


@router.get(
    "/reports/general-ledger/{account_id}",
    response={200: GeneralLedgerReport, **ERRORS},
    summary="General ledger of one account",
)
def general_ledger(
    request,
    account_id: int,
    query: Query[ReportQuery],
    fund_kind: FundKind | None = None,
    limit: int = Query(1000, ge=1, le=10000),
):
    unit, period, _compare = _report_args(request.user, query)
    account = selectors.accounts_for(request.user, unit).filter(pk=account_id).first()
    if account is None:
        raise Http404
    fund = None
    if fund_kind:
        fund = selectors.funds_for(request.user, unit).filter(kind=fund_kind).first()
        if fund is None:
            raise Http404
    result = reports.general_ledger(
        request.user, unit, account, period, consolidated=query.consolidated, fund=fund, limit=limit
    )
    return {**_head(unit, query), **{f: getattr(result, f) for f in result.__dataclass_fields__}}


@router.get(
    "/reports/financial-position",
    response={200: FinancialPositionReport, **ERRORS},
    summary="Statement of financial position (Laporan Posisi Keuangan)",
)
def financial_position(request, query: Query[ReportQuery]):
    unit, period, compare = _report_args(request.user, query)
    result = reports.financial_position(request.user, unit, period, consolidated=query.consolidated, compare=compare)
    return {**_head(unit, query), "current": result.current, "comparison": result.comparison}


@router.get(
    "/reports/changes-in-funds",
    response={200: ChangesInFundsReport, **ERRORS},
    summary="Statement of changes in funds (Laporan Perubahan Dana)",
)
def changes_in_funds(request, query: Query[ReportQuery]):
    unit, period, compare = _report_args(request.user, query)
    result = reports.changes_in_funds(request.user, unit, period, consolidated=query.consolidated, compare=compare)

    def as_list(changes):
        return None if changes is None else [changes[kind] for kind in FundKind.values]

    return {**_head(unit, query), "current": as_list(result.current), "comparison": as_list(result.comparison)}


@router.get("/reports/cash-flows", response={200: CashFlowsReport, **ERRORS}, summary="Cash flows (Laporan Arus Kas)")
def cash_flows(request, query: Query[ReportQuery]):
    unit, period, compare = _report_args(request.user, query)
    result = reports.cash_flows(request.user, unit, period, consolidated=query.consolidated, compare=compare)

    def split(flows):
        return None if flows is None else {"total": flows[None], "funds": [flows[kind] for kind in FundKind.values]}

    return {**_head(unit, query), "current": split(result.current), "comparison": split(result.comparison)}


@router.get(
    "/reports/managed-assets",
    response={200: ManagedAssetsReport, **ERRORS},
    summary="Changes in managed assets (Laporan Perubahan Aset Kelolaan)",
)
def managed_assets(request, query: Query[ReportQuery]):
    unit, period, compare = _report_args(request.user, query)
    result = reports.managed_assets(request.user, unit, period, consolidated=query.consolidated, compare=compare)
    return {**_head(unit, query), "current": result.current, "comparison": result.comparison}
