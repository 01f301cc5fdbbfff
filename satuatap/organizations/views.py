from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from satuatap.audit.display import with_change_rows
from satuatap.audit.filters import filtered_trail
from satuatap.audit.selectors import audit_events_of
from satuatap.core.exports import table_response
from satuatap.core.views.helpers import apply_service_error, query_int
from satuatap.organizations import services
from satuatap.organizations.forms import (
    ClosureForm,
    CollectiveLeaveForm,
    MembershipEndForm,
    MembershipForm,
    StaffCreateForm,
    UnitForm,
    UnitMoveForm,
    WeekForm,
)
from satuatap.organizations.middleware import SESSION_KEY
from satuatap.organizations.models import Schedule, Unit
from satuatap.organizations.permissions import active_memberships, can, require
from satuatap.organizations.selectors import (
    calendar_for,
    closure_for,
    closures_of,
    holiday_days,
    membership_for,
    memberships_for,
    opening_state,
    unit_for,
    units_for,
    week_summary,
)


def _top(request):
    """The unit whose subtree the page shows: the active unit."""
    return request.active_unit


@login_required
def unit_tree(request):
    top = _top(request)
    if top is None:
        return render(request, "organizations/no_membership.html", status=403)
    query = request.GET.get("q", "").strip()
    context = {"top": top, "query": query, "can_manage": can(request.user, "unit.manage", top)}
    if query:
        context["matches"] = units_for(request.user, within=top).filter(
            Q(name__icontains=query) | Q(code__iexact=query)
        )[:100]
    return render(request, "organizations/unit_tree.html", context)


@login_required
def unit_children(request, pk):
    """htmx fragment: the children of one unit in the tree."""
    unit = unit_for(request.user, pk)
    children = units_for(request.user).filter(path__startswith=unit.path, depth=unit.depth + 1).order_by("name")
    return render(request, "organizations/_unit_children.html", {"children": children})


@login_required
def unit_export(request):
    top = _top(request)
    if top is None:
        return render(request, "organizations/no_membership.html", status=403)
    units = units_for(request.user, within=top).select_related("institution")
    header = [
        _("Code"),
        _("Name"),
        _("Kind"),
        _("Level"),
        _("Parent code"),
        _("Time zone"),
        _("Phone"),
        _("WhatsApp"),
        _("Office hours"),
        _("Address"),
        _("Active"),
    ]
    by_path = {u.path: u for u in units}
    steplen = Unit.steplen

    def parent_code(unit):
        parent = by_path.get(unit.path[:-steplen])
        return parent.code if parent else ""

    rows = (
        [
            u.code,
            u.name,
            u.get_kind_display(),
            u.depth,
            parent_code(u),
            u.get_time_zone_display(),
            u.phone,
            u.whatsapp,
            u.office_hours,
            u.address,
            _("yes") if u.is_active else _("no"),
        ]
        for u in units
    )
    fmt = request.GET.get("format", "csv")
    return (
        table_response(fmt, f"units-{top.code}", _("Units"), header, rows, request=request, unit=top)
        or HttpResponseBadRequest()
    )


@login_required
def unit_detail(request, pk):
    unit = unit_for(request.user, pk)
    ancestors = units_for(request.user).filter(pk__in=[a.pk for a in Unit.objects.get_ancestors(unit)])
    children = units_for(request.user).filter(path__startswith=unit.path, depth=unit.depth + 1).order_by("name")
    memberships = (
        memberships_for(request.user).filter(unit=unit, is_active=True)
        if can(request.user, "membership.view", unit)
        else None
    )
    return render(
        request,
        "organizations/unit_detail.html",
        {
            "unit": unit,
            "ancestors": ancestors,
            "children": children,
            "memberships": memberships,
            "can_manage": can(request.user, "unit.manage", unit),
            "can_move": can(request.user, "unit.manage", unit) and not unit.is_institution,
            "can_audit": can(request.user, "audit.view", unit),
        },
    )


