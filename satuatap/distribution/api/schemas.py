"""Schemas of the distribution API. Money is whole rupiah as an integer; of a beneficiary only the
number, the full name and the masked NIK are ever given."""

from datetime import date, datetime

from django.utils import timezone
from ninja import Field, Schema

from satuatap.api.schemas import MONTH, UnitBrief
from satuatap.beneficiaries.models import DocumentKind
from satuatap.core.asnaf import Asnaf
from satuatap.distribution.models import (
    PROGRAM_FUNDS,
    WAITING_STATUSES,
    AidKind,
    AppStatus,
    Batch,
    Channel,
    EvidenceKind,
)
from satuatap.ledger.models import FundKind


def _choices(values) -> str:
    # Plain text, not an enum: a wrong value gets the service's message for a person.
    return "One of: " + ", ".join(str(v) for v in values) + "."


# --- out --------------------------------------------------------------------------------------


class BeneficiaryBrief(Schema):
    """Who is helped: no more than the number, the name and the masked NIK."""

    id: int
    number: str
    full_name: str
    nik_masked: str = Field(description="NIK with the birth-date digits hidden; empty when unknown.")


class ProgramBrief(Schema):
    id: int
    code: str
    name: str
    pillar: str
    fund_kind: str


class ProgramOut(Schema):
    id: int
    unit_id: int
    unit_name: str = Field(alias="unit.name")
    code: str
    name: str
    pillar: str = Field(description="One of the institution's pillars (GET /distribution/pillars).")
    fund_kind: str = Field(description=_choices(PROGRAM_FUNDS))
    asnaf: list[str] = Field(description="Zakat programs: the asnaf the program may help.")
    aid_kind: AidKind
    budget: int
    target_people: int
    start_date: date
    end_date: date
    min_score: int | None = Field(description="Minimum need score (0-100) to be helped; null for none.")
    once_per_months: int | None = Field(description="At most once per person in this many months; null for none.")
    household_yearly_cap: int | None = Field(description="At most this much per household per year; null for none.")
    step_days: int = Field(description="Days each workflow step may take before the application is overdue.")
    regions: list[str] = Field(description="Provinces, regencies/cities or districts served; empty for anywhere.")
    required_documents: list[str] = Field(
        description="Registry documents a person must have: " + _choices(DocumentKind.values)
    )
    is_public: bool = Field(description="Open to applications on the public form.")
    installments: int | None = Field(description="Loan programs: monthly installments of the repayment.")
    is_active: bool
    created_at: datetime


class StepOut(Schema):
    from_status: str
    to_status: AppStatus
    actor: str | None = Field(description="Username of who took the step.")
    note: str
    at: datetime

    @staticmethod
    def resolve_actor(obj):
        return obj.actor.username if obj.actor_id else None


class ApplicationOut(Schema):
    id: int
    tracking_code: str
    unit_id: int
    unit_name: str = Field(alias="unit.name")
    program: ProgramBrief
    beneficiary: BeneficiaryBrief
    channel: Channel
    need: str
    requested_amount: int
    status: AppStatus
    recommended_amount: int | None
    approved_amount: int | None
    paid_amount: int
    left_to_pay: int
    due_on: date | None = Field(description="When the current step should be done by.")
    overdue: bool = False
    batch_id: int | None = Field(description="The batch the application belongs to (GET /distribution/batches/{id}).")
    referrer_name: str = Field(description="Referred by (a partner, a mosque, a village office); empty otherwise.")
    referrer_organisation: str
    referrer_phone: str
    followed_up_on: date | None = Field(description="When the follow-up after the aid was done.")
    created_at: datetime

    @staticmethod
    def resolve_overdue(obj):
        return bool(obj.status in WAITING_STATUSES and obj.due_on and obj.due_on < timezone.localdate())


