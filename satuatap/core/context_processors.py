"""What the layout needs on every page: the navigation and the unit switcher."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from satuatap.organizations.permissions import active_memberships, can

# Navigation for every module of DESIGN.md. An entry appears once its app exists
# and the user's role on the active unit allows it.
NAVIGATION = [
    ("core:home", _("Home"), None),
    ("organizations:unit_tree", _("Units"), "unit.view"),
    ("organizations:membership_list", _("Staff & roles"), "membership.view"),
    ("collection:counter", _("Counter"), "collection.record"),
    ("collection:donations", _("Donations"), "collection.view"),
    ("donors:list", _("Donors"), "donors.view"),
    ("beneficiaries:list", _("Beneficiaries"), "beneficiaries.view"),
    ("collection:reports", _("Collection reports"), "collection.view"),  # campaigns, imports: from Donations
    ("ledger:overview", _("Fund ledger"), "ledger.view"),
    ("audit:event_list", _("Audit trail"), "audit.view"),
    ("api:tokens", _("API tokens"), "unit.view"),
]


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    unit = getattr(request, "active_unit", None)
    nav = []
    for url_name, label, capability in NAVIGATION:
        if capability is None or (unit is not None and can(user, capability, unit)):
            url = reverse(url_name)
            nav.append(
                {
                    "url": url,
                    "label": label,
                    "active": request.path.startswith(url) and url != "/" or request.path == url,
                }
            )
    return {
        "nav": nav,
        "memberships": active_memberships(user),
        "active_membership": getattr(request, "active_membership", None),
    }
