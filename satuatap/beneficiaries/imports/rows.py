"""The rows of a beneficiaries list: its columns, reading each row, and checking the whole file.

Each row is cleaned by the registration service's own rules (``services.clean_fields`` field by field,
so a row shows every bad cell at once, then ``services.registration_problems``);
the rules that need the whole file or the registry are checked here: one head per household
(KK) within the file and against the registry. Rows that may be a person already registered or
another row of the same file (the same NIK, or the online candidate search's scoring,
``matching.score``, for the whole file at once in ``candidates``: a list of 100,000 rows is checked
in under two minutes), and rows whose birth date disagrees with their NIK (the typo a duplicate
carries), are flagged, never refused: they are left out of the saving unless the user ticks
them, and saved as possible duplicates of the record they match, for a person to review. An
unusable phone number is dropped with a warning; the row is kept. A bad NIK, name or birth date
still stops the row; the user may correct a cell on the preview (``corrections``).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from satuatap.beneficiaries import services
from satuatap.beneficiaries.errors import BeneficiaryRefused, PossibleDuplicate
from satuatap.beneficiaries.imports import candidates, review
from satuatap.beneficiaries.imports.columns import COLUMNS, FIELD_COLUMN, HEADERS
from satuatap.beneficiaries.models import Asnaf, Beneficiary, ConsentMethod, Relation, Sex
from satuatap.core.crypto import blind_index
from satuatap.core.errors import refusal_messages
from satuatap.core.tabular import (
    CellError,
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
# A registry record or an earlier row this likely to be the row's person flags the row.
FLAG_SCORE = candidates.FLAG_SCORE

Progress = Callable[[int], None]


def no_progress(done: int) -> None:
    return None


TEXT_FIELDS = ("full_name", "birth_place", "province", "regency", "district", "village", "street", "asnaf_reason")
DIGIT_FIELDS = ("nik", "kk", "phone", "rt", "rw", "region")
BOOLEAN_FIELDS = ("has_disability", "is_orphan", "chronic_illness")
# Cells that only help to reach the person: an unusable one is dropped with a warning, the row is kept.
DROPPABLE_FIELDS = ("phone",)

YES = {"ya", "y", "yes", "1", "true", "benar", "x", "v", "ada"}
NO = {"tidak", "tdk", "t", "no", "n", "0", "false", "salah", "bukan", "-", "tidakada"}


@dataclass
class Row:
    """One readable row: the service's fields and the consent, as ``beneficiary_register`` takes them."""

    row: int
    fields: dict
    consent: dict | None
    warnings: list = field(default_factory=list)  # [(column key, message)]: cells dropped, the row kept
    held: list = field(default_factory=list)  # PossibleDuplicate refusals: kept as flags, not errors


@dataclass
class Checked:
    total: int = 0
    valid: list[Row] = field(default_factory=list)
    errors: list[list] = field(default_factory=list)  # [row, column header, message]
    warnings: list[list] = field(default_factory=list)  # [row, column header, message]
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
        self.cleaned: dict = {}  # (field, value) -> what ``_clean`` found, for the values that repeat


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


# Cells whose values repeat down a list (a village, a sex, "tidak"): each value is cleaned once per file.
REPEATING = frozenset({"relation", "birth_place", "birth_date", "sex", "province", "regency", "district", "village"})
REPEATING |= {"rt", "rw", "asnaf", "asnaf_reason", *BOOLEAN_FIELDS}


def _clean(key: str, value, cache: dict) -> tuple[dict, list[tuple[str, str]]]:
    """``services.clean_fields`` of one cell: its cleaned field, or its errors (column key, message)."""
    if key in REPEATING and (key, value) in cache:
        return cache[key, value]
    try:
        found = services.clean_fields({key: value}), []
    except BeneficiaryRefused as exc:
        found = {}, [(name or key, message) for name, message in refusal_messages(exc)]
    if key in REPEATING:
        cache[key, value] = found
    return found


