"""Donors over the REST API: search, read, register and change, and the audited read of identifiers.

A user sees the donors registered in their units and those who gave there (``selectors.donors_visible_to``).
NIK and NPWP are always masked in these answers; a role with ``donors.identifiers`` on a unit
where the donor is visible reads the full values from ``/donors/{donor_id}/identifiers``, and
every such read is in the audit trail. Writes go through ``donors.services``.
"""

from datetime import date, datetime
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from satuatap.api.core import error
from satuatap.api.pagination import LimitOffsetPagination, paginate
from satuatap.api.schemas import ErrorOut
from satuatap.api.scoping import acting_unit
from satuatap.donors import services
from satuatap.donors.errors import DuplicateDonor
from satuatap.donors.models import Channel, Donor, DonorKind
from satuatap.donors.selectors import donor_visible_to, donors_listed, identifiers_unit
from satuatap.organizations.selectors import unit_for

router = Router(tags=["donors"])
# The OpenAPI schema names an enum after its class: distribution's application ``Channel`` would
# overwrite the donors' one (and answers with "whatsapp" would not match the published schema).
ContactChannel = StrEnum("ContactChannel", [(member.name, member.value) for member in Channel])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


# --- schemas ----------------------------------------------------------------------------------


class DonorOut(Schema):
    id: int
    number: str = Field(description="Donor number (NPWZ-style), unique in the institution.")
    kind: DonorKind
    full_name: str
    nik_masked: str = Field(description="NIK with all but the last 4 digits hidden; empty when unknown.")
    npwp_masked: str = Field(description="NPWP with all but the last 4 digits hidden; empty when unknown.")
    phone: str
    email: str
    province: str
    regency: str
    district: str
    village: str
    region_id: str | None = Field(description="Official area code (Kemendagri) of the address, when known.")
    street: str
    postal_code: str
    birth_date: date | None
    preferred_channel: ContactChannel
    consent_whatsapp: bool
    consent_email: bool
    tags: list[str]
    registered_unit_id: int
    merged_into_id: int | None = Field(description="Set when merged into another donor (takes no new donations).")
    created_at: datetime


class DonorDetailOut(DonorOut):
    note: str
    identifiers_readable: bool = Field(
        False, description="True when GET /donors/{donor_id}/identifiers would give you the full NIK and NPWP."
    )


class DonorIdentifiersOut(Schema):
    nik: str
    npwp: str


class DonorFilter(Schema):
    q: str | None = Field(None, max_length=100, description="Name, donor number, NIK, NPWP, phone or email.")
    unit_id: int | None = Field(None, description="Donors registered in this unit's subtree.")
    kind: DonorKind | None = None
    include_merged: bool = Field(False, description="Also list donors merged into another.")


class DonorFields(Schema):
    kind: DonorKind = DonorKind.PERSON
    nik: str = Field("", max_length=40)
    npwp: str = Field("", max_length=40)
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=254)
    province: str = Field("", max_length=100)
    regency: str = Field("", max_length=100)
    district: str = Field("", max_length=100)
    village: str = Field("", max_length=100)
    region: str = Field(
        "", max_length=20, description="Official area code (Kemendagri), e.g. 33.18.02.2009; the names follow it."
    )
    street: str = Field("", max_length=300)
    postal_code: str = Field("", max_length=10)
    birth_date: date | None = None
    preferred_channel: ContactChannel = ContactChannel.WHATSAPP
    consent_whatsapp: bool = False
    consent_email: bool = False
    tags: list[str] = Field(default_factory=list, max_length=20)
    note: str = Field("", max_length=5000)


class DonorIn(DonorFields):
    unit_id: int | None = Field(None, description="Where the donor registers; default: your first unit for donors.")
    full_name: str = Field(max_length=200)
    confirm_duplicate: bool = Field(
        False,
        description="Register even though a donor with the same phone or email, or the same name and birth "
        "date, is registered (answered 409 duplicate_donor otherwise). A same NIK or NPWP is always refused.",
    )


