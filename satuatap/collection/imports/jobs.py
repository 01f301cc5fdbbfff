"""The life of an import: upload, check (a task), then save all valid rows at once (a task) or cancel.

    uploaded -> validating -> validated -> committing -> committed
                          \\-> failed              \\-> failed
    uploaded / validated / failed -> cancelled

Each step moves the status with a conditional UPDATE (``WHERE status = <expected>``), so
a double click, a second worker or a retried task finds nothing to do: saving the same
job twice saves nothing the second time. Saving checks every row again inside the
saving transaction: if a row that was valid at the preview no longer is (a donor merged,
a month closed since), nothing is saved and the job says which row and why.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from satuatap.collection.imports import tasks
from satuatap.collection.imports.common import ImportRefused
from satuatap.collection.imports.steps import capability, columns, import_commit, import_validate
from satuatap.collection.models import ImportJob, ImportKind, ImportStatus
from satuatap.core.errors import combined
from satuatap.core.import_jobs import job_move, upload_name
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import require

__all__ = [
    "capability",
    "columns",
    "import_cancel",
    "import_commit",
    "import_commit_request",
    "import_upload",
    "import_upload_check",
    "import_validate",
]


def import_upload_check(*, kind: str | None = None, filename: str | None = None, content: bytes | None = None) -> None:
    """Refuse, naming both fields at once, what ``import_upload`` would refuse in the kind and the file
    (not an Excel or CSV file, or empty). A field left out (None) is not checked: the upload form asks
    with its well-formed fields, so a wrong file type shows in the same round as its own mistakes."""
    refusals: list[ValidationError] = []
    if kind is not None and kind not in ImportKind.values:
        refusals.append(ImportRefused(_("Choose what the file holds: donors or donations."), field="kind"))
    if filename is not None:
        try:
            upload_name(filename, content, ImportRefused)
        except ImportRefused as exc:
            refusals.append(exc)
    if refusals:
        raise ImportRefused(combined(refusals))


def import_upload(*, actor, unit: Unit, kind: str, filename: str, content: bytes, language: str = "id") -> ImportJob:
    """Keep an uploaded file as a new import of ``unit`` and queue its check."""
    import_upload_check(kind=kind, filename=filename or "", content=content)
    require(actor, capability(kind), unit)
    filename = upload_name(filename, content, ImportRefused)
    job = ImportJob.objects.create(
        institution_id=unit.institution_id,
        unit=unit,
        kind=kind,
        content=content,
        original_filename=filename,
        language=language if language in ("id", "en") else "id",
        created_by=actor,
    )
    _enqueue("validate", job.pk)
    return job


def _enqueue(step: str, job_id: int) -> None:
    task = tasks.import_validate if step == "validate" else tasks.import_commit
    transaction.on_commit(lambda: task.enqueue(job_id))


def import_commit_request(*, actor, job: ImportJob) -> bool:
    """Ask for the valid rows of a checked import to be saved; False if it was already asked or is done."""
    require(actor, capability(job.kind), job.unit)
    if job.kind == ImportKind.DONATIONS:
        require(actor, "collection.record", job.unit)
    if job.status == ImportStatus.VALIDATED and not job.valid_rows:
        raise ImportRefused(_("This file has no valid rows to save."))
    if not job_move(job, ImportStatus.VALIDATED, ImportStatus.COMMITTING, committed_by=actor, progress=0):
        return False
    _enqueue("commit", job.pk)
    return True


def import_cancel(*, actor, job: ImportJob) -> bool:
    """Drop an import that was not saved; nothing of it is kept but the record that it was cancelled."""
    require(actor, capability(job.kind), job.unit)
    moved = job_move(
        job,
        [ImportStatus.UPLOADED, ImportStatus.VALIDATED, ImportStatus.FAILED],
        ImportStatus.CANCELLED,
        content=b"",
    )
    if not moved and job.status != ImportStatus.CANCELLED:
        raise ImportRefused(_("An import that is being saved or was saved cannot be cancelled."))
    return moved
