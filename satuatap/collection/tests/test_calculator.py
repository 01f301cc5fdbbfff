"""The zakat calculator's reckoning: nisab, 2.5% rounded up, haul, income basis, fitrah rates."""

from decimal import Decimal
from math import ceil
from types import SimpleNamespace

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from satuatap.collection import calculator
from satuatap.collection.calculator import zakat_fitrah, zakat_income, zakat_maal

PRICE = 1_500_000  # rupiah per gram
NISAB = 85 * PRICE  # 127,500,000

rupiah = st.integers(min_value=0, max_value=10**13)
price = st.integers(min_value=1, max_value=10**8)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_zakat_maal_above_nisab_after_a_haul_is_two_and_a_half_percent_of_net_wealth():
    result = zakat_maal(
        cash=100_000_000,
        gold_silver=30_000_000,
        receivables=5_000_000,
        debts=4_000_000,
        held_haul=True,
        gold_price_per_gram=PRICE,
    )
    assert result.base == 131_000_000 and result.nisab == NISAB
    assert result.is_due and result.zakat == 3_275_000
    labels = [s.label for s in result.steps]
    assert labels[0] == "Cash, savings and deposits" and labels[-1] == "Zakat to pay"
    net = next(s for s in result.steps if s.label == "Net wealth")
    assert net.formula == "Rp135.000.000 − Rp4.000.000" and net.value == "Rp131.000.000"
    nisab = next(s for s in result.steps if s.label.startswith("Nisab"))
    assert nisab.formula == "85 g × Rp1.500.000" and nisab.amount == NISAB


def test_zakat_maal_is_rounded_up_to_the_whole_rupiah():
    result = zakat_maal(cash=NISAB + 1, held_haul=True, gold_price_per_gram=PRICE)
    assert result.zakat == ceil((NISAB + 1) / 40) == 3_187_501


def test_zakat_maal_exactly_at_the_nisab_is_due():
    assert zakat_maal(cash=NISAB, held_haul=True, gold_price_per_gram=PRICE).zakat == NISAB // 40


def test_zakat_maal_one_rupiah_below_the_nisab_is_not_due():
    result = zakat_maal(cash=NISAB - 1, held_haul=True, gold_price_per_gram=PRICE)
    assert not result.reaches_nisab and result.zakat == 0
    assert "below the nisab" in result.notes[0]


def test_zakat_maal_before_the_haul_is_not_due_but_says_what_it_will_be():
    result = zakat_maal(cash=200_000_000, held_haul=False, gold_price_per_gram=PRICE)
    assert result.reaches_nisab and not result.is_due and result.zakat == 0
    assert "Rp5.000.000" in result.notes[0]


def test_debts_larger_than_wealth_give_no_zakat():
    result = zakat_maal(cash=1_000, debts=5_000, held_haul=True, gold_price_per_gram=PRICE)
    assert result.base == -4_000 and result.zakat == 0


@pytest.mark.parametrize("bad", [-1, 1.5, Decimal("10"), "100", None, True])
def test_calculator_refuses_anything_but_whole_non_negative_rupiah(bad):
    with pytest.raises((TypeError, ValueError)):
        zakat_maal(cash=bad, gold_price_per_gram=PRICE)


def test_a_zero_gold_price_is_refused():
    with pytest.raises(ValueError):
        zakat_maal(cash=1, gold_price_per_gram=0)


