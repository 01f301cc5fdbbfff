"""Writes on the registry: register, change, status, assessment, consent, documents, merge,
aid history, data-subject requests. One function per business action, in a transaction,
taking the acting user; each checks the role on the unit and leaves an audit event."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.audit.models import AuditAction, AuditEvent
from satuatap.audit.services import audit_record, diff
from satuatap.beneficiaries import scoring
from satuatap.beneficiaries.errors import BeneficiaryRefused, DocumentRefused, MergeRefused, PossibleDuplicate
from satuatap.beneficiaries.models import (
    ADULT_AGE,
    TRANSITIONS,
    AidRecord,
    Asnaf,
    Assessment,
    Beneficiary,
    BeneficiaryKind,
    Consent,
    ConsentMethod,
    ConsentPurpose,
    DedupPair,
    Document,
    DocumentKind,
    Household,
    Housing,
    HousingCondition,
    NeedCategory,
    NeedsStandard,
    NotDuplicate,
    OrganisationType,
    Relation,
    Sex,
    Status,
    StatusChange,
)
from satuatap.core import identifiers, merging
from satuatap.core.crypto import blind_index
from satuatap.core.errors import NotAllowed, combined
from satuatap.core.models import Sequence
from satuatap.core.names import name_key
from satuatap.core.uploads import forget_kept, keep_upload, open_kept
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import can, require
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


def _institution(unit: Unit) -> Unit:
    return unit if unit.pk == unit.institution_id else Unit.objects.get(pk=unit.institution_id)


def _coordinate(value, field: str, limit: int):
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
    out, refusals = {}, []
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
        out["full_name"] = " ".join((out["full_name"] or "").split())
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
        out["latitude"] = _coordinate(out["latitude"], "latitude", 90)
    if "longitude" in out:
        out["longitude"] = _coordinate(out["longitude"], "longitude", 180)
    for field in BOOLEAN_FIELDS:
        if field in out:
            out[field] = bool(out[field])
    for field in TEXT_FIELDS:
        if field in out:
            out[field] = (out[field] or "").strip()
            limit = Beneficiary._meta.get_field(field).max_length
            if limit and len(out[field]) > limit:
                raise BeneficiaryRefused(
                    _("This text is too long (at most %(max)s characters).") % {"max": limit}, field=field
                )
    return out


def _check_rules(
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


def _apply(beneficiary: Beneficiary, fields: dict) -> None:
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


def _household(beneficiary: Beneficiary, unit: Unit, fields: dict) -> dict:
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
    changes = {}
    if "single_parent" in fields and beneficiary.household.single_parent != fields["single_parent"]:
        changes["single_parent"] = [beneficiary.household.single_parent, fields["single_parent"]]
        beneficiary.household.single_parent = fields["single_parent"]
        beneficiary.household.save(update_fields=["single_parent"])
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


def _consent_clean(consent: dict | None, beneficiary: Beneficiary) -> dict | None:
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
    guardian = " ".join((consent.get("guardian_name") or "").split())
    relation = " ".join((consent.get("guardian_relation") or "").split())
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


def beneficiary_number_next(institution: Unit) -> str:
    """The next beneficiary number of the institution: ``<code>-M<seq>``, gapless."""
    seq = Sequence.next_value("beneficiary", str(institution.pk))
    return f"{institution.code}-M{seq:07d}"


def _audit_value(field: str, value):
    if field in ("nik", "kk") and value:
        return value[:4] + "•" * (len(value) - 8) + value[-4:]
    if isinstance(value, date | Decimal):
        return str(value)
    if field == "region" and value is not None:
        return getattr(value, "code", value)
    return value


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
    _apply(beneficiary, cleaned)
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
        _consent_clean(consent, beneficiary)

    for rule in (
        lambda: _check_rules(beneficiary, cleaned, held=held, registered=registered),
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
    return _register(actor, unit, consent, fields, held_of=of, held_reason=" ".join((reason or "").split()))


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
    institution = _institution(unit)
    beneficiary = Beneficiary(
        institution=institution,
        registered_unit=unit,
        created_by=actor if actor is not None and actor.is_authenticated else None,
        possible_duplicate_of=held_of,
        possible_duplicate_reason=held_reason or "",
    )
    _apply(beneficiary, cleaned)
    if beneficiary.kind == BeneficiaryKind.ORGANISATION and not beneficiary.organisation_type:
        beneficiary.organisation_type = OrganisationType.OTHER
    consent_fields = _consent_clean(consent, beneficiary)
    _household(beneficiary, unit, cleaned)
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


def _locked(beneficiary: Beneficiary) -> Beneficiary:
    locked = Beneficiary.objects.select_for_update(of=("self",)).select_related("household").get(pk=beneficiary.pk)
    if locked.is_merged:
        raise BeneficiaryRefused(_("This record was merged into another and can no longer be changed."))
    if locked.erased_at:
        raise BeneficiaryRefused(_("This person's data was erased at their request; the record cannot be changed."))
    return locked


@transaction.atomic
def beneficiary_update(*, actor, beneficiary: Beneficiary, **fields) -> Beneficiary:
    require(actor, "beneficiaries.manage", beneficiary.registered_unit)
    beneficiary = _locked(beneficiary)
    cleaned = clean_fields(fields)
    # A record held as a possible duplicate may be corrected while it waits for review: the same NIK
    # or a birth date that disagrees with it is why it is held, not a reason to refuse the change.
    _check_rules(beneficiary, cleaned, held=[] if beneficiary.is_held else None)
    before = {f: _audit_value(f, getattr(beneficiary, f, None)) for f in cleaned if f not in HOUSEHOLD_FIELDS}
    before_household = beneficiary.household_id
    _apply(beneficiary, cleaned)
    household_changes = _household(beneficiary, beneficiary.registered_unit, cleaned)
    after = {f: _audit_value(f, getattr(beneficiary, f, None)) for f in cleaned if f not in HOUSEHOLD_FIELDS}
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
STATUS_CAPABILITY = {
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
    beneficiary = _locked(beneficiary)
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


# Statuses from which the assessment's suggestion may be applied and the person verified.
CLASSIFIABLE = (Status.APPLICANT, Status.ASSESSED, Status.VERIFIED, Status.ACTIVE)


def suggestion_reason(assessment: Assessment) -> str:
    """The reason offered for applying an assessment's asnaf: what the assessment found."""
    from satuatap.core.formatting import rupiah

    return _(
        "Assessment of %(date)s: need score %(score)s of 100; the household has %(income)s a month "
        "against minimum needs of %(needs)s."
    ) % {
        "date": assessment.assessed_on.strftime("%d-%m-%Y"),
        "score": assessment.score,
        "income": rupiah(assessment.monthly_income),
        "needs": rupiah(assessment.need_amount),
    }


