"""All collection pages share the ``collection`` namespace; each area keeps its own list."""

from satuatap.collection import urls_counter, urls_imports, urls_receipts, urls_reports, urls_setup

app_name = "collection"
urlpatterns = [
    *urls_counter.urlpatterns,
    *urls_receipts.urlpatterns,
    *urls_setup.urlpatterns,
    *urls_imports.urlpatterns,
    *urls_reports.urlpatterns,
]
