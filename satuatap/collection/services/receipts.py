"""Receipts (Bukti Setor Zakat / kuitansi): rendering, the print log and sending to the donor.

What a receipt must carry to serve as proof for a zakat deduction (PMK
254/PMK.03/2010, PER-6/PJ/2011): the payer's full name and NPWP, the amount, the
date, the name of the amil body with its licence, and the officer's signature (or
the bank's validation for a transfer). Ours also carries the fund lines, the
amount in words and a QR code to the public verification page.

The printed receipt shows the full NPWP (the donor needs it for the tax return);
printing is logged in ``ReceiptPrint`` and the audit trail. A receipt is rendered
in the institution's language (Indonesian by default): it is an Indonesian tax
document whatever language the clerk's screen is in.
"""

from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record
from satuatap.collection.errors import ReceiptSendRefused
from satuatap.collection.models import (
    BANK_CHANNELS,
    ZAKAT_KINDS,
    DonationLine,
    PaymentChannel,
    Receipt,
    ReceiptLayout,
    ReceiptPrint,
)
from satuatap.collection.services.setup import collection_settings
from satuatap.core.errors import DomainError
from satuatap.core.formatting import amount_in_words, rupiah, tanggal
from satuatap.core.throttle import Rate, throttle_hit
from satuatap.donors.services import format_npwp
from satuatap.ledger.hooks import purpose_names
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import can, require
from satuatap.outbox.models import Message, MessageChannel
from satuatap.outbox.services import message_queue, message_whatsapp_open

PRINT_KINDS = (ReceiptPrint.Kind.PRINT, ReceiptPrint.Kind.REPRINT)
# The thermal roll is 80 mm wide and as long as the receipt: laid out once on a long page to
# measure, then on a page of exactly that height.
THERMAL_MEASURE_HEIGHT_MM = 2000
PX_PER_MM = 96 / 25.4


def may_print(user, unit: Unit) -> bool:
    """Printing shows the full NPWP: the counter staff who hand receipts over, and the roles that
    may read identifiers anyway (finance, auditors)."""
    return can(user, "collection.record", unit) or can(user, "donors.identifiers", unit)


def _require_print(user, unit: Unit) -> None:
    if not may_print(user, unit):
        require(user, "collection.record", unit)  # raises with the usual message


# --- content --------------------------------------------------------------------------------------


# How often one address may verify receipts, page and API together (as often as an aid status is looked up).
VERIFY_RATE = Rate(count=60, seconds=600)


def verify_throttled(request) -> int | None:
    """Count one public verification by the client: None while within ``VERIFY_RATE``, otherwise the
    seconds it must wait (tokens are unguessable; this keeps anyone from trying many)."""
    return throttle_hit(request, "receipt-verify", VERIFY_RATE)


def verify_path(receipt: Receipt) -> str:
    return reverse("collection:receipt_verify", args=[receipt.verify_token])


def verify_url(receipt: Receipt, request=None) -> str:
    """The absolute public verification link the QR code carries.

    ``SATUATAP_PUBLIC_URL`` (when the lead adds it to settings) wins, so a receipt printed
    behind a proxy or from a background task still points at the public host.
    """
    base = getattr(settings, "SATUATAP_PUBLIC_URL", "") or ""
    if base:
        return base.rstrip("/") + verify_path(receipt)
    if request is not None:
        return request.build_absolute_uri(verify_path(receipt))
    host = (settings.ALLOWED_HOSTS or ["localhost"])[0].lstrip(".")
    return f"https://{host}{verify_path(receipt)}"


def qr_svg(url: str) -> str:
    """An inline SVG QR code (no size: the page's CSS sizes it)."""
    import segno

    return segno.make(url, error="m").svg_inline(scale=4, border=2, omitsize=True, title=url)


def qr_data_uri(url: str) -> str:
    import segno

    return segno.make(url, error="m").svg_data_uri(scale=4, border=2, omitsize=True)


def receipt_institution(receipt: Receipt) -> Unit:
    unit = receipt.unit
    if unit.institution_id == unit.pk:
        return unit
    return Unit.objects.get(pk=unit.institution_id)


