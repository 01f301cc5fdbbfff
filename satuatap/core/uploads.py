"""Scans and photos people upload (KTP/KK, certificates, aid receipts, transfer proofs): checked by
their first bytes and size, kept in the private storage (``STORAGES["private"]``, outside the web
root, with no URL) under a random name, and served only by views that check a permission."""

import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satuatap.core.errors import DomainError

# The file types an upload may be, recognised by their first bytes (never by the name alone).
FILE_TYPES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)


@dataclass(frozen=True)
class Kept:
    path: str
    original_name: str
    content_type: str
    size: int
    sha256: str


class KeptFileBase(models.Model):
    """A file kept by ``keep_upload``: where it is in the private storage (a random name, never the
    uploaded one), what it was called, its type, size and checksum, who uploaded it and when."""

    path = models.CharField(max_length=200, editable=False)
    original_name = models.CharField(gettext_lazy("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:  # each concrete model has a ``kind`` field with choices
        return f"{self.get_kind_display()}: {self.original_name}"

    @staticmethod
    def fields_of(kept: "Kept") -> dict:
        """The model fields of a kept upload, to create a row with."""
        return {
            "path": kept.path,
            "original_name": kept.original_name,
            "content_type": kept.content_type,
            "size": kept.size,
            "sha256": kept.sha256,
        }


def sniff(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a PDF, JPEG, PNG or WebP file from its first bytes; None otherwise."""
    for magic, content_type, extension in FILE_TYPES:
        if head.startswith(magic):
            return content_type, extension
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", ".webp"
    return None


def keep_upload(upload, folder: str, error: type[DomainError] = DomainError, field: str = "file") -> Kept:
    """Check ``upload`` (type, at most ``DOCUMENT_MAX_BYTES``, not empty) and keep it under ``folder``
    of the private storage; ``error`` names ``field`` when it is refused."""
    if upload is None:
        raise error(_("Choose a file to upload."), field=field)
    limit = settings.DOCUMENT_MAX_BYTES
    if upload.size > limit:
        raise error(
            _("This file is %(size)s MB; a document may be at most %(max)s MB.")
            % {"size": round(upload.size / 1048576, 1), "max": round(limit / 1048576, 1)},
            field=field,
        )
    if not upload.size:
        raise error(_("This file is empty."), field=field)
    data = upload.read()
    sniffed = sniff(data[:16])
    if sniffed is None:
        raise error(_("Upload a PDF, JPEG, PNG or WebP file; this file is of another type."), field=field)
    content_type, extension = sniffed
    path = storages["private"].save(f"{folder}/{secrets.token_hex(16)}{extension}", ContentFile(data))
    return Kept(
        path=path,
        original_name=(getattr(upload, "name", "") or "document")[-200:],
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def open_kept(path: str):
    return storages["private"].open(path, "rb")


def forget_kept(path: str) -> None:
    storages["private"].delete(path)


# --- files held across a form's round trip --------------------------------------------------------------
# A form sent back with an error elsewhere keeps the files already chosen (choosing a KTP photo again
# on a phone is painful): each is held in the private storage under a random name, named in the page
# by a signed token only (a hidden field), and dropped after ``HELD_MAX_AGE`` or once the form is saved.

HELD_FOLDER = "held"
HELD_MAX_AGE = 2 * 60 * 60  # seconds: long enough to correct a form, short enough not to keep scans
_HELD_SALT = "satuatap.core.uploads.held"


def hold_upload(upload) -> str | None:
    """Hold an acceptable ``upload`` (its type and size checked as ``keep_upload`` does) for the form's
    next round; the signed token that names it, or None when the file would be refused anyway."""
    purge_held()
    if upload is None or not upload.size or upload.size > settings.DOCUMENT_MAX_BYTES:
        return None
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    sniffed = sniff(data[:16])
    if sniffed is None:
        return None
    path = storages["private"].save(f"{HELD_FOLDER}/{secrets.token_hex(16)}{sniffed[1]}", ContentFile(data))
    name = (getattr(upload, "name", "") or "document")[-200:]
    return signing.dumps({"path": path, "name": name}, salt=_HELD_SALT, compress=True)


def _held(token: str, max_age: int | None = HELD_MAX_AGE) -> dict | None:
    try:
        value = signing.loads(str(token or "")[:2000], salt=_HELD_SALT, max_age=max_age)
    except signing.BadSignature:  # tampered with, made up, or expired
        return None
    if not isinstance(value, dict) or not str(value.get("path", "")).startswith(f"{HELD_FOLDER}/"):
        return None
    return value


def held_upload(token: str):
    """The file a token from ``hold_upload`` names, as an upload a form takes; None once expired,
    forgotten or when the token is not one of ours."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    value = _held(token)
    if value is None:
        return None
    try:
        with storages["private"].open(value["path"], "rb") as held:
            data = held.read()
    except OSError:
        return None
    sniffed = sniff(data[:16])
    if sniffed is None:
        return None
    return SimpleUploadedFile(str(value.get("name") or "document"), data, content_type=sniffed[0])


def forget_held(token: str) -> None:
    """Drop a held file (its form was saved, so the file is kept for good elsewhere)."""
    value = _held(token, max_age=None)
    if value is not None:
        storages["private"].delete(value["path"])


def purge_held(now=None) -> int:
    """Delete held files older than ``HELD_MAX_AGE``; how many were deleted."""
    from datetime import timedelta

    from django.utils import timezone

    storage = storages["private"]
    cutoff = (now or timezone.now()) - timedelta(seconds=HELD_MAX_AGE)
    try:
        _dirs, names = storage.listdir(HELD_FOLDER)
    except (OSError, NotImplementedError):
        return 0
    deleted = 0
    for name in names:
        path = f"{HELD_FOLDER}/{name}"
        try:
            if storage.get_modified_time(path) < cutoff:
                storage.delete(path)
                deleted += 1
        except (OSError, NotImplementedError):
            continue
    return deleted
