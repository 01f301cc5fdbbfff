"""Reads of the walk-in queue: lines and counters of a unit (scoped for staff), where a ticket
stands, what a counter has in hand and waiting, and the display board's feed (public)."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.organizations.models import Unit
from satuatap.organizations.selectors import calendar_for, scoped
from satuatap.servicedesk.catalogue.selectors import standard_in_force
from satuatap.servicedesk.models import (
    Counter,
    CounterStatus,
    LineKind,
    QueueLine,
    QueueTicket,
    Service,
    TicketEvent,
    TicketEventKind,
    TicketStatus,
)

VIEW = "servicedesk.view"
# Minutes one person takes at a counter when neither today's tickets nor the standard say.
DEFAULT_SERVICE_MINUTES = 10
# Events the display board announces.
CALL_KINDS = (TicketEventKind.CALLED, TicketEventKind.RECALLED)

__all__ = [
    "DEFAULT_SERVICE_MINUTES",
    "appointment_line",
    "counter_current",
    "counter_for",
    "counters_for",
    "counters_of",
    "display_state",
    "line_of_service",
    "lines_of",
    "no_shows_recallable",
    "spoken_call",
    "kiosk_services",
    "number_words",
    "office_status",
    "ticket_by_code",
    "ticket_status_line",
    "ticket_wait",
    "tickets_for",
    "today_of",
    "waiting_for_counter",
]


def today_of(unit: Unit, at: datetime | None = None) -> date:
    return timezone.localtime(at or timezone.now(), unit.tzinfo).date()


# --- staff, scoped -------------------------------------------------------------------------------


def counters_for(user) -> QuerySet[Counter]:
    return scoped(Counter.objects.select_related("unit", "officer"), user, VIEW).order_by("unit__path", "number")


def counter_for(user, pk) -> Counter:
    """A counter the user may see; 404 otherwise."""
    try:
        return counters_for(user).get(pk=pk)
    except (Counter.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def tickets_for(user) -> QuerySet[QueueTicket]:
    return scoped(QueueTicket.objects.select_related("line", "service", "counter"), user, VIEW)


def lines_of(unit: Unit, *, active: bool | None = None) -> QuerySet[QueueLine]:
    lines = QueueLine.objects.filter(unit=unit).prefetch_related("services")
    if active is not None:
        lines = lines.filter(is_active=active)
    return lines.order_by("position", "prefix")


def counters_of(unit: Unit, *, active: bool | None = None) -> QuerySet[Counter]:
    counters = Counter.objects.filter(unit=unit).select_related("officer").prefetch_related("services")
    if active is not None:
        counters = counters.filter(is_active=active)
    return counters.order_by("number")


# --- lines and tickets -------------------------------------------------------------------------------


def line_of_service(unit: Unit, service: Service) -> QueueLine | None:
    """The active walk-in line serving ``service`` at ``unit``."""
    return QueueLine.objects.filter(unit=unit, kind=LineKind.WALK_IN, is_active=True, services=service).first()


def appointment_line(unit: Unit) -> QueueLine | None:
    return QueueLine.objects.filter(unit=unit, kind=LineKind.APPOINTMENT, is_active=True).first()


def ticket_by_code(code: str) -> QueueTicket | None:
    from satuatap.core.tracking import code_clean

    clean = code_clean(code)
    if not clean:
        return None
    return QueueTicket.objects.select_related("line", "service", "unit", "counter").filter(code=clean).first()


def _service_minutes(ticket: QueueTicket) -> float:
    """Median minutes at the counter of the line's tickets finished today, else the standard's."""
    rows = QueueTicket.objects.filter(
        line_id=ticket.line_id, day=ticket.day, status=TicketStatus.DONE, started_at__isnull=False
    ).values_list("started_at", "finished_at")[:200]
    spans = [(end - start).total_seconds() / 60 for start, end in rows if end and start and end >= start]
    if spans:
        return max(statistics.median(spans), 1.0)
    standard = standard_in_force(ticket.service, on=ticket.day)
    if standard is not None and standard.service_minutes:
        return float(standard.service_minutes)
    return float(DEFAULT_SERVICE_MINUTES)


def ticket_wait(ticket: QueueTicket, *, at: datetime | None = None) -> tuple[int, int]:
    """(people ahead, minutes to expect) of a waiting ticket: those on its line who wait since
    earlier, served by the open counters of its service."""
    if ticket.status != TicketStatus.WAITING:
        return 0, 0
    ahead = (
        QueueTicket.objects.filter(line_id=ticket.line_id, day=ticket.day, status=TicketStatus.WAITING)
        .filter(Q(wait_from__lt=ticket.wait_from) | Q(wait_from=ticket.wait_from, pk__lt=ticket.pk))
        .count()
    )
    counters = Counter.objects.filter(
        unit_id=ticket.unit_id, is_active=True, status=CounterStatus.OPEN, services=ticket.service_id
    ).count()
    minutes = math.ceil((ahead + 0.5) * _service_minutes(ticket) / max(counters, 1)) if ahead else 0
    return ahead, minutes


# --- the counter ---------------------------------------------------------------------------------


def counter_current(counter: Counter) -> QueueTicket | None:
    """The ticket at the counter: called or being served."""
    return (
        QueueTicket.objects.select_related("line", "service", "unit", "appointment")
        .filter(counter=counter, status__in=(TicketStatus.CALLED, TicketStatus.SERVING))
        .order_by("-called_at")
        .first()
    )


def waiting_for_counter(counter: Counter, at: datetime | None = None) -> list[dict]:
    """The tickets waiting for each service of the counter today: [{service, tickets}]."""
    day = today_of(counter.unit, at)
    services = list(counter.services.all().order_by("position", "name"))
    waiting = list(
        QueueTicket.objects.filter(unit_id=counter.unit_id, day=day, status=TicketStatus.WAITING,
                                   service__in=services)
        .filter(Q(for_counter__isnull=True) | Q(for_counter=counter))
        .select_related("line")
        .order_by("wait_from", "id")[:300]
    )  # fmt: skip
    return [{"service": s, "tickets": [t for t in waiting if t.service_id == s.pk]} for s in services]


def no_shows_recallable(counter: Counter, at: datetime | None = None) -> list[QueueTicket]:
    from satuatap.servicedesk.catalogue.selectors import desk_settings
    from satuatap.servicedesk.models import NoShowRule

    settings = desk_settings(counter.unit)
    if settings.no_show_rule != NoShowRule.RECALLABLE:
        return []
    return list(
        QueueTicket.objects.filter(
            unit_id=counter.unit_id,
            day=today_of(counter.unit, at),
            status=TicketStatus.NO_SHOW,
            service__in=counter.services.all(),
            calls_since_no_show__lt=settings.no_show_recall_calls,
        )
        .select_related("line")
        .order_by("-no_show_at")[:10]
    )


# --- the display board --------------------------------------------------------------------------------

_ONES = ["", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan", "sepuluh", "sebelas"]


def number_words(n: int) -> str:
    """1–999 in Indonesian words ("dua belas", "seratus lima"), for the spoken call."""
    if n < 12:
        return _ONES[n] if n > 0 else "nol"
    if n < 20:
        return f"{_ONES[n - 10]} belas"
    if n < 100:
        tens, rest = divmod(n, 10)
        return f"{_ONES[tens]} puluh" + (f" {_ONES[rest]}" if rest else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        head = "seratus" if hundreds == 1 else f"{_ONES[hundreds]} ratus"
        return head + (f" {number_words(rest)}" if rest else "")
    return str(n)


def spoken_call(prefix: str, number: int, counter_number: int) -> str:
    """What the board says, always in Indonesian: "Nomor antrean A dua belas, silakan ke loket tiga"."""
    letters = " ".join(prefix)
    return f"Nomor antrean {letters} {number_words(number)}, silakan ke loket {number_words(counter_number)}"


@dataclass
class DisplayState:
    last_id: int
    calls: list[dict] = field(default_factory=list)
    counters: list[dict] = field(default_factory=list)
    lines: list[dict] = field(default_factory=list)


def _call_out(event: TicketEvent) -> dict:
    ticket = event.ticket
    number = event.counter.number if event.counter else 0
    return {
        "id": event.pk,
        "kind": event.kind,
        "label": ticket.label,
        "service": ticket.service.name,
        "counter": number,
        "at": event.at,
        "say": spoken_call(ticket.line.prefix, ticket.number, number),
    }


def display_state(unit: Unit, *, after: int | None = None, at: datetime | None = None) -> DisplayState:
    """The board of ``unit``: the calls after event ``after`` (the last ten when None), the last
    call of each open counter and the waiting count of each line today."""
    day = today_of(unit, at)
    start = datetime.combine(day, time.min, tzinfo=unit.tzinfo)
    events = TicketEvent.objects.filter(unit=unit, kind__in=CALL_KINDS, at__gte=start).select_related(
        "ticket__line", "ticket__service", "counter"
    )
    last = TicketEvent.objects.filter(unit=unit).order_by("-id").values_list("pk", flat=True).first() or 0
    if after is not None and after >= 0:
        new = list(events.filter(pk__gt=after).order_by("id")[:20])
    else:
        new = list(reversed(events.order_by("-id")[:10]))
    calls = [_call_out(e) for e in new if timezone.localtime(e.at, unit.tzinfo).date() == day]
    counters = []
    for counter in counters_of(unit, active=True):
        event = events.filter(counter=counter).order_by("-id").first()
        shown = event if event and timezone.localtime(event.at, unit.tzinfo).date() == day else None
        counters.append({
            "number": counter.number,
            "name": str(counter),
            "status": counter.status,
            "status_label": counter.get_status_display(),
            "label": shown.ticket.label if shown else "",
            "service": shown.ticket.service.name if shown else "",
        })  # fmt: skip
    waiting = dict(
        QueueTicket.objects.filter(unit=unit, day=day, status=TicketStatus.WAITING)
        .values("line_id")
        .annotate(n=Count("id"))
        .values_list("line_id", "n")
    )
    lines = [
        {"prefix": line.prefix, "name": line.name, "waiting": waiting.get(line.pk, 0)}
        for line in lines_of(unit, active=True)
    ]
    return DisplayState(last_id=last, calls=calls, counters=counters, lines=lines)


def kiosk_services(unit: Unit) -> list[dict]:
    """The services a kiosk offers: those served by an active walk-in line, with its letter and
    the people waiting on it today."""
    day = today_of(unit)
    rows = []
    for line in lines_of(unit, active=True).filter(kind=LineKind.WALK_IN):
        waiting = QueueTicket.objects.filter(line=line, day=day, status=TicketStatus.WAITING).count()
        for service in line.services.all():
            if service.is_active and service.needs_queue:
                rows.append({"service": service, "line": line, "waiting": waiting})
    return rows


def office_status(unit: Unit, at: datetime | None = None) -> dict:
    calendar = calendar_for(unit)
    open_now = calendar.is_open(at)
    return {"open": open_now, "next": None if open_now else calendar.next_opening(at),
            "closes": calendar.closing_after(at) if open_now else None}  # fmt: skip


def ticket_status_line(ticket: QueueTicket) -> str:
    """What a ticket's holder should do now, in a sentence."""
    if ticket.status == TicketStatus.WAITING:
        return _("Please wait: you will be called on the display board.")
    if ticket.status == TicketStatus.CALLED:
        return _("Your number is called: please go to counter %(number)s now.") % {
            "number": ticket.counter.number if ticket.counter else "?"
        }
    if ticket.status == TicketStatus.SERVING:
        return _("You are being served.")
    if ticket.status == TicketStatus.DONE:
        return _("Your service is finished. Thank you.")
    if ticket.status == TicketStatus.NO_SHOW:
        return _("You were called but did not come. Please ask at the information desk.")
    return _("This ticket is no longer valid.")
