"""Each unit's working time: the one calendar every deadline in the product is counted with.

A unit's **week** is its opening periods per weekday (``OpeningPeriod``), inherited from the
nearest ancestor that set one, or ``DEFAULT_WEEK`` when none did; the office hours and the WhatsApp
line hours are two schedules of the same shape. A day is **closed** when its weekday has no period,
on Indonesia's national holidays (the ``holidays`` package), on collective leave days (cuti bersama,
unless the unit opted out) and on the closures of the unit and of its ancestors (``Closure``).
Times are the unit's wall-clock time (WIB/WITA/WIT); answers are aware datetimes in that zone.

``calendar_for(unit)`` reads all of that once (two queries) and answers without more:

- ``is_open(at)``, ``next_opening(after)``: is the office (or the line) open now, and when next;
- ``is_working_day(day)``, ``closed_because(day)``: and why not (a holiday's name);
- ``working_days_after(moment, n)``, ``due_at(moment, n)``: the N-th working day after a moment
  (the day of the moment itself does not count; n=0 is that day if it is a working day), and the
  closing time of that day, which is when an SLA of N working days runs out;
- ``working_days_between(start, end)``: working days after ``start`` up to and including ``end``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays as holiday_data
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from satuatap.organizations.errors import CalendarRefused
from satuatap.organizations.models import Closure, OpeningPeriod, Schedule, Unit, Weekday

Period = tuple[time, time]
Week = dict[int, tuple[Period, ...]]

# Until a unit (or one above it) sets its hours: the common government office week, with Friday's
# prayer break.
DEFAULT_WEEK: Week = {
    0: ((time(8), time(16)),),
    1: ((time(8), time(16)),),
    2: ((time(8), time(16)),),
    3: ((time(8), time(16)),),
    4: ((time(8), time(11, 30)), (time(13, 30), time(16))),
    5: (),
    6: (),
}
# How far ahead a search for an open day goes before it says the calendar has none.
HORIZON_DAYS = 3 * 366

__all__ = [
    "DEFAULT_WEEK",
    "HORIZON_DAYS",
    "OpeningState",
    "Period",
    "UnitCalendar",
    "Week",
    "calendar_for",
    "clock_colon",
    "clock_text",
    "closure_for",
    "closures_of",
    "holiday_days",
    "holidays_between",
    "opening_state",
    "periods_text",
    "week_for",
    "week_summary",
]


@lru_cache(maxsize=64)
def _holidays_of(year: int, collective_leave: bool, language: str) -> dict[date, str]:
    categories = ("public", "government") if collective_leave else ("public",)
    found = holiday_data.country_holidays("ID", years=year, categories=categories, language=language)
    return dict(found.items())


def holidays_between(start: date, end: date, *, collective_leave: bool = True) -> dict[date, str]:
    """Indonesia's national holidays (and collective leave days) from ``start`` to ``end``
    inclusive, named in the active language (Indonesian or English)."""
    language = "id" if (translation.get_language() or "id").startswith("id") else "en_US"
    found: dict[date, str] = {}
    for year in range(start.year, end.year + 1):
        for day, name in _holidays_of(year, collective_leave, language).items():
            if start <= day <= end:
                found[day] = name
    return dict(sorted(found.items()))


def week_for(unit: Unit, schedule: str = Schedule.OFFICE) -> tuple[Week, Unit | None]:
    """The unit's week of ``schedule`` and the unit it comes from (None: ``DEFAULT_WEEK``)."""
    paths = unit.lineage_paths
    rows = list(
        OpeningPeriod.objects.filter(unit__path__in=paths, schedule=schedule)
        .select_related("unit")
        .order_by("weekday", "opens")
    )
    for path in paths:
        own = [row for row in rows if row.unit.path == path]
        if own:
            week: Week = {day: () for day in range(7)}
            for row in own:
                week[row.weekday] = (*week[row.weekday], (row.opens, row.closes))
            return week, own[0].unit
    return dict(DEFAULT_WEEK), None


