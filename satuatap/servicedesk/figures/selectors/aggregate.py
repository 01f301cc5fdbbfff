"""The desk's figures aggregated in the database: tickets, requests and appointments of a set of units
over a span of days, grouped by day, ISO week, service, counter, officer or (for a parent) the child
unit each row belongs to, with a totals row.

On PostgreSQL each of the three is one ``GROUP BY GROUPING SETS ((key), ())`` query with
``percentile_cont`` (the same linear interpolation as DuckDB's ``quantile_cont``); elsewhere (SQLite,
small data) the rows are read and counted in Python with the same definitions:

* waiting: ``wait_from`` → ``called_at`` (the first call; a transfer keeps ``wait_from``), of every
  ticket that was called;
* service time: ``started_at`` (or ``called_at`` when the counter finished without starting) →
  ``finished_at``, of every ticket served (status done);
* within the standard: a served ticket whose service time is at most the ``service_minutes`` of the
  service's published standard in force on the ticket's day (an adopted service follows its
  parent's); tickets of a service without one are not counted either way;
* requests: received in the span (the unit's local days); on time when finished by their due
  moment, overdue when finished after it or still open past it now;
* appointments: by the slot's local day; booked (not cancelled), kept (checked in), no-show.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.utils import timezone

from satuatap.servicedesk.models import (
    Appointment,
    AppointmentStatus,
    QueueTicket,
    Service,
    ServiceRequest,
    ServiceStandard,
    StandardStatus,
    TicketStatus,
)

__all__ = [
    "GROUPINGS",
    "FigureRow",
    "appointment_figures",
    "percentile",
    "request_figures",
    "standard_periods",
    "ticket_figures",
    "ticket_figures_by",
    "week_start",
]

GROUPINGS = ("day", "week", "service", "counter", "officer", "unit")
TOTAL = "__total__"
SORT_MEMORY = "128MB"


@dataclass
class FigureRow:
    """One line of the figures: ``key`` is a date (day, week's Monday), an id, ``None`` (no counter or
    officer) or ``TOTAL``. Times are in seconds."""

    key: Any
    label: str = ""
    taken: int = 0
    served: int = 0
    no_show: int = 0
    wait_median: float | None = None
    wait_p90: float | None = None
    service_median: float | None = None
    service_p90: float | None = None
    within: int = 0
    with_standard: int = 0
    requests: int = 0
    requests_on_time: int = 0
    requests_overdue: int = 0
    booked: int = 0
    kept: int = 0
    appointment_no_show: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def within_share(self) -> float | None:
        return self.within / self.with_standard if self.with_standard else None

    @property
    def on_time_share(self) -> float | None:
        done = self.requests_on_time + self.requests_overdue
        return self.requests_on_time / done if done else None

    @property
    def kept_share(self) -> float | None:
        return self.kept / self.booked if self.booked else None

    @staticmethod
    def minutes(seconds: float | None) -> float | None:
        return None if seconds is None else round(seconds / 60, 1)

    @property
    def wait_median_minutes(self) -> float | None:
        return self.minutes(self.wait_median)

    @property
    def wait_p90_minutes(self) -> float | None:
        return self.minutes(self.wait_p90)

    @property
    def service_median_minutes(self) -> float | None:
        return self.minutes(self.service_median)

    @property
    def service_p90_minutes(self) -> float | None:
        return self.minutes(self.service_p90)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """``percentile_cont``: linear interpolation between the closest ranks of the sorted values."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _is_postgresql() -> bool:
    return connection.vendor == "postgresql"


# --- the standard in force per service and day ---------------------------------------------------


