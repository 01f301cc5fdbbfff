"""All collection pages share the ``collection`` namespace: the counter, receipts, setup (calculator,
campaigns, settings), imports and reports.

The public pages (no login: calculator, campaign, ways to give, receipt verification) name the institution
and the campaign by code; every staff page takes at most a campaign ``pk``, always fetched through a scoped
selector.
"""

from django.urls import path

from satuatap.collection.views import counter, imports, receipts, reports, setup

app_name = "collection"
urlpatterns = [
    # The counter.
    path("collection/counter/", counter.counter, name="counter"),
    path("collection/counter/donors/", counter.counter_donor_search, name="counter_donor_search"),
    path("collection/counter/donors/new/", counter.counter_donor_register, name="counter_donor_register"),
    path("collection/counter/fitrah-rate/", counter.counter_fitrah_rate, name="counter_fitrah_rate"),
    path("collection/donations/", counter.donation_list, name="donations"),
    path("collection/donations/<int:pk>/", counter.donation_detail, name="donation_detail"),
    # Receipts.
    path("receipts/<int:pk>/", receipts.receipt_detail, name="receipt_detail"),
    path("receipts/<int:pk>/pdf/", receipts.receipt_pdf, name="receipt_pdf"),
    path("receipts/<int:pk>/void/", receipts.receipt_void, name="receipt_void"),
    path("receipts/<int:pk>/send/", receipts.receipt_send, name="receipt_send"),
    # Public: the QR code on every receipt points here; the token is unguessable, the number is not.
    path("r/<str:token>/", receipts.receipt_verify, name="receipt_verify"),
    # Setup: zakat calculator, campaigns, settings.
    path("zakat/kalkulator/<slug:institution>/", setup.calculator_public, name="calculator_public"),
    path("kampanye/<slug:institution>/<slug:code>/", setup.campaign_public, name="campaign_public"),
    path("cara-bayar/<slug:institution>/", setup.ways_to_give, name="ways_to_give"),
    path("collection/calculator/", setup.calculator, name="calculator"),
    path("collection/campaigns/", setup.campaigns, name="campaigns"),
    path("collection/campaigns/new/", setup.campaign_create, name="campaign_create"),
    path("collection/campaigns/<int:pk>/", setup.campaign_detail, name="campaign_detail"),
    path("collection/campaigns/<int:pk>/edit/", setup.campaign_edit, name="campaign_edit"),
    path("collection/settings/", setup.settings_page, name="settings"),
    # Imports.
    path("collection/imports/", imports.imports_list, name="imports"),
    path("collection/imports/new/", imports.import_new, name="import_new"),
    path("collection/imports/template/<slug:kind>/", imports.import_template, name="import_template"),
    path("collection/imports/<int:pk>/", imports.import_detail, name="import_detail"),
    path("collection/imports/<int:pk>/commit/", imports.import_commit, name="import_commit"),
    path("collection/imports/<int:pk>/cancel/", imports.import_cancel, name="import_cancel"),
    path("collection/imports/<int:pk>/errors/", imports.import_errors, name="import_errors"),
    # Reports.
    path("collection/reports/", reports.reports, name="reports"),
]
