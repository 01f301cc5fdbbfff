"""The mustahik registry: people, households and organisations who receive help.

One registry per institution, shared by all its units: a beneficiary belongs to the
institution (the root unit) and keeps the unit that registered them. NIK and KK are
stored encrypted and found by keyed hash (``core.crypto``); their last digits are kept
apart so lists show a masked number without decrypting. Every change of status, every
assessment, consent and document is its own row, so the history of a person is never
overwritten.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from satuatap.core.asnaf import Asnaf
from satuatap.core.crypto import EncryptedTextField
from satuatap.core.import_jobs import ImportJobBase, ImportStatus
from satuatap.core.uploads import KeptFileBase

# Ages from which a person counts as elderly (lansia, UU 13/1998) and until which as a child.
ELDERLY_AGE = 60
ADULT_AGE = 18


class BeneficiaryKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation")


class OrganisationType(models.TextChoices):
    MOSQUE = "mosque", _("Mosque or musala")
    SCHOOL = "school", _("School or pesantren")
    COMMUNITY = "community", _("Community group")
    CARE = "care", _("Care institution")
    OTHER = "other", _("Other organisation")


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Status(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    ASSESSED = "assessed", _("Assessed")
    VERIFIED = "verified", _("Verified")
    ACTIVE = "active", _("Active")
    GRADUATED = "graduated", _("Graduated (self-sufficient)")
    REJECTED = "rejected", _("Rejected")
    DECEASED = "deceased", _("Deceased")


# Which status may follow which. Graduated, rejected and deceased end the lifecycle, except
# that a rejected or graduated person may apply again (back to applicant).
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.APPLICANT: frozenset({Status.ASSESSED, Status.REJECTED, Status.DECEASED}),
    Status.ASSESSED: frozenset({Status.VERIFIED, Status.REJECTED, Status.APPLICANT, Status.DECEASED}),
    Status.VERIFIED: frozenset({Status.ACTIVE, Status.REJECTED, Status.DECEASED}),
    Status.ACTIVE: frozenset({Status.GRADUATED, Status.REJECTED, Status.DECEASED}),
    Status.GRADUATED: frozenset({Status.APPLICANT, Status.DECEASED}),
    Status.REJECTED: frozenset({Status.APPLICANT, Status.DECEASED}),
    Status.DECEASED: frozenset(),
}


class Relation(models.TextChoices):
    """A household member's relation to its head, as on the Kartu Keluarga."""

    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent or parent-in-law")
    GRANDCHILD = "grandchild", _("Grandchild")
    SIBLING = "sibling", _("Sibling")
    OTHER = "other", _("Other family")


