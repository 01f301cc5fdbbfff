"""Slots from the office hours: cut by the service's slot length around the breaks, none on a
holiday, a closure or a weekend day without hours, none that has started, places counted from the
bookings that hold one."""

from datetime import date, time, timedelta

from django.utils import translation

from satuatap.collection.tests.conftest import english_messages  # noqa: F401  (fixture)
from satuatap.organizations.models import Closure
from satuatap.servicedesk.appointments import selectors
from satuatap.servicedesk.appointments.services import appointment_book, appointment_cancel
from satuatap.servicedesk.tests import appointments_setup
from satuatap.servicedesk.tests.appointments_setup import CHRISTMAS, EARLY, FRIDAY, MONDAY, at

desk = appointments_setup.desk  # the fixture


def times(slots):
    return [s.start.timetz().replace(tzinfo=None) for s in slots]


def test_monday_slots_fill_the_opening_hours_around_the_lunch_break(desk):
    slots = selectors.slots_for(desk.kons, MONDAY, now=EARLY)
    assert len(slots) == 12 + 9
    assert times(slots)[0] == time(8) and times(slots)[11] == time(11, 40) and times(slots)[12] == time(13)
    assert all(not (time(12) <= t < time(13)) for t in times(slots))
    assert all(s.capacity == 2 and s.left == 2 for s in slots)
    assert slots[-1].end.timetz().replace(tzinfo=None) == time(16)


def test_friday_slots_leave_the_prayer_break_and_never_cross_a_closing_time(desk):
    slots = selectors.slots_for(desk.kons, FRIDAY, now=EARLY)
    found = times(slots)
    assert found[:10] == [time(8 + m // 60, m % 60) for m in range(0, 200, 20)]
    assert time(11, 20) not in found and time(13, 30) in found
    assert found[-1] == time(15, 30)  # 15:50 would end after 16:00
    assert len(slots) == 10 + 7


def test_no_slots_on_christmas_and_the_holiday_is_named_in_either_language(desk):
    assert selectors.slots_for(desk.kons, CHRISTMAS, now=EARLY) == []
    from satuatap.organizations.selectors import calendar_for

    with translation.override("id"):
        assert "Natal" in calendar_for(desk.unit).closed_because(CHRISTMAS)
    with translation.override("en"):
        assert "Christmas" in calendar_for(desk.unit).closed_because(CHRISTMAS)


def test_no_slots_on_a_sunday_or_a_closure_of_the_unit_or_above_it(desk, world):
    assert selectors.slots_for(desk.kons, MONDAY - timedelta(days=1), now=EARLY) == []
    Closure.objects.create(unit=world.area, first_day=MONDAY, last_day=MONDAY, name="Haul Sunan Kudus")
    assert selectors.slots_for(desk.kons, MONDAY, now=EARLY) == []


def test_slots_that_have_started_are_not_offered(desk):
    slots = selectors.slots_for(desk.kons, MONDAY, now=at(MONDAY, 10, 5))
    assert times(slots)[0] == time(10, 20)
    assert selectors.slots_for(desk.kons, MONDAY, now=at(MONDAY, 16)) == []


def test_places_left_count_booked_places_and_a_cancelled_one_is_free_again(desk):
    first = appointment_book(service=desk.kons, slot_start=at(MONDAY, 9), name="Ani", phone="0812345678", now=EARLY)
    appointment_book(service=desk.kons, slot_start=at(MONDAY, 9), name="Budi", email="budi@example.org", now=EARLY)
    by_time = {s.start: s for s in selectors.slots_for(desk.kons, MONDAY, now=EARLY)}
    assert by_time[at(MONDAY, 9)].is_full and by_time[at(MONDAY, 9, 20)].left == 2
    appointment_cancel(code=first.code, now=EARLY)
    by_time = {s.start: s for s in selectors.slots_for(desk.kons, MONDAY, now=EARLY)}
    assert by_time[at(MONDAY, 9)].left == 1


def test_days_open_skip_weekends_holidays_and_full_days(desk):
    desk.kons.slot_minutes, desk.kons.slot_capacity = 180, 1  # one slot of one place on Saturday
    desk.kons.save()
    saturday = MONDAY + timedelta(days=5)
    appointment_book(service=desk.kons, slot_start=at(saturday, 8), name="Ani", phone="0812345678", now=EARLY)
    days = [d for d, _left in selectors.days_open(desk.kons, MONDAY, 8, now=EARLY)]
    assert saturday not in days and MONDAY + timedelta(days=6) not in days
    assert CHRISTMAS not in days
    assert days[:5] == [MONDAY + timedelta(days=n) for n in range(5)]
    assert len(days) == 8
    assert all(d.weekday() < 6 for d in days) and date(2026, 12, 20) not in days
