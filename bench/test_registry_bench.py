"""The online duplicate search of the beneficiary registry at 1,000,000 people (pytest-benchmark).

Targets (issue "Step 4"): for a person registered again, the candidate search finds an earlier
record of the same person among its top 5 for at least 98% of such people, and answers in under
50 ms (median). The probes are the raw data of 2,000 generated records that have a duplicate
(``bench_registry_probe``), as a clerk would type them when registering that person again; the
record itself is excluded from the answer, so a hit is another record of the same person
(``bench_registry_truth``). The measured call is ``beneficiaries.matching.candidates``, what the
registration page's htmx fragment and the API call.

Data: ``python -m bench.registry_load`` (run by ``make bench`` after ``bench.generate``).
"""

import pytest

from satuatap.beneficiaries.matching import TOP, Probe, candidates

TARGET = 0.050
RECALL_TARGET = 0.98
ROUNDS = 200
MIN_PEOPLE = 1_000


@pytest.fixture(scope="session")
def registry(world):
    from django.db import connection

    from satuatap.beneficiaries.models import Beneficiary

    count = Beneficiary.objects.filter(institution=world.root).count()
    if count < MIN_PEOPLE:
        pytest.skip(f"{count:,} benchmark beneficiaries: run `python -m bench.registry_load` (or `make bench`) first")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.id, p.entity_id, p.full_name, p.nik, p.kk, p.birth_date, p.sex, p.phone, p.village "
            "FROM bench_registry_probe p ORDER BY p.id"
        )
        probes = [
            (row[1], Probe(full_name=row[2], nik=row[3], kk=row[4], birth_date=row[5], sex=row[6], phone=row[7],
                           village=row[8], exclude=(row[0],)))
            for row in cursor.fetchall()
        ]  # fmt: skip
        cursor.execute("SELECT id, entity_id FROM bench_registry_truth")
        truth = dict(cursor.fetchall())
    return {"count": count, "probes": probes, "truth": truth}


def _hit(entity: int, found, truth: dict) -> bool:
    return any(truth.get(c.beneficiary.pk) == entity for c in found)


def test_candidate_search_recall(world, registry):
    """Recall in the top 5 over every probe (printed; the target is checked by bench.report)."""
    probes, truth = registry["probes"], registry["truth"]
    hits = sum(_hit(entity, candidates(world.root.pk, probe), truth) for entity, probe in probes)
    recall = hits / len(probes)
    print(f"\nonline duplicate search: recall in the top {TOP} = {recall:.4f} ({hits}/{len(probes)} probes)")
    registry["recall"] = recall
    assert recall >= RECALL_TARGET, f"recall {recall:.4f} below {RECALL_TARGET}"


def test_candidate_search(benchmark, world, registry):
    probes = registry["probes"]
    benchmark.extra_info.update(
        figure=f"duplicate candidates, top {TOP} ({registry['count']:,} people)",
        target=TARGET,
        people=registry["count"],
        recall_top5=registry.get("recall"),
        units=world.units,
        lines=world.lines,
        server=world.server,
    )
    turn = iter(probes * 2)

    def setup():
        _entity, probe = next(turn)
        return (world.root.pk, probe), {}

    benchmark.pedantic(candidates, setup=setup, rounds=ROUNDS, warmup_rounds=5)
