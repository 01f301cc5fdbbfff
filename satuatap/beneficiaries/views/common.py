"""What the staff pages of the registry share: the active unit, a phone as shown, the answer to a
change of a closed record."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from satuatap.core.identifiers import format_phone
from satuatap.core.views.helpers import active_unit


def page_unit(request, capability: str = "beneficiaries.view"):
    """The active unit (the unit switcher), if the user holds ``capability`` there."""
    return active_unit(request, capability)


def phone_shown(value: str) -> str:
    try:
        return format_phone(value)
    except Exception:  # noqa: BLE001 - an odd stored number is shown as stored, never a 500
        return value


def closed_redirect(request, beneficiary):
    """Merged and erased records are kept as they are: say so and go back to the record."""
    if beneficiary.is_merged:
        messages.error(request, _("This record was merged into another and can no longer be changed."))
    else:
        messages.error(request, _("This person's data was erased at their request; the record cannot be changed."))
    return redirect("beneficiaries:detail", pk=beneficiary.pk)
