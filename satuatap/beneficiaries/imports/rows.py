"""The rows of a beneficiaries list: its columns, reading each row, and checking the whole file.

Each row is cleaned by the registration service's own rules (``services.clean_fields`` field by field,
so a row shows every bad cell at once, then ``services.registration_problems``);
the rules that need the whole file or the registry are checked here: one head per household
(KK) within the file and against the registry, and one NIK per person within the file. Rows
that may be a person already registered (``matching.candidates``) or another row of the same
file (same NIK, or same name and birth date) are flagged; they are left out of the saving
unless the user ticks them.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satuatap.beneficiaries import matching, services
from satuatap.beneficiaries.errors import BeneficiaryRefused
from satuatap.beneficiaries.models import Asnaf, Beneficiary, ConsentMethod, Relation, Sex
from satuatap.core.crypto import blind_index
from satuatap.core.errors import refusal_messages
from satuatap.core.exports import xlsx_bytes
from satuatap.core.names import name_key
from satuatap.core.tabular import (
    CellError,
    Column,
    Sheet,
    choice_map,
    digits_text,
    normalise,
    parse_choice,
    parse_date,
    text,
)
from satuatap.organizations.models import Unit

PREVIEW_ROWS = 20
PROGRESS_EVERY = 50
# A registry record this likely to be the row's person flags the row (matching's own floor is lower:
# it proposes more at the desk, where a person looks at each).
FLAG_SCORE = 0.5

Progress = Callable[[int], None]


def no_progress(done: int) -> None:
    return None


# Keys are the registration service's field names (and the consent's); HEADERS below names them in the template.
COLUMNS = [
    Column(
        "full_name",
        gettext_lazy("Full name"),
        "Sri Wahyuni",
        ("nama", "nama lengkap", "name", "nama mustahik", "nama penerima", "penerima manfaat"),
        required=True,
        help=gettext_lazy("As on the identity card."),
    ),
    Column(
        "nik", gettext_lazy("NIK"), "3318015508900003", ("no ktp", "ktp", "no nik"), help=gettext_lazy("16 digits.")
    ),
    Column(
        "kk",
        gettext_lazy("KK number"),
        "3318012006180001",
        ("no_kk", "no kk", "nomor kk", "kk", "kartu keluarga", "family card", "kk number"),
        help=gettext_lazy("16 digits; people with the same KK form one household."),
    ),
    Column(
        "relation",
        gettext_lazy("Relation to the head"),
        "kepala keluarga",
        ("hubungan", "hubungan keluarga", "status dalam keluarga", "shdk", "relation", "relationship"),
        help=gettext_lazy("Head, spouse, child, parent, grandchild, sibling or other; one head per KK."),
    ),
    Column("birth_place", gettext_lazy("Birth place"), "Pati", ("tempat_lahir", "tempat lahir")),
    Column(
        "birth_date",
        gettext_lazy("Birth date"),
        "1990-08-15",
        ("tanggal_lahir", "tanggal lahir", "tgl lahir", "date of birth", "dob"),
        help=gettext_lazy("2026-03-17 or 17/03/2026; must agree with the NIK."),
    ),
    Column(
        "sex",
        gettext_lazy("Sex"),
        "P",
        ("jenis_kelamin", "jenis kelamin", "jk", "l/p", "kelamin", "gender"),
        help=gettext_lazy("L (male) or P (female)."),
    ),
    Column(
        "phone",
        gettext_lazy("Phone"),
        "0812-3456-7890",
        ("telepon", "telp", "hp", "no hp", "nomor hp", "whatsapp", "wa", "no wa"),
        help=gettext_lazy("08xx or +62 8xx."),
    ),
    Column("province", gettext_lazy("Province"), "Jawa Tengah", ("provinsi",)),
    Column("regency", gettext_lazy("Regency/city"), "Pati", ("kabupaten", "kota", "kabupaten/kota", "city")),
    Column("district", gettext_lazy("District"), "Kayen", ("kecamatan",)),
    Column("village", gettext_lazy("Village"), "Kayen", ("desa", "kelurahan", "kelurahan/desa", "desa/kelurahan")),
    Column(
        "region",
        gettext_lazy("Region code"),
        "",
        ("kode wilayah", "kode_wilayah", "kode desa", "kode_desa", "region", "region code"),
        help=gettext_lazy("Optional: the official code of the village or district, e.g. 33.18.02.2009."),
    ),
    Column("street", gettext_lazy("Street address"), "Jl. Pemuda 3", ("alamat", "jalan", "address")),
    Column("rt", gettext_lazy("RT"), "001", ()),
    Column("rw", gettext_lazy("RW"), "002", ()),
    Column(
        "has_disability",
        gettext_lazy("Disability"),
        "tidak",
        ("disabilitas", "difabel", "penyandang disabilitas"),
        help=gettext_lazy("Yes or no (empty: no)."),
    ),
    Column(
        "is_orphan",
        gettext_lazy("Orphan"),
        "tidak",
        ("yatim", "yatim piatu", "yatim/piatu"),
        help=gettext_lazy("Yes or no (empty: no)."),
    ),
    Column(
        "chronic_illness",
        gettext_lazy("Chronic illness"),
        "tidak",
        ("sakit_kronis", "sakit kronis", "penyakit kronis"),
        help=gettext_lazy("Yes or no (empty: no)."),
    ),
    Column(
        "asnaf",
        gettext_lazy("Asnaf"),
        "miskin",
        (),
        help=gettext_lazy("One of the eight asnaf, or empty until assessed."),
    ),
    Column(
        "asnaf_reason",
        gettext_lazy("Reason for the asnaf"),
        "Penghasilan di bawah kebutuhan minimum",
        ("alasan_asnaf", "alasan asnaf", "alasan", "asnaf reason"),
        help=gettext_lazy("Required when an asnaf is given."),
    ),
    Column(
        "consent_method",
        gettext_lazy("Consent"),
        "tertulis",
        ("persetujuan", "cara persetujuan", "consent method", "izin"),
        help=gettext_lazy("How the person (or guardian) consented: written, thumbprint, verbal or digital."),
    ),
    Column(
        "guardian_name",
        gettext_lazy("Guardian"),
        "",
        ("wali", "nama wali", "orang tua wali", "guardian name"),
        help=gettext_lazy("For a child under 18: the parent or guardian who consented."),
    ),
    Column(
        "guardian_relation",
        gettext_lazy("Guardian's relation"),
        "",
        ("hubungan_wali", "hubungan wali", "guardian relation"),
        help=gettext_lazy("E.g. mother, father, uncle."),
    ),
]
# The template's headers: short Indonesian names, the same in every language of the interface.
HEADERS = {
    "full_name": "nama",
    "nik": "nik",
    "kk": "no_kk",
    "relation": "hubungan",
    "birth_place": "tempat_lahir",
    "birth_date": "tanggal_lahir",
    "sex": "jenis_kelamin",
    "phone": "telepon",
    "province": "provinsi",
    "regency": "kabupaten",
    "district": "kecamatan",
    "village": "desa",
    "region": "kode_wilayah",
    "street": "alamat",
    "rt": "rt",
    "rw": "rw",
    "has_disability": "disabilitas",
    "is_orphan": "yatim",
    "chronic_illness": "sakit_kronis",
    "asnaf": "asnaf",
    "asnaf_reason": "alasan_asnaf",
    "consent_method": "persetujuan",
    "guardian_name": "wali",
    "guardian_relation": "hubungan_wali",
}
TEXT_FIELDS = ("full_name", "birth_place", "province", "regency", "district", "village", "street", "asnaf_reason")
DIGIT_FIELDS = ("nik", "kk", "phone", "rt", "rw", "region")
BOOLEAN_FIELDS = ("has_disability", "is_orphan", "chronic_illness")
# The service's error fields that are not named as a column.
FIELD_COLUMN = {"consent_purpose": "consent_method", "consent_given_on": "consent_method"}

YES = {"ya", "y", "yes", "1", "true", "benar", "x", "v", "ada"}
NO = {"tidak", "tdk", "t", "no", "n", "0", "false", "salah", "bukan", "-", "tidakada"}


@dataclass
class Row:
    """One readable row: the service's fields and the consent, as ``beneficiary_register`` takes them."""

    row: int
    fields: dict
    consent: dict | None


