"""Records of one person: marked as two people, merged, or a held possible duplicate reviewed."""

from typing import cast

from django.db import models, transaction
from django.utils.translation import gettext as _

from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record, diff
from satuatap.beneficiaries.errors import MergeRefused
from satuatap.beneficiaries.models import (
    Beneficiary,
    DedupPair,
    NotDuplicate,
    Relation,
    StatusChange,
)
from satuatap.beneficiaries.services.fields import audit_value
from satuatap.core import merging
from satuatap.core.errors import NotAllowed
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import require


@transaction.atomic
def not_duplicate_mark(*, actor, first: Beneficiary, second: Beneficiary, unit: Unit, reason: str = "") -> NotDuplicate:
    """Remember that two records are different people; the duplicate search stops proposing them."""
    require(actor, "beneficiaries.manage", unit)
    if first.pk == second.pk:
        raise MergeRefused(_("A record cannot be compared with itself."))
    low, high = sorted([first, second], key=lambda b: b.pk)
    decision, _created = NotDuplicate.objects.get_or_create(
        first=low, second=high, defaults={"decided_by": actor, "reason": (reason or "").strip()}
    )
    audit_record(
        actor=actor,
        action=AuditAction.BENEFICIARY_NOT_DUPLICATE,
        target=low,
        unit=unit,
        changes={"other": [None, high.number]},
        note=reason,
    )
    return decision


def attname_of(field: str) -> str:
    """The attribute of a ``Beneficiary`` field (``household_id`` for ``household``)."""
    return cast(models.Field, Beneficiary._meta.get_field(field)).attname


MERGE_FILLED = (
    "nik",
    "birth_place",
    "birth_date",
    "sex",
    "phone",
    "province",
    "regency",
    "district",
    "village",
    "street",
    "rt",
    "rw",
    "latitude",
    "longitude",
    "household",
    "asnaf",
    "asnaf_reason",
)


@transaction.atomic
def beneficiary_merge(*, actor, survivor: Beneficiary, duplicate: Beneficiary, unit: Unit) -> Beneficiary:
    """Merge ``duplicate`` into ``survivor``: its assessments, documents, consents, aid history
    and every other record pointing at it move to the survivor, the survivor's empty fields are
    filled from it, vulnerability markers are joined, and the duplicate is kept, frozen, as
    ``merged_into`` the survivor. Its status history stays with it. Audited on both."""
    from satuatap.beneficiaries.selectors import beneficiaries_for

    require(actor, "beneficiaries.merge", unit)
    if survivor.pk == duplicate.pk:
        raise MergeRefused(_("A person cannot be merged into themself; choose another record."), field="duplicate")
    locked = {
        b.pk: b
        for b in Beneficiary.objects.select_for_update().filter(pk__in=[survivor.pk, duplicate.pk]).order_by("pk")
    }
    if len(locked) != 2:
        raise MergeRefused(_("One of these records no longer exists."))
    survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]
    if survivor.institution_id != duplicate.institution_id or survivor.institution_id != unit.institution_id:
        raise MergeRefused(_("Only records of the same institution can be merged."), field="duplicate")
    if beneficiaries_for(actor, capability="beneficiaries.merge").filter(pk__in=locked).count() != 2:
        raise NotAllowed(_("You may merge only records of your own units."))
    for record in (duplicate, survivor):
        if record.is_merged:
            raise MergeRefused(
                _("Record %(number)s was already merged into another; work with that one instead.")
                % {"number": record.number},
                field="duplicate",
            )
        if record.erased_at:
            raise MergeRefused(_("Record %(number)s was erased and cannot be merged.") % {"number": record.number})
    if survivor.nik_hash and duplicate.nik_hash and survivor.nik_hash != duplicate.nik_hash:
        raise MergeRefused(
            _("These records have different NIKs, so they are two people; they cannot be merged."), field="duplicate"
        )
    reason = _("Merged from %(from)s into %(into)s") % {"from": duplicate.number, "into": survivor.number}

    def refused(model):
        return MergeRefused(
            _("Both records have a %(what)s that can exist only once per person; resolve that first.")
            % {"what": model._meta.verbose_name}
        )

    references = merging.references_to(
        Beneficiary,
        skip=(
            (Beneficiary, "merged_into"),
            (Beneficiary, "possible_duplicate_of"),
            (StatusChange, "beneficiary"),
            (NotDuplicate, "first"),
            (NotDuplicate, "second"),
            # A batch run's pairs keep naming the records it found (the merged one shows "merged into").
            (DedupPair, "left"),
            (DedupPair, "right"),
        ),
    )
    moved = merging.move_references(actor, references, duplicate, survivor, reason, refused)
    Beneficiary.objects.filter(merged_into=duplicate).update(merged_into=survivor)
    # Records held as possible duplicates of the merged record are now held against the survivor.
    Beneficiary.objects.filter(possible_duplicate_of=duplicate).exclude(pk=survivor.pk).update(
        possible_duplicate_of=survivor
    )
    if survivor.possible_duplicate_of_id == duplicate.pk:
        survivor.possible_duplicate_of, survivor.possible_duplicate_reason = None, ""
    filled = {}
    for field in MERGE_FILLED:
        attname = attname_of(field)
        if getattr(survivor, attname) in ("", None) and getattr(duplicate, attname) not in ("", None):
            filled[field] = getattr(duplicate, attname)
    before = {f: audit_value(f, getattr(survivor, attname_of(f))) for f in filled}
    for field, value in filled.items():
        setattr(survivor, attname_of(field), value)
        if field == "nik":
            survivor.nik_hash, survivor.nik_first4, survivor.nik_last4 = (
                duplicate.nik_hash,
                duplicate.nik_first4,
                duplicate.nik_last4,
            )
        if field == "household":
            survivor.relation = duplicate.relation if duplicate.relation != Relation.HEAD else Relation.OTHER
    for marker in ("has_disability", "is_orphan", "chronic_illness"):
        if getattr(duplicate, marker) and not getattr(survivor, marker):
            setattr(survivor, marker, True)
            filled[marker] = True
    survivor._change_reason = reason
    survivor.save()
    duplicate.merged_into = survivor
    duplicate.possible_duplicate_of = None  # reviewed: it is the survivor's person
    duplicate._change_reason = reason
    duplicate.save(update_fields=["merged_into", "possible_duplicate_of"])
    NotDuplicate.objects.filter(first=duplicate).delete()
    NotDuplicate.objects.filter(second=duplicate).delete()
    audit_record(
        actor=actor,
        action=AuditAction.BENEFICIARY_MERGED,
        target=survivor,
        unit=unit,
        changes={
            "merged_from": [None, duplicate.number],
            **{k: [None, v] for k, v in moved.items()},
            **diff(before, {f: audit_value(f, getattr(survivor, attname_of(f))) for f in filled}),
        },
        note=reason,
    )
    audit_record(
        actor=actor,
        action=AuditAction.BENEFICIARY_MERGED,
        target=duplicate,
        unit=unit,
        changes={"merged_into": [None, survivor.number]},
        note=reason,
    )
    survivor.merge_counts = moved
    return survivor


