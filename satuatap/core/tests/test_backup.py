"""Backup and restore: a backup restored into an empty database has the same rows, fund positions,
receipt numbers and kept files; a restore refuses what it must refuse and says so.

On PostgreSQL (the CI's second run) this needs pg_dump and pg_restore; the restore goes into a new
database ``test_restore_<random>`` on the same server. On SQLite it goes into a new file.
"""

import hashlib
import io
import json
import secrets
import subprocess
import sys
import tarfile
from datetime import date
from pathlib import Path
from urllib.parse import quote

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.utils import timezone

from satuatap.beneficiaries.models import Document
from satuatap.beneficiaries.services import beneficiary_register, document_add
from satuatap.collection.models import Donation, Receipt
from satuatap.collection.services import DonationLineSpec, donation_record, donation_void
from satuatap.core import backup
from satuatap.core.models import Sequence
from satuatap.donors.services import donor_register
from satuatap.ledger import services as ledger
from satuatap.ledger.models import FundPosition, JournalLine
from satuatap.organizations.models import Role
from tests.factories import UserFactory, grant

PNG = b"\x89PNG\r\n\x1a\n" + secrets.token_bytes(64)


def give(unit, donor, actor, day, key, *lines):
    return donation_record(
        actor=actor,
        unit=unit,
        donor=donor,
        donation_date=day,
        channel="cash",
        lines=[DonationLineSpec(kind, amount) for kind, amount in lines],
        idempotency_key=key,
    )


@pytest.fixture
def private_dir(settings, tmp_path):
    """The private storage in a folder of this test only (the shared test folder holds other tests' files)."""
    location = tmp_path / "private"
    private = dict(settings.STORAGES["private"], OPTIONS={"location": location})
    settings.STORAGES = {**settings.STORAGES, "private": private}
    return location


@pytest.fixture
def books(world, private_dir):
    """Donations with receipts in two units and two years, a voided one, a transfer between offices, and
    a beneficiary with a scanned document."""
    ledger.chart_create_default(actor=world.carol, institution=world.alpha)
    fiona = UserFactory(username="fiona")
    grant(fiona, world.branch_a, Role.FINANCE)
    paula = UserFactory(username="paula")
    grant(paula, world.branch_a, Role.PROGRAM)
    donor = donor_register(actor=world.frank, unit=world.branch_a, full_name="Muhammad Nur Hidayat")
    today = timezone.localdate(timezone=world.branch_a.tzinfo)
    last_year = date(today.year - 1, 12, 20)
    for n in range(3):
        give(world.branch_a, donor, world.frank, today, f"a-{n}", ("zakat_maal", 500_000 + n), ("infak", 25_000))
    for n in range(2):
        give(world.branch_a_sub, donor, world.frank, today, f"s-{n}", ("fidyah", 45_000))
    voided = give(world.branch_a, donor, world.frank, last_year, "old", ("zakat_maal", 300_000))
    donation_void(actor=fiona, donation=voided, reason="Salah input nominal")
    ledger.transfer_post(
        actor=fiona,
        from_unit=world.branch_a,
        to_unit=world.region,
        fund="zakat",
        amount=100_000,
        kind="remit",
        idempotency_key="remit-1",
        entry_date=today,
    )
    person = beneficiary_register(
        actor=paula,
        unit=world.branch_a,
        full_name="Hj. Siti Aminah",
        consent={"method": "written", "purpose": "assistance"},
    )
    document = document_add(actor=paula, beneficiary=person, kind="ktp", upload=SimpleUploadedFile("ktp.png", PNG))
    return document


def url_for(name: str, tmp_path: Path) -> str:
    """A database named ``name`` beside the test database: on its PostgreSQL server, or a SQLite file."""
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        return f"sqlite:///{tmp_path / (name + '.sqlite3')}"
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


class FreshDatabase:
    """A new empty database: on PostgreSQL ``test_restore_<random>`` on the test server, on SQLite a new file."""

    def __init__(self, tmp_path: Path):
        self.name = f"test_restore_{secrets.token_hex(4)}"
        self.url = url_for(self.name, tmp_path)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{self.name}"')

    def drop(self):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture
