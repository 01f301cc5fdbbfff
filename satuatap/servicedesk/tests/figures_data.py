"""A small hand-made week of the desk for the figures' tests: at branch A (of ``conftest.world``) two
services (``S1`` with a published standard of 10 minutes, ``S2`` without), two counters, tickets on
Monday 2026-11-30 and Tuesday 2026-12-01 with known waits and service times, requests and
appointments; at branch B a few tickets of its own (SECRET: alice must not see them)."""

from datetime import date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from satuatap.servicedesk.models import (
    Appointment,
    Counter,
    QueueLine,
    QueueTicket,
    RequestChannel,
    Service,
    ServiceRequest,
    ServiceStandard,
)
from tests.factories import UserFactory

ZONE = ZoneInfo("Asia/Jakarta")
MONDAY = date(2026, 11, 30)
TUESDAY = date(2026, 12, 1)
PREVIOUS_MONDAY = date(2026, 11, 23)

# (day, service, counter, wait minutes, service minutes or None, status)
BRANCH_A = [
    (MONDAY, "S1", 1, 1, 5, "done"),
    (MONDAY, "S1", 1, 2, 8, "done"),
    (MONDAY, "S1", 1, 3, 12, "done"),
    (MONDAY, "S1", 2, 4, 9, "done"),
    (MONDAY, "S1", 2, 10, None, "no_show"),
    (TUESDAY, "S2", 2, 6, 20, "done"),
    (TUESDAY, "S2", 2, 8, 30, "done"),
    (PREVIOUS_MONDAY, "S1", 1, 30, 4, "done"),
]
BRANCH_B = [(MONDAY, "S1", 1, 50, 50, "done")] * 3

_numbers: dict = {}


def _at(day: date, hour: int, minutes: float = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZONE) + timedelta(minutes=minutes)


def _tickets(unit, rows, officer):
    services = {}
    counters = {}
    line, _ = QueueLine.objects.get_or_create(unit=unit, prefix="A", defaults={"name": "Umum"})
    for index, (day, code, number, wait, service_minutes, status) in enumerate(rows):
        if code not in services:
            services[code], _ = Service.objects.get_or_create(
                unit=unit, code=code, defaults={"name": f"Layanan {code}"}
            )
        if number not in counters:
            counters[number], _ = Counter.objects.get_or_create(unit=unit, number=number)
        taken = _at(day, 8, index)
        called = taken + timedelta(minutes=wait)
        key = (line.pk, day)
        _numbers[key] = _numbers.get(key, 0) + 1
        QueueTicket.objects.create(
            unit=unit,
            line=line,
            service=services[code],
            day=day,
            number=_numbers[key],
            code=f"T{unit.pk:03d}{index:04d}",
            status=status,
            taken_at=taken,
            wait_from=taken,
            called_at=called,
            calls=1,
            counter=counters[number],
            officer=officer,
            started_at=called if service_minutes else None,
            finished_at=called + timedelta(minutes=service_minutes) if service_minutes else None,
            no_show_at=called + timedelta(minutes=5) if status == "no_show" else None,
        )
    return services, counters


def build(world):
    _numbers.clear()
    officer = UserFactory(username="loketa", full_name="Petugas Anggrek")
    services, counters = _tickets(world.branch_a, BRANCH_A, officer)
    ServiceStandard.objects.create(
        service=services["S1"], version=1, status="published", effective_from=date(2026, 1, 1), service_minutes=10
    )
    # A later draft is not in force; a newer published one from December applies only from then.
    ServiceStandard.objects.create(service=services["S1"], version=2, status="draft", service_minutes=1)
    ServiceStandard.objects.create(
        service=services["S2"], version=1, status="published", effective_from=date(2027, 1, 1), service_minutes=60
    )
    b_services, _b = _tickets(world.branch_b, BRANCH_B, None)
    standard = ServiceStandard.objects.get(service=services["S1"], version=1)
    now = _at(TUESDAY, 15)
    requests = [
        # received, due, finished
        (_at(MONDAY, 9), _at(MONDAY, 15), _at(MONDAY, 14)),  # on time
        (_at(MONDAY, 10), _at(MONDAY, 12), _at(MONDAY, 13)),  # late
        (_at(TUESDAY, 9), _at(TUESDAY, 10), None),  # open past due: overdue
        (_at(TUESDAY, 9), _at(TUESDAY, 23), None),  # open, not yet due
    ]
    for index, (received, due, finished) in enumerate(requests):
        ServiceRequest.objects.create(
            unit=world.branch_a,
            service=services["S1"],
            standard=standard,
            code=f"R{index:04d}",
            channel=RequestChannel.COUNTER,
            applicant_name="Pemohon",
            received_at=received,
            due_at=due,
            finished_at=finished,
            status="handed_over" if finished else "received",
        )
    for index, status in enumerate(["checked_in", "checked_in", "no_show", "cancelled", "booked"]):
        Appointment.objects.create(
            unit=world.branch_a,
            service=services["S1"],
            code=f"J{index:04d}",
            slot_start=_at(MONDAY, 9, index * 30),
            slot_end=_at(MONDAY, 9, index * 30 + 30),
            name="Tamu",
            status=status,
        )
    return SimpleNamespace(services=services, counters=counters, officer=officer, now=now, b_services=b_services)
