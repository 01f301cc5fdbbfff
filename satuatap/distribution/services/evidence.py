"""Evidence that help reached the person: uploads (photos, the signed aid receipt, transfer proofs),
the printable aid receipt (tanda terima) to be signed at the handover, and the payments still
without evidence ``EVIDENCE_DAYS`` after they were made."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record
from satuatap.core.exports import pdf_bytes
from satuatap.core.formatting import amount_in_words
from satuatap.core.uploads import keep_upload, open_kept
from satuatap.distribution.errors import DistributionRefused
from satuatap.distribution.models import Application, AppStatus, Disbursement, Evidence, EvidenceKind
from satuatap.organizations.permissions import require

# Evidence belongs to help approved or given.
EVIDENCE_STATUSES = (AppStatus.APPROVED, AppStatus.DISBURSED, AppStatus.EVIDENCED, AppStatus.FOLLOWED_UP)


@transaction.atomic
def evidence_add(*, actor, application: Application, kind: str, upload, disbursement: Disbursement | None = None):
    """Keep a photo, the signed aid receipt or a transfer proof of an approved or paid application."""
    require(actor, "distribution.evidence_keep", application.unit)
    if application.status not in EVIDENCE_STATUSES:
        raise DistributionRefused(_("Evidence is kept for help that was approved or paid."))
    if kind not in EvidenceKind.values:
        raise DistributionRefused(_("Choose the kind of evidence."), field="kind")
    if disbursement is not None and disbursement.application_id != application.pk:
        raise DistributionRefused(_("This payment belongs to another application."), field="disbursement")
    kept = keep_upload(upload, f"distribution/{application.institution_id}", DistributionRefused)
    evidence = Evidence.objects.create(
        application=application,
        disbursement=disbursement,
        kind=kind,
        uploaded_by=actor,
        **Evidence.fields_of(kept),
    )
    audit_record(
        actor=actor,
        action=AuditAction.EVIDENCE_ADDED,
        target=application,
        unit=application.unit,
        changes={"evidence": [None, evidence.get_kind_display()], "size": [None, evidence.size]},
    )
    return evidence


def evidence_open(*, actor, evidence: Evidence):
    """The evidence file, for who hands help over, pays or checks it; every view is audited."""
    application = evidence.application
    require(actor, "distribution.evidence", application.unit)
    audit_record(
        actor=actor,
        action=AuditAction.EVIDENCE_VIEWED,
        target=application,
        unit=application.unit,
        note=f"{evidence.get_kind_display()}: {evidence.original_name}",
    )
    return open_kept(evidence.path)


def aid_receipt_pdf(application: Application, *, request=None) -> bytes:
    """The aid receipt (tanda terima) to be signed by the beneficiary and the officer at the handover:
    who, what, how much (with the amount in words), under which program, from which office."""
    if application.status not in EVIDENCE_STATUSES:
        raise DistributionRefused(_("An aid receipt is printed for help that was approved or paid."))
    amount = application.approved_amount or 0
    with translation.override(settings.LANGUAGE_CODE), timezone.override(application.unit.tzinfo):
        context = {
            "application": application,
            "person": application.beneficiary,
            "program": application.program,
            "unit": application.unit,
            "amount": amount,
            "amount_words": amount_in_words(amount),
            "disbursements": list(application.disbursements.order_by("paid_on", "pk")),
            "printed_at": timezone.now(),
        }
        return pdf_bytes("distribution/aid_receipt_pdf.html", context, request)
