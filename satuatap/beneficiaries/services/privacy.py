"""Data-subject requests (UU 27/2022): a person's export and erasure."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.audit.models import AuditAction, AuditEvent
from satuatap.audit.services import audit_record
from satuatap.beneficiaries.errors import BeneficiaryRefused
from satuatap.beneficiaries.models import (
    Assessment,
    Beneficiary,
)
from satuatap.beneficiaries.services.documents import covering_unit
from satuatap.core.names import name_key
from satuatap.core.uploads import forget_kept
from satuatap.organizations.models import Unit


def subject_export(*, actor, beneficiary: Beneficiary) -> dict:
    """Everything the registry holds on a person, for their request to see it; audited."""
    unit = covering_unit(actor, beneficiary, "beneficiaries.privacy")
    b = beneficiary
    data = {
        "number": b.number,
        "full_name": b.full_name,
        "nik": b.nik,
        "kk": b.household.kk if b.household is not None else "",
        "birth_place": b.birth_place,
        "birth_date": b.birth_date.isoformat() if b.birth_date else None,
        "sex": b.sex,
        "phone": b.phone,
        "address": {f: getattr(b, f) for f in ("street", "rt", "rw", "village", "district", "regency", "province")},
        "coordinates": [str(b.latitude), str(b.longitude)] if b.latitude is not None else None,
        "vulnerabilities": b.vulnerabilities,
        "asnaf": b.asnaf,
        "asnaf_reason": b.asnaf_reason,
        "status": b.status,
        "registered_at": b.registered_unit.name,
        "registered_on": b.created_at.isoformat(),
        "status_history": [
            {"from": c.from_status, "to": c.to_status, "reason": c.reason, "at": c.changed_at.isoformat()}
            for c in b.status_changes.order_by("changed_at", "pk")
        ],
        "consents": [
            {
                "purpose": c.purpose,
                "method": c.method,
                "given_on": c.given_on.isoformat(),
                "guardian": c.guardian_name,
                "withdrawn_on": c.withdrawn_on.isoformat() if c.withdrawn_on else None,
            }
            for c in b.consents.all()
        ],
        "assessments": [
            {
                "assessed_on": a.assessed_on.isoformat(),
                "unit": a.unit.name,
                "household_size": a.household_size,
                "monthly_income": a.monthly_income,
                "need_amount": a.need_amount,
                "score": a.score,
                "notes": a.notes,
            }
            for a in b.assessments.select_related("unit")
        ],
        "aid": [
            {"given_on": r.given_on.isoformat(), "unit": r.unit.name, "program": r.program, "amount": r.amount}
            for r in b.aid.select_related("unit")
        ],
        "documents": [
            {"kind": d.kind, "file": d.original_name, "uploaded_at": d.uploaded_at.isoformat()}
            for d in b.documents.all()
        ],
    }
    audit_record(actor=actor, action=AuditAction.BENEFICIARY_EXPORTED, target=b, unit=unit)
    return data


ERASED_FIELDS = (
    "nik",
    "nik_hash",
    "nik_first4",
    "nik_last4",
    "birth_place",
    "phone",
    "street",
    "rt",
    "rw",
    "note",
    "asnaf_reason",
)
# Keys of audit changes that hold a person's data: at erasure their values are replaced, the keys
# stay so the trail still says what was changed, when and by whom.
ERASED_AUDIT_KEYS = frozenset(ERASED_FIELDS) | {"full_name", "birth_date", "latitude", "longitude"}


@transaction.atomic
def subject_erase(*, actor, beneficiary: Beneficiary, reason: str) -> Beneficiary:
    """Erase a person's identifying data at their request, keeping what the ledger and the statistics
    need: the record, its number, asnaf, status, region (down to the village), birth year and sex,
    and the amounts of aid. Name, NIK, phone, street, RT/RW, coordinates, documents, notes and the
    old values in the field history and the audit trail are removed; the name becomes a pseudonym.
    A person registered twice and merged is erased whole: asking for any record of the merge erases
    the record the others were merged into and every record merged into it."""
    unit = covering_unit(actor, beneficiary, "beneficiaries.privacy")
    reason = (reason or "").strip()
    if not reason:
        raise BeneficiaryRefused(_("Give the reason (the person's request and its date)."), field="reason")
    survivor_id = Beneficiary.objects.values_list("merged_into_id", flat=True).get(pk=beneficiary.pk) or beneficiary.pk
    group = list(
        Beneficiary.objects.select_for_update(of=("self",))
        .filter(Q(pk=survivor_id) | Q(merged_into_id=survivor_id))
        .order_by("pk")
    )
    survivor = next(b for b in group if b.pk == survivor_id)
    if survivor.is_merged:  # merged further while we were reading: the caller tries again
        raise BeneficiaryRefused(_("This record was merged into another and can no longer be changed."))
    if all(b.erased_at for b in group):
        raise BeneficiaryRefused(_("This person's data was erased at their request; the record cannot be changed."))
    survivor_unit = unit if survivor.pk == beneficiary.pk else covering_unit(actor, survivor, "beneficiaries.privacy")
    for b in group:
        if not b.erased_at:  # a group erased before merged records were erased with it is completed
            _erase_one(actor, b, unit if b.pk == beneficiary.pk else survivor_unit, reason)
    return next(b for b in group if b.pk == beneficiary.pk)


def _erase_one(actor, b: Beneficiary, unit: Unit, reason: str) -> None:
    """Blank one record of the person, its field history, assessments, consents, documents and the
    personal values in its audit trail; audited."""
    pseudonym = _("Erased %(number)s") % {"number": b.number}
    for field in ERASED_FIELDS:
        setattr(b, field, "")
    b.full_name, b.name_key = pseudonym, name_key(pseudonym)
    b.latitude = b.longitude = None
    if b.birth_date:
        b.birth_date = b.birth_date.replace(month=1, day=1)
    b.erased_at = timezone.now()
    b._change_reason = "erased"
    b.save()
    # The field history would otherwise keep every old value.
    b.history.update(
        full_name=pseudonym,
        birth_date=b.birth_date,
        latitude=None,
        longitude=None,
        **{field: "" for field in ERASED_FIELDS if field != "nik"},  # the history never holds the NIK
    )
    for document in b.documents.all():
        forget_kept(document.path)
    b.documents.all().delete()
    # Free texts of the visit go, the figures scored stay for the statistics. The history keeps no
    # free text, but it keeps where the house is.
    Assessment.history.filter(Q(id__in=b.assessments.values("pk")) | Q(beneficiary_id=b.pk)).update(
        latitude=None, longitude=None
    )
    b.assessments.update(notes="", health="", education="", latitude=None, longitude=None)
    b.consents.update(guardian_name="")
    # The audit trail keeps who did what, but not the person's data: the one exception to its never
    # being changed, which the erasure itself records.
    erased = _("(erased)")
    events = AuditEvent.objects.filter(
        target_id=str(b.pk), target_type__app_label="beneficiaries", target_type__model="beneficiary"
    )
    for event in events:
        event.target_repr = str(b)
        for key, values in event.changes.items():
            if key in ERASED_AUDIT_KEYS:
                replacement = pseudonym if key == "full_name" else erased
                event.changes[key] = (
                    [replacement if v not in (None, "") else v for v in values]
                    if isinstance(values, list)
                    else replacement
                )
        if event.action == AuditAction.BENEFICIARY_DOCUMENT_VIEWED and event.note:
            # "<kind>: <file name>", and a file is often named after the person.
            event.note = f"{event.note.split(': ', 1)[0]}: {erased}"
        event.save(update_fields=["target_repr", "changes", "note"])
    audit_record(actor=actor, action=AuditAction.BENEFICIARY_ERASED, target=b, unit=unit, note=reason)
