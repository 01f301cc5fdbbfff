"""The distribution report page of the active unit's subtree: by fund (with the allocation-to-
collection ratio), pillar, asnaf and program, by region (the offices below, the regencies where
people live), people helped, zakat held, loans outstanding, work waiting; as a page, an XLSX
workbook with every table, or an A4 landscape PDF (``?format=pdf``)."""

from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satuatap.core.asnaf import Asnaf
from satuatap.core.exports import pdf_response, xlsx_response
from satuatap.core.forms import MonthField, month_label
from satuatap.core.views_helpers import active_unit
from satuatap.distribution.reports import distribution_report, regency_breakdown
from satuatap.ledger.pillars import pillar_labels
from satuatap.ledger.reports import MonthRange
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
    if fmt in ("xlsx", "pdf") or request.GET.get("part") == "regencies":
        context.update(regencies=regency_breakdown(unit, period), show_regencies=True)
    if fmt == "xlsx":
        return xlsx_response(f"penyaluran-{unit.code}-{span}", _sheets(result, pillars, asnaf, context["regencies"]))
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


def _sheets(result, pillars, asnaf, regencies) -> list:
    return [
        (
            _("Summary"),
            [_("Figure"), _("Value")],
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
        (
            _("Funds"),
            [_("Fund"), _("Collected"), _("Distributed"), _("Distributed / collected")],
            [[r.label, r.collected, r.distributed, r.percent] for r in result.funds],
        ),
        (_("Pillars"), [_("Pillar"), _("Distributed")], pillars),
        (_("Asnaf"), [_("Asnaf"), _("Zakat distributed")], asnaf),
        (
            _("Programs"),
            [_("Program"), _("Budget"), _("Paid"), _("Used"), _("People")],
            [[r.program.name, r.program.budget, r.paid, r.percent, r.people] for r in result.programs],
        ),
        (
            _("Offices"),
            [
                _("Office"),
                _("Code"),
                _("Paid through programs"),
                _("Payments"),
                _("People"),
                _("Households"),
                _("Applications waiting"),
                _("Overdue"),
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
        (
            _("Regencies"),
            [_("Regency/city"), _("Paid through programs"), _("Payments"), _("People")],
            [[_regency_name(r), r.distributed, r.payments, r.people] for r in regencies],
        ),
    ]