class DonorPatch(Schema):
    kind: DonorKind | None = None
    full_name: str | None = Field(None, max_length=200)
    nik: str | None = Field(None, max_length=40)
    npwp: str | None = Field(None, max_length=40)
    phone: str | None = Field(None, max_length=40)
    email: str | None = Field(None, max_length=254)
    province: str | None = Field(None, max_length=100)
    regency: str | None = Field(None, max_length=100)
    district: str | None = Field(None, max_length=100)
    village: str | None = Field(None, max_length=100)
    region: str | None = Field(None, max_length=20, description='Official area code (Kemendagri); "" clears it.')
    street: str | None = Field(None, max_length=300)
    postal_code: str | None = Field(None, max_length=10)
    birth_date: date | None = None
    preferred_channel: ContactChannel | None = None
    consent_whatsapp: bool | None = None
    consent_email: bool | None = None
    tags: list[str] | None = Field(None, max_length=20)
    note: str | None = Field(None, max_length=5000)


# --- endpoints --------------------------------------------------------------------------------


def _detail(user, donor: Donor) -> Donor:
    donor.identifiers_readable = bool(donor.nik_last4 or donor.npwp_last4) and identifiers_unit(user, donor) is not None
    return donor


@router.get("", response={200: list[DonorOut], **ERRORS}, summary="Search donors in your units")
@paginate(LimitOffsetPagination)
def list_donors(request, filters: Query[DonorFilter]):
    unit = None
    if filters.unit_id is not None:
        unit = unit_for(request.user, filters.unit_id, capability="donors.view")
    return donors_listed(
        request.user, filters.q, registered_within=unit, kind=filters.kind, include_merged=filters.include_merged
    )


@router.get("/{donor_id}", response={200: DonorDetailOut, **ERRORS}, summary="One donor (identifiers masked)")
def get_donor(request, donor_id: int):
    return _detail(request.user, donor_visible_to(request.user, donor_id))


@router.get(
    "/{donor_id}/identifiers",
    response={200: DonorIdentifiersOut, **ERRORS},
    summary="The donor's full NIK and NPWP (finance and auditors; every read is audited)",
)
def get_donor_identifiers(request, donor_id: int):
    donor = donor_visible_to(request.user, donor_id)
    unit = identifiers_unit(request.user, donor)
    if unit is None:
        raise PermissionDenied(_("Your role does not allow reading full NIK and NPWP."))
    return services.donor_identifiers_read(actor=request.user, donor=donor, unit=unit)


@router.post("", response={201: DonorDetailOut, 409: ErrorOut, **ERRORS}, summary="Register a donor")
def create_donor(request, payload: DonorIn):
    # 403 without the role anywhere; a unit named is one the user sees (the service checks the role there).
    unit = acting_unit(request.user, None, "donors.manage")
    if payload.unit_id is not None:
        unit = unit_for(request.user, payload.unit_id, capability="donors.view")
    try:
        donor = services.donor_register(actor=request.user, unit=unit, **payload.dict(exclude={"unit_id"}))
    except DuplicateDonor as exc:
        # Named as the service names them: out of the caller's scope, by donor number only.
        matches = [services.duplicate_label(c) for c in exc.candidates]
        return error(request, 409, "duplicate_donor", exc.messages[0], {"confirm_duplicate": matches})
    return Status(201, _detail(request.user, donor_visible_to(request.user, donor.pk)))


@router.patch("/{donor_id}", response={200: DonorDetailOut, **ERRORS}, summary="Change a donor's data")
def update_donor(request, donor_id: int, payload: DonorPatch):
    acting_unit(request.user, None, "donors.manage")  # 403 without the role anywhere
    donor = donor_visible_to(request.user, donor_id)
    fields = payload.dict(exclude_unset=True)
    # An explicit null clears a text field; it never removes a name or switches off a choice.
    for key, value in list(fields.items()):
        if value is None and key not in ("birth_date",):
            if key in ("full_name", "kind", "preferred_channel", "consent_whatsapp", "consent_email"):
                del fields[key]
            else:
                fields[key] = [] if key == "tags" else ""
    donor = services.donor_update(actor=request.user, donor=donor, **fields)
    return _detail(request.user, donor_visible_to(request.user, donor.pk))
