"""Restoring a backup archive and proving the restore complete."""

import json
import os
import re
import secrets
import shutil
import sqlite3
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.loader import MigrationLoader

from satuatap.core.backup.common import (
    FORMAT,
    MANIFEST,
    SQLITE_DB,
    BackupError,
    connection_to,
    database_settings,
    extract,
    fsync_dir,
    table_names,
    vendor_of,
)
from satuatap.core.backup.figures import differences, figures
from satuatap.core.backup.files import aside, file_lines, files_summary, private_files_dir, stage_files, swap_files
from satuatap.core.backup.postgresql import restore_postgresql


@dataclass
class RestoreReport:
    manifest: dict
    restored: dict
    differences: list[str]
    notes: list[str]


def read_manifest(archive: Path) -> dict:
    try:
        with tarfile.open(archive, "r:*") as tar:  # also when someone compressed it
            handle = tar.extractfile(MANIFEST)
            manifest = json.loads(handle.read()) if handle else None
    except (OSError, tarfile.TarError, KeyError, ValueError) as exc:
        raise BackupError(f"{archive} is not a Satu Atap backup ({exc}).") from None
    if not isinstance(manifest, dict) or manifest.get("app") != "satuatap":
        raise BackupError(f"{archive} is not a Satu Atap backup.")
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive} has backup format {manifest.get('format')}; this version reads format {FORMAT}.")
    return manifest


