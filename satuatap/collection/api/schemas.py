"""Request and response schemas of the donations API. Money is whole rupiah as an integer."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from satuatap.collection.models import DonationStatus, PaymentChannel
from satuatap.collection.services import MAX_ID, MAX_LINES
from satuatap.ledger.hooks import program_id_of, purpose_names
from satuatap.ledger.models import FundKind


class DonationLineOut(Schema):
    position: int
    kind: str = Field(description="Sub-type: zakat_maal, zakat_fitrah, zakat_income, infak, fidyah, ...")
    fund_kind: str
    amount: int
    campaign_id: int | None
    campaign_code: str | None
    program: str = Field(description="Restricted infak for a program: its key in the ledger, e.g. program:12.")
    program_id: int | None = Field(description="The program restricted infak is given for (also via a campaign).")
    program_name: str | None
    persons: int | None = Field(description="Zakat fitrah: number of persons.")
    fitrah_rate: int | None = Field(description="Zakat fitrah: the unit's rate per person that day.")
    goods_description: str
    goods_quantity: Decimal | None
    goods_unit: str

    @staticmethod
    def resolve_campaign_code(obj):
        return obj.campaign.code if obj.campaign_id else None

    @staticmethod
    def _purpose(obj) -> str:
        return obj.restriction if obj.fund_kind == FundKind.INFAK_RESTRICTED else ""

    @staticmethod
    def resolve_program_id(obj):
        return program_id_of(DonationLineOut._purpose(obj))

    @staticmethod
    def resolve_program_name(obj):
        key = DonationLineOut._purpose(obj)
        return purpose_names([key])[key] if program_id_of(key) else None


class DonationOut(Schema):
    id: int
    unit_id: int
    unit_code: str = Field(alias="unit.code")
    unit_name: str = Field(alias="unit.name")
    donor_id: int
    donor_number: str = Field(alias="donor.number")
    donor_name: str = Field(alias="donor.full_name")
    donation_date: date
    channel: PaymentChannel
    total: int
    status: DonationStatus
    receipt_number: str | None
    collector: str = Field(description="Username of the staff member who recorded it.")
    created_at: datetime

    @staticmethod
    def resolve_receipt_number(obj):
        receipt = getattr(obj, "receipt", None)
        return receipt.number if receipt is not None else None

    @staticmethod
    def resolve_collector(obj):
        return obj.collector.username


class DonationDetailOut(DonationOut):
    bank_account_id: int | None
    bank_reference: str
    note: str
    lines: list[DonationLineOut] = Field(alias="api_lines")
    entry_id: int = Field(description="The ledger entry the donation posted.")
    void_entry_id: int | None = Field(description="The reversing ledger entry, once void.")
    void_reason: str
    voided_at: datetime | None
    replayed: bool = Field(
        False, description="True when this answers a repeated request (same Idempotency-Key and body)."
    )


class DonationFilter(Schema):
    unit_id: int | None = Field(None, description="Donations of this unit's subtree.")
    date_from: date | None = None
    date_to: date | None = None
    donor_id: int | None = None
    status: DonationStatus | None = None


class DonationLineIn(Schema):
    kind: str = Field(max_length=20, description="zakat_maal, zakat_fitrah, zakat_income, infak, fidyah, ...")
    amount: int | None = Field(None, description="Whole rupiah; for zakat fitrah leave it out and give persons.")
    campaign_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="Restricted infak for a campaign of the institution."
    )
    program_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="Restricted infak for a restricted-infak program of the institution."
    )
    program: str = Field("", max_length=64, description="Or the program's code (any case) instead of program_id.")
    persons: int | None = Field(None, description="Zakat fitrah: number of persons.")
    goods_description: str = Field("", max_length=200, description="Channel in_kind: what was given.")
    goods_quantity: Decimal | None = Field(None, description="Channel in_kind: how many.")
    goods_unit: str = Field("", max_length=20, description="Channel in_kind: unit of measure (kg, box, ...).")


class DonationIn(Schema):
    unit_id: int
    donor_id: int
    donation_date: date
    channel: PaymentChannel
    lines: list[DonationLineIn] = Field(min_length=1, max_length=MAX_LINES)
    bank_account_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="Bank transfer, QRIS, payroll: the unit's bank account."
    )
    bank_reference: str = Field("", max_length=100)
    note: str = Field("", max_length=300)
