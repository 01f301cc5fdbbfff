"""Reads of the evidence of aid: disbursements still without it.
"""

from datetime import timedelta
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record
from satuatap.core.exports import pdf_bytes
from satuatap.core.formatting import amount_in_words
from satuatap.core.uploads import keep_upload, open_kept
from satuatap.distribution.errors import DistributionRefused
from satuatap.distribution.models import Application, AppStatus, Disbursement, Evidence, EvidenceKind
from satuatap.organizations.permissions import require


def without_evidence(disbursements: QuerySet[Disbursement], *, on=None) -> QuerySet[Disbursement]:
    """The payments made ``EVIDENCE_DAYS`` or more before ``on`` whose application has no evidence yet."""
    on = on or timezone.localdate()
    cutoff = on - timedelta(days=settings.EVIDENCE_DAYS)
    has_evidence = Evidence.objects.filter(application=OuterRef("application"))
    return disbursements.filter(paid_on__lte=cutoff).exclude(Exists(has_evidence))
