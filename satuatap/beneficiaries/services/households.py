"""Households: a person is placed in the household of their KK (family card)."""

from django.utils.translation import gettext as _

from satuatap.beneficiaries.errors import BeneficiaryRefused
from satuatap.beneficiaries.models import (
    Beneficiary,
    Household,
    Relation,
)
from satuatap.core.crypto import blind_index
from satuatap.organizations.models import Unit


def household_attach(beneficiary: Beneficiary, unit: Unit, fields: dict) -> dict:
    """Attach the person to the household of their KK (created on first use), checking one head.
    Returns the changes made to the household itself (``{"single_parent": [old, new]}``), for the audit."""
    kk = fields.get("kk")
    if kk is None and "relation" not in fields and "single_parent" not in fields:
        return {}
    if kk == "":
        beneficiary.household = None
        beneficiary.relation = ""
        return {}
    if kk:
        household = Household.objects.filter(
            institution_id=beneficiary.institution_id, kk_hash=blind_index("kk", kk)
        ).first()
        if household is None:
            household = Household(
                institution_id=beneficiary.institution_id,
                registered_unit=unit,
                kk=kk,
                kk_hash=blind_index("kk", kk),
                kk_last4=kk[-4:],
                **{
                    f: getattr(beneficiary, f)
                    for f in ("province", "regency", "district", "village", "street", "rt", "rw", "region_id")
                },
            )
            household.save()
        beneficiary.household = household
    if beneficiary.household_id is None:
        if fields.get("relation"):
            raise BeneficiaryRefused(_("Enter the KK number to place this person in a household."), field="kk")
        return {}
    household = beneficiary.household
    assert household is not None  # its id is set
    changes = {}
    if "single_parent" in fields and household.single_parent != fields["single_parent"]:
        changes["single_parent"] = [household.single_parent, fields["single_parent"]]
        household.single_parent = fields["single_parent"]
        household.save(update_fields=["single_parent"])
    if not beneficiary.relation:
        beneficiary.relation = Relation.OTHER
    if beneficiary.relation == Relation.HEAD and not beneficiary.is_held:
        head = (
            Beneficiary.objects.filter(
                household=beneficiary.household,
                relation=Relation.HEAD,
                merged_into__isnull=True,
                possible_duplicate_of__isnull=True,
            )
            .exclude(pk=beneficiary.pk)
            .select_related("registered_unit")
            .first()
        )
        if head is not None:
            # Number and unit, not the name: the head may be registered outside the user's units.
            raise BeneficiaryRefused(
                _("This household already has a head, %(number)s registered at %(unit)s. A household has one head.")
                % {"number": head.number, "unit": head.registered_unit.name},
                field="relation",
            )
    return changes
