"""Reads of disbursement batches: the batches in a user's units, their recipients, and the rows of an
uploaded recipients file.
"""

from collections import defaultdict
from dataclasses import dataclass
from types import SimpleNamespace

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satuatap.beneficiaries.models import Assessment, Beneficiary
from satuatap.beneficiaries.selectors import beneficiaries_for
from satuatap.core.crypto import blind_index
from satuatap.core.money import MAX_RUPIAH
from satuatap.core.tabular import CellError, Column, FileRefused, digits_text, parse_rupiah, read_sheet, text
from satuatap.core.text import squash
from satuatap.distribution import selectors
from satuatap.distribution.errors import DistributionRefused
from satuatap.distribution.models import (
    AidKind,
    Application,
    Batch,
    Program,
)
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import require
from satuatap.organizations.selectors import subtree_q

MAX_RECIPIENTS = 4000  # one journal entry holds a line per recipient, and the ledger takes 5,000 lines
# Given one by one: goods from the stock, loans with their own repayment schedule.
NOT_IN_BATCHES = (AidKind.GOODS, AidKind.LOAN)


def row_refusal(number: int, person: Beneficiary | None, message: str) -> str:
    who = person.number if person is not None else "?"
    return _("Row %(row)s (%(who)s): %(message)s") % {"row": number, "who": who, "message": message}


def _latest_assessments(people) -> dict[int, Assessment]:
    """Each person's latest field assessment (linked to their application, as ``application_assess`` does)."""
    latest: dict[int, Assessment] = {}
    rows = (
        Assessment.objects.filter(beneficiary__in=[p.pk for p in people])
        .only("pk", "beneficiary_id", "assessed_on", "score")
        .order_by("beneficiary_id", "-assessed_on", "-id")
    )
    for assessment in rows:
        latest.setdefault(assessment.beneficiary_id, assessment)
    return latest


def _valid_amount(amount) -> bool:
    return not isinstance(amount, bool) and isinstance(amount, int) and 0 < amount <= MAX_RUPIAH


# What the checks read of a person (not their encrypted identifiers): a batch checks thousands at once.
_CHECKED_FIELDS = (
    "pk", "institution", "kind", "full_name", "status", "asnaf", "province", "regency", "district",
    "household", "merged_into", "erased_at", "possible_duplicate_of",
)  # fmt: skip


def rows_checked(actor, unit: Unit, program: Program, rows: list[tuple]):
    """``(problems, latest assessments)`` of ``rows``, see ``row_problems``."""
    # The records as they are now (the caller's copies may be older), only those the actor may see.
    fresh = (
        beneficiaries_for(actor).filter(pk__in=[person.pk for person, _a, _n in rows]).only(*_CHECKED_FIELDS).in_bulk()
    )
    latest = _latest_assessments(list(fresh.values()))
    problems: list[tuple[int, str]] = []
    seen: set[int] = set()
    for number, (given, amount, need) in enumerate(rows, start=1):
        person = fresh.get(given.pk)
        if person is None:
            problems.append((number, _("this person is not registered in your units.")))
            continue
        if person.pk in seen:
            problems.append((number, _("this person is already in the batch.")))
        seen.add(person.pk)
        if person.institution_id != unit.institution_id or person.is_merged or person.erased_at:
            problems.append((number, _("the record is closed or of another institution.")))
            continue
        if not _valid_amount(amount):
            problems.append((number, _("enter a positive amount in whole rupiah.")))
        if not squash(need):
            problems.append((number, _("describe the need.")))
        # What ``selectors.eligibility_problems`` reads of an application, without building one per row.
        assessment = latest.get(person.pk)
        draft = SimpleNamespace(
            beneficiary=person, program=program, assessment=assessment, assessment_id=assessment and assessment.pk
        )
        problems += [(number, problem) for problem in selectors.eligibility_problems(draft)]
    return problems, latest


def row_problems(*, actor, unit: Unit, program: Program, rows: list[tuple]) -> list[tuple[int, str]]:
    """What refuses each of ``rows`` = [(beneficiary, amount, need), ...] from a batch of ``program`` at
    ``unit``: ``[(position from 1, message), ...]``. The person must be in the actor's registry, once
    in the list, open, and eligible under the program (status, asnaf, region, documents, need score)."""
    return rows_checked(actor, unit, program, rows)[0]


