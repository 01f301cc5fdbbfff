"""URLs of the receipts pages (included by collection/urls.py)."""

urlpatterns: list = []
