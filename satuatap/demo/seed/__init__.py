"""The demo data, by area: ``network`` (institution, offices, staff) calls ``ledger`` (which calls
``collection``), ``registry`` and ``distribution`` in turn."""

from satuatap.demo.seed.network import DEMO_CODE, DEMO_PASSWORD, DISTRICTS, STAFF, network_create

__all__ = ["DEMO_CODE", "DEMO_PASSWORD", "DISTRICTS", "STAFF", "network_create"]
