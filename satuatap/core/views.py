from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from satuatap.organizations.selectors import units_for


@login_required
def home(request):
    unit = request.active_unit
    context = {"unit": unit}
    if unit is not None:
        subtree = units_for(request.user, within=unit)
        context["unit_count"] = subtree.count()
        context["children"] = subtree.filter(depth=unit.depth + 1).order_by("name")
    return render(request, "core/home.html", context)
