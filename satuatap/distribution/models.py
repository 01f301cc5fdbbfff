"""Distribution (penyaluran): programs under a pillar, aid applications and their workflow, the
authority limits of approvers, and the disbursements that post to the ledger.

An application moves submitted → screened → assessed → recommended → approved (or rejected)
→ disbursed; every step is a row of ``ApplicationStep`` with who, when and a note. A
disbursement pays (part of) an approved application: one balanced journal entry through
``ledger.services.entry_post`` (idempotent per disbursement) and one aid-history row in the
registry, in the same transaction.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from satuatap.core.asnaf import Asnaf
from satuatap.core.uploads import KeptFileBase
from satuatap.ledger.hooks import program_key
from satuatap.ledger.models import FundKind

# The funds a program may spend: never amil (the organisation's own) or non-halal (public good only).
PROGRAM_FUNDS = (FundKind.ZAKAT, FundKind.INFAK, FundKind.INFAK_RESTRICTED, FundKind.DSKL)


class AidKind(models.TextChoices):
    CASH = "cash", _("Cash")
    TRANSFER = "transfer", _("Bank transfer")
    GOODS = "goods", _("Goods")
    THIRD_PARTY = "third_party", _("Paid to a third party (school, hospital)")
    PRODUCTIVE = "productive", _("Productive capital")
    LOAN = "loan", _("Interest-free loan (qardhul hasan)")


class Program(models.Model):
    """A program of a unit: what it gives, from which fund, to whom, within which budget and rules."""

    institution = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    # One of the institution's pillars (``ledger.selectors.pillars_of``).
    pillar = models.CharField(_("pillar"), max_length=16)
    fund_kind = models.CharField(_("fund"), max_length=20, choices=[(k.value, k.label) for k in PROGRAM_FUNDS])
    # Zakat programs: the asnaf the program may help (at least one).
    asnaf = models.JSONField(_("asnaf allowed"), default=list, blank=True)
    aid_kind = models.CharField(_("kind of aid"), max_length=16, choices=AidKind.choices, default=AidKind.CASH)
    budget = models.BigIntegerField(_("budget"))
    target_people = models.PositiveIntegerField(_("target number of beneficiaries"), default=0)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    # Eligibility and the fair-share rules (empty: no rule).
    min_score = models.PositiveSmallIntegerField(_("minimum need score"), null=True, blank=True)
    once_per_months = models.PositiveSmallIntegerField(
        _("at most once per person in this many months"), null=True, blank=True
    )
    household_yearly_cap = models.BigIntegerField(_("at most this much per household per year"), null=True, blank=True)
    # Where the person must live: names of provinces, regencies/cities or districts (empty: anywhere).
    regions = models.JSONField(_("regions served"), default=list, blank=True)
    # Registry documents (``beneficiaries.DocumentKind``) the person must have before a decision.
    required_documents = models.JSONField(_("required documents"), default=list, blank=True)
    # Shown on the public application form.
    is_public = models.BooleanField(_("open to online applications"), default=False)
    # Interest-free loans: repaid in this many monthly installments.
    installments = models.PositiveSmallIntegerField(_("monthly installments (loans)"), null=True, blank=True)
    # Days each step may take before the application is flagged as overdue.
    step_days = models.PositiveSmallIntegerField(_("days allowed per step"), default=7)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "code"], name="distribution_program_code_unique"),
            models.CheckConstraint(condition=Q(budget__gte=0), name="distribution_program_budget_positive"),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="distribution_program_period"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def restriction(self) -> str:
        """The ledger restriction of a restricted-infak program: its identity, not its code (which may change)."""
        return program_key(self.pk) if self.fund_kind == FundKind.INFAK_RESTRICTED and self.pk else ""

    def get_pillar_display(self) -> str:
        from satuatap.ledger.selectors import pillar_labels

        return pillar_labels(self.institution_id).get(self.pillar, self.pillar)

    def asnaf_labels(self) -> list[str]:
        return [str(Asnaf(a).label) for a in self.asnaf if a in Asnaf.values]


class AuthorityLimit(models.Model):
    """Up to which amount an approval by ``role`` at ``unit`` (and below it) is final; larger
    amounts go to a unit higher up. No limit row: the role does not approve there."""

    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    role = models.CharField(_("role"), max_length=20)
    max_amount = models.BigIntegerField(_("up to (Rp)"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("authority limit")
        verbose_name_plural = _("authority limits")
        constraints = [
            models.UniqueConstraint(fields=["unit", "role"], name="distribution_limit_unit_role"),
            models.CheckConstraint(condition=Q(max_amount__gt=0), name="distribution_limit_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.role}: {self.max_amount}"


class Channel(models.TextChoices):
    COUNTER = "counter", _("At the counter")
    BATCH = "batch", _("In a batch of the program")
    PUBLIC = "public", _("Online form")
    REFERRAL = "referral", _("Referred by a partner")


class AppStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    SCREENED = "screened", _("Screened")
    ASSESSED = "assessed", _("Assessed")
    RECOMMENDED = "recommended", _("Recommended")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    DISBURSED = "disbursed", _("Disbursed")
    EVIDENCED = "evidenced", _("Evidence complete")
    FOLLOWED_UP = "followed_up", _("Followed up")


# The statuses from which an application is still waiting for someone.
OPEN_STATUSES = (AppStatus.SUBMITTED, AppStatus.SCREENED, AppStatus.ASSESSED, AppStatus.RECOMMENDED, AppStatus.APPROVED)
# The statuses with a deadline: the open ones, then the evidence after payment and the follow-up.
WAITING_STATUSES = (*OPEN_STATUSES, AppStatus.DISBURSED, AppStatus.EVIDENCED)


class Batch(models.Model):
    """Many recipients of one program helped at once (200 scholarships): prepared by a program
    officer, approved once by an approver within their limit, paid by finance in one journal entry
    with a line per recipient. Its recipients are ordinary applications (``Application.batch``)."""

    class BatchStatus(models.TextChoices):
        PREPARED = "prepared", _("Prepared")
        APPROVED = "approved", _("Approved")
        PAID = "paid", _("Paid")
        REJECTED = "rejected", _("Rejected")

    institution = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="batches")
    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(_("status"), max_length=16, choices=BatchStatus.choices, default=BatchStatus.PREPARED)
    total = models.BigIntegerField(_("total"), default=0)
    count = models.PositiveIntegerField(_("recipients"), default=0)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    override_reason = models.TextField(_("reason for overriding the fair-share rule"), blank=True)
    entry = models.ForeignKey("ledger.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("disbursement batch")
        verbose_name_plural = _("disbursement batches")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class Application(models.Model):
    """A request for help for a registered person, under a program."""

    institution = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="applications")
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, null=True, blank=True, related_name="applications")
    beneficiary = models.ForeignKey("beneficiaries.Beneficiary", on_delete=models.PROTECT, related_name="+")
    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.COUNTER)
    need = models.TextField(_("need"))
    # A referral: who sent the person (a partner, a mosque, a village office) and how to reach them.
    referrer_name = models.CharField(_("referred by"), max_length=200, blank=True, db_default="")
    referrer_organisation = models.CharField(_("referring organisation"), max_length=200, blank=True, db_default="")
    referrer_phone = models.CharField(_("referrer's phone"), max_length=20, blank=True, db_default="")
    requested_amount = models.BigIntegerField(_("amount requested"))
    status = models.CharField(_("status"), max_length=16, choices=AppStatus.choices, default=AppStatus.SUBMITTED)
    assessment = models.ForeignKey(
        "beneficiaries.Assessment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recommended_amount = models.BigIntegerField(_("amount recommended"), null=True, blank=True)
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_amount = models.BigIntegerField(_("amount approved"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Why the approver went past a fair-share warning (audited).
    override_reason = models.TextField(_("reason for overriding the fair-share rule"), blank=True)
    paid_amount = models.BigIntegerField(_("amount paid"), default=0)
    # The follow-up after the aid: when it was done and what was found.
    followed_up_on = models.DateField(_("followed up on"), null=True, blank=True)
    # When the current step should be done by (the program's days per step).
    due_on = models.DateField(_("due on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("aid application")
        verbose_name_plural = _("aid applications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=AppStatus.values), name="distribution_app_status_known"),
            models.CheckConstraint(condition=Q(requested_amount__gt=0), name="distribution_app_requested_positive"),
            models.CheckConstraint(condition=Q(paid_amount__gte=0), name="distribution_app_paid_positive"),
        ]
        indexes = [models.Index(fields=["unit", "status"], name="distribution_app_unit_status")]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def left_to_pay(self) -> int:
        return max((self.approved_amount or 0) - self.paid_amount, 0)


class ApplicationStep(models.Model):
    """One step of an application: who moved it from which status to which, when, and why."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="steps")
    from_status = models.CharField(max_length=16, choices=AppStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=AppStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status}"


