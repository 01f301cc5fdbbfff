"""The collection reports page: one page, a chooser of tables, CSV/XLSX/PDF of what is shown.

All figures come from ``collection.reports`` (scoped with ``collection.view``); this module
only reads the chooser's form and lays the data out for the page and the downloads.
"""

from datetime import date

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from satuatap.collection.reports import MAX_RANGE_DAYS, TABLES, CollectionReport, DateRange, Table, collection_report
from satuatap.core.charts import Chart, chart
from satuatap.core.exports import (
    INTEGER,
    MONEY,
    PERCENT,
    Column,
    Sheet,
    csv_response,
    heading_for,
    pdf_response,
    summed_where_they_add_up,
    xlsx_response,
)
from satuatap.core.formatting import tanggal
from satuatap.core.views.helpers import active_unit
from satuatap.organizations.forms import UnitChoiceField
from satuatap.organizations.models import Unit
from satuatap.organizations.selectors import units_for

OVERVIEW = "overview"
CHOICES = {OVERVIEW: gettext_lazy("Overview"), **{slug: title for slug, (title, _build) in TABLES.items()}}
FORMATS = ("csv", "xlsx", "pdf", "xlsx-all")
OVERVIEW_CHART_DAYS = 62


class CompareTo:
    NONE = ""
    PREVIOUS_PERIOD = "previous_period"
    PREVIOUS_YEAR = "previous_year"
    CUSTOM = "custom"

    choices = [
        (NONE, gettext_lazy("No comparison")),
        (PREVIOUS_PERIOD, gettext_lazy("The same number of days just before")),
        (PREVIOUS_YEAR, gettext_lazy("The same dates a year earlier")),
        (CUSTOM, gettext_lazy("Another range (below)")),
    ]


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# Reports read dates a person can mean; the bounds also keep every comparison range (up to ten years
# back) inside the calendar, which ends at the year 1.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2200, 12, 31)


class CollectionReportForm(forms.Form):
    unit = UnitChoiceField(queryset=Unit.objects.none(), label=gettext_lazy("Unit (with the units below it)"))
    start = forms.DateField(label=gettext_lazy("From"), widget=_date_input())
    end = forms.DateField(label=gettext_lazy("To"), widget=_date_input())
    compare = forms.ChoiceField(label=gettext_lazy("Compare with"), choices=CompareTo.choices, required=False)
    compare_start = forms.DateField(label=gettext_lazy("Comparison from"), widget=_date_input(), required=False)
    compare_end = forms.DateField(label=gettext_lazy("Comparison to"), widget=_date_input(), required=False)

    def __init__(self, data, *, user, active_unit: Unit):
        today = timezone.localdate(timezone=active_unit.tzinfo)
        initial = {"unit": active_unit.pk, "start": today.replace(day=1).isoformat(), "end": today.isoformat()}
        wanted = {k: v for k, v in data.items() if k in self.base_fields} if data else {}
        super().__init__({**initial, **wanted}, initial=initial)
        self.fields["unit"].queryset = units_for(user, capability="collection.view")

    def clean(self):
        data = super().clean()
        for field in ("start", "end", "compare_start", "compare_end"):
            day = data.get(field)
            if day and not FIRST_DAY <= day <= LAST_DAY:
                self.add_error(field, _("Choose a date between 1900 and 2200."))
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                self.add_error("end", _("The last day must not be before the first."))
            elif (end - start).days + 1 > MAX_RANGE_DAYS:
                self.add_error("end", _("A report covers at most ten years."))
        if data.get("compare") == CompareTo.CUSTOM:
            first, last = data.get("compare_start"), data.get("compare_end")
            if not first:
                self.add_error("compare_start", _("Enter the first day of the comparison range."))
            if not last:
                self.add_error("compare_end", _("Enter the last day of the comparison range."))
            if first and last:
                if first > last:
                    self.add_error("compare_end", _("The last day must not be before the first."))
                elif (last - first).days + 1 > MAX_RANGE_DAYS:
                    self.add_error("compare_end", _("A report covers at most ten years."))
        return data

    def period(self) -> DateRange:
        return DateRange(self.cleaned_data["start"], self.cleaned_data["end"])

    def comparison(self) -> DateRange | None:
        period, compare = self.period(), self.cleaned_data.get("compare")
        if compare == CompareTo.PREVIOUS_PERIOD:
            return period.previous_period()
        if compare == CompareTo.PREVIOUS_YEAR:
            return period.previous_year()
        if compare == CompareTo.CUSTOM:
            return DateRange(self.cleaned_data["compare_start"], self.cleaned_data["compare_end"])
        return None


