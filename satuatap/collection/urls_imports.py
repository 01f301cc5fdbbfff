"""URLs of the imports pages (included by collection/urls.py)."""

urlpatterns: list = []
