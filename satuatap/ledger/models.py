"""PSAK 109 fund ledger: accounts, funds, the append-only journal and its rollups.

A journal line carries both an account (what) and a fund (whose money): asset and
liability accounts are shared by all funds, while fund balance, receipt and
distribution accounts belong to one fund kind. Every posted entry balances in
total and per fund, so each fund keeps its own balance sheet.

``LedgerBalance`` (monthly totals) and ``FundPosition`` (available balance per
unit and fund) are rollups of the lines, written in the same transaction as the
lines by ``ledger.services.posting``; reports read them instead of the lines.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from satuatap.core.asnaf import Asnaf
from satuatap.core.formatting import format_basis_points, format_date


class FundKind(models.TextChoices):
    ZAKAT = "zakat", _("Zakat")
    INFAK = "infak", _("Infak/sedekah (unrestricted)")
    INFAK_RESTRICTED = "infak_restricted", _("Infak/sedekah (restricted)")
    AMIL = "amil", _("Amil")
    NON_HALAL = "non_halal", _("Non-halal")
    DSKL = "dskl", _("Other religious social funds (DSKL)")


class AccountType(models.TextChoices):
    ASSET = "asset", _("Asset")
    LIABILITY = "liability", _("Liability")
    FUND_BALANCE = "fund_balance", _("Fund balance")
    RECEIPT = "receipt", _("Receipt")
    DISTRIBUTION = "distribution", _("Distribution / expense")


# Accounts whose natural balance is a debit; the others are credit-natured.
DEBIT_NATURED = frozenset({AccountType.ASSET, AccountType.DISTRIBUTION})


class AccountRole(models.TextChoices):
    """What an account is for; services and reports find accounts by role, never by code."""

    CASH = "cash", _("Cash")
    BANK = "bank", _("Bank account")
    RECEIVABLE = "receivable", _("Receivable")
    INVENTORY = "inventory", _("Goods held for distribution")
    FIXED_ASSET = "fixed_asset", _("Fixed asset")
    MANAGED_ASSET = "managed_asset", _("Managed asset (aset kelolaan)")
    OTHER_ASSET = "other_asset", _("Other asset")
    LIABILITY = "liability", _("Liability")
    FUND_BALANCE = "fund_balance", _("Fund balance")
    INTER_OFFICE = "inter_office", _("Inter-office account")
    RECEIPT = "receipt", _("Receipt")
    AMIL_SHARE_RECEIVED = "amil_share_received", _("Amil share received")
    DISTRIBUTION = "distribution", _("Distribution")
    AMIL_SHARE_PAID = "amil_share_paid", _("Amil share (distribution to amil)")
    OPERATING_EXPENSE = "operating_expense", _("Amil operating expense")


ROLE_TYPE: dict[str, str] = {
    AccountRole.CASH: AccountType.ASSET,
    AccountRole.BANK: AccountType.ASSET,
    AccountRole.RECEIVABLE: AccountType.ASSET,
    AccountRole.INVENTORY: AccountType.ASSET,
    AccountRole.FIXED_ASSET: AccountType.ASSET,
    AccountRole.MANAGED_ASSET: AccountType.ASSET,
    AccountRole.OTHER_ASSET: AccountType.ASSET,
    AccountRole.LIABILITY: AccountType.LIABILITY,
    AccountRole.FUND_BALANCE: AccountType.FUND_BALANCE,
    AccountRole.INTER_OFFICE: AccountType.FUND_BALANCE,
    AccountRole.RECEIPT: AccountType.RECEIPT,
    AccountRole.AMIL_SHARE_RECEIVED: AccountType.RECEIPT,
    AccountRole.DISTRIBUTION: AccountType.DISTRIBUTION,
    AccountRole.AMIL_SHARE_PAID: AccountType.DISTRIBUTION,
    AccountRole.OPERATING_EXPENSE: AccountType.DISTRIBUTION,
}

# Roles of money: the cash boxes and bank accounts whose movements make the statement of cash flows.
MONEY_ROLES = frozenset({AccountRole.CASH, AccountRole.BANK})
# Roles counted in a fund's available balance (see ``FundPosition``).
AVAILABLE_ROLES = frozenset({AccountRole.CASH, AccountRole.BANK, AccountRole.INVENTORY, AccountRole.LIABILITY})
# Roles whose account must name the fund kind it belongs to.
FUND_SPECIFIC_ROLES = frozenset(
    {
        AccountRole.FUND_BALANCE,
        AccountRole.RECEIPT,
        AccountRole.AMIL_SHARE_RECEIVED,
        AccountRole.DISTRIBUTION,
        AccountRole.AMIL_SHARE_PAID,
        AccountRole.OPERATING_EXPENSE,
    }
)
# Roles whose account belongs to one unit (its cash box, its bank account).
UNIT_ROLES = frozenset({AccountRole.CASH, AccountRole.BANK})
# Roles closed into the fund balance at year end.
NOMINAL_ROLES = frozenset(
    {
        AccountRole.RECEIPT,
        AccountRole.AMIL_SHARE_RECEIVED,
        AccountRole.DISTRIBUTION,
        AccountRole.AMIL_SHARE_PAID,
        AccountRole.OPERATING_EXPENSE,
        AccountRole.INTER_OFFICE,
    }
)


class ReceiptKind(models.TextChoices):
    ZAKAT_MAAL = "zakat_maal", _("Zakat maal")
    ZAKAT_FITRAH = "zakat_fitrah", _("Zakat fitrah")
    ZAKAT_INCOME = "zakat_income", _("Zakat penghasilan")
    INFAK = "infak", _("Infak/sedekah")
    FIDYAH = "fidyah", _("Fidyah")
    KAFARAT = "kafarat", _("Kafarat")
    QURBAN = "qurban", _("Qurban")
    DSKL_OTHER = "dskl_other", _("Other DSKL")
    BANK_INTEREST = "bank_interest", _("Bank interest / jasa giro")
    NON_HALAL_OTHER = "non_halal_other", _("Other non-halal income")
    AMIL_SHARE = "amil_share", _("Amil share")
    AMIL_OTHER = "amil_other", _("Other amil income")


class Pillar(models.TextChoices):
    EDUCATION = "education", _("Education")
    HEALTH = "health", _("Health")
    ECONOMY = "economy", _("Economy")
    SOCIAL_DAWAH = "social_dawah", _("Social and da'wah")
    HUMANITARIAN = "humanitarian", _("Humanitarian")
    ENVIRONMENT = "environment", _("Environment")


class InstitutionPillar(models.Model):
    """A pillar (area of programs) an institution set for itself. An institution without rows
    uses the six standard pillars of ``Pillar``; its first own pillar copies those in first."""

    institution = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+")
    code = models.SlugField(_("code"), max_length=16)
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()
    # Who makes a change, for its history row (django-simple-history reads it when it is set).
    _history_user: Any

    class Meta:
        verbose_name = _("pillar")
        verbose_name_plural = _("pillars")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "code"], name="ledger_pillar_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Source(models.TextChoices):
    DONATION = "donation", _("Donation")
    DISBURSEMENT = "disbursement", _("Disbursement")
    TRANSFER = "transfer", _("Transfer between offices")
    MANUAL = "manual", _("Manual entry")
    CLOSE = "close", _("Year-end close")
    OPENING = "opening", _("Opening balance")
    AMIL_SHARE = "amil_share", _("Amil share")
    REVERSAL = "reversal", _("Reversal")
    STOCK = "stock", _("Goods stock")
    REPAYMENT = "repayment", _("Loan repayment")


# Entries that move money from one side to another (two offices in a transfer, two funds in the amil
# share): each side debits the same money, so the debits hold every amount twice.
TWO_SIDED_SOURCES = frozenset({Source.TRANSFER, Source.AMIL_SHARE})


class EntryStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    POSTED = "posted", _("Posted")
    DISCARDED = "discarded", _("Discarded")


class Fund(models.Model):
    """One of the institution's PSAK 109 funds; seeded by ``chart_create_default``."""

    institution = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=FundKind.choices)
    name = models.CharField(_("name"), max_length=200)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        constraints = [
            models.UniqueConstraint(fields=["institution", "kind"], name="ledger_fund_kind_unique"),
            models.CheckConstraint(condition=Q(kind__in=FundKind.values), name="ledger_fund_kind_known"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_restricted(self) -> bool:
        return self.kind == FundKind.INFAK_RESTRICTED


class Account(models.Model):
    """An account of the institution's chart. Never deleted once used: deactivated instead."""

    # Who makes a change, for its history row (django-simple-history reads it when it is set).
    _history_user: Any

    institution = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=16, choices=AccountType.choices)
    role = models.CharField(_("role"), max_length=24, choices=AccountRole.choices)
    fund_kind = models.CharField(
        _("fund"), max_length=20, choices=FundKind.choices, blank=True, help_text=_("Empty: usable by every fund.")
    )
    unit = models.ForeignKey(
        "organizations.Unit",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("unit"),
        help_text=_("For cash and bank accounts: the office that holds them."),
    )
    receipt_kind = models.CharField(_("receipt kind"), max_length=20, choices=ReceiptKind.choices, blank=True)
    asnaf = models.CharField(_("asnaf"), max_length=16, choices=Asnaf.choices, blank=True)
    # One of the institution's pillars (``ledger.selectors.pillars_of``: the six standard ones unless
    # the institution set its own).
    pillar = models.CharField(_("pillar"), max_length=16, blank=True)
    # For amil share accounts: the fund the share is taken from.
    from_fund_kind = models.CharField(max_length=20, choices=FundKind.choices, blank=True)
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    bank_account_number = models.CharField(_("account number"), max_length=40, blank=True)
    # Stable name by which the ledger's own services find the accounts they post to
    # ("fund_balance:zakat", "cash:<unit id>"); such accounts cannot be deactivated.
    system_key = models.CharField(max_length=40, blank=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "code"], name="ledger_account_code_unique"),
            models.UniqueConstraint(
                fields=["institution", "system_key"], condition=~Q(system_key=""), name="ledger_account_system_key"
            ),
            models.CheckConstraint(condition=Q(type__in=AccountType.values), name="ledger_account_type_known"),
            models.CheckConstraint(condition=Q(role__in=AccountRole.values), name="ledger_account_role_known"),
            models.CheckConstraint(
                condition=Q(fund_kind="") | Q(fund_kind__in=FundKind.values), name="ledger_account_fund_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def debit_natured(self) -> bool:
        return self.type in DEBIT_NATURED

    @property
    def is_system(self) -> bool:
        return bool(self.system_key)

    @property
    def counts_available(self) -> bool:
        return self.role in AVAILABLE_ROLES


class Period(models.Model):
    """Open/closed state of a month (``month`` 1-12) or a year (``month`` 0) of an institution.

    Posting takes a shared lock on the month row; closing takes an exclusive one.
    """

    institution = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), help_text="0 for the whole year.")
    is_closed = models.BooleanField(_("closed"), default=False)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        constraints = [
            models.UniqueConstraint(fields=["institution", "year", "month"], name="ledger_period_unique"),
            models.CheckConstraint(condition=Q(month__gte=0, month__lte=12), name="ledger_period_month_range"),
            models.CheckConstraint(
                condition=Q(is_closed=False) | Q(closed_at__isnull=False), name="ledger_period_closed_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}" if self.month == 0 else f"{self.year}-{self.month:02d}"


class JournalEntry(models.Model):
    """One money event. Posted entries never change; corrections are reversing entries.

    Lines of a posted entry are ``JournalLine`` rows. A manual draft keeps its
    proposed lines in ``draft_lines`` until it is approved, so that every
    ``JournalLine`` is a posted, immutable line.
    """

    # Set on the object, never stored: whether posting returned an entry posted before under the
    # same request key (``replayed``), the API's plain rows of its lines (``api_lines``), and the
    # history's switch for a posted entry, which gets no history row (``skip_history_when_saving``).
    replayed: bool
    api_lines: list[dict]
    skip_history_when_saving: bool

    # No index of their own for institution and unit: the unique request key, the source
    # reference and the (unit, date) indexes begin with them (fewer indexes to keep per entry).
    institution = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+", db_index=False)
    unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"), db_index=False
    )
    entry_date = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.DRAFT)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    # The source a reversal undoes (its own source otherwise): cash flows are classified by it.
    flow_source = models.CharField(max_length=16, choices=Source.choices)
    source_ref = models.CharField(_("source reference"), max_length=100, blank=True)
    idempotency_key = models.CharField(max_length=200, null=True, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True, help_text="Hash of the content, to tell replays apart.")
    memo = models.TextField(_("memo"), blank=True)
    total = models.BigIntegerField(_("total"), default=0, help_text="Sum of the debits (= sum of the credits).")
    draft_lines = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by", verbose_name=_("reverses")
    )
    reason = models.TextField(_("reason"), blank=True, help_text=_("Why a reversal was made."))

    # History rows are read per entry and by date, never by what they point at.
    history = HistoricalRecords(
        excluded_fields=["fingerprint"],
        no_db_index=["institution", "unit", "created_by", "updated_by", "approved_by", "reverses"],
    )

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        constraints = [
            models.UniqueConstraint(fields=["institution", "idempotency_key"], name="ledger_entry_idempotency_unique"),
            models.CheckConstraint(condition=Q(status__in=EntryStatus.values), name="ledger_entry_status_known"),
            models.CheckConstraint(condition=Q(source__in=Source.values), name="ledger_entry_source_known"),
            models.CheckConstraint(
                condition=~Q(status=EntryStatus.POSTED)
                | Q(posted_at__isnull=False, idempotency_key__isnull=False, total__gt=0),
                name="ledger_entry_posted_complete",
            ),
            models.CheckConstraint(
                condition=Q(status=EntryStatus.POSTED) | Q(posted_at__isnull=True), name="ledger_entry_draft_unposted"
            ),
            models.CheckConstraint(
                condition=Q(reverses__isnull=True) | Q(source=Source.REVERSAL), name="ledger_entry_reversal_source"
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "entry_date"], name="ledger_entry_unit_date"),
            models.Index(fields=["institution", "source", "source_ref"], name="ledger_entry_source_ref"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {format_date(self.entry_date)} {self.get_source_display()}"

    @property
    def is_posted(self) -> bool:
        return self.status == EntryStatus.POSTED

    @property
    def amount(self) -> int:
        """The money the event moved, as people read it: the total of the debits, taken once per
        side for a transfer or an amil share (a remittance of Rp2.000.000 is Rp2.000.000)."""
        return self.total // 2 if self.flow_source in TWO_SIDED_SOURCES else self.total

    def delete(self, *args, **kwargs):
        if self.is_posted:
            from satuatap.ledger.errors import EntryImmutable

            raise EntryImmutable()
        return super().delete(*args, **kwargs)


class JournalLineQuerySet(models.QuerySet):
    # Posted lines are append-only: bulk changes would bypass every rule.
    def update(self, **kwargs):
        from satuatap.ledger.errors import EntryImmutable

        raise EntryImmutable()

    def delete(self):
        from satuatap.ledger.errors import EntryImmutable

        raise EntryImmutable()


class JournalLine(models.Model):
    """A posted debit or credit of one account, fund and unit. Never changed."""

    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines")
    # account and unit lead the composite indexes below; separate single-column indexes would only slow posting.
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lines", db_index=False)
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="lines")
    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+", db_index=False)
    # Program/campaign reference a restricted fund is tied to ("" when not restricted).
    restriction = models.CharField(_("restriction"), max_length=64, blank=True, default="")
    # Inter-office lines name the office on the other side, so consolidation can eliminate them.
    counterparty = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+", null=True)
    entry_date = models.DateField()  # copied from the entry: general-ledger reads need no join
    debit = models.BigIntegerField(_("debit"), default=0)
    credit = models.BigIntegerField(_("credit"), default=0)
    memo = models.CharField(_("memo"), max_length=200, blank=True)

    objects = JournalLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("journal line")
        verbose_name_plural = _("journal lines")
        constraints = [
            models.CheckConstraint(condition=Q(debit__gte=0, credit__gte=0), name="ledger_line_not_negative"),
            models.CheckConstraint(
                condition=(Q(debit__gt=0) & Q(credit=0)) | (Q(credit__gt=0) & Q(debit=0)),
                name="ledger_line_one_side",
            ),
        ]
        indexes = [
            models.Index(fields=["account", "unit", "entry_date"], name="ledger_line_account_unit_date"),
            models.Index(fields=["unit", "fund", "account"], name="ledger_line_unit_fund_account"),
        ]

    def __str__(self) -> str:
        return f"{self.account.code} {self.debit or -self.credit}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            from satuatap.ledger.errors import EntryImmutable

            raise EntryImmutable()
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        from satuatap.ledger.errors import EntryImmutable

        raise EntryImmutable()


