from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from satuatap.core.dashboard import sections_for
from satuatap.organizations.selectors import units_for

try:  # what waits for the user's role ("flow" adds it; the home shows an empty list without it)
    from satuatap.core.work import waiting_for
except ImportError:  # pragma: no cover
    waiting_for = None


@login_required
def home(request):
    unit = request.active_unit
    context = {"unit": unit}
    if unit is not None:
        subtree = units_for(request.user, within=unit)
        context["unit_count"] = subtree.count()
        context["children"] = subtree.filter(depth=unit.depth + 1).order_by("name")
        # Each role's figures (core.dashboard: supplied by the reports app) and the work waiting.
        context["sections"] = sections_for(request, unit)
        context["work"] = waiting_for(request.user, unit, limit=10) if waiting_for else []
    return render(request, "core/home.html", context)


@login_required
def my_work(request):
    """What waits for the user's roles within the active unit's subtree ("Pekerjaan saya")."""
    from django.utils.translation import gettext as _

    from satuatap.core.exports import table_response
    from satuatap.core.work import waiting_for

    unit = request.active_unit
    items = waiting_for(request.user, unit) if unit is not None else []
    fmt = request.GET.get("format", "")
    if unit is not None and fmt in ("csv", "xlsx"):
        header = [
            _("Kind"),
            _("Waiting item"),
            _("Unit"),
            _("Waiting since"),
            _("Due on"),
            _("Overdue"),
            _("Your role"),
        ]
        header.append(_("To do"))
        rows = [
            [
                i.kind,
                i.title,
                i.unit.name,
                i.since_day.isoformat() if i.since_day else "",
                i.due_on.isoformat() if i.due_on else "",
                _("yes") if i.overdue else "",
                i.role,
                i.action,
            ]
            for i in items
        ]
        return table_response(fmt, f"my-work-{unit.code}", _("My work"), header, rows, request=request, unit=unit)
    return render(
        request,
        "core/my_work.html",
        {"unit": unit, "items": items, "overdue": sum(1 for i in items if i.overdue)},
    )
