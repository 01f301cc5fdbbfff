"""Background tasks of the registry (django-tasks). Each task lives beside the service it runs, which
queues it; this room lists them all: the batch duplicate search and an import's check and saving."""

from satuatap.beneficiaries.imports.jobs import import_commit_task, import_validate_task
from satuatap.beneficiaries.services.dedup import dedup_task

__all__ = ["dedup_task", "import_commit_task", "import_validate_task"]
