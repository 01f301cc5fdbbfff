"""Reads of interest-free loans: the loans in a user's units, their progress and installments."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from satuatap.core.text import squash
from satuatap.distribution.models import Loan, LoanInstallment
from satuatap.ledger import services as ledger
from satuatap.ledger.models import Account, AccountRole, Fund, JournalLine
from satuatap.ledger.services.lookups import fund_of
from satuatap.organizations.models import Unit
from satuatap.organizations.selectors import subtree_q

VIEW = "distribution.view"


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
    q = squash(q)
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
        left = row.amount - row.paid
        if left == 0:
            status = "paid"
        elif row.due_on < today:
            status = "overdue"
        elif row.paid:
            status = "partial"
        else:
            status = "due"
        setattr(row, "left", left)  # noqa: B010 - shown by the loan page, not a field
        setattr(row, "status", status)  # noqa: B010
    return rows


def repayments_of(loan: Loan) -> QuerySet:
    return loan.repayments.select_related("money_account", "created_by").order_by("paid_on", "pk")
