"""Distribution over the REST API: interest-free loans (qardhul hasan) and their repayments.

A user sees the loans of the units in whose subtree they hold ``distribution.view``; an id outside
them answers 404. Receiving a repayment needs ``distribution.pay`` on the loan's unit (403), then
goes through ``loan_services.loan_repay``, whose refusals take the API's one error shape (400 with the
message and the field). Of a beneficiary, answers carry only the number, the full name and the
masked NIK.
"""

from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from satuatap.api.pagination import LimitOffsetPagination, paginate
from satuatap.distribution import selectors
from satuatap.distribution.api.common import ERRORS, VIEW, refusals
from satuatap.distribution.api.schemas import BeneficiaryBrief, ProgramBrief
from satuatap.distribution.errors import DistributionRefused
from satuatap.distribution.loans import selectors as loan_selectors
from satuatap.distribution.loans import services as loan_services
from satuatap.organizations.permissions import require
from satuatap.organizations.selectors import unit_for

router = Router(tags=["distribution"])


# --- schemas ----------------------------------------------------------------------------------


class LoanOut(Schema):
    id: int
    unit_id: int
    unit_name: str = Field(alias="unit.name")
    beneficiary: BeneficiaryBrief
    program: ProgramBrief = Field(alias="disbursement.program")
    application_id: int = Field(alias="disbursement.application_id")
    tracking_code: str = Field(alias="disbursement.application.tracking_code")
    disbursement_id: int
    principal: int
    repaid: int
    outstanding: int
    started_on: date = Field(description="The day the loan was paid out.")
    next_due: date | None = Field(description="When the oldest installment not fully paid is due; null when repaid.")
    next_amount: int | None = Field(description="What is left to pay of that installment.")
    overdue_amount: int = Field(description="What is unpaid of the installments due before today.")
    overdue: bool = False

    @staticmethod
    def resolve_overdue(obj):
        return obj.overdue_amount > 0


class InstallmentOut(Schema):
    number: int
    due_on: date
    amount: int
    paid: int
    status: str = Field(description="One of: paid, partial, overdue, due.")


class RepaymentOut(Schema):
    id: int
    amount: int
    paid_on: date
    money_account_id: int
    money_account_code: str = Field(alias="money_account.code")
    money_account_name: str = Field(alias="money_account.name")
    reference: str
    entry_id: int = Field(description="The journal entry the repayment posted (GET /ledger/entries/{entry_id}).")
    created_at: datetime


class LoanDetailOut(LoanOut):
    installments: list[InstallmentOut]
    repayments: list[RepaymentOut]

    @staticmethod
    def resolve_installments(obj):
        return loan_selectors.installments_of(obj, timezone.localdate())

    @staticmethod
    def resolve_repayments(obj):
        return list(loan_selectors.repayments_of(obj))


class LoanFilter(Schema):
    unit_id: int | None = Field(None, description="Loans of this unit's subtree.")
    overdue: bool | None = Field(None, description="True: an installment due before today is not fully paid.")
    repaid: bool | None = Field(None, description="True: fully repaid; false: something is outstanding.")
    q: str = Field("", max_length=100, description="A beneficiary number, a tracking code, part of a name.")


class RepaymentIn(Schema):
    amount: int = Field(description="Whole rupiah, at most what is outstanding.")
    money_account_id: int = Field(description="A cash or bank account of the loan's unit.")
    paid_on: date | None = Field(None, description="Default: today; never in the future nor before the loan.")
    reference: str = Field("", max_length=100, description="Transfer number or receipt.")


# --- endpoints --------------------------------------------------------------------------------


@router.get(
    "/loans",
    response={200: list[LoanOut], **ERRORS},
    summary="Interest-free loans in your units",
    operation_id="satuatap_distribution_api_loans_list_loans",
)
@paginate(LimitOffsetPagination)
def list_loans(request, filters: Query[LoanFilter]):
    within = None if filters.unit_id is None else unit_for(request.user, filters.unit_id, capability=VIEW)
    state = "" if filters.repaid is None else ("repaid" if filters.repaid else "open")
    return loan_selectors.loan_list(
        request.user, within=within, today=timezone.localdate(), state=state, q=filters.q, overdue=filters.overdue
    )


@router.get(
    "/loans/{int:loan_id}",
    response={200: LoanDetailOut, **ERRORS},
    summary="One loan with its installment schedule and repayments",
    operation_id="satuatap_distribution_api_loans_get_loan",
)
def get_loan(request, loan_id: int):
    return loan_selectors.loan_for(request.user, loan_id)


@router.post(
    "/loans/{int:loan_id}/repayments",
    response={201: LoanDetailOut, **ERRORS},
    summary="Receive a repayment of a loan; posts one journal entry and answers with the loan",
    operation_id="satuatap_distribution_api_loans_repay_loan",
)
def repay_loan(request, loan_id: int, payload: RepaymentIn):
    loan = loan_selectors.loan_for(request.user, loan_id)
    require(request.user, "distribution.pay", loan.unit)
    money_account = selectors.money_account_of(loan.institution_id, payload.money_account_id)
    if money_account is None:
        raise DistributionRefused(
            _("Choose a cash or bank account of %(unit)s.") % {"unit": loan.unit.name}, field="money_account_id"
        )
    with refusals():
        loan_services.loan_repay(
            actor=request.user,
            loan=loan,
            amount=payload.amount,
            money_account=money_account,
            paid_on=payload.paid_on,
            reference=payload.reference,
        )
    return Status(201, loan_selectors.loan_for(request.user, loan.pk))