@login_required
def unit_create(request, pk):
    parent = unit_for(request.user, pk)
    require(request.user, "unit.manage", parent)
    form = UnitForm(request.POST or None, initial={"time_zone": parent.time_zone}, parent=parent)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(actor=request.user, parent=parent, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Unit %(name)s has been created.") % {"name": unit.name})
            return redirect("organizations:unit_detail", pk=unit.pk)
    return render(request, "organizations/unit_form.html", {"form": form, "parent": parent, "unit": None})


@login_required
def unit_edit(request, pk):
    unit = unit_for(request.user, pk)
    require(request.user, "unit.manage", unit)
    form = UnitForm(request.POST or None, instance=Unit.objects.get(pk=unit.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Changes to %(name)s have been saved.") % {"name": unit.name})
            return redirect("organizations:unit_detail", pk=unit.pk)
    return render(request, "organizations/unit_form.html", {"form": form, "parent": None, "unit": unit})


@login_required
def unit_move(request, pk):
    unit = unit_for(request.user, pk)
    require(request.user, "unit.manage", unit)
    form = UnitMoveForm(request.POST or None, user=request.user, unit=unit)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_move(actor=request.user, unit=unit, new_parent=form.cleaned_data["new_parent"])
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("%(name)s has been moved.") % {"name": unit.name})
            return redirect("organizations:unit_detail", pk=unit.pk)
    return render(request, "organizations/unit_move.html", {"form": form, "unit": unit})


@login_required
def unit_history(request, pk):
    unit = unit_for(request.user, pk)
    require(request.user, "audit.view", unit)
    trail = filtered_trail(request.GET, audit_events_of(request.user, unit), tz=unit.tzinfo, one_object=True)
    trail["events"] = with_change_rows(trail["events"][:200])
    return render(
        request,
        "organizations/unit_history.html",
        {
            "unit": unit,
            "records": unit.history.select_related("history_user").order_by("-history_date")[:200],
            **trail,
        },
    )


@login_required
def membership_list(request):
    top = _top(request)
    if top is None:
        return render(request, "organizations/no_membership.html", status=403)
    require(request.user, "membership.view", top)
    show_ended = request.GET.get("ended") == "1"
    memberships = memberships_for(request.user, within=top)
    if not show_ended:
        memberships = memberships.filter(is_active=True)
    if request.GET.get("format") in ("csv", "xlsx"):
        header = [_("Username"), _("Full name"), _("Unit code"), _("Unit"), _("Role"), _("Active"), _("Since")]
        rows = (
            [
                m.user.username,
                str(m.user),
                m.unit.code,
                m.unit.name,
                m.get_role_display(),
                _("yes") if m.is_active else _("no"),
                m.created_at.date().isoformat(),
            ]
            for m in memberships
        )
        return table_response(
            request.GET["format"],
            f"memberships-{top.code}",
            _("Staff & roles"),
            header,
            rows,
            request=request,
            unit=top,
        )
    return render(
        request,
        "organizations/membership_list.html",
        {
            "top": top,
            "memberships": memberships,
            "show_ended": show_ended,
            "can_manage": can(request.user, "membership.manage", top),
        },
    )


@login_required
def membership_create(request):
    top = _top(request)
    if top is None:
        return render(request, "organizations/no_membership.html", status=403)
    require(request.user, "membership.manage", top)
    form = MembershipForm(request.POST or None, user=request.user, initial={"unit": top.pk})
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_grant(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("The role has been granted."))
            return redirect("organizations:membership_list")
    return render(request, "organizations/membership_form.html", {"form": form, "title": _("Grant a role")})


@login_required
def staff_create(request):
    top = _top(request)
    if top is None:
        return render(request, "organizations/no_membership.html", status=403)
    require(request.user, "membership.manage", top)
    form = StaffCreateForm(request.POST or None, user=request.user, initial={"unit": top.pk})
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("The staff account has been created."))
            return redirect("organizations:membership_list")
    return render(request, "organizations/membership_form.html", {"form": form, "title": _("New staff account")})


@login_required
def membership_end(request, pk):
    membership = membership_for(request.user, pk)
    require(request.user, "membership.manage", membership.unit)
    form = MembershipEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_end(actor=request.user, membership=membership, note=form.cleaned_data["note"])
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("The role has been ended."))
            return redirect("organizations:membership_list")
    return render(request, "organizations/membership_end.html", {"form": form, "membership": membership})


@login_required
@require_POST
def switch_unit(request):
    try:
        wanted = int(request.POST.get("membership", ""))
    except ValueError:
        return HttpResponseBadRequest(_("Choose a unit from the list."))
    if wanted not in {m.pk for m in active_memberships(request.user)}:
        return HttpResponseBadRequest(_("Choose a unit from the list."))
    request.session[SESSION_KEY] = wanted
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)


# --- a unit's calendar: office hours, WhatsApp line hours, closures, holidays --------------------------

SCHEDULES = (Schedule.OFFICE, Schedule.WHATSAPP)


def _calendar_year(request) -> int:
    year = query_int(request.GET.get("year"), timezone.localdate().year)
    return year if year is not None and 2000 <= year <= 2100 else timezone.localdate().year


