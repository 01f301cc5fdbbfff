"""URLs of the reports pages (included by collection/urls.py)."""

urlpatterns: list = []
