"""Taking many gapless numbers at once from ``core.models.Sequence``."""

from django.db.models import F

from satuatap.core.models import Sequence


def sequence_take_block(scope: str, key: str, count: int) -> int:
    """Take ``count`` consecutive numbers of (scope, key) and return the first; call inside a transaction.

    Same rule as ``Sequence.next_value``: the UPDATE holds the row lock until the caller's
    transaction ends, so concurrent takers queue and a rolled-back caller gives the whole
    block back (no gaps).
    """
    if count <= 0:
        raise ValueError("count must be positive")
    rows = Sequence.objects.filter(scope=scope, key=key)
    if not rows.update(value=F("value") + count):
        Sequence.objects.bulk_create([Sequence(scope=scope, key=key, value=0)], ignore_conflicts=True)
        rows.update(value=F("value") + count)
    return rows.values_list("value", flat=True).get() - count + 1