class Address(models.Model):
    """The address parts a person and a household share."""

    province = models.CharField(_("province"), max_length=100, blank=True)
    regency = models.CharField(_("regency/city"), max_length=100, blank=True)
    district = models.CharField(_("district (kecamatan)"), max_length=100, blank=True)
    village = models.CharField(_("village (kelurahan/desa)"), max_length=100, blank=True)
    street = models.CharField(_("street address"), max_length=300, blank=True)
    rt = models.CharField(_("RT"), max_length=3, blank=True)
    rw = models.CharField(_("RW"), max_length=3, blank=True)
    # The official area (regions app) the names above were picked from, or matched to; empty when
    # the typed names match no area (``manage.py regions_unmatched`` lists those).
    region = models.ForeignKey(
        "regions.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )

    class Meta:
        abstract = True

    @property
    def address(self) -> str:
        rt_rw = f"RT {self.rt}/RW {self.rw}" if self.rt or self.rw else ""
        parts = [self.street, rt_rw, self.village, self.district, self.regency, self.province]
        return ", ".join(p for p in parts if p)


class Household(Address):
    """A family as on its Kartu Keluarga (KK)."""

    institution = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+")
    registered_unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("registered at")
    )
    kk = EncryptedTextField(_("KK number"), blank=True)
    kk_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    kk_last4 = models.CharField(max_length=4, blank=True, editable=False)
    single_parent = models.BooleanField(_("single-parent household"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["kk"])

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return f"KK {self.kk_masked}" if self.kk_last4 else _("Household %(id)s") % {"id": self.pk}

    @property
    def kk_masked(self) -> str:
        return "•" * 12 + self.kk_last4 if self.kk_last4 else ""


class Beneficiary(Address):
    # Not fields: the reason the services give django-simple-history for a change (read at save), and
    # after a merge what moved to the survivor, by kind (``services.beneficiary_merge``).
    _change_reason: str
    merge_counts: dict[str, int]

    institution = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+")
    registered_unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("registered at")
    )
    number = models.CharField(_("beneficiary number"), max_length=40)
    kind = models.CharField(_("kind"), max_length=16, choices=BeneficiaryKind.choices, default=BeneficiaryKind.PERSON)
    organisation_type = models.CharField(
        _("organisation type"), max_length=16, choices=OrganisationType.choices, blank=True
    )
    full_name = models.CharField(_("full name"), max_length=200)
    # Normalised name for matching (``core.names.name_key`` with titles dropped).
    name_key = models.CharField(max_length=200, editable=False, db_index=True)
    nik = EncryptedTextField(_("NIK"), blank=True)
    nik_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    nik_first4 = models.CharField(max_length=4, blank=True, editable=False)
    nik_last4 = models.CharField(max_length=4, blank=True, editable=False)
    birth_place = models.CharField(_("birth place"), max_length=100, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, db_index=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="members", verbose_name=_("household")
    )
    relation = models.CharField(_("relation to the head"), max_length=16, choices=Relation.choices, blank=True)
    # Vulnerability markers.
    has_disability = models.BooleanField(_("person with a disability"), default=False)
    is_orphan = models.BooleanField(_("orphan (yatim/piatu)"), default=False)
    chronic_illness = models.BooleanField(_("chronic illness"), default=False)
    asnaf = models.CharField(_("asnaf"), max_length=16, choices=Asnaf.choices, blank=True)
    asnaf_reason = models.TextField(_("reason for the asnaf"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.APPLICANT)
    note = models.TextField(_("note"), blank=True)
    # Set when merged into another record: the duplicate is kept (its number stays findable,
    # its history stays with it) but is no longer listed or helped.
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("merged into")
    )
    # Set when an import let the record in as possibly the same person as another (the same NIK, a birth
    # date that disagrees with the NIK, a near match): it is kept for a person to review (merge it into
    # that record, or mark them as two people) and is not helped nor counted as its household's head
    # until then. ``possible_duplicate_reason`` says what matched and what disagreed.
    possible_duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("possible duplicate of"),
    )
    possible_duplicate_reason = models.TextField(_("why it may be a duplicate"), blank=True)
    # Set when the person's data was erased at their request: identifying fields are blanked,
    # the row, its aid history and the ledger stay for the statistics.
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    history = HistoricalRecords(excluded_fields=["name_key", "nik"])

    class Meta:
        verbose_name = _("beneficiary")
        verbose_name_plural = _("beneficiaries")
        ordering = ["full_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "number"], name="beneficiaries_number_unique"),
            models.CheckConstraint(condition=Q(kind__in=BeneficiaryKind.values), name="beneficiaries_kind_known"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="beneficiaries_status_known"),
            # One head per household, among the records still in use.
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(relation="head", merged_into__isnull=True, possible_duplicate_of__isnull=True),
                name="beneficiaries_one_head_per_household",
            ),
        ]
        indexes = [
            models.Index(fields=["institution", "name_key"], name="beneficiaries_inst_name"),
            models.Index(fields=["institution", "birth_date"], name="beneficiaries_inst_birth"),
            models.Index(fields=["registered_unit", "status"], name="beneficiaries_unit_status"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.number})"

    @property
    def is_merged(self) -> bool:
        return self.merged_into_id is not None

    @property
    def is_held(self) -> bool:
        """Kept as a possible duplicate until a person reviews it: not helped meanwhile."""
        return self.possible_duplicate_of_id is not None

    @property
    def nik_masked(self) -> str:
        """``3318••••••••0003``: the region and serial digits, the birth date hidden."""
        if not self.nik_last4:
            return ""
        return (self.nik_first4 or "••••") + "•" * 8 + self.nik_last4

    def age(self, on=None) -> int | None:
        if self.birth_date is None:
            return None
        on = on or timezone.localdate()
        return on.year - self.birth_date.year - ((on.month, on.day) < (self.birth_date.month, self.birth_date.day))

    @property
    def is_elderly(self) -> bool:
        age = self.age()
        return age is not None and age >= ELDERLY_AGE

    @property
    def is_minor(self) -> bool:
        age = self.age()
        return age is not None and age < ADULT_AGE

    @property
    def vulnerabilities(self) -> list[str]:
        markers = []
        if self.has_disability:
            markers.append(str(_("disability")))
        if self.is_elderly:
            markers.append(str(_("elderly")))
        if self.is_orphan:
            markers.append(str(_("orphan")))
        if self.chronic_illness:
            markers.append(str(_("chronic illness")))
        if self.household_id and self.household.single_parent:
            markers.append(str(_("single-parent household")))
        return markers


