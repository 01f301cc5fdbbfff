"""Schemas of the beneficiaries API: what goes in and what comes out (NIK and KK always masked)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from satuatap.beneficiaries.models import (
    Asnaf,
    BeneficiaryKind,
    ConsentMethod,
    ConsentPurpose,
    Housing,
    HousingCondition,
    OrganisationType,
    Relation,
    Sex,
    Status,
)
from satuatap.core.money import MAX_RUPIAH


def _choices(choices) -> str:
    # Plain text, not an enum: a wrong value gets the service's message for a person.
    return "One of: " + ", ".join(choices.values) + "; empty for none."


# --- out --------------------------------------------------------------------------------------


class BeneficiaryOut(Schema):
    id: int
    number: str = Field(description="Beneficiary number, unique in the institution.")
    kind: BeneficiaryKind
    organisation_type: str
    full_name: str
    nik_masked: str = Field(description="NIK with the birth-date digits hidden; empty when unknown.")
    kk_masked: str = Field("", description="KK number with all but the last 4 digits hidden; empty when unknown.")
    birth_place: str
    birth_date: date | None
    sex: str
    phone: str
    province: str
    regency: str
    district: str
    village: str
    region_id: str | None = Field(description="Official area code (Kemendagri) of the address, when known.")
    street: str
    rt: str
    rw: str
    household_id: int | None
    relation: str = Field(description="Relation to the head of the household (KK).")
    has_disability: bool
    is_orphan: bool
    chronic_illness: bool
    asnaf: str
    status: Status
    registered_unit_id: int
    registered_unit_name: str = Field(alias="registered_unit.name")
    merged_into_id: int | None = Field(description="Set when merged into another record (no longer helped).")
    created_at: datetime

    @staticmethod
    def resolve_kk_masked(obj):
        return obj.household.kk_masked if obj.household_id else ""


class BeneficiaryDetailOut(BeneficiaryOut):
    asnaf_reason: str
    note: str
    latitude: Decimal | None
    longitude: Decimal | None
    vulnerabilities: list[str]
    single_parent: bool = False
    identifiers_readable: bool = Field(
        False, description="True when GET /beneficiaries/{beneficiary_id}/identifiers would give you the full NIK/KK."
    )

    @staticmethod
    def resolve_single_parent(obj):
        return bool(obj.household_id and obj.household.single_parent)


class IdentifiersOut(Schema):
    nik: str
    kk: str


class StatusChangeOut(Schema):
    id: int
    from_status: str
    to_status: Status
    reason: str
    unit_id: int
    changed_at: datetime


class AssessmentOut(Schema):
    id: int
    beneficiary_id: int
    unit_id: int
    assessed_on: date
    household_size: int
    dependants: int
    monthly_income: int
    assets_value: int
    debts: int
    housing: Housing
    housing_condition: HousingCondition
    standard: str = Field(alias="standard.name", description="The needs standard (had kifayah) scored against.")
    need_amount: int = Field(description="Minimum needs of the household per month, in rupiah.")
    score: int = Field(description="Need score, 0 to 100.")
    breakdown: list[dict] = Field(description="How the score came about, step by step.")
    recommended_asnaf: str
    reassess_on: date


class CandidateOut(Schema):
    """A record of your units that may be the same person."""

    in_scope: Literal[True] = True
    unit: str
    id: int
    number: str
    full_name: str
    nik_masked: str
    birth_date: date | None
    sex: str
    village: str
    status: Status
    score: float = Field(description="0 to 1: how likely this is the same person.")
    reasons: list[str] = Field(description="The evidence, e.g. same KK; name 0.93; same village.")


class HiddenCandidateOut(Schema):
    """A match held by a unit outside your scope: only that it exists, and where."""

    in_scope: Literal[False] = False
    unit: str


class AidOut(Schema):
    id: int
    beneficiary_id: int
    household_id: int | None
    unit_id: int
    unit_name: str = Field(alias="unit.name")
    given_on: date
    program: str
    amount: int = Field(description="Rupiah.")
    description: str
    asnaf: str


# --- in ---------------------------------------------------------------------------------------


class BeneficiaryFilter(Schema):
    q: str | None = Field(None, max_length=100, description="Name, beneficiary number, NIK or phone.")
    status: Status | None = None
    asnaf: Asnaf | None = None
    unit_id: int | None = Field(None, description="Beneficiaries registered in this unit's subtree.")


class ConsentIn(Schema):
    method: ConsentMethod = Field(description="How the consent was given.")
    purpose: ConsentPurpose = ConsentPurpose.ASSISTANCE
    given_on: date | None = Field(None, description="Default: today.")
    guardian_name: str = Field("", max_length=200, description="Required for a child under 18.")
    guardian_relation: str = Field("", max_length=100)


class BeneficiaryFields(Schema):
    kind: BeneficiaryKind = BeneficiaryKind.PERSON
    organisation_type: str = Field("", max_length=16, description=_choices(OrganisationType))
    nik: str = Field("", max_length=40)
    kk: str = Field("", max_length=40, description="Family card (KK) number; places the person in its household.")
    relation: str = Field("", max_length=16, description=_choices(Relation))
    single_parent: bool = False
    birth_place: str = Field("", max_length=100)
    birth_date: date | None = None
    sex: str = Field("", max_length=16, description=_choices(Sex))
    phone: str = Field("", max_length=40)
    province: str = Field("", max_length=100)
    regency: str = Field("", max_length=100)
    district: str = Field("", max_length=100)
    village: str = Field("", max_length=100)
    region: str = Field(
        "", max_length=20, description="Official area code (Kemendagri), e.g. 33.18.02.2009; the names follow it."
    )
    street: str = Field("", max_length=300)
    rt: str = Field("", max_length=10)
    rw: str = Field("", max_length=10)
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    has_disability: bool = False
    is_orphan: bool = False
    chronic_illness: bool = False
    asnaf: str = Field("", max_length=16, description=_choices(Asnaf))
    asnaf_reason: str = Field("", max_length=5000)
    note: str = Field("", max_length=5000)


class BeneficiaryIn(BeneficiaryFields):
    unit_id: int | None = Field(None, description="Where the person registers; default: your first unit for this.")
    full_name: str = Field(max_length=200)
    consent: ConsentIn | None = Field(
        None, description="Required for a person: how they (or, for a child, the guardian) consented."
    )


class BeneficiaryPatch(Schema):
    organisation_type: str | None = Field(None, max_length=16, description=_choices(OrganisationType))
    full_name: str | None = Field(None, max_length=200)
    nik: str | None = Field(None, max_length=40)
    kk: str | None = Field(None, max_length=40)
    relation: str | None = Field(None, max_length=16, description=_choices(Relation))
    single_parent: bool | None = None
    birth_place: str | None = Field(None, max_length=100)
    birth_date: date | None = None
    sex: str | None = Field(None, max_length=16, description=_choices(Sex))
    phone: str | None = Field(None, max_length=40)
    province: str | None = Field(None, max_length=100)
    regency: str | None = Field(None, max_length=100)
    district: str | None = Field(None, max_length=100)
    village: str | None = Field(None, max_length=100)
    region: str | None = Field(None, max_length=20, description='Official area code (Kemendagri); "" clears it.')
    street: str | None = Field(None, max_length=300)
    rt: str | None = Field(None, max_length=10)
    rw: str | None = Field(None, max_length=10)
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    has_disability: bool | None = None
    is_orphan: bool | None = None
    chronic_illness: bool | None = None
    asnaf: str | None = Field(None, max_length=16, description=_choices(Asnaf))
    asnaf_reason: str | None = Field(None, max_length=5000)
    note: str | None = Field(None, max_length=5000)


class StatusIn(Schema):
    to_status: Status
    reason: str = Field(max_length=2000)


class AssessmentIn(Schema):
    unit_id: int | None = Field(None, description="The unit assessing; default: where the person is registered.")
    assessed_on: date | None = Field(None, description="Default: today.")
    household_size: int = Field(ge=1, le=30)
    dependants: int = Field(0, ge=0, le=30)
    monthly_income: int = Field(0, ge=0, description="Rupiah per month.")
    income_sources: str = Field("", max_length=300)
    housing: Housing
    housing_condition: HousingCondition
    assets_value: int = Field(0, ge=0)
    debts: int = Field(0, ge=0)
    health: str = Field("", max_length=5000)
    education: str = Field("", max_length=5000)
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    notes: str = Field("", max_length=5000)


class ProbeIn(Schema):
    """What is known of a person not yet saved, to look for them in the registry first."""

    unit_id: int | None = Field(None, description="The unit registering; default: your first unit for this.")
    name: str = Field("", max_length=200)
    nik: str = Field("", max_length=40)
    kk: str = Field("", max_length=40)
    birth_date: date | None = None
    phone: str = Field("", max_length=40)
    village: str = Field("", max_length=100)
    sex: str = Field("", max_length=16, description=_choices(Sex))


# --- needs standard (had kifayah) ------------------------------------------------------------------


class NeedAmountIn(Schema):
    base: int = Field(0, ge=0, le=MAX_RUPIAH, description="Rupiah a month for the first person of a household.")
    per_member: int = Field(0, ge=0, le=MAX_RUPIAH, description="Rupiah a month for each further member.")


class NeedAmountsIn(Schema):
    """One entry per need category; a category left out counts as zero."""

    food: NeedAmountIn | None = None
    clothing: NeedAmountIn | None = None
    housing: NeedAmountIn | None = None
    worship: NeedAmountIn | None = None
    education: NeedAmountIn | None = None
    health: NeedAmountIn | None = None
    transport: NeedAmountIn | None = None


class NeedsStandardIn(Schema):
    unit_id: int | None = Field(None, description="Default: your first unit where you keep the standard.")
    name: str = Field(min_length=1, max_length=200, description="e.g. Had kifayah Jawa Tengah 2026")
    region: str = Field("", max_length=200)
    valid_from: date = Field(description="In force from this date; a standard of the same unit and date is replaced.")
    amounts: NeedAmountsIn


class NeedAmountOut(Schema):
    base: int
    per_member: int


class NeedsStandardOut(Schema):
    id: int
    unit_id: int
    unit_name: str = Field(alias="unit.name")
    name: str
    region: str
    valid_from: date
    amounts: dict[str, NeedAmountOut] = Field(description="Per need category (food, clothing, housing, ...).")
    in_force: bool = Field(description="The standard in force today at the unit asked for.")
    family_of_four: int = Field(description="The monthly minimum needs of a household of four under it.")
    created_at: datetime


# --- batch duplicate search -----------------------------------------------------------------------


class DedupRunOut(Schema):
    """One batch run over the institution's registry."""

    id: int
    status: Literal["queued", "running", "done", "failed"]
    created_at: datetime
    finished_at: datetime | None
    records: int
    clusters: int = Field(description="Groups of records found probably one person.")
    seconds: float
    too_empty: list[str] = Field(description="Fields too rarely filled in the registry to help (e.g. district).")


