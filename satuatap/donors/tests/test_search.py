"""The donor search and the scope rule: who sees which donors, and what a search box finds."""

import pytest

from satuatap.donors import identifiers
from satuatap.donors.matching import name_matches, name_query
from satuatap.donors.models import Donor
from satuatap.donors.selectors import donor_for, donor_search, donors_for
from satuatap.donors.services import donor_merge, donor_register

CORPUS = [
    "Muhammad Nur Hidayat",
    "Moh. Noor Hidayat",
    "Ahmad Hidayat",
    "Abdul Nurhidayat",
    "Siti Aminah",
    "Sitti Rahmawati",
    "Nur Aini",
    "Soekarno Djojo",
    "Joko Susanto",
    "Mohan Singh",
    "Masjid Al Ikhlas",
    "Sri Wahyuni",
]


def names(page):
    return [d.full_name for d in page.rows]


@pytest.fixture
def corpus(world):
    return [donor_register(actor=world.frank, unit=world.branch_a, full_name=name) for name in CORPUS]


# --- scope -----------------------------------------------------------------------------------------------


def test_staff_see_donors_registered_in_their_subtree_or_who_gave_there(world, desk, people):
    seen_by_frank = set(donors_for(world.frank).values_list("full_name", flat=True))
    assert seen_by_frank == {desk.donor.full_name, people.visitor.full_name}
    seen_by_bob = set(donors_for(world.bob).values_list("full_name", flat=True))
    assert seen_by_bob == {people.visitor.full_name, people.stranger.full_name}


def test_a_role_on_the_institution_sees_all_its_donors_and_none_of_another(world, desk, people):
    assert donors_for(world.carol).count() == 3
    assert set(donors_for(world.eve).values_list("pk", flat=True)) == {desk.secret_donor.pk}
    assert not donors_for(world.nina).exists()


def test_a_donor_outside_the_scope_is_not_found_by_id(world, desk, people):
    from django.http import Http404

    with pytest.raises(Http404):
        donor_for(world.frank, people.stranger.pk)
    with pytest.raises(Http404):
        donor_for(world.eve, desk.donor.pk)
    with pytest.raises(Http404):
        donor_for(world.frank, "not a number")
    assert donor_for(world.frank, people.visitor.pk) == people.visitor


def test_the_active_unit_narrows_the_search_to_its_subtree(world, desk, people):
    assert names(donor_search(world.carol, "", within=world.branch_b)) == ["SECRET Bakung Donor", "Siti Aminah"]
    assert "SECRET Bakung Donor" not in names(donor_search(world.frank, "secret", within=world.branch_a))


# --- what it finds ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["muh nur hid", "Moh. Noor", "MUHAMMAD", "hidayat", "nur hidayat", "Moha"])
def test_names_are_found_whatever_spelling_variant_was_typed(world, corpus, query):
    found = names(donor_search(world.frank, query, within=world.branch_a))
    assert "Muhammad Nur Hidayat" in found


def test_old_spelling_finds_the_modern_name_and_back(world, corpus):
    assert names(donor_search(world.frank, "Sukarno", within=world.branch_a)) == ["Soekarno Djojo"]
    assert names(donor_search(world.frank, "Djoko", within=world.branch_a)) == ["Joko Susanto"]


def test_names_that_start_with_the_query_come_before_names_that_only_contain_it(world, corpus):
    found = names(donor_search(world.frank, "nur", within=world.branch_a))
    assert found[0] == "Nur Aini"
    assert set(found) == {"Nur Aini", "Muhammad Nur Hidayat", "Moh. Noor Hidayat", "Abdul Nurhidayat"}


@pytest.mark.parametrize(
    "query",
    ["nur", "hid", "hidayat", "muh", "moha", "siti", "si ra", "rahma", "djo", "jo", "masjid", "wahyu", "ahmad h"],
)
def test_the_database_finds_exactly_the_names_the_python_rule_matches(world, corpus, query):
    expected = sorted(
        (d.name_key, d.full_name) for d in corpus if name_matches(identifiers.name_key(d.full_name), name_query(query))
    )
    found = donor_search(world.frank, query, within=world.branch_a, limit=50)
    assert sorted((d.name_key, d.full_name) for d in found.rows) == expected


def test_donor_number_phone_email_nik_and_npwp_find_the_donor(world, desk):
    donor = desk.donor
    for query in (
        donor.number,
        donor.number.lower()[:-3],
        "0812 3456 7890",
        "+62-812-3456-7890",
        "081234567",
        "hidayat@example.id",
        "HIDAYAT@EXAMPLE.ID",
        "3171011708450001",
        "3171 0117 0845 0001",
        "01.312.166.0-091.000",
        "013121660091000",
    ):
        assert names(donor_search(world.frank, query, within=world.branch_a)) == [donor.full_name], query


def test_a_wrong_nik_finds_nobody_and_a_short_query_asks_for_more(world, desk):
    assert donor_search(world.frank, "3171011708450002", within=world.branch_a).rows == []
    page = donor_search(world.frank, "m", within=world.branch_a)
    assert page.terms.kind == "short" and page.rows == []


