"""Reads of imports, scoped: a donors import is seen by who may manage donors in its unit,
a donations import by who may import donations there."""

from django.db.models import Q, QuerySet
from django.http import Http404

from satuatap.collection.imports.donations import CAPABILITY as DONATIONS_CAPABILITY
from satuatap.collection.imports.donors import CAPABILITY as DONORS_CAPABILITY
from satuatap.collection.models import ImportJob, ImportKind
from satuatap.organizations.models import Unit
from satuatap.organizations.selectors import subtree_q

# The file itself is read only by the tasks; pages never load it.
HEAVY = ("content", "errors", "summary")


def _visible(user) -> QuerySet[ImportJob]:
    visible = (Q(kind=ImportKind.DONORS) & subtree_q(user, DONORS_CAPABILITY)) | (
        Q(kind=ImportKind.DONATIONS) & subtree_q(user, DONATIONS_CAPABILITY)
    )
    return ImportJob.objects.filter(visible).select_related("unit", "created_by", "committed_by")


def import_jobs_for(user, *, within: Unit | None = None) -> QuerySet[ImportJob]:
    jobs = _visible(user).defer(*HEAVY)
    if within is not None:
        jobs = jobs.filter(unit__path__startswith=within.path)
    return jobs.order_by("-created_at", "-id")


def import_job_for(user, pk, *, light: bool = False) -> ImportJob:
    """The import with ``pk`` if the user may see it, without its file (``light``: without its errors and
    preview either, for the progress poll); 404 otherwise."""
    try:
        return _visible(user).defer(*(HEAVY if light else ("content",))).get(pk=pk)
    except (ImportJob.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