class StatusChange(models.Model):
    """One step of a beneficiary's lifecycle: who moved them from which status to which, and why."""

    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices)
    reason = models.TextField(_("reason"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status}"


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("Signed form")
    THUMBPRINT = "thumbprint", _("Thumbprint on the form")
    VERBAL = "verbal", _("Spoken, witnessed by staff")
    DIGITAL = "digital", _("Online form")


class ConsentPurpose(models.TextChoices):
    ASSISTANCE = "assistance", _("Assessing and providing assistance")
    SHARING = "sharing", _("Sharing with partner institutions")
    PUBLICATION = "publication", _("Photos and stories in reports")
    CONTACT = "contact", _("Contact by WhatsApp or phone")


class Consent(models.Model):
    """Consent to process a person's data (UU 27/2022 PDP, art. 20 and 25): for a child, given by a guardian."""

    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=16, choices=ConsentPurpose.choices)
    given_on = models.DateField(_("given on"))
    method = models.CharField(_("how given"), max_length=16, choices=ConsentMethod.choices)
    guardian_name = models.CharField(_("guardian's name"), max_length=200, blank=True)
    guardian_relation = models.CharField(_("guardian's relation"), max_length=100, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["guardian_name"])

    class Meta:
        ordering = ["-given_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.given_on})"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None


class DocumentKind(models.TextChoices):
    KTP = "ktp", _("KTP (identity card)")
    KK = "kk", _("KK (family card)")
    CERTIFICATE = "certificate", _("Certificate or letter (SKTM, medical, school)")
    PHOTO = "photo", _("Photo")
    OTHER = "other", _("Other document")


class Document(KeptFileBase):
    """A scan or photo of a beneficiary, kept privately (``core.uploads``) and served only through a
    permission check that logs every view."""

    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.CASCADE, related_name="documents")
    assessment = models.ForeignKey(
        "Assessment", on_delete=models.SET_NULL, null=True, blank=True, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices)

    history = HistoricalRecords(excluded_fields=["original_name"])

    class Meta(KeptFileBase.Meta):
        pass


class NeedCategory(models.TextChoices):
    """The needs of the had kifayah standard (BAZNAS Puskas, 2018)."""

    FOOD = "food", _("Food")
    CLOTHING = "clothing", _("Clothing")
    HOUSING = "housing", _("Housing and utilities")
    WORSHIP = "worship", _("Worship")
    EDUCATION = "education", _("Education")
    HEALTH = "health", _("Health")
    TRANSPORT = "transport", _("Transport")


