"""Pages of appointments.

Public (no login, made for a phone): ``book`` at ``/janji/<inst>/<unit>/`` — choose a service
offered by appointment, a day with free places, a time (with the places left), then name and phone
or email; the confirmation is the booking's own page ``booking`` at ``/janji/kode/<code>/``: the
code, its QR, an "add to calendar" file (``?format=ics``) and the cancel button (with a confirming
step). Booking and looking up codes are limited per address; an unknown code is a 404 page.

Staff: ``appointments`` at ``/servicedesk/appointments/`` — the active unit's bookings of a day
(filtered by service and status; CSV/XLSX), booking for a caller and cancelling (front office,
program, head), and the no-show figures per week and service.
"""

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.core.exports import table_response
from satuatap.core.throttle import honeypot_filled, throttle_hit
from satuatap.core.tracking import code_clean
from satuatap.core.views.helpers import active_unit, apply_service_error, query_int, throttled_page
from satuatap.organizations.permissions import can
from satuatap.organizations.selectors import calendar_for, unit_public
from satuatap.servicedesk.appointments import selectors
from satuatap.servicedesk.appointments import services as appointment_services
from satuatap.servicedesk.appointments.forms import BookingForm, CancelForm
from satuatap.servicedesk.models import AppointmentStatus

# Days offered in the public date picker.
DAYS_SHOWN = 10
SERVE = "servicedesk.serve"


def _private(response):
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "no-store"
    return response


def _day(value) -> date | None:
    try:
        day = date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None
    return day if day is not None and selectors.FIRST_DAY <= day <= selectors.LAST_DAY else None


def _not_found(request, institution, title: str, message: str):
    context = {
        "institution": institution or SimpleNamespace(name=_("Appointments"), legal_basis=""),
        "title": title,
        "message": message,
    }
    return _private(render(request, "servicedesk/appointments/not_found.html", context, status=404))


def _refused(form, exc: ValidationError) -> None:
    """The service's refusals on the booking form (the service's ``slot_start`` is the form's ``slot``)."""
    if hasattr(exc, "error_dict"):
        exc = ValidationError({("slot" if k == "slot_start" else k): v for k, v in exc.error_dict.items()})
    apply_service_error(form, exc)


def qr_svg(url: str) -> str:
    import segno

    return segno.make(url, error="m").svg_inline(scale=5, border=2, omitsize=True, title=url)


def booking_ics(appointment, url: str) -> str:
    """The booking as a calendar event (RFC 5545), for "add to calendar"."""

    def stamp(moment: datetime) -> str:
        return timezone.localtime(moment, UTC).strftime("%Y%m%dT%H%M%SZ")

    def text(value: str) -> str:
        return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")

    unit = appointment.unit
    summary = f"{appointment.service.name} — {unit.name}"
    description = _("Booking code: %(code)s") % {"code": appointment.code} + "\n" + url
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Satu Atap//Appointments//ID",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{appointment.code}@satuatap",
        f"DTSTAMP:{stamp(appointment.booked_at)}",
        f"DTSTART:{stamp(appointment.slot_start)}",
        f"DTEND:{stamp(appointment.slot_end)}",
        f"SUMMARY:{text(summary)}",
        f"DESCRIPTION:{text(description)}",
        f"LOCATION:{text(' '.join((unit.address or unit.name).split()))}",
        f"URL:{url}",
        "BEGIN:VALARM",
        "TRIGGER:-PT1H",
        "ACTION:DISPLAY",
        f"DESCRIPTION:{text(summary)}",
        "END:VALARM",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(lines) + "\r\n"


# --- public ------------------------------------------------------------------------------------------