def range_label(period: DateRange | None) -> str:
    if period is None:
        return ""
    if period.start == period.end:
        return tanggal(period.start)
    return f"{tanggal(period.start)} – {tanggal(period.end)}"


def _percent(value) -> float | None:
    """A percentage as a number (a spreadsheet can compute with it); blank when there is none."""
    return None if value is None else float(value)


def _table_sheet(table: Table, report: CollectionReport) -> Sheet:
    """One table for CSV/XLSX: the same figures as on the page, with totals (as formulas in XLSX
    where the rows add up to them)."""
    compared = report.comparison_period is not None
    timeline = table.slug in ("days", "months")
    columns = [
        Column(table.key_label),
        Column(_("Amount"), MONEY),
        Column(_("Donations"), INTEGER),
        Column(_("Donors"), INTEGER),
    ]
    if compared:
        if timeline:
            columns.append(Column(_("Compared with")))
        columns += [
            Column(_("Amount (comparison)"), MONEY),
            Column(_("Donations (comparison)"), INTEGER),
            Column(_("Donors (comparison)"), INTEGER),
            Column(_("Difference"), MONEY),
            Column(_("Difference (%)"), PERCENT),
        ]
    rows = []
    for row in table.rows:
        line = [row.label, row.current.amount, row.current.donations, row.current.donors]
        if compared:
            if timeline:
                line.append(row.comparison_label)
            line += [
                row.comparison.amount,
                row.comparison.donations,
                row.comparison.donors,
                row.change,
                _percent(row.change_percent),
            ]
        rows.append(line)
    total = [_("Total"), table.total.amount, table.total.donations, table.total.donors]
    if compared:
        if timeline:
            total.append(None)
        cmp = table.comparison_total
        total += [cmp.amount, cmp.donations, cmp.donors, table.change, _percent(table.change_percent)]
    return Sheet(str(table.title), summed_where_they_add_up(columns, rows, total), rows, totals=total)


def overview_rows(report: CollectionReport) -> list[tuple[str, int, int | None, int | None, bool]]:
    """(label, figure, comparison figure, change, is money) of the headline figures."""
    current, previous = report.current, report.comparison

    def figures(attribute):
        figure = getattr(current, attribute)
        if previous is None:
            return figure, None, None
        before = getattr(previous, attribute)
        return figure, before, figure - before

    items = [
        (_("Collected"), "amount", True),
        (_("Donations"), "donations", False),
        (_("Average donation"), "average", True),
        (_("Donors"), "donors", False),
        (_("New donors"), "new_donors", False),
        (_("Returning donors"), "returning_donors", False),
        (_("Void donations (not counted above)"), "void_donations", False),
        (_("Amount of void donations"), "void_amount", True),
    ]
    return [(label, *figures(attribute), money) for label, attribute, money in items]


def _overview_sheet(report: CollectionReport) -> Sheet:
    compared = report.comparison is not None
    columns = [Column(_("Figure")), Column(range_label(report.period), INTEGER)]
    if compared:
        columns += [Column(range_label(report.comparison_period), INTEGER), Column(_("Difference"), INTEGER)]
    rows = []
    for label, figure, previous, change, _money in overview_rows(report):
        rows.append([label, figure, previous, change] if compared else [label, figure])
    return Sheet(str(CHOICES[OVERVIEW]), columns, rows)


