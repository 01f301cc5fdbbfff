from django.urls import path

from satuatap.distribution import views
from satuatap.distribution.batches import urls as batch_urls
from satuatap.distribution.loans import urls as loan_urls
from satuatap.distribution.public import urls as public_urls
from satuatap.distribution.stock import urls as stock_urls

app_name = "distribution"
urlpatterns = [
    path("distribution/", views.application_list, name="applications"),
    path("distribution/applications/new/", views.application_new, name="application_new"),
    path("distribution/applications/people/", views.people_search, name="people"),
    path("distribution/applications/<int:pk>/", views.application_detail, name="application"),
    path("distribution/applications/<int:pk>/screen/", views.application_screen, name="screen"),
    path("distribution/applications/<int:pk>/assess/", views.application_assess, name="assess"),
    path("distribution/applications/<int:pk>/recommend/", views.application_recommend, name="recommend"),
    path("distribution/applications/<int:pk>/decide/", views.application_decide, name="decide"),
    path("distribution/applications/<int:pk>/pay/", views.application_pay, name="pay"),
    path(
        "distribution/applications/<int:pk>/evidence-complete/",
        views.application_evidence_complete,
        name="evidence_complete",
    ),
    path("distribution/applications/<int:pk>/follow-up/", views.application_follow_up, name="follow_up"),
    path("distribution/applications/<int:pk>/make-eligible/", views.application_make_eligible, name="make_eligible"),
    path("distribution/programs/", views.program_list, name="programs"),
    path("distribution/programs/new/", views.program_new, name="program_new"),
    path("distribution/programs/<int:pk>/edit/", views.program_edit, name="program_edit"),
    path("distribution/limits/", views.limits, name="limits"),
    path("distribution/pillars/", views.pillars, name="pillars"),
    path("distribution/disbursements/", views.disbursement_list, name="disbursements"),
    path("distribution/report/", views.report, name="report"),
    path("distribution/applications/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("distribution/applications/<int:pk>/aid-receipt/", views.aid_receipt, name="aid_receipt"),
    path("distribution/evidence/<int:pk>/", views.evidence_open, name="evidence"),
    *public_urls.urlpatterns,
    *stock_urls.urlpatterns,
    *loan_urls.urlpatterns,
    *batch_urls.urlpatterns,
]
