"""Receipts over the REST API: read one, download its PDF (logged as a print), void it, verify it publicly.

Reads go through ``collection.selectors_receipts`` (scoped with ``collection.view``);
voiding goes through ``collection.services.donation_void`` (finance only). The
public verification needs no token and tells nothing about the donor.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router

from satuatap.api.core import error
from satuatap.api.schemas import ErrorOut
from satuatap.collection.api.schemas import PublicReceiptOut, ReceiptOut, VoidIn
from satuatap.collection.models import Receipt, ReceiptLayout
from satuatap.collection.selectors.receipts import receipt_by_token, receipt_for, receipt_lines, receipt_prints
from satuatap.collection.services import donation_void, receipts
from satuatap.donors.services import donor_identifiers_read
from satuatap.organizations.permissions import can, units_where

router = Router(tags=["receipts"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _out(request, receipt: Receipt) -> dict:
    donation = receipt.donation
    donor = donation.donor
    if can(request.user, "donors.identifiers", receipt.unit):
        npwp, full = donor_identifiers_read(actor=request.user, donor=donor, unit=receipt.unit)["npwp"], True
    else:
        npwp, full = donor.npwp_masked, False
    return {
        "id": receipt.pk,
        "number": receipt.number,
        "status": donation.status,
        "issued_at": receipt.issued_at,
        "donation_id": donation.pk,
        "donation_date": donation.donation_date,
        "unit_id": receipt.unit_id,
        "unit_code": receipt.unit.code,
        "channel": donation.channel,
        "bank_reference": donation.bank_reference,
        "collector": str(donation.collector),
        "total": donation.total,
        "total_in_words": receipts.amount_in_words(donation.total),
        "donor": {
            "id": donor.pk,
            "number": donor.number,
            "full_name": donor.full_name,
            "npwp": npwp,
            "npwp_is_full": full,
        },
        "lines": receipt_lines(receipt),
        "void_reason": donation.void_reason,
        "voided_at": donation.voided_at,
        "verify_url": receipts.verify_url(receipt, request),
        "prints": list(receipt_prints(receipt)),
    }


@router.get("/receipts/{receipt_id}", response={200: ReceiptOut, **ERRORS}, summary="One receipt")
def get_receipt(request, receipt_id: int):
    return _out(request, receipt_for(request.user, receipt_id))


@router.get(
    "/receipts/{receipt_id}/pdf",
    response=ERRORS,
    summary="The receipt as PDF (logged as a print, or a re-print after the first)",
    openapi_extra={
        "responses": {
            200: {
                "description": "The PDF: an A5 sheet or an 80 mm thermal roll.",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def get_receipt_pdf(request, receipt_id: int, layout: ReceiptLayout = ReceiptLayout.A5):
    receipt = receipt_for(request.user, receipt_id)
    pdf, _entry = receipts.receipt_print(actor=request.user, receipt=receipt, layout=layout, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{receipts.receipt_filename(receipt, layout)}"'
    return response


@router.post(
    "/receipts/{receipt_id}/void",
    response={200: ReceiptOut, **ERRORS},
    summary="Void a receipt (finance): the donation is reversed in the ledger, the number is kept",
)
def void_receipt(request, receipt_id: int, payload: VoidIn):
    # A role that may never void learns nothing about which receipts exist.
    if not units_where(request.user, "collection.void"):
        raise PermissionDenied(_("Only finance may void a receipt."))
    receipt = receipt_for(request.user, receipt_id)
    donation_void(actor=request.user, donation=receipt.donation, reason=payload.reason)
    return _out(request, receipt_for(request.user, receipt_id))


@router.get(
    "/public/receipts/{token}",
    auth=None,
    response={200: PublicReceiptOut, 404: ErrorOut, 429: ErrorOut},
    summary="Public verification of a receipt by the token in its QR code (no login; no donor data)",
)
def verify_receipt(request, token: str):
    wait = receipts.verify_throttled(request)
    if wait:
        message = _("Too many requests from your address. Try again in %(seconds)s seconds.") % {"seconds": wait}
        response = error(request, 429, "throttled", message)
        response["Retry-After"] = str(wait)
        return response
    receipt = receipt_by_token(token)
    institution = receipts.receipt_institution(receipt)
    donation = receipt.donation
    return {
        "number": receipt.number,
        "date": donation.donation_date,
        "total": donation.total,
        "institution": institution.legal_name or institution.name,
        "licence": institution.legal_basis,
        "office": receipt.unit.name,
        "status": donation.status,
        "voided_on": timezone.localtime(donation.voided_at, receipt.unit.tzinfo).date() if donation.voided_at else None,
    }
