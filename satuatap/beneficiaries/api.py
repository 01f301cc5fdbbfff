"""Beneficiaries over the REST API (scoped and masked like the pages)."""

from ninja import Router

router = Router(tags=["beneficiaries"])
