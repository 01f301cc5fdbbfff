from django.urls import path

from satuatap.beneficiaries import views, views_assess, views_dedup, views_records
from satuatap.beneficiaries.urls_imports import urlpatterns as import_urlpatterns

app_name = "beneficiaries"
urlpatterns = [
    path("beneficiaries/", views.beneficiary_list, name="list"),
    path("beneficiaries/search/", views.beneficiary_search, name="search"),
    path("beneficiaries/new/", views.beneficiary_create, name="create"),
    path("beneficiaries/candidates/", views.beneficiary_candidates, name="candidates"),
    path("beneficiaries/standards/", views_assess.standards, name="standards"),
    path("beneficiaries/duplicates/", views_dedup.dedup_runs, name="dedup_runs"),
    path("beneficiaries/duplicates/start/", views_dedup.dedup_run_start, name="dedup_start"),
    path("beneficiaries/duplicates/<int:pk>/", views_dedup.dedup_run, name="dedup_run"),
    path("beneficiaries/duplicates/<int:pk>/review/", views_dedup.dedup_review, name="dedup_review"),
    path("beneficiaries/assessments/<int:pk>/", views_assess.assessment_detail, name="assessment"),
    path("beneficiaries/assessments/<int:pk>/apply/", views_assess.assessment_apply, name="assessment_apply"),
    path("beneficiaries/documents/<int:pk>/", views_records.document_open, name="document"),
    path("beneficiaries/consents/<int:pk>/withdraw/", views_records.consent_withdraw, name="consent_withdraw"),
    path("beneficiaries/<int:pk>/", views.beneficiary_detail, name="detail"),
    path("beneficiaries/<int:pk>/edit/", views.beneficiary_edit, name="edit"),
    path("beneficiaries/<int:pk>/status/", views.beneficiary_status, name="status"),
    path("beneficiaries/<int:pk>/identifiers/", views.beneficiary_identifiers, name="identifiers"),
    path("beneficiaries/<int:pk>/assess/", views_assess.assess, name="assess"),
    path("beneficiaries/<int:pk>/aid/new/", views_records.aid_new, name="aid_new"),
    path("beneficiaries/<int:pk>/privacy/", views_records.privacy, name="privacy"),
    path("beneficiaries/<int:pk>/documents/new/", views_records.document_upload, name="document_upload"),
    path("beneficiaries/<int:pk>/consents/new/", views_records.consent_add, name="consent_add"),
    path("beneficiaries/<int:pk>/merge/", views_records.beneficiary_merge, name="merge"),
    path("beneficiaries/<int:pk>/not-duplicate/", views_records.not_duplicate, name="not_duplicate"),
    path(
        "beneficiaries/<int:pk>/possible-duplicate/",
        views_records.possible_duplicate_review,
        name="possible_duplicate_review",
    ),
]
urlpatterns += import_urlpatterns
