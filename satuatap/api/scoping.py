"""Which unit an API call acts on: the one rule every app's endpoints share."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import require, units_where
from satuatap.organizations.selectors import unit_for


def acting_unit(
    user, unit_id: int | None, capability: str, *, seen_with: str | None = None, refusal: str | None = None
) -> Unit:
    """The unit a call names, else the user's first unit where they hold ``capability``.

    A named unit outside the units the user sees with ``seen_with`` (by default the capability's app
    ``<app>.view``) is a 404, so a caller learns nothing of units not theirs; one they see but where
    their role lacks ``capability`` is a 403. With no unit named and no unit with ``capability`` the
    answer is a 403 saying so (``refusal``, or the common message).
    """
    if unit_id is None:
        units = units_where(user, capability)
        if not units:
            raise PermissionDenied(refusal or _("Your role does not allow this action."))
        return units[0]
    unit = unit_for(user, unit_id, capability=seen_with or f"{capability.split('.')[0]}.view")
    require(user, capability, unit)
    return unit
