"""The audit trail's filters as every trail page applies them: the trail of a subtree (``/audit/``)
and the trail of one object (a unit's or a donor's history)."""

from django.utils.http import urlencode

from satuatap.audit.forms import AuditFilterForm
from satuatap.audit.selectors import audit_events_filtered, audit_filter_choices

FILTERS = ("start", "end", "actor", "kind", "action")


def filtered_trail(params, events, *, tz, one_object: bool = False) -> dict:
    """The events (already scoped) narrowed by the filters in ``params`` (a request's GET), with what
    the filter form needs: ``events``, ``filters`` (the bound form), ``query`` (the filters as a query
    string, for the export links and the pages) and the ``actors`` and ``kinds`` to choose from.
    Days run in ``tz``, the office's zone. One object's trail has no kinds to choose."""
    names = [name for name in FILTERS if not (one_object and name == "kind")]
    form = AuditFilterForm({name: params[name] for name in names if name in params} or None)
    chosen = {name: value for name, value in form.filters().items() if name in names}
    choices = audit_filter_choices(events)
    if one_object:
        choices["kinds"] = []
    return {
        "events": audit_events_filtered(events, tz=tz, **chosen),
        "filters": form,
        "query": urlencode({name: params[name] for name in names if params.get(name)}),
        **choices,
    }
