"""The walk-in queue's rules: taking tickets (closed office, quota, gapless numbers, daily reset),
booking check-in, and the counter's actions (order, priority, recall, no-show, transfer)."""

from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from satuatap.audit.models import AuditAction, AuditEvent
from satuatap.collection.tests.conftest import english_messages  # noqa: F401  (fixture)
from satuatap.organizations.models import Role
from satuatap.outbox.models import Message
from satuatap.servicedesk.errors import QueueRefused
from satuatap.servicedesk.models import (
    Appointment,
    AppointmentStatus,
    DeskSettings,
    LineKind,
    NoShowRule,
    QueueTicket,
    Service,
    TicketEvent,
    TicketStatus,
)
from satuatap.servicedesk.queue import selectors
from satuatap.servicedesk.queue import services as queue
from tests.factories import UserFactory, grant

WIB = ZoneInfo("Asia/Jakarta")


def at(hour: int, minute: int = 0, day: int = 2) -> datetime:
    """A moment of Monday 2 March 2026 (a working day) in WIB."""
    return datetime(2026, 3, day, hour, minute, tzinfo=WIB)


@pytest.fixture
def desk(world):
    """At branch A: services ZIS, KONS, BANTU; line A (ZIS), B (KONS, BANTU), J (appointments);
    counter 1 (ZIS), 2 (KONS, BANTU), 3 (all); officer Olga (front office), head Hana."""
    unit = world.branch_a
    olga, hana = UserFactory(username="olga"), UserFactory(username="hana")
    grant(olga, unit, Role.FRONT_OFFICE)
    grant(hana, unit, Role.HEAD)
    zis = Service.objects.create(unit=unit, code="ZIS", name="Bayar zakat", position=1)
    kons = Service.objects.create(unit=unit, code="KONS", name="Konsultasi", needs_appointment=True, position=2)
    bantu = Service.objects.create(unit=unit, code="BANTU", name="Pengajuan bantuan", position=3)
    line_a = queue.line_save(actor=hana, unit=unit, prefix="A", name="Zakat", services=[zis])
    line_b = queue.line_save(actor=hana, unit=unit, prefix="B", name="Konsultasi", services=[kons, bantu])
    line_j = queue.line_save(actor=hana, unit=unit, prefix="J", name="Janji temu", kind=LineKind.APPOINTMENT)
    c1 = queue.counter_save(actor=hana, unit=unit, number=1, services=[zis])
    c2 = queue.counter_save(actor=hana, unit=unit, number=2, services=[kons, bantu])
    c3 = queue.counter_save(actor=hana, unit=unit, number=3, services=[zis, kons, bantu])
    DeskSettings.objects.create(unit=unit)
    return SimpleNamespace(unit=unit, olga=olga, hana=hana, zis=zis, kons=kons, bantu=bantu, line_a=line_a,
                           line_b=line_b, line_j=line_j, c1=c1, c2=c2, c3=c3)  # fmt: skip


def take(desk, service=None, minute=0, hour=9, **kwargs):
    return queue.ticket_take(unit=desk.unit, service=service or desk.zis, at=at(hour, minute), **kwargs).ticket


def open_(desk, *counters):
    for counter in counters:
        queue.counter_open(actor=desk.olga, counter=counter, at=at(8))


def book(desk, hour, minute=0, code="BKNG234567", service=None):
    start = at(hour, minute)
    return Appointment.objects.create(unit=desk.unit, service=service or desk.kons, code=code, slot_start=start,
                                      slot_end=start + timedelta(minutes=30), name="Budi")  # fmt: skip


# --- set-up ---------------------------------------------------------------------------------------


def test_setting_up_lines_and_counters_is_audited_and_for_those_who_configure(desk):
    assert AuditEvent.objects.filter(action=AuditAction.QUEUE_CONFIGURED).count() == 6
    with pytest.raises(Exception) as refused:
        queue.line_save(actor=desk.olga, unit=desk.unit, prefix="C", name="X", services=[desk.zis])
    assert "PermissionDenied" in type(refused.value).__mro__[1].__name__ or refused.type.__name__ == "NotAllowed"


def test_a_line_letter_is_unique_and_a_service_is_in_one_walk_in_line(desk):
    with pytest.raises(QueueRefused) as refused:
        queue.line_save(actor=desk.hana, unit=desk.unit, prefix="a", name="", services=[desk.zis])
    assert set(refused.value.message_dict) == {"prefix", "name", "services"}


def test_a_counter_number_is_unique(desk):
    with pytest.raises(QueueRefused) as refused:
        queue.counter_save(actor=desk.hana, unit=desk.unit, number=1, services=[desk.zis])
    assert "number" in refused.value.message_dict


