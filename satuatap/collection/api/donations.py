"""Donations over the REST API: list and read in scope, record idempotently.

Reads go through ``collection.selectors`` (scoped with ``collection.view``); recording goes through
``collection.services.donation_record`` and needs an ``Idempotency-Key`` header: the
same key with the same body answers the first donation again (200, header
``Idempotent-Replayed: true``, field ``replayed``), with another body 409. Keys are
kept per user, across the user's institutions, so two clients can never collide on one
another's key.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Status
from ninja.errors import HttpError
from ninja.errors import ValidationError as SchemaValidationError

from satuatap.api.pagination import LimitOffsetPagination, paginate
from satuatap.api.schemas import ErrorOut
from satuatap.collection import selectors
from satuatap.collection.api.schemas import DonationDetailOut, DonationFilter, DonationIn, DonationOut
from satuatap.collection.errors import DonationConflict, DonationRefused
from satuatap.collection.models import Donation
from satuatap.collection.services import DonationLineSpec, donation_record, purpose_refusal
from satuatap.ledger.hooks import purpose_for_unit
from satuatap.organizations.permissions import units_where
from satuatap.organizations.selectors import unit_for

# The operation ids stay those of the module this router had before it moved into the api package.
router = Router(tags=["donations"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}

# Service field names -> the names of the request body.
_FIELDS = {
    "donor": "donor_id",
    "bank_account": "bank_account_id",
    "amount": "lines",
    "persons": "lines",
    "goods_description": "lines",
    "goods_quantity": "lines",
    "idempotency_key": "Idempotency-Key",
}


def _with_lines(donation: Donation) -> Donation:
    donation.api_lines = list(selectors.donation_lines(donation))
    return donation


@router.get(
    "",
    response={200: list[DonationOut], **ERRORS},
    summary="Donations in your units",
    operation_id="satuatap_collection_api_list_donations",
)
@paginate(LimitOffsetPagination)
def list_donations(request, filters: Query[DonationFilter]):
    unit = None
    if filters.unit_id is not None:
        unit = unit_for(request.user, filters.unit_id, capability="collection.view")
    return selectors.donations_for(
        request.user,
        unit,
        date_from=filters.date_from,
        date_to=filters.date_to,
        status=filters.status,
        donor_id=filters.donor_id,
        with_collector=True,
    )


@router.get(
    "/{donation_id}",
    response={200: DonationDetailOut, **ERRORS},
    summary="One donation with its lines",
    operation_id="satuatap_collection_api_get_donation",
)
def get_donation(request, donation_id: int):
    return _with_lines(selectors.donation_for(request.user, donation_id))


def _renamed(exc: ValidationError) -> ValidationError:
    """The service's refusal with the field names of the request body."""
    if not hasattr(exc, "error_dict"):
        return exc
    fields: dict[str, list] = {}
    for field, errors in exc.error_dict.items():
        fields.setdefault(_FIELDS.get(field, field), []).extend(errors)
    return ValidationError(fields)


def _program_of(unit, number: int, line) -> str:
    """The restriction key of the program a line names by ``program_id`` or ``program`` (its code in any
    case); an unknown one is a 422 naming the field, as a schema error is."""
    if line.program_id is not None and line.program:
        message = _("Name the program by program_id or by program, not both.")
        raise SchemaValidationError([{"loc": ["lines", number, "program"], "msg": message}])
    field, value = ("program_id", line.program_id) if line.program_id is not None else ("program", line.program)
    if isinstance(value, str) and not value.strip():
        return ""
    purpose = purpose_for_unit(unit, value)
    if purpose is None:
        message = capfirst(purpose_refusal(unit, value))
        raise SchemaValidationError([{"loc": ["lines", number, field], "msg": message}])
    return purpose.key


@router.post(
    "",
    operation_id="satuatap_collection_api_create_donation",
    response={200: DonationDetailOut, 201: DonationDetailOut, 409: ErrorOut, **ERRORS},
    summary="Record a donation (idempotent: send an Idempotency-Key header)",
    description=(
        "Posts one ledger entry and takes the unit's next receipt number. Repeating a request with the same "
        "`Idempotency-Key` and body answers the first donation again with 200 and `Idempotent-Replayed: true`; "
        "the same key with another body answers 409 and records nothing."
    ),
)
def create_donation(
    request,
    payload: DonationIn,
    response: HttpResponse,
    idempotency_key: str | None = Header(
        None, alias="Idempotency-Key", max_length=100, description="Required: 1 to 100 characters, new per donation."
    ),
):
    # The role is checked before the key, so a role that may not record learns nothing more.
    if not units_where(request.user, "collection.record"):
        raise PermissionDenied(_("Your role does not allow recording donations."))
    if idempotency_key is None:
        raise SchemaValidationError([{"loc": ["Idempotency-Key"], "type": "missing", "msg": "Field required"}])
    if not idempotency_key.strip():
        raise SchemaValidationError(
            [{"loc": ["Idempotency-Key"], "msg": _("Send a request key of 1 to 100 characters.")}]
        )
    unit = unit_for(request.user, payload.unit_id, capability="collection.view")
    # A key is the user's across institutions: one already used in another of them is another body (409),
    # which the service's single look-up of the key finds.
    key = f"api:{request.user.pk}:{idempotency_key.strip()}"
    # Any donor of the institution may give at any of its units (as at the counter).
    donor = selectors.counter_donor(request.user, unit, payload.donor_id)
    if donor is None:
        raise Http404
    lines = [
        DonationLineSpec(
            kind=line.kind,
            amount=line.amount,
            campaign=line.campaign_id,
            program=_program_of(unit, number, line),
            persons=line.persons,
            goods_description=line.goods_description,
            goods_quantity=line.goods_quantity,
            goods_unit=line.goods_unit,
        )
        for number, line in enumerate(payload.lines)
    ]
    try:
        donation = donation_record(
            actor=request.user,
            unit=unit,
            donor=donor,
            donation_date=payload.donation_date,
            channel=payload.channel,
            lines=lines,
            idempotency_key=key,
            bank_account=payload.bank_account_id,
            bank_reference=payload.bank_reference,
            note=payload.note,
        )
    except DonationConflict as exc:
        raise HttpError(409, " ".join(exc.messages)) from exc
    except DonationRefused as exc:
        raise _renamed(exc) from exc
    answer = _with_lines(selectors.donation_for(request.user, donation.pk))
    answer.replayed = donation.replayed
    if donation.replayed:
        response["Idempotent-Replayed"] = "true"
        return answer
    return Status(201, answer)
