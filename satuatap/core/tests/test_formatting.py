from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from satuatap.core.formatting import amount_in_words, rupiah, tanggal


def test_rupiah_uses_dots_and_no_decimals():
    assert rupiah(1250000) == "Rp1.250.000"
    assert rupiah(0) == "Rp0"
    assert rupiah(-5000) == "-Rp5.000"
    assert rupiah(None) == ""


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_rupiah_round_trips(amount):
    text = rupiah(amount)
    assert int(text.replace("Rp", "").replace(".", "")) == amount


def test_dates_in_indonesian_and_english():
    with translation.override("id"):
        assert tanggal(date(2026, 8, 17)) == "17 Agustus 2026"
    with translation.override("en"):
        assert tanggal(date(2026, 8, 17)) == "17 August 2026"
    with translation.override("id"):  # as kept in JSON (an import's preview); other text as it is
        assert tanggal("2026-08-17") == "17 Agustus 2026"
        assert tanggal("17/08/2026") == "17/08/2026"


def test_datetimes_are_shown_in_the_active_zone():
    moment = datetime(2026, 1, 1, 17, 30, tzinfo=ZoneInfo("UTC"))
    with translation.override("id"), timezone.override(ZoneInfo("Asia/Jayapura")):
        assert tanggal(moment, with_time=True) == "2 Januari 2026, 02.30"


def test_rates_in_basis_points_read_as_percentages():
    from satuatap.core.templatetags.formatting import basis_points

    with translation.override("id"):
        assert basis_points(1250) == "12,5%"
        assert basis_points(2000) == "20%"
    with translation.override("en"):
        assert basis_points(1250) == "12.5%"


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "nol rupiah"),
        (1_000, "seribu rupiah"),
        (1_500, "seribu lima ratus rupiah"),
        (21_000, "dua puluh satu ribu rupiah"),
        (101_000, "seratus satu ribu rupiah"),
        (1_001_000, "satu juta seribu rupiah"),
        (5_001_500, "lima juta seribu lima ratus rupiah"),
        (1_000_001_000, "satu miliar seribu rupiah"),
        (1_001_001_000, "satu miliar satu juta seribu rupiah"),
        (1_000_000_001_000, "satu triliun seribu rupiah"),
        (2_021_000, "dua juta dua puluh satu ribu rupiah"),
    ],
)
def test_amount_in_words_says_seribu_for_a_single_thousand(amount, words):
    assert amount_in_words(amount) == words
