from django.urls import path

from satuatap.beneficiaries.views import assessments, dedup, imports, records, registry

app_name = "beneficiaries"
urlpatterns = [
    path("beneficiaries/", registry.beneficiary_list, name="list"),
    path("beneficiaries/search/", registry.beneficiary_search, name="search"),
    path("beneficiaries/new/", registry.beneficiary_create, name="create"),
    path("beneficiaries/candidates/", registry.beneficiary_candidates, name="candidates"),
    path("beneficiaries/standards/", assessments.standards, name="standards"),
    path("beneficiaries/duplicates/", dedup.dedup_runs, name="dedup_runs"),
    path("beneficiaries/duplicates/start/", dedup.dedup_run_start, name="dedup_start"),
    path("beneficiaries/duplicates/<int:pk>/", dedup.dedup_run, name="dedup_run"),
    path("beneficiaries/duplicates/<int:pk>/review/", dedup.dedup_review, name="dedup_review"),
    path("beneficiaries/assessments/<int:pk>/", assessments.assessment_detail, name="assessment"),
    path("beneficiaries/assessments/<int:pk>/apply/", assessments.assessment_apply, name="assessment_apply"),
    path("beneficiaries/documents/<int:pk>/", records.document_open, name="document"),
    path("beneficiaries/consents/<int:pk>/withdraw/", records.consent_withdraw, name="consent_withdraw"),
    path("beneficiaries/<int:pk>/", registry.beneficiary_detail, name="detail"),
    path("beneficiaries/<int:pk>/edit/", registry.beneficiary_edit, name="edit"),
    path("beneficiaries/<int:pk>/status/", registry.beneficiary_status, name="status"),
    path("beneficiaries/<int:pk>/identifiers/", registry.beneficiary_identifiers, name="identifiers"),
    path("beneficiaries/<int:pk>/assess/", assessments.assess, name="assess"),
    path("beneficiaries/<int:pk>/aid/new/", records.aid_new, name="aid_new"),
    path("beneficiaries/<int:pk>/privacy/", records.privacy, name="privacy"),
    path("beneficiaries/<int:pk>/documents/new/", records.document_upload, name="document_upload"),
    path("beneficiaries/<int:pk>/consents/new/", records.consent_add, name="consent_add"),
    path("beneficiaries/<int:pk>/merge/", records.beneficiary_merge, name="merge"),
    path("beneficiaries/<int:pk>/not-duplicate/", records.not_duplicate, name="not_duplicate"),
    path(
        "beneficiaries/<int:pk>/possible-duplicate/",
        records.possible_duplicate_review,
        name="possible_duplicate_review",
    ),
    # Imports of lists of beneficiaries.
    path("beneficiaries/imports/", imports.import_list, name="import_list"),
    path("beneficiaries/imports/new/", imports.import_new, name="import_new"),
    path("beneficiaries/imports/template.xlsx", imports.import_template, name="import_template"),
    path("beneficiaries/imports/<int:pk>/", imports.import_detail, name="import_detail"),
    path("beneficiaries/imports/<int:pk>/commit/", imports.import_commit, name="import_commit"),
    path("beneficiaries/imports/<int:pk>/cancel/", imports.import_cancel, name="import_cancel"),
    path("beneficiaries/imports/<int:pk>/errors/", imports.import_errors, name="import_errors"),
    path("beneficiaries/imports/<int:pk>/correct/", imports.import_row_correct, name="import_row_correct"),
]