def book(request, institution, unit):
    """Book a visit: service, then day, then time and who comes."""
    try:
        office = unit_public(institution, unit)
    except Http404:
        return _not_found(request, None, _("Office not found"), _("Check the address of this page."))
    typed = (request.GET.get("kode") or "").strip()[:40]
    if typed and code_clean(typed):
        return redirect("servicedesk:booking", code=code_clean(typed))
    calendar = calendar_for(office)
    services = list(selectors.bookable_services(office))
    code = (request.POST.get("service") or request.GET.get("layanan") or "").strip().upper()[:10]
    service = next((s for s in services if s.code == code), None)
    if service is None and len(services) == 1:
        service = services[0]
    day = _day(request.POST.get("day") or request.GET.get("hari"))
    today = calendar.today()
    days = selectors.days_open(service, today, DAYS_SHOWN) if service is not None else []
    if service is not None and day is None and days:
        day = days[0][0]
    status = 200
    form = BookingForm(tz=office.tzinfo)
    if request.method == "POST":
        wait = throttle_hit(request, "appointment-book", selectors.BOOK_RATE)
        if wait:
            return throttled_page(request, wait)
        form = BookingForm(request.POST, tz=office.tzinfo)
        if honeypot_filled(request.POST):
            form.is_valid()
            form.add_error(None, _("The booking could not be sent. Please try again."))
        elif service is None:
            form.is_valid()
            form.add_error(None, _("Choose a service."))
        elif form.is_valid():
            try:
                appointment = appointment_services.appointment_book(service=service, **form.booking())
            except ValidationError as exc:
                _refused(form, exc)
            else:
                return redirect(reverse("servicedesk:booking", args=[appointment.code]) + "?baru=1")
        status = 400
    slots = selectors.slots_for(service, day, calendar=calendar) if service is not None and day is not None else []
    closed = calendar.closed_because(day) if day is not None else None
    context = {
        "institution": office.institution,
        "office": office,
        "services": services,
        "service": service,
        "days": days,
        "day": day,
        "closed": closed,
        "slots": slots,
        "chosen_slot": form.data.get("slot", "") if form.is_bound else "",
        "form": form,
        "code_typed": typed,
    }
    return render(request, "servicedesk/appointments/book.html", context, status=status)


