"""Collection (penghimpunan): donations, their lines, receipts, campaigns and collection settings.

A ``Donation`` is one transaction at the counter or by transfer; its lines each
name a fund and sub-type (zakat maal, infak, fidyah, ...). Recording it posts one
journal entry through ``ledger.services`` and issues one ``Receipt`` whose number
is gapless per unit and year. A donation is never deleted or changed once
recorded: it is voided, which reverses its entry and keeps its receipt number.
"""

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from satuatap.core.import_jobs import ImportJobBase, ImportStatus
from satuatap.ledger.models import FundKind, ReceiptKind


class PaymentChannel(models.TextChoices):
    CASH = "cash", _("Cash at the counter")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    QRIS = "qris", _("QRIS")
    PICKUP = "pickup", _("Pick-up by an amil")
    PAYROLL = "payroll", _("Payroll collection (UPZ)")
    IN_KIND = "in_kind", _("Goods (in kind)")


# Channels whose money arrives in a bank account rather than the unit's cash box.
BANK_CHANNELS = frozenset({PaymentChannel.BANK_TRANSFER, PaymentChannel.QRIS, PaymentChannel.PAYROLL})

# The sub-types a donor may give, with the fund each goes to (restricted infak is
# infak with a program or campaign named).
DONATION_KINDS: dict[str, str] = {
    ReceiptKind.ZAKAT_MAAL: FundKind.ZAKAT,
    ReceiptKind.ZAKAT_FITRAH: FundKind.ZAKAT,
    ReceiptKind.ZAKAT_INCOME: FundKind.ZAKAT,
    ReceiptKind.INFAK: FundKind.INFAK,
    ReceiptKind.FIDYAH: FundKind.DSKL,
    ReceiptKind.KAFARAT: FundKind.DSKL,
    ReceiptKind.QURBAN: FundKind.DSKL,
    ReceiptKind.DSKL_OTHER: FundKind.DSKL,
}
ZAKAT_KINDS = frozenset({ReceiptKind.ZAKAT_MAAL, ReceiptKind.ZAKAT_FITRAH, ReceiptKind.ZAKAT_INCOME})


class DonationStatus(models.TextChoices):
    RECORDED = "recorded", _("Recorded")
    VOID = "void", _("Void")


