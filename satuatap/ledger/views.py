"""Staff pages of the fund ledger: thin views over ledger.services, .selectors and .reports."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from satuatap.core.charts import chart
from satuatap.core.exports import MONEY, Column, heading_for, table_response, xlsx_response
from satuatap.core.formatting import rupiah
from satuatap.core.views_helpers import active_unit, apply_service_error
from satuatap.ledger import report_sheets, reports, services
from satuatap.ledger.forms import (
    SOURCE_CHOICES,
    AccountForm,
    AmilCostForm,
    AmilRateForm,
    AmilRunForm,
    BankInterestForm,
    EntryForm,
    EntryLineFormSet,
    NonHalalUseForm,
    OpeningImportForm,
    PeriodCloseForm,
    ReverseForm,
    TransferForm,
)
from satuatap.ledger.models import Account, AmilRate, EntryStatus, FundKind, Source
from satuatap.ledger.selectors import (
    accounts_for,
    amil_rates_for,
    entries_for,
    entry_for,
    entry_lines,
    funds_for,
    periods_for,
    restriction_choices,
)
from satuatap.ledger.services import EXTERNAL_SOURCES
from satuatap.ledger.services.journal import OWNED_ELSEWHERE, reversible_in_ledger
from satuatap.ledger.services.restrictions import UnknownPurpose
from satuatap.ledger.work import next_actor
from satuatap.organizations.permissions import can, require


def _top(request):
    return active_unit(request, "ledger.view")


def _fund_totals(totals: dict) -> list[tuple]:
    return [(FundKind(k).label, v[0], v[1]) for k, v in totals.items()]


@login_required
def overview(request):
    top = _top(request)
    has_chart = accounts_for(request.user, top).exists()
    rows = reports.fund_positions(request.user, top, consolidated=True) if has_chart else []
    fmt = request.GET.get("format")
    if fmt == "xlsx":  # a column per fund, as an accountant reads it
        heading = heading_for(_("Fund positions"), unit=top, user=request.user)
        return xlsx_response(f"fund-positions-{top.code}", report_sheets.fund_positions(rows), heading)
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
    top = _top(request)
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
    top = _top(request)
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
    top = _top(request)
    try:
        return accounts_for(request.user, top).get(pk=pk)
    except (Account.DoesNotExist, ValueError):
        raise Http404 from None


@login_required
def account_create(request):
    top = _top(request)
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


# --- journal -------------------------------------------------------------------------------


@login_required
def entries(request):
    top = _top(request)
    status = request.GET.get("status", EntryStatus.POSTED)
    source = request.GET.get("source", "")
    dates = {}
    for key in ("from", "to"):
        raw = request.GET.get(key, "").strip()
        try:
            dates[key] = parse_date(raw) if raw else None
        except ValueError:
            dates[key] = None
        if raw and dates[key] is None:
            messages.error(request, _("“%(value)s” is not a date; use the date picker.") % {"value": raw})
    rows = entries_for(
        request.user,
        unit=top,
        status=status if status in EntryStatus.values else None,
        source=source if source in Source.values else None,
        date_from=dates["from"],
        date_to=dates["to"],
    )
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        amount = Column(_("Amount"), MONEY)  # drafts and voided entries are listed too: no sum
        header = [_("No."), _("Date"), _("Unit"), _("Source"), _("Status"), _("Memo"), amount]
        data = (
            [
                e.pk,
                e.entry_date,
                e.unit.code,
                e.get_source_display(),
                e.get_status_display(),
                e.memo,
                e.amount,
            ]
            for e in rows.iterator(chunk_size=2000)
        )
        return table_response(fmt, f"journal-{top.code}", _("Journal"), header, data, request=request, unit=top)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "ledger/entries.html",
        {
            "page": page,
            "status": status,
            "source": source,
            "statuses": EntryStatus.choices,
            "sources": SOURCE_CHOICES,
            "date_from": dates["from"] or "",
            "date_to": dates["to"] or "",
            "can_post": can(request.user, "ledger.post", top),
        },
    )


@login_required
def entry_detail(request, pk):
    entry = entry_for(request.user, pk)
    lines = entry_lines(entry) if entry.status == EntryStatus.POSTED else None
    return render(
        request,
        "ledger/entry_detail.html",
        {
            "entry": entry,
            "lines": lines,
            "draft_lines": entry.draft_lines if entry.status == EntryStatus.DRAFT else None,
            "can_approve": entry.status == EntryStatus.DRAFT and can(request.user, "ledger.approve", entry.unit),
            "can_post": can(request.user, "ledger.post", entry.unit),
            "can_reverse": reversible_in_ledger(entry) and can(request.user, "ledger.post", entry.unit),
            "reversed_by": getattr(entry, "reversed_by", None) if entry.status == EntryStatus.POSTED else None,
            "next": next_actor(request.user, entry),
        },
    )


def _account_choices(user, unit):
    return [(a.code, f"{a.code} — {a.name}") for a in accounts_for(user, unit, active_only=True)]


@login_required
def entry_create(request):
    top = _top(request)
    require(request.user, "ledger.post", top)
    choices = _account_choices(request.user, top)
    form = EntryForm(request.POST or None, user=request.user, initial={"unit": top.pk})
    form_kwargs = {"account_choices": choices, "restriction_choices": restriction_choices(top.institution_id)}
    lines = EntryLineFormSet(request.POST or None, prefix="lines", form_kwargs=form_kwargs, initial=[{}, {}, {}, {}])
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        filled = [line for line in lines if not line.is_blank()]
        specs = [
            services.LineSpec(
                account=line.cleaned_data["account"],
                fund=line.cleaned_data["fund"],
                debit=line.cleaned_data.get("debit") or 0,
                credit=line.cleaned_data.get("credit") or 0,
                restriction=line.cleaned_data.get("restriction") or "",
                memo=line.cleaned_data.get("memo") or "",
            )
            for line in filled
        ]
        try:
            entry = services.manual_entry_draft(
                actor=request.user,
                unit=form.cleaned_data["unit"],
                entry_date=form.cleaned_data["entry_date"],
                memo=form.cleaned_data["memo"],
                lines=specs,
            )
        except UnknownPurpose as exc:
            filled[exc.line - 1].add_error("restriction", exc.messages)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request, _("Draft entry #%(pk)s saved; an office head must approve it.") % {"pk": entry.pk}
            )
            return redirect("ledger:entry_detail", pk=entry.pk)
    return render(request, "ledger/entry_form.html", {"form": form, "lines": lines})


# Everyday entries without account codes: slug -> (title, form, service).
EVERYDAY = {
    "amil-cost": (gettext_lazy("Amil operating cost"), AmilCostForm, services.amil_cost_draft),
    "bank-interest": (gettext_lazy("Bank interest received"), BankInterestForm, services.bank_interest_draft),
    "non-halal-use": (
        gettext_lazy("Non-halal funds used for public facilities"),
        NonHalalUseForm,
        services.non_halal_use_draft,
    ),
}


@login_required
def everyday_entry(request, kind):
    if kind not in EVERYDAY:
        raise Http404
    top = _top(request)
    require(request.user, "ledger.post", top)
    title, form_class, service = EVERYDAY[kind]
    accounts = list(accounts_for(request.user, top, active_only=True))
    initial = {"unit": top.pk, "entry_date": timezone.localdate().isoformat()}
    form = form_class(request.POST or None, user=request.user, accounts=accounts, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        extra = {name: form.account(name) for name in ("purpose_account", "expense_account") if name in form.fields}
        if "category" in form.fields:
            extra["category"] = data["category"]
        try:
            entry = service(
                actor=request.user,
                unit=data["unit"],
                entry_date=data["entry_date"],
                amount=data["amount"],
                money_account=form.account("money_account"),
                memo=data["memo"],
                **extra,
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request, _("Draft entry #%(pk)s saved; an office head must approve it.") % {"pk": entry.pk}
            )
            return redirect("ledger:entry_detail", pk=entry.pk)
    kinds = [(slug, label) for slug, (label, _form, _service) in EVERYDAY.items()]
    return render(request, "ledger/everyday_form.html", {"form": form, "title": title, "kind": kind, "kinds": kinds})


@login_required
@require_POST
def entry_approve(request, pk):
    entry = entry_for(request.user, pk, status=EntryStatus.DRAFT)
    try:
        services.manual_entry_approve(actor=request.user, entry=entry)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Entry #%(pk)s is posted.") % {"pk": entry.pk})
    return redirect("ledger:entry_detail", pk=entry.pk)


@login_required
@require_POST
def entry_discard(request, pk):
    entry = entry_for(request.user, pk, status=EntryStatus.DRAFT)
    try:
        services.manual_entry_discard(actor=request.user, entry=entry)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("ledger:entry_detail", pk=entry.pk)
    messages.success(request, _("Draft #%(pk)s discarded.") % {"pk": entry.pk})
    return redirect("ledger:entries")


@login_required
def entry_reverse(request, pk):
    entry = entry_for(request.user, pk, status=EntryStatus.POSTED)
    require(request.user, "ledger.post", entry.unit)
    if request.method != "POST" and entry.source in EXTERNAL_SOURCES:
        # No form to fill in for what the service refuses anyway (a receipt is voided in collection).
        messages.error(request, OWNED_ELSEWHERE)
        return redirect("ledger:entry_detail", pk=entry.pk)
    form = ReverseForm(request.POST or None, entry=entry)
    if request.method == "POST" and form.is_valid():
        try:
            reversal = services.entry_reverse(
                actor=request.user,
                entry=entry,
                reason=form.cleaned_data["reason"],
                entry_date=form.cleaned_data["entry_date"],
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Entry #%(pk)s has been reversed.") % {"pk": entry.pk})
            return redirect("ledger:entry_detail", pk=reversal.pk)
    return render(
        request,
        "ledger/form.html",
        {"form": form, "title": _("Reverse entry #%(pk)s") % {"pk": entry.pk}, "back": "ledger:entries"},
    )


# --- transfers, amil share, periods, opening balances --------------------------------------------


@login_required
def transfer_create(request):
    top = _top(request)
    require(request.user, "ledger.post", top)
    form = TransferForm(
        request.POST or None,
        user=request.user,
        restriction_choices=restriction_choices(top.institution_id),
        initial={"from_unit": top.pk, "idempotency_key": uuid.uuid4().hex},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.transfer_post(
                actor=request.user,
                from_unit=data["from_unit"],
                to_unit=data["to_unit"],
                fund=data["fund"],
                amount=data["amount"],
                entry_date=data["entry_date"],
                memo=data["memo"],
                kind=services.TransferKind.REMIT
                if data["to_unit"].contains(data["from_unit"])
                else services.TransferKind.ALLOCATE,
                restriction=data["restriction"],
                idempotency_key=f"transfer:{data['idempotency_key']}",
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Transfer of %(amount)s posted.") % {"amount": rupiah(data["amount"])})
            return redirect("ledger:entry_detail", pk=entry.pk)
    return render(
        request, "ledger/form.html", {"form": form, "title": _("Transfer between offices"), "back": "ledger:overview"}
    )


@login_required
def amil(request):
    top = _top(request)
    institution = top.institution
    can_configure = can(request.user, "ledger.configure", institution)
    rate_form = AmilRateForm(request.POST if request.POST.get("action") == "rate" else None)
    run_form = AmilRunForm(
        request.POST if request.POST.get("action") == "run" else None, user=request.user, initial={"unit": top.pk}
    )
    if request.method == "POST" and request.POST.get("action") == "rate" and rate_form.is_valid():
        basis_points = int(rate_form.cleaned_data["percent"] * 100)
        try:
            services.amil_rate_set(
                actor=request.user,
                institution=institution,
                fund_kind=rate_form.cleaned_data["fund_kind"],
                basis_points=basis_points,
            )
        except ValidationError as exc:
            apply_service_error(rate_form, exc)
        else:
            messages.success(request, _("The amil share rate has been saved."))
            return redirect("ledger:amil")
    if request.method == "POST" and request.POST.get("action") == "run" and run_form.is_valid():
        year, month = run_form.cleaned_data["month"]
        try:
            entry = services.amil_share_allocate(
                actor=request.user, unit=run_form.cleaned_data["unit"], year=year, month=month
            )
        except ValidationError as exc:
            apply_service_error(run_form, exc)
        else:
            if entry is None:
                messages.info(request, _("Nothing to allocate: the month's receipts already carry their amil share."))
                return redirect("ledger:amil")
            messages.success(request, _("Amil share of %(total)s posted.") % {"total": rupiah(entry.amount)})
            return redirect("ledger:entry_detail", pk=entry.pk)
    rates = amil_rates_for(request.user, top) if funds_for(request.user, top).exists() else AmilRate.objects.none()
    return render(
        request,
        "ledger/amil.html",
        {
            "rates": rates,
            "rate_form": rate_form,
            "run_form": run_form,
            "can_configure": can_configure,
            "can_post": can(request.user, "ledger.post", top),
        },
    )


@login_required
def periods(request):
    top = _top(request)
    institution = top.institution
    form = PeriodCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.period_close(
                actor=request.user,
                institution=institution,
                year=form.cleaned_data["year"],
                month=form.cleaned_data["month"],
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("The period has been closed."))
            return redirect("ledger:periods")
    return render(
        request,
        "ledger/periods.html",
        {
            "periods": periods_for(request.user, top),
            "form": form,
            "can_close": can(request.user, "ledger.close", institution),
        },
    )


@login_required
def opening_import(request):
    top = _top(request)
    require(request.user, "ledger.post", top)
    form = OpeningImportForm(request.POST or None, request.FILES or None, user=request.user, initial={"unit": top.pk})
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.opening_balance_import(
                actor=request.user, unit=form.cleaned_data["unit"], as_of=form.cleaned_data["as_of"], rows=form.rows
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Opening balances posted as entry #%(pk)s.") % {"pk": entry.pk})
            return redirect("ledger:entry_detail", pk=entry.pk)
    return render(
        request,
        "ledger/form.html",
        {"form": form, "title": _("Import opening balances"), "back": "ledger:overview", "multipart": True},
    )
