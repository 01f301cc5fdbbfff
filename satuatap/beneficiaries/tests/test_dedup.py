from datetime import date

import pytest
from django.core.management import call_command

from satuatap.beneficiaries import services
from satuatap.beneficiaries.models import DedupRun
from satuatap.beneficiaries.services.dedup import dedup_start
from satuatap.beneficiaries.tests.conftest import person
from satuatap.core.errors import NotAllowed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]


@pytest.fixture
def twins(world, registry):
    """The registry's Siti registered twice more (variant spellings) and a few different people."""
    born = date(1980, 5, 12)
    again = person(registry.bella, world.branch_b, "SITTI AMINAH", birth_date=born, village="Kayen", sex="F",
                   phone="0812-3456-7890")  # fmt: skip
    third = person(registry.paula, world.branch_a, "St. Aminah", birth_date=born, village="Kayen", sex="F")
    for i, name in enumerate(["Budi Santoso", "Agus Salim", "Dewi Lestari", "Joko Widodo", "Rina Marlina"]):
        person(registry.paula, world.branch_a, name, birth_date=date(1960 + i, 1 + i, 3 + i), village=f"Desa {i}")
    return again, third


def test_a_run_reports_clusters_with_reasons_and_merges_nothing(
    world, registry, twins, django_capture_on_commit_callbacks
):
    again, third = twins
    with django_capture_on_commit_callbacks(execute=True):
        run = dedup_start(actor=registry.paula, unit=world.branch_a)
    run.refresh_from_db()
    assert run.status == DedupRun.RunStatus.DONE, run.error
    assert run.records == 9
    clusters = [set(c["ids"]) for c in run.clusters]
    assert {registry.siti.pk, again.pk} <= next(c for c in clusters if registry.siti.pk in c)
    pair = run.clusters[0]["pairs"][0]
    assert pair["reasons"] and 0 < pair["probability"] <= 1
    again.refresh_from_db()
    assert again.merged_into_id is None


def test_pairs_marked_different_people_are_left_out(world, registry, twins, django_capture_on_commit_callbacks):
    again, third = twins
    services.not_duplicate_mark(actor=registry.paula, first=registry.siti, second=third, unit=world.branch_a)
    with django_capture_on_commit_callbacks(execute=True):
        run = dedup_start(actor=registry.paula, unit=world.branch_a)
    run.refresh_from_db()
    pairs = {(p["l"], p["r"]) for c in run.clusters for p in c["pairs"]}
    assert tuple(sorted((registry.siti.pk, third.pk))) not in pairs


def test_only_admin_and_program_officers_start_a_run_and_the_command_prints_it(world, registry, twins, capsys):
    with pytest.raises(NotAllowed):
        dedup_start(actor=world.frank, unit=world.branch_a)
    call_command("registry_dedup", "--institution", "ALPHA")
    out = capsys.readouterr().out
    assert "9 records" in out and "clusters" in out
