"""The aid history of a beneficiary."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record
from satuatap.beneficiaries.errors import BeneficiaryRefused
from satuatap.beneficiaries.models import (
    AidRecord,
    Asnaf,
    Beneficiary,
)
from satuatap.beneficiaries.services.fields import rupiah_clean
from satuatap.core.text import squash
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import require


@transaction.atomic
def aid_record(
    *,
    actor,
    beneficiary: Beneficiary,
    unit: Unit,
    given_on: date,
    program: str,
    amount: int,
    description: str = "",
    asnaf: str = "",
    source: str = "manual",
    capability: str = "beneficiaries.manage",
) -> AidRecord:
    """Record help a beneficiary received from ``unit``: distribution calls this for every
    disbursement (with ``source="disbursement:<id>"``); staff enter help given earlier."""
    require(actor, capability, unit)
    if unit.institution_id != beneficiary.institution_id:
        raise BeneficiaryRefused(_("This person is registered with another institution."))
    if beneficiary.merged_into_id is not None:  # ``is_merged``: the help goes to the record it lives in
        beneficiary = Beneficiary.objects.get(pk=beneficiary.merged_into_id)
    program = squash(program)
    if not program:
        raise BeneficiaryRefused(_("Name the program the help came from."), field="program")
    if not isinstance(given_on, date) or given_on > timezone.localdate():
        raise BeneficiaryRefused(_("Enter the date the help was given (not in the future)."), field="given_on")
    amount = rupiah_clean(amount, "amount")
    if asnaf and asnaf not in Asnaf.values:
        raise BeneficiaryRefused(_("Choose one of the eight asnaf."), field="asnaf")
    record = AidRecord.objects.create(
        beneficiary=beneficiary,
        household_id=beneficiary.household_id,
        unit=unit,
        given_on=given_on,
        program=program[:200],
        amount=amount,
        description=(description or "").strip()[:300],
        asnaf=asnaf or beneficiary.asnaf,
        source=source[:60],
        created_by=actor if actor.is_authenticated else None,
    )
    audit_record(
        actor=actor,
        action=AuditAction.BENEFICIARY_AID,
        target=beneficiary,
        unit=unit,
        changes={"program": [None, record.program], "amount": [None, amount]},
    )
    return record
