"""The service desk's past in the demo: the eight weeks before this one at Kantor Layanan Terpadu
Kudus (KDSLY1), so the figures and the Friday evaluation have a history: a few hundred tickets a
week on its lines (A: ZIS, B: KONS and BANTU, C: SURAT and BEA) with realistic waiting and service
times, some no-shows, appointments kept and missed, and requests finished on time or late.
Deterministic (a fixed random seed, days counted back from this week) and written with
``bulk_create``; the services, lines and counters the catalogue and queue seeds made are used (and
made here only when missing, so this part also runs alone)."""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from satuatap.core.tracking import ALPHABET
from satuatap.organizations.selectors import calendar_for
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

SEED = 1710
WEEKS = 8
SERVICES = {  # code: (name, line, minutes at the counter, working days of a request, share of tickets)
    "ZIS": ("Pembayaran zakat, infak dan sedekah", "A", 10, None, 0.42),
    "KONS": ("Konsultasi zakat", "B", 20, None, 0.18),
    "BANTU": ("Permohonan bantuan", "B", 10, 10, 0.25),
    "SURAT": ("Surat rekomendasi / keterangan mustahik", "C", 10, 3, 0.10),
    "BEA": ("Permohonan beasiswa", "C", 15, 14, 0.05),
}
LINES = {"A": "Zakat, infak, sedekah", "B": "Konsultasi dan bantuan", "C": "Surat dan beasiswa"}
COUNTER_SERVICES = {1: ["ZIS"], 2: ["KONS", "BANTU"], 3: ["SURAT", "BEA", "BANTU"], 4: list(SERVICES)}


def _code(rng: random.Random, taken: set[str]) -> str:
    while True:
        code = "".join(rng.choice(ALPHABET) for _ in range(10))
        if code not in taken:
            taken.add(code)
            return code


def _desk(unit, admin):
    services = {}
    for position, (code, (name, _line, minutes, days, _share)) in enumerate(SERVICES.items()):
        services[code], _created = Service.objects.get_or_create(
            unit=unit, code=code, defaults={"name": name, "position": position, "needs_request": days is not None}
        )
        if not ServiceStandard.objects.filter(service=services[code]).exists():
            ServiceStandard.objects.create(
                service=services[code], version=1, status="published", service_minutes=minutes, service_days=days,
                effective_from=timezone.localdate() - timedelta(days=365), drafted_by=admin,
            )  # fmt: skip
    lines = {}
    for position, (prefix, name) in enumerate(LINES.items()):
        lines[prefix], created = QueueLine.objects.get_or_create(
            unit=unit, prefix=prefix, defaults={"name": name, "position": position}
        )
        if created:
            lines[prefix].services.set([services[c] for c, v in SERVICES.items() if v[1] == prefix])
    counters = {}
    for number, codes in COUNTER_SERVICES.items():
        counters[number], created = Counter.objects.get_or_create(unit=unit, number=number)
        if created:
            counters[number].services.set([services[c] for c in codes])
    return services, lines, counters


