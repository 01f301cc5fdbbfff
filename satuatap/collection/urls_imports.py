"""URLs of the imports pages (included by collection/urls.py)."""

from django.urls import path

from satuatap.collection import views_imports as views

urlpatterns: list = [
    path("collection/imports/", views.imports_list, name="imports"),
    path("collection/imports/new/", views.import_new, name="import_new"),
    path("collection/imports/template/<slug:kind>/", views.import_template, name="import_template"),
    path("collection/imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("collection/imports/<int:pk>/commit/", views.import_commit, name="import_commit"),
    path("collection/imports/<int:pk>/cancel/", views.import_cancel, name="import_cancel"),
    path("collection/imports/<int:pk>/errors/", views.import_errors, name="import_errors"),
]