def may_apply_assessment(user, assessment: Assessment) -> bool:
    """Whether ``user`` may apply this assessment's suggestion now (the action is offered)."""
    person = assessment.beneficiary
    return (
        bool(assessment.recommended_asnaf)
        and not person.is_merged
        and not person.erased_at
        and person.status in CLASSIFIABLE
        and (person.asnaf != assessment.recommended_asnaf or person.status not in (Status.VERIFIED, Status.ACTIVE))
        and can(user, "beneficiaries.verify", person.registered_unit)
    )


@transaction.atomic
def assessment_apply(*, actor, assessment: Assessment, reason: str) -> Beneficiary:
    """Classify the person into the asnaf their assessment suggests, with the reason, and verify
    them: one decision of a program officer or head instead of editing the record and then changing
    its status. Every reason to refuse is said at once; the classification and the verification are
    audited like their separate steps."""
    beneficiary = assessment.beneficiary
    unit = beneficiary.registered_unit
    if not can(actor, "beneficiaries.verify", unit):
        raise NotAllowed(
            _("Only a program officer or an office head of %(unit)s may classify and verify a beneficiary.")
            % {"unit": unit.name}
        )
    beneficiary = _locked(beneficiary)
    reason = " ".join((reason or "").split())[:2000]
    refusals = []
    if not assessment.recommended_asnaf:
        refusals.append(BeneficiaryRefused(_("This assessment suggests no asnaf: the household meets its needs.")))
    latest = beneficiary.assessments.order_by("-assessed_on", "-id").first()
    if latest is not None and latest.pk != assessment.pk:
        refusals.append(
            BeneficiaryRefused(
                _("A newer assessment of %(date)s exists; apply its suggestion instead.")
                % {"date": latest.assessed_on.strftime("%d-%m-%Y")}
            )
        )
    if beneficiary.status not in CLASSIFIABLE:
        refusals.append(
            BeneficiaryRefused(
                _("A beneficiary who is %(status)s cannot be verified.")
                % {"status": beneficiary.get_status_display().lower()}
            )
        )
    if not reason:
        refusals.append(BeneficiaryRefused(_("Give the reason for this asnaf."), field="reason"))
    if refusals:
        raise BeneficiaryRefused(combined(refusals))
    before = {"asnaf": beneficiary.asnaf, "asnaf_reason": beneficiary.asnaf_reason}
    beneficiary.asnaf, beneficiary.asnaf_reason = assessment.recommended_asnaf, reason
    changes = diff(before, {"asnaf": beneficiary.asnaf, "asnaf_reason": reason})
    if changes:
        beneficiary.save(update_fields=["asnaf", "asnaf_reason"])
        audit_record(
            actor=actor,
            action=AuditAction.BENEFICIARY_UPDATED,
            target=beneficiary,
            unit=unit,
            changes=changes,
            note=_("The suggestion of the assessment of %(date)s is applied.")
            % {"date": assessment.assessed_on.strftime("%d-%m-%Y")},
        )
    # An applicant again (after a rejection) with a standing assessment passes through assessed.
    for from_status, to_status in ((Status.APPLICANT, Status.ASSESSED), (Status.ASSESSED, Status.VERIFIED)):
        if beneficiary.status == from_status:
            status_change(actor=actor, beneficiary=beneficiary, to_status=to_status, reason=reason, unit=unit)
            beneficiary.status = to_status
    return beneficiary


