"""Writes on the registry: register, change, status, assessment, consent, documents, merge,
aid history, data-subject requests. One function per business action, in a transaction,
taking the acting user; each checks the role on the unit and leaves an audit event. Import
services from here.

Registration (``registration``): ``beneficiary_register`` (``_online``, ``_possible_duplicate``),
``beneficiary_update``, ``status_change``, ``registration_problems`` (an import asks it for every
row), ``registered_niks``. Fields (``fields``): ``clean_fields`` and the checks the other services
share. Households (``households``): ``household_attach``. Consent (``consent``): ``consent_record``
(``_online``), ``consent_withdraw``. Assessment (``assessment``): ``standard_save``,
``assessment_record``, ``assessment_apply``. Identifiers and documents (``documents``):
``identifiers_read``, ``document_add`` (``_online``), ``document_open``. Duplicates
(``duplicates``): ``not_duplicate_mark``, ``beneficiary_merge``, ``possible_duplicate_review``; the
batch search (``dedup``): ``dedup_start``, ``dedup_pairs_review``. Aid history (``aid``):
``aid_record``. Data-subject requests (``privacy``): ``subject_export``, ``subject_erase``.
"""

from satuatap.beneficiaries.services.aid import (
    aid_record,
)
from satuatap.beneficiaries.services.assessment import (
    ASSESSMENT_FIELDS,
    CLASSIFIABLE,
    assessment_apply,
    assessment_record,
    may_apply_assessment,
    standard_save,
    suggestion_reason,
)
from satuatap.beneficiaries.services.consent import (
    consent_clean,
    consent_record,
    consent_record_online,
    consent_withdraw,
)
from satuatap.beneficiaries.services.dedup import (
    CHUNK,
    DedupRefused,
    dedup_execute,
    dedup_pairs_review,
    dedup_start,
    dedup_task,
    reason_text,
    registry_records,
)
from satuatap.beneficiaries.services.documents import (
    covering_unit,
    document_add,
    document_add_online,
    document_open,
    identifiers_read,
    may_add_documents,
)
from satuatap.beneficiaries.services.duplicates import (
    MERGE_FILLED,
    beneficiary_merge,
    not_duplicate_mark,
    possible_duplicate_review,
)
from satuatap.beneficiaries.services.fields import (
    BOOLEAN_FIELDS,
    HOUSEHOLD_FIELDS,
    IDENTIFIER_FIELDS,
    PLAIN_FIELDS,
    TEXT_FIELDS,
    audit_value,
    beneficiary_locked,
    clean_fields,
    coordinate_clean,
    fields_apply,
    institution_of,
    rupiah_clean,
)
from satuatap.beneficiaries.services.households import (
    household_attach,
)
from satuatap.beneficiaries.services.privacy import (
    ERASED_AUDIT_KEYS,
    ERASED_FIELDS,
    subject_erase,
    subject_export,
)
from satuatap.beneficiaries.services.registration import (
    STATUS_CAPABILITY,
    beneficiary_number_next,
    beneficiary_register,
    beneficiary_register_online,
    beneficiary_register_possible_duplicate,
    beneficiary_update,
    registered_niks,
    registration_problems,
    rules_check,
    status_change,
)

__all__ = [
    "ASSESSMENT_FIELDS",
    "BOOLEAN_FIELDS",
    "CHUNK",
    "CLASSIFIABLE",
    "DedupRefused",
    "ERASED_AUDIT_KEYS",
    "ERASED_FIELDS",
    "HOUSEHOLD_FIELDS",
    "IDENTIFIER_FIELDS",
    "MERGE_FILLED",
    "PLAIN_FIELDS",
    "STATUS_CAPABILITY",
    "TEXT_FIELDS",
    "aid_record",
    "assessment_apply",
    "assessment_record",
    "audit_value",
    "beneficiary_locked",
    "beneficiary_merge",
    "beneficiary_number_next",
    "beneficiary_register",
    "beneficiary_register_online",
    "beneficiary_register_possible_duplicate",
    "beneficiary_update",
    "clean_fields",
    "consent_clean",
    "consent_record",
    "consent_record_online",
    "consent_withdraw",
    "coordinate_clean",
    "covering_unit",
    "dedup_execute",
    "dedup_pairs_review",
    "dedup_start",
    "dedup_task",
    "document_add",
    "document_add_online",
    "document_open",
    "fields_apply",
    "household_attach",
    "identifiers_read",
    "institution_of",
    "may_add_documents",
    "may_apply_assessment",
    "not_duplicate_mark",
    "possible_duplicate_review",
    "reason_text",
    "registered_niks",
    "registration_problems",
    "registry_records",
    "rules_check",
    "rupiah_clean",
    "standard_save",
    "status_change",
    "subject_erase",
    "subject_export",
    "suggestion_reason",
]