@dataclass
class UnitCalendar:
    unit: Unit
    schedule: str
    week: Week
    # (first day, last day, name) of the closures of the unit and of its ancestors.
    closures: list[tuple[date, date, str]] = field(default_factory=list)
    inherited_from: Unit | None = None

    @property
    def tz(self):
        return self.unit.tzinfo

    def local(self, moment: datetime | None = None) -> datetime:
        return timezone.localtime(moment or timezone.now(), self.tz)

    def today(self) -> date:
        return self.local().date()

    # --- days -----------------------------------------------------------------------------------

    def closed_because(self, day: date) -> str | None:
        """Why ``day`` is not a working day: a holiday's or closure's name, "" for a weekday without
        hours; None when it is a working day."""
        for first, last, name in self.closures:
            if first <= day <= last:
                return name
        holiday = holidays_between(day, day, collective_leave=self.unit.observes_collective_leave).get(day)
        if holiday:
            return holiday
        if not self.week.get(day.weekday()):
            return ""
        return None

    def is_working_day(self, day: date) -> bool:
        return self.closed_because(day) is None

    def periods_on(self, day: date) -> list[tuple[datetime, datetime]]:
        """The open periods of ``day`` as aware datetimes in the unit's zone; [] on a closed day."""
        if not self.is_working_day(day):
            return []
        return [
            (datetime.combine(day, opens, tzinfo=self.tz), datetime.combine(day, closes, tzinfo=self.tz))
            for opens, closes in self.week[day.weekday()]
        ]

    def working_days(self, start: date, end: date) -> list[date]:
        """The working days from ``start`` to ``end`` inclusive."""
        days = []
        day = start
        while day <= end:
            if self.is_working_day(day):
                days.append(day)
            day += timedelta(days=1)
        return days

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when ``end`` is not later)."""
        if end <= start:
            return 0
        return len(self.working_days(start + timedelta(days=1), end))

    # --- moments --------------------------------------------------------------------------------

    def is_open(self, at: datetime | None = None) -> bool:
        moment = self.local(at)
        return any(opens <= moment < closes for opens, closes in self.periods_on(moment.date()))

    def next_opening(self, after: datetime | None = None) -> datetime | None:
        """The first moment at or after ``after`` (now) when the unit is open: ``after`` itself when
        it is open then; None when the calendar has no open day within ``HORIZON_DAYS``."""
        moment = self.local(after)
        day = moment.date()
        for _step in range(HORIZON_DAYS):
            for opens, closes in self.periods_on(day):
                if moment < closes:
                    return max(opens, moment)
            day += timedelta(days=1)
        return None

    def closing_after(self, at: datetime | None = None) -> datetime | None:
        """When the open period around ``at`` ends; None when the unit is closed at ``at``."""
        moment = self.local(at)
        for opens, closes in self.periods_on(moment.date()):
            if opens <= moment < closes:
                return closes
        return None

    def working_days_after(self, moment: datetime | date, n: int) -> date:
        """The ``n``-th working day after the day of ``moment`` (that day itself does not count;
        ``n`` = 0 is that day if it is a working day, else the next one)."""
        if n < 0:
            raise CalendarRefused(_("A number of working days cannot be negative."))
        day = self.local(moment).date() if isinstance(moment, datetime) else moment
        if n == 0:
            for _step in range(HORIZON_DAYS):
                if self.is_working_day(day):
                    return day
                day += timedelta(days=1)
        else:
            counted = 0
            for _step in range(HORIZON_DAYS + n * 7):
                day += timedelta(days=1)
                if self.is_working_day(day):
                    counted += 1
                    if counted == n:
                        return day
        raise CalendarRefused(
            _("%(unit)s has no working days in its calendar: set its office hours first.") % {"unit": self.unit.name}
        )

    def due_at(self, moment: datetime | date, n: int) -> datetime:
        """When a promise of ``n`` working days made at ``moment`` runs out: the closing time of
        the ``n``-th working day after it."""
        day = self.working_days_after(moment, n)
        return self.periods_on(day)[-1][1]


def calendar_for(unit: Unit, schedule: str = Schedule.OFFICE) -> UnitCalendar:
    """The unit's calendar of ``schedule``, read once (its week and every closure above it)."""
    week, source = week_for(unit, schedule)
    closures = [
        (row.first_day, row.last_day, row.name)
        for row in Closure.objects.filter(unit__path__in=unit.lineage_paths).only("first_day", "last_day", "name")
    ]
    return UnitCalendar(unit=unit, schedule=schedule, week=week, closures=closures, inherited_from=source)


