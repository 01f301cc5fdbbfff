"""The counter's actions: open, pause, close, next (never the same ticket twice), recall, start,
finish, no-show, call back, transfer."""

from __future__ import annotations

from datetime import datetime

from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.organizations.permissions import require
from satuatap.organizations.selectors import calendar_for
from satuatap.servicedesk.catalogue.selectors import desk_settings
from satuatap.servicedesk.errors import QueueRefused
from satuatap.servicedesk.models import (
    Counter,
    CounterStatus,
    LineKind,
    NoShowRule,
    Outcome,
    QueueTicket,
    Service,
    TicketEvent,
    TicketEventKind,
    TicketStatus,
)
from satuatap.servicedesk.queue import selectors
from satuatap.servicedesk.queue.services.common import NEXT_TRIES, SERVE, ticket_event
from satuatap.servicedesk.queue.services.tickets import notify_near

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
    ticket_event(ticket, TicketEventKind.CALLED, at, counter, actor)
    QueueTicket.objects.filter(line=ticket.line, day=day, status=TicketStatus.NO_SHOW).update(
        calls_since_no_show=F("calls_since_no_show") + 1
    )
    notify_near(counter.unit, at)
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
    ticket_event(ticket, TicketEventKind.RECALLED, at, counter, actor)
    return ticket


def _no_show(ticket: QueueTicket, counter: Counter, actor, at: datetime) -> QueueTicket:
    ticket.status = TicketStatus.NO_SHOW
    ticket.no_show_at = at
    ticket.calls_since_no_show = 0
    ticket.save(update_fields=["status", "no_show_at", "calls_since_no_show"])
    ticket_event(ticket, TicketEventKind.NO_SHOW, at, counter, actor)
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
    ticket_event(ticket, TicketEventKind.RETURNED, at, counter, actor)
    ticket_event(ticket, TicketEventKind.CALLED, at, counter, actor)
    return ticket


@transaction.atomic
def counter_start(*, actor, counter: Counter, at: datetime | None = None) -> QueueTicket:
    at = at or timezone.now()
    counter = _acting(actor, counter)
    ticket = _current_or_refuse(counter, (TicketStatus.CALLED,))
    ticket.status, ticket.started_at = TicketStatus.SERVING, at
    ticket.save(update_fields=["status", "started_at"])
    ticket_event(ticket, TicketEventKind.STARTED, at, counter, actor)
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
    ticket_event(ticket, TicketEventKind.FINISHED, at, counter, actor, note=outcome)
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
    ticket_event(ticket, TicketEventKind.TRANSFERRED, at, counter, actor, note=note)
    return ticket