@given(net=rupiah, gold=price, haul=st.booleans())
def test_zakat_maal_is_zero_below_nisab_and_exactly_ceil_two_and_a_half_percent_above(net, gold, haul):
    result = zakat_maal(cash=net, held_haul=haul, gold_price_per_gram=gold)
    nisab = 85 * gold
    if net < nisab or not haul:
        assert result.zakat == 0
    else:
        assert result.zakat == -(-net // 40)  # ceil(net × 2.5%) in integers
        assert result.zakat * 40 >= net > (result.zakat - 1) * 40


@given(a=rupiah, b=rupiah, debts=rupiah, gold=price)
def test_zakat_maal_never_falls_when_wealth_grows(a, b, debts, gold):
    low, high = sorted((a, b))
    smaller = zakat_maal(cash=low, debts=debts, held_haul=True, gold_price_per_gram=gold)
    larger = zakat_maal(cash=high, debts=debts, held_haul=True, gold_price_per_gram=gold)
    assert smaller.zakat <= larger.zakat


@given(cash=rupiah, gold_silver=rupiah, trade=rupiah, receivables=rupiah, debts=rupiah, gold=price)
def test_zakat_maal_net_wealth_is_the_sum_of_items_less_debts(cash, gold_silver, trade, receivables, debts, gold):
    result = zakat_maal(
        cash=cash,
        gold_silver=gold_silver,
        trade_goods=trade,
        receivables=receivables,
        debts=debts,
        held_haul=True,
        gold_price_per_gram=gold,
    )
    assert result.base == cash + gold_silver + trade + receivables - debts
    assert result.steps[-1].amount == result.zakat


def test_monthly_income_is_compared_with_a_twelfth_of_the_yearly_nisab_on_gross_income():
    nisab_month = ceil(NISAB / 12)  # 10,625,000
    result = zakat_income(period="month", income=10_000_000, other_income=625_000, gold_price_per_gram=PRICE)
    assert result.nisab == nisab_month == 10_625_000
    assert result.is_due and result.zakat == ceil(10_625_000 / 40)
    assert "gross" in result.basis
    assert any(s.label == "Nisab per month" for s in result.steps)


def test_monthly_income_below_the_monthly_nisab_pays_nothing():
    result = zakat_income(period="month", income=10_624_999, gold_price_per_gram=PRICE)
    assert not result.is_due and result.zakat == 0


def test_the_monthly_nisab_is_compared_exactly_not_after_rounding_down():
    # 85 × 1,000,001 / 12 = 7,083,340.08…: 7,083,340 is below the nisab, 7,083,341 reaches it.
    assert not zakat_income(period="month", income=7_083_340, gold_price_per_gram=1_000_001).is_due
    assert zakat_income(period="month", income=7_083_341, gold_price_per_gram=1_000_001).is_due


def test_net_basis_deducts_basic_needs_and_says_so():
    gross = zakat_income(period="month", income=15_000_000, deductions=6_000_000, gold_price_per_gram=PRICE)
    net = zakat_income(period="month", income=15_000_000, deductions=6_000_000, basis="net", gold_price_per_gram=PRICE)
    assert gross.zakat == 375_000 and gross.base == 15_000_000
    assert net.base == 9_000_000 and not net.is_due and net.zakat == 0
    assert "net income" in net.basis
    assert any(s.label == "Basic needs and debt instalments" for s in net.steps)
    assert not any(s.label == "Basic needs and debt instalments" for s in gross.steps)


def test_yearly_income_uses_the_full_nisab():
    result = zakat_income(period="year", income=120_000_000, other_income=10_000_000, gold_price_per_gram=PRICE)
    assert result.nisab == NISAB and result.base == 130_000_000 and result.zakat == 3_250_000


@given(income=rupiah, other=rupiah, deductions=rupiah, gold=price, yearly=st.booleans(), net=st.booleans())
def test_zakat_income_is_zero_below_nisab_and_exactly_ceil_two_and_a_half_percent_above(
    income, other, deductions, gold, yearly, net
):
    result = zakat_income(
        period="year" if yearly else "month",
        income=income,
        other_income=other,
        deductions=deductions,
        basis="net" if net else "gross",
        gold_price_per_gram=gold,
    )
    base = max(0, income + other - deductions) if net else income + other
    assert result.base == base
    # Exact comparison with 85 g × price (÷ 12 a month), in integers.
    reaches = base * (1 if yearly else 12) >= 85 * gold
    assert result.is_due == reaches
    assert result.zakat == (-(-base // 40) if reaches else 0)


@given(a=rupiah, b=rupiah, gold=price)
def test_zakat_income_never_falls_when_income_grows(a, b, gold):
    low, high = sorted((a, b))
    assert (
        zakat_income(income=low, gold_price_per_gram=gold).zakat
        <= zakat_income(income=high, gold_price_per_gram=gold).zakat
    )


def test_unknown_income_period_or_basis_is_refused():
    with pytest.raises(ValueError):
        zakat_income(period="week", income=1, gold_price_per_gram=PRICE)
    with pytest.raises(ValueError):
        zakat_income(basis="after-tax", income=1, gold_price_per_gram=PRICE)


def _rate(**kwargs):
    from satuatap.collection.models import FitrahRate

    return FitrahRate(hijri_year=1447, **kwargs)


def test_fitrah_in_rupiah_is_persons_times_the_rate():
    result = zakat_fitrah(persons=4, rate=_rate(mode="money", amount=45_000), hijri_year=1447)
    assert result.zakat == 180_000 and result.is_due and result.persons == 4
    assert result.steps[-1].formula == "4 × Rp45.000"
    assert "rupiah per person" in result.basis


def test_fitrah_in_rice_shows_the_kilograms_and_the_price():
    rate = _rate(mode="rice", rice_kg=Decimal("2.5"), rice_price_per_kg=15_001)
    result = zakat_fitrah(persons=3, rate=rate, hijri_year=1447)
    per_person = next(s for s in result.steps if s.label == "Rate per person")
    assert per_person.amount == 37_503  # 37,502.5 rounded up
    assert per_person.formula == "2.5 kg of rice × Rp15.001, rounded up"
    assert result.zakat == 3 * 37_503
    assert "2.5 kg of rice" in result.basis


def test_fitrah_rice_is_written_the_indonesian_way_in_indonesian():
    rate = _rate(mode="rice", rice_kg=Decimal("2.50"), rice_price_per_kg=15_000)
    with translation.override("id"):
        result = zakat_fitrah(persons=1, rate=rate, hijri_year=1447)
    assert "2,5 kg" in next(s for s in result.steps if s.amount == 37_500).formula


def test_fitrah_without_a_rate_says_so_and_asks_nothing():
    result = zakat_fitrah(persons=2, rate=None, hijri_year=1448)
    assert result.rate_missing and result.zakat == 0 and not result.is_due
    assert "1448" in result.notes[0]


@given(persons=st.integers(min_value=1, max_value=1000), amount=st.integers(min_value=1, max_value=10**7))
def test_fitrah_is_always_persons_times_the_rate_per_person(persons, amount):
    rate = SimpleNamespace(mode="money", amount=amount, per_person=amount)
    assert zakat_fitrah(persons=persons, rate=rate, hijri_year=1447).zakat == persons * amount


@pytest.mark.parametrize("persons", [0, -1, 1001, 2.0])
def test_fitrah_refuses_an_impossible_number_of_persons(persons):
    with pytest.raises((TypeError, ValueError)):
        zakat_fitrah(persons=persons, rate=None, hijri_year=1447)


def test_results_serialise_for_the_api():
    data = zakat_maal(cash=NISAB, held_haul=True, gold_price_per_gram=PRICE).as_dict()
    assert data["kind"] == calculator.MAAL and data["zakat"] == NISAB // 40
    assert data["steps"][0] == {
        "label": "Cash, savings and deposits",
        "formula": "as entered",
        "value": "Rp127.500.000",
        "amount": NISAB,
    }