class Disbursement(models.Model):
    """A payment to (or on behalf of) a beneficiary under an approved application.

    ``institution``, ``program``, ``beneficiary`` and ``household`` repeat the application's (and
    its person's, as at payment) so that the distribution report counts people, households and
    programs over hundreds of thousands of payments without joining three tables."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="disbursements")
    institution = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+")
    beneficiary = models.ForeignKey("beneficiaries.Beneficiary", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        "beneficiaries.Household", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    amount = models.BigIntegerField(_("amount"))
    paid_on = models.DateField(_("paid on"))
    # Where the value left from: a cash or bank account, the inventory (goods) or, for a loan, it is
    # still the money account (the loan is a receivable of the fund, not an expense).
    money_account = models.ForeignKey("ledger.Account", on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(_("reference (transfer number, receipt)"), max_length=100, blank=True)
    kind = models.CharField(
        _("kind of aid"), max_length=16, choices=AidKind.choices, default=AidKind.CASH, db_default=AidKind.CASH
    )
    # Paid to a third party on the person's behalf (a school, a hospital): who and their account.
    payee_name = models.CharField(_("paid to"), max_length=200, blank=True, db_default="")
    payee_account = models.CharField(_("payee's bank and account number"), max_length=200, blank=True, db_default="")
    # A batch pays all its recipients in one entry; a single payment has its own.
    entry = models.ForeignKey("ledger.JournalEntry", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        ordering = ["-paid_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="distribution_disbursement_positive")]
        indexes = [models.Index(fields=["institution", "paid_on"], name="distribution_paid_inst_date")]

    def __str__(self) -> str:
        return f"{self.application.tracking_code}: {self.amount}"


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", _("Photo of the handover")
    SIGNED_RECEIPT = "signed_receipt", _("Signed aid receipt (tanda terima)")
    TRANSFER_PROOF = "transfer_proof", _("Transfer proof")
    INVOICE = "invoice", _("Invoice or receipt of a third party")
    OTHER = "other", _("Other evidence")


class Evidence(KeptFileBase):
    """Proof that help reached the person, kept privately (``core.uploads``)."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="evidence")
    disbursement = models.ForeignKey(
        Disbursement, on_delete=models.PROTECT, null=True, blank=True, related_name="evidence"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EvidenceKind.choices)

    history = HistoricalRecords(excluded_fields=["original_name"])

    class Meta(KeptFileBase.Meta):
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")


