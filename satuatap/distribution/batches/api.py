"""Disbursement batches over the REST API: prepare, decide and pay many recipients at once.

A batch is seen in the units where the user holds ``distribution.view``; each step checks the role it
needs on the batch's unit (403), then goes through the batch services; a refused recipient names its row.
"""

from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from satuatap.api.pagination import LimitOffsetPagination, paginate
from satuatap.api.schemas import ErrorOut
from satuatap.api.scoping import acting_unit
from satuatap.beneficiaries.selectors import beneficiaries_for
from satuatap.distribution import selectors
from satuatap.distribution.api.common import ERRORS, VIEW, fair_share_conflict, refusals
from satuatap.distribution.api.schemas import (
    BatchDecideIn,
    BatchDetailOut,
    BatchFilter,
    BatchIn,
    BatchOut,
    BatchPayIn,
)
from satuatap.distribution.batches import selectors as batch_selectors
from satuatap.distribution.batches import services as batch_services
from satuatap.distribution.errors import DistributionRefused, FairShareWarning
from satuatap.distribution.models import (
    Batch,
)
from satuatap.organizations.permissions import require
from satuatap.organizations.selectors import unit_for

# --- batches ------------------------------------------------------------------------------------

router = Router(tags=["distribution"])


def _batch(user, batch_id: int, capability: str = VIEW) -> Batch:
    """The batch (404 outside the user's units) once the user's role on its unit allows ``capability``."""
    batch = batch_selectors.batch_for(user, batch_id)
    require(user, capability, batch.unit)
    return batch


@router.get(
    "/batches",
    response={200: list[BatchOut], **ERRORS},
    summary="Disbursement batches in your units",
    operation_id="satuatap_distribution_api_list_batches",
)
@paginate(LimitOffsetPagination)
def list_batches(request, filters: Query[BatchFilter]):
    rows = batch_selectors.batches_for(request.user)
    if filters.unit_id is not None:
        unit = unit_for(request.user, filters.unit_id, capability=VIEW)
        rows = rows.filter(unit__path__startswith=unit.path)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.program_id is not None:
        rows = rows.filter(program_id=filters.program_id)
    return rows.order_by("-created_at", "-id")


@router.get(
    "/batches/{int:batch_id}",
    response={200: BatchDetailOut, **ERRORS},
    summary="One batch with its recipients",
    operation_id="satuatap_distribution_api_get_batch",
)
def get_batch(request, batch_id: int):
    return _batch(request.user, batch_id)


@router.post(
    "/batches",
    response={201: BatchDetailOut, **ERRORS},
    summary="Prepare a batch: each recipient becomes an application of it, recommended by you",
    description=(
        "All or nothing: when a recipient is refused (not in your registry, twice in the list, not eligible under "
        "the program, a bad amount), nothing is saved and the answer (400, field `recipients`) names every refused "
        "row by its position in the list. Goods and loan programs are given one by one, not in batches."
    ),
    operation_id="satuatap_distribution_api_create_batch",
)
def create_batch(request, payload: BatchIn):
    unit = acting_unit(request.user, payload.unit_id, "distribution.recommend")
    program = selectors.program_at(request.user, payload.program_id, unit)
    wanted = [r.beneficiary_id for r in payload.recipients]
    people = beneficiaries_for(request.user).in_bulk(wanted)
    unknown = [
        _("Row %(row)s: no person with id %(id)s in your registry.") % {"row": n, "id": pk}
        for n, pk in enumerate(wanted, start=1)
        if pk not in people
    ]
    if unknown:
        raise DistributionRefused(" ".join(unknown[:20]), field="recipients")
    rows = [(people[r.beneficiary_id], r.amount, r.need or payload.need) for r in payload.recipients]
    with refusals():
        batch = batch_services.batch_prepare(
            actor=request.user, unit=unit, program=program, name=payload.name, rows=rows
        )
    return Status(201, _batch(request.user, batch.pk))


@router.post(
    "/batches/{int:batch_id}/decide",
    response={200: BatchDetailOut, 409: ErrorOut, **ERRORS},
    summary="Approve or reject a prepared batch as a whole",
    description=(
        "As for one application: above your authority limit for the batch's total, or your own batch, 403; a "
        "recipient not eligible or a fund that cannot pay the total, 400; fair-share warnings for any recipient, "
        "409 (code `fair_share_warning`): send `override_reason` to approve anyway."
    ),
    operation_id="satuatap_distribution_api_decide_batch",
)
def decide_batch(request, batch_id: int, payload: BatchDecideIn):
    batch = _batch(request.user, batch_id, "distribution.approve")
    try:
        batch = batch_services.batch_decide(
            actor=request.user,
            batch=batch,
            approve=payload.approve,
            note=payload.note,
            override_reason=payload.override_reason,
        )
    except FairShareWarning as exc:
        return fair_share_conflict(exc)
    return _batch(request.user, batch.pk)


@router.post(
    "/batches/{int:batch_id}/pay",
    response={200: BatchDetailOut, **ERRORS},
    summary="Pay an approved batch: one journal entry, a disbursement and an aid-history row per recipient",
    operation_id="satuatap_distribution_api_pay_batch",
)
def pay_batch(request, batch_id: int, payload: BatchPayIn):
    batch = _batch(request.user, batch_id, "distribution.pay")
    money_account = selectors.money_account_of(batch.institution_id, payload.money_account_id)
    if money_account is None:
        raise DistributionRefused(
            _("Choose a cash or bank account of %(unit)s.") % {"unit": batch.unit.name}, field="money_account_id"
        )
    with refusals():
        batch = batch_services.batch_pay(
            actor=request.user,
            batch=batch,
            money_account=money_account,
            paid_on=payload.paid_on,
            reference=payload.reference,
            payee_name=payload.payee_name,
            payee_account=payload.payee_account,
        )
    return _batch(request.user, batch.pk)
