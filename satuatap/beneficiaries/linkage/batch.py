"""Batch duplicate detection over a whole registry, with Splink on an in-memory DuckDB.

``deduplicate`` trains the model of ``settings`` on the records themselves (u by random
sampling, m by expectation-maximisation, both deterministic), scores the candidate pairs and
groups the pairs above the threshold into clusters. It only reports: nothing is merged, and the
records passed in are not modified. Everything lives in one in-memory DuckDB connection that is
closed at the end; DuckDB's spill directory (used only when memory runs short) is a temporary
directory removed with it.
"""

import logging
import tempfile
import time
import warnings
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker
from splink.blocking_analysis import count_comparisons_from_blocking_rules

from . import settings as model
from .prepare import COLUMNS, fill_rates, prepare

log = logging.getLogger(__name__)

SCHEMA = pa.schema(
    [
        (column, pa.int64() if column == "id" else pa.list_(pa.string()) if column == "name_tokens" else pa.string())
        for column in COLUMNS
    ]
)


@dataclass(frozen=True)
class Evidence:
    """What one comparison says about a pair: a reason and its weight (log2 of the Bayes factor:
    positive for a duplicate, negative against)."""

    reason: str
    weight: float


@dataclass(frozen=True)
class ScoredPair:
    """Two records that may be the same person (``id_l`` < ``id_r``), strongest evidence first."""

    id_l: int
    id_r: int
    match_probability: float
    match_weight: float
    evidence: tuple[Evidence, ...]

    @property
    def reasons(self) -> list[str]:
        return [item.reason for item in self.evidence]


@dataclass
class BatchResult:
    """Clusters of at least two records (each sorted, largest cluster first), the scored pairs
    at or above the threshold (most probable first), seconds per step, the share of records
    that have each field (``prepare.fill_rates``) and what Splink had to say (its warnings)."""

    clusters: list[list[int]] = field(default_factory=list)
    pairs: list[ScoredPair] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    filled: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


class _Kept(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage().strip())


@contextmanager
def splink_quiet() -> Iterator[list[str]]:
    """Splink's log messages and Python warnings of the run, kept (and logged at DEBUG here)
    instead of printed: "level not observed in dataset, unable to train m value" is about the
    model, not something a person starting a run can act on."""
    splink = logging.getLogger("splink")
    kept = _Kept()
    saved = splink.level, splink.propagate, list(splink.handlers)
    for handler in saved[2]:
        splink.removeHandler(handler)
    splink.addHandler(kept)
    splink.setLevel(logging.WARNING)
    splink.propagate = False
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield kept.messages
        kept.messages.extend(str(item.message) for item in caught)
    finally:
        splink.removeHandler(kept)
        splink.setLevel(saved[0])
        splink.propagate = saved[1]
        for handler in saved[2]:
            splink.addHandler(handler)
        for message in kept.messages:
            log.debug("splink: %s", message)


def _records(records) -> Iterable[Mapping]:
    """Dicts from a list of dicts or a pandas DataFrame (without importing pandas)."""
    return records.to_dict("records") if hasattr(records, "to_dict") else records


def _pair_count(table, rules: list) -> int:
    """How many distinct pairs ``rules`` admit, counted exactly."""
    counts = count_comparisons_from_blocking_rules(
        table, blocking_rules=rules, link_type="dedupe_only", unique_id_column_name="id", record_sample_proportion=1.0
    )
    return counts[-1]["cumulative_comparison_count"]


def _train(linker: Linker, table) -> None:
    """Estimate the model on the records: the prior match probability from near-certain rules,
    u from random pairs (seeded), m by EM on blocks that each leave some comparisons free.
    A step without pairs enough is left out: its parameters keep their priors."""
    training = linker.training
    if _pair_count(table, model.DETERMINISTIC_RULES):  # none found would make every match impossible
        training.estimate_probability_two_random_records_match(
            model.DETERMINISTIC_RULES, recall=model.DETERMINISTIC_RECALL
        )
    # One pass per comparison over the whole sample: it is small enough not to need chunks, and
    # Splink's early stop (every level seen 100 times) never comes, "same NIK" being that rare.
    training.estimate_u_using_random_sampling(max_pairs=model.U_SAMPLE_PAIRS, seed=model.SEED, num_chunks=1)
    for rule in model.TRAINING_RULES:
        if _pair_count(table, [rule]) >= model.MIN_TRAINING_PAIRS:
            training.estimate_parameters_using_expectation_maximisation(rule, estimate_without_term_frequencies=True)


