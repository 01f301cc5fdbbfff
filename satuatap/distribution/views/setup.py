"""Staff pages that set distribution up and account for it: programs with their budget use, the
approvers' authority limits, and the list of disbursements paid."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.core.exports import table_response
from satuatap.core.formatting import rupiah
from satuatap.core.views.helpers import active_unit, apply_service_error
from satuatap.distribution import selectors, services
from satuatap.distribution.forms import LimitForm, PillarForm, ProgramForm, program_initial
from satuatap.distribution.models import Program
from satuatap.ledger.selectors import pillar_labels, pillars_of
from satuatap.ledger.services import pillar_save
from satuatap.organizations.models import Role, Unit
from satuatap.organizations.permissions import can, require
from satuatap.organizations.selectors import units_for

PAGE = 50


# --- programs ---------------------------------------------------------------------------------------------


@login_required
def program_list(request):
    unit = active_unit(request, "distribution.view")
    programs = selectors.with_budget_use(
        selectors.programs_for(request.user, within=unit).select_related("unit")
    ).order_by("-is_active", "name", "pk")
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        header = [
            _("Code"),
            _("Name"),
            _("Unit"),
            _("Pillar"),
            _("Fund"),
            _("Asnaf"),
            _("Start"),
            _("End"),
            _("Budget"),
            _("Approved"),
            _("Paid"),
            _("Left"),
            _("Applications"),
            _("Active"),
        ]
        data = (
            [
                p.code,
                p.name,
                p.unit.code,
                p.get_pillar_display(),
                p.get_fund_kind_display(),
                ", ".join(p.asnaf_labels()),
                p.start_date.isoformat(),
                p.end_date.isoformat(),
                p.budget,
                p.committed,
                p.paid,
                p.budget - p.committed,
                p.application_count,
                _("yes") if p.is_active else _("no"),
            ]
            for p in programs
        )
        return table_response(fmt, f"programs-{unit.code}", _("Programs"), header, data, request=request, unit=unit)
    page = Paginator(programs, PAGE).get_page(request.GET.get("page"))
    configurable = {u.pk for u in units_for(request.user, within=unit, capability="distribution.configure")}
    held = selectors.restricted_held(list(page), within=unit)
    for program in page:
        program.held = held.get(program.restriction, 0)
        program.left = program.budget - program.committed
        program.used_percent = min(100, round(program.committed * 100 / program.budget)) if program.budget else 0
        program.can_edit = program.unit_id in configurable
    return render(
        request,
        "distribution/programs.html",
        {"unit": unit, "page": page, "can_configure": bool(configurable), "today": timezone.localdate()},
    )


def _save_program(request, form, *, unit, program=None):
    try:
        saved = services.program_save(actor=request.user, unit=unit, program=program, **form.service_fields())
    except ValidationError as exc:
        apply_service_error(form, exc)
        return None
    messages.success(request, _("The program %(name)s is saved.") % {"name": saved.name})
    return redirect("distribution:programs")


@login_required
def program_new(request):
    unit = active_unit(request, "distribution.configure")
    units = units_for(request.user, within=unit, capability="distribution.configure")
    today = timezone.localdate()
    data = request.POST if request.method == "POST" else (request.GET if request.htmx else None)
    form = ProgramForm(
        data,
        units=units,
        pillars=pillars_of(unit.institution_id),
        initial={"unit": unit.pk, "start_date": date(today.year, 1, 1), "end_date": date(today.year, 12, 31)},
    )
    if request.method == "POST" and form.is_valid():
        response = _save_program(request, form, unit=form.cleaned_data["unit"])
        if response is not None:
            return response
    return _program_form(request, form, title=_("New program"))


@login_required
def program_edit(request, pk):
    active_unit(request, "distribution.view")
    program = selectors.program_for(request.user, pk)
    require(request.user, "distribution.configure", program.unit)
    data = request.POST if request.method == "POST" else (request.GET if request.htmx else None)
    form = ProgramForm(data, pillars=pillars_of(program.institution_id), initial=program_initial(program))
    if request.method == "POST" and form.is_valid():
        response = _save_program(request, form, unit=program.unit, program=program)
        if response is not None:
            return response
    return _program_form(request, form, title=program.name, program=program)


def _program_form(request, form, *, title, program=None):
    if request.htmx and request.method == "GET":
        # The fund was changed: only the asnaf block is swapped (shown for zakat, hidden otherwise).
        return render(request, "distribution/_program_asnaf.html", {"form": form})
    return render(request, "distribution/program_form.html", {"form": form, "title": title, "program": program})


# --- authority limits -----------------------------------------------------------------------------------


@login_required
def limits(request):
    """Up to which amount each role approves, per unit of the user's scope; set or remove one."""
    unit = active_unit(request, "distribution.configure")
    units = units_for(request.user, within=unit, capability="distribution.configure")
    form = LimitForm(request.POST or None, units=units, initial={"unit": unit.pk, "role": Role.HEAD})
    if request.method == "POST" and form.is_valid():
        target, role, amount = form.cleaned_data["unit"], form.cleaned_data["role"], form.cleaned_data["max_amount"]
        try:
            services.authority_limit_set(actor=request.user, unit=target, role=role, max_amount=amount)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            if amount is None:
                message = _("%(unit)s no longer sets its own limit for %(role)s.")
            else:
                message = _("%(role)s at %(unit)s approves up to %(amount)s.")
            messages.success(
                request, message % {"unit": target.name, "role": Role(role).label, "amount": rupiah(amount or 0)}
            )
            return redirect("distribution:limits")
    return render(
        request,
        "distribution/limits.html",
        {
            "unit": unit,
            "form": form,
            "rows": selectors.limit_grid(request.user, unit),
            "roles": [Role(r).label for r in selectors.APPROVING_ROLES],
        },
    )


