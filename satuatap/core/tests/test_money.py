from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from satuatap.core.money import allocate, share_of

weights_strategy = st.lists(
    st.one_of(st.integers(min_value=0, max_value=10**9), st.decimals(min_value=0, max_value=10**6, places=4)),
    min_size=1,
    max_size=12,
).filter(lambda ws: sum(ws) > 0)


@given(total=st.integers(min_value=-(10**15), max_value=10**15), weights=weights_strategy)
def test_parts_always_sum_to_the_total(total, weights):
    parts = allocate(total, weights)
    assert sum(parts) == total
    assert len(parts) == len(weights)
    assert all(isinstance(p, int) for p in parts)


@given(total=st.integers(min_value=0, max_value=10**15), weights=weights_strategy)
def test_each_part_is_within_one_rupiah_of_its_exact_share(total, weights):
    from fractions import Fraction

    parts = allocate(total, weights)
    weight_sum = sum(Fraction(w) for w in weights)
    for part, weight in zip(parts, weights, strict=True):
        exact = total * Fraction(weight) / weight_sum
        assert exact - 1 < part < exact + 1
        if weight == 0:
            assert part == 0


def test_leftover_rupiah_go_to_the_largest_remainders_and_ties_to_the_first():
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]
    assert allocate(10, [3, 3, 4]) == [3, 3, 4]
    assert allocate(5, [Decimal("0.5"), Decimal("0.25"), Decimal("0.25")]) == [3, 1, 1]
    assert allocate(-100, [1, 1, 1]) == [-34, -33, -33]
    assert allocate(0, [0, 0]) == [0, 0]


def test_zakat_amil_share_of_one_eighth():
    assert share_of(1_000_000, 1250) == 125_000
    assert share_of(1_001, 1250) == 125  # 125.125 -> 125
    assert share_of(1_007, 1250) == 126  # 125.875 -> 126
    assert share_of(100, 0) == 0


@pytest.mark.parametrize(
    ("total", "weights", "error"),
    [
        (1.5, [1], TypeError),
        (True, [1], TypeError),
        (10, [], ValueError),
        (10, [0, 0], ValueError),
        (10, [-1, 2], ValueError),
        (10, [1.0], TypeError),
        (10, [Decimal("NaN")], ValueError),
    ],
)
def test_bad_input_is_refused(total, weights, error):
    with pytest.raises(error):
        allocate(total, weights)
