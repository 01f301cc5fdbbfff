"""Pages of service requests (spliced into ``servicedesk/urls.py``, app_name "servicedesk"): staff
under ``servicedesk/requests/``, public under ``permohonan/`` (the status page first, so a unit code
never hides it)."""

from django.urls import path

from satuatap.servicedesk.requests import views

urlpatterns = [
    path("servicedesk/requests/", views.request_list, name="requests"),
    path("servicedesk/requests/new/", views.request_new, name="request_new"),
    path("servicedesk/requests/<int:pk>/", views.request_detail, name="request"),
    path("servicedesk/requests/<int:pk>/step/", views.request_step, name="request_step"),
    path("servicedesk/requests/<int:pk>/check/", views.request_check, name="request_check"),
    path("servicedesk/requests/<int:pk>/documents/", views.request_document_upload, name="request_document_add"),
    path("servicedesk/requests/documents/<int:pk>/", views.request_document, name="request_document"),
    path("permohonan/status/", views.request_status, name="request_status"),
    path("permohonan/<slug:institution>/<slug:unit>/", views.request_apply, name="request_apply"),
]
