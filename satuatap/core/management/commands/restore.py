"""``manage.py restore <file>``: put a backup made by ``manage.py backup`` back, then prove it whole.

See ``satuatap.core.backup`` and the README's "Backup and restore".
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from satuatap.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup into the configured database and private files folder (or those given), "
        "then check that counts, fund positions and receipt numbers equal the backup's manifest. "
        "Refuses a target that holds data unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="An archive written by manage.py backup")
        parser.add_argument(
            "--force", action="store_true", help="Restore even though the target holds data (it is replaced)."
        )
        parser.add_argument(
            "--database-url", help="Restore into this database (e.g. a new one, to test a backup) instead."
        )
        parser.add_argument("--files-dir", help="Restore the files into this folder instead of the private storage.")

    def handle(self, *args, file, force=False, database_url=None, files_dir=None, **options):
        try:
            report = backup_restore(
                Path(file),
                database_url=database_url,
                files_dir=Path(files_dir) if files_dir else None,
                force=force,
                say=self.stdout.write,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        for note in report.notes:
            self.stdout.write(self.style.WARNING(note))
        manifest = report.manifest
        if report.differences:
            raise CommandError(
                "The restored data does not match the backup's manifest:\n  " + "\n  ".join(report.differences)
            )
        counts = report.restored["counts"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the backup of {manifest['created_at']} (Satu Atap {manifest['app_version']}): "
                f"{sum(counts.values()):,} rows in {len(counts)} tables, {len(manifest['fund_positions'])} fund "
                f"positions, {len(manifest['receipts'])} receipt series and "
                f"{manifest['files'].get('count', 0):,} files, all identical to the backup."
            )
        )
