"""Interest-free loans (qardhul hasan): the schedule of a loan paid out, and its repayments.

A loan program's disbursement posts Dr the receivable / Cr cash or bank (``services.disbursement_pay``)
and opens a ``Loan`` here with the program's number of monthly installments. A repayment posts the
mirror image (Dr cash or bank / Cr the receivable) in the fund and restriction the loan was paid from
(not the program's current ones: finance may have changed them since), so the money flows back into
what that fund may spend, and is allocated to the installments oldest first.

Reads are scoped like the rest of distribution: a loan is visible to a user holding
``distribution.view`` on a unit whose subtree holds the loan's unit; other ids are 404.
"""

import calendar
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record
from satuatap.core.errors import Refusals
from satuatap.core.formatting import rupiah, tanggal
from satuatap.distribution.errors import DistributionRefused
from satuatap.distribution.models import AidKind, Disbursement, Loan, LoanInstallment, LoanRepayment
from satuatap.distribution.services import _amount, _text
from satuatap.ledger import services as ledger
from satuatap.ledger.models import Account, AccountRole, Fund, JournalLine, Source
from satuatap.ledger.services.lookups import fund_of
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import require
from satuatap.organizations.selectors import subtree_q

VIEW = "distribution.view"


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


# --- repayments -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoanFunding:
    """Where a loan sits in the ledger: the receivable account, fund and restriction its payment debited."""

    account: Account
    fund: Fund
    restriction: str


def loan_funding(loan: Loan) -> LoanFunding:
    """The receivable line the loan's disbursement posted (its unit, its principal), so a repayment
    clears the same account in the same fund and restriction even if finance has since added another
    receivable or moved the program to another fund or code (PSAK 109: funds are kept apart). Only a
    loan whose entry has no such line (older data) falls back to the program as it is now."""
    line = (
        JournalLine.objects.filter(
            entry_id=loan.disbursement.entry_id,
            account__role=AccountRole.RECEIVABLE,
            debit=loan.principal,
            unit_id=loan.unit_id,
        )
        .select_related("account", "fund")
        .order_by("pk")
        .first()
    )
    if line is not None:
        return LoanFunding(account=line.account, fund=line.fund, restriction=line.restriction)
    program = loan.disbursement.program
    return LoanFunding(
        account=ledger.receivable_account(loan.institution_id),
        fund=fund_of(loan.institution_id, program.fund_kind),
        restriction=program.restriction,
    )


_UNSET = object()


def loan_repay_check(loan: Loan, *, amount=_UNSET, paid_on=_UNSET, money_account=_UNSET) -> None:
    """Refuse, naming every bad field at once, a repayment of ``loan``: more than is outstanding, a day in
    the future or before the loan, an account not of the loan's unit. A value left out is not checked
    (a form has refused it already)."""
    refusals = Refusals()
    if amount is not _UNSET:
        with refusals.check():
            amount = _amount(amount, "amount")
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
    reference = _text(reference, "reference", 100)
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


# --- reads ------------------------------------------------------------------------------------------


def _unpaid(today: date | None = None) -> QuerySet:
    rows = LoanInstallment.objects.filter(loan=OuterRef("pk"), paid__lt=F("amount"))
    return rows if today is None else rows.filter(due_on__lt=today)


def with_progress(loans: QuerySet, today: date) -> QuerySet:
    """Each loan with ``next_due`` (the oldest installment not fully paid, or None), ``next_amount``
    (what is left of it) and ``overdue_amount`` (what is unpaid of the installments due before
    ``today``), each a subquery: the list needs no query per row."""
    next_one = _unpaid().order_by("number")
    overdue = _unpaid(today).order_by().values("loan").annotate(total=Sum(F("amount") - F("paid"))).values("total")
    return loans.annotate(
        next_due=Subquery(next_one.values("due_on")[:1]),
        next_amount=Subquery(next_one.annotate(left=F("amount") - F("paid")).values("left")[:1]),
        overdue_amount=Coalesce(Subquery(overdue, output_field=IntegerField()), Value(0)),
    )


def loans_for(user, *, within: Unit | None = None, capability: str = VIEW) -> QuerySet:
    rows = Loan.objects.filter(subtree_q(user, capability))
    if within is not None:
        rows = rows.filter(unit__path__startswith=within.path)
    return rows.select_related("unit", "beneficiary", "disbursement__program", "disbursement__application").order_by(
        "-started_on", "-pk"
    )


def loan_for(user, pk, *, capability: str = VIEW) -> Loan:
    """The loan with ``pk`` if the user may see it; 404 otherwise (no hint that it exists)."""
    try:
        rows = loans_for(user, capability=capability).select_related("disbursement__money_account")
        return with_progress(rows, timezone.localdate()).get(pk=pk)
    except (Loan.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# The states the list may be filtered by.
STATES = ("open", "overdue", "repaid")


def loan_list(
    user, *, within: Unit | None, today: date, state: str = "", q: str = "", overdue: bool | None = None
) -> QuerySet:
    """The loans of the user's units below ``within``: ``state`` "open" (something outstanding),
    "overdue" (an installment due before ``today`` not fully paid) or "repaid"; ``q`` a beneficiary
    number, a tracking code, part of a name or of a program's name."""
    rows = loans_for(user, within=within)
    late = Exists(_unpaid(today))
    if state == "open":
        rows = rows.filter(repaid__lt=F("principal"))
    elif state == "repaid":
        rows = rows.filter(repaid=F("principal"))
    if state == "overdue" or overdue is True:
        rows = rows.filter(late)
    elif overdue is False:
        rows = rows.exclude(late)
    q = " ".join((q or "").split())
    if q:
        rows = rows.filter(
            Q(beneficiary__number__iexact=q)
            | Q(disbursement__application__tracking_code__iexact=q.replace(" ", ""))
            | Q(beneficiary__full_name__icontains=q)
            | Q(disbursement__program__name__icontains=q)
        )
    return with_progress(rows, today)


def loan_totals(rows: QuerySet, today: date) -> dict:
    """Over ``rows`` (e.g. ``loans_for``): how many loans, their principal, what is repaid and
    outstanding, and how many are overdue with how much unpaid past its due date — for the list and
    the distribution report."""
    plain = Loan.objects.filter(pk__in=rows.order_by().values("pk"))
    sums = plain.aggregate(count=Count("pk"), principal=Sum("principal"), repaid=Sum("repaid"))
    overdue = LoanInstallment.objects.filter(
        loan__in=plain.values("pk"), due_on__lt=today, paid__lt=F("amount")
    ).aggregate(amount=Sum(F("amount") - F("paid")), loans=Count("loan", distinct=True))
    principal, repaid = sums["principal"] or 0, sums["repaid"] or 0
    return {
        "count": sums["count"] or 0,
        "principal": principal,
        "repaid": repaid,
        "outstanding": principal - repaid,
        "overdue_loans": overdue["loans"],
        "overdue_amount": overdue["amount"] or 0,
    }


def installments_of(loan: Loan, today: date) -> list[LoanInstallment]:
    """The schedule, each installment with its ``status``: "paid", "partial", "overdue" or "due"."""
    rows = list(loan.installments.order_by("number"))
    for row in rows:
        row.left = row.amount - row.paid
        if row.left == 0:
            row.status = "paid"
        elif row.due_on < today:
            row.status = "overdue"
        elif row.paid:
            row.status = "partial"
        else:
            row.status = "due"
    return rows


def repayments_of(loan: Loan) -> QuerySet:
    return loan.repayments.select_related("money_account", "created_by").order_by("paid_on", "pk")
