from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from satuatap.audit.display import changes_text, with_change_rows
from satuatap.audit.filters import filtered_trail
from satuatap.audit.selectors import audit_events_for
from satuatap.core.exports import table_response
from satuatap.organizations.permissions import require


@login_required
def event_list(request):
    """The audit trail of the active unit's subtree, filtered by date range, user, object kind and
    action; the export holds the same events, with the changes as the page reads them."""
    top = request.active_unit
    if top is None:
        return render(request, "organizations/no_membership.html", status=403)
    require(request.user, "audit.view", top)
    trail = filtered_trail(request.GET, audit_events_for(request.user, within=top), tz=top.tzinfo)
    if request.GET.get("format") in ("csv", "xlsx"):
        header = [_("Time"), _("By"), _("Action"), _("Object"), _("Unit"), _("Changes"), _("Note")]
        rows = _rows(trail["events"])
        return table_response(
            request.GET["format"], f"audit-{top.code}", _("Audit trail"), header, rows, request=request, unit=top
        )
    page = Paginator(trail.pop("events"), 50).get_page(request.GET.get("page"))
    page.object_list = with_change_rows(page.object_list)
    return render(request, "audit/event_list.html", {"page": page, "top": top, **trail})


def _rows(events):
    chunk = []
    for event in events.iterator(chunk_size=2000):
        chunk.append(event)
        if len(chunk) == 2000:
            yield from _export_rows(chunk)
            chunk = []
    yield from _export_rows(chunk)


def _export_rows(events):
    for e in with_change_rows(events):
        yield [e.at.isoformat(), str(e.actor or "-"), e.get_action_display(), e.target_repr, e.unit.code,
               changes_text(e), e.note]  # fmt: skip
