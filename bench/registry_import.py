"""Checking a regency's list of 100,000 beneficiaries against a registry of 12,000 people, on
SQLite or PostgreSQL: the import's check (``import_validate``) must take under 2 minutes.

    python -m bench.registry_import --database-url sqlite:///var/bench/registry-import.sqlite3
    python -m bench.registry_import --database-url postgres://postgres@127.0.0.1:5432/bench_import

Issue 15 asks that a regency's list of 100,000 people goes in one file and is checked in under
2 minutes (a 14,565-row list against 11,800 people took 857 s with one candidate search per row).
The database is the benchmark's own (created if missing, never the ledger benchmark's ``bench``):
an institution ``BIMP`` with one branch and a program officer, and a registry of ``--registry``
people (default 12,000) written with ``bulk_create``, every derived column computed by the code
the services use. The people come from ``bench.registry_generate`` (Faker ``id_ID`` names with
their variants, real NIK and KK structure, 20% later registrations of an earlier person with
typos, swapped day and month, titles, a missing NIK...): the first ``--registry`` records are the
registry, the next ``--rows`` the list, so the list holds people already registered and people
registered twice in it. The list is a CSV in the import template's Indonesian columns, with the
errors real lists carry (a NIK cut short, an impossible date, a phone that is no phone, a second
head of a family card) on about 3% of its rows.

Then, as a program officer would: upload (``import_upload``), check (``import_validate``, timed
end to end: reading, the registration rules, duplicates within the file and against the
registry), and the figures: seconds, rows per second, valid / error / flagged rows. Exits 1 when
the check takes ``--target`` seconds (120) or more. ``--json`` writes the figures for
``bench.report``.
"""

import argparse
import csv
import io
import json
import random
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

SEED = 2026
CODE = "BIMP"
ROWS = 100_000
REGISTRY = 12_000
TARGET = 120.0
HEADER = [
    *("nama", "nik", "no_kk", "hubungan", "tempat_lahir", "tanggal_lahir", "jenis_kelamin", "telepon"),
    *("provinsi", "kabupaten", "kecamatan", "desa", "alamat", "rt", "rw", "persetujuan", "wali", "hubungan_wali"),
]
TODAY = date(2026, 1, 1)


def setup(url: str) -> None:
    import os

    from bench.generate import ensure_database, log, setup_django

    if url.startswith(("postgres://", "postgresql://")):
        ensure_database(url, recreate=False)
    elif url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    os.environ["DEBUG"] = "0"
    setup_django(url)
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    log(f"database migrated ({time.perf_counter() - started:.0f} s)")


def institution():
    """The benchmark's institution, branch and program officer (created once)."""
    from django.contrib.auth import get_user_model

    from satuatap.organizations.models import Membership, Role, Unit, UnitKind
    from satuatap.organizations.permissions import forget_memberships
    from satuatap.organizations.services import institution_create, unit_create

    users = get_user_model().objects
    root = Unit.objects.filter(code=CODE, depth=1).first()
    if root is None:
        admin = users.create_user(username="bimp-admin", full_name="Benchmark administrator")
        root = institution_create(
            actor=None, first_admin=admin, name="LAZ Impor (benchmark)", code=CODE, legal_name="Yayasan Impor"
        )
        region = unit_create(actor=admin, parent=root, kind=UnitKind.REGION, name="Wilayah Jawa Tengah", code="R01")
        area = unit_create(actor=admin, parent=region, kind=UnitKind.AREA, name="Kabupaten Pati", code="A01")
        unit_create(actor=admin, parent=area, kind=UnitKind.BRANCH, name="Cabang Kayen", code="B001")
    branch = Unit.objects.get(institution=root, code="B001")
    officer, _created = users.get_or_create(username="bimp-program", defaults={"full_name": "Benchmark program"})
    Membership.objects.get_or_create(user=officer, unit=branch, role=Role.PROGRAM, is_active=True)
    forget_memberships(officer)
    return root, branch, officer


