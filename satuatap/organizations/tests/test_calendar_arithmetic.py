"""The working-time arithmetic every deadline is counted with: holidays, collective leave (and opting
out of it), closures of the unit and of the units above, inherited weeks, breaks, the next opening,
N working days after a moment, and the unit's own time zone."""

from datetime import UTC, date, datetime, time

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from satuatap.organizations.models import Closure, Schedule, TimeZone, Unit
from satuatap.organizations.selectors import DEFAULT_WEEK, UnitCalendar, calendar_for, week_for, week_summary
from satuatap.organizations.services import opening_week_set

WIB = TimeZone.WIB


def at(unit, *args) -> datetime:
    """A wall-clock moment in ``unit``'s zone."""
    return datetime(*args, tzinfo=unit.tzinfo)


def test_a_national_holiday_is_not_a_working_day_and_says_why(world):
    calendar = calendar_for(world.branch_a)
    with translation.override("id"):
        assert calendar.closed_because(date(2026, 8, 17)) == "Hari Kemerdekaan Republik Indonesia"
    assert not calendar.is_working_day(date(2026, 8, 17))
    assert calendar.is_working_day(date(2026, 8, 18))
    assert calendar.closed_because(date(2026, 8, 15)) == ""  # a Saturday: no hours


def test_collective_leave_closes_the_office_unless_it_opts_out(world):
    christmas_eve = date(2026, 12, 24)  # cuti bersama, a Thursday
    assert not calendar_for(world.branch_a).is_working_day(christmas_eve)
    Unit.objects.filter(pk=world.branch_a.pk).update(observes_collective_leave=False)
    world.branch_a.refresh_from_db()
    assert calendar_for(world.branch_a).is_working_day(christmas_eve)
    assert not calendar_for(world.branch_a).is_working_day(date(2026, 12, 25))  # Christmas stays closed


def test_a_closure_of_a_unit_above_closes_every_unit_below_it(world):
    Closure.objects.create(unit=world.area, first_day=date(2026, 10, 7), last_day=date(2026, 10, 8), name="Haul")
    for unit in (world.area, world.branch_a, world.branch_a_sub, world.branch_b):
        calendar = calendar_for(unit)
        assert calendar.closed_because(date(2026, 10, 8)) == "Haul"
        assert calendar.is_working_day(date(2026, 10, 9))
    assert calendar_for(world.region).is_working_day(date(2026, 10, 8))
    assert calendar_for(world.beta_branch).is_working_day(date(2026, 10, 8))


def test_a_week_is_inherited_down_the_tree_until_a_unit_sets_its_own(world):
    assert week_for(world.branch_a_sub) == (DEFAULT_WEEK, None)
    area_week = {day: [("07:30", "15:30")] for day in range(5)}
    opening_week_set(actor=world.carol, unit=world.area, schedule=Schedule.OFFICE, periods=area_week)
    week, source = week_for(world.branch_a_sub)
    assert source == world.area and week[0] == ((time(7, 30), time(15, 30)),)
    saturday = {5: [("08:00", "12:00")]}
    opening_week_set(actor=world.alice, unit=world.branch_a, schedule=Schedule.OFFICE, periods=saturday)
    week, source = week_for(world.branch_a_sub)
    assert source == world.branch_a and week[5] == ((time(8), time(12)),) and week[0] == ()
    assert week_for(world.branch_b)[1] == world.area
    # The WhatsApp line's week is another schedule: still the default.
    assert week_for(world.branch_a_sub, Schedule.WHATSAPP) == (DEFAULT_WEEK, None)


def test_a_break_closes_the_office_between_two_periods(world):
    calendar = calendar_for(world.branch_a)
    friday = date(2026, 10, 9)
    assert calendar.is_open(at(world.branch_a, 2026, 10, 9, 11, 0))
    assert calendar.closing_after(at(world.branch_a, 2026, 10, 9, 11, 0)) == at(world.branch_a, 2026, 10, 9, 11, 30)
    assert not calendar.is_open(at(world.branch_a, 2026, 10, 9, 12, 0))
    assert calendar.next_opening(at(world.branch_a, 2026, 10, 9, 12, 0)) == at(world.branch_a, 2026, 10, 9, 13, 30)
    assert calendar.is_open(at(world.branch_a, 2026, 10, 9, 14, 0))
    assert len(calendar.periods_on(friday)) == 2


def test_the_next_opening_skips_the_weekend_and_a_holiday(world):
    calendar = calendar_for(world.branch_a)
    # Friday evening: Saturday and Sunday have no hours, Monday 17 August is Independence Day.
    assert calendar.next_opening(at(world.branch_a, 2026, 8, 14, 17, 0)) == at(world.branch_a, 2026, 8, 18, 8, 0)
    # An ordinary weekend.
    assert calendar.next_opening(at(world.branch_a, 2026, 10, 9, 16, 30)) == at(world.branch_a, 2026, 10, 12, 8, 0)
    # Open now: now.
    moment = at(world.branch_a, 2026, 10, 12, 9, 15)
    assert calendar.next_opening(moment) == moment


