"""The loan a loan program's disbursement opens, with its monthly installment schedule."""

import calendar
from datetime import date

from django.utils.translation import gettext as _

from satuatap.distribution.errors import DistributionRefused
from satuatap.distribution.models import AidKind, Disbursement, Loan, LoanInstallment
from satuatap.organizations.permissions import require

# --- the schedule -----------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; past the end of a shorter month, that month's last day
    (31 January + 1 month = 28 or 29 February; + 2 months = 31 March)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def schedule(principal: int, count: int, start: date) -> list[tuple[int, date, int]]:
    """``(number, due_on, amount)`` of ``count`` monthly installments of ``principal``, the first due
    a month after ``start``: equal whole rupiah, what does not divide evenly added to the last one.
    A loan of fewer rupiah than installments is repaid in as many installments as it has rupiah."""
    count = max(1, min(count, principal))
    base = principal // count
    amounts = [base] * count
    amounts[-1] += principal - base * count
    return [(n, add_months(start, n), amount) for n, amount in enumerate(amounts, start=1)]


def loan_open(*, actor, disbursement: Disbursement) -> Loan:
    """Open the loan of a loan program's disbursement with its monthly installment schedule. Runs in
    the payment's transaction (``services.disbursement_pay``), which posted the receivable; a payment
    of part of an approval opens a loan of its own."""
    require(actor, "distribution.pay", disbursement.unit)
    program = disbursement.program
    if program.aid_kind != AidKind.LOAN:
        raise DistributionRefused(_("Only a payment of a loan program opens a loan."))
    if not program.installments:
        raise DistributionRefused(
            _("The program %(program)s does not say in how many monthly installments its loans are repaid.")
            % {"program": program.name}
        )
    loan = Loan.objects.create(
        disbursement=disbursement,
        institution_id=disbursement.institution_id,
        unit_id=disbursement.unit_id,
        beneficiary_id=disbursement.beneficiary_id,
        principal=disbursement.amount,
        started_on=disbursement.paid_on,
    )
    LoanInstallment.objects.bulk_create(
        LoanInstallment(loan=loan, number=number, due_on=due_on, amount=amount)
        for number, due_on, amount in schedule(disbursement.amount, program.installments, disbursement.paid_on)
    )
    return loan
