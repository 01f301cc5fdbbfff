"""Every write of the walk-in queue: lines and counters, taking a ticket (kiosk, phone, booking
check-in), the counter's actions and the "nearly your turn" message.

Numbers are gapless per line and day: the taker raises ``LineDay.last_number`` with one atomic
``UPDATE`` (on PostgreSQL that row stays locked until the ticket is saved, so a refused or failed
take rolls the number back; on SQLite the write lock does the same). A counter's "next" picks its
candidate with ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL and always claims it with a
conditional update (``status = waiting``), retried on the next candidate when another counter was
quicker: a ticket is never called twice.

Tickets are many: their trail is ``TicketEvent`` (also the display board's feed), not the audit log.
Lines and counters are configuration: ``QUEUE_CONFIGURED`` in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record
from satuatap.core.errors import Refusals
from satuatap.core.tracking import code_clean, code_unique
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import require
from satuatap.organizations.selectors import calendar_for
from satuatap.outbox.models import MessageChannel
from satuatap.outbox.services import message_queue
from satuatap.servicedesk.catalogue.selectors import desk_settings
from satuatap.servicedesk.errors import QueueRefused
from satuatap.servicedesk.models import (
    Appointment,
    AppointmentStatus,
    Counter,
    CounterStatus,
    LineDay,
    LineKind,
    NoShowRule,
    Outcome,
    Priority,
    QueueLine,
    QueueTicket,
    Service,
    TicketEvent,
    TicketEventKind,
    TicketSource,
    TicketStatus,
)
from satuatap.servicedesk.queue import selectors

CONFIGURE = "servicedesk.configure"
SERVE = "servicedesk.serve"
# How many candidates "next" tries when other counters keep taking them first.
NEXT_TRIES = 20

__all__ = [
    "Taken",
    "counter_call_back",
    "counter_close",
    "counter_finish",
    "counter_next",
    "counter_no_show",
    "counter_open",
    "counter_pause",
    "counter_recall",
    "counter_save",
    "counter_start",
    "counter_transfer",
    "line_save",
    "ticket_check_in",
    "ticket_notify",
    "ticket_take",
]


@dataclass
class Taken:
    """A ticket just taken: where it stands (people ahead, minutes of waiting to expect)."""

    ticket: QueueTicket
    ahead: int
    wait_minutes: int
    # A booking checked in too late: the ticket is a walk-in one.
    late: bool = False


def _when(unit: Unit, moment: datetime | None) -> str:
    if moment is None:
        return _("when the office sets its hours")
    local = timezone.localtime(moment, unit.tzinfo)
    today = timezone.localtime(timezone.now(), unit.tzinfo).date()
    if local.date() == today:
        return _("today at %(time)s") % {"time": local.strftime("%H:%M")}
    return _("%(day)s at %(time)s") % {"day": date_format(local.date(), "l, j F Y"), "time": local.strftime("%H:%M")}


def _event(ticket: QueueTicket, kind: str, at: datetime, counter: Counter | None = None, officer=None,
           note: str = "") -> TicketEvent:  # fmt: skip
    return TicketEvent.objects.create(
        ticket=ticket, unit_id=ticket.unit_id, kind=kind, at=at, counter=counter, officer=officer, note=note[:300]
    )


# --- set-up -----------------------------------------------------------------------------------------


def _unit_services(unit: Unit, services) -> list[Service]:
    chosen = list(services or [])
    foreign = [s for s in chosen if s.unit_id != unit.pk]
    if foreign:
        raise QueueRefused(_("Choose services of this office."), field="services")
    return chosen


@transaction.atomic
def line_save(*, actor, unit: Unit, prefix: str, name: str, kind: str = LineKind.WALK_IN, services=(),
              position: int = 0, is_active: bool = True, line: QueueLine | None = None) -> QueueLine:  # fmt: skip
    """Create or change a queue line of ``unit``: its letter, name, kind and the services it serves.
    A service is served by one active walk-in line; a unit has one appointment line."""
    require(actor, CONFIGURE, unit)
    prefix = (prefix or "").strip().upper()
    name = (name or "").strip()
    refusals = Refusals()
    with refusals.check():
        if not (prefix.isascii() and prefix.isalpha() and 1 <= len(prefix) <= 2):
            raise QueueRefused(_("Use one or two capital letters (A, B, AB)."), field="prefix")
        clash = QueueLine.objects.filter(unit=unit, prefix=prefix).exclude(pk=line.pk if line else 0)
        if clash.exists():
            raise QueueRefused(_("Another line of this office has this letter."), field="prefix")
    with refusals.check():
        if not name:
            raise QueueRefused(_("Give the line a name."), field="name")
    with refusals.check():
        if kind not in LineKind.values:
            raise QueueRefused(_("Choose walk-in or appointments."), field="kind")
    chosen: list[Service] = []
    with refusals.check():
        chosen = _unit_services(unit, services)
        if kind == LineKind.WALK_IN and is_active:
            if not chosen:
                raise QueueRefused(_("Choose the services this line serves."), field="services")
            others = QueueLine.objects.filter(unit=unit, kind=LineKind.WALK_IN, is_active=True,
                                              services__in=chosen).exclude(pk=line.pk if line else 0)  # fmt: skip
            taken = sorted({s.code for other in others for s in other.services.all() if s in chosen})
            if taken:
                raise QueueRefused(
                    _("Already served by another line: %(codes)s.") % {"codes": ", ".join(taken)}, field="services"
                )
    with refusals.check():
        if kind == LineKind.APPOINTMENT and is_active:
            others = QueueLine.objects.filter(unit=unit, kind=LineKind.APPOINTMENT, is_active=True)
            if others.exclude(pk=line.pk if line else 0).exists():
                raise QueueRefused(_("This office already has an appointment line."), field="kind")
    refusals.raise_any(QueueRefused)
    created = line is None
    if line is None:
        line = QueueLine(unit=unit)
    line.prefix, line.name, line.kind, line.position, line.is_active = prefix, name, kind, position, is_active
    line.save()
    line.services.set(chosen)
    audit_record(
        actor=actor,
        action=AuditAction.QUEUE_CONFIGURED,
        target=line,
        unit=unit,
        changes={"line": prefix, "name": name, "kind": kind, "services": [s.code for s in chosen],
                 "active": is_active, "created": created},
    )  # fmt: skip
    return line


@transaction.atomic
def counter_save(*, actor, unit: Unit, number: int, name: str = "", services=(), is_active: bool = True,
                 counter: Counter | None = None) -> Counter:  # fmt: skip
    """Create or change a counter (loket) of ``unit`` and the services it serves."""
    require(actor, CONFIGURE, unit)
    refusals = Refusals()
    with refusals.check():
        if not isinstance(number, int) or not 1 <= number <= 999:
            raise QueueRefused(_("Give the counter a number from 1 to 999."), field="number")
        if Counter.objects.filter(unit=unit, number=number).exclude(pk=counter.pk if counter else 0).exists():
            raise QueueRefused(_("Another counter of this office has this number."), field="number")
    chosen: list[Service] = []
    with refusals.check():
        chosen = _unit_services(unit, services)
        if is_active and not chosen:
            raise QueueRefused(_("Choose the services this counter serves."), field="services")
    refusals.raise_any(QueueRefused)
    created = counter is None
    if counter is None:
        counter = Counter(unit=unit)
    counter.number, counter.name, counter.is_active = number, (name or "").strip()[:100], is_active
    if not is_active:
        counter.status, counter.officer = CounterStatus.CLOSED, None
    counter.save()
    counter.services.set(chosen)
    audit_record(
        actor=actor,
        action=AuditAction.QUEUE_CONFIGURED,
        target=counter,
        unit=unit,
        changes={"counter": number, "services": [s.code for s in chosen], "active": is_active, "created": created},
    )
    return counter


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
    _event(ticket, TicketEventKind.TAKEN, at, note=source)
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
            _("The office is closed now. It opens %(when)s.") % {"when": _when(unit, calendar.next_opening(at))}
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
                % {"when": _when(unit, calendar.next_opening(tomorrow))},
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
        raise QueueRefused(
            _("It is too early to check in. Check in from %(when)s.") % {"when": _when(unit, earliest)}, field="code"
        )
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
    _notify_near(ticket.unit, at or timezone.now(), only=[ticket.pk])
    ticket.refresh_from_db()
    return ticket


def _notify_near(unit: Unit, at: datetime, only: list[int] | None = None) -> None:
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


# --- the counter ------------------------------------------------------------------------------------


def _acting(actor, counter: Counter) -> Counter:
    require(actor, SERVE, counter.unit)
    locked = Counter.objects.select_for_update().select_related("unit").get(pk=counter.pk)
    if not locked.is_active:
        raise QueueRefused(_("This counter is no longer in use."))
    return locked


def _set_status(counter: Counter, status: str, actor, at: datetime) -> Counter:
    counter.status = status
    counter.officer = actor if status != CounterStatus.CLOSED else None
    counter.status_since = at
    counter.save(update_fields=["status", "officer", "status_since"])
    return counter


def _current_or_refuse(counter: Counter, statuses=(TicketStatus.CALLED, TicketStatus.SERVING)) -> QueueTicket:
    ticket = selectors.counter_current(counter)
    if ticket is None or ticket.status not in statuses:
        if ticket is None:
            raise QueueRefused(_("No ticket is at this counter now. Call the next one first."))
        raise QueueRefused(_("The ticket at this counter is being served: finish it first."))
    return ticket


@transaction.atomic
def counter_open(*, actor, counter: Counter, at: datetime | None = None) -> Counter:
    counter = _acting(actor, counter)
    return _set_status(counter, CounterStatus.OPEN, actor, at or timezone.now())


@transaction.atomic
def counter_pause(*, actor, counter: Counter, at: datetime | None = None) -> Counter:
    counter = _acting(actor, counter)
    if selectors.counter_current(counter) is not None:
        raise QueueRefused(_("Finish the ticket at this counter (or mark it a no-show) first."))
    return _set_status(counter, CounterStatus.PAUSED, actor, at or timezone.now())


@transaction.atomic
def counter_close(*, actor, counter: Counter, at: datetime | None = None) -> Counter:
    counter = _acting(actor, counter)
    if selectors.counter_current(counter) is not None:
        raise QueueRefused(_("Finish the ticket at this counter (or mark it a no-show) first."))
    return _set_status(counter, CounterStatus.CLOSED, actor, at or timezone.now())


def _priority_due(counter: Counter, day, every: int) -> bool:
    """Whether the last ``every`` walk-in calls of the office today were all of tickets without
    priority: then a waiting priority ticket goes first."""
    recent = list(
        TicketEvent.objects.filter(
            unit_id=counter.unit_id, kind=TicketEventKind.CALLED, ticket__day=day, ticket__line__kind=LineKind.WALK_IN
        )
        .order_by("-id")
        .values_list("ticket__priority", flat=True)[: max(every, 1)]
    )
    return len(recent) >= every and all(not p for p in recent)


def _candidates(counter: Counter, day, at: datetime) -> list[QuerySet[QueueTicket]]:
    """The groups of tickets "next" draws from, in order, each ordered fairly."""
    services = list(counter.services.values_list("pk", flat=True))
    waiting = QueueTicket.objects.filter(unit_id=counter.unit_id, day=day, status=TicketStatus.WAITING)
    transferred = waiting.filter(for_counter=counter).order_by("wait_from", "id")
    mine = waiting.filter(service_id__in=services).filter(Q(for_counter__isnull=True) | Q(for_counter=counter))
    booked = mine.filter(line__kind=LineKind.APPOINTMENT, wait_from__lte=at).order_by("wait_from", "id")
    walk_in = mine.filter(line__kind=LineKind.WALK_IN)
    groups = [transferred, booked]
    if _priority_due(counter, day, desk_settings(counter.unit).priority_every):
        groups.append(walk_in.exclude(priority="").order_by("wait_from", "id"))
    groups.append(walk_in.order_by("wait_from", "id"))
    # Booked tickets checked in early wait for their slot, unless no one else waits.
    groups.append(mine.filter(line__kind=LineKind.APPOINTMENT).order_by("wait_from", "id"))
    return groups


def _claim(counter: Counter, actor, day, at: datetime) -> QueueTicket | None:
    for _try in range(NEXT_TRIES):
        for group in _candidates(counter, day, at):
            if connection.vendor == "postgresql":
                group = group.select_for_update(skip_locked=True, of=("self",))
            candidate = group.values_list("pk", flat=True).first()
            if candidate is None:
                continue
            claimed = QueueTicket.objects.filter(pk=candidate, status=TicketStatus.WAITING).update(
                status=TicketStatus.CALLED, counter=counter, officer=actor, called_at=at, calls=1, for_counter=None
            )
            if claimed:
                return QueueTicket.objects.select_related("line", "service", "unit").get(pk=candidate)
            break  # another counter was quicker: look again from the first group
        else:
            return None
    return None


@transaction.atomic
def counter_next(*, actor, counter: Counter, at: datetime | None = None) -> QueueTicket:
    """Call the next ticket to ``counter``: those transferred to it first, then booked tickets whose
    slot has come (by slot), then walk-ins by waiting time, a priority ticket at least every
    ``priority_every`` calls. Two counters calling at once never get the same ticket."""
    at = at or timezone.now()
    counter = _acting(actor, counter)
    if counter.status != CounterStatus.OPEN:
        raise QueueRefused(_("Open the counter first."))
    current = selectors.counter_current(counter)
    if current is not None:
        raise QueueRefused(
            _("Ticket %(label)s is still at this counter: finish it or mark it a no-show first.")
            % {"label": current.label}
        )
    day = calendar_for(counter.unit).local(at).date()
    ticket = _claim(counter, actor, day, at)
    if ticket is None:
        raise QueueRefused(_("No one is waiting for the services of this counter."))
    if counter.officer_id != getattr(actor, "pk", None):
        Counter.objects.filter(pk=counter.pk).update(officer=actor)
    _event(ticket, TicketEventKind.CALLED, at, counter, actor)
    QueueTicket.objects.filter(line=ticket.line, day=day, status=TicketStatus.NO_SHOW).update(
        calls_since_no_show=F("calls_since_no_show") + 1
    )
    _notify_near(counter.unit, at)
    return ticket


@transaction.atomic
def counter_recall(*, actor, counter: Counter, at: datetime | None = None) -> QueueTicket:
    """Call the ticket at the counter again; after ``recalls_before_no_show`` recalls, one more
    press marks it a no-show."""
    at = at or timezone.now()
    counter = _acting(actor, counter)
    ticket = _current_or_refuse(counter, (TicketStatus.CALLED,))
    if ticket.calls - 1 >= desk_settings(counter.unit).recalls_before_no_show:
        return _no_show(ticket, counter, actor, at)
    ticket.calls += 1
    ticket.called_at = at
    ticket.save(update_fields=["calls", "called_at"])
    _event(ticket, TicketEventKind.RECALLED, at, counter, actor)
    return ticket


def _no_show(ticket: QueueTicket, counter: Counter, actor, at: datetime) -> QueueTicket:
    ticket.status = TicketStatus.NO_SHOW
    ticket.no_show_at = at
    ticket.calls_since_no_show = 0
    ticket.save(update_fields=["status", "no_show_at", "calls_since_no_show"])
    _event(ticket, TicketEventKind.NO_SHOW, at, counter, actor)
    return ticket


@transaction.atomic
def counter_no_show(*, actor, counter: Counter, at: datetime | None = None) -> QueueTicket:
    counter = _acting(actor, counter)
    ticket = _current_or_refuse(counter, (TicketStatus.CALLED,))
    return _no_show(ticket, counter, actor, at or timezone.now())


@transaction.atomic
def counter_call_back(*, actor, counter: Counter, ticket: QueueTicket, at: datetime | None = None) -> QueueTicket:
    """Call a no-show again who came back: only where the office's rule lets a no-show return,
    within ``no_show_recall_calls`` later calls of its line."""
    at = at or timezone.now()
    counter = _acting(actor, counter)
    ticket = QueueTicket.objects.select_for_update().select_related("line", "service", "unit").get(pk=ticket.pk)
    settings = desk_settings(counter.unit)
    if ticket.unit_id != counter.unit_id or ticket.status != TicketStatus.NO_SHOW:
        raise QueueRefused(_("This ticket is not a no-show of this office."))
    if settings.no_show_rule == NoShowRule.FINAL:
        raise QueueRefused(_("A no-show is final at this office: a new ticket is needed."))
    if ticket.calls_since_no_show >= settings.no_show_recall_calls:
        raise QueueRefused(_("Too many people were called since this no-show: a new ticket is needed."))
    if counter.status != CounterStatus.OPEN:
        raise QueueRefused(_("Open the counter first."))
    if selectors.counter_current(counter) is not None:
        raise QueueRefused(_("Finish the ticket at this counter (or mark it a no-show) first."))
    ticket.status, ticket.counter, ticket.officer = TicketStatus.CALLED, counter, actor
    ticket.called_at, ticket.calls = at, 1
    ticket.save(update_fields=["status", "counter", "officer", "called_at", "calls"])
    _event(ticket, TicketEventKind.RETURNED, at, counter, actor)
    _event(ticket, TicketEventKind.CALLED, at, counter, actor)
    return ticket


@transaction.atomic
def counter_start(*, actor, counter: Counter, at: datetime | None = None) -> QueueTicket:
    at = at or timezone.now()
    counter = _acting(actor, counter)
    ticket = _current_or_refuse(counter, (TicketStatus.CALLED,))
    ticket.status, ticket.started_at = TicketStatus.SERVING, at
    ticket.save(update_fields=["status", "started_at"])
    _event(ticket, TicketEventKind.STARTED, at, counter, actor)
    return ticket


@transaction.atomic
def counter_finish(*, actor, counter: Counter, outcome: str = Outcome.SERVED, note: str = "",
                   at: datetime | None = None) -> QueueTicket:  # fmt: skip
    at = at or timezone.now()
    counter = _acting(actor, counter)
    if outcome not in Outcome.values:
        raise QueueRefused(_("Choose how the service ended."), field="outcome")
    ticket = _current_or_refuse(counter)
    ticket.status, ticket.finished_at = TicketStatus.DONE, at
    ticket.started_at = ticket.started_at or at
    ticket.outcome, ticket.outcome_note = outcome, (note or "").strip()[:300]
    ticket.save(update_fields=["status", "finished_at", "started_at", "outcome", "outcome_note"])
    _event(ticket, TicketEventKind.FINISHED, at, counter, actor, note=outcome)
    return ticket


@transaction.atomic
def counter_transfer(*, actor, counter: Counter, to_service: Service | None = None, to_counter: Counter | None = None,
                     at: datetime | None = None) -> QueueTicket:  # fmt: skip
    """Send the ticket at the counter to another service or counter. It waits again with its
    original waiting time, so it comes before those who came after it."""
    at = at or timezone.now()
    counter = _acting(actor, counter)
    ticket = _current_or_refuse(counter)
    if to_service is None and to_counter is None:
        raise QueueRefused(_("Choose a service or a counter to send the ticket to."), field="to_service")
    service = to_service or ticket.service
    if (
        service.unit_id != counter.unit_id
        or not service.is_active
        or (to_service is not None and selectors.line_of_service(counter.unit, service) is None)
    ):
        raise QueueRefused(_("This service is not served at the queue here."), field="to_service")
    if to_counter is not None:
        if to_counter.unit_id != counter.unit_id or not to_counter.is_active:
            raise QueueRefused(_("Choose a counter of this office."), field="to_counter")
        if not to_counter.services.filter(pk=service.pk).exists():
            raise QueueRefused(
                _("Counter %(number)s does not serve %(service)s.") % {"number": to_counter.number,
                                                                        "service": service.name},
                field="to_counter",
            )  # fmt: skip
    elif not Counter.objects.filter(unit_id=counter.unit_id, is_active=True, services=service).exists():
        raise QueueRefused(_("No counter of this office serves this service."), field="to_service")
    before = ticket.service.code
    ticket.service = service
    ticket.for_counter = to_counter
    ticket.status, ticket.counter, ticket.officer = TicketStatus.WAITING, None, None
    ticket.called_at, ticket.started_at, ticket.calls = None, None, 0
    ticket.save(update_fields=["service", "for_counter", "status", "counter", "officer", "called_at", "started_at",
                               "calls"])  # fmt: skip
    note = f"{before}→{service.code}" + (f" @{to_counter.number}" if to_counter else "")
    _event(ticket, TicketEventKind.TRANSFERRED, at, counter, actor, note=note)
    return ticket
