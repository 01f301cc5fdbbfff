"""Pages of distribution: loans (joined into the ``distribution`` namespace by the app's urls.py)."""

from django.urls import path

from satuatap.distribution.loans import views as loan_views

urlpatterns = [
    path("distribution/loans/", loan_views.loan_list, name="loans"),
    path("distribution/loans/<int:pk>/", loan_views.loan_detail, name="loan"),
    path("distribution/loans/<int:pk>/repay/", loan_views.loan_repay, name="loan_repay"),
]