def booking(request, code):
    """A booking by its code: when and where, its status, the QR, add to calendar, cancel."""
    wait = throttle_hit(request, "appointment-lookup", selectors.LOOKUP_RATE)
    if wait:
        return throttled_page(request, wait)
    appointment = selectors.appointment_by_code(code)
    if appointment is None:
        return _not_found(
            request, None, _("Booking not found"), _("No booking has this code. Check the code and try again.")
        )
    url = selectors.booking_url(appointment.code, request)
    if request.GET.get("format") == "ics" and appointment.status == AppointmentStatus.BOOKED:
        response = HttpResponse(booking_ics(appointment, url), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="janji-{appointment.code}.ics"'
        return _private(response)
    error = ""
    if request.method == "POST" and request.POST.get("confirm") == "1":
        try:
            appointment = appointment_services.appointment_cancel(code=appointment.code)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Your booking is cancelled."))
            return redirect("servicedesk:booking", code=appointment.code)
    context = {
        "institution": appointment.unit.institution,
        "appointment": appointment,
        "office": appointment.unit,
        "slot_start": timezone.localtime(appointment.slot_start, appointment.unit.tzinfo),
        "slot_end": timezone.localtime(appointment.slot_end, appointment.unit.tzinfo),
        "url": url,
        "qr": qr_svg(url),
        "is_new": request.GET.get("baru") == "1",
        "confirm_cancel": request.GET.get("batal") == "1" and appointment.status == AppointmentStatus.BOOKED,
        "can_cancel": appointment.status == AppointmentStatus.BOOKED and appointment.slot_end > timezone.now(),
        "error": error,
        "book_url": reverse(
            "servicedesk:book", args=[appointment.unit.institution.code.lower(), appointment.unit.code.lower()]
        ),
    }
    return _private(render(request, "servicedesk/appointments/booking.html", context, status=400 if error else 200))


# --- staff ---------------------------------------------------------------------------------------------


def _staff_book(request, unit, service, day):
    form = BookingForm(request.POST, tz=unit.tzinfo, with_honeypot=False)
    if form.is_valid():
        try:
            appointment = appointment_services.appointment_book(actor=request.user, service=service, **form.booking())
        except ValidationError as exc:
            _refused(form, exc)
        else:
            messages.success(
                request,
                _("Booked for %(name)s: code %(code)s.") % {"name": appointment.name, "code": appointment.code},
            )
            return None, True
    return form, False


@login_required
def appointments(request):
    """The active unit's bookings of a day, booking for a caller, cancelling, no-show figures."""
    unit = active_unit(request, selectors.VIEW)
    calendar = calendar_for(unit)
    day = _day(request.GET.get("day") or request.POST.get("day")) or calendar.today()
    services = list(selectors.bookable_services(unit))
    service_id = query_int(request.GET.get("service") or request.POST.get("service"))
    service = next((s for s in services if s.pk == service_id), None)
    status = request.GET.get("status", "")
    status = status if status in AppointmentStatus.values else ""
    may_serve = can(request.user, SERVE, unit)
    book_form = None
    cancel_form = CancelForm()
    if request.method == "POST":
        if not may_serve:
            raise PermissionDenied(_("Your role does not allow this action."))
        back = (
            reverse("servicedesk:appointments")
            + f"?day={day.isoformat()}"
            + (f"&service={service.pk}" if service else "")
        )
        if request.POST.get("action") == "cancel":
            appointment = selectors.appointment_for(request.user, request.POST.get("appointment"))
            cancel_form = CancelForm(request.POST)
            cancel_form.is_valid()
            try:
                appointment_services.appointment_cancel(
                    appointment=appointment, actor=request.user, reason=cancel_form.cleaned_data.get("reason", "")
                )
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("Booking %(code)s is cancelled.") % {"code": appointment.code})
            return redirect(back)
        if request.POST.get("action") == "book" and service is not None:
            book_form, done = _staff_book(request, unit, service, day)
            if done:
                return redirect(back)
    rows = selectors.appointments_for(request.user, unit=unit, day=day, service=service, status=status)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        header = [_("Time"), _("Service"), _("Code"), _("Name"), _("Phone"), _("Email"), _("Status"), _("Note")]
        data = (
            [
                timezone.localtime(a.slot_start, unit.tzinfo).strftime("%Y-%m-%d %H:%M"),
                a.service.name,
                a.code,
                a.name,
                a.phone,
                a.email,
                a.get_status_display(),
                a.note,
            ]
            for a in rows
        )
        title = _("Appointments %(day)s") % {"day": day.isoformat()}
        return table_response(fmt, f"appointments-{unit.code}-{day.isoformat()}", title, header, data,
                              request=request, unit=unit)  # fmt: skip
    slots = selectors.slots_for(service, day, calendar=calendar) if service is not None else []
    if service is not None and may_serve and book_form is None:
        book_form = BookingForm(tz=unit.tzinfo, with_honeypot=False)
    weeks_start = calendar.today() - timedelta(days=calendar.today().weekday() + 7 * 7)
    figures = selectors.no_show_figures(unit, weeks_start, weeks_start + timedelta(days=8 * 7 - 1))
    figures.reverse()
    context = {
        "unit": unit,
        "day": day,
        "previous_day": day - timedelta(days=1),
        "next_day": day + timedelta(days=1),
        "closed": calendar.closed_because(day),
        "services": services,
        "service": service,
        "status": status,
        "statuses": AppointmentStatus.choices,
        "rows": list(rows),
        "slots": slots,
        "may_serve": may_serve,
        "book_form": book_form,
        "chosen_slot": book_form.data.get("slot", "") if book_form is not None and book_form.is_bound else "",
        "figures": figures,
        "public_url": reverse("servicedesk:book", args=[unit.institution.code.lower(), unit.code.lower()])
        if unit.institution_id
        else "",
        "now": timezone.now(),
    }
    return render(
        request,
        "servicedesk/appointments/list.html",
        context,
        status=400 if book_form is not None and book_form.errors else 200,
    )
