"""Reading a search box and telling likely duplicates apart, without a database."""

from datetime import date
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from satuatap.core.crypto import blind_index
from satuatap.donors import identifiers
from satuatap.donors.matching import (
    Probe,
    jaro_winkler,
    match_reasons,
    name_matches,
    name_query,
    name_similarity,
    parse_search,
    phone_prefix,
    probe_from,
    token_matches,
)

NAME_TEXT = st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEZ .'-éü"), max_size=40)
WORDS = st.lists(
    st.sampled_from(["muhammad", "nur", "siti", "hidayat", "rahman", "joko", "sri", "ayu", "a"]), min_size=1
)


# --- what was typed ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("", "empty"),
        ("  ", "empty"),
        ("m", "short"),
        ("Hidayat", "name"),
        ("Moh. Nur", "name"),
        ("ALPHA-260000001", "number"),
        ("alpha-2600", "number"),
        ("0812-3456-7890", "phone"),
        ("+62 812 3456 7890", "phone"),
        ("3171011708450001", "identifier"),
        ("3171 0117 0845 0001", "identifier"),
        ("01.312.166.0-091.000", "identifier"),
        ("hidayat@example.id", "email"),
        ("hidayat@", "email"),
        ("0812", "phone"),
        ("081", "short"),
    ],
)
def test_a_search_text_is_read_as_the_identifier_it_looks_like(text, kind):
    assert parse_search(text).kind == kind


def test_a_nik_is_looked_up_by_its_keyed_hash_as_nik_and_as_npwp():
    terms = parse_search("3171 0117 0845 0001")
    assert terms.nik_hashes == (blind_index("nik", "3171011708450001"),)
    assert terms.npwp_hashes == (blind_index("npwp", "3171011708450001"),)


def test_an_old_npwp_in_any_format_is_looked_up_by_its_digits():
    assert parse_search("01.312.166.0-091.000").npwp_hashes == (blind_index("npwp", "013121660091000"),)


@pytest.mark.parametrize(
    ("typed", "prefix"),
    [("0812 3456", "+6281234 56"), ("0812-3456-7890", "+6281234567890"), ("62812345678", "+62812345678")],
)
def test_a_phone_number_in_any_format_becomes_the_start_of_its_e164_form(typed, prefix):
    assert phone_prefix(typed) == prefix.replace(" ", "")


def test_a_phone_number_too_short_to_narrow_anything_is_not_searched():
    assert phone_prefix("081") == ""
    assert phone_prefix("+62") == ""


def test_the_start_of_a_phone_number_from_four_digits_is_searched():
    assert phone_prefix("0812") == "+62812"
    assert phone_prefix("8123") == "+628123"
    assert parse_search("0812").phone_prefix == "+62812"


def test_a_complete_phone_number_is_also_matched_exactly():
    assert parse_search("0812-3456-7890").phone_exact == "+6281234567890"


def test_an_email_is_matched_with_its_domain_in_lower_case():
    assert "Hidayat@example.id" in parse_search("Hidayat@EXAMPLE.ID").emails


# --- names -----------------------------------------------------------------------------------------


def test_a_half_typed_spelling_variant_also_stands_for_the_name_it_starts():
    query = name_query("Moha")
    assert "muhammad" in query.prefixes and "moha" in query.prefixes


def test_complete_variants_are_searched_in_their_one_form():
    assert name_query("Moh. Nur Hid").prefixes[0] == "muhammad nur hid"
    assert name_query("Sitti Noor").tokens[0] == ("siti",)


def test_old_spelling_typed_finds_the_modern_name():
    query = name_query("Soekarno")
    assert name_matches("sukarno", query)


@pytest.mark.parametrize(
    ("key", "alternatives", "expected"),
    [
        ("muhammad nur hidayat", ("hid",), True),  # short: starts a word
        ("muhammad nur hidayat", ("ayat",), True),  # four letters or more: anywhere
        ("abdul nurhidayat", ("hidayat",), True),  # joined names
        ("muhammad nur hidayat", ("ida",), False),  # short and inside a word
        ("siti aminah", ("nur",), False),
    ],
)
def test_a_token_matches_at_a_word_start_or_anywhere_when_long(key, alternatives, expected):
    assert token_matches(key, alternatives) is expected


def test_every_typed_word_must_match_in_any_order():
    query = name_query("hidayat muhammad")
    assert name_matches("muhammad nur hidayat", query)
    assert not name_matches("muhammad nur rahman", query)


@given(WORDS)
def test_a_name_always_matches_itself_typed_in_full(words):
    name = " ".join(words)
    key = identifiers.name_key(name)
    query = name_query(name)
    if query is not None:
        assert key.startswith(query.prefixes[0])
        assert name_matches(key, query)


@given(WORDS, st.integers(min_value=2, max_value=40))
def test_a_name_matches_every_prefix_of_itself_being_typed(words, cut):
    name = " ".join(words)
    typed = name[:cut]
    query = name_query(typed)
    if query is not None:
        assert name_matches(identifiers.name_key(name), query)


# --- name_key properties (the normal form both sides of every comparison use) -------------------------


@given(NAME_TEXT)
def test_name_key_is_lower_case_ascii_words_separated_by_single_spaces(text):
    key = identifiers.name_key(text)
    assert key == key.strip() and "  " not in key
    assert set(key) <= set("abcdefghijklmnopqrstuvwxyz0123456789 ")