def parse(
    sheet: Sheet, cells: tuple, maps: Maps, corrected: dict | None = None
) -> tuple[dict, dict | None, list[tuple[str, str]], list[tuple[str, str]]]:
    """The cleaned fields and consent of one row (with the cells ``corrected`` on the preview instead of
    the file's), its errors and its warnings (a dropped cell), each as (column key, message)."""
    values = sheet.values(cells) | (corrected or {})
    warnings: list[tuple[str, str]] = []
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
        good, messages = _clean(key, value, maps.cleaned)
        cleaned.update(good)
        if messages and key in DROPPABLE_FIELDS:
            warnings.extend(
                (name, _("%(message)s The cell is left out; the row is kept.") % {"message": message})
                for name, message in messages
            )
        else:
            errors.extend(messages)
    consent = None
    if method:
        consent = {
            "method": method,
            "guardian_name": text(values.get("guardian_name")),
            "guardian_relation": text(values.get("guardian_relation")),
        }
    return cleaned, consent, errors, warnings


def _rules(
    institution_id: int, cleaned: dict, consent: dict | None, registered: dict | None = None
) -> tuple[list[tuple[str, str]], list]:
    """The registration rules across fields, with the service's own messages; the possible duplicates
    (a NIK already registered, a birth date that disagrees with the NIK) apart, to be flagged
    (``registered``: who holds each NIK of the file, ``services.registered_niks``)."""
    problems = services.registration_problems(institution_id, cleaned, consent, registered=registered)
    errors = [
        (name or "full_name", message)
        for exc in problems
        if not isinstance(exc, PossibleDuplicate)
        for name, message in refusal_messages(exc)
    ]
    return errors, [exc for exc in problems if isinstance(exc, PossibleDuplicate)]


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
            possible_duplicate_of__isnull=True,
        ).values_list("household__kk_hash", "registered_unit__name")
        heads.update(rows)
    return heads


def read_rows(
    sheet: Sheet,
    institution_id: int,
    *,
    rules: bool = True,
    progress: Progress = no_progress,
    corrections: dict | None = None,
    only: set[int] | None = None,
):
    """Each row's cleaned fields, consent and errors (column key, message), in file order, with the cells
    corrected on the preview (``corrections``: {"<row>": {"<column key>": value}}); ``only`` these rows.
    ``progress`` counts each row twice with ``rules``: once read, once checked across its fields."""
    maps = Maps()
    corrections = corrections or {}
    out = []
    for done, (number, cells) in enumerate(sheet.rows, start=1):
        if only is not None and number not in only:
            continue
        cleaned, consent, errors, warnings = parse(sheet, cells, maps, corrections.get(str(number)))
        out.append((Row(number, cleaned, consent, warnings, []), errors))
        if done % PROGRESS_EVERY == 0:
            progress(done)
    if rules:  # across fields, with the registry's NIKs looked up for the whole file at once
        registered = services.registered_niks(institution_id, (row.fields.get("nik") for row, _errors in out))
        checked = []
        for done, (row, errors) in enumerate(out, start=len(out) + 1):
            if not errors:
                errors, row.held = _rules(institution_id, row.fields, row.consent, registered)
            checked.append((row, errors))
            if done % PROGRESS_EVERY == 0:
                progress(done)
        out = checked
    return out


