"""Beneficiaries (mustahik) over the REST API (``router``, mounted at ``/beneficiaries``), scoped and
masked like the pages: the registry itself, duplicate candidates and needs standards (``registry``),
the batch duplicate search (``dedup``); the request and response schemas live in ``schemas``.

Each endpoint module reads through ``beneficiaries.selectors`` and writes through
``beneficiaries.services``; their refusals become the API's one error shape. Every endpoint names its
``operation_id`` as it was before the endpoints had modules of their own, so the schema stays.
"""

from satuatap.beneficiaries.api import dedup  # noqa: F401 - its endpoints join ``router``
from satuatap.beneficiaries.api.registry import router

__all__ = ["router"]