class DedupRecordOut(Schema):
    """One record of a pair: in full (identifiers masked) when in your scope, else only its unit."""

    in_scope: bool
    unit: str
    id: int | None = None
    number: str | None = None
    full_name: str | None = None
    nik_masked: str | None = None
    birth_date: date | None = None
    merged: bool | None = None


class DedupPairOut(Schema):
    id: int
    cluster: int = Field(description="The group the pair belongs to (1 = the largest).")
    probability: float = Field(description="0 to 1: how likely the two records are one person.")
    reasons: list[str] = Field(description="The evidence, in your language, e.g. same birth date; name 0.93.")
    reviewed: bool
    decision: Literal["", "merged", "different"]
    left: DedupRecordOut
    right: DedupRecordOut


class DedupPairFilter(Schema):
    unit_id: int | None = Field(None, description="Your unit acting (default: your first unit with the right).")
    within_unit_id: int | None = Field(None, description="Only pairs with a record registered at or below this unit.")
    min_probability: float | None = Field(None, ge=0, le=1)
    max_probability: float | None = Field(None, ge=0, le=1)
    reviewed: bool | None = None


class DedupRunIn(Schema):
    unit_id: int | None = Field(None, description="Your unit acting (default: your first unit with the right).")


class DedupReviewIn(Schema):
    unit_id: int | None = None
    pair_ids: list[int] = Field(min_length=1, max_length=500)
    decision: Literal["merged", "different"]


class DedupReviewOut(Schema):
    reviewed: int
    refused: list[str]
