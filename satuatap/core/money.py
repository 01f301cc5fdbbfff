"""Rupiah arithmetic: the one place where money is split.

Rupiah are whole numbers (``int``). Splitting a total by weights uses the
largest-remainder method, so the parts always add up to the total exactly:
no rupiah is created or lost by rounding.
"""

from decimal import Decimal
from fractions import Fraction

# The largest amount any form, import, API or service accepts: far above any real donation, line or
# budget, far below overflow. The one ceiling of the product: no app keeps a limit of its own.
MAX_RUPIAH = 10**15


def is_whole_rupiah(value, *, allow_zero: bool = False) -> bool:
    """Whether ``value`` is an amount a service accepts: an ``int`` (not a bool), positive (or zero
    when ``allow_zero``), at most ``MAX_RUPIAH``. The one check every app's services share."""
    if isinstance(value, bool) or not isinstance(value, int):
        return False
    return (0 if allow_zero else 1) <= value <= MAX_RUPIAH


def allocate(total: int, weights: list[int | Decimal]) -> list[int]:
    """Split ``total`` rupiah in proportion to ``weights``; the parts sum to ``total``.

    Each part is first rounded down; the rupiah left over go one each to the parts
    with the largest remainders (ties to the earlier part). A negative total is
    split as its absolute value and negated. Weights must be non-negative and not
    all zero (unless the total is zero, which gives zeros).
    """
    if isinstance(total, bool) or not isinstance(total, int):
        raise TypeError("total must be a whole number of rupiah (int)")
    if not weights:
        raise ValueError("at least one weight is needed")
    exact = []
    for weight in weights:
        if isinstance(weight, bool) or not isinstance(weight, (int, Decimal)):
            raise TypeError("weights must be int or Decimal")
        if isinstance(weight, Decimal) and not weight.is_finite():
            raise ValueError("weights must be finite")
        if weight < 0:
            raise ValueError("weights must not be negative")
        exact.append(Fraction(weight))
    weight_sum = sum(exact)
    if total == 0:
        return [0] * len(weights)
    if weight_sum == 0:
        raise ValueError("weights must not all be zero")
    if total < 0:
        return [-part for part in allocate(-total, weights)]

    shares = [total * w / weight_sum for w in exact]
    parts = [int(share) for share in shares]  # floor: shares are non-negative
    left = total - sum(parts)
    # Largest remainder first; on a tie the earlier part wins (stable and reproducible).
    order = sorted(range(len(shares)), key=lambda i: (-(shares[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += 1
    return parts


def share_of(amount: int, basis_points: int) -> int:
    """``basis_points``/10,000 of ``amount``, rounded as ``allocate`` rounds a two-way split."""
    if not 0 <= basis_points <= 10_000:
        raise ValueError("basis points must be between 0 and 10,000")
    if basis_points == 0:
        return 0
    if basis_points == 10_000:
        return amount
    return allocate(amount, [basis_points, 10_000 - basis_points])[0]
