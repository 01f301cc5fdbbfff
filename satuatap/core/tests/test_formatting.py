from datetime import date, datetime
from decimal import Decimal
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


def test_percentages_use_the_languages_decimal_mark():
    from satuatap.core.formatting import format_fraction, format_percent

    with translation.override("id"):
        assert format_percent(Decimal("12.5")) == "12,5%"
        assert format_percent(20) == "20%"
        assert format_percent(Decimal("20.00")) == "20%"
        assert format_percent(2.5) == "2,5%"
        assert format_percent(Decimal("35.44"), 1) == "35,4%"
        assert format_fraction(0.873) == "87%"
        assert format_fraction(1) == "100%"
        assert format_percent(None) == ""
    with translation.override("en"):
        assert format_percent(Decimal("12.5")) == "12.5%"
        assert format_fraction(0.355) == "36%"


def test_one_helper_for_dates_and_moments_in_the_units_zone():
    from types import SimpleNamespace

    from satuatap.core.formatting import format_date, format_datetime, format_rupiah

    jayapura = SimpleNamespace(tzinfo=ZoneInfo("Asia/Jayapura"))
    moment = datetime(2026, 12, 7, 16, 5, tzinfo=ZoneInfo("UTC"))
    with translation.override("id"), timezone.override(ZoneInfo("Asia/Jakarta")):
        assert format_date(date(2026, 12, 7)) == "7 Desember 2026"
        assert format_datetime(moment) == "7 Desember 2026, 23.05"
        assert format_datetime(moment, jayapura) == "8 Desember 2026, 01.05"
        assert format_rupiah(300000) == "Rp300.000"
    with translation.override("en"):
        assert format_date(date(2026, 12, 7)) == "7 December 2026"


def test_template_filters_use_the_same_helpers():
    from django.template import Context, Template

    template = Template("{% load formatting %}{{ p|percent }} {{ s|fraction_percent }} {{ d|tanggal }} {{ m|rupiah }}")
    context = Context({"p": Decimal("12.5"), "s": 0.35, "d": date(2026, 12, 7), "m": 1250000})
    with translation.override("id"):
        assert template.render(context) == "12,5% 35% 7 Desember 2026 Rp1.250.000"
    with translation.override("en"):
        assert template.render(context) == "12.5% 35% 7 December 2026 Rp1.250.000"
