"""Writes on donors: register, change, read identifiers (audited), merge."""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record, diff
from satuatap.core import merging
from satuatap.core.crypto import blind_index
from satuatap.core.errors import NotAllowed
from satuatap.core.models import Sequence
from satuatap.donors import identifiers
from satuatap.donors.errors import DonorRefused, MergeRefused
from satuatap.donors.models import Channel, Donor, DonorKind
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import can, require

# Fields a caller may set on a donor, besides the identifiers cleaned below.
PLAIN_FIELDS = (
    "kind",
    "full_name",
    "province",
    "regency",
    "district",
    "village",
    "street",
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


def _clean(fields: dict) -> dict:
    """Check and normalise donor fields; raise ``DonorRefused`` naming the first bad field."""
    unknown = set(fields) - set(PLAIN_FIELDS) - set(IDENTIFIER_FIELDS)
    if unknown:
        raise DonorRefused(_("These fields cannot be set: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    out = dict(fields)
    if "full_name" in out:
        out["full_name"] = " ".join((out["full_name"] or "").split())
        if not out["full_name"]:
            raise DonorRefused(_("Enter the donor's full name."), field="full_name")
        if len(out["full_name"]) > 200:
            raise DonorRefused(_("The name is longer than 200 characters."), field="full_name")
    if "kind" in out and out["kind"] not in DonorKind.values:
        raise DonorRefused(_("Choose person or organisation."), field="kind")
    if "preferred_channel" in out and out["preferred_channel"] not in Channel.values:
        raise DonorRefused(_("Choose a contact channel from the list."), field="preferred_channel")
    if "nik" in out:
        out["nik"] = identifiers.clean_nik(out["nik"])
    if "npwp" in out:
        out["npwp"] = identifiers.clean_npwp(out["npwp"])
    if "phone" in out:
        out["phone"] = identifiers.clean_phone(out["phone"])
    if "email" in out:
        out["email"] = identifiers.clean_email(out["email"])
    if "birth_date" in out and out["birth_date"] is not None:
        if not isinstance(out["birth_date"], date):
            raise DonorRefused(_("Enter a valid date."), field="birth_date")
        if out["birth_date"] > timezone.localdate() or out["birth_date"].year < 1900:
            raise DonorRefused(_("The birth date must be between 1900 and today."), field="birth_date")
    if "postal_code" in out:
        out["postal_code"] = (out["postal_code"] or "").strip()
        if out["postal_code"] and not (out["postal_code"].isdigit() and len(out["postal_code"]) == 5):
            raise DonorRefused(_("A postal code has 5 digits."), field="postal_code")
    for field in ("province", "regency", "district", "village", "street", "note"):
        if field in out:
            out[field] = (out[field] or "").strip()
            limit = Donor._meta.get_field(field).max_length
            if limit and len(out[field]) > limit:
                raise DonorRefused(
                    _("This text is too long (at most %(max)s characters).") % {"max": limit}, field=field
                )
    if "tags" in out:
        tags = out["tags"] or []
        if isinstance(tags, str):
            tags = tags.split(",")
        tags = sorted({" ".join(str(t).split()).lower() for t in tags if str(t).strip()})
        if len(tags) > MAX_TAGS or any(len(t) > 40 for t in tags):
            raise DonorRefused(_("At most 20 tags of up to 40 characters each."), field="tags")
        out["tags"] = tags
    return out


def _apply(donor: Donor, fields: dict) -> None:
    for field, value in fields.items():
        setattr(donor, field, value)
        if field == "nik":
            donor.nik_hash, donor.nik_last4 = blind_index("nik", value), value[-4:]
        elif field == "npwp":
            donor.npwp_hash, donor.npwp_last4 = blind_index("npwp", value), value[-4:]
        elif field == "full_name":
            donor.name_key = identifiers.name_key(value)


def _check_unique_identifiers(donor: Donor, fields: dict) -> None:
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


# The database's backstop of ``_check_unique_identifiers`` (``Donor.Meta.constraints``); SQLite names
# the columns instead of the constraint.
UNIQUE_IDENTIFIER_MARKS = ("donors_donor_nik_unique", "donors_donor_npwp_unique", ".nik_hash", ".npwp_hash")


def _save_unique(donor: Donor, fields: dict, **save_options) -> None:
    """Save ``donor``; when another writer took its NIK or NPWP first (the unique constraint refused
    the row), refuse as ``_check_unique_identifiers`` does, naming the donor who holds it."""
    try:
        with transaction.atomic():
            donor.save(**save_options)
    except IntegrityError as exc:
        if not any(mark in str(exc) for mark in UNIQUE_IDENTIFIER_MARKS):
            raise
        _check_unique_identifiers(donor, fields)
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


@transaction.atomic
def donor_register(*, actor, unit: Unit, **fields) -> Donor:
    """Register a donor of ``unit``'s institution, recording ``unit`` as where they registered."""
    require(actor, "donors.manage", unit)
    if "full_name" not in fields:
        raise DonorRefused(_("Enter the donor's full name."), field="full_name")
    cleaned = _clean(fields)
    institution = _institution(unit)
    donor = Donor(institution=institution, registered_unit=unit, created_by=actor if actor.is_authenticated else None)
    # The number first: its lock makes concurrent registrations of one NIK queue, so the second
    # one's check sees the first donor (a refusal gives the number back with the rollback).
    donor.number = donor_number_next(institution, timezone.localdate().year)
    _check_unique_identifiers(donor, cleaned)
    _apply(donor, cleaned)
    _save_unique(donor, cleaned)
    audit_record(
        actor=actor,
        action=AuditAction.DONOR_REGISTERED,
        target=donor,
        unit=unit,
        changes={"number": [None, donor.number], "full_name": [None, donor.full_name]},
    )
    return donor


def _institution(unit: Unit) -> Unit:
    return unit if unit.pk == unit.institution_id else Unit.objects.get(pk=unit.institution_id)


@transaction.atomic
def donor_update(*, actor, donor: Donor, **fields) -> Donor:
    """Change a donor's data; identifiers are checked as on registration. Merged donors are frozen."""
    require(actor, "donors.manage", donor.registered_unit)
    donor = Donor.objects.select_for_update().get(pk=donor.pk)
    if donor.is_merged:
        raise DonorRefused(_("This donor was merged into another and can no longer be changed."))
    cleaned = _clean(fields)
    if cleaned.get("nik") or cleaned.get("npwp"):
        _lock_identifiers(donor.institution_id)
    _check_unique_identifiers(donor, cleaned)
    before = {f: _audit_value(f, getattr(donor, f)) for f in cleaned}
    _apply(donor, cleaned)
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
    return value


def donor_identifiers_read(*, actor, donor: Donor, unit: Unit) -> dict:
    """The donor's full NIK and NPWP, for a role that needs them on a unit whose scope holds the donor
    (registered or gave there: ``selectors.identifiers_unit`` finds one); every read is audited."""
    from satuatap.donors.selectors import donor_within

    require(actor, "donors.identifiers", unit)
    if not donor_within(donor, unit):
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
    from satuatap.donors.selectors import donors_for

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
    if donors_for(actor, capability="donors.merge").filter(pk__in=[survivor.pk, duplicate.pk]).count() != 2:
        raise NotAllowed(_("You may merge only donors of your own units."))
    for donor in (duplicate, survivor):
        if donor.is_merged:
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
    _apply(survivor, filled)
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
    from satuatap.donors.selectors import donor_within

    if not (can(actor, "donors.manage", unit) or can(actor, "donors.identifiers", unit)):
        raise NotAllowed(_("Your role on %(unit)s does not allow this action.") % {"unit": unit.name})
    if not donor_within(donor, unit):  # the full NPWP is for an office the donor belongs to
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
