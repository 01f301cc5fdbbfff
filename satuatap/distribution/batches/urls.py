"""Pages of distribution: batch (joined into the ``distribution`` namespace by urls.py)."""

from django.urls import path

from satuatap.distribution import views_batch

urlpatterns: list = [
    path("distribution/batches/", views_batch.batch_list, name="batches"),
    path("distribution/batches/new/", views_batch.batch_new, name="batch_new"),
    path("distribution/batches/template/", views_batch.batch_template, name="batch_template"),
    path("distribution/batches/<int:pk>/", views_batch.batch_detail, name="batch"),
    path("distribution/batches/<int:pk>/decide/", views_batch.batch_decide, name="batch_decide"),
    path("distribution/batches/<int:pk>/pay/", views_batch.batch_pay, name="batch_pay"),
]
