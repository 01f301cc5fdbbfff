"""Load a synthetic registry of 1,000,000 beneficiaries (``bench.registry_generate``) on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python -m bench.registry_load [--count 1000000]

Run after ``python -m bench.generate`` (it needs the BENCH institution). The generated records,
with their known duplicates (the same person registered again at another branch, with typos,
name variants, a missing NIK, swapped day and month...), are loaded with PostgreSQL COPY, every
derived column computed by the code the services use: ``name_key`` from ``core.names``, NIK and
KK encrypted with ``core.crypto.encrypt`` and looked up by ``core.crypto.blind_index``, one
household per KK number. Each record goes to a branch of the institution.

Two side tables keep the truth for the benchmark, outside the application's tables:
``bench_registry_truth`` (record id -> true person) and ``bench_registry_probe`` (the raw data of
a sample of records that have a duplicate: what a clerk would type when registering them again).

``--if-needed`` skips the load when the institution already has ``--count`` beneficiaries.
"""

import argparse
import os
import random
import sys
import time
from collections import Counter
from datetime import UTC, datetime

from bench.generate import DEFAULT_URL, INSTITUTION_CODE, log, setup_django
from bench.progress import Progress

SEED = 2026
PROBES = 2_000
BENEFICIARY_COLUMNS = [
    "id", "institution_id", "registered_unit_id", "number", "kind", "organisation_type", "full_name", "name_key",
    "nik", "nik_hash", "nik_first4", "nik_last4", "birth_place", "birth_date", "sex", "phone", "province", "regency",
    "district", "village", "street", "rt", "rw", "household_id", "relation", "has_disability", "is_orphan",
    "chronic_illness", "asnaf", "asnaf_reason", "status", "note", "created_at", "created_by_id",
    "possible_duplicate_reason",
]  # fmt: skip
HOUSEHOLD_COLUMNS = [
    "id", "institution_id", "registered_unit_id", "kk", "kk_hash", "kk_last4", "single_parent", "province",
    "regency", "district", "village", "street", "rt", "rw", "created_at",
]  # fmt: skip
PROBE_COLUMNS = ["id", "entity_id", "full_name", "nik", "kk", "birth_date", "sex", "phone", "village"]


def existing(institution_id: int) -> int:
    from satuatap.beneficiaries.models import Beneficiary

    return Beneficiary.objects.filter(institution_id=institution_id).count()


def _remove(cursor, institution_id: int) -> None:
    for table in ("bench_registry_truth", "bench_registry_probe"):
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
    for sql in (
        "DELETE FROM beneficiaries_statuschange WHERE beneficiary_id IN "
        "(SELECT id FROM beneficiaries_beneficiary WHERE institution_id = %s)",
        "DELETE FROM beneficiaries_notduplicate WHERE first_id IN "
        "(SELECT id FROM beneficiaries_beneficiary WHERE institution_id = %s)",
        "DELETE FROM beneficiaries_beneficiary WHERE institution_id = %s",
        "DELETE FROM beneficiaries_household WHERE institution_id = %s",
    ):
        cursor.execute(sql, [institution_id])


