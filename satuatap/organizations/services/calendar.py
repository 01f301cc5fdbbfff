"""Every write to a unit's calendar: its week of office hours and of WhatsApp line hours, and the days
it is closed beside the national holidays.

A unit sets a whole week of a schedule at once, or drops its own week to follow the unit above it
again; a closure closes the unit and every unit below it for one or more days. Only the unit's
administrator or head (``unit.calendar``) changes them, and every change is in the audit trail.
Whether a unit observes collective leave is a field of the unit (``unit_update``).
"""

import re
from collections.abc import Iterable, Mapping
from datetime import date, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record, diff
from satuatap.core.errors import combined
from satuatap.organizations.errors import CalendarRefused
from satuatap.organizations.models import Closure, ClosureKind, OpeningPeriod, Schedule, Unit, Weekday
from satuatap.organizations.permissions import require
from satuatap.organizations.selectors.calendar import Week, week_for, week_summary

# A day has at most a morning, an afternoon and an evening period.
MAX_PERIODS = 3
# A closure longer than a year is not a closure: the unit is shut, which is ``is_active``.
MAX_CLOSURE_DAYS = 366
# "24:00" is kept as the last moment of the day (a TimeField holds no 24:00).
END_OF_DAY = time.max

_CLOCK = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")

TimeInput = time | str | None

__all__ = [
    "END_OF_DAY",
    "MAX_CLOSURE_DAYS",
    "MAX_PERIODS",
    "closure_check",
    "closure_remove",
    "closure_save",
    "opening_week_inherit",
    "opening_week_set",
]


def _clock(value: TimeInput) -> time | None:
    """A time of day from a ``time`` or "HH:MM"/"HH.MM" (00:00 to 24:00); None when left empty.
    Raises ValueError for anything else."""
    if value is None or isinstance(value, time):
        return value
    text = str(value).strip()
    if not text:
        return None
    match = _CLOCK.match(text)
    if not match:
        raise ValueError(text)
    hours, minutes = int(match.group(1)), int(match.group(2))
    if (hours, minutes) == (24, 0):
        return END_OF_DAY
    if hours > 23 or minutes > 59:
        raise ValueError(text)
    return time(hours, minutes)


def _day_refusal(weekday: int, message: str) -> CalendarRefused:
    day = Weekday(weekday).label
    return CalendarRefused(_("%(day)s: %(problem)s") % {"day": day, "problem": message}, field=f"day_{weekday}")


def _clean_day(weekday: int, periods: Iterable) -> tuple[list[tuple[time, time]], list[CalendarRefused]]:
    """The periods of one weekday, in order, and every reason to refuse them."""
    refusals: list[CalendarRefused] = []
    kept: list[tuple[time, time]] = []
    given = list(periods or [])
    for position, period in enumerate(given, start=1):
        try:
            raw_opens, raw_closes = period
        except (TypeError, ValueError):
            refusals.append(_day_refusal(weekday, _("period %(n)s needs a start and an end time.") % {"n": position}))
            continue
        try:
            opens, closes = _clock(raw_opens), _clock(raw_closes)
        except ValueError:
            refusals.append(
                _day_refusal(
                    weekday, _("period %(n)s: write times between 00:00 and 24:00, as 08:00.") % {"n": position}
                )
            )
            continue
        if opens is None and closes is None:
            continue  # an empty row of the form
        if opens is None or closes is None:
            refusals.append(_day_refusal(weekday, _("period %(n)s needs a start and an end time.") % {"n": position}))
            continue
        if opens == END_OF_DAY:
            refusals.append(_day_refusal(weekday, _("period %(n)s cannot start at 24:00.") % {"n": position}))
            continue
        if opens >= closes:
            refusals.append(_day_refusal(weekday, _("period %(n)s must start before it ends.") % {"n": position}))
            continue
        kept.append((opens, closes))
    if len(kept) > MAX_PERIODS:
        refusals.append(_day_refusal(weekday, _("a day has at most %(n)s periods.") % {"n": MAX_PERIODS}))
    kept.sort()
    for (_opens, closes), (next_opens, _next_closes) in zip(kept, kept[1:], strict=False):
        if next_opens < closes:
            refusals.append(_day_refusal(weekday, _("the periods overlap.")))
            break
    return kept, refusals


def _clean_week(periods: Mapping) -> tuple[Week, list[ValidationError]]:
    refusals: list[ValidationError] = []
    week: Week = {day: () for day in range(7)}
    for key in periods:
        if key not in range(7):
            refusals.append(CalendarRefused(_("Days are numbered 0 (Monday) to 6 (Sunday)."), field="periods"))
    for day in range(7):
        kept, day_refusals = _clean_day(day, periods.get(day) or [])
        refusals.extend(day_refusals)
        week[day] = tuple(kept)
    return week, refusals


def _check_schedule(schedule: str) -> None:
    if schedule not in Schedule.values:
        raise CalendarRefused(_("Unknown schedule."), field="schedule")


def _before(unit: Unit, schedule: str) -> str:
    week, source = week_for(unit, schedule)
    summary = week_summary(week)
    if source is None or source.pk != unit.pk:
        origin = source.name if source is not None else _("the common office week")
        return _("%(week)s (inherited from %(unit)s)") % {"week": summary, "unit": origin}
    return summary


