"""What backup and restore share: the archive's layout, the error, connections of their own to a
database, running the PostgreSQL tools and making renames and writes durable."""

import copy
import os
import secrets
import shutil
import subprocess
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dj_database_url
from django.db import DEFAULT_DB_ALIAS, connections
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


def fsync_dir(path: Path) -> None:
    """Make a rename in ``path`` durable."""
    directory = os.open(path, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def run_tool(command: list[str], env: dict, what: str) -> None:
    # The command is a PostgreSQL tool with arguments built here; no shell is involved.
    result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()[-2000:]
        raise BackupError(f"{what} failed (exit {result.returncode}):\n{detail}")


def extract(tar: tarfile.TarFile, member: str, target: Path) -> None:
    handle = tar.extractfile(member)
    if handle is None:
        raise BackupError(f"The backup has no {member}.")
    with open(target, "wb") as out:
        shutil.copyfileobj(handle, out, CHUNK)
        out.flush()
        os.fsync(out.fileno())
