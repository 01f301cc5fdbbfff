"""URLs of the reports pages (included by collection/urls.py)."""

from django.urls import path

from satuatap.collection import views_reports

urlpatterns: list = [
    path("collection/reports/", views_reports.reports, name="reports"),
]
