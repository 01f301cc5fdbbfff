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