def report_chart(table: Table, report: CollectionReport) -> Chart:
    """The chart drawn above a table (the overview draws its months): amounts of the range, and
    of the comparison range beside them; time as columns, other groupings as horizontal bars."""
    timeline = table.slug in ("days", "months")
    datasets = [(range_label(report.period), [row.current.amount for row in table.rows])]
    if report.comparison_period is not None:
        comparison = [row.comparison.amount if row.comparison else 0 for row in table.rows]
        datasets.append((range_label(report.comparison_period), comparison))
    return chart(
        "bar",
        table.title,
        [row.label for row in table.rows],
        datasets,
        horizontal=not timeline,
        label_heading=table.key_label,
    )


def _sheets(report: CollectionReport, slug: str) -> list[Sheet]:
    if slug == OVERVIEW:
        return [_overview_sheet(report)]
    return [_table_sheet(report.tables[0], report)]


@login_required
@require_GET
def reports(request):
    unit = active_unit(request, "collection.view")
    slug = request.GET.get("report") or OVERVIEW
    fmt = request.GET.get("format", "")
    if slug not in CHOICES or (fmt and fmt not in FORMATS):
        raise Http404
    form = CollectionReportForm(request.GET, user=request.user, active_unit=unit)
    query = request.GET.copy()
    for key in ("report", "format"):
        query.pop(key, None)
    context = {"form": form, "slug": slug, "choices": CHOICES, "query": query.urlencode()}
    if form.is_valid():
        # The overview's chart (on the page only): the days of a range up to two months, else its months.
        timeline = "days" if form.period().days <= OVERVIEW_CHART_DAYS else "months"
        tables = ([timeline] if not fmt else []) if slug == OVERVIEW else [slug]
        if fmt == "xlsx-all":
            tables = list(TABLES)
        report = collection_report(
            request.user, form.cleaned_data["unit"], form.period(), comparison=form.comparison(), tables=tables
        )
        context.update(
            {
                "report": report,
                "table": report.tables[0] if len(report.tables) == 1 and slug != OVERVIEW else None,
                "chart": report_chart(report.tables[0], report) if len(report.tables) == 1 else None,
                "overview": overview_rows(report) if slug == OVERVIEW else None,
                "period_label": range_label(report.period),
                "comparison_label": range_label(report.comparison_period),
                "institution": report.unit.institution,
                "printed_at": timezone.localtime(),
                "title": _("Collection report: %(table)s") % {"table": CHOICES[slug]},
            }
        )
        filename = f"collection-{slug}-{report.unit.code}-{report.period.start:%Y%m%d}-{report.period.end:%Y%m%d}"
        if fmt == "csv":
            sheet = _sheets(report, slug)[0]
            rows = [*sheet.rows, sheet.totals] if sheet.totals else sheet.rows
            return csv_response(filename, [c.label for c in sheet.columns], rows)
        period = range_label(report.period)
        if report.comparison_period is not None:
            period = _("%(period)s, compared with %(comparison)s") % {
                "period": period,
                "comparison": range_label(report.comparison_period),
            }
        heading = heading_for(context["title"], unit=report.unit, period=period, user=request.user)
        if fmt == "xlsx":
            return xlsx_response(filename, _sheets(report, slug), heading)
        if fmt == "xlsx-all":
            sheets = [_overview_sheet(report)] + [_table_sheet(t, report) for t in report.tables]
            heading = heading_for(_("Collection report"), unit=report.unit, period=period, user=request.user)
            return xlsx_response(f"collection-{report.unit.code}-{report.period.start:%Y%m%d}", sheets, heading)
        if fmt == "pdf":
            return pdf_response("collection/report_pdf.html", context, filename, request=request)
    return render(request, "collection/report.html", context)
