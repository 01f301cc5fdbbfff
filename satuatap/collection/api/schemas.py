"""Request and response schemas of the collection API: donations, receipts and fitrah rates. Money is
whole rupiah as an integer."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from satuatap.collection.models import DonationStatus, FitrahRateMode, PaymentChannel
from satuatap.collection.services import MAX_ID, MAX_LINES
from satuatap.core.money import MAX_RUPIAH
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


# --- receipts ---------------------------------------------------------------------------------------


class ReceiptDonorOut(Schema):
    id: int
    number: str = Field(description="Donor number (NPWZ).")
    full_name: str
    npwp: str = Field(
        description="Masked (last 4 digits) unless the role may read identifiers; full reads are audited."
    )
    npwp_is_full: bool


class ReceiptLineOut(Schema):
    kind: str = Field(description="Sub-type: zakat_maal, zakat_fitrah, infak, fidyah, ...")
    fund_kind: str
    amount: int
    campaign_id: int | None
    program: str
    persons: int | None
    fitrah_rate: int | None
    goods_description: str
    goods_quantity: str | None
    goods_unit: str

    @staticmethod
    def resolve_goods_quantity(obj):
        return None if obj.goods_quantity is None else f"{obj.goods_quantity.normalize():f}"


class ReceiptPrintOut(Schema):
    kind: str = Field(description="print, reprint, email or whatsapp.")
    layout: str
    by: str
    at: datetime
    recipient: str

    @staticmethod
    def resolve_by(obj):
        return str(obj.by)


class ReceiptOut(Schema):
    id: int
    number: str
    status: DonationStatus
    issued_at: datetime
    donation_id: int
    donation_date: date
    unit_id: int
    unit_code: str
    channel: PaymentChannel
    bank_reference: str
    collector: str
    total: int = Field(description="Whole rupiah.")
    total_in_words: str
    donor: ReceiptDonorOut
    lines: list[ReceiptLineOut]
    void_reason: str
    voided_at: datetime | None
    verify_url: str = Field(description="The public verification page the receipt's QR code points at.")
    prints: list[ReceiptPrintOut]


class VoidIn(Schema):
    reason: str = Field(min_length=1, max_length=300, description="Printed on the void receipt and audited.")


class PublicReceiptOut(Schema):
    number: str
    date: date
    total: int
    institution: str
    licence: str
    office: str
    status: DonationStatus
    voided_on: date | None


# --- fitrah rates (collection settings) -------------------------------------------------------------


class FitrahRateOut(Schema):
    id: int
    unit_id: int
    hijri_year: int
    mode: FitrahRateMode
    amount: int | None = Field(description="Rupiah per person (mode `money`).")
    rice_kg: Decimal = Field(description="Rice per person in kg (mode `rice`).")
    rice_price_per_kg: int | None = Field(description="Rupiah per kg of rice (mode `rice`).")
    per_person: int = Field(description="What one person pays, in whole rupiah (rice rounded up).")


class FitrahRatesOut(Schema):
    unit_id: int
    hijri_year: int = Field(description="The Hijri year of today at the unit.")
    in_force: FitrahRateOut | None = Field(description="This year's rate at the unit: its own, else the nearest above.")
    in_force_inherited: bool = Field(description="The rate in force is set by an office above the unit.")
    rates: list[FitrahRateOut] = Field(description="The rates the unit has set itself, newest year first.")


class FitrahRateIn(Schema):
    unit_id: int | None = Field(None, description="Default: your first unit where you keep collection settings.")
    hijri_year: int = Field(ge=1400, le=1600, description="e.g. 1447")
    mode: FitrahRateMode
    amount: int | None = Field(None, ge=1, le=MAX_RUPIAH, description="Mode `money`: rupiah per person.")
    rice_kg: Decimal | None = Field(
        None, ge=Decimal("0.5"), le=Decimal("10"), decimal_places=2, description="Mode `rice`: kg per person (2.5)."
    )
    rice_price_per_kg: int | None = Field(None, ge=1, le=MAX_RUPIAH, description="Mode `rice`: rupiah per kg.")