def _line_rows(lines: list[DonationLine]) -> list[dict]:
    rows = []
    for line in lines:
        details = []
        campaign = line.campaign if line.campaign_id is not None else None
        if campaign is not None:
            details.append(_("Campaign: %(name)s") % {"name": campaign.name})
        elif line.program:
            details.append(_("Program: %(name)s") % {"name": purpose_names([line.program])[line.program]})
        if line.persons:
            details.append(
                _("%(persons)s persons × %(rate)s") % {"persons": line.persons, "rate": rupiah(line.fitrah_rate)}
            )
        if line.goods_description:
            quantity = f"{line.goods_quantity.normalize():f}" if line.goods_quantity is not None else ""
            details.append(f"{line.goods_description} ({quantity} {line.goods_unit})".replace(" )", ")"))
        rows.append(
            {
                "kind": line.get_kind_display(),
                "fund": line.get_fund_kind_display(),
                "details": details,
                "amount": line.amount,
            }
        )
    return rows


def receipt_context(
    receipt: Receipt, *, request=None, lines: list[DonationLine] | None = None, npwp: str | None = None
) -> dict:
    """Everything a receipt shows. ``npwp`` replaces the donor's full NPWP (a page passes the masked
    one); by default the printed receipt carries it in full."""
    donation = receipt.donation
    donor = donation.donor
    if lines is None:
        lines = list(DonationLine.objects.filter(donation_id=donation.pk).select_related("campaign"))
    institution = receipt_institution(receipt)
    url = verify_url(receipt, request)
    is_zakat = any(line.kind in ZAKAT_KINDS for line in lines)
    bank_validated = donation.channel in BANK_CHANNELS and bool(donation.bank_reference)
    if npwp is None:
        npwp = format_npwp(donor.npwp) if donor.npwp else ""
    return {
        "receipt": receipt,
        "donation": donation,
        "donor": donor,
        "donor_npwp": npwp,
        "institution": institution,
        "institution_name": institution.legal_name or institution.name,
        "unit": receipt.unit,
        "lines": _line_rows(lines),
        "total": donation.total,
        "total_words": amount_in_words(donation.total),
        "is_zakat": is_zakat,
        "is_void": donation.is_void,
        "title": _("Zakat payment receipt") if is_zakat else _("Donation receipt"),
        "channel": donation.get_channel_display(),
        "bank_validated": bank_validated,
        "collector": donation.collector,
        "verify_url": url,
        "qr_svg": qr_svg(url),
        "qr_data_uri": qr_data_uri(url),
        "footer": collection_settings(institution.pk).receipt_note,
        "in_kind": donation.channel == PaymentChannel.IN_KIND,
    }


# --- PDF ------------------------------------------------------------------------------------------


def _render_pdf(template: str, context: dict, base_url: str | None, page_height: str = "") -> Any:
    """The laid-out document (a ``weasyprint.Document``)."""
    from weasyprint import HTML

    html = render_to_string(template, {**context, "page_height": page_height})
    return HTML(string=html, base_url=base_url).render()


def _thermal_height(document) -> str:
    """The height of the laid-out receipt (its root box), as a page height in mm."""
    box = document.pages[0]._page_box.children[0]
    height_px = box.margin_height()
    return f"{height_px / PX_PER_MM + 1:.1f}mm"


def receipt_pdf(
    receipt: Receipt, layout: str, *, request=None, context: dict | None = None, copy_label: str = ""
) -> bytes:
    """The receipt as PDF: an A5 sheet, or an 80 mm thermal roll as long as its content."""
    if layout not in ReceiptLayout.values:
        raise DomainError(_("Choose the A5 or the thermal layout."), field="layout")
    with translation.override(settings.LANGUAGE_CODE), timezone.override(receipt.unit.tzinfo):
        context = dict(context or receipt_context(receipt, request=request))
        context.update({"printed_at": timezone.now(), "copy_label": copy_label, "layout": layout})
        base_url = request.build_absolute_uri("/") if request is not None else None
        template = f"collection/receipt_pdf_{layout}.html"
        if layout == ReceiptLayout.THERMAL:
            measured = _render_pdf(template, context, base_url, f"{THERMAL_MEASURE_HEIGHT_MM}mm")
            document = _render_pdf(template, context, base_url, _thermal_height(measured))
        else:
            document = _render_pdf(template, context, base_url)
        return document.write_pdf()