def load(count: int, *, vacuum: bool = True) -> dict:
    """``vacuum``: VACUUM ANALYZE afterwards (not inside a transaction: off in tests)."""
    from django.db import connection, transaction

    from bench.registry_generate import generate
    from satuatap.core.crypto import blind_index, encrypt
    from satuatap.core.models import Sequence
    from satuatap.core.names import name_key
    from satuatap.organizations.models import Unit, UnitKind

    started = time.monotonic()
    rng = random.Random(SEED)
    root = Unit.objects.filter(code=INSTITUTION_CODE, depth=1).first()
    if root is None:
        raise SystemExit("no benchmark institution: run `python -m bench.generate` first")
    branches = list(Unit.objects.filter(institution=root, kind=UnitKind.BRANCH).values_list("pk", flat=True))
    records = generate(count, seed=SEED)
    log(f"generated {len(records):,} records in {time.monotonic() - started:.1f}s")
    now = datetime.now(UTC)
    with transaction.atomic(), connection.cursor() as cursor:
        _remove(cursor, root.pk)
        raw = cursor.cursor
        households: dict[str, int] = {}
        cursor.execute("SELECT coalesce(max(id), 0) FROM beneficiaries_household")
        next_household = cursor.fetchone()[0] + 1
        with raw.copy(f"COPY beneficiaries_household ({', '.join(HOUSEHOLD_COLUMNS)}) FROM STDIN") as copy:
            for r in records:
                kk = r["kk"]
                if kk and kk not in households:
                    households[kk] = next_household
                    copy.write_row(
                        [next_household, root.pk, rng.choice(branches), encrypt(kk), blind_index("kk", kk), kk[-4:],
                         False, r["province"], r["regency"], r["district"], r["village"], r["street"], r["rt"],
                         r["rw"], now]
                    )  # fmt: skip
                    next_household += 1
        log(f"households: {len(households):,} (COPY)")
        cursor.execute("SELECT coalesce(max(id), 0) FROM beneficiaries_beneficiary")
        offset = cursor.fetchone()[0]
        batch = 100_000
        progress = Progress(len(records), "registry", unit="beneficiaries (COPY)")
        for start in range(0, len(records), batch):
            with raw.copy(f"COPY beneficiaries_beneficiary ({', '.join(BENEFICIARY_COLUMNS)}) FROM STDIN") as copy:
                for r in records[start : start + batch]:
                    nik = r["nik"]
                    copy.write_row(
                        [offset + r["id"], root.pk, rng.choice(branches), f"{root.code}-M{r['id']:07d}", "person", "",
                         r["full_name"][:200], name_key(r["full_name"], drop_titles=True)[:200],
                         encrypt(nik) if nik else "", blind_index("nik", nik), nik[:4], nik[-4:], r["birth_place"],
                         r["birth_date"], r["sex"], r["phone"], r["province"], r["regency"], r["district"],
                         r["village"], r["street"], r["rt"], r["rw"], households.get(r["kk"]),
                         "other" if r["kk"] else "", False, False, False, "", "", "applicant", "", now, None, ""]
                    )  # fmt: skip
            progress.update(min(len(records), start + batch))
        progress.close()
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('beneficiaries_beneficiary', 'id'), "
            "(SELECT max(id) FROM beneficiaries_beneficiary))"
        )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('beneficiaries_household', 'id'), "
            "(SELECT max(id) FROM beneficiaries_household))"
        )
        Sequence.objects.update_or_create(scope="beneficiary", key=str(root.pk), defaults={"value": len(records)})
        cursor.execute("CREATE TABLE bench_registry_truth (id bigint PRIMARY KEY, entity_id integer NOT NULL)")
        with raw.copy("COPY bench_registry_truth (id, entity_id) FROM STDIN") as copy:
            for r in records:
                copy.write_row([offset + r["id"], r["entity_id"]])
        sizes = Counter(r["entity_id"] for r in records)
        duplicated = [r for r in records if sizes[r["entity_id"]] > 1]
        sample = random.Random(SEED).sample(duplicated, min(PROBES, len(duplicated)))
        cursor.execute(
            "CREATE TABLE bench_registry_probe (id bigint PRIMARY KEY, entity_id integer, full_name text, nik text, "
            "kk text, birth_date date, sex text, phone text, village text)"
        )
        with raw.copy(f"COPY bench_registry_probe ({', '.join(PROBE_COLUMNS)}) FROM STDIN") as copy:
            for r in sample:
                copy.write_row([offset + r["id"], *(r[c] for c in PROBE_COLUMNS[1:])])
    if vacuum:
        log("committed; VACUUM ANALYZE")
        with connection.cursor() as cursor:
            for table in ("beneficiaries_beneficiary", "beneficiaries_household", "bench_registry_truth"):
                cursor.execute(f"VACUUM (ANALYZE) {table}")
    seconds = time.monotonic() - started
    log(f"loaded {len(records):,} beneficiaries ({len(duplicated):,} in duplicate groups) in {seconds:.1f}s")
    return {"beneficiaries": len(records), "seconds": round(seconds, 1)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.registry_load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1_000_000, help="beneficiaries (default 1,000,000)")
    parser.add_argument("--if-needed", action="store_true", help="skip if the institution has --count of them")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or DEFAULT_URL)
    args = parser.parse_args(argv)
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("the benchmark needs PostgreSQL: set DATABASE_URL=postgres://...")
    if not 1 <= args.count <= 5_000_000:
        raise SystemExit("--count must be between 1 and 5,000,000")
    setup_django(args.database_url)
    from django.core.management import call_command

    from satuatap.organizations.models import Unit

    call_command("migrate", verbosity=0, interactive=False)
    root = Unit.objects.filter(code=INSTITUTION_CODE, depth=1).first()
    if root is None:
        raise SystemExit("no benchmark institution: run `python -m bench.generate` first")
    have = existing(root.pk)
    if args.if_needed and have >= args.count:
        log(f"benchmark beneficiaries present ({have:,}): not loading again")
        return 0
    load(args.count)
    return 0


if __name__ == "__main__":
    sys.exit(main())