class StockItem(models.Model):
    """A kind of goods an institution keeps to give out (rice, a food parcel, a school kit)."""

    institution = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    measure = models.CharField(_("unit of measure"), max_length=20)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("goods item")
        verbose_name_plural = _("goods items")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["institution", "name"], name="distribution_item_name_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.measure})"


class StockMoveKind(models.TextChoices):
    DONATION = "donation", _("Received as an in-kind donation")
    PURCHASE = "purchase", _("Bought with the fund's money")
    OUT = "out", _("Given out")
    VOIDED = "voided", _("Receipt voided")


class StockMove(models.Model):
    """Goods into or out of a unit's stock, with their value in rupiah.

    ``quantity`` and ``value`` are positive for goods coming in and negative for goods going out,
    so the stock on hand and its value are plain sums. Goods go out at the average value of what
    is on hand. A purchase and a handover post to the ledger (``entry``); goods received as an
    in-kind donation were posted by the donation (``donation_line``). Voiding that donation's
    receipt takes them back out with a ``voided`` move of the same line, the exact opposite of the
    one it cancels, linked to the receipt's reversal; a line has at most one move of each kind."""

    institution = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    item = models.ForeignKey(StockItem, on_delete=models.PROTECT, related_name="moves", verbose_name=_("goods"))
    kind = models.CharField(_("kind"), max_length=16, choices=StockMoveKind.choices)
    fund_kind = models.CharField(_("fund"), max_length=20, choices=[(k.value, k.label) for k in PROGRAM_FUNDS])
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    value = models.BigIntegerField(_("value (Rp)"))
    moved_on = models.DateField(_("date"))
    donation_line = models.ForeignKey(
        "collection.DonationLine", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    disbursement = models.OneToOneField(
        Disbursement, on_delete=models.PROTECT, null=True, blank=True, related_name="stock_move"
    )
    entry = models.ForeignKey("ledger.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-moved_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="distribution_stock_quantity_nonzero"),
            models.CheckConstraint(
                condition=Q(kind__in=["donation", "purchase"], quantity__gt=0, value__gte=0)
                | Q(kind__in=["out", "voided"], quantity__lt=0, value__lte=0),
                name="distribution_stock_sign",
            ),
            # A donation line's goods are received once and taken back once (its receipt voided).
            models.UniqueConstraint(
                fields=["donation_line", "kind"],
                condition=Q(donation_line__isnull=False),
                name="distribution_stock_line_once_per_kind",
            ),
        ]
        indexes = [models.Index(fields=["unit", "item"], name="distribution_stock_unit_item")]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.quantity}"