@transaction.atomic
def possible_duplicate_review(
    *, actor, beneficiary: Beneficiary, same: bool, unit: Unit, reason: str = ""
) -> Beneficiary:
    """A person's decision on a record held as a possible duplicate: ``same`` merges it into the record it
    matches (``beneficiary_merge``, which needs the merge role), otherwise the two are remembered as two
    people (``not_duplicate_mark``) and the record is released, to be helped like any other. Audited.
    Returns the record that stays in use."""
    held = (
        Beneficiary.objects.select_for_update(of=("self",))
        .select_related("possible_duplicate_of")
        .get(pk=beneficiary.pk)
    )
    if held.possible_duplicate_of_id is None or held.is_merged:
        raise MergeRefused(_("This record is not waiting for a duplicate review (someone reviewed it already)."))
    other = held.possible_duplicate_of
    assert other is not None  # held, so it names the record it may repeat
    if same:
        return beneficiary_merge(actor=actor, survivor=other, duplicate=held, unit=unit)
    from satuatap.beneficiaries.selectors import beneficiaries_for

    require(actor, "beneficiaries.manage", unit)
    if beneficiaries_for(actor, capability="beneficiaries.manage").filter(pk=held.pk).count() != 1:
        raise NotAllowed(_("You may review only records of your own units."))
    if held.relation == Relation.HEAD and held.household_id:
        head = (
            Beneficiary.objects.filter(
                household_id=held.household_id,
                relation=Relation.HEAD,
                merged_into__isnull=True,
                possible_duplicate_of__isnull=True,
            )
            .exclude(pk=held.pk)
            .first()
        )
        if head is not None:
            raise MergeRefused(
                _(
                    "Both records are the head of the same household (KK), %(number)s already; a household has "
                    "one head. Change the relation of one of them first, or merge them if they are one person."
                )
                % {"number": head.number}
            )
    not_duplicate_mark(actor=actor, first=held, second=other, unit=unit, reason=reason)
    before = other.number
    held.possible_duplicate_of, held.possible_duplicate_reason = None, ""
    held._change_reason = _("Not the same person as %(number)s") % {"number": before}
    held.save(update_fields=["possible_duplicate_of", "possible_duplicate_reason"])
    audit_record(
        actor=actor,
        action=AuditAction.BENEFICIARY_NOT_DUPLICATE,
        target=held,
        unit=unit,
        changes={"possible_duplicate_of": [before, None]},
        note=reason,
    )
    return held