@dataclass
class Checked:
    total: int = 0
    valid: list[Row] = field(default_factory=list)
    errors: list[list] = field(default_factory=list)  # [row, column header, message]
    duplicates: list[dict] = field(default_factory=list)
    summary: dict = field(default_factory=dict)

    @property
    def error_rows(self) -> set[int]:
        return {row for row, _column, _message in self.errors}

    @property
    def flagged_rows(self) -> set[int]:
        return {d["row"] for d in self.duplicates}


class Maps:
    """The accepted spellings of each choice, built once per file."""

    def __init__(self):
        self.sex = choice_map(
            Sex.choices,
            {"l": Sex.MALE, "lk": Sex.MALE, "laki": Sex.MALE, "lakilaki": Sex.MALE, "pria": Sex.MALE}
            | {"p": Sex.FEMALE, "pr": Sex.FEMALE, "perempuan": Sex.FEMALE, "wanita": Sex.FEMALE},
        )
        self.relation = choice_map(
            Relation.choices,
            {
                "kepala keluarga": Relation.HEAD,
                "kepala": Relation.HEAD,
                "kk": Relation.HEAD,
                "istri": Relation.SPOUSE,
                "suami": Relation.SPOUSE,
                "pasangan": Relation.SPOUSE,
                "anak": Relation.CHILD,
                "orang tua": Relation.PARENT,
                "mertua": Relation.PARENT,
                "ayah": Relation.PARENT,
                "ibu": Relation.PARENT,
                "cucu": Relation.GRANDCHILD,
                "saudara": Relation.SIBLING,
                "adik": Relation.SIBLING,
                "kakak": Relation.SIBLING,
                "famili lain": Relation.OTHER,
                "lainnya": Relation.OTHER,
                "lain": Relation.OTHER,
            },
        )
        self.asnaf = choice_map(Asnaf.choices, {value.replace("_", " "): value for value in Asnaf.values})
        self.consent = choice_map(
            ConsentMethod.choices,
            {
                "tertulis": ConsentMethod.WRITTEN,
                "tanda tangan": ConsentMethod.WRITTEN,
                "ttd": ConsentMethod.WRITTEN,
                "formulir": ConsentMethod.WRITTEN,
                "cap jempol": ConsentMethod.THUMBPRINT,
                "sidik jari": ConsentMethod.THUMBPRINT,
                "lisan": ConsentMethod.VERBAL,
                "daring": ConsentMethod.DIGITAL,
                "online": ConsentMethod.DIGITAL,
            },
        )
        self.labels = {
            "sex": _("L or P"),
            "relation": ", ".join(str(label) for _v, label in Relation.choices),
            "asnaf": ", ".join(Asnaf.values),
            "consent_method": ", ".join(ConsentMethod.values),
        }


