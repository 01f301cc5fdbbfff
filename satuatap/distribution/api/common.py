"""What every API module of distribution shares: the error answers, the field names of request bodies,
the application a step acts on, and the refusals in the API's error shape.
"""

import contextlib
from collections.abc import Iterator

from django.core.exceptions import ValidationError
from ninja import Status

from satuatap.api.schemas import ErrorOut
from satuatap.distribution import selectors
from satuatap.distribution.errors import FairShareWarning
from satuatap.distribution.models import (
    Application,
)
from satuatap.organizations.permissions import require

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
VIEW = "distribution.view"

# Service field names -> the names of the request body.
APPLICATION_FIELDS = {
    "program": "program_id",
    "beneficiary": "beneficiary_id",
    "money_account": "money_account_id",
    "rows": "recipients",
    "disbursement": "disbursement_id",
}


def acting_on(user, application_id: int, capability: str) -> Application:
    """The application (404 outside the user's units) once the user's role on its unit allows the step:
    a role that may not act learns nothing of the application's state."""
    application = selectors.application_for(user, application_id)
    require(user, capability, application.unit)
    return application


@contextlib.contextmanager
def refusals(names: dict | None = None) -> Iterator[None]:
    """The service's refusal with the field names of the request body (``names``: service field ->
    body field; the application endpoints' by default)."""
    try:
        yield
    except FairShareWarning:
        raise
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        fields: dict[str, list] = {}
        for field, errors in exc.error_dict.items():
            fields.setdefault((names or APPLICATION_FIELDS).get(field, field), []).extend(errors)
        raise ValidationError(fields) from exc


def fair_share_conflict(exc: FairShareWarning) -> Status:
    """409 with the fair-share warnings: the approver sends ``override_reason`` to approve anyway."""
    message = " ".join(exc.messages)
    body = {"code": "fair_share_warning", "message": message, "fields": {"override_reason": [message]}}
    return Status(409, {"error": body})
