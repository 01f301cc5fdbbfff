"""How well the batch deduplication finds the known duplicates of a generated registry.

    python -m bench.registry_batch --count 100000 [--seed 2026] [--baseline] [--fewer-fields]
        [--json var/bench/registry_batch.json]

Generates the registry (``bench.registry_generate``), replaces NIK and KK by keyed hashes as
the application stores them (so the model sees only "equal" or "not equal", never the digits),
runs ``linkage.deduplicate`` and compares what it reports with the truth (``entity_id``):

* pairs: the reported pairs against all pairs of records of one person;
* clusters: the pairs implied by the reported clusters (every two records of a cluster), which
  also counts what transitivity adds or joins wrongly; and the share of persons registered more
  than once whose records form exactly one reported cluster, and of reported clusters that are
  exactly one person's records.

The truth is read only here, after the run: the model never sees ``entity_id``. ``measure`` is
the same for the benchmark suite. Target: pair F1 >= 0.95 in under 2 minutes for 100,000 records.

``--baseline`` also runs Splink as its documentation's quickstart sets it up (``splink_defaults``:
the comparison library's ready-made comparisons with their default levels, blocking on the name
and on the birth date, the quickstart's training steps, pairs from a match weight of -10 and
clusters at 0.95) on the same records, and scores it the same way, for ``make bench``'s table.
``--json`` writes the figures (and the baseline's) for ``bench.report``.
"""

import argparse
import hashlib
import hmac
import json
import logging
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from types import SimpleNamespace

from bench.registry_generate import SEED, generate
from satuatap.beneficiaries.linkage import deduplicate

# The bench's own key for the identifier hashes (production uses the institution's secret).
BENCH_KEY = b"satuatap-bench-registry"


def _key(kind: str, number: str) -> str | None:
    """A keyed hash of an identifier, as the registry stores it: equal numbers, equal keys."""
    if not number:
        return None
    return hmac.new(BENCH_KEY, f"{kind}:{number}".encode(), hashlib.sha256).hexdigest()


# The columns a list with fewer fields leaves empty (a partner's list, an old spreadsheet).
SPARSE_EMPTY = ("district", "regency", "kk", "phone")


def sparse(records: list[dict]) -> list[dict]:
    """The records without district, regency, KK and phone."""
    return [{**record, **dict.fromkeys(SPARSE_EMPTY, "")} for record in records]


def linkage_input(records: list[dict]) -> list[dict]:
    """The generated records as ``deduplicate`` reads them: NIK and KK as keys, no truth."""
    return [
        {
            "id": record["id"],
            "full_name": record["full_name"],
            "nik_key": _key("nik", record["nik"]),
            "kk_key": _key("kk", record["kk"]),
            "birth_date": record["birth_date"],
            "sex": record["sex"],
            "phone": record["phone"],
            "village": record["village"],
            "district": record["district"],
            "regency": record["regency"],
            "province": record["province"],
            "street": record["street"],
        }
        for record in records
    ]


def _scores(true_positives: int, predicted: int, actual: int) -> tuple[float, float, float]:
    precision = true_positives / predicted if predicted else 1.0
    recall = true_positives / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _pairs_of(count: int) -> int:
    return count * (count - 1) // 2


def evaluate(records: list[dict], result) -> dict:
    """Precision, recall and F1 of ``result`` against the records' ``entity_id``."""
    entity = {record["id"]: record["entity_id"] for record in records}
    members: dict[int, list[int]] = defaultdict(list)
    for record in records:
        members[record["entity_id"]].append(record["id"])
    true_pairs = sum(_pairs_of(len(ids)) for ids in members.values())

    found = sum(1 for pair in result.pairs if entity[pair.id_l] == entity[pair.id_r])
    pair_precision, pair_recall, pair_f1 = _scores(found, len(result.pairs), true_pairs)

    # Pairs implied by the clusters, counted without listing them (a chain can be large).
    implied = sum(_pairs_of(len(cluster)) for cluster in result.clusters)
    implied_true = sum(
        _pairs_of(n) for cluster in result.clusters for n in Counter(entity[i] for i in cluster).values()
    )
    cluster_precision, cluster_recall, cluster_f1 = _scores(implied_true, implied, true_pairs)

    repeated = {entity_id: sorted(ids) for entity_id, ids in members.items() if len(ids) > 1}
    exact = sum(1 for cluster in result.clusters if repeated.get(entity[cluster[0]]) == cluster)
    return {
        "records": len(records),
        "persons": len(members),
        "true_pairs": true_pairs,
        "reported_pairs": len(result.pairs),
        "pair_precision": pair_precision,
        "pair_recall": pair_recall,
        "pair_f1": pair_f1,
        "clusters": len(result.clusters),
        "cluster_pair_precision": cluster_precision,
        "cluster_pair_recall": cluster_recall,
        "cluster_pair_f1": cluster_f1,
        "clusters_exact": exact / len(result.clusters) if result.clusters else 1.0,
        "persons_exact": exact / len(repeated) if repeated else 1.0,
    }