def program_check(unit: Unit, program: Program) -> None:
    if program.institution_id != unit.institution_id:
        raise DistributionRefused(_("The program belongs to another institution."), field="program")
    if program.aid_kind in NOT_IN_BATCHES:
        raise DistributionRefused(
            _(
                "%(kind)s is given one by one (goods from the stock, loans with their own repayment "
                "schedule), not in a batch; take an application per person."
            )
            % {"kind": program.get_aid_kind_display()},
            field="program",
        )
    if not program.is_active or not (program.start_date <= timezone.localdate() <= program.end_date):
        raise DistributionRefused(_("This program is not open for applications now."), field="program")
    if not program.unit.contains(unit):
        raise DistributionRefused(
            _("This program is run by another office; choose one of this office or above it."), field="program"
        )


# --- a list of recipients from a spreadsheet ---------------------------------------------------

IMPORT_COLUMNS = [
    Column(
        "nik",
        gettext_lazy("NIK"),
        "3318015508900003",
        ("no ktp", "ktp", "no nik", "nomor nik", "nomor ktp"),
        help=gettext_lazy("16 digits; or leave empty and give the beneficiary number."),
    ),
    Column(
        "number",
        gettext_lazy("Beneficiary number"),
        "LAZ-M0000001",
        ("nomor", "no", "nomor mustahik", "no mustahik", "nomor penerima", "no penerima", "nomor penerima manfaat"),
        help=gettext_lazy("As in the registry; or leave empty and give the NIK."),
    ),
    Column(
        "amount",
        gettext_lazy("Amount"),
        "300000",
        ("jumlah", "nominal", "nilai", "besaran", "jumlah bantuan", "rupiah", "amount rp", "jumlah rp"),
        help=gettext_lazy("Whole rupiah; empty: the default amount of the batch."),
    ),
    Column(
        "need",
        gettext_lazy("Need"),
        "",
        ("kebutuhan", "keterangan", "uraian", "description", "note", "catatan"),
        help=gettext_lazy("Empty: the need written for the whole batch."),
    ),
]


@dataclass
class ImportedRow:
    row: int  # the row number the spreadsheet shows
    person: Beneficiary
    amount: int
    need: str


@dataclass
class RowError:
    row: int
    value: str  # what identified the person in the file (a NIK shown masked)
    message: str
    name: str = ""  # the person found, when one was


def _shown_nik(nik: str) -> str:
    return nik[:4] + "•" * 8 + nik[-4:] if len(nik) == 16 else nik


