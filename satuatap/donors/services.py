"""Writes on donors: register, change, read identifiers (audited), merge."""

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record, diff
from satuatap.core import merging
from satuatap.core.crypto import blind_index
from satuatap.core.errors import NotAllowed, combined
from satuatap.core.models import Sequence
from satuatap.core.text import squash
from satuatap.donors import identifiers, matching, selectors
from satuatap.donors.errors import DonorRefused, DuplicateDonor, MergeRefused

# The identifier rules other apps apply to donor data (the counter's search, the import), public here.
from satuatap.donors.identifiers import (  # noqa: F401
    clean_email,
    clean_nik,
    clean_npwp,
    clean_phone,
    format_npwp,
    name_key,
)
from satuatap.donors.models import Channel, Donor, DonorKind
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import can, require
from satuatap.regions import selectors as region_selectors

# Fields a caller may set on a donor, besides the identifiers cleaned below.
PLAIN_FIELDS = (
    "kind",
    "full_name",
    "province",
    "regency",
    "district",
    "village",
    "street",
    "region",
    "postal_code",
    "birth_date",
    "preferred_channel",
    "consent_whatsapp",
    "consent_email",
    "tags",
    "note",
)
IDENTIFIER_FIELDS = ("nik", "npwp", "phone", "email")
MAX_TAGS = 20


def _clean_field(name: str, value):
    """One field checked and normalised; raises ``DonorRefused`` naming it."""
    if name == "full_name":
        value = squash(value)
        if not value:
            raise DonorRefused(_("Enter the donor's full name."), field="full_name")
        if len(value) > 200:
            raise DonorRefused(_("The name is longer than 200 characters."), field="full_name")
    elif name == "kind" and value not in DonorKind.values:
        raise DonorRefused(_("Choose person or organisation."), field="kind")
    elif name == "preferred_channel" and value not in Channel.values:
        raise DonorRefused(_("Choose a contact channel from the list."), field="preferred_channel")
    elif name in IDENTIFIER_FIELDS:
        value = getattr(identifiers, f"clean_{name}")(value)
    elif name == "birth_date" and value is not None:
        if not isinstance(value, date):
            raise DonorRefused(_("Enter a valid date."), field="birth_date")
        if value > timezone.localdate() or value.year < 1900:
            raise DonorRefused(_("The birth date must be between 1900 and today."), field="birth_date")
    elif name == "region":
        value = region_selectors.clean_code(value, DonorRefused)
    elif name == "postal_code":
        value = (value or "").strip()
        if value and not (value.isdigit() and len(value) == 5):
            raise DonorRefused(_("A postal code has 5 digits."), field="postal_code")
    elif name in ("province", "regency", "district", "village", "street", "note"):
        value = (value or "").strip()
        model_field = Donor._meta.get_field(name)
        assert isinstance(model_field, Field)
        limit = model_field.max_length
        if limit and len(value) > limit:
            raise DonorRefused(_("This text is too long (at most %(max)s characters).") % {"max": limit}, field=name)
    elif name == "tags":
        tags = value or []
        if isinstance(tags, str):
            tags = tags.split(",")
        value = sorted({" ".join(str(t).split()).lower() for t in tags if str(t).strip()})
        if len(value) > MAX_TAGS or any(len(t) > 40 for t in value):
            raise DonorRefused(_("At most 20 tags of up to 40 characters each."), field="tags")
    return value


