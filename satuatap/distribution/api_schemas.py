"""Schemas of the distribution API. Money is whole rupiah as an integer; of a beneficiary only the
number, the full name and the masked NIK are ever given."""

from datetime import date, datetime

from django.utils import timezone
from ninja import Field, Schema

from satuatap.core.asnaf import Asnaf
from satuatap.distribution.models import OPEN_STATUSES, PROGRAM_FUNDS, AidKind, AppStatus, Channel
from satuatap.ledger.models import FundKind, Pillar


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


class UnitBrief(Schema):
    id: int
    name: str


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
    pillar: Pillar
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
    created_at: datetime

    @staticmethod
    def resolve_overdue(obj):
        return bool(obj.status in OPEN_STATUSES and obj.due_on and obj.due_on < timezone.localdate())


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
    pillar: str = Field(max_length=16, description=_choices(Pillar.values))
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
    is_active: bool = True


class ProgramIn(ProgramFields):
    unit_id: int | None = Field(None, description="The unit running the program; default: your first unit for this.")
    code: str = Field(max_length=40, description="Lower-case letters, digits and dashes; unique in the institution.")
    name: str = Field(max_length=200)


class ProgramPatch(Schema):
    code: str | None = Field(None, max_length=40)
    name: str | None = Field(None, max_length=200)
    pillar: str | None = Field(None, max_length=16, description=_choices(Pillar.values))
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
