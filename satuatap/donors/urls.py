from django.urls import path

from satuatap.donors import views

app_name = "donors"
urlpatterns = [
    path("donors/", views.donor_list, name="list"),
    path("donors/search/", views.donor_search, name="search"),
    path("donors/new/", views.donor_create, name="create"),
    path("donors/duplicates/", views.donor_duplicates, name="duplicates"),
    path("donors/<int:pk>/", views.donor_detail, name="detail"),
    path("donors/<int:pk>/edit/", views.donor_edit, name="edit"),
    path("donors/<int:pk>/identifiers/", views.donor_identifiers, name="identifiers"),
    path("donors/<int:pk>/merge/", views.donor_merge, name="merge"),
    path("donors/<int:pk>/history/", views.donor_history, name="history"),
    path("donors/<int:pk>/statement/", views.donor_statement, name="statement"),
]
