"""The service catalogue: what a unit offers, the published promise of each service (its service
standard, the 14 components of PermenPANRB 15/2014) and the unit's desk settings."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from satuatap.organizations.models import Unit

service_code_validator = RegexValidator(
    r"^[A-Z0-9]{2,10}$",
    _("Use 2 to 10 capital letters or digits, without spaces (for example KTP or AKTA01)."),
    code="invalid_code",
)


class Service(models.Model):
    """A service a unit offers. A unit below may adopt a parent's service (``adopted_from``): it
    follows the parent's published standard and adds its local details."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="services", verbose_name=_("unit"))
    code = models.CharField(_("code"), max_length=10, validators=[service_code_validator])
    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(_("category"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    # How the service is delivered: at a queue, by appointment, as a request over several days.
    needs_queue = models.BooleanField(_("served at the queue"), default=True)
    needs_appointment = models.BooleanField(_("by appointment"), default=False)
    needs_request = models.BooleanField(_("as a multi-day request"), default=False)
    adopted_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="adoptions",
        verbose_name=_("adopted from"),
    )  # fmt: skip
    local_details = models.TextField(_("local details"), blank=True)
    # Queue: tickets a day (None: no quota).
    daily_quota = models.PositiveIntegerField(_("daily quota"), null=True, blank=True)
    # Appointments: slot length and how many people one slot takes.
    slot_minutes = models.PositiveSmallIntegerField(_("slot length (minutes)"), default=30)
    slot_capacity = models.PositiveSmallIntegerField(_("people per slot"), default=4)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["unit", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "code"], name="service_code_unique_in_unit"),
            models.CheckConstraint(condition=models.Q(code__regex=r"^[A-Z0-9]{2,10}$"), name="service_code_format"),
            models.CheckConstraint(condition=models.Q(slot_minutes__gte=5), name="service_slot_minutes_min"),
            models.CheckConstraint(condition=models.Q(slot_capacity__gte=1), name="service_slot_capacity_min"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class StandardStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")


class ServiceStandard(models.Model):
    """One version of a service's standard. Drafted, approved by the unit head, then published and
    frozen; a change is a new version with its own effective date, the old one stays readable."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="standards", verbose_name=_("service"))
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=16, choices=StandardStatus.choices, default=StandardStatus.DRAFT)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    # Delivery (penyampaian pelayanan).
    legal_basis = models.TextField(_("legal basis"), blank=True)
    procedure = models.JSONField(_("procedure"), default=list, blank=True, help_text=_("The steps, in order."))
    service_minutes = models.PositiveIntegerField(_("service time at the counter (minutes)"), null=True, blank=True)
    service_days = models.PositiveIntegerField(_("completion time (working days)"), null=True, blank=True)
    service_time_note = models.CharField(_("service time note"), max_length=300, blank=True)
    is_free = models.BooleanField(_("free of charge"), default=True)
    tariff = models.BigIntegerField(_("tariff (Rp)"), default=0)
    tariff_basis = models.TextField(_("legal basis of the tariff"), blank=True)
    product = models.TextField(_("product"), blank=True)
    # Management (pengelolaan pelayanan).
    complaint_channels = models.TextField(_("complaint handling"), blank=True)
    facilities = models.TextField(_("facilities"), blank=True)
    staff_competence = models.TextField(_("staff competence"), blank=True)
    internal_supervision = models.TextField(_("internal supervision"), blank=True)
    staff_count = models.PositiveSmallIntegerField(_("number of staff"), null=True, blank=True)
    service_guarantee = models.TextField(_("guarantee of service (maklumat)"), blank=True)
    security_guarantee = models.TextField(_("security and safety guarantee"), blank=True)
    performance_evaluation = models.TextField(_("performance evaluation"), blank=True)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service standard")
        verbose_name_plural = _("service standards")
        ordering = ["service", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["service", "version"], name="standard_version_unique"),
            models.CheckConstraint(condition=models.Q(status__in=StandardStatus.values), name="standard_status_known"),
            models.CheckConstraint(condition=models.Q(tariff__gte=0), name="standard_tariff_not_negative"),
            models.CheckConstraint(
                condition=~models.Q(status=StandardStatus.PUBLISHED) | models.Q(effective_from__isnull=False),
                name="standard_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} v{self.version}"


class StandardRequirement(models.Model):
    """One item of a standard's requirements checklist (persyaratan), reused by service requests."""

    standard = models.ForeignKey(
        ServiceStandard, on_delete=models.CASCADE, related_name="requirements", verbose_name=_("standard")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("requirement"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    needs_document = models.BooleanField(_("document to upload"), default=True)
    is_mandatory = models.BooleanField(_("mandatory"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        ordering = ["standard", "position", "id"]

    def __str__(self) -> str:
        return self.name


class NoShowRule(models.TextChoices):
    FINAL = "final", _("Final: a new ticket is needed")
    RECALLABLE = "recallable", _("May be recalled within a number of later calls")


class DeskSettings(models.Model):
    """A unit's service desk: its maklumat pelayanan, the WhatsApp line and the queue's rules."""

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="desk_settings", verbose_name=_("unit"))
    maklumat = models.TextField(_("maklumat pelayanan"), blank=True)
    # WhatsApp service line (its hours are the unit's ``whatsapp`` schedule in organizations).
    whatsapp_line = models.CharField(_("WhatsApp service line"), max_length=32, blank=True)
    # Queue rules.
    recalls_before_no_show = models.PositiveSmallIntegerField(_("recalls before a no-show"), default=2)
    no_show_rule = models.CharField(
        _("after a no-show"), max_length=16, choices=NoShowRule.choices, default=NoShowRule.RECALLABLE
    )
    no_show_recall_calls = models.PositiveSmallIntegerField(
        _("later calls within which a no-show may return"), default=5
    )
    # One priority ticket (elderly, disability, pregnant) is called after at most this many others.
    priority_every = models.PositiveSmallIntegerField(_("priority ticket at least every N calls"), default=2)
    early_check_in_minutes = models.PositiveSmallIntegerField(
        _("check-in earliest (minutes before the slot)"), default=30
    )
    late_check_in_minutes = models.PositiveSmallIntegerField(_("check-in latest (minutes after the slot)"), default=15)
    notify_when_ahead = models.PositiveSmallIntegerField(_("tell a phone ticket when this many are ahead"), default=3)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service desk settings")
        verbose_name_plural = _("service desk settings")

    def __str__(self) -> str:
        return str(self.unit)
