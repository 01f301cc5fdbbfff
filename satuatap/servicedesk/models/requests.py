"""Service requests (permohonan layanan) for services that take more than one visit: the
requirement checklist with documents, a tracking code, steps with a due date in working days."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from satuatap.core.crypto import EncryptedTextField
from satuatap.core.uploads import KeptFileBase
from satuatap.organizations.models import Unit
from satuatap.servicedesk.models.catalogue import Service, ServiceStandard, StandardRequirement
from satuatap.servicedesk.models.queue import QueueTicket


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    VERIFIED = "verified", _("Verified")
    PROCESSED = "processed", _("Being processed")
    READY = "ready", _("Ready to collect")
    HANDED_OVER = "handed_over", _("Handed over")
    REJECTED = "rejected", _("Rejected")


class RequestChannel(models.TextChoices):
    COUNTER = "counter", _("At the counter")
    TICKET = "ticket", _("From a queue ticket")
    ONLINE = "online", _("Online")
    WHATSAPP = "whatsapp", _("WhatsApp")


class ServiceRequest(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="service_requests", verbose_name=_("unit"))
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="requests", verbose_name=_("service"))
    # The standard in force when the request came in: its requirements and service time apply.
    standard = models.ForeignKey(ServiceStandard, on_delete=models.PROTECT, related_name="requests")
    code = models.CharField(_("tracking code"), max_length=10, unique=True)
    channel = models.CharField(_("channel"), max_length=16, choices=RequestChannel.choices)
    ticket = models.ForeignKey(QueueTicket, on_delete=models.PROTECT, null=True, blank=True, related_name="requests")
    applicant_name = models.CharField(_("applicant"), max_length=200)
    applicant_phone = EncryptedTextField(_("phone"), blank=True)
    applicant_email = EncryptedTextField(_("email"), blank=True)
    details = models.TextField(_("details"), blank=True)
    # A WhatsApp conversation logged as this request: the pasted transcript and the sender's number.
    transcript = models.TextField(_("WhatsApp transcript"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.RECEIVED)
    reject_reason = models.TextField(_("reason for rejection"), blank=True)
    notify = models.BooleanField(_("tell the applicant of each step"), default=True)
    received_at = models.DateTimeField(_("received at"))
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    handed_to = models.CharField(_("received by"), max_length=200, blank=True)
    handed_to_note = models.CharField(_("receiver's relation or identity"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("assigned to"),
    )  # fmt: skip

    history = HistoricalRecords(excluded_fields=["applicant_phone", "applicant_email", "transcript"])

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=RequestStatus.values), name="request_status_known"),
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(reject_reason=""), name="request_rejected_has_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "status", "due_at"], name="request_open_due"),
            models.Index(fields=["unit", "received_at"], name="request_unit_received"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.service.name}"


class RequestStep(models.Model):
    """A step of a request's way, with who took it: the applicant's timeline."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(max_length=16, choices=RequestStatus.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.status}"


class RequirementCheck(models.Model):
    """A requirement of the standard ticked as met (or not) for one request."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="checks")
    requirement = models.ForeignKey(StandardRequirement, on_delete=models.PROTECT, related_name="+")
    is_met = models.BooleanField(default=False)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "requirement"], name="requirement_check_unique")]

    def __str__(self) -> str:
        return f"{self.request_id} {self.requirement_id}: {self.is_met}"


class RequestDocumentKind(models.TextChoices):
    REQUIREMENT = "requirement", _("Requirement")
    OTHER = "other", _("Other document")


class RequestDocument(KeptFileBase):
    """A document for a request, kept privately (core.uploads); every view of it is audited."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="documents")
    requirement = models.ForeignKey(
        StandardRequirement, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=RequestDocumentKind.choices, default=RequestDocumentKind.REQUIREMENT)

    history = HistoricalRecords()

    class Meta(KeptFileBase.Meta):
        verbose_name = _("request document")
        verbose_name_plural = _("request documents")