class LedgerBalance(models.Model):
    """Monthly debit and credit totals of the posted lines, per unit, account, fund and source.

    Kept in the same transaction as the lines (one upsert per posting); reports
    over a period sum these rows. ``counterparty_id`` is 0 except on inter-office
    accounts, ``restriction`` "" except on restricted funds (no NULLs: they are
    part of the unique key the upsert conflicts on).

    ``contra_role`` is "" except on cash and bank accounts, where it names the role of
    the account the money came from or went to (the largest line of the same entry,
    office, fund and restriction on the other side that is not money itself; "cash" when
    only money accounts are on the other side): the statement of cash flows groups money
    in and out by it, by activity, without reading the lines.
    """

    # institution leads ledger_balance_period and unit leads ledger_balance_key: no single-column indexes.
    institution = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+", db_index=False)
    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+", db_index=False)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="+")
    restriction = models.CharField(max_length=64, blank=True, default="")
    counterparty_id = models.BigIntegerField(default=0)
    source = models.CharField(max_length=16, choices=Source.choices)
    contra_role = models.CharField(max_length=24, blank=True, default="")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    debit = models.BigIntegerField(default=0)
    credit = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "unit",
                    "account",
                    "fund",
                    "restriction",
                    "counterparty_id",
                    "source",
                    "contra_role",
                    "year",
                    "month",
                ],
                name="ledger_balance_key",
            ),
            models.CheckConstraint(condition=Q(debit__gte=0, credit__gte=0), name="ledger_balance_not_negative"),
        ]
        indexes = [models.Index(fields=["institution", "year", "month"], name="ledger_balance_period")]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} {self.account_id}/{self.fund_id}: {self.debit - self.credit}"


