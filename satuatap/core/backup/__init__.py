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

The package: ``common`` (layout, errors, connections), ``figures`` (the manifest's figures and the
registry of the apps' sections), ``files`` (the private uploads), ``postgresql`` (its client tools),
``create`` (writing a backup) and ``restore``.
"""

from satuatap.core.backup.common import (
    CHECKED,
    CHUNK,
    FILES,
    FORMAT,
    MANIFEST,
    PG_DUMP,
    SQLITE_DB,
    BackupError,
    connection_to,
    database_settings,
    table_names,
    vendor_of,
)
from satuatap.core.backup.create import (
    backup_create,
)
from satuatap.core.backup.figures import (
    FIGURE_SOURCES,
    FigureReader,
    FigureSource,
    app_version,
    applied_migrations,
    checked_sections,
    differences,
    figure_source_register,
    figures,
)
from satuatap.core.backup.files import (
    files_summary,
    private_files_dir,
)
from satuatap.core.backup.postgresql import (
    pg_environment,
    pg_tool,
    server_major,
)
from satuatap.core.backup.restore import (
    RestoreReport,
    backup_restore,
    processes_holding,
    read_manifest,
)

__all__ = [
    "BackupError",
    "CHECKED",
    "CHUNK",
    "FIGURE_SOURCES",
    "FILES",
    "FORMAT",
    "FigureReader",
    "FigureSource",
    "MANIFEST",
    "PG_DUMP",
    "RestoreReport",
    "SQLITE_DB",
    "app_version",
    "applied_migrations",
    "backup_create",
    "backup_restore",
    "checked_sections",
    "connection_to",
    "database_settings",
    "differences",
    "figure_source_register",
    "figures",
    "files_summary",
    "pg_environment",
    "pg_tool",
    "private_files_dir",
    "processes_holding",
    "read_manifest",
    "server_major",
    "table_names",
    "vendor_of",
]
