"""Collection over the REST API: donations (``router``, mounted at ``/donations``), receipts
(``receipts_router``) and the fitrah rates of the settings (``setup_router``, mounted at ``/collection``).

Each endpoint module reads through ``collection.selectors`` and writes through ``collection.services``;
the request and response schemas of the donations live in ``schemas``.
"""

from satuatap.collection.api.donations import router
from satuatap.collection.api.receipts import router as receipts_router
from satuatap.collection.api.setup import router as setup_router

__all__ = ["receipts_router", "router", "setup_router"]
