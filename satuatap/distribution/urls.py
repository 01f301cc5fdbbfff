from django.urls import path

from satuatap.distribution import (
    urls_batch,
    urls_loans,
    urls_public,
    urls_stock,
    views,
    views_evidence,
    views_report,
    views_setup,
)

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
    path("distribution/programs/", views_setup.program_list, name="programs"),
    path("distribution/programs/new/", views_setup.program_new, name="program_new"),
    path("distribution/programs/<int:pk>/edit/", views_setup.program_edit, name="program_edit"),
    path("distribution/limits/", views_setup.limits, name="limits"),
    path("distribution/pillars/", views_setup.pillars, name="pillars"),
    path("distribution/disbursements/", views_setup.disbursement_list, name="disbursements"),
    path("distribution/report/", views_report.report, name="report"),
    path("distribution/applications/<int:pk>/evidence/", views_evidence.evidence_upload, name="evidence_upload"),
    path("distribution/applications/<int:pk>/aid-receipt/", views_evidence.aid_receipt, name="aid_receipt"),
    path("distribution/evidence/<int:pk>/", views_evidence.evidence_open, name="evidence"),
    *urls_public.urlpatterns,
    *urls_stock.urlpatterns,
    *urls_loans.urlpatterns,
    *urls_batch.urlpatterns,
]
