"""Appointments over the REST API (mounted at /api/v1/servicedesk).

Public (no token, limited per address: 429 with ``Retry-After``):
``GET /public/units/{institution}/{unit}/slots?service=&day=`` the slots of a day with the places
left (none on a closed day, which is named); ``POST /public/appointments`` books one and answers its
code; ``GET /public/appointments/{code}`` the booking (service, time, office, status — nothing about
the person); ``POST /public/appointments/{code}/cancel``.

Staff (token; scoped to the units where the user holds ``servicedesk.view``, another unit's id is a
404): ``GET /appointments?unit_id=&day=&service_id=&status=``, ``POST /appointments`` (book for a
caller: front office, program, head), ``POST /appointments/{appointment_id}/cancel`` (audited).
Refusals of the service are the API's one error shape (400 naming the field).
"""

from datetime import date, datetime

from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from satuatap.api.pagination import LimitOffsetPagination, paginate
from satuatap.api.schemas import ErrorOut
from satuatap.api.scoping import acting_unit
from satuatap.core.throttle import throttle_hit
from satuatap.core.tracking import code_clean
from satuatap.organizations.selectors import calendar_for, unit_public
from satuatap.servicedesk.appointments import selectors
from satuatap.servicedesk.appointments import services as appointment_services
from satuatap.servicedesk.models import Appointment, AppointmentStatus

router = Router(tags=["servicedesk-appointments"])

# The largest primary key the database holds: a larger id names nothing.
MAX_ID = 2**63 - 1
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
PUBLIC_ERRORS = {400: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}


# --- schemas ---------------------------------------------------------------------------------------------


class SlotOut(Schema):
    start: datetime = Field(description="The slot's start, in the office's time zone.")
    end: datetime
    capacity: int
    left: int = Field(description="Places still free.")


class SlotsOut(Schema):
    service: str = Field(description="The service's code.")
    day: date
    closed: bool
    closed_because: str = Field(description="Why the office is closed that day (a holiday's name), or empty.")
    slots: list[SlotOut]


class PublicAppointmentIn(Schema):
    institution: str = Field(max_length=10, description="The institution's code (as in the booking page's address).")
    unit: str = Field(max_length=10, description="The office's code.")
    service: str = Field(max_length=10, description="The service's code (a service by appointment).")
    slot_start: datetime = Field(
        description="A slot's start from the slots list; without an offset: the office's time."
    )
    name: str = Field(max_length=200)
    phone: str = Field("", max_length=32, description="Phone or email (at least one): the reminder goes there.")
    email: str = Field("", max_length=254)
    note: str = Field("", max_length=300)


class PublicAppointmentOut(Schema):
    code: str = Field(description="The booking code: check in with it at the kiosk.")
    status: AppointmentStatus
    status_label: str
    service: str
    service_code: str
    office: str
    address: str
    slot_start: datetime
    slot_end: datetime
    booking_url: str = Field(description="The booking's page (QR, add to calendar, cancel).")


class AppointmentOut(Schema):
    id: int
    unit_id: int
    service_id: int
    service: str
    code: str
    slot_start: datetime
    slot_end: datetime
    name: str
    phone: str
    email: str
    note: str
    status: AppointmentStatus
    booked_at: datetime
    booked_by_id: int | None
    cancelled_at: datetime | None
    checked_in_at: datetime | None
    reminded_at: datetime | None

    @staticmethod
    def resolve_service(obj):
        return obj.service.name


class AppointmentFilter(Schema):
    unit_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="Only this unit's bookings (default: all your units)."
    )
    day: date | None = Field(None, description="Only the bookings of this day (the unit's local day).")
    service_id: int | None = Field(None, ge=1, le=MAX_ID)
    status: AppointmentStatus | None = None


class StaffAppointmentIn(Schema):
    service_id: int = Field(ge=1, le=MAX_ID)
    slot_start: datetime = Field(description="A slot's start; without an offset: the office's time.")
    name: str = Field(max_length=200)
    phone: str = Field("", max_length=32)
    email: str = Field("", max_length=254)
    note: str = Field("", max_length=300)


class CancelIn(Schema):
    reason: str = Field("", max_length=300)


# --- helpers -----------------------------------------------------------------------------------------------


