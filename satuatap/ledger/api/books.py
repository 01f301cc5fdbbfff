"""The chart, funds and periods over the REST API (reads scoped with ``ledger.view``; a role that
may not close answers 403 before any object is looked up)."""

from ninja import Query

from satuatap.api.pagination import LimitOffsetPagination, paginate
from satuatap.api.scoping import acting_unit
from satuatap.ledger import selectors, services
from satuatap.ledger.api.common import ERRORS, ledger_unit, router
from satuatap.ledger.api.schemas import (
    AccountFilter,
    AccountOut,
    FundOut,
    PeriodCloseIn,
    PeriodStateOut,
)

# The operation ids are those these endpoints had in ``ledger/api.py`` (clients generated from the
# schema call them by these names).


@router.get(
    "/accounts",
    response={200: list[AccountOut], **ERRORS},
    summary="Chart of accounts",
    operation_id="satuatap_ledger_api_list_accounts",
)
@paginate(LimitOffsetPagination)
def list_accounts(request, filters: Query[AccountFilter]):
    return selectors.chart_for(
        request.user,
        ledger_unit(request.user, filters.unit_id),
        active=filters.active,
        role=filters.role,
        fund_kind=filters.fund_kind,
    )


@router.get(
    "/accounts/{account_id}",
    response={200: AccountOut, **ERRORS},
    summary="One account",
    operation_id="satuatap_ledger_api_get_account",
)
def get_account(request, account_id: int):
    return selectors.account_for(request.user, account_id)


@router.get(
    "/funds",
    response={200: list[FundOut], **ERRORS},
    summary="The institution's PSAK 109 funds",
    operation_id="satuatap_ledger_api_list_funds",
)
@paginate(LimitOffsetPagination)
def list_funds(request, unit_id: int | None = None):
    return selectors.funds_for(request.user, ledger_unit(request.user, unit_id))


@router.get(
    "/periods",
    response={200: list[PeriodStateOut], **ERRORS},
    summary="Open and closed periods",
    operation_id="satuatap_ledger_api_list_periods",
)
@paginate(LimitOffsetPagination)
def list_periods(request, unit_id: int | None = None, year: int | None = None):
    return selectors.periods_for(request.user, ledger_unit(request.user, unit_id), year=year)


@router.post(
    "/periods/close",
    response={200: PeriodStateOut, **ERRORS},
    summary="Close a month or a year",
    operation_id="satuatap_ledger_api_close_period",
)
def close_period(request, payload: PeriodCloseIn):
    acting_unit(request.user, None, "ledger.close")
    unit = ledger_unit(request.user, payload.unit_id)
    # The whole institution's books close: the role is checked on its root, never on a branch.
    institution = selectors.books_institution(unit)
    return services.period_close(actor=request.user, institution=institution, year=payload.year, month=payload.month)