# --- showing a week ---------------------------------------------------------------------------------


def clock_text(moment: time) -> str:
    """A time of day as people write it: 08.00 in Indonesian, 08:00 in English; the end of the day
    (kept as 23:59:59.999999) is 24.00."""
    separator = "." if (translation.get_language() or "id").startswith("id") else ":"
    if moment >= time(23, 59, 59):
        return f"24{separator}00"
    return f"{moment.hour:02d}{separator}{moment.minute:02d}"


def clock_colon(moment: time) -> str:
    """A time as an ``<input type="time">`` and the API hold it: HH:MM (the end of the day as 23:59)."""
    return f"{moment.hour:02d}:{moment.minute:02d}"


def periods_text(periods: tuple[Period, ...]) -> str:
    """ "08.00–11.30, 13.30–16.00"."""
    return ", ".join(f"{clock_text(opens)}–{clock_text(closes)}" for opens, closes in periods)


def week_summary(week: Week) -> str:
    """The week in one short line, days with the same hours run together:
    "Senin–Kamis 08.00–16.00; Jumat 08.00–11.30, 13.30–16.00"; "Closed" for a week with no hours."""
    groups: list[tuple[int, int, tuple[Period, ...]]] = []
    for day in range(7):
        periods = tuple(week.get(day) or ())
        if not periods:
            continue
        if groups and groups[-1][1] == day - 1 and groups[-1][2] == periods:
            groups[-1] = (groups[-1][0], day, periods)
        else:
            groups.append((day, day, periods))
    if not groups:
        return _("Closed")
    parts = []
    for first, last, periods in groups:
        days = str(Weekday(first).label)
        if last != first:
            days = f"{days}–{Weekday(last).label}"
        parts.append(f"{days} {periods_text(periods)}")
    return "; ".join(parts)


def holiday_days(start: date, end: date) -> list[tuple[date, str, bool]]:
    """(day, name, is collective leave) of Indonesia's national holidays and collective leave days
    from ``start`` to ``end``, in order."""
    national = holidays_between(start, end, collective_leave=False)
    return [
        (day, name, day not in national) for day, name in holidays_between(start, end, collective_leave=True).items()
    ]


def closures_of(unit: Unit, *, year: int | None = None):
    """The closures that close ``unit``: its own and its ancestors' (``year``: those touching it)."""
    closures = Closure.objects.filter(unit__path__in=unit.lineage_paths).select_related("unit")
    if year is not None:
        closures = closures.filter(first_day__lte=date(year, 12, 31), last_day__gte=date(year, 1, 1))
    return closures.order_by("first_day", "pk")


def closure_for(user, pk, *, unit: Unit | None = None) -> Closure:
    """The closure with ``pk`` if the user sees its unit (and it is ``unit``'s own); 404 otherwise."""
    from django.http import Http404

    from satuatap.organizations.selectors.units import scoped

    closures = scoped(Closure.objects.select_related("unit"), user, "unit.view")
    if unit is not None:
        closures = closures.filter(unit=unit)
    try:
        return closures.get(pk=pk)
    except (Closure.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@dataclass
class OpeningState:
    """Is the unit open at a moment, until when, and when it opens next."""

    open_now: bool
    closes_at: datetime | None
    next_opening: datetime | None
    closed_because: str | None


def opening_state(calendar: UnitCalendar, at: datetime | None = None) -> OpeningState:
    moment = calendar.local(at)
    closes = calendar.closing_after(moment)
    return OpeningState(
        open_now=closes is not None,
        closes_at=closes,
        next_opening=None if closes is not None else calendar.next_opening(moment),
        closed_because=calendar.closed_because(moment.date()),
    )