def fresh_databases(tmp_path, transactional_db):
    made = []

    def make():
        made.append(FreshDatabase(tmp_path))
        return made[-1]

    yield make
    for database in made:
        database.drop()


def models():
    return [m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy]


def snapshot(alias: str = "default") -> dict:
    """The data the test compares, read independently of the backup module's own figures."""
    return {
        "counts": {m._meta.label: m._base_manager.using(alias).count() for m in models()},
        "positions": sorted(
            FundPosition.objects.using(alias).values_list("unit_id", "fund__kind", "restriction", "available")
        ),
        "receipts": sorted(Receipt.objects.using(alias).values_list("unit_id", "year", "sequence", "number")),
        "sequences": sorted(Sequence.objects.using(alias).values_list("scope", "key", "value")),
        "lines": sorted(JournalLine.objects.using(alias).values_list("id", "account_id", "fund_id", "debit", "credit")),
        "donations": sorted(Donation.objects.using(alias).values_list("id", "status", "total", "receipt__number")),
    }


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_an_empty_database_has_the_same_rows_balances_receipts_and_files(
    books, private_dir, fresh_databases, tmp_path
):
    archive = tmp_path / "satuatap.tar"
    out = io.StringIO()
    call_command("backup", str(archive), stdout=out)
    assert "Backup written to" in out.getvalue() and "6 donations" in out.getvalue()
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    database_member = "database.pgdump" if connection.vendor == "postgresql" else "database.sqlite3"
    assert database_member in names and f"files/{books.path}" in names
    assert manifest["counts"]["collection.Donation"] == 6 and manifest["files"]["count"] == 1
    assert len(manifest["receipts"]) == 3  # branch A this year and last year, the service unit this year
    before = snapshot()

    target, files = fresh_databases(), tmp_path / "restored-files"
    db = backup.database_settings(target.url)
    with backup.connection_to(db) as alias:
        assert backup.table_names(alias) == []
    out = io.StringIO()
    call_command("restore", str(archive), database_url=target.url, files_dir=str(files), stdout=out)
    assert "all identical to the backup" in out.getvalue()
    with backup.connection_to(db) as alias:
        assert connections[alias].settings_dict["NAME"] == db["NAME"] != connection.settings_dict["NAME"]
        after = snapshot(alias)
        document = Document.objects.using(alias).get(pk=books.pk)
    assert after == before
    assert after["counts"]["collection.Donation"] == 6 and after["counts"]["ledger.JournalLine"] > 0
    assert len(after["positions"]) >= 4 and len(after["receipts"]) == 6
    # The kept file opens from the restored folder, with its recorded checksum.
    data = (files / document.path).read_bytes()
    assert data == PNG and hashlib.sha256(data).hexdigest() == document.sha256

    # The target now holds data: a second restore is refused unless forced, and forced gives the same.
    with pytest.raises(CommandError, match="not empty.*--force"):
        call_command("restore", str(archive), database_url=target.url, files_dir=str(files))
    call_command("restore", str(archive), database_url=target.url, files_dir=str(files), force=True, stdout=out)
    with backup.connection_to(db) as alias:
        assert snapshot(alias) == before
    assert (files / document.path).read_bytes() == PNG


@pytest.mark.django_db(transaction=True)
def test_a_restore_that_does_not_match_its_manifest_is_reported(books, fresh_databases, tmp_path):
    archive = tmp_path / "satuatap.tar"
    call_command("backup", str(archive), stdout=io.StringIO())
    tampered = tmp_path / "tampered.tar"
    with tarfile.open(archive) as source, tarfile.open(tampered, "w") as copy:
        for member in source:
            data = source.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(data)
                manifest["counts"]["collection.Donation"] += 1
                manifest["receipts"][next(iter(manifest["receipts"]))][1] += 1
                data = json.dumps(manifest).encode()
                member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    target = fresh_databases()
    with pytest.raises(CommandError) as refused:
        call_command(
            "restore", str(tampered), database_url=target.url, files_dir=str(tmp_path / "f"), stdout=io.StringIO()
        )
    message = str(refused.value)
    assert "does not match" in message and "collection.Donation: backup 7, restored 6" in message
    assert "receipts" in message