def standard_periods(service_ids: Iterable[int]) -> list[tuple[int, date, date | None, int]]:
    """``(service_id, from_day, to_day or None, service_minutes)``: when each standard's minutes apply
    to each of ``service_ids`` (an adopted service follows its source's published standards)."""
    ids = set(service_ids)
    if not ids:
        return []
    sources: dict[int, int | None] = {}
    pending = set(ids)
    while pending:
        found = dict(Service.objects.filter(pk__in=pending).values_list("pk", "adopted_from_id"))
        sources.update(found)
        pending = {parent for parent in found.values() if parent is not None and parent not in sources}

    def source_of(service_id: int) -> int:
        seen = set()
        while sources.get(service_id) is not None and service_id not in seen:
            seen.add(service_id)
            service_id = sources[service_id]  # type: ignore[assignment]
        return service_id

    source = {service_id: source_of(service_id) for service_id in ids}
    standards: dict[int, dict[date, tuple[int, int | None]]] = defaultdict(dict)
    rows = ServiceStandard.objects.filter(
        service_id__in=set(source.values()), status=StandardStatus.PUBLISHED, effective_from__isnull=False
    ).values_list("service_id", "effective_from", "version", "service_minutes")
    for service_id, effective, version, minutes in rows:
        if effective is None:
            continue
        kept = standards[service_id].get(effective)
        if kept is None or version > kept[0]:
            standards[service_id][effective] = (version, minutes)
    periods = []
    for service_id in sorted(ids):
        days = sorted(standards.get(source[service_id], {}).items())
        for index, (effective, (_version, minutes)) in enumerate(days):
            until = days[index + 1][0] if index + 1 < len(days) else None
            if minutes is not None:
                periods.append((service_id, effective, until, minutes))
    return periods


def _minutes_on(periods: list[tuple[int, date, date | None, int]]):
    by_service: dict[int, list[tuple[date, date | None, int]]] = defaultdict(list)
    for service_id, start, until, minutes in periods:
        by_service[service_id].append((start, until, minutes))

    def minutes_on(service_id: int, day: date) -> int | None:
        for start, until, minutes in by_service.get(service_id, ()):
            if start <= day and (until is None or day < until):
                return minutes
        return None

    return minutes_on


# --- tickets -------------------------------------------------------------------------------------

_TICKET_KEYS = {
    "day": "t.day",
    "week": "date_trunc('week', t.day)::date",
    "service": "t.service_id",
    "counter": "t.counter_id",
    "officer": "t.officer_id",
    "unit": "um.group_id",
}


def _values(rows: Sequence[Sequence], types: Sequence[str]) -> tuple[str, list]:
    """A ``VALUES`` list of ``rows`` with typed placeholders, and its parameters."""
    placeholders = "(" + ", ".join(f"%s::{kind}" for kind in types) + ")"
    return ", ".join([placeholders] * len(rows)), [value for row in rows for value in row]


def _unit_map_sql(groups: dict[int, int]) -> tuple[str, list]:
    values, params = _values(sorted(groups.items()), ("bigint", "bigint"))
    return f"JOIN (VALUES {values}) AS um(unit_id, group_id) ON um.unit_id = t.unit_id", params


def ticket_figures(
    unit_ids: Sequence[int],
    start: date,
    end: date,
    by: str,
    *,
    groups: dict[int, int] | None = None,
    with_total: bool = True,
) -> dict[object, FigureRow]:
    """Ticket figures of ``unit_ids`` on the days ``start``..``end`` by ``by`` (``unit``: by
    ``groups[unit_id]``), with the totals under ``TOTAL`` (unless ``with_total`` is false: the
    total's percentiles sort every row once more)."""
    if by not in _TICKET_KEYS:
        raise ValueError(by)
    service_ids = list(Service.objects.filter(unit_id__in=unit_ids).values_list("pk", flat=True))
    periods = standard_periods(service_ids)
    if _is_postgresql():
        return _ticket_figures_sql(unit_ids, start, end, [by], groups or {}, periods, with_total)[by]
    return _ticket_figures_python(unit_ids, start, end, by, groups or {}, periods)


