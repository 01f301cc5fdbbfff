"""What every endpoint of the ledger API shares: its router (mounted at ``/ledger``), the error
responses it documents, and the unit a call acts on."""

from django.utils.translation import gettext as _
from ninja import Router

from satuatap.api.schemas import ErrorOut
from satuatap.api.scoping import acting_unit
from satuatap.organizations.models import Unit

router = Router(tags=["ledger"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def ledger_unit(user, unit_id: int | None) -> Unit:
    """The unit asked for (404 outside the user's ledger scope), or the user's first ledger unit."""
    return acting_unit(user, unit_id, "ledger.view", refusal=_("Your roles do not include reading the fund ledger."))
