"""Pages of the service catalogue (joined into the ``servicedesk`` namespace by the app's urls.py).

Staff pages under ``servicedesk/``; the public pages under ``layanan/<institution>/<unit>/`` (the
PDFs end in ``.pdf``, which no service code can, so they never hide a service's page).
"""

from django.urls import path

from satuatap.servicedesk.catalogue import views

urlpatterns: list = [
    path("servicedesk/services/", views.service_list, name="services"),
    path("servicedesk/services/new/", views.service_new, name="service_new"),
    path("servicedesk/services/adopt/", views.service_adopt, name="service_adopt"),
    path("servicedesk/services/<int:pk>/", views.service_detail, name="service"),
    path("servicedesk/services/<int:pk>/edit/", views.service_edit, name="service_edit"),
    path("servicedesk/services/<int:pk>/standards/new/", views.standard_new, name="standard_new"),
    path("servicedesk/standards/<int:pk>/", views.standard_detail, name="standard"),
    path("servicedesk/standards/<int:pk>/edit/", views.standard_edit, name="standard_edit"),
    path("servicedesk/standards/<int:pk>/approve/", views.standard_approve, name="standard_approve"),
    path("servicedesk/standards/<int:pk>/publish/", views.standard_publish, name="standard_publish"),
    path("servicedesk/standards/<int:pk>/pdf/", views.standard_print, name="standard_print"),
    path("servicedesk/settings/", views.desk_settings, name="settings"),
    path("layanan/<slug:institution>/<slug:unit>/", views.public_services, name="public_services"),
    path("layanan/<slug:institution>/<slug:unit>/maklumat.pdf", views.maklumat_pdf, name="maklumat_pdf"),
    path("layanan/<slug:institution>/<slug:unit>/<slug:service>/", views.public_standard, name="public_standard"),
    path("layanan/<slug:institution>/<slug:unit>/<slug:service>/standar.pdf", views.standard_pdf, name="standard_pdf"),
]
