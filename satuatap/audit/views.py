import json

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from satuatap.audit.models import AuditAction
from satuatap.audit.selectors import audit_events_for
from satuatap.core.exports import table_response
from satuatap.organizations.permissions import require


@login_required
def event_list(request):
    top = request.active_unit
    if top is None:
        return render(request, "organizations/no_membership.html", status=403)
    require(request.user, "audit.view", top)
    events = audit_events_for(request.user, within=top)
    action = request.GET.get("action", "")
    if action in AuditAction.values:
        events = events.filter(action=action)
    if request.GET.get("format") in ("csv", "xlsx"):
        header = [_("Time"), _("By"), _("Action"), _("Object"), _("Unit"), _("Changes"), _("Note")]
        rows = (
            [
                e.at.isoformat(),
                str(e.actor or "-"),
                e.get_action_display(),
                e.target_repr,
                e.unit.code,
                json.dumps(e.changes, ensure_ascii=False),
                e.note,
            ]
            for e in events.iterator(chunk_size=2000)
        )
        return table_response(
            request.GET["format"], f"audit-{top.code}", _("Audit trail"), header, rows, request=request, unit=top
        )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/event_list.html",
        {"page": page, "actions": AuditAction.choices, "action": action, "top": top},
    )
