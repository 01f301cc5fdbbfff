"""The service desk's queue in the demo: lines A/B/C and the appointment line J, counters 1–4 at
the integrated service office (KDSLY1), and a morning of tickets through the queue's services.

Which morning: when ``make run`` starts on a working day after the office opened, today's (from
the opening until now, at most four hours), so the kiosk, the counter screen and the board show a
live queue; otherwise (before opening, on a closed day) the last working day's morning, and today's
queue starts empty. Either way three counters are left open by ``loket`` with people waiting and one
being served, so "Call next" works at once. The regency office of Pati gets a small line too.
"""

import contextlib
import random
from datetime import datetime, timedelta

from satuatap.organizations.selectors import calendar_for
from satuatap.servicedesk.errors import QueueRefused
from satuatap.servicedesk.models import LineKind, Service
from satuatap.servicedesk.queue import services as queue

# Code -> (name, queue, appointment, request), as the catalogue's demo defines them.
SERVICES = {
    "ZIS": ("Pembayaran zakat, infak dan sedekah", True, False, False),
    "KONS": ("Konsultasi zakat", True, True, False),
    "BANTU": ("Pengajuan bantuan", True, False, True),
    "SURAT": ("Surat rekomendasi / keterangan mustahik", True, False, True),
    "BEA": ("Pengajuan beasiswa", True, True, True),
}
# How often each service is asked for at the kiosk, and its minutes at the counter.
WEIGHTS = {"ZIS": 40, "KONS": 15, "BANTU": 25, "SURAT": 10, "BEA": 10}
MINUTES = {"ZIS": (4, 10), "KONS": (12, 22), "BANTU": (8, 15), "SURAT": (6, 12), "BEA": (10, 18)}


def _service(unit, code: str) -> Service:
    name, needs_queue, needs_appointment, needs_request = SERVICES[code]
    service, _created = Service.objects.get_or_create(
        unit=unit,
        code=code,
        defaults={"name": name, "needs_queue": needs_queue, "needs_appointment": needs_appointment,
                  "needs_request": needs_request, "position": list(SERVICES).index(code)},
    )  # fmt: skip
    if not service.needs_queue:
        Service.objects.filter(pk=service.pk).update(needs_queue=True)
        service.needs_queue = True
    return service


def _morning(unit):
    """(first moment, last moment) of the morning to seed (see the module's note)."""
    calendar = calendar_for(unit)
    now = calendar.local()
    periods = calendar.periods_on(now.date())
    if periods and now >= periods[0][0] + timedelta(minutes=10):
        start = periods[0][0]
        return start, min(now - timedelta(minutes=1), start + timedelta(hours=4))
    day = now.date() - timedelta(days=1)
    for _step in range(30):
        periods = calendar.periods_on(day)
        if periods:
            start = periods[0][0]
            return start, start + timedelta(hours=3, minutes=20)
        day -= timedelta(days=1)
    return None, None