def parse_bool(value) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    raw = normalise(text(value))
    if not raw or raw in NO:
        return False
    if raw in YES:
        return True
    raise CellError(_("write yes (ya) or no (tidak)."))


def _sentence(message: str) -> str:
    message = message.strip()
    return message[:1].upper() + message[1:]


def parse(sheet: Sheet, cells: tuple, maps: Maps) -> tuple[dict, dict | None, list[tuple[str, str]]]:
    """The cleaned fields and consent of one row, and its errors as (column key, message)."""
    values = sheet.values(cells)
    raw: dict = {}
    errors: list[tuple[str, str]] = []
    for key in TEXT_FIELDS:
        if key in values:
            raw[key] = text(values[key])
    for key in DIGIT_FIELDS:
        if key in values:
            raw[key] = digits_text(values[key])
    if raw.get("phone", "").isdigit() and raw["phone"].startswith("8"):
        raw["phone"] = "0" + raw["phone"]  # Excel drops the leading zero of 0812...
    for key in BOOLEAN_FIELDS:
        try:
            raw[key] = parse_bool(values.get(key))
        except CellError as exc:
            errors.append((key, _sentence(exc.message)))
    for key in ("sex", "relation", "asnaf"):
        try:
            raw[key] = parse_choice(values.get(key), getattr(maps, key), maps.labels[key]) or ""
        except CellError as exc:
            errors.append((key, _sentence(exc.message)))
    try:
        raw["birth_date"] = parse_date(values.get("birth_date"))
    except CellError as exc:
        errors.append(("birth_date", _sentence(exc.message)))
    method = ""
    try:
        method = parse_choice(values.get("consent_method"), maps.consent, maps.labels["consent_method"]) or ""
    except CellError as exc:
        errors.append(("consent_method", _sentence(exc.message)))
    # One field at a time, so that a row shows every bad cell at once, not only the first.
    cleaned: dict = {}
    for key, value in raw.items():
        try:
            cleaned.update(services.clean_fields({key: value}))
        except BeneficiaryRefused as exc:
            errors.extend((name or key, message) for name, message in refusal_messages(exc))
    consent = None
    if method:
        consent = {
            "method": method,
            "guardian_name": text(values.get("guardian_name")),
            "guardian_relation": text(values.get("guardian_relation")),
        }
    return cleaned, consent, errors


