"""Staff pages of interest-free loans (qardhul hasan): the list of loans with what is outstanding and
overdue, one loan with its schedule and repayments, and receiving a repayment.

Thin views over ``distribution.loans``: a loan fetched by id goes through ``loan_selectors.loan_for`` (404
outside the user's scope); a repayment needs ``distribution.pay`` on the loan's unit (403).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from satuatap.core.exports import table_response
from satuatap.core.formatting import rupiah
from satuatap.core.views.helpers import active_unit, apply_service_error
from satuatap.distribution import selectors
from satuatap.distribution.loans import selectors as loan_selectors
from satuatap.distribution.loans import services as loan_services
from satuatap.distribution.loans.forms import RepayForm
from satuatap.organizations.permissions import can, require

PAGE = 50


def _filters(request) -> dict:
    state = request.GET.get("state", "")
    return {"q": request.GET.get("q", "")[:100], "state": state if state in loan_selectors.STATES else ""}


@login_required
def loan_list(request):
    unit = active_unit(request, "distribution.view")
    today = timezone.localdate()
    filters = _filters(request)
    rows = loan_selectors.loan_list(request.user, within=unit, today=today, **filters)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        header = [
            _("Beneficiary number"),
            _("Name"),
            _("Program"),
            _("Tracking code"),
            _("Unit"),
            _("Paid out on"),
            _("Principal"),
            _("Repaid"),
            _("Outstanding"),
            _("Next due"),
            _("Overdue amount"),
            _("Overdue"),
        ]
        data = (
            [
                loan.beneficiary.number,
                loan.beneficiary.full_name,
                loan.disbursement.program.name,
                loan.disbursement.application.tracking_code,
                loan.unit.code,
                loan.started_on.isoformat(),
                loan.principal,
                loan.repaid,
                loan.outstanding,
                loan.next_due.isoformat() if loan.next_due else "",
                loan.overdue_amount,
                _("yes") if loan.overdue_amount else "",
            ]
            for loan in rows.iterator(chunk_size=2000)
        )
        return table_response(fmt, f"loans-{unit.code}", _("Loans"), header, data, request=request, unit=unit)
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "distribution/loans.html",
        {
            "unit": unit,
            "filters": filters,
            "query": urlencode({k: v for k, v in filters.items() if v}),
            "page": page,
            "totals": loan_selectors.loan_totals(rows, today),
            "states": [
                ("", _("All")),
                ("open", _("Outstanding")),
                ("overdue", _("Overdue")),
                ("repaid", _("Fully repaid")),
            ],
            "can_configure": can(request.user, "distribution.configure", unit),
        },
    )


def _detail(request, loan, form=None):
    """The loan page; ``form``: the repayment just sent, shown with its errors."""
    today = timezone.localdate()
    may_repay = loan.outstanding > 0 and can(request.user, "distribution.pay", loan.unit)
    if form is None and may_repay:
        form = RepayForm(
            accounts=selectors.money_accounts(loan.unit),
            initial={"amount": loan.next_amount or loan.outstanding, "paid_on": today},
        )
    return render(
        request,
        "distribution/loan.html",
        {
            "loan": loan,
            "a": loan.disbursement.application,
            "program": loan.disbursement.program,
            # The fund the loan was paid from (and is repaid into), not the program's current one.
            "funding": loan_selectors.loan_funding(loan),
            "person": loan.beneficiary,
            "schedule": loan_selectors.installments_of(loan, today),
            "repayments": loan_selectors.repayments_of(loan),
            "form": form if may_repay else None,
            "can_ledger": can(request.user, "ledger.view", loan.unit),
        },
    )


@login_required
def loan_detail(request, pk):
    active_unit(request, "distribution.view")
    return _detail(request, loan_selectors.loan_for(request.user, pk))


@login_required
@require_POST
def loan_repay(request, pk):
    active_unit(request, "distribution.view")
    loan = loan_selectors.loan_for(request.user, pk)
    require(request.user, "distribution.pay", loan.unit)
    form = RepayForm(request.POST, accounts=selectors.money_accounts(loan.unit), loan=loan)
    if form.is_valid():
        try:
            repayment = loan_services.loan_repay(
                actor=request.user,
                loan=loan,
                amount=form.cleaned_data["amount"],
                money_account=form.cleaned_data["money_account"],
                paid_on=form.cleaned_data["paid_on"],
                reference=form.cleaned_data["reference"],
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request,
                _("%(amount)s is received from %(name)s; journal entry %(entry)s is posted.")
                % {
                    "amount": rupiah(repayment.amount),
                    "name": loan.beneficiary.full_name,
                    "entry": f"#{repayment.entry_id}",
                },
            )
            return redirect("distribution:loan", pk=loan.pk)
    return _detail(request, loan, form)
