"""PSAK 109 statements as pages, PDF and XLSX, all from the same data (``ledger.selectors``)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satuatap.core.charts import chart
from satuatap.core.exports import MONEY, Sheet, heading_for, pdf_response, xlsx_response
from satuatap.core.formatting import figures_in_rupiah
from satuatap.core.forms import month_label
from satuatap.core.views.helpers import active_unit
from satuatap.ledger import selectors
from satuatap.ledger.forms import ReportForm
from satuatap.ledger.models import Asnaf, FundKind, Source
from satuatap.ledger.selectors import accounts_for, pillar_labels
from satuatap.ledger.views import sheets as report_sheets

TABS = {
    "financial-position": gettext_lazy("Financial position"),
    "changes-in-funds": gettext_lazy("Changes in funds"),
    "cash-flows": gettext_lazy("Cash flows"),
    "managed-assets": gettext_lazy("Managed assets"),
    "trial-balance": gettext_lazy("Trial balance"),
    "general-ledger": gettext_lazy("General ledger"),
}
REPORTS = {
    "financial-position": gettext_lazy("Statement of financial position (Laporan Posisi Keuangan)"),
    "changes-in-funds": gettext_lazy("Statement of changes in funds (Laporan Perubahan Dana)"),
    "cash-flows": gettext_lazy("Statement of cash flows (Laporan Arus Kas)"),
    "managed-assets": gettext_lazy("Statement of changes in managed assets (Laporan Perubahan Aset Kelolaan)"),
    "trial-balance": gettext_lazy("Trial balance (Neraca Saldo)"),
    "general-ledger": gettext_lazy("General ledger (Buku Besar)"),
}


def _span(period) -> str:
    return f"{month_label(period.start)} – {month_label(period.end)}"


def _build(slug, user, unit, period, consolidated, compare, account=None):
    """(data for the template, sheets for XLSX) of one report."""
    comparison = period.previous_year() if compare else None
    if slug == "trial-balance":
        result = selectors.trial_balance(user, unit, period, consolidated=consolidated, compare=comparison)
        return result, [report_sheets.trial_balance(result)]
    if slug == "financial-position":
        result = selectors.financial_position(user, unit, period, consolidated=consolidated, compare=comparison)
        return result, [report_sheets.financial_position(result)]
    if slug == "changes-in-funds":
        result = selectors.changes_in_funds(user, unit, period, consolidated=consolidated, compare=comparison)
        return result, [report_sheets.changes_in_funds(result, pillar_labels(unit.institution_id))]
    if slug == "cash-flows":
        result = selectors.cash_flows(user, unit, period, consolidated=consolidated, compare=comparison)
        spans = [_span(p) for p in (period, comparison) if p is not None]
        return result, [report_sheets.cash_flows(result, *spans)]
    if slug == "managed-assets":
        result = selectors.managed_assets(user, unit, period, consolidated=consolidated, compare=comparison)
        return result, [report_sheets.managed_assets(result)]
    if slug == "general-ledger":
        gl = selectors.general_ledger(user, unit, account, period, consolidated=consolidated, limit=5000)
        return selectors.Comparative(gl), [report_sheets.general_ledger(gl)]
    raise Http404


def report_chart(slug: str, result, period_label: str):
    """The chart above a statement where a picture helps: each fund's net assets (financial
    position), each fund's receipts beside its distributions (changes in funds); None for the others."""
    labels = dict(FundKind.choices)
    if slug == "financial-position":
        balances = result.current.fund_balances
        kinds = [kind for kind in FundKind.values if balances.get(kind)]
        return chart(
            "bar",
            _("Net assets by fund"),
            [labels[kind] for kind in kinds],
            [(period_label, [balances[kind] for kind in kinds])],
            label_heading=_("Fund"),
        )
    if slug == "changes-in-funds":
        funds = result.current
        kinds = [k for k in FundKind.values if k in funds and (funds[k].total_receipts or funds[k].total_distributions)]
        return chart(
            "bar",
            _("Receipts and distributions by fund"),
            [labels[kind] for kind in kinds],
            [
                (_("Receipts"), [funds[kind].total_receipts for kind in kinds]),
                (_("Distributions"), [funds[kind].total_distributions for kind in kinds]),
            ],
            label_heading=_("Fund"),
        )
    return None


@login_required
def report(request, slug):
    if slug not in REPORTS:
        raise Http404
    # A role that may not read the books (front office) is refused, as on every ledger page.
    unit = active_unit(request, "ledger.view")
    account_choices = None
    if slug == "general-ledger":
        account_choices = [(str(a.pk), f"{a.code} — {a.name}") for a in accounts_for(request.user, unit)]
    form = ReportForm(request.GET or None, user=request.user, active_unit=unit, account_choices=account_choices)
    context = {"form": form, "slug": slug, "title": REPORTS[slug], "reports": TABS}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        account = None
        if slug == "general-ledger":
            account = accounts_for(request.user, data["unit"]).get(pk=data["account"])
        period = form.period()
        result, sheets = _build(
            slug, request.user, data["unit"], period, data["consolidated"], data["compare"], account
        )
        context.update(
            {
                "result": result,
                "unit": data["unit"],
                "period": period,
                "period_label": _span(period),
                "consolidated": data["consolidated"],
                "institution": data["unit"].institution,
                "printed_at": timezone.localtime(),
                "fund_labels": dict(FundKind.choices),
                "asnaf_labels": dict(Asnaf.choices),
                "pillar_labels": pillar_labels(data["unit"].institution_id),
                "source_labels": dict(Source.choices),
                "statement": sheets[0],
            }
        )
        context["chart"] = report_chart(slug, result, context["period_label"])
        if slug == "cash-flows":
            context["cash_flow_tables"] = report_sheets.cash_flow_tables(result)
        fmt = request.GET.get("format")
        span = f"{period.start_year}{period.start_month:02d}-{period.end_year}{period.end_month:02d}"
        filename = f"{slug}-{data['unit'].code}-{span}"
        if fmt == "xlsx":
            heading = heading_for(REPORTS[slug], unit=data["unit"], period=context["period_label"], user=request.user)
            # A statement's figures are rupiah, also in a sheet given as plain (name, header, rows).
            typed = [s if isinstance(s, Sheet) else Sheet(*s, figures=MONEY) for s in sheets]
            return xlsx_response(filename, typed, heading)
        if fmt == "pdf":
            with figures_in_rupiah():
                return pdf_response("ledger/report_pdf.html", context, filename, request=request)
    return render(request, "ledger/report.html", context)
