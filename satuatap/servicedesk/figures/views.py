"""The desk's figures pages: the figures of a period by day, week, service, counter, officer or unit
below (``servicedesk:figures``), and the Friday evaluation of a week against the eight before it
(``servicedesk:evaluation``), each as a page with charts, an XLSX workbook (``?format=xlsx``) and,
for the evaluation, an A4 PDF with server-drawn charts (``?format=pdf``)."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.core.charts import chart
from satuatap.core.exports import INTEGER, NUMBER, PERCENT, Column, Sheet, heading_for, pdf_response, xlsx_response
from satuatap.core.views.helpers import active_unit
from satuatap.servicedesk.figures.forms import GROUPING_CHOICES, FiguresForm, WeekForm
from satuatap.servicedesk.figures.selectors import FigureRow, desk_figures, week_evaluation, week_label, week_start
from satuatap.servicedesk.figures.svg import svg_chart


def _points(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


def _columns(first: str) -> list[Column]:
    count = {"kind": INTEGER, "summed": False}
    return [
        Column(first),
        Column(_("Tickets taken"), **count),
        Column(_("Served"), **count),
        Column(_("No-show"), **count),
        Column(_("Waiting, median (min)"), NUMBER),
        Column(_("Waiting, p90 (min)"), NUMBER),
        Column(_("Service time, median (min)"), NUMBER),
        Column(_("Service time, p90 (min)"), NUMBER),
        Column(_("Within the standard (%)"), PERCENT),
        Column(_("Requests received"), **count),
        Column(_("Requests on time"), **count),
        Column(_("Requests overdue"), **count),
        Column(_("Appointments booked"), **count),
        Column(_("Appointments kept"), **count),
        Column(_("Appointment no-shows"), **count),
    ]


def _cells(row: FigureRow) -> list:
    return [
        row.label,
        row.taken,
        row.served,
        row.no_show,
        row.wait_median_minutes,
        row.wait_p90_minutes,
        row.service_median_minutes,
        row.service_p90_minutes,
        _points(row.within_share),
        row.requests,
        row.requests_on_time,
        row.requests_overdue,
        row.booked,
        row.kept,
        row.appointment_no_show,
    ]


def _sheet(
    name: str, first: str, rows: list[FigureRow], total: FigureRow | None = None, *, tickets_only=False
) -> Sheet:
    """One table as a sheet; ``tickets_only`` (by counter): requests and appointments have no counter."""
    width = 9 if tickets_only else 15
    body = [_cells(r)[:width] for r in rows] + ([_cells(total)[:width]] if total is not None else [])
    return Sheet(name[:31], _columns(first)[:width], body)


@login_required
def figures(request):
    active = active_unit(request, "servicedesk.view")
    today = timezone.localtime(timezone.now(), active.tzinfo).date()
    initial = {
        "start": (today - timedelta(days=27)).isoformat(),
        "end": today.isoformat(),
        "by": "day",
        "unit": active.pk,
    }
    form = FiguresForm({**initial, **request.GET.dict()}, user=request.user, active=active)
    start, end, by = today - timedelta(days=27), today, "day"
    if form.is_valid():
        start, end, by = form.cleaned_data["start"], form.cleaned_data["end"], form.cleaned_data["by"]
    else:  # what was valid of it still counts (a unit outside the subtree does not reset the grouping)
        by = form.cleaned_data.get("by") or by
        if "start" not in form.errors and "end" not in form.errors:
            start, end = form.cleaned_data.get("start") or start, form.cleaned_data.get("end") or end
    unit = form.chosen_unit()
    result = desk_figures(request.user, unit, start, end, by)
    by_label = dict(GROUPING_CHOICES)[by]
    period = f"{start:%d/%m/%Y} – {end:%d/%m/%Y}"
    if request.GET.get("format") == "xlsx":
        heading = heading_for(_("Service desk figures"), unit=unit, period=period, user=request.user)
        sheet = _sheet(str(by_label), str(by_label), result.rows, result.total, tickets_only=by == "counter")
        return xlsx_response(f"layanan-angka-{unit.code}-{start:%Y%m%d}-{end:%Y%m%d}", [sheet], heading)
    rows = result.rows
    labels = [r.label for r in rows]
    charts = {
        "tickets": chart(
            "bar",
            _("Tickets"),
            labels,
            [
                (_("Served"), [r.served for r in rows]),
                (_("No-show"), [r.no_show for r in rows]),
                (_("Not served"), [r.taken - r.served - r.no_show for r in rows]),
            ],  # fmt: skip
            money=False,
            stacked=True,
            label_heading=by_label,
            title_hidden=True,
        ),
        "waiting": chart(
            "line" if by in ("day", "week") else "bar",
            _("Waiting time (minutes)"),
            labels,
            [(_("Median"), [r.wait_median_minutes for r in rows]), (_("p90"), [r.wait_p90_minutes for r in rows])],
            money=False,
            label_heading=by_label,
            title_hidden=True,
        ),
    }
    context = {
        "unit": unit,
        "form": form,
        "result": result,
        "by_label": by_label,
        "period": period,
        "charts": charts if rows else None,
        "query": request.GET.urlencode(),
    }
    return render(request, "servicedesk/figures/figures.html", context)


def _evaluation_charts(evaluation) -> dict:
    days, weeks = evaluation.days, evaluation.weeks
    day_labels = [d.label.split(" ")[0] + " " + d.label.split(" ")[1] for d in days]
    week_labels = [week_label(w.key)[5:] for w in weeks]
    return {
        "days": chart(
            "bar",
            _("Tickets per day"),
            day_labels,
            [(_("Taken"), [d.taken for d in days]), (_("Served"), [d.served for d in days])],
            money=False,
            label_heading=_("Day"),
            title_hidden=True,
        ),
        "waiting": chart(
            "line",
            _("Waiting p90 per week (minutes)"),
            week_labels,
            [(_("p90"), [w.wait_p90_minutes for w in weeks]), (_("Median"), [w.wait_median_minutes for w in weeks])],
            money=False,
            label_heading=_("Week"),
            title_hidden=True,
        ),
        "within": chart(
            "line",
            _("Served within the standard per week (%)"),
            week_labels,
            [(_("Within the standard"), [_points(w.within_share) for w in weeks])],
            money=False,
            label_heading=_("Week"),
            title_hidden=True,
        ),
        "requests": chart(
            "bar",
            _("Requests per week"),
            week_labels,
            [(_("On time"), [w.requests_on_time for w in weeks]), (_("Overdue"), [w.requests_overdue for w in weeks])],
            money=False,
            stacked=True,
            label_heading=_("Week"),
            title_hidden=True,
        ),
    }


def _pdf_charts(evaluation) -> list:
    days, weeks = evaluation.days, evaluation.weeks
    week_labels = [week_label(w.key)[5:] for w in weeks]
    return [
        svg_chart("bar", _("Tickets per day"), [d.label.split(" ")[0] for d in days], [d.taken for d in days]),
        svg_chart("line", _("Waiting p90 per week (minutes)"), week_labels, [w.wait_p90_minutes for w in weeks]),
        svg_chart(
            "line",
            _("Served within the standard per week (%)"),
            week_labels,
            [_points(w.within_share) for w in weeks],
            top=100,
        ),  # fmt: skip
        svg_chart(
            "line", _("Requests on time per week (%)"), week_labels, [_points(w.on_time_share) for w in weeks], top=100
        ),  # fmt: skip
    ]


def _average(rows: list[FigureRow], attribute: str) -> float | None:
    values = [getattr(r, attribute) for r in rows if getattr(r, attribute) is not None]
    return round(sum(values) / len(values), 1) if values else None


def _comparison(evaluation) -> list[tuple[str, object, object]]:
    """This week's headline figures beside the average of the weeks before."""
    week = evaluation.total
    before = [r for r in evaluation.previous if r.taken or r.requests or r.booked]  # weeks the desk was open
    shares = [(_points(r.within_share)) for r in before if r.within_share is not None]
    on_time = [(_points(r.on_time_share)) for r in before if r.on_time_share is not None]
    return [
        (_("Tickets taken"), week.taken, _average(before, "taken")),
        (_("Served"), week.served, _average(before, "served")),
        (_("No-show"), week.no_show, _average(before, "no_show")),
        (_("Waiting, median (min)"), week.wait_median_minutes, _average(before, "wait_median_minutes")),
        (_("Waiting, p90 (min)"), week.wait_p90_minutes, _average(before, "wait_p90_minutes")),
        (_("Service time, median (min)"), week.service_median_minutes, _average(before, "service_median_minutes")),
        (
            _("Within the standard (%)"),
            _points(week.within_share),
            round(sum(shares) / len(shares), 1) if shares else None,
        ),  # fmt: skip
        (_("Requests received"), week.requests, _average(before, "requests")),
        (
            _("Requests on time (%)"),
            _points(week.on_time_share),
            round(sum(on_time) / len(on_time), 1) if on_time else None,
        ),  # fmt: skip
        (_("Appointments booked"), week.booked, _average(before, "booked")),
        (_("Appointments kept"), week.kept, _average(before, "kept")),
    ]


