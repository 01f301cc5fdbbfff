"""The queue over the REST API (mounted at /api/v1/servicedesk).

Public (no token, limited per address): take a ticket, check a booking in, a ticket's status, the
display board's feed. Staff (scoped to the units where the user holds ``servicedesk.view``; another
unit's counter answers 404): the counters, one counter with its ticket, the counter's actions
(``servicedesk.serve``: 403 without it), the tickets of a unit and day. Refusals of the queue (office
closed, quota full, nothing waiting, a counter not serving a service) are the API's one error shape.
"""

from datetime import date, datetime
from typing import Literal

from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from satuatap.api.pagination import LimitOffsetPagination, paginate
from satuatap.api.schemas import ErrorOut
from satuatap.api.scoping import acting_unit
from satuatap.core.throttle import throttle_hit
from satuatap.organizations.permissions import require
from satuatap.organizations.selectors import unit_for, unit_public
from satuatap.servicedesk.errors import QueueRefused
from satuatap.servicedesk.models import Counter, CounterStatus, Priority, QueueTicket, Service, TicketSource
from satuatap.servicedesk.queue import selectors
from satuatap.servicedesk.queue import services as queue
from satuatap.servicedesk.queue.views import FEED_RATE, TAKE_RATE, TICKET_RATE

router = Router(tags=["servicedesk-queue"])

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
PUBLIC_ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}


# --- schemas ----------------------------------------------------------------------------------------


class TicketOut(Schema):
    code: str = Field(description="The ticket's code: its status is at GET /public/tickets/{code}.")
    label: str = Field(description="The number people see, e.g. A-012.")
    line: str
    service_code: str
    service: str
    status: str
    priority: str
    taken_at: datetime
    wait_from: datetime = Field(description="When the fair wait began (the slot, for a booking).")
    counter: int | None = Field(description="The counter it is called to, while called or served.")
    ahead: int = Field(description="People ahead on its line (0 once called).")
    wait_minutes: int = Field(description="Minutes to expect (an estimate).")
    message: str = Field(description="What the holder should do now.")
    status_url: str


class TakenOut(TicketOut):
    late: bool = Field(description="A booking checked in too late: a walk-in ticket instead.")


class TakeIn(Schema):
    service: str = Field(max_length=10, description="The service's code (GET /public/units/{inst}/{unit}/services).")
    priority: Priority = Field(Priority.NONE, description="Elderly, disability or pregnant: called sooner.")
    notify_to: str = Field("", max_length=254, description="WhatsApp number or email to be told when nearly called.")


class CheckInIn(Schema):
    code: str = Field(max_length=40, description="The booking code.")


class CallOut(Schema):
    id: int
    kind: str
    label: str
    service: str
    counter: int
    at: datetime
    say: str = Field(description="The spoken call, in Indonesian.")


class BoardCounterOut(Schema):
    number: int
    name: str
    status: str
    status_label: str
    label: str = Field(description="The last ticket called there today ('' if none).")
    service: str


class BoardLineOut(Schema):
    prefix: str
    name: str
    waiting: int


class DisplayOut(Schema):
    last_id: int = Field(description="Send it back as `after` to get only newer calls.")
    calls: list[CallOut]
    counters: list[BoardCounterOut]
    lines: list[BoardLineOut]


class CounterOut(Schema):
    id: int
    unit_id: int
    number: int
    name: str
    status: str
    officer: str | None
    services: list[str] = Field(description="Codes of the services it serves.")
    is_active: bool
    current: TicketOut | None = None


class ActionIn(Schema):
    outcome: Literal["served", "request", "incomplete", "referred"] = Field("served", description="finish only.")
    note: str = Field("", max_length=300, description="finish only.")
    to_service_id: int | None = Field(None, description="transfer: the service to send the ticket to.")
    to_counter_id: int | None = Field(None, description="transfer: the counter to send the ticket to.")


class TicketFilter(Schema):
    unit_id: int | None = Field(None, description="Default: your first unit where you may see the desk.")
    day: date | None = Field(None, description="Default: today in the unit's time zone.")


# --- helpers ---------------------------------------------------------------------------------------


def _error(code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message, "fields": {}}}


def _throttled(wait: int) -> JsonResponse:
    message = _("Too many requests from your address. Try again in %(seconds)s seconds.") % {"seconds": wait}
    response = JsonResponse(_error("throttled", message), status=429)
    response["Retry-After"] = str(wait)
    return response


