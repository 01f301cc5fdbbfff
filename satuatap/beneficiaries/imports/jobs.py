"""The life of a beneficiaries import: upload, check (a task), then save the chosen rows at once
(a task) or cancel.

    uploaded -> validating -> validated -> committing -> committed
                          \\-> failed              \\-> failed
    uploaded / validated / failed -> cancelled

Each step moves the status with a conditional UPDATE (``WHERE status = <expected>``), so a
double click, a second worker or a retried task finds nothing to do. While checked, a cell may be
corrected on the preview (``import_row_correct``): the correction is kept in the job and that
row is checked again. Saving registers every chosen row through ``services.beneficiary_register``
inside one transaction, and each chosen flagged row through
``services.beneficiary_register_possible_duplicate``, held as a possible duplicate of the record it
best matches (in the registry, or saved from an earlier row of the file): if any row is refused
now (a head registered meanwhile, say), nothing is saved and the job says which row and why.
"""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record
from satuatap.beneficiaries import services
from satuatap.beneficiaries.errors import BeneficiaryRefused
from satuatap.beneficiaries.imports import columns
from satuatap.beneficiaries.imports import rows as rows_module
from satuatap.beneficiaries.models import Beneficiary, BeneficiaryImport
from satuatap.core.errors import refusal_messages
from satuatap.core.import_jobs import Progress, job_move, upload_name
from satuatap.core.tabular import FileRefused, read_sheet
from satuatap.core.text import squash
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import require

logger = logging.getLogger(__name__)

CAPABILITY = "beneficiaries.import"
# A regency's list of 100,000 people goes in one file: about 20 MB as CSV in the template's columns
# (a filled address makes a row 200 bytes), 7 MB as XLSX; the rest is room for longer addresses.
MAX_BYTES = 40 * 1024 * 1024
MAX_ROWS = 100_000
Job = BeneficiaryImport
S = BeneficiaryImport.JobStatus


class ImportRefused(BeneficiaryRefused):
    """An import that cannot be uploaded, saved or cancelled as asked."""


