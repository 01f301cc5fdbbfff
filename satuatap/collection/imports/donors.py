"""Importing donors: each row checked by the donor service's own cleaning (``donors.services.donor_fields_clean``)."""

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satuatap.collection.imports.common import (
    PREVIEW_ROWS,
    PROGRESS_EVERY,
    Checked,
    Progress,
    donors_create_bulk,
    no_progress,
    sentence,
)
from satuatap.collection.imports.reading import (
    CellError,
    Column,
    Sheet,
    choice_map,
    digits_text,
    parse_choice,
    parse_date,
    text,
)
from satuatap.core.crypto import blind_index
from satuatap.core.errors import refusal_messages
from satuatap.donors.errors import DonorRefused
from satuatap.donors.models import Donor, DonorKind
from satuatap.donors.services import (
    channel_consented,
    donor_fields_clean,
    donor_identifiers_check_unique,
    name_key,
    reason_label,
)
from satuatap.organizations.models import Unit
from satuatap.regions import selectors as region_selectors

COLUMNS = [
    Column(
        "full_name",
        gettext_lazy("Full name"),
        "Siti Aminah",
        ("nama", "nama lengkap", "name", "nama donatur", "muzakki"),
        required=True,
        help=gettext_lazy("As on the identity card."),
    ),
    Column(
        "kind",
        gettext_lazy("Donor kind"),
        gettext_lazy("Person"),
        ("jenis", "jenis donatur", "kind", "tipe"),
        help=gettext_lazy("Person or Organisation; empty means a person."),
    ),
    Column("nik", gettext_lazy("NIK"), "3171015708850002", ("no ktp", "ktp"), help=gettext_lazy("16 digits.")),
    Column("npwp", gettext_lazy("NPWP"), "", (), help=gettext_lazy("15 or 16 digits.")),
    Column(
        "phone",
        gettext_lazy("Phone"),
        "0857-1234-5678",
        ("hp", "no hp", "nomor hp", "telepon", "telp", "whatsapp", "wa", "no wa"),
        help=gettext_lazy("08xx or +62 8xx."),
    ),
    Column("email", gettext_lazy("Email"), "siti@example.id", ("e-mail", "surel")),
    Column("province", gettext_lazy("Province"), "DKI Jakarta", ("provinsi",)),
    Column("regency", gettext_lazy("Regency/city"), "Jakarta Pusat", ("kabupaten", "kota", "kabupaten/kota")),
    Column("district", gettext_lazy("District"), "Gambir", ("kecamatan",)),
    Column("village", gettext_lazy("Village"), "Cideng", ("kelurahan", "desa", "kelurahan/desa")),
    Column(
        "region",
        gettext_lazy("Region code"),
        "",
        ("kode wilayah", "kode_wilayah", "kode desa", "kode_desa", "region", "region code"),
        help=gettext_lazy("Optional: the official code of the village or district, e.g. 33.18.02.2009."),
    ),
    Column("street", gettext_lazy("Street address"), "Jl. Merdeka 1", ("alamat", "jalan", "address")),
    Column("postal_code", gettext_lazy("Postal code"), "10150", ("kode pos", "kodepos")),
    Column(
        "birth_date",
        gettext_lazy("Birth date"),
        "1985-08-17",
        ("tanggal lahir", "tgl lahir"),
        help=gettext_lazy("2026-03-17 or 17/03/2026."),
    ),
    Column(
        "consent_whatsapp",
        gettext_lazy("Agrees to WhatsApp"),
        gettext_lazy("Yes"),
        ("setuju wa", "izin wa", "setuju whatsapp", "consent whatsapp"),
        help=gettext_lazy("Yes only if the donor agreed to receive receipts and news by WhatsApp; empty means no."),
    ),
    Column(
        "consent_email",
        gettext_lazy("Agrees to email"),
        gettext_lazy("No"),
        ("setuju email", "izin email", "consent email"),
        help=gettext_lazy("Yes only if the donor agreed to receive receipts and news by email; empty means no."),
    ),
    Column(
        "tags",
        gettext_lazy("Tags"),
        "alumni, korporat",
        ("tag", "label"),
        help=gettext_lazy("Separated by commas."),
    ),
]
CAPABILITY = "donors.manage"
TEXT_FIELDS = ("full_name", "email", "province", "regency", "district", "village", "street", "tags")
# The donor service names its fields as this import's columns do.
FIELD_COLUMN = {c.key: c.key for c in COLUMNS}


