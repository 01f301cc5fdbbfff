"""The batch deduplication measured end to end: the generated registry imported as users import
it, then deduplicated as a run from the duplicates page does it.

    python -m bench.registry_import_dedup [--count 3000] [--seed 2026] [--json var/bench/registry_import_dedup.json]

``bench.registry_batch`` scores the model on the generated records handed to it directly. Here the
same kind of list (``bench.registry_generate``, with its known true persons) goes through the
registry import as a branch would send it: one CSV file, ``import_upload`` → ``import_validate``
→ ``import_commit_request`` with every flagged row that can be included → ``import_commit``, each
step run here, synchronously. Then ``dedup_start(now=True)`` runs the batch over the institution's
registry (what the page and ``manage.py registry_dedup`` run) and the pairs it stored are scored:

* against ALL true pairs of the list: what a user gets, the import's refusals included;
* against the true pairs among the records the import let in: the deduplication alone.

Twice: on the full list, and on the same list with its district, regency, KK and phone columns
emptied (a partner's list). Targets: precision and recall >= 0.95 on the full list, >= 0.90 on
the one with fewer fields, both against all true pairs.

It runs in a throwaway test database (Django's test database of ``DATABASE_URL``, created and
dropped here), so the benchmark's own database and its million-person registry are left alone.
The validation checks every row against the registry one by one (about 16 rows a second before
the set-wise check of issue 15), which is why the default list is small.
"""

import argparse
import csv
import io
import json
import os
import re
import sys
import time
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

from bench.registry_batch import SPARSE_EMPTY, sparse
from bench.registry_generate import REFERENCE_YEAR, SEED, generate

TARGETS = {"full": 0.95, "fewer_fields": 0.90}
HEADER = [
    *("nama", "nik", "no_kk", "tempat_lahir", "tanggal_lahir", "jenis_kelamin", "telepon", "provinsi"),
    *("kabupaten", "kecamatan", "desa", "alamat", "rt", "rw", "persetujuan", "wali", "hubungan_wali"),
]
ADULT = 18


def with_guardians(records: list[dict]) -> list[dict]:
    """The records with the guardian a branch writes for a child (consent is the parent's): the eldest
    adult of the child's household (same KK), else a parent named after the child's last name."""
    eldest: dict[str, tuple] = {}
    for r in records:
        if r["kk"] and r["birth_date"] and _age(r["birth_date"]) >= ADULT:
            known = eldest.get(r["kk"])
            if known is None or r["birth_date"] < known[0]:
                eldest[r["kk"]] = (r["birth_date"], r["full_name"])
    out = []
    for r in records:
        guardian = ""
        if r["birth_date"] and _age(r["birth_date"]) < ADULT:
            guardian = eldest.get(r["kk"], (None, ""))[1] or f"Orang tua {r['full_name'].split()[-1]}"
        out.append({**r, "guardian": guardian})
    return out


