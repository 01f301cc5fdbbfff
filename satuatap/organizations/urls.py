from django.urls import path

from satuatap.organizations import views

app_name = "organizations"
urlpatterns = [
    path("units/", views.unit_tree, name="unit_tree"),
    path("units/export/", views.unit_export, name="unit_export"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/children/", views.unit_children, name="unit_children"),
    path("units/<int:pk>/add/", views.unit_create, name="unit_create"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:pk>/move/", views.unit_move, name="unit_move"),
    path("units/<int:pk>/history/", views.unit_history, name="unit_history"),
    path("units/<int:pk>/calendar/", views.unit_calendar, name="unit_calendar"),
    path("memberships/", views.membership_list, name="membership_list"),
    path("memberships/new/", views.membership_create, name="membership_create"),
    path("memberships/new-staff/", views.staff_create, name="staff_create"),
    path("memberships/<int:pk>/end/", views.membership_end, name="membership_end"),
    path("switch-unit/", views.switch_unit, name="switch_unit"),
]