def measure(count: int = 100_000, seed: int = SEED, *, fewer_fields: bool = False) -> dict:
    """Generate ``count`` records, deduplicate them and return the figures (seconds included);
    ``fewer_fields``: with district, regency, KK and phone left empty."""
    started = time.perf_counter()
    records = generate(count, seed=seed)
    if fewer_fields:
        records = sparse(records)
    given = linkage_input(records)
    generated = time.perf_counter()
    result = deduplicate(given)
    finished = time.perf_counter()
    return {
        **evaluate(records, result),
        "generate_seconds": generated - started,
        "dedup_seconds": finished - generated,
        "total_seconds": finished - started,
        "timings": result.timings,
    }


BASELINE_PAIR_PROBABILITY = 0.95  # the quickstart clusters at 0.95: its reported pairs are those


def splink_defaults(given: list[dict]) -> tuple[SimpleNamespace, dict]:
    """Splink's documented quickstart, with this registry's columns in place of its example's.

    Comparisons of ``splink.comparison_library`` with their default levels: Jaro-Winkler at 0.9
    and 0.7 on the full name (the quickstart's first and last names), the date-of-birth
    comparison (year and month thresholds as in the quickstart), an exact match with term
    frequencies on the village (its city), exact matches on NIK, KK, phone (its email) and sex.
    Blocking on the name and on the birth date; the prior from name + birth date at recall 0.7,
    u from 1e6 random pairs, m by EM on the name and on the birth date; predictions from a
    match weight of -10; clusters at 0.95. The model sees what ``deduplicate`` sees
    (``linkage_input``), raw names instead of its normalised keys.
    """
    import duckdb
    import pyarrow as pa
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    timings = {}
    started = time.perf_counter()
    columns = ["id", "full_name", "nik_key", "kk_key", "birth_date", "sex", "phone", "village"]
    schema = pa.schema(
        [(c, pa.int64() if c == "id" else pa.date32() if c == "birth_date" else pa.string()) for c in columns]
    )
    rows = [{c: (record[c] if record[c] not in ("",) else None) for c in columns} for record in given]
    connection = duckdb.connect(":memory:")
    try:
        table = DuckDBAPI(connection).register(pa.Table.from_pylist(rows, schema=schema), table_name="registry")
        settings = SettingsCreator(
            link_type="dedupe_only",
            unique_id_column_name="id",
            comparisons=[
                cl.JaroWinklerAtThresholds("full_name", [0.9, 0.7]),
                cl.DateOfBirthComparison(
                    "birth_date", input_is_string=False, datetime_metrics=["year", "month"], datetime_thresholds=[1, 1]
                ),
                cl.ExactMatch("village").configure(term_frequency_adjustments=True),
                cl.ExactMatch("nik_key"),
                cl.ExactMatch("kk_key"),
                cl.ExactMatch("phone"),
                cl.ExactMatch("sex"),
            ],
            blocking_rules_to_generate_predictions=[block_on("full_name"), block_on("birth_date")],
        )
        linker = Linker(table, settings, log_level=logging.WARNING)
        training = linker.training
        training.estimate_probability_two_random_records_match([block_on("full_name", "birth_date")], recall=0.7)
        training.estimate_u_using_random_sampling(max_pairs=1e6)
        training.estimate_parameters_using_expectation_maximisation(block_on("full_name"))
        training.estimate_parameters_using_expectation_maximisation(block_on("birth_date"))
        timings["train"] = time.perf_counter() - started
        step = time.perf_counter()
        predictions = linker.inference.predict(threshold_match_weight=-10)
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, BASELINE_PAIR_PROBABILITY)
        pairs = connection.sql(
            f"SELECT id_l, id_r FROM {predictions.physical_name} "  # noqa: S608 - Splink's table name
            f"WHERE match_probability >= {BASELINE_PAIR_PROBABILITY}"
        ).fetchall()
        members: dict[str, list[int]] = defaultdict(list)
        for cluster_id, record_id in connection.sql(f"SELECT cluster_id, id FROM {clusters.physical_name}").fetchall():  # noqa: S608
            members[cluster_id].append(record_id)
        timings["predict"] = time.perf_counter() - step
    finally:
        connection.close()
    timings["total"] = time.perf_counter() - started
    result = SimpleNamespace(
        pairs=[SimpleNamespace(id_l=min(a, b), id_r=max(a, b)) for a, b in pairs],
        clusters=sorted((sorted(ids) for ids in members.values() if len(ids) > 1), key=lambda c: (-len(c), c[0])),
    )
    return result, timings


