from django.urls import path

from satuatap.servicedesk.figures import views

urlpatterns: list = [
    path("servicedesk/figures/", views.figures, name="figures"),
    path("servicedesk/figures/week/", views.evaluation, name="evaluation"),
]
