"""Pages of the queue.

Public (no login, limited per address): the kiosk of a unit (touch screen and phone in one page),
a ticket's live position, the display board and its feed. Staff: the unit's counters with the
set-up of lines and counters, and the counter screen (htmx: each action answers the panel).
"""

from __future__ import annotations

import segno
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from satuatap.core.errors import refusal_messages
from satuatap.core.throttle import Rate, honeypot_filled, throttle_hit
from satuatap.core.views.helpers import active_unit, apply_service_error, query_int, throttled_page
from satuatap.organizations.permissions import can
from satuatap.organizations.selectors import unit_public
from satuatap.servicedesk.models import Priority, QueueTicket, Service, TicketSource, TicketStatus
from satuatap.servicedesk.queue import selectors
from satuatap.servicedesk.queue import services as queue
from satuatap.servicedesk.queue.forms import CheckInForm, CounterForm, FinishForm, LineForm, NotifyForm

TAKE_RATE = Rate(60, 60)
TICKET_RATE = Rate(120, 60)
FEED_RATE = Rate(300, 60)


def _private(response):
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "no-store"
    return response


def _not_found(request, message: str):
    context = {"status": 404, "title": _("Not found"), "message": message}
    return _private(render(request, "error.html", context, status=404))


def _unit_or_none(institution: str, unit: str):
    try:
        return unit_public(institution, unit)
    except Http404:
        return None


# --- public: the kiosk -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def kiosk(request, institution, unit):
    """The kiosk (``?kiosk=1``: the touch screen at the door) and the phone page of a unit."""
    office = _unit_or_none(institution, unit)
    if office is None:
        return _not_found(request, _("No office has this address. Check the QR code or the link."))
    at_kiosk = request.GET.get("kiosk") == "1"
    refusal = ""
    check_in = CheckInForm()
    status = 200
    if request.method == "POST":
        wait = throttle_hit(request, "queue-take", TAKE_RATE)
        if wait:
            return throttled_page(request, wait)
        suffix = "?kiosk=1" if at_kiosk else ""
        try:
            if request.POST.get("check_in"):
                check_in = CheckInForm(request.POST)
                if honeypot_filled(request.POST) or not check_in.is_valid():
                    raise ValidationError(_("Type the code of your booking."))
                taken = queue.ticket_check_in(code=check_in.cleaned_data["code"], unit=office)
            else:
                service_id = query_int(request.POST.get("service"))
                service = Service.objects.filter(pk=service_id, unit=office).first() if service_id else None
                if service is None:
                    raise ValidationError(_("Choose a service."))
                priority = request.POST.get("priority") or ""
                taken = queue.ticket_take(
                    unit=office,
                    service=service,
                    source=TicketSource.KIOSK if at_kiosk else TicketSource.PHONE,
                    priority=priority if priority in Priority.values else "",
                )
        except ValidationError as exc:
            refusal = " ".join(message for _field, message in refusal_messages(exc))
            status = 400
        else:
            late = "&late=1" if taken.late else ""
            target = reverse("servicedesk:ticket", args=[taken.ticket.code]) + (suffix or "?")
            return redirect(target + ("&" if suffix else "") + "new=1" + late)
    context = {
        "institution": office.institution,
        "unit": office,
        "at_kiosk": at_kiosk,
        "services": selectors.kiosk_services(office),
        "priorities": [(value, label) for value, label in Priority.choices if value],
        "office": selectors.office_status(office),
        "has_appointments": selectors.appointment_line(office) is not None,
        "check_in": check_in,
        "refusal": refusal,
    }
    return _private(render(request, "servicedesk/queue/kiosk.html", context, status=status))


def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=4, dark="#000", light="#fff", title=_("Phone link"))


