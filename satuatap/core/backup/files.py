"""The privately kept uploads in a backup: listing and hashing them, and unpacking them beside the
folder they replace."""

import hashlib
import os
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.core.files.storage import storages

from satuatap.core.backup.common import CHUNK, FILES, BackupError, extract


def private_files_dir() -> Path | None:
    """The folder of the private storage, if it is a folder on this machine."""
    location = getattr(storages["private"], "location", None)
    return Path(location) if location else None


def file_lines(root: Path) -> Iterator[tuple[str, Path]]:
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path.relative_to(root).as_posix(), path


class Hashing:
    """A file to read from that hashes what is read (each kept file is read once, into the tar)."""

    def __init__(self, handle):
        self.handle, self.sha = handle, hashlib.sha256()

    def read(self, size=-1):
        data = self.handle.read(size)
        self.sha.update(data)
        return data


@dataclass
class FileTally:
    count: int = 0
    size: int = 0
    digest: "hashlib._Hash" = field(default_factory=hashlib.sha256)

    def add(self, name: str, size: int, sha: str) -> None:
        self.count += 1
        self.size += size
        self.digest.update(f"{name}\t{size}\t{sha}\n".encode())

    def summary(self) -> dict:
        return {"included": True, "count": self.count, "bytes": self.size, "digest": self.digest.hexdigest()}


def files_summary(root: Path) -> dict:
    tally = FileTally()
    for name, path in file_lines(root):
        sha = hashlib.sha256()
        with open(path, "rb") as handle:
            for chunk in iter(lambda h=handle: h.read(CHUNK), b""):
                sha.update(chunk)
        tally.add(name, path.stat().st_size, sha.hexdigest())
    return tally.summary()


def aside(path: Path, stamp: str) -> Path:
    return path.with_name(f"{path.name}.before-restore-{stamp}")


def _safe_name(name: str) -> str | None:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or len(path.parts) < 2 or path.parts[0] != FILES:
        return None
    return PurePosixPath(*path.parts[1:]).as_posix()


def stage_files(tar: tarfile.TarFile, files_dir: Path, notes: list[str]) -> Path:
    """Unpack the backup's files into a new folder beside ``files_dir`` (put in place by ``swap_files``)."""
    files_dir.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(dir=files_dir.parent, prefix=f".{files_dir.name}.restore-"))
    try:
        for member in tar:
            if not member.name.startswith(f"{FILES}/"):
                continue
            name = _safe_name(member.name)
            if name is None or not member.isfile():
                notes.append(f"Skipped {member.name!r} in the backup: not a plain file inside files/.")
                continue
            target = staged / name
            target.parent.mkdir(parents=True, exist_ok=True)
            extract(tar, member.name, target)
            target.chmod(0o600)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    return staged


def swap_files(staged: Path, files_dir: Path, stamp: str, notes: list[str]) -> None:
    try:
        if files_dir.exists():
            if any(files_dir.iterdir()):
                os.replace(files_dir, aside(files_dir, stamp))
                notes.append(f"The files that were replaced are kept in {aside(files_dir, stamp)}.")
            else:
                files_dir.rmdir()
        os.replace(staged, files_dir)
    except OSError as exc:
        raise BackupError(
            f"The database is restored, but the files could not be put in place at {files_dir} ({exc}); "
            f"they are unpacked in {staged}: move them there by hand."
        ) from None
