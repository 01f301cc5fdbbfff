"""Writing a backup archive."""

import io
import json
import os
import sqlite3
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from django.db import DatabaseError

from satuatap.core.backup.common import (
    FILES,
    FORMAT,
    MANIFEST,
    SQLITE_DB,
    BackupError,
    connection_to,
    database_settings,
    fsync_dir,
    table_names,
    vendor_of,
)
from satuatap.core.backup.figures import app_version, applied_migrations, figures
from satuatap.core.backup.files import FileTally, Hashing, file_lines, private_files_dir
from satuatap.core.backup.postgresql import dump_postgresql


def _copy_sqlite(db: dict, workdir: Path, files_dir: Path | None) -> tuple[Path, dict, dict]:
    source_path = Path(db["NAME"])
    if not source_path.is_file():
        raise BackupError(f"The SQLite database {source_path} does not exist.")
    target = workdir / SQLITE_DB
    source = sqlite3.connect(f"{source_path.resolve().as_uri()}?mode=ro", uri=True, timeout=60)
    copy_ = sqlite3.connect(target)
    try:
        source.backup(copy_)  # a consistent copy, while the app goes on writing
    finally:
        copy_.close()
        source.close()
    snapshot = dict(db, NAME=str(target), OPTIONS={"timeout": 20})
    with connection_to(snapshot) as alias:
        numbers = figures(alias, files_dir)
        numbers["migrations"] = applied_migrations(alias)
        numbers["tables"] = table_names(alias)
    return target, numbers, {"engine": "sqlite", "sqlite_version": sqlite3.sqlite_version}


def backup_create(
    destination: Path, *, database_url: str | None = None, files_dir: Path | None = None, overwrite: bool = False
) -> dict:
    """Write the backup archive to ``destination`` (atomically: a half-written backup never takes its
    name) and return its manifest."""
    destination = Path(destination).resolve()
    if destination.exists() and not overwrite:
        raise BackupError(f"{destination} exists already; choose another name or pass --force to replace it.")
    if not destination.parent.is_dir():
        raise BackupError(f"The folder {destination.parent} does not exist.")
    db = database_settings(database_url)
    vendor = vendor_of(db)
    files_dir = files_dir if files_dir is not None else private_files_dir()
    created_at = datetime.now(UTC)
    with tempfile.TemporaryDirectory(dir=destination.parent, prefix=".satuatap-backup-") as tmp:
        workdir = Path(tmp)
        try:
            if vendor == "postgresql":
                with connection_to(db) as alias:
                    database_file, numbers, engine = dump_postgresql(db, alias, workdir, files_dir)
            else:
                database_file, numbers, engine = _copy_sqlite(db, workdir, files_dir)
        except (DatabaseError, sqlite3.Error) as exc:
            raise BackupError(f"Cannot read the database: {exc}") from None
        partial = workdir / "backup.tar"
        with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
            tar.add(database_file, arcname=database_file.name)
            database_file.unlink()
            files = FileTally()
            for name, path in file_lines(files_dir) if files_dir else ():
                info = tar.gettarinfo(path, arcname=f"{FILES}/{name}")
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                with open(path, "rb") as handle:
                    reader = Hashing(handle)
                    tar.addfile(info, reader)
                files.add(name, info.size, reader.sha.hexdigest())
            manifest = {
                "format": FORMAT,
                "app": "satuatap",
                "app_version": app_version(),
                "created_at": created_at.isoformat(),
                "database": engine,
                "files": files.summary() if files_dir else {"included": False},
                **numbers,
            }
            raw = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(raw), int(created_at.timestamp()), 0o644
            tar.addfile(info, io.BytesIO(raw))
        with open(partial, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, destination)
        fsync_dir(destination.parent)
    return manifest