def ticket_figures_by(unit_ids: Sequence[int], start: date, end: date, bys: Sequence[str], *,
                      groups: dict[int, int] | None = None) -> dict[str, dict[object, FigureRow]]:  # fmt: skip
    """The ticket figures of the same days by each of ``bys`` at once, without totals: on PostgreSQL
    one scan of the tickets (``GROUPING SETS``) rather than one per grouping."""
    for by in bys:
        if by not in _TICKET_KEYS:
            raise ValueError(by)
    if not _is_postgresql():
        return {by: ticket_figures(unit_ids, start, end, by, groups=groups, with_total=False) for by in bys}
    periods = standard_periods(Service.objects.filter(unit_id__in=unit_ids).values_list("pk", flat=True))
    return _ticket_figures_sql(unit_ids, start, end, list(bys), groups or {}, periods, with_total=False)


def _ticket_figures_sql(unit_ids, start, end, bys, groups, periods, with_total=True) -> dict[str, dict]:
    keys = [_TICKET_KEYS[by] for by in bys]
    params: list = []
    standards = "SELECT NULL::bigint, NULL::date, NULL::date, NULL::integer WHERE false"
    if periods:
        values, params = _values(periods, ("bigint", "date", "date", "integer"))
        standards = f"VALUES {values}"
    join_units, unit_params = ("", []) if "unit" not in bys else _unit_map_sql(groups)
    wait = "EXTRACT(EPOCH FROM t.called_at - t.wait_from)"
    service = "EXTRACT(EPOCH FROM t.finished_at - COALESCE(t.started_at, t.called_at))"
    served = "t.status = 'done' AND t.finished_at IS NOT NULL"
    sets = ", ".join(f"({key})" for key in keys) + (", ()" if with_total else "")
    sql = f"""
        WITH std(service_id, from_day, to_day, minutes) AS ({standards})
        SELECT GROUPING({", ".join(keys)}) AS mask, {", ".join(keys)},
            COUNT(*),
            COUNT(*) FILTER (WHERE t.status = 'done'),
            COUNT(*) FILTER (WHERE t.status = 'no_show'),
            percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY {wait}) FILTER (WHERE t.called_at IS NOT NULL),
            percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY {service}) FILTER (WHERE {served}),
            COUNT(*) FILTER (WHERE {served} AND s.minutes IS NOT NULL AND {service} <= s.minutes * 60),
            COUNT(*) FILTER (WHERE {served} AND s.minutes IS NOT NULL)
        FROM servicedesk_queueticket t
        {join_units}
        LEFT JOIN std s ON s.service_id = t.service_id AND t.day >= s.from_day
            AND (s.to_day IS NULL OR t.day < s.to_day)
        WHERE t.unit_id = ANY(%s) AND t.day BETWEEN %s AND %s
        GROUP BY GROUPING SETS ({sets})
    """  # noqa: S608 - fixed SQL of this module; every value is a parameter
    results: dict[str, dict] = {by: {} for by in bys}
    width, everything = len(keys), (1 << len(keys)) - 1
    with connection.cursor() as cursor:
        # The percentiles sort each group's times: in memory rather than on disk (the default is 4 MB).
        cursor.execute(f"SET work_mem = '{SORT_MEMORY}'")
        try:
            cursor.execute(sql, [*params, *unit_params, list(unit_ids), start, end])
            fetched = cursor.fetchall()
        finally:
            cursor.execute("RESET work_mem")
    for mask, *found in fetched:
        values, (taken, served_count, no_show, waits, services, within, with_standard) = found[:width], found[width:]
        # GROUPING(k1, .., kn): a bit per key, the first the highest, set where the row is not grouped by it.
        grouped = [i for i in range(width) if not mask >> (width - 1 - i) & 1]
        targets = [(by, TOTAL) for by in bys] if mask == everything else [(bys[grouped[0]], values[grouped[0]])]
        for by, key in targets:
            row = FigureRow(key, taken=taken, served=served_count, no_show=no_show)
            row.wait_median, row.wait_p90 = waits or (None, None)
            row.service_median, row.service_p90 = services or (None, None)
            row.within, row.with_standard = within, with_standard
            results[by][key] = row
    for rows in results.values():
        rows.setdefault(TOTAL, FigureRow(TOTAL))
    return results


