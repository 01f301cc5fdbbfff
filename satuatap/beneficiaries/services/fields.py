"""Checking and normalising the fields of a beneficiary, shared by the services of the registry."""

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import cast

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.beneficiaries.errors import BeneficiaryRefused
from satuatap.beneficiaries.models import (
    Asnaf,
    Beneficiary,
    BeneficiaryKind,
    OrganisationType,
    Relation,
    Sex,
)
from satuatap.core import identifiers
from satuatap.core.crypto import blind_index
from satuatap.core.errors import combined
from satuatap.core.money import is_whole_rupiah
from satuatap.core.names import name_key
from satuatap.core.text import squash
from satuatap.organizations.models import Unit
from satuatap.regions import selectors as region_selectors

PLAIN_FIELDS = (
    "kind",
    "organisation_type",
    "full_name",
    "birth_place",
    "birth_date",
    "sex",
    "province",
    "regency",
    "district",
    "village",
    "street",
    "rt",
    "rw",
    "region",
    "latitude",
    "longitude",
    "has_disability",
    "is_orphan",
    "chronic_illness",
    "asnaf",
    "asnaf_reason",
    "note",
)
IDENTIFIER_FIELDS = ("nik", "phone")
# Household fields given with a person: the KK number, the relation to the head, single parent.
HOUSEHOLD_FIELDS = ("kk", "relation", "single_parent")
TEXT_FIELDS = ("birth_place", "province", "regency", "district", "village", "street", "note", "asnaf_reason")
BOOLEAN_FIELDS = ("has_disability", "is_orphan", "chronic_illness", "single_parent")


def institution_of(unit: Unit) -> Unit:
    return unit if unit.pk == unit.institution_id else Unit.objects.get(pk=unit.institution_id)


def coordinate_clean(value, field: str, limit: int):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        raise BeneficiaryRefused(_("Enter the coordinate as a decimal number."), field=field) from None
    if not number.is_finite():  # "NaN" quantizes to NaN, which cannot be compared
        raise BeneficiaryRefused(_("Enter the coordinate as a decimal number."), field=field)
    if abs(number) > limit:
        raise BeneficiaryRefused(_("This coordinate is outside the map."), field=field)
    return number


def _rt_rw(value, field: str) -> str:
    text = str(value or "").strip()
    if text and not (text.isascii() and text.isdigit() and len(text) <= 3):
        raise BeneficiaryRefused(_("RT and RW are numbers of up to 3 digits."), field=field)
    return text.zfill(3) if text else ""


