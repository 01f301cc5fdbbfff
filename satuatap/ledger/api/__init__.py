"""The fund ledger over the REST API: chart, journal, balances, the PSAK 109 statements and the
ledger's setup, all on one router (``api.core`` mounts it at ``/ledger``).

Reads go through ``ledger.selectors`` (scoped with ``ledger.view``); writes through
``ledger.services`` (maker-checker for manual entries). An id outside the user's units answers
404; a role that may not write answers 403 before any object is looked up, so it learns nothing
either. Endpoints: ``books`` (chart, funds, periods), ``journal`` (entries, transfers),
``reports`` (balances, statements), ``setup`` (accounts, amil rates and share); schemas in
``schemas``.
"""

# Imported in this order, the endpoints keep the order of the router's paths.
from satuatap.ledger.api import books, journal, reports, setup
from satuatap.ledger.api.common import ERRORS, router

__all__ = ["ERRORS", "books", "journal", "reports", "router", "setup"]