def _yes_no() -> dict[str, str]:
    return choice_map(
        [("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))],
        {"ya": "yes", "y": "yes", "setuju": "yes", "1": "yes", "true": "yes"}
        | {"tidak": "no", "t": "no", "n": "no", "0": "no", "false": "no"},
    )


def yes_no_labels() -> str:
    return f"{_('Yes')}, {_('No')}"


@dataclass
class DonorRow:
    row: int
    fields: dict


def _kinds() -> dict[str, str]:
    return choice_map(
        DonorKind.choices,
        {
            "perorangan": DonorKind.PERSON,
            "individu": DonorKind.PERSON,
            "pribadi": DonorKind.PERSON,
            "lembaga": DonorKind.ORGANISATION,
            "organisasi": DonorKind.ORGANISATION,
            "perusahaan": DonorKind.ORGANISATION,
            "company": DonorKind.ORGANISATION,
        },
    )


def _parse(sheet: Sheet, number: int, cells: tuple, kinds: dict, kind_labels: str, yes_no: dict):
    values = sheet.values(cells)
    fields: dict = {}
    errors: list[tuple[str, str]] = []
    for key in TEXT_FIELDS:
        if key in values:
            fields[key] = text(values[key])
    for key in ("nik", "npwp", "phone", "postal_code", "region"):
        if key in values:
            fields[key] = digits_text(values[key])
    if fields.get("phone") and fields["phone"].isdigit() and fields["phone"].startswith("8"):
        fields["phone"] = "0" + fields["phone"]  # Excel drops the leading zero of 0812...
    try:
        fields["kind"] = parse_choice(values.get("kind"), kinds, kind_labels) or DonorKind.PERSON
    except CellError as exc:
        errors.append(("kind", sentence(exc.message)))
    for key in ("consent_whatsapp", "consent_email"):
        try:
            fields[key] = parse_choice(values.get(key), yes_no, yes_no_labels()) == "yes"
        except CellError as exc:
            errors.append((key, sentence(exc.message)))
    # Without a stated channel the donor is contacted only as they agreed (``donor_register``'s rule).
    fields["preferred_channel"] = channel_consented(fields)
    try:
        fields["birth_date"] = parse_date(values.get("birth_date"))
    except CellError as exc:
        errors.append(("birth_date", sentence(exc.message)))
    # One call per field, so that a row shows every bad cell at once, not only the first.
    cleaned = {}
    for key, value in fields.items():
        try:
            cleaned.update(donor_fields_clean({key: value}))
        except DonorRefused as exc:
            for name, message in refusal_messages(exc):
                errors.append((FIELD_COLUMN.get(name or key, key), message))
    if not cleaned.get("region") and any(cleaned.get(key) for key in ("province", "regency", "district", "village")):
        # Typed names ("Kab. Pati") get their official area, as ``donor_register`` gives them.
        cleaned["region"] = region_selectors.match_code(cleaned)
    return cleaned, errors


def check(*, unit: Unit, sheet: Sheet, progress: Progress = no_progress) -> Checked:
    """Check every row as ``donor_register`` would; a NIK or NPWP already registered (or twice in
    the file) refuses the row."""
    kinds = _kinds()
    kind_labels = ", ".join(str(label) for _value, label in DonorKind.choices)
    yes_no = _yes_no()
    result = Checked(total=len(sheet.rows))
    candidates: list[DonorRow] = []
    problems: dict[int, list] = {}
    for done, (number, cells) in enumerate(sheet.rows, start=1):
        cleaned, errors = _parse(sheet, number, cells, kinds, kind_labels, yes_no)
        if errors:
            problems[number] = errors
        else:
            candidates.append(DonorRow(number, cleaned))
        if done % PROGRESS_EVERY == 0:
            progress(done)
    # Identifiers: once in the file, and not already registered.
    first_seen: dict[tuple[str, str], int] = {}
    for candidate in candidates:
        for field in ("nik", "npwp"):
            value = candidate.fields.get(field)
            if not value:
                continue
            seen = first_seen.setdefault((field, value), candidate.row)
            if seen != candidate.row:
                problems.setdefault(candidate.row, []).append(
                    (
                        field,
                        _("Row %(row)s of this file already has this %(field)s.")
                        % {"row": seen, "field": field.upper()},
                    )
                )
    hashes = {blind_index(field, value): (field, value) for (field, value) in first_seen}
    taken = set()
    keys = list(hashes)
    for start in range(0, len(keys), 1000):
        chunk = keys[start : start + 1000]
        registered = Donor.objects.filter(institution_id=unit.institution_id, merged_into__isnull=True).filter(
            Q(nik_hash__in=chunk) | Q(npwp_hash__in=chunk)
        )
        taken.update(h for pair in registered.values_list("nik_hash", "npwp_hash") for h in pair)
    for candidate in candidates:
        identifiers = {f: candidate.fields[f] for f in ("nik", "npwp") if candidate.fields.get(f)}
        if any(blind_index(f, v) in taken for f, v in identifiers.items()):
            try:  # the donor service's own rule and message
                donor_identifiers_check_unique(Donor(institution_id=unit.institution_id), identifiers)
            except DonorRefused as exc:
                for name, message in refusal_messages(exc):
                    problems.setdefault(candidate.row, []).append((name or "nik", message))
    for row, column, message in _repeated_donors(unit, [c for c in candidates if c.row not in problems]):
        problems.setdefault(row, []).append((column, message))
    headers = {c.key: sheet.headers.get(c.key, str(c.label)) for c in COLUMNS}
    for number in sorted(problems):
        for column, message in problems[number]:
            result.errors.append([number, headers.get(column, column), message])
    result.valid = [c for c in candidates if c.row not in problems]
    result.summary = {
        "preview": [_preview(c) for c in result.valid[:PREVIEW_ROWS]],
        "unknown_columns": sheet.unknown,
    }
    progress(result.total)
    return result


def _exact_keys(fields: dict) -> list[tuple[str, object]]:
    """What makes a row an exact duplicate (``donors.matching.exact_reasons``): phone, email, or
    the normalised name with the birth date (NIK and NPWP are checked above)."""
    keys: list[tuple[str, object]] = []
    if fields.get("phone"):
        keys.append(("phone", fields["phone"]))
    if fields.get("email"):
        keys.append(("email", fields["email"].lower()))
    if fields.get("birth_date"):
        keys.append(("name_birth_date", (name_key(fields.get("full_name", "")), fields["birth_date"])))
    return keys


COLUMN_OF = {"phone": "phone", "email": "email", "name_birth_date": "full_name"}


def _repeated_donors(unit: Unit, rows: list[DonorRow]) -> list[tuple[int, str, str]]:
    """(row, column, message) for each row that repeats a registered donor or an earlier row exactly:
    the one duplicate rule of ``donor_register``, which refuses to create such a donor silently. The
    row is left out; a clerk registers that person on the donor form, confirming there."""
    first_seen: dict[tuple[str, object], int] = {}
    flagged = []
    for row in rows:
        for key in _exact_keys(row.fields):
            seen = first_seen.setdefault(key, row.row)
            if seen != row.row:
                flagged.append(
                    (
                        row.row,
                        COLUMN_OF[key[0]],
                        _("Row %(row)s of this file is the same donor (%(reason)s).")
                        % {"row": seen, "reason": reason_label(key[0])},
                    )
                )
    phones = [v for (kind, v) in first_seen if kind == "phone"]
    # Stored emails keep the case of their local part: look up as written and in lower case.
    emails = sorted(
        {row.fields["email"] for row in rows if row.fields.get("email")} | {v for (k, v) in first_seen if k == "email"}
    )
    names = [v for (kind, v) in first_seen if kind == "name_birth_date"]
    registered: dict[tuple[str, object], str] = {}
    active = Donor.objects.filter(institution_id=unit.institution_id, merged_into__isnull=True)
    for start in range(0, max(len(phones), len(emails), len(names)), 1000):
        wanted = Q(phone__in=phones[start : start + 1000]) | Q(email__in=emails[start : start + 1000])
        chunk = names[start : start + 1000]
        if chunk:
            wanted |= Q(name_key__in=[n for n, _d in chunk], birth_date__in=[d for _n, d in chunk])
        for number, phone, email, key, birth in active.filter(wanted).values_list(
            "number", "phone", "email", "name_key", "birth_date"
        ):
            for found in (("phone", phone), ("email", (email or "").lower()), ("name_birth_date", (key, birth))):
                registered.setdefault(found, number)
    for row in rows:
        for key in _exact_keys(row.fields):
            if key in registered:
                flagged.append(
                    (
                        row.row,
                        COLUMN_OF[key[0]],
                        _(
                            "Donor %(number)s is already registered with the %(reason)s; "
                            "register this person on the donor form if they are someone else."
                        )
                        % {"number": registered[key], "reason": reason_label(key[0])},
                    )
                )
                break
    return flagged


def _preview(row: DonorRow) -> dict:
    fields = row.fields
    return {
        "row": row.row,
        "name": fields.get("full_name", ""),
        "kind": str(DonorKind(fields.get("kind", DonorKind.PERSON)).label),
        "nik": "*" * 12 + fields["nik"][-4:] if fields.get("nik") else "",
        "phone": fields.get("phone", ""),
        "email": fields.get("email", ""),
        "regency": fields.get("regency", ""),
        "birth_date": fields["birth_date"].isoformat() if fields.get("birth_date") else "",
    }


def commit(*, actor, unit: Unit, rows: list[DonorRow], job_id: int) -> dict:
    """Register the checked donors in one block of numbers (the caller holds the transaction)."""
    donors = donors_create_bulk(actor=actor, unit=unit, rows=[row.fields for row in rows])
    if not donors:
        return {"donors": 0}
    return {"donors": len(donors), "first_number": donors[0].number, "last_number": donors[-1].number}