def receipt_rendering_warm_up() -> None:
    """Pay before the first clerk does what the first receipt PDF after a start would cost (WeasyPrint's
    import, the fonts found and loaded, the templates compiled, the QR encoder imported): about 1.5 s of
    the first A5 print. The server calls it in a background thread at start (``satuatap.wsgi``)."""
    from django.template.loader import get_template
    from weasyprint import HTML

    for layout in ReceiptLayout.values:
        get_template(f"collection/receipt_pdf_{layout}.html")
    qr = qr_data_uri("https://example.invalid/r/warm-up/")
    # The receipts' own style sheet, with each of its fonts (regular, bold, italic, monospace), laid out once.
    style = render_to_string("collection/_receipt_pdf_style.html")
    html = (
        f"<style>@page {{ size: A5; }} {style}</style><table><tr><td><b>Bukti</b></td>"
        f'<td class="num">Rp1.250.000</td></tr></table><p class="words">satu juta</p>'
        f'<p class="url">BRA-2026-000001</p><div class="qr"><img src="{qr}"></div>'
    )
    HTML(string=html).render().write_pdf()


def receipt_filename(receipt: Receipt, layout: str) -> str:
    return f"{receipt.number}-{layout}.pdf"


# --- print log ------------------------------------------------------------------------------------


def receipt_print_log(*, actor, receipt: Receipt, kind: str, layout: str = "", recipient: str = "") -> ReceiptPrint:
    """Log a print (the first of its layout), a re-print (every later one) or a sending, with its audit event.

    For prints pass ``kind=ReceiptPrint.Kind.PRINT``: it becomes a re-print when the receipt was
    printed before in the same layout (the 80 mm roll handed over after the A5 sheet is no copy).
    Call inside the transaction of the print, with the receipt row locked.
    """
    if kind in PRINT_KINDS:
        kind = ReceiptPrint.Kind.REPRINT if _printed_before(receipt, layout) else ReceiptPrint.Kind.PRINT
    entry = ReceiptPrint.objects.create(receipt=receipt, kind=kind, layout=layout, by=actor, recipient=recipient)
    sent = kind in (ReceiptPrint.Kind.EMAIL, ReceiptPrint.Kind.WHATSAPP)
    audit_record(
        actor=actor,
        action=AuditAction.RECEIPT_SENT if sent else AuditAction.RECEIPT_PRINTED,
        target=receipt,
        unit=receipt.unit,
        changes={"kind": [None, kind], **({"layout": [None, layout]} if layout else {})},
        note=recipient,
    )
    return entry


def _printed_before(receipt: Receipt, layout: str) -> bool:
    return ReceiptPrint.objects.filter(receipt=receipt, layout=layout, kind__in=PRINT_KINDS).exists()


def _locked(receipt: Receipt) -> Receipt:
    """The receipt's row locked for this transaction, so print and re-print are told apart exactly."""
    Receipt.objects.select_for_update().filter(pk=receipt.pk).values_list("pk", flat=True).get()
    return receipt


def receipt_print(*, actor, receipt: Receipt, layout: str, request=None) -> tuple[bytes, ReceiptPrint]:
    """Render the receipt for printing and log it (print, or re-print after the first of its layout).

    The PDF is rendered before the short transaction that logs it, so a print that fails to
    render is not logged and no database lock is held while WeasyPrint works.
    """
    _require_print(actor, receipt.unit)
    if layout not in ReceiptLayout.values:
        raise DomainError(_("Choose the A5 or the thermal layout."), field="layout")
    copy_label = ""
    if _printed_before(receipt, layout):
        with translation.override(settings.LANGUAGE_CODE):
            copy_label = _("Copy (re-printed)")
    pdf = receipt_pdf(receipt, layout, request=request, copy_label=copy_label)
    with transaction.atomic():
        _locked(receipt)
        entry = receipt_print_log(actor=actor, receipt=receipt, kind=ReceiptPrint.Kind.PRINT, layout=layout)
    return pdf, entry


