"""Reads of beneficiaries imports, scoped: an import is seen by who may import in its unit's subtree."""

from django.db.models import QuerySet
from django.http import Http404

from satuatap.beneficiaries.imports.jobs import CAPABILITY
from satuatap.beneficiaries.models import BeneficiaryImport
from satuatap.organizations.models import Unit
from satuatap.organizations.selectors import subtree_q

# The file itself is read only by the tasks; pages never load it.
HEAVY = ("content", "errors", "duplicates", "summary")


def _visible(user) -> QuerySet[BeneficiaryImport]:
    return BeneficiaryImport.objects.filter(subtree_q(user, CAPABILITY)).select_related(
        "unit", "created_by", "committed_by"
    )


def import_jobs_for(user, *, within: Unit | None = None) -> QuerySet[BeneficiaryImport]:
    jobs = _visible(user).defer(*HEAVY)
    if within is not None:
        jobs = jobs.filter(unit__path__startswith=within.path)
    return jobs.order_by("-created_at", "-id")


def import_job_for(user, pk, *, light: bool = False) -> BeneficiaryImport:
    """The import with ``pk`` if the user may see it, without its file (``light``: without its errors and
    flags either, for the progress poll); 404 otherwise."""
    try:
        return _visible(user).defer(*(HEAVY if light else ("content",))).get(pk=pk)
    except (BeneficiaryImport.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