class ApplicationDetailOut(ApplicationOut):
    assessment_id: int | None
    need_score: int | None = Field(None, description="The score of the linked assessment.")
    override_reason: str
    steps: list[StepOut]
    eligibility_problems: list[str] = Field(
        default_factory=list, description="Why the person may not be helped under this program (open applications)."
    )
    fair_share_warnings: list[str] = Field(
        default_factory=list,
        description="What the program's fair-share rules say about helping now (before the decision); "
        "approving past them needs an override_reason.",
    )
    approval_limit: int = Field(0, description="Up to which amount you may approve for this application's unit.")
    above_my_limit: bool = Field(False, description="True when the amount to decide is above your authority limit.")
    approver_unit: UnitBrief | None = Field(
        None, description="Where an application above your limit goes: the nearest office whose limit is enough."
    )

    @staticmethod
    def resolve_need_score(obj):
        return obj.assessment.score if obj.assessment_id else None

    @staticmethod
    def resolve_steps(obj):
        return list(obj.steps.select_related("actor"))


class DisbursementOut(Schema):
    id: int
    application_id: int
    tracking_code: str = Field(alias="application.tracking_code")
    application_status: AppStatus = Field(alias="application.status")
    unit_id: int
    unit_name: str = Field(alias="unit.name")
    beneficiary: BeneficiaryBrief
    amount: int
    paid_on: date
    money_account_id: int
    money_account_code: str = Field(alias="money_account.code")
    money_account_name: str = Field(alias="money_account.name")
    reference: str
    kind: AidKind
    payee_name: str = Field(description="Paid to a third party on the person's behalf; empty otherwise.")
    entry_id: int = Field(description="The journal entry the payment posted (GET /ledger/entries/{entry_id}).")
    created_at: datetime

    @staticmethod
    def resolve_beneficiary(obj):
        return obj.application.beneficiary


# --- in ---------------------------------------------------------------------------------------


class ProgramFilter(Schema):
    unit_id: int | None = Field(None, description="Programs of this unit's subtree.")
    fund_kind: FundKind | None = None
    active: bool | None = None


class ProgramFields(Schema):
    pillar: str = Field(max_length=16, description="One of the institution's pillars (GET /distribution/pillars).")
    fund_kind: str = Field(max_length=20, description=_choices(PROGRAM_FUNDS))
    asnaf: list[str] = Field(
        default_factory=list,
        max_length=8,
        description="Zakat programs (required there): " + _choices(a for a in Asnaf.values if a != Asnaf.AMIL),
    )
    aid_kind: str = Field(AidKind.CASH.value, max_length=16, description=_choices(AidKind.values))
    budget: int
    target_people: int = Field(0, ge=0, le=100_000_000)
    start_date: date
    end_date: date
    min_score: int | None = Field(None, description="0 to 100; null for none.")
    once_per_months: int | None = Field(None, description="1 to 120; null for none.")
    household_yearly_cap: int | None = Field(None, description="Rupiah; null for none.")
    step_days: int = Field(7, ge=1, le=90)
    regions: list[str] = Field(default_factory=list, max_length=50, description="Empty: anywhere.")
    required_documents: list[str] = Field(default_factory=list, max_length=5, description=_choices(DocumentKind.values))
    is_public: bool = False
    installments: int | None = Field(None, description="Loan programs (required there): 1 to 120 months.")
    is_active: bool = True


class ProgramIn(ProgramFields):
    unit_id: int | None = Field(None, description="The unit running the program; default: your first unit for this.")
    code: str = Field(max_length=40, description="Lower-case letters, digits and dashes; unique in the institution.")
    name: str = Field(max_length=200)


class ProgramPatch(Schema):
    code: str | None = Field(None, max_length=40)
    name: str | None = Field(None, max_length=200)
    pillar: str | None = Field(None, max_length=16)
    fund_kind: str | None = Field(None, max_length=20, description=_choices(PROGRAM_FUNDS))
    asnaf: list[str] | None = Field(None, max_length=8)
    aid_kind: str | None = Field(None, max_length=16, description=_choices(AidKind.values))
    budget: int | None = None
    target_people: int | None = Field(None, ge=0, le=100_000_000)
    start_date: date | None = None
    end_date: date | None = None
    min_score: int | None = Field(None, description="Null removes the rule.")
    once_per_months: int | None = Field(None, description="Null removes the rule.")
    household_yearly_cap: int | None = Field(None, description="Null removes the rule.")
    step_days: int | None = Field(None, ge=1, le=90)
    regions: list[str] | None = Field(None, max_length=50)
    required_documents: list[str] | None = Field(None, max_length=5)
    is_public: bool | None = None
    installments: int | None = None
    is_active: bool | None = None