# --- taking a ticket -----------------------------------------------------------------------------


def test_numbers_are_gapless_per_line_and_day_and_start_again_the_next_day(desk):
    a1, a2 = take(desk), take(desk, minute=1)
    b1 = take(desk, desk.bantu, minute=2)
    assert (a1.label, a2.label, b1.label) == ("A-001", "A-002", "B-001")
    with pytest.raises(QueueRefused):
        take(desk, desk.zis, hour=20)  # closed: no number spent
    a3 = take(desk, minute=3)
    assert a3.label == "A-003"
    tuesday = queue.ticket_take(unit=desk.unit, service=desk.zis, at=at(9, day=3)).ticket
    assert tuesday.label == "A-001" and str(tuesday.day) == "2026-03-03"


def test_the_day_is_the_units_local_date(desk):
    # 00:30 WIB on Tuesday is still Monday in UTC: the ticket is Tuesday's (office open from 08:00 only)
    late = datetime(2026, 3, 3, 8, 5, tzinfo=WIB)
    ticket = queue.ticket_take(unit=desk.unit, service=desk.zis, at=late).ticket
    assert str(ticket.day) == "2026-03-03"


def test_a_ticket_is_refused_when_the_office_is_closed_and_says_when_it_opens(desk):
    with pytest.raises(QueueRefused) as refused:
        take(desk, hour=17)
    assert "closed" in str(refused.value) and "08:00" in str(refused.value)
    with pytest.raises(QueueRefused):
        queue.ticket_take(unit=desk.unit, service=desk.zis, at=at(10, day=7))  # a Saturday: default week


def test_the_daily_quota_refuses_with_come_back_or_book(desk):
    Service.objects.filter(pk=desk.zis.pk).update(daily_quota=2)
    desk.zis.refresh_from_db()
    take(desk), take(desk, minute=1)
    with pytest.raises(QueueRefused) as refused:
        take(desk, minute=2)
    message = str(refused.value)
    assert "quota" in message and "appointment" in message and "08:00" in message
    assert take(desk, desk.bantu, minute=3).label == "B-001"


def test_a_service_not_at_the_queue_is_refused(desk, world):
    other = Service.objects.create(unit=desk.unit, code="SURAT", name="Surat")
    with pytest.raises(QueueRefused):
        take(desk, other)


def test_a_new_ticket_knows_the_people_ahead_and_a_wait(desk):
    take(desk), take(desk, minute=1)
    taken = queue.ticket_take(unit=desk.unit, service=desk.zis, at=at(9, 2))
    assert taken.ahead == 2 and taken.wait_minutes > 0


# --- the counter -----------------------------------------------------------------------------------


def test_next_is_refused_while_closed_and_when_nothing_waits(desk):
    with pytest.raises(QueueRefused) as refused:
        queue.counter_next(actor=desk.olga, counter=desk.c1, at=at(9))
    assert "Open the counter" in str(refused.value)
    open_(desk, desk.c1)
    with pytest.raises(QueueRefused) as refused:
        queue.counter_next(actor=desk.olga, counter=desk.c1, at=at(9))
    assert "No one is waiting" in str(refused.value)


def test_next_calls_in_waiting_order_among_the_counters_services(desk):
    a1 = take(desk, minute=0)
    b1 = take(desk, desk.bantu, minute=1)
    a2 = take(desk, minute=2)
    open_(desk, desk.c1, desk.c2)
    assert queue.counter_next(actor=desk.olga, counter=desk.c2, at=at(9, 5)) == b1
    assert queue.counter_next(actor=desk.olga, counter=desk.c1, at=at(9, 5)) == a1
    queue.counter_finish(actor=desk.olga, counter=desk.c1, at=at(9, 10))
    assert queue.counter_next(actor=desk.olga, counter=desk.c1, at=at(9, 11)) == a2
    assert TicketEvent.objects.filter(kind="called").count() == 3


def test_a_ticket_is_never_called_twice(desk):
    take(desk)
    open_(desk, desk.c1, desk.c3)
    first = queue.counter_next(actor=desk.olga, counter=desk.c1, at=at(9, 1))
    with pytest.raises(QueueRefused):
        queue.counter_next(actor=desk.olga, counter=desk.c3, at=at(9, 1))
    assert QueueTicket.objects.get(pk=first.pk).counter == desk.c1


def test_next_is_refused_while_a_ticket_is_at_the_counter(desk):
    take(desk), take(desk, minute=1)
    open_(desk, desk.c1)
    queue.counter_next(actor=desk.olga, counter=desk.c1, at=at(9, 2))
    with pytest.raises(QueueRefused):
        queue.counter_next(actor=desk.olga, counter=desk.c1, at=at(9, 3))