def clean_fields(fields: dict) -> dict:
    """Check and normalise beneficiary fields; raise one ``BeneficiaryRefused`` naming every bad field
    (each field's rule is its own, so a bad NIK does not hide a bad phone until the next try)."""
    unknown = set(fields) - set(PLAIN_FIELDS) - set(IDENTIFIER_FIELDS) - set(HOUSEHOLD_FIELDS)
    if unknown:
        raise BeneficiaryRefused(_("These fields cannot be set: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    out: dict = {}
    refusals: list[ValidationError] = []
    for name, value in fields.items():
        try:
            out.update(_clean_field({name: value}))
        except BeneficiaryRefused as exc:
            refusals.append(exc)
    if refusals:
        raise BeneficiaryRefused(combined(refusals))
    if out.get("region"):  # the official names of the picked area replace what was typed
        out.update({k: v for k, v in region_selectors.address_names(out["region"]).items() if v})
    return out


def _clean_field(fields: dict) -> dict:
    """``clean_fields`` of one field (the rules below each read only their own field)."""
    out = dict(fields)
    if "full_name" in out:
        out["full_name"] = squash(out["full_name"])
        if not out["full_name"]:
            raise BeneficiaryRefused(_("Enter the full name."), field="full_name")
        if len(out["full_name"]) > 200:
            raise BeneficiaryRefused(_("The name is longer than 200 characters."), field="full_name")
    if "kind" in out and out["kind"] not in BeneficiaryKind.values:
        raise BeneficiaryRefused(_("Choose person or organisation."), field="kind")
    if out.get("organisation_type") and out["organisation_type"] not in OrganisationType.values:
        raise BeneficiaryRefused(_("Choose an organisation type from the list."), field="organisation_type")
    if out.get("sex") and out["sex"] not in Sex.values:
        raise BeneficiaryRefused(_("Choose male or female."), field="sex")
    if out.get("asnaf") and out["asnaf"] not in Asnaf.values:
        raise BeneficiaryRefused(_("Choose one of the eight asnaf."), field="asnaf")
    if out.get("relation") and out["relation"] not in Relation.values:
        raise BeneficiaryRefused(_("Choose a relation to the head of the household."), field="relation")
    if "nik" in out:
        out["nik"] = identifiers.clean_nik(out["nik"], BeneficiaryRefused)
    if "kk" in out:
        out["kk"] = identifiers.clean_kk(out["kk"], BeneficiaryRefused)
    if "phone" in out:
        out["phone"] = identifiers.clean_phone(out["phone"], BeneficiaryRefused)
    if out.get("birth_date") is not None:
        if not isinstance(out["birth_date"], date):
            raise BeneficiaryRefused(_("Enter a valid date."), field="birth_date")
        if out["birth_date"] > timezone.localdate() or out["birth_date"].year < 1900:
            raise BeneficiaryRefused(_("The birth date must be between 1900 and today."), field="birth_date")
    for field in ("rt", "rw"):
        if field in out:
            out[field] = _rt_rw(out[field], field)
    if "region" in out:
        out["region"] = region_selectors.clean_code(out["region"], BeneficiaryRefused)
    if "latitude" in out:
        out["latitude"] = coordinate_clean(out["latitude"], "latitude", 90)
    if "longitude" in out:
        out["longitude"] = coordinate_clean(out["longitude"], "longitude", 180)
    for field in BOOLEAN_FIELDS:
        if field in out:
            out[field] = bool(out[field])
    for field in TEXT_FIELDS:
        if field in out:
            out[field] = (out[field] or "").strip()
            limit = cast(models.Field, Beneficiary._meta.get_field(field)).max_length
            if limit and len(out[field]) > limit:
                raise BeneficiaryRefused(
                    _("This text is too long (at most %(max)s characters).") % {"max": limit}, field=field
                )
    return out


def fields_apply(beneficiary: Beneficiary, fields: dict) -> None:
    for field, value in fields.items():
        if field in HOUSEHOLD_FIELDS and field != "relation":
            continue
        if field == "region":
            beneficiary.region_id = value or None
            continue
        setattr(beneficiary, field, value)
        if field == "nik":
            beneficiary.nik_hash = blind_index("nik", value)
            beneficiary.nik_first4, beneficiary.nik_last4 = value[:4], value[-4:]
        elif field == "full_name":
            beneficiary.name_key = name_key(value, drop_titles=True)


def audit_value(field: str, value):
    if field in ("nik", "kk") and value:
        return value[:4] + "•" * (len(value) - 8) + value[-4:]
    if isinstance(value, date | Decimal):
        return str(value)
    if field == "region" and value is not None:
        return getattr(value, "code", value)
    return value


def beneficiary_locked(beneficiary: Beneficiary) -> Beneficiary:
    locked = Beneficiary.objects.select_for_update(of=("self",)).select_related("household").get(pk=beneficiary.pk)
    if locked.is_merged:
        raise BeneficiaryRefused(_("This record was merged into another and can no longer be changed."))
    if locked.erased_at:
        raise BeneficiaryRefused(_("This person's data was erased at their request; the record cannot be changed."))
    return locked


def rupiah_clean(value, field: str) -> int:
    try:
        amount = int(str(value).replace(".", "").replace(",", "").strip() or 0)
    except (TypeError, ValueError):
        raise BeneficiaryRefused(_("Enter a whole number of rupiah."), field=field) from None
    if amount < 0:
        raise BeneficiaryRefused(_("An amount cannot be negative."), field=field)
    if not is_whole_rupiah(amount, allow_zero=True):  # above the one ceiling, MAX_RUPIAH
        raise BeneficiaryRefused(_("This amount is too large."), field=field)
    return amount
