"""Appointments: a person books a service on a day and time slot; checking in at the kiosk turns
the booking into a ticket on the unit's appointment line, waiting from the booked time."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from satuatap.organizations.models import Unit
from satuatap.servicedesk.models.catalogue import Service


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CHECKED_IN = "checked_in", _("Checked in")
    CANCELLED = "cancelled", _("Cancelled")
    NO_SHOW = "no_show", _("Did not come")


class Appointment(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("unit"))
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("service")
    )
    code = models.CharField(_("booking code"), max_length=10, unique=True)
    slot_start = models.DateTimeField(_("slot"))
    slot_end = models.DateTimeField()
    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    booked_at = models.DateTimeField(auto_now_add=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["phone", "email"])

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["slot_start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=AppointmentStatus.values), name="appointment_status_known"
            ),
            models.CheckConstraint(
                condition=models.Q(slot_start__lt=models.F("slot_end")), name="appointment_slot_ordered"
            ),
        ]
        indexes = [
            models.Index(fields=["service", "slot_start", "status"], name="appointment_slot"),
            models.Index(fields=["unit", "slot_start"], name="appointment_unit_day"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.service.name}"