@login_required
def evaluation(request):
    active = active_unit(request, "servicedesk.view")
    today = timezone.localtime(timezone.now(), active.tzinfo).date()
    initial = {"week": week_label(week_start(today)), "unit": active.pk}
    form = WeekForm({**initial, **request.GET.dict()}, user=request.user, active=active)
    form.is_valid()
    monday = form.cleaned_data.get("week") or week_start(today)
    unit = form.chosen_unit()
    result = week_evaluation(request.user, unit, monday)
    period = f"{result.label}: {result.week:%d/%m/%Y} – {result.end:%d/%m/%Y}"
    context = {
        "unit": unit,
        "form": form,
        "e": result,
        "period": period,
        "comparison": _comparison(result),
        "query": request.GET.urlencode(),
        "title": _("Weekly evaluation"),
    }
    fmt = request.GET.get("format")
    filename = f"layanan-evaluasi-{unit.code}-{result.label}"
    if fmt == "xlsx":
        heading = heading_for(_("Weekly evaluation"), unit=unit, period=period, user=request.user)
        sheets = [
            Sheet(
                _("Summary"),
                [
                    Column(_("Figure")),
                    Column(_("This week"), NUMBER),
                    Column(_("Average of the 8 weeks before"), NUMBER),
                ],
                context["comparison"],
            ),  # fmt: skip
            _sheet(_("Days"), _("Day"), result.days, result.total),
            _sheet(_("Weeks"), _("Week"), result.weeks),
            _sheet(_("Services"), _("Service"), result.services),
            _sheet(_("Counters"), _("Counter"), result.counters, tickets_only=True),
        ]
        if result.units:
            sheets.append(_sheet(_("Units"), _("Unit"), result.units, result.total))
        return xlsx_response(filename, sheets, heading)
    if fmt == "pdf":
        context.update(institution=unit.institution, printed_at=timezone.localtime(), svg_charts=_pdf_charts(result))
        return pdf_response("servicedesk/figures/evaluation_pdf.html", context, filename, request=request)
    context["charts"] = _evaluation_charts(result)
    return render(request, "servicedesk/figures/evaluation.html", context)