# --- needs standard and assessment ------------------------------------------------------------------


def _rupiah(value, field: str) -> int:
    try:
        amount = int(str(value).replace(".", "").replace(",", "").strip() or 0)
    except (TypeError, ValueError):
        raise BeneficiaryRefused(_("Enter a whole number of rupiah."), field=field) from None
    if amount < 0:
        raise BeneficiaryRefused(_("An amount cannot be negative."), field=field)
    if amount > 10**13:
        raise BeneficiaryRefused(_("This amount is too large."), field=field)
    return amount


@transaction.atomic
def standard_save(*, actor, unit: Unit, name: str, valid_from: date, amounts: dict, region: str = "") -> NeedsStandard:
    """Set a unit's had kifayah standard from ``valid_from``: for every need category a monthly
    amount for the first person and for each further member. Replaces one of the same date."""
    require(actor, "beneficiaries.configure", unit)
    name = " ".join((name or "").split())
    if not name:
        raise BeneficiaryRefused(_("Name the standard (e.g. Had kifayah Jawa Tengah 2026)."), field="name")
    if not isinstance(valid_from, date):
        raise BeneficiaryRefused(_("Enter a valid date."), field="valid_from")
    clean = {}
    for category in NeedCategory:
        parts = amounts.get(category.value) or {}
        clean[category.value] = {
            "base": _rupiah(parts.get("base", 0), f"{category.value}_base"),
            "per_member": _rupiah(parts.get("per_member", 0), f"{category.value}_per_member"),
        }
    if not sum(p["base"] for p in clean.values()):
        raise BeneficiaryRefused(_("Enter the monthly amount of at least one need."), field="food_base")
    standard, created = NeedsStandard.objects.update_or_create(
        unit=unit,
        valid_from=valid_from,
        defaults={"name": name[:200], "region": (region or "").strip()[:200], "amounts": clean, "created_by": actor},
    )
    audit_record(
        actor=actor,
        action=AuditAction.NEEDS_STANDARD_SAVED,
        target=standard,
        unit=unit,
        changes={
            "amounts": [None, ", ".join(f"{k} {v['base']:,}+{v['per_member']:,}" for k, v in clean.items())],
            "valid_from": [None, valid_from.isoformat()],
        },
        note=_("created") if created else _("replaced"),
    )
    return standard


ASSESSMENT_FIELDS = (
    "household_size",
    "dependants",
    "monthly_income",
    "income_sources",
    "housing",
    "housing_condition",
    "assets_value",
    "debts",
    "health",
    "education",
    "latitude",
    "longitude",
    "notes",
)


