"""Settings of the service desk's HTTP benchmark server (``bench.servicedesk_http``): the product's,
with the per-address limit of the public endpoints out of the way. Every simulated kiosk and display
board speaks from 127.0.0.1, where in an office each has its own address; the limit (``core.throttle``,
kept in the cache) would otherwise refuse the fiftieth board, so the cache here keeps nothing."""

from satuatap.settings import *  # noqa: F403

CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