def _rules(institution_id: int, cleaned: dict, consent: dict | None) -> list[tuple[str, str]]:
    """The registration rules across fields, with the service's own messages."""
    return [
        (name or "full_name", message)
        for exc in services.registration_problems(institution_id, cleaned, consent)
        for name, message in refusal_messages(exc)
    ]


def _mask(value: str, keep_first: bool = False) -> str:
    if not value:
        return ""
    return (value[:4] if keep_first else "••••") + "•" * 8 + value[-4:]


def _existing_heads(institution_id: int, kks: set[str]) -> dict[str, str]:
    """KK hash -> the unit where the head of that household in the registry was registered."""
    hashes = [blind_index("kk", kk) for kk in kks]
    heads: dict[str, str] = {}
    for start in range(0, len(hashes), 500):
        rows = Beneficiary.objects.filter(
            institution_id=institution_id,
            household__kk_hash__in=hashes[start : start + 500],
            relation=Relation.HEAD,
            merged_into__isnull=True,
        ).values_list("household__kk_hash", "registered_unit__name")
        heads.update(rows)
    return heads


def read_rows(sheet: Sheet, institution_id: int, *, rules: bool = True, progress: Progress = no_progress):
    """Each row's cleaned fields, consent and errors (column key, message), in file order."""
    maps = Maps()
    out = []
    for done, (number, cells) in enumerate(sheet.rows, start=1):
        cleaned, consent, errors = parse(sheet, cells, maps)
        if rules and not errors:
            errors = _rules(institution_id, cleaned, consent)
        out.append((Row(number, cleaned, consent), errors))
        if done % PROGRESS_EVERY == 0:
            progress(done)
    return out


