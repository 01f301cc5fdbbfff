"""Reads of the evidence of aid: disbursements still without it."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from satuatap.distribution.models import Disbursement, Evidence


def without_evidence(disbursements: QuerySet[Disbursement], *, on=None) -> QuerySet[Disbursement]:
    """The payments made ``EVIDENCE_DAYS`` or more before ``on`` whose application has no evidence yet."""
    on = on or timezone.localdate()
    cutoff = on - timedelta(days=settings.EVIDENCE_DAYS)
    has_evidence = Evidence.objects.filter(application=OuterRef("application"))
    return disbursements.filter(paid_on__lte=cutoff).exclude(Exists(has_evidence))
