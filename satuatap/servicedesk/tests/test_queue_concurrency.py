# ruff: noqa: F811  (the shared fixture "desk" is imported, then named by the tests)
"""Counters pressing "next" at the same instant never get the same ticket.

On PostgreSQL (the CI's second run) several counters call through a few hundred tickets in
threads: ``SELECT … FOR UPDATE SKIP LOCKED`` picks the candidate and a conditional update claims
it. SQLite serialises writers, so its run is smaller, with the same threads and checks. Kiosks
take tickets at the same time, so the numbers must also stay gapless.
"""

import threading
from collections import Counter as Tally

import pytest
from django.db import connection, connections

from satuatap.servicedesk.errors import QueueRefused
from satuatap.servicedesk.models import QueueTicket, TicketEvent, TicketStatus
from satuatap.servicedesk.queue import services as queue
from satuatap.servicedesk.tests.test_queue_services import at, desk  # noqa: F401  (fixture)


@pytest.mark.django_db(transaction=True)
def test_counters_calling_at_once_never_get_the_same_ticket_and_numbers_stay_gapless(desk):
    on_pg = connection.vendor == "postgresql"
    tickets_n = 240 if on_pg else 30
    extra = range(4, 9 if on_pg else 5)
    counters = [desk.c1, desk.c3] + [
        queue.counter_save(actor=desk.hana, unit=desk.unit, number=n, services=[desk.zis]) for n in extra
    ]
    for counter in counters:
        queue.counter_open(actor=desk.olga, counter=counter, at=at(8))
    start = threading.Barrier(len(counters) + 2)
    errors: list[BaseException] = []
    called: list[int] = []
    lock = threading.Lock()

    def kiosk(part: int) -> None:
        try:
            start.wait()
            for n in range(tickets_n // 2):
                queue.ticket_take(unit=desk.unit, service=desk.zis, at=at(9, (n + part) % 60))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    def serve(counter) -> None:
        try:
            start.wait()
            idle = 0
            while idle < 40:
                try:
                    ticket = queue.counter_next(actor=desk.olga, counter=counter, at=at(10))
                except QueueRefused:
                    idle += 1
                    continue
                idle = 0
                with lock:
                    called.append(ticket.pk)
                queue.counter_finish(actor=desk.olga, counter=counter, at=at(10, 1))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=kiosk, args=(i,)) for i in range(2)]
    threads += [threading.Thread(target=serve, args=(c,)) for c in counters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[:3]
    # Whatever the threads left waiting (the kiosks may finish last) is called now, one counter.
    while True:
        try:
            ticket = queue.counter_next(actor=desk.olga, counter=desk.c1, at=at(10))
        except QueueRefused:
            break
        called.append(ticket.pk)
        queue.counter_finish(actor=desk.olga, counter=desk.c1, at=at(10, 1))

    numbers = sorted(QueueTicket.objects.values_list("number", flat=True))
    assert numbers == list(range(1, tickets_n + 1))
    assert len(called) == len(set(called)) == tickets_n
    calls = Tally(TicketEvent.objects.filter(kind="called").values_list("ticket_id", flat=True))
    assert set(calls.values()) == {1} and len(calls) == tickets_n
    assert not QueueTicket.objects.exclude(status=TicketStatus.DONE).exists()
