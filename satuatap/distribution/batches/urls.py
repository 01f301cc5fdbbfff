"""Pages of distribution: batch (joined into the ``distribution`` namespace by the app's urls.py)."""

from django.urls import path

from satuatap.distribution.batches import views as batch_views

urlpatterns: list = [
    path("distribution/batches/", batch_views.batch_list, name="batches"),
    path("distribution/batches/new/", batch_views.batch_new, name="batch_new"),
    path("distribution/batches/template/", batch_views.batch_template, name="batch_template"),
    path("distribution/batches/<int:pk>/", batch_views.batch_detail, name="batch"),
    path("distribution/batches/<int:pk>/decide/", batch_views.batch_decide, name="batch_decide"),
    path("distribution/batches/<int:pk>/pay/", batch_views.batch_pay, name="batch_pay"),
]
