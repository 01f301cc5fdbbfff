"""Staff pages that move funds and close the books: transfers between offices, the amil share,
periods, opening balances."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from satuatap.core.formatting import rupiah
from satuatap.core.views.helpers import apply_service_error
from satuatap.ledger import services
from satuatap.ledger.forms import (
    AmilRateForm,
    AmilRunForm,
    OpeningImportForm,
    PeriodCloseForm,
    TransferForm,
)
from satuatap.ledger.models import AmilRate
from satuatap.ledger.selectors import (
    amil_rates_for,
    funds_for,
    periods_for,
    restriction_choices,
)
from satuatap.ledger.views.common import ledger_unit
from satuatap.organizations.permissions import can, require

# --- transfers, amil share, periods, opening balances --------------------------------------------


@login_required
def transfer_create(request):
    top = ledger_unit(request)
    require(request.user, "ledger.post", top)
    form = TransferForm(
        request.POST or None,
        user=request.user,
        restriction_choices=restriction_choices(top.institution_id),
        initial={"from_unit": top.pk, "idempotency_key": uuid.uuid4().hex},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.transfer_post(
                actor=request.user,
                from_unit=data["from_unit"],
                to_unit=data["to_unit"],
                fund=data["fund"],
                amount=data["amount"],
                entry_date=data["entry_date"],
                memo=data["memo"],
                kind=services.TransferKind.REMIT
                if data["to_unit"].contains(data["from_unit"])
                else services.TransferKind.ALLOCATE,
                restriction=data["restriction"],
                idempotency_key=f"transfer:{data['idempotency_key']}",
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Transfer of %(amount)s posted.") % {"amount": rupiah(data["amount"])})
            return redirect("ledger:entry_detail", pk=entry.pk)
    return render(
        request, "ledger/form.html", {"form": form, "title": _("Transfer between offices"), "back": "ledger:overview"}
    )


@login_required
def amil(request):
    top = ledger_unit(request)
    institution = top.institution
    can_configure = can(request.user, "ledger.configure", institution)
    rate_form = AmilRateForm(request.POST if request.POST.get("action") == "rate" else None)
    run_form = AmilRunForm(
        request.POST if request.POST.get("action") == "run" else None, user=request.user, initial={"unit": top.pk}
    )
    if request.method == "POST" and request.POST.get("action") == "rate" and rate_form.is_valid():
        basis_points = int(rate_form.cleaned_data["percent"] * 100)
        try:
            services.amil_rate_set(
                actor=request.user,
                institution=institution,
                fund_kind=rate_form.cleaned_data["fund_kind"],
                basis_points=basis_points,
            )
        except ValidationError as exc:
            apply_service_error(rate_form, exc)
        else:
            messages.success(request, _("The amil share rate has been saved."))
            return redirect("ledger:amil")
    if request.method == "POST" and request.POST.get("action") == "run" and run_form.is_valid():
        year, month = run_form.cleaned_data["month"]
        try:
            entry = services.amil_share_allocate(
                actor=request.user, unit=run_form.cleaned_data["unit"], year=year, month=month
            )
        except ValidationError as exc:
            apply_service_error(run_form, exc)
        else:
            if entry is None:
                messages.info(request, _("Nothing to allocate: the month's receipts already carry their amil share."))
                return redirect("ledger:amil")
            messages.success(request, _("Amil share of %(total)s posted.") % {"total": rupiah(entry.amount)})
            return redirect("ledger:entry_detail", pk=entry.pk)
    rates = amil_rates_for(request.user, top) if funds_for(request.user, top).exists() else AmilRate.objects.none()
    return render(
        request,
        "ledger/amil.html",
        {
            "rates": rates,
            "rate_form": rate_form,
            "run_form": run_form,
            "can_configure": can_configure,
            "can_post": can(request.user, "ledger.post", top),
        },
    )


@login_required
def periods(request):
    top = ledger_unit(request)
    institution = top.institution
    form = PeriodCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.period_close(
                actor=request.user,
                institution=institution,
                year=form.cleaned_data["year"],
                month=form.cleaned_data["month"],
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("The period has been closed."))
            return redirect("ledger:periods")
    return render(
        request,
        "ledger/periods.html",
        {
            "periods": periods_for(request.user, top),
            "form": form,
            "can_close": can(request.user, "ledger.close", institution),
        },
    )


@login_required
def opening_import(request):
    top = ledger_unit(request)
    require(request.user, "ledger.post", top)
    form = OpeningImportForm(request.POST or None, request.FILES or None, user=request.user, initial={"unit": top.pk})
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.opening_balance_import(
                actor=request.user, unit=form.cleaned_data["unit"], as_of=form.cleaned_data["as_of"], rows=form.rows
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Opening balances posted as entry #%(pk)s.") % {"pk": entry.pk})
            return redirect("ledger:entry_detail", pk=entry.pk)
    return render(
        request,
        "ledger/form.html",
        {"form": form, "title": _("Import opening balances"), "back": "ledger:overview", "multipart": True},
    )
