"""URLs of the counter pages (included by collection/urls.py)."""

urlpatterns: list = []