class Loan(models.Model):
    """An interest-free loan (qardhul hasan) paid by a disbursement: a receivable of the fund,
    repaid in monthly installments that flow back into the fund."""

    disbursement = models.OneToOneField(Disbursement, on_delete=models.PROTECT, related_name="loan")
    institution = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    beneficiary = models.ForeignKey("beneficiaries.Beneficiary", on_delete=models.PROTECT, related_name="+")
    principal = models.BigIntegerField(_("principal"))
    repaid = models.BigIntegerField(_("repaid"), default=0)
    started_on = models.DateField(_("paid out on"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        ordering = ["-started_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(principal__gt=0), name="distribution_loan_principal_positive"),
            models.CheckConstraint(
                condition=Q(repaid__gte=0, repaid__lte=models.F("principal")), name="distribution_loan_repaid_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.disbursement_id}: {self.principal}"

    @property
    def outstanding(self) -> int:
        return self.principal - self.repaid


class LoanInstallment(models.Model):
    """One month's installment of a loan: how much is due when, and how much of it is paid."""

    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="installments")
    number = models.PositiveSmallIntegerField(_("installment"))
    due_on = models.DateField(_("due on"))
    amount = models.BigIntegerField(_("amount due"))
    paid = models.BigIntegerField(_("paid"), default=0)

    class Meta:
        ordering = ["loan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["loan", "number"], name="distribution_installment_unique"),
            models.CheckConstraint(
                condition=Q(paid__gte=0, paid__lte=models.F("amount")), name="distribution_installment_paid_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id}#{self.number}"


class LoanRepayment(models.Model):
    """Money received back on a loan: posted to the ledger (Dr cash or bank, Cr the receivable)."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="repayments")
    amount = models.BigIntegerField(_("amount"))
    paid_on = models.DateField(_("paid on"))
    money_account = models.ForeignKey("ledger.Account", on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    entry = models.ForeignKey("ledger.JournalEntry", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("loan repayment")
        verbose_name_plural = _("loan repayments")
        ordering = ["-paid_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="distribution_repayment_positive")]

    def __str__(self) -> str:
        return f"{self.loan_id}: {self.amount}"
