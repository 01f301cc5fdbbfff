"""URLs of the receipts pages (included by collection/urls.py)."""

from django.urls import path

from satuatap.collection import views_receipts as views

urlpatterns: list = [
    path("receipts/<int:pk>/", views.receipt_detail, name="receipt_detail"),
    path("receipts/<int:pk>/pdf/", views.receipt_pdf, name="receipt_pdf"),
    path("receipts/<int:pk>/void/", views.receipt_void, name="receipt_void"),
    path("receipts/<int:pk>/send/", views.receipt_send, name="receipt_send"),
    # Public: the QR code on every receipt points here; the token is unguessable, the number is not.
    path("r/<str:token>/", views.receipt_verify, name="receipt_verify"),
]
