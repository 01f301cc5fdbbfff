"""Compatibility for the imports of other apps until the merge: the PSAK 109 statements are read
through ``satuatap.ledger.selectors``."""

from satuatap.ledger.selectors import *  # noqa: F403
from satuatap.ledger.selectors import __all__  # noqa: F401
