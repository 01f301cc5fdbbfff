"""Backup and restore of a whole installation: the database and the privately kept uploads.

A backup is one uncompressed tar file (its parts are compressed already)::

    database.pgdump     PostgreSQL: ``pg_dump --format=custom``
    database.sqlite3    SQLite: a consistent copy made with SQLite's online backup API
    files/...           the private storage (KTP/KK scans, evidence photos), as kept on disk
    manifest.json       what the backup holds: rows per model, fund positions per unit and fund,
                        receipt numbers per unit and year, number sequences, journal totals, the
                        files' checksum, the applied migrations, app version and time

The manifest's figures are read from the very snapshot that is dumped (on PostgreSQL a
REPEATABLE READ transaction whose snapshot ``pg_dump --snapshot`` shares; on SQLite the copy), so
they hold exactly for the backup even while the app keeps working. A restore refuses a target
that already holds data unless forced, refuses a backup made by a newer version of the app, and
reads the same figures back from the restored database to prove it complete.

Both commands run while the app runs; only a restore over a live database needs the app stopped
(SQLite: a restore refuses while another process has the file open).
"""

import copy
import hashlib
import io
import json
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import dj_database_url
from django.apps import apps
from django.conf import settings
from django.core.files.storage import storages
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.models import Count, Max, Sum
from django.db.utils import load_backend

FORMAT = 1
MANIFEST = "manifest.json"
PG_DUMP = "database.pgdump"
SQLITE_DB = "database.sqlite3"
FILES = "files"
CHUNK = 1024 * 1024
# The figures a restore must reproduce exactly.
CHECKED = ("counts", "fund_positions", "receipts", "sequences", "journal", "documents")


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


# --- databases and connections ----------------------------------------------------------------------


def database_settings(database_url: str | None = None) -> dict:
    """The settings of the configured database, or of the database ``database_url`` names."""
    db = copy.deepcopy(connections[DEFAULT_DB_ALIAS].settings_dict)
    if database_url:
        try:
            parsed = dj_database_url.parse(database_url)
        except ValueError as exc:
            raise BackupError(f"--database-url is not a database URL: {exc}") from None
        if parsed["ENGINE"] != db["ENGINE"]:
            db["OPTIONS"] = parsed.get("OPTIONS", {})
        for key in ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT"):
            db[key] = parsed.get(key) or ""
    db.update(CONN_MAX_AGE=0, CONN_HEALTH_CHECKS=False, ATOMIC_REQUESTS=False, AUTOCOMMIT=True)
    return db


def vendor_of(db: dict) -> str:
    if "postgresql" in db["ENGINE"]:
        return "postgresql"
    if "sqlite" in db["ENGINE"]:
        return "sqlite"
    raise BackupError(f"Backups support PostgreSQL and SQLite, not {db['ENGINE']}.")


@contextmanager
def connection_to(db: dict) -> Iterator[str]:
    """A connection alias of its own for ``db`` (closed and forgotten afterwards), so that reading a
    snapshot or a restored database never disturbs the app's connection."""
    alias = f"satuatap_backup_{secrets.token_hex(4)}"
    # Registered as a connection but not as a configured database: nothing that walks DATABASES
    # (close_all, checks, test set-up) meets it.
    connections[alias] = load_backend(db["ENGINE"]).DatabaseWrapper(copy.deepcopy(db), alias)
    try:
        yield alias
    finally:
        connections[alias].close()
        del connections[alias]


def table_names(alias: str) -> list[str]:
    with connections[alias].cursor() as cursor:
        return sorted(connections[alias].introspection.table_names(cursor))


# --- figures ----------------------------------------------------------------------------------------


def _models():
    return [m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy]


def _kept_file_models():
    from satuatap.core.uploads import KeptFileBase

    return [m for m in _models() if issubclass(m, KeptFileBase)]