def test_identifiers_are_not_found_across_the_scope(world, desk, people):
    assert donor_search(world.frank, "0813-9999-0000", within=world.branch_a).rows == []
    assert donor_search(world.eve, "3171011708450001", within=world.beta).rows == []


def test_merged_donors_leave_the_name_search_but_their_number_still_finds_them(world, desk):
    twin = donor_register(
        actor=world.frank,
        unit=world.branch_a,
        full_name="Muh. Nur Hidayat",
        phone="0812 3456 7890",
        confirm_duplicate=True,
    )
    donor_merge(actor=world.alice, survivor=desk.donor, duplicate=twin, unit=world.branch_a)
    assert names(donor_search(world.frank, "nur hidayat", within=world.branch_a)) == ["Muhammad Nur Hidayat"]
    by_number = donor_search(world.frank, twin.number, within=world.branch_a).rows
    assert [d.pk for d in by_number] == [twin.pk] and by_number[0].merged_into_id == desk.donor.pk


def test_pages_follow_each_other_without_gaps_or_repeats(world):
    for i in range(23):
        donor_register(actor=world.frank, unit=world.branch_a, full_name=f"Nur Donor {i:02d}")
    for i in range(9):
        donor_register(actor=world.frank, unit=world.branch_a, full_name=f"Siti Nur {i:02d}")
    seen, offset = [], 0
    while True:
        page = donor_search(world.frank, "nur", within=world.branch_a, limit=10, offset=offset)
        seen += names(page)
        if not page.has_more:
            break
        offset = page.next_offset
    assert len(seen) == len(set(seen)) == 32
    assert seen[:23] == [f"Nur Donor {i:02d}" for i in range(23)]


def test_the_search_takes_a_bounded_number_of_queries(world, corpus, desk, people, django_assert_max_num_queries):
    # Branch scope: one ranked query per part of the scope (registered here, gave here), then the page.
    with django_assert_max_num_queries(3):
        assert donor_search(world.frank, "moha", within=world.branch_a).rows
    # Institution: the names that start so (one range per prefix), the other matches, the page.
    with django_assert_max_num_queries(4):
        assert donor_search(world.carol, "moha", within=world.alpha).rows


def test_the_search_engine_also_runs_over_a_callers_own_queryset(world, corpus, desk):
    from satuatap.donors.selectors import search_donors

    everyone = Donor.objects.filter(institution=world.alpha, merged_into__isnull=True)
    found = names(search_donors([everyone], "hidayat"))
    assert found[:2] == ["Abdul Nurhidayat", "Ahmad Hidayat"]
    assert sorted(found[2:]) == ["Moh. Noor Hidayat", "Muhammad Nur Hidayat", "Muhammad Nur Hidayat"]
    assert search_donors([everyone.filter(pk=-1)], "hidayat").rows == []


def test_on_postgresql_the_search_indexes_and_byte_order_name_keys_are_in_place(db):
    """Migration 0002: on PostgreSQL name_key sorts in byte order ("C") and the trigram, per-unit and
    donor-number indexes exist; on SQLite there is nothing to check (the plain indexes serve)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT collation_name FROM information_schema.columns "
            "WHERE table_name = 'donors_donor' AND column_name = 'name_key'"
        )
        assert cursor.fetchone()[0] == "C"
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'donors_donor'")
        indexes = {row[0] for row in cursor.fetchall()}
    assert {"donors_donor_name_trgm", "donors_donor_unit_name", "donors_donor_number_like"} <= indexes


def test_name_keys_sort_the_same_in_the_database_and_in_python(world):
    for name in ("Nur Aini", "Nur", "Nurul Huda", "Nur 2", "nur aini b", "Zaenal", "Abdul"):
        donor_register(actor=world.frank, unit=world.branch_a, full_name=name)
    in_db = list(Donor.objects.order_by("name_key", "pk").values_list("name_key", flat=True))
    assert in_db == sorted(in_db)


def test_the_start_of_a_phone_number_finds_the_donor(world, desk):
    assert names(donor_search(world.frank, "0812", within=world.branch_a)) == [desk.donor.full_name]
    assert names(donor_search(world.frank, "0813", within=world.branch_a)) == []


def test_muhamad_finds_the_muhammads_and_not_the_masters_degrees(world):
    for name in ("Budi Santoso, M.Kom.", "Rina Wati M.Ak.", "Agus Salim M.M.", "Muhammad Rizki", "M. Fauzi"):
        donor_register(actor=world.frank, unit=world.branch_a, full_name=name)
    assert names(donor_search(world.frank, "muhamad", within=world.branch_a)) == ["M. Fauzi", "Muhammad Rizki"]


def test_rebuilding_the_name_keys_drops_the_titles_stored_before(world):
    from satuatap.core.names import rebuild_name_keys

    donor = donor_register(actor=world.frank, unit=world.branch_a, full_name="Dr. Budi Santoso, M.Kom.")
    Donor.objects.filter(pk=donor.pk).update(name_key="dr budi santoso muhammad kom")  # as stored before
    assert rebuild_name_keys(Donor) == 1
    donor.refresh_from_db()
    assert donor.name_key == "budi santoso"
    assert rebuild_name_keys(Donor) == 0