# --- sending --------------------------------------------------------------------------------------


def _sendable(receipt: Receipt) -> None:
    if receipt.donation.is_void:
        raise ReceiptSendRefused(_("Receipt %(number)s is void; it is not sent.") % {"number": receipt.number})


def _greeting_text(receipt: Receipt, url: str) -> str:
    donation = receipt.donation
    return _(
        "Assalamu'alaikum %(name)s, thank you for your gift of %(amount)s on %(date)s to %(unit)s. "
        "Your receipt %(number)s can be seen and verified at %(url)s"
    ) % {
        "name": donation.donor.full_name,
        "amount": rupiah(donation.total),
        "date": tanggal(donation.donation_date),
        "unit": receipt.unit.name,
        "number": receipt.number,
        "url": url,
    }


def receipt_send_email(*, actor, receipt: Receipt, request=None) -> Message:
    """Email the receipt (A5 PDF attached) to a donor who agreed to be contacted by email.

    The message goes through the outbox: it is delivered after commit and retried if the mail
    server is down.
    """
    require(actor, "collection.record", receipt.unit)
    _sendable(receipt)
    donor = receipt.donation.donor
    if not donor.consent_email:
        raise ReceiptSendRefused(_("The donor has not agreed to be contacted by email."), field="channel")
    if not donor.email:
        raise ReceiptSendRefused(_("The donor has no email address."), field="channel")
    with translation.override(settings.LANGUAGE_CODE):
        url = verify_url(receipt, request)
        institution = receipt_institution(receipt)
        subject = _("Receipt %(number)s — %(institution)s") % {
            "number": receipt.number,
            "institution": institution.legal_name or institution.name,
        }
        body = _greeting_text(receipt, url) + "\n\n" + _("The receipt is attached as a PDF.")
    pdf = receipt_pdf(receipt, ReceiptLayout.A5, request=request)
    with transaction.atomic():
        _locked(receipt)
        message = message_queue(
            actor=actor,
            unit=receipt.unit,
            channel=MessageChannel.EMAIL,
            recipient=donor.email,
            subject=subject,
            body=body,
            attachment=pdf,
            attachment_name=receipt_filename(receipt, ReceiptLayout.A5),
            attachment_type="application/pdf",
            reference=f"receipt:{receipt.pk}",
        )
        receipt_print_log(
            actor=actor, receipt=receipt, kind=ReceiptPrint.Kind.EMAIL, layout=ReceiptLayout.A5, recipient=donor.email
        )
    return message


def receipt_send_whatsapp(*, actor, receipt: Receipt, request=None) -> str:
    """The ``wa.me`` link that sends the donor the verification link of the receipt.

    There is no WhatsApp gateway: the staff member opens the link and presses send, so the
    message is recorded as sent when the link is handed out.
    """
    require(actor, "collection.record", receipt.unit)
    _sendable(receipt)
    donor = receipt.donation.donor
    if not donor.consent_whatsapp:
        raise ReceiptSendRefused(_("The donor has not agreed to be contacted by WhatsApp."), field="channel")
    if not donor.phone:
        raise ReceiptSendRefused(_("The donor has no phone number."), field="channel")
    with transaction.atomic():
        _locked(receipt)
        with translation.override(settings.LANGUAGE_CODE):
            text = _greeting_text(receipt, verify_url(receipt, request))
        message = message_queue(
            actor=actor,
            unit=receipt.unit,
            channel=MessageChannel.WHATSAPP,
            recipient=donor.phone,
            body=text,
            reference=f"receipt:{receipt.pk}",
        )
        link = message_whatsapp_open(actor=actor, message=message)
        receipt_print_log(actor=actor, receipt=receipt, kind=ReceiptPrint.Kind.WHATSAPP, recipient=donor.phone)
    return link
