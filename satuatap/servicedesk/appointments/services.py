"""Writes of appointments: booking a slot, cancelling, marking no-shows, the reminder the day before.

- ``appointment_book``: a person (or staff for a caller) books a slot of a service offered by
  appointment. Every refusal is given at once: a past slot, a closed day (with the holiday's name),
  a time that is not a slot, a full slot, a service not bookable, neither phone nor email, the same
  phone twice for the same service on one day. The place is counted under a lock of the service's
  row, so two people never take the last place together.
- ``appointment_cancel``: the person by the booking code, or staff (audited); never after check-in.
- ``appointments_mark_no_show``: bookings whose slot and late check-in window have passed.
- ``appointments_remind``: one reminder per booking, the day before, through the outbox.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record
from satuatap.core.errors import Refusals
from satuatap.core.text import squash
from satuatap.core.tracking import code_unique
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import require
from satuatap.organizations.selectors import calendar_for
from satuatap.outbox.models import MessageChannel
from satuatap.outbox.services import message_queue
from satuatap.servicedesk.appointments.selectors import ACTIVE, FIRST_DAY, LAST_DAY, booking_url, slot_at
from satuatap.servicedesk.catalogue.selectors import desk_settings
from satuatap.servicedesk.errors import AppointmentRefused
from satuatap.servicedesk.models import Appointment, AppointmentStatus, Service

__all__ = [
    "appointment_book",
    "appointment_cancel",
    "appointment_checked_in",
    "appointments_mark_no_show",
    "appointments_remind",
    "phone_clean",
]

SERVE = "servicedesk.serve"


def phone_clean(raw: str) -> str:
    """A phone number in one form, for WhatsApp and for comparing: ``0812-3456 7890`` and
    ``+62 812 3456 7890`` are both ``6281234567890``; "" when nothing is given."""
    digits = "".join(ch for ch in raw or "" if ch.isdigit())
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    return digits


def _when(moment: datetime, unit: Unit) -> str:
    local = timezone.localtime(moment, unit.tzinfo)
    return f"{formats.date_format(local.date(), 'l, j F Y')} {local:%H:%M}"


def _check_slot(service: Service, slot_start: datetime | None, moment: datetime) -> tuple[datetime, datetime]:
    if slot_start is None:
        raise AppointmentRefused(_("Choose a time."), field="slot_start")
    if not FIRST_DAY <= slot_start.date() <= LAST_DAY:  # beyond, date arithmetic overflows
        raise AppointmentRefused(_("Choose a time."), field="slot_start")
    calendar = calendar_for(service.unit)
    local = calendar.local(slot_start)
    if local <= moment:
        raise AppointmentRefused(_("This time has passed. Choose a later time."), field="slot_start")
    reason = calendar.closed_because(local.date())
    if reason is not None:
        day = formats.date_format(local.date(), "l, j F Y")
        if reason:
            message = _("The office is closed on %(day)s (%(reason)s). Choose another day.")
        else:
            message = _("The office is closed on %(day)s. Choose another day.")
        raise AppointmentRefused(message % {"day": day, "reason": reason}, field="slot_start")
    slot = slot_at(service, local, calendar=calendar)
    if slot is None:
        raise AppointmentRefused(_("%(time)s is not a time that can be booked.") % {"time": f"{local:%H:%M}"},
                                 field="slot_start")  # fmt: skip
    return slot


@transaction.atomic
def appointment_book(
    *,
    service: Service,
    slot_start: datetime | None,
    name: str,
    phone: str = "",
    email: str = "",
    note: str = "",
    actor=None,
    now: datetime | None = None,
) -> Appointment:
    """Book a place in a slot of ``service`` for a person (``actor``: the staff member booking for
    a caller, None for the person online). Gives the booking its code."""
    moment = now or timezone.now()
    if actor is not None:
        require(actor, SERVE, service.unit)
    name, note, email = squash(name)[:200], squash(note)[:300], (email or "").strip()
    phone = phone_clean(phone)
    refusals = Refusals()
    slot: tuple[datetime, datetime] | None = None
    with refusals.check():
        if not (service.is_active and service.needs_appointment):
            raise AppointmentRefused(_("This service cannot be booked. Choose a service by appointment."),
                                     field="service")  # fmt: skip
    with refusals.check():
        slot = _check_slot(service, slot_start, moment)
    with refusals.check():
        if not name:
            raise AppointmentRefused(_("Write your name."), field="name")
    with refusals.check():
        if not phone and not email:
            raise AppointmentRefused(_("Give a phone number or an email address, so we can remind you."),
                                     field="phone")  # fmt: skip
        if phone and not 8 <= len(phone) <= 15:
            raise AppointmentRefused(_("This is not a phone number."), field="phone")
    with refusals.check():
        if email:
            try:
                validate_email(email)
            except ValidationError:
                raise AppointmentRefused(_("This is not an email address."), field="email") from None
    # The place is counted under the service's lock: two people never take the last place together.
    locked = Service.objects.select_for_update().get(pk=service.pk)
    if slot is not None:
        with refusals.check():
            taken = Appointment.objects.filter(service=locked, slot_start=slot[0], status__in=ACTIVE).count()
            if taken >= locked.slot_capacity:
                raise AppointmentRefused(_("This time is fully booked. Choose another time."), field="slot_start")
        if phone:
            with refusals.check():
                calendar = calendar_for(service.unit)
                day_start = datetime.combine(calendar.local(slot[0]).date(), datetime.min.time(), tzinfo=calendar.tz)
                twice = Appointment.objects.filter(
                    service=locked,
                    phone=phone,
                    status__in=ACTIVE,
                    slot_start__gte=day_start,
                    slot_start__lt=day_start + timedelta(days=1),
                ).exists()
                if twice:
                    raise AppointmentRefused(
                        _("This phone number already has a booking for this service on that day."), field="phone"
                    )
    refusals.raise_any(AppointmentRefused)
    assert slot is not None
    return Appointment.objects.create(
        unit=service.unit,
        service=locked,
        code=code_unique(lambda c: Appointment.objects.filter(code=c).exists()),
        slot_start=slot[0],
        slot_end=slot[1],
        name=name,
        phone=phone,
        email=email,
        note=note,
        booked_by=actor if actor is not None and actor.is_authenticated else None,
    )


@transaction.atomic
def appointment_cancel(
    *,
    appointment: Appointment | None = None,
    code: str = "",
    actor=None,
    reason: str = "",
    now: datetime | None = None,
) -> Appointment:
    """Cancel a booking: the person by its code (no ``actor``), or staff of its unit (audited).
    A booking checked in, already cancelled or marked as a no-show cannot be cancelled."""
    moment = now or timezone.now()
    query = Appointment.objects.select_for_update()
    if appointment is not None:
        appointment = query.get(pk=appointment.pk)
    else:
        appointment = query.filter(code=code).first() if code else None
        if appointment is None:
            raise AppointmentRefused(_("No booking has this code."), field="code")
    if actor is not None:
        require(actor, SERVE, appointment.unit)
    if appointment.status == AppointmentStatus.CHECKED_IN:
        raise AppointmentRefused(_("This booking is already checked in and cannot be cancelled."))
    if appointment.status == AppointmentStatus.CANCELLED:
        raise AppointmentRefused(_("This booking is already cancelled."))
    if appointment.status == AppointmentStatus.NO_SHOW:
        raise AppointmentRefused(_("This booking has passed without a visit and cannot be cancelled."))
    if actor is None and appointment.slot_end <= moment:
        raise AppointmentRefused(_("This booking has passed and cannot be cancelled."))
    old = appointment.status
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancelled_at = moment
    appointment.save(update_fields=["status", "cancelled_at"])
    if actor is not None:
        audit_record(
            actor=actor,
            action=AuditAction.APPOINTMENT_CANCELLED,
            target=appointment,
            unit=appointment.unit,
            changes={"status": [old, AppointmentStatus.CANCELLED]},
            note=squash(reason)[:300],
        )
    return appointment


def appointment_checked_in(*, appointment: Appointment, now: datetime | None = None) -> bool:
    """Mark a booking as checked in (the queue's kiosk check-in calls this in its transaction, after
    checking the unit's check-in window); False when it was no longer booked (cancelled, marked
    no-show, or checked in by a second press), so it is never turned into two tickets."""
    moment = now or timezone.now()
    marked = Appointment.objects.filter(pk=appointment.pk, status=AppointmentStatus.BOOKED).update(
        status=AppointmentStatus.CHECKED_IN, checked_in_at=moment
    )
    if marked:
        appointment.status, appointment.checked_in_at = AppointmentStatus.CHECKED_IN, moment
    return bool(marked)


@transaction.atomic
def appointments_mark_no_show(*, unit: Unit | None = None, now: datetime | None = None) -> int:
    """Mark as no-show the bookings (of ``unit``, or of every unit) whose slot began longer ago
    than the unit's late check-in window; how many were marked."""
    moment = now or timezone.now()
    rows = Appointment.objects.filter(status=AppointmentStatus.BOOKED, slot_start__lt=moment)
    if unit is not None:
        rows = rows.filter(unit=unit)
    marked = 0
    by_unit: dict[int, list[int]] = {}
    for pk, unit_id in rows.values_list("pk", "unit_id"):
        by_unit.setdefault(unit_id, []).append(pk)
    for unit_id, pks in by_unit.items():
        late = timedelta(minutes=desk_settings(Unit.objects.get(pk=unit_id)).late_check_in_minutes)
        marked += Appointment.objects.filter(
            pk__in=pks, status=AppointmentStatus.BOOKED, slot_start__lt=moment - late
        ).update(status=AppointmentStatus.NO_SHOW)
    return marked