class ApplicationFilter(Schema):
    status: AppStatus | None = None
    program_id: int | None = None
    unit_id: int | None = Field(None, description="Applications of this unit's subtree.")
    overdue: bool | None = Field(None, description="True: open applications past the current step's due date.")


class ApplicationIn(Schema):
    unit_id: int | None = Field(None, description="The unit taking the application; default: your first for this.")
    program_id: int = Field(description="A program of your units, or of an office above the unit.")
    beneficiary_id: int = Field(description="A registered person you may see.")
    need: str = Field(max_length=5000)
    requested_amount: int
    channel: str = Field(Channel.COUNTER.value, max_length=16, description=_choices(Channel.values))


class ScreenIn(Schema):
    note: str = Field("", max_length=2000)
    reject: bool = Field(False, description="Reject at screening (the note is then the reason, required).")


class AssessIn(Schema):
    note: str = Field("", max_length=2000)


class RecommendIn(Schema):
    amount: int
    note: str = Field("", max_length=2000)


class DecideIn(Schema):
    approve: bool
    amount: int | None = Field(None, description="Default: the recommended amount.")
    note: str = Field("", max_length=2000, description="Required when rejecting: the reason.")
    override_reason: str = Field(
        "", max_length=2000, description="Why to approve past a fair-share warning (409 without it)."
    )


class PayIn(Schema):
    amount: int
    money_account_id: int = Field(description="A cash or bank account of the application's unit.")
    paid_on: date | None = Field(None, description="Default: today; never in the future.")
    reference: str = Field("", max_length=100, description="Transfer number or receipt.")


class DisbursementFilter(Schema):
    unit_id: int | None = Field(None, description="Disbursements of this unit's subtree.")
    application_id: int | None = None


# --- pillars, evidence, the last steps ----------------------------------------------------------


class PillarOut(Schema):
    code: str
    name: str


class EvidenceOut(Schema):
    id: int
    application_id: int
    disbursement_id: int | None
    kind: EvidenceKind
    original_name: str
    content_type: str
    size: int
    uploaded_by: str | None = Field(description="Username of who kept it.")
    uploaded_at: datetime

    @staticmethod
    def resolve_uploaded_by(obj):
        return obj.uploaded_by.username if obj.uploaded_by_id else None


class EvidenceCompleteIn(Schema):
    note: str = Field("", max_length=2000)


class FollowUpIn(Schema):
    note: str = Field(max_length=2000, description="What the visit or call after the aid found.")
    on: date | None = Field(None, description="Default: today; never in the future.")


# --- batches --------------------------------------------------------------------------------------


class BatchOut(Schema):
    id: int
    name: str
    unit_id: int
    unit_name: str = Field(alias="unit.name")
    program: ProgramBrief
    status: Batch.BatchStatus
    count: int = Field(description="Number of recipients.")
    total: int
    prepared_by: str | None = Field(description="Username of the program officer who prepared it.")
    approved_by: str | None = Field(description="Username of who approved or rejected it.")
    override_reason: str
    entry_id: int | None = Field(description="The journal entry of the payment (GET /ledger/entries/{entry_id}).")
    created_at: datetime

    @staticmethod
    def resolve_prepared_by(obj):
        return obj.prepared_by.username if obj.prepared_by_id else None

    @staticmethod
    def resolve_approved_by(obj):
        return obj.approved_by.username if obj.approved_by_id else None


class BatchRecipientOut(Schema):
    application_id: int = Field(alias="id")
    tracking_code: str
    beneficiary: BeneficiaryBrief
    amount: int = Field(alias="recommended_amount")
    approved_amount: int | None
    paid_amount: int
    status: AppStatus