class CollectionSettings(models.Model):
    """Per institution: the gold price the zakat calculator uses and what the receipt shows."""

    institution = models.OneToOneField("organizations.Unit", on_delete=models.PROTECT, related_name="+")
    gold_price_per_gram = models.BigIntegerField(
        _("gold price per gram"), default=1_500_000, help_text=_("In rupiah; nisab is 85 grams of gold.")
    )
    gold_price_date = models.DateField(_("gold price as of"), null=True, blank=True)
    receipt_note = models.CharField(
        _("receipt footer"),
        max_length=300,
        blank=True,
        help_text=_("Printed at the bottom of every receipt, e.g. the prayer for the giver."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("collection settings")
        verbose_name_plural = _("collection settings")
        constraints = [models.CheckConstraint(condition=Q(gold_price_per_gram__gt=0), name="collection_gold_positive")]

    def __str__(self) -> str:
        return f"{self.institution_id}"


class AcceptedFunds(models.Model):
    """The donation sub-types a unit accepts; a unit without its own list follows its nearest
    ancestor's, and with none anywhere accepts every sub-type."""

    unit = models.OneToOneField("organizations.Unit", on_delete=models.PROTECT, related_name="+")
    kinds = models.JSONField(_("accepted donation kinds"), default=list)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("accepted donation kinds")
        verbose_name_plural = _("accepted donation kinds")

    def __str__(self) -> str:
        return f"{self.unit_id}: {', '.join(self.kinds)}"


class FitrahRateMode(models.TextChoices):
    MONEY = "money", _("Rupiah per person")
    RICE = "rice", _("Rice per person × price per kg")


class FitrahRate(models.Model):
    """Zakat fitrah per person set by a unit for one Ramadan (Hijri year); units below follow it."""

    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+")
    hijri_year = models.PositiveIntegerField(_("Hijri year"))
    mode = models.CharField(_("set as"), max_length=8, choices=FitrahRateMode.choices, default=FitrahRateMode.MONEY)
    amount = models.BigIntegerField(_("rupiah per person"), null=True, blank=True)
    rice_kg = models.DecimalField(_("rice per person (kg)"), max_digits=4, decimal_places=2, default=Decimal("2.5"))
    rice_price_per_kg = models.BigIntegerField(_("rice price per kg"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("zakat fitrah rate")
        verbose_name_plural = _("zakat fitrah rates")
        constraints = [
            models.UniqueConstraint(fields=["unit", "hijri_year"], name="collection_fitrah_rate_unique"),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gt=0), name="collection_fitrah_amount"),
            models.CheckConstraint(
                condition=Q(rice_price_per_kg__isnull=True) | Q(rice_price_per_kg__gt=0), name="collection_fitrah_rice"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hijri_year} H: {self.per_person}"

    @property
    def per_person(self) -> int:
        """Rupiah per person, rounded up to whole rupiah (a donor never pays short)."""
        if self.mode == FitrahRateMode.MONEY:
            return int(self.amount or 0)
        exact = self.rice_kg * Decimal(self.rice_price_per_kg or 0)
        return int(exact.to_integral_value(rounding="ROUND_CEILING"))


CAMPAIGN_PREFIX = "campaign:"


def campaign_key(campaign_id: int) -> str:
    """The restriction key of a campaign that raises for no program."""
    return f"{CAMPAIGN_PREFIX}{int(campaign_id)}"


class Campaign(models.Model):
    """A fundraising campaign: restricted infak/sedekah for one purpose, with a target and a period."""

    institution = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    code = models.SlugField(_("code"), max_length=48, help_text=_("Short name used in links and the ledger."))
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    target = models.BigIntegerField(_("target"))
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    is_public = models.BooleanField(_("shown on the public page"), default=True)
    # The program it raises for, by its restriction key (``ledger.hooks.program_key``); empty: for the
    # campaign itself. Collection does not depend on distribution, so a key, checked by ``campaign_save``.
    purpose = models.CharField(_("raises for program"), max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-start_date", "name"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "code"], name="collection_campaign_code_unique"),
            models.CheckConstraint(condition=Q(target__gt=0), name="collection_campaign_target_positive"),
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="collection_campaign_dates"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def restriction(self) -> str:
        """What its donations are restricted to in the ledger: the program it raises for, else the
        campaign itself by identity (its code may change; its id does not)."""
        return self.purpose or campaign_key(self.pk)


class Donation(models.Model):
    # No index of their own for institution, unit and donor: the unique request key and the
    # (unit, date) and (donor, date) indexes begin with them (fewer indexes to keep per donation).
    institution = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+", db_index=False)
    unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"), db_index=False
    )
    donor = models.ForeignKey(
        "donors.Donor", on_delete=models.PROTECT, related_name="donations", verbose_name=_("donor"), db_index=False
    )
    donation_date = models.DateField(_("date"))
    channel = models.CharField(_("channel"), max_length=16, choices=PaymentChannel.choices)
    # The bank account (a ledger account) money by transfer, QRIS or payroll arrived in.
    bank_account = models.ForeignKey(
        "ledger.Account", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("bank")
    )
    bank_reference = models.CharField(_("bank validation / reference"), max_length=100, blank=True)
    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("collected by")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    total = models.BigIntegerField(_("total"))
    status = models.CharField(
        _("status"), max_length=10, choices=DonationStatus.choices, default=DonationStatus.RECORDED
    )
    idempotency_key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)
    entry = models.OneToOneField("ledger.JournalEntry", on_delete=models.PROTECT, related_name="+")
    void_entry = models.OneToOneField(
        "ledger.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    void_reason = models.CharField(_("reason for voiding"), max_length=300, blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # History rows are read per donation and by date, never by what they point at.
    # Not stored: set by ``donation_record``, True when the request repeated one already recorded.
    replayed: bool = False
    history = HistoricalRecords(
        no_db_index=["institution", "unit", "donor", "bank_account", "collector", "entry", "void_entry", "voided_by"]
    )

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-donation_date", "-id"]
        constraints = [
            # The key first, so the same index serves a look-up of the key in every institution.
            models.UniqueConstraint(fields=["idempotency_key", "institution"], name="collection_donation_key_unique"),
            models.CheckConstraint(condition=Q(total__gt=0), name="collection_donation_total_positive"),
            models.CheckConstraint(condition=Q(channel__in=PaymentChannel.values), name="collection_channel_known"),
            models.CheckConstraint(
                condition=Q(status__in=DonationStatus.values), name="collection_donation_status_known"
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "donation_date"], name="collection_donation_unit_date"),
            models.Index(fields=["donor", "donation_date"], name="collection_donation_donor_date"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.donation_date} {self.total}"

    @property
    def is_void(self) -> bool:
        return self.status == DonationStatus.VOID


class DonationLine(models.Model):
    """One part of a donation: a sub-type (and so a fund) and an amount in whole rupiah.

    An in-kind line describes the goods; its ``amount`` is their fair value, as
    PSAK 109 asks goods to be recognised.
    """

    donation = models.ForeignKey(Donation, on_delete=models.PROTECT, related_name="lines")
    kind = models.CharField(_("kind"), max_length=20, choices=ReceiptKind.choices)
    fund_kind = models.CharField(_("fund"), max_length=20, choices=FundKind.choices)
    amount = models.BigIntegerField(_("amount"))
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, null=True, blank=True, related_name="lines", verbose_name=_("campaign")
    )
    # Restricted infak for a program: its restriction key (``ledger.hooks.program_key``).
    program = models.CharField(_("program"), max_length=64, blank=True)
    persons = models.PositiveIntegerField(_("persons (zakat fitrah)"), null=True, blank=True)
    fitrah_rate = models.BigIntegerField(_("fitrah rate per person"), null=True, blank=True)
    goods_description = models.CharField(_("goods"), max_length=200, blank=True)
    goods_quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2, null=True, blank=True)
    goods_unit = models.CharField(_("unit of measure"), max_length=20, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("donation line")
        verbose_name_plural = _("donation lines")
        ordering = ["donation_id", "position"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="collection_line_amount_positive"),
        ]
        indexes = [models.Index(fields=["campaign"], name="collection_line_campaign")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"

    @property
    def restriction(self) -> str:
        if self.campaign_id is not None:
            return self.campaign.restriction
        return self.program


def _verify_token() -> str:
    return secrets.token_urlsafe(16)


class Receipt(models.Model):
    """The Bukti Setor Zakat / kuitansi of a donation: number gapless per unit and year."""

    donation = models.OneToOneField(Donation, on_delete=models.PROTECT, related_name="receipt")
    # The two unique (unit, ...) constraints index the unit first.
    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+", db_index=False)
    year = models.PositiveIntegerField()
    sequence = models.PositiveIntegerField()
    number = models.CharField(_("receipt number"), max_length=40)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    # The unguessable part of the public verification link (the number alone is guessable).
    verify_token = models.CharField(max_length=32, default=_verify_token, unique=True, editable=False)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "sequence"], name="collection_receipt_sequence_unique"),
            models.UniqueConstraint(fields=["unit", "number"], name="collection_receipt_number_unique"),
        ]

    def __str__(self) -> str:
        return self.number