def _ticket_figures_python(unit_ids, start, end, by, groups, periods) -> dict[object, FigureRow]:
    minutes_on = _minutes_on(periods)
    fields = ("unit_id", "service_id", "counter_id", "officer_id", "day", "status", "wait_from", "called_at",
              "started_at", "finished_at")  # fmt: skip
    tickets = QueueTicket.objects.filter(unit_id__in=unit_ids, day__range=(start, end)).values_list(*fields)
    collected: dict[object, dict] = defaultdict(lambda: {"row": None, "waits": [], "services": []})
    for unit_id, service_id, counter_id, officer_id, day, status, wait_from, called_at, started, finished in tickets:
        key = {
            "day": day,
            "week": week_start(day),
            "service": service_id,
            "counter": counter_id,
            "officer": officer_id,
            "unit": groups.get(unit_id),
        }[by]
        for bucket_key in (key, TOTAL):
            bucket = collected[bucket_key]
            row = bucket["row"] = bucket["row"] or FigureRow(bucket_key)
            row.taken += 1
            row.no_show += status == TicketStatus.NO_SHOW
            if called_at is not None:
                bucket["waits"].append((called_at - wait_from).total_seconds())
            if status == TicketStatus.DONE and finished is not None:
                row.served += 1
                seconds = (finished - (started or called_at)).total_seconds()
                bucket["services"].append(seconds)
                minutes = minutes_on(service_id, day)
                if minutes is not None:
                    row.with_standard += 1
                    row.within += seconds <= minutes * 60
            elif status == TicketStatus.DONE:
                row.served += 1
    rows = {}
    for key, bucket in collected.items():
        row = bucket["row"]
        row.wait_median, row.wait_p90 = percentile(bucket["waits"], 0.5), percentile(bucket["waits"], 0.9)
        row.service_median = percentile(bucket["services"], 0.5)
        row.service_p90 = percentile(bucket["services"], 0.9)
        rows[key] = row
    rows.setdefault(TOTAL, FigureRow(TOTAL))
    return rows


# --- requests and appointments ---------------------------------------------------------------------


