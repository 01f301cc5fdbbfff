"""Compatibility for the imports of other apps until the merge: the ledger API's schemas live in
``satuatap.ledger.api.schemas``."""

from satuatap.ledger.api.schemas import MONTH, UnitBrief

__all__ = ["MONTH", "UnitBrief"]