@login_required
def unit_calendar(request, pk):
    """The unit's week of office hours and of WhatsApp line hours, its closures and the year's national
    holidays and collective leave; the unit's administrator or head changes them here."""
    unit = unit_for(request.user, pk)
    can_edit = can(request.user, "unit.calendar", unit)
    year = _calendar_year(request)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    schedule = request.POST.get("schedule", "")
    forms_by_schedule = {}
    closure_form = ClosureForm(request.POST if action == "closure_add" else None)
    leave_form = CollectiveLeaveForm(
        request.POST if action == "collective_leave" else None,
        initial={"observes_collective_leave": unit.observes_collective_leave},
    )
    if request.method == "POST":
        require(request.user, "unit.calendar", unit)
        done = _calendar_post(request, unit, action, schedule, closure_form, leave_form, forms_by_schedule)
        if done is not None:
            return done
    schedules = []
    for name in SCHEDULES:
        calendar = calendar_for(unit, name)
        own = calendar.inherited_from is not None and calendar.inherited_from.pk == unit.pk
        form = forms_by_schedule.get(name) or WeekForm(prefix=name, week=calendar.week)
        schedules.append(
            {
                "schedule": name,
                "label": Schedule(name).label,
                "calendar": calendar,
                "summary": week_summary(calendar.week),
                "own": own,
                "inherited_from": None if own else calendar.inherited_from,
                "editing": own or name in forms_by_schedule or request.GET.get("edit") == name,
                "form": form,
                "state": opening_state(calendar),
            }
        )
    office = schedules[0]["calendar"]
    observes = unit.observes_collective_leave
    holidays = [
        {"day": day, "name": name, "collective": collective, "observed": observes or not collective}
        for day, name, collective in holiday_days(date(year, 1, 1), date(year, 12, 31))
    ]
    return render(
        request,
        "organizations/unit_calendar.html",
        {
            "unit": unit,
            "year": year,
            "years": [year - 1, year, year + 1],
            "schedules": schedules,
            "closures": closures_of(unit, year=year),
            "holidays": holidays,
            "closure_form": closure_form,
            "leave_form": leave_form,
            "can_edit": can_edit,
            "can_manage": can(request.user, "unit.manage", unit),
            "today": office.today(),
            "tz_label": unit.get_time_zone_display(),
            "tz_short": unit.get_time_zone_display().split(" ")[0],
        },
    )


def _calendar_post(request, unit, action, schedule, closure_form, leave_form, forms_by_schedule):
    """Do what the page's POST asks; a redirect when done, None to show the page again with the refusal."""
    back = redirect(f"{reverse('organizations:unit_calendar', args=[unit.pk])}?year={_calendar_year(request)}")
    if action in ("week", "inherit") and schedule not in SCHEDULES:
        return HttpResponseBadRequest(_("Unknown schedule."))
    if action == "week":
        form = WeekForm(request.POST, prefix=schedule)
        forms_by_schedule[schedule] = form
        if form.is_valid():
            try:
                services.opening_week_set(actor=request.user, unit=unit, schedule=schedule, periods=form.periods())
            except ValidationError as exc:
                form.apply_refusal(exc)
            else:
                messages.success(request, _("%(schedule)s have been saved.") % {"schedule": Schedule(schedule).label})
                return back
        return None
    if action == "inherit":
        services.opening_week_inherit(actor=request.user, unit=unit, schedule=schedule)
        messages.success(request, _("This unit now follows the hours of the unit above it."))
        return back
    if action == "closure_add":
        if closure_form.is_valid():
            try:
                services.closure_save(actor=request.user, unit=unit, **closure_form.cleaned_data)
            except ValidationError as exc:
                apply_service_error(closure_form, exc)
            else:
                messages.success(request, _("The closure has been saved."))
                return back
        return None
    if action == "closure_remove":
        closure = closure_for(request.user, request.POST.get("closure"), unit=unit)
        services.closure_remove(actor=request.user, closure=closure)
        messages.success(request, _("The closure has been removed."))
        return back
    if action == "collective_leave":
        require(request.user, "unit.manage", unit)
        if leave_form.is_valid():
            try:
                services.unit_update(
                    actor=request.user,
                    unit=unit,
                    observes_collective_leave=leave_form.cleaned_data["observes_collective_leave"],
                )
            except ValidationError as exc:
                apply_service_error(leave_form, exc)
            else:
                messages.success(request, _("Changes to %(name)s have been saved.") % {"name": unit.name})
                return back
        return None
    return HttpResponseBadRequest(_("Unknown action."))
