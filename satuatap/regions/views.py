"""The picker's htmx endpoints and the region look-up staff use to fix unmatched addresses."""

from django.http import HttpResponse, JsonResponse
from django.utils.html import format_html
from django.views.decorators.http import require_GET

from satuatap.regions import selectors
from satuatap.regions.forms import RegionWidget


@require_GET
def pick(request):
    """The picker again, with the levels under what was just chosen (public: the public aid form
    uses it; the areas are public reference data)."""
    name = request.GET.get("name", "region")
    if not name.replace("_", "").replace("-", "").isalnum() or len(name) > 60:
        name = "region"
    widget = RegionWidget()
    value = widget.value_from_datadict(request.GET, {}, name)
    if selectors.area(value) is None:
        value = ""
    return HttpResponse(widget.render(name, value, attrs={"id": f"id_{name}"}))


@require_GET
def options(request):
    """``<option>``s of the areas directly under ``?parent=`` (the provinces without one)."""
    parent = request.GET.get("parent", "")
    html = ['<option value="">—</option>']
    for code, name in selectors.children(parent).values_list("code", "name"):
        html.append(format_html('<option value="{}">{}</option>', code, name))
    return HttpResponse("".join(html))


@require_GET
def lookup(request):
    """Areas by name or code (``?q=``) under ``?parent=``, as JSON."""
    areas = selectors.search(request.GET.get("q", "")[:100], request.GET.get("parent") or None)
    return JsonResponse(
        {"results": [{"code": a.code, "name": a.name, "level": a.level, "parent": a.parent_id} for a in areas]}
    )