def _check_migrations(manifest: dict) -> list[str]:
    """Refuses a backup made by a newer version; returns the notes for an older one."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    applied = {tuple(pair) for pair in manifest.get("migrations", [])}
    ours = {(app, name) for app, name in applied if app in {c.label for c in apps.get_app_configs()}}
    unknown = sorted(ours - known)
    if unknown:
        raise BackupError(
            f"This backup was made by a newer version of Satu Atap ({manifest.get('app_version')}): "
            f"migration {unknown[0][0]}.{unknown[0][1]} is unknown here. Restore it with that version."
        )
    missing = sorted(m for m in known if m[0] in {a for a, _n in applied} and m not in applied)
    if missing:
        return [
            f"The backup predates {len(missing)} migration(s) of this version: run `manage.py migrate` "
            "after the restore."
        ]
    return []


def _target_contents(db: dict, files_dir: Path | None) -> list[str]:
    """What the target already holds (empty list: nothing)."""
    held = []
    if vendor_of(db) == "sqlite":
        path = Path(db["NAME"])
        if path.exists() and path.stat().st_size:
            with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as probe:
                tables = probe.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
            probe.close()
            if tables:
                held.append(f"the database {path} has {tables} tables")
    else:
        try:
            with connection_to(db) as alias:
                tables = table_names(alias)
        except DatabaseError as exc:
            raise BackupError(
                f"Cannot connect to the target database {db['NAME']!r}: {exc}. "
                "Create it first (createdb), empty, owned by the app's database user."
            ) from None
        if tables:
            held.append(f"the database {db['NAME']!r} has {len(tables)} tables")
    if files_dir is not None and any(True for _ in file_lines(files_dir)):
        held.append(f"the folder {files_dir} holds files")
    return held


def processes_holding(path: Path) -> list[int]:
    """Other processes with the SQLite file (or its WAL) open, as /proc shows them (Linux)."""
    names = {str(path.resolve()), f"{path.resolve()}-wal", f"{path.resolve()}-shm"}
    holders = []
    proc = Path("/proc")
    if not proc.is_dir():
        return holders
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            for fd in (entry / "fd").iterdir():
                if os.readlink(fd) in names:
                    holders.append(int(entry.name))
                    break
        except OSError:
            continue
    return holders


def _regexp(pattern, value) -> bool:
    return value is not None and re.search(pattern, str(value)) is not None


def _restore_sqlite(db: dict, tar: tarfile.TarFile, stamp: str, notes: list[str]) -> None:
    target = Path(db["NAME"]).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    if Path(connections[DEFAULT_DB_ALIAS].settings_dict["NAME"]).resolve() == target:
        connections[DEFAULT_DB_ALIAS].close()  # this process's own connection must not hold the old file
    holders = processes_holding(target)
    if holders:
        raise BackupError(
            f"The database {target} is open in other processes ({', '.join(map(str, holders[:5]))}): "
            "stop the app and its workers, then restore."
        )
    fresh = target.with_name(f".{target.name}.restore-{secrets.token_hex(4)}")
    try:
        extract(tar, SQLITE_DB, fresh)
        check = sqlite3.connect(fresh)
        try:
            # The CHECK constraints Django writes call REGEXP, which SQLite leaves to the application.
            check.create_function("REGEXP", 2, _regexp, deterministic=True)
            result = check.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.Error as exc:
            result = str(exc)
        finally:
            check.close()
        if result != "ok":
            raise BackupError(f"The database in the backup is damaged: {result}")
        if target.exists():
            # Keep the replaced database (with its WAL, which belongs to it) until someone deletes it.
            for suffix in ("", "-wal", "-shm"):
                old = Path(f"{target}{suffix}")
                if old.exists():
                    os.replace(old, Path(f"{aside(target, stamp)}{suffix}"))
            notes.append(f"The database that was replaced is kept as {aside(target, stamp)}.")
        os.replace(fresh, target)
        fsync_dir(target.parent)
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{fresh}{suffix}").unlink(missing_ok=True)


def backup_restore(
    archive: Path,
    *,
    database_url: str | None = None,
    files_dir: Path | None = None,
    force: bool = False,
    say: Callable[[str], None] = lambda line: None,
) -> RestoreReport:
    """Restore ``archive`` into the configured database and private files folder (or those given),
    then read the figures back and compare them with the manifest."""
    archive = Path(archive)
    manifest = read_manifest(archive)
    db = database_settings(database_url)
    vendor = vendor_of(db)
    if manifest["database"]["engine"] != vendor:
        raise BackupError(
            f"This is a backup of a {manifest['database']['engine']} database; the target is {vendor}. "
            "Restore into the same kind of database."
        )
    notes = _check_migrations(manifest)
    with_files = manifest.get("files", {}).get("included", False)
    files_dir = files_dir if files_dir is not None else private_files_dir()
    held = _target_contents(db, files_dir if with_files else None)
    if held and not force:
        raise BackupError(
            "The target is not empty: "
            + "; ".join(held)
            + ". A restore replaces everything in it; pass --force to go ahead."
        )
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    if with_files and files_dir is None:
        notes.append("The backup holds files, but the private storage is not a local folder: not restored.")
    restore_files = with_files and files_dir is not None
    with (
        tempfile.TemporaryDirectory(prefix="satuatap-restore-") as tmp,
        tarfile.open(archive, "r:*") as tar,
    ):
        # The files are unpacked first and put in place last: a failure on the way leaves both as they were.
        staged = None
        if restore_files:
            files_dir = files_dir.resolve()
            say(f"Unpacking {manifest['files']['count']} files …")
            staged = stage_files(tar, files_dir, notes)
        try:
            say(f"Restoring the {vendor} database {db['NAME']} …")
            if vendor == "postgresql":
                restore_postgresql(db, manifest, tar, Path(tmp))
            else:
                _restore_sqlite(db, tar, stamp, notes)
        except BaseException:
            if staged is not None:
                shutil.rmtree(staged, ignore_errors=True)
            raise
        if staged is not None:
            say(f"Putting the files in place in {files_dir} …")
            swap_files(staged, files_dir, stamp, notes)
    say("Checking the restored data against the manifest …")
    try:
        with connection_to(db) as alias:
            restored = figures(alias, files_dir if with_files else None)
            extra = sorted(set(table_names(alias)) - set(manifest.get("tables", [])))
    except DatabaseError as exc:
        raise BackupError(f"The restored database cannot be read: {exc}") from None
    if extra:
        notes.append(f"The database also holds {len(extra)} table(s) not in the backup, e.g. {extra[0]}.")
    wrong = differences(manifest, restored)
    if with_files and files_dir is not None:
        files = files_summary(files_dir)
        if files != manifest["files"]:
            wrong.append(
                f"files: backup {manifest['files']['count']} files ({manifest['files']['bytes']} bytes), "
                f"restored {files['count']} files ({files['bytes']} bytes) or their contents differ"
            )
    return RestoreReport(manifest=manifest, restored=restored, differences=wrong, notes=notes)