def seed(admin, staff, units) -> None:
    unit = units["service"]
    rng = random.Random(SEED)
    zone = unit.tzinfo
    services, lines, counters = _desk(unit, admin)
    officers = [staff.get("loket"), staff.get("loket"), staff.get("kepalalayanan"), staff.get("loket")]
    calendar = calendar_for(unit)
    today = timezone.localtime(timezone.now(), zone).date()
    monday = today - timedelta(days=today.weekday())
    first = monday - timedelta(weeks=WEEKS)
    days = calendar.working_days(first, monday - timedelta(days=1)) or [
        first + timedelta(days=n) for n in range(WEEKS * 7) if (first + timedelta(days=n)).weekday() < 6
    ]
    codes = set(QueueTicket.objects.values_list("code", flat=True))
    codes |= set(Appointment.objects.values_list("code", flat=True))
    codes |= set(ServiceRequest.objects.values_list("code", flat=True))
    standards = {
        code: ServiceStandard.objects.filter(service=service, status="published").order_by("-version").first()
        for code, service in services.items()
    }
    weights = [v[4] for v in SERVICES.values()]
    tickets, appointments, requests = [], [], []
    for day in days:
        busy = {0: 1.35, 4: 0.8, 5: 0.55}.get(day.weekday(), 1.0)
        count = int(rng.randint(48, 62) * busy)
        opens = datetime.combine(day, time(8), tzinfo=zone)
        numbers = dict.fromkeys(lines, 0)
        for minute in sorted(rng.uniform(0, 420) for _ in range(count)):
            code = rng.choices(list(SERVICES), weights)[0]
            prefix = SERVICES[code][1]
            numbers[prefix] += 1
            taken = opens + timedelta(minutes=minute)
            number = rng.choice([n for n, served in COUNTER_SERVICES.items() if code in served])
            waited = timedelta(minutes=min(rng.expovariate(1 / 9), 75))
            service_time = timedelta(minutes=1 + rng.expovariate(1 / (SERVICES[code][2] * 0.7)))
            roll = rng.random()
            status = "cancelled" if roll < 0.01 else "no_show" if roll < 0.07 else "done"
            called = taken + waited if status != "cancelled" else None
            tickets.append(QueueTicket(
                unit=unit, line=lines[prefix], service=services[code], day=day, number=numbers[prefix],
                code=_code(rng, codes), status=status, source=rng.choice(["kiosk", "kiosk", "kiosk", "phone"]),
                taken_at=taken, wait_from=taken, called_at=called, calls=0 if called is None else 1,
                counter=counters[number] if called else None, officer=officers[number - 1] if called else None,
                started_at=called + timedelta(seconds=30) if status == "done" else None,
                finished_at=called + timedelta(seconds=30) + service_time if status == "done" else None,
                outcome="served" if status == "done" else "",
                no_show_at=called + timedelta(minutes=4) if status == "no_show" else None,
            ))  # fmt: skip
        for slot in range(rng.randint(3, 6)):
            start = opens + timedelta(minutes=30 * slot + 60)
            roll = rng.random()
            appointments.append(Appointment(
                unit=unit, service=services["KONS"], code=_code(rng, codes), slot_start=start,
                slot_end=start + timedelta(minutes=30), name=f"Tamu {day:%d%m}-{slot + 1}",
                status="checked_in" if roll < 0.8 else "no_show" if roll < 0.93 else "cancelled",
                checked_in_at=start - timedelta(minutes=5) if roll < 0.8 else None,
            ))  # fmt: skip
        for _request in range(rng.randint(1, 4)):
            code = rng.choice(["BANTU", "BANTU", "SURAT", "BEA"])
            standard = standards[code]
            if standard is None:
                continue
            received = opens + timedelta(minutes=rng.uniform(30, 400))
            due = calendar.due_at(received, standard.service_days or SERVICES[code][3] or 3)
            late = rng.random() < 0.12
            finished = (
                due + timedelta(days=rng.uniform(0.2, 3))
                if late
                else received + (due - received) * rng.uniform(0.3, 0.95)
            )
            finished = finished if finished < timezone.now() else None
            requests.append(ServiceRequest(
                unit=unit, service=services[code], standard=standard, code=_code(rng, codes),
                channel=rng.choice([RequestChannel.COUNTER, RequestChannel.TICKET, RequestChannel.ONLINE]),
                applicant_name=f"Pemohon {day:%d%m}", status="handed_over" if finished else "processed",
                received_at=received, due_at=due, finished_at=finished, notify=False,
                handed_to="Pemohon" if finished else "",
            ))  # fmt: skip
    QueueTicket.objects.bulk_create(tickets, batch_size=1000)
    Appointment.objects.bulk_create(appointments, batch_size=1000)
    ServiceRequest.objects.bulk_create(requests, batch_size=1000)
