"""Reads of the desk's figures, scoped by ``servicedesk.view`` on the unit's subtree: the figures of
a period by day, week, service, counter, officer or child unit (``desk_figures``), and the Friday
evaluation of a week against the eight before it (``week_evaluation``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from satuatap.core.parallel import parallel_reads
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import can
from satuatap.organizations.selectors import units_for
from satuatap.servicedesk.figures.selectors.aggregate import (
    GROUPINGS,
    TOTAL,
    FigureRow,
    appointment_figures,
    percentile,
    request_figures,
    standard_periods,
    ticket_figures,
    ticket_figures_by,
    week_start,
)
from satuatap.servicedesk.models import Counter, Service, WeekFigures

__all__ = [
    "GROUPINGS",
    "HISTORY_WEEKS",
    "MAX_DAYS",
    "TOTAL",
    "Evaluation",
    "FigureRow",
    "Figures",
    "desk_figures",
    "figure_units",
    "iso_week",
    "percentile",
    "standard_periods",
    "week_evaluation",
    "week_label",
    "week_start",
    "weekly_ticket_figures",
]

HISTORY_WEEKS = 8
MAX_DAYS = 400  # a period longer than a year and a bit is refused by the forms


@dataclass
class Figures:
    unit: Unit
    start: date
    end: date
    by: str
    rows: list[FigureRow]
    total: FigureRow


@dataclass
class Evaluation:
    unit: Unit
    week: date  # its Monday
    end: date  # the last day counted (Sunday, or today in the current week)
    total: FigureRow
    days: list[FigureRow]
    weeks: list[FigureRow]  # the eight weeks before, then this one
    services: list[FigureRow]
    counters: list[FigureRow]
    units: list[FigureRow] = field(default_factory=list)  # one per child unit (a parent's evaluation)

    @property
    def label(self) -> str:
        return week_label(self.week)

    @property
    def previous(self) -> list[FigureRow]:
        return self.weeks[:-1]


def figure_units(user, within: Unit | None = None) -> QuerySet[Unit]:
    """The units whose figures ``user`` may read (within ``within``'s subtree)."""
    return units_for(user, within=within, capability="servicedesk.view")


def _check(user, unit: Unit) -> None:
    if not can(user, "servicedesk.view", unit):
        raise PermissionDenied(_("Your role on %(unit)s does not allow this action.") % {"unit": unit.name})


def _subtree(unit: Unit) -> list[Unit]:
    return list(Unit.objects.filter(path__startswith=unit.path).order_by("path"))


def _groups(unit: Unit, subtree: list[Unit]) -> tuple[dict[int, int], list[Unit]]:
    """Each unit of the subtree mapped to the child of ``unit`` it lies under (``unit`` to itself)."""
    children = [u for u in subtree if u.depth == unit.depth + 1]
    groups = {unit.pk: unit.pk}
    for child in children:
        for member in subtree:
            if member.path.startswith(child.path):
                groups[member.pk] = child.pk
    return groups, children


def iso_week(value: str) -> date | None:
    """The Monday of ``2026-W49`` (None for anything else)."""
    value = (value or "").strip().upper()
    try:
        year, week = value.split("-W")
        return date.fromisocalendar(int(year), int(week), 1)
    except (ValueError, TypeError):
        return None


def week_label(monday: date) -> str:
    year, week, _weekday = monday.isocalendar()
    return f"{year}-W{week:02d}"


def _merge(*parts: dict[object, FigureRow]) -> dict[object, FigureRow]:
    merged: dict[object, FigureRow] = {}
    for part in parts:
        for key, row in part.items():
            into = merged.setdefault(key, FigureRow(key))
            for name, value in vars(row).items():
                if name not in ("key", "label", "extra") and value not in (None, 0):
                    setattr(into, name, value)
    return merged


def _labels(rows: dict[Any, FigureRow], by: str, units: list[Unit]) -> None:
    ids: list[Any] = [key for key in rows if key not in (TOTAL, None)]
    names: dict = {}
    if by == "service":
        names = {s.pk: s.name for s in Service.objects.filter(pk__in=ids)}
    elif by == "counter":
        counters = Counter.objects.filter(pk__in=ids).select_related("unit")
        multi = len({c.unit_id for c in counters}) > 1
        names = {c.pk: f"{c.unit.name} · {c}" if multi else str(c) for c in counters}
    elif by == "officer":
        users = get_user_model().objects.filter(pk__in=ids)
        names = {u.pk: getattr(u, "full_name", "") or u.get_username() for u in users}
    elif by == "unit":
        names = {u.pk: u.name for u in units}
    for key, row in rows.items():
        if key == TOTAL:
            row.label = _("Total")
        elif by == "day":
            row.label = formats.date_format(key, "D j M")
        elif by == "week":
            row.label = f"{week_label(key)} ({formats.date_format(key, 'j M')})"
        elif key is None:
            row.label = {"counter": _("No counter"), "officer": _("No officer"), "service": "—", "unit": "—"}[by]
        else:
            row.label = names.get(key, str(key))


def _ordered(rows: dict[object, FigureRow], by: str) -> list[FigureRow]:
    body = [row for key, row in rows.items() if key != TOTAL]
    if by in ("day", "week"):
        return sorted(body, key=lambda r: r.key)
    return sorted(body, key=lambda r: (r.key is None, r.label))


def _figures(unit_ids, start, end, by, zone, groups, *, now=None) -> dict[object, FigureRow]:
    reads = [
        lambda: ticket_figures(unit_ids, start, end, by, groups=groups),
        lambda: request_figures(unit_ids, start, end, by, zone, groups=groups, now=now),
        lambda: appointment_figures(unit_ids, start, end, by, zone, groups=groups),
    ]
    return _merge(*parallel_reads(*reads))


def desk_figures(user, unit: Unit, start: date, end: date, by: str = "day") -> Figures:
    """The figures of ``unit`` and the units below it on the days ``start``..``end``, by ``by``
    (``unit``: one row per child unit, the unit's own rows under its own name)."""
    _check(user, unit)
    if by not in GROUPINGS:
        raise ValueError(by)
    subtree = _subtree(unit)
    groups, children = _groups(unit, subtree)
    rows = _figures([u.pk for u in subtree], start, end, by, unit.tzinfo, groups)
    rows.setdefault(TOTAL, FigureRow(TOTAL))
    _labels(rows, by, [unit, *children])
    return Figures(unit, start, end, by, _ordered(rows, by), rows[TOTAL])


ROLLED = ("taken", "served", "no_show", "wait_median", "wait_p90", "service_median", "service_p90", "within",
          "with_standard")  # fmt: skip


def weekly_ticket_figures(unit: Unit, ids: list[int], first: date, end: date, today: date) -> dict[Any, FigureRow]:
    """The ticket figures of ``unit``'s subtree (``ids``) by ISO week from ``first`` (a Monday) to
    ``end``. A week over before ``today`` comes from its ``WeekFigures`` row, computed from the
    tickets and kept on its first read (a finished week's tickets no longer change: the eight weeks
    of history are not sorted again on every evaluation); the current week from the tickets."""
    mondays = [first + timedelta(weeks=n) for n in range((end - first).days // 7 + 1)]
    finished = [m for m in mondays if m + timedelta(days=6) < today]
    kept = {w.week: w for w in WeekFigures.objects.filter(unit=unit, week__in=finished)}
    rows: dict[Any, FigureRow] = {
        m: FigureRow(m, **{name: getattr(w, name) for name in ROLLED}) for m, w in kept.items()
    }
    missing = [m for m in finished if m not in kept]
    if missing:
        fresh = ticket_figures(ids, min(missing), max(missing) + timedelta(days=6), "week", with_total=False)
        for monday in missing:
            rows[monday] = fresh.get(monday) or FigureRow(monday)
        WeekFigures.objects.bulk_create(
            [WeekFigures(unit=unit, week=m, **{name: getattr(rows[m], name) for name in ROLLED}) for m in missing],
            ignore_conflicts=True,
        )
    current = [m for m in mondays if m not in rows]
    if current:
        fresh = ticket_figures(ids, min(current), end, "week", with_total=False)
        rows.update({key: row for key, row in fresh.items() if key != TOTAL})
    return rows


def week_evaluation(user, unit: Unit, monday: date | None = None) -> Evaluation:
    """The Friday evaluation: the week of ``monday`` (default this week, up to today) by day, by
    service, by counter and (for a parent) by child unit, and the eight weeks before beside it."""
    _check(user, unit)
    zone = unit.tzinfo
    today = timezone.localtime(timezone.now(), zone).date()
    monday = week_start(monday or today)
    end = min(monday + timedelta(days=6), max(today, monday))
    subtree = _subtree(unit)
    groups, children = _groups(unit, subtree)
    ids = [u.pk for u in subtree]
    first = monday - timedelta(weeks=HISTORY_WEEKS)
    reads = [
        lambda: ticket_figures_by(
            ids, monday, end, ["day", "service", "counter", *(["unit"] if children else [])], groups=groups
        ),  # fmt: skip
        lambda: weekly_ticket_figures(unit, ids, first, end, today),
        lambda: request_figures(ids, first, end, "week", zone),
        lambda: request_figures(ids, monday, end, "service", zone),
        lambda: appointment_figures(ids, first, end, "week", zone),
        lambda: appointment_figures(ids, monday, end, "service", zone),
        lambda: request_figures(ids, monday, end, "day", zone),
        lambda: appointment_figures(ids, monday, end, "day", zone),
    ]
    if children:
        reads += [
            lambda: request_figures(ids, monday, end, "unit", zone, groups=groups),
            lambda: appointment_figures(ids, monday, end, "unit", zone, groups=groups),
        ]
    results = parallel_reads(*reads)
    (ticket_sets, weekly_tickets, weekly_requests, requests_by_service, appointment_weeks, appointment_services,
     requests_by_day, appointments_by_day) = results[:8]  # fmt: skip
    by_day, by_service, by_counter = ticket_sets["day"], ticket_sets["service"], ticket_sets["counter"]
    by_day = _merge(by_day, requests_by_day, appointments_by_day)
    weeks = _merge(weekly_tickets, weekly_requests, appointment_weeks)
    weeks.pop(TOTAL, None)
    history = [weeks.get(first + timedelta(weeks=n)) or FigureRow(first + timedelta(weeks=n)) for n in range(9)]
    _labels({row.key: row for row in history}, "week", [])
    days = [by_day.get(monday + timedelta(days=n)) or FigureRow(monday + timedelta(days=n)) for n in range(7)]
    days = [row for row in days if row.key <= end]
    _labels({row.key: row for row in days}, "day", [])
    this_week = history[-1]
    total = _merge({TOTAL: this_week})[TOTAL]
    total.label = _("Total")
    services = _merge(by_service, requests_by_service, appointment_services)
    services.pop(TOTAL, None)
    _labels(services, "service", [])
    counters = dict(by_counter)
    counters.pop(TOTAL, None)
    _labels(counters, "counter", [])
    unit_rows: list[FigureRow] = []
    if children:
        per_unit = _merge(ticket_sets["unit"], *results[8:10])
        per_unit.pop(TOTAL, None)
        for member in [unit, *children]:
            per_unit.setdefault(member.pk, FigureRow(member.pk))
        _labels(per_unit, "unit", [unit, *children])
        per_unit[unit.pk].label = _("%(unit)s itself") % {"unit": unit.name}
        own = per_unit[unit.pk]
        unit_rows = [per_unit[c.pk] for c in children] + ([own] if own.taken or own.requests or own.booked else [])
    return Evaluation(
        unit=unit,
        week=monday,
        end=end,
        total=total,
        days=days,
        weeks=history,
        services=_ordered(services, "service"),
        counters=_ordered(counters, "counter"),
        units=unit_rows,
    )
