"""Staff pages of the fund ledger: the overview of fund positions and the chart of accounts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from satuatap.core.charts import chart
from satuatap.core.exports import MONEY, Column, heading_for, table_response, xlsx_response
from satuatap.core.views.helpers import apply_service_error
from satuatap.ledger import selectors, services
from satuatap.ledger.forms import (
    AccountForm,
)
from satuatap.ledger.models import Account, EntryStatus, FundKind
from satuatap.ledger.selectors import (
    accounts_for,
    entries_for,
)
from satuatap.ledger.views import sheets
from satuatap.ledger.views.common import ledger_unit
from satuatap.organizations.permissions import can, require


def _fund_totals(totals: dict) -> list[tuple]:
    return [(FundKind(k).label, v[0], v[1]) for k, v in totals.items()]


@login_required
def overview(request):
    top = ledger_unit(request)
    has_chart = accounts_for(request.user, top).exists()
    rows = selectors.fund_positions(request.user, top, consolidated=True) if has_chart else []
    fmt = request.GET.get("format")
    if fmt == "xlsx":  # a column per fund, as an accountant reads it
        heading = heading_for(_("Fund positions"), unit=top, user=request.user)
        return xlsx_response(f"fund-positions-{top.code}", sheets.fund_positions(rows), heading)
    if fmt == "csv":
        header = [
            _("Unit code"),
            _("Unit"),
            _("Fund"),
            Column(_("Balance"), MONEY, summed=True),
            Column(_("Available to distribute"), MONEY, summed=True),
        ]
        data = [[r.unit_code, r.unit_name, FundKind(r.fund_kind).label, r.balance, r.available] for r in rows]
        return table_response(
            fmt, f"fund-positions-{top.code}", _("Fund positions"), header, data, request=request, unit=top
        )
    totals = {}
    for row in rows:
        row.fund_label = FundKind(row.fund_kind).label
        totals.setdefault(row.fund_kind, [0, 0])
        totals[row.fund_kind][0] += row.balance
        totals[row.fund_kind][1] += row.available
    by_fund = _fund_totals(totals)
    fund_chart = chart(
        "bar",
        _("Balance and available to distribute by fund"),
        [label for label, _balance, _available in by_fund],
        [
            (_("Balance"), [balance for _label, balance, _available in by_fund]),
            (_("Available to distribute"), [available for _label, _balance, available in by_fund]),
        ],
        label_heading=_("Fund"),
    )
    context = {
        "top": top,
        "has_chart": has_chart,
        "fund_chart": fund_chart,
        "rows": rows,
        "totals": by_fund,
        "can_configure": can(request.user, "ledger.configure", top.institution),
        "can_post": can(request.user, "ledger.post", top),
        "drafts": entries_for(request.user, unit=top, status=EntryStatus.DRAFT).count() if has_chart else 0,
    }
    return render(request, "ledger/overview.html", context)


@login_required
@require_POST
def chart_setup(request):
    top = ledger_unit(request)
    try:
        services.chart_create_default(actor=request.user, institution=top.institution)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The standard chart of accounts and funds is ready."))
    return redirect("ledger:accounts")


# --- chart of accounts ---------------------------------------------------------------------


@login_required
def accounts(request):
    top = ledger_unit(request)
    rows = accounts_for(request.user, top)
    role = request.GET.get("role", "")
    if role:
        rows = rows.filter(role=role)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        header = [
            _("Code"),
            _("Name"),
            _("Type"),
            _("Used for"),
            _("Fund"),
            _("Office"),
            _("Bank"),
            _("Account number"),
            _("Active"),
        ]
        data = [
            [
                a.code,
                a.name,
                a.get_type_display(),
                a.get_role_display(),
                a.get_fund_kind_display(),
                a.unit.code if a.unit else "",
                a.bank_name,
                a.bank_account_number,
                _("yes") if a.is_active else _("no"),
            ]
            for a in rows
        ]
        return table_response(
            fmt, f"accounts-{top.institution.code}", _("Chart of accounts"), header, data, request=request, unit=top
        )
    return render(
        request,
        "ledger/accounts.html",
        {
            "accounts": rows,
            "role": role,
            "roles": Account._meta.get_field("role").choices,
            "can_configure": can(request.user, "ledger.configure", top.institution),
        },
    )


def _account_for(request, pk):
    top = ledger_unit(request)
    try:
        return accounts_for(request.user, top).get(pk=pk)
    except (Account.DoesNotExist, ValueError):
        raise Http404 from None


@login_required
def account_create(request):
    top = ledger_unit(request)
    require(request.user, "ledger.configure", top.institution)
    form = AccountForm(request.POST or None, user=request.user, institution=top.institution)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        try:
            account = services.account_create(actor=request.user, institution=top.institution, **data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Account %(code)s has been added.") % {"code": account.code})
            return redirect("ledger:accounts")
    return render(request, "ledger/form.html", {"form": form, "title": _("New account"), "back": "ledger:accounts"})


@login_required
def account_edit(request, pk):
    account = _account_for(request, pk)
    require(request.user, "ledger.configure", account.unit or account.institution)
    initial = {
        f: getattr(account, f)
        for f in (
            "code",
            "name",
            "role",
            "fund_kind",
            "bank_name",
            "bank_account_number",
            "receipt_kind",
            "asnaf",
            "pillar",
            "is_active",
        )
    }
    initial["unit"] = account.unit_id
    form = AccountForm(request.POST or None, user=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {k: form.cleaned_data[k] for k in ("code", "name", "bank_name", "bank_account_number", "is_active")}
        changes = {k: v for k, v in changes.items() if v != initial[k]}
        try:
            services.account_update(actor=request.user, account=account, **changes)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Account %(code)s has been saved.") % {"code": form.cleaned_data["code"]})
            return redirect("ledger:accounts")
    return render(request, "ledger/form.html", {"form": form, "title": account, "back": "ledger:accounts"})