class NeedsStandard(models.Model):
    """A monthly minimum-needs standard (had kifayah) set by a unit for its region, inherited
    down the tree: per category, an amount for the first person of a household and one for
    each further member."""

    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    region = models.CharField(_("region"), max_length=200, blank=True)
    valid_from = models.DateField(_("valid from"))
    # {category: {"base": rupiah, "per_member": rupiah}} for every NeedCategory.
    amounts = models.JSONField(_("amounts"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-valid_from", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "valid_from"], name="beneficiaries_standard_unit_date"),
        ]

    def __str__(self) -> str:
        return self.name


class Housing(models.TextChoices):
    OWNED = "owned", _("Own house")
    RENTED = "rented", _("Rented")
    FAMILY = "family", _("Lives with family")
    INFORMAL = "informal", _("Informal or no fixed home")


class HousingCondition(models.TextChoices):
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    POOR = "poor", _("Poor (leaking roof, earth floor)")
    UNFIT = "unfit", _("Unfit to live in")


class Assessment(models.Model):
    """A field assessment of a household's needs, scored against the needs standard in force."""

    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.CASCADE, related_name="assessments")
    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+")
    assessed_on = models.DateField(_("assessed on"))
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    household_size = models.PositiveSmallIntegerField(_("household size"))
    dependants = models.PositiveSmallIntegerField(_("dependants (not earning)"))
    monthly_income = models.BigIntegerField(_("household income per month"))
    income_sources = models.CharField(_("sources of income"), max_length=300, blank=True)
    housing = models.CharField(_("housing"), max_length=16, choices=Housing.choices)
    housing_condition = models.CharField(_("housing condition"), max_length=16, choices=HousingCondition.choices)
    assets_value = models.BigIntegerField(_("value of assets (land, vehicle, livestock, savings)"), default=0)
    debts = models.BigIntegerField(_("debts outstanding"), default=0)
    health = models.TextField(_("health"), blank=True)
    education = models.TextField(_("education of the children"), blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    standard = models.ForeignKey(NeedsStandard, on_delete=models.PROTECT, related_name="+")
    need_amount = models.BigIntegerField(_("minimum needs per month"))
    score = models.PositiveSmallIntegerField(_("need score (0-100)"))
    # How the score came about, step by step, as shown on the assessment page.
    breakdown = models.JSONField()
    recommended_asnaf = models.CharField(_("recommended asnaf"), max_length=16, choices=Asnaf.choices, blank=True)
    reassess_on = models.DateField(_("re-assess on"))
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["breakdown", "income_sources", "health", "education", "notes"])

    class Meta:
        ordering = ["-assessed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.assessed_on}: {self.score}"


class NotDuplicate(models.Model):
    """A person's decision that two records are different people; the search stops proposing the pair."""

    first = models.ForeignKey(Beneficiary, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Beneficiary, on_delete=models.CASCADE, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="beneficiaries_not_duplicate_pair"),
            models.CheckConstraint(condition=Q(first__lt=models.F("second")), name="beneficiaries_pair_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} != {self.second_id}"


class AidRecord(models.Model):
    """Help a beneficiary received from any unit of the institution: written by distribution
    for every disbursement, or entered for help given before the registry existed."""

    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.PROTECT, related_name="aid")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, null=True, blank=True, related_name="aid")
    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+")
    given_on = models.DateField(_("given on"))
    program = models.CharField(_("program"), max_length=200)
    amount = models.BigIntegerField(_("amount (Rp)"))
    description = models.CharField(_("description"), max_length=300, blank=True)
    asnaf = models.CharField(_("asnaf"), max_length=16, choices=Asnaf.choices, blank=True)
    # What the record came from: "disbursement:<id>" for distribution, "manual" or "import:<job>".
    source = models.CharField(max_length=60, default="manual")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-given_on", "-id"]
        indexes = [models.Index(fields=["beneficiary", "given_on"], name="beneficiaries_aid_person_date")]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="beneficiaries_aid_amount_positive")]

    def __str__(self) -> str:
        return f"{self.given_on} {self.program}: {self.amount}"


