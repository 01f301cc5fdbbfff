"""Settings of the benchmark's server: the product's, plus the bench-only endpoints of
``bench.http_urls``. Only ``make bench`` (``bench.side_by_side``) serves with these; the
product's own ``ROOT_URLCONF`` never names them."""

from satuatap.settings import *  # noqa: F403

ROOT_URLCONF = "bench.http_urls"
