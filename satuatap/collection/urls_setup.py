"""URLs of the setup pages (included by collection/urls.py)."""

urlpatterns: list = []