@given(NAME_TEXT)
def test_name_key_ignores_case_punctuation_and_spacing(text):
    assert identifiers.name_key(text) == identifiers.name_key(f"  {text.upper()} .")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Muhammad Nur Hidayat", "Moh. Noor Hidayat"),
        ("Muhammad Nur Hidayat", "MUH NUR HIDAYAT"),
        ("Mochammad Nur", "M. Nur"),
        ("Siti Aminah", "Sitti Aminah"),
        ("Soekarno", "Sukarno"),
        ("Djoko Tjipto", "Joko Cipto"),
    ],
)
def test_indonesian_spelling_variants_have_one_name_key(a, b):
    assert identifiers.name_key(a) == identifiers.name_key(b)


# --- likely duplicates ---------------------------------------------------------------------------------


def test_jaro_winkler_of_equal_strings_is_one_and_of_unrelated_ones_is_low():
    assert jaro_winkler("hidayat", "hidayat") == 1
    assert jaro_winkler("hidayat", "hidajat") > 0.9
    assert jaro_winkler("hidayat", "susanto") < 0.6


@given(st.text(max_size=12), st.text(max_size=12))
def test_jaro_winkler_is_symmetric_and_between_zero_and_one(a, b):
    score = jaro_winkler(a, b)
    assert 0 <= score <= 1
    assert score == pytest.approx(jaro_winkler(b, a))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Muhammad Nur Hidayat", "Moh. Nur Hidayat"),
        ("Nur Hidayat", "Muhammad Nur Hidajat"),  # a word left out, old spelling j for y
        ("Hidayat, Muhammad Nur", "Muhammad Nur Hidayat"),  # another order
        ("A. Rahman Siregar", "Abdul Rahman Siregar"),  # an initial
    ],
)
def test_close_names_score_high(a, b):
    assert name_similarity(a, b) >= 0.75


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Muhammad Nur Hidayat", "Muhammad Rizky Pratama"),
        ("Siti Aminah", "Siti Rahmawati"),
        ("Rina", "Rini"),
        ("A. B.", "Abdul Basri"),
    ],
)
def test_different_names_score_low(a, b):
    assert name_similarity(a, b) < 0.75


@given(NAME_TEXT, NAME_TEXT)
def test_name_similarity_is_symmetric_and_between_zero_and_one(a, b):
    score = name_similarity(a, b)
    assert 0 <= score <= 1
    assert score == name_similarity(b, a)


def _donor(**fields):
    base = {
        "name_key": "",
        "nik_hash": "",
        "npwp_hash": "",
        "phone": "",
        "email": "",
        "birth_date": None,
    }
    base.update(fields)
    base["name_key"] = identifiers.name_key(base["name_key"])
    return SimpleNamespace(**base)


def test_a_half_typed_nik_matches_nothing_and_is_not_an_error():
    probe = probe_from({"full_name": "Nur", "nik": "317101"})
    assert probe.nik_hash == "" and not probe.is_empty


def test_same_identifiers_are_reasons_and_a_close_name_needs_a_birth_date_or_phone():
    probe = probe_from(
        {
            "full_name": "Moh. Nur Hidajat",
            "nik": "3171011708450001",
            "phone": "0812 3456 7890",
            "birth_date": "1945-08-17",
            "email": "Hidayat@Example.ID",
        }
    )
    same = _donor(
        name_key="Muhammad Nur Hidayat",
        nik_hash=blind_index("nik", "3171011708450001"),
        phone="+6281234567890",
        email="hidayat@example.id",
        birth_date=date(1945, 8, 17),
    )
    assert match_reasons(probe, same) == ["nik", "phone", "email", "name_birth_date", "name_phone"]
    namesake = _donor(name_key="Muhammad Nur Hidayat", birth_date=date(1990, 1, 1))
    assert match_reasons(probe, namesake) == []


def test_an_empty_probe_is_empty():
    assert Probe().is_empty
    assert probe_from({"birth_date": "not a date"}).birth_date is None


# --- titles and degrees never enter the name key ------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("Budi Santoso, M.Kom.", "budi santoso"),
        ("Rina Wati M.Ak.", "rina wati"),
        ("Agus Salim M.M.", "agus salim"),
        ("Dewi Lestari S.E.", "dewi lestari"),
        ("Hj. Siti Aminah, S.Pd.", "siti aminah"),
        ("Siti Aminah S. Pd.", "siti aminah"),
        ("Joko Widodo M. Kom.", "joko widodo"),
        ("Dr. Ir. H. Joko Santoso, M.Si.", "joko santoso"),
        ("Drs. Bambang S.Pd.I", "bambang"),
        ("M. Nur Hidayat", "muhammad nur hidayat"),
        ("Budi M. Santoso", "budi muhammad santoso"),
        ("St. Nurul Jannah", "siti nurul jannah"),
    ],
)
def test_honorifics_and_degrees_before_or_after_the_name_do_not_enter_its_key(written, key):
    assert identifiers.name_key(written) == key


def test_a_masters_degree_is_not_read_as_muhammad():
    query = name_query("muhamad")
    for titled in ("Budi Santoso, M.Kom.", "Rina Wati M.Ak.", "Agus Salim M.M."):
        assert not name_matches(identifiers.name_key(titled), query), titled
    assert name_matches(identifiers.name_key("Muhammad Nur Hidayat"), query)
    assert name_matches(identifiers.name_key("M. Nur Hidayat"), query)


def test_a_title_typed_in_the_search_is_not_searched_for():
    assert name_query("Hj. Siti Aminah").tokens == (("siti",), ("aminah",))
