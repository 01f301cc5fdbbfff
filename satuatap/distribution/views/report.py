"""The distribution report page of the active unit's subtree: by fund (with the allocation-to-
collection ratio), pillar, asnaf and program, by region (the offices below, the regencies where
people live), people helped, zakat held, loans outstanding, work waiting; as a page, an XLSX
workbook with every table, or an A4 landscape PDF (``?format=pdf``)."""

from functools import partial
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satuatap.core.asnaf import Asnaf
from satuatap.core.charts import chart
from satuatap.core.exports import INTEGER, MONEY, PERCENT, Column, Sheet, heading_for, pdf_response, xlsx_response
from satuatap.core.forms import MonthField, month_label
from satuatap.core.views.helpers import active_unit
from satuatap.distribution.selectors import distribution_report, regency_breakdown
from satuatap.ledger.selectors import MonthRange, pillar_labels
from satuatap.organizations.permissions import can

MONTH_INPUT = {"type": "month", "class": "form-control form-control-sm"}


class PeriodForm(forms.Form):
    start = MonthField(label=gettext_lazy("From month"), widget=forms.TextInput(attrs=MONTH_INPUT))
    end = MonthField(label=gettext_lazy("To month"), widget=forms.TextInput(attrs=MONTH_INPUT))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The last month must not be before the first."))
        return data


def _charts(result, pillars, asnaf) -> dict:
    """The page's charts: each fund collected beside distributed, the pillars and asnaf as shares,
    each program's budget beside what it paid."""
    funds = result.funds
    return {
        "funds": chart(
            "bar",
            _("Collected and distributed by fund"),
            [f.label for f in funds],
            [(_("Collected"), [f.collected for f in funds]), (_("Distributed"), [f.distributed for f in funds])],
            label_heading=_("Fund"),
            title_hidden=True,
        ),
        "pillars": chart(
            "doughnut",
            _("By pillar"),
            [label for label, _amount in pillars],
            [(_("Distributed"), [amount for _label, amount in pillars])],
            label_heading=_("Pillar"),
            title_hidden=True,
        ),
        "asnaf": chart(
            "doughnut",
            _("Zakat by asnaf"),
            [label for label, _amount in asnaf],
            [(_("Distributed"), [amount for _label, amount in asnaf])],
            label_heading=_("Asnaf"),
            title_hidden=True,
        ),
        "programs": chart(
            "bar",
            _("Programs: budget and paid"),
            [p.program.name for p in result.programs],
            [
                (_("Budget"), [p.program.budget or 0 for p in result.programs]),
                (_("Paid"), [p.paid for p in result.programs]),
            ],
            horizontal=True,
            label_heading=_("Program"),
            title_hidden=True,
        ),
    }


@login_required
def report(request):
    unit = active_unit(request, "distribution.view")
    today = timezone.localdate()
    initial = {"start": f"{today.year}-01", "end": f"{today.year}-{today.month:02d}"}
    form = PeriodForm({**initial, **request.GET.dict()})
    period = MonthRange(today.year, 1, today.year, today.month)
    if form.is_valid():
        (sy, sm), (ey, em) = form.cleaned_data["start"], form.cleaned_data["end"]
        period = MonthRange(sy, sm, ey, em)
    if request.GET.get("part") == "regencies" and request.headers.get("HX-Request"):
        # The regency table, asked for by the page once the rest is on screen (it joins the registry).
        return render(request, "distribution/report_regencies.html", {"regencies": regency_breakdown(unit, period)})
    result = distribution_report(unit, period)
    labels = pillar_labels(unit.institution_id)
    pillars = [(labels.get(key, key), amount) for key, amount in result.pillars]
    asnaf = [(str(Asnaf(key).label), amount) for key, amount in result.asnaf if key in Asnaf.values]
    span = f"{period.start_year}{period.start_month:02d}-{period.end_year}{period.end_month:02d}"
    context = {
        "unit": unit,
        "form": form,
        "r": result,
        "pillars": pillars,
        "asnaf": asnaf,
        "period_label": f"{month_label(period.start)} – {month_label(period.end)}",
        "query": request.GET.urlencode(),
        "regencies_query": urlencode({**request.GET.dict(), "part": "regencies"}),
        "can_configure": can(request.user, "distribution.configure", unit),
    }
    fmt = request.GET.get("format")
    if not fmt:
        context["charts"] = _charts(result, pillars, asnaf)
    if fmt in ("xlsx", "pdf") or request.GET.get("part") == "regencies":
        context.update(regencies=regency_breakdown(unit, period), show_regencies=True)
    if fmt == "xlsx":
        heading = heading_for(_("Distribution report"), unit=unit, period=context["period_label"], user=request.user)
        sheets = _sheets(result, pillars, asnaf, context["regencies"])
        return xlsx_response(f"penyaluran-{unit.code}-{span}", sheets, heading)
    if fmt == "pdf":
        context.update(
            {"institution": unit.institution, "printed_at": timezone.localtime(), "title": _("Distribution report")}
        )
        return pdf_response("distribution/report_pdf.html", context, f"penyaluran-{unit.code}-{span}", request=request)
    return render(request, "distribution/report.html", context)


