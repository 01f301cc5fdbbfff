"""Setting up the fund ledger over the REST API: the chart of accounts (bank accounts included),
the amil share rates and the monthly amil share batch — what the chart, accounts and amil pages offer.

Its operations join ``ledger.api``'s router (the chart's paths are shared with its reads); ``api.core``
imports this module before mounting that router. Reads go through ``ledger.selectors``; writes through
``ledger.services``, which keep the pages' role rules: only admin and finance keep accounts and amil
rates (``ledger.configure``; an office's own cash and bank accounts on that office, the rest on the
institution), only finance posts the amil share (``ledger.post``). A role that may not write answers
403 before any object is looked up; an id outside the user's units answers 404.
"""

import contextlib
from collections.abc import Iterator
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status

from satuatap.ledger import selectors, services
from satuatap.ledger.api import ERRORS, _account_for, _detail, _ledger_unit, _require_somewhere, router
from satuatap.ledger.api_schemas import MONTH, AccountOut, EntryDetailOut
from satuatap.ledger.models import AccountRole, Asnaf, FundKind, ReceiptKind
from satuatap.organizations.models import Unit
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


def _institution(unit: Unit) -> Unit:
    return unit if unit.is_institution else Unit.objects.get(pk=unit.institution_id)


# --- chart of accounts ---------------------------------------------------------------------------


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


@router.post(
    "/chart",
    response={200: ChartSetupOut, **ERRORS},
    summary="Set up the standard chart (funds, accounts, a cash account per office, amil rates); adds what is missing",
)
def setup_chart(request, payload: ChartSetupIn):
    _require_somewhere(request.user, "ledger.configure")
    unit = _ledger_unit(request.user, payload.unit_id)
    created = services.chart_create_default(actor=request.user, institution=_institution(unit))
    return {"created": len(created)}


@router.post("/accounts", response={201: AccountOut, **ERRORS}, summary="Add an account (a bank account, too)")
def create_account(request, payload: LedgerAccountIn):
    _require_somewhere(request.user, "ledger.configure")
    unit = unit_for(request.user, payload.unit_id, capability="ledger.view") if payload.unit_id is not None else None
    institution = _institution(unit or _ledger_unit(request.user, None))
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
    return Status(201, _account_for(request.user, account.pk))


@router.patch(
    "/accounts/{account_id}",
    response={200: AccountOut, **ERRORS},
    summary="Rename, recode, deactivate or reactivate an account, or change its bank details",
)
def update_account(request, account_id: int, payload: LedgerAccountPatch):
    _require_somewhere(request.user, "ledger.configure")
    account = _account_for(request.user, account_id)
    with _refusals():
        services.account_update(
            actor=request.user, account=account, **payload.dict(exclude_unset=True, exclude_none=True)
        )
    return _account_for(request.user, account.pk)


# --- amil share -------------------------------------------------------------------------------------


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


@router.get("/amil-rates", response={200: list[AmilRateOut], **ERRORS}, summary="The amil share rate of each fund")
def list_amil_rates(request, unit_id: int | None = Query(None, description="Any unit of the institution.")):
    return list(selectors.amil_rates_for(request.user, _ledger_unit(request.user, unit_id)))


@router.post("/amil-rates", response={200: AmilRateOut, **ERRORS}, summary="Set the amil share rate of a fund")
def set_amil_rate(request, payload: AmilRateIn):
    _require_somewhere(request.user, "ledger.configure")
    unit = _ledger_unit(request.user, payload.unit_id)
    rate = services.amil_rate_set(
        actor=request.user,
        institution=_institution(unit),
        fund_kind=payload.fund_kind,
        basis_points=payload.basis_points,
    )
    return selectors.amil_rates_for(request.user, unit).get(pk=rate.pk)


@router.post(
    "/amil-share",
    response={200: AmilShareRunOut, 201: AmilShareRunOut, **ERRORS},
    summary="Post the amil share of an office's receipts of a month (201; a re-run posts nothing: 200)",
)
def run_amil_share(request, payload: AmilShareRunIn):
    _require_somewhere(request.user, "ledger.post")
    unit = unit_for(request.user, payload.unit_id, capability="ledger.view")
    year, month = (int(part) for part in payload.month.split("-"))
    with _refusals():
        entry = services.amil_share_allocate(actor=request.user, unit=unit, year=year, month=month)
    if entry is None:
        message = _("Nothing to allocate: the month's receipts already carry their amil share.")
        return {"posted": False, "message": message, "entry": None}
    return Status(
        201, {"posted": True, "message": _("The amil share is posted."), "entry": _detail(request.user, entry)}
    )
