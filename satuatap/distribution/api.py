"""Distribution over the REST API."""

from ninja import Router

router = Router(tags=["distribution"])
