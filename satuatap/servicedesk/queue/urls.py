"""Pages of the queue, spliced into ``servicedesk/urls.py`` (app_name "servicedesk").

The ticket's page comes before the kiosk's so that ``antrean/tiket/...`` is never read as a unit.
"""

from django.urls import path

from satuatap.servicedesk.queue import views

urlpatterns = [
    path("servicedesk/counters/", views.counters, name="counters"),
    path("servicedesk/counters/<int:pk>/", views.counter, name="counter"),
    path("antrean/tiket/<str:code>/", views.ticket, name="ticket"),
    path("antrean/<slug:institution>/<slug:unit>/", views.kiosk, name="kiosk"),
    path("antrean/<slug:institution>/<slug:unit>/layar/", views.display, name="display"),
    path("antrean/<slug:institution>/<slug:unit>/layar/feed/", views.display_feed, name="display_feed"),
]
