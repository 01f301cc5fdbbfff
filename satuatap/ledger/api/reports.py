"""Balances and the PSAK 109 statements over the REST API, from ``ledger.selectors`` (scoped with
``ledger.view``)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query
from ninja.errors import ValidationError as SchemaValidationError

from satuatap.ledger import selectors
from satuatap.ledger.api.common import ERRORS, ledger_unit, router
from satuatap.ledger.api.schemas import (
    CashFlowsReport,
    ChangesInFundsReport,
    FinancialPositionReport,
    FundPositionOut,
    GeneralLedgerReport,
    ManagedAssetsReport,
    ReportQuery,
    TrialBalanceReport,
)
from satuatap.ledger.models import FundKind
from satuatap.ledger.selectors import MonthRange
from satuatap.organizations.models import Unit

# The operation ids are those these endpoints had in ``ledger/api.py`` (clients generated from the
# schema call them by these names).


# --- balances and reports -----------------------------------------------------------------------


def _month(value: str) -> tuple[int, int]:
    year, month = value.split("-")
    return int(year), int(month)


def _report_args(user, query: ReportQuery) -> tuple[Unit, MonthRange, MonthRange | None]:
    unit = ledger_unit(user, query.unit_id)
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


@router.get(
    "/balances",
    response={200: list[FundPositionOut], **ERRORS},
    summary="Balance and available per fund",
    operation_id="satuatap_ledger_api_balances",
)
def balances(request, unit_id: int | None = None, consolidated: bool = True):
    """Per unit (of the subtree when consolidated) and fund: net assets and what it may still distribute."""
    unit = ledger_unit(request.user, unit_id)
    return selectors.fund_positions(request.user, unit, consolidated=consolidated)


@router.get(
    "/reports/trial-balance",
    response={200: TrialBalanceReport, **ERRORS},
    summary="Trial balance",
    operation_id="satuatap_ledger_api_trial_balance",
)
def trial_balance(request, query: Query[ReportQuery], by_fund: bool = False, include_closing: bool = False):
    unit, period, compare = _report_args(request.user, query)
    result = selectors.trial_balance(
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
    operation_id="satuatap_ledger_api_general_ledger",
)
def general_ledger(
    request,
    account_id: int,
    query: Query[ReportQuery],
    fund_kind: FundKind | None = None,
    limit: int = Query(1000, ge=1, le=10000),
):
    unit, period, _compare = _report_args(request.user, query)
    account = selectors.chart_account(request.user, unit, account_id)
    fund = selectors.chart_fund(request.user, unit, fund_kind) if fund_kind else None
    result = selectors.general_ledger(
        request.user, unit, account, period, consolidated=query.consolidated, fund=fund, limit=limit
    )
    return {**_head(unit, query), **{f: getattr(result, f) for f in result.__dataclass_fields__}}


@router.get(
    "/reports/financial-position",
    response={200: FinancialPositionReport, **ERRORS},
    summary="Statement of financial position (Laporan Posisi Keuangan)",
    operation_id="satuatap_ledger_api_financial_position",
)
def financial_position(request, query: Query[ReportQuery]):
    unit, period, compare = _report_args(request.user, query)
    result = selectors.financial_position(request.user, unit, period, consolidated=query.consolidated, compare=compare)
    return {**_head(unit, query), "current": result.current, "comparison": result.comparison}


@router.get(
    "/reports/changes-in-funds",
    response={200: ChangesInFundsReport, **ERRORS},
    summary="Statement of changes in funds (Laporan Perubahan Dana)",
    operation_id="satuatap_ledger_api_changes_in_funds",
)
def changes_in_funds(request, query: Query[ReportQuery]):
    unit, period, compare = _report_args(request.user, query)
    result = selectors.changes_in_funds(request.user, unit, period, consolidated=query.consolidated, compare=compare)

    def as_list(changes):
        return None if changes is None else [changes[kind] for kind in FundKind.values]

    return {**_head(unit, query), "current": as_list(result.current), "comparison": as_list(result.comparison)}


@router.get(
    "/reports/cash-flows",
    response={200: CashFlowsReport, **ERRORS},
    summary="Cash flows (Laporan Arus Kas)",
    operation_id="satuatap_ledger_api_cash_flows",
)
def cash_flows(request, query: Query[ReportQuery]):
    unit, period, compare = _report_args(request.user, query)
    result = selectors.cash_flows(request.user, unit, period, consolidated=query.consolidated, compare=compare)

    def split(flows):
        return None if flows is None else {"total": flows[None], "funds": [flows[kind] for kind in FundKind.values]}

    return {**_head(unit, query), "current": split(result.current), "comparison": split(result.comparison)}


@router.get(
    "/reports/managed-assets",
    response={200: ManagedAssetsReport, **ERRORS},
    summary="Changes in managed assets (Laporan Perubahan Aset Kelolaan)",
    operation_id="satuatap_ledger_api_managed_assets",
)
def managed_assets(request, query: Query[ReportQuery]):
    unit, period, compare = _report_args(request.user, query)
    result = selectors.managed_assets(request.user, unit, period, consolidated=query.consolidated, compare=compare)
    return {**_head(unit, query), "current": result.current, "comparison": result.comparison}