def _span(start: date, end: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def _moment_key(by: str, column: str, zone: ZoneInfo, officer: str) -> str | None:
    local = f"({column} AT TIME ZONE '{zone.key}')::date"
    return {
        "day": local,
        "week": f"date_trunc('week', {local})::date",
        "service": "t.service_id",
        "counter": None,
        "officer": officer,
        "unit": "um.group_id",
    }[by]


def _python_key(by: str, moment: datetime, zone: ZoneInfo, service_id, officer_id, unit_id, groups):
    day = timezone.localtime(moment, zone).date()
    return {
        "day": day,
        "week": week_start(day),
        "service": service_id,
        "officer": officer_id,
        "unit": groups.get(unit_id),
    }[by]


def request_figures(
    unit_ids: Sequence[int],
    start: date,
    end: date,
    by: str,
    zone: ZoneInfo,
    *,
    groups: dict[int, int] | None = None,
    now: datetime | None = None,
) -> dict[object, FigureRow]:
    """Requests received in the span by ``by`` (``officer``: assigned to); none by counter."""
    now = now or timezone.now()
    low, high = _span(start, end, zone)
    rows: dict[object, FigureRow] = {}
    if by == "counter":
        return rows
    if _is_postgresql():
        key = _moment_key(by, "t.received_at", zone, "t.assigned_to_id")
        join_units, unit_params = ("", []) if by != "unit" else _unit_map_sql(groups or {})
        sql = f"""
            SELECT GROUPING({key}), {key}, COUNT(*),
                COUNT(*) FILTER (WHERE t.finished_at IS NOT NULL AND t.due_at IS NOT NULL
                    AND t.finished_at <= t.due_at),
                COUNT(*) FILTER (WHERE t.due_at IS NOT NULL AND COALESCE(t.finished_at, %s) > t.due_at)
            FROM servicedesk_servicerequest t {join_units}
            WHERE t.unit_id = ANY(%s) AND t.received_at >= %s AND t.received_at < %s
            GROUP BY GROUPING SETS (({key}), ())
        """  # noqa: S608 - fixed SQL of this module; every value is a parameter
        with connection.cursor() as cursor:
            cursor.execute(sql, [now, *unit_params, list(unit_ids), low, high])
            for is_total, row_key, received, on_time, overdue in cursor.fetchall():
                row = FigureRow(TOTAL if is_total else row_key)
                row.requests, row.requests_on_time, row.requests_overdue = received, on_time, overdue
                rows[row.key] = row
        return rows
    requests = ServiceRequest.objects.filter(unit_id__in=unit_ids, received_at__gte=low, received_at__lt=high)
    fields = ("received_at", "service_id", "assigned_to_id", "unit_id", "due_at", "finished_at")
    for received, service_id, officer_id, unit_id, due, finished in requests.values_list(*fields):
        key = _python_key(by, received, zone, service_id, officer_id, unit_id, groups or {})
        for bucket in (key, TOTAL):
            row = rows.setdefault(bucket, FigureRow(bucket))
            row.requests += 1
            row.requests_on_time += finished is not None and due is not None and finished <= due
            row.requests_overdue += due is not None and (finished or now) > due
    return rows


def appointment_figures(unit_ids: Sequence[int], start: date, end: date, by: str, zone: ZoneInfo, *,
                        groups: dict[int, int] | None = None) -> dict[object, FigureRow]:  # fmt: skip
    """Appointments by their slot's local day (none by counter; ``officer``: who booked it)."""
    low, high = _span(start, end, zone)
    rows: dict[object, FigureRow] = {}
    if by == "counter":
        return rows
    if _is_postgresql():
        key = _moment_key(by, "t.slot_start", zone, "t.booked_by_id")
        join_units, unit_params = ("", []) if by != "unit" else _unit_map_sql(groups or {})
        sql = f"""
            SELECT GROUPING({key}), {key},
                COUNT(*) FILTER (WHERE t.status <> 'cancelled'),
                COUNT(*) FILTER (WHERE t.status = 'checked_in'),
                COUNT(*) FILTER (WHERE t.status = 'no_show')
            FROM servicedesk_appointment t {join_units}
            WHERE t.unit_id = ANY(%s) AND t.slot_start >= %s AND t.slot_start < %s
            GROUP BY GROUPING SETS (({key}), ())
        """  # noqa: S608 - fixed SQL of this module; every value is a parameter
        with connection.cursor() as cursor:
            cursor.execute(sql, [*unit_params, list(unit_ids), low, high])
            for is_total, row_key, booked, kept, no_show in cursor.fetchall():
                row = FigureRow(TOTAL if is_total else row_key)
                row.booked, row.kept, row.appointment_no_show = booked, kept, no_show
                rows[row.key] = row
        return rows
    appointments = Appointment.objects.filter(unit_id__in=unit_ids, slot_start__gte=low, slot_start__lt=high)
    for slot, service_id, officer_id, unit_id, status in appointments.values_list(
        "slot_start", "service_id", "booked_by_id", "unit_id", "status"
    ):
        key = _python_key(by, slot, zone, service_id, officer_id, unit_id, groups or {})
        for bucket in (key, TOTAL):
            row = rows.setdefault(bucket, FigureRow(bucket))
            row.booked += status != AppointmentStatus.CANCELLED
            row.kept += status == AppointmentStatus.CHECKED_IN
            row.appointment_no_show += status == AppointmentStatus.NO_SHOW
    return rows