@require_http_methods(["GET", "POST"])
def ticket(request, code):
    """A ticket: the printed slip at the kiosk, and on the phone its live position."""
    wait = throttle_hit(request, "queue-ticket", TICKET_RATE)
    if wait:
        return throttled_page(request, wait)
    found = selectors.ticket_by_code(code)
    if found is None:
        return _not_found(request, _("No queue ticket has this code."))
    notify = NotifyForm()
    notified = False
    if request.method == "POST":
        notify = NotifyForm(request.POST)
        if not honeypot_filled(request.POST) and notify.is_valid():
            try:
                queue.ticket_notify(ticket=found, channel="", to=notify.cleaned_data["notify_to"])
                notified = True
            except ValidationError as exc:
                apply_service_error(notify, exc)
    ahead, minutes = selectors.ticket_wait(found)
    phone_url = request.build_absolute_uri(reverse("servicedesk:ticket", args=[found.code]))
    context = {
        "institution": found.unit.institution,
        "unit": found.unit,
        "ticket": found,
        "ahead": ahead,
        "minutes": minutes,
        "say": selectors.ticket_status_line(found),
        "waiting": found.status == TicketStatus.WAITING,
        "at_kiosk": request.GET.get("kiosk") == "1",
        "is_new": request.GET.get("new") == "1",
        "late": request.GET.get("late") == "1",
        "paper": "58" if request.GET.get("paper") == "58" else "80",
        "qr": _qr_svg(phone_url),
        "phone_url": phone_url,
        "notify": notify,
        "notified": notified or bool(found.notify_to),
        "kiosk_url": reverse("servicedesk:kiosk", args=[found.unit.institution.code.lower(), found.unit.code.lower()]),
    }
    if request.headers.get("HX-Request") and request.method == "GET":
        return _private(render(request, "servicedesk/queue/_ticket_live.html", context))
    return _private(render(request, "servicedesk/queue/ticket.html", context))


# --- public: the display board ------------------------------------------------------------------------


def display(request, institution, unit):
    office = _unit_or_none(institution, unit)
    if office is None:
        return _not_found(request, _("No office has this address. Check the address of the display board."))
    state = selectors.display_state(office)
    context = {
        "unit": office,
        "institution": office.institution,
        "state": state,
        "feed_url": reverse("servicedesk:display_feed", args=[institution, unit]),
    }
    return render(request, "servicedesk/queue/display.html", context)


def display_state_json(state) -> dict:
    return {
        "last_id": state.last_id,
        "calls": [{**call, "at": call["at"].isoformat()} for call in state.calls],
        "counters": state.counters,
        "lines": state.lines,
    }


def display_feed(request, institution, unit):
    """The board's feed (JSON): the calls after event ``after``, each counter's last call, the
    people waiting per line. The board polls it about every 700 ms."""
    wait = throttle_hit(request, "queue-feed", FEED_RATE)
    if wait:
        response = JsonResponse({"error": {"code": "throttled", "message": _("Too many requests."), "fields": {}}},
                                status=429)  # fmt: skip
        response["Retry-After"] = str(wait)
        return response
    office = _unit_or_none(institution, unit)
    if office is None:
        body = {"error": {"code": "not_found", "message": _("No office has this address."), "fields": {}}}
        return JsonResponse(body, status=404)
    after = query_int(request.GET.get("after"), None, minimum=0)
    response = JsonResponse(display_state_json(selectors.display_state(office, after=after)))
    response["Cache-Control"] = "no-store"
    return response


# --- staff: counters and set-up -------------------------------------------------------------------


@login_required
def counters(request):
    """The active unit's counters (open one to serve), and the set-up of lines and counters."""
    unit = active_unit(request, "servicedesk.view")
    may_configure = can(request.user, "servicedesk.configure", unit)
    lines = list(selectors.lines_of(unit))
    counter_list = list(selectors.counters_of(unit))
    line_edit = next((x for x in lines if x.pk == query_int(request.GET.get("line"))), None)
    counter_edit = next((x for x in counter_list if x.pk == query_int(request.GET.get("counter"))), None)
    line_form = LineForm(unit=unit, instance=line_edit) if may_configure else None
    counter_form = CounterForm(unit=unit, instance=counter_edit) if may_configure else None
    status = 200
    if request.method == "POST":
        if not may_configure:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied(_("Your role does not allow this action."))
        if request.POST.get("form") == "line":
            line_form = LineForm(request.POST, unit=unit)
            line_edit = next((x for x in lines if x.pk == query_int(request.POST.get("line"))), None)
            if line_form.is_valid():
                data = line_form.cleaned_data
                try:
                    queue.line_save(actor=request.user, unit=unit, prefix=data["prefix"], name=data["name"],
                                    kind=data["kind"], services=data["services"], position=data["position"] or 0,
                                    is_active=data["is_active"], line=line_edit)  # fmt: skip
                    return redirect("servicedesk:counters")
                except ValidationError as exc:
                    apply_service_error(line_form, exc)
        else:
            counter_form = CounterForm(request.POST, unit=unit)
            counter_edit = next((x for x in counter_list if x.pk == query_int(request.POST.get("counter"))), None)
            if counter_form.is_valid():
                data = counter_form.cleaned_data
                try:
                    queue.counter_save(actor=request.user, unit=unit, number=data["number"], name=data["name"],
                                       services=data["services"], is_active=data["is_active"],
                                       counter=counter_edit)  # fmt: skip
                    return redirect("servicedesk:counters")
                except ValidationError as exc:
                    apply_service_error(counter_form, exc)
        status = 400
    public_links = {
        "kiosk": reverse("servicedesk:kiosk", args=[unit.institution.code.lower(), unit.code.lower()]),
        "display": reverse("servicedesk:display", args=[unit.institution.code.lower(), unit.code.lower()]),
    }
    context = {
        "unit": unit,
        "lines": lines,
        "counters": counter_list,
        "may_configure": may_configure,
        "may_serve": can(request.user, "servicedesk.serve", unit),
        "line_form": line_form,
        "counter_form": counter_form,
        "line_edit": line_edit,
        "counter_edit": counter_edit,
        "links": public_links,
    }
    return render(request, "servicedesk/queue/counters.html", context, status=status)