class DedupRun(models.Model):
    """One run of the registry-wide batch deduplication (Splink): what it found, for review.
    At most one run of an institution is queued or running at a time (a partial unique index)."""

    class RunStatus(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    PENDING = (RunStatus.QUEUED, RunStatus.RUNNING)

    institution = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    records = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    # [{"ids": [..], "pairs": [{"l": id, "r": id, "probability": p, "reasons": [...]}]}]
    clusters = models.JSONField(default=list)
    # Share of the records having each field the model reads ({"district": 0.0, ...}).
    filled = models.JSONField(default=dict)
    # What Splink said while it ran (warnings about the model), kept out of the user's sight.
    notes = models.TextField(blank=True)
    error = models.TextField(blank=True)

    history = HistoricalRecords(excluded_fields=["clusters", "error", "filled", "notes"])

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution"],
                condition=Q(status__in=["queued", "running"]),
                name="beneficiaries_one_pending_dedup_run",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def too_empty(self) -> list[str]:
        """The fields too rarely filled to help (``linkage.prepare.too_empty``)."""
        from satuatap.beneficiaries.linkage.prepare import too_empty

        return too_empty(self.filled) if self.filled else []


class DedupPair(models.Model):
    """One pair of records a run found probably one person (``left`` has the lower id), with its
    probability and reasons (English, translated when shown), and what a person decided on it."""

    class Decision(models.TextChoices):
        MERGED = "merged", _("Same person: merged")
        DIFFERENT = "different", _("Not the same person")

    run = models.ForeignKey(DedupRun, on_delete=models.CASCADE, related_name="pairs")
    cluster = models.PositiveIntegerField()  # the cluster's index in ``run.clusters``, 1 = largest
    left = models.ForeignKey(Beneficiary, on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey(Beneficiary, on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField()
    reasons = models.JSONField(default=list)
    decision = models.CharField(max_length=16, choices=Decision.choices, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["cluster", "-probability", "left_id", "right_id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "left", "right"], name="beneficiaries_dedup_pair_once"),
            models.CheckConstraint(condition=Q(left__lt=models.F("right")), name="beneficiaries_dedup_pair_ordered"),
        ]
        indexes = [models.Index(fields=["run", "probability"], name="beneficiaries_dedup_pair_prob")]

    def __str__(self) -> str:
        return f"{self.left_id} ~ {self.right_id} ({self.probability:.2f})"


class BeneficiaryImport(ImportJobBase):
    """One uploaded list of beneficiaries (a branch's or care unit's own spreadsheet, ``ImportJobBase``):
    every row is checked as registration would check it and compared with the registry and the rest
    of the file; the user then saves the valid rows all at once, or cancels. The file is blanked once
    the import is saved or cancelled (it holds NIKs in the clear). ``duplicates`` holds every row that
    may be a person already registered or another row of the file; ``include`` the flagged rows the
    user chose to save anyway.
    """

    JobStatus = ImportStatus

    duplicate_rows = models.PositiveIntegerField(_("possible duplicates"), default=0)
    saved_rows = models.PositiveIntegerField(_("rows saved"), default=0)
    # [{"row": n, "name": ..., "valid": bool, "file": [{"row": m, "reason": ...}],
    #   "registry": [{"id": pk, "unit": name, "score": 0.8, "reasons": [...]}]}]
    duplicates = models.JSONField(default=list, blank=True)
    include = models.JSONField(default=list, blank=True)
    # Cells corrected on the preview, used instead of the file's when saving: {"<row>": {"<column key>": "value"}}.
    corrections = models.JSONField(default=dict, blank=True)

    history = HistoricalRecords(
        excluded_fields=["content", "errors", "duplicates", "summary", "progress", "corrections"]
    )

    class Meta(ImportJobBase.Meta):
        verbose_name = _("beneficiary import")
        verbose_name_plural = _("beneficiary imports")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ImportStatus.values), name="beneficiaries_import_status_known"
            ),
        ]
        indexes = [models.Index(fields=["unit", "created_at"], name="beneficiaries_import_unit")]
