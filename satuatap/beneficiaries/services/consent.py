"""Consent to the processing of a person's data (UU 27/2022): recorded, withdrawn."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record
from satuatap.beneficiaries.errors import BeneficiaryRefused
from satuatap.beneficiaries.models import (
    ADULT_AGE,
    Beneficiary,
    Consent,
    ConsentMethod,
    ConsentPurpose,
)
from satuatap.beneficiaries.services.fields import beneficiary_locked
from satuatap.core.text import squash
from satuatap.organizations.permissions import require


def consent_clean(consent: dict | None, beneficiary: Beneficiary) -> dict | None:
    if not consent:
        return None
    purpose, method = consent.get("purpose") or ConsentPurpose.ASSISTANCE, consent.get("method") or ""
    if purpose not in ConsentPurpose.values:
        raise BeneficiaryRefused(_("Choose the purpose of the consent."), field="consent_purpose")
    if method not in ConsentMethod.values:
        raise BeneficiaryRefused(_("Choose how the consent was given."), field="consent_method")
    given_on = consent.get("given_on") or timezone.localdate()
    if given_on > timezone.localdate():
        raise BeneficiaryRefused(_("Consent cannot be dated in the future."), field="consent_given_on")
    guardian = squash(consent.get("guardian_name"))
    relation = squash(consent.get("guardian_relation"))
    if beneficiary.is_minor and not guardian:
        raise BeneficiaryRefused(
            _("%(name)s is under %(age)s: a parent or guardian gives consent for a child. Enter the guardian's name.")
            % {"name": beneficiary.full_name, "age": ADULT_AGE},
            field="guardian_name",
        )
    if guardian and not relation:
        raise BeneficiaryRefused(_("Enter the guardian's relation to the child."), field="guardian_relation")
    return {
        "purpose": purpose,
        "method": method,
        "given_on": given_on,
        "guardian_name": guardian[:200],
        "guardian_relation": relation[:100],
    }


@transaction.atomic
def consent_record(*, actor, beneficiary: Beneficiary, **consent) -> Consent:
    require(actor, "beneficiaries.manage", beneficiary.registered_unit)
    return _consent_add(actor, beneficiary, consent)


@transaction.atomic
def consent_record_online(*, beneficiary: Beneficiary, **consent) -> Consent:
    """Record the consent a registered person gave on the public online form (no staff actor)."""
    return _consent_add(None, beneficiary, consent)


def _consent_add(actor, beneficiary: Beneficiary, consent: dict) -> Consent:
    beneficiary = beneficiary_locked(beneficiary)
    fields = consent_clean(consent, beneficiary)
    if fields is None:
        raise BeneficiaryRefused(_("Choose how the consent was given."), field="consent_method")
    record = Consent.objects.create(beneficiary=beneficiary, recorded_by=actor, **fields)
    audit_record(
        actor=actor,
        action=AuditAction.BENEFICIARY_CONSENT,
        target=beneficiary,
        unit=beneficiary.registered_unit,
        changes={"purpose": [None, fields["purpose"]], "method": [None, fields["method"]]},
    )
    return record


@transaction.atomic
def consent_withdraw(*, actor, consent: Consent, on: date | None = None) -> Consent:
    beneficiary = consent.beneficiary
    require(actor, "beneficiaries.manage", beneficiary.registered_unit)
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_on:
        raise BeneficiaryRefused(_("This consent was already withdrawn."))
    consent.withdrawn_on = on or timezone.localdate()
    consent.save(update_fields=["withdrawn_on"])
    audit_record(
        actor=actor,
        action=AuditAction.BENEFICIARY_CONSENT,
        target=beneficiary,
        unit=beneficiary.registered_unit,
        changes={"withdrawn": [consent.purpose, consent.withdrawn_on.isoformat()]},
    )
    return consent