class BatchDetailOut(BatchOut):
    recipients: list[BatchRecipientOut]

    @staticmethod
    def resolve_recipients(obj):
        return list(obj.applications.select_related("beneficiary").order_by("pk"))


class BatchFilter(Schema):
    unit_id: int | None = Field(None, description="Batches of this unit's subtree.")
    status: Batch.BatchStatus | None = None
    program_id: int | None = None


class BatchRecipientIn(Schema):
    beneficiary_id: int = Field(description="A registered person you may see.")
    amount: int
    need: str = Field("", max_length=5000, description="Empty: the batch's need.")


class BatchIn(Schema):
    unit_id: int | None = Field(None, description="The unit preparing the batch; default: your first unit for this.")
    program_id: int = Field(description="A program paying money (not goods or loans) of the unit or an office above.")
    name: str = Field(max_length=200)
    need: str = Field("", max_length=5000, description="What the batch helps with; each recipient's need by default.")
    recipients: list[BatchRecipientIn] = Field(max_length=4000)


class BatchDecideIn(Schema):
    approve: bool
    note: str = Field("", max_length=2000, description="Required when rejecting: the reason.")
    override_reason: str = Field(
        "", max_length=2000, description="Why to approve past a fair-share warning of any recipient (409 without it)."
    )


class BatchPayIn(Schema):
    money_account_id: int = Field(description="A cash or bank account of the batch's unit.")
    paid_on: date | None = Field(None, description="Default: today; never in the future.")
    reference: str = Field("", max_length=100, description="Transfer number or receipt.")
    payee_name: str = Field("", max_length=200, description="Third-party programs (required there): who is paid.")
    payee_account: str = Field("", max_length=200, description="The payee's bank and account number.")


# --- the report -----------------------------------------------------------------------------------


class DistributionReportQuery(Schema):
    unit_id: int | None = Field(None, description="The unit whose subtree is reported; default: your first unit.")
    start: str | None = Field(None, pattern=MONTH, description="First month, YYYY-MM (default: January of `end`).")
    end: str | None = Field(None, pattern=MONTH, description="Last month, YYYY-MM (default: this month).")


class ReportFundOut(Schema):
    fund_kind: str
    label: str
    collected: int
    distributed: int
    ratio: float | None = Field(description="Distributed / collected in the period; null without collection.")


class ReportAmountOut(Schema):
    key: str
    label: str
    amount: int


class ReportProgramOut(Schema):
    program: ProgramBrief
    budget: int
    paid: int
    used: float | None = Field(description="Paid / budget; null for a zero budget.")
    people: int


class ReportRegionOut(Schema):
    unit: UnitBrief
    code: str
    is_self: bool = Field(description="True: payments and applications of the reported unit itself, not below it.")
    distributed: int
    payments: int
    people: int
    households: int
    open_applications: int
    overdue_applications: int


class ReportRegencyOut(Schema):
    name: str | None = Field(description="The regency or city; empty: address unknown; null: all the others.")
    distributed: int
    payments: int
    people: int


class ReportOut(Schema):
    unit: UnitBrief
    start: str = Field(description="YYYY-MM")
    end: str = Field(description="YYYY-MM")
    distributed: int
    payments: int
    people: int = Field(description="Different people helped in the period.")
    households: int = Field(description="Different households helped in the period.")
    zakat_held: int
    zakat_held_over_a_year: int
    open_applications: int
    overdue_applications: int
    loans: int = Field(description="Interest-free loans still being repaid.")
    loans_outstanding: int = Field(description="Their principal less what was repaid.")
    funds: list[ReportFundOut]
    pillars: list[ReportAmountOut]
    asnaf: list[ReportAmountOut]
    programs: list[ReportProgramOut]
    regions: list[ReportRegionOut] = Field(description="Per office just below the unit, with its whole subtree.")
    regencies: list[ReportRegencyOut] = Field(description="Where the people helped live: top 20, then the others.")