def _reminder_text(appointment: Appointment) -> str:
    unit = appointment.unit
    lines = [
        _("Reminder: your appointment at %(office)s") % {"office": unit.name},
        _("Service: %(service)s") % {"service": appointment.service.name},
        _("Time: %(when)s") % {"when": _when(appointment.slot_start, unit)},
        _("Booking code: %(code)s") % {"code": appointment.code},
    ]
    if unit.address:
        lines.append(_("Address: %(address)s") % {"address": squash(unit.address)})
    lines.append(_("Check in at the kiosk with your code when you arrive."))
    lines.append(_("See or cancel your booking: %(url)s") % {"url": booking_url(appointment.code)})
    return "\n".join(lines)


def appointments_remind(*, now: datetime | None = None) -> int:
    """Queue the reminder of every booking whose slot falls on the next day (in its unit's zone),
    once: WhatsApp when the person gave a phone, otherwise email. How many were queued."""
    moment = now or timezone.now()
    candidates = Appointment.objects.filter(
        status=AppointmentStatus.BOOKED,
        reminded_at__isnull=True,
        slot_start__gt=moment,
        slot_start__lt=moment + timedelta(days=3),
    ).values_list("pk", flat=True)
    queued = 0
    for pk in list(candidates):
        with transaction.atomic():
            appointment = (
                Appointment.objects.select_for_update()
                .select_related("unit", "service")
                .filter(pk=pk, status=AppointmentStatus.BOOKED, reminded_at__isnull=True)
                .first()
            )
            if appointment is None:
                continue
            tz = appointment.unit.tzinfo
            if timezone.localtime(appointment.slot_start, tz).date() != timezone.localtime(
                moment, tz
            ).date() + timedelta(days=1):
                continue
            channel, recipient = (
                (MessageChannel.WHATSAPP, appointment.phone)
                if appointment.phone
                else (MessageChannel.EMAIL, appointment.email)
            )
            # The person's language is not known: reminders go out in the site's language.
            with translation.override(settings.LANGUAGE_CODE):
                message_queue(
                    actor=None,
                    unit=appointment.unit,
                    channel=channel,
                    recipient=recipient,
                    subject=_("Your appointment tomorrow: %(service)s") % {"service": appointment.service.name},
                    body=_reminder_text(appointment),
                    reference=f"appointment:{appointment.pk}",
                )
            appointment.reminded_at = moment
            appointment.save(update_fields=["reminded_at"])
            queued += 1
    return queued