def too_large_message() -> str:
    return _("The file is larger than %(max)s MB; split it into smaller files.") % {"max": MAX_BYTES // (1024 * 1024)}


def import_upload(*, actor, unit: Unit, filename: str, content: bytes, language: str = "id") -> Job:
    """Keep an uploaded list as a new import of ``unit`` and queue its check."""
    require(actor, CAPABILITY, unit)
    filename = upload_name(filename, content, ImportRefused)
    if len(content) > MAX_BYTES:
        raise ImportRefused(too_large_message(), field="file")
    job = Job.objects.create(
        institution_id=unit.institution_id,
        unit=unit,
        content=content,
        original_filename=filename,
        language=language if language in ("id", "en") else "id",
        created_by=actor,
    )
    _enqueue("validate", job.pk)
    return job


def _enqueue(step: str, job_id: int) -> None:
    task = import_validate_task if step == "validate" else import_commit_task
    transaction.on_commit(lambda: task.enqueue(job_id))


def _read(job: Job):
    return read_sheet(
        bytes(job.content), job.original_filename, columns.COLUMNS, max_rows=MAX_ROWS, max_bytes=MAX_BYTES
    )


def import_validate(job_id: int) -> Job | None:
    """Check every row of an uploaded list (the task's body); the job then shows the preview."""
    job = Job.objects.select_related("unit").filter(pk=job_id).first()
    if job is None or not job_move(job, S.UPLOADED, S.VALIDATING, progress=0):
        return job
    progress = Progress(job)
    with translation.override(job.language):
        try:
            sheet = _read(job)
            Job.objects.filter(pk=job.pk).update(total_rows=len(sheet.rows))
            if not sheet.rows:
                raise FileRefused(_("The file has a header but no rows."))
            checked = rows_module.check(unit=job.unit, sheet=sheet, progress=progress)
        except FileRefused as exc:
            job_move(job, S.VALIDATING, S.FAILED, message=exc.message)
            return job
        except Exception:
            logger.exception("beneficiaries import %s: the check stopped", job.pk)
            job_move(
                job,
                S.VALIDATING,
                S.FAILED,
                message=_("The check stopped on an unexpected error; nothing was saved. Try again or tell support."),
            )
            raise
        finally:
            progress.close()
    flagged = checked.flagged_rows
    Job.objects.filter(pk=job.pk, status=S.VALIDATING).update(
        total_rows=checked.total,
        valid_rows=len(checked.valid),
        error_rows=len(checked.error_rows),
        duplicate_rows=len(flagged),
        errors=checked.errors,
        duplicates=checked.duplicates,
        summary=checked.summary,
        progress=checked.total,
        status=S.VALIDATED,
    )
    job.refresh_from_db()
    return job


def includable(job: Job) -> set[int]:
    """The flagged rows that could be saved if the user chooses to (those without errors)."""
    return {d["row"] for d in job.duplicates or [] if d.get("valid")}


def rows_to_save(job: Job) -> int:
    flagged = {d["row"] for d in job.duplicates or []}
    return job.valid_rows - len(includable(job)) + len(set(job.include or []) & flagged)


def import_commit_request(*, actor, job: Job, include=(), include_all: bool = False) -> bool:
    """Ask for the valid rows of a checked import to be saved, with the flagged rows in ``include``
    (every flagged row without errors with ``include_all``); False if it was already asked or is done."""
    require(actor, CAPABILITY, job.unit)
    if job.status != S.VALIDATED:
        return False
    allowed = includable(job)
    try:
        chosen = sorted(allowed if include_all else {int(row) for row in include})
    except (TypeError, ValueError):
        raise ImportRefused(_("Choose the rows to include from the list.")) from None
    if not set(chosen) <= allowed:
        raise ImportRefused(_("Only rows flagged as possible duplicates and without errors can be included."))
    job.include = chosen
    if not rows_to_save(job):
        raise ImportRefused(_("No row would be saved: the file has no valid rows, or only flagged ones not chosen."))
    if not job_move(job, S.VALIDATED, S.COMMITTING, committed_by=actor, include=chosen, progress=0, message=""):
        return False
    _enqueue("commit", job.pk)
    return True


CORRECTION_MAX = 300


@transaction.atomic
def import_row_correct(*, actor, job: Job, row: int, column: str, value: str) -> dict:
    """Correct one cell of a checked import instead of uploading the file again: the value is kept in the
    job (saving uses it instead of the file's) and the row is checked again, with the rows of the file
    that share its NIK or KK and against the registry. Audited. Returns the row's new
    ``{"errors": [...], "warnings": [...], "flag": {...} | None}``."""
    require(actor, CAPABILITY, job.unit)
    job = Job.objects.select_for_update().select_related("unit").get(pk=job.pk)
    if job.status != S.VALIDATED:
        raise ImportRefused(_("Only an import that is checked and not yet saved can be corrected."))
    if column not in {c.key for c in columns.COLUMNS}:
        raise ImportRefused(_("Choose a column of the list to correct."), field="column")
    value = squash(value)
    if len(value) > CORRECTION_MAX:
        raise ImportRefused(_("The value is longer than %(max)s characters.") % {"max": CORRECTION_MAX}, field="value")
    with translation.override(job.language):
        try:
            sheet = _read(job)
        except FileRefused as exc:
            raise ImportRefused(exc.message) from None
        if row not in {number for number, _cells in sheet.rows}:
            raise ImportRefused(_("Row %(row)s is not in the file.") % {"row": row}, field="row")
        corrections = dict(job.corrections or {})
        before = corrections.get(str(row), {}).get(column)
        corrections[str(row)] = {**corrections.get(str(row), {}), column: value}
        checked = rows_module.check(
            unit=job.unit, sheet=rows_module.related_sheet(sheet, row, corrections), corrections=corrections
        )
    errors = [e for e in job.errors or [] if e[0] != row] + [e for e in checked.errors if e[0] == row]
    errors.sort(key=lambda e: e[0])
    flag = next((d for d in checked.duplicates if d["row"] == row), None)
    duplicates = [d for d in job.duplicates or [] if d["row"] != row] + ([flag] if flag else [])
    duplicates.sort(key=lambda d: d["row"])
    summary = dict(job.summary or {})
    warnings = [w for w in summary.get("warnings", []) if w[0] != row] + [w for w in checked.warnings if w[0] == row]
    summary["warnings"] = sorted(warnings, key=lambda w: w[0])
    error_rows = len({e[0] for e in errors})
    Job.objects.filter(pk=job.pk).update(
        corrections=corrections,
        errors=errors,
        duplicates=duplicates,
        summary=summary,
        error_rows=error_rows,
        valid_rows=job.total_rows - error_rows,
        duplicate_rows=len(duplicates),
        include=[r for r in job.include or [] if r != row],
    )
    shown = "•" * 8 + value[-4:] if column in ("nik", "kk") and value else value  # NIK and KK stay masked
    audit_record(
        actor=actor,
        action=AuditAction.IMPORT_CORRECTED,
        target=job,
        unit=job.unit,
        changes={
            "row": [None, row],
            column: [before and ("•" * 8 + before[-4:] if column in ("nik", "kk") else before), shown],
        },
        note=job.original_filename,
    )
    return {
        "errors": [e for e in errors if e[0] == row],
        "warnings": [w for w in warnings if w[0] == row],
        "flag": flag,
    }


def import_cancel(*, actor, job: Job) -> bool:
    """Drop an import that was not saved; the file is removed, the record that it was cancelled stays."""
    require(actor, CAPABILITY, job.unit)
    moved = job_move(job, [S.UPLOADED, S.VALIDATED, S.FAILED], S.CANCELLED, content=b"")
    if not moved and job.status != S.CANCELLED:
        raise ImportRefused(_("An import that is being saved or was saved cannot be cancelled."))
    return moved


def _refused(number: int, exc: ValidationError) -> str:
    name, message = refusal_messages(exc)[0]
    key = columns.FIELD_COLUMN.get(name or "", name or "")
    column = columns.HEADERS.get(key, key or "-")
    return _(
        "Nothing was saved: row %(row)s (column %(column)s) is refused now: %(message)s "
        "Correct the file and upload it again."
    ) % {"row": number, "column": column, "message": message}


def _registry_matches(flags: dict, institution_id: int) -> dict:
    """The registry records the flags name, by id, each as the record in use it stands for now
    (the one it was merged into, or the one it is held against)."""
    ids = sorted({c["id"] for flag in flags.values() for c in flag.get("registry", [])})
    records = {}
    for start in range(0, len(ids), 500):
        records.update(
            Beneficiary.objects.filter(pk__in=ids[start : start + 500], institution_id=institution_id)
            .select_related("merged_into", "possible_duplicate_of")
            .in_bulk()
        )
    out = {}
    for pk, record in records.items():
        record = record.merged_into or record
        out[pk] = record.possible_duplicate_of if record.possible_duplicate_of_id else record
    return out


def _best_match(flag: dict, by_row: dict, records: dict):
    """The record a flagged row is held against: its best registry match still in use, else the record
    saved from (or held against by) the earliest row of the file it repeats; None if neither."""
    for candidate in sorted(flag.get("registry", []), key=lambda c: -c["score"]):
        if candidate["id"] in records:
            return records[candidate["id"]]
    for twin in sorted(flag.get("file", []), key=lambda t: t["row"]):
        if twin["row"] in by_row:
            return by_row[twin["row"]]
    return None


def _held_reason(flag: dict, of) -> str:
    """Why a row was kept as a possible duplicate, as the record will show it."""
    reasons = [twin["reason"] for twin in flag.get("file", [])]
    reasons += [reason for candidate in flag.get("registry", []) for reason in candidate.get("reasons", [])]
    parts = []
    if reasons:
        parts.append(_("Imported; matched on: %(reasons)s.") % {"reasons": ", ".join(dict.fromkeys(reasons))})
    parts += flag.get("discrepancies", [])
    return " ".join(parts)[:2000]


def import_commit(job_id: int) -> Job | None:
    """Register the chosen rows, all or nothing (the task's body)."""
    job = Job.objects.select_related("unit", "committed_by").filter(pk=job_id).first()
    if job is None or job.status != S.COMMITTING:
        return job
    actor = job.committed_by
    progress = Progress(job)
    errors = {row for row, _column, _message in job.errors or []}
    flagged = {d["row"] for d in job.duplicates or []}
    include = set(job.include or [])
    with translation.override(job.language):
        try:
            with transaction.atomic():
                if not Job.objects.filter(pk=job.pk, status=S.COMMITTING).exists():
                    return job  # another run of this task saved it meanwhile
                require(actor, CAPABILITY, job.unit)
                sheet = _read(job)
                read = rows_module.read_rows(
                    sheet, job.unit.institution_id, rules=False, corrections=job.corrections or {}
                )
                chosen = [
                    row for row, _e in read if row.row not in errors and (row.row not in flagged or row.row in include)
                ]
                unreadable = sorted({row.row for row, cell_errors in read if cell_errors} - errors)
                if unreadable:
                    raise ImportRefused(
                        _("Nothing was saved: row %(row)s can no longer be read; upload the file again.")
                        % {"row": unreadable[0]}
                    )
                saved = []
                flags = {d["row"]: d for d in job.duplicates or [] if d["row"] in include}
                records = _registry_matches(flags, job.unit.institution_id)
                by_row: dict[int, object] = {}  # row -> the record saved from it, or the one it was held against
                for done, row in enumerate(chosen, start=1):
                    try:
                        if row.row in flags:
                            of = _best_match(flags[row.row], by_row, records)
                            beneficiary = services.beneficiary_register_possible_duplicate(
                                actor=actor,
                                unit=job.unit,
                                of=of,
                                reason=_held_reason(flags[row.row], of),
                                consent=row.consent,
                                **row.fields,
                            )
                            by_row[row.row] = of or beneficiary
                        else:
                            beneficiary = services.beneficiary_register(
                                actor=actor, unit=job.unit, consent=row.consent, **row.fields
                            )
                            by_row[row.row] = beneficiary
                    except BeneficiaryRefused as exc:
                        raise ImportRefused(_refused(row.row, exc)) from None
                    saved.append(beneficiary)
                    if done % rows_module.PROGRESS_EVERY == 0:
                        progress(done)
                audit_record(
                    actor=actor,
                    action=AuditAction.IMPORT_COMMITTED,
                    target=job,
                    unit=job.unit,
                    changes={"status": [S.VALIDATED, S.COMMITTED], "rows": [None, len(saved)]},
                    note=job.original_filename,
                )
                summary = dict(job.summary or {})
                if saved:
                    summary["saved"] = {"count": len(saved), "first": saved[0].number, "last": saved[-1].number}
                Job.objects.filter(pk=job.pk).update(
                    status=S.COMMITTED,
                    committed_at=timezone.now(),
                    saved_rows=len(saved),
                    progress=job.total_rows,
                    summary=summary,
                    message="",
                    content=b"",  # the list holds NIKs in the clear; the registry now holds them encrypted
                )
        except (ValidationError, FileRefused) as exc:
            message = exc.message if isinstance(exc, FileRefused) else " ".join(exc.messages)
            job_move(job, S.COMMITTING, S.FAILED, message=message)
        except PermissionDenied as exc:
            job_move(job, S.COMMITTING, S.FAILED, message=str(exc) or _("Your role does not allow saving this import."))
        except DatabaseError:
            logger.exception("beneficiaries import %s: saving failed", job.pk)
            job_move(
                job,
                S.COMMITTING,
                S.FAILED,
                message=_("Saving failed on a database error; nothing was saved. Try again in a moment."),
            )
        except Exception:
            logger.exception("beneficiaries import %s: saving stopped", job.pk)
            job_move(
                job,
                S.COMMITTING,
                S.FAILED,
                message=_("Saving stopped on an unexpected error; nothing was saved. Tell support."),
            )
            raise
        finally:
            progress.close()
    job.refresh_from_db()
    return job


# The background tasks of an import (django-tasks), listed by the app's ``tasks``: the check and the
# saving of a list.


@task()
def import_validate_task(job_id: int) -> None:
    import_validate(job_id)


@task()
def import_commit_task(job_id: int) -> None:
    import_commit(job_id)
