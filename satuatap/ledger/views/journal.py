"""Staff pages of the journal: entries, manual and everyday drafts, approval, reversal."""

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

from satuatap.core.exports import MONEY, Column, table_response
from satuatap.core.views.helpers import apply_service_error
from satuatap.ledger import services
from satuatap.ledger.forms import (
    SOURCE_CHOICES,
    AmilCostForm,
    BankInterestForm,
    EntryForm,
    EntryLineFormSet,
    NonHalalUseForm,
    ReverseForm,
)
from satuatap.ledger.models import EntryStatus, Source
from satuatap.ledger.selectors import (
    accounts_for,
    entries_for,
    entry_for,
    entry_lines,
    restriction_choices,
)
from satuatap.ledger.services import EXTERNAL_SOURCES
from satuatap.ledger.services.journal import OWNED_ELSEWHERE, reversible_in_ledger
from satuatap.ledger.services.restrictions import UnknownPurpose
from satuatap.ledger.views.common import ledger_unit
from satuatap.ledger.work import next_actor
from satuatap.organizations.permissions import can, require

# --- journal -------------------------------------------------------------------------------


@login_required
def entries(request):
    top = ledger_unit(request)
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
    top = ledger_unit(request)
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
    top = ledger_unit(request)
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