ACTIONS = {
    "open": queue.counter_open,
    "pause": queue.counter_pause,
    "close": queue.counter_close,
    "next": queue.counter_next,
    "recall": queue.counter_recall,
    "start": queue.counter_start,
    "no_show": queue.counter_no_show,
}


def _request_link(ticket_obj: QueueTicket | None) -> str:
    """The link to take a multi-day request from a served ticket (another area's page), if it exists."""
    if ticket_obj is None:
        return ""
    try:
        return reverse("servicedesk:request_new") + f"?ticket={ticket_obj.pk}"
    except NoReverseMatch:
        return ""


@login_required
def counter(request, pk):
    """The counter screen: the ticket at the counter and its actions, the waiting list per service."""
    found = selectors.counter_for(request.user, pk)
    may_serve = can(request.user, "servicedesk.serve", found.unit)
    refusal = ""
    finished = None
    if request.method == "POST":
        if not may_serve:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied(_("Your role does not allow this action."))
        action = request.POST.get("action", "")
        try:
            if action in ACTIONS:
                ACTIONS[action](actor=request.user, counter=found)
            elif action == "finish":
                form = FinishForm(request.POST)
                outcome = form.data.get("outcome") or "served"
                finished = queue.counter_finish(actor=request.user, counter=found, outcome=outcome,
                                                note=(form.data.get("note") or "")[:300])  # fmt: skip
            elif action == "transfer":
                to_service = Service.objects.filter(
                    pk=query_int(request.POST.get("to_service")), unit=found.unit
                ).first()
                to_counter = (
                    selectors.counters_of(found.unit).filter(pk=query_int(request.POST.get("to_counter"))).first()
                )
                queue.counter_transfer(actor=request.user, counter=found, to_service=to_service, to_counter=to_counter)
            elif action == "call_back":
                again = QueueTicket.objects.filter(pk=query_int(request.POST.get("ticket")), unit=found.unit).first()
                if again is None:
                    raise ValidationError(_("This ticket is not a no-show of this office."))
                queue.counter_call_back(actor=request.user, counter=found, ticket=again)
            else:
                raise ValidationError(_("Unknown action."))
        except ValidationError as exc:
            refusal = " ".join(message for _field, message in refusal_messages(exc))
        if not request.headers.get("HX-Request") and not refusal:
            target = reverse("servicedesk:counter", args=[found.pk])
            return redirect(target + (f"?finished={finished.pk}" if finished else ""))
        found.refresh_from_db()
    if finished is None and request.GET.get("finished"):
        finished = QueueTicket.objects.filter(pk=query_int(request.GET.get("finished")), counter=found).first()
    current = selectors.counter_current(found)
    context = {
        "counter": found,
        "unit": found.unit,
        "current": current,
        "may_serve": may_serve,
        "refusal": refusal,
        "waiting": selectors.waiting_for_counter(found),
        "no_shows": selectors.no_shows_recallable(found),
        "finish_form": FinishForm(),
        "services": Service.objects.filter(unit=found.unit, is_active=True, queue_lines__is_active=True).distinct(),
        "other_counters": selectors.counters_of(found.unit, active=True).exclude(pk=found.pk),
        "finished": finished,
        "request_link": _request_link(finished) if finished is not None and finished.outcome == "request" else "",
    }
    template = "servicedesk/queue/_counter_panel.html" if request.headers.get("HX-Request") else \
        "servicedesk/queue/counter.html"  # fmt: skip
    return render(request, template, context, status=400 if refusal and not request.headers.get("HX-Request") else 200)
