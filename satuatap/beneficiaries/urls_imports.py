"""URLs of the beneficiaries import pages (added to the ``beneficiaries`` namespace by urls.py)."""

from django.urls import path

from satuatap.beneficiaries import views_imports as views

urlpatterns: list = [
    path("beneficiaries/imports/", views.import_list, name="import_list"),
    path("beneficiaries/imports/new/", views.import_new, name="import_new"),
    path("beneficiaries/imports/template.xlsx", views.import_template, name="import_template"),
    path("beneficiaries/imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("beneficiaries/imports/<int:pk>/commit/", views.import_commit, name="import_commit"),
    path("beneficiaries/imports/<int:pk>/cancel/", views.import_cancel, name="import_cancel"),
    path("beneficiaries/imports/<int:pk>/errors/", views.import_errors, name="import_errors"),
    path("beneficiaries/imports/<int:pk>/correct/", views.import_row_correct, name="import_row_correct"),
]