def batch_rows_read(
    *, actor, unit: Unit, program: Program, content: bytes, filename: str, default_amount: int | None, need: str
) -> tuple[list[ImportedRow], list[RowError]]:
    """Read a list of recipients (NIK or beneficiary number, amount, need) and check every row as
    ``batch_prepare`` will, with the file's row numbers: the rows in order, and every problem. Nothing
    is saved; a file that cannot be read at all is refused (field "file")."""
    require(actor, "distribution.recommend", unit)
    program_check(unit, program)
    try:
        sheet = read_sheet(content, filename, IMPORT_COLUMNS, max_rows=MAX_RECIPIENTS)
    except FileRefused as exc:
        raise DistributionRefused(exc.message, field="file") from None
    if "nik" not in sheet.columns and "number" not in sheet.columns:
        raise DistributionRefused(
            _("The file needs a column NIK or Beneficiary number (row 1 is read as the header)."), field="file"
        )
    if not sheet.rows:
        raise DistributionRefused(_("The file has no rows below its header."), field="file")
    need = squash(need)
    parsed, errors = [], []
    for number, cells in sheet.rows:
        values = sheet.values(cells)
        nik = "".join(c for c in digits_text(values.get("nik")) if c.isdigit())
        code = text(values.get("number"))
        shown = code or _shown_nik(nik)
        if not nik and not code:
            errors.append(RowError(number, "", _("give the NIK or the beneficiary number.")))
            continue
        if nik and len(nik) != 16:
            errors.append(
                RowError(number, shown, _("a NIK has 16 digits; this one has %(count)s.") % {"count": len(nik)})
            )
            continue
        try:
            amount = parse_rupiah(values.get("amount"))
        except CellError as exc:
            errors.append(RowError(number, shown, exc.message))
            continue
        if amount is None:
            amount = default_amount
        if amount is None:
            errors.append(RowError(number, shown, _("no amount, and the batch has no default amount.")))
            continue
        parsed.append((number, nik, code, shown, amount, text(values.get("need"))[:5000] or need))
    people = beneficiaries_for(actor).filter(institution_id=unit.institution_id)
    by_nik: dict[str, list[Beneficiary]] = defaultdict(list)
    hashes = {blind_index("nik", nik): nik for _n, nik, _c, _s, _a, _d in parsed if nik}
    for person in people.filter(nik_hash__in=list(hashes), merged_into__isnull=True):
        by_nik[hashes[person.nik_hash]].append(person)
    # Numbers are upper case (``<institution code>-M<seq>``); a list typed in lower case still matches.
    codes = {v for _n, _k, code, _s, _a, _d in parsed if code for v in (code, code.upper())}
    by_number = {p.number.upper(): p for p in people.filter(number__in=codes).select_related("merged_into")}
    resolved: list[tuple[int, str, Beneficiary, int, str]] = []
    for number, nik, code, shown, amount, row_need in parsed:
        person = by_number.get(code.upper()) if code else None
        if code and person is None:
            errors.append(RowError(number, shown, _("no person with this number in your registry.")))
            continue
        if nik:
            found = by_nik.get(nik, [])
            if person is not None and found and person not in found:
                errors.append(RowError(number, shown, _("the NIK and the number are of different people.")))
                continue
            if person is None:
                if not found:
                    errors.append(RowError(number, shown, _("no person with this NIK in your registry.")))
                    continue
                if len(found) > 1:
                    errors.append(
                        RowError(number, shown, _("several records have this NIK; give the beneficiary number."))
                    )
                    continue
                person = found[0]
        if person.is_merged:
            errors.append(
                RowError(
                    number,
                    shown,
                    _("this record was merged into %(other)s; use that number.")
                    % {"other": person.merged_into.number if person.merged_into_id else "?"},
                )
            )
            continue
        resolved.append((number, shown, person, amount, row_need))
    rows = [(person, amount, row_need) for _n, _s, person, amount, row_need in resolved]
    refused: set[int] = set()
    for position, message in row_problems(actor=actor, unit=unit, program=program, rows=rows):
        number, shown, person, _a, _d = resolved[position - 1]
        errors.append(RowError(number, shown, message, person.full_name))
        refused.add(position)
    errors.sort(key=lambda e: e.row)
    fine = [
        ImportedRow(number, person, amount, row_need)
        for position, (number, _s, person, amount, row_need) in enumerate(resolved, start=1)
        if position not in refused
    ]
    return fine, errors


# --- reads ---------------------------------------------------------------------------------------


def batches_for(user, *, within: Unit | None = None) -> QuerySet[Batch]:
    """The batches of the units in whose subtree the user holds ``distribution.view``."""
    rows = Batch.objects.filter(subtree_q(user, "distribution.view"))
    if within is not None:
        rows = rows.filter(unit__path__startswith=within.path)
    return rows.select_related("unit", "program", "prepared_by", "approved_by")


def batch_for(user, pk) -> Batch:
    """The batch with ``pk`` if the user may see it; 404 otherwise (no hint that it exists)."""
    try:
        return batches_for(user).get(pk=pk)
    except (Batch.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def recipients_of(batch: Batch) -> QuerySet[Application]:
    return batch.applications.select_related("beneficiary", "beneficiary__household", "program", "assessment").order_by(
        "pk"
    )


def recipient_checks(batch: Batch, applications) -> None:
    """Set ``problems`` and ``warnings`` on each of ``applications`` of a batch still to be decided:
    the eligibility and fair-share checks ``batch_decide`` will make (empty once decided)."""
    for application in applications:
        application.problems, application.warnings = [], []
        if batch.status == Batch.BatchStatus.PREPARED:
            application.problems = selectors.eligibility_problems(application)
            application.warnings = selectors.fair_share_warnings(application, application.recommended_amount)
