"""Receipts over the REST API: read one, download its PDF (logged as a print), void it, verify it publicly.

Reads go through ``collection.selectors_receipts`` (scoped with ``collection.view``);
voiding goes through ``collection.services.donation_void`` (finance only). The
public verification needs no token and tells nothing about the donor.
"""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from satuatap.api.core import error
from satuatap.api.schemas import ErrorOut
from satuatap.collection.models import DonationStatus, PaymentChannel, Receipt, ReceiptLayout
from satuatap.collection.selectors.receipts import receipt_by_token, receipt_for, receipt_lines, receipt_prints
from satuatap.collection.services import donation_void, receipts
from satuatap.donors.services import donor_identifiers_read
from satuatap.organizations.permissions import can, units_where

router = Router(tags=["receipts"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class ReceiptDonorOut(Schema):
    id: int
    number: str = Field(description="Donor number (NPWZ).")
    full_name: str
    npwp: str = Field(
        description="Masked (last 4 digits) unless the role may read identifiers; full reads are audited."
    )
    npwp_is_full: bool


class ReceiptLineOut(Schema):
    kind: str = Field(description="Sub-type: zakat_maal, zakat_fitrah, infak, fidyah, ...")
    fund_kind: str
    amount: int
    campaign_id: int | None
    program: str
    persons: int | None
    fitrah_rate: int | None
    goods_description: str
    goods_quantity: str | None
    goods_unit: str

    @staticmethod
    def resolve_goods_quantity(obj):
        return None if obj.goods_quantity is None else f"{obj.goods_quantity.normalize():f}"


class ReceiptPrintOut(Schema):
    kind: str = Field(description="print, reprint, email or whatsapp.")
    layout: str
    by: str
    at: datetime
    recipient: str

    @staticmethod
    def resolve_by(obj):
        return str(obj.by)


class ReceiptOut(Schema):
    id: int
    number: str
    status: DonationStatus
    issued_at: datetime
    donation_id: int
    donation_date: date
    unit_id: int
    unit_code: str
    channel: PaymentChannel
    bank_reference: str
    collector: str
    total: int = Field(description="Whole rupiah.")
    total_in_words: str
    donor: ReceiptDonorOut
    lines: list[ReceiptLineOut]
    void_reason: str
    voided_at: datetime | None
    verify_url: str = Field(description="The public verification page the receipt's QR code points at.")
    prints: list[ReceiptPrintOut]


class VoidIn(Schema):
    reason: str = Field(min_length=1, max_length=300, description="Printed on the void receipt and audited.")


class PublicReceiptOut(Schema):
    number: str
    date: date
    total: int
    institution: str
    licence: str
    office: str
    status: DonationStatus
    voided_on: date | None


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
