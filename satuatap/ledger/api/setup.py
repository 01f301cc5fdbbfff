"""Setting up the fund ledger over the REST API: the chart of accounts (bank accounts included),
the amil share rates and the monthly amil share batch — what the chart, accounts and amil pages offer.

Its operations join the ledger API's router (the chart's paths are shared with its reads). Reads
go through ``ledger.selectors``; writes through ``ledger.services``, which keep the pages' role
rules: only admin and finance keep accounts and amil rates (``ledger.configure``; an office's own
cash and bank accounts on that office, the rest on the institution), only finance posts the amil
share (``ledger.post``). A role that may not write answers 403 before any object is looked up; an
id outside the user's units answers 404.
"""

import contextlib
from collections.abc import Iterator

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Status

from satuatap.api.scoping import acting_unit
from satuatap.ledger import selectors, services
from satuatap.ledger.api.common import ERRORS, ledger_unit, router
from satuatap.ledger.api.schemas import (
    AccountOut,
    AmilRateIn,
    AmilRateOut,
    AmilShareRunIn,
    AmilShareRunOut,
    ChartSetupIn,
    ChartSetupOut,
    LedgerAccountIn,
    LedgerAccountPatch,
)
from satuatap.organizations.selectors import unit_for

# Service field names -> the names of the request body.
_FIELDS = {"unit": "unit_id"}


@contextlib.contextmanager
def _refusals() -> Iterator[None]:
    """The service's refusal, with its field named as in the request body."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError({_FIELDS.get(f, f): errors for f, errors in exc.error_dict.items()}) from exc


@router.post(
    "/chart",
    response={200: ChartSetupOut, **ERRORS},
    summary="Set up the standard chart (funds, accounts, a cash account per office, amil rates); adds what is missing",
)
def setup_chart(request, payload: ChartSetupIn):
    acting_unit(request.user, None, "ledger.configure")
    unit = ledger_unit(request.user, payload.unit_id)
    created = services.chart_create_default(actor=request.user, institution=selectors.books_institution(unit))
    return {"created": len(created)}


@router.post("/accounts", response={201: AccountOut, **ERRORS}, summary="Add an account (a bank account, too)")
def create_account(request, payload: LedgerAccountIn):
    acting_unit(request.user, None, "ledger.configure")
    unit = unit_for(request.user, payload.unit_id, capability="ledger.view") if payload.unit_id is not None else None
    institution = selectors.books_institution(unit or ledger_unit(request.user, None))
    with _refusals():
        account = services.account_create(
            actor=request.user,
            institution=institution,
            code=payload.code,
            name=payload.name,
            role=payload.role,
            fund_kind=payload.fund_kind or "",
            unit=unit,
            bank_name=payload.bank_name,
            bank_account_number=payload.bank_account_number,
            receipt_kind=payload.receipt_kind or "",
            asnaf=payload.asnaf or "",
            pillar=payload.pillar,
        )
    return Status(201, selectors.account_for(request.user, account.pk))


@router.patch(
    "/accounts/{account_id}",
    response={200: AccountOut, **ERRORS},
    summary="Rename, recode, deactivate or reactivate an account, or change its bank details",
)
def update_account(request, account_id: int, payload: LedgerAccountPatch):
    acting_unit(request.user, None, "ledger.configure")
    account = selectors.account_for(request.user, account_id)
    with _refusals():
        services.account_update(
            actor=request.user, account=account, **payload.dict(exclude_unset=True, exclude_none=True)
        )
    return selectors.account_for(request.user, account.pk)


# --- amil share -------------------------------------------------------------------------------------


@router.get("/amil-rates", response={200: list[AmilRateOut], **ERRORS}, summary="The amil share rate of each fund")
def list_amil_rates(request, unit_id: int | None = Query(None, description="Any unit of the institution.")):
    return list(selectors.amil_rates_for(request.user, ledger_unit(request.user, unit_id)))


@router.post("/amil-rates", response={200: AmilRateOut, **ERRORS}, summary="Set the amil share rate of a fund")
def set_amil_rate(request, payload: AmilRateIn):
    acting_unit(request.user, None, "ledger.configure")
    unit = ledger_unit(request.user, payload.unit_id)
    rate = services.amil_rate_set(
        actor=request.user,
        institution=selectors.books_institution(unit),
        fund_kind=payload.fund_kind,
        basis_points=payload.basis_points,
    )
    return selectors.amil_rate_for(request.user, unit, rate.pk)


@router.post(
    "/amil-share",
    response={200: AmilShareRunOut, 201: AmilShareRunOut, **ERRORS},
    summary="Post the amil share of an office's receipts of a month (201; a re-run posts nothing: 200)",
)
def run_amil_share(request, payload: AmilShareRunIn):
    acting_unit(request.user, None, "ledger.post")
    unit = unit_for(request.user, payload.unit_id, capability="ledger.view")
    year, month = (int(part) for part in payload.month.split("-"))
    with _refusals():
        entry = services.amil_share_allocate(actor=request.user, unit=unit, year=year, month=month)
    if entry is None:
        message = _("Nothing to allocate: the month's receipts already carry their amil share.")
        return {"posted": False, "message": message, "entry": None}
    return Status(
        201,
        {
            "posted": True,
            "message": _("The amil share is posted."),
            "entry": selectors.entry_with_lines(request.user, entry.pk),
        },
    )