def check(*, unit: Unit, sheet: Sheet, progress: Progress = no_progress) -> Checked:
    """Check every row as registration would, then the rules of the whole file and the duplicates."""
    institution_id = unit.institution_id
    total = len(sheet.rows)
    # Reading takes about half the time, the registry's candidates the other half.
    rows = read_rows(sheet, institution_id, progress=lambda done: progress(done // 2))
    problems: dict[int, list] = {number.row: errors for number, errors in rows if errors}
    readable = [row for row, errors in rows if not errors]
    flags: dict[int, dict] = {}

    def flag(row: Row) -> dict:
        return flags.setdefault(
            row.row,
            {
                "row": row.row,
                "name": row.fields.get("full_name", ""),
                "birth_date": row.fields["birth_date"].isoformat() if row.fields.get("birth_date") else "",
                "nik": _mask(row.fields.get("nik", ""), keep_first=True),
                "file": [],
                "registry": [],
            },
        )

    # Within the file: one NIK per person, one head per KK, the same name and birth date twice.
    first_nik: dict[str, int] = {}
    first_head: dict[str, int] = {}
    first_person: dict[tuple[str, date], int] = {}
    for row in readable:
        nik, kk = row.fields.get("nik"), row.fields.get("kk")
        if nik:
            seen = first_nik.setdefault(nik, row.row)
            if seen != row.row:
                problems.setdefault(row.row, []).append(
                    (
                        "nik",
                        _("Row %(row)s of this file has the same NIK; a person is registered once.") % {"row": seen},
                    )
                )
                flag(row)["file"].append({"row": seen, "reason": _("same NIK")})
                continue
        if kk and row.fields.get("relation") == Relation.HEAD:
            seen = first_head.setdefault(kk, row.row)
            if seen != row.row:
                problems.setdefault(row.row, []).append(
                    (
                        "relation",
                        _("Row %(row)s of this file is already the head of this KK; a household has one head.")
                        % {"row": seen},
                    )
                )
        key = name_key(row.fields.get("full_name", ""), drop_titles=True)
        if key and row.fields.get("birth_date"):
            seen = first_person.setdefault((key, row.fields["birth_date"]), row.row)
            if seen != row.row:
                flag(row)["file"].append({"row": seen, "reason": _("same name and birth date")})
    # Against the registry: a household that already has a head.
    heads = _existing_heads(institution_id, set(first_head))
    for row in readable:
        kk = row.fields.get("kk")
        if kk and row.fields.get("relation") == Relation.HEAD and first_head.get(kk) == row.row:
            unit_name = heads.get(blind_index("kk", kk))
            if unit_name is not None:
                problems.setdefault(row.row, []).append(
                    (
                        "relation",
                        _(
                            "This household (KK) already has a head in the registry, registered at %(unit)s; "
                            "a household has one head."
                        )
                        % {"unit": unit_name},
                    )
                )
    # Against the registry: who may this person already be?
    valid = [row for row in readable if row.row not in problems]
    for done, row in enumerate(valid, start=1):
        for candidate in matching.candidates(institution_id, matching.Probe.of_fields(row.fields)):
            if candidate.score >= FLAG_SCORE:
                flag(row)["registry"].append(
                    {
                        "id": candidate.beneficiary.pk,
                        "unit": candidate.beneficiary.registered_unit.name,
                        "score": round(candidate.score, 2),
                        "reasons": candidate.reasons,
                    }
                )
        if done % PROGRESS_EVERY == 0:
            progress(total // 2 + done * (total - total // 2) // max(len(valid), 1))

    result = Checked(total=total, valid=valid)
    headers = {c.key: sheet.headers.get(c.key) or HEADERS[c.key] for c in COLUMNS}
    for number in sorted(problems):
        for key, message in problems[number]:
            column = FIELD_COLUMN.get(key, key)
            result.errors.append([number, headers.get(column, column), message])
    for number in sorted(flags):
        result.duplicates.append({**flags[number], "valid": number not in problems})
    flagged = result.flagged_rows
    result.summary = {
        "preview": [preview(row) for row in valid if row.row not in flagged][:PREVIEW_ROWS],
        "unknown_columns": sheet.unknown,
        "flagged_valid": len([row for row in valid if row.row in flagged]),
    }
    progress(total)
    return result


def preview(row: Row) -> dict:
    fields = row.fields
    relation = fields.get("relation")
    return {
        "row": row.row,
        "name": fields.get("full_name", ""),
        "nik": _mask(fields.get("nik", ""), keep_first=True),
        "kk": _mask(fields.get("kk", "")),
        "relation": str(Relation(relation).label) if relation else "",
        "birth_date": fields["birth_date"].isoformat() if fields.get("birth_date") else "",
        "sex": fields.get("sex", ""),
        "village": fields.get("village", ""),
        "asnaf": fields.get("asnaf", ""),
        "guardian": (row.consent or {}).get("guardian_name", ""),
    }


def template_bytes() -> bytes:
    """The blank list to fill: the header, one example row, and a sheet explaining each column."""
    explained = [[HEADERS[c.key], str(c.label), _("yes") if c.required else _("no"), str(c.help)] for c in COLUMNS]
    return xlsx_bytes(
        [
            (_("Data"), [HEADERS[c.key] for c in COLUMNS], [[str(c.example) for c in COLUMNS]]),
            (_("Help"), [_("Column"), _("Meaning"), _("Required"), _("What to write")], explained),
        ]
    )
