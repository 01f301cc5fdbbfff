"""Registering a person or organisation, changing their record and their status."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record, diff
from satuatap.beneficiaries.errors import BeneficiaryRefused, PossibleDuplicate
from satuatap.beneficiaries.models import (
    TRANSITIONS,
    Beneficiary,
    BeneficiaryKind,
    Consent,
    OrganisationType,
    Sex,
    Status,
    StatusChange,
)
from satuatap.beneficiaries.services.consent import consent_clean
from satuatap.beneficiaries.services.fields import (
    HOUSEHOLD_FIELDS,
    audit_value,
    beneficiary_locked,
    clean_fields,
    fields_apply,
    institution_of,
)
from satuatap.beneficiaries.services.households import household_attach
from satuatap.core.crypto import blind_index
from satuatap.core.models import Sequence
from satuatap.core.text import squash
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import require
from satuatap.regions import selectors as region_selectors


def rules_check(
    beneficiary: Beneficiary, fields: dict, *, held: list | None = None, registered: dict | None = None
) -> None:
    """Rules across fields: the NIK's birth date and sex agree with the form; an asnaf has a reason;
    one NIK per person in the institution. Given a ``held`` list (an import), a birth date that
    disagrees with the NIK and a NIK already registered are added to it as possible duplicates
    instead of refused (``registered``: who holds each NIK, looked up beforehand by
    ``registered_niks`` for a whole file)."""
    nik = fields.get("nik", beneficiary.nik if beneficiary.pk else "")
    if nik:  # a changed birth date or sex is checked against the NIK already held, too
        from stdnum.id import nik as stdnum_nik

        born = stdnum_nik.get_birth_date(nik)
        given = fields.get("birth_date", beneficiary.birth_date)
        if given and (given.day, given.month, given.year % 100) != (born.day, born.month, born.year % 100):
            mismatch = PossibleDuplicate(
                _("The birth date does not match the NIK (digits 7 to 12 say %(date)s).")
                % {"date": born.strftime("%d-%m-%Y")},
                field="birth_date",
                nik_birth_date=born,
            )
            if held is None:
                raise mismatch
            held.append(mismatch)
        sex = fields.get("sex", beneficiary.sex)
        nik_sex = Sex.FEMALE if int(nik[6:8]) > 40 else Sex.MALE
        if sex and sex != nik_sex:
            raise BeneficiaryRefused(
                _("The sex does not match the NIK (a woman's birth day has 40 added)."), field="sex"
            )
        if registered is not None:
            taken = registered.get(blind_index("nik", nik))
            taken = taken if taken is not None and taken.pk != beneficiary.pk else None
        else:
            taken = (
                Beneficiary.objects.filter(institution_id=beneficiary.institution_id, merged_into__isnull=True)
                .filter(nik_hash=blind_index("nik", nik))
                .exclude(pk=beneficiary.pk)
                .select_related("registered_unit")
                .order_by(F("possible_duplicate_of").asc(nulls_first=True), "pk")  # the record others are held against
                .first()
            )
        if taken is not None:
            same = PossibleDuplicate(
                _("This NIK is already registered as %(number)s at %(unit)s; open that record instead.")
                % {"number": taken.number, "unit": taken.registered_unit.name},
                field="nik",
                match_id=taken.possible_duplicate_of_id or taken.pk,
            )
            if held is None:
                raise same
            held.append(same)
    asnaf = fields.get("asnaf", beneficiary.asnaf)
    reason = fields.get("asnaf_reason", beneficiary.asnaf_reason)
    if asnaf and not reason:
        raise BeneficiaryRefused(_("Give the reason for this asnaf."), field="asnaf_reason")


def beneficiary_number_next(institution: Unit) -> str:
    """The next beneficiary number of the institution: ``<code>-M<seq>``, gapless."""
    seq = Sequence.next_value("beneficiary", str(institution.pk))
    return f"{institution.code}-M{seq:07d}"


def registered_niks(institution_id: int, niks) -> dict[str, Beneficiary]:
    """NIK hash -> the record in use that holds it (the first registered), for many NIKs at once: an
    import checks a whole file with ``registration_problems(..., registered=...)`` in a few queries."""
    hashes = sorted({blind_index("nik", nik) for nik in niks if nik})
    found: dict[str, Beneficiary] = {}
    for start in range(0, len(hashes), 900):  # SQLite takes 999 parameters at most
        for record in (
            Beneficiary.objects.filter(
                institution_id=institution_id, merged_into__isnull=True, nik_hash__in=hashes[start : start + 900]
            )
            .select_related("registered_unit")
            .order_by(F("possible_duplicate_of").asc(nulls_first=True), "pk")  # the record others are held against
        ):
            found.setdefault(record.nik_hash, record)
    return found


def registration_problems(
    institution_id: int, cleaned: dict, consent: dict | None, *, registered: dict | None = None
) -> list[BeneficiaryRefused]:
    """Every rule across fields that registering these cleaned fields (``clean_fields``) with this consent
    would break, one refusal per rule: registration stops at the first, an import lists them all.
    The NIK agrees with the birth date and sex and is new to the institution; an asnaf has its
    reason; a relation to the head needs the KK; a person's consent is recorded (for a child, the
    guardian's). A birth date that disagrees with the NIK and a NIK already registered come first,
    as ``PossibleDuplicate`` refusals (an import keeps those rows for review). ``registered``:
    ``registered_niks`` of a whole file, instead of a query per row."""
    beneficiary = Beneficiary(institution_id=institution_id)
    fields_apply(beneficiary, cleaned)
    held: list = []
    problems: list = []

    def relation_needs_kk():
        if cleaned.get("relation") and not cleaned.get("kk"):
            raise BeneficiaryRefused(_("Enter the KK number to place this person in a household."), field="kk")

    def consent_recorded():
        if beneficiary.kind != BeneficiaryKind.ORGANISATION and consent is None:
            raise BeneficiaryRefused(
                _("Record how the person (or, for a child, the guardian) consented to their data being kept."),
                field="consent_method",
            )
        consent_clean(consent, beneficiary)

    for rule in (
        lambda: rules_check(beneficiary, cleaned, held=held, registered=registered),
        relation_needs_kk,
        consent_recorded,
    ):
        try:
            rule()
        except BeneficiaryRefused as exc:
            problems.append(exc)
    return held + problems


@transaction.atomic
def beneficiary_register(*, actor, unit: Unit, consent: dict | None = None, **fields) -> Beneficiary:
    """Register a person or organisation of ``unit``'s institution as an applicant. A person needs a
    record of consent to the processing of their data (for a child, their guardian's)."""
    require(actor, "beneficiaries.manage", unit)
    return _register(actor, unit, consent, fields)


@transaction.atomic
def beneficiary_register_online(*, unit: Unit, consent: dict, **fields) -> Beneficiary:
    """Register a person who applied for help on the public online form of a program of ``unit``.
    Nobody on the staff acts, so no role is checked (and nobody is recorded as having registered
    them); every other rule of ``beneficiary_register`` holds, with the consent given on the form."""
    return _register(None, unit, consent, fields)


@transaction.atomic
def beneficiary_register_possible_duplicate(
    *, actor, unit: Unit, of: Beneficiary | None, reason: str, consent: dict | None = None, **fields
) -> Beneficiary:
    """Register a person an import keeps although they may already be registered (the same NIK, a birth
    date that disagrees with the NIK, a near match): every rule of ``beneficiary_register`` holds except
    those two, and the record is held as a possible duplicate ``of`` the record it matches, with the
    ``reason``, until a person merges it into that record or marks them as two people
    (``possible_duplicate_review``). Held, it is not helped and does not count as its household's head."""
    require(actor, "beneficiaries.manage", unit)
    if of is not None and (of.institution_id != unit.institution_id or of.is_merged):
        raise BeneficiaryRefused(_("The matching record is closed or of another institution."), field="nik")
    return _register(actor, unit, consent, fields, held_of=of, held_reason=squash(reason))


def _register(
    actor, unit: Unit, consent: dict | None, fields: dict, *, held_of: Beneficiary | None = None, held_reason=None
) -> Beneficiary:
    if "full_name" not in fields:
        raise BeneficiaryRefused(_("Enter the full name."), field="full_name")
    cleaned = clean_fields(fields)
    if not cleaned.get("region"):  # typed names ("Kab. Pati") or codes get their official area
        cleaned["region"] = region_selectors.match_code(cleaned)
    problems = registration_problems(unit.institution_id, cleaned, consent)
    if held_reason is not None:
        problems = [p for p in problems if not isinstance(p, PossibleDuplicate)]
    if problems:
        raise problems[0]
    institution = institution_of(unit)
    beneficiary = Beneficiary(
        institution=institution,
        registered_unit=unit,
        created_by=actor if actor is not None and actor.is_authenticated else None,
        possible_duplicate_of=held_of,
        possible_duplicate_reason=held_reason or "",
    )
    fields_apply(beneficiary, cleaned)
    if beneficiary.kind == BeneficiaryKind.ORGANISATION and not beneficiary.organisation_type:
        beneficiary.organisation_type = OrganisationType.OTHER
    consent_fields = consent_clean(consent, beneficiary)
    household_attach(beneficiary, unit, cleaned)
    beneficiary.number = beneficiary_number_next(institution)
    try:
        with transaction.atomic():
            beneficiary.save()
    except IntegrityError:  # two heads registered at the same moment
        raise BeneficiaryRefused(_("This household already has a head."), field="relation") from None
    StatusChange.objects.create(
        beneficiary=beneficiary,
        from_status="",
        to_status=Status.APPLICANT,
        reason=_("Registered"),
        changed_by=beneficiary.created_by,
        unit=unit,
    )
    if consent_fields:
        Consent.objects.create(beneficiary=beneficiary, recorded_by=beneficiary.created_by, **consent_fields)
    audit_record(
        actor=actor,
        action=AuditAction.BENEFICIARY_REGISTERED,
        target=beneficiary,
        unit=unit,
        changes={
            "number": [None, beneficiary.number],
            "full_name": [None, beneficiary.full_name],
            **({"possible_duplicate_of": [None, held_of.number]} if held_of is not None else {}),
        },
        note=held_reason or "",
    )
    return beneficiary


@transaction.atomic
def beneficiary_update(*, actor, beneficiary: Beneficiary, **fields) -> Beneficiary:
    require(actor, "beneficiaries.manage", beneficiary.registered_unit)
    beneficiary = beneficiary_locked(beneficiary)
    cleaned = clean_fields(fields)
    # A record held as a possible duplicate may be corrected while it waits for review: the same NIK
    # or a birth date that disagrees with it is why it is held, not a reason to refuse the change.
    rules_check(beneficiary, cleaned, held=[] if beneficiary.is_held else None)
    before = {f: audit_value(f, getattr(beneficiary, f, None)) for f in cleaned if f not in HOUSEHOLD_FIELDS}
    before_household = beneficiary.household_id
    fields_apply(beneficiary, cleaned)
    household_changes = household_attach(beneficiary, beneficiary.registered_unit, cleaned)
    after = {f: audit_value(f, getattr(beneficiary, f, None)) for f in cleaned if f not in HOUSEHOLD_FIELDS}
    changes = diff(before, after) | household_changes
    if beneficiary.household_id != before_household:
        changes["household"] = [before_household, beneficiary.household_id]
    if changes or "relation" in cleaned:
        try:
            with transaction.atomic():
                beneficiary.save()
        except IntegrityError:
            raise BeneficiaryRefused(_("This household already has a head."), field="relation") from None
        audit_record(
            actor=actor,
            action=AuditAction.BENEFICIARY_UPDATED,
            target=beneficiary,
            unit=beneficiary.registered_unit,
            changes=changes,
        )
    return beneficiary


# Who may move a person to each status: verification, activation and their ends are decisions of
# program officers and heads; an assessment (``assessment_record``) moves applicant to assessed.
STATUS_CAPABILITY: dict[str, str] = {
    Status.APPLICANT: "beneficiaries.manage",
    Status.ASSESSED: "beneficiaries.assess",
    Status.VERIFIED: "beneficiaries.verify",
    Status.ACTIVE: "beneficiaries.verify",
    Status.GRADUATED: "beneficiaries.verify",
    Status.REJECTED: "beneficiaries.verify",
    Status.DECEASED: "beneficiaries.manage",
}


@transaction.atomic
def status_change(*, actor, beneficiary: Beneficiary, to_status: str, reason: str, unit: Unit | None = None):
    """Move a beneficiary along the lifecycle (``models.TRANSITIONS``) with the reason; kept as a row."""
    unit = unit or beneficiary.registered_unit
    if to_status not in Status.values:
        raise BeneficiaryRefused(_("Choose a status from the list."), field="to_status")
    require(actor, STATUS_CAPABILITY[to_status], unit)
    beneficiary = beneficiary_locked(beneficiary)
    reason = (reason or "").strip()
    if not reason:
        raise BeneficiaryRefused(_("Give the reason for this change."), field="reason")
    if to_status not in TRANSITIONS[beneficiary.status]:
        raise BeneficiaryRefused(
            _("A beneficiary who is %(from)s cannot become %(to)s.")
            % {"from": beneficiary.get_status_display().lower(), "to": Status(to_status).label.lower()},
            field="to_status",
        )
    if (
        to_status in (Status.VERIFIED, Status.ACTIVE)
        and beneficiary.kind == BeneficiaryKind.PERSON
        and not beneficiary.asnaf
    ):
        raise BeneficiaryRefused(
            _("Classify the person into one of the eight asnaf, with the reason, before verifying."),
            field="to_status",
        )
    change = StatusChange.objects.create(
        beneficiary=beneficiary,
        from_status=beneficiary.status,
        to_status=to_status,
        reason=reason,
        changed_by=actor if actor.is_authenticated else None,
        unit=unit,
    )
    audit_record(
        actor=actor,
        action=AuditAction.BENEFICIARY_STATUS,
        target=beneficiary,
        unit=unit,
        changes={"status": [beneficiary.status, to_status]},
        note=reason,
    )
    beneficiary.status = to_status
    beneficiary.save(update_fields=["status"])
    return change