@transaction.atomic
def assessment_record(
    *, actor, beneficiary: Beneficiary, unit: Unit, assessed_on: date | None = None, photos=(), **fields
):
    """Record a field assessment, scored against the standard in force at ``unit``, with the
    ``photos`` taken on the visit (kept with it, or neither is kept); an applicant becomes
    assessed. Returns the assessment (``breakdown`` shows how the score came about)."""
    from satuatap.beneficiaries.selectors import standard_for

    require(actor, "beneficiaries.assess", unit)
    beneficiary = _locked(beneficiary)
    unknown = set(fields) - set(ASSESSMENT_FIELDS)
    if unknown:
        raise BeneficiaryRefused(_("These fields cannot be set: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    assessed_on = assessed_on or timezone.localdate()
    if assessed_on > timezone.localdate():
        raise BeneficiaryRefused(_("An assessment cannot be dated in the future."), field="assessed_on")
    standard = standard_for(unit, assessed_on)
    if standard is None:
        raise BeneficiaryRefused(
            _(
                "No needs standard (had kifayah) is set for %(unit)s or above it; "
                "an office head or admin sets one first."
            )
            % {"unit": unit.name}
        )
    try:
        size = int(fields.get("household_size") or 0)
        dependants = int(fields.get("dependants") or 0)
    except (TypeError, ValueError):
        raise BeneficiaryRefused(_("Enter the number of people as a whole number."), field="household_size") from None
    if not 1 <= size <= 30:
        raise BeneficiaryRefused(_("A household has 1 to 30 people."), field="household_size")
    if not 0 <= dependants <= size:
        raise BeneficiaryRefused(_("Dependants cannot be more than the household."), field="dependants")
    if fields.get("housing") not in Housing.values:
        raise BeneficiaryRefused(_("Choose the kind of housing."), field="housing")
    if fields.get("housing_condition") not in HousingCondition.values:
        raise BeneficiaryRefused(_("Choose the condition of the house."), field="housing_condition")
    values = {
        "household_size": size,
        "dependants": dependants,
        "monthly_income": _rupiah(fields.get("monthly_income", 0), "monthly_income"),
        "assets_value": _rupiah(fields.get("assets_value", 0), "assets_value"),
        "debts": _rupiah(fields.get("debts", 0), "debts"),
        "housing": fields["housing"],
        "housing_condition": fields["housing_condition"],
        "latitude": _coordinate(fields.get("latitude"), "latitude", 90),
        "longitude": _coordinate(fields.get("longitude"), "longitude", 180),
    }
    for text in ("income_sources", "health", "education", "notes"):
        values[text] = (fields.get(text) or "").strip()[: 300 if text == "income_sources" else 5000]
    result = scoring.assess(
        standard.amounts,
        scoring.Household(
            size=size,
            monthly_income=values["monthly_income"],
            assets_value=values["assets_value"],
            debts=values["debts"],
            housing=values["housing"],
            housing_condition=values["housing_condition"],
            vulnerabilities=tuple(beneficiary.vulnerabilities),
        ),
        assessed_on,
    )
    assessment = Assessment.objects.create(
        beneficiary=beneficiary,
        unit=unit,
        assessed_on=assessed_on,
        assessed_by=actor,
        standard=standard,
        need_amount=result.need_amount,
        score=result.score,
        breakdown=result.breakdown,
        recommended_asnaf=result.recommended_asnaf,
        reassess_on=result.reassess_on,
        **values,
    )
    audit_record(
        actor=actor,
        action=AuditAction.BENEFICIARY_ASSESSED,
        target=beneficiary,
        unit=unit,
        changes={"score": [None, result.score], "need_amount": [None, result.need_amount]},
    )
    if beneficiary.latitude is None and values["latitude"] is not None:
        beneficiary.latitude, beneficiary.longitude = values["latitude"], values["longitude"]
        beneficiary.save(update_fields=["latitude", "longitude"])
    for photo in photos:
        document_add(actor=actor, beneficiary=beneficiary, kind=DocumentKind.PHOTO, upload=photo, assessment=assessment)
    if beneficiary.status == Status.APPLICANT:
        status_change(
            actor=actor,
            beneficiary=beneficiary,
            to_status=Status.ASSESSED,
            reason=_("Assessed: score %(score)s") % {"score": result.score},
            unit=unit,
        )
    return assessment


# --- consent ----------------------------------------------------------------------------------------


@transaction.atomic
def consent_record(*, actor, beneficiary: Beneficiary, **consent) -> Consent:
    require(actor, "beneficiaries.manage", beneficiary.registered_unit)
    return _consent_add(actor, beneficiary, consent)


@transaction.atomic
def consent_record_online(*, beneficiary: Beneficiary, **consent) -> Consent:
    """Record the consent a registered person gave on the public online form (no staff actor)."""
    return _consent_add(None, beneficiary, consent)


def _consent_add(actor, beneficiary: Beneficiary, consent: dict) -> Consent:
    beneficiary = _locked(beneficiary)
    fields = _consent_clean(consent, beneficiary)
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


# --- identifiers and documents ----------------------------------------------------------------------


def _unit_over(actor, beneficiary: Beneficiary, capability: str) -> Unit:
    """The unit from which the actor's role covers this person, for a read of their personal data."""
    from satuatap.beneficiaries.selectors import unit_over

    unit = unit_over(actor, beneficiary, capability)
    if unit is None:
        raise NotAllowed(_("Your role does not allow this for %(number)s.") % {"number": beneficiary.number})
    return unit


def identifiers_read(*, actor, beneficiary: Beneficiary) -> dict:
    """The full NIK and KK for a role that needs them, over a unit that covers the person; every
    read is audited."""
    unit = _unit_over(actor, beneficiary, "beneficiaries.identifiers")
    audit_record(actor=actor, action=AuditAction.BENEFICIARY_IDENTIFIERS_VIEWED, target=beneficiary, unit=unit)
    return {"nik": beneficiary.nik, "kk": beneficiary.household.kk if beneficiary.household_id else ""}


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
    beneficiary = _locked(beneficiary)
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
    unit = _unit_over(actor, document.beneficiary, "beneficiaries.documents")
    audit_record(
        actor=actor,
        action=AuditAction.BENEFICIARY_DOCUMENT_VIEWED,
        target=document.beneficiary,
        unit=unit,
        note=f"{document.get_kind_display()}: {document.original_name}",
    )
    return open_kept(document.path)


# --- duplicates -------------------------------------------------------------------------------------


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
        attname = Beneficiary._meta.get_field(field).attname
        if getattr(survivor, attname) in ("", None) and getattr(duplicate, attname) not in ("", None):
            filled[field] = getattr(duplicate, attname)
    before = {f: _audit_value(f, getattr(survivor, Beneficiary._meta.get_field(f).attname)) for f in filled}
    for field, value in filled.items():
        setattr(survivor, Beneficiary._meta.get_field(field).attname, value)
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
            **diff(
                before, {f: _audit_value(f, getattr(survivor, Beneficiary._meta.get_field(f).attname)) for f in filled}
            ),
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
    before = held.possible_duplicate_of.number
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


# --- aid history ------------------------------------------------------------------------------------


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
    if beneficiary.is_merged:
        beneficiary = Beneficiary.objects.get(pk=beneficiary.merged_into_id)
    program = " ".join((program or "").split())
    if not program:
        raise BeneficiaryRefused(_("Name the program the help came from."), field="program")
    if not isinstance(given_on, date) or given_on > timezone.localdate():
        raise BeneficiaryRefused(_("Enter the date the help was given (not in the future)."), field="given_on")
    amount = _rupiah(amount, "amount")
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


# --- data-subject requests (UU 27/2022) -------------------------------------------------------------


def subject_export(*, actor, beneficiary: Beneficiary) -> dict:
    """Everything the registry holds on a person, for their request to see it; audited."""
    unit = _unit_over(actor, beneficiary, "beneficiaries.privacy")
    b = beneficiary
    data = {
        "number": b.number,
        "full_name": b.full_name,
        "nik": b.nik,
        "kk": b.household.kk if b.household_id else "",
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
    unit = _unit_over(actor, beneficiary, "beneficiaries.privacy")
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
    survivor_unit = unit if survivor.pk == beneficiary.pk else _unit_over(actor, survivor, "beneficiaries.privacy")
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
