"""The mechanics every spreadsheet import shares (donors and donations in collection, the
beneficiary registry): naming the uploaded file, moving a job between statuses so that a double
click or a task delivered twice finds nothing to do, showing progress from inside the saving
transaction, and writing uploaded text back to a spreadsheet without letting it become a formula.
Each app keeps its own job model, rows and rules."""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_NAME = 200
EXTENSIONS = (".xlsx", ".csv", ".txt")


class ImportStatus(models.TextChoices):
    """uploaded -> validating -> validated -> committing -> committed (or failed); cancelled."""

    UPLOADED = "uploaded", gettext_lazy("Uploaded")
    VALIDATING = "validating", gettext_lazy("Checking")
    VALIDATED = "validated", gettext_lazy("Checked")
    COMMITTING = "committing", gettext_lazy("Saving")
    COMMITTED = "committed", gettext_lazy("Saved")
    FAILED = "failed", gettext_lazy("Failed")
    CANCELLED = "cancelled", gettext_lazy("Cancelled")


class ImportJobBase(models.Model):
    """One uploaded spreadsheet: checked row by row in the background, then saved all at once.

    The file is kept in the row (``content``) so a background worker on another process can read
    it. ``errors`` holds every refused row as ``[row, column, message]``; ``summary`` the counts
    and the first valid rows for the preview. A concrete job adds what its rows need, its
    constraints and its history.
    """

    institution = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=gettext_lazy("unit")
    )
    content = models.BinaryField(editable=False)
    original_filename = models.CharField(gettext_lazy("file"), max_length=200)
    language = models.CharField(max_length=8, default="id")
    status = models.CharField(
        gettext_lazy("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    total_rows = models.PositiveIntegerField(gettext_lazy("rows"), default=0)
    valid_rows = models.PositiveIntegerField(gettext_lazy("valid rows"), default=0)
    error_rows = models.PositiveIntegerField(gettext_lazy("rows with errors"), default=0)
    progress = models.PositiveIntegerField(gettext_lazy("rows processed"), default=0)
    errors = models.JSONField(default=list, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    message = models.TextField(gettext_lazy("message"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(gettext_lazy("uploaded at"), auto_now_add=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    committed_at = models.DateTimeField(gettext_lazy("saved at"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.original_filename}"

    @property
    def is_running(self) -> bool:
        return self.status in (ImportStatus.UPLOADED, ImportStatus.VALIDATING, ImportStatus.COMMITTING)

    @property
    def percent(self) -> int:
        """Progress of the running pass, 0 to 100."""
        if not self.total_rows:
            return 0
        return min(100, self.progress * 100 // self.total_rows)


def upload_name(filename: str | None, content: bytes, error) -> str:
    """The file's own name (no folders, at most ``MAX_NAME`` characters) once the file is one we read;
    otherwise ``error`` (a ``DomainError`` class) naming the field "file"."""
    filename = (filename or "").replace("\\", "/").rsplit("/", 1)[-1][:MAX_NAME]
    if not filename.lower().endswith(EXTENSIONS):
        raise error(_("Upload an Excel (.xlsx) or CSV (.csv) file."), field="file")
    if not content:
        raise error(_("The file is empty."), field="file")
    return filename


def job_move(job, expected, status, **fields) -> bool:
    """Move ``job`` from one of ``expected`` to ``status`` (with ``fields``) unless someone else did
    first: a conditional UPDATE, so only one of two concurrent callers wins. A model with a field
    history gets a history row for the step."""
    expected = [expected] if isinstance(expected, str) else list(expected)
    moved = type(job).objects.filter(pk=job.pk, status__in=expected).update(status=status, **fields)
    if moved:
        job.refresh_from_db()
        if hasattr(type(job), "history"):
            job.save(update_fields=["status"])
    return bool(moved)


class Progress:
    """Writes the rows processed to the job's ``progress`` as the work goes on.

    Inside the saving transaction the count would stay invisible until the end, so on
    PostgreSQL it goes through a second connection of its own; SQLite has one writer at
    a time, so there the bar shows no count while saving.
    """

    def __init__(self, job):
        self.model = type(job)
        self.job_id = job.pk
        self.side = None

    def __call__(self, done: int) -> None:
        if not connection.in_atomic_block:
            self.model.objects.filter(pk=self.job_id).update(progress=done)
            return
        if connection.vendor != "postgresql":
            return
        if self.side is None:
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)
        with self.side.cursor() as cursor:
            table = self.model._meta.db_table
            cursor.execute(f"UPDATE {table} SET progress = %s WHERE id = %s", [done, self.job_id])  # noqa: S608

    def close(self) -> None:
        if self.side is not None:
            self.side.close()


def inert(text) -> str:
    """Text from an uploaded file, made safe to open in a spreadsheet (no formula can start it)."""
    text = str(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