def figures(alias: str, files_dir: Path | None) -> dict:
    """What a restore must reproduce: rows per model, fund positions, receipt numbers, number
    sequences, journal totals, and the kept-file rows with how many lack their file."""
    from satuatap.collection.models import Receipt
    from satuatap.core.models import Sequence
    from satuatap.ledger.models import FundPosition, JournalLine

    # Only the tables there are: a backup made before a model existed has no table for it.
    present = set(table_names(alias))
    counts = {m._meta.label: m._base_manager.using(alias).count() for m in _models() if m._meta.db_table in present}
    positions = {
        f"{unit}/{fund}/{restriction}": available
        for unit, fund, restriction, available in FundPosition.objects.using(alias)
        .order_by("unit_id", "fund__kind", "restriction")
        .values_list("unit_id", "fund__kind", "restriction", "available")
    }
    receipts = {
        f"{row['unit_id']}/{row['year']}": [row["n"], row["last"]]
        for row in Receipt.objects.using(alias)
        .values("unit_id", "year")
        .annotate(n=Count("id"), last=Max("sequence"))
        .order_by("unit_id", "year")
    }
    sequences = Sequence.objects.using(alias).order_by("scope", "key").values_list("scope", "key", "value")
    sequences = {f"{scope}/{key}": value for scope, key, value in sequences}
    journal = JournalLine.objects.using(alias).aggregate(lines=Count("id"), debit=Sum("debit"), credit=Sum("credit"))
    documents = {"rows": 0, "missing_files": 0}
    for model in _kept_file_models():
        for path in model._base_manager.using(alias).values_list("path", flat=True).iterator():
            documents["rows"] += 1
            if files_dir is None or not (files_dir / path).is_file():
                documents["missing_files"] += 1
    return {
        "counts": counts,
        "fund_positions": positions,
        "receipts": receipts,
        "sequences": sequences,
        "journal": {key: value or 0 for key, value in journal.items()},
        "documents": documents,
    }


def differences(expected: dict, actual: dict) -> list[str]:
    """The figures that differ, one line each (at most a few per section)."""
    lines = []
    for section in CHECKED:
        want, got = expected.get(section, {}), actual.get(section, {})
        wrong = [key for key in sorted(set(want) | set(got)) if want.get(key) != got.get(key)]
        for key in wrong[:5]:
            lines.append(f"{section} {key}: backup {want.get(key)!r}, restored {got.get(key)!r}")
        if len(wrong) > 5:
            lines.append(f"{section}: {len(wrong) - 5} more differences")
    return lines


def applied_migrations(alias: str) -> list[list[str]]:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        return [list(row) for row in cursor.fetchall()]


def app_version() -> str:
    try:
        with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as handle:
            return tomllib.load(handle)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


# --- files -----------------------------------------------------------------------------------------


def private_files_dir() -> Path | None:
    """The folder of the private storage, if it is a folder on this machine."""
    location = getattr(storages["private"], "location", None)
    return Path(location) if location else None


def _file_lines(root: Path) -> Iterator[tuple[str, Path]]:
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path.relative_to(root).as_posix(), path


class _Hashing:
    """A file to read from that hashes what is read (each kept file is read once, into the tar)."""

    def __init__(self, handle):
        self.handle, self.sha = handle, hashlib.sha256()

    def read(self, size=-1):
        data = self.handle.read(size)
        self.sha.update(data)
        return data


@dataclass
class _FileTally:
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
    tally = _FileTally()
    for name, path in _file_lines(root):
        sha = hashlib.sha256()
        with open(path, "rb") as handle:
            for chunk in iter(lambda h=handle: h.read(CHUNK), b""):
                sha.update(chunk)
        tally.add(name, path.stat().st_size, sha.hexdigest())
    return tally.summary()


# --- PostgreSQL tools ------------------------------------------------------------------------------


