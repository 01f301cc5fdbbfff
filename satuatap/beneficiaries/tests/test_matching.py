from datetime import date

import pytest

from satuatap.beneficiaries import selectors, services
from satuatap.beneficiaries.matching import Probe, candidates, name_similarity
from satuatap.beneficiaries.tests.conftest import KK_SITI, NIK_SITI, person
from satuatap.core.names import name_key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Hj. Siti Aminah, S.Pd.", "SITTI AMINAH"),
        ("Moh. Nur Hidayat", "Muhammad Noor Hidayat"),
        ("M. Abd. Rahman", "Muhammad Abdul Rahman"),
        ("St. Nurul Jannah", "Siti Nur Jannah"),
        ("Ir. H. Soekarno", "Sukarno"),
        ("Aminah Siti", "Siti Aminah"),
    ],
)
def test_indonesian_name_variants_compare_as_the_same_name(a, b):
    assert name_similarity(name_key(a, drop_titles=True), name_key(b, drop_titles=True)) >= 0.95


@pytest.mark.parametrize(
    ("a", "b"),
    [("Siti Julaeha", "Siti Salamah"), ("Muhammad Ali", "Muhammad Umar"), ("Budi Santoso", "Agus Salim")],
)
def test_different_people_sharing_a_common_name_word_are_not_alike(a, b):
    assert name_similarity(name_key(a, drop_titles=True), name_key(b, drop_titles=True)) < 0.75


@pytest.mark.django_db
@pytest.mark.usefixtures("_english")
def test_candidates_come_from_the_whole_institution_with_reasons(world, registry):
    # Registered at branch B under a variant name, without a NIK, in the same village.
    again = person(
        registry.bella, world.branch_b, "Sitti Aminah", birth_date=date(1980, 5, 12), village="Kayen", sex="F"
    )
    found = candidates(world.alpha.pk, Probe(full_name="Siti Aminah", nik=NIK_SITI, birth_date=date(1980, 5, 12)))
    assert [c.beneficiary.pk for c in found[:2]] == [registry.siti.pk, again.pk]
    assert "same NIK" in found[0].reasons and "same birth date" in found[0].reasons
    assert found[0].score > found[1].score
    # For branch A's program officer the branch-B record is only "a match at Cabang ... Bakung".
    views = selectors.candidates_for(registry.paula, world.alpha.pk, Probe(full_name="Siti Aminah", kk=KK_SITI))
    by_pk = {v.candidate.beneficiary.pk: v for v in views}
    assert by_pk[registry.siti.pk].visible
    assert not by_pk[again.pk].visible and by_pk[again.pk].unit == world.branch_b


@pytest.mark.django_db
@pytest.mark.usefixtures("_english")
def test_candidates_never_cross_institutions_and_skip_pairs_marked_different(world, registry):
    other = person(world.eve, world.beta, "Siti Aminah", birth_date=date(1980, 5, 12))
    twin = person(registry.paula, world.branch_a, "Siti Aminah", birth_date=date(1980, 5, 12))
    probe = Probe(full_name="Siti Aminah", birth_date=date(1980, 5, 12), exclude=(twin.pk,))
    assert other.pk not in {c.beneficiary.pk for c in candidates(world.alpha.pk, probe)}
    assert registry.siti.pk in {c.beneficiary.pk for c in candidates(world.alpha.pk, probe)}
    services.not_duplicate_mark(actor=registry.paula, first=twin, second=registry.siti, unit=world.branch_a)
    assert registry.siti.pk not in {c.beneficiary.pk for c in candidates(world.alpha.pk, probe)}
