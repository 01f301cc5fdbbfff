"""The distribution report page of the active unit's subtree: by fund (with the allocation-to-
collection ratio), pillar, asnaf and program, people helped, zakat held, work waiting; as a page
or an XLSX workbook with every table."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satuatap.core.asnaf import Asnaf
from satuatap.core.exports import xlsx_response
from satuatap.core.forms import MonthField, month_label
from satuatap.core.views_helpers import active_unit
from satuatap.distribution.reports import distribution_report
from satuatap.ledger.models import Pillar
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
    result = distribution_report(unit, period)
    pillars = [(str(Pillar(key).label), amount) for key, amount in result.pillars if key in Pillar.values]
    asnaf = [(str(Asnaf(key).label), amount) for key, amount in result.asnaf if key in Asnaf.values]
    if request.GET.get("format") == "xlsx":
        span = f"{period.start_year}{period.start_month:02d}-{period.end_year}{period.end_month:02d}"
        return xlsx_response(
            f"penyaluran-{unit.code}-{span}",
            [
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
            ],
        )
    return render(
        request,
        "distribution/report.html",
        {
            "unit": unit,
            "form": form,
            "r": result,
            "pillars": pillars,
            "asnaf": asnaf,
            "period_label": f"{month_label(period.start)} – {month_label(period.end)}",
            "query": request.GET.urlencode(),
            "can_configure": can(request.user, "distribution.configure", unit),
        },
    )
