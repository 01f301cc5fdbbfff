"""Interest-free loans (qardhul hasan): the schedule of a loan paid out, and its repayments.

A loan program's disbursement posts Dr the receivable / Cr cash or bank (``services.disbursement_pay``)
and opens a ``Loan`` here with the program's number of monthly installments. A repayment posts the
mirror image (Dr cash or bank / Cr the receivable) in the fund and restriction the loan was paid from
(not the program's current ones: finance may have changed them since), so the money flows back into
what that fund may spend, and is allocated to the installments oldest first.

Reads are scoped like the rest of distribution: a loan is visible to a user holding
``distribution.view`` on a unit whose subtree holds the loan's unit; other ids are 404.
"""

from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record
from satuatap.core.errors import Refusals
from satuatap.core.formatting import rupiah, tanggal
from satuatap.distribution.errors import DistributionRefused, clean_text, whole_rupiah
from satuatap.distribution.loans.selectors import loan_funding
from satuatap.distribution.models import Loan, LoanInstallment, LoanRepayment
from satuatap.ledger import services as ledger
from satuatap.ledger.models import Source
from satuatap.organizations.permissions import require

_UNSET = object()


def loan_repay_check(loan: Loan, *, amount=_UNSET, paid_on=_UNSET, money_account=_UNSET) -> None:
    """Refuse, naming every bad field at once, a repayment of ``loan``: more than is outstanding, a day in
    the future or before the loan, an account not of the loan's unit. A value left out is not checked
    (a form has refused it already)."""
    refusals = Refusals()
    if amount is not _UNSET:
        with refusals.check():
            amount = whole_rupiah(amount, "amount")
            if loan.outstanding == 0:
                raise DistributionRefused(_("This loan is fully repaid."), field="amount")
            if amount > loan.outstanding:
                raise DistributionRefused(
                    _("Only %(outstanding)s of the loan of %(principal)s is outstanding; %(amount)s is more than that.")
                    % {
                        "outstanding": rupiah(loan.outstanding),
                        "principal": rupiah(loan.principal),
                        "amount": rupiah(amount),
                    },
                    field="amount",
                )
    if paid_on is not _UNSET:
        with refusals.check():
            if not isinstance(paid_on, date):
                raise DistributionRefused(_("Enter a valid date."), field="paid_on")
            if paid_on > timezone.localdate():
                raise DistributionRefused(_("A repayment cannot be dated in the future."), field="paid_on")
            if paid_on < loan.started_on:
                raise DistributionRefused(
                    _("The loan was paid out on %(date)s; a repayment cannot be dated before that.")
                    % {"date": tanggal(loan.started_on)},
                    field="paid_on",
                )
    if money_account is not _UNSET:
        with refusals.check():
            ledger.check_money_account(money_account, loan.unit, "money_account")
    refusals.raise_any(DistributionRefused)


@transaction.atomic
def loan_repay(
    *, actor, loan: Loan, amount: int, money_account, paid_on: date | None = None, reference: str = ""
) -> LoanRepayment:
    """Receive money back on a loan into a cash or bank account of its unit: Dr that account / Cr the
    receivable, in the fund and restriction the loan was paid from (so that fund may spend it again),
    allocated to the installments oldest first. Never more than is outstanding, never dated in the
    future or before the loan."""
    require(actor, "distribution.pay", loan.unit)
    loan = (
        Loan.objects.select_for_update(of=("self",))
        .select_related("unit", "beneficiary", "disbursement__program", "disbursement__application")
        .get(pk=loan.pk)
    )
    paid_on = paid_on or timezone.localdate()
    loan_repay_check(loan, amount=amount, paid_on=paid_on, money_account=money_account)
    reference = clean_text(reference, "reference", 100)
    program = loan.disbursement.program
    funding = loan_funding(loan)
    number = loan.repayments.count() + 1
    entry = ledger.entry_post(
        actor=actor,
        unit=loan.unit,
        entry_date=paid_on,
        source=Source.REPAYMENT,
        source_ref=f"{loan.disbursement.application.tracking_code}/L{loan.pk}/{number}",
        idempotency_key=f"loan-repayment:{loan.pk}:{number}",
        memo=_("Loan repayment, %(program)s: %(name)s") % {"program": program.name, "name": loan.beneficiary.number},
        lines=[
            ledger.LineSpec(money_account, funding.fund, debit=amount, restriction=funding.restriction),
            ledger.LineSpec(funding.account, funding.fund, credit=amount, restriction=funding.restriction),
        ],
    )
    left = amount
    changed = []
    for installment in loan.installments.filter(paid__lt=F("amount")).order_by("number"):
        if left == 0:
            break
        part = min(left, installment.amount - installment.paid)
        installment.paid += part
        left -= part
        changed.append(installment)
    LoanInstallment.objects.bulk_update(changed, ["paid"])
    repayment = LoanRepayment.objects.create(
        loan=loan,
        amount=amount,
        paid_on=paid_on,
        money_account=money_account,
        reference=reference,
        entry=entry,
        created_by=actor,
    )
    before = loan.repaid
    loan.repaid += amount
    loan.save(update_fields=["repaid"])
    audit_record(
        actor=actor,
        action=AuditAction.LOAN_REPAID,
        target=loan,
        unit=loan.unit,
        changes={"repaid": [before, loan.repaid], "amount": [None, amount], "entry": [None, entry.pk]},
    )
    return repayment