def test_a_priority_ticket_is_called_at_least_every_n_calls(desk):
    DeskSettings.objects.filter(unit=desk.unit).update(priority_every=2)
    plain = [take(desk, minute=m) for m in range(4)]
    elderly = take(desk, minute=5, priority="elderly")
    open_(desk, desk.c1)
    called = []
    for m in range(4):
        called.append(queue.counter_next(actor=desk.olga, counter=desk.c1, at=at(10, m * 2)))
        queue.counter_finish(actor=desk.olga, counter=desk.c1, at=at(10, m * 2 + 1))
    assert called == [plain[0], plain[1], elderly, plain[2]]


def test_booked_tickets_wait_from_their_slot_and_come_first_once_it_has_come(desk):
    walk_in = take(desk, desk.kons, hour=9, minute=0)
    late_slot = book(desk, 9, 30, code="BKNGAAAAAA")
    early_slot = book(desk, 9, 15, code="BKNGBBBBBB")
    second = queue.ticket_check_in(code="BKNG-AAAAAA", at=at(9, 5)).ticket
    first = queue.ticket_check_in(code="bkngbbbbbb", at=at(9, 6)).ticket
    assert (second.line, second.wait_from, second.label) == (desk.line_j, late_slot.slot_start, "J-001")
    late_slot.refresh_from_db()
    assert late_slot.status == AppointmentStatus.CHECKED_IN
    open_(desk, desk.c2)
    # 09:10: no slot has come yet: the walk-in goes first
    assert queue.counter_next(actor=desk.olga, counter=desk.c2, at=at(9, 10)) == walk_in
    queue.counter_finish(actor=desk.olga, counter=desk.c2, at=at(9, 12))
    assert queue.counter_next(actor=desk.olga, counter=desk.c2, at=at(9, 31)) == first
    assert early_slot.slot_start < late_slot.slot_start


def test_check_in_limits_too_early_late_and_twice(desk):
    book(desk, 10, 0)
    with pytest.raises(QueueRefused) as refused:
        queue.ticket_check_in(code="BKNG234567", at=at(9, 0))
    assert "too early" in str(refused.value)
    taken = queue.ticket_check_in(code="BKNG234567", at=at(10, 20))
    assert taken.late and taken.ticket.line == desk.line_b and taken.ticket.wait_from == at(10, 20)
    with pytest.raises(QueueRefused) as refused:
        queue.ticket_check_in(code="BKNG234567", at=at(10, 21))
    assert "already" in str(refused.value)
    with pytest.raises(QueueRefused):
        queue.ticket_check_in(code="NOSUCHCODE", at=at(10, 21))


def test_a_transfer_keeps_the_waiting_time(desk):
    a1 = take(desk, minute=0)
    b1, b2 = take(desk, desk.kons, minute=5), take(desk, desk.kons, minute=6)
    open_(desk, desk.c1, desk.c2)
    queue.counter_next(actor=desk.olga, counter=desk.c1, at=at(9, 10))
    moved = queue.counter_transfer(actor=desk.olga, counter=desk.c1, to_service=desk.kons, at=at(9, 12))
    assert moved.status == TicketStatus.WAITING and moved.wait_from == a1.wait_from
    assert queue.counter_next(actor=desk.olga, counter=desk.c2, at=at(9, 13)) == a1
    assert {b1.pk, b2.pk} == set(QueueTicket.objects.filter(status="waiting").values_list("pk", flat=True))


def test_a_transfer_to_a_counter_goes_first_there_and_is_refused_where_not_served(desk):
    take(desk, desk.kons, minute=0)
    a1 = take(desk, minute=1)
    open_(desk, desk.c1, desk.c3)
    queue.counter_next(actor=desk.olga, counter=desk.c1, at=at(9, 10))
    with pytest.raises(QueueRefused) as refused:
        queue.counter_transfer(actor=desk.olga, counter=desk.c1, to_counter=desk.c2, at=at(9, 11))
    assert "does not serve" in str(refused.value)
    queue.counter_transfer(actor=desk.olga, counter=desk.c1, to_counter=desk.c3, at=at(9, 11))
    assert queue.counter_next(actor=desk.olga, counter=desk.c3, at=at(9, 12)) == a1


def test_recall_up_to_the_limit_then_no_show(desk):
    take(desk)
    open_(desk, desk.c1)
    ticket = queue.counter_next(actor=desk.olga, counter=desk.c1, at=at(9, 1))
    assert queue.counter_recall(actor=desk.olga, counter=desk.c1, at=at(9, 2)).calls == 2
    assert queue.counter_recall(actor=desk.olga, counter=desk.c1, at=at(9, 3)).calls == 3
    last = queue.counter_recall(actor=desk.olga, counter=desk.c1, at=at(9, 4))
    assert last.pk == ticket.pk and last.status == TicketStatus.NO_SHOW
    assert list(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True)) == [
        "taken", "called", "recalled", "recalled", "no_show"]  # fmt: skip


