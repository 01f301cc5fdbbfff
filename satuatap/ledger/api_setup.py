"""Compatibility for ``api.core`` until the merge: the setup operations are on the ledger router as
soon as ``satuatap.ledger.api`` is imported (``ledger/api/setup.py``)."""

from satuatap.ledger.api import setup  # noqa: F401
