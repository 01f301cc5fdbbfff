"""How well the batch deduplication finds the known duplicates of a generated registry.

    python -m bench.registry_batch --count 100000 [--seed 2026]

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
"""

import argparse
import hashlib
import hmac
import sys
import time
from collections import Counter, defaultdict

from bench.registry_generate import SEED, generate
from satuatap.beneficiaries.linkage import deduplicate

# The bench's own key for the identifier hashes (production uses the institution's secret).
BENCH_KEY = b"satuatap-bench-registry"


def _key(kind: str, number: str) -> str | None:
    """A keyed hash of an identifier, as the registry stores it: equal numbers, equal keys."""
    if not number:
        return None
    return hmac.new(BENCH_KEY, f"{kind}:{number}".encode(), hashlib.sha256).hexdigest()


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


def measure(count: int = 100_000, seed: int = SEED) -> dict:
    """Generate ``count`` records, deduplicate them and return the figures (seconds included)."""
    started = time.perf_counter()
    records = generate(count, seed=seed)
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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    figures = measure(args.count, args.seed)
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
