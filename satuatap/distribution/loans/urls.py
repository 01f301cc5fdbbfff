"""Pages of distribution: loans (joined into the ``distribution`` namespace by urls.py)."""

from django.urls import path

from satuatap.distribution import views_loans

urlpatterns = [
    path("distribution/loans/", views_loans.loan_list, name="loans"),
    path("distribution/loans/<int:pk>/", views_loans.loan_detail, name="loan"),
    path("distribution/loans/<int:pk>/repay/", views_loans.loan_repay, name="loan_repay"),
]