def load_registry(root, branch, records: list[dict]) -> int:
    """Write ``records`` as the institution's registry (once), as the services store them; returns its size."""
    from django.db import transaction

    from satuatap.beneficiaries.models import Beneficiary, Household
    from satuatap.core.crypto import blind_index, encrypt
    from satuatap.core.names import name_key

    people = Beneficiary.objects.filter(institution=root)
    first = people.filter(number=f"{CODE}-M0000001").values_list("full_name", flat=True).first()
    if people.count() == len(records) and first == records[0]["full_name"][:200]:
        return len(records)
    if first is not None:  # another size or seed: the registry and the list must come from one generation
        people.delete()
        Household.objects.filter(institution=root).delete()
    now = datetime.now(UTC)
    address = ("province", "regency", "district", "village", "street", "rt", "rw")
    with transaction.atomic():
        households = {}
        for r in records:
            if r["kk"] and r["kk"] not in households:
                households[r["kk"]] = Household(
                    institution=root,
                    registered_unit=branch,
                    kk=encrypt(r["kk"]),
                    kk_hash=blind_index("kk", r["kk"]),
                    kk_last4=r["kk"][-4:],
                    created_at=now,
                    **{f: r[f] for f in address},
                )
        Household.objects.bulk_create(households.values(), batch_size=2000)
        Beneficiary.objects.bulk_create(
            [
                Beneficiary(
                    institution=root,
                    registered_unit=branch,
                    number=f"{CODE}-M{n:07d}",
                    full_name=r["full_name"][:200],
                    name_key=name_key(r["full_name"], drop_titles=True)[:200],
                    nik=encrypt(r["nik"]) if r["nik"] else "",
                    nik_hash=blind_index("nik", r["nik"]),
                    nik_first4=r["nik"][:4],
                    nik_last4=r["nik"][-4:],
                    birth_place=r["birth_place"],
                    birth_date=r["birth_date"],
                    sex=r["sex"],
                    phone=r["phone"],
                    household=households.get(r["kk"]),
                    relation="other" if r["kk"] else "",
                    created_at=now,
                    **{f: r[f] for f in address},
                )
                for n, r in enumerate(records, start=1)
            ],
            batch_size=2000,
        )
    return len(records)


def _age(born: date | None) -> int:
    return (TODAY - born).days // 365 if born else 30


def file_rows(records: list[dict], seed: int = SEED):
    """The list as a branch keeps it, in the template's columns, with a few errors."""
    rng = random.Random(seed)
    heads: set[str] = set()
    for r in records:
        born = r["birth_date"]
        nik, phone, born_text = r["nik"], r["phone"], ""
        if born:
            born_text = born.isoformat() if rng.random() < 0.6 else born.strftime("%d/%m/%Y")
        relation = ""
        if r["kk"]:
            relation = "kepala keluarga" if r["kk"] not in heads and _age(born) >= 18 else "famili lain"
            heads.add(r["kk"])
        if phone and rng.random() < 0.7:
            phone = "0" + phone.removeprefix("+62")  # as typed, not as stored
        roll = rng.random()  # the errors real lists carry
        if roll < 0.01 and nik:
            nik = nik[:-2]
        elif roll < 0.015 and born:
            born_text = f"{born.year}-{born.month:02d}-{born.day + 60}"
        elif roll < 0.025:
            phone = "12345"
        elif roll < 0.03 and r["kk"]:
            relation = "kepala keluarga"
        minor = _age(born) < 18
        yield [
            r["full_name"], nik, r["kk"], relation, r["birth_place"], born_text, "L" if r["sex"] == "M" else "P", phone,
            r["province"], r["regency"], r["district"], r["village"], r["street"], r["rt"], r["rw"], "tertulis",
            "Orang Tua" if minor else "", "ibu" if minor else "",
        ]  # fmt: skip


