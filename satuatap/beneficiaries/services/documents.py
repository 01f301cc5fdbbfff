"""Reads of a person's identifiers and their documents (scans, photos), each audited."""

from django.db import transaction
from django.utils.translation import gettext as _

from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record
from satuatap.beneficiaries.errors import DocumentRefused
from satuatap.beneficiaries.models import (
    Assessment,
    Beneficiary,
    Document,
    DocumentKind,
)
from satuatap.beneficiaries.services.fields import beneficiary_locked
from satuatap.core.errors import NotAllowed
from satuatap.core.uploads import keep_upload, open_kept
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import can


def covering_unit(actor, beneficiary: Beneficiary, capability: str) -> Unit:
    """The unit from which the actor's role covers this person, for a read of their personal data."""
    from satuatap.beneficiaries.selectors import unit_over

    unit = unit_over(actor, beneficiary, capability)
    if unit is None:
        raise NotAllowed(_("Your role does not allow this for %(number)s.") % {"number": beneficiary.number})
    return unit


def identifiers_read(*, actor, beneficiary: Beneficiary) -> dict:
    """The full NIK and KK for a role that needs them, over a unit that covers the person; every
    read is audited."""
    unit = covering_unit(actor, beneficiary, "beneficiaries.identifiers")
    audit_record(actor=actor, action=AuditAction.BENEFICIARY_IDENTIFIERS_VIEWED, target=beneficiary, unit=unit)
    return {"nik": beneficiary.nik, "kk": beneficiary.household.kk if beneficiary.household is not None else ""}


def may_add_documents(user, beneficiary: Beneficiary) -> bool:
    """Who registers or assesses the person at their unit may add their scans and photos."""
    unit = beneficiary.registered_unit
    return can(user, "beneficiaries.manage", unit) or can(user, "beneficiaries.assess", unit)


@transaction.atomic
def document_add(*, actor, beneficiary: Beneficiary, kind: str, upload, assessment: Assessment | None = None):
    """Keep an uploaded scan or photo (PDF, JPEG, PNG, WebP up to ``DOCUMENT_MAX_BYTES``) in the
    private storage under a random name."""
    if not may_add_documents(actor, beneficiary):
        raise NotAllowed(
            _("Your role on %(unit)s does not allow this action.") % {"unit": beneficiary.registered_unit.name}
        )
    return _document_keep(actor, beneficiary, kind, upload, assessment)


@transaction.atomic
def document_add_online(*, beneficiary: Beneficiary, kind: str, upload):
    """Keep a document the person uploaded with an application on the public online form (no staff
    actor; the same checks of type and size as ``document_add``)."""
    return _document_keep(None, beneficiary, kind, upload, None)


def _document_keep(actor, beneficiary: Beneficiary, kind: str, upload, assessment: Assessment | None):
    beneficiary = beneficiary_locked(beneficiary)
    if kind not in DocumentKind.values:
        raise DocumentRefused(_("Choose the kind of document."), field="kind")
    kept = keep_upload(upload, f"beneficiaries/{beneficiary.institution_id}", DocumentRefused)
    document = Document.objects.create(
        beneficiary=beneficiary,
        assessment=assessment,
        kind=kind,
        uploaded_by=actor,
        **Document.fields_of(kept),
    )
    audit_record(
        actor=actor,
        action=AuditAction.BENEFICIARY_DOCUMENT_ADDED,
        target=beneficiary,
        unit=beneficiary.registered_unit,
        changes={"document": [None, document.get_kind_display()], "size": [None, document.size]},
    )
    return document


def document_open(*, actor, document: Document):
    """The document's file for a role that may see documents over a unit that covers the person;
    every view is audited."""
    unit = covering_unit(actor, document.beneficiary, "beneficiaries.documents")
    audit_record(
        actor=actor,
        action=AuditAction.BENEFICIARY_DOCUMENT_VIEWED,
        target=document.beneficiary,
        unit=unit,
        note=f"{document.get_kind_display()}: {document.original_name}",
    )
    return open_kept(document.path)