class FundPosition(models.Model):
    """What a unit may still spend from a fund (and restriction): the running sum of
    debit − credit over its lines on cash, bank, goods-for-distribution and liability
    accounts, i.e. those liquid assets net of liabilities. Updated and checked under
    the row lock when posting."""

    institution = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+")
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="+")
    restriction = models.CharField(max_length=64, blank=True, default="")
    available = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "fund", "restriction"], name="ledger_position_key"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.fund_id}/{self.restriction}: {self.available}"


class AmilRate(models.Model):
    """The amil share taken from a fund's receipts, in basis points (1250 = 12.5%)."""

    # Who makes a change, for its history row (django-simple-history reads it when it is set).
    _history_user: Any

    institution = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+")
    fund_kind = models.CharField(_("fund"), max_length=20, choices=FundKind.choices)
    basis_points = models.PositiveIntegerField(_("rate (basis points)"))
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("amil share rate")
        verbose_name_plural = _("amil share rates")
        constraints = [
            models.UniqueConstraint(fields=["institution", "fund_kind"], name="ledger_amil_rate_unique"),
            models.CheckConstraint(condition=Q(basis_points__lte=2000), name="ledger_amil_rate_max"),
            models.CheckConstraint(
                condition=~Q(fund_kind=FundKind.ZAKAT) | Q(basis_points__lte=1250), name="ledger_amil_rate_zakat_max"
            ),
            models.CheckConstraint(
                condition=~Q(fund_kind__in=[FundKind.NON_HALAL, FundKind.AMIL]) | Q(basis_points=0),
                name="ledger_amil_rate_zero_funds",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_fund_kind_display()}: {format_basis_points(self.basis_points)}"


class AmilShareMark(models.Model):
    """Marks a receipt entry (or a reversal of one) whose amil share has been allocated,
    so neither a later batch nor a per-receipt call takes it twice."""

    source_entry = models.OneToOneField(JournalEntry, on_delete=models.PROTECT, related_name="amil_mark")
    allocation_entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="amil_marks")

    def __str__(self) -> str:
        return f"{self.source_entry_id} -> {self.allocation_entry_id}"


class OpeningBalance(models.Model):
    """The one opening-balance import of a unit that joins the ledger mid-life."""

    unit = models.OneToOneField("organizations.Unit", on_delete=models.PROTECT, related_name="+")
    entry = models.OneToOneField(JournalEntry, on_delete=models.PROTECT, related_name="+")
    as_of = models.DateField()

    def __str__(self) -> str:
        return f"{self.unit_id} @ {self.as_of}"
