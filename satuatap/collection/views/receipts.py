"""Receipt pages: the staff page of a receipt, its PDFs, voiding, sending, and the public verification."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from satuatap.collection.models import ReceiptLayout
from satuatap.collection.selectors.receipts import receipt_by_token, receipt_for, receipt_lines, receipt_prints
from satuatap.collection.services import donation_void, receipts
from satuatap.core.views.helpers import apply_service_error, throttled_page
from satuatap.donors.selectors import contact_refusals
from satuatap.donors.services import donor_identifiers_read
from satuatap.organizations.permissions import can, require


class ReceiptVoidForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for voiding"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Printed on the void receipt and kept in the audit trail."),
    )


def _identifiers(request, receipt) -> dict:
    """The donor's NIK and NPWP as this viewer may see them: full (an audited read) or masked."""
    donor = receipt.donation.donor
    if can(request.user, "donors.identifiers", receipt.unit):
        full = donor_identifiers_read(actor=request.user, donor=donor, unit=receipt.unit)
        return {"nik": full["nik"], "npwp": full["npwp"], "full": True}
    return {"nik": donor.nik_masked, "npwp": donor.npwp_masked, "full": False}


def _page(request, receipt, void_form=None, status=200):
    identifiers = _identifiers(request, receipt)
    context = receipts.receipt_context(receipt, request=request, lines=receipt_lines(receipt), npwp=identifiers["npwp"])
    donor = receipt.donation.donor
    context.update(
        {
            "identifiers": identifiers,
            "prints": receipt_prints(receipt),
            "layouts": ReceiptLayout.choices,
            "can_print": receipts.may_print(request.user, receipt.unit),
            "can_send": can(request.user, "collection.record", receipt.unit) and not receipt.donation.is_void,
            "can_void": can(request.user, "collection.void", receipt.unit) and not receipt.donation.is_void,
            "email_ok": donor.consent_email and bool(donor.email),
            "whatsapp_ok": donor.consent_whatsapp and bool(donor.phone),
            "send_off": contact_refusals(donor),
            "void_form": void_form or ReceiptVoidForm(),
        }
    )
    return render(request, "collection/receipt_detail.html", context, status=status)


@login_required
@require_GET
def receipt_detail(request, pk):
    return _page(request, receipt_for(request.user, pk))


@login_required
@require_GET
def receipt_pdf(request, pk):
    receipt = receipt_for(request.user, pk)
    layout = request.GET.get("layout", ReceiptLayout.A5)
    if layout not in ReceiptLayout.values:
        layout = ReceiptLayout.A5
    pdf, _entry = receipts.receipt_print(actor=request.user, receipt=receipt, layout=layout, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{receipts.receipt_filename(receipt, layout)}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def receipt_void(request, pk):
    receipt = receipt_for(request.user, pk)
    require(request.user, "collection.void", receipt.unit)
    form = ReceiptVoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            donation_void(actor=request.user, donation=receipt.donation, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Receipt %(number)s is void; its number is kept.") % {"number": receipt.number})
            return redirect("collection:receipt_detail", pk=receipt.pk)
    if request.method == "POST":
        return _page(request, receipt, void_form=form, status=400)
    return render(request, "collection/receipt_void.html", {"receipt": receipt, "form": form})


@login_required
@require_POST
def receipt_send(request, pk):
    receipt = receipt_for(request.user, pk)
    require(request.user, "collection.record", receipt.unit)
    channel = request.POST.get("channel")
    try:
        if channel == "email":
            receipts.receipt_send_email(actor=request.user, receipt=receipt, request=request)
        elif channel == "whatsapp":
            link = receipts.receipt_send_whatsapp(actor=request.user, receipt=receipt, request=request)
            return redirect(link)
        else:
            raise receipts.ReceiptSendRefused(_("Choose email or WhatsApp."), field="channel")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Receipt %(number)s is on its way to %(email)s.")
            % {"number": receipt.number, "email": receipt.donation.donor.email},
        )
    return redirect("collection:receipt_detail", pk=receipt.pk)


@require_GET
def receipt_verify(request, token):
    """Public (no login): is this receipt genuine? Number, date, amount, institution and status,
    and nothing about the donor."""
    wait = receipts.verify_throttled(request)
    response = throttled_page(request, wait) if wait else _verify_page(request, token)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "no-store"
    return response


def _verify_page(request, token):
    try:
        receipt = receipt_by_token(token)
    except Http404:
        response = render(request, "collection/receipt_verify.html", {"receipt": None}, status=404)
    else:
        institution = receipts.receipt_institution(receipt)
        context = {
            "receipt": receipt,
            "donation": receipt.donation,
            "institution": institution,
            "institution_name": institution.legal_name or institution.name,
        }
        # Dates as the unit lives them (the void date, as the public API gives it), not the server's zone.
        with timezone.override(receipt.unit.tzinfo):
            response = render(request, "collection/receipt_verify.html", context)
    return response
