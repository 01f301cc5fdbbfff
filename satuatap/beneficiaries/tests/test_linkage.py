"""Batch duplicate detection (``linkage``) on a generated registry, and the generator itself.

No database: the registry is generated in memory (``bench.registry_generate``) with its truth
(``entity_id``), deduplicated once for the module, and the result compared with the truth.
"""

import ast
import copy
import re
from datetime import date
from pathlib import Path

import pytest
from stdnum.id import nik as stdnum_nik

from bench.registry_batch import evaluate, linkage_input
from bench.registry_generate import COLUMNS, generate
from satuatap.beneficiaries.linkage import deduplicate
from satuatap.beneficiaries.linkage import settings as model
from satuatap.beneficiaries.linkage.prepare import phone_key, place_key, prepare

COUNT = 2000
# A household the generator did not make: father, mother and son share KK, phone and address;
# the father is registered a second time, without NIK and with a typo in his name.
HOUSEHOLD = {"kk_key": "kk-household", "phone": "+6281299990000", "village": "Sukamaju", "district": "Kali Baru"}
HOUSEHOLD |= {"regency": "Kabupaten Pati", "province": "Jawa Tengah"}
FATHER, MOTHER, SON, FATHER_AGAIN = 900_001, 900_002, 900_003, 900_004
CRAFTED = [
    {
        "id": FATHER,
        "full_name": "H. Slamet Riyadi",
        "nik_key": "nik-father",
        "birth_date": date(1970, 3, 2),
        "sex": "M",
    },
    {"id": MOTHER, "full_name": "Sumiati", "nik_key": "nik-mother", "birth_date": date(1975, 6, 11), "sex": "F"},
    {"id": SON, "full_name": "Muhammad Rizky", "birth_date": date(2001, 9, 10), "sex": "M"},
    {"id": FATHER_AGAIN, "full_name": "SLAMET RIADI", "birth_date": date(1970, 3, 2), "sex": "M"},
]


@pytest.fixture(scope="module")
def registry():
    records = generate(COUNT, seed=7)
    given = linkage_input(records) + [{**HOUSEHOLD, **person} for person in CRAFTED]
    untouched = copy.deepcopy(given)
    return records, given, untouched, deduplicate(given)


def _pair(result, left, right):
    return next((p for p in result.pairs if (p.id_l, p.id_r) == (min(left, right), max(left, right))), None)


# -- the generator ---------------------------------------------------------------------------


def test_the_generator_makes_valid_numbers_and_known_duplicates():
    records = generate(COUNT, seed=7)
    assert [record["id"] for record in records] == list(range(1, COUNT + 1))
    assert all(list(record) == COLUMNS for record in records)
    niks = [record["nik"] for record in records if record["nik"]]
    assert len(niks) > COUNT * 0.6 and all(stdnum_nik.is_valid(number) for number in niks)
    assert all(re.fullmatch(r"\d{16}", record["kk"]) for record in records if record["kk"])
    assert all(re.fullmatch(r"\+628\d{8,11}", record["phone"]) for record in records if record["phone"])
    # A woman's NIK has 40 added to the day of birth.
    women = [record for record in records if record["nik"] and record["sex"] == "F"]
    assert sum(int(record["nik"][6:8]) > 40 for record in women) > 0.95 * len(women)
    # 20% of the records are another registration of someone already there.
    assert COUNT - len({record["entity_id"] for record in records}) == COUNT // 5
    # Hard negatives: one KK held by different people, one name held by different people.
    holders: dict[str, set[int]] = {}
    namesakes: dict[str, set[int]] = {}
    for record in records:
        if record["kk"]:
            holders.setdefault(record["kk"], set()).add(record["entity_id"])
        namesakes.setdefault(record["full_name"].lower(), set()).add(record["entity_id"])
    assert sum(len(entities) > 1 for entities in holders.values()) > 50
    assert max(len(entities) for entities in namesakes.values()) > 3


def test_the_generator_is_deterministic_by_seed():
    assert generate(300, seed=1) == generate(300, seed=1)
    assert generate(300, seed=1) != generate(300, seed=2)
    assert generate(0) == []


# -- preparing the records -------------------------------------------------------------------