def _ticket_out(request, ticket: QueueTicket, late: bool = False) -> dict:
    ahead, minutes = selectors.ticket_wait(ticket)
    return {
        "code": ticket.code,
        "label": ticket.label,
        "line": ticket.line.prefix,
        "service_code": ticket.service.code,
        "service": ticket.service.name,
        "status": ticket.status,
        "priority": ticket.priority,
        "taken_at": ticket.taken_at,
        "wait_from": ticket.wait_from,
        "counter": ticket.counter.number if ticket.counter_id and ticket.counter else None,
        "ahead": ahead,
        "wait_minutes": minutes,
        "message": selectors.ticket_status_line(ticket),
        "status_url": request.build_absolute_uri(reverse("servicedesk:ticket", args=[ticket.code])),
        "late": late,
    }


def _counter_out(request, counter: Counter, with_current: bool = False) -> dict:
    current = selectors.counter_current(counter) if with_current else None
    return {
        "id": counter.pk,
        "unit_id": counter.unit_id,
        "number": counter.number,
        "name": str(counter),
        "status": counter.status,
        "officer": str(counter.officer) if counter.officer_id else None,
        "services": [s.code for s in counter.services.all()],
        "is_active": counter.is_active,
        "current": _ticket_out(request, current) if current else None,
    }


def _staff_token(request) -> Status | None:
    """A staff token on a public form is refused: staff take tickets at the counter's screen."""
    if request.headers.get("Authorization") or request.headers.get("X-API-Key"):
        message = _("This is the public kiosk. Staff serve the queue through /api/v1/servicedesk/counters.")
        return Status(403, _error("forbidden", message))
    return None


def _office(institution: str, unit: str):
    try:
        return unit_public(institution, unit)
    except Http404:
        return None


# --- public ---------------------------------------------------------------------------------------


@router.post(
    "/public/units/{institution}/{unit}/tickets",
    auth=None,
    response={201: TakenOut, **PUBLIC_ERRORS},
    summary="Take a queue ticket (no login)",
    description="Refused (400) while the office is closed, for a service not at the queue, and when the "
    "service's quota of the day is full. Limited per address (429 with `Retry-After`).",
    operation_id="satuatap_servicedesk_queue_api_take_ticket",
)
def take_ticket(request, institution: str, unit: str, payload: TakeIn):
    refused = _staff_token(request)
    if refused:
        return refused
    wait = throttle_hit(request, "queue-take", TAKE_RATE)
    if wait:
        return _throttled(wait)
    office = _office(institution, unit)
    if office is None:
        return Status(404, _error("not_found", _("No office has this address.")))
    service = Service.objects.filter(unit=office, code=payload.service.strip().upper()).first()
    if service is None:
        raise QueueRefused(_("This service is not served at the queue here."), field="service")
    taken = queue.ticket_take(unit=office, service=service, source=TicketSource.PHONE, priority=payload.priority,
                              notify_to=payload.notify_to)  # fmt: skip
    return Status(201, _ticket_out(request, taken.ticket))


@router.post(
    "/public/units/{institution}/{unit}/check-in",
    auth=None,
    response={201: TakenOut, **PUBLIC_ERRORS},
    summary="Check a booking in: a ticket on the appointment line (no login)",
    operation_id="satuatap_servicedesk_queue_api_check_in",
)
def check_in(request, institution: str, unit: str, payload: CheckInIn):
    refused = _staff_token(request)
    if refused:
        return refused
    wait = throttle_hit(request, "queue-take", TAKE_RATE)
    if wait:
        return _throttled(wait)
    office = _office(institution, unit)
    if office is None:
        return Status(404, _error("not_found", _("No office has this address.")))
    taken = queue.ticket_check_in(code=payload.code, unit=office)
    return Status(201, _ticket_out(request, taken.ticket, late=taken.late))


@router.get(
    "/public/tickets/{code}",
    auth=None,
    response={200: TicketOut, **PUBLIC_ERRORS},
    summary="A ticket's status and position (no login)",
    operation_id="satuatap_servicedesk_queue_api_ticket_status",
)
def ticket_status(request, code: str):
    wait = throttle_hit(request, "queue-ticket", TICKET_RATE)
    if wait:
        return _throttled(wait)
    found = selectors.ticket_by_code(code)
    if found is None:
        return Status(404, _error("not_found", _("No queue ticket has this code.")))
    return _ticket_out(request, found)


@router.get(
    "/public/units/{institution}/{unit}/display",
    auth=None,
    response={200: DisplayOut, **PUBLIC_ERRORS},
    summary="The display board's feed: calls after an event id (no login)",
    operation_id="satuatap_servicedesk_queue_api_display",
)
def display(request, institution: str, unit: str, after: int | None = Query(None, ge=0, le=2**62)):
    wait = throttle_hit(request, "queue-feed", FEED_RATE)
    if wait:
        return _throttled(wait)
    office = _office(institution, unit)
    if office is None:
        return Status(404, _error("not_found", _("No office has this address.")))
    state = selectors.display_state(office, after=after)
    return {"last_id": state.last_id, "calls": state.calls, "counters": state.counters, "lines": state.lines}