@transaction.atomic
def opening_week_set(*, actor, unit: Unit, schedule: str, periods: Mapping) -> Week:
    """Replace the unit's whole week of ``schedule`` (office hours or WhatsApp line hours):
    ``periods`` maps a weekday (0 = Monday) to its (opens, closes) periods, a day left out is closed.
    Every bad day is refused at once; the units below that have no week of their own follow it."""
    require(actor, "unit.calendar", unit)
    _check_schedule(schedule)
    week, refusals = _clean_week(periods)
    if not refusals and not any(week.values()):
        refusals.append(
            CalendarRefused(_("Give at least one open period, or let this unit follow the hours of the unit above it."))
        )
    if refusals:
        raise CalendarRefused(combined(refusals))
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    before = _before(unit, schedule)
    for row in OpeningPeriod.objects.filter(unit=unit, schedule=schedule):
        row.delete()  # one by one, so the field history keeps each
    for day, day_periods in week.items():
        for opens, closes in day_periods:
            OpeningPeriod.objects.create(unit=unit, schedule=schedule, weekday=day, opens=opens, closes=closes)
    after = week_summary(week)
    if before != after:
        audit_record(
            actor=actor,
            action=AuditAction.OFFICE_HOURS_SET,
            target=unit,
            unit=unit,
            changes={"schedule": [None, schedule], "week": [before, after]},
        )
    return week


@transaction.atomic
def opening_week_inherit(*, actor, unit: Unit, schedule: str) -> Week:
    """Drop the unit's own week of ``schedule``: from now on it follows the nearest unit above it that
    sets one (or the common office week). Nothing happens when it already does."""
    require(actor, "unit.calendar", unit)
    _check_schedule(schedule)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    own = list(OpeningPeriod.objects.filter(unit=unit, schedule=schedule))
    if own:
        before = _before(unit, schedule)
        for row in own:
            row.delete()
        audit_record(
            actor=actor,
            action=AuditAction.OFFICE_HOURS_SET,
            target=unit,
            unit=unit,
            changes={"schedule": [None, schedule], "week": [before, _before(unit, schedule)]},
        )
    return week_for(unit, schedule)[0]


def _closure_snapshot(closure: Closure) -> dict:
    return {
        "first_day": closure.first_day,
        "last_day": closure.last_day,
        "kind": closure.kind,
        "name": closure.name,
    }


def closure_check(*, first_day, last_day, kind: str, name: str) -> None:
    """Refuse, naming every bad field at once, what ``closure_save`` would refuse in these fields (a
    form asks it in ``clean()`` so that its own mistakes and these come back together)."""
    refusals = _closure_refusals(first_day, last_day, kind, (name or "").strip())
    if refusals:
        raise CalendarRefused(combined(refusals))


def _closure_refusals(first_day, last_day, kind: str, name: str) -> list[ValidationError]:
    refusals: list[ValidationError] = []
    if not isinstance(first_day, date):
        refusals.append(CalendarRefused(_("Give the first day of the closure."), field="first_day"))
    if not isinstance(last_day, date):
        refusals.append(CalendarRefused(_("Give the last day of the closure."), field="last_day"))
    if isinstance(first_day, date) and isinstance(last_day, date):
        if last_day < first_day:
            refusals.append(CalendarRefused(_("The last day cannot come before the first day."), field="last_day"))
        elif last_day - first_day >= timedelta(days=MAX_CLOSURE_DAYS):
            refusals.append(
                CalendarRefused(
                    _("A closure lasts at most %(days)s days.") % {"days": MAX_CLOSURE_DAYS}, field="last_day"
                )
            )
    if kind not in ClosureKind.values:
        refusals.append(CalendarRefused(_("Choose the kind of closure."), field="kind"))
    if not name:
        refusals.append(CalendarRefused(_("Say why the office is closed (the name people will see)."), field="name"))
    elif len(name) > 200:
        refusals.append(CalendarRefused(_("Keep the name under 200 characters."), field="name"))
    return refusals


@transaction.atomic
def closure_save(
    *,
    actor,
    unit: Unit,
    first_day: date | None,
    last_day: date | None,
    kind: str,
    name: str,
    closure: Closure | None = None,
) -> Closure:
    """Close ``unit`` and every unit below it from ``first_day`` to ``last_day`` inclusive (a local
    holiday, a collective leave day the government adds late, a renovation), or change such a closure.
    Every bad field is refused at once."""
    require(actor, "unit.calendar", unit)
    if closure is not None and closure.unit_id != unit.pk:
        raise CalendarRefused(_("This closure belongs to another unit."))
    name = (name or "").strip()
    refusals = _closure_refusals(first_day, last_day, kind, name)
    if refusals:
        raise CalendarRefused(combined(refusals))
    if closure is None:
        closure = Closure(unit=unit, created_by=actor if getattr(actor, "is_authenticated", False) else None)
        before: dict = {}
    else:
        closure = Closure.objects.select_for_update().get(pk=closure.pk)
        before = _closure_snapshot(closure)
    assert isinstance(first_day, date) and isinstance(last_day, date)  # checked above
    closure.first_day, closure.last_day, closure.kind, closure.name = first_day, last_day, kind, name
    closure.save()
    changes = diff(before, _closure_snapshot(closure))
    if changes:
        audit_record(actor=actor, action=AuditAction.CLOSURE_SAVED, target=closure, unit=unit, changes=changes)
    return closure


@transaction.atomic
def closure_remove(*, actor, closure: Closure) -> None:
    """The unit opens again on the days of ``closure`` (unless a holiday or another closure says not)."""
    unit = closure.unit
    require(actor, "unit.calendar", unit)
    closure = Closure.objects.select_for_update().get(pk=closure.pk)
    audit_record(
        actor=actor,
        action=AuditAction.CLOSURE_REMOVED,
        target=closure,
        unit=unit,
        changes={field: [str(value), None] for field, value in _closure_snapshot(closure).items()},
    )
    closure.delete()