def _throttled(progress: Progress, total: int) -> Progress:
    """``progress`` at most once a percent: each report is a write to the job's row (and on SQLite a sync)."""
    step = max(total // 100, PROGRESS_EVERY)
    last = -step

    def report(done: int) -> None:
        nonlocal last
        if done - last >= step:
            last = done
            progress(done)

    return report


def _stage(progress: Progress, total: int, start: float, end: float, count: int) -> Progress:
    """The bar between ``start`` and ``end`` (shares of ``total``) as ``count`` items of a stage are done."""
    return lambda done: progress(int(total * (start + (end - start) * done / max(count, 1))))


def check(*, unit: Unit, sheet: Sheet, progress: Progress = no_progress, corrections: dict | None = None) -> Checked:
    """Check every row as registration would (with the cells ``corrected`` on the preview), then the
    rules of the whole file and the duplicates."""
    institution_id = unit.institution_id
    total = len(sheet.rows)
    progress = _throttled(progress, total)
    # Reading takes about half the time, the possible duplicates (file, then registry) the other half.
    rows = read_rows(sheet, institution_id, progress=lambda done: progress(done // 4), corrections=corrections)
    problems: dict[int, list] = {number.row: errors for number, errors in rows if errors}
    readable = [row for row, errors in rows if not errors]
    warnings = {row.row: row.warnings for row, _errors in rows if row.warnings}
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
                "discrepancies": [],
            },
        )

    # A NIK already registered, a birth date that disagrees with the NIK: kept as flags, not errors.
    held_rows = review.flag_held(readable, flag, institution_id)

    # Within the file: one NIK per person, one head per KK.
    first_nik: dict[str, int] = {}
    first_head: dict[str, int] = {}
    by_row = {row.row: row for row in readable}
    for row in readable:
        nik, kk = row.fields.get("nik"), row.fields.get("kk")
        if nik:
            seen = first_nik.setdefault(nik, row.row)
            if seen != row.row:
                entry = flag(row)
                entry["file"].append({"row": seen, "reason": _("same NIK")})
                entry["discrepancies"].extend(
                    _("Row %(row)s: %(difference)s.") % {"row": seen, "difference": difference}
                    for difference in review.differences(row, by_row[seen].fields)
                )
                held_rows.add(row.row)
                continue
        if kk and row.fields.get("relation") == Relation.HEAD and row.row not in held_rows:
            seen = first_head.setdefault(kk, row.row)
            if seen != row.row:
                problems.setdefault(row.row, []).append(
                    (
                        "relation",
                        _("Row %(row)s of this file is already the head of this KK; a household has one head.")
                        % {"row": seen},
                    )
                )
    # Within the file: rows that may be the same person, by the online candidate search's rules.
    probes = [(row.row, candidates.probe_of(row.fields)) for row in readable]
    # The bar: reading up to half, the file's own duplicates to 60%, the registry's to the end.
    twins = candidates.file_duplicates(probes, progress=_stage(progress, total, 0.5, 0.6, len(probes)))
    for number, found in twins.items():
        entries = flag(by_row[number])["file"]
        known = {entry["row"] for entry in entries}
        entries.extend(entry for entry in found if entry["row"] not in known)
    # Against the registry: a household that already has a head.
    heads = _existing_heads(institution_id, set(first_head))
    for row in readable:
        kk = row.fields.get("kk")
        if (
            kk
            and row.fields.get("relation") == Relation.HEAD
            and first_head.get(kk) == row.row
            and row.row not in held_rows
        ):
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
    # Against the registry: who may this person already be? All rows at once, in a few set queries.
    valid = [row for row in readable if row.row not in problems]
    valid_probes = [(number, probe) for number, probe in probes if number not in problems]
    matches = candidates.registry_candidates(
        institution_id, valid_probes, progress=_stage(progress, total, 0.6, 1.0, len(valid_probes))
    )
    for number, found in matches.items():
        flag(by_row[number])["registry"].extend(found)

    result = Checked(total=total, valid=valid)
    headers = {c.key: sheet.headers.get(c.key) or HEADERS[c.key] for c in COLUMNS}
    for number in sorted(problems):
        for key, message in problems[number]:
            column = FIELD_COLUMN.get(key, key)
            result.errors.append([number, headers.get(column, column), message])
    for number in sorted(warnings):
        for key, message in warnings[number]:
            result.warnings.append([number, headers.get(key, key), message])
    for number in sorted(flags):
        result.duplicates.append(
            {
                **flags[number],
                "registry": review.one_per_record(flags[number]["registry"]),
                "valid": number not in problems,
            }
        )
    flagged = result.flagged_rows
    result.summary = {
        "preview": [preview(row) for row in valid if row.row not in flagged][:PREVIEW_ROWS],
        "unknown_columns": sheet.unknown,
        "flagged_valid": len([row for row in valid if row.row in flagged]),
        "warnings": result.warnings,
        # The file's header of each column, to correct a cell named in an error or warning.
        "columns": {header: key for key, header in headers.items()},
    }
    progress(total)
    return result


def _identifier(value) -> str:
    return "".join(ch for ch in digits_text(value) if ch.isdigit())


def related_sheet(sheet: Sheet, number: int, corrections: dict) -> Sheet:
    """The row ``number`` with the rows of the file that share its NIK or KK: what checking that one row
    again needs of the rest of the file (after a cell of it was corrected)."""

    def identifiers(row_number, cells):
        values = sheet.values(cells) | corrections.get(str(row_number), {})
        return {_identifier(values.get("nik")), _identifier(values.get("kk"))} - {""}

    mine = next((identifiers(n, cells) for n, cells in sheet.rows if n == number), set())
    rows = [(n, cells) for n, cells in sheet.rows if n == number or (mine and identifiers(n, cells) & mine)]
    return Sheet(columns=sheet.columns, headers=sheet.headers, unknown=sheet.unknown, rows=rows)


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