# --- staff ------------------------------------------------------------------------------------------


class CounterFilter(Schema):
    unit_id: int | None = Field(None, description="Counters of this unit's subtree.")
    status: CounterStatus | None = None


@router.get(
    "/counters",
    response={200: list[CounterOut], **ERRORS},
    summary="Counters of your units",
    operation_id="satuatap_servicedesk_queue_api_list_counters",
)
@paginate(LimitOffsetPagination)
def list_counters(request, filters: Query[CounterFilter]):
    counters = selectors.counters_for(request.user).prefetch_related("services")
    if filters.unit_id is not None:
        within = unit_for(request.user, filters.unit_id, capability=selectors.VIEW)
        counters = counters.filter(unit__path__startswith=within.path)
    if filters.status:
        counters = counters.filter(status=filters.status)
    return [_counter_out(request, c) for c in counters]


@router.get(
    "/counters/{int:counter_id}",
    response={200: CounterOut, **ERRORS},
    summary="A counter and the ticket at it",
    operation_id="satuatap_servicedesk_queue_api_get_counter",
)
def get_counter(request, counter_id: int):
    return _counter_out(request, selectors.counter_for(request.user, counter_id), with_current=True)


ACTIONS = ("open", "pause", "close", "next", "recall", "start", "finish", "no-show", "transfer")
ACTION_SUMMARIES = {
    "open": "Open the counter (you serve at it)",
    "pause": "Pause the counter",
    "close": "Close the counter",
    "next": "Call the next ticket (refused at a counter not open or with nothing waiting)",
    "recall": "Call the ticket at the counter again (after the office's number of recalls: a no-show)",
    "start": "Start serving the ticket called",
    "finish": "Finish the ticket with an outcome (`outcome`, `note`)",
    "no-show": "Mark the ticket called a no-show",
    "transfer": "Send the ticket to another service (`to_service_id`) or counter (`to_counter_id`); "
    "it keeps its waiting time",
}


def _act(request, counter_id: int, action: str, payload: ActionIn | None) -> dict:
    counter = selectors.counter_for(request.user, counter_id)
    require(request.user, queue.SERVE, counter.unit)
    payload = payload or ActionIn()
    simple = {
        "open": queue.counter_open,
        "pause": queue.counter_pause,
        "close": queue.counter_close,
        "next": queue.counter_next,
        "recall": queue.counter_recall,
        "start": queue.counter_start,
        "no-show": queue.counter_no_show,
    }
    if action in simple:
        simple[action](actor=request.user, counter=counter)
    elif action == "finish":
        queue.counter_finish(actor=request.user, counter=counter, outcome=payload.outcome, note=payload.note)
    else:
        to_service = None
        if payload.to_service_id is not None:
            to_service = Service.objects.filter(pk=payload.to_service_id, unit=counter.unit).first()
            if to_service is None:
                raise QueueRefused(_("This service is not served at the queue here."), field="to_service_id")
        to_counter = None
        if payload.to_counter_id is not None:
            to_counter = Counter.objects.filter(pk=payload.to_counter_id, unit=counter.unit).first()
            if to_counter is None:
                raise QueueRefused(_("Choose a counter of this office."), field="to_counter_id")
        queue.counter_transfer(actor=request.user, counter=counter, to_service=to_service, to_counter=to_counter)
    counter.refresh_from_db()
    return _counter_out(request, counter, with_current=True)


def _action_view(action: str):
    def view(request, counter_id: int, payload: ActionIn | None = None):
        return _act(request, counter_id, action, payload)

    view.__name__ = f"counter_{action.replace('-', '_')}"
    return view


for _action in ACTIONS:
    router.post(
        f"/counters/{{int:counter_id}}/{_action}",
        response={200: CounterOut, **ERRORS},
        summary=ACTION_SUMMARIES[_action],
        operation_id=f"satuatap_servicedesk_queue_api_counter_{_action.replace('-', '_')}",
    )(_action_view(_action))


@router.get(
    "/tickets",
    response={200: list[TicketOut], **ERRORS},
    summary="The tickets of a unit on a day",
    operation_id="satuatap_servicedesk_queue_api_list_tickets",
)
@paginate(LimitOffsetPagination)
def list_tickets(request, filters: Query[TicketFilter]):
    unit = acting_unit(request.user, filters.unit_id, selectors.VIEW)
    day = filters.day or selectors.today_of(unit)
    tickets = selectors.tickets_for(request.user).filter(unit=unit, day=day).order_by("taken_at", "id")
    return [_ticket_out(request, t) for t in tickets[:1000]]
