"""Every write of distribution. Import services from here.

Programs and authority limits: ``program_save``, ``authority_limit_set``.
The application workflow: ``application_submit``, ``application_screen``, ``application_assess``,
``application_recommend``, ``application_decide``.
Disbursements (a loan program's opens its loan, ``loan_open``): ``disbursement_post``, ``disbursement_pay``
(its form asks ``disbursement_fields_check``); after the payment ``application_evidence_complete``,
``application_follow_up`` (its form asks ``follow_up_fields_check``).
Evidence: ``evidence_add``, ``evidence_open``, ``aid_receipt_pdf``.
The goods stock, loans, batches and the public form have their own sub-packages (``stock``, ``loans``,
``batches``, ``public``)."""

from satuatap.distribution.services.applications import (
    application_assess,
    application_decide,
    application_recommend,
    application_screen,
    application_submit,
    locked_for_step,
    step_record,
    tracking_code,
)
from satuatap.distribution.services.disbursements import (
    application_evidence_complete,
    application_follow_up,
    disbursement_fields_check,
    disbursement_pay,
    disbursement_post,
    follow_up_fields_check,
)
from satuatap.distribution.services.evidence import (
    EVIDENCE_STATUSES,
    aid_receipt_pdf,
    evidence_add,
    evidence_open,
)
from satuatap.distribution.services.programs import (
    PROGRAM_ASNAF,
    authority_limit_set,
    program_save,
)
from satuatap.distribution.services.schedule import (
    add_months,
    loan_open,
    schedule,
)

__all__ = [
    "EVIDENCE_STATUSES",
    "PROGRAM_ASNAF",
    "add_months",
    "aid_receipt_pdf",
    "application_assess",
    "application_decide",
    "application_evidence_complete",
    "application_follow_up",
    "application_recommend",
    "application_screen",
    "application_submit",
    "authority_limit_set",
    "disbursement_fields_check",
    "disbursement_pay",
    "disbursement_post",
    "evidence_add",
    "evidence_open",
    "follow_up_fields_check",
    "loan_open",
    "locked_for_step",
    "program_save",
    "schedule",
    "step_record",
    "tracking_code",
]