def test_records_are_put_in_one_normal_form():
    assert place_key("Desa Suka Maju") == place_key("SUKAMAJU") == place_key("Kel. Sukamaju") == "sukamaju"
    assert phone_key("0812-3456-7890") == phone_key("+62 812 3456 7890") == "6281234567890"
    row = prepare([{"id": "7", "full_name": "Hj. SITTI Aminah, S.Pd.", "birth_date": "1980-05-12", "nik_key": ""}])[0]
    assert row["id"] == 7 and row["name_key"] == "siti aminah" and row["name_sorted"] == "aminah siti"
    assert row["birth_date_swapped"] == "1980-12-05" and row["nik_key"] is None


def test_the_model_stays_portable_to_spark():
    # The model and the normal form must not depend on DuckDB: a national run uses Spark.
    package = Path(model.__file__).parent
    for module in ("settings.py", "prepare.py"):
        tree = ast.parse((package / module).read_text())
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert not any(name.startswith("duckdb") for name in imported), module
    spark = model.settings().get_settings("spark")
    assert len(spark.comparisons) == len(model.reasons())


# -- deduplication ---------------------------------------------------------------------------


def test_known_duplicates_are_found(registry):
    records, _given, _untouched, result = registry
    truth = records + [{"id": i, "entity_id": -i} for i in (FATHER, MOTHER, SON)]
    figures = evaluate([*truth, {"id": FATHER_AGAIN, "entity_id": -FATHER}], result)
    assert figures["pair_precision"] >= 0.95
    assert figures["pair_recall"] >= 0.9
    assert figures["pair_f1"] >= 0.93
    assert figures["cluster_pair_f1"] >= 0.93
    assert all(len(cluster) >= 2 and cluster == sorted(cluster) for cluster in result.clusters)
    assert all(p.id_l < p.id_r and p.match_probability >= model.MATCH_THRESHOLD for p in result.pairs)


def test_household_members_are_not_one_person(registry):
    records, _given, _untouched, result = registry
    cluster_of = {member: i for i, cluster in enumerate(result.clusters) for member in cluster}
    assert cluster_of[FATHER] == cluster_of[FATHER_AGAIN]
    assert MOTHER not in cluster_of and SON not in cluster_of
    # Across the generated registry: records of different people with one KK stay apart.
    entity = {record["id"]: record["entity_id"] for record in records}
    by_kk: dict[str, list[int]] = {}
    for record in records:
        if record["kk"]:
            by_kk.setdefault(record["kk"], []).append(record["id"])
    members = [ids for ids in by_kk.values() if len({entity[i] for i in ids}) > 1]
    pairs = [(a, b) for ids in members for a in ids for b in ids if a < b and entity[a] != entity[b]]
    joined = [(a, b) for a, b in pairs if a in cluster_of and cluster_of[a] == cluster_of.get(b)]
    assert len(pairs) > 100 and len(joined) <= 0.01 * len(pairs)


def test_pairs_say_why(registry):
    _records, _given, _untouched, result = registry
    pair = _pair(result, FATHER, FATHER_AGAIN)
    assert set(pair.reasons) == {"same KK and phone", "same birth date", "name one letter apart", "same sex"}
    everything = deduplicate([{**HOUSEHOLD, **person} for person in CRAFTED], threshold=0)
    assert {"same KK and phone", "different sex", "different NIK"} <= set(_pair(everything, FATHER, MOTHER).reasons)
    assert [e.weight for e in pair.evidence] == sorted((e.weight for e in pair.evidence), reverse=True)
    reasons = {reason for p in result.pairs for reason in p.reasons}
    assert {"same NIK", "same name", "same birth date", "same village", "birth day and month swapped"} <= reasons
    assert any(re.fullmatch(r"name 0\.\d\d", reason) for reason in reasons)


def test_the_input_is_not_modified(registry):
    _records, given, untouched, _result = registry
    assert given == untouched


def test_small_inputs_are_handled():
    assert deduplicate([]).clusters == [] and deduplicate([]).pairs == []
    one = deduplicate([{"id": 1, "full_name": "Siti Aminah"}])
    assert one.clusters == [] and one.pairs == []
    # Too few records to train: the model's priors decide, without term frequencies.
    two = [
        {"id": 1, "full_name": "Siti Aminah", "nik_key": "k1", "sex": "F"},
        {"id": 2, "full_name": "St. Aminah", "nik_key": "k1", "sex": "F", "birth_date": "1980-05-12"},
    ]
    assert deduplicate(two).clusters == [[1, 2]]


def test_a_run_is_reproducible():
    given = linkage_input(generate(model.MIN_TRAINING_RECORDS + 100, seed=3))
    first, second = deduplicate(given), deduplicate(given)
    assert first.pairs == second.pairs and first.clusters == second.clusters and first.pairs