def csv_bytes(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode()


def run(url: str, rows: int = ROWS, registry: int = REGISTRY) -> dict:
    from bench.generate import log
    from bench.registry_generate import generate

    setup(url)
    from django.db import connection

    from satuatap.beneficiaries.imports import jobs
    from satuatap.beneficiaries.models import BeneficiaryImport

    started = time.perf_counter()
    records = generate(registry + rows, seed=SEED)
    log(f"generated {len(records):,} registrations ({time.perf_counter() - started:.0f} s)")
    root, branch, officer = institution()
    people = load_registry(root, branch, records[:registry])
    log(f"registry: {people:,} people")
    content = csv_bytes(file_rows(records[registry:]))
    BeneficiaryImport.objects.filter(unit=branch).delete()  # the previous runs' jobs and their files
    started = time.perf_counter()
    job = jobs.import_upload(actor=officer, unit=branch, filename="mustahik.csv", content=content, language="id")
    upload = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    jobs.import_validate(job.pk)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    job.refresh_from_db()
    assert job.status == BeneficiaryImport.JobStatus.VALIDATED, job.message
    flagged = {"file": 0, "registry": 0}
    for flag in job.duplicates:
        flagged["file"] += bool(flag["file"])
        flagged["registry"] += bool(flag["registry"])
    quality = _quality(job, records, registry, root)
    return {
        "database": connection.vendor,
        "rows": job.total_rows,
        "registry": people,
        "megabytes": round(len(content) / 1e6, 1),
        "upload_seconds": round(upload, 2),
        "check_seconds": round(seconds, 2),
        "check_cpu_seconds": round(cpu, 2),  # this process's: the machine may be shared
        "rows_per_second": round(job.total_rows / seconds),
        "valid_rows": job.valid_rows,
        "error_rows": job.error_rows,
        "flagged_rows": job.duplicate_rows,
        "flagged_within_file": flagged["file"],
        "flagged_against_registry": flagged["registry"],
        **quality,
    }


def _quality(job, records: list[dict], registry: int, root) -> dict:
    """Of the rows without errors whose person is earlier in the list (or in the registry), the share
    flagged with a row (a record) of that person; of the flags, the share that name the same person."""
    from satuatap.beneficiaries.models import Beneficiary

    entity = {number: r["entity_id"] for number, r in enumerate(records[registry:], start=2)}
    registered = {r["entity_id"] for r in records[:registry]}
    by_pk = {
        pk: records[int(number.rsplit("M", 1)[1]) - 1]["entity_id"]
        for pk, number in Beneficiary.objects.filter(institution=root).values_list("pk", "number")
    }
    errors = {row for row, _column, _message in job.errors}
    flags = {d["row"]: d for d in job.duplicates}
    seen: set[int] = set()
    out = {"file_repeats": 0, "file_found": 0, "file_flags": 0, "file_right": 0}
    out |= {"registry_repeats": 0, "registry_found": 0, "registry_flags": 0, "registry_right": 0}
    for number, person in entity.items():
        flag = flags.get(number, {"file": [], "registry": []})
        file_people = [entity[f["row"]] for f in flag["file"]]
        registry_people = [by_pk.get(c["id"]) for c in flag["registry"]]
        out["file_flags"] += len(file_people)
        out["file_right"] += file_people.count(person)
        out["registry_flags"] += len(registry_people)
        out["registry_right"] += registry_people.count(person)
        if number not in errors:
            if person in seen:
                out["file_repeats"] += 1
                out["file_found"] += person in file_people
            if person in registered:
                out["registry_repeats"] += 1
                out["registry_found"] += person in registry_people
        seen.add(person)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.registry_import", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="sqlite:///path or postgres://... (its own database)")
    parser.add_argument("--rows", type=int, default=ROWS, help="rows of the list (default 100,000)")
    parser.add_argument("--registry", type=int, default=REGISTRY, help="people already registered (default 12,000)")
    parser.add_argument("--target", type=float, default=TARGET, help="seconds the check must stay under")
    parser.add_argument("--json", help="write the figures here")
    args = parser.parse_args(argv)
    if args.database_url.rstrip("/").endswith("/bench"):
        raise SystemExit("use a database of its own, not the ledger benchmark's (e.g. .../bench_import)")
    figures = run(args.database_url, args.rows, args.registry)
    figures["target_seconds"] = args.target
    print(
        f"\nBeneficiaries import check, {figures['rows']:,} rows ({figures['megabytes']} MB CSV) against "
        f"{figures['registry']:,} people, {figures['database']}\n"
        f"  upload:               {figures['upload_seconds']:8.2f} s\n"
        f"  check (import_validate): {figures['check_seconds']:8.2f} s  ({figures['rows_per_second']:,} rows/s; "
        f"target under {args.target:.0f} s)\n"
        f"  of which this process's CPU: {figures['check_cpu_seconds']:8.2f} s (the rest: waiting for the disk, "
        f"the database server or a shared CPU)\n"
        f"  valid rows {figures['valid_rows']:,}, rows with errors {figures['error_rows']:,}, flagged "
        f"{figures['flagged_rows']:,} (within the file {figures['flagged_within_file']:,}, against the registry "
        f"{figures['flagged_against_registry']:,})\n"
        f"  rows (without errors) of a person earlier in the list: {figures['file_repeats']:,}, flagged with a row "
        f"of that person {figures['file_found']:,} ({figures['file_found'] / max(figures['file_repeats'], 1):.1%}); "
        f"flags naming the same person {figures['file_right'] / max(figures['file_flags'], 1):.1%}\n"
        f"  rows (without errors) of a person in the registry: {figures['registry_repeats']:,}, flagged with a record "
        f"of that person {figures['registry_found']:,} "
        f"({figures['registry_found'] / max(figures['registry_repeats'], 1):.1%}); flags naming the same person "
        f"{figures['registry_right'] / max(figures['registry_flags'], 1):.1%}\n",
        flush=True,
    )
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(figures, indent=2))
    return 0 if figures["check_seconds"] < args.target else 1


if __name__ == "__main__":
    sys.exit(main())