def _age(born) -> int:
    today = date(REFERENCE_YEAR, 12, 31)
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def csv_bytes(records: list[dict]) -> bytes:
    """The list as a branch exports it from its spreadsheet: one row per record, in ``records`` order."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(HEADER)
    for r in records:
        writer.writerow(
            [
                r["full_name"], r["nik"], r["kk"], r["birth_place"], str(r["birth_date"] or ""),
                {"M": "L", "F": "P"}.get(r["sex"], ""), r["phone"], r["province"], r["regency"], r["district"],
                r["village"], r["street"], r["rt"], r["rw"], "tertulis", r.get("guardian", ""),
                "orang tua" if r.get("guardian") else "",
            ]
        )  # fmt: skip
    return out.getvalue().encode()


def _pairs(ids_by_entity: dict[int, list[int]]) -> set[tuple[int, int]]:
    return {(a, b) for ids in ids_by_entity.values() for i, a in enumerate(sorted(ids)) for b in sorted(ids)[i + 1 :]}


def measure(code: str, records: list[dict]) -> dict:
    """Import ``records`` into a new institution ``code`` and deduplicate it; the figures."""
    from satuatap.accounts.models import User
    from satuatap.beneficiaries.imports import jobs
    from satuatap.beneficiaries.models import Beneficiary, DedupRun
    from satuatap.beneficiaries.services.dedup import dedup_start
    from satuatap.organizations import services as units
    from satuatap.organizations.models import Membership, Role, Unit, UnitKind

    officer = User.objects.create_user(username=f"bench-{code.lower()}", password=None)
    root = units.institution_create(actor=None, first_admin=officer, name=f"Bench {code}", code=code)
    branch = Unit.objects.add_child(
        root, {"kind": UnitKind.BRANCH, "code": f"{code}B", "name": f"Cabang {code}", "institution_id": root.pk}
    )
    Membership.objects.create(user=officer, unit=branch, role=Role.PROGRAM)
    officer.__dict__.pop("_satuatap_memberships", None)

    started = time.perf_counter()
    job = jobs.import_upload(actor=officer, unit=branch, filename=f"{code}.csv", content=csv_bytes(records))
    jobs.import_validate(job.pk)
    job.refresh_from_db()
    validated = time.perf_counter()
    include = sorted(jobs.includable(job))
    jobs.import_commit_request(actor=officer, job=job, include=include)
    job = jobs.import_commit(job.pk) or job
    job.refresh_from_db()
    if job.status != job.JobStatus.COMMITTED:
        raise SystemExit(f"{code}: the import ended {job.status}: {job.message}")
    committed = time.perf_counter()

    # Saved rows are registered in file order: the n-th saved record is the n-th row chosen. Rows
    # are numbered as the spreadsheet shows them: the header is row 1.
    errors = {row for row, _column, _message in job.errors or []}
    flagged = {d["row"] for d in job.duplicates or []}
    kept = set(include)
    chosen = [i for i in range(len(records)) if i + 2 not in errors and (i + 2 not in flagged or i + 2 in kept)]
    saved = list(Beneficiary.objects.filter(institution=root).order_by("pk").values_list("pk", "full_name"))
    if len(saved) != len(chosen) or any(
        name.split() != records[i]["full_name"].split() for (_pk, name), i in zip(saved, chosen, strict=True)
    ):
        raise SystemExit(f"{code}: the saved records do not follow the file's rows; cannot score")
    entity_of = {pk: records[i]["entity_id"] for (pk, _name), i in zip(saved, chosen, strict=True)}

    run = dedup_start(actor=None, unit=root, now=True)
    if run.status != DedupRun.RunStatus.DONE:
        raise SystemExit(f"{code}: the run failed: {run.error}")
    finished = time.perf_counter()
    found = set(run.pairs.values_list("left_id", "right_id"))
    # Pairs are scored as pairs of true persons' records: a reported pair is right when both
    # records are one person; the list's true pairs are counted over its rows.
    by_entity_all: dict[int, list[int]] = defaultdict(list)
    for index, record in enumerate(records):
        by_entity_all[record["entity_id"]].append(index)
    truth_all = len(_pairs(by_entity_all))
    by_entity_in: dict[int, list[int]] = defaultdict(list)
    for pk, entity in entity_of.items():
        by_entity_in[entity].append(pk)
    truth_in = _pairs(by_entity_in)
    hits = len(found & truth_in)
    return {
        "records": len(records),
        "imported": len(saved),
        "refused_rows": len(errors),
        "flagged_rows": len(flagged),
        "included_flagged": len(include),
        "true_pairs_all": truth_all,
        "true_pairs_imported": len(truth_in),
        "reported_pairs": len(found),
        "precision": hits / len(found) if found else 1.0,
        "recall_all": hits / truth_all if truth_all else 1.0,
        "recall_imported": hits / len(truth_in) if truth_in else 1.0,
        "too_empty": run.too_empty,
        # Why rows were refused, most common first (row numbers taken out of the messages).
        "refused_for": Counter(
            re.sub(r"\d+", "N", f"{column}: {message}")[:90] for _row, column, message in job.errors or []
        ).most_common(5),
        "seconds": {
            "validate": round(validated - started, 1),
            "commit": round(committed - validated, 1),
            "dedup": round(finished - committed, 1),
        },
    }


def run_all(count: int, seed: int) -> dict:
    records = with_guardians(generate(count, seed=seed))
    # Codes of their own each time: a kept database (--keepdb) holds the institutions of earlier runs.
    stamp = time.strftime("%H%M%S")
    return {
        "full": measure(f"BDF{stamp}", records),
        "fewer_fields": measure(f"BDS{stamp}", sparse(records)),
    }


def _print(figures: dict) -> None:
    for name, f in figures.items():
        target = TARGETS[name]
        label = "full list" if name == "full" else f"without {', '.join(SPARSE_EMPTY)}"
        print(
            f"{label}: {f['records']:,} rows, {f['imported']:,} imported ({f['refused_rows']:,} refused, "
            f"{f['flagged_rows']:,} flagged, {f['included_flagged']:,} of them included)\n"
            f"  against all {f['true_pairs_all']:,} true pairs of the list: precision {f['precision']:.4f}  "
            f"recall {f['recall_all']:.4f}  (target >= {target})\n"
            f"  the deduplication alone, on the {f['true_pairs_imported']:,} true pairs imported: "
            f"recall {f['recall_imported']:.4f}\n"
            f"  fields too empty to help: {', '.join(f['too_empty']) or 'none'}; seconds "
            + ", ".join(f"{k} {v}" for k, v in f["seconds"].items())
        )
        for reason, count in f.get("refused_for", []):
            print(f"  refused {count:,}x: {reason}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=int(os.environ.get("BENCH_IMPORT_DEDUP", "3000")))
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument(
        "--keepdb", metavar="FILE", help="on SQLite: keep the test database in FILE for the next run (faster)"
    )
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "satuatap.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    keep = bool(args.keepdb) and connection.vendor == "sqlite"
    if keep:
        connection.settings_dict["TEST"]["NAME"] = args.keepdb
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=keep)
    try:
        figures = run_all(args.count, args.seed)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=keep)
    _print(figures)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
