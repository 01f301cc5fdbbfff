"""What every staff page of the fund ledger shares."""

from satuatap.core.views.helpers import active_unit
from satuatap.organizations.models import Unit


def ledger_unit(request) -> Unit:
    """The unit the ledger pages act on: the active unit, refused to a role that may not read the books."""
    return active_unit(request, "ledger.view")