def donor_fields_clean(fields: dict) -> dict:
    """Check and normalise donor fields; raise one ``DonorRefused`` naming every bad field at once
    (a clerk corrects the NIK and the phone in one go, not one per try)."""
    unknown = set(fields) - set(PLAIN_FIELDS) - set(IDENTIFIER_FIELDS)
    if unknown:
        raise DonorRefused(_("These fields cannot be set: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    out, refusals = {}, []
    for name, value in fields.items():
        try:
            out[name] = _clean_field(name, value)
        except DonorRefused as exc:
            refusals.append(exc)
    if refusals:
        raise DonorRefused(combined([*refusals]))
    if out.get("region"):  # the official names of the picked area replace what was typed
        out.update({k: v for k, v in region_selectors.address_names(out["region"]).items() if v})
    return out


def donor_fields_check(**fields) -> None:
    """Refuse, naming every bad field, what ``donor_register`` would refuse in these fields alone: a
    form calls it with its fields that are well-formed, so the service's errors come in the same
    round as the form's own."""
    donor_fields_clean(fields)


def donor_fields_apply(donor: Donor, fields: dict) -> None:
    """Set fields cleaned by ``donor_fields_clean`` on ``donor`` (unsaved), with the hashes and keys they
    imply: the one way a donor row gets its fields, registered here or by an import."""
    for field, value in fields.items():
        if field == "region":
            donor.region_id = value or None
            continue
        setattr(donor, field, value)
        if field == "nik":
            donor.nik_hash, donor.nik_last4 = blind_index("nik", value), value[-4:]
        elif field == "npwp":
            donor.npwp_hash, donor.npwp_last4 = blind_index("npwp", value), value[-4:]
        elif field == "full_name":
            donor.name_key = identifiers.name_key(value)


def donor_identifiers_check_unique(donor: Donor, fields: dict) -> None:
    """One NIK and one NPWP per donor in an institution: a second registration is a duplicate."""
    for field in ("nik", "npwp"):
        if fields.get(field):
            taken = (
                Donor.objects.filter(institution_id=donor.institution_id, merged_into__isnull=True)
                .filter(**{f"{field}_hash": blind_index(field, fields[field])})
                .exclude(pk=donor.pk)
                .first()
            )
            if taken is not None:
                raise DonorRefused(
                    _("Donor %(number)s already has this %(field)s; open that donor instead.")
                    % {"number": taken.number, "field": field.upper()},
                    field=field,
                )


# The database's backstop of ``donor_identifiers_check_unique`` (``Donor.Meta.constraints``); SQLite names
# the columns instead of the constraint.
UNIQUE_IDENTIFIER_MARKS = ("donors_donor_nik_unique", "donors_donor_npwp_unique", ".nik_hash", ".npwp_hash")


def _save_unique(donor: Donor, fields: dict, **save_options) -> None:
    """Save ``donor``; when another writer took its NIK or NPWP first (the unique constraint refused
    the row), refuse as ``donor_identifiers_check_unique`` does, naming the donor who holds it."""
    try:
        with transaction.atomic():
            donor.save(**save_options)
    except IntegrityError as exc:
        if not any(mark in str(exc) for mark in UNIQUE_IDENTIFIER_MARKS):
            raise
        donor_identifiers_check_unique(donor, fields)
        raise DonorRefused(
            _("This NIK or NPWP is already registered for another donor; open that donor instead.")
        ) from exc


def donor_number_next(institution: Unit, year: int) -> str:
    """The next donor number (NPWZ-style) of the institution: ``<code>-<year>-<seq>``, gapless.

    The institution's number row stays locked until the caller's transaction ends, so registrations
    in one institution queue here (``donor_register`` relies on it for its duplicate check)."""
    seq = Sequence.next_value("donor", str(institution.pk))
    return f"{institution.code}-{year % 100:02d}{seq:07d}"


def _lock_identifiers(institution_id: int) -> None:
    """Queue behind registrations and imports of the institution (they hold its donor-number row)
    before checking that a NIK or NPWP is free."""
    list(Sequence.objects.select_for_update().filter(scope="donor", key=str(institution_id)).values_list("pk"))


def reason_label(reason: str) -> str:
    return {
        "nik": _("same NIK"),
        "npwp": _("same NPWP"),
        "phone": _("same phone"),
        "email": _("same email"),
        "name_birth_date": _("same name and birth date"),
        "name_phone": _("same name and phone"),
    }.get(reason, reason)


def duplicate_label(candidate) -> str:
    """A matched donor as a refusal names it: name and number in the user's scope, else the number only."""
    reasons = ", ".join(reason_label(r) for r in candidate.reasons)
    if candidate.visible:
        return _("%(name)s, donor %(number)s (%(reasons)s)") % {
            "name": candidate.donor.full_name,
            "number": candidate.donor.number,
            "reasons": reasons,
        }
    return _("donor %(number)s of another office (%(reasons)s)") % {
        "number": candidate.donor.number,
        "reasons": reasons,
    }


def _check_not_duplicate(actor, unit: Unit, cleaned: dict, exclude_pk=None) -> None:
    """Refuse a registration that repeats a donor exactly (``selectors.exact_duplicates``)."""
    probe = matching.Probe(
        full_name=cleaned.get("full_name", ""),
        name_key=identifiers.name_key(cleaned.get("full_name", "")),
        phone=cleaned.get("phone", ""),
        email=cleaned.get("email", ""),
        birth_date=cleaned.get("birth_date"),
    )
    candidates = selectors.exact_duplicates(actor, unit, probe, exclude_pk=exclude_pk)
    if candidates:
        raise DuplicateDonor(
            _(
                "This donor seems to be registered already: %(donors)s. "
                "Choose that donor, or confirm that this is another person."
            )
            % {"donors": "; ".join(duplicate_label(c) for c in candidates)},
            candidates=candidates,
        )


@transaction.atomic
def donor_register(*, actor, unit: Unit, confirm_duplicate: bool = False, **fields) -> Donor:
    """Register a donor of ``unit``'s institution, recording ``unit`` as where they registered.

    A registration that repeats a donor exactly (same phone or email, or the same name with the same
    birth date) is refused with ``DuplicateDonor`` unless ``confirm_duplicate``: a clerk confirms it
    is another person. A same NIK or NPWP is always refused (one donor per identifier)."""
    require(actor, "donors.manage", unit)
    if "full_name" not in fields:
        raise DonorRefused(_("Enter the donor's full name."), field="full_name")
    if "preferred_channel" not in fields:
        fields["preferred_channel"] = channel_consented(fields)
    cleaned = donor_fields_clean(fields)
    if not cleaned.get("region"):  # typed names ("Kab. Pati") or codes get their official area
        cleaned["region"] = region_selectors.match_code(cleaned)
    institution = _institution(unit)
    donor = Donor(institution=institution, registered_unit=unit, created_by=actor if actor.is_authenticated else None)
    # The number first: its lock makes concurrent registrations of one NIK queue, so the second
    # one's check sees the first donor (a refusal gives the number back with the rollback).
    donor.number = donor_number_next(institution, timezone.localdate().year)
    donor_identifiers_check_unique(donor, cleaned)
    if not confirm_duplicate:
        _check_not_duplicate(actor, unit, cleaned)
    donor_fields_apply(donor, cleaned)
    _save_unique(donor, cleaned)
    audit_record(
        actor=actor,
        action=AuditAction.DONOR_REGISTERED,
        target=donor,
        unit=unit,
        changes={"number": [None, donor.number], "full_name": [None, donor.full_name]},
    )
    return donor


def channel_consented(fields: dict) -> str:
    """The contact channel of a donor registered without one: a channel they agreed to, or none
    (the register never claims WhatsApp for a donor who did not agree to it)."""
    if fields.get("consent_whatsapp"):
        return Channel.WHATSAPP
    if fields.get("consent_email"):
        return Channel.EMAIL
    return Channel.NONE


def _institution(unit: Unit) -> Unit:
    return unit if unit.pk == unit.institution_id else Unit.objects.get(pk=unit.institution_id)


@transaction.atomic
def donor_update(*, actor, donor: Donor, **fields) -> Donor:
    """Change a donor's data; identifiers are checked as on registration. Merged donors are frozen."""
    require(actor, "donors.manage", donor.registered_unit)
    donor = Donor.objects.select_for_update().get(pk=donor.pk)
    if donor.is_merged:
        raise DonorRefused(_("This donor was merged into another and can no longer be changed."))
    cleaned = donor_fields_clean(fields)
    if cleaned.get("nik") or cleaned.get("npwp"):
        _lock_identifiers(donor.institution_id)
    donor_identifiers_check_unique(donor, cleaned)
    before = {f: _audit_value(f, getattr(donor, f)) for f in cleaned}
    donor_fields_apply(donor, cleaned)
    after = {f: _audit_value(f, getattr(donor, f)) for f in cleaned}
    changes = diff(before, after)
    if changes:
        _save_unique(donor, cleaned)
        audit_record(
            actor=actor, action=AuditAction.DONOR_UPDATED, target=donor, unit=donor.registered_unit, changes=changes
        )
    return donor


def _audit_value(field: str, value):
    """Identifiers appear in the audit trail masked; the trail must not become a copy of them."""
    if field in ("nik", "npwp") and value:
        return "*" * (len(value) - 4) + value[-4:]
    if isinstance(value, date):
        return value.isoformat()
    if field == "region" and value is not None:
        return getattr(value, "code", value)
    return value


def donor_identifiers_read(*, actor, donor: Donor, unit: Unit) -> dict:
    """The donor's full NIK and NPWP, for a role that needs them on a unit whose scope holds the donor
    (registered or gave there: ``selectors.identifiers_unit`` finds one); every read is audited."""
    require(actor, "donors.identifiers", unit)
    if not selectors.donor_within(donor, unit):
        raise NotAllowed(_("Your role does not allow reading full NIK and NPWP."))
    audit_record(actor=actor, action=AuditAction.DONOR_IDENTIFIERS_VIEWED, target=donor, unit=unit)
    return {"nik": donor.nik, "npwp": identifiers.format_npwp(donor.npwp) if donor.npwp else ""}


# Fields a merge copies from the duplicate when the survivor has none (consent and the preferred
# channel are never inferred: they stay as the survivor's donor gave them).
MERGE_FILLED = (
    "nik",
    "npwp",
    "phone",
    "email",
    "birth_date",
    "province",
    "regency",
    "district",
    "village",
    "street",
    "postal_code",
    "note",
)


def donor_references() -> list[tuple[type, object]]:
    """Every (model, foreign key) that points at a donor (donations, sponsorships, ...)."""
    return merging.references_to(Donor, skip=((Donor, "merged_into"),))


def _move_references(actor, duplicate: Donor, survivor: Donor, reason: str) -> dict[str, int]:
    def refused(model):
        return MergeRefused(
            _("Both donors have a %(what)s that can exist only once per donor; resolve that first.")
            % {"what": model._meta.verbose_name}
        )

    return merging.move_references(actor, donor_references(), duplicate, survivor, reason, refused)


def _fill_from(survivor: Donor, duplicate: Donor) -> dict:
    """The survivor's empty fields, filled from the duplicate (tags: both sets)."""
    filled = {}
    for field in MERGE_FILLED:
        if getattr(survivor, field) in ("", None) and getattr(duplicate, field) not in ("", None):
            filled[field] = getattr(duplicate, field)
    tags = sorted(set(survivor.tags or []) | set(duplicate.tags or []))[:MAX_TAGS]
    if tags != sorted(survivor.tags or []):
        filled["tags"] = tags
    return filled


@transaction.atomic
def donor_merge(*, actor, survivor: Donor, duplicate: Donor, unit: Unit) -> Donor:
    """Merge ``duplicate`` into ``survivor``: everything recorded for the duplicate (donations and
    with them receipts, and any other record pointing at a donor) moves to the survivor, the
    survivor's empty fields are filled from the duplicate, and the duplicate is kept, frozen, as
    ``merged_into`` the survivor so that its number still leads there. Audited on both donors."""
    require(actor, "donors.merge", unit)
    if survivor.pk == duplicate.pk:
        raise MergeRefused(_("A donor cannot be merged into itself; choose another donor."), field="duplicate")
    locked = {
        d.pk: d for d in Donor.objects.select_for_update().filter(pk__in=[survivor.pk, duplicate.pk]).order_by("pk")
    }
    if len(locked) != 2:
        raise MergeRefused(_("One of these donors no longer exists."))
    survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]
    if survivor.institution_id != duplicate.institution_id or survivor.institution_id != unit.institution_id:
        raise MergeRefused(_("Only donors of the same institution can be merged."), field="duplicate")
    if selectors.donors_for(actor, capability="donors.merge").filter(pk__in=[survivor.pk, duplicate.pk]).count() != 2:
        raise NotAllowed(_("You may merge only donors of your own units."))
    for donor in (duplicate, survivor):
        if donor.merged_into_id is not None:
            raise MergeRefused(
                _("Donor %(number)s was already merged into %(into)s; work with %(into)s instead.")
                % {"number": donor.number, "into": Donor.objects.get(pk=donor.merged_into_id).number},
                field="duplicate",
            )
    if survivor.nik_hash and duplicate.nik_hash and survivor.nik_hash != duplicate.nik_hash:
        raise MergeRefused(
            _("These donors have different NIKs, so they are two people; they cannot be merged."), field="duplicate"
        )
    reason = _("Merged from donor %(from)s into %(into)s") % {"from": duplicate.number, "into": survivor.number}
    moved = _move_references(actor, duplicate, survivor, reason)
    # Donors merged earlier into the duplicate now lead straight to the survivor.
    relinked = Donor.objects.filter(merged_into=duplicate).update(merged_into=survivor)
    # The duplicate leaves the active donors before the survivor takes its NIK or NPWP: one active
    # donor per identifier is a database constraint, checked row by row.
    duplicate.merged_into = survivor
    duplicate._change_reason = reason
    duplicate.save(update_fields=["merged_into"])
    filled = _fill_from(survivor, duplicate)
    before = {f: _audit_value(f, getattr(survivor, f)) for f in filled}
    donor_fields_apply(survivor, filled)
    survivor._change_reason = reason
    survivor.save()
    counts = {"donations": moved.pop("collection.donation", 0), **moved, "relinked_merged_donors": relinked}
    audit_record(
        actor=actor,
        action=AuditAction.DONOR_MERGED,
        target=survivor,
        unit=unit,
        changes={
            "merged_from": [None, duplicate.number],
            **{k: [None, v] for k, v in counts.items() if v},
            **diff(before, {f: _audit_value(f, getattr(survivor, f)) for f in filled}),
        },
        note=reason,
    )
    audit_record(
        actor=actor,
        action=AuditAction.DONOR_MERGED,
        target=duplicate,
        unit=unit,
        changes={"merged_into": [None, survivor.number]},
        note=reason,
    )
    survivor.merge_counts = counts
    return survivor


def donor_statement_issue(*, actor, donor: Donor, unit: Unit, year: int) -> dict:
    """Issue a donor's yearly statement: it carries the full NPWP (the donor files it with their tax
    return), so it is for staff who serve donors or need identifiers, and every issue is audited."""
    if not (can(actor, "donors.manage", unit) or can(actor, "donors.identifiers", unit)):
        raise NotAllowed(_("Your role on %(unit)s does not allow this action.") % {"unit": unit.name})
    if not selectors.donor_within(donor, unit):  # the full NPWP is for an office the donor belongs to
        raise NotAllowed(
            _("This donor neither registered nor gave at %(unit)s; an office where they did issues the statement.")
            % {"unit": unit.name}
        )
    audit_record(
        actor=actor,
        action=AuditAction.DONOR_IDENTIFIERS_VIEWED,
        target=donor,
        unit=unit,
        note=_("Yearly statement %(year)s issued") % {"year": year},
    )
    return {"npwp": identifiers.format_npwp(donor.npwp) if donor.npwp else ""}
