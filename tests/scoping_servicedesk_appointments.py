"""Matrix entries for the service desk's appointments (merged into tests/scoping.py and the matrices).

``matrix_ids(unit, officer, marker, base)`` builds this area's objects at ``unit`` (the marker, SECRET
where they are foreign, in their names) and returns their ids keyed by the kinds named below.

Each unit gets a service by appointment (named with the marker) and a booking of it within the hour
(so the staff list of today shows it), written directly: the matrix's officer does not hold the
front-office role. The public pages and endpoints take a booking code (unguessable; any other
value is the same 404) or an office's public address, and show nothing about the person.
"""

from datetime import timedelta

_API = "/api/v1/servicedesk"

OBJECT_KINDS: dict = {}
LIST_VARIANTS: dict = {
    "servicedesk:appointments": [
        "", "?format=csv", "?format=xlsx", "?status=booked", "?service=987654321", "?day=2026-12-14",
        "?day=junk&format=csv", "?status=cancelled&format=xlsx",
    ],
}  # fmt: skip
PUBLIC: set = {"servicedesk:book", "servicedesk:booking"}
# The public paths' codes are not object ids of a unit: any unknown value answers the same 404.
API_PARAMS: dict = {"appointment_id": "appointment", "code": "appointment", "institution": "unit", "unit": "unit"}
API_BODIES: dict = {
    ("post", _API + "/appointments"): lambda ids: {
        "service_id": ids.get("appointment_service", 987654321),
        "slot_start": "2030-01-07T09:00:00+07:00",
        "name": "SECRET Leak",
        "phone": "08123456789",
    },
    ("post", _API + "/appointments/{appointment_id}/cancel"): lambda ids: {"reason": "outsider"},
    ("post", _API + "/public/appointments"): lambda ids: {
        "institution": "ALPHA",
        "unit": "BRA",
        "service": "MTXAPT",
        "slot_start": "2030-01-07T09:00:00+07:00",
        "name": "SECRET Leak",
        "phone": "08123456789",
    },
    ("post", _API + "/public/appointments/{code}/cancel"): lambda ids: {},
}
PUBLIC_API: set = {
    ("get", _API + "/public/units/{institution}/{unit}/slots"),
    ("post", _API + "/public/appointments"),
    ("get", _API + "/public/appointments/{code}"),
    ("post", _API + "/public/appointments/{code}/cancel"),
}
# For tests/access_coverage.py: kind -> (model, unit lookup), and the reviewed reasons of public pages.
KIND_OWNERS: dict = {
    "appointment": ("servicedesk.Appointment", "unit"),
    "appointment_service": ("servicedesk.Service", "unit"),
}
PUBLIC_REASONS: dict = {
    "servicedesk:book": "an office's services by appointment, its open days and free times; the booking "
    "form (throttled, honeypot)",
    "servicedesk:booking": "a booking by its unguessable code: service, time, office, status, QR and "
    "cancel; nothing about the person (throttled)",
}
PUBLIC_API_REASONS: dict = {
    ("get", _API + "/public/units/{institution}/{unit}/slots"): "an office's free times of a service "
    "by appointment on a day (throttled)",
    ("post", _API + "/public/appointments"): "a person books a visit (throttled, refused with a staff token)",
    ("get", _API + "/public/appointments/{code}"): "a booking by its unguessable code, nothing about the person",
    ("post", _API + "/public/appointments/{code}/cancel"): "the person cancels a booking by its unguessable code",
}


def matrix_ids(unit, officer, marker, base) -> dict:
    """A service by appointment at ``unit`` and a booking of it within the hour."""
    from django.utils import timezone

    from satuatap.core.tracking import code_unique
    from satuatap.servicedesk.models import Appointment, Service

    service = Service.objects.create(
        unit=unit,
        code="MTXAPT",
        name=f"Konsultasi {marker}",
        needs_queue=False,
        needs_appointment=True,
        slot_minutes=20,
        slot_capacity=4,
    )
    start = timezone.now().replace(second=0, microsecond=0) + timedelta(minutes=30)
    appointment = Appointment.objects.create(
        unit=unit,
        service=service,
        code=code_unique(lambda c: Appointment.objects.filter(code=c).exists()),
        slot_start=start,
        slot_end=start + timedelta(minutes=20),
        name=f"{marker} Tamu Janji",
        phone="628123456789",
        note=f"{marker} note",
    )
    return {"appointment": appointment.pk, "appointment_service": service.pk, "appointment_code": appointment.code}


# What the booking pages and endpoints must never show beside tests/test_access_audit.py's PRIVATE:
# the person's name and note (made by matrix_ids above).
PERSON = (b"Tamu Janji", b"SECRET note", b"628123456789")


def public_pages(world, books, *, alpha, beta, nothing) -> dict:
    """tests/test_access_audit.py's visits of this area's public pages: view name -> [(address,
    markers it must not show)]; ``alpha``/``beta`` what an ALPHA/BETA page must not show, ``nothing``
    what no page may show. No page shows the person who booked."""
    own, foreign = books.distribution["own"], books.distribution["foreign"]
    alpha, beta, none = alpha + PERSON, beta + PERSON, nothing
    return {
        "servicedesk:book": [
            ("/janji/alpha/bra/", alpha),
            ("/janji/alpha/brb/", alpha),
            ("/janji/beta/bra/", beta),
            ("/janji/alpha/nothere/", none),
            ("/janji/alpha/bra/?kode=junk", alpha),
        ],
        "servicedesk:booking": [
            (f"/janji/kode/{own['appointment_code']}/", alpha),
            (f"/janji/kode/{foreign[0]['appointment_code']}/", alpha),
            (f"/janji/kode/{foreign[1]['appointment_code']}/", beta),
            (f"/janji/kode/{foreign[1]['appointment_code']}/?format=ics", beta),
            ("/janji/kode/ABCDEFGHJK/", none),
        ],
    }


def public_api_calls(ids, *, alpha, beta, nothing) -> list[tuple[str, str, tuple, str]]:
    """tests/test_access_audit.py's calls of this area's public operations: (method, path, markers
    it must not show, the operation's path with {x})."""
    foreign = ids["foreign"]
    alpha, beta, none = alpha + PERSON, beta + PERSON, nothing
    slots = _API + "/public/units/{x}/{x}/slots"
    booking = _API + "/public/appointments/{x}"
    return [
        ("get", _API + "/public/units/alpha/brb/slots?service=MTXAPT&day=2030-01-07", alpha, slots),
        ("get", _API + "/public/units/beta/bra/slots?service=MTXAPT&day=2030-01-07", beta, slots),
        ("get", _API + "/public/units/alpha/nothere/slots?service=MTXAPT&day=2030-01-07", none, slots),
        ("get", _API + f"/public/appointments/{foreign[0]['appointment_code']}", alpha, booking),
        ("get", _API + f"/public/appointments/{foreign[1]['appointment_code']}", beta, booking),
        ("get", _API + "/public/appointments/ABCDEFGHJK", none, booking),
        ("post", _API + "/public/appointments/ABCDEFGHJK/cancel", none, booking + "/cancel"),
        ("post", _API + "/public/appointments", none, _API + "/public/appointments"),
    ]
