from django.urls import path

from satuatap.ledger import views

app_name = "ledger"
urlpatterns = [
    path("ledger/", views.overview, name="overview"),
    path("ledger/setup/", views.chart_setup, name="chart_setup"),
    path("ledger/accounts/", views.accounts, name="accounts"),
    path("ledger/accounts/new/", views.account_create, name="account_create"),
    path("ledger/accounts/<int:pk>/edit/", views.account_edit, name="account_edit"),
    path("ledger/entries/", views.entries, name="entries"),
    path("ledger/entries/new/", views.entry_create, name="entry_create"),
    path("ledger/entries/everyday/<slug:kind>/", views.everyday_entry, name="everyday_entry"),
    path("ledger/entries/<int:pk>/", views.entry_detail, name="entry_detail"),
    path("ledger/entries/<int:pk>/approve/", views.entry_approve, name="entry_approve"),
    path("ledger/entries/<int:pk>/discard/", views.entry_discard, name="entry_discard"),
    path("ledger/entries/<int:pk>/reverse/", views.entry_reverse, name="entry_reverse"),
    path("ledger/transfers/new/", views.transfer_create, name="transfer_create"),
    path("ledger/amil/", views.amil, name="amil"),
    path("ledger/periods/", views.periods, name="periods"),
    path("ledger/opening/", views.opening_import, name="opening_import"),
    path("ledger/reports/<slug:slug>/", views.report, name="report"),
]