def _pairs(connection: duckdb.DuckDBPyConnection, predictions) -> list[ScoredPair]:
    """The pairs of Splink's predictions table, each with one piece of evidence per comparison
    that had values on both sides (the name's includes its term-frequency adjustment)."""
    reasons = model.reasons()
    outputs = list(reasons)
    columns = ", ".join(f"gamma_{output}, mw_{output}" for output in outputs)
    tf_name = "coalesce(mw_tf_adj_name, 0)" if "mw_tf_adj_name" in predictions.columns_escaped else "0"
    rows = connection.sql(
        f"SELECT id_l, id_r, match_probability, match_weight, {columns}, {tf_name}, "  # noqa: S608 - constant identifiers
        "jaro_winkler_similarity(name_key_l, name_key_r) "
        f"FROM {predictions.physical_name}"
    ).fetchall()
    pairs = []
    for row in rows:
        id_l, id_r, probability, weight = row[:4]
        tf_name, similarity = row[-2:]
        evidence = []
        for index, output in enumerate(outputs):
            gamma, level_weight = row[4 + 2 * index], row[5 + 2 * index]
            if gamma < 0:  # null on either side: no evidence
                continue
            if output == "name":
                level_weight += tf_name
            evidence.append(Evidence(reasons[output][gamma].format(similarity=similarity), round(level_weight, 2)))
        evidence.sort(key=lambda item: -item.weight)
        # Rounded: the last digits vary from run to run with DuckDB's parallel summation order.
        pairs.append(ScoredPair(id_l, id_r, round(probability, 6), round(weight, 2), tuple(evidence)))
    return sorted(pairs, key=lambda pair: (-pair.match_probability, pair.id_l, pair.id_r))


def clusters_of(pairs: list[ScoredPair]) -> list[list[int]]:
    """Connected components of the pairs (union-find): transitive groups for review."""
    parent: dict[int, int] = {}

    def root(node: int) -> int:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for pair in pairs:
        left, right = root(pair.id_l), root(pair.id_r)
        if left != right:
            parent[max(left, right)] = min(left, right)
    groups: dict[int, list[int]] = {}
    for node in parent:
        groups.setdefault(root(node), []).append(node)
    return sorted((sorted(group) for group in groups.values()), key=lambda group: (-len(group), group[0]))


def deduplicate(records, *, threshold: float = model.MATCH_THRESHOLD) -> BatchResult:
    """Find the records that are probably the same person, without changing anything.

    ``records``: dicts (or a pandas DataFrame) with ``id``, ``full_name`` and optionally
    ``nik_key``, ``kk_key`` (opaque keys: equal key = same number), ``birth_date``, ``sex``,
    ``phone``, ``village``, ``district``, ``regency`` (see ``prepare``). ``threshold``: the
    match probability from which a pair is reported and joins a cluster.
    """
    timings: dict[str, float] = {}
    started = time.perf_counter()
    records = list(_records(records))
    filled = fill_rates(records)
    rows = prepare(records)
    timings["prepare"] = time.perf_counter() - started
    if len(rows) < 2:
        return BatchResult(timings=timings, filled=filled)
    with tempfile.TemporaryDirectory(prefix="satuatap-linkage-") as spill, splink_quiet() as notes:
        connection = duckdb.connect(":memory:", config={"temp_directory": spill})
        try:
            step = time.perf_counter()
            table = DuckDBAPI(connection).register(pa.Table.from_pylist(rows, schema=SCHEMA), table_name="registry")
            trainable = len(rows) >= model.MIN_TRAINING_RECORDS
            # Splink logs every EM iteration at INFO: only its warnings are kept (``splink_quiet``).
            linker = Linker(table, model.settings(term_frequencies=trainable), log_level=None)
            if trainable:
                _train(linker, table)
            timings["train"] = time.perf_counter() - step
            step = time.perf_counter()
            predictions = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
            pairs = _pairs(connection, predictions)
            timings["predict"] = time.perf_counter() - step
        finally:
            connection.close()
    step = time.perf_counter()
    clusters = clusters_of(pairs)
    timings["cluster"] = time.perf_counter() - step
    timings["total"] = time.perf_counter() - started
    return BatchResult(clusters=clusters, pairs=pairs, timings=timings, filled=filled, notes=notes)
