"""Taking a ticket: kiosk, phone, counter, a booking's check-in; the "nearly your turn" message."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.core.tracking import code_clean, code_unique
from satuatap.organizations.models import Unit
from satuatap.organizations.selectors import calendar_for
from satuatap.outbox.models import MessageChannel
from satuatap.outbox.services import message_queue
from satuatap.servicedesk.catalogue.selectors import desk_settings
from satuatap.servicedesk.errors import QueueRefused
from satuatap.servicedesk.models import (
    Appointment,
    AppointmentStatus,
    LineDay,
    Priority,
    QueueLine,
    QueueTicket,
    Service,
    TicketEventKind,
    TicketSource,
    TicketStatus,
)
from satuatap.servicedesk.queue import selectors
from satuatap.servicedesk.queue.services.common import Taken, moment_words, ticket_event

# --- taking a ticket ---------------------------------------------------------------------------------


def _draw(line: QueueLine, day) -> int:
    """The next number of ``line`` on ``day``: one atomic UPDATE of its ``LineDay`` row (created at
    the day's first ticket), which keeps the row locked until the caller's transaction ends."""
    LineDay.objects.get_or_create(line=line, day=day)
    rows = LineDay.objects.filter(line=line, day=day)
    if connection.vendor == "postgresql":
        rows.select_for_update().get()
    rows.update(last_number=F("last_number") + 1)
    return rows.values_list("last_number", flat=True).get()


def _new_ticket(*, unit: Unit, line: QueueLine, service: Service, day, number: int, source: str, priority: str,
                at: datetime, wait_from: datetime, appointment: Appointment | None = None,
                notify_channel: str = "", notify_to: str = "") -> QueueTicket:  # fmt: skip
    ticket = QueueTicket.objects.create(
        unit=unit,
        line=line,
        service=service,
        day=day,
        number=number,
        code=code_unique(lambda c: QueueTicket.objects.filter(code=c).exists()),
        source=source,
        priority=priority,
        appointment=appointment,
        taken_at=at,
        wait_from=wait_from,
        notify_channel=notify_channel,
        notify_to=notify_to,
    )
    ticket_event(ticket, TicketEventKind.TAKEN, at, note=source)
    return ticket


def _notify_check(channel: str, to: str) -> tuple[str, str]:
    channel, to = (channel or "").strip(), (to or "").strip()
    if not to:
        return "", ""
    if channel not in (MessageChannel.WHATSAPP, MessageChannel.EMAIL):
        channel = MessageChannel.EMAIL if "@" in to else MessageChannel.WHATSAPP
    if channel == MessageChannel.EMAIL:
        from django.core.exceptions import ValidationError
        from django.core.validators import validate_email

        try:
            validate_email(to)
        except ValidationError:
            raise QueueRefused(_("This is not an email address."), field="notify_to") from None
    else:
        digits = "".join(ch for ch in to if ch.isdigit())
        if not 8 <= len(digits) <= 15:
            raise QueueRefused(_("This is not a WhatsApp number."), field="notify_to")
    return channel, to[:254]


@transaction.atomic
def ticket_take(*, unit: Unit, service: Service, source: str = TicketSource.KIOSK, priority: str = "",
                notify_channel: str = "", notify_to: str = "", at: datetime | None = None) -> Taken:  # fmt: skip
    """A walk-in ticket for ``service`` at ``unit`` (kiosk, phone or counter): refused while the office
    is closed, for a service not served at the queue, and when the service's quota of the day is
    full. The number is the next of the service's line today (the unit's date)."""
    at = at or timezone.now()
    calendar = calendar_for(unit)
    if source not in TicketSource.values or source == TicketSource.APPOINTMENT:
        raise QueueRefused(_("Take a ticket at the kiosk, by phone or at the counter."), field="source")
    if priority not in Priority.values:
        raise QueueRefused(_("Choose a priority from the list."), field="priority")
    if not calendar.is_open(at):
        raise QueueRefused(
            _("The office is closed now. It opens %(when)s.") % {"when": moment_words(unit, calendar.next_opening(at))}
        )
    line = selectors.line_of_service(unit, service)
    if line is None or service.unit_id != unit.pk or not service.is_active or not service.needs_queue:
        raise QueueRefused(_("This service is not served at the queue here."), field="service")
    notify_channel, notify_to = _notify_check(notify_channel, notify_to)
    day = calendar.local(at).date()
    number = _draw(line, day)  # locks the line's day: the quota count below is exact
    if service.daily_quota is not None:
        taken = QueueTicket.objects.filter(service=service, day=day, appointment__isnull=True).count()
        if taken >= service.daily_quota:
            tomorrow = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=unit.tzinfo)
            raise QueueRefused(
                _("Today's quota is full. Please come back %(when)s or book an appointment.")
                % {"when": moment_words(unit, calendar.next_opening(tomorrow))},
                field="service",
            )
    ticket = _new_ticket(unit=unit, line=line, service=service, day=day, number=number, source=source,
                         priority=priority, at=at, wait_from=at, notify_channel=notify_channel,
                         notify_to=notify_to)  # fmt: skip
    ahead, minutes = selectors.ticket_wait(ticket, at=at)
    return Taken(ticket=ticket, ahead=ahead, wait_minutes=minutes)


@transaction.atomic
def ticket_check_in(*, code: str, unit: Unit | None = None, at: datetime | None = None) -> Taken:
    """Check a booking in at the kiosk: a ticket on the unit's appointment line, waiting from the
    booked slot (ordered by it). Allowed from ``early_check_in_minutes`` before the slot to
    ``late_check_in_minutes`` after it; later, the person gets a walk-in ticket (``late``)."""
    at = at or timezone.now()
    clean = code_clean(code)
    appointment = Appointment.objects.select_for_update().filter(code=clean).first() if clean else None
    if appointment is None or (unit is not None and appointment.unit_id != unit.pk):
        raise QueueRefused(_("No booking has this code. Check the code on your booking."), field="code")
    unit = appointment.unit
    if appointment.status == AppointmentStatus.CHECKED_IN:
        raise QueueRefused(_("This booking has already been checked in."), field="code")
    if appointment.status != AppointmentStatus.BOOKED:
        raise QueueRefused(_("This booking was cancelled or has expired."), field="code")
    settings = desk_settings(unit)
    earliest = appointment.slot_start - timedelta(minutes=settings.early_check_in_minutes)
    latest = appointment.slot_start + timedelta(minutes=settings.late_check_in_minutes)
    if at < earliest:
        message = _("It is too early to check in. Check in from %(when)s.")
        raise QueueRefused(message % {"when": moment_words(unit, earliest)}, field="code")
    appointment.status = AppointmentStatus.CHECKED_IN
    appointment.checked_in_at = at
    appointment.save(update_fields=["status", "checked_in_at"])
    if at > latest:
        taken = ticket_take(unit=unit, service=appointment.service, source=TicketSource.KIOSK, at=at)
        QueueTicket.objects.filter(pk=taken.ticket.pk).update(appointment=appointment)
        taken.ticket.appointment = appointment
        taken.late = True
        return taken
    line = selectors.appointment_line(unit)
    if line is None:
        raise QueueRefused(_("This office has no appointment line. Please take a ticket at the kiosk."), field="code")
    day = calendar_for(unit).local(at).date()
    number = _draw(line, day)
    ticket = _new_ticket(unit=unit, line=line, service=appointment.service, day=day, number=number,
                         source=TicketSource.APPOINTMENT, priority="", at=at,
                         wait_from=appointment.slot_start, appointment=appointment)  # fmt: skip
    ahead, minutes = selectors.ticket_wait(ticket, at=at)
    return Taken(ticket=ticket, ahead=ahead, wait_minutes=minutes)


@transaction.atomic
def ticket_notify(*, ticket: QueueTicket, channel: str, to: str, at: datetime | None = None) -> QueueTicket:
    """A waiting ticket asks to be told when it is nearly its turn (WhatsApp or email)."""
    if ticket.status != TicketStatus.WAITING:
        raise QueueRefused(_("This ticket is no longer waiting."))
    channel, to = _notify_check(channel, to)
    if not to:
        raise QueueRefused(_("Give a WhatsApp number or an email address."), field="notify_to")
    QueueTicket.objects.filter(pk=ticket.pk).update(notify_channel=channel, notify_to=to, notified_at=None)
    ticket.notify_channel, ticket.notify_to, ticket.notified_at = channel, to, None
    notify_near(ticket.unit, at or timezone.now(), only=[ticket.pk])
    ticket.refresh_from_db()
    return ticket


def notify_near(unit: Unit, at: datetime, only: list[int] | None = None) -> None:
    """Queue the "nearly your turn" message of each waiting ticket that asked for one and now has
    ``notify_when_ahead`` people or fewer ahead (once per ticket)."""
    asking = (
        QueueTicket.objects.filter(
            unit=unit, status=TicketStatus.WAITING, notified_at__isnull=True, day=calendar_for(unit).local(at).date()
        )
        .exclude(notify_to="")
        .select_related("line", "service", "unit")
    )
    if only is not None:
        asking = asking.filter(pk__in=only)
    limit = desk_settings(unit).notify_when_ahead
    for ticket in asking[:50]:
        ahead, minutes = selectors.ticket_wait(ticket, at=at)
        if ahead > limit:
            continue
        body = _(
            "%(unit)s: your queue number %(label)s (%(service)s) is nearly called: %(ahead)s people ahead of you. "
            "Please come to the waiting room."
        ) % {"unit": unit.name, "label": ticket.label, "service": ticket.service.name, "ahead": ahead}
        message_queue(actor=None, unit=unit, channel=ticket.notify_channel, recipient=ticket.notify_to, body=body,
                      subject=_("Nearly your turn: %(label)s") % {"label": ticket.label},
                      reference=f"ticket:{ticket.code}")  # fmt: skip
        QueueTicket.objects.filter(pk=ticket.pk).update(notified_at=at)
