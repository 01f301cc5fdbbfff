"""Pages of appointments (spliced into ``servicedesk/urls.py``, app_name "servicedesk"). The booking
page by code comes before the office's, so an institution code never hides it."""

from django.urls import path

from satuatap.servicedesk.appointments import views

urlpatterns: list = [
    path("servicedesk/appointments/", views.appointments, name="appointments"),
    path("janji/kode/<str:code>/", views.booking, name="booking"),
    path("janji/<slug:institution>/<slug:unit>/", views.book, name="book"),
]