def measure_baseline(count: int = 100_000, seed: int = SEED) -> dict:
    """``splink_defaults`` on the same generated records as ``measure``, scored the same way."""
    records = generate(count, seed=seed)
    result, timings = splink_defaults(linkage_input(records))
    return {**evaluate(records, result), "dedup_seconds": timings["total"], "timings": timings}


def _print(title: str, figures: dict) -> None:
    print(
        f"{title}\n"
        f"pairs     {figures['reported_pairs']:>8,} reported  precision {figures['pair_precision']:.4f}  "
        f"recall {figures['pair_recall']:.4f}  F1 {figures['pair_f1']:.4f}\n"
        f"clusters  {figures['clusters']:>8,} reported  precision {figures['cluster_pair_precision']:.4f}  "
        f"recall {figures['cluster_pair_recall']:.4f}  F1 {figures['cluster_pair_f1']:.4f} (pairs in clusters)\n"
        f"seconds   deduplicate {figures['dedup_seconds']:.1f} ("
        + ", ".join(f"{step} {seconds:.1f}" for step, seconds in figures["timings"].items())
        + ")"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--baseline", action="store_true", help="also Splink with its quickstart's settings")
    parser.add_argument("--fewer-fields", action="store_true", help="with district, regency, KK and phone left empty")
    parser.add_argument("--json", help="write the figures to this file (for bench.report)")
    args = parser.parse_args(argv)
    figures = measure(args.count, args.seed, fewer_fields=args.fewer_fields)
    print(
        f"{figures['records']:,} records of {figures['persons']:,} persons, {figures['true_pairs']:,} true pairs\n"
        f"pairs     {figures['reported_pairs']:>8,} reported  precision {figures['pair_precision']:.4f}  "
        f"recall {figures['pair_recall']:.4f}  F1 {figures['pair_f1']:.4f}\n"
        f"clusters  {figures['clusters']:>8,} reported  precision {figures['cluster_pair_precision']:.4f}  "
        f"recall {figures['cluster_pair_recall']:.4f}  F1 {figures['cluster_pair_f1']:.4f} (pairs in clusters)\n"
        f"          exact: {figures['clusters_exact']:.4f} of clusters are one person, "
        f"{figures['persons_exact']:.4f} of persons registered twice or more are one cluster\n"
        f"seconds   generate {figures['generate_seconds']:.1f}  deduplicate {figures['dedup_seconds']:.1f} ("
        + ", ".join(f"{step} {seconds:.1f}" for step, seconds in figures["timings"].items())
        + f")  total {figures['total_seconds']:.1f}"
    )
    baseline = None
    if args.baseline:
        baseline = measure_baseline(args.count, args.seed)
        _print("Splink with its documented quickstart settings, same records:", baseline)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps({"ours": figures, "splink_defaults": baseline}, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