def test_working_days_after_due_at_and_between(world):
    calendar = calendar_for(world.branch_a)
    thursday = at(world.branch_a, 2026, 8, 13, 10, 0)
    assert calendar.working_days_after(thursday, 1) == date(2026, 8, 14)
    assert calendar.working_days_after(thursday, 2) == date(2026, 8, 18)  # weekend and 17 August skipped
    assert calendar.due_at(thursday, 2) == at(world.branch_a, 2026, 8, 18, 16, 0)
    assert calendar.due_at(thursday, 1) == at(world.branch_a, 2026, 8, 14, 16, 0)  # Friday closes at 16:00
    assert calendar.working_days_after(date(2026, 8, 15), 0) == date(2026, 8, 18)  # Saturday: next working day
    assert calendar.working_days_between(date(2026, 8, 13), date(2026, 8, 18)) == 2
    assert calendar.working_days_between(date(2026, 8, 18), date(2026, 8, 13)) == 0
    # Idul Fitri 2026 with its collective leave: 18 March to 24 March closed, the weekend inside.
    assert calendar.working_days_after(date(2026, 3, 17), 1) == date(2026, 3, 25)


def test_a_negative_number_of_working_days_is_refused(world):
    from satuatap.organizations.errors import CalendarRefused

    with pytest.raises(CalendarRefused):
        calendar_for(world.branch_a).working_days_after(date(2026, 8, 13), -1)


@pytest.mark.parametrize(
    ("zone", "open_at_0030_utc"),
    [(TimeZone.WIB, False), (TimeZone.WITA, True), (TimeZone.WIT, True)],
)
def test_each_unit_counts_in_its_own_time_zone(world, zone, open_at_0030_utc):
    Unit.objects.filter(pk=world.branch_a.pk).update(time_zone=zone)
    world.branch_a.refresh_from_db()
    calendar = calendar_for(world.branch_a)
    moment = datetime(2026, 10, 12, 0, 30, tzinfo=UTC)  # Monday: 07.30 WIB, 08.30 WITA, 09.30 WIT
    assert calendar.is_open(moment) is open_at_0030_utc
    assert calendar.local(moment).tzinfo.key == zone
    opening = calendar.next_opening(moment)
    assert opening.tzinfo.key == zone
    assert opening.time() == (time(8) if not open_at_0030_utc else calendar.local(moment).time())
    # Sunday 23.30 UTC is Monday 06.30 WIB, 07.30 WITA and 08.30 WIT: only Jayapura is open.
    late = datetime(2026, 10, 11, 23, 30, tzinfo=UTC)
    assert calendar.is_open(late) is (zone == TimeZone.WIT)


def test_the_week_summary_runs_days_with_the_same_hours_together():
    week = {
        0: ((time(8), time(12)), (time(13), time(16))),
        1: ((time(8), time(12)), (time(13), time(16))),
        2: ((time(8), time(12)), (time(13), time(16))),
        3: ((time(8), time(12)), (time(13), time(16))),
        4: ((time(8), time(11, 30)), (time(13, 30), time(16))),
        5: ((time(8), time(12)),),
        6: (),
    }
    with translation.override("id"):
        assert week_summary(week) == (
            "Senin–Kamis 08.00–12.00, 13.00–16.00; Jumat 08.00–11.30, 13.30–16.00; Sabtu 08.00–12.00"
        )
    with translation.override("en"):
        assert week_summary(DEFAULT_WEEK) == "Monday–Thursday 08:00–16:00; Friday 08:00–11:30, 13:30–16:00"
        assert week_summary({day: ((time(0), time.max),) for day in range(7)}) == "Monday–Sunday 00:00–24:00"
        assert week_summary({day: () for day in range(7)}) == "Closed"


# --- a property: counting forward then back gives the same number -------------------------------------

_UNIT = Unit(name="Kantor Uji", code="UJI", time_zone=WIB, observes_collective_leave=True, path="0001")
_CALENDAR = UnitCalendar(
    unit=_UNIT,
    schedule=Schedule.OFFICE,
    week={**DEFAULT_WEEK, 5: ((time(8), time(12)),)},
    closures=[(date(2026, 10, 5), date(2026, 10, 9), "Renovasi"), (date(2027, 1, 2), date(2027, 1, 2), "Haul")],
)


@settings(max_examples=150, deadline=None)
@given(
    start=st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31)),
    n=st.integers(min_value=1, max_value=80),
)
def test_counting_n_working_days_forward_and_back_gives_n(start, n):
    end = _CALENDAR.working_days_after(start, n)
    assert end > start
    assert _CALENDAR.is_working_day(end)
    assert _CALENDAR.working_days_between(start, end) == n


@settings(max_examples=60, deadline=None)
@given(start=st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31)))
def test_zero_working_days_after_a_day_is_that_day_or_the_next_working_day(start):
    day = _CALENDAR.working_days_after(start, 0)
    assert _CALENDAR.is_working_day(day)
    assert _CALENDAR.working_days_between(start, day) == (0 if day == start else 1)
