"""The desk's figures over the REST API (read only, scoped by ``servicedesk.view``): the figures of a
unit's subtree over a span of days by day, week, service, counter, officer or unit below
(``GET /figures``), and the Friday evaluation of an ISO week (``GET /figures/week``). Times are in
minutes; shares are fractions (0..1, null when nothing was counted)."""

from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from satuatap.api.schemas import ErrorOut
from satuatap.api.scoping import acting_unit
from satuatap.servicedesk.errors import ServiceDeskRefused
from satuatap.servicedesk.figures.selectors import (
    GROUPINGS,
    MAX_DAYS,
    FigureRow,
    desk_figures,
    iso_week,
    week_evaluation,
    week_start,
)

router = Router(tags=["servicedesk-figures"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
VIEW = "servicedesk.view"


class FiguresQuery(Schema):
    unit_id: int | None = Field(None, description="The unit whose subtree is counted; default: your first unit.")
    start: date | None = Field(None, description="First day (default: 27 days before `end`).")
    end: date | None = Field(None, description="Last day (default: today in the unit's time zone).")
    by: str = Field("day", description="day, week, service, counter, officer or unit (one row per unit below).")


class WeekQuery(Schema):
    unit_id: int | None = Field(None, description="The unit whose subtree is evaluated; default: your first unit.")
    week: str | None = Field(None, description="ISO week as YYYY-Www (default: this week, up to today).")


class FigureRowOut(Schema):
    key: str | None = Field(description="The day or week's Monday (ISO), or the service, counter, officer or unit id.")
    label: str
    taken: int
    served: int
    no_show: int
    wait_median_minutes: float | None
    wait_p90_minutes: float | None
    service_median_minutes: float | None
    service_p90_minutes: float | None
    within_standard: int = Field(description="Served tickets within the standard's service time.")
    with_standard: int = Field(description="Served tickets of a service with a standard in force.")
    within_standard_share: float | None
    requests: int
    requests_on_time: int
    requests_overdue: int
    appointments_booked: int
    appointments_kept: int
    appointments_no_show: int


class FiguresOut(Schema):
    unit_id: int
    unit: str
    start: date
    end: date
    by: str
    rows: list[FigureRowOut]
    total: FigureRowOut


class WeekOut(Schema):
    unit_id: int
    unit: str
    week: str
    start: date
    end: date
    total: FigureRowOut
    days: list[FigureRowOut]
    weeks: list[FigureRowOut] = Field(description="The eight weeks before, then this one.")
    services: list[FigureRowOut]
    counters: list[FigureRowOut]
    units: list[FigureRowOut] = Field(description="One row per unit below (a parent's evaluation).")


def _row(row: FigureRow) -> dict:
    key = row.key
    return {
        "key": None if key is None or key == "__total__" else (key.isoformat() if isinstance(key, date) else str(key)),
        "label": str(row.label),
        "taken": row.taken,
        "served": row.served,
        "no_show": row.no_show,
        "wait_median_minutes": row.wait_median_minutes,
        "wait_p90_minutes": row.wait_p90_minutes,
        "service_median_minutes": row.service_median_minutes,
        "service_p90_minutes": row.service_p90_minutes,
        "within_standard": row.within,
        "with_standard": row.with_standard,
        "within_standard_share": row.within_share,
        "requests": row.requests,
        "requests_on_time": row.requests_on_time,
        "requests_overdue": row.requests_overdue,
        "appointments_booked": row.booked,
        "appointments_kept": row.kept,
        "appointments_no_show": row.appointment_no_show,
    }


@router.get(
    "/figures",
    response={200: FiguresOut, **ERRORS},
    summary="The desk's figures of a unit's subtree over a span of days, grouped as asked",
    operation_id="satuatap_servicedesk_api_get_figures",
)
def get_figures(request, query: Query[FiguresQuery]):
    unit = acting_unit(request.user, query.unit_id, VIEW)
    if query.by not in GROUPINGS:
        raise ServiceDeskRefused(_("Group by day, week, service, counter, officer or unit."), field="by")
    end = query.end or timezone.localtime(timezone.now(), unit.tzinfo).date()
    start = query.start or end - timedelta(days=27)
    if start > end:
        raise ServiceDeskRefused(_("The last day must not be before the first."), field="end")
    if end - start > timedelta(days=MAX_DAYS):
        raise ServiceDeskRefused(_("Choose a period of at most %(days)s days.") % {"days": MAX_DAYS}, field="end")
    result = desk_figures(request.user, unit, start, end, query.by)
    return {
        "unit_id": unit.pk,
        "unit": unit.name,
        "start": start,
        "end": end,
        "by": query.by,
        "rows": [_row(r) for r in result.rows],
        "total": _row(result.total),
    }


@router.get(
    "/figures/week",
    response={200: WeekOut, **ERRORS},
    summary="The Friday evaluation of a week against the eight before it, consolidated over the subtree",
    operation_id="satuatap_servicedesk_api_get_figures_week",
)
def get_figures_week(request, query: Query[WeekQuery]):
    unit = acting_unit(request.user, query.unit_id, VIEW)
    monday = None
    if query.week:
        monday = iso_week(query.week)
        if monday is None:
            raise ServiceDeskRefused(_("Enter a week as YYYY-Www, for example 2026-W49."), field="week")
    result = week_evaluation(
        request.user, unit, monday or week_start(timezone.localtime(timezone.now(), unit.tzinfo).date())
    )
    return {
        "unit_id": unit.pk,
        "unit": unit.name,
        "week": result.label,
        "start": result.week,
        "end": result.end,
        "total": _row(result.total),
        "days": [_row(r) for r in result.days],
        "weeks": [_row(r) for r in result.weeks],
        "services": [_row(r) for r in result.services],
        "counters": [_row(r) for r in result.counters],
        "units": [_row(r) for r in result.units],
    }
