"""The two steps of an import that a task runs: checking an uploaded file (``import_validate``) and
saving its valid rows (``import_commit``); ``jobs`` moves a job to them and ``tasks`` runs them.
"""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record
from satuatap.collection.imports import donations, donors, saving
from satuatap.collection.imports.common import ImportRefused
from satuatap.collection.imports.reading import FileRefused, read_sheet
from satuatap.collection.models import ImportJob, ImportKind, ImportStatus
from satuatap.core.import_jobs import Progress, job_move
from satuatap.organizations.permissions import require

logger = logging.getLogger(__name__)

MODULES = {ImportKind.DONORS: donors, ImportKind.DONATIONS: donations}
# How each kind's checked rows are saved (donors save their own; donations through ``saving``).
COMMITS = {ImportKind.DONORS: donors.commit, ImportKind.DONATIONS: saving.commit}
COMMITTING = ImportStatus.COMMITTING


def capability(kind: str) -> str:
    return MODULES[kind].CAPABILITY


def columns(kind: str):
    return MODULES[kind].COLUMNS


def _read(job: ImportJob):
    return read_sheet(bytes(job.content), job.original_filename, columns(job.kind))


def import_validate(job_id: int) -> ImportJob | None:
    """Check every row of an uploaded file (the task's body); the job then shows the preview."""
    job = ImportJob.objects.select_related("unit").filter(pk=job_id).first()
    if job is None or not job_move(job, ImportStatus.UPLOADED, ImportStatus.VALIDATING, progress=0):
        return job
    progress = Progress(job)
    with translation.override(job.language):
        try:
            sheet = _read(job)
            ImportJob.objects.filter(pk=job.pk).update(total_rows=len(sheet.rows))
            checked = MODULES[job.kind].check(unit=job.unit, sheet=sheet, progress=progress)
        except FileRefused as exc:
            _fail(job, exc.message, ImportStatus.VALIDATING)
            return job
        except Exception:
            logger.exception("import %s: the check stopped", job.pk)
            _fail(
                job,
                _("The check stopped on an unexpected error; nothing was saved. Try again or tell support."),
                ImportStatus.VALIDATING,
            )
            raise
        finally:
            progress.close()
    job.total_rows = checked.total
    job.valid_rows = len(checked.valid)
    job.error_rows = len(checked.error_rows)
    job.errors = checked.errors
    job.summary = checked.summary
    job.progress = checked.total
    job.status = ImportStatus.VALIDATED
    job.save(update_fields=["total_rows", "valid_rows", "error_rows", "errors", "summary", "progress", "status"])
    return job


def _fail(job: ImportJob, message: str, running: str) -> None:
    """Mark the ``running`` step failed, unless another run of it has finished meanwhile (a task
    delivered twice: the run that lost the race must not undo the one that won)."""
    job_move(job, running, ImportStatus.FAILED, message=message)


def _lost_rows(checked, chosen: set[int]) -> str:
    """Why rows chosen at the preview are refused now (the first five), or ''."""
    lost = [error for error in checked.errors if error[0] in chosen]
    if not lost:
        return ""
    shown = "; ".join(
        _("Row %(row)s, column %(column)s: %(message)s") % {"row": r, "column": c, "message": m} for r, c, m in lost[:5]
    )
    return _(
        "Nothing was saved: %(count)s rows that were valid at the preview are refused now (%(rows)s). "
        "Upload the file again to check it anew."
    ) % {"count": len({e[0] for e in lost}), "rows": shown}


def import_commit(job_id: int) -> ImportJob | None:
    """Save every row that was valid at the preview, all or nothing (the task's body)."""
    job = ImportJob.objects.select_related("unit", "committed_by").filter(pk=job_id).first()
    if job is None or job.status != ImportStatus.COMMITTING:
        return job
    module = MODULES[job.kind]
    actor = job.committed_by
    progress = Progress(job)
    refused = {row for row, _column, _message in job.errors}
    with translation.override(job.language):
        try:
            with transaction.atomic():
                if not ImportJob.objects.filter(pk=job.pk, status=ImportStatus.COMMITTING).exists():
                    return job  # another run of this task saved it meanwhile
                sheet = _read(job)
                chosen = {number for number, _cells in sheet.rows} - refused
                checked = module.check(unit=job.unit, sheet=sheet, progress=progress)
                reason = _lost_rows(checked, chosen)
                if reason:
                    raise ImportRefused(reason)
                rows = [row for row in checked.valid if row.row in chosen]
                require(actor, module.CAPABILITY, job.unit)
                outcome = COMMITS[job.kind](actor=actor, unit=job.unit, rows=rows, job_id=job.pk)
                audit_record(
                    actor=actor,
                    action=AuditAction.IMPORT_COMMITTED,
                    target=job,
                    unit=job.unit,
                    changes={"status": [ImportStatus.VALIDATED, ImportStatus.COMMITTED], "rows": [None, len(rows)]},
                    note=job.original_filename,
                )
                job.summary = {**job.summary, "saved": outcome}
                job.status = ImportStatus.COMMITTED
                job.committed_at = timezone.now()
                job.progress = job.total_rows
                job.message = ""
                job.save(update_fields=["summary", "status", "committed_at", "progress", "message"])
        except (ValidationError, FileRefused) as exc:
            _fail(job, exc.message if isinstance(exc, FileRefused) else " ".join(exc.messages), COMMITTING)
        except PermissionDenied as exc:
            _fail(job, str(exc) or _("Your role does not allow saving this import."), COMMITTING)
        except DatabaseError:
            logger.exception("import %s: saving failed", job.pk)
            _fail(job, _("Saving failed on a database error; nothing was saved. Try again in a moment."), COMMITTING)
        except Exception:
            logger.exception("import %s: saving stopped", job.pk)
            _fail(job, _("Saving stopped on an unexpected error; nothing was saved. Tell support."), COMMITTING)
            raise
        finally:
            progress.close()
    return job
