"""The service desk's appointments in the demo: at the integrated service office (KDSLY1), bookings
for a zakat consultation (KONS) and a scholarship application (BEA) on the next working days and a
few today, one cancelled, and one last week that nobody came to (a no-show). Every booking goes
through the services with an explicit "now", so the rules (working days, slots, capacity) hold."""

from datetime import datetime, time, timedelta

from satuatap.organizations.selectors import calendar_for
from satuatap.servicedesk.appointments import selectors
from satuatap.servicedesk.appointments.services import (
    appointment_book,
    appointment_cancel,
    appointments_mark_no_show,
)
from satuatap.servicedesk.models import Service

NAMES = [
    "Siti Aminah", "Ahmad Fauzi", "Dewi Lestari", "Muhammad Rizki", "Nur Hidayah", "Budi Santoso",
    "Rina Wulandari", "Agus Salim", "Fitri Handayani", "Joko Susilo",
]  # fmt: skip


def _people():
    """A name, a phone of their own (every third one leaves an email instead) for each booking."""
    n = 0
    while True:
        name = NAMES[n % len(NAMES)]
        email = name.lower().replace(" ", ".") + "@example.org"
        yield (name, "", email) if n % 3 == 2 else (name, f"0813251102{n:02d}", "")
        n += 1


NOTES = {"KONS": "Menghitung zakat penghasilan", "BEA": "Beasiswa kuliah anak"}


def _service(unit, code: str, name: str, minutes: int, capacity: int) -> Service:
    """The catalogue's demo service (its seed runs first); made here only when it is missing."""
    service, _created = Service.objects.get_or_create(
        unit=unit,
        code=code,
        defaults={
            "name": name,
            "needs_queue": code == "KONS",
            "needs_appointment": True,
            "needs_request": code == "BEA",
            "slot_minutes": minutes,
            "slot_capacity": capacity,
        },
    )
    if not service.needs_appointment:
        service.needs_appointment = True
        service.save(update_fields=["needs_appointment"])
    return service


def seed(admin, staff, units) -> None:
    unit = units["service"]
    desk = staff.get("loket")
    calendar = calendar_for(unit)
    kons = _service(unit, "KONS", "Konsultasi zakat", 20, 2)
    bea = _service(unit, "BEA", "Pengajuan beasiswa", 30, 3)
    today = calendar.today()
    early = lambda day: datetime.combine(day, time(6), tzinfo=calendar.tz)  # noqa: E731  (before opening)
    people = _people()

    def book(service, day, nth: int, by_staff: bool = False, now=None):
        slots = [s for s in selectors.slots_for(service, day, now=now or early(day)) if not s.is_full]
        if len(slots) <= nth:
            return None
        name, phone, email = next(people)
        return appointment_book(
            service=service,
            slot_start=slots[nth].start,
            name=name,
            phone=phone,
            email=email,
            note=NOTES[service.code],
            actor=desk if by_staff else None,
            now=now or early(day),
        )

    # Last week: one kept its time nobody checked in for (no-show), one cancelled by phone.
    last_week = calendar.working_days_after(today - timedelta(days=9), 0)
    missed = book(kons, last_week, 2)
    called_off = book(bea, last_week, 1, by_staff=True)
    if called_off is not None:
        appointment_cancel(appointment=called_off, actor=desk, reason="Pemohon berhalangan hadir",
                           now=early(last_week))  # fmt: skip
    if missed is not None:
        appointments_mark_no_show(unit=unit, now=missed.slot_end + timedelta(hours=1))
    # Today: a few bookings through the day (those before now are waiting to check in or be marked).
    if calendar.is_working_day(today):
        for service, nth in ((kons, 1), (kons, 4), (bea, 2)):
            book(service, today, nth, by_staff=nth == 4)
    # The next working days.
    day = today
    for step in range(4):
        day = calendar.working_days_after(day, 1)
        book(kons, day, step)
        book(kons, day, step + 3)
        book(bea, day, step + 1, by_staff=step == 1)
    tomorrow = calendar.working_days_after(today, 1)
    later = book(bea, tomorrow, 6)
    if later is not None:
        appointment_cancel(code=later.code, now=early(tomorrow) - timedelta(days=1))