def manifest_only(tmp_path: Path, **changes) -> Path:
    manifest = {
        "format": backup.FORMAT,
        "app": "satuatap",
        "app_version": "9.9.9",
        "database": {"engine": "postgresql" if connection.vendor == "postgresql" else "sqlite"},
        "migrations": [],
        "files": {"included": False},
        **changes,
    }
    archive = tmp_path / "manifest-only.tar"
    raw = json.dumps(manifest).encode()
    with tarfile.open(archive, "w") as tar:
        info = tarfile.TarInfo("manifest.json")
        info.size = len(raw)
        tar.addfile(info, io.BytesIO(raw))
    return archive


def test_a_backup_of_a_newer_version_is_refused_before_anything_is_touched(tmp_path):
    archive = manifest_only(tmp_path, migrations=[["collection", "0001_initial"], ["collection", "9999_future"]])
    before = set(tmp_path.iterdir())
    with pytest.raises(CommandError, match=r"newer version of Satu Atap \(9.9.9\).*collection.9999_future"):
        call_command("restore", str(archive), database_url=url_for("test_restore_never", tmp_path))
    assert set(tmp_path.iterdir()) == before


def test_a_file_that_is_not_a_backup_is_refused(tmp_path):
    stray = tmp_path / "notes.tar"
    stray.write_bytes(b"not a tar at all")
    with pytest.raises(CommandError, match="is not a Satu Atap backup"):
        call_command("restore", str(stray))


def test_an_existing_backup_file_is_not_overwritten_without_force(tmp_path):
    archive = tmp_path / "satuatap.tar"
    archive.write_bytes(b"yesterday's backup")
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", str(archive))
    assert archive.read_bytes() == b"yesterday's backup"


def test_missing_postgresql_client_tools_are_named(monkeypatch):
    monkeypatch.setattr(backup.postgresql.shutil, "which", lambda name: None)
    with pytest.raises(backup.BackupError, match=r"pg_dump was not found.*apt-get install postgresql-client"):
        backup.pg_tool("pg_dump")


@pytest.mark.parametrize(
    "version, major",
    [("pg_dump (PostgreSQL) 15.8 (Debian 15.8-0+deb12u1)", 15), ("pg_restore (PostgreSQL) 16.4", 16)],
)
def test_the_client_tools_version_is_read(monkeypatch, version, major):
    monkeypatch.setattr(backup.postgresql.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(
        backup.postgresql.subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a, 0, stdout=version + "\n")
    )
    assert backup.pg_tool("pg_dump") == ("/usr/bin/pg_dump", major)


@pytest.mark.django_db
def test_a_pg_dump_older_than_the_server_is_refused_with_what_to_install(monkeypatch, tmp_path):
    if connection.vendor != "postgresql":
        return  # SQLite needs no client tools
    monkeypatch.setattr(backup.postgresql, "pg_tool", lambda name: (f"/usr/bin/{name}", 9))
    with pytest.raises(CommandError, match=r"pg_dump 9 cannot back up a PostgreSQL \d+ server.*postgresql-client-"):
        call_command("backup", str(tmp_path / "b.tar"))
    assert not (tmp_path / "b.tar").exists()


def test_an_sqlite_file_open_in_another_process_is_not_replaced(tmp_path):
    if connection.vendor != "sqlite":
        return  # PostgreSQL restores through pg_restore, in one transaction
    target = tmp_path / "live.sqlite3"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1]); c.execute('select 1'); "
            "print('open', flush=True); time.sleep(60)",
            str(target),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        archive = manifest_only(tmp_path)
        with pytest.raises(CommandError, match=rf"open in other processes \({holder.pid}\)"):
            call_command("restore", str(archive), database_url=f"sqlite:///{target}", force=True)
    finally:
        holder.kill()
        holder.wait()
    assert target.read_bytes() == b""
