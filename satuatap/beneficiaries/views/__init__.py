"""Staff pages of the mustahik registry, one module per area: the registry itself (``registry``: list
and search, register, one beneficiary, change, status), its records (``records``: consents,
documents, merge, aid, privacy), assessments and needs standards (``assessments``), the batch
duplicate search (``dedup``) and imports of lists (``imports``); ``common`` holds what they share.
"""

from satuatap.beneficiaries.views.assessments import assess, assessment_apply, assessment_detail, standards
from satuatap.beneficiaries.views.dedup import dedup_review, dedup_run, dedup_run_start, dedup_runs
from satuatap.beneficiaries.views.imports import (
    import_cancel,
    import_commit,
    import_detail,
    import_errors,
    import_list,
    import_new,
    import_row_correct,
    import_template,
)
from satuatap.beneficiaries.views.records import (
    aid_new,
    beneficiary_merge,
    consent_add,
    consent_withdraw,
    document_open,
    document_upload,
    not_duplicate,
    possible_duplicate_review,
    privacy,
)
from satuatap.beneficiaries.views.registry import (
    beneficiary_candidates,
    beneficiary_create,
    beneficiary_detail,
    beneficiary_edit,
    beneficiary_identifiers,
    beneficiary_list,
    beneficiary_search,
    beneficiary_status,
)

__all__ = [
    "aid_new",
    "assess",
    "assessment_apply",
    "assessment_detail",
    "beneficiary_candidates",
    "beneficiary_create",
    "beneficiary_detail",
    "beneficiary_edit",
    "beneficiary_identifiers",
    "beneficiary_list",
    "beneficiary_merge",
    "beneficiary_search",
    "beneficiary_status",
    "consent_add",
    "consent_withdraw",
    "dedup_review",
    "dedup_run",
    "dedup_run_start",
    "dedup_runs",
    "document_open",
    "document_upload",
    "import_cancel",
    "import_commit",
    "import_detail",
    "import_errors",
    "import_list",
    "import_new",
    "import_row_correct",
    "import_template",
    "not_duplicate",
    "possible_duplicate_review",
    "privacy",
    "standards",
]
