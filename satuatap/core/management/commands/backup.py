"""``manage.py backup <file>``: the database and the privately kept uploads in one archive.

See ``satuatap.core.backup`` and the README's "Backup and restore".
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from satuatap.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump on PostgreSQL, SQLite's online backup on SQLite) and the private "
        "files into one .tar archive with a manifest of counts, fund positions and receipt numbers. "
        "Safe while the app runs."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The archive to write, e.g. /backups/satuatap-2026-03-10.tar")
        parser.add_argument("--force", action="store_true", help="Replace the file if it exists.")
        parser.add_argument("--database-url", help="Back up this database instead of the configured one.")
        parser.add_argument("--files-dir", help="Back up this folder instead of the private storage's.")

    def handle(self, *args, file, force=False, database_url=None, files_dir=None, **options):
        try:
            manifest = backup_create(
                Path(file),
                database_url=database_url,
                files_dir=Path(files_dir) if files_dir else None,
                overwrite=force,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        counts = manifest["counts"]
        files = manifest["files"]
        self.stdout.write(
            f"{sum(counts.values()):,} rows in {len(counts)} tables "
            f"({counts.get('collection.Donation', 0):,} donations, "
            f"{manifest['journal']['lines']:,} journal lines, {len(manifest['receipts'])} receipt series)"
        )
        if files["included"]:
            self.stdout.write(f"{files['count']:,} files ({files['bytes']:,} bytes)")
        else:
            self.stdout.write(self.style.WARNING("The private storage is not a local folder: no files backed up."))
        missing = manifest["documents"]["missing_files"]
        if missing:
            self.stdout.write(self.style.WARNING(f"{missing} kept documents have no file in the private storage."))
        self.stdout.write(self.style.SUCCESS(f"Backup written to {Path(file).resolve()}"))
