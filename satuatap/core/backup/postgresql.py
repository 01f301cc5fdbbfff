"""PostgreSQL: its client tools (``pg_dump``, ``pg_restore``), the dump in the manifest's snapshot,
and the restore in one transaction."""

import os
import re
import shutil
import subprocess
import tarfile
from pathlib import Path

from django.db import connections, transaction

from satuatap.core.backup.common import PG_DUMP, BackupError, extract, run_tool, table_names
from satuatap.core.backup.figures import applied_migrations, figures


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


def dump_postgresql(db: dict, alias: str, workdir: Path, files_dir: Path | None) -> tuple[Path, dict, dict]:
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
        run_tool(
            [tool, "--format=custom", f"--snapshot={snapshot}", f"--file={target}", "--no-password"],
            pg_environment(db),
            "pg_dump",
        )
        numbers = figures(alias, files_dir)
        numbers["migrations"] = applied_migrations(alias)
        numbers["tables"] = table_names(alias)
    return target, numbers, {"engine": "postgresql", "server_major": server, "dump_tool_major": tool_major}


def restore_postgresql(db: dict, manifest: dict, tar: tarfile.TarFile, workdir: Path) -> None:
    tool, tool_major = pg_tool("pg_restore")
    made_with = manifest["database"].get("dump_tool_major", 0)
    if tool_major < made_with:
        raise BackupError(
            f"This backup was written by pg_dump {made_with}; pg_restore {tool_major} cannot read it. "
            f"Install the client tools of version {made_with} or newer."
        )
    dump = workdir / PG_DUMP
    extract(tar, PG_DUMP, dump)
    env = pg_environment(db)
    # The comment on an extension can only be set by its owner, often not the app's user: leave it out.
    listing = subprocess.run([tool, "--list", str(dump)], capture_output=True, text=True, env=env)  # noqa: S603
    if listing.returncode != 0:
        raise BackupError(f"pg_restore cannot read the dump: {listing.stderr.strip()[-2000:]}")
    toc = workdir / "restore.list"
    toc.write_text("\n".join(line for line in listing.stdout.splitlines() if "COMMENT - EXTENSION" not in line))
    run_tool(
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