def _error(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _throttled(wait: int) -> JsonResponse:
    message = _("Too many requests from your address. Try again in %(seconds)s seconds.") % {"seconds": wait}
    response = JsonResponse(_error("throttled", message), status=429)
    response["Retry-After"] = str(wait)
    return response


def _staff_token(request) -> bool:
    return bool(request.headers.get("Authorization") or request.headers.get("X-API-Key"))


def _aware(moment: datetime, tz) -> datetime:
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment


def _public_out(request, appointment: Appointment) -> dict:
    return {
        "code": appointment.code,
        "status": appointment.status,
        "status_label": str(appointment.get_status_display()),
        "service": appointment.service.name,
        "service_code": appointment.service.code,
        "office": appointment.unit.name,
        "address": appointment.unit.address,
        "slot_start": appointment.slot_start.astimezone(appointment.unit.tzinfo),
        "slot_end": appointment.slot_end.astimezone(appointment.unit.tzinfo),
        "booking_url": selectors.booking_url(appointment.code, request),
    }


# --- public ------------------------------------------------------------------------------------------------


@router.get(
    "/public/units/{institution}/{unit}/slots",
    auth=None,
    response={200: SlotsOut, **PUBLIC_ERRORS},
    summary="The slots of a service on a day, with the places left (no login)",
    operation_id="satuatap_servicedesk_appointments_api_public_slots",
)
def public_slots(request, institution: str, unit: str, service: str, day: date):
    wait = throttle_hit(request, "appointment-lookup", selectors.LOOKUP_RATE)
    if wait:
        return _throttled(wait)
    try:
        office = unit_public(institution, unit)
    except Http404:
        return Status(404, _error("not_found", _("No office has this address.")))
    found = selectors.bookable_services(office).filter(code=service.strip().upper()[:10]).first()
    if found is None:
        message = _("This office has no service with this code that can be booked.")
        return Status(404, _error("not_found", message, {"service": [message]}))
    calendar = calendar_for(office)
    reason = calendar.closed_because(day)
    slots = selectors.slots_for(found, day, calendar=calendar)
    return {
        "service": found.code,
        "day": day,
        "closed": reason is not None,
        "closed_because": reason or "",
        "slots": [{"start": s.start, "end": s.end, "capacity": s.capacity, "left": s.left} for s in slots],
    }


@router.post(
    "/public/appointments",
    auth=None,
    response={201: PublicAppointmentOut, 403: ErrorOut, **PUBLIC_ERRORS},
    summary="Book a visit (no login); answers the booking code",
    description="Every refusal at once (400 naming the fields): a past time, a closed day, a time that is "
    "not a slot, a full slot, a service not by appointment, neither phone nor email, the same phone twice "
    "for the service on one day. Staff book for a caller through POST /appointments.",
    operation_id="satuatap_servicedesk_appointments_api_public_book",
)
def public_book(request, payload: PublicAppointmentIn):
    if _staff_token(request):
        message = _(
            "This is the public booking. Staff book for a caller through POST /api/v1/servicedesk/appointments."
        )
        return Status(403, _error("forbidden", message))
    wait = throttle_hit(request, "appointment-book", selectors.BOOK_RATE)
    if wait:
        return _throttled(wait)
    try:
        office = unit_public(payload.institution, payload.unit)
    except Http404:
        return Status(404, _error("not_found", _("No office has this address.")))
    service = selectors.service_at(office, payload.service)
    if service is None:
        message = _("This office has no service with this code.")
        return Status(400, _error("refused", message, {"service": [message]}))
    appointment = appointment_services.appointment_book(
        service=service,
        slot_start=_aware(payload.slot_start, office.tzinfo),
        name=payload.name,
        phone=payload.phone,
        email=payload.email,
        note=payload.note,
    )
    return Status(201, _public_out(request, appointment))


@router.get(
    "/public/appointments/{code}",
    auth=None,
    response={200: PublicAppointmentOut, **PUBLIC_ERRORS},
    summary="A booking by its code (no login; nothing about the person)",
    operation_id="satuatap_servicedesk_appointments_api_public_booking",
)
def public_booking(request, code: str):
    wait = throttle_hit(request, "appointment-lookup", selectors.LOOKUP_RATE)
    if wait:
        return _throttled(wait)
    appointment = selectors.appointment_by_code(code)
    if appointment is None:
        return Status(404, _error("not_found", _("No booking has this code.")))
    return _public_out(request, appointment)


@router.post(
    "/public/appointments/{code}/cancel",
    auth=None,
    response={200: PublicAppointmentOut, 403: ErrorOut, **PUBLIC_ERRORS},
    summary="Cancel a booking by its code (no login; refused with a staff token)",
    operation_id="satuatap_servicedesk_appointments_api_public_cancel",
)
def public_cancel(request, code: str):
    if _staff_token(request):
        message = _(
            "This is the person's own cancel. Staff cancel through POST /api/v1/servicedesk/appointments/{id}/cancel."
        )
        return Status(403, _error("forbidden", message))
    wait = throttle_hit(request, "appointment-lookup", selectors.LOOKUP_RATE)
    if wait:
        return _throttled(wait)
    clean = code_clean(code)
    if not clean or selectors.appointment_by_code(clean) is None:
        return Status(404, _error("not_found", _("No booking has this code.")))
    appointment = appointment_services.appointment_cancel(code=clean)
    return _public_out(request, appointment)


# --- staff -------------------------------------------------------------------------------------------------


@router.get(
    "/appointments",
    response={200: list[AppointmentOut], **ERRORS},
    summary="Bookings in your units (by unit, day, service, status)",
    operation_id="satuatap_servicedesk_appointments_api_list",
)
@paginate(LimitOffsetPagination)
def list_appointments(request, filters: Query[AppointmentFilter]):
    unit = acting_unit(request.user, filters.unit_id, selectors.VIEW) if filters.unit_id is not None else None
    return selectors.appointments_for(
        request.user, unit=unit, day=filters.day, service=filters.service_id, status=filters.status or ""
    )


@router.post(
    "/appointments",
    response={201: AppointmentOut, **ERRORS},
    summary="Book for a caller (front office, program officers, heads)",
    operation_id="satuatap_servicedesk_appointments_api_book",
)
def book_for_caller(request, payload: StaffAppointmentIn):
    service = selectors.service_for(request.user, payload.service_id)
    acting_unit(request.user, service.unit_id, "servicedesk.serve")
    appointment = appointment_services.appointment_book(
        actor=request.user,
        service=service,
        slot_start=_aware(payload.slot_start, service.unit.tzinfo),
        name=payload.name,
        phone=payload.phone,
        email=payload.email,
        note=payload.note,
    )
    return Status(201, appointment)


@router.post(
    "/appointments/{int:appointment_id}/cancel",
    response={200: AppointmentOut, **ERRORS},
    summary="Cancel a booking (front office, program officers, heads; audited)",
    operation_id="satuatap_servicedesk_appointments_api_cancel",
)
def cancel_appointment(request, appointment_id: int, payload: CancelIn):
    appointment = selectors.appointment_for(request.user, appointment_id)
    acting_unit(request.user, appointment.unit_id, "servicedesk.serve")
    return appointment_services.appointment_cancel(appointment=appointment, actor=request.user, reason=payload.reason)
