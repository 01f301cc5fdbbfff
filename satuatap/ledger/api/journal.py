"""The journal over the REST API: entries (manual drafts, approved by another person), reversals
and transfers between offices. Writes go through ``ledger.services``; a role that may not write
answers 403 before any object is looked up, and an id outside the user's units answers 404."""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Header, Query, Status
from ninja.errors import HttpError
from ninja.errors import ValidationError as SchemaValidationError

from satuatap.api.pagination import LimitOffsetPagination, paginate
from satuatap.api.schemas import ErrorOut
from satuatap.api.scoping import acting_unit
from satuatap.ledger import selectors, services
from satuatap.ledger.api.common import ERRORS, router
from satuatap.ledger.api.schemas import (
    EntryDetailOut,
    EntryFilter,
    EntryOut,
    LineIn,
    ManualEntryIn,
    ManualEntryPatch,
    ReverseIn,
    TransferIn,
)
from satuatap.ledger.errors import IdempotencyConflict
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import units_where
from satuatap.organizations.selectors import unit_for

# The operation ids are those these endpoints had in ``ledger/api.py`` (clients generated from the
# schema call them by these names).


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


# --- journal ----------------------------------------------------------------------------------


@router.get(
    "/entries",
    response={200: list[EntryOut], **ERRORS},
    summary="Journal entries in scope",
    operation_id="satuatap_ledger_api_list_entries",
)
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


@router.get(
    "/entries/{entry_id}",
    response={200: EntryDetailOut, **ERRORS},
    summary="One entry with its lines",
    operation_id="satuatap_ledger_api_get_entry",
)
def get_entry(request, entry_id: int):
    return selectors.entry_with_lines(request.user, entry_id)


@router.post(
    "/entries",
    response={201: EntryDetailOut, **ERRORS},
    summary="Prepare a manual entry (a draft, posted when another person approves it)",
    operation_id="satuatap_ledger_api_create_entry",
)
def create_entry(request, payload: ManualEntryIn):
    acting_unit(request.user, None, "ledger.post")
    unit = unit_for(request.user, payload.unit_id, capability="ledger.view")
    entry = services.manual_entry_draft(
        actor=request.user,
        unit=unit,
        entry_date=payload.entry_date,
        memo=payload.memo,
        lines=_line_specs(request.user, payload.lines),
    )
    return Status(201, selectors.entry_with_lines(request.user, entry.pk))


@router.patch(
    "/entries/{entry_id}",
    response={200: EntryDetailOut, **ERRORS},
    summary="Change a draft",
    operation_id="satuatap_ledger_api_update_entry",
)
def update_entry(request, entry_id: int, payload: ManualEntryPatch):
    acting_unit(request.user, None, "ledger.post")
    entry = selectors.entry_for(request.user, entry_id)
    entry = services.manual_entry_update(
        actor=request.user,
        entry=entry,
        entry_date=payload.entry_date,
        memo=payload.memo,
        lines=_line_specs(request.user, payload.lines) if payload.lines is not None else None,
    )
    return selectors.entry_with_lines(request.user, entry.pk)


@router.post(
    "/entries/{entry_id}/approve",
    response={200: EntryDetailOut, **ERRORS},
    summary="Approve a draft, which posts it (not by whoever prepared or changed it)",
    operation_id="satuatap_ledger_api_approve_entry",
)
def approve_entry(request, entry_id: int):
    acting_unit(request.user, None, "ledger.approve")
    entry = selectors.entry_for(request.user, entry_id)
    entry = services.manual_entry_approve(actor=request.user, entry=entry)
    return selectors.entry_with_lines(request.user, entry.pk)


@router.post(
    "/entries/{entry_id}/discard",
    response={200: EntryDetailOut, **ERRORS},
    summary="Discard a draft",
    operation_id="satuatap_ledger_api_discard_entry",
)
def discard_entry(request, entry_id: int):
    if not units_where(request.user, "ledger.approve"):
        acting_unit(request.user, None, "ledger.post")  # 403: the role may neither prepare nor approve
    entry = selectors.entry_for(request.user, entry_id)
    entry = services.manual_entry_discard(actor=request.user, entry=entry)
    return selectors.entry_with_lines(request.user, entry.pk)


@router.post(
    "/entries/{entry_id}/reverse",
    response={201: EntryDetailOut, **ERRORS},
    summary="Reverse a posted entry (posts its mirror image)",
    operation_id="satuatap_ledger_api_reverse_entry",
)
def reverse_entry(request, entry_id: int, payload: ReverseIn):
    acting_unit(request.user, None, "ledger.post")
    entry = selectors.entry_for(request.user, entry_id)
    # The service refuses entries another module made (a receipt is voided in collection, not here).
    reversal = services.entry_reverse(
        actor=request.user, entry=entry, reason=payload.reason, entry_date=payload.entry_date
    )
    return Status(201, selectors.entry_with_lines(request.user, reversal.pk))


@router.post(
    "/transfers",
    response={201: EntryDetailOut, 409: ErrorOut, **ERRORS},
    summary="Remit funds to a higher office or allocate them to a lower one",
    operation_id="satuatap_ledger_api_create_transfer",
)
def create_transfer(
    request,
    payload: TransferIn,
    response: HttpResponse,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=150),
):
    acting_unit(request.user, None, "ledger.post")
    key = idempotency_key or payload.idempotency_key
    if not key or (payload.idempotency_key and idempotency_key and payload.idempotency_key != idempotency_key):
        raise SchemaValidationError(
            [{"loc": ["idempotency_key"], "msg": _("Send one request key, in the Idempotency-Key header or the body.")}]
        )
    from_unit = unit_for(request.user, payload.from_unit_id, capability="ledger.view")
    # Remitting up names an office above the sender, which may lie outside the user's units.
    to_unit = selectors.transfer_unit_for(request.user, from_unit, payload.to_unit_id)
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
    return Status(201, selectors.entry_with_lines(request.user, entry.pk))
