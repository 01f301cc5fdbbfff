"""What the layout needs on every page: the navigation and the unit switcher."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from satuatap.organizations.permissions import active_memberships, can

# Navigation for every module of DESIGN.md, in groups so the bar fits a 1280-pixel screen. An entry
# appears once its app exists and the user's role on the active unit allows it; a group of one
# visible entry shows as that entry.
NAVIGATION = [
    ("core:home", _("Home"), None),
    (
        _("Collection"),
        [
            ("collection:counter", _("Counter"), "collection.record"),
            ("collection:donations", _("Donations"), "collection.view"),  # campaigns, imports: from Donations
            ("donors:list", _("Donors"), "donors.view"),
            ("collection:reports", _("Collection reports"), "collection.view"),
        ],
    ),
    ("beneficiaries:list", _("Beneficiaries"), "beneficiaries.view"),
    ("distribution:applications", _("Distribution"), "distribution.view"),
    ("ledger:overview", _("Fund ledger"), "ledger.view"),
    (
        _("Service desk"),
        [
            ("servicedesk:counters", _("Counters"), "servicedesk.view"),
            ("servicedesk:requests", _("Service requests"), "servicedesk.view"),
            ("servicedesk:appointments", _("Appointments"), "servicedesk.view"),
            ("servicedesk:services", _("Services & standards"), "servicedesk.view"),
            ("servicedesk:figures", _("Desk figures"), "servicedesk.view"),
        ],
    ),
    (
        _("Organisation"),
        [
            ("organizations:unit_tree", _("Units"), "unit.view"),
            ("organizations:membership_list", _("Staff & roles"), "membership.view"),
            ("audit:event_list", _("Audit trail"), "audit.view"),
            ("accounts:two_factor_staff", _("Two-factor authentication of staff"), "membership.view"),
            ("api:tokens", _("API tokens"), "unit.view"),
        ],
    ),
]


def _items(request, user, unit, entries) -> list[dict]:
    items = []
    for url_name, label, capability in entries:
        if capability is None or (unit is not None and can(user, capability, unit)):
            url = reverse(url_name)
            active = request.path.startswith(url) and url != "/" or request.path == url
            items.append({"url": url, "label": label, "active": active})
    return items


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    unit = getattr(request, "active_unit", None)
    nav = []
    for entry in NAVIGATION:
        if isinstance(entry[1], list):
            label, entries = entry
            items = _items(request, user, unit, entries)
            if len(items) > 1:
                nav.append({"label": label, "children": items, "active": any(i["active"] for i in items)})
            else:
                nav.extend(items)
        else:
            nav.extend(_items(request, user, unit, [entry]))
    return {
        "nav": nav,
        "memberships": active_memberships(user),
        "active_membership": getattr(request, "active_membership", None),
    }