def _simulate(unit, officer, counters, services, start: datetime, end: datetime, rng: random.Random) -> None:
    """Arrivals every 2–4 minutes, counters calling, serving and finishing as time goes by."""
    calendar = calendar_for(unit)
    codes = list(WEIGHTS)
    weights = [WEIGHTS[c] for c in codes]
    arrivals = []
    moment = start + timedelta(minutes=rng.randint(0, 3))
    while moment < end:
        if calendar.is_open(moment):
            arrivals.append(moment)
        moment += timedelta(minutes=rng.randint(2, 4), seconds=rng.randint(0, 59))
    for counter in counters:
        queue.counter_open(actor=officer, counter=counter, at=start)
    busy: dict[int, tuple[str, datetime]] = {}  # counter pk -> (state, until)
    calls = 0
    minute = start
    index = 0
    while minute <= end:
        while index < len(arrivals) and arrivals[index] <= minute:
            code = rng.choices(codes, weights)[0]
            priority = "elderly" if rng.random() < 0.1 else ("pregnant" if rng.random() < 0.03 else "")
            source = "kiosk" if rng.random() < 0.8 else "phone"
            with contextlib.suppress(QueueRefused):  # a quota the catalogue set
                queue.ticket_take(unit=unit, service=services[code], source=source, priority=priority,
                                  at=arrivals[index])  # fmt: skip
            index += 1
        for counter in counters:
            state, until = busy.get(counter.pk, ("free", minute))
            if until > minute:
                continue
            at = minute + timedelta(seconds=rng.randint(0, 50))
            if state == "called":
                if rng.random() < 0.08:
                    queue.counter_no_show(actor=officer, counter=counter, at=at)
                    busy[counter.pk] = ("free", at)
                else:
                    ticket = queue.counter_start(actor=officer, counter=counter, at=at)
                    low, high = MINUTES[ticket.service.code]
                    busy[counter.pk] = ("serving", at + timedelta(minutes=rng.randint(low, high)))
            elif state == "serving":
                outcome = "request" if rng.random() < 0.15 else "served"
                queue.counter_finish(actor=officer, counter=counter, outcome=outcome, at=at)
                busy[counter.pk] = ("free", at + timedelta(minutes=rng.randint(0, 2)))
            else:
                try:
                    queue.counter_next(actor=officer, counter=counter, at=at)
                except QueueRefused:
                    continue
                calls += 1
                busy[counter.pk] = ("called", at + timedelta(minutes=1))
        minute += timedelta(minutes=1)
    # Counter 4 helps in the first hour only; leave one ticket in service, the rest waiting.
    for counter in counters:
        state, _until = busy.get(counter.pk, ("free", end))
        if state == "called":
            queue.counter_start(actor=officer, counter=counter, at=end)
            state = "serving"
        if state == "serving" and counter.number != counters[0].number:
            queue.counter_finish(actor=officer, counter=counter, at=end)
        if counter.number == 4:
            queue.counter_pause(actor=officer, counter=counter, at=end)


def seed(admin, staff, units) -> None:
    unit = units["service"]
    head, officer = staff["kepalalayanan"], staff["loket"]
    services = {code: _service(unit, code) for code in SERVICES}
    queue.line_save(actor=head, unit=unit, prefix="A", name="Zakat, infak, sedekah", services=[services["ZIS"]],
                    position=1)  # fmt: skip
    queue.line_save(actor=head, unit=unit, prefix="B", name="Konsultasi dan bantuan",
                    services=[services["KONS"], services["BANTU"]], position=2)  # fmt: skip
    queue.line_save(actor=head, unit=unit, prefix="C", name="Surat dan beasiswa",
                    services=[services["SURAT"], services["BEA"]], position=3)  # fmt: skip
    queue.line_save(actor=head, unit=unit, prefix="J", name="Janji temu", kind=LineKind.APPOINTMENT, position=4)
    counters = [
        queue.counter_save(actor=head, unit=unit, number=1, services=[services["ZIS"]]),
        queue.counter_save(actor=head, unit=unit, number=2, services=[services["KONS"], services["BANTU"]]),
        queue.counter_save(
            actor=head, unit=unit, number=3, services=[services["SURAT"], services["BEA"], services["BANTU"]]
        ),  # fmt: skip
        queue.counter_save(actor=head, unit=unit, number=4, services=list(services.values())),
    ]
    start, end = _morning(unit)
    if start is not None and end is not None and end > start:
        _simulate(unit, officer, counters, services, start, end, random.Random(17))
    _small_line(units["regency_a"], staff)


def _small_line(unit, staff) -> None:
    head = staff["kepala"]
    zis = _service(unit, "ZIS")
    queue.line_save(actor=head, unit=unit, prefix="A", name="Layanan zakat", services=[zis])
    counter = queue.counter_save(actor=head, unit=unit, number=1, name="Meja depan", services=[zis])
    start, end = _morning(unit)
    if start is None or end is None or end <= start:
        return
    calendar = calendar_for(unit)
    moments = [start + timedelta(minutes=m) for m in (5, 17, 31, 44)]
    for moment in [m for m in moments if m < end and calendar.is_open(m)]:
        queue.ticket_take(unit=unit, service=zis, at=moment)
    if moments[0] < end:
        queue.counter_open(actor=head, counter=counter, at=moments[0])
        with contextlib.suppress(QueueRefused):
            queue.counter_next(actor=head, counter=counter, at=moments[0] + timedelta(minutes=2))
            queue.counter_finish(actor=head, counter=counter, at=moments[0] + timedelta(minutes=9))