def pg_tool(name: str) -> tuple[str, int]:
    """The path and major version of ``pg_dump`` or ``pg_restore``."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} was not found. Install the PostgreSQL client tools of your server's version "
            "(Debian/Ubuntu: apt-get install postgresql-client) and make sure they are on the PATH."
        )
    try:
        out = subprocess.run(  # noqa: S603 (the tool found on the PATH, fixed arguments)
            [path, "--version"], capture_output=True, text=True, check=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise BackupError(f"{name} does not run: {exc}") from None
    match = re.search(r"\)\s*(\d+)", out) or re.search(r"(\d+)\.\d+", out)
    if match is None:
        raise BackupError(f"Cannot tell the version of {name} from {out.strip()!r}.")
    return path, int(match.group(1))


def pg_environment(db: dict) -> dict:
    """The connection as libpq environment variables: the password never appears on a command line."""
    env = dict(os.environ)
    for var, value in (
        ("PGHOST", db.get("HOST")),
        ("PGPORT", db.get("PORT")),
        ("PGUSER", db.get("USER")),
        ("PGPASSWORD", db.get("PASSWORD")),
        ("PGDATABASE", db.get("NAME")),
    ):
        if value:
            env[var] = str(value)
        else:
            env.pop(var, None)
    options = db.get("OPTIONS") or {}
    for option, var in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
        ("connect_timeout", "PGCONNECT_TIMEOUT"),
        ("options", "PGOPTIONS"),
        ("passfile", "PGPASSFILE"),
        ("service", "PGSERVICE"),
    ):
        if options.get(option):
            env[var] = str(options[option])
    return env


def server_major(alias: str) -> int:
    with connections[alias].cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def _fsync_dir(path: Path) -> None:
    """Make a rename in ``path`` durable."""
    directory = os.open(path, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _run(command: list[str], env: dict, what: str) -> None:
    # The command is a PostgreSQL tool with arguments built here; no shell is involved.
    result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()[-2000:]
        raise BackupError(f"{what} failed (exit {result.returncode}):\n{detail}")


# --- backup ----------------------------------------------------------------------------------------


def _dump_postgresql(db: dict, alias: str, workdir: Path, files_dir: Path | None) -> tuple[Path, dict, dict]:
    tool, tool_major = pg_tool("pg_dump")
    server = server_major(alias)
    if tool_major < server:
        raise BackupError(
            f"pg_dump {tool_major} cannot back up a PostgreSQL {server} server. Install the client tools "
            f"of version {server} or newer (Debian/Ubuntu: apt-get install postgresql-client-{server})."
        )
    target = workdir / PG_DUMP
    # One snapshot for the dump and the manifest: what the manifest counts is what the dump holds.
    with transaction.atomic(using=alias):
        with connections[alias].cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        _run(
            [tool, "--format=custom", f"--snapshot={snapshot}", f"--file={target}", "--no-password"],
            pg_environment(db),
            "pg_dump",
        )
        numbers = figures(alias, files_dir)
        numbers["migrations"] = applied_migrations(alias)
        numbers["tables"] = table_names(alias)
    return target, numbers, {"engine": "postgresql", "server_major": server, "dump_tool_major": tool_major}


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
                    database_file, numbers, engine = _dump_postgresql(db, alias, workdir, files_dir)
            else:
                database_file, numbers, engine = _copy_sqlite(db, workdir, files_dir)
        except (DatabaseError, sqlite3.Error) as exc:
            raise BackupError(f"Cannot read the database: {exc}") from None
        partial = workdir / "backup.tar"
        with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
            tar.add(database_file, arcname=database_file.name)
            database_file.unlink()
            files = _FileTally()
            for name, path in _file_lines(files_dir) if files_dir else ():
                info = tar.gettarinfo(path, arcname=f"{FILES}/{name}")
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                with open(path, "rb") as handle:
                    reader = _Hashing(handle)
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
        _fsync_dir(destination.parent)
    return manifest


# --- restore ---------------------------------------------------------------------------------------


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
    if files_dir is not None and any(True for _ in _file_lines(files_dir)):
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


def _extract(tar: tarfile.TarFile, member: str, target: Path) -> None:
    handle = tar.extractfile(member)
    if handle is None:
        raise BackupError(f"The backup has no {member}.")
    with open(target, "wb") as out:
        shutil.copyfileobj(handle, out, CHUNK)
        out.flush()
        os.fsync(out.fileno())


def _restore_postgresql(db: dict, manifest: dict, tar: tarfile.TarFile, workdir: Path) -> None:
    tool, tool_major = pg_tool("pg_restore")
    made_with = manifest["database"].get("dump_tool_major", 0)
    if tool_major < made_with:
        raise BackupError(
            f"This backup was written by pg_dump {made_with}; pg_restore {tool_major} cannot read it. "
            f"Install the client tools of version {made_with} or newer."
        )
    dump = workdir / PG_DUMP
    _extract(tar, PG_DUMP, dump)
    env = pg_environment(db)
    # The comment on an extension can only be set by its owner, often not the app's user: leave it out.
    listing = subprocess.run([tool, "--list", str(dump)], capture_output=True, text=True, env=env)  # noqa: S603
    if listing.returncode != 0:
        raise BackupError(f"pg_restore cannot read the dump: {listing.stderr.strip()[-2000:]}")
    toc = workdir / "restore.list"
    toc.write_text("\n".join(line for line in listing.stdout.splitlines() if "COMMENT - EXTENSION" not in line))
    _run(
        [
            tool,
            "--clean",
            "--if-exists",
            "--no-owner",
            # Grants name roles of the old server; the restoring user owns everything it creates.
            "--no-acl",
            "--single-transaction",
            "--exit-on-error",
            "--no-password",
            f"--use-list={toc}",
            f"--dbname={db['NAME']}",
            str(dump),
        ],
        env,
        "pg_restore",
    )


def _aside(path: Path, stamp: str) -> Path:
    return path.with_name(f"{path.name}.before-restore-{stamp}")


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
        _extract(tar, SQLITE_DB, fresh)
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
                    os.replace(old, Path(f"{_aside(target, stamp)}{suffix}"))
            notes.append(f"The database that was replaced is kept as {_aside(target, stamp)}.")
        os.replace(fresh, target)
        _fsync_dir(target.parent)
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{fresh}{suffix}").unlink(missing_ok=True)


def _safe_name(name: str) -> str | None:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or len(path.parts) < 2 or path.parts[0] != FILES:
        return None
    return PurePosixPath(*path.parts[1:]).as_posix()


def _stage_files(tar: tarfile.TarFile, files_dir: Path, notes: list[str]) -> Path:
    """Unpack the backup's files into a new folder beside ``files_dir`` (put in place by ``_swap_files``)."""
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
            _extract(tar, member.name, target)
            target.chmod(0o600)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    return staged


def _swap_files(staged: Path, files_dir: Path, stamp: str, notes: list[str]) -> None:
    try:
        if files_dir.exists():
            if any(files_dir.iterdir()):
                os.replace(files_dir, _aside(files_dir, stamp))
                notes.append(f"The files that were replaced are kept in {_aside(files_dir, stamp)}.")
            else:
                files_dir.rmdir()
        os.replace(staged, files_dir)
    except OSError as exc:
        raise BackupError(
            f"The database is restored, but the files could not be put in place at {files_dir} ({exc}); "
            f"they are unpacked in {staged}: move them there by hand."
        ) from None


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
            staged = _stage_files(tar, files_dir, notes)
        try:
            say(f"Restoring the {vendor} database {db['NAME']} …")
            if vendor == "postgresql":
                _restore_postgresql(db, manifest, tar, Path(tmp))
            else:
                _restore_sqlite(db, tar, stamp, notes)
        except BaseException:
            if staged is not None:
                shutil.rmtree(staged, ignore_errors=True)
            raise
        if staged is not None:
            say(f"Putting the files in place in {files_dir} …")
            _swap_files(staged, files_dir, stamp, notes)
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