def test_a_recallable_no_show_returns_within_n_calls_only(desk):
    DeskSettings.objects.filter(unit=desk.unit).update(no_show_recall_calls=1)
    gone = take(desk, minute=0)
    take(desk, minute=1), take(desk, minute=2)
    open_(desk, desk.c1)
    queue.counter_next(actor=desk.olga, counter=desk.c1, at=at(9, 5))
    queue.counter_no_show(actor=desk.olga, counter=desk.c1, at=at(9, 6))
    assert [t.pk for t in selectors.no_shows_recallable(desk.c1, at=at(9, 6))] == [gone.pk]
    back = queue.counter_call_back(actor=desk.olga, counter=desk.c1, ticket=gone, at=at(9, 7))
    assert back.status == TicketStatus.CALLED
    queue.counter_no_show(actor=desk.olga, counter=desk.c1, at=at(9, 8))
    queue.counter_next(actor=desk.olga, counter=desk.c1, at=at(9, 9))  # one later call: too late now
    queue.counter_finish(actor=desk.olga, counter=desk.c1, at=at(9, 10))
    with pytest.raises(QueueRefused):
        queue.counter_call_back(actor=desk.olga, counter=desk.c1, ticket=gone, at=at(9, 11))


def test_a_final_no_show_needs_a_new_ticket(desk):
    DeskSettings.objects.filter(unit=desk.unit).update(no_show_rule=NoShowRule.FINAL)
    gone = take(desk)
    open_(desk, desk.c1)
    queue.counter_next(actor=desk.olga, counter=desk.c1, at=at(9, 5))
    queue.counter_no_show(actor=desk.olga, counter=desk.c1, at=at(9, 6))
    assert selectors.no_shows_recallable(desk.c1, at=at(9, 6)) == []
    with pytest.raises(QueueRefused):
        queue.counter_call_back(actor=desk.olga, counter=desk.c1, ticket=gone, at=at(9, 7))


def test_start_and_finish_record_the_service_time_and_outcome(desk):
    take(desk)
    open_(desk, desk.c1)
    queue.counter_next(actor=desk.olga, counter=desk.c1, at=at(9, 1))
    queue.counter_start(actor=desk.olga, counter=desk.c1, at=at(9, 2))
    with pytest.raises(QueueRefused):
        queue.counter_pause(actor=desk.olga, counter=desk.c1, at=at(9, 3))
    done = queue.counter_finish(actor=desk.olga, counter=desk.c1, outcome="request", note="ok", at=at(9, 12))
    assert (done.status, done.outcome, done.finished_at - done.started_at) == ("done", "request", timedelta(minutes=10))
    assert queue.counter_pause(actor=desk.olga, counter=desk.c1, at=at(9, 13)).status == "paused"


def test_serving_needs_the_serve_role(desk, world):
    with pytest.raises(Exception) as refused:
        queue.counter_open(actor=world.audrey, counter=desk.c1, at=at(8))
    assert refused.type.__name__ in {"NotAllowed", "PermissionDenied"}


def test_a_phone_ticket_is_told_once_when_nearly_its_turn(desk):
    DeskSettings.objects.filter(unit=desk.unit).update(notify_when_ahead=1)
    for m in range(3):
        take(desk, minute=m)
    phone = take(desk, minute=4, source="phone", notify_channel="whatsapp", notify_to="0812 3456 7890")
    open_(desk, desk.c1)
    queue.counter_next(actor=desk.olga, counter=desk.c1, at=at(9, 10))
    assert Message.objects.count() == 0
    queue.counter_finish(actor=desk.olga, counter=desk.c1, at=at(9, 11))
    queue.counter_next(actor=desk.olga, counter=desk.c1, at=at(9, 12))
    assert Message.objects.filter(reference=f"ticket:{phone.code}").count() == 1
    queue.counter_finish(actor=desk.olga, counter=desk.c1, at=at(9, 13))
    queue.counter_next(actor=desk.olga, counter=desk.c1, at=at(9, 14))
    assert Message.objects.count() == 1


def test_the_spoken_call_is_in_indonesian_words():
    assert selectors.spoken_call("A", 12, 3) == "Nomor antrean A dua belas, silakan ke loket tiga"
    assert selectors.number_words(111) == "seratus sebelas"
    assert selectors.number_words(999) == "sembilan ratus sembilan puluh sembilan"
    assert selectors.number_words(20) == "dua puluh"