# --- pillars ----------------------------------------------------------------------------------------------


@login_required
def pillars(request):
    """The institution's pillars: the areas its programs work in and its infak and DSKL
    distributions are booked by. Finance or admin of the institution adds, renames or closes one."""
    unit = active_unit(request, "distribution.view")
    institution = Unit.objects.get(pk=unit.institution_id)
    may_edit = can(request.user, "ledger.configure", institution)
    form = PillarForm(request.POST or None)
    if request.method == "POST":
        require(request.user, "ledger.configure", institution)
        if form.is_valid():
            try:
                pillar = pillar_save(actor=request.user, institution=institution, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("Pillar %(name)s is saved.") % {"name": pillar.name})
                return redirect("distribution:pillars")
    used = dict(
        Program.objects.filter(institution_id=institution.pk)
        .values("pillar")
        .annotate(n=Count("id"))
        .values_list("pillar", "n")
    )
    active = dict(pillars_of(institution.pk))
    known = dict(pillars_of(institution.pk, active_only=False))
    labels = pillar_labels(institution.pk)
    known.update({code: labels.get(code, code) for code in used if code not in known})
    rows = [
        {"code": code, "name": name, "active": code in active, "programs": used.get(code, 0)}
        for code, name in known.items()
    ]
    return render(
        request,
        "distribution/pillars.html",
        {"unit": unit, "institution": institution, "rows": rows, "form": form if may_edit else None},
    )


# --- disbursements ------------------------------------------------------------------------------------------


def _day(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
def disbursement_list(request):
    unit = active_unit(request, "distribution.view")
    start, end = _day(request.GET.get("start")), _day(request.GET.get("end"))
    rows = selectors.disbursements_for(request.user, within=unit)
    if start:
        rows = rows.filter(paid_on__gte=start)
    if end:
        rows = rows.filter(paid_on__lte=end)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        header = [
            _("Paid on"),
            _("Tracking code"),
            _("Beneficiary number"),
            _("Name"),
            _("Program"),
            _("Unit"),
            _("Amount"),
            _("Paid from"),
            _("Reference"),
            _("Journal entry"),
        ]
        data = (
            [
                d.paid_on.isoformat(),
                d.application.tracking_code,
                d.application.beneficiary.number,
                d.application.beneficiary.full_name,
                d.application.program.name,
                d.unit.code,
                d.amount,
                str(d.money_account),
                d.reference,
                d.entry_id,
            ]
            for d in rows.iterator(chunk_size=2000)
        )
        return table_response(
            fmt, f"disbursements-{unit.code}", _("Disbursements"), header, data, request=request, unit=unit
        )
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    ledger_units = {d.unit_id for d in page if can(request.user, "ledger.view", d.unit)}
    query = "&".join(f"{k}={v.isoformat()}" for k, v in (("start", start), ("end", end)) if v)
    return render(
        request,
        "distribution/disbursements.html",
        {
            "unit": unit,
            "page": page,
            "start": start,
            "end": end,
            "query": query,
            "ledger_units": ledger_units,
            "can_configure": can(request.user, "distribution.configure", unit),
            "total": rows.aggregate(total=Sum("amount"))["total"] or 0,
        },
    )