def _region_name(row) -> str:
    return _("%(unit)s itself") % {"unit": row.unit.name} if row.is_self else row.unit.name


def _regency_name(row) -> str:
    if row.name is None:
        return _("Other regencies and cities")
    return row.name or _("Address unknown")


def _points(ratio: float | None) -> float | None:
    """A ratio as percentage points with one decimal (12.3), the way the page shows it."""
    return None if ratio is None else round(ratio * 100, 1)


def _sheets(result, pillars, asnaf, regencies) -> list[Sheet]:
    money, count = partial(Column, kind=MONEY, summed=True), partial(Column, kind=INTEGER, summed=True)
    return [
        Sheet(
            _("Summary"),
            [Column(_("Figure")), Column(_("Value"), INTEGER)],
            [
                [_("Distributed"), result.distributed],
                [_("Payments"), result.payments],
                [_("People helped"), result.people],
                [_("Households helped"), result.households],
                [_("Zakat held now"), result.zakat_held],
                [_("Zakat held over a year"), result.zakat_held_over_a_year],
                [_("Loans still being repaid"), result.loans],
                [_("Loans outstanding"), result.loans_outstanding],
                [_("Applications waiting"), result.open_applications],
                [_("Applications overdue"), result.overdue_applications],
            ],
        ),
        Sheet(
            _("Funds"),
            [
                Column(_("Fund")),
                money(_("Collected")),
                money(_("Distributed")),
                Column(_("Distributed / collected (%)"), PERCENT),
            ],
            [[r.label, r.collected, r.distributed, _points(r.ratio)] for r in result.funds],
        ),
        Sheet(_("Pillars"), [Column(_("Pillar")), money(_("Distributed"))], pillars),
        Sheet(_("Asnaf"), [Column(_("Asnaf")), money(_("Zakat distributed"))], asnaf),
        Sheet(
            _("Programs"),
            [
                Column(_("Program")),
                money(_("Budget")),
                money(_("Paid")),
                Column(_("Used (%)"), PERCENT),
                # One person may be helped by several programs: people are not summed.
                Column(_("People"), INTEGER),
            ],
            [[r.program.name, r.program.budget, r.paid, _points(r.used), r.people] for r in result.programs],
        ),
        Sheet(
            _("Offices"),
            [
                Column(_("Office")),
                Column(_("Code")),
                money(_("Paid through programs")),
                count(_("Payments")),
                Column(_("People"), INTEGER),
                Column(_("Households"), INTEGER),
                count(_("Applications waiting")),
                count(_("Overdue")),
            ],
            [
                [
                    _region_name(r),
                    r.unit.code,
                    r.distributed,
                    r.payments,
                    r.people,
                    r.households,
                    r.open_applications,
                    r.overdue_applications,
                ]
                for r in result.regions
            ],
        ),
        Sheet(
            _("Regencies"),
            [
                Column(_("Regency/city")),
                money(_("Paid through programs")),
                count(_("Payments")),
                Column(_("People"), INTEGER),
            ],
            [[_regency_name(r), r.distributed, r.payments, r.people] for r in regencies],
        ),
    ]
