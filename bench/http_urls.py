"""The product's URLs plus two bench-only endpoints (served only with ``bench.http_settings``):

* ``POST /bench/insert/``: the reference of the donation-posting figure, a bare Django view
  doing one ``INSERT`` (autocommit) on the same server, database and middleware;
* ``GET /bench/rss/``: this worker's resident memory and its peak (``VmRSS``, ``VmHWM`` from
  ``/proc/self/status``); ``?reset=1`` first resets the peak (``/proc/self/clear_refs``).
"""

from django.urls import path

from bench import http_views
from satuatap.urls import handler400, handler403, handler404, handler500  # noqa: F401
from satuatap.urls import urlpatterns as product

urlpatterns = [
    path("bench/insert/", http_views.insert, name="bench_insert"),
    path("bench/rss/", http_views.rss, name="bench_rss"),
    *product,
]
