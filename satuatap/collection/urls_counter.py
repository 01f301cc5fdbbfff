"""URLs of the counter pages (included by collection/urls.py)."""

from django.urls import path

from satuatap.collection import views_counter

urlpatterns: list = [
    path("collection/counter/", views_counter.counter, name="counter"),
    path("collection/counter/donors/", views_counter.counter_donor_search, name="counter_donor_search"),
    path("collection/counter/donors/new/", views_counter.counter_donor_register, name="counter_donor_register"),
    path("collection/counter/fitrah-rate/", views_counter.counter_fitrah_rate, name="counter_fitrah_rate"),
    path("collection/donations/", views_counter.donation_list, name="donations"),
    path("collection/donations/<int:pk>/", views_counter.donation_detail, name="donation_detail"),
]
