"""Pages of distribution: applications, programs and limits (setup), the report, evidence.

The goods stock, loans, batches and the public form have their own sub-packages.
"""

from satuatap.distribution.views.applications import (
    PAGE,
    UNDECIDED,
    application_assess,
    application_decide,
    application_detail,
    application_evidence_complete,
    application_follow_up,
    application_list,
    application_make_eligible,
    application_new,
    application_pay,
    application_recommend,
    application_screen,
    people_search,
)
from satuatap.distribution.views.evidence import (
    EvidenceForm,
    aid_receipt,
    evidence_open,
    evidence_upload,
)
from satuatap.distribution.views.report import (
    MONTH_INPUT,
    PeriodForm,
    report,
)
from satuatap.distribution.views.setup import (
    disbursement_list,
    limits,
    pillars,
    program_edit,
    program_list,
    program_new,
)

__all__ = [
    "EvidenceForm",
    "MONTH_INPUT",
    "PAGE",
    "PeriodForm",
    "UNDECIDED",
    "aid_receipt",
    "application_assess",
    "application_decide",
    "application_detail",
    "application_evidence_complete",
    "application_follow_up",
    "application_list",
    "application_make_eligible",
    "application_new",
    "application_pay",
    "application_recommend",
    "application_screen",
    "disbursement_list",
    "evidence_open",
    "evidence_upload",
    "limits",
    "people_search",
    "pillars",
    "program_edit",
    "program_list",
    "program_new",
    "report",
]