class ReceiptLayout(models.TextChoices):
    A5 = "a5", _("A5 sheet")
    THERMAL = "thermal", _("80 mm thermal roll")


class ReceiptPrint(models.Model):
    """Every print, re-print, download or sending of a receipt (append-only)."""

    class Kind(models.TextChoices):
        PRINT = "print", _("Printed")
        REPRINT = "reprint", _("Re-printed")
        EMAIL = "email", _("Sent by email")
        WHATSAPP = "whatsapp", _("Sent by WhatsApp")

    receipt = models.ForeignKey(Receipt, on_delete=models.PROTECT, related_name="prints")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    layout = models.CharField(max_length=10, choices=ReceiptLayout.choices, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    recipient = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.receipt_id} {self.kind} {self.at}"


class ImportKind(models.TextChoices):
    DONORS = "donors", _("Donors")
    DONATIONS = "donations", _("Donations")


class ImportJob(ImportJobBase):
    """One uploaded spreadsheet of donors or donations (``ImportJobBase``); rows are saved
    all-or-nothing, each donation with the request key ``import:<job id>:<row>``."""

    kind = models.CharField(_("what"), max_length=12, choices=ImportKind.choices)
    # The file, the error list and the progress counter change too often or weigh too much to copy
    # into every history row; the status changes are what the history tells.
    history = HistoricalRecords(excluded_fields=["content", "errors", "summary", "progress"])

    class Meta(ImportJobBase.Meta):
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ImportKind.values), name="collection_import_kind_known"),
            models.CheckConstraint(condition=Q(status__in=ImportStatus.values), name="collection_import_status_known"),
        ]
        indexes = [models.Index(fields=["unit", "created_at"], name="collection_import_unit_created")]
